package import Hummingbird

/// Liveness and readiness for orchestrators.
package struct OperationsRoutes: Sendable {
    package init() {}

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/healthz") { _, _ in APIResponse.text(.ok, "ok\n") }
        // The query server starts after storage is open, so answering at all means ready.
        router.get("/readyz") { _, _ in APIResponse.text(.ok, "ready\n") }
    }
}
