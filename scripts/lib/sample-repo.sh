#!/usr/bin/env bash
# Creates a sample keos-system-services GitOps repository to promote, using only git.
#
#   scripts/lib/sample-repo.sh DIR
#
# Makes DIR/origin.git (bare, the "remote"), DIR/keos-system-services (a clone whose origin is
# DIR/origin.git as an absolute local path, main checked out) and DIR/staging-1.json (see
# sample-status.sh: staging reconciled main's tip). Authors and dates are fixed, so every run
# produces the same commit ids.
#
# Layout follows the ControlPlane Flux d1 reference: components/<component>/<layer>/{base,staging,
# production}, except command-center, which has its environments directly under the component.
#
# History (oldest first):
#   main        A  Add keos-system-services layout
#   main        B  gosec: update kyverno to 3.2.6
#   production     branched at A, then "Promote main@<B> to production" (merge of B) and
#   production  H  a production-only hotfix (observability retention): no fast-forward possible
#   main        C  observability: metrics-server 3.12.1 -> 3.12.2 (chart version bump, base)
#   main        D  storage: production overlay values change (longhorn)
#   main        E  gosec: staging-only overlay change
#   main        F  update/: image policy change (outside components/)
#   main        G  .github/: workflow change (outside components/)  <- main's tip
set -euo pipefail

if [ $# -ne 1 ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
mkdir -p "$1"
DIR="$(cd "$1" && pwd -P)"
if [ -e "$DIR/origin.git" ] || [ -e "$DIR/keos-system-services" ]; then
    echo "error: $DIR already holds a sample (origin.git or keos-system-services); use an empty folder" >&2
    exit 1
fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# Hermetic git: no system or user configuration, fixed identity and dates.
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_NAMESPACE
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null LC_ALL=C TZ=UTC GIT_TERMINAL_PROMPT=0

ORIGIN="$DIR/origin.git"
CLONE="$DIR/keos-system-services"
git init --quiet --bare --initial-branch=main "$ORIGIN"
git clone --quiet "$ORIGIN" "$CLONE" 2>/dev/null
g() { git -C "$CLONE" "$@"; }
g config user.name "Keos Release Bot"
g config user.email "release-bot@keos.example.com"
g config commit.gpgSign false
g symbolic-ref HEAD refs/heads/main

# put PATH: writes stdin to PATH in the clone, creating folders.
put() {
    mkdir -p "$(dirname "$CLONE/$1")"
    cat >"$CLONE/$1"
}

# commit DATE "NAME <EMAIL>" MESSAGE: commits everything with a fixed author, committer and date.
commit() {
    local name="${2% <*}" email="${2##*<}"
    email="${email%>}"
    g add --all
    GIT_AUTHOR_DATE="$1" GIT_COMMITTER_DATE="$1" \
        GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" \
        GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" \
        g commit --quiet --no-verify -m "$3"
}

PLATFORM="Platform Team <platform@keos.example.com>"
RENOVATE="renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>"
RELEASE="Keos Release Bot <release-bot@keos.example.com>"

# ---------------------------------------------------------------------------------------------
# A: the initial layout
# ---------------------------------------------------------------------------------------------
put README.md <<'EOF'
# keos-system-services

System services of the keos Kubernetes platform, reconciled by Flux.

- `components/<component>/<layer>/{base,staging,production}`: HelmReleases, their sources and
  the kustomize overlay of each environment (`command-center` keeps its environments directly
  under the component).
- `deploy/`: the Flux Kustomizations that point each cluster at its overlays.
- `update/`: image automation that proposes chart updates on `main`.

Staging clusters reconcile `main`; production clusters reconcile `production`. Changes land on
`main`, soak on staging, and are promoted to `production` with `keos-promote`.
EOF

put .github/workflows/vet.yaml <<'EOF'
name: vet

on:
  pull_request:
  push:
    branches: [main, production]

jobs:
  kustomize:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build every overlay
        run: |
          for overlay in $(find components -type d \( -name staging -o -name production \)); do
            echo "::group::${overlay}"
            kustomize build "${overlay}" >/dev/null
            echo "::endgroup::"
          done
EOF

put .github/workflows/promote.yaml <<'EOF'
name: promote

on:
  workflow_dispatch:
  schedule:
    - cron: "0 9 * * 1-4"

jobs:
  promote:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - name: Promote main to production
        run: keos-promote --propose --output markdown --min-soak 24h
        env:
          GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}
