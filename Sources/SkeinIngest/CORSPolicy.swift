/// Which browser origins may send spans (otlp-wire.md §3.3). Patterns may hold `*` wildcards.
struct CORSPolicy: Sendable {
    let patterns: [String]
    let maxAgeSeconds: Int

    var isEnabled: Bool { !patterns.isEmpty }

    func allows(origin: String) -> Bool {
        patterns.contains { Self.matches(pattern: Array($0.utf8)[...], text: Array(origin.utf8)[...]) }
    }

    /// Glob match where `*` stands for any run of characters, iterative to stay linear-ish.
    static func matches(pattern: ArraySlice<UInt8>, text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var star: Int? = nil, resume = text.startIndex
        while t < text.endIndex {
            if p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") {
                star = p
                resume = t
                p += 1
            } else if p < pattern.endIndex, pattern[p] == text[t] {
                p += 1
                t += 1
            } else if let starAt = star {
                p = starAt + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }
}
