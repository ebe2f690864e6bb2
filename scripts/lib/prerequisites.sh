# Shared by scripts/test and scripts/demo: makes sure Swift, libgit2 and git are here.

# Installs the Debian packages the build and the tests need, when any is missing.
ensure_prerequisites() {
    if [ -d /opt/swift/usr/bin ] && ! command -v swift >/dev/null 2>&1; then
        export PATH="/opt/swift/usr/bin:$PATH"
    fi
    if ! command -v swift >/dev/null 2>&1; then
        echo "error: swift not found; install Swift 6 (https://swift.org/install) and put it on PATH" >&2
        exit 1
    fi
    local missing=()
    pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    command -v git >/dev/null 2>&1 || missing+=(git)
    [ -x "$(git --exec-path 2>/dev/null)/git-daemon" ] || missing+=(git-daemon-sysvinit)
    if [ ${#missing[@]} -gt 0 ]; then
        echo "installing: ${missing[*]}" >&2
        local sudo=""
        [ "$(id -u)" -eq 0 ] || sudo="sudo"
        $sudo apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >&2
    fi
}
