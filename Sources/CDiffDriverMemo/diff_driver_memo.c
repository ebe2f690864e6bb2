#include "diff_driver_memo.h"

#if defined(__linux__)
#include <stdatomic.h>
#include <stddef.h>
#include <string.h>

/* libgit2's internal types, used by pointer only. */
typedef struct git_repository git_repository;
struct git_diff_driver;
struct git_attr_session;

int __real_git_diff_driver_lookup(struct git_diff_driver **out, git_repository *repo,
                                  struct git_attr_session *attrsession, const char *path);
void __real_git_repository_free(git_repository *repo);

/* Counts the repositories freed: a remembered driver is valid only while the count is the same. */
static atomic_ulong repositories_freed;

static __thread unsigned long lookups_made;

/* The calling thread's previous lookup, when it succeeded for a repository and a path. */
static __thread struct {
    int valid;
    unsigned long freed;
    git_repository *repo;
    struct git_diff_driver *driver;
    size_t length;
    char path[1024];
} previous;

int __wrap_git_diff_driver_lookup(struct git_diff_driver **out, git_repository *repo,
                                  struct git_attr_session *attrsession, const char *path) {
    size_t length = path != NULL ? strlen(path) : 0;
    unsigned long freed = atomic_load(&repositories_freed);
    if (previous.valid && repo != NULL && repo == previous.repo && freed == previous.freed &&
        length == previous.length && memcmp(path, previous.path, length) == 0) {
        *out = previous.driver;
        return 0;
    }
    lookups_made++;
    int error = __real_git_diff_driver_lookup(out, repo, attrsession, path);
    previous.valid = error == 0 && repo != NULL && length > 0 && length < sizeof previous.path;
    if (previous.valid) {
        previous.freed = freed;
        previous.repo = repo;
        previous.driver = *out;
        previous.length = length;
        memcpy(previous.path, path, length);
    }
    return error;
}

void __wrap_git_repository_free(git_repository *repo) {
    atomic_fetch_add(&repositories_freed, 1);
    __real_git_repository_free(repo);
}

unsigned long keos_diff_driver_lookups_on_this_thread(void) {
    return lookups_made;
}

#else

unsigned long keos_diff_driver_lookups_on_this_thread(void) {
    return 0;
}

#endif
