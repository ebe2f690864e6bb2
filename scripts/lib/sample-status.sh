#!/usr/bin/env bash
# Writes what `kubectl get gitrepositories,kustomizations,helmreleases -A -o json` prints on a
# staging cluster that reconciled a revision of the sample repository (see sample-repo.sh).
#
#   scripts/lib/sample-status.sh DIR [REVISION [OUTPUT]]
#
# REVISION defaults to main's tip, OUTPUT to DIR/staging-1.json. The status says: GitRepository
# flux-system/keos-system-services tracks branch main of the clone's origin URL (exactly as
# written in DIR/keos-system-services/.git/config) and stores REVISION; one Kustomization per
# component layer, spec.path at the staging overlay, Ready=True, lastAppliedRevision
# main@sha1:REVISION, inventory listing its HelmReleases; every HelmRelease Ready=True with the
# chart version found at REVISION. Times derive from REVISION's commit date (applied 15 minutes
# after it), so the output is the same on every run.
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 3 ]; then
    echo "usage: $0 DIR [REVISION [OUTPUT]]" >&2
    exit 2
fi
DIR="$(cd "$1" && pwd -P)"
CLONE="$DIR/keos-system-services"
OUTPUT="${3:-$DIR/staging-1.json}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC
g() { git -C "$CLONE" "$@"; }

REV="$(g rev-parse --verify --quiet "${2:-refs/heads/main}^{commit}")" || {
    echo "error: ${2:-main} is not a commit of $CLONE" >&2
    exit 2
}
URL="$(g config remote.origin.url)"
BRANCH=main
REVISION="$BRANCH@sha1:$REV"
COMMITTED="$(g log -1 --format=%ct "$REV")"

iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null || date -u -r "$1" +%Y-%m-%dT%H:%M:%SZ; }
json_string() { # JSON string literal of $1
    local s="${1//\\/\\\\}"
    s="${s//\"/\\\"}"
    printf '"%s"' "$s"
}
# chart_version PATH: the first `version:` or `tag:` value of PATH at REV.
chart_version() {
    g show "$REV:$1" | sed -n -E 's/^[[:space:]]+(version|tag):[[:space:]]*"?([^"#[:space:]]+)"?.*/\2/p' | head -n 1
}
# fake_digest TEXT: 64 hex digits derived from TEXT (stable; not a real digest).
fake_digest() { printf '%s' "$1" | git hash-object --stdin | cut -c1-32 | sed 's/.*/&&/'; }

ARTIFACT_AT="$(iso $((COMMITTED + 120)))"
APPLIED_AT="$(iso $((COMMITTED + 900)))"
LAST_AT="$(iso $((COMMITTED + 4500)))"
RELEASED_AT="$(iso $((COMMITTED + 1200)))"
CREATED_AT="$(iso 1706745600)" # 2024-02-01T00:00:00Z

metadata() { # metadata NAME NAMESPACE GENERATION [OWNER]
    local labels_owner="${4:-flux-system}"
    cat <<EOF
            "creationTimestamp": "$CREATED_AT",
            "finalizers": [
                "finalizers.fluxcd.io"
            ],
            "generation": $3,
            "labels": {
                "kustomize.toolkit.fluxcd.io/name": "$labels_owner",
                "kustomize.toolkit.fluxcd.io/namespace": "flux-system"
            },
            "name": "$1",
            "namespace": "$2",
            "resourceVersion": "$((100000 + $(printf '%s' "$2/$1" | cksum | cut -d' ' -f1) % 900000))",
            "uid": "$(fake_digest "uid/$2/$1" | sed -E 's/^(.{8})(.{4})(.{4})(.{4})(.{12}).*/\1-\2-\3-\4-\5/')"
EOF
}

condition() { # condition TYPE STATUS REASON MESSAGE TIME GENERATION
    cat <<EOF
                {
                    "lastTransitionTime": "$5",
                    "message": $(json_string "$4"),
                    "observedGeneration": $6,
                    "reason": "$3",
                    "status": "$2",
                    "type": "$1"
                }
EOF
}

