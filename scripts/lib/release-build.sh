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
release_build_flags=(
    -c release
    --static-swift-stdlib
    -Xswiftc -Xfrontend -Xswiftc -disable-concrete-type-metadata-mangled-name-accessors
)

# release_build [OPTIONS...]: `swift build` of the release configuration; OPTIONS such as --product,
# --scratch-path or --package-path are passed on.
release_build() {
    swift build "${release_build_flags[@]}" "$@"
}

# release_bin_path [OPTIONS...]: the folder the release build with the same OPTIONS puts its executables in.
release_bin_path() {
    swift build "${release_build_flags[@]}" "$@" --show-bin-path
}
