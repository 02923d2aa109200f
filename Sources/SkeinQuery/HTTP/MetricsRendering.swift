package import SkeinQueryModel
import Hummingbird
import SkeinCore

/// JSON and CSV bodies of the `/api/v1` metrics answers. Latencies are in milliseconds, rates
/// per second, error rates a fraction; `null` (JSON) or an empty field (CSV) means no calls.
enum MetricsRendering {
    static func window(_ window: MetricsWindow, into json: inout JSONWriter) {
        json.key("start"); json.value(RFC3339.format(nanos: window.startNanos))
        json.key("end"); json.value(RFC3339.format(nanos: window.endNanos))
    }

    static func optional(_ value: Double?, into json: inout JSONWriter) {
        if let value, value.isFinite { json.value(value) } else { json.null() }
    }

    /// calls, errors, callRate, errorRate, then p50Ms/p95Ms/p99Ms of a table row.
    static func red(_ red: REDRow, into json: inout JSONWriter) {
        json.key("calls"); json.value(red.calls)
        json.key("errors"); json.value(red.errors)
        json.key("callRate"); json.value(red.callRate)
        json.key("errorRate"); optional(red.errorRate, into: &json)
        for (name, value) in zip(["p50Ms", "p95Ms", "p99Ms"], red.latencyMillis) {
            json.key(name); optional(value, into: &json)
        }
    }

    static let tableHeader = ["calls", "errors", "call_rate_per_s", "error_rate", "p50_ms", "p95_ms", "p99_ms"]

    static func redFields(_ red: REDRow) -> [String] {
        [String(red.calls), String(red.errors), CSV.number(red.callRate), CSV.number(red.errorRate)] + red.latencyMillis.map(CSV.number)
    }

    static func servicesJSON(_ rows: [ServiceMetrics.ServiceRow], window: MetricsWindow) -> Response {
        var json = JSONWriter(capacity: 64 + 160 * rows.count)
        json.object { json in
            Self.window(window, into: &json)
            json.key("services")
            json.array { json in
                for row in rows {
                    json.object { json in
                        json.key("service"); json.value(row.service)
                        red(row.red, into: &json)
                    }
                }
            }
        }
        return APIResponse.json(json.bytes)
    }

    static func servicesCSV(_ rows: [ServiceMetrics.ServiceRow]) -> Response {
        var csv = CSV(header: ["service"] + tableHeader)
        for row in rows { csv.row([row.service] + redFields(row.red)) }
        return csv.response(filename: "services.csv")
    }

    static func quantileKey(_ quantile: Double) -> String { JSONWriter.shortest(quantile) }

    /// calls, errors, callRate, errorRate and latencyMs keyed by quantile.
    static func point(_ red: REDRow, quantiles: [Double], into json: inout JSONWriter) {
        json.key("calls"); json.value(red.calls)
        json.key("errors"); json.value(red.errors)
        json.key("callRate"); json.value(red.callRate)
        json.key("errorRate"); optional(red.errorRate, into: &json)
        json.key("latencyMs")
        json.object { json in
            for (quantile, value) in zip(quantiles, red.latencyMillis) {
                json.key(quantileKey(quantile)); optional(value, into: &json)
            }
        }
    }

    static func latencyJSON(_ report: ServiceMetrics.LatencyReport, service: String, operation: String?, kinds: Set<SpanKind>,
                            window: MetricsWindow, quantiles: [Double]) -> Response {
        var json = JSONWriter(capacity: 512 + 160 * report.series.count)
        json.object { json in
            json.key("service"); json.value(service)
            json.key("operation"); if let operation { json.value(operation) } else { json.null() }
            json.key("spanKinds")
            json.array { json in for kind in kinds.sorted(by: { $0.rawValue < $1.rawValue }) { json.value(kind.jaegerName) } }
            Self.window(window, into: &json)
            json.key("stepSeconds"); json.value(window.stepSeconds)
            json.key("quantiles"); json.array { json in for quantile in quantiles { json.value(quantile) } }
            json.key("summary"); json.object { json in point(report.summary, quantiles: quantiles, into: &json) }
            json.key("series")
            json.array { json in
                for (minute, red) in report.series {
                    json.object { json in
                        json.key("time"); json.value(RFC3339.format(nanos: minute * 60_000_000_000))
                        point(red, quantiles: quantiles, into: &json)
                    }
                }
            }
        }
        return APIResponse.json(json.bytes)
    }

    /// One row per step, after a first row `window` with the whole window's figures.
    static func latencyCSV(_ report: ServiceMetrics.LatencyReport, quantiles: [Double]) -> Response {
        let quantileColumns = quantiles.map { "p\(JSONWriter.shortest($0 * 100))_ms" }
        var csv = CSV(header: ["time", "calls", "errors", "call_rate_per_s", "error_rate"] + quantileColumns)
        csv.row(["window"] + redFields(report.summary))
        for (minute, red) in report.series { csv.row([RFC3339.format(nanos: minute * 60_000_000_000)] + redFields(red)) }
        return csv.response(filename: "latency.csv")
    }

    static func operationsJSON(_ rows: [ServiceMetrics.OperationRow], service: String, window: MetricsWindow) -> Response {
        var json = JSONWriter(capacity: 64 + 200 * rows.count)
        json.object { json in
            json.key("service"); json.value(service)
            Self.window(window, into: &json)
            json.key("operations")
            json.array { json in
                for row in rows {
                    json.object { json in
                        json.key("operation"); json.value(row.operation)
                        json.key("spanKind"); json.value(row.kind.jaegerName)
                        red(row.red, into: &json)
                    }
                }
            }
        }
        return APIResponse.json(json.bytes)
    }

    static func operationsCSV(_ rows: [ServiceMetrics.OperationRow]) -> Response {
        var csv = CSV(header: ["operation", "span_kind"] + tableHeader)
        for row in rows { csv.row([row.operation, row.kind.jaegerName] + redFields(row.red)) }
        return csv.response(filename: "operations.csv")
    }

    static func dependenciesJSON(_ rows: [ServiceMetrics.EdgeRow], window: MetricsWindow) -> Response {
        var json = JSONWriter(capacity: 64 + 200 * rows.count)
        json.object { json in
            Self.window(window, into: &json)
            json.key("dependencies")
            json.array { json in
                for row in rows {
                    json.object { json in
                        json.key("parent"); json.value(row.parent)
                        json.key("child"); json.value(row.child)
                        red(row.red, into: &json)
                    }
                }
            }
        }
        return APIResponse.json(json.bytes)
    }

    static func dependenciesCSV(_ rows: [ServiceMetrics.EdgeRow]) -> Response {
        var csv = CSV(header: ["parent", "child"] + tableHeader)
        for row in rows { csv.row([row.parent, row.child] + redFields(row.red)) }
        return csv.response(filename: "dependencies.csv")
    }
}
