#include <stdlib.h>
#include <string.h>

#include "deferred_trust.h"

struct mbedtls_x509_crt;

static int deferring;
static char *deferred_path;

void keos_defer_ca_bundle(int enabled) {
    deferring = enabled;
}

const char *keos_deferred_ca_bundle(void) {
    return deferred_path;
}

#if defined(__linux__)
/* mbedTLS's own function; the link (`--wrap`, Package.swift) sends libgit2's calls to the one below. */
int __real_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path);

int __wrap_mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    if (deferring && path != NULL) {
        free(deferred_path);
        deferred_path = strdup(path);
        return 0;
    }
    return __real_mbedtls_x509_crt_parse_file(chain, path);
}
#endif
