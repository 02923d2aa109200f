import SkeinCore
import SkeinTesting
import Testing
@testable import SkeinSampling

@Suite struct SamplingStageTests {
    @Test func headSamplingRunsBeforeTheTailAndEveryBatchGoesOn() async throws {
        let clock = ManualClock(), next = RecordingConsumer(), storage = MemoryTailStorage()
        let configuration = SamplingConfiguration(head: HeadSamplingConfiguration(defaultRate: 0.5),
                                                  tail: Fixtures.tailConfiguration([TailPolicy(name: "errors", rule: .error)]))
        let stage = try SamplingStage(configuration: configuration, next: next, storage: storage, clock: clock, logger: Fixtures.logger)
        let keptByHead = Fixtures.traceID(randomness: 0x90000000000000), droppedByHead = Fixtures.traceID(randomness: 0x10000000000000)
        try await stage.consume(try Fixtures.trace(keptByHead, error: true))
        try await stage.consume(try Fixtures.trace(droppedByHead, error: true))
        #expect(next.batches.count == 2 && next.spans.isEmpty)
        #expect(storage.held.count == 2)  // only the head-kept trace's two fragments
        clock.advance(bySeconds: 10)
        await stage.tail!.decideDue()
        #expect(next.traceIDs == [keptByHead])
        #expect(next.spans.allSatisfy { $0.traceState == "ot=th:8" })  // certain keep: the head's th stays

        let status = try JSONValue(parsing: stage.statusJSON())
        #expect(status["head"]?["defaultRate"] == .number("0.5"))
        #expect(status["tail"]?["policies"] == .array([.object([("name", .string("errors")), ("type", .string("error"))])]))
        #expect(status["tail"]?["tracesHeld"] == .number("0"))
        #expect(status["counters"]?["spansReceived"] == .number("4"))
        #expect(status["counters"]?["spansDropped"]?["head"] == .number("2"))
        #expect(status["counters"]?["tracesKept"]?["errors"] == .number("1"))
        #expect(status["counters"]?["spansForwarded"] == .number("2"))
    }

    @Test func withoutTailSamplingTheStageOnlyHeadSamples() async throws {
        let next = RecordingConsumer()
        let stage = try SamplingStage(configuration: SamplingConfiguration(head: .init(defaultRate: 0)), next: next,
                                      storage: nil, logger: Fixtures.logger)
        try await stage.consume(try Fixtures.trace(Fixtures.traceID(randomness: 0xffffffffffffff), error: true))
        #expect(stage.tail == nil && next.batches.count == 1 && next.spans.isEmpty)
        #expect(throws: SamplingSetupError.self) {
            try SamplingStage(configuration: SamplingConfiguration(tail: Fixtures.tailConfiguration([])), next: next,
                              storage: nil, logger: Fixtures.logger)
        }
    }

    @Test func theStatusOfAServerWithoutSampling() throws {
        let status = try JSONValue(parsing: SamplingStage.statusJSON(configuration: SamplingConfiguration()))
        #expect(status["head"]?["enabled"] == .bool(false))
        #expect(status["tail"]?["enabled"] == .bool(false))
        #expect(status["tail"]?["decisionWait"] == .string("10s"))
        #expect(status["tail"]?["maxBytes"] == .number("268435456"))
    }
}