git_repository() {
    local path="gitrepository/flux-system/keos-system-services/$REV.tar.gz"
    local message="stored artifact for revision '$REVISION'"
    cat <<EOF
        {
            "apiVersion": "source.toolkit.fluxcd.io/v1",
            "kind": "GitRepository",
            "metadata": {
$(metadata keos-system-services flux-system 1)
            },
            "spec": {
                "interval": "1m0s",
                "ref": {
                    "branch": "$BRANCH"
                },
                "timeout": "60s",
                "url": $(json_string "$URL")
            },
            "status": {
                "artifact": {
                    "digest": "sha256:$(fake_digest "artifact/$REV")",
                    "lastUpdateTime": "$ARTIFACT_AT",
                    "path": "$path",
                    "revision": "$REVISION",
                    "size": 24576,
                    "url": "http://source-controller.flux-system.svc.cluster.local./$path"
                },
                "conditions": [
$(condition Ready True Succeeded "$message" "$ARTIFACT_AT" 1),
$(condition ArtifactInStorage True Succeeded "$message" "$ARTIFACT_AT" 1)
                ],
                "observedGeneration": 1
            }
        }
EOF
}

# kustomization NAME PATH DEPENDS_ON INVENTORY_ID... (each id "<ns>_<name>_<group>_<kind>=<v>")
kustomization() {
    local name="$1" path="$2" depends="$3"
    shift 3
    local entries="" id
    for id in "$@"; do
        [ -n "$entries" ] && entries+=$',\n'
        entries+="                        { \"id\": \"${id%=*}\", \"v\": \"${id##*=}\" }"
    done
    local depends_json=""
    if [ -n "$depends" ]; then
        depends_json="\"dependsOn\": [ { \"name\": \"$depends\" } ],
                "
    fi
    cat <<EOF
        {
            "apiVersion": "kustomize.toolkit.fluxcd.io/v1",
            "kind": "Kustomization",
            "metadata": {
$(metadata "$name" flux-system 1)
            },
            "spec": {
                ${depends_json}"force": false,
                "interval": "1h0m0s",
                "path": "$path",
                "postBuild": {
                    "substitute": {
                        "environment": "staging"
                    }
                },
                "prune": true,
                "retryInterval": "2m0s",
                "sourceRef": {
                    "kind": "GitRepository",
                    "name": "keos-system-services"
                },
                "timeout": "10m0s",
                "wait": true
            },
            "status": {
                "conditions": [
$(condition Ready True ReconciliationSucceeded "Applied revision: $REVISION" "$APPLIED_AT" 1)
                ],
                "history": [
                    {
                        "digest": "sha256:$(fake_digest "manifests/$name/$REV")",
                        "firstReconciled": "$APPLIED_AT",
                        "lastReconciled": "$LAST_AT",
                        "lastReconciledDuration": "2.81s",
                        "lastReconciledStatus": "ReconciliationSucceeded",
                        "metadata": {
                            "revision": "$REVISION"
                        },
                        "totalReconciliations": 2
                    }
                ],
                "inventory": {
                    "entries": [
$entries
                    ]
                },
                "lastAppliedRevision": "$REVISION",
                "lastAttemptedRevision": "$REVISION",
                "observedGeneration": 1
            }
        }
EOF
}

# helm_release NAME NAMESPACE CHART VERSION OWNER SOURCE_KIND SOURCE_NAME
helm_release() {
    local name="$1" namespace="$2" chart="$3" version="$4" owner="$5" kind="$6" source="$7"
    local message="Helm upgrade succeeded for release $namespace/$name.v2 with chart $chart@$version"
    local chart_json
    if [ "$kind" = OCIRepository ]; then
        chart_json="\"chartRef\": {
                    \"kind\": \"OCIRepository\",
                    \"name\": \"$source\"
                },"
    else
        chart_json="\"chart\": {
                    \"spec\": {
                        \"chart\": \"$chart\",
                        \"interval\": \"12h0m0s\",
                        \"reconcileStrategy\": \"ChartVersion\",
                        \"sourceRef\": {
                            \"kind\": \"$kind\",
                            \"name\": \"$source\"
                        },
                        \"version\": \"$version\"
                    }
                },"
    fi
    cat <<EOF
        {
            "apiVersion": "helm.toolkit.fluxcd.io/v2",
            "kind": "HelmRelease",
            "metadata": {
$(metadata "$name" "$namespace" 2 "$owner")
            },
            "spec": {
                $chart_json
                "interval": "1h0m0s",
                "releaseName": "$name"
            },
            "status": {
                "conditions": [
$(condition Ready True UpgradeSucceeded "$message" "$RELEASED_AT" 2),
$(condition Released True UpgradeSucceeded "$message" "$RELEASED_AT" 2)
                ],
                "helmChart": "$namespace/$namespace-$name",
                "history": [
                    {
                        "appVersion": "$version",
                        "chartName": "$chart",
                        "chartVersion": "$version",
                        "configDigest": "sha256:$(fake_digest "config/$namespace/$name/$REV")",
                        "digest": "sha256:$(fake_digest "release/$namespace/$name/$version")",
                        "firstDeployed": "$CREATED_AT",
                        "lastDeployed": "$RELEASED_AT",
                        "name": "$name",
                        "namespace": "$namespace",
                        "status": "deployed",
                        "version": 2
                    }
                ],
                "lastAttemptedConfigDigest": "sha256:$(fake_digest "config/$namespace/$name/$REV")",
                "lastAttemptedGeneration": 2,
                "lastAttemptedReleaseAction": "upgrade",
                "lastAttemptedRevision": "$version",
                "observedGeneration": 2,
                "storageNamespace": "$namespace"
            }
        }
