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
    command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
    # The Kubernetes API tests make their TLS certificates with the openssl CLI.
    command -v openssl >/dev/null 2>&1 || missing+=(openssl)
    pkg-config --exists libgit2 2>/dev/null || missing+=(libgit2-dev)
    # libgit2's packed objects are inflated with libdeflate, linked in from its archive (Package.swift).
    [ -f /usr/include/libdeflate.h ] || missing+=(libdeflate-dev)
    # git-daemon and git-http-backend ship in Debian's git package; the tests serve repositories
    # with them, and use `git merge-tree --write-tree` (git >= 2.38) as an oracle.
    if ! command -v git >/dev/null 2>&1 || [ ! -x "$(git --exec-path 2>/dev/null)/git-daemon" ]; then
        missing+=(git)
    fi
    # The transport tests run a real sshd (and ssh-keygen, ssh-agent); the signing tests use gpg.
    [ -x /usr/sbin/sshd ] || missing+=(openssh-server)
    command -v ssh-keygen >/dev/null 2>&1 || missing+=(openssh-client)
    command -v gpg >/dev/null 2>&1 || missing+=(gnupg)
    install_debian_packages "${missing[@]}"
    local version
    version="$(git --version | sed -E 's/^git version ([0-9]+)\.([0-9]+).*/\1 \2/')"
    set -- $version
    if [ "${1:-0}" -lt 2 ] || { [ "${1:-0}" -eq 2 ] && [ "${2:-0}" -lt 38 ]; }; then
        echo "error: git $(git --version) is too old; the tests need git >= 2.38 (merge-tree --write-tree)" >&2
        exit 1
    fi
}

# The CLI tests validate `--output json` against schema/report.schema.json with python3's jsonschema;
# installs it with pip (for this user) when it is missing. Quiet, and a no-op once it is there.
ensure_jsonschema() {
    if ! command -v python3 >/dev/null 2>&1; then
        echo "warning: python3 not found; the CLI tests that validate JSON output will fail" >&2
        return 0
    fi
    python3 -c 'import jsonschema' >/dev/null 2>&1 && return 0
    echo "installing: python3 jsonschema (pip, --user)" >&2
    # Debian 12 marks its Python as externally managed; a --user install is what we want here.
    python3 -m pip install --quiet --disable-pip-version-check --user jsonschema >&2 2>/dev/null \
        || python3 -m pip install --quiet --disable-pip-version-check --user --break-system-packages jsonschema >&2 \
        || echo "warning: could not install python3 jsonschema; the CLI tests that validate JSON output will fail" >&2
}

# Installs the given Debian packages (none: does nothing), quietly.
install_debian_packages() {
    [ $# -gt 0 ] || return 0
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "error: missing $*; install them with your package manager" >&2
        exit 1
    fi
    echo "installing: $*" >&2
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

# What only the tests need: tmux (the terminal tests), groff (the man page test), and a python3 with
# jsonschema and PyYAML (the JSON schema and example tests). Installs what is missing, when missing.
ensure_test_prerequisites() {
    local missing=()
    command -v tmux >/dev/null 2>&1 || missing+=(tmux)
    command -v groff >/dev/null 2>&1 || missing+=(groff-base)
    if ! python3 -c 'import jsonschema, yaml' >/dev/null 2>&1 && ! /usr/bin/python3 -c 'import jsonschema, yaml' >/dev/null 2>&1; then
        missing+=(python3 python3-jsonschema python3-yaml)
    fi
    install_debian_packages "${missing[@]}"
    ensure_jsonschema
}
