import SkeinCore
import Testing
@testable import SkeinLoadGen

/// Short, bounded runs against a real in-process Skein server over 127.0.0.1.
@Suite(.serialized) struct EndToEndTests {
    @Test(arguments: [(Scenario.WireProtocol.grpc, false), (.httpProtobuf, false), (.httpJSON, false), (.grpc, true), (.httpProtobuf, true)])
    func aShortRunIsStoredAndEveryTraceVerifies(_ wireProtocol: Scenario.WireProtocol, _ gzip: Bool) async throws {
        let server = try await InProcessServer()
        var scenario = server.scenario(wireProtocol)
        scenario.gzip = gzip
        let summary = try await LoadGenerator.run(scenario)
        try await server.stop()
        let counters = summary.counters
        #expect(counters.tracesSent == 50 && counters.tracesAcknowledged == 50)
        #expect(counters.spansSent > 100 && counters.spansAcknowledged == counters.spansSent)
        // A transient refusal is allowed (the server may answer UNAVAILABLE now and then); each
        // must have been retried, and nothing may be lost.
        #expect(counters.spansFailed == 0 && counters.spansRejected == 0 && counters.retries == counters.refusalCount,
                "refusals: \(counters.refusals), failures: \(counters.failures)")
        let verify = try #require(summary.verify)
        #expect(verify.acknowledged == 50 && verify.checked == 50)
        #expect(verify.missing == 0 && verify.partial == 0 && verify.passed, "\(verify.text)")
        #expect(summary.exitCode == 0)
        let json = try JSONValue(parsing: summary.json)
        #expect(json["verify"]?["missing"] == .number("0") && json["exitCode"] == .number("0"))
        #expect(summary.sendingSeconds < 10)
    }

    @Test(arguments: [Scenario.WireProtocol.grpc, .httpProtobuf])
    func refusalsUnderOverloadAreRetriedUntilStored(_ wireProtocol: Scenario.WireProtocol) async throws {
        // One byte of in-flight budget: only one request is admitted at a time, the rest are
        // refused with UNAVAILABLE/503 and a 1 s retry delay.
        let server = try await InProcessServer { configuration in
            configuration.ingest.maxInFlightBytes = 1
            configuration.ingest.retryAfterSeconds = 1
        }
        var scenario = server.scenario(wireProtocol, traces: 60)
        (scenario.batch, scenario.workers) = (20, 8)
        let summary = try await LoadGenerator.run(scenario)
        try await server.stop()
        let counters = summary.counters
        #expect(counters.refusalCount > 0 && counters.retries == counters.refusalCount)
        #expect(counters.refusals.keys.allSatisfy { $0 == "UNAVAILABLE" || $0 == "HTTP 503" })
        #expect(counters.spansAcknowledged == counters.spansSent && counters.spansFailed == 0)
        #expect(summary.verify?.passed == true && summary.exitCode == 0)
    }

    @Test func verifyReportsTracesTheServerDoesNotHave() async throws {
        let stored = try await InProcessServer()
        let empty = try await InProcessServer()
        var scenario = stored.scenario(.grpc, traces: 20)
        scenario.query = "http://127.0.0.1:\(empty.queryPort)"
        let summary = try await LoadGenerator.run(scenario)
        try await stored.stop()
        try await empty.stop()
        let verify = try #require(summary.verify)
        #expect(verify.checked == 20 && verify.missing == 20 && !verify.passed)
        #expect(verify.missingExamples.count == 5)
        #expect(summary.exitCode == 1)
    }

    @Test func theNullSinkAcknowledgesEverythingWithoutANetwork() async throws {
        var scenario = Scenario()
        (scenario.sink, scenario.traces, scenario.quiet, scenario.seed, scenario.gzip) = (.null, 500, true, 1, true)
        let summary = try await LoadGenerator.run(scenario)
        #expect(summary.counters.tracesSent == 500 && summary.counters.tracesAcknowledged == 500)
        #expect(summary.counters.spansAcknowledged == summary.counters.spansSent && summary.exitCode == 0)
    }

    @Test func aRateLimitedRunSendsAboutTheRateForTheDuration() async throws {
        var scenario = Scenario()
        (scenario.sink, scenario.duration, scenario.rate, scenario.quiet, scenario.batch) = (.null, 1.5, 4000, true, 100)
        let clock = ContinuousClock()
        let started = clock.now
        let summary = try await LoadGenerator.run(scenario)
        let elapsed = started.duration(to: clock.now)
        #expect(elapsed < .seconds(3))
        // 1.5 s at 4000 spans/s, give or take one request per worker and the 100 ms catch-up allowance.
        #expect((5000...7000).contains(summary.counters.spansSent), "\(summary.counters.spansSent) spans")
    }

    @Test func anUnreachableEndpointFailsAfterItsRetries() async throws {
        var scenario = Scenario()
        (scenario.endpoint, scenario.traces, scenario.maxRetries, scenario.quiet, scenario.workers) = ("127.0.0.1:1", 5, 1, true, 1)
        scenario.timeoutSeconds = 5
        let summary = try await LoadGenerator.run(scenario)
        #expect(summary.counters.spansAcknowledged == 0 && summary.counters.spansFailed == summary.counters.spansSent)
        #expect(summary.counters.retries >= 1 && summary.exitCode == 1)
        #expect(summary.counters.failures.keys.allSatisfy { $0.hasSuffix("(retries exhausted)") })
    }
}
