#ifndef KEOS_PROMOTE_PACK_INFLATE_H
#define KEOS_PROMOTE_PACK_INFLATE_H

/*
 * libgit2 1.5 inflates every packed object with zlib: a fresh stream per object, given the whole compressed
 * object and an output buffer of its exact size (pack.c, packfile_unpack_compressed). On Linux, libgit2 is
 * linked in from its archive with `--wrap=git_zstream_get_output_chunk` (Package.swift), so those calls come
 * here first: a fresh inflate stream whose input holds the whole object and whose buffer holds its whole
 * output is decompressed in one call to libdeflate, which needs about half of zlib's instructions on a
 * repository's small objects (the checksum is verified the same way). The stream is then left as zlib would
 * have left it. A loose object is read header first (its first 64 bytes, then the rest of the same stream,
 * odb_loose.c): such a stream, up to 8 MiB of output, is inflated whole by libdeflate into a buffer of the
 * thread's at the first call and handed out from there, the stream left as zlib leaves one with more to give
 * and, after the last bytes, as one it has finished. Anything else (other output in chunks, larger objects, an
 * incomplete or corrupt stream) goes to libgit2's own zlib path unchanged, which then reports any error as
 * before. With `--wrap=git_zstream_init` an inflating stream's zlib state is made only when that path first
 * needs it, so the streams libdeflate inflates whole never allocate and zero one. Elsewhere than Linux nothing
 * is wrapped, and with another libgit2 than 1.5 (whose internal stream layout this relies on) nothing is
 * diverted.
 */

/** How many objects (packed or loose) libdeflate inflated on the calling thread so far (for tests; 0 elsewhere
 * than Linux). */
unsigned long keos_pack_objects_inflated_on_this_thread(void);

/** How many inflating zlib states libgit2's zlib path made on the calling thread so far (for tests; 0 elsewhere
 * than Linux). */
unsigned long keos_zlib_inflate_states_made_on_this_thread(void);

#endif
