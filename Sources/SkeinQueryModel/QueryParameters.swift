import Foundation

/// The query string as Go's `url.ParseQuery` reads it: `&`-separated, `+` is a space, values
/// percent-decoded, keys may repeat. Jaeger clients rely on these rules for tag values that
/// hold `=`, `#`, `&`, `+` or `?`.
package struct QueryParameters: Sendable {
    package private(set) var pairs: [(key: String, value: String)] = []

    package init(_ query: String?) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Self.decode(pieces[0])
            let value = pieces.count > 1 ? Self.decode(pieces[1]) : ""
            pairs.append((key, value))
        }
    }

    package static func decode(_ text: Substring) -> String {
        let spaced = text.replacingOccurrences(of: "+", with: " ")
        return spaced.removingPercentEncoding ?? spaced
    }

    /// The first value of `key`, or nil when absent.
    package subscript(_ key: String) -> String? { pairs.first { $0.key == key }?.value }

    /// The first non-empty value among several spellings of a key (`spanKind`, `span_kind`).
    package func first(_ keys: String...) -> String? {
        for key in keys { if let value = self[key], !value.isEmpty { return value } }
        return nil
    }

    package func all(_ key: String) -> [String] { pairs.filter { $0.key == key }.map(\.value) }
}

/// A bad request parameter, with the message Jaeger would send.
package struct ParameterError: Error {
    package var message: String
    package init(_ message: String) { self.message = message }
}
