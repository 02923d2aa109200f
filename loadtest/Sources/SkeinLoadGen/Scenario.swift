/// Everything one run of `skein-loadgen` does, as a flat struct whose fields are the flags.
/// Each field's doc comment names its flag and default; `Scenario.Help` holds the help text
/// the command line shows (Jaeger tracegen style: name, default, one line). Build one, set
/// fields, then call `validate()` before running it.
package struct Scenario: Sendable {
    package enum Shape: String, Sendable, CaseIterable { case ecommerce, synthetic }
    package enum WireProtocol: String, Sendable, CaseIterable {
        case grpc
        case httpProtobuf = "http-protobuf"
        case httpJSON = "http-json"

        package var encoding: BodyEncoding { self == .httpJSON ? .json : .protobuf }
    }
    package enum Sink: String, Sendable, CaseIterable { case otlp, null }

    /// `--scenario`, default `ecommerce`.
    package var shape = Shape.ecommerce
    /// `--services`, default 10 (synthetic only).
    package var services = 10
    /// `--depth`, default 4 (synthetic only).
    package var depth = 4
    /// `--fanout`, default 3 (synthetic only).
    package var fanout = 3
    /// `--error-rate`, default 0.05: the share of traces that contain a failure.
    package var errorRate = 0.05
    /// `--rate`, default 0: spans per second over all workers; 0 sends as fast as acknowledgements allow.
    package var rate = 0.0
    /// `--duration` in seconds. With neither it nor `traces`, runs 10 s.
    package var duration: Double?
    /// `--traces`: stop after sending this many traces.
    package var traces: Int?
    /// `--workers`, default 4: requests in flight at once.
    package var workers = 4
    /// `--batch`, default 200: spans per request (whole traces: a request may end a few spans short).
    package var batch = 200
    /// `--protocol`, default `grpc`.
    package var wireProtocol = WireProtocol.grpc
    /// `--gzip`, default off.
    package var gzip = false
    /// `--endpoint`; default `127.0.0.1:4317` for gRPC, `http://127.0.0.1:4318` for HTTP.
    package var endpoint: String?
    /// `--query`, default `http://127.0.0.1:16686`: the query API `--verify` reads from.
    package var query = "http://127.0.0.1:16686"
    /// `--json`: print the summary as one JSON object on stdout.
    package var json = false
    /// `--verify`: read back acknowledged traces afterwards.
    package var verify = false
    /// `--verify-sample`: check a uniform sample of this many acknowledged traces (implies `--verify`).
    package var verifySample: Int?
    /// `--seed`; default drawn from the clock and printed, so any run can be repeated.
    package var seed: UInt64?
    /// `--sink`, default `otlp`; `null` encodes but does not send.
    package var sink = Sink.otlp
    /// `--max-retries`, default 8: retries of one request before it counts as failed.
    package var maxRetries = 8
    /// `--timeout`, default 30: seconds one request may take.
    package var timeoutSeconds = 30
    /// `--quiet`: no progress lines.
    package var quiet = false

    package init() {}

    /// Runs without `--duration` stop at this many seconds even if `--traces` is not reached.
    package static let hardCapSeconds = 3600.0
    /// Traces remembered for `--verify` without `--verify-sample` (a uniform sample beyond it).
    package static let verifyMemory = 100_000

    package enum Help {
        package static let scenario = "Trace shapes: ecommerce (a built-in shop of 10 services) or synthetic (see --services, --depth, --fanout)."
        package static let services = "Synthetic scenario: number of services (2-1000)."
        package static let depth = "Synthetic scenario: levels of services a trace passes through (1-10)."
        package static let fanout = "Synthetic scenario: calls each service makes to the next level (1-10)."
        package static let errorRate = "Share of traces with a failure (0-1); the failure propagates to callers that do not handle it."
        package static let rate = "Spans per second over all workers; 0 sends as fast as the server acknowledges."
        package static let duration = "Seconds to send for (default 10 when --traces is not given either)."
        package static let traces = "Send this many traces, then stop (capped at \(Int(hardCapSeconds)) s unless --duration is given)."
        package static let workers = "Requests in flight at once (1-1024)."
        package static let batch = "Spans per request (1-100000); requests carry whole traces."
        package static let wireProtocol = "grpc, http-protobuf or http-json."
        package static let gzip = "Compress requests with gzip."
        package static let endpoint = "OTLP receiver: host:port for grpc (default 127.0.0.1:4317), a URL for http (default http://127.0.0.1:4318; /v1/traces is added to a bare host)."
        package static let query = "Skein query API base URL, read by --verify."
        package static let json = "Print the summary as one JSON object on stdout."
        package static let verify = "Afterwards, fetch acknowledged traces back and report missing and partial ones; exit 1 if any."
        package static let verifySample = "Verify a uniform sample of this many acknowledged traces (implies --verify)."
        package static let seed = "Seed for trace shapes, IDs and attributes (default: from the clock, printed in the summary)."
        package static let sink = "otlp sends; null encodes but does not send, to measure the generator's own maximum rate."
        package static let maxRetries = "Retries of a refused request before it counts as failed (0-100)."
        package static let timeout = "Seconds one request may take before it is abandoned and retried (1-600)."
        package static let quiet = "No progress lines on stderr."
    }

    /// Checks every field, throwing one line that names the flag, the rule and the value.
    package func validate() throws(ScenarioError) {
        func check(_ condition: Bool, _ message: @autoclosure () -> String) throws(ScenarioError) {
            if !condition { throw ScenarioError(message()) }
        }
        try check(rate.isFinite && rate >= 0, "--rate must be 0 (as fast as possible) or a positive number of spans per second (got \(rate))")
        if let duration {
            try check(duration.isFinite && duration >= 0.1 && duration <= 86_400, "--duration must be from 0.1 to 86400 seconds (got \(duration))")
        }
        if let traces { try check((1...1_000_000_000).contains(traces), "--traces must be from 1 to 1000000000 (got \(traces))") }
        try check((1...1024).contains(workers), "--workers must be from 1 to 1024 (got \(workers))")
        try check((1...100_000).contains(batch), "--batch must be from 1 to 100000 spans (got \(batch))")
        try check(errorRate.isFinite && (0...1).contains(errorRate), "--error-rate must be from 0 to 1 (got \(errorRate))")
        try check((2...1000).contains(services), "--services must be from 2 to 1000 (got \(services))")
        try check((1...10).contains(depth), "--depth must be from 1 to 10 (got \(depth))")
        try check((1...10).contains(fanout), "--fanout must be from 1 to 10 (got \(fanout))")
        try check((0...100).contains(maxRetries), "--max-retries must be from 0 to 100 (got \(maxRetries))")
        try check((1...600).contains(timeoutSeconds), "--timeout must be from 1 to 600 seconds (got \(timeoutSeconds))")
        if let verifySample { try check(verifySample >= 1, "--verify-sample must be at least 1 (got \(verifySample))") }
        try check(!verifies || sink == .otlp, "--verify needs spans to be sent: drop --sink null")
        _ = try target()
        if verifies { _ = try queryBase() }
    }

    /// True when traces are read back afterwards.
    package var verifies: Bool { verify || verifySample != nil }

    /// Where spans go, parsed from `endpoint` or the protocol's default.
    package func target() throws(ScenarioError) -> OTLPTarget {
        switch wireProtocol {
        case .grpc: try OTLPTarget.grpc(endpoint ?? "127.0.0.1:4317")
        case .httpProtobuf, .httpJSON: try OTLPTarget.http(endpoint ?? "http://127.0.0.1:4318")
        }
    }

    /// The query API base URL without a trailing slash.
    package func queryBase() throws(ScenarioError) -> String {
        var base = query
        while base.hasSuffix("/") { base.removeLast() }
        guard base.hasPrefix("http://") || base.hasPrefix("https://"), base.count > "https://".count else {
            throw ScenarioError("--query must be an http:// or https:// URL such as http://127.0.0.1:16686 (got '\(query)')")
        }
        return base
    }
}

/// A flag value that cannot be used; `message` is the one line printed before exiting.
package struct ScenarioError: Error, CustomStringConvertible, Equatable {
    package var message: String
    package init(_ message: String) { self.message = message }
    package var description: String { message }
}
