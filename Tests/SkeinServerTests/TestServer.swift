import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import SkeinSampling
import SkeinServer
import SkeinTesting

/// A whole Skein server on 127.0.0.1 with free ports and a store in a temporary directory,
/// driven over real sockets.
final class TestServer: Sendable {
    let server: SkeinServer
    let task: Task<Void, any Error>
    let grpcPort: Int
    let otlpPort: Int
    let queryPort: Int
    let configuration: SkeinConfiguration

    static func configuration(dataDirectory: String) -> SkeinConfiguration {
        var configuration = SkeinConfiguration()
        configuration.storage.dataDirectory = dataDirectory
        configuration.otlpHTTP.port = 0
        configuration.otlpGRPC.port = 0
        configuration.query.port = 0
        configuration.query.uiDirectory = RepositoryFiles.root.appendingPathComponent("ui-static").path
        return configuration
    }

    init(_ configuration: SkeinConfiguration, samplingClock: any SamplingClock = SystemSamplingClock()) async throws {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        self.configuration = configuration
        let server = try SkeinServer(configuration: configuration, logger: logger, signals: [], samplingClock: samplingClock)
        self.server = server
        task = Task { try await server.run() }
        let ports = await server.listeningPorts()
        (grpcPort, otlpPort, queryPort) = (ports.otlpGRPC, ports.otlpHTTP, ports.query)
    }

    func stop() async throws {
        await server.shutdown()
        try await task.value
    }

    /// Runs `body` against a server on a fresh store (configured by `adjust`), and stops the
    /// server afterwards even when `body` throws.
    static func with(_ adjust: (inout SkeinConfiguration) -> Void = { _ in }, _ body: (TestServer) async throws -> Void) async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var configuration = configuration(dataDirectory: directory.path)
        adjust(&configuration)
        let server = try await TestServer(configuration)
        do {
            try await body(server)
        } catch {
            try await server.stop()
            throw error
        }
        try await server.stop()
    }

    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? {
            headers.first { $0.key.lowercased() == name.lowercased() }?.value
        }
    }

    func otlp(_ method: String = "POST", path: String = "/v1/traces", body: Data? = nil,
              headers: [String: String] = [:]) async throws -> Reply {
        try await Self.send(method, "http://127.0.0.1:\(otlpPort)\(path)", body: body, headers: headers)
    }

    func query(_ pathAndQuery: String, method: String = "GET", body: Data? = nil, headers: [String: String] = [:]) async throws -> Reply {
        try await Self.send(method, "http://127.0.0.1:\(queryPort)\(pathAndQuery)", body: body, headers: headers)
    }

    static func send(_ method: String, _ url: String, body: Data?, headers: [String: String]) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        var replyHeaders: [String: String] = [:]
        for (name, value) in http.allHeaderFields { replyHeaders["\(name)"] = "\(value)" }
        return Reply(status: http.statusCode, headers: replyHeaders, body: data)
    }
}
