#ifndef KEOS_PROMOTE_DIFF_DRIVER_MEMO_H
#define KEOS_PROMOTE_DIFF_DRIVER_MEMO_H

/*
 * libgit2 1.5 looks up the diff driver of both sides of every file it makes a patch of (diff_file.c), each time
 * walking the path's folders up through the attribute files' cache without a session (about 11,000
 * instructions a lookup; 5.4 M of a medium diff's line counts). Both sides of a changed file have the same path,
 * so the second lookup gives what the first gave. On Linux libgit2 is linked in with
 * `--wrap=git_diff_driver_lookup` and `--wrap=git_repository_free` (Package.swift): a lookup for the same
 * repository and path as the calling thread's previous one returns that one's driver, unless a repository was
 * freed in between (a driver belongs to its repository's registry). Anything else goes to libgit2 unchanged.
 */

/** How many lookups went to libgit2 on the calling thread so far (for tests; 0 elsewhere than Linux). */
unsigned long keos_diff_driver_lookups_on_this_thread(void);

#endif
