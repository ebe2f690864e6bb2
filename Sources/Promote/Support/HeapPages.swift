#if canImport(Glibc)
import CGit2
import Glibc

/// Backs the process heap with transparent huge pages where the system offers them on request
/// (`/sys/kernel/mm/transparent_hugepage/enabled` set to `madvise`, Debian's default).
///
/// A plan touches some 10 MiB of heap; in 4 KiB pages that is 2,600 page faults, about a quarter of a medium
/// `diff`'s time on a virtual machine. This is what glibc's `glibc.malloc.hugetlb=1` tunable does, which a
/// program cannot set for itself: the heap grows in one 32 MiB step and the kernel is asked to back that
/// range with 2 MiB pages (later growth, on larger repositories, keeps 4 KiB pages). Where huge pages are off
/// or always on, the request changes nothing.
public enum HeapPages {
    private static let hugePage = 2 << 20
    private static let growth = 32 << 20
    /// Below glibc's mmap threshold (128 KiB), so that such blocks come from the heap.
    private static let blockSize = 120 << 10
    /// About what the main thread of a plan on an 18,000-file repository touches (measured: 12 MiB).
    private static let faultInLimit = 12 << 20
    /// The range asked for huge pages; set by `prepare()` before any other thread starts, only read after.
    nonisolated(unsafe) private static var hugePageRange: Range<UInt>?

    /// Call once, early in `main`, before the heavy allocations.
    public static func prepare() {
        _ = mallopt(M_TOP_PAD, Int32(growth))
        _ = mallopt(M_TRIM_THRESHOLD, Int32(2 * growth))  // the heap is not shrunk back between steps
        guard let before = sbrk(0) else { return }
        // The first block that does not fit in the heap's free top makes it grow (by the top pad). The top holds a
        // few hundred KiB at most at this point.
        var blocks: [UnsafeMutableRawPointer] = []
        while blocks.count < 64, sbrk(0) == before, let block = malloc(blockSize) { blocks.append(block) }
        guard let after = sbrk(0), after > before else { return blocks.forEach { free($0) } }
        let start = (UInt(bitPattern: before) + UInt(hugePage) - 1) & ~UInt(hugePage - 1)
        let end = UInt(bitPattern: after) & ~UInt(hugePage - 1)
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return blocks.forEach { free($0) } }
        _ = madvise(address, Int(end - start), MADV_HUGEPAGE)
        hugePageRange = start..<end
        fillSmallPages(below: start, keeping: blocks)
    }

    /// Faults in the heap the main thread grows into, from another thread with time to spare (the merge-base
    /// walk's, while it waits for the files to work on): the range asked for huge pages, from its start, one
    /// 2 MiB page at a time while `keepGoing()`, up to about what a plan's main thread touches. The kernel then
    /// zeroes those pages on this thread's CPU instead of in the main thread's page faults (each cost it about
    /// 0.45 ms on a 2-vCPU virtual machine). `MADV_POPULATE_WRITE` changes no byte, so the main thread may
    /// allocate there meanwhile. Nothing happens before `prepare()`, or on a kernel without it (before 5.14).
    public static func faultInAhead(while keepGoing: () -> Bool) {
        guard let range = hugePageRange else { return }
        faultIn(range, limit: faultInLimit, while: keepGoing)
    }

    /// Faults in `range` from its start, 2 MiB at a time while `keepGoing()`, at most `limit` bytes, without
    /// changing a byte; stops at the first step the kernel refuses.
    static func faultIn(_ range: Range<UInt>, limit: Int, while keepGoing: () -> Bool) {
        var step = range.lowerBound
        let end = min(range.upperBound, range.lowerBound + UInt(limit))
        while step < end, keepGoing(), let address = UnsafeMutableRawPointer(bitPattern: step) {
            let length = Int(min(UInt(hugePage), end - step))
            guard madvise(address, length, MADV_POPULATE_WRITE) == 0 else { return }
            step += UInt(length)
        }
    }

    /// Leaves the heap's free space below `start` allocated, so that later allocations come from the huge pages
    /// above it instead of faulting that space in 4 KiB at a time (up to 2 MiB, as many as 500 faults, depending
    /// on where the system placed the heap). Only the blocks' headers are ever written: the space stays untouched.
    private static func fillSmallPages(below start: UInt, keeping blocks: [UnsafeMutableRawPointer]) {
        func fits(_ pointer: UnsafeMutableRawPointer, _ size: Int) -> Bool { UInt(bitPattern: pointer) + UInt(size) <= start }
        for pointer in blocks where !fits(pointer, blockSize) { free(pointer) }
        var size = blockSize
        while size >= 4096, let pointer = malloc(size) {
            if fits(pointer, size) { continue }
            free(pointer)
            size /= 2
        }
    }
}
#else
/// Huge pages for the heap are requested on Linux only.
public enum HeapPages {
    public static func prepare() {}
    public static func faultInAhead(while keepGoing: () -> Bool) {}
}
#endif
