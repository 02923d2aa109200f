package import SkeinCore

/// Where notifications go. `notify` must return at once (the engine never waits on delivery).
package protocol AlertNotifier: Sendable {
    func notify(_ notification: AlertNotification)
}

/// One alert's change worth telling a receiver: it fired, it is still firing (a reminder), or it
/// resolved.
package struct AlertNotification: Sendable, Equatable {
    package var alert: AlertSnapshot
    package var resolvedAtNanos: UInt64?

    package init(alert: AlertSnapshot, resolvedAtNanos: UInt64?) {
        self.alert = alert
        self.resolvedAtNanos = resolvedAtNanos
    }
}

/// An alert as the API and notifications show it.
package struct AlertSnapshot: Sendable, Equatable {
    package enum State: String, Sendable { case pending, firing, resolved }
    package var rule: AlertRule
    package var state: State
    package var value: Double
    package var activeSinceNanos: UInt64
    package var firingSinceNanos: UInt64?

    package init(rule: AlertRule, state: State, value: Double, activeSinceNanos: UInt64, firingSinceNanos: UInt64? = nil) {
        self.rule = rule
        self.state = state
        self.value = value
        self.activeSinceNanos = activeSinceNanos
        self.firingSinceNanos = firingSinceNanos
    }
}

/// One line of the alert history.
package struct AlertHistoryEntry: Sendable, Equatable {
    package var atNanos: UInt64
    package var rule: String
    package var severity: String
    package var state: AlertSnapshot.State
    package var value: Double
}

/// Evaluates every rule on each `evaluate()`, and keeps each alert's lifecycle:
/// inactive → pending (the condition holds) → firing (it held for the rule's `for`) → resolved
/// (it stopped holding, or the window has no data to judge). A firing alert is notified once,
/// then again every `repeatIntervalNanos` while it fires, and once when it resolves. A pending
/// alert whose condition stops holding goes back to inactive without a notification.
package actor AlertEngine {
    nonisolated package let rules: [AlertRule]
    private let evaluator: AlertEvaluator
    private let notifier: (any AlertNotifier)?
    private let repeatIntervalNanos: UInt64
    private let historyLimit: Int
    private let now: @Sendable () -> UInt64

    private struct Active {
        var snapshot: AlertSnapshot
        var lastNotifiedNanos: UInt64?
    }
    private var active: [String: Active] = [:]
    private var history: [AlertHistoryEntry] = []
    private var historyStart = 0
    /// The last evaluation failure of each rule that failed (cleared when it succeeds).
    private var failures: [String: String] = [:]
    package private(set) var evaluations: UInt64 = 0

    package init(rules: [AlertRule], evaluator: AlertEvaluator, notifier: (any AlertNotifier)?,
                 repeatIntervalNanos: UInt64 = 4 * 3_600_000_000_000, historyLimit: Int = 1_000,
                 now: @escaping @Sendable () -> UInt64 = WallClock.nowNanos) {
        self.rules = rules
        self.evaluator = evaluator
        self.notifier = notifier
        self.repeatIntervalNanos = repeatIntervalNanos
        self.historyLimit = historyLimit
        self.now = now
    }

    /// One round over every rule.
    package func evaluate() async {
        let at = now()
        evaluations += 1
        for rule in rules {
            let value: Double?
            do {
                value = try await evaluator.value(of: rule, nowNanos: at)
                failures[rule.name] = nil
            } catch {
                // Keep the alert as it is: a failed read says nothing about the condition.
                failures[rule.name] = "\(error)"
                continue
            }
            advance(rule, value: value, at: at)
        }
    }

    private func advance(_ rule: AlertRule, value: Double?, at: UInt64) {
        guard let value, rule.comparison.holds(value, rule.threshold) else {
            if let current = active.removeValue(forKey: rule.name), current.snapshot.state == .firing {
                var resolved = current.snapshot
                resolved.state = .resolved
                if let value { resolved.value = value }
                record(resolved, at: at)
                notifier?.notify(AlertNotification(alert: resolved, resolvedAtNanos: at))
            }
            return
        }
        var current = active[rule.name] ?? Active(snapshot: AlertSnapshot(rule: rule, state: .pending, value: value, activeSinceNanos: at))
        current.snapshot.value = value
        if active[rule.name] == nil { record(current.snapshot, at: at) }
        if current.snapshot.state == .pending, at - current.snapshot.activeSinceNanos >= rule.forNanos {
            current.snapshot.state = .firing
            current.snapshot.firingSinceNanos = at
            record(current.snapshot, at: at)
        }
        if current.snapshot.state == .firing,
           current.lastNotifiedNanos.map({ at - $0 >= repeatIntervalNanos }) ?? true {
            current.lastNotifiedNanos = at
            notifier?.notify(AlertNotification(alert: current.snapshot, resolvedAtNanos: nil))
        }
        active[rule.name] = current
    }

    private func record(_ snapshot: AlertSnapshot, at: UInt64) {
        let entry = AlertHistoryEntry(atNanos: at, rule: snapshot.rule.name, severity: snapshot.rule.severity,
                                      state: snapshot.state, value: snapshot.value)
        if history.count < historyLimit {
            history.append(entry)
        } else {
            history[historyStart] = entry
            historyStart = (historyStart + 1) % historyLimit
        }
    }

    /// Pending and firing alerts, firing first, then by rule name.
    package func activeAlerts() -> [AlertSnapshot] {
        active.values.map(\.snapshot).sorted {
            ($0.state == .firing ? 0 : 1, $0.rule.name) < ($1.state == .firing ? 0 : 1, $1.rule.name)
        }
    }

    /// The history, newest first.
    package func historyEntries() -> [AlertHistoryEntry] {
        Array((history[historyStart...] + history[..<historyStart]).reversed())
    }

    /// Rules whose last evaluation failed, with the error.
    package func evaluationFailures() -> [String: String] { failures }
}
