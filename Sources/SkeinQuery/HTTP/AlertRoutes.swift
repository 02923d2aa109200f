package import Hummingbird

/// `GET /api/v1/alerts` (pending and firing alerts with their values and the webhook's
/// counters), `/api/v1/alerts/history` (newest first) and `/api/v1/alerts/rules`. The documents
/// come from the wiring as closures, so this module does not depend on the alerts module.
package struct AlertRoutes: Sendable {
    package typealias Document = @Sendable () async -> [UInt8]
    let active: Document
    let history: Document
    let rules: Document

    package init(active: @escaping Document, history: @escaping Document, rules: @escaping Document) {
        self.active = active
        self.history = history
        self.rules = rules
    }

    package func addRoutes(to router: Router<BasicRequestContext>) {
        router.get("/api/v1/alerts") { request, _ in APIResponse.json(await active(), pretty: JaegerAPIRoutes.pretty(request)) }
        router.get("/api/v1/alerts/history") { request, _ in APIResponse.json(await history(), pretty: JaegerAPIRoutes.pretty(request)) }
        router.get("/api/v1/alerts/rules") { request, _ in APIResponse.json(await rules(), pretty: JaegerAPIRoutes.pretty(request)) }
    }
}
