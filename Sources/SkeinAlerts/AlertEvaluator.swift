package import SkeinCore
package import SkeinStorage

/// Reads a rule's current value from the rollups: the window's whole minutes up to and
/// including the current one (which the live reader has from memory), so a condition that
/// starts now shows in the next evaluation.
package struct AlertEvaluator: Sendable {
    let reader: any RollupReader

    package init(reader: any RollupReader) {
        self.reader = reader
    }

    /// The rule's value at `nowNanos`, or nil when the window holds no calls to judge (no latency
    /// and no error rate without calls; a call rate is then 0).
    package func value(of rule: AlertRule, nowNanos: UInt64) async throws -> Double? {
        let minute = nowNanos / 60_000_000_000
        let windowMinutes = max(1, (rule.windowNanos + 59_999_999_999) / 60_000_000_000)
        let minutes = (minute + 1 - min(windowMinutes, minute + 1))..<(minute + 1)
        let kinds = rule.kinds
        let sums: [Int: RollupValue]
        switch rule.metric {
        case .edgeErrorRate(let callee):
            let caller = rule.service
            sums = try await reader.edgeRollups(tenant: rule.tenant, minutes: minutes) { _, parent, child in
                parent == caller && child == callee ? 0 : nil
            }
        case .latency, .errorRate, .callRate:
            if let operation = rule.operation {
                sums = try await reader.operationRollups(tenant: rule.tenant, service: rule.service, minutes: minutes, hourly: true) { _, kind, name in
                    kinds.contains(kind) && name == operation ? 0 : nil
                }
            } else {
                sums = try await reader.serviceRollups(tenant: rule.tenant, service: rule.service, minutes: minutes, hourly: true) { _, kind in
                    kinds.contains(kind) ? 0 : nil
                }
            }
        }
        let total = sums[0] ?? RollupValue()
        switch rule.metric {
        case .latency(let quantile):
            return total.latency.quantile(quantile).map { $0 / 1_000_000 }
        case .errorRate, .edgeErrorRate:
            return total.calls == 0 ? nil : Double(total.errors) / Double(total.calls)
        case .callRate:
            return Double(total.calls) / (Double(windowMinutes) * 60)
        }
    }
}
