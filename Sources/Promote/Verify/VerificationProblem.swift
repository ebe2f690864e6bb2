/// One reason a revision does not count as reconciled on staging.
public struct VerificationProblem: Sendable, Equatable {
    public enum Severity: String, Sendable, Equatable {
        /// Not there yet; waiting may fix it.
        case pending
        /// Unhealthy, suspended or off the revision's line; a person is needed.
        case failed
    }

    public var cluster: String
    /// `Kustomization` or `HelmRelease`; `nil` for a problem of the cluster as a whole.
    public var kind: String?
    public var object: FluxObjectKey?
    public var severity: Severity
    /// A Flux condition reason, or one of `VerifierReason`.
    public var reason: String
    /// What is wrong, naming the condition reason and message, e.g. `Ready=False HealthCheckFailed: …`.
    public var detail: String

    public init(cluster: String, kind: String?, object: FluxObjectKey?, severity: Severity, reason: String, detail: String) {
        self.cluster = cluster
        self.kind = kind
        self.object = object
        self.severity = severity
        self.reason = reason
        self.detail = detail
    }

    /// `staging-1 flux-system/monitoring-configs: Ready=False HealthCheckFailed: …` on one line, with control
    /// characters from cluster messages escaped; HelmReleases are named `HelmRelease ns/name`.
    public var line: String {
        var subject = cluster
        if let object {
            subject += kind == "HelmRelease" ? " HelmRelease \(object)" : " \(object)"
        }
        return DisplayText.escapingControlCharacters("\(subject): \(detail)")
    }
}

/// Text from clusters and files made safe for one terminal line.
enum DisplayText {
    /// `text` with newlines, tabs, escape sequences and other control characters written as escapes.
    static func escapingControlCharacters(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            default:
                if scalar.properties.generalCategory == .control {
                    result += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }
}
