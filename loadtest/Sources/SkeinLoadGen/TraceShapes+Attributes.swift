import SkeinCore

extension TraceShapes {
    /// Pass 3: names, attributes, status and events per semantic conventions v1.44
    /// (otlp-wire.md §6): HTTP server/client, RPC, database, messaging, and `exception`
    /// events on the span where a failure started.
    mutating func materialize(_ draft: Draft, context: TraceContext) -> [GeneratedSpan] {
        var spans = draft.spans
        for index in spans.indices {
            let node = draft.nodes[index]
            switch node.role {
            case .server(let endpoint): describeServer(&spans[index], endpoint: endpoint, node: node, context: context)
            case .client(let endpoint): describeClient(&spans[index], endpoint: endpoint, failed: node.failed, context: context)
            case .database(let database): describeDatabase(&spans[index], database, node: node)
            case .external(let external): describeExternal(&spans[index], external, node: node)
            case .step(let name):
                spans[index].name = name
                spans[index].attributes = [Attribute("code.function.name", name.replacingOccurrences(of: " ", with: "_"))]
            case .producer(let system, let destination):
                spans[index].name = "send \(destination)"
                spans[index].attributes = [
                    Attribute("messaging.system", system), Attribute("messaging.destination.name", destination),
                    Attribute("messaging.operation.type", "send"), Attribute("messaging.operation.name", "send"),
                    Attribute("messaging.message.id", random.hexString(16)),
                    Attribute("server.address", system), Attribute("server.port", 9092),
                ]
            }
        }
        return spans
    }

    private mutating func describeServer(_ span: inout GeneratedSpan, endpoint: Int, node: Node, context: TraceContext) {
        let spec = graph.endpoints[endpoint]
        let service = graph.services[spec.service]
        let failed = node.failed
        switch spec.transport {
        case .http(let method, let route):
            var status = failed ? 500 : 200
            if !failed, node.parent == nil, random.chance(spec.notFoundRate) { status = 404 }
            span.name = "\(method) \(route)"
            span.attributes = [
                Attribute("http.request.method", method), Attribute("http.route", route),
                Attribute("url.path", path(route, context: context)), Attribute("url.scheme", "http"),
                Attribute("server.address", service.name), Attribute("server.port", service.port),
                Attribute("network.protocol.version", "1.1"),
                Attribute("client.address", "10.0.\(random.int(in: 0...255)).\(random.int(in: 1...254))"),
                Attribute("http.response.status_code", status),
            ]
            if node.parent == nil { span.attributes.append(Attribute("user_agent.original", Self.userAgents[random.int(in: 0...2)])) }
            if failed { span.attributes.append(Attribute("error.type", node.origin ? exceptionType(service.language) : "500")) }
        case .grpc(let method):
            span.name = method
            span.attributes = [
                Attribute("rpc.system.name", "grpc"), Attribute("rpc.method", method),
                Attribute("rpc.response.status_code", failed ? "INTERNAL" : "OK"),
                Attribute("server.address", service.name), Attribute("server.port", service.port),
            ]
            if failed { span.attributes.append(Attribute("error.type", "INTERNAL")) }
        case .consumer(let system, let destination):
            span.name = "process \(destination)"
            span.attributes = [
                Attribute("messaging.system", system), Attribute("messaging.destination.name", destination),
                Attribute("messaging.operation.type", "process"), Attribute("messaging.operation.name", "process"),
                Attribute("messaging.consumer.group.name", service.name),
            ]
            if failed { span.attributes.append(Attribute("error.type", exceptionType(service.language))) }
        }
        if let event = spec.eventName, random.chance(spec.eventProbability) {
            span.events.append(SpanEvent(name: event, timeNanos: span.startNanos + (span.endNanos - span.startNanos) / 2,
                                         attributes: [Attribute("app.user.id", context.user), Attribute("app.order.id", context.order)]))
        }
        if failed {
            span.isError = true
            span.statusMessage = node.origin ? "unhandled exception in \(span.name)" : "a downstream call failed"
            if node.origin {
                let type = exceptionType(service.language)
                span.events.append(exception(type, "invalid state while handling \(span.name)", at: span.endNanos,
                                             stack: "\(type): invalid state\n    at handle (\(service.name)/handler:\(random.int(in: 20...400)))"))
            }
        }
    }

