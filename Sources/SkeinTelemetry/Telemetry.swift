import CoreMetrics
package import Prometheus
import Synchronization

/// One server's metrics: the Prometheus registry every Skein metric is created in, and the text
/// exposition `GET /metrics` serves.
///
/// Each server owns its own `Telemetry` and modules create their metrics from it explicitly,
/// never through the global `MetricsSystem`: a test process starts several servers, and a
/// global registry would mix their counts (and `MetricsSystem.bootstrap` may run only once).
/// Metrics are created from the registry rather than through `factory` because only the
/// registry takes help text, which becomes the `# HELP` lines.
package final class Telemetry: Sendable {
    package let registry: PrometheusCollectorRegistry
    /// The same registry as a swift-metrics factory, for libraries that report through
    /// swift-metrics; `bootstrapGlobalMetrics()` makes it the process-wide one.
    package let factory: PrometheusMetricsFactory

    package init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
    }

    /// A counter named `skein_<subsystem>_<name>_total`.
    package func counter(_ subsystem: String, _ name: String, help: String, labels: [(String, String)] = []) -> Prometheus.Counter {
        registry.makeCounter(descriptor: Self.name(subsystem, name, unit: "total", help: help), labels: labels)
    }

    /// A gauge named `skein_<subsystem>_<name>[_<unit>]`.
    package func gauge(_ subsystem: String, _ name: String, unit: String = "", help: String,
                       labels: [(String, String)] = []) -> Prometheus.Gauge {
        registry.makeGauge(descriptor: Self.name(subsystem, name, unit: unit, help: help), labels: labels)
    }

    /// A latency histogram named `skein_<subsystem>_<name>_seconds`, with `latencyBuckets`.
    package func latency(_ subsystem: String, _ name: String, help: String, labels: [(String, String)] = []) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: Self.name(subsystem, name, unit: "seconds", help: help),
                                       labels: labels, buckets: Self.latencyBuckets)
    }

    /// The Prometheus text exposition format, version 0.0.4 (`exposition.contentType`).
    package func exposition() -> [UInt8] { registry.emitToBuffer() }

    /// The `Content-Type` of `exposition()`.
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// From 1 ms (a small batch written to the WAL) to 10 s (a request queued behind a flush).
    package static let latencyBuckets: [Duration] = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
        .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .milliseconds(2_500), .seconds(5), .seconds(10),
    ]

    /// Makes this registry the process-wide swift-metrics backend, so metrics that libraries
    /// report through swift-metrics appear in the same exposition. Only the first call in a
    /// process has an effect (`MetricsSystem.bootstrap` traps on a second); returns whether it
    /// was this one. Only the executable calls it, never tests.
    @discardableResult
    package func bootstrapGlobalMetrics() -> Bool {
        let first = Self.bootstrapped.withLock { done in
            defer { done = true }
            return !done
        }
        if first { MetricsSystem.bootstrap(factory) }
        return first
    }

    private static let bootstrapped = Mutex(false)

    private static func name(_ subsystem: String, _ name: String, unit: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "skein", subsystem: subsystem, metricName: name, unitName: unit, helpText: help)
    }
}
