import CYaml

/// Reads YAML from libyaml's events straight into `YAMLValue`s: what `Yams.Parser` (basic resolver) followed
/// by `YAMLValueConverter` give, at a fraction of the cost, because no Yams nodes are built.
///
/// The same parser, the same errors (libyaml's, undefined aliases, duplicate keys, anchors shared across
/// documents), the same budget of converted nodes and depth, all counted as the converter counts them.
/// Keys that are not plain strings (collections, aliases, tags other than `!!str`) are not modelled: the
/// reader then answers `unsupported`, and the caller takes the Yams path.
struct YAMLEventReader {
    enum Outcome: Equatable {
        case documents([YAMLValue])
        case failed(YAMLSkipReason)
        case unsupported
    }

    /// A converted node with what the converter would spend on it: nodes counted and nesting below it.
    private struct Built {
        var value: YAMLValue
        var cost: Int
        var height: Int
    }

    /// Reads every document of `bytes` (valid UTF-8).
    static func read(_ bytes: [UInt8], nodeBudget: Int, maximumDepth: Int) -> Outcome {
        bytes.withUnsafeBufferPointer { buffer in
            let events = EventStream(buffer)
            var anchors: [String: Built] = [:]
            var documents: [YAMLValue] = []
            var cost = 0
            var height = 0
            do throws(Stop) {
                try events.next()  // stream start
                while events.type != YAML_STREAM_END_EVENT {
                    try events.next()  // document start, or stream end
                    if events.type == YAML_STREAM_END_EVENT { break }
                    try events.next()
                    let root = try node(events, anchors: &anchors)
                    try events.next()  // document end
                    documents.append(root.value)
                    cost += root.cost
                    height = max(height, root.height)
                }
            } catch {
                return error == .unsupported ? .unsupported : .failed(.invalidYAML)
            }
            guard cost <= nodeBudget, height <= maximumDepth else { return .failed(.tooComplex) }
            return .documents(documents)
        }
    }

    /// The node whose first event is the current one; leaves its last event current.
    private static func node(_ events: EventStream, anchors: inout [String: Built]) throws(Stop) -> Built {
        let built: Built
        let anchor: String?
        switch events.type {
        case YAML_ALIAS_EVENT:
            guard let name = events.string(events.event.data.alias.anchor), let target = anchors[name] else { throw .invalid }
            return target
        case YAML_SCALAR_EVENT:
            let scalar = events.event.data.scalar
            let text = events.text(scalar.value, scalar.length)
            let kind = YAMLValueConverter.kind(text: text, isPlain: isPlain(scalar.style))
            built = Built(value: .scalar(kind, kind == .null ? "" : text), cost: 1, height: 0)
            anchor = events.string(scalar.anchor)
        case YAML_SEQUENCE_START_EVENT:
            anchor = events.string(events.event.data.sequence_start.anchor)
            var items: [YAMLValue] = []
            var cost = 1
            var height = 0
            try events.next()
            while events.type != YAML_SEQUENCE_END_EVENT {
                let item = try node(events, anchors: &anchors)
                items.append(item.value)
                cost += item.cost
                height = max(height, item.height + 1)
                try events.next()
            }
            built = Built(value: .sequence(items), cost: cost, height: height)
        case YAML_MAPPING_START_EVENT:
            anchor = events.string(events.event.data.mapping_start.anchor)
            built = try mapping(events, anchors: &anchors)
        default:
            throw .invalid
        }
        if let anchor { anchors[anchor] = built }
        return built
    }

    /// A mapping, as `YAMLValueConverter` builds it: explicit keys win over merged (`<<`) ones.
    private static func mapping(_ events: EventStream, anchors: inout [String: Built]) throws(Stop) -> Built {
        var explicit: [String: YAMLValue] = [:]
        var merged: [String: YAMLValue] = [:]
        var keys = Set<String>()
        var duplicated = false
        var cost = 1
        var height = 0
        try events.next()
        while events.type != YAML_MAPPING_END_EVENT {
            guard events.type == YAML_SCALAR_EVENT else { throw .unsupported }
            let scalar = events.event.data.scalar
            // Yams compares keys by text and resolved tag: plain and quoted keys both resolve to `str`.
            if scalar.quoted_implicit == 0, let tag = events.string(scalar.tag), tag != "tag:yaml.org,2002:str" {
                throw .unsupported
            }
            let key = events.text(scalar.value, scalar.length)
            let isMergeKey = key == "<<" && isPlain(scalar.style)
            if let name = events.string(scalar.anchor) {
                let kind = YAMLValueConverter.kind(text: key, isPlain: isPlain(scalar.style))
                anchors[name] = Built(value: .scalar(kind, kind == .null ? "" : key), cost: 1, height: 0)
            }
            if !keys.insert(key).inserted { duplicated = true }
            try events.next()
            let value = try node(events, anchors: &anchors)
            cost += 1 + value.cost
            height = max(height, value.height + 1)
            if isMergeKey {
                for source in mergeSources(value.value) {
                    for (name, item) in source where merged[name] == nil { merged[name] = item }
                }
            } else {
                explicit[key] = value.value
            }
            try events.next()
        }
        // Yams checks for duplicate keys once the mapping is complete.
        if duplicated { throw .invalid }
        return Built(value: .mapping(explicit.merging(merged) { explicitValue, _ in explicitValue }), cost: cost, height: height)
    }

    private static func mergeSources(_ value: YAMLValue) -> [[String: YAMLValue]] {
        switch value {
        case let .mapping(entries): return [entries]
        case let .sequence(items): return items.compactMap { if case let .mapping(e) = $0 { e } else { nil } }
        default: return []
        }
    }

    private static func isPlain(_ style: yaml_scalar_style_t) -> Bool {
        style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE
    }
}

/// libyaml's parser over a buffer, one current event at a time.
private final class EventStream {
    private var parser = yaml_parser_t()
    private(set) var event = yaml_event_t()
    private var holdsEvent = false

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        yaml_parser_initialize(&parser)
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
    }

    deinit {
        if holdsEvent { yaml_event_delete(&event) }
        yaml_parser_delete(&parser)
    }

    var type: yaml_event_type_t { event.type }

    /// Moves to the next event; a parse error throws.
    func next() throws(Stop) {
        if holdsEvent { yaml_event_delete(&event) }
        holdsEvent = yaml_parser_parse(&parser, &event) == 1
        if !holdsEvent { throw .invalid }
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}

/// Why the event reader stopped: the YAML is invalid, or it uses what the reader does not model.
private enum Stop: Error { case invalid, unsupported }
