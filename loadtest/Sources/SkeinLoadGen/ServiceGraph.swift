/// A scenario's call graph: services, the endpoints each serves, and what each endpoint calls.
/// `TraceShapes` walks it to produce traces; the graph itself is static, so every trace of
/// a run describes the same system (as a real deployment would) and the service dependency
/// graph a backend derives from the traces is predictable.
package struct ServiceGraph: Sendable {
    package struct Service: Sendable {
        package var name: String
        /// `telemetry.sdk.language` and the matching exception type names.
        package var language: String
        package var sdkVersion: String
        package var version: String
        package var port: Int
        package var instances: Int
    }

    /// How an endpoint is reached, which decides span names and attributes (semconv HTTP,
    /// RPC and messaging, otlp-wire.md §6.3-§6.4).
    package enum Transport: Sendable {
        case http(method: String, route: String)
        /// Fully qualified `pkg.Service/Method`, as `rpc.method` wants it.
        case grpc(method: String)
        /// A message consumer: the endpoint starts a new trace (CONSUMER root) that links to the
        /// producer span instead of being its child, as batch receivers do.
        case consumer(system: String, destination: String)
    }

    package struct Endpoint: Sendable {
        package var service: Int
        package var transport: Transport
        /// Median of the span's own work (outside its calls), in milliseconds.
        package var selfMillis: Double
        package var calls: [Call]
        /// An application event recorded on the span with probability `eventProbability`.
        package var eventName: String?
        package var eventProbability: Double = 0
        /// Probability of an HTTP 404 (a client error: UNSET on the SERVER span, semconv §6.3).
        package var notFoundRate: Double = 0
    }

    package struct DatabaseCall: Sendable {
        package var system: String
        package var namespace: String
        package var operation: String
        package var collection: String
        package var query: String
        package var host: String
        package var port: Int
        package var medianMillis: Double
        package var errorType: String
        package var errorMessage: String
    }

    /// A call to something outside the scenario (a payment provider): a CLIENT span with no
    /// SERVER child, which a backend should show as a virtual peer (otlp-wire.md §6.6).
    package struct ExternalCall: Sendable {
        package var method: String
        package var host: String
        package var path: String
        package var medianMillis: Double
    }

    package enum CallTarget: Sendable {
        case endpoint(Int)
        case database(DatabaseCall)
        case external(ExternalCall)
        /// An in-process step of the caller's own service (an INTERNAL span).
        case step(name: String, medianMillis: Double)
        /// Publishes a message (a PRODUCER span); `consumer` is the endpoint that processes it.
        case publish(system: String, destination: String, consumer: Int)
    }

    package struct Call: Sendable {
        package var target: CallTarget
        package var probability: Double = 1
        package var repeats: ClosedRange<Int> = 1...1
        /// Runs concurrently with the neighbouring parallel calls instead of after them.
        package var parallel = false
        /// Probability that the caller handles a failure of this call instead of failing too.
        package var tolerance: Double = 0

        package init(_ target: CallTarget, probability: Double = 1, repeats: ClosedRange<Int> = 1...1,
                     parallel: Bool = false, tolerance: Double = 0) {
            self.target = target
            self.probability = probability
            self.repeats = repeats
            self.parallel = parallel
            self.tolerance = tolerance
        }
    }

    package var namespace: String
    package var services: [Service]
    package var endpoints: [Endpoint]
    /// Where traces start, with relative weights.
    package var entries: [(endpoint: Int, weight: Double)]

    package func service(of endpoint: Int) -> Service { services[endpoints[endpoint].service] }
}

extension ServiceGraph.Transport {
    /// The scope family whose instrumentation produces spans for this transport.
    var scope: ScopeFamily {
        switch self {
        case .http: .http
        case .grpc: .grpc
        case .consumer: .messaging
        }
    }
}
