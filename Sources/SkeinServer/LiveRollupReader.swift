import SkeinCore
import SkeinRollups
import SkeinStorage

/// What queries read rollups through: the store, plus the rollups still in memory waiting for
/// the next flush, added with the same grouping rules (whole hours inside the range at their
/// first minute when `hourly`), so an answer is current to the request.
struct LiveRollupReader: RollupReader {
    let store: any RollupReader
    let stage: RollupStage

    func rollupServices(tenant: Tenant) async throws -> [String] {
        var services = Set(try await store.rollupServices(tenant: tenant))
        for delta in stage.pendingDeltas(tenant: tenant) {
            switch delta.subject {
            case .operation(let service, _, _), .service(let service, _): services.insert(service)
            case .edge: break
            }
        }
        return services.sorted()
    }

    func operationRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (UInt64, SpanKind, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        var sums = try await store.operationRollups(tenant: tenant, service: service, minutes: minutes, hourly: hourly, group: group)
        for delta in stage.pendingDeltas(tenant: tenant) where minutes.contains(delta.minute) {
            guard case .operation(service, let kind, let name) = delta.subject,
                  let key = group(Self.reported(delta.minute, in: minutes, hourly: hourly), kind, name) else { continue }
            sums[key, default: RollupValue()].merge(delta.value)
        }
        return sums
    }

    func serviceRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (UInt64, SpanKind) -> Group?
    ) async throws -> [Group: RollupValue] {
        var sums = try await store.serviceRollups(tenant: tenant, service: service, minutes: minutes, hourly: hourly, group: group)
        for delta in stage.pendingDeltas(tenant: tenant) where minutes.contains(delta.minute) {
            guard case .service(service, let kind) = delta.subject,
                  let key = group(Self.reported(delta.minute, in: minutes, hourly: hourly), kind) else { continue }
            sums[key, default: RollupValue()].merge(delta.value)
        }
        return sums
    }

    func edgeRollups<Group: Hashable & Sendable>(
        tenant: Tenant, minutes: Range<UInt64>, group: @escaping @Sendable (UInt64, String, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        var sums = try await store.edgeRollups(tenant: tenant, minutes: minutes, group: group)
        for delta in stage.pendingDeltas(tenant: tenant) where minutes.contains(delta.minute) {
            guard case .edge(let parent, let child) = delta.subject, let key = group(delta.minute, parent, child) else { continue }
            sums[key, default: RollupValue()].merge(delta.value)
        }
        return sums
    }

    /// The minute a record of `minute` is reported at: its hour's first minute when hourly
    /// records are asked for and the whole hour lies inside the range, as the store does.
    static func reported(_ minute: UInt64, in minutes: Range<UInt64>, hourly: Bool) -> UInt64 {
        let hourStart = minute - minute % 60
        guard hourly, hourStart >= minutes.lowerBound, hourStart + 60 <= minutes.upperBound else { return minute }
        return hourStart
    }
}
