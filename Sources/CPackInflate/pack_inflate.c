#include "pack_inflate.h"

#if defined(__linux__)
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <git2/version.h>
#include <libdeflate.h>
#include <zlib.h>

/* The layout of `git_zstream` below is libgit2 1.5's (Debian 12's `libgit2-dev`, whose headers and archive are
 * built against together); with another libgit2 every call goes to libgit2's own function untouched. */
#define KNOWN_ZSTREAM_LAYOUT (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR == 5)

static __thread unsigned long inflated_on_this_thread;

/* Outputs this small go to zlib directly: libgit2 reads the first 32 bytes of a delta to learn its size
 * (git_delta_read_header_fromstream), which libdeflate would decode only to refuse, and on whole objects this
 * small zlib needs fewer instructions (measured: 210.6 M for a medium diff, against 212.2 M through libdeflate). */
#define LARGEST_OUTPUT_LEFT_TO_ZLIB 32

/* One decompressor per thread (10 KiB, zeroed when made), freed when the thread ends. */
static pthread_key_t decompressor_key;
static pthread_once_t decompressor_key_once = PTHREAD_ONCE_INIT;

static void free_decompressor(void *decompressor) {
    libdeflate_free_decompressor(decompressor);
}

static void make_decompressor_key(void) {
    (void)pthread_key_create(&decompressor_key, free_decompressor);
}

static struct libdeflate_decompressor *thread_decompressor(void) {
    (void)pthread_once(&decompressor_key_once, make_decompressor_key);
    struct libdeflate_decompressor *decompressor = pthread_getspecific(decompressor_key);
    if (decompressor == NULL && (decompressor = libdeflate_alloc_decompressor()) != NULL)
        (void)pthread_setspecific(decompressor_key, decompressor);
    return decompressor;
}

unsigned long keos_pack_objects_inflated_on_this_thread(void) {
    return inflated_on_this_thread;
}

/* libgit2 1.5's `git_zstream` (src/util/zstream.h), which its archive was built with. */
typedef struct {
    z_stream z;
    int type; /* git_zstream_t: 0 is GIT_ZSTREAM_INFLATE */
    const char *in;
    size_t in_len;
    int flush;
    int zerr;
} libgit2_zstream;

_Static_assert(offsetof(libgit2_zstream, type) == 0x70 && offsetof(libgit2_zstream, zerr) == 0x8c,
               "the layout libgit2 1.5's git_zstream_get_output_chunk reads on x86-64 and arm64");

/* libgit2's own function; the link sends libgit2's calls to the one below. */
int __real_git_zstream_get_output_chunk(void *out, size_t *out_len, libgit2_zstream *zstream);

/* As libgit2's: inflates what `zstream` holds into `out`, at most `*out_len` bytes, and sets `*out_len` to
 * what was written; 0, or -1 with libgit2's error set. */
int __wrap_git_zstream_get_output_chunk(void *out, size_t *out_len, libgit2_zstream *zstream) {
    if (!KNOWN_ZSTREAM_LAYOUT)
        return __real_git_zstream_get_output_chunk(out, out_len, zstream);
    int fresh = zstream->type == 0 && zstream->zerr == Z_OK && zstream->z.total_in == 0 && zstream->z.total_out == 0;
    if (!fresh || zstream->in_len > UINT_MAX || *out_len > UINT_MAX || *out_len <= LARGEST_OUTPUT_LEFT_TO_ZLIB)
        return __real_git_zstream_get_output_chunk(out, out_len, zstream);

    struct libdeflate_decompressor *decompressor = thread_decompressor();
    size_t used = 0, written = 0;
    if (decompressor == NULL || libdeflate_zlib_decompress_ex(decompressor, zstream->in, zstream->in_len, out,
                                                              *out_len, &used, &written) != LIBDEFLATE_SUCCESS)
        return __real_git_zstream_get_output_chunk(out, out_len, zstream);

    /* Where zlib's inflate(Z_FINISH) leaves a stream it has finished, and libgit2's bookkeeping after it. */
    zstream->z.next_in = (Bytef *)zstream->in + used;
    zstream->z.avail_in = (uInt)(zstream->in_len - used);
    zstream->z.total_in = used;
    zstream->z.next_out = (Bytef *)out + written;
    zstream->z.avail_out = (uInt)(*out_len - written);
    zstream->z.total_out = written;
    zstream->flush = Z_FINISH;
    zstream->zerr = Z_STREAM_END;
    zstream->in += used;
    zstream->in_len -= used;
    *out_len = written;
    inflated_on_this_thread += 1;
    return 0;
}
#else
unsigned long keos_pack_objects_inflated_on_this_thread(void) {
    return 0;
}
#endif
