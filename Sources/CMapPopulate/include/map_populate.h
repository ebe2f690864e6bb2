#ifndef KEOS_PROMOTE_MAP_POPULATE_H
#define KEOS_PROMOTE_MAP_POPULATE_H

/*
 * libgit2 maps a pack, its index and `packed-refs` into memory (git_futils_mmap_ro) and then reads them where
 * the objects lie, so each 64 KiB that a thread touches first costs a page fault: about 80 on the main thread of
 * a medium diff, 2 µs each on this kind of virtual machine, although the files are in the page cache. On Linux
 * libgit2 is linked in with `--wrap=git_futils_mmap_ro` (Package.swift): a mapping of at most 8 MiB is populated
 * at once (`MADV_POPULATE_READ`, Linux 5.14; ignored where the kernel does not know it) by the thread that maps it,
 * which for a plan is the merge-base walk's, before the main thread reads trees from it. Larger mappings, whose
 * readers touch a small part, are left to fault as before. The mapping itself is libgit2's, unchanged.
 */

/** How many mappings were populated on the calling thread so far (for tests; 0 elsewhere than Linux). */
unsigned long keos_mappings_populated_on_this_thread(void);

#endif
