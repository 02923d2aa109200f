import Foundation
import GRPCCore
import OTLPProto
import SkeinOTLP
import SwiftProtobuf
import Testing
@testable import SkeinLoadGen

/// Retry delays, Retry-After, and which answers are retried (otlp-wire.md §2.2, §3.2).
@Suite struct BackoffTests {
    @Test func delaysGrowExponentiallyWithJitterUpToTheMaximum() {
        let backoff = Backoff()
        var random = LoadRandom(seed: 1)
        for attempt in 1...12 {
            let expected = min(0.1 * pow(2, Double(attempt - 1)), 10)
            for _ in 0..<50 {
                let delay = backoff.delay(attempt: attempt, serverDelay: nil, random: &random).inSeconds
                #expect(delay >= expected * 0.8 - 1e-9 && delay <= expected * 1.2 + 1e-9, "attempt \(attempt): \(delay)")
            }
        }
    }

    @Test func aServerDelayIsAMinimumAndIsCapped() {
        let backoff = Backoff()
        var random = LoadRandom(seed: 2)
        #expect(backoff.delay(attempt: 1, serverDelay: .seconds(5), random: &random) == .seconds(5))
        #expect(backoff.delay(attempt: 1, serverDelay: .seconds(3600), random: &random) == .seconds(60))
        // Later attempts back off beyond the server's delay.
        #expect(backoff.delay(attempt: 8, serverDelay: .seconds(1), random: &random) > .seconds(5))
    }

    @Test func retryAfterReadsSecondsAndAllThreeHTTPDateForms() throws {
        let now = try #require(ISO8601DateFormatter().date(from: "2015-10-21T07:28:00Z"))
        #expect(RetryAfter.parse("7", now: now) == .seconds(7))
        #expect(RetryAfter.parse(" 120 ", now: now) == .seconds(120))
        #expect(RetryAfter.parse("0", now: now) == .zero)
        #expect(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wednesday, 21-Oct-15 07:29:00 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.parse("Wed Oct 21 07:28:10 2015", now: now) == .seconds(10))
        #expect(RetryAfter.parse("Wed Oct  1 07:28:10 2015", now: now) == .zero, "a date in the past means now")
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-5", now: now) == nil)
        #expect(RetryAfter.parse("", now: now) == nil)
    }

    @Test func httpAnswersAreClassifiedAsTheSpecSays() throws {
        let ok = HTTPExportSender.classify(status: 200, retryAfter: nil, body: Array("{}".utf8), encoding: .json)
        #expect(ok == .accepted(rejectedSpans: 0))
        let partialJSON = Array(#"{"partialSuccess":{"rejectedSpans":"3","errorMessage":"bad ids"}}"#.utf8)
        #expect(HTTPExportSender.classify(status: 200, retryAfter: nil, body: partialJSON, encoding: .json) == .accepted(rejectedSpans: 3))
        let partialProtobuf: [UInt8] = try ExportTraceResponse.with { $0.partialSuccess.rejectedSpans = 4 }.serializedBytes()
        #expect(HTTPExportSender.classify(status: 200, retryAfter: nil, body: partialProtobuf, encoding: .protobuf)
            == .accepted(rejectedSpans: 4))
        for status in [429, 502, 503, 504] {
            #expect(HTTPExportSender.classify(status: status, retryAfter: "2", body: [], encoding: .protobuf)
                == .retryable(code: "HTTP \(status)", retryAfter: .seconds(2)))
        }
        #expect(HTTPExportSender.classify(status: 503, retryAfter: nil, body: [], encoding: .protobuf)
            == .retryable(code: "HTTP 503", retryAfter: nil))
        for status in [400, 404, 405, 413, 415, 500] {
            #expect(HTTPExportSender.classify(status: status, retryAfter: "2", body: [], encoding: .json) == .permanent(code: "HTTP \(status)"))
        }
    }

    @Test func grpcCodesAreClassifiedAsTheSpecSays() {
        #expect(GRPCExportSender.classify(.unavailable, retryDelay: .seconds(1)) == .retryable(code: "UNAVAILABLE", retryAfter: .seconds(1)))
        #expect(GRPCExportSender.classify(.unavailable, retryDelay: nil) == .retryable(code: "UNAVAILABLE", retryAfter: nil))
        #expect(GRPCExportSender.classify(.resourceExhausted, retryDelay: nil) == .permanent(code: "RESOURCE_EXHAUSTED"))
        #expect(GRPCExportSender.classify(.resourceExhausted, retryDelay: .seconds(2))
            == .retryable(code: "RESOURCE_EXHAUSTED", retryAfter: .seconds(2)))
        for code in [RPCError.Code.cancelled, .deadlineExceeded, .aborted, .outOfRange, .dataLoss] {
            guard case .retryable = GRPCExportSender.classify(code, retryDelay: nil) else {
                Issue.record("\(code) should be retried")
                continue
            }
        }
        for code in [RPCError.Code.unknown, .invalidArgument, .notFound, .alreadyExists, .permissionDenied,
                     .failedPrecondition, .unimplemented, .internalError, .unauthenticated] {
            guard case .permanent = GRPCExportSender.classify(code, retryDelay: .seconds(1)) else {
                Issue.record("\(code) should not be retried")
                continue
            }
        }
        #expect(GRPCExportSender.name(of: .invalidArgument) == "INVALID_ARGUMENT")
    }
}
