#if os(Linux)
import Glibc
import Testing
@testable import Promote

/// `HeapPages.faultIn`, which the merge-base walk's thread uses to fault in the heap the main thread grows into:
/// it makes a range resident from its start up to its limit, stops when asked, and changes no byte.
@Suite struct HeapFaultInTests {
    static let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
    static let size = 16 << 20

    /// Runs `body` with an anonymous mapping of `size` bytes in small pages, none of it resident yet.
    static func withMapping(_ body: (UnsafeMutableRawPointer, Range<UInt>) throws -> Void) throws {
        let mapped = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        let address = try #require(mapped == MAP_FAILED ? nil : mapped)
        defer { munmap(address, size) }
        // Small pages, so that residency is exact whatever the system's huge page setting.
        _ = madvise(address, size, MADV_NOHUGEPAGE)
        let start = UInt(bitPattern: address)
        try body(address, start..<start + UInt(size))
    }

    /// How many of the `length` bytes at `address` are resident.
    static func resident(_ address: UnsafeMutableRawPointer, _ length: Int) -> Int {
        var pages = [UInt8](repeating: 0, count: length / pageSize)
        guard mincore(address, length, &pages) == 0 else { return -1 }
        return pages.reduce(0) { $0 + Int($1 & 1) } * pageSize
    }

    @Test func residentFromTheStartUpToTheLimit() throws {
        try Self.withMapping { address, range in
            #expect(Self.resident(address, Self.size) == 0)
            HeapPages.faultIn(range, limit: 5 << 20, while: { true })
            #expect(Self.resident(address, 5 << 20) == 5 << 20)
            #expect(Self.resident(address + (5 << 20), Self.size - (5 << 20)) == 0)
        }
    }

    @Test func stopsWhenAsked() throws {
        try Self.withMapping { address, range in
            var steps = 0
            HeapPages.faultIn(range, limit: Self.size, while: { steps += 1; return steps <= 2 })
            #expect(Self.resident(address, Self.size) == 4 << 20)
        }
    }

    @Test func changesNoByte() throws {
        try Self.withMapping { address, range in
            let bytes = address.assumingMemoryBound(to: UInt8.self)
            let written = [0, 1 << 20, (3 << 20) + 5]
            for offset in written { bytes[offset] = 0xA5 }
            HeapPages.faultIn(range, limit: 4 << 20, while: { true })
            #expect(written.allSatisfy { bytes[$0] == 0xA5 })
            #expect(bytes[(2 << 20) + 7] == 0)
            #expect(Self.resident(address, 4 << 20) == 4 << 20)
        }
    }
}
#endif
