#ifndef KEOS_PROMOTE_DEFERRED_TRUST_H
#define KEOS_PROMOTE_DEFERRED_TRUST_H

/*
 * libgit2 1.5 built with mbedTLS (Debian's) parses the whole system CA bundle inside git_libgit2_init,
 * about 50 million instructions that a local diff or merge never uses. libgit2 and mbedTLS are linked in
 * from their archives with `--wrap=mbedtls_x509_crt_parse_file` (Package.swift), so libgit2's calls to it
 * come here first. While deferral is on, the call only remembers the path; the bundle is loaded when a
 * transfer over HTTP(S) first needs it, through GIT_OPT_SET_SSL_CERT_LOCATIONS. Outside deferral every
 * call goes to mbedTLS unchanged. (Elsewhere than Linux nothing is deferred.)
 */

/** Turns deferral on (1) or off (0); on only around git_libgit2_init. */
void keos_defer_ca_bundle(int enabled);

/** The CA bundle libgit2 asked for while deferral was on, or NULL. */
const char *keos_deferred_ca_bundle(void);

#endif
