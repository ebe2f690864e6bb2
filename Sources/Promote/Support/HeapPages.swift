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

    /// Call once, early in `main`, before the heavy allocations.
    public static func prepare() {
        _ = mallopt(M_TOP_PAD, Int32(growth))
        _ = mallopt(M_TRIM_THRESHOLD, Int32(2 * growth))  // the heap is not shrunk back between steps
        guard let before = sbrk(0) else { return }
        // Blocks below the mmap threshold (128 KiB) come from the heap; the first that does not fit in its free
        // top makes it grow (by the top pad). The top holds a few hundred KiB at most at this point.
        var blocks: [UnsafeMutableRawPointer] = []
        defer { blocks.forEach { free($0) } }
        while blocks.count < 64, sbrk(0) == before, let block = malloc(120 << 10) { blocks.append(block) }
        guard let after = sbrk(0), after > before else { return }
        let start = (UInt(bitPattern: before) + UInt(hugePage) - 1) & ~UInt(hugePage - 1)
        let end = UInt(bitPattern: after) & ~UInt(hugePage - 1)
        guard end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { return }
        _ = madvise(address, Int(end - start), MADV_HUGEPAGE)
    }
}
#else
/// Huge pages for the heap are requested on Linux only.
public enum HeapPages {
    public static func prepare() {}
}
#endif
