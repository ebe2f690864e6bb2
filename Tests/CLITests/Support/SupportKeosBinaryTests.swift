import Foundation
import Testing
import TestSupport

@Suite struct SupportKeosBinaryTests {
    @Test func locatesTheBuiltExecutable() throws {
        let binary = try KeosBinary.locate()
        #expect(binary.url.lastPathComponent == "keos-promote")
        #expect(FileManager.default.isExecutableFile(atPath: binary.url.path))
        let result = try binary.run(["--help"])
        #expect(result.status == 0, "\(result)")
        #expect(!result.stdout.isEmpty)
    }

    @Test func runsInACleanEnvironment() throws {
        let env = KeosBinary(url: URL(fileURLWithPath: "/usr/bin/env"))
        let plain = try env.run([])
        let variables = Dictionary(uniqueKeysWithValues: plain.stdout.split(separator: "\n").compactMap { line -> (String, String)? in
            guard let equals = line.firstIndex(of: "=") else { return nil }
            return (String(line[..<equals]), String(line[line.index(after: equals)...]))
        })
        #expect(variables["NO_COLOR"] == nil)
        #expect(variables["GITHUB_STEP_SUMMARY"] == nil)
        #expect(variables["GITHUB_TOKEN"] == nil)
        #expect(variables["PATH"] != nil)
        let home = try #require(variables["HOME"])
        #expect(home != ProcessInfo.processInfo.environment["HOME"])
        #expect(!FileManager.default.fileExists(atPath: home), "the scratch home is removed after the run")

        let colorless = try env.run(["sh", "-c", "echo $NO_COLOR $EXTRA; pwd"], cwd: URL(fileURLWithPath: "/"),
                                    environment: ["EXTRA": "yes"], noColor: true)
        #expect(colorless.stdout == "1 yes\n/\n")
    }
}
