/// Whether a Flux object is healthy for its current spec, judged from `spec.suspend`, the generations and
/// the conditions alone (its revision is judged elsewhere).
///
/// The one place that decides pending versus failed for conditions:
/// - failed: suspended (nothing will change until a person resumes it); `Stalled=True`; `Ready=False`
///   reported for the current generation, except `DependencyNotReady`;
/// - pending: no status yet; `status.observedGeneration` behind `metadata.generation`; `Reconciling=True`
///   (`Progressing`); `Ready=Unknown` or absent; `Ready=False DependencyNotReady` (the controller retries
///   by itself, and the dependency reports its own failure); `Ready=False` left from an older generation.
///
/// A condition speaks for the current generation when its own `observedGeneration` (or, when it has none,
/// `status.observedGeneration`) equals `metadata.generation`; Flux leaves `status.observedGeneration`
/// behind after a failed reconciliation but stamps the `Ready` condition with the generation it tried.
/// An object without `metadata.generation` is taken as current.
struct ObjectHealth: Equatable {
    enum Verdict: Equatable {
        case healthy
        case pending
        case failed
    }

    var verdict: Verdict
    /// A Flux condition reason when a condition decided, else one of `VerifierReason`.
    var reason: String
    /// One sentence; for condition verdicts `Ready=False HealthCheckFailed: <message>`.
    var detail: String

    /// The health of an object with the given suspension flag, generation and status.
    static func assess(suspended: Bool, generation: Int64?, status: FluxObjectStatus) -> ObjectHealth {
        let ready = status.condition("Ready")
        func current(_ condition: FluxCondition) -> Bool {
            guard let generation else { return true }
            return (condition.observedGeneration ?? status.observedGeneration) == generation
        }

        if suspended {
            return ObjectHealth(verdict: .failed, reason: VerifierReason.suspended,
                                detail: "suspended (spec.suspend: true); \(ConditionText.ready(ready))")
        }
        if let stalled = status.condition("Stalled"), stalled.isTrue, current(stalled) {
            return ObjectHealth(verdict: .failed, reason: stalled.reason, detail: ConditionText.describe(stalled))
        }
        if let ready, ready.isFalse, current(ready), ready.reason != dependencyNotReady {
            return ObjectHealth(verdict: .failed, reason: ready.reason, detail: ConditionText.describe(ready))
        }
        if status.observedGeneration == nil, status.conditions.isEmpty {
            return ObjectHealth(verdict: .pending, reason: VerifierReason.notReconciled,
                                detail: "not reconciled yet (no status)")
        }
        if let generation, status.observedGeneration != generation {
            let observed = status.observedGeneration.map(String.init) ?? "none"
            return ObjectHealth(verdict: .pending, reason: VerifierReason.staleGeneration,
                                detail: "generation \(generation) not reconciled yet (observedGeneration \(observed)); \(ConditionText.ready(ready))")
        }
        if let reconciling = status.condition("Reconciling"), reconciling.isTrue {
            return ObjectHealth(verdict: .pending, reason: reconciling.reason, detail: ConditionText.describe(reconciling))
        }
        guard let ready else {
            return ObjectHealth(verdict: .pending, reason: VerifierReason.notReconciled, detail: "no Ready condition yet")
        }
        guard ready.isTrue else {
            return ObjectHealth(verdict: .pending, reason: ready.reason, detail: ConditionText.describe(ready))
        }
        return ObjectHealth(verdict: .healthy, reason: ready.reason, detail: ready.message)
    }

    private static let dependencyNotReady = "DependencyNotReady"
}

/// How conditions are written in messages.
enum ConditionText {
    /// `Ready=False HealthCheckFailed: <message>`.
    static func describe(_ condition: FluxCondition) -> String {
        let reason = condition.reason.isEmpty ? "" : " \(condition.reason)"
        let message = condition.message.isEmpty ? "" : ": \(condition.message)"
        return "\(condition.type)=\(condition.status)\(reason)\(message)"
    }

    /// The `Ready` condition described, or a note that there is none.
    static func ready(_ condition: FluxCondition?) -> String {
        condition.map(describe) ?? "no Ready condition"
    }
}
