import AsyncHTTPClient
import GRPCCore
import GRPCNIOTransportHTTP2

/// One run from start to summary: generate the pool, send with the workers while printing
/// progress, then verify if asked. The caller (the command line, or a test) decides what to
/// do with the summary; nothing here exits the process.
package enum LoadGenerator {
    /// How long sending may continue past `--duration` to finish retries of requests in flight.
    static let drainSeconds = 15.0
    /// How long `--verify` may take.
    static let verifySeconds = 300.0

    /// Runs `scenario`; `progress` receives one line a second while sending (nil: silent).
    /// Throws `ScenarioError` for an invalid scenario, or the transport's error when a client
    /// cannot be created at all; refusals and failed requests are counted, not thrown.
    package static func run(_ scenario: Scenario, progress: (@Sendable (String) -> Void)? = nil) async throws -> RunSummary {
        try scenario.validate()
        let target = try scenario.target()
        let seed = scenario.seed ?? UInt64.random(in: 1...UInt64.max)
        let graph = switch scenario.shape {
        case .ecommerce: ServiceGraph.ecommerce()
        case .synthetic: ServiceGraph.synthetic(services: scenario.services, depth: scenario.depth, fanout: scenario.fanout, seed: seed)
        }
        var shapes = TraceShapes(graph: graph, errorRate: scenario.errorRate, seed: seed)
        let pool = RequestPool(shapes: &shapes, encoding: scenario.wireProtocol.encoding, batch: scenario.batch,
                               requests: RequestPool.size(batch: scenario.batch), traceLimit: scenario.traces,
                               baseNanos: Workers.wallClockNanos())
        let isHTTP = scenario.wireProtocol != .grpc
        let needsHTTPClient = scenario.sink == .otlp && (isHTTP || scenario.verifies)
        let httpClient = needsHTTPClient ? makeHTTPClient(connections: max(scenario.workers, 8), timeout: scenario.timeoutSeconds) : nil
        do {
            let summary = try await send(scenario, target: target, seed: seed, pool: pool, httpClient: httpClient, progress: progress)
            try await httpClient?.shutdown()
            return summary
        } catch {
            try? await httpClient?.shutdown()
            throw error
        }
    }

    private static func send(_ scenario: Scenario, target: OTLPTarget, seed: UInt64, pool: RequestPool,
                             httpClient: HTTPClient?, progress: (@Sendable (String) -> Void)?) async throws -> RunSummary {
        let start = ContinuousClock.now
        let sendSeconds = scenario.duration ?? (scenario.traces == nil ? 10 : Scenario.hardCapSeconds)
        let sendDeadline = start + .seconds(sendSeconds)
        let stats = RunStats()
        let acknowledged = scenario.verifies
            ? AcknowledgedTraces(capacity: scenario.verifySample ?? Scenario.verifyMemory, seed: seed) : nil
        let gzipInWorkers = scenario.gzip && scenario.wireProtocol != .grpc
        func workers(_ sender: any ExportSender) -> Workers {
            Workers(pool: pool, source: RequestSource(traceCounts: pool.templates.map(\.traceCount), traceLimit: scenario.traces),
                    pacer: scenario.rate > 0 ? Pacer(spansPerSecond: scenario.rate) : nil, sender: sender, stats: stats,
                    acknowledged: acknowledged, backoff: Backoff(), maxRetries: scenario.maxRetries,
                    compressBodies: gzipInWorkers, seed: seed, sendDeadline: sendDeadline,
                    retryDeadline: sendDeadline + .seconds(drainSeconds))
        }

        let timeout = Int64(scenario.timeoutSeconds)
        switch (scenario.sink, target) {
        case (.null, _):
            await runWithProgress(workers(NullSender(compresses: scenario.gzip && !gzipInWorkers)), count: scenario.workers,
                                  stats: stats, start: start, progress: progress)
        case (.otlp, .grpc(let host, let port)):
            try await withGRPCClients(count: min(scenario.workers, 8), host: host, port: port, gzip: scenario.gzip) { clients in
                let sender = GRPCExportSender(clients: clients, gzip: scenario.gzip, timeoutSeconds: timeout)
                await runWithProgress(workers(sender), count: scenario.workers, stats: stats, start: start, progress: progress)
            }
        case (.otlp, .http(let url)):
            guard let httpClient else { preconditionFailure("created for every OTLP/HTTP run") }
            let sender = HTTPExportSender(client: httpClient, url: url, encoding: pool.encoding, gzip: scenario.gzip,
                                          timeoutSeconds: timeout)
            await runWithProgress(workers(sender), count: scenario.workers, stats: stats, start: start, progress: progress)
        }
        let sendingSeconds = start.duration(to: .now).inSeconds

        var verify: VerifyResult?
        if let acknowledged, let httpClient {
            let (entries, seen) = acknowledged.contents
            progress?("verifying \(entries.count) of \(seen) acknowledged traces through \(try scenario.queryBase())")
            verify = await Verifier.run(entries, acknowledged: seen, client: httpClient, queryBase: try scenario.queryBase(),
                                        concurrency: min(scenario.workers, 16), timeoutSeconds: timeout,
                                        deadline: .now + .seconds(verifySeconds))
        }
        return RunSummary(scenario: scenario.shape.rawValue, wireProtocol: scenario.wireProtocol.rawValue, gzip: scenario.gzip,
                          sink: scenario.sink.rawValue, target: target.description, seed: seed, workers: scenario.workers,
                          batch: scenario.batch, rate: scenario.rate, sendingSeconds: sendingSeconds, counters: stats.snapshot,
                          verify: verify)
    }

    /// Runs the workers with a progress line every second until they are done.
    private static func runWithProgress(_ workers: Workers, count: Int, stats: RunStats, start: ContinuousClock.Instant,
                                        progress: (@Sendable (String) -> Void)?) async {
        await withTaskGroup(of: Void.self) { group in
            if let progress {
                group.addTask {
                    var before = stats.snapshot
                    var last = start
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(1))
                        if Task.isCancelled { break }
                        let now = ContinuousClock.now
                        let counters = stats.snapshot
                        progress(Report.progressLine(elapsed: start.duration(to: now).inSeconds, now: counters,
                                                     before: before, interval: last.duration(to: now).inSeconds))
                        (before, last) = (counters, now)
                    }
                }
            }
            await workers.run(count: count)
            group.cancelAll()
        }
    }

    /// A shared AsyncHTTPClient for OTLP/HTTP and for verification, with one connection per
    /// worker so workers never queue for a connection.
    static func makeHTTPClient(connections: Int, timeout: Int) -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(Int64(timeout)))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// `count` gRPC clients (one HTTP/2 connection each) to the same server for the body's
    /// lifetime, so requests spread over several connections as several exporters' would.
    static func withGRPCClients<T: Sendable>(count: Int, host: String, port: Int, gzip: Bool,
                                             _ body: ([GRPCClient<HTTP2ClientTransport.Posix>]) async throws -> T) async throws -> T {
        try await nest([], count: count, host: host, port: port, gzip: gzip, body)
    }

    private static func nest<T: Sendable>(_ clients: [GRPCClient<HTTP2ClientTransport.Posix>], count: Int, host: String,
                                          port: Int, gzip: Bool,
                                          _ body: ([GRPCClient<HTTP2ClientTransport.Posix>]) async throws -> T) async throws -> T {
        if clients.count >= count { return try await body(clients) }
        let target: any ResolvableTarget = if host.contains(":") {
            ResolvableTargets.IPv6.ipv6(address: host, port: port)
        } else if host.split(separator: ".").count == 4, host.allSatisfy({ $0.isNumber || $0 == "." }) {
            ResolvableTargets.IPv4.ipv4(address: host, port: port)
        } else {
            ResolvableTargets.DNS.dns(host: host, port: port)
        }
        let transport = try HTTP2ClientTransport.Posix.http2NIOPosix(
            target: target, transportSecurity: .plaintext,
            config: .defaults { config in if gzip { config.compression.enabledAlgorithms = .all } })
        return try await withGRPCClient(transport: transport) { client in
            try await nest(clients + [client], count: count, host: host, port: port, gzip: gzip, body)
        }
    }
}
