package import Hummingbird

/// `GET /api/v1/sampling`: the sampling configuration in force, what the tail buffer holds, and
/// the counters by reason. The document comes from the wiring as a closure, so this module does
/// not depend on the sampling module.
package struct SamplingRoutes: Sendable {
    let status: @Sendable () -> [UInt8]

    package init(status: @escaping @Sendable () -> [UInt8]) { self.status = status }

    package func addRoutes(to router: Router<QueryContext>) {
        router.get("/api/v1/sampling") { request, context in
            APIResponse.json(status(), pretty: JaegerAPIRoutes.pretty(request))
        }
    }
}
