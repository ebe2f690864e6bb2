#!/usr/bin/env python3
"""Times keos-promote against the git CLI doing the same work, alternating the tools within one run.

For each repository: whole-process `keos-promote diff --no-fetch --skip-verify --output json` against
`git merge-tree --write-tree` plus `git diff --numstat -M` (target → merge result); the end-to-end
`keos-promote --dry-run`; start-up (`keos-promote --version` beside `git --version`); peak memory
(`/usr/bin/time`). Prints medians with min–max and the ratios, and checks that both tools list the same
files with the same line counts.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(argv, cwd=None):
    """Runs argv with stdout captured; returns (seconds, stdout) and fails loudly on a non-zero exit."""
    start = time.perf_counter()
    done = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit("benchmark: %s exited %d" % (" ".join(argv), done.returncode))
    return elapsed, done.stdout


class Workload:
    """The commands measured on one repository."""

    def __init__(self, keos, repo, source, target):
        self.keos, self.repo, self.source, self.target = keos, repo, source, target

    def keos_diff(self):
        return run([self.keos, "diff", "-C", self.repo, "--no-fetch", "--skip-verify", "--output", "json"])

    def keos_dry_run(self):
        return run([self.keos, "--dry-run", "-C", self.repo, "--no-fetch", "--skip-verify"])

    def keos_version(self):
        return run([self.keos, "--version"])

    def git_version(self):
        return run(["git", "--version"])

    def git_diff(self):
        """git merge-tree --write-tree, then git diff --numstat -M from the target to the merged tree."""
        first, out = run(["git", "-C", self.repo, "merge-tree", "--write-tree", self.target, self.source])
        tree = out.split()[0].decode()
        second, numstat = run(["git", "-C", self.repo, "diff", "--numstat", "-z", "-M", self.target, tree])
        return first + second, numstat


def numstat_entries(raw):
    """`git diff --numstat -z` as a set of (path, oldPath, additions, deletions)."""
    fields = raw.split(b"\0")
    entries = set()
    index = 0
    while index < len(fields) and fields[index]:
        added, deleted, path = fields[index].split(b"\t", 2)
        index += 1
        old = None
        if path == b"":
            old, path = fields[index].decode(), fields[index + 1]
            index += 2
        binary = added == b"-"
        entries.add((path.decode(), old, None if binary else int(added), None if binary else int(deleted)))
    return entries


def keos_entries(raw):
    report = json.loads(raw)
    files = [file for component in report["components"] for file in component["files"]]
    files += report["outsideComponents"]
    return {(file["path"], file.get("oldPath"), None if file["binary"] else file["additions"],
             None if file["binary"] else file["deletions"]) for file in files}


def peak_kib(argv):
    """Maximum resident set size of one run of argv, in KiB, as /usr/bin/time reports it."""
    with tempfile.NamedTemporaryFile("r") as report:
        subprocess.run(["/usr/bin/time", "-f", "%M", "-o", report.name] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        return int(report.read().strip().splitlines()[-1])


def summary(samples):
    ms = [sample * 1000 for sample in samples]
    return statistics.median(ms), min(ms), max(ms)


def cell(stats):
    median, low, high = stats
    return "%7.1f ms [%.1f–%.1f]" % (median, low, high)


def measure(workload, runs, warmup):
    """Alternates every measured command round by round (rotating the order) and returns the samples."""
    commands = {
        "keos diff": workload.keos_diff,
        "git merge-tree + diff": workload.git_diff,
        "keos dry-run": workload.keos_dry_run,
        "keos --version": workload.keos_version,
        "git --version": workload.git_version,
    }
    names = list(commands)
    samples = {name: [] for name in names}
    for round_number in range(warmup + runs):
        shift = round_number % len(names)
        for name in names[shift:] + names[:shift]:
            elapsed, _ = commands[name]()
            if round_number >= warmup:
                samples[name].append(elapsed)
    return samples


def describe(repo, source, target):
    def git(*args):
        return subprocess.run(["git", "-C", repo] + list(args), check=True, stdout=subprocess.PIPE).stdout.decode()
    files = len(git("ls-tree", "-r", "--name-only", source).splitlines())
    commits = int(git("rev-list", "--count", source))
    ahead = int(git("rev-list", "--count", "%s..%s" % (target, source)))
    own = int(git("rev-list", "--count", "--no-merges", "%s..%s" % (source, target)))
    return files, commits, ahead, own


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keos", required=True, help="the keos-promote binary (release build)")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--source", default="main")
    parser.add_argument("--target", default="production")
    parser.add_argument("repos", nargs="+", help="NAME=PATH of each bare repository")
    args = parser.parse_args()

    rows = []
    for spec in args.repos:
        name, repo = spec.split("=", 1)
        workload = Workload(args.keos, repo, args.source, args.target)
        _, ours = workload.keos_diff()
        _, theirs = workload.git_diff()
        ours, theirs = keos_entries(ours), numstat_entries(theirs)
        agree = ours == theirs
        files, commits, ahead, own = describe(repo, args.source, args.target)
        print("%s: %s files, %d commits on %s, %s ahead of %s (%d of its own); %d files change; tools agree: %s"
              % (name, format(files, ","), commits, args.source, ahead, args.target, own, len(theirs),
                 "yes" if agree else "NO"), flush=True)
        if not agree:
            for entry in sorted(ours - theirs, key=str)[:10]:
                print("  only keos-promote: %s" % (entry,))
            for entry in sorted(theirs - ours, key=str)[:10]:
                print("  only git:          %s" % (entry,))
            sys.exit("benchmark: keos-promote and git disagree on %s" % name)

        samples = measure(workload, args.runs, args.warmup)
        stats = {key: summary(value) for key, value in samples.items()}
        memory_keos = peak_kib([args.keos, "diff", "-C", repo, "--no-fetch", "--skip-verify", "--output", "json"])
        tree = subprocess.run(["git", "-C", repo, "merge-tree", "--write-tree", args.target, args.source],
                              check=True, stdout=subprocess.PIPE).stdout.split()[0].decode()
        memory_git = max(peak_kib(["git", "-C", repo, "merge-tree", "--write-tree", args.target, args.source]),
                         peak_kib(["git", "-C", repo, "diff", "--numstat", "-M", args.target, tree]))
        rows.append((name, stats, memory_keos, memory_git))

    print()
    print("%d runs each after %d warm-up rounds, tools alternating; median [min–max] of whole processes"
          % (args.runs, args.warmup))
    header = "%-8s %-36s %-28s %-28s %s" % ("repo", "measure", "keos-promote", "git", "ratio")
    print(header)
    print("-" * len(header))
    for name, stats, memory_keos, memory_git in rows:
        def line(label, ours, theirs):
            ratio = stats[ours][0] / stats[theirs][0] if theirs else None
            print("%-8s %-36s %-28s %-28s %s" % (name, label, cell(stats[ours]), cell(stats[theirs]) if theirs else "",
                                                 "%.2f×" % ratio if ratio else ""))
        line("diff --output json vs merge-tree+diff", "keos diff", "git merge-tree + diff")
        line("--dry-run vs merge-tree+diff", "keos dry-run", "git merge-tree + diff")
        line("--version vs git --version", "keos --version", "git --version")
        print("%-8s %-36s %-28s %-28s %.2f×" % (name, "peak memory (diff)", "%.1f MiB" % (memory_keos / 1024),
                                                "%.1f MiB" % (memory_git / 1024), memory_keos / memory_git))


if __name__ == "__main__":
    main()
