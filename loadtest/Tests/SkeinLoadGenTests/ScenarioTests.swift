import Testing
@testable import SkeinLoadGen

/// Flag validation gives one clear line per mistake; endpoints parse as the SDKs read them.
@Suite struct ScenarioTests {
    @Test func defaultsAreValid() throws {
        try Scenario().validate()
        #expect(try Scenario().target() == .grpc(host: "127.0.0.1", port: 4317))
        var http = Scenario()
        http.wireProtocol = .httpJSON
        #expect(try http.target() == .http(url: "http://127.0.0.1:4318/v1/traces"))
    }

    @Test func badValuesNameTheFlagAndTheRule() {
        let cases: [(WritableKeyPath<Scenario, Int>, Int, String)] = [
            (\.workers, 0, "--workers must be from 1 to 1024 (got 0)"),
            (\.batch, 0, "--batch must be from 1 to 100000 spans (got 0)"),
            (\.services, 1, "--services must be from 2 to 1000 (got 1)"),
            (\.depth, 11, "--depth must be from 1 to 10 (got 11)"),
            (\.fanout, 0, "--fanout must be from 1 to 10 (got 0)"),
            (\.maxRetries, -1, "--max-retries must be from 0 to 100 (got -1)"),
        ]
        for (path, value, message) in cases {
            var scenario = Scenario()
            scenario[keyPath: path] = value
            #expect(throws: ScenarioError(message)) { try scenario.validate() }
        }
        var scenario = Scenario()
        scenario.rate = -1
        #expect(throws: ScenarioError.self) { try scenario.validate() }
        scenario = Scenario()
        scenario.errorRate = 1.5
        #expect(throws: ScenarioError("--error-rate must be from 0 to 1 (got 1.5)")) { try scenario.validate() }
        scenario = Scenario()
        scenario.traces = 0
        #expect(throws: ScenarioError("--traces must be from 1 to 1000000000 (got 0)")) { try scenario.validate() }
        scenario = Scenario()
        (scenario.verify, scenario.sink) = (true, .null)
        #expect(throws: ScenarioError("--verify needs spans to be sent: drop --sink null")) { try scenario.validate() }
        scenario = Scenario()
        (scenario.verify, scenario.query) = (true, "localhost:16686")
        #expect(throws: ScenarioError.self) { try scenario.validate() }
    }

    @Test func endpointsParseLikeTheSDKs() throws {
        #expect(try OTLPTarget.grpc("localhost:4317") == .grpc(host: "localhost", port: 4317))
        #expect(try OTLPTarget.grpc("http://10.0.0.5:4317/") == .grpc(host: "10.0.0.5", port: 4317))
        #expect(try OTLPTarget.grpc("[::1]:4317") == .grpc(host: "::1", port: 4317))
        #expect(throws: ScenarioError.self) { try OTLPTarget.grpc("localhost") }
        #expect(throws: ScenarioError.self) { try OTLPTarget.grpc("localhost:99999") }
        #expect(try OTLPTarget.http("http://127.0.0.1:4318") == .http(url: "http://127.0.0.1:4318/v1/traces"))
        #expect(try OTLPTarget.http("http://127.0.0.1:4318/") == .http(url: "http://127.0.0.1:4318/v1/traces"))
        #expect(try OTLPTarget.http("127.0.0.1:4318") == .http(url: "http://127.0.0.1:4318/v1/traces"))
        #expect(try OTLPTarget.http("https://otel.example/custom/path") == .http(url: "https://otel.example/custom/path"))
        #expect(throws: ScenarioError.self) { try OTLPTarget.http("ftp://x/") }
    }

    @Test func latencyPercentilesAreWithinOnePercent() {
        var histogram = LatencyHistogram()
        for millis in 1...1000 { histogram.record(nanos: UInt64(millis) * 1_000_000) }
        for (fraction, expected) in [(0.5, 500.0), (0.9, 900.0), (0.99, 990.0)] {
            let value = Double(histogram.percentile(fraction)) / 1e6
            #expect(abs(value - expected) / expected < 0.011, "p\(Int(fraction * 100)) = \(value)")
        }
        #expect(histogram.percentile(1) == 1_000_000_000 && histogram.maximumNanos == 1_000_000_000)
        #expect(LatencyHistogram().percentile(0.5) == 0)
    }

    @Test func thePacerSpacesRequestsAtTheRate() {
        let pacer = Pacer(spansPerSecond: 1000)
        let now = ContinuousClock.now
        let slots = (0..<5).map { _ in pacer.slot(for: 200, now: now) }
        for (index, slot) in slots.enumerated() { #expect(slot == now + .milliseconds(200 * index)) }
    }

    @Test func theRequestSourceStopsAtTheTraceBudget() {
        let source = RequestSource(traceCounts: [3, 5], traceLimit: 10)
        var taken: [Int] = []
        while let work = source.take() { taken.append(work.traces) }
        #expect(taken == [3, 5, 2])
        let unbounded = RequestSource(traceCounts: [4], traceLimit: nil)
        #expect((0..<100).compactMap { _ in unbounded.take() }.count == 100)
    }
}