EOF
}

C=components
KYVERNO="$(chart_version $C/gosec/controllers/base/kyverno.yaml)"
WEAVE="$(chart_version $C/command-center/base/weave-gitops.yaml)"
KPS="$(chart_version $C/observability/controllers/base/kube-prometheus-stack.yaml)"
METRICS="$(chart_version $C/observability/controllers/base/metrics-server.yaml)"
LONGHORN="$(chart_version $C/storage/controllers/base/longhorn.yaml)"

SRC=source.toolkit.fluxcd.io
HELM=helm.toolkit.fluxcd.io
{
    cat <<EOF
{
    "apiVersion": "v1",
    "items": [
$(git_repository),
$(kustomization clusterwide-config-configs $C/clusterwide-config/configs/staging "" \
    "_platform-system__Namespace=v1" "_tenants__Namespace=v1" \
    "_platform-critical_scheduling.k8s.io_PriorityClass=v1" "_tenant-default_scheduling.k8s.io_PriorityClass=v1" \
    "flux-system_cluster-settings__ConfigMap=v1"),
$(kustomization command-center $C/command-center/staging "" \
    "flux-system_weave-gitops_${SRC}_OCIRepository=v1beta2" "flux-system_weave-gitops_${HELM}_HelmRelease=v2"),
$(kustomization gosec-configs $C/gosec/configs/staging gosec-controllers \
    "_disallow-latest-tag_kyverno.io_ClusterPolicy=v1" "_require-labels_kyverno.io_ClusterPolicy=v1"),
$(kustomization gosec-controllers $C/gosec/controllers/staging "" \
    "_kyverno__Namespace=v1" "kyverno_kyverno_${SRC}_HelmRepository=v1" "kyverno_kyverno_${HELM}_HelmRelease=v2"),
$(kustomization observability-configs $C/observability/configs/staging observability-controllers \
    "monitoring_platform-dashboards-5k2m8d7f9c__ConfigMap=v1" "monitoring_flux-system_monitoring.coreos.com_PodMonitor=v1"),
$(kustomization observability-controllers $C/observability/controllers/staging "" \
    "_monitoring__Namespace=v1" "monitoring_metrics-server_${SRC}_HelmRepository=v1" \
    "monitoring_prometheus-community_${SRC}_HelmRepository=v1" \
    "monitoring_kube-prometheus-stack_${HELM}_HelmRelease=v2" "monitoring_metrics-server_${HELM}_HelmRelease=v2"),
$(kustomization storage-controllers $C/storage/controllers/staging "" \
    "_longhorn-system__Namespace=v1" "longhorn-system_longhorn_${SRC}_HelmRepository=v1" \
    "longhorn-system_longhorn_${HELM}_HelmRelease=v2"),
$(helm_release weave-gitops flux-system weave-gitops "$WEAVE" command-center OCIRepository weave-gitops),
$(helm_release kyverno kyverno kyverno "$KYVERNO" gosec-controllers HelmRepository kyverno),
$(helm_release longhorn longhorn-system longhorn "$LONGHORN" storage-controllers HelmRepository longhorn),
$(helm_release kube-prometheus-stack monitoring kube-prometheus-stack "$KPS" observability-controllers HelmRepository prometheus-community),
$(helm_release metrics-server monitoring metrics-server "$METRICS" observability-controllers HelmRepository metrics-server)
    ],
    "kind": "List",
    "metadata": {
        "resourceVersion": ""
    }
}
EOF
} >"$OUTPUT.tmp"
mv "$OUTPUT.tmp" "$OUTPUT"
