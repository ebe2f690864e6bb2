#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "deferred_trust.h"

struct mbedtls_x509_crt;
typedef int (*parse_file_fn)(struct mbedtls_x509_crt *, const char *);

static int deferring;
static char *deferred_path;

void keos_defer_ca_bundle(int enabled) {
    deferring = enabled;
}

const char *keos_deferred_ca_bundle(void) {
    return deferred_path;
}

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain, const char *path) {
    if (deferring && path != NULL) {
        free(deferred_path);
        deferred_path = strdup(path);
        return 0;
    }
    parse_file_fn parse = (parse_file_fn)dlsym(RTLD_NEXT, "mbedtls_x509_crt_parse_file");
    /* MBEDTLS_ERR_X509_FILE_IO_ERROR when no mbedTLS is loaded at all. */
    return parse != NULL ? parse(chain, path) : -0x2900;
}
