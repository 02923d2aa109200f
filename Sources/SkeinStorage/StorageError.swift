package import SkeinCore

/// Failures of the embedded store. Reads and writes that fail are retryable from a sender's
/// point of view: nothing was acknowledged, and the same data can be sent again.
package enum StorageError: Error, CustomStringConvertible, RetryableError {
    case cannotOpen(path: String, reason: String)
    case writeFailed(String)
    case readFailed(String)
    case corrupt(String)
    case closed

    package var description: String {
        switch self {
        case .cannotOpen(let path, let reason):
            "cannot open the store at '\(path)': \(reason) (is another skein using this data dir?)"
        case .writeFailed(let reason): "storage write failed: \(reason)"
        case .readFailed(let reason): "storage read failed: \(reason)"
        case .corrupt(let reason): "stored data is unreadable: \(reason)"
        case .closed: "the store is closed (shutting down)"
        }
    }

    package var retryAfterSeconds: Int { 5 }
}
