import SkeinAlerts
import SkeinCore
import SkeinStorage
import Synchronization
import Testing

/// Rollup records a test sets by hand, answered through the grouping closures as the store
/// would, remembering the minute ranges asked for.
final class FakeRollups: RollupReader {
    struct Record: Sendable {
        var minute: UInt64
        var service: String
        var kind: SpanKind = .server
        var operation: String = "op"
        var calls: Int
        var errors: Int = 0
        var millis: UInt64 = 10
    }
    struct Broken: Error {}
    private let state = Mutex<(records: [Record], edges: [(UInt64, String, String, RollupValue)], asked: [Range<UInt64>], broken: Bool)>(([], [], [], false))

    func set(_ records: [Record]) { state.withLock { $0.records = records } }
    func setEdge(minute: UInt64, _ parent: String, _ child: String, calls: Int, errors: Int) {
        state.withLock { $0.edges = [(minute, parent, child, Self.value(calls: calls, errors: errors, millis: 1))] }
    }
    func breakReads(_ broken: Bool) { state.withLock { $0.broken = broken } }
    var asked: [Range<UInt64>] { state.withLock { $0.asked } }

    static func value(calls: Int, errors: Int, millis: UInt64) -> RollupValue {
        var value = RollupValue()
        for index in 0..<calls { value.add(durationNanos: millis * 1_000_000, isError: index < errors) }
        return value
    }

    private func read(_ minutes: Range<UInt64>) throws -> [Record] {
        try state.withLock { state in
            if state.broken { throw Broken() }
            state.asked.append(minutes)
            return state.records.filter { minutes.contains($0.minute) }
        }
    }

    func rollupServices(tenant: Tenant) async throws -> [String] { Array(Set(state.withLock { $0.records.map(\.service) })).sorted() }

    func operationRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (UInt64, SpanKind, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        var sums: [Group: RollupValue] = [:]
        for record in try read(minutes) where record.service == service {
            guard let key = group(record.minute, record.kind, record.operation) else { continue }
            sums[key, default: RollupValue()].merge(Self.value(calls: record.calls, errors: record.errors, millis: record.millis))
        }
        return sums
    }

    func serviceRollups<Group: Hashable & Sendable>(
        tenant: Tenant, service: String, minutes: Range<UInt64>, hourly: Bool,
        group: @escaping @Sendable (UInt64, SpanKind) -> Group?
    ) async throws -> [Group: RollupValue] {
        var sums: [Group: RollupValue] = [:]
        for record in try read(minutes) where record.service == service {
            guard let key = group(record.minute, record.kind) else { continue }
            sums[key, default: RollupValue()].merge(Self.value(calls: record.calls, errors: record.errors, millis: record.millis))
        }
        return sums
    }

    func edgeRollups<Group: Hashable & Sendable>(
        tenant: Tenant, minutes: Range<UInt64>, group: @escaping @Sendable (UInt64, String, String) -> Group?
    ) async throws -> [Group: RollupValue] {
        var sums: [Group: RollupValue] = [:]
        for (minute, parent, child, value) in state.withLock({ $0.edges }) where minutes.contains(minute) {
            guard let key = group(minute, parent, child) else { continue }
            sums[key, default: RollupValue()].merge(value)
        }
        return sums
    }
}

/// Collects notifications.
final class RecordingNotifier: AlertNotifier {
    private let sent = Mutex<[AlertNotification]>([])
    func notify(_ notification: AlertNotification) { sent.withLock { $0.append(notification) } }
    var all: [AlertNotification] { sent.withLock { $0 } }
}

final class TestClock: Sendable {
    private let nanos = Mutex<UInt64>(0)
    init(minute: UInt64) { nanos.withLock { $0 = minute * 60_000_000_000 } }
    var now: UInt64 { nanos.withLock { $0 } }
    var minute: UInt64 { now / 60_000_000_000 }
    func advance(seconds: UInt64) { nanos.withLock { $0 += seconds * 1_000_000_000 } }
}

struct AlertEngineTests {
    static let errors = AlertRule(name: "CheckoutErrors", metric: .errorRate, service: "checkout", comparison: .above,
                                  threshold: 0.05, windowNanos: 300_000_000_000, forNanos: 60_000_000_000, severity: "critical",
                                  labels: ["team": "payments"])

