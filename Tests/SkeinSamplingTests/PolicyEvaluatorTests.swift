import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinTesting
import Testing
@testable import SkeinSampling

/// Each policy against a table of traces. `high` has R above every threshold used here, `low`
/// below them.
@Suite struct PolicyEvaluatorTests {
    static let high = Fixtures.traceID(randomness: 0xf8000000000000)
    static let low = Fixtures.traceID(randomness: 0x01000000000000)

    enum Shape: String, CaseIterable, CustomTestStringConvertible {
        case plain, error, slowTrace, slowSpan, checkout, tierGold, status503, status503Text, status599_5, paymentService, lowPlain
        var testDescription: String { rawValue }
    }

    static func groups(_ shape: Shape) throws -> (TraceID, [ResourceGroup]) {
        let trace = shape == .lowPlain ? low : high
        let second: UInt64 = 1_000_000_000
        var spans = [Fixtures.span(trace, 1, startNanos: 10 * second, durationNanos: second)]
        var child = Fixtures.span(trace, 2, parent: 1, startNanos: 10 * second + 1_000, durationNanos: 1_000)
        var service = "frontend"
        var resource: [OTLPKeyValue] = []
        switch shape {
        case .plain, .lowPlain: break
        case .error: child.status = .with { $0.code = .error }
        case .slowTrace: spans.append(Fixtures.span(trace, 3, parent: 1, startNanos: 11_500_000_000, durationNanos: second))
        case .slowSpan: spans[0].endTimeUnixNano = spans[0].startTimeUnixNano + 3 * second
        case .checkout: child.attributes = [OTLPBuilders.attribute("http.route", "/api/checkout")]
        case .tierGold: resource = [OTLPBuilders.attribute("user.tier", "gold")]
        case .status503: child.attributes = [OTLPBuilders.attribute("http.response.status_code", .with { $0.intValue = 503 })]
        case .status503Text: child.attributes = [OTLPBuilders.attribute("http.response.status_code", "503")]
        case .status599_5: child.attributes = [OTLPBuilders.attribute("http.response.status_code", .with { $0.doubleValue = 599.5 })]
        case .paymentService: service = "payment"
        }
        spans.append(child)
        return (trace, try Fixtures.batch([(service, spans)], resourceAttributes: resource).groups)
    }

    static let highThreshold = ConsistentProbability.threshold(probability: 0.25)

    static let cases: [(PolicyRule, Shape, Inclusion?)] = [
        (.always, .plain, .certain),
        (.error, .error, .certain), (.error, .plain, nil),
        (.duration(thresholdNanos: 2_000_000_000, of: .trace), .slowTrace, .certain),
        (.duration(thresholdNanos: 2_000_000_000, of: .trace), .plain, nil),
        (.duration(thresholdNanos: 2_000_000_000, of: .span), .slowTrace, nil),
        (.duration(thresholdNanos: 2_000_000_000, of: .span), .slowSpan, .certain),
        (.attribute(.init(key: "http.route", match: .equals("/api/checkout"))), .checkout, .certain),
        (.attribute(.init(key: "http.route", match: .equals("/api/checkout"), scope: .resource)), .checkout, nil),
        (.attribute(.init(key: "http.route", match: .equals("/api/cart"))), .checkout, nil),
        (.attribute(.init(key: "http.route", match: .regex("^/api/"))), .checkout, .certain),
        (.attribute(.init(key: "http.route", match: .regex("^/checkout"))), .checkout, nil),
        (.attribute(.init(key: "user.tier", match: .equals("gold"), scope: .resource)), .tierGold, .certain),
        (.attribute(.init(key: "user.tier", match: .equals("gold"), scope: .span)), .tierGold, nil),
        (.attribute(.init(key: "http.response.status_code", match: .range(min: 500, max: 599))), .status503, .certain),
        (.attribute(.init(key: "http.response.status_code", match: .range(min: 500, max: 599))), .status503Text, nil),
        (.attribute(.init(key: "http.response.status_code", match: .range(min: 500, max: 599))), .status599_5, nil),
        (.attribute(.init(key: "http.response.status_code", match: .range(min: 500, max: nil))), .status599_5, .certain),
        (.attribute(.init(key: "http.response.status_code", match: .equals("503"))), .status503, .certain),
        (.probabilistic(rate: 0.25), .plain, .threshold(highThreshold)),
        (.probabilistic(rate: 0.25), .lowPlain, nil),
        (.probabilistic(rate: 1), .lowPlain, .threshold(0)),
        (.services(["payment", "cart"]), .paymentService, .certain),
        (.services(["payment", "cart"]), .plain, nil),
        (.and([.services(["payment"]), .error]), .paymentService, nil),
        (.and([.services(["frontend"]), .error]), .error, .certain),
        (.and([.services(["frontend"]), .probabilistic(rate: 0.25)]), .plain, .threshold(highThreshold)),
        (.and([.probabilistic(rate: 0.5), .probabilistic(rate: 0.25)]), .plain, .threshold(highThreshold)),
        (.not(.error), .plain, .certain), (.not(.error), .error, nil),
        (.not(.probabilistic(rate: 0.25)), .lowPlain, .unknown),
        (.not(.and([.error, .probabilistic(rate: 0.25)])), .plain, .certain),
    ]

