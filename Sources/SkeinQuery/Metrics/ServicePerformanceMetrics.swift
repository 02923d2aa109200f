package import SkeinCore
package import SkeinStorage

/// Jaeger's service performance metrics (`/api/metrics/{latencies,calls,errors}`, the Monitor
/// tab), answered from the rollups: each point at time t covers the `ratePer` before it, as the
/// Prometheus queries Jaeger runs would (rate over a window, evaluated every `step`).
package struct ServicePerformanceMetrics: Sendable {
    package enum Metric: Sendable, Equatable {
        case latencies(quantile: Double)
        case calls
        case errors
    }

    package struct Query: Sendable, Equatable {
        package var metric: Metric
        package var services: [String]
        package var groupByOperation = false
        package var endNanos: UInt64
        package var lookbackNanos: UInt64 = 3_600_000_000_000
        package var stepNanos: UInt64 = 5_000_000_000
        package var ratePerNanos: UInt64 = 600_000_000_000
        package var kinds: Set<SpanKind> = [.server]
    }

    /// One labelled series: its labels in order and a value per point (NaN where undefined).
    package struct Series: Sendable {
        package var labels: [(name: String, value: String)]
        package var points: [(timestampNanos: UInt64, value: Double)]
    }

    let reader: any RollupReader

    package init(reader: any RollupReader) { self.reader = reader }

    package func series(_ query: Query, tenant: Tenant) async throws -> [Series] {
        let startNanos = query.endNanos >= query.lookbackNanos ? query.endNanos - query.lookbackNanos : 0
        let pointTimes = Array(stride(from: startNanos, through: query.endNanos, by: Int(query.stepNanos)))
        let earliest = startNanos >= query.ratePerNanos ? startNanos - query.ratePerNanos : 0
        let minutes = earliest / 60_000_000_000 ..< query.endNanos / 60_000_000_000 + 1
        let ratePerSeconds = Double(query.ratePerNanos) / 1e9
        var result: [Series] = []
        for service in query.services {
            let grouped = query.groupByOperation
            let kinds = query.kinds
            let sums: [MinuteKey: RollupValue] = grouped
                ? try await reader.operationRollups(tenant: tenant, service: service, minutes: minutes, hourly: false) { minute, kind, name in
                    kinds.contains(kind) ? MinuteKey(operation: name, minute: minute) : nil
                }
                : try await reader.serviceRollups(tenant: tenant, service: service, minutes: minutes, hourly: false) { minute, kind in
                    kinds.contains(kind) ? MinuteKey(operation: "", minute: minute) : nil
                }
            var perOperation: [String: [UInt64: RollupValue]] = [:]
            for (key, value) in sums { perOperation[key.operation, default: [:]][key.minute] = value }
            for operation in perOperation.keys.sorted() {
                let byMinute = perOperation[operation]!
                var labels = [(name: "service_name", value: service)]
                if grouped { labels.append((name: "operation", value: operation)) }
                var cache: [Range<UInt64>: RollupValue] = [:]
                let points = pointTimes.map { time in
                    // Minutes overlapping (time - ratePer, time].
                    let from = (time >= query.ratePerNanos ? time - query.ratePerNanos : 0) / 60_000_000_000
                    let to = (time > 0 ? time - 1 : 0) / 60_000_000_000 + 1
                    let value = cache[from..<to] ?? {
                        var sum = RollupValue()
                        for minute in from..<to { if let value = byMinute[minute] { sum.merge(value) } }
                        cache[from..<to] = sum
                        return sum
                    }()
                    return (time, Self.value(of: query.metric, value, ratePerSeconds: ratePerSeconds))
                }
                result.append(Series(labels: labels, points: points))
            }
        }
        return result
    }

    private struct MinuteKey: Hashable, Sendable {
        var operation: String
        var minute: UInt64
    }

    static func value(of metric: Metric, _ value: RollupValue, ratePerSeconds: Double) -> Double {
        switch metric {
        case .calls:
            return Double(value.calls) / ratePerSeconds
        case .errors:
            return value.calls == 0 ? .nan : Double(value.errors) / Double(value.calls)
        case .latencies(let quantile):
            return value.latency.quantile(quantile).map { $0 / 1e6 } ?? .nan
        }
    }

    /// The metric family's name and help text, as Jaeger names them.
    static func nameAndHelp(_ metric: Metric, groupByOperation: Bool) -> (String, String) {
        let grouping = groupByOperation ? "service & operation" : "service"
        switch metric {
        case .latencies(let quantile):
            return ("service_latencies", "\(JSONWriter.shortest(quantile))th quantile latency, grouped by \(grouping)")
        case .calls:
            return ("service_call_rate", "calls/sec, grouped by \(grouping)")
        case .errors:
            return ("service_error_rate", "error rate, computed as a fraction of errors/sec over calls/sec, grouped by \(grouping)")
        }
    }

    /// The MetricFamily JSON Jaeger answers with (no envelope).
    static func json(_ series: [Series], metric: Metric, groupByOperation: Bool) -> [UInt8] {
        let (name, help) = nameAndHelp(metric, groupByOperation: groupByOperation)
        var json = JSONWriter(capacity: 128 + series.reduce(0) { $0 + 80 * $1.points.count })
        json.object { json in
            json.key("name"); json.value(name)
            json.key("type"); json.value("GAUGE")
            json.key("help"); json.value(help)
            json.key("metrics")
            json.array { json in
                for one in series {
                    json.object { json in
                        json.key("labels")
                        json.array { json in
                            for label in one.labels {
                                json.object { json in
                                    json.key("name"); json.value(label.name)
                                    json.key("value"); json.value(label.value)
                                }
                            }
                        }
                        json.key("metricPoints")
                        json.array { json in
                            for point in one.points {
                                json.object { json in
                                    json.key("gaugeValue")
                                    json.object { json in json.key("doubleValue"); json.value(point.value) }
                                    json.key("timestamp"); json.value(RFC3339.format(nanos: point.timestampNanos))
                                }
                            }
                        }
                    }
                }
            }
        }
        return json.bytes
    }
}
