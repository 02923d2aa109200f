/// How a kept trace's inclusion depends on chance, which decides what happens to its spans'
/// `ot=th:` (otlp-wire.md §5.4–5.5).
package enum Inclusion: Sendable, Equatable {
    /// Kept for what the trace is (an error, a slow span, a listed service): given the trace it
    /// was certain, so each span keeps the threshold it arrived with.
    case certain
    /// Kept because R ≥ T: spans are equalized to T (thresholds only ever rise downstream).
    case threshold(UInt64)
    /// Kept by something whose probability is not known (a rate limit's budget, a negated
    /// sample): `th` is erased, since any adjusted count derived from it would be wrong.
    case unknown
}

/// One rule's answer for one trace, and what the answer depends on.
struct Verdict: Equatable {
    enum Basis: Equatable {
        /// Only the trace's spans: the same trace always gets the same answer.
        case deterministic
        /// The answer is `R ≥ T` for this T.
        case threshold(UInt64)
        /// State outside the trace, or chance in a form other than `R ≥ T`.
        case unknown
    }

    var kept: Bool
    var basis: Basis

    static func deterministic(_ kept: Bool) -> Verdict { Verdict(kept: kept, basis: .deterministic) }

    /// `not`: a deterministic answer stays deterministic; a negated sample (`R < T`) has no
    /// threshold form, so it becomes unknown.
    var negated: Verdict { Verdict(kept: !kept, basis: basis == .deterministic ? .deterministic : .unknown) }

    /// `and` over answers that all kept: chance enters through the highest threshold (all of
    /// `R ≥ Tᵢ` hold iff R ≥ max Tᵢ), and any unknown part makes the whole unknown. (When a
    /// part drops, that part's answer is the composite's: the evaluator stops there.)
    static func allKept(_ verdicts: [Verdict]) -> Verdict {
        var basis = Basis.deterministic
        for verdict in verdicts {
            switch (basis, verdict.basis) {
            case (.unknown, _), (_, .deterministic): continue
            case (_, .unknown): basis = .unknown
            case (.deterministic, .threshold(let threshold)): basis = .threshold(threshold)
            case (.threshold(let current), .threshold(let threshold)): basis = .threshold(max(current, threshold))
            }
        }
        return Verdict(kept: true, basis: basis)
    }

    /// The top-level `or` of the policies consulted for a trace: nil when none kept it.
    /// Certain when a deterministic policy kept it; unknown when any answer depended on
    /// something other than `R ≥ T`; otherwise R ≥ the lowest threshold that kept it.
    static func inclusion(of verdicts: [Verdict]) -> Inclusion? {
        let kept = verdicts.filter(\.kept)
        guard !kept.isEmpty else { return nil }
        if kept.contains(where: { $0.basis == .deterministic }) { return .certain }
        if verdicts.contains(where: { $0.basis == .unknown }) { return .unknown }
        let thresholds = kept.compactMap { verdict -> UInt64? in
            if case .threshold(let threshold) = verdict.basis { threshold } else { nil }
        }
        return thresholds.min().map(Inclusion.threshold) ?? .unknown
    }
}
