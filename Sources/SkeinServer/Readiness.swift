import SkeinStorage

/// What `GET /readyz` answers: ready once the store is open and both OTLP receivers listen, so
/// an orchestrator sends traffic only to a server that can acknowledge it.
struct Readiness: Sendable {
    let store: SpanStore
    let ports: ListeningPorts

    /// Nil when ready, otherwise the first reason it is not.
    func notReadyReason() async -> String? {
        guard store.isOpen else { return "the span store is closed" }
        let bound = await ports.current()
        if bound.otlpGRPC == 0 { return "the OTLP/gRPC receiver is not listening yet" }
        if bound.otlpHTTP == 0 { return "the OTLP/HTTP receiver is not listening yet" }
        return nil
    }
}
