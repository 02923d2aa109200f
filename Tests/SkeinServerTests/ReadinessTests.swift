@testable import SkeinServer
import SkeinStorage
import SkeinTesting
import Testing

/// `/readyz`'s answer through each state of a start and a stop, without sockets.
@Suite struct ReadinessTests {
    @Test func readyOnlyWithTheStoreOpenAndBothReceiversListening() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SpanStore(configuration: StorageConfiguration(dataDirectory: directory.path))
        let ports = ListeningPorts()
        let readiness = Readiness(store: store, ports: ports)
        #expect(await readiness.notReadyReason() == "the OTLP/gRPC receiver is not listening yet")
        await ports.set(\.otlpGRPC, 4317)
        #expect(await readiness.notReadyReason() == "the OTLP/HTTP receiver is not listening yet")
        await ports.set(\.otlpHTTP, 4318)
        #expect(await readiness.notReadyReason() == nil)
        store.close()
        #expect(await readiness.notReadyReason() == "the span store is closed")
    }
}
