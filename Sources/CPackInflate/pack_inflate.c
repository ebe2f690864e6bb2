#include "pack_inflate.h"

#if defined(__linux__)
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <git2/errors.h>
#include <git2/version.h>
#include <libdeflate.h>
#include <zlib.h>

/* The layout of `git_zstream` below is libgit2 1.5's (Debian 12's `libgit2-dev`, whose headers and archive are
 * built against together); with another libgit2 every call goes to libgit2's own function untouched. */
#define KNOWN_ZSTREAM_LAYOUT (LIBGIT2_VER_MAJOR == 1 && LIBGIT2_VER_MINOR == 5)

static __thread unsigned long inflated_on_this_thread;
static __thread unsigned long zlib_states_made_on_this_thread;

/* Outputs this small go to zlib directly: libgit2 reads the first 32 bytes of a delta to learn its size
 * (git_delta_read_header_fromstream), which libdeflate would decode only to refuse, and on whole objects this
 * small zlib needs fewer instructions (measured: 210.6 M for a medium diff, against 212.2 M through libdeflate). */
#define LARGEST_OUTPUT_LEFT_TO_ZLIB 32

/* Streams read header first: libgit2 reads a loose object's first 64 bytes (MAX_HEADER_LEN, its header) and then
 * the rest from the same stream (odb_loose.c, read_loose_standard). A fresh stream asked for at most that many
 * bytes, whose whole output is at most LARGEST_BUFFERED_OUTPUT, is inflated whole at its first call into the
 * thread's buffer and handed out from there; larger ones, and every other reader in chunks, go to zlib as
 * before, so that a huge object is never held twice. */
#define LARGEST_HEADER_REQUEST 64
#define LARGEST_BUFFERED_OUTPUT ((size_t)8 << 20)

/* What a thread keeps: its decompressor (10 KiB, zeroed when made) and the buffered stream, if any. Freed when
 * the thread ends. */
struct thread_inflater {
    struct libdeflate_decompressor *decompressor;
    const void *stream;   /* the stream whose output `bytes` holds, or NULL */
    unsigned char *bytes; /* its whole output, `length` bytes, of which `served` were handed out */
    size_t capacity, length, served;
    size_t used;          /* the input bytes the whole stream took */
};

static pthread_key_t inflater_key;
static pthread_once_t inflater_key_once = PTHREAD_ONCE_INIT;

static void free_inflater(void *pointer) {
    struct thread_inflater *inflater = pointer;
    libdeflate_free_decompressor(inflater->decompressor);
    free(inflater->bytes);
    free(inflater);
}

static void make_inflater_key(void) {
    (void)pthread_key_create(&inflater_key, free_inflater);
}

static struct thread_inflater *thread_inflater(void) {
    (void)pthread_once(&inflater_key_once, make_inflater_key);
    struct thread_inflater *inflater = pthread_getspecific(inflater_key);
    if (inflater != NULL)
        return inflater;
    if ((inflater = calloc(1, sizeof *inflater)) == NULL)
        return NULL;
    if ((inflater->decompressor = libdeflate_alloc_decompressor()) == NULL) {
        free(inflater);
        return NULL;
    }
    (void)pthread_setspecific(inflater_key, inflater);
    return inflater;
}

unsigned long keos_pack_objects_inflated_on_this_thread(void) {
    return inflated_on_this_thread;
}

