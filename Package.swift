// swift-tools-version:6.0
import Foundation
import PackageDescription

let package = Package(
    name: "keos-promote",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "keos-promote", targets: ["keos-promote"]),
        .library(name: "Promote", targets: ["Promote"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .systemLibrary(
            name: "CGit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "CDeferredTrust"),
        .target(name: "CPackInflate"),
        .target(name: "CLazyGSSAPI"),
        .target(name: "CThreadPlacement"),
        .target(name: "CDiffDriverMemo"),
        .target(name: "CTreeModeParse"),
        .target(name: "CDiffBlobRead"),
        .target(name: "CYAMLInput", dependencies: ["Yams"]),
        .target(name: "CMapPopulate"),
        .target(
            name: "Promote",
            dependencies: ["CGit2", "CDeferredTrust", "CPackInflate", "CLazyGSSAPI", "CThreadPlacement", "CDiffDriverMemo", "CTreeModeParse", "CDiffBlobRead", "CYAMLInput", "CMapPopulate", "Yams", .product(name: "Crypto", package: "swift-crypto")],
            linkerSettings: libgit2
        ),
        .target(
            name: "PromoteKube",
            dependencies: [
                "Promote",
                "Yams",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        .target(
            name: "PromoteHosting",
            dependencies: [
                "Promote",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .target(
            name: "PromoteCLI",
            dependencies: [
                "Promote",
                "PromoteKube",
                "PromoteHosting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "keos-promote",
            dependencies: ["PromoteCLI"],
            // `--static-swift-stdlib` links with `-export-dynamic`, which puts every symbol of the package and its
            // dependencies (32,000, most of them BoringSSL's and NIO's) in the dynamic symbol table for the loader
            // and the Swift runtime to go through at start. The executable needs none of them exported.
            // The toolchain's lld (chosen for every link with libgit2, see `libgit2` below) packs the 143,000
            // relative relocations (pointers the loader adjusts to where the executable lands) into a 30 KB bitmap
            // table (`DT_RELR`, glibc 2.36) instead of 2.9 MB of entries.
            // `-L .build-static-libstdcxx` (made by scripts/lib/release-build.sh) links libstdc++ from its archive,
            // so the loader does not load and bind the shared library at every start.
            linkerSettings: [.unsafeFlags(["-L", staticLibstdcxxFolder,
                                           "-Xlinker", "--no-export-dynamic",
                                           "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs"],
                                          .when(platforms: [.linux]))]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .target(
            name: "KubeTestServer",
            dependencies: [
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/KubeTestServer"
        ),
        .executableTarget(
            name: "kube-benchmark",
            dependencies: ["Promote", "PromoteKube", "KubeTestServer", "TestSupport"],
            path: "Benchmarks/KubeBenchmark"
        ),
        .testTarget(
            name: "KubeTests",
            dependencies: ["Promote", "PromoteKube", "KubeTestServer", "TestSupport", "Yams"]
        ),
        .testTarget(
            name: "PromoteTests",
            dependencies: ["Promote", "TestSupport", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["Promote", "PromoteCLI", "TestSupport", "Yams"],
            exclude: ["Golden"]
        ),
    ],
    swiftLanguageModes: [.v6]
)

/// libgit2 and the libraries it uses, linked in from the archives `libgit2-dev` and its dependencies install
/// (Kerberos's GSSAPI, which Debian ships as a shared library only, is opened on first use by CLazyGSSAPI). Loading the shared libgit2 and
/// the seven libraries only it needs (OpenSSL's libcrypto, with 3,400 symbol bindings, among them) took about
/// 3 ms of every run's start. `--wrap` sends libgit2's calls to `mbedtls_x509_crt_parse_file` to CDeferredTrust,
/// those to `git_zstream_get_output_chunk` and `git_zstream_init` to CPackInflate (libdeflate, from its archive,
/// inflates packed and loose objects; zlib's state is made only for what zlib inflates), those to
/// `git_diff_driver_lookup` and `git_repository_free` to CDiffDriverMemo, those to `git__strntol32` (tree entries'
/// modes) to CTreeModeParse, those to `git_odb__read_header_or_object` (the diff's blob sizes) to CDiffBlobRead and
/// those to `git_futils_mmap_ro` (packs, their indexes) to CMapPopulate; libyaml's scanner's calls to
/// `yaml_parser_update_buffer` go to CYAMLInput.
var libgit2: [LinkerSetting] {
    let archives = ["libgit2.a", "libssh2.a", "libcrypto.a", "libmbedtls.a", "libmbedx509.a", "libmbedcrypto.a",
                    "libhttp_parser.a", "libpcre2-8.a", "libdeflate.a"]
    let wrapped = ["mbedtls_x509_crt_parse_file", "git_zstream_get_output_chunk", "git_zstream_init", "git_diff_driver_lookup",
                   "git_repository_free", "git__strntol32", "git_odb__read_header_or_object", "yaml_parser_update_buffer",
                   "git_futils_mmap_ro"]
    // lld for every link that includes libgit2, tests too: lld's `--wrap` also sends a library's calls within one
    // object file to the wrapper (zstream.c's own calls to `git_zstream_get_output_chunk`), which GNU ld's and
    // gold's leave alone, so the tests run the wrappers exactly as the release executable does.
    let linux = ["-use-ld=lld"] + archives.flatMap { ["-Xlinker", "-l:\($0)"] } + wrapped.flatMap { ["-Xlinker", "--wrap=\($0)"] } + ["-lz"]
    return [.unsafeFlags(linux, .when(platforms: [.linux])), .linkedLibrary("git2", .when(platforms: [.macOS]))]
}

/// The folder where scripts/lib/release-build.sh links the toolchain's `libstdc++.a`, in the package's folder.
var staticLibstdcxxFolder: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(".build-static-libstdcxx").path
}
