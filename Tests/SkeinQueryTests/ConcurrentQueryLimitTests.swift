import Hummingbird
import HummingbirdTesting
import Testing
@testable import SkeinQuery

/// The concurrency limit, driven through the router (the live test client has one connection,
/// which would queue the second request behind the first): with one query in progress and a limit of one, the
/// next API request is refused at once, the live tail and the health check are not, and the
/// slot comes back when the first query ends.
@Suite struct ConcurrentQueryLimitTests {
    /// Lets a test hold a request inside its handler until it says so.
    final class Gate: Sendable {
        let entered: AsyncStream<Void>
        let enteredContinuation: AsyncStream<Void>.Continuation
        let open: AsyncStream<Void>
        let openContinuation: AsyncStream<Void>.Continuation
        init() {
            (entered, enteredContinuation) = AsyncStream.makeStream()
            (open, openContinuation) = AsyncStream.makeStream()
        }
    }

    @Test func oneQueryTooManyIsRefusedWithRetryAfter() async throws {
        let gate = Gate()
        let router = Router(context: QueryContext.self)
        router.add(middleware: ConcurrentQueryLimit(limit: 1))
        router.get("/api/slow") { _, _ -> String in
            gate.enteredContinuation.yield()
            for await _ in gate.open { break }
            return "done"
        }
        router.get("/api/fast") { _, _ in "fast" }
        router.get("/api/v1/tail") { _, _ in "stream" }
        router.get("/healthz") { _, _ in "ok" }
        try await Application(router: router).test(.router) { client in
            async let slow = client.execute(uri: "/api/slow", method: .get)
            for await _ in gate.entered { break }
            let busy = try await client.execute(uri: "/api/fast", method: .get)
            #expect(busy.status == .serviceUnavailable)
            #expect(busy.headers[.retryAfter] == "1")
            #expect(String(buffer: busy.body).contains("query.max_concurrent_queries"))
            #expect(try await client.execute(uri: "/api/v1/tail", method: .get).status == .ok)
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            gate.openContinuation.yield()
            #expect(try await slow.status == .ok)
            #expect(try await client.execute(uri: "/api/fast", method: .get).status == .ok)
        }
    }
}
