import Foundation
import Testing
import TestSupport

/// `HeapPages`: the tool's heap is offered to the kernel for huge pages (checked in a running tool: only its
/// main thread allocates from the heap `sbrk` grows, which a test process's threads do not).
@Suite("Heap pages")
struct HeapPagesTests {
    @Test("a running keos-promote has heap that may be backed by huge pages, where the system gives them on request")
    func heapIsEligible() throws {
        let setting = (try? String(contentsOfFile: "/sys/kernel/mm/transparent_hugepage/enabled", encoding: .utf8)) ?? ""
        let world = try SampleWorld()
        let home = try TemporaryDirectory(prefix: "keos-promote-home")
        // Held by the test, the clone's lock keeps the run waiting (it fetches first) while its memory is read.
        let holder = try HeldLock(world.clone.appendingPathComponent(".git/keos-promote.lock").path)
        defer { holder.release() }
        let running = try CLI.binary().start(["diff", "--skip-verify", "-v"], cwd: world.clone,
                                             environment: ["KEOS_PROMOTE_LOCK_TIMEOUT": "60"], home: home.url)
        // Its memory is read while it is alive and waiting, not after it ended (which would read as "not eligible").
        #expect(running.waitForStderr(containing: "waiting for another keos-promote run"), "\(running.stderrSoFar)")
        let eligible = (0..<50).contains { _ in
            if Self.heapEligibleForHugePages(pid: running.pid) { return true }
            Thread.sleep(forTimeInterval: 0.1)
            return false
        }
        running.kill()
        let ended = running.wait()
        #expect(ended.signaled, "the run was still waiting when its memory was read\n\(ended)")
        #expect(eligible == (setting.contains("[madvise]") || setting.contains("[always]")), "\(setting)")
    }

    /// Whether some `[heap]` mapping of process `pid` says `THPeligible: 1`. (Read to the end: a `/proc` file
    /// has no size, and a single read returns only its first page.)
    private static func heapEligibleForHugePages(pid: Int32) -> Bool {
        guard let file = FileHandle(forReadingAtPath: "/proc/\(pid)/smaps"),
              let data = try? file.readToEnd() else { return false }
        let maps = String(decoding: data, as: UTF8.self)
        var inHeap = false
        for line in maps.split(separator: "\n") {
            if line.first?.isHexDigit == true, line.contains("-") {
                inHeap = line.hasSuffix("[heap]")
            } else if inHeap, line.hasPrefix("THPeligible:"), line.hasSuffix("1") {
                return true
            }
        }
        return false
    }
}
