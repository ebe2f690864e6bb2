#include "map_populate.h"

#if defined(__linux__)
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/types.h>

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

/* libgit2 1.5's `git_map` on Unix (src/util/map.h). */
typedef struct {
    void *data;
    size_t len;
} libgit2_map;

/* Larger mappings are read sparsely (a large repository's pack, whose index alone is a few MiB): populating them
 * would cost the thread that maps them more than the faults it saves. */
#define LARGEST_POPULATED ((size_t)8 << 20)

int __real_git_futils_mmap_ro(libgit2_map *out, int fd, off_t begin, size_t len);

static __thread unsigned long populated;

int __wrap_git_futils_mmap_ro(libgit2_map *out, int fd, off_t begin, size_t len) {
    int error = __real_git_futils_mmap_ro(out, fd, begin, len);
    if (error == 0 && out->data != NULL && out->len > 0 && out->len <= LARGEST_POPULATED &&
        madvise(out->data, out->len, MADV_POPULATE_READ) == 0)
        populated++;
    return error;
}

unsigned long keos_mappings_populated_on_this_thread(void) {
    return populated;
}

#else

unsigned long keos_mappings_populated_on_this_thread(void) {
    return 0;
}

#endif
