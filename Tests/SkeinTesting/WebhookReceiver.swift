import Hummingbird
import Synchronization

/// A webhook receiver on 127.0.0.1 that answers each POST with the next status of `answers`
/// (then 200) and keeps the bodies.
package final class WebhookReceiver: Sendable {
    private final class Exchange: Sendable {
        let state: Mutex<(answers: [Int], bodies: [[UInt8]])>
        init(_ answers: [Int]) { state = Mutex((answers, [])) }
    }
    private let exchange: Exchange
    private let task: Task<Void, any Error>
    package let port: Int

    package var bodies: [[UInt8]] { exchange.state.withLock { $0.bodies } }

    package init(answers: [Int] = []) async throws {
        let exchange = Exchange(answers)
        self.exchange = exchange
        let router = Router()
        router.post("/hook") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let status = exchange.state.withLock { state in
                state.bodies.append(Array(buffer: body))
                return state.answers.isEmpty ? 200 : state.answers.removeFirst()
            }
            return Response(status: .init(code: status))
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) })
        task = Task { try await app.runService(gracefulShutdownSignals: []) }
        var iterator = stream.makeAsyncIterator()
        port = await iterator.next() ?? 0
    }

    package func stop() { task.cancel() }
}