EOF

put update/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: flux-system
resources:
  - metrics-server.yaml
  - kube-prometheus-stack.yaml
EOF

put update/metrics-server.yaml <<'EOF'
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: metrics-server
spec:
  image: registry.k8s.io/metrics-server/charts/metrics-server
  interval: 6h
  provider: generic
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: metrics-server
spec:
  imageRepositoryRef:
    name: metrics-server
  policy:
    semver:
      range: ">=3.0.0"
EOF

put update/kube-prometheus-stack.yaml <<'EOF'
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImageRepository
metadata:
  name: kube-prometheus-stack
spec:
  image: ghcr.io/prometheus-community/charts/kube-prometheus-stack
  interval: 6h
  provider: generic
---
apiVersion: image.toolkit.fluxcd.io/v1beta2
kind: ImagePolicy
metadata:
  name: kube-prometheus-stack
spec:
  imageRepositoryRef:
    name: kube-prometheus-stack
  policy:
    semver:
      range: ">=61.0.0 <62.0.0"
EOF

# deploy/: one Flux Kustomization per component layer; ${environment} is substituted per cluster.
deploy_ks() { # deploy_ks FILE NAME PATH [DEPENDS_ON]
    {
        echo "---"
        echo "apiVersion: kustomize.toolkit.fluxcd.io/v1"
        echo "kind: Kustomization"
        echo "metadata:"
        echo "  name: $2"
        echo "  namespace: flux-system"
        echo "spec:"
        if [ -n "${4:-}" ]; then
            echo "  dependsOn:"
            echo "    - name: $4"
        fi
        echo "  interval: 1h"
        echo "  retryInterval: 2m"
        echo "  timeout: 10m"
        echo "  prune: true"
        echo "  wait: true"
        echo "  sourceRef:"
        echo "    kind: GitRepository"
        echo "    name: keos-system-services"
        echo "  path: $3/\${environment:=staging}"
    } >>"$CLONE/deploy/$1"
}
mkdir -p "$CLONE/deploy"
deploy_ks clusterwide-config.yaml clusterwide-config-configs components/clusterwide-config/configs
deploy_ks command-center.yaml command-center components/command-center
deploy_ks gosec.yaml gosec-controllers components/gosec/controllers
deploy_ks gosec.yaml gosec-configs components/gosec/configs gosec-controllers
deploy_ks observability.yaml observability-controllers components/observability/controllers
deploy_ks observability.yaml observability-configs components/observability/configs observability-controllers
deploy_ks storage.yaml storage-controllers components/storage/controllers

# --- clusterwide-config: plain objects, no HelmRelease -----------------------------------------
put components/clusterwide-config/configs/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - namespaces.yaml
  - priority-classes.yaml
  - cluster-settings.yaml
EOF
put components/clusterwide-config/configs/base/namespaces.yaml <<'EOF'
---
apiVersion: v1
kind: Namespace
metadata:
  name: platform-system
  labels:
    keos.io/managed-by: platform
---
apiVersion: v1
kind: Namespace
metadata:
  name: tenants
  labels:
    keos.io/managed-by: platform
EOF
put components/clusterwide-config/configs/base/priority-classes.yaml <<'EOF'
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: platform-critical
value: 1000000
globalDefault: false
description: System services of the platform.
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: tenant-default
value: 1000
globalDefault: true
description: Default priority of tenant workloads.
EOF
put components/clusterwide-config/configs/base/cluster-settings.yaml <<'EOF'
apiVersion: v1
kind: ConfigMap
metadata:
  name: cluster-settings
  namespace: flux-system
data:
  cluster_env: base
  cluster_domain: cluster.local
  log_retention_days: "7"
EOF
put components/clusterwide-config/configs/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /data/cluster_env
        value: staging
    target:
      kind: ConfigMap
      name: cluster-settings
EOF
put components/clusterwide-config/configs/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /data/cluster_env
        value: production
      - op: replace
        path: /data/log_retention_days
        value: "30"
    target:
      kind: ConfigMap
      name: cluster-settings
