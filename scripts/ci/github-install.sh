#!/usr/bin/env bash
# Step 1 of action.yml: finds keos-promote (input `binary`, else PATH), or builds it from the action's
# source with Swift (preinstalled on GitHub's Ubuntu runners) and Ubuntu's libgit2-dev and libdeflate-dev. Writes the
# executable's path to the step output `binary`.
set -euo pipefail

if [ -n "${INPUT_BINARY:-}" ]; then
    binary="$INPUT_BINARY"
elif command -v keos-promote >/dev/null 2>&1; then
    binary="$(command -v keos-promote)"
else
    source_dir="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}"
    if ! pkg-config --exists libgit2 2>/dev/null || [ ! -f /usr/include/libdeflate.h ]; then
        sudo apt-get update -qq
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libgit2-dev libdeflate-dev pkg-config
    fi
    source "$source_dir/scripts/lib/release-build.sh"
    release_build --product keos-promote --package-path "$source_dir" >&2
    binary="$(release_bin_path --package-path "$source_dir")/keos-promote"
fi
if [ ! -x "$binary" ]; then
    echo "::error title=keos-promote::$binary is not an executable"
    exit 1
fi
"$binary" --version >&2
echo "binary=$binary" >>"${GITHUB_OUTPUT:-/dev/null}"
