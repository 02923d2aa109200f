/// An invalid configuration: names the key (as written in the file) and the rule it breaks.
/// `skein serve` prints it on one line and exits non-zero before anything starts.
package struct ConfigurationError: Error, CustomStringConvertible, Equatable {
    package var key: String
    package var rule: String

    package init(key: String, rule: String) {
        self.key = key
        self.rule = rule
    }

    package var description: String { key.isEmpty ? "invalid configuration: \(rule)" : "invalid configuration: '\(key)' \(rule)" }
}