EOF

# --- command-center: environments directly under the component, chart from an OCIRepository --
put components/command-center/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: flux-system
resources:
  - weave-gitops.yaml
EOF
put components/command-center/base/weave-gitops.yaml <<'EOF'
---
apiVersion: source.toolkit.fluxcd.io/v1beta2
kind: OCIRepository
metadata:
  name: weave-gitops
spec:
  interval: 12h
  url: oci://ghcr.io/weaveworks/charts/weave-gitops
  ref:
    tag: 4.0.36
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: weave-gitops
spec:
  interval: 1h
  releaseName: weave-gitops
  chartRef:
    kind: OCIRepository
    name: weave-gitops
  values:
    adminUser:
      create: true
      username: admin
    resources:
      requests:
        cpu: 50m
        memory: 64Mi
EOF
put components/command-center/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF
put components/command-center/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /spec/values/adminUser/create
        value: false
    target:
      kind: HelmRelease
      name: weave-gitops
EOF

# --- gosec: kyverno (controllers) and its policies (configs) ----------------------------------
put components/gosec/controllers/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: kyverno
resources:
  - namespace.yaml
  - kyverno.yaml
EOF
put components/gosec/controllers/base/namespace.yaml <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: kyverno
  labels:
    pod-security.kubernetes.io/enforce: privileged
EOF
put components/gosec/controllers/base/kyverno.yaml <<'EOF'
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: kyverno
spec:
  interval: 12h
  url: https://kyverno.github.io/kyverno/
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: kyverno
spec:
  interval: 1h
  releaseName: kyverno
  chart:
    spec:
      chart: kyverno
      version: "3.2.5"
      sourceRef:
        kind: HelmRepository
        name: kyverno
      interval: 12h
  install:
    crds: CreateReplace
  upgrade:
    crds: CreateReplace
  values:
    admissionController:
      replicas: 3
    backgroundController:
      replicas: 2
    cleanupController:
      enabled: true
EOF
put components/gosec/controllers/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /spec/values/admissionController/replicas
        value: 1
      - op: replace
        path: /spec/values/backgroundController/replicas
        value: 1
    target:
      kind: HelmRelease
      name: kyverno
EOF
put components/gosec/controllers/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF
put components/gosec/configs/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - require-labels.yaml
  - disallow-latest-tag.yaml
EOF
put components/gosec/configs/base/require-labels.yaml <<'EOF'
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
spec:
  validationFailureAction: Enforce
  background: true
  rules:
    - name: require-team-label
      match:
        any:
          - resources:
              kinds: [Deployment, StatefulSet, DaemonSet]
      validate:
        message: "The label `keos.io/team` is required."
        pattern:
          metadata:
            labels:
              keos.io/team: "?*"
EOF
put components/gosec/configs/base/disallow-latest-tag.yaml <<'EOF'
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: disallow-latest-tag
spec:
  validationFailureAction: Enforce
  background: true
  rules:
    - name: require-image-tag
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: "An explicit image tag other than latest is required."
        pattern:
          spec:
            containers:
              - image: "!*:latest"
EOF
put components/gosec/configs/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF
put components/gosec/configs/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF

# --- observability: kube-prometheus-stack and metrics-server, dashboards ---------------------
put components/observability/controllers/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: monitoring
resources:
  - namespace.yaml
  - kube-prometheus-stack.yaml
  - metrics-server.yaml
EOF
put components/observability/controllers/base/namespace.yaml <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: monitoring
EOF
put components/observability/controllers/base/kube-prometheus-stack.yaml <<'EOF'
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: prometheus-community
spec:
  interval: 12h
  type: oci
  url: oci://ghcr.io/prometheus-community/charts
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: kube-prometheus-stack
spec:
  interval: 1h
  releaseName: kube-prometheus-stack
  chart:
    spec:
      chart: kube-prometheus-stack
      version: "61.3.2"
      sourceRef:
        kind: HelmRepository
        name: prometheus-community
      interval: 12h
  install:
    crds: Create
  upgrade:
    crds: CreateReplace
  values:
    alertmanager:
      enabled: true
    grafana:
      defaultDashboardsTimezone: utc
    prometheus:
      prometheusSpec:
        retention: 24h
        resources:
          requests:
            cpu: 200m
            memory: 1Gi