    @Test(arguments: cases)
    func onePolicy(rule: PolicyRule, shape: Shape, expected: Inclusion?) throws {
        let (trace, groups) = try Self.groups(shape)
        let decision = try PolicyEvaluator(policies: [TailPolicy(name: "p", rule: rule)]).decide(traceID: trace, groups: groups, nowNanos: 0)
        #expect(decision.kept == (expected != nil))
        #expect(decision.reason == (expected != nil ? "p" : nil))
        if let expected { #expect(decision.inclusion == expected) }
    }

    @Test func rateLimitsKeepSoManyTracesASecondPerRootService() throws {
        let evaluator = try PolicyEvaluator(policies: [TailPolicy(name: "limit", rule: .rateLimit(tracesPerSecond: 2))])
        var ids = Fixtures.TraceIDs(seed: 3)
        func decide(_ service: String, at seconds: Double) throws -> TraceDecision {
            let trace = ids.next()
            return evaluator.decide(traceID: trace, groups: try Fixtures.trace(trace, service: service).groups,
                                    nowNanos: UInt64(seconds * 1e9))
        }
        #expect(try (0..<3).map { _ in try decide("a", at: 100).kept } == [true, true, false])
        #expect(try decide("b", at: 100).kept)          // another root service has its own budget
        #expect(try !decide("a", at: 100.4).kept)       // 0.8 tokens refilled
        #expect(try decide("a", at: 100.5).kept)        // 1.0
        let kept = try decide("a", at: 200)
        #expect(kept.inclusion == .unknown && kept.reason == "limit")
    }

    @Test func policiesWithoutRateLimitsComeFirstAndTheFirstKeeperIsTheReason() throws {
        let evaluator = try PolicyEvaluator(policies: [
            TailPolicy(name: "limit", rule: .rateLimit(tracesPerSecond: 1)),
            TailPolicy(name: "sample", rule: .probabilistic(rate: 0.25)),
            TailPolicy(name: "errors", rule: .error),
        ])
        let (errorTrace, errorGroups) = try Self.groups(.error)
        let error = evaluator.decide(traceID: errorTrace, groups: errorGroups, nowNanos: 0)
        // Kept by both "sample" and "errors": the reason is the earlier one, and the trace was
        // certain to be kept (it has an error), so th stays as it came.
        #expect(error == TraceDecision(kept: true, reason: "sample", inclusion: .certain))
        let (lowTrace, lowGroups) = try Self.groups(.lowPlain)
        // The rate limit's single token was not spent on the error trace.
        #expect(evaluator.decide(traceID: lowTrace, groups: lowGroups, nowNanos: 0) ==
                TraceDecision(kept: true, reason: "limit", inclusion: .unknown))
        #expect(!evaluator.decide(traceID: lowTrace, groups: lowGroups, nowNanos: 0).kept)
    }

    @Test(arguments: [
        ([Verdict(kept: true, basis: .threshold(8)), Verdict(kept: true, basis: .threshold(4))], Inclusion.threshold(4)),
        ([Verdict(kept: true, basis: .threshold(8)), Verdict(kept: false, basis: .deterministic)], .threshold(8)),
        ([Verdict(kept: true, basis: .threshold(8)), Verdict(kept: false, basis: .unknown)], .unknown),
        ([Verdict(kept: true, basis: .threshold(8)), Verdict(kept: true, basis: .deterministic)], .certain),
        ([Verdict(kept: false, basis: .threshold(8))], nil),
    ])
    func verdictsCombine(verdicts: [Verdict], expected: Inclusion?) {
        #expect(Verdict.inclusion(of: verdicts) == expected)
    }
}
