import Foundation
import Yams

/// Reads the YAML documents of one blob within fixed limits, so that no file can fail or stall a run.
struct ManifestReader: Sendable {
    /// Larger blobs are not read.
    var maximumBytes = 1 << 20
    /// More possible aliases than this and the blob is not read.
    var maximumAliases = 32
    /// Deepest nesting converted, aliases included (libyaml itself stops at 1000 per document).
    var maximumDepth = 512
    /// Reads plain block YAML through `BlockYAMLReader`; `false` leaves all of it to the paths below (to compare).
    var readsBlockYAML = true
    /// Reads through `YAMLEventReader` where it can; `false` always takes the Yams path (to compare the two).
    var readsEvents = true

    /// Every document of `data`; throws why the blob cannot be read safely.
    ///
    /// Non-mapping documents are returned too; callers skip what they do not need. Work is bounded by the
    /// size of `data`: at most four converted nodes per byte, however many aliases it uses.
    func documents(in data: Data) throws(YAMLSkipReason) -> [YAMLValue] {
        guard data.count <= maximumBytes else { throw .tooLarge }
        let bytes = [UInt8](data)
        let nodeBudget = 4 * bytes.count + 64
        // What it accepts is printable ASCII without aliases, so neither check below could fail on it.
        if readsBlockYAML, let documents = BlockYAMLReader.read(bytes, nodeBudget: nodeBudget, maximumDepth: maximumDepth) {
            return documents
        }
        guard !bytes.contains(0), (try? UTF8Span(validating: bytes.span)) != nil else { throw .binary }
        guard AliasScan(bytes).isSafe(maximumAliases: maximumAliases) else { throw .unsafeAliases }

        if readsEvents {
            switch YAMLEventReader.read(bytes, nodeBudget: nodeBudget, maximumDepth: maximumDepth) {
            case .documents(let documents): return documents
            case .failed(let reason): throw reason
            case .unsupported: break
            }
        }

        let nodes: [Node]
        do {
            let parser = try Parser(yaml: String(decoding: bytes, as: UTF8.self), resolver: .basic, constructor: .default, encoding: .utf8)
            var parsed: [Node] = []
            while let node = try parser.nextRoot() { parsed.append(node) }
            nodes = parsed
        } catch {
            throw .invalidYAML
        }

        var converter = YAMLValueConverter(nodeBudget: nodeBudget, maximumDepth: maximumDepth)
        var documents: [YAMLValue] = []
        for node in nodes { documents.append(try converter.convert(node)) }
        return documents
    }
}
