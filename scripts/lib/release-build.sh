# The one definition of keos-promote's release build, shared by scripts/install, scripts/bench, the GitHub Action
# (scripts/ci/github-install.sh) and the Dockerfile. Source it, then `release_build [swift build options]`.
#
# - `--static-swift-stdlib`: the Swift runtime and Foundation linked in halve start-up (no dynamic loading of
#   them at every run).
# - `-disable-concrete-type-metadata-mangled-name-accessors`, for every module, dependencies included: the
#   compiler then gets the metadata of a generic type such as `Set<[UInt8]>` by calling its accessor with the
#   conformances it already knows, instead of having the runtime decode the type's mangled name at its first
#   use, which looks every conformance up again in a scan of the executable's 9,000 conformance records (about
#   0.55 M instructions a scan, 9 M on the main thread of a `diff`; BENCHMARKS.md, item 35).
# - libstdc++ linked in from its archive: the Swift runtime's C++ needs it, and the toolchain's link line asks
#   for `-lstdc++`, which otherwise loads and binds the shared library at every start (0.4–0.7 ms; BENCHMARKS.md,
#   item 42).
#   `release_build` links `.build-static-libstdcxx/libstdc++.a` (in the package's folder) to the archive the
#   toolchain's clang finds; Package.swift puts that folder first on the executable's library path. Without the
#   archive (no `libstdc++-12-dev`), the shared library is linked as before.
release_build_flags=(
    -c release
    --static-swift-stdlib
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
)

# release_build [OPTIONS...]: `swift build` of the release configuration; OPTIONS such as --product,
# --scratch-path or --package-path are passed on.
release_build() {
    release_link_static_libstdcxx "$@"
    swift build "${release_build_flags[@]}" "$@"
}

# release_link_static_libstdcxx [OPTIONS...]: points `.build-static-libstdcxx/libstdc++.a`, in the package's
# folder (`--package-path`, else the current one), at the toolchain's libstdc++ archive, when there is one.
release_link_static_libstdcxx() {
    local package=. archive
    while [ $# -gt 0 ]; do
        case "$1" in
            --package-path) package="$2"; shift ;;
            --package-path=*) package="${1#--package-path=}" ;;
        esac
        shift
    done
    archive=$(clang -print-file-name=libstdc++.a 2>/dev/null) || return 0
    case "$archive" in /*) ;; *) return 0 ;; esac   # a bare name: clang found no archive
    [ -f "$archive" ] || return 0
    mkdir -p "$package/.build-static-libstdcxx"
    ln -sfn "$archive" "$package/.build-static-libstdcxx/libstdc++.a"
}

# release_bin_path [OPTIONS...]: the folder the release build with the same OPTIONS puts its executables in.
release_bin_path() {
    swift build "${release_build_flags[@]}" "$@" --show-bin-path
}