    @Test func pendingThenFiringThenAReminderThenResolved() async throws {
        let rollups = FakeRollups(), notifier = RecordingNotifier(), clock = TestClock(minute: 1_000)
        let engine = AlertEngine(rules: [Self.errors], evaluator: AlertEvaluator(reader: rollups), notifier: notifier,
                                 repeatIntervalNanos: 3_600_000_000_000, now: { clock.now })
        rollups.set([.init(minute: 1_000, service: "checkout", calls: 10, errors: 2)])
        await engine.evaluate()
        var active = await engine.activeAlerts()
        #expect(active.map(\.state) == [.pending])
        #expect(active.first?.value == 0.2)
        #expect(notifier.all.isEmpty)

        clock.advance(seconds: 30)
        await engine.evaluate()
        #expect(await engine.activeAlerts().map(\.state) == [.pending])

        clock.advance(seconds: 30)  // held for the rule's 1 m
        await engine.evaluate()
        active = await engine.activeAlerts()
        #expect(active.map(\.state) == [.firing])
        #expect(notifier.all.count == 1 && notifier.all[0].resolvedAtNanos == nil)

        clock.advance(seconds: 15)
        await engine.evaluate()
        #expect(notifier.all.count == 1, "one notification per firing")

        clock.advance(seconds: 3_600)
        rollups.set([.init(minute: clock.minute, service: "checkout", calls: 10, errors: 3)])
        await engine.evaluate()
        #expect(notifier.all.count == 2, "a reminder after the repeat interval")
        #expect(notifier.all[1].alert.value == 0.3)

        rollups.set([.init(minute: clock.minute, service: "checkout", calls: 100, errors: 1)])
        clock.advance(seconds: 15)
        await engine.evaluate()
        #expect(await engine.activeAlerts().isEmpty)
        #expect(notifier.all.count == 3)
        #expect(notifier.all[2].alert.state == .resolved && notifier.all[2].resolvedAtNanos == clock.now)
        #expect(notifier.all[2].alert.value == 0.01)
        #expect(await engine.historyEntries().map(\.state) == [.resolved, .firing, .pending])
    }

    @Test func aConditionThatClearsWhilePendingIsNeverNotified() async throws {
        let rollups = FakeRollups(), notifier = RecordingNotifier(), clock = TestClock(minute: 50)
        let engine = AlertEngine(rules: [Self.errors], evaluator: AlertEvaluator(reader: rollups), notifier: notifier, now: { clock.now })
        rollups.set([.init(minute: 50, service: "checkout", calls: 10, errors: 5)])
        await engine.evaluate()
        rollups.set([])
        clock.advance(seconds: 15)
        await engine.evaluate()  // no calls: nothing to judge, so not holding
        #expect(await engine.activeAlerts().isEmpty)
        #expect(notifier.all.isEmpty)
        #expect(await engine.historyEntries().map(\.state) == [.pending])
    }

    @Test func aFailedReadKeepsTheAlertAsItWasAndIsReported() async throws {
        let rollups = FakeRollups(), notifier = RecordingNotifier(), clock = TestClock(minute: 50)
        var rule = Self.errors
        rule.forNanos = 0
        let engine = AlertEngine(rules: [rule], evaluator: AlertEvaluator(reader: rollups), notifier: notifier, now: { clock.now })
        rollups.set([.init(minute: 50, service: "checkout", calls: 10, errors: 5)])
        await engine.evaluate()
        #expect(await engine.activeAlerts().map(\.state) == [.firing], "for: 0s fires at the first evaluation")
        rollups.breakReads(true)
        await engine.evaluate()
        #expect(await engine.activeAlerts().map(\.state) == [.firing])
        #expect(await engine.evaluationFailures()["CheckoutErrors"] != nil)
        rollups.breakReads(false)
        await engine.evaluate()
        #expect(await engine.evaluationFailures().isEmpty)
        #expect(notifier.all.count == 1)
    }

