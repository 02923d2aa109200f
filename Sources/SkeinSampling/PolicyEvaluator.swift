import Foundation
package import SkeinCore
import SkeinOTLP

/// What the tail sampler decided for one trace.
package struct TraceDecision: Sendable, Equatable {
    package var kept: Bool
    /// The name of the first policy (in configuration order) that kept the trace; nil when dropped.
    package var reason: String?
    /// How the spans' `th` must change; `.certain` when dropped (nothing is written then).
    package var inclusion: Inclusion

    package static let dropped = TraceDecision(kept: false, reason: nil, inclusion: .certain)
}

/// Evaluates the configured policies against a held trace.
///
/// Policies without a rate limit are all consulted first, so the decision records how chance
/// entered it (see `Verdict`); policies with one are consulted, in order, only when no other
/// policy kept the trace, so a rate limit never spends its budget on a trace kept anyway.
package final class PolicyEvaluator: Sendable {
    private struct Compiled: Sendable {
        var name: String
        var order: Int
        var rule: CompiledRule
        var stateful: Bool
    }

    private let policies: [Compiled]
    private let rateLimiter = RateLimiter()

    /// Fails only for a regular expression that does not compile (configuration validation
    /// reports those first, naming the key).
    package init(policies: [TailPolicy]) throws {
        var counter = 0
        self.policies = try policies.enumerated().map { order, policy in
            Compiled(name: policy.name, order: order, rule: try CompiledRule(policy.rule, counter: &counter),
                     stateful: policy.rule.isStateful)
        }
    }

    /// Decides a trace whose held spans are `groups` (each group's spans all belong to it).
    package func decide(traceID: TraceID, groups: [ResourceGroup], nowNanos: UInt64) -> TraceDecision {
        let trace = TraceView(traceID: traceID, groups: groups)
        var verdicts: [Verdict] = []
        var reason: (order: Int, name: String)?
        for policy in policies where !policy.stateful {
            let verdict = evaluate(policy.rule, trace, nowNanos)
            verdicts.append(verdict)
            if verdict.kept, reason == nil || policy.order < reason!.order { reason = (policy.order, policy.name) }
        }
        if reason == nil {
            for policy in policies where policy.stateful {
                let verdict = evaluate(policy.rule, trace, nowNanos)
                verdicts.append(verdict)
                if verdict.kept {
                    reason = (policy.order, policy.name)
                    break
                }
            }
        }
        guard let reason, let inclusion = Verdict.inclusion(of: verdicts) else { return .dropped }
        return TraceDecision(kept: true, reason: reason.name, inclusion: inclusion)
    }

    private func evaluate(_ rule: CompiledRule, _ trace: TraceView, _ nowNanos: UInt64) -> Verdict {
        switch rule {
        case .always:
            return .deterministic(true)
        case .error:
            return .deterministic(trace.spans.contains { $0.span.isError })
        case .duration(let threshold, .trace):
            return .deterministic(trace.durationNanos >= threshold)
        case .duration(let threshold, .span):
            return .deterministic(trace.spans.contains { $0.span.durationNanos >= threshold })
        case .attribute(let condition):
            return .deterministic(trace.hasAttribute(matching: condition))
        case .probabilistic(let threshold):
            return Verdict(kept: trace.randomness >= threshold, basis: .threshold(threshold))
        case .rateLimit(let id, let tracesPerSecond):
            let kept = rateLimiter.take(policy: id, service: trace.rootService, tracesPerSecond: tracesPerSecond, nowNanos: nowNanos)
            return Verdict(kept: kept, basis: .unknown)
        case .services(let services):
            return .deterministic(trace.groups.contains { services.contains($0.serviceName) })
        case .and(let rules):
            var kept: [Verdict] = []
            for rule in rules {
                let verdict = evaluate(rule, trace, nowNanos)
                guard verdict.kept else { return verdict }
                kept.append(verdict)
            }
            return Verdict.allKept(kept)
        case .not(let rule):
            return evaluate(rule, trace, nowNanos).negated
        }
    }
}

/// A policy rule ready to run: probabilities turned into thresholds, regular expressions compiled,
/// each rate limit numbered so it has buckets of its own.
private indirect enum CompiledRule: Sendable {
    case always
    case error
    case duration(UInt64, PolicyRule.DurationScope)
    case attribute(CompiledCondition)
    case probabilistic(threshold: UInt64)
    case rateLimit(id: Int, tracesPerSecond: Double)
    case services(Set<String>)
    case and([CompiledRule])
    case not(CompiledRule)

    init(_ rule: PolicyRule, counter: inout Int) throws {
        switch rule {
        case .always: self = .always
        case .error: self = .error
        case .duration(let threshold, let scope): self = .duration(threshold, scope)
        case .attribute(let condition): self = .attribute(try CompiledCondition(condition))
        case .probabilistic(let rate): self = .probabilistic(threshold: ConsistentProbability.threshold(probability: rate))
        case .rateLimit(let rate):
            counter += 1
            self = .rateLimit(id: counter, tracesPerSecond: rate)
        case .services(let services): self = .services(Set(services))
        case .and(let rules): self = .and(try rules.map { try CompiledRule($0, counter: &counter) })
        case .not(let rule): self = .not(try CompiledRule(rule, counter: &counter))
        }
    }
}

/// An attribute condition with its regular expression compiled.
struct CompiledCondition: @unchecked Sendable {  // NSRegularExpression is immutable and thread-safe
    let key: String
    let scope: AttributeCondition.Scope
    private let match: AttributeCondition.Match
    private let regex: NSRegularExpression?

    init(_ condition: AttributeCondition) throws {
        key = condition.key
        scope = condition.scope
        match = condition.match
        if case .regex(let pattern) = condition.match { regex = try NSRegularExpression(pattern: pattern) } else { regex = nil }
    }

    func matches(_ value: DecodedAttributeValue) -> Bool {
        switch match {
        case .equals(let text): return value.text == text
        case .regex:
            let text = value.text
            return regex?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
        case .range(let min, let max):
            let number: Double
            switch value {
            case .int(let int): number = Double(int)
            case .double(let double): number = double
            default: return false
            }
            return number >= (min ?? -.infinity) && number <= (max ?? .infinity)
        }
    }
}

extension AttributeCondition {
    /// Why `pattern` is not a usable regular expression, or nil when it is.
    package static func regexProblem(_ pattern: String) -> String? {
        do {
            _ = try NSRegularExpression(pattern: pattern)
            return nil
        } catch {
            return "is not a valid regular expression"
        }
    }
}
