import SkeinCore
import SkeinTail
import SkeinTesting
import Testing

/// Reads `count` spans from a subscription (the hub has already published them).
private func spans(_ subscription: TailSubscription, _ count: Int) async -> [TailSpan] {
    var out: [TailSpan] = []
    for await event in subscription.events {
        if case .spans(let spans) = event {
            out += spans
            subscription.consumed(spans.count)
        }
        if out.count >= count { break }
    }
    return out
}

/// Stands in for the store: records what reached it, or refuses.
private struct Sink: SpanBatchConsumer {
    let refuse: Bool
    struct Refused: Error {}
    func consume(_ batch: SpanBatch) async throws { if refuse { throw Refused() } }
}

struct SpanTailHubTests {
    @Test func aSubscriberGetsTheSpansItsFilterMatches() async throws {
        let hub = SpanTailHub()
        let checkoutErrors = try hub.subscribe(TailFilter(service: "checkout", error: true))
        let payOnly = try hub.subscribe(TailFilter(service: "checkout", operation: "pay"))
        let everything = try hub.subscribe(TailFilter())
        hub.publish(Spans.batch([
            ("cart", [Spans.span(1, error: true)]),
            ("checkout", [Spans.span(2, name: "pay", error: true), Spans.span(3, name: "pay"), Spans.span(4, name: "ship", error: true)]),
        ]))
        #expect(await spans(checkoutErrors, 2).map(\.spanID.value) == [2, 4])
        #expect(await spans(payOnly, 2).map(\.spanID.value) == [2, 3])
        #expect(await spans(everything, 4).map(\.spanID.value) == [1, 2, 3, 4])
    }

    @Test func aSpanIsShownWithItsServiceTimesAndIDs() async throws {
        let hub = SpanTailHub()
        let subscription = try hub.subscribe(TailFilter())
        hub.publish(Spans.batch([("cart", [Spans.span(7, parent: 3, kind: .client, name: "GET /items", startSeconds: 100, millis: 25, error: true)])]))
        let span = try #require(await spans(subscription, 1).first)
        let json = try JSONValue(parsing: span.json)
        #expect(json == (try JSONValue(parsing: """
            {"traceID":"00000000000000010000000000000002","spanID":"0000000000000007","parentSpanID":"0000000000000003",
             "service":"cart","operation":"GET /items","kind":"client","startTime":100000000,"duration":25000,"error":true}
            """)))
    }

    @Test func aSlowSubscriberLosesWhatFindsItsBufferFullAndIsToldHowMany() async throws {
        let hub = SpanTailHub(bufferSize: 10)
        let slow = try hub.subscribe(TailFilter())
        // 25 spans while nobody reads: publish returns at once every time (it never waits).
        for id in 1...4 { hub.publish(Spans.batch([("cart", [Spans.span(UInt64(id))])])) }
        hub.publish(Spans.batch([("cart", (5...25).map { Spans.span(UInt64($0)) })]))
        #expect(slow.takeDropped() == 15)
        #expect(slow.takeDropped() == 0)
        #expect(hub.spansDropped == 15)
        #expect(await spans(slow, 10).map(\.spanID.value) == Array(1...10))
        // Reading made room again.
        hub.publish(Spans.batch([("cart", [Spans.span(26)])]))
        #expect(await spans(slow, 1).map(\.spanID.value) == [26])
        #expect(slow.takeDropped() == 0)
    }

    @Test func subscribersAreLimitedAndLeaveWhenCancelled() async throws {
        let hub = SpanTailHub(maxSubscribers: 2)
        let first = try hub.subscribe(TailFilter())
        let second = try hub.subscribe(TailFilter())
        #expect(throws: SpanTailHub.TooManySubscribers.self) { try hub.subscribe(TailFilter()) }
        first.cancel()
        #expect(hub.subscriberCount == 1)
        let third = try hub.subscribe(TailFilter())
        #expect(hub.subscriberCount == 2)
        withExtendedLifetime((second, third)) {}

    }

    @Test func closingEndsEveryStreamAndAdmitsNoMore() async throws {
        let hub = SpanTailHub()
        let subscription = try hub.subscribe(TailFilter())
        hub.close()
        var events = 0
        for await _ in subscription.events { events += 1 }
        #expect(events == 0)
        #expect(hub.subscriberCount == 0)
        #expect(throws: SpanTailHub.TooManySubscribers.self) { try hub.subscribe(TailFilter()) }
    }

    @Test func theStagePublishesOnlyWhatTheStoreTook() async throws {
        let hub = SpanTailHub()
        let subscription = try hub.subscribe(TailFilter())
        let batch = Spans.batch([("cart", [Spans.span(1)])])
        await #expect(throws: Sink.Refused.self) { try await TailStage(next: Sink(refuse: true), hub: hub).consume(batch) }
        try await TailStage(next: Sink(refuse: false), hub: hub).consume(Spans.batch([("cart", [Spans.span(2)])]))
        #expect(await spans(subscription, 1).map(\.spanID.value) == [2])
    }
}