EOF
put components/observability/controllers/base/metrics-server.yaml <<'EOF'
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: metrics-server
spec:
  interval: 12h
  url: https://kubernetes-sigs.github.io/metrics-server/
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: metrics-server
spec:
  interval: 1h
  releaseName: metrics-server
  chart:
    spec:
      chart: metrics-server
      version: "3.12.1" # {"$imagepolicy": "flux-system:metrics-server:tag"}
      sourceRef:
        kind: HelmRepository
        name: metrics-server
      interval: 12h
  values:
    args:
      - --kubelet-preferred-address-types=InternalIP
    replicas: 2
EOF
put components/observability/controllers/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /spec/values/replicas
        value: 1
    target:
      kind: HelmRelease
      name: metrics-server
EOF
put components/observability/controllers/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /spec/values/prometheus/prometheusSpec/retention
        value: 48h
    target:
      kind: HelmRelease
      name: kube-prometheus-stack
EOF
put components/observability/configs/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: monitoring
resources:
  - podmonitors.yaml
configMapGenerator:
  - name: platform-dashboards
    files:
      - dashboards/cluster-overview.json
    options:
      labels:
        grafana_dashboard: "1"
EOF
put components/observability/configs/base/podmonitors.yaml <<'EOF'
apiVersion: monitoring.coreos.com/v1
kind: PodMonitor
metadata:
  name: flux-system
spec:
  namespaceSelector:
    matchNames:
      - flux-system
  selector:
    matchExpressions:
      - key: app
        operator: In
        values: [helm-controller, kustomize-controller, source-controller, notification-controller]
  podMetricsEndpoints:
    - port: http-prom
EOF
put components/observability/configs/base/dashboards/cluster-overview.json <<'EOF'
{
  "title": "Cluster overview",
  "uid": "keos-cluster-overview",
  "schemaVersion": 39,
  "panels": [
    {"type": "stat", "title": "Nodes ready", "targets": [{"expr": "sum(kube_node_status_condition{condition=\"Ready\",status=\"true\"})"}]},
    {"type": "timeseries", "title": "CPU usage", "targets": [{"expr": "sum(rate(container_cpu_usage_seconds_total[5m]))"}]}
  ]
}
EOF
put components/observability/configs/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF
put components/observability/configs/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF

# --- storage: longhorn ------------------------------------------------------------------------
put components/storage/controllers/base/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: longhorn-system
resources:
  - namespace.yaml
  - longhorn.yaml
EOF
put components/storage/controllers/base/namespace.yaml <<'EOF'
apiVersion: v1
kind: Namespace
metadata:
  name: longhorn-system
EOF
put components/storage/controllers/base/longhorn.yaml <<'EOF'
---
apiVersion: source.toolkit.fluxcd.io/v1
kind: HelmRepository
metadata:
  name: longhorn
spec:
  interval: 12h
  url: https://charts.longhorn.io
---
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: longhorn
spec:
  interval: 1h
  releaseName: longhorn
  chart:
    spec:
      chart: longhorn
      version: "1.6.2"
      sourceRef:
        kind: HelmRepository
        name: longhorn
      interval: 12h
  values:
    persistence:
      defaultClass: true
      defaultClassReplicaCount: 2
    defaultSettings:
      storageMinimalAvailablePercentage: 25
      storageOverProvisioningPercentage: 100
EOF
put components/storage/controllers/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
EOF
put components/storage/controllers/production/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - path: longhorn-values.yaml
    target:
      kind: HelmRelease
      name: longhorn
EOF
put components/storage/controllers/production/longhorn-values.yaml <<'EOF'
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: longhorn
spec:
  values:
    persistence:
      defaultClassReplicaCount: 3
    defaultSettings:
      storageMinimalAvailablePercentage: 25
      backupTarget: s3://keos-longhorn-backups@eu-west-1/
EOF

commit "2024-03-04T09:00:00Z" "$PLATFORM" "Add keos-system-services layout"
A="$(g rev-parse HEAD)"

