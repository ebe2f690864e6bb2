#!/usr/bin/env python3
"""Writes a `git fast-import` stream of a synthetic Flux "d1" GitOps repository on stdout.

Layout: components/<c>/controllers/{base,staging,production}/ with two files each (a HelmRelease or a
values patch, and a kustomization.yaml), plus files outside components (README.md, update/, .github/).
History: commits on `main` bump chart versions, change values, add, remove and rename files and whole
components; every `--promote-every` commits `production` receives a hotfix of its own and then a merge
of `main` (a promotion). At the end `main` is `--ahead` commits past the last promotion and `production`
holds one more hotfix of its own, so promoting needs a real three-way merge.

Deterministic for given arguments (seeded), so a cached repository can be reused.
"""
import argparse
import random
import sys

ENVIRONMENTS = ("base", "staging", "production")
EPOCH = 1_700_000_000


class Writer:
    """Buffers the fast-import stream and hands out marks."""

    def __init__(self, out):
        self.out = out
        self.mark = 0
        self.blob_marks = {}

    def write(self, text):
        self.out.write(text.encode())

    def blob(self, content):
        """Mark of a blob with `content`, written once."""
        known = self.blob_marks.get(content)
        if known:
            return known
        self.mark += 1
        data = content.encode()
        self.out.write(b"blob\nmark :%d\ndata %d\n" % (self.mark, len(data)))
        self.out.write(data + b"\n")
        self.blob_marks[content] = self.mark
        return self.mark

    def commit(self, ref, message, time, parents, changes):
        """Writes a commit on `ref`; `changes` maps path to blob mark, or to None for a deletion."""
        self.mark += 1
        mark = self.mark
        msg = message.encode()
        header = "commit %s\nmark :%d\nauthor Bench <bench@example.com> %d +0000\n" \
                 "committer Bench <bench@example.com> %d +0000\n" % (ref, mark, time, time)
        self.write(header)
        self.out.write(b"data %d\n" % len(msg) + msg + b"\n")
        if parents:
            self.write("from :%d\n" % parents[0])
            for parent in parents[1:]:
                self.write("merge :%d\n" % parent)
        lines = []
        for path in sorted(changes):
            blob = changes[path]
            lines.append("D %s\n" % path if blob is None else "M 100644 :%d %s\n" % (blob, path))
        self.write("".join(lines))
        self.write("\n")
        return mark


def helm_release(name, version, replicas, extra):
    values = "".join("    %s: %s\n" % item for item in extra)
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        "kind: HelmRelease\n"
        "metadata:\n"
        "  name: %(n)s\n"
        "  namespace: %(n)s\n"
        "spec:\n"
        "  interval: 30m\n"
        "  chart:\n"
        "    spec:\n"
        "      chart: %(n)s\n"
        "      version: \"%(v)s\"\n"
        "      sourceRef:\n"
        "        kind: HelmRepository\n"
        "        name: %(n)s\n"
        "        namespace: flux-system\n"
        "  install:\n"
        "    remediation:\n"
        "      retries: 3\n"
        "  upgrade:\n"
        "    remediation:\n"
        "      retries: 3\n"
        "  values:\n"
        "    replicaCount: %(r)d\n"
        "    resources:\n"
        "      requests:\n"
        "        cpu: 100m\n"
        "        memory: 128Mi\n"
        "%(x)s" % {"n": name, "v": version, "r": replicas, "x": values}
    )


def values_patch(name, environment, replicas, extra):
    values = "".join("    %s: %s\n" % item for item in extra)
    return (
        "apiVersion: helm.toolkit.fluxcd.io/v2\n"
        "kind: HelmRelease\n"
        "metadata:\n"
        "  name: %(n)s\n"
        "  namespace: %(n)s\n"
        "spec:\n"
        "  values:\n"
        "    replicaCount: %(r)d\n"
        "    ingress:\n"
        "      enabled: true\n"
        "      host: %(n)s.%(e)s.example.com\n"
        "%(x)s" % {"n": name, "e": environment, "r": replicas, "x": values}
    )


def kustomization(name, resources, patches=()):
    text = (
        "apiVersion: kustomize.config.k8s.io/v1beta1\n"
        "kind: Kustomization\n"
        "namespace: %s\n"
        "resources:\n" % name
    )
    text += "".join("  - %s\n" % resource for resource in resources)
    if patches:
        text += "patches:\n" + "".join("  - path: %s\n" % patch for patch in patches)
    return text


