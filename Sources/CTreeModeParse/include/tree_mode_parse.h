#ifndef KEOS_PROMOTE_TREE_MODE_PARSE_H
#define KEOS_PROMOTE_TREE_MODE_PARSE_H

#include <stddef.h>
#include <stdint.h>

/*
 * libgit2 1.5 parses the octal mode of every tree entry it reads with git__strntol32 (tree.c), which goes through
 * the general git__strntol64: whitespace, signs, any base up to 36, overflow checks, about 167 instructions an
 * entry (2.4 M of a medium diff's main thread). On Linux libgit2 is linked in with `--wrap=git__strntol32`
 * (Package.swift): a number in base 8 or 10 that starts with a digit and ends within the digits that cannot
 * overflow 32 bits (10 octal, 9 decimal) is read here, with the same result, end and return value as
 * libgit2's; anything else (spaces, signs, longer numbers, other bases, errors) goes to libgit2 unchanged.
 */

/** libgit2's `git__strntol32` as the linked executable has it (this file's shortcut first), for tests. */
int keos_strntol32(int32_t *result, const char *number, size_t length, const char **end, int base);

/** libgit2's own `git__strntol32`, without the shortcut, for tests (-1 elsewhere than Linux). */
int keos_strntol32_unwrapped(int32_t *result, const char *number, size_t length, const char **end, int base);

#endif
