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

    /// Reads every document of `bytes` (valid UTF-8).
    static func read(_ bytes: [UInt8], nodeBudget: Int, maximumDepth: Int) -> Outcome {
        bytes.withUnsafeBufferPointer { buffer in
            let events = EventStream(buffer)
            var builder = Builder(events: events)
            var documents: [YAMLValue] = []
            var cost = 0
            var height = 0
            do throws(Stop) {
                try events.next()  // stream start
                while events.type != YAML_STREAM_END_EVENT {
                    try events.next()  // document start, or stream end
                    if events.type == YAML_STREAM_END_EVENT { break }
                    try events.next()
                    let root = try builder.node()
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
}

/// A converted node with what the converter would spend on it: nodes counted and nesting below it.
private struct Built {
    var value: YAMLValue
    var cost: Int
    var height: Int
}

/// Builds values from the events of one stream. Anchors are shared by its documents; the entries of the
/// mappings being read wait on one stack, so that each mapping's dictionary is made once, at its final size.
private struct Builder {
    let events: EventStream
    private var anchors: [String: Built] = [:]
    private var pendingEntries: [(key: String, value: YAMLValue)] = []

    init(events: EventStream) { self.events = events }

    /// The node whose first event is the current one; leaves its last event current.
    mutating func node() throws(Stop) -> Built {
        let built: Built
        let anchor: String?
        let event = events.event.pointee
        switch event.type {
        case YAML_ALIAS_EVENT:
            guard let name = string(event.data.alias.anchor), let target = anchors[name] else { throw .invalid }
            return target
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = Self.text(scalar.value, scalar.length)
            built = Built(value: .scalar(text: text, isPlain: isPlain(scalar.style)), cost: 1, height: 0)
            anchor = string(scalar.anchor)
        case YAML_SEQUENCE_START_EVENT:
            anchor = string(event.data.sequence_start.anchor)
            var items: [YAMLValue] = []
            var cost = 1
            var height = 0
            try events.next()
            while events.type != YAML_SEQUENCE_END_EVENT {
                let item = try node()
                items.append(item.value)
                cost += item.cost
                height = max(height, item.height + 1)
                try events.next()
            }
            built = Built(value: .sequence(items), cost: cost, height: height)
        case YAML_MAPPING_START_EVENT:
            anchor = string(event.data.mapping_start.anchor)
            built = try mapping()
        default:
            throw .invalid
        }
        if let anchor { anchors[anchor] = built }
        return built
    }

    /// A mapping, as `YAMLValueConverter` builds it: explicit keys win over merged (`<<`) ones.
    ///
    /// Yams rejects a mapping with a key seen twice once the mapping is complete, comparing keys by text and
    /// resolved tag: plain and quoted keys both resolve to `str`, so a quoted `"<<"` repeats a merge key.
    private mutating func mapping() throws(Stop) -> Built {
        let first = pendingEntries.count
        var merged: [String: YAMLValue] = [:]
        var mergeKeys = 0
        var cost = 1
        var height = 0
        try events.next()
        while events.type != YAML_MAPPING_END_EVENT {
            guard events.type == YAML_SCALAR_EVENT else { throw .unsupported }
            let scalar = events.event.pointee.data.scalar
            if scalar.quoted_implicit == 0, let tag = string(scalar.tag), tag != "tag:yaml.org,2002:str" {
                throw .unsupported
            }
            let key = Self.text(scalar.value, scalar.length)
            let plain = isPlain(scalar.style)
            if let name = string(scalar.anchor) {
                anchors[name] = Built(value: .scalar(text: key, isPlain: plain), cost: 1, height: 0)
            }
            try events.next()
            let value = try node()
            cost += 1 + value.cost
            height = max(height, value.height + 1)
            if plain && key == "<<" {
                mergeKeys += 1
                for source in Self.mergeSources(value.value) {
                    for (name, item) in source where merged[name] == nil { merged[name] = item }
                }
            } else {
                pendingEntries.append((key, value.value))
            }
            try events.next()
        }
        var entries = [String: YAMLValue](minimumCapacity: pendingEntries.count - first + merged.count)
        var duplicated = mergeKeys > 1
        for (key, value) in pendingEntries[first...] {
            if entries.updateValue(value, forKey: key) != nil { duplicated = true }
        }
        pendingEntries.removeSubrange(first...)
        if mergeKeys > 0 && entries["<<"] != nil { duplicated = true }
        if duplicated { throw .invalid }
        for (name, item) in merged where entries[name] == nil { entries[name] = item }
        return Built(value: .mapping(entries), cost: cost, height: height)
    }

    private static func mergeSources(_ value: YAMLValue) -> [[String: YAMLValue]] {
        switch value {
        case let .mapping(entries): return [entries]
        case let .sequence(items): return items.compactMap { if case let .mapping(e) = $0 { e } else { nil } }
        default: return []
        }
    }

    private func isPlain(_ style: yaml_scalar_style_t) -> Bool {
        style == YAML_PLAIN_SCALAR_STYLE || style == YAML_ANY_SCALAR_STYLE
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?, _ length: Int) -> String {
        String(decoding: UnsafeBufferPointer(start: pointer, count: length), as: UTF8.self)
    }
}

/// libyaml's parser over a buffer, one current event at a time. Its state lives outside the object, so
/// reading it needs no exclusivity checks.
private final class EventStream {
    private let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
    /// The current event; all zero (no event) before the first and after a failed parse.
    let event = UnsafeMutablePointer<yaml_event_t>.allocate(capacity: 1)

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        parser.initialize(to: yaml_parser_t())
        event.initialize(to: yaml_event_t())
        yaml_parser_initialize(parser)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, buffer.baseAddress, buffer.count)
    }

    deinit {
        yaml_event_delete(event)
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
    }

    var type: yaml_event_type_t { event.pointee.type }

    /// Moves to the next event; a parse error throws.
    func next() throws(Stop) {
        yaml_event_delete(event)
        if yaml_parser_parse(parser, event) != 1 { throw .invalid }
    }
}

/// Why the event reader stopped: the YAML is invalid, or it uses what the reader does not model.
private enum Stop: Error { case invalid, unsupported }
