#ifndef KEOS_PROMOTE_DEFERRED_TRUST_H
#define KEOS_PROMOTE_DEFERRED_TRUST_H

/*
 * libgit2 1.5 built with mbedTLS (Debian's) parses the whole system CA bundle inside git_libgit2_init,
 * about 50 million instructions that a local diff or merge never uses. While deferral is on, this
 * process's mbedtls_x509_crt_parse_file (which libgit2 calls through the dynamic linker, and which the
 * executable therefore provides first) only remembers the path; the bundle is loaded when a transfer over
 * HTTP(S) first needs it, through GIT_OPT_SET_SSL_CERT_LOCATIONS. Outside deferral every call goes to
 * mbedTLS unchanged.
 */

/** Turns deferral on (1) or off (0); on only around git_libgit2_init. */
void keos_defer_ca_bundle(int enabled);

/** The CA bundle libgit2 asked for while deferral was on, or NULL. */
const char *keos_deferred_ca_bundle(void);

#endif
