import Crypto
import Foundation
import SkeinCore
package import SkeinOTLP

/// The compiled rule set ingest applies to span, event, link and resource attributes before
/// anything else sees them. The first rule that selects a key decides; a key no rule selects
/// is kept as it is.
package struct RedactionRules: AttributeRedactor, Equatable {
    package let rules: [RedactionRule]
    /// `redaction.hash_salt`: prepended to a value before hashing, so a hash cannot be looked
    /// up in a table of hashes of likely values. Default empty.
    package let hashSalt: String
    private let compiled: [Compiled]
    /// The first exact-key rule of each key, found without running any pattern.
    private let ruleByExactKey: [String: Int]
    /// Whether any rule selects keys by pattern (otherwise the exact map answers alone).
    private let hasKeyPatterns: Bool

    /// Patterns are ICU regular expressions (NSRegularExpression): the Swift `Regex` took 13 µs
    /// a span more for one e-mail mask in skein-bench-storage --rewrite-compare (BENCHMARKS.md).
    private struct Compiled: @unchecked Sendable {
        // NSRegularExpression is immutable and documented as safe to use from several threads.
        var keyPattern: NSRegularExpression?
        var valuePattern: NSRegularExpression?
    }

    /// No rules: keeps everything.
    package init() {
        self.rules = []
        self.hashSalt = ""
        self.compiled = []
        self.ruleByExactKey = [:]
        self.hasKeyPatterns = false
    }

    /// Compiles every pattern; refuses a pattern that does not compile and a drop or hash rule
    /// that selects `service.name` (every stage needs the service's name as sent).
    package init(rules: [RedactionRule], hashSalt: String = "") throws(RedactionRuleError) {
        var compiled: [Compiled] = []
        var exact: [String: Int] = [:]
        for (index, rule) in rules.enumerated() {
            var entry = Compiled()
            switch rule.selector {
            case .key(let key):
                guard !key.isEmpty else { throw RedactionRuleError(index: index, field: "key", reason: "must not be empty") }
                if exact[key] == nil { exact[key] = index }
            case .keyPattern(let pattern):
                entry.keyPattern = try Self.compile(pattern, index: index, field: "key_pattern")
            }
            if let pattern = rule.pattern { entry.valuePattern = try Self.compile(pattern, index: index, field: "pattern") }
            compiled.append(entry)
            if rule.action != .mask, Self.selects(rule, entry, key: "service.name") {
                throw RedactionRuleError(index: index, field: "", reason: "would \(rule.action.rawValue) the resource's service.name, " +
                                         "which sampling, rollups and search need; narrow its key or key_pattern")
            }
        }
        self.rules = rules
        self.hashSalt = hashSalt
        self.compiled = compiled
        self.ruleByExactKey = exact
        self.hasKeyPatterns = compiled.contains { $0.keyPattern != nil }
    }

    package var isEmpty: Bool { rules.isEmpty }

    package static func == (lhs: RedactionRules, rhs: RedactionRules) -> Bool {
        lhs.rules == rhs.rules && lhs.hashSalt == rhs.hashSalt
    }

    // MARK: AttributeRedactor

    package func rule(forKey key: String) -> Int? {
        let exact = ruleByExactKey[key]
        guard hasKeyPatterns else { return exact }
        // A pattern rule listed before the exact one wins: the first rule in order decides.
        for index in 0..<(exact ?? rules.count) where compiled[index].keyPattern != nil {
            if Self.selects(rules[index], compiled[index], key: key) { return index }
        }
        return exact
    }

    package func action(of rule: Int) -> RedactionAction { rules[rule].action }

    package func redact(_ text: String, rule: Int) -> String? {
        switch rules[rule].action {
        case .drop: return nil
        case .hash: return "sha256:" + Hex.string(bytes: SHA256.hash(data: Array((hashSalt + text).utf8)))
        case .mask:
            guard let pattern = compiled[rule].valuePattern else { return rules[rule].replacement }
            let range = NSRange(text.startIndex..., in: text)
            // Looking first keeps the common case (no match) free of the replacing copy.
            guard pattern.firstMatch(in: text, range: range) != nil else { return nil }
            return pattern.stringByReplacingMatches(in: text, range: range,
                                                    withTemplate: NSRegularExpression.escapedTemplate(for: rules[rule].replacement))
        }
    }

    // MARK: helpers

    private static func compile(_ pattern: String, index: Int, field: String) throws(RedactionRuleError) -> NSRegularExpression {
        guard !pattern.isEmpty else { throw RedactionRuleError(index: index, field: field, reason: "must not be empty") }
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw RedactionRuleError(index: index, field: field, reason: "is not a valid regular expression ('\(pattern)': \(error))")
        }
    }

    private static func selects(_ rule: RedactionRule, _ compiled: Compiled, key: String) -> Bool {
        switch rule.selector {
        case .key(let name): return name == key
        case .keyPattern:
            guard let pattern = compiled.keyPattern else { return false }
            return pattern.firstMatch(in: key, range: NSRange(key.startIndex..., in: key)) != nil
        }
    }
}
