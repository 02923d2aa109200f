package import SkeinQueryModel
package import Hummingbird
package import SkeinTail

/// `GET /api/v1/tail?service=&operation=&error=`: stored spans as Server-Sent Events, as they
/// are stored. Events: `span` (TailSpan JSON), `dropped` (`{"dropped": N}` when this client was too
/// slow and its buffer overflowed), and a `: heartbeat` comment every `heartbeatSeconds`, which
/// keeps proxies from closing a quiet stream and tells the server when the client has gone.
package struct TailRoutes: Sendable {
    let hub: SpanTailHub
    let heartbeat: Duration

    package init(hub: SpanTailHub, heartbeat: Duration = .seconds(15)) {
        self.hub = hub
        self.heartbeat = heartbeat
    }

    /// The filter a query string asks for, or the message for a person.
    static func filter(_ parameters: QueryParameters) throws(ParameterError) -> TailFilter {
        for (key, _) in parameters.pairs where !["service", "operation", "error"].contains(key) {
            throw ParameterError("unknown parameter '\(key)': the live tail takes service, operation and error")
        }
        let service = parameters.first("service")
        let operation = parameters.first("operation")
        if operation != nil, service == nil { throw ParameterError("operation needs a service: operation names belong to one service") }
        var error: Bool?
        switch parameters.first("error")?.lowercased() {
        case nil: error = nil
        case "true": error = true
        case "false": error = false
        case let other?: throw ParameterError("error must be true or false, got '\(other)'")
        }
        return TailFilter(service: service, operation: operation, error: error)
    }

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/v1/tail") { request, context -> Response in
            var filter: TailFilter
            do throws(ParameterError) { filter = try Self.filter(QueryParameters(request.uri.query)) } catch {
                return APIResponse.jaegerError(.badRequest, error.message)
            }
            filter.tenant = context.tenant
            let subscription: TailSubscription
            do throws(SpanTailHub.TooManySubscribers) { subscription = try hub.subscribe(filter) } catch {
                var response = APIResponse.jaegerError(.serviceUnavailable, error.description)
                response.headers[.retryAfter] = "5"
                return response
            }
            let heartbeat = self.heartbeat
            let body = ResponseBody { writer in
                let beats = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: heartbeat)
                        subscription.heartbeat()
                    }
                }
                defer {
                    beats.cancel()
                    subscription.cancel()
                }
                // Sent at once, so a client knows it is subscribed before the first span.
                try await writer.write(ByteBuffer(string: "retry: 3000\n: subscribed\n\n"))
                for await event in subscription.events {
                    var text = ""
                    if case .spans(let spans) = event {
                        subscription.consumed(spans.count)
                        for span in spans { text += "event: span\ndata: " + String(decoding: span.json, as: UTF8.self) + "\n\n" }
                    } else {
                        text = ": heartbeat\n\n"
                    }
                    let dropped = subscription.takeDropped()
                    if dropped > 0 { text += "event: dropped\ndata: {\"dropped\":\(dropped)}\n\n" }
                    try await writer.write(ByteBuffer(string: text))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok,
                            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                            body: body)
        }
    }
}
