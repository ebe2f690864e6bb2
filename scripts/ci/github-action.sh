#!/usr/bin/env bash
# Step 2 of action.yml: runs keos-promote with the action's inputs (INPUT_* variables, never interpolated
# into the script), keeps the JSON report, and writes the outputs exit-code, outcome and report to
# $GITHUB_OUTPUT (and pull-request in propose mode). Exit code 3 (staging not ready yet) is a notice and a success unless
# INPUT_FAIL_ON_NOT_READY is true. The Markdown plan reaches the job summary through $GITHUB_STEP_SUMMARY,
# which keos-promote appends to itself.
set -uo pipefail

binary="${KEOS_PROMOTE:-keos-promote}"
command="${INPUT_COMMAND:-promote}"
case "$command" in
    promote | verify | diff | status) ;;
    *)
        echo "::error title=keos-promote::input command must be promote, verify, diff or status, not '$command'"
        exit 2
        ;;
esac
is_true() { [ "${1:-false}" = "true" ]; }

args=("$command" -C "${INPUT_WORKING_DIRECTORY:-.}" --output json)
[ -n "${INPUT_CONFIG:-}" ] && args+=(--config "$INPUT_CONFIG")
[ -n "${INPUT_REVISION:-}" ] && args+=(--revision "$INPUT_REVISION")
[ -n "${INPUT_MIN_SOAK:-}" ] && args+=(--min-soak "$INPUT_MIN_SOAK")
is_true "${INPUT_SKIP_VERIFY:-}" && args+=(--skip-verify)
while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && args+=(--staging-status "$line")
done <<<"${INPUT_STAGING_STATUS:-}"
[ -n "${INPUT_KUBECONFIG:-}" ] && args+=(--kubeconfig "$INPUT_KUBECONFIG")
while IFS= read -r line; do
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    [ -n "$line" ] && args+=(--context "$line")
done <<<"${INPUT_CONTEXTS:-}"
if [ "$command" = promote ]; then
    is_true "${INPUT_DRY_RUN:-}" && args+=(--dry-run)
    is_true "${INPUT_PROPOSE:-}" && args+=(--propose)
    case "${INPUT_MERGE:-}" in
        "") ;;
        ff | no-ff | ff-only) args+=("--$INPUT_MERGE") ;;
        *)
            echo "::error title=keos-promote::input merge must be ff, no-ff or ff-only, not '$INPUT_MERGE'"
            exit 2
            ;;
    esac
    [ -n "${INPUT_RETRIES:-}" ] && args+=(--retries "$INPUT_RETRIES")
    args+=(--yes)
fi
while IFS= read -r line; do
    [ -n "$line" ] && args+=("$line")
done <<<"${INPUT_ARGS:-}"

report="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/keos-promote-report.json"
"$binary" "${args[@]}" >"$report"
code=$?

pushed=false
grep -Eq '"pushed" *: *true' "$report" && pushed=true
proposed=false
grep -Eq '"action" *: *"propose"' "$report" && proposed=true
pull_request=$(sed -n 's/^ *"pullRequest" *: *"\([^"]*\)".*/\1/p' "$report" | head -n 1)
case "$code" in
    0)
        if [ "$command" != promote ]; then
            [ "$command" = verify ] && outcome=verified || outcome=done
        elif is_true "${INPUT_DRY_RUN:-}"; then
            outcome=planned
        elif [ "$proposed" = true ] && [ "$pushed" = true ]; then
            outcome=proposed
        elif [ "$pushed" = true ]; then
            outcome=promoted
        else
            outcome=up-to-date
        fi
        ;;
    2) outcome=invalid ;;
    3) outcome=not-ready ;;
    4) outcome=conflict ;;
    5) outcome=target-moved ;;
    *) outcome=failed ;;
esac
{
    echo "exit-code=$code"
    echo "outcome=$outcome"
    echo "report=$report"
    echo "pull-request=$pull_request"
} >>"${GITHUB_OUTPUT:-/dev/null}"

case "$outcome" in
    promoted) echo "::notice title=Promoted::production now contains what staging runs" ;;
    proposed) echo "::notice title=Proposed::${pull_request:-the promote/ branch is pushed; open the pull request from the compare URL in the report}" ;;
    not-ready)
        if is_true "${INPUT_FAIL_ON_NOT_READY:-}"; then
            echo "::error title=Staging not ready yet::staging has not reconciled the revision (exit code 3)"
            exit 3
        fi
        echo "::notice title=Staging not ready yet::staging has not reconciled the revision; the next run tries again"
        exit 0
        ;;
    conflict) echo "::error title=Merge conflict::merging into production conflicts; a person is needed (exit code 4)" ;;
    target-moved) echo "::warning title=Production kept moving::retries ran out; the next run tries again (exit code 5)" ;;
esac
exit "$code"
