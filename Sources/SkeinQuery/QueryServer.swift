package import SkeinQueryModel
import Foundation
package import Hummingbird
package import Logging
package import SkeinCore
package import SkeinStorage
package import SkeinTail
package import SkeinTLS

/// The query server's settings (section `query` of the configuration file).
package struct QueryConfiguration: Sendable, Equatable {
    /// Host to listen on (`--query-listen`, `query.listen`). Default `127.0.0.1`.
    package var host: String
    /// Port; default 16686 (Jaeger's). 0 picks a free port (tests).
    package var port: Int
    /// Folder of the static viewer served at `/` (`--ui-dir`, `query.ui_dir`). Default `./ui-static`.
    package var uiDirectory: String
    /// Most spans returned for one trace (`query.max_spans_per_trace`); a larger trace gets a
    /// warning saying how many were left out. Default 50,000.
    package var maxSpansPerTrace: Int
    /// Most live-tail streams open at once (`query.max_tail_subscribers`); one more is answered
    /// 503. Default 64.
    package var maxTailSubscribers: Int
    /// `query.max_search_limit` and `query.max_search_range`.
    package var searchLimits = SearchLimits()
    /// Most API requests answered at once (`query.max_concurrent_queries`); one more is answered
    /// 503 with Retry-After at once rather than queued. Live-tail streams do not count. Default 32.
    package var maxConcurrentQueries = 32
    /// How long a connection may sit without a request, or with a request whose head has not
    /// fully arrived, before it is closed (`query.idle_timeout`). Default 60 s. A live-tail
    /// stream is a request in progress, so it stays open.
    package var idleTimeout: Duration = .seconds(60)
    /// Certificate and key for HTTPS (`query.tls.cert_file`, `query.tls.key_file`). Default none: plain HTTP.
    package var tls: TLSFiles?

    package init(host: String = "127.0.0.1", port: Int = 16686, uiDirectory: String = "./ui-static", maxSpansPerTrace: Int = 50_000,
                 maxTailSubscribers: Int = 64, tls: TLSFiles? = nil) {
        self.tls = tls
        self.host = host
        self.port = port
        self.uiDirectory = uiDirectory
        self.maxSpansPerTrace = maxSpansPerTrace
        self.maxTailSubscribers = maxTailSubscribers
    }
}

/// Builds the HTTP application for the REST API and the viewer.
package enum QueryServer {
    package static func application(configuration: QueryConfiguration, query: QueryService, rollups: any RollupReader, logger: Logger,
                                    samplingStatus: (@Sendable () -> [UInt8])? = nil,
                                    tail: SpanTailHub? = nil, alerts: AlertRoutes? = nil, backup: BackupRoutes? = nil,
                                    access: AccessPolicy = AccessPolicy(), operations: OperationsRoutes = OperationsRoutes(),
                                    tls: TLSIdentity? = nil,
                                    onListening: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let router = Router(context: QueryContext.self)
        // Outermost, so the time includes the other middleware and refusals are counted too.
        router.add(middleware: RouteMetricsMiddleware(telemetry: operations.telemetry))
        router.add(middleware: APIErrorMiddleware(logger: logger))
        router.add(middleware: FileMiddleware(configuration.uiDirectory, searchForIndexHtml: true, logger: logger))
        router.add(middleware: QueryAccessMiddleware(policy: access))
        router.add(middleware: ConcurrentQueryLimit(limit: configuration.maxConcurrentQueries))
        router.get(RouterPath(QueryAccessMiddleware.accessPath)) { _, _ in APIResponse.json(QueryAccessMiddleware.describe(access)) }
        JaegerAPIRoutes(query: query).addRoutes(to: router)
        OTLPJSONRoutes(query: query).addRoutes(to: router)
        SkeinAPIRoutes(query: query).addRoutes(to: router)
        let metrics = ServiceMetrics(reader: rollups)
        MetricsRoutes(metrics: metrics).addRoutes(to: router)
        JaegerMetricsRoutes(metrics: metrics, performance: ServicePerformanceMetrics(reader: rollups)).addRoutes(to: router)
        operations.addRoutes(to: router)
        if let samplingStatus { SamplingRoutes(status: samplingStatus).addRoutes(to: router) }
        if let tail { TailRoutes(hub: tail).addRoutes(to: router) }
        if let alerts { alerts.addRoutes(to: router) }
        if let backup { backup.addRoutes(to: router) }
        return try Application(
            router: router,
            server: .skein(tls: tls, idleTimeout: configuration.idleTimeout),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}

/// Turns errors that escape a handler into an answer: a search over the limits into 400, storage
/// failures into 500 (logged), in Jaeger's error envelope or `/api/v3`'s shape; a person gets a
/// message, never a dropped connection.
struct APIErrorMiddleware: RouterMiddleware {
    typealias Context = QueryContext
    let logger: Logger

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as any HTTPResponseError {
            throw error
        } catch let error as ParameterError {
            return request.uri.path.hasPrefix("/api/v3/") ? APIResponse.v3Error(.badRequest, error.message)
                                                         : APIResponse.jaegerError(.badRequest, error.message)
        } catch {
            logger.error("query failed", metadata: ["path": "\(request.uri.path)", "error": "\(error)"])
            return APIResponse.jaegerError(.internalServerError, "\(error)")
        }
    }
}
