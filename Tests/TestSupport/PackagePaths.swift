import Foundation

/// Folders of the package this test support is built from.
public enum PackagePaths {
    /// The package root (the folder holding `Package.swift`), found from this source file's path.
    public static func root(file: StaticString = #filePath) -> URL {
        // <root>/Tests/TestSupport/PackagePaths.swift
        URL(fileURLWithPath: "\(file)")
            .deletingLastPathComponent()
            .deletingLastPathComponent()
            .deletingLastPathComponent()
    }

    /// A script below `scripts/`, e.g. `script("lib/sample-repo.sh")`.
    public static func script(_ relativePath: String) -> URL {
        root().appendingPathComponent("scripts").appendingPathComponent(relativePath)
    }
}

extension PackagePaths {
    /// A file of the package, e.g. `file("examples/keos-promote.yaml")`.
    public static func file(_ relativePath: String) -> URL {
        root().appendingPathComponent(relativePath)
    }
}
