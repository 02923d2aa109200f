import Hummingbird
import SkeinQueryModel

extension MetricsParameters {
    /// Whether the answer should be CSV: `format=csv`, or an Accept header asking for text/csv.
    static func wantsCSV(_ request: Request, _ parameters: QueryParameters) throws(ParameterError) -> Bool {
        switch parameters["format"]?.lowercased() {
        case "csv": return true
        case "json": return false
        case nil, "": return request.headers[.accept]?.contains("text/csv") == true
        case let other?: throw ParameterError("unsupported 'format': '\(other ?? "")' (use json or csv)")
        }
    }
}