# ---------------------------------------------------------------------------------------------
# B on main, then production = A + promotion merge of B + a hotfix
# ---------------------------------------------------------------------------------------------
sed -i.bak 's/version: "3.2.5"/version: "3.2.6"/' "$CLONE/components/gosec/controllers/base/kyverno.yaml"
rm -f "$CLONE/components/gosec/controllers/base/kyverno.yaml.bak"
commit "2024-03-05T08:12:00Z" "$RENOVATE" "gosec: update kyverno to 3.2.6"
B="$(g rev-parse HEAD)"

g checkout --quiet -b production "$A"
GIT_AUTHOR_DATE="2024-03-06T09:00:00Z" GIT_COMMITTER_DATE="2024-03-06T09:00:00Z" \
    GIT_AUTHOR_NAME="Keos Release Bot" GIT_AUTHOR_EMAIL="release-bot@keos.example.com" \
    GIT_COMMITTER_NAME="Keos Release Bot" GIT_COMMITTER_EMAIL="release-bot@keos.example.com" \
    g merge --quiet --no-ff --no-verify -m "Promote main@${B:0:7} to production" \
    -m "Components: gosec" \
    -m "Promoted-Revision: $B
Verified-On: staging-1" "$B"

sed -i.bak 's/value: 48h/value: 72h/' "$CLONE/components/observability/controllers/production/kustomization.yaml"
rm -f "$CLONE/components/observability/controllers/production/kustomization.yaml.bak"
commit "2024-03-06T15:30:00Z" "$PLATFORM" "hotfix(observability): keep 72h of metrics on production"

# ---------------------------------------------------------------------------------------------
# main moves ahead: C..G
# ---------------------------------------------------------------------------------------------
g checkout --quiet main

sed -i.bak 's/version: "3.12.1"/version: "3.12.2"/' "$CLONE/components/observability/controllers/base/metrics-server.yaml"
rm -f "$CLONE/components/observability/controllers/base/metrics-server.yaml.bak"
commit "2024-03-07T08:05:00Z" "$RENOVATE" "observability: update metrics-server to 3.12.2"

put components/storage/controllers/production/longhorn-values.yaml <<'EOF'
apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata:
  name: longhorn
spec:
  values:
    persistence:
      defaultClassReplicaCount: 3
    defaultSettings:
      storageMinimalAvailablePercentage: 15
      backupTarget: s3://keos-longhorn-backups@eu-west-1/
      backupstorePollInterval: 300
EOF
commit "2024-03-07T10:40:00Z" "$PLATFORM" "storage: tune longhorn thresholds on production"

put components/gosec/configs/staging/kustomization.yaml <<'EOF'
apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - ../base
patches:
  - patch: |
      - op: replace
        path: /spec/validationFailureAction
        value: Audit
    target:
      kind: ClusterPolicy
      name: require-labels
EOF
commit "2024-03-07T13:15:00Z" "$PLATFORM" "gosec: audit require-labels on staging first"

sed -i.bak 's/range: ">=3.0.0"/range: ">=3.12.0 <4.0.0"/' "$CLONE/update/metrics-server.yaml"
rm -f "$CLONE/update/metrics-server.yaml.bak"
commit "2024-03-07T14:00:00Z" "$PLATFORM" "update: follow metrics-server 3.x only"

put .github/workflows/vet.yaml <<'EOF'
name: vet

on:
  pull_request:
  push:
    branches: [main, production]

jobs:
  kustomize:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Build and validate every overlay
        run: |
          for overlay in $(find components -type d \( -name staging -o -name production \)); do
            echo "::group::${overlay}"
            kustomize build "${overlay}" | kubeconform -strict -ignore-missing-schemas -summary
            echo "::endgroup::"
          done
EOF
commit "2024-03-07T14:30:00Z" "$PLATFORM" "ci: validate rendered overlays with kubeconform"

g push --quiet origin main production
g branch --quiet --set-upstream-to=origin/main main
g branch --quiet --set-upstream-to=origin/production production
g fetch --quiet origin

"$HERE/sample-status.sh" "$DIR"

echo "sample repository:  $CLONE (remote origin: $ORIGIN)"
echo "staging status:     $DIR/staging-1.json"
echo "main:               $(g rev-parse main)"
echo "production:         $(g rev-parse production)"
