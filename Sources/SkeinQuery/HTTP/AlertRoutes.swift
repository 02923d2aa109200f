package import Hummingbird
package import SkeinCore

/// `GET /api/v1/alerts` (pending and firing alerts with their values and the webhook's
/// counters), `/api/v1/alerts/history` (newest first) and `/api/v1/alerts/rules`. The documents
/// come from the wiring as closures, so this module does not depend on the alerts module; each
/// is asked for one tenant's alerts only.
package struct AlertRoutes: Sendable {
    package typealias Document = @Sendable (Tenant) async -> [UInt8]
    let active: Document
    let history: Document
    let rules: Document

    package init(active: @escaping Document, history: @escaping Document, rules: @escaping Document) {
        self.active = active
        self.history = history
        self.rules = rules
    }

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/v1/alerts") { request, context in APIResponse.json(await active(context.tenant), pretty: JaegerAPIRoutes.pretty(request)) }
        router.get("/api/v1/alerts/history") { request, context in APIResponse.json(await history(context.tenant), pretty: JaegerAPIRoutes.pretty(request)) }
        router.get("/api/v1/alerts/rules") { request, context in APIResponse.json(await rules(context.tenant), pretty: JaegerAPIRoutes.pretty(request)) }
    }
}