def component_files(name, rng):
    """The six files of a new component, by path."""
    root = "components/%s/controllers" % name
    version = "%d.%d.%d" % (rng.randint(0, 4), rng.randint(0, 30), rng.randint(0, 9))
    return {
        root + "/base/helmrelease.yaml": helm_release(name, version, 1, ()),
        root + "/base/kustomization.yaml": kustomization(name, ["helmrelease.yaml"]),
        root + "/staging/values.yaml": values_patch(name, "staging", 1, ()),
        root + "/staging/kustomization.yaml": kustomization(name, ["../base"], ["values.yaml"]),
        root + "/production/values.yaml": values_patch(name, "production", 2, ()),
        root + "/production/kustomization.yaml": kustomization(name, ["../base"], ["values.yaml"]),
    }


class History:
    """Tracks both branches' files and writes the commits."""

    def __init__(self, args, writer):
        self.args = args
        self.out = writer
        self.rng = random.Random(args.seed)
        self.time = EPOCH
        self.next_component = args.components
        # Components only production's hotfixes touch, so the generated promotions never conflict.
        self.hotfix_pool = ["app-%05d" % i for i in range(7, args.components, 97)]
        self.reserved = set(self.hotfix_pool)
        self.live = [("app-%05d" % i) for i in range(args.components) if "app-%05d" % i not in self.reserved]
        self.main = {}          # path -> content
        self.production = {}    # path -> content
        self.main_tip = None
        self.production_tip = None
        self.touched_since_promotion = set()
        self.hotfixes = 0
        self.in_last_window = False

    def tick(self):
        self.time += 600
        return self.time

    def initial(self):
        files = {
            "README.md": "# keos-system-services\n\nSystem services of the platform.\n",
            ".github/workflows/vet.yaml": "name: vet\non: [pull_request]\njobs:\n  vet:\n    runs-on: ubuntu-latest\n",
            "update/flux-system.yaml": "flux: v2.3.0\n",
        }
        for index in range(self.args.components):
            files.update(component_files("app-%05d" % index, self.rng))
        changes = {path: self.out.blob(content) for path, content in files.items()}
        self.main = dict(files)
        self.production = dict(files)
        self.main_tip = self.out.commit("refs/heads/main", "initial import", self.tick(), [], changes)
        self.production_tip = self.main_tip
        self.out.write("reset refs/heads/production\nfrom :%d\n\n" % self.main_tip)

    # Edits on main -------------------------------------------------------------------------------

    def edit_main(self, number):
        changes = {}
        summary = []
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            kind = self.rng.random()
            if kind < 0.45:
                summary.append(self.bump_version(changes))
            elif kind < 0.80:
                summary.append(self.change_values(changes))
            elif kind < 0.88:
                summary.append(self.outside_change(changes, number))
            elif kind < 0.93:
                summary.append(self.rename_file(changes))
            elif kind < 0.97:
                summary.append(self.add_component(changes))
            elif self.in_last_window:
                # A removal beside additions of look-alike components makes rename pairing a tie that git
                # and libgit2 break differently; the change set waiting for promotion avoids it.
                summary.append(self.add_component(changes))
            else:
                summary.append(self.remove_component(changes))
        for path, content in changes.items():
            if content is None:
                self.main.pop(path, None)
            else:
                self.main[path] = content
        self.touched_since_promotion.update(changes)
        marks = {path: (None if content is None else self.out.blob(content)) for path, content in changes.items()}
        self.main_tip = self.out.commit("refs/heads/main", "; ".join(summary), self.tick(), [self.main_tip], marks)

    def pick_release(self):
        while True:
            name = self.rng.choice(self.live)
            base = "components/%s/controllers/base/" % name
            for file in ("helmrelease.yaml", "release.yaml"):
                if base + file in self.main:
                    return name, base + file

    def bump_version(self, changes):
        name, path = self.pick_release()
        text = changes.get(path) or self.main[path]
        start = text.index("version: \"") + len("version: \"")
        end = text.index("\"", start)
        major, minor, patch = (int(part) for part in text[start:end].split("."))
        version = "%d.%d.%d" % ((major, minor, patch + 1) if self.rng.random() < 0.7 else (major, minor + 1, 0))
        changes[path] = text[:start] + version + text[end:]
        return "%s: chart %s" % (name, version)

    def change_values(self, changes):
        name = self.rng.choice(self.live)
        environment = self.rng.choice(("staging", "production", "staging"))
        path = "components/%s/controllers/%s/values.yaml" % (name, environment)
        if path not in self.main:
            return self.bump_version(changes)
        text = changes.get(path) or self.main[path]
        if self.rng.random() < 0.5:
            start = text.index("replicaCount: ") + len("replicaCount: ")
            end = text.index("\n", start)
            changes[path] = text[:start] + str(int(text[start:end]) % 5 + 1) + text[end:]
        else:
            key = self.rng.choice(("logLevel", "podAnnotations", "priorityClassName", "metricsEnabled"))
            changes[path] = text + "    %s: %s-%d\n" % (key, environment, self.rng.randint(0, 999))
        return "%s: %s values" % (name, environment)

    def outside_change(self, changes, number):
        path = "update/flux-system.yaml" if self.rng.random() < 0.5 else "update/image-%d.yaml" % (number % 7)
        text = changes.get(path) or self.main.get(path, "")
        changes[path] = text + "bump-%d: %d\n" % (number, self.rng.randint(0, 9999))
        return "update %s" % path

    def rename_file(self, changes):
        name, path = self.pick_release()
        folder = path.rsplit("/", 1)[0]
        new = folder + ("/release.yaml" if path.endswith("helmrelease.yaml") else "/helmrelease.yaml")
        text = changes.get(path) or self.main[path]
        changes[path] = None
        changes[new] = text.replace("interval: 30m", "interval: 15m")
        kustomize = folder + "/kustomization.yaml"
        changes[kustomize] = kustomization(name, [new.rsplit("/", 1)[1]])
        return "%s: rename %s" % (name, path.rsplit("/", 1)[1])

    def add_component(self, changes):
        name = "app-%05d" % self.next_component
        self.next_component += 1
        self.live.append(name)
        changes.update(component_files(name, self.rng))
        return "add %s" % name

    def remove_component(self, changes):
        name = self.rng.choice(self.live)
        self.live.remove(name)
        prefix = "components/%s/" % name
        for path in [path for path in self.main if path.startswith(prefix)]:
            changes[path] = None
        return "remove %s" % name

    # Production ----------------------------------------------------------------------------------

    def hotfix(self):
        """A commit of production's own: a values change in a component main never touches."""
        name = self.hotfix_pool[self.hotfixes % len(self.hotfix_pool)]
        self.hotfixes += 1
        path = "components/%s/controllers/production/values.yaml" % name
        text = self.production[path] + "    hotfix%d: true\n" % self.hotfixes
        self.production[path] = text
        self.production_tip = self.out.commit("refs/heads/production", "hotfix %s" % name, self.tick(),
                                              [self.production_tip], {path: self.out.blob(text)})

    def promote(self):
        """Merges main into production: main's changes since the last promotion, production's kept."""
        changes = {}
        for path in sorted(self.touched_since_promotion):
            content = self.main.get(path)
            if self.production.get(path) == content:
                continue
            if content is None:
                self.production.pop(path, None)
                changes[path] = None
            else:
                self.production[path] = content
                changes[path] = self.out.blob(content)
        self.touched_since_promotion = set()
        self.production_tip = self.out.commit("refs/heads/production", "Promote main to production", self.tick(),
                                              [self.production_tip, self.main_tip], changes)

    def run(self):
        self.initial()
        commits = 1
        promoted_until = self.args.commits - self.args.ahead
        while commits < self.args.commits:
            self.in_last_window = commits >= promoted_until
            self.edit_main(commits)
            commits += 1
            if commits <= promoted_until and commits % self.args.promote_every == 0:
                self.hotfix()
                self.promote()
        self.hotfix()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--components", type=int, required=True)
    parser.add_argument("--commits", type=int, required=True, help="commits on main")
    parser.add_argument("--ahead", type=int, required=True, help="commits main is ahead of the last promotion")
    parser.add_argument("--promote-every", type=int, default=50)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    out = sys.stdout.buffer
    History(args, Writer(out)).run()
    out.write(b"done\n")
    out.flush()


if __name__ == "__main__":
    main()
