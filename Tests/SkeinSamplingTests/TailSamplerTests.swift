import OTLPProto
import SkeinCore
import SkeinOTLP
import SkeinTesting
import Testing
@testable import SkeinSampling

/// The tail sampler with a manual clock, a dictionary as its durable buffer and a recording
/// consumer as storage: nothing here depends on timing.
@Suite struct TailSamplerTests {
    let clock = ManualClock()
    let storage = MemoryTailStorage()
    let next = RecordingConsumer()

    func sampler(_ configuration: TailSamplingConfiguration, reloaded: [HeldFragment] = []) throws -> TailSampler {
        try TailSampler(configuration: configuration, next: next, storage: storage, reloaded: reloaded, clock: clock,
                        counters: SamplingCounters(), logger: Fixtures.logger)
    }

    static let errorsOnly = [TailPolicy(name: "errors", rule: .error)]

    @Test func spansWaitForTheDecisionThenWholeTracesAreKeptOrDropped() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly))
        let failing = Fixtures.traceID(randomness: 1), fine = Fixtures.traceID(randomness: 2)
        // Each trace arrives in two requests; the second one 4 s later.
        try await tail.consume(try Fixtures.batch([("frontend", [Fixtures.span(failing, 1), Fixtures.span(fine, 1)])]))
        clock.advance(bySeconds: 4)
        try await tail.consume(try Fixtures.batch([("backend", [Fixtures.span(failing, 2, parent: 1, error: true),
                                                                Fixtures.span(fine, 2, parent: 1)])]))
        #expect(next.batches.count == 2 && next.spans.isEmpty)  // every batch went on, without spans
        #expect(storage.held.count == 4)
        #expect(tail.bufferStatus.traces == 2 && tail.bufferStatus.spans == 4)

        clock.advance(bySeconds: 5.9)
        await tail.decideDue()
        #expect(next.spans.isEmpty)  // 9.9 s after the first span: not due yet

        clock.advance(bySeconds: 0.1)
        await tail.decideDue()
        #expect(next.traceIDs == [failing])
        #expect(next.spans.count == 2)
        #expect(storage.held.isEmpty)
        #expect(tail.bufferStatus.traces == 0 && tail.bufferStatus.bytes == 0)
        let counters = tail.counters.snapshot
        #expect(counters.tracesKept == ["errors": 1] && counters.tracesDropped == 1 && counters.spansDroppedTail == 2)
        #expect(counters.spansForwarded == 2)
    }

    @Test func lateSpansFollowTheCachedDecision() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly))
        let failing = Fixtures.traceID(randomness: 1), fine = Fixtures.traceID(randomness: 2)
        try await tail.consume(try Fixtures.batch([("a", [Fixtures.span(failing, 1, error: true), Fixtures.span(fine, 1)])]))
        clock.advance(bySeconds: 10)
        await tail.decideDue()
        let before = next.batches.count

        try await tail.consume(try Fixtures.batch([("b", [Fixtures.span(failing, 2, parent: 1), Fixtures.span(fine, 2, parent: 1)])],
                                                  tenant: .single))
        #expect(next.batches.count == before + 1)
        #expect(next.batches.last!.groups.flatMap(\.spans).map(\.spanID) == [SpanID(2)])
        #expect(next.batches.last!.groups.flatMap(\.spans).allSatisfy { $0.traceID == failing })
        #expect(storage.held.isEmpty && tail.bufferStatus.traces == 0)
        let counters = tail.counters.snapshot
        #expect(counters.lateSpansKept == 1 && counters.lateSpansDropped == 1)
    }

    @Test func aFullDecisionCacheForgetsTheOldestDecision() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly, cacheSize: 2))
        let traces = (1...3).map { Fixtures.traceID(randomness: UInt64($0)) }
        for trace in traces { try await tail.consume(try Fixtures.batch([("a", [Fixtures.span(trace, 1, error: true)])])) }
        clock.advance(bySeconds: 10)
        await tail.decideDue()
        // The first decision was forgotten: its late span starts a new held trace.
        try await tail.consume(try Fixtures.batch([("a", traces.map { Fixtures.span($0, 9, parent: 1) })]))
        #expect(tail.counters.snapshot.lateSpansKept == 2)
        #expect(tail.bufferStatus.traces == 1)
        #expect(storage.held.map(\.id.traceID) == [traces[0]])
    }

    @Test func overTheTraceBoundTheOldestAreDecidedEarly() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly, maxTraces: 3))
        let traces = (1...5).map { Fixtures.traceID(randomness: UInt64($0)) }
        for (index, trace) in traces.enumerated() {
            try await tail.consume(try Fixtures.batch([("a", [Fixtures.span(trace, 1, error: index == 0)])]))
            clock.advance(bySeconds: 1)
        }
        #expect(tail.bufferStatus.traces == 3)
        #expect(next.traceIDs == [traces[0]])  // decided early and kept: it has an error
        #expect(Set(storage.held.map(\.id.traceID)) == Set(traces[2...]))
        let counters = tail.counters.snapshot
        #expect(counters.earlyDecisions == ["max_traces": 2])
        #expect(counters.tracesKept == ["errors": 1] && counters.tracesDropped == 1)
    }

    @Test func overTheByteBoundTheOldestAreDecidedEarly() async throws {
        let traces = (1...6).map { Fixtures.traceID(randomness: UInt64($0)) }
        let batches = try traces.map { try Fixtures.batch([("a", [Fixtures.span($0, 1, attributes: [OTLPBuilders.attribute("pad", String(repeating: "x", count: 1_000))])])]) }
        let fragmentBytes = HeldFragment(id: .init(tenant: .single, traceID: traces[0], sequence: 0), receivedNanos: 0,
                                         group: batches[0].groups[0]).estimatedBytes
        let tail = try sampler(Fixtures.tailConfiguration([TailPolicy(name: "all", rule: .always)], maxBytes: 4 * fragmentBytes))
        for batch in batches { try await tail.consume(batch) }
        #expect(tail.bufferStatus.traces == 4)
        #expect(tail.bufferStatus.bytes <= 4 * fragmentBytes)
        #expect(next.traceIDs == Set(traces[..<2]))
        #expect(tail.counters.snapshot.earlyDecisions == ["max_bytes": 2])
        #expect(storage.held.count == 4)
    }

    @Test func heldSpansReloadedAtStartupAreDecidedWhenDue() async throws {
        let failing = Fixtures.traceID(randomness: 1), fine = Fixtures.traceID(randomness: 2), recent = Fixtures.traceID(randomness: 3)
        let now = clock.nowNanos()
        func fragment(_ trace: TraceID, _ sequence: UInt64, receivedSecondsAgo: UInt64, error: Bool) throws -> HeldFragment {
            HeldFragment(id: .init(tenant: .single, traceID: trace, sequence: sequence), receivedNanos: now - receivedSecondsAgo * 1_000_000_000,
                         group: try Fixtures.batch([("a", [Fixtures.span(trace, sequence, error: error)])]).groups[0])
        }
        let reloaded = [try fragment(failing, 1, receivedSecondsAgo: 60, error: false), try fragment(failing, 2, receivedSecondsAgo: 59, error: true),
                        try fragment(fine, 3, receivedSecondsAgo: 30, error: false), try fragment(recent, 4, receivedSecondsAgo: 2, error: true)]
        for fragment in reloaded { try await storage.hold([fragment]) }
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly), reloaded: reloaded)
        #expect(tail.counters.snapshot.tracesReloaded == 3)
        await tail.decideDue()
        #expect(next.traceIDs == [failing] && next.spans.count == 2)
        #expect(storage.held.map(\.id.traceID) == [recent])
        clock.advance(bySeconds: 8)
        await tail.decideDue()
        #expect(next.traceIDs == [failing, recent] && storage.held.isEmpty)
    }

    @Test func aRefusedHoldAdmitsNothing() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly))
        storage.setRefusing(true)
        await #expect(throws: MemoryTailStorage.Refusal.self) {
            try await tail.consume(try Fixtures.trace(Fixtures.traceID(randomness: 1), error: true))
        }
        #expect(tail.bufferStatus.traces == 0 && next.batches.isEmpty)
    }

    @Test func keptTracesStorageRefusesAreRetriedAndStayHeldUntilStored() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly))
        let failing = Fixtures.traceID(randomness: 1)
        try await tail.consume(try Fixtures.trace(failing, error: true))
        clock.advance(bySeconds: 10)
        next.setRefusing(true)
        await tail.decideDue()
        #expect(storage.held.count == 2)  // still durable
        #expect(tail.bufferStatus.unwrittenBytes > 0 && tail.counters.snapshot.writeFailures == 1)
        next.setRefusing(false)
        await tail.decideDue()
        #expect(next.traceIDs == [failing] && storage.held.isEmpty && tail.bufferStatus.bytes == 0)
    }

    @Test func spansOfATraceDecidedWhileTheyWereBeingWrittenFollowTheDecision() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly))
        let failing = Fixtures.traceID(randomness: 1)
        try await tail.consume(try Fixtures.batch([("a", [Fixtures.span(failing, 1, error: true)])]))
        clock.advance(bySeconds: 10)
        // The decision pass runs while the next span of the trace is being made durable.
        storage.setBeforeHold { [tail] in await tail.decideDue() }
        try await tail.consume(try Fixtures.batch([("a", [Fixtures.span(failing, 2, parent: 1)])]))
        storage.setBeforeHold(nil)
        #expect(next.spans.map(\.spanID).sorted() == [SpanID(1), SpanID(2)])
        #expect(storage.held.isEmpty && tail.bufferStatus.traces == 0)
        #expect(tail.counters.snapshot.lateSpansKept == 1)
    }

    @Test func spansArrivingDuringADecisionJoinIt() throws {
        var buffer = TailBuffer(configuration: Fixtures.tailConfiguration(Self.errorsOnly))
        let trace = Fixtures.traceID(randomness: 1)
        func fragment(_ sequence: UInt64) throws -> HeldFragment {
            HeldFragment(id: .init(tenant: .single, traceID: trace, sequence: sequence), receivedNanos: 0,
                         group: try Fixtures.batch([("a", [Fixtures.span(trace, sequence)])]).groups[0])
        }
        _ = buffer.admit([try fragment(1)])
        let taken = buffer.takeDue(nowNanos: 10_000_000_000)
        #expect(taken.map(\.key.traceID) == [trace])
        let admission = buffer.admit([try fragment(2)])
        #expect(admission.decided.isEmpty && admission.early.isEmpty && buffer.heldTraces == 1)
        let finished = buffer.finish(taken[0].key, decision: CachedDecision(kept: true, inclusion: .certain))
        #expect(finished.late.map(\.id.sequence) == [2] && finished.spans == 2)
        #expect(buffer.heldTraces == 1 && buffer.heldBytes == finished.bytes)  // held until written
        buffer.settled(traces: 1, bytes: finished.bytes, spans: finished.spans)
        #expect(buffer.heldTraces == 0 && buffer.heldBytes == 0 && buffer.heldSpans == 0)
        #expect(buffer.admit([try fragment(3)]).decided.map(\.fragment.id.sequence) == [3])
    }

    @Test func overABoundNothingIsAdmittedUntilTheOldestAreSettled() throws {
        var buffer = TailBuffer(configuration: Fixtures.tailConfiguration(Self.errorsOnly, maxTraces: 2))
        func fragment(_ randomness: UInt64) throws -> HeldFragment {
            let trace = Fixtures.traceID(randomness: randomness)
            return HeldFragment(id: .init(tenant: .single, traceID: trace, sequence: randomness), receivedNanos: randomness,
                                group: try Fixtures.batch([("a", [Fixtures.span(trace, 1)])]).groups[0])
        }
        _ = buffer.admit([try fragment(1), try fragment(2)])
        var admission = buffer.admit([try fragment(3)])
        #expect(admission.early.map(\.key.traceID) == [Fixtures.traceID(randomness: 1)] && admission.early[0].early == .maxTraces)
        #expect(admission.waiting.map(\.id.sequence) == [3] && buffer.heldTraces == 2)
        let finished = buffer.finish(admission.early[0].key, decision: CachedDecision(kept: false, inclusion: .certain))
        buffer.settled(traces: 1, bytes: finished.bytes, spans: finished.spans)
        admission = buffer.admit(admission.waiting)
        #expect(admission.early.isEmpty && admission.waiting.isEmpty && buffer.heldTraces == 2)

        // Nothing pending is left to take (both are being decided): admitted over the bound.
        #expect(buffer.takeDue(nowNanos: 20_000_000_000).count == 2)
        admission = buffer.admit([try fragment(4)])
        #expect(admission.early.isEmpty && admission.waiting.isEmpty && buffer.heldTraces == 3)
    }

    @Test func aProbabilisticKeepRaisesTheThresholdOfEveryStoredSpan() async throws {
        let tail = try sampler(Fixtures.tailConfiguration([TailPolicy(name: "quarter", rule: .probabilistic(rate: 0.25))]))
        let trace = Fixtures.traceID(randomness: 0xe0000000000000)
        try await tail.consume(try Fixtures.batch([("a", [Fixtures.span(trace, 1), Fixtures.span(trace, 2, traceState: "ot=th:e")])]))
        clock.advance(bySeconds: 10)
        await tail.decideDue()
        let stored = next.spans.sorted { $0.spanID < $1.spanID }
        #expect(stored.map(\.traceState) == ["ot=th:c", "ot=th:e"])  // raised; already higher
        #expect(try OTLPSpan(serializedBytes: stored[0].encodedSpan).traceState == "ot=th:c")
    }

    @Test func theDecisionLoopRunsOnTheClockAndStopsWhenCancelled() async throws {
        let tail = try sampler(Fixtures.tailConfiguration(Self.errorsOnly))
        try await tail.consume(try Fixtures.trace(Fixtures.traceID(randomness: 1), error: true))
        let loop = Task { await tail.run() }
        while clock.sleeperCount == 0 { await Task.yield() }
        clock.advance(bySeconds: 10)  // wakes the loop, which decides the trace
        while storage.held.count > 0 { await Task.yield() }
        #expect(next.spans.count == 2)
        loop.cancel()
        await loop.value
    }
}
