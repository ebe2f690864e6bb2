#ifndef KEOS_PROMOTE_LAZY_GSSAPI_H
#define KEOS_PROMOTE_LAZY_GSSAPI_H

/*
 * libgit2 1.5 (Debian's) authenticates with Negotiate (Kerberos, SPNEGO) through MIT's GSSAPI. Linking
 * libgssapi_krb5.so.2 made the loader map it and six more libraries for every run, about 0.5 ms of each start,
 * though only an HTTP(S) server asking for Negotiate ever needs them. On Linux libgit2's calls come here
 * instead (the nine functions and the one name type it uses), and the library is opened with dlopen on the
 * first call. Without it, every call fails with GSS_S_FAILURE, which libgit2 reports as a failed Negotiate.
 */

/** Whether the GSSAPI library could be opened (opening it if not yet tried); 1 or 0. */
int keos_gssapi_available(void);

/** For tests: imports `service` ("HTTP@host") as a host-based service name, as libgit2 does, and releases it;
 *  the GSSAPI major status (0 when complete). */
unsigned int keos_gssapi_import_service(const char *service);

/** For tests: how many mechanisms the GSSAPI library offers (gss_indicate_mechs); 0 when it fails. */
unsigned long keos_gssapi_mechanism_count(void);

#endif
