import Foundation
import Logging
import SkeinServer
import SkeinTesting
@testable import SkeinLoadGen

/// A whole Skein server on 127.0.0.1 with free ports and a store in a temporary directory,
/// as `Tests/SkeinServerTests/TestServer.swift` starts one.
final class InProcessServer: Sendable {
    let server: SkeinServer
    let task: Task<Void, any Error>
    let directory: TemporaryDirectory
    let grpcPort: Int
    let httpPort: Int
    let queryPort: Int

    init(_ adjust: (inout SkeinConfiguration) -> Void = { _ in }) async throws {
        directory = try TemporaryDirectory("skein-loadgen-test")
        var configuration = SkeinConfiguration()
        configuration.storage.dataDirectory = directory.path
        configuration.otlpHTTP.port = 0
        configuration.otlpGRPC.port = 0
        configuration.query.port = 0
        configuration.query.uiDirectory = RepositoryFiles.root.appendingPathComponent("ui-static").path
        adjust(&configuration)
        var logger = Logger(label: "loadgen-test")
        logger.logLevel = .critical
        let server = try SkeinServer(configuration: configuration, logger: logger, signals: [])
        self.server = server
        task = Task { try await server.run() }
        let ports = await server.listeningPorts()
        (grpcPort, httpPort, queryPort) = (ports.otlpGRPC, ports.otlpHTTP, ports.query)
    }

    func stop() async throws {
        await server.shutdown()
        try await task.value
        directory.remove()
    }

    /// A scenario aimed at this server: a small bounded run, read back afterwards.
    func scenario(_ wireProtocol: Scenario.WireProtocol, traces: Int = 50) -> Scenario {
        var scenario = Scenario()
        scenario.wireProtocol = wireProtocol
        scenario.endpoint = wireProtocol == .grpc ? "127.0.0.1:\(grpcPort)" : "http://127.0.0.1:\(httpPort)"
        scenario.query = "http://127.0.0.1:\(queryPort)"
        scenario.traces = traces
        scenario.workers = 2
        scenario.seed = 77
        scenario.verify = true
        scenario.quiet = true
        scenario.duration = 30
        return scenario
    }
}