    @Test func theHistoryKeepsItsNewestEntries() async throws {
        let rollups = FakeRollups(), clock = TestClock(minute: 10)
        var rule = Self.errors
        rule.forNanos = 0
        let engine = AlertEngine(rules: [rule], evaluator: AlertEvaluator(reader: rollups), notifier: nil, historyLimit: 5, now: { clock.now })
        for round in 0..<6 {
            rollups.set(round % 2 == 0 ? [.init(minute: clock.minute, service: "checkout", calls: 10, errors: 5)] : [])
            await engine.evaluate()
            clock.advance(seconds: 60)
        }
        // Rounds 0, 2, 4 each add pending and firing; 1, 3, 5 add resolved: 9 entries, 5 kept.
        let history = await engine.historyEntries()
        #expect(history.map(\.state) == [.resolved, .firing, .pending, .resolved, .firing])
        #expect(history.first!.atNanos > history.last!.atNanos)
    }
}

struct AlertEvaluatorTests {
    @Test func theWindowEndsWithTheCurrentMinute() async throws {
        let rollups = FakeRollups()
        rollups.set([
            .init(minute: 95, service: "cart", calls: 100, errors: 100),  // before the window
            .init(minute: 96, service: "cart", calls: 10, errors: 1),
            .init(minute: 100, service: "cart", calls: 10, errors: 3),    // the current minute
            .init(minute: 100, service: "cart", kind: .client, calls: 50, errors: 50),  // not a counted kind
            .init(minute: 100, service: "web", calls: 7, errors: 7),
        ])
        let evaluator = AlertEvaluator(reader: rollups)
        let now: UInt64 = 100 * 60_000_000_000 + 20_000_000_000
        let rule = AlertRule(name: "r", metric: .errorRate, service: "cart", comparison: .above, threshold: 0.1, windowNanos: 300_000_000_000)
        #expect(try await evaluator.value(of: rule, nowNanos: now) == 0.2)
        #expect(rollups.asked.last == 96..<101)

        var calls = rule
        calls.metric = .callRate
        #expect(try await evaluator.value(of: calls, nowNanos: now) == 20.0 / 300)
        var clients = rule
        clients.kinds = [.client]
        #expect(try await evaluator.value(of: clients, nowNanos: now) == 1)
        var other = rule
        other.service = "nobody"
        #expect(try await evaluator.value(of: other, nowNanos: now) == nil, "no calls: no error rate")
        other.metric = .callRate
        #expect(try await evaluator.value(of: other, nowNanos: now) == 0, "no calls: a call rate of 0")
    }

    @Test func latencyOfOneOperationIsInMilliseconds() async throws {
        let rollups = FakeRollups()
        rollups.set([
            .init(minute: 10, service: "cart", operation: "GET /items", calls: 99, millis: 20),
            .init(minute: 10, service: "cart", operation: "GET /items", calls: 1, millis: 2_000),
            .init(minute: 10, service: "cart", operation: "POST /items", calls: 100, millis: 5_000),
        ])
        let rule = AlertRule(name: "slow", metric: .latency(quantile: 0.5), service: "cart", operation: "GET /items",
                             comparison: .above, threshold: 500, windowNanos: 60_000_000_000)
        let median = try #require(try await AlertEvaluator(reader: rollups).value(of: rule, nowNanos: 10 * 60_000_000_000))
        #expect(abs(median - 20) < 20 * 0.02)
        var p100 = rule
        p100.metric = .latency(quantile: 1)
        let top = try #require(try await AlertEvaluator(reader: rollups).value(of: p100, nowNanos: 10 * 60_000_000_000))
        #expect(abs(top - 2_000) < 2_000 * 0.02)
    }

    @Test func anEdgeRuleReadsItsEdgeOnly() async throws {
        let rollups = FakeRollups()
        rollups.setEdge(minute: 10, "checkout", "payment", calls: 8, errors: 2)
        let rule = AlertRule(name: "edge", metric: .edgeErrorRate(callee: "payment"), service: "checkout", comparison: .atLeast, threshold: 0.25)
        #expect(try await AlertEvaluator(reader: rollups).value(of: rule, nowNanos: 10 * 60_000_000_000) == 0.25)
        var other = rule
        other.metric = .edgeErrorRate(callee: "cart")
        #expect(try await AlertEvaluator(reader: rollups).value(of: other, nowNanos: 10 * 60_000_000_000) == nil)
    }
}
