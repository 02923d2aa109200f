package import Hummingbird
package import SkeinCore

/// The request context of every query route: Hummingbird's core context plus the tenant the
/// access middleware admitted, which every handler passes to storage.
package struct QueryContext: RequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Whose data this request may read; `Tenant.single` while tenancy is off.
    package var tenant: Tenant = .single

    package init(source: Source) {
        coreContext = .init(source: source)
    }
}