unsigned long keos_zlib_inflate_states_made_on_this_thread(void) {
    return zlib_states_made_on_this_thread;
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

/* libgit2's own functions; the link sends libgit2's calls to the ones below. */
int __real_git_zstream_get_output_chunk(void *out, size_t *out_len, libgit2_zstream *zstream);
int __real_git_zstream_init(libgit2_zstream *zstream, int type);

/* As libgit2's, but an inflating stream gets its zlib state (7 KiB, zeroed) only when zlib first inflates it
 * (`zlib_chunk`): most streams are inflated whole by libdeflate and never need one. Until then the stream's
 * `z_stream` is zeroed, which zlib's `inflateEnd` and `inflateReset` (git_zstream_free, git_zstream_reset) refuse
 * without touching anything. A stream reused after a reset (the indexer's, one object after another) thus keeps
 * its last object's counts until it has a state, so its next object is not fresh and goes to zlib, which makes
 * the state; from then on the reset works as before. */
int __wrap_git_zstream_init(libgit2_zstream *zstream, int type) {
    if (!KNOWN_ZSTREAM_LAYOUT || type != 0)
        return __real_git_zstream_init(zstream, type);
    memset(&zstream->z, 0, sizeof zstream->z);
    zstream->type = type;
    zstream->zerr = Z_OK;
    return 0;
}

/* libgit2's zlib path for `zstream`, with its zlib state made first if `__wrap_git_zstream_init` left that for
 * now; a state that cannot be made is reported as libgit2's own `git_zstream_init` reports it. */
static int zlib_chunk(void *out, size_t *out_len, libgit2_zstream *zstream) {
    if (zstream->z.state == NULL) {
        int result = inflateInit(&zstream->z);
        if (result != Z_OK) {
            zstream->zerr = result;
            if (result == Z_MEM_ERROR)
                git_error_set_oom();
            else
                git_error_set_str(GIT_ERROR_ZLIB, zstream->z.msg ? zstream->z.msg : "unknown compression error");
            return -1;
        }
        zlib_states_made_on_this_thread += 1;
    }
    return __real_git_zstream_get_output_chunk(out, out_len, zstream);
}

/* Leaves `zstream` as zlib's inflate(Z_FINISH) leaves a stream it has finished, having taken `used` input bytes
 * and written `total` bytes in all, the last `written` of them into `out` (of `out_len` bytes); and libgit2's
 * bookkeeping after it. */
static void finish(libgit2_zstream *zstream, size_t used, size_t total, void *out, size_t written, size_t out_len) {
    zstream->z.next_in = (Bytef *)zstream->in + used;
    zstream->z.avail_in = (uInt)(zstream->in_len - used);
    zstream->z.total_in = used;
    zstream->z.next_out = (Bytef *)out + written;
    zstream->z.avail_out = (uInt)(out_len - written);
    zstream->z.total_out = total;
    zstream->flush = Z_FINISH;
    zstream->zerr = Z_STREAM_END;
    zstream->in += used;
    zstream->in_len -= used;
}

/* Inflates the whole of a fresh `zstream` into the thread's buffer; 0 when it does not fit in
 * LARGEST_BUFFERED_OUTPUT or is not a complete, valid zlib stream. */
static int inflate_into_buffer(struct thread_inflater *inflater, libgit2_zstream *zstream) {
    /* Four times the input holds what git's trees and text compress to, so most streams take one attempt. */
    size_t guess = zstream->in_len < LARGEST_BUFFERED_OUTPUT / 4 ? 4 * zstream->in_len : LARGEST_BUFFERED_OUTPUT;
    size_t capacity = guess > 64 * 1024 ? guess : 64 * 1024;
    if (capacity < inflater->capacity)
        capacity = inflater->capacity;
    for (;;) {
        if (capacity > inflater->capacity) {
            unsigned char *grown = realloc(inflater->bytes, capacity);
            if (grown == NULL)
                return 0;
            inflater->bytes = grown;
            inflater->capacity = capacity;
        }
        size_t used = 0, written = 0;
        enum libdeflate_result result = libdeflate_zlib_decompress_ex(
            inflater->decompressor, zstream->in, zstream->in_len, inflater->bytes, capacity, &used, &written);
        if (result == LIBDEFLATE_SUCCESS) {
            inflater->stream = zstream;
            inflater->length = written;
            inflater->served = 0;
            inflater->used = used;
            return 1;
        }
        if (result != LIBDEFLATE_INSUFFICIENT_SPACE || capacity >= LARGEST_BUFFERED_OUTPUT)
            return 0;
        /* Doubled, but never past the limit: a larger object is zlib's, in chunks. */
        capacity = capacity < LARGEST_BUFFERED_OUTPUT / 2 ? 2 * capacity : LARGEST_BUFFERED_OUTPUT;
    }
}

/* Hands the next at most `*out_len` bytes of the buffered stream to `out`; the last ones finish the stream. */
static int serve_buffered(struct thread_inflater *inflater, void *out, size_t *out_len, libgit2_zstream *zstream) {
    size_t left = inflater->length - inflater->served;
    size_t chunk = *out_len < left ? *out_len : left;
    memcpy(out, inflater->bytes + inflater->served, chunk);
    inflater->served += chunk;
    if (inflater->served == inflater->length) {
        finish(zstream, inflater->used, inflater->length, out, chunk, *out_len);
        inflater->stream = NULL;
    } else {
        /* As zlib leaves a stream with more to give: nothing final yet, libgit2 asks again. */
        zstream->z.total_out = inflater->served;
        zstream->flush = Z_FINISH;
        zstream->zerr = Z_OK;
    }
    *out_len = chunk;
    return 0;
}

/* As libgit2's: inflates what `zstream` holds into `out`, at most `*out_len` bytes, and sets `*out_len` to
 * what was written; 0, or -1 with libgit2's error set. */
int __wrap_git_zstream_get_output_chunk(void *out, size_t *out_len, libgit2_zstream *zstream) {
    if (!KNOWN_ZSTREAM_LAYOUT || zstream->type != 0)
        return __real_git_zstream_get_output_chunk(out, out_len, zstream);
    struct thread_inflater *inflater = *out_len > UINT_MAX ? NULL : thread_inflater();
    if (inflater == NULL)
        return zlib_chunk(out, out_len, zstream);

    /* The next chunk of the stream this thread buffered. */
    if (inflater->stream == zstream && zstream->zerr == Z_OK && zstream->z.total_in == 0 &&
        zstream->z.total_out == inflater->served && inflater->served > 0)
        return serve_buffered(inflater, out, out_len, zstream);

    int fresh = zstream->zerr == Z_OK && zstream->z.total_in == 0 && zstream->z.total_out == 0;
    if (!fresh || zstream->in_len > UINT_MAX || *out_len <= LARGEST_OUTPUT_LEFT_TO_ZLIB)
        return zlib_chunk(out, out_len, zstream);

    /* The whole output at once, straight into `out`: a packed object. */
    size_t used = 0, written = 0;
    enum libdeflate_result result = libdeflate_zlib_decompress_ex(inflater->decompressor, zstream->in,
                                                                  zstream->in_len, out, *out_len, &used, &written);
    if (result == LIBDEFLATE_SUCCESS) {
        finish(zstream, used, written, out, written, *out_len);
        *out_len = written;
        inflated_on_this_thread += 1;
        return 0;
    }
    /* More output than asked for: a loose object's header first, then the rest. */
    if (result == LIBDEFLATE_INSUFFICIENT_SPACE && *out_len <= LARGEST_HEADER_REQUEST &&
        inflate_into_buffer(inflater, zstream)) {
        inflated_on_this_thread += 1;
        return serve_buffered(inflater, out, out_len, zstream);
    }
    return zlib_chunk(out, out_len, zstream);
}
#else
unsigned long keos_pack_objects_inflated_on_this_thread(void) {
    return 0;
}

unsigned long keos_zlib_inflate_states_made_on_this_thread(void) {
    return 0;
}
#endif
