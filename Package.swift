// swift-tools-version:6.0
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
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        .target(name: "CDeferredTrust"),
        .target(
            name: "Promote",
            dependencies: ["CGit2", "CDeferredTrust", "Yams", .product(name: "Crypto", package: "swift-crypto")]
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
            // and the Swift runtime to go through at start. The executable needs none of them exported: the one
            // a shared library calls (`mbedtls_x509_crt_parse_file`, CDeferredTrust) stays exported regardless.
            linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux]))]
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
