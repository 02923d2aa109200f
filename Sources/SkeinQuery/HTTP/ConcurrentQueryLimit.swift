import Hummingbird
import Synchronization

/// Answers 503 with `Retry-After` at once when `limit` API requests are already being answered:
/// an overloaded server says so instead of letting every query slow down together. Live-tail
/// streams stay open for minutes and have their own limit (`query.max_tail_subscribers`), so
/// they do not count; nor do the viewer's files and the health checks.
struct ConcurrentQueryLimit: RouterMiddleware {
    typealias Context = QueryContext
    let limit: Int
    private let running = Running()

    init(limit: Int) { self.limit = limit }

    private final class Running: Sendable {
        let count = Atomic<Int>(0)
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard path.hasPrefix("/api/"), path != "/api/v1/tail" else { return try await next(request, context) }
        guard running.count.add(1, ordering: .relaxed).newValue <= limit else {
            running.count.subtract(1, ordering: .relaxed)
            var response = path.hasPrefix("/api/v3/")
                ? APIResponse.v3Error(.serviceUnavailable, Self.busy(limit))
                : APIResponse.jaegerError(.serviceUnavailable, Self.busy(limit))
            response.headers[.retryAfter] = "1"
            return response
        }
        defer { running.count.subtract(1, ordering: .relaxed) }
        return try await next(request, context)
    }

    static func busy(_ limit: Int) -> String {
        "the server is already answering \(limit) queries (query.max_concurrent_queries); retry in a moment"
    }
}
