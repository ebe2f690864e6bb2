#ifndef KEOS_PROMOTE_CGIT2_SHIM_H
#define KEOS_PROMOTE_CGIT2_SHIM_H

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <git2/sys/repository.h>
/* glibc's malloc tuning (mallopt), which the Glibc module does not export; see HeapPages.swift. */
#include <malloc.h>

/* git_libgit2_opts is variadic, which Swift cannot call: one wrapper per option we use. */

/** Turns libgit2's check of every object it creates (hash and connectivity) on or off. */
static inline int keos_git_set_strict_object_creation(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, enabled);
}

/** Turns on or off libgit2's re-hashing of every object it reads, to check it against its name. */
static inline int keos_git_set_strict_hash_verification(int enabled) {
    return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

/** Loads the CA certificates that TLS connections trust from a bundle file and/or a folder. */
static inline int keos_git_set_ssl_cert_locations(const char *file, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SSL_CERT_LOCATIONS, file, path);
}

/** Objects of `type` up to `size` bytes stay in libgit2's object cache once read (blobs: 0, none, by default). */
static inline int keos_git_set_cache_object_limit(git_object_t type, size_t size) {
    return git_libgit2_opts(GIT_OPT_SET_CACHE_OBJECT_LIMIT, type, size);
}

/** Sets the folder that holds libgit2's global, XDG and system config search paths. */
static inline int keos_git_set_search_path(int level, const char *path) {
    return git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, level, path);
}

/** Disables (0) or enables (1) libgit2's check that a repository is owned by the current user. */
static inline int keos_git_set_owner_validation(int enabled) {
    return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

#endif
