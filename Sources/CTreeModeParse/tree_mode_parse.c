#include "tree_mode_parse.h"

#if defined(__linux__)

int __real_git__strntol32(int32_t *result, const char *nptr, size_t nptr_len, const char **endptr, int base);

/* The digits of `base` that can never overflow an int32_t: 8^10 and 10^9 stay below 2^31. */
static size_t safe_digits(int base) {
    return base == 8 ? 10 : base == 10 ? 9 : 0;
}

int __wrap_git__strntol32(int32_t *result, const char *nptr, size_t nptr_len, const char **endptr, int base) {
    size_t limit = safe_digits(base);
    if (limit == 0 || result == NULL || nptr == NULL || nptr_len == 0)
        return __real_git__strntol32(result, nptr, nptr_len, endptr, base);
    int32_t value = 0;
    size_t digits = 0;
    while (digits < nptr_len && digits <= limit) {
        unsigned digit = (unsigned)(unsigned char)nptr[digits] - '0';
        if (digit >= (unsigned)base)
            break;
        if (digits == limit) /* one digit too many to be sure of no overflow */
            return __real_git__strntol32(result, nptr, nptr_len, endptr, base);
        value = value * base + (int32_t)digit;
        digits++;
    }
    if (digits == 0) /* spaces, a sign, or no number: libgit2 decides */
        return __real_git__strntol32(result, nptr, nptr_len, endptr, base);
    *result = value;
    if (endptr != NULL)
        *endptr = nptr + digits;
    return 0;
}

int keos_strntol32(int32_t *result, const char *number, size_t length, const char **end, int base) {
    int git__strntol32(int32_t *, const char *, size_t, const char **, int);
    return git__strntol32(result, number, length, end, base);
}

int keos_strntol32_unwrapped(int32_t *result, const char *number, size_t length, const char **end, int base) {
    return __real_git__strntol32(result, number, length, end, base);
}

#else

int keos_strntol32(int32_t *result, const char *number, size_t length, const char **end, int base) {
    return -1;
}

int keos_strntol32_unwrapped(int32_t *result, const char *number, size_t length, const char **end, int base) {
    return -1;
}

#endif
