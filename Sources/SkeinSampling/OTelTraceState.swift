/// The OpenTelemetry member (`ot=…`) of a W3C `tracestate` and its `th` and `rv` sub-keys
/// (otlp-wire.md §5.2, §5.4). Reading ignores invalid values; writing keeps every other member
/// and sub-key as it was.
package struct OTelTraceState: Sendable, Equatable {
    /// The rejection threshold `th`, when present and valid.
    package var threshold: UInt64?
    /// The explicit randomness `rv`, when present and valid.
    package var randomness: UInt64?

    package init(threshold: UInt64? = nil, randomness: UInt64? = nil) {
        self.threshold = threshold
        self.randomness = randomness
    }

    /// Parses the `ot` member of a tracestate; empty when there is none.
    package init(parsing traceState: String) {
        self.init()
        guard let value = Self.otValue(traceState) else { return }
        for pair in value.split(separator: ";") {
            guard let colon = pair.firstIndex(of: ":") else { continue }
            let subkey = pair[..<colon]
            let text = pair[pair.index(after: colon)...]
            if subkey == "th", threshold == nil { threshold = ConsistentProbability.decodeThreshold(text) }
            if subkey == "rv", randomness == nil { randomness = ConsistentProbability.decodeRandomness(text) }
        }
    }

    /// `traceState` with `th` set to `threshold`, or removed when nil. The `ot` member moves to
    /// the front, as W3C Trace Context asks of a modified member; it disappears when it has no
    /// sub-keys left.
    package static func settingThreshold(_ threshold: UInt64?, in traceState: String) -> String {
        var members: [Substring] = []
        var subkeys: [Substring] = []
        for member in traceState.split(separator: ",") {
            let trimmed = member.trimmingWhitespace
            guard !trimmed.isEmpty else { continue }
            if trimmed.hasPrefix("ot="), subkeys.isEmpty {
                subkeys = trimmed.dropFirst(3).split(separator: ";").filter { !$0.hasPrefix("th:") && !$0.isEmpty }
            } else if !trimmed.hasPrefix("ot=") {
                members.append(trimmed)
            }
        }
        if let threshold { subkeys.insert(Substring("th:" + ConsistentProbability.encode(threshold: threshold)), at: 0) }
        if !subkeys.isEmpty { members.insert(Substring("ot=" + subkeys.joined(separator: ";")), at: 0) }
        return members.joined(separator: ",")
    }

    /// The value of the first `ot` member, without parsing anything else.
    private static func otValue(_ traceState: String) -> Substring? {
        // Most spans carry no OpenTelemetry member; skip the split for them.
        guard traceState.contains("ot=") else { return nil }
        for member in traceState.split(separator: ",") {
            let trimmed = member.trimmingWhitespace
            if trimmed.hasPrefix("ot=") { return trimmed.dropFirst(3) }
        }
        return nil
    }
}

extension Substring {
    /// Without the spaces and tabs W3C allows around list members.
    fileprivate var trimmingWhitespace: Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
