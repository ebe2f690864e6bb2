import Foundation

/// Decides where staging status comes from when no `--staging-status` file is given, as kubectl would.
///
/// 1. `--kubeconfig FILE`: that file (it must exist);
/// 2. else `KUBECONFIG` (a `:`-separated list, merged; files that do not exist are skipped);
/// 3. else `~/.kube/config`;
/// 4. else, inside a pod (`KUBERNETES_SERVICE_HOST`/`_PORT` set and a service-account token mounted), the
///    pod's own cluster;
/// 5. else nothing: the caller asks for `--staging-status`, `--kubeconfig` or `--skip-verify`.
///
/// `--context` picks contexts of the kubeconfig found in 1–3 (none: its current context); with `--context`
/// and no kubeconfig at all, the kubeconfig source is still chosen, so its loading names what is missing.
public enum StagingSourceSelection {
    /// The environment variable that moves the service-account folder (default
    /// `/var/run/secrets/kubernetes.io/serviceaccount`), for tests and unusual mounts.
    public static let serviceAccountFolderVariable = "KEOS_PROMOTE_SERVICE_ACCOUNT_DIR"

    /// The clusters to read, or `nil` when no source is configured.
    public static func choose(kubeconfig: String?, contexts: [String], environment: [String: String],
                              fileExists: (String) -> Bool) -> KubeStagingSource.Clusters? {
        if let kubeconfig, !kubeconfig.isEmpty {
            return .kubeconfig(files: [kubeconfig], explicit: true, contexts: contexts)
        }
        let listed = (environment["KUBECONFIG"] ?? "").split(separator: ":").map(String.init).filter { !$0.isEmpty }
        if listed.contains(where: fileExists) {
            return .kubeconfig(files: listed, explicit: false, contexts: contexts)
        }
        if let home = environment["HOME"], !home.isEmpty {
            let file = URL(fileURLWithPath: home).appendingPathComponent(".kube/config").path
            if listed.isEmpty, fileExists(file) {
                return .kubeconfig(files: [file], explicit: false, contexts: contexts)
            }
        }
        if !contexts.isEmpty {
            return .kubeconfig(files: listed, explicit: false, contexts: contexts)
        }
        let folder = environment[serviceAccountFolderVariable].flatMap { $0.isEmpty ? nil : $0 } ?? InClusterConfig.defaultFolder
        let inCluster = InClusterConfig(folder: folder)
        if inCluster.isAvailable(environment: environment, fileExists: fileExists) {
            return .inCluster(inCluster)
        }
        return nil
    }
}
