package import SkeinOTLP

/// One redaction rule as configured (`redaction.rules[i]`): which keys it selects and what it
/// does to their values. Plain text, so a configuration compares equal to itself; `RedactionRules`
/// compiles the patterns.
package struct RedactionRule: Sendable, Equatable {
    package enum Selector: Sendable, Equatable {
        /// `key`: exactly this attribute key.
        case key(String)
        /// `key_pattern`: keys in which this regular expression finds a match (anchor it with
        /// `^…$` to match whole keys).
        case keyPattern(String)
    }

    package var selector: Selector
    package var action: RedactionAction
    /// `pattern` (mask only): what to replace in a string value; nil replaces the whole value.
    package var pattern: String?
    /// `replacement` (mask only). Default `****`.
    package var replacement: String

    package init(selector: Selector, action: RedactionAction, pattern: String? = nil, replacement: String = "****") {
        self.selector = selector
        self.action = action
        self.pattern = pattern
        self.replacement = replacement
    }
}

/// Why a rule cannot be used: the rule's field and what is wrong with it.
package struct RedactionRuleError: Error, Equatable {
    /// The rule's index in the list.
    package var index: Int
    /// `key_pattern`, `pattern` or empty for the rule as a whole.
    package var field: String
    package var reason: String
}
