#ifndef KEOS_PROMOTE_DIFF_BLOB_READ_H
#define KEOS_PROMOTE_DIFF_BLOB_READ_H

/*
 * libgit2 1.5's diff does not know the sizes of the blobs it compares (trees and our in-memory indexes hold
 * none), so before it reads a blob for a patch or for rename detection it asks the object database for the blob's
 * header alone (diff_file.h, git_diff_file__resolve_zero_size), and then reads the whole blob anyway. For a
 * deltified blob in a pack, the header alone costs a zlib stream of its own (about 10,000 instructions; 3.9 M
 * of a medium diff's main thread). On Linux libgit2 is linked in with `--wrap=git_odb__read_header_or_object`
 * (Package.swift), which only the diff calls: the blob is read whole at once (and cached) and handed to the diff
 * as the function's contract allows, which the diff then uses instead of reading it again. The one difference: a
 * blob above libgit2's 512 MiB diff limit, which the diff then treats as binary without its content, is read
 * once all the same. Errors go to libgit2's own function, which reports them as before.
 */

/** How many blobs the diff's header requests read whole on the calling thread so far (for tests; 0 elsewhere
 * than Linux). */
unsigned long keos_diff_blob_reads_on_this_thread(void);

#endif
