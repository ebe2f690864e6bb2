/// ANSI styling that is the identity when colour is off, so that not one escape byte is written then.
struct TerminalStyle: Sendable {
    enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", cyan = "36"
    }

    let useColor: Bool

    /// `text` in `style`; `text` itself when colour is off or there is no style.
    func paint(_ text: String, _ style: Style?) -> String {
        guard useColor, let style, !text.isEmpty else { return text }
        return "\u{1B}[" + style.rawValue + "m" + text + "\u{1B}[0m"
    }

    /// The style that marks a change kind.
    static func style(forChange change: String) -> Style? {
        switch change {
        case "added": .green
        case "removed": .red
        case "modified": .yellow
        case "renamed": .cyan
        default: nil
        }
    }

    static func style(for status: VerificationStatus) -> Style {
        switch status {
        case .reconciled: .green
        case .pending, .skipped: .yellow
        case .failed: .red
        }
    }
}

/// Columns aligned by display width; cells hold display-safe text and are painted after padding.
struct TextTable {
    struct Cell {
        var text: String
        var style: TerminalStyle.Style? = nil
        var alignRight = false
    }

    var rows: [[Cell]]

    /// One line per row, columns two spaces apart, no trailing spaces.
    func lines(_ terminal: TerminalStyle, indent: String = "") -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        let widths = (0..<columns).map { column in
            rows.map { column < $0.count ? DisplayText.width(of: $0[column].text) : 0 }.max() ?? 0
        }
        return rows.map { row in
            var line = indent
            for (column, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[column] - DisplayText.width(of: cell.text))
                let isLast = column == row.count - 1
                if column > 0 { line += "  " }
                if cell.alignRight {
                    line += padding + terminal.paint(cell.text, cell.style)
                } else {
                    line += terminal.paint(cell.text, cell.style) + (isLast ? "" : padding)
                }
            }
            return line
        }
    }
}
