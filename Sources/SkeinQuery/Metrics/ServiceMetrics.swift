package import SkeinQueryModel
package import SkeinCore
package import SkeinStorage

/// Calls, errors and latency of something over a window: one row of a RED table.
package struct REDRow: Sendable, Equatable {
    package var calls: UInt64
    package var errors: UInt64
    /// Calls per second over the window's elapsed time.
    package var callRate: Double
    /// Errors per call; nil without calls.
    package var errorRate: Double?
    /// Latency in milliseconds per asked quantile; nil without calls.
    package var latencyMillis: [Double?]

    init(_ value: RollupValue, seconds: Double, quantiles: [Double]) {
        calls = value.calls
        errors = value.errors
        callRate = seconds > 0 ? Double(value.calls) / seconds : 0
        errorRate = value.calls > 0 ? Double(value.errors) / Double(value.calls) : nil
        latencyMillis = quantiles.map { quantile in value.latency.quantile(quantile).map { $0 / 1e6 } }
    }
}

/// Answers the SRE questions from the rollups: the services table, one service's latency over
/// time, its per-operation table, and the dependency edges. Everything merges per-minute
/// sketches, so the cost follows the number of minutes and operations, not of spans.
package struct ServiceMetrics: Sendable {
    let reader: any RollupReader

    package init(reader: any RollupReader) { self.reader = reader }

    /// The quantiles of the tables: p50, p95, p99.
    package static let tableQuantiles = [0.5, 0.95, 0.99]
    /// Kinds counted when none are asked for: the spans that measure a service's own work.
    package static let defaultKinds: Set<SpanKind> = [.server, .consumer]

    package struct ServiceRow: Sendable, Equatable {
        package var service: String
        package var red: REDRow
    }

    /// Every service with rollups, with its RED figures over the window (zero calls when it
    /// had none of these kinds in it).
    package func services(tenant: Tenant, window: MetricsWindow, kinds: Set<SpanKind>) async throws -> [ServiceRow] {
        var rows: [ServiceRow] = []
        for service in try await reader.rollupServices(tenant: tenant) {
            let sums = try await reader.serviceRollups(tenant: tenant, service: service, minutes: window.minutes, hourly: true) { _, kind in
                kinds.contains(kind) ? true : nil
            }
            rows.append(ServiceRow(service: service, red: REDRow(sums[true] ?? RollupValue(), seconds: window.elapsedSeconds,
                                                               quantiles: Self.tableQuantiles)))
        }
        return rows
    }

    package func isKnown(service: String, tenant: Tenant) async throws -> Bool {
        try await reader.rollupServices(tenant: tenant).contains(service)
    }

    package struct LatencyReport: Sendable {
        package var summary: REDRow
        /// One point per step bucket of the window, oldest first; `minute` is the bucket's first.
        package var series: [(minute: UInt64, red: REDRow)]
    }

    /// One service's latency (and calls and errors) over the window and per step.
    package func latency(tenant: Tenant, service: String, window: MetricsWindow, quantiles: [Double],
                         operation: String?, kinds: Set<SpanKind>) async throws -> LatencyReport {
        let stepMinutes = window.stepMinutes
        // Hourly records fit any step of whole hours (steps are aligned to the epoch).
        let hourly = stepMinutes % 60 == 0
        let sums: [UInt64: RollupValue]
        if let operation {
            sums = try await reader.operationRollups(tenant: tenant, service: service, minutes: window.minutes, hourly: hourly) { (minute: UInt64, kind: SpanKind, name: String) -> UInt64? in
                guard kinds.contains(kind), operation == name else { return nil }
                return minute - minute % stepMinutes
            }
        } else {
            sums = try await reader.serviceRollups(tenant: tenant, service: service, minutes: window.minutes, hourly: hourly) { (minute: UInt64, kind: SpanKind) -> UInt64? in
                kinds.contains(kind) ? minute - minute % stepMinutes : nil
            }
        }
        var total = RollupValue()
        for value in sums.values { total.merge(value) }
        let stepSeconds = Double(window.stepSeconds)
        let series = window.buckets.map { bucket in
            (bucket, REDRow(sums[bucket] ?? RollupValue(), seconds: stepSeconds, quantiles: quantiles))
        }
        return LatencyReport(summary: REDRow(total, seconds: window.elapsedSeconds, quantiles: quantiles), series: series)
    }

    package struct OperationRow: Sendable, Equatable {
        package var operation: String
        package var kind: SpanKind
        package var red: REDRow
    }

    /// A service's RED table per operation and kind, busiest first.
    package func operations(tenant: Tenant, service: String, window: MetricsWindow, kinds: Set<SpanKind>) async throws -> [OperationRow] {
        struct Key: Hashable, Sendable {
            var name: String
            var kind: SpanKind
        }
        let sums = try await reader.operationRollups(tenant: tenant, service: service, minutes: window.minutes, hourly: true) { _, kind, name in
            kinds.contains(kind) ? Key(name: name, kind: kind) : nil
        }
        return sums.map { key, value in
            OperationRow(operation: key.name, kind: key.kind, red: REDRow(value, seconds: window.elapsedSeconds, quantiles: Self.tableQuantiles))
        }.sorted { ($0.red.calls, $1.operation, $1.kind.rawValue) > ($1.red.calls, $0.operation, $0.kind.rawValue) }
    }

    package struct EdgeRow: Sendable, Equatable {
        package var parent: String
        package var child: String
        package var red: REDRow
    }

    /// Service-to-service calls in the window, optionally only those touching `service`.
    package func dependencies(tenant: Tenant, minutes: Range<UInt64>, elapsedSeconds: Double, service: String? = nil) async throws -> [EdgeRow] {
        struct Key: Hashable, Sendable {
            var parent: String
            var child: String
        }
        let sums = try await reader.edgeRollups(tenant: tenant, minutes: minutes) { _, parent, child in
            service == nil || parent == service || child == service ? Key(parent: parent, child: child) : nil
        }
        return sums.map { key, value in
            EdgeRow(parent: key.parent, child: key.child, red: REDRow(value, seconds: elapsedSeconds, quantiles: Self.tableQuantiles))
        }.sorted { ($0.parent, $0.child) < ($1.parent, $1.child) }
    }
}