    private mutating func describeClient(_ span: inout GeneratedSpan, endpoint: Int, failed: Bool, context: TraceContext) {
        let spec = graph.endpoints[endpoint]
        let target = graph.services[spec.service]
        switch spec.transport {
        case .http(let method, let route):
            span.name = method
            span.attributes = [
                Attribute("http.request.method", method),
                Attribute("url.full", "http://\(target.name):\(target.port)\(path(route, context: context))"),
                Attribute("server.address", target.name), Attribute("server.port", target.port),
                Attribute("http.response.status_code", failed ? 500 : 200),
            ]
            if failed { span.attributes.append(Attribute("error.type", "500")) }
        case .grpc(let method), .consumer(_, let method):
            span.name = method
            span.attributes = [
                Attribute("rpc.system.name", "grpc"), Attribute("rpc.method", method),
                Attribute("rpc.response.status_code", failed ? "INTERNAL" : "OK"),
                Attribute("server.address", target.name), Attribute("server.port", target.port),
            ]
            if failed { span.attributes.append(Attribute("error.type", "INTERNAL")) }
        }
        if failed {
            span.isError = true
            span.statusMessage = "\(target.name) answered with an error"
        }
    }

    private mutating func describeDatabase(_ span: inout GeneratedSpan, _ database: ServiceGraph.DatabaseCall, node: Node) {
        span.name = database.collection.isEmpty ? database.operation : "\(database.operation) \(database.collection)"
        span.attributes = [
            Attribute("db.system.name", database.system), Attribute("db.namespace", database.namespace),
            Attribute("db.operation.name", database.operation),
        ]
        if !database.collection.isEmpty { span.attributes.append(Attribute("db.collection.name", database.collection)) }
        span.attributes += [
            Attribute("db.query.text", database.query),
            Attribute("server.address", database.host), Attribute("server.port", database.port),
        ]
        guard node.failed else { return }
        span.isError = true
        span.statusMessage = database.errorMessage
        span.attributes.append(Attribute("error.type", database.errorType))
        span.events.append(exception(database.errorType, database.errorMessage, at: span.endNanos,
                                     stack: "\(database.errorType): \(database.errorMessage)\n    at query (driver:\(random.int(in: 10...900)))"))
    }

    private mutating func describeExternal(_ span: inout GeneratedSpan, _ external: ServiceGraph.ExternalCall, node: Node) {
        span.name = external.method
        span.attributes = [
            Attribute("http.request.method", external.method), Attribute("url.full", "https://\(external.host)\(external.path)"),
            Attribute("server.address", external.host), Attribute("server.port", 443),
        ]
        guard node.failed else {
            span.attributes.append(Attribute("http.response.status_code", 200))
            return
        }
        span.isError = true
        span.statusMessage = "request to \(external.host) timed out"
        span.attributes.append(Attribute("error.type", "timeout"))
        span.events.append(exception("TimeoutError", "request to \(external.host) timed out after 5s", at: span.endNanos,
                                     stack: "TimeoutError: request timed out\n    at send (http-client:\(random.int(in: 10...300)))"))
    }

    /// The `exception` event (semconv: exception.type, exception.message, exception.stacktrace).
    private func exception(_ type: String, _ message: String, at end: UInt64, stack: String) -> SpanEvent {
        SpanEvent(name: "exception", timeNanos: end > 1_000 ? end - 1_000 : end, attributes: [
            Attribute("exception.type", type), Attribute("exception.message", message), Attribute("exception.stacktrace", stack),
        ])
    }

    /// A route template with its parameters filled in (`/cart/{userId}` → `/cart/u123456`).
    private mutating func path(_ route: String, context: TraceContext) -> String {
        route.replacingOccurrences(of: "{userId}", with: context.user)
            .replacingOccurrences(of: "{id}", with: Self.productIDs[random.int(in: 0...(Self.productIDs.count - 1))])
    }

    private func exceptionType(_ language: String) -> String {
        switch language {
        case "java": "java.lang.IllegalStateException"
        case "go": "*errors.errorString"
        case "nodejs": "TypeError"
        case "python": "ValueError"
        case "dotnet": "System.InvalidOperationException"
        case "cpp": "std::runtime_error"
        case "rust": "anyhow::Error"
        case "ruby": "RuntimeError"
        default: "Error"
        }
    }

    static let productIDs = ["OLJCESPC7Z", "66VCHSJNUP", "1YMWWN1N4O", "L9ECAV7KIM", "2ZYFJ3GM2N", "0PUK6V6EV0",
                             "LS4PSXUNUM", "9SIQT8TOJO", "6E92ZMYYFZ", "HQTGWGPNH4"]
    static let userAgents = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    ]

    /// A service instance's resource (semconv §6.1): identity, host and SDK.
    static func instance(of service: ServiceGraph.Service, namespace: String, random: inout LoadRandom) -> ServiceInstance {
        ServiceInstance(attributes: [
            Attribute("service.name", service.name), Attribute("service.namespace", namespace),
            Attribute("service.version", service.version), Attribute("service.instance.id", random.uuid()),
            Attribute("host.name", "\(service.name)-\(random.hexString(10))-\(random.hexString(5))"),
            Attribute("deployment.environment.name", "loadtest"),
            Attribute("telemetry.sdk.name", "opentelemetry"), Attribute("telemetry.sdk.language", service.language),
            Attribute("telemetry.sdk.version", service.sdkVersion),
        ])
    }
}
