import Foundation
import Logging
import Promote

/// A swift-log handler that writes one line per message to stderr (never stdout):
/// `note: …`, `warning: …`, `error: …`, and with `--verbose` `info: …` and `debug: …`; the level word coloured on a
/// terminal without `NO_COLOR`. Messages are escaped (`DisplayText`), metadata is appended as `key=value`.
struct ConsoleLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]
    let color: Bool
    let stream: StderrStream

    init(level: Logger.Level, color: Bool, stream: StderrStream = .shared) {
        self.logLevel = level
        self.color = color
        self.stream = stream
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        stream.line(Self.format(event.level, event.message.description,
                                metadata: metadata.merging(event.metadata ?? [:]) { _, new in new }, color: color))
    }

    /// `level: message key=value …`.
    static func format(_ level: Logger.Level, _ message: String, metadata: Logger.Metadata, color: Bool) -> String {
        let name: String
        let style: String
        switch level {
        case .trace, .debug: (name, style) = ("debug", "2")
        case .info: (name, style) = ("info", "36")
        case .notice: (name, style) = ("note", "1")
        case .warning: (name, style) = ("warning", "33")
        case .error, .critical: (name, style) = ("error", "31")
        }
        let word = color ? "\u{1B}[\(style)m\(name):\u{1B}[0m" : "\(name):"
        let fields = metadata.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        return word + " " + DisplayText.escaped(message + fields)
    }
}

extension Logger {
    /// The tool's logger: `--verbose` shows debug and info, the default notices and warnings, `--quiet` only
    /// warnings and errors.
    static func console(verbose: Bool, quiet: Bool, color: Bool) -> Logger {
        let level: Logger.Level = verbose ? .debug : quiet ? .warning : .notice
        return Logger(label: "keos-promote") { _ in ConsoleLogHandler(level: level, color: color) }
    }
}
