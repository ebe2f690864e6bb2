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
            dependencies: ["CGit2", "CDeferredTrust", "Yams"]
        ),
        .target(
            name: "PromoteCLI",
            dependencies: [
                "Promote",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "keos-promote",
            dependencies: ["PromoteCLI"]
        ),
        .target(
            name: "TestSupport",
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "PromoteTests",
            dependencies: ["Promote", "TestSupport"]
        ),
        .testTarget(
            name: "CLITests",
            dependencies: ["Promote", "TestSupport"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
