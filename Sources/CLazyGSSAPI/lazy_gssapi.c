#include "lazy_gssapi.h"

#if defined(__linux__)
#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The C bindings of GSSAPI v2 (RFC 2744), as far as libgit2 uses them. */
typedef uint32_t OM_uint32;
typedef struct { OM_uint32 length; void *elements; } gss_OID_desc, *gss_OID;
typedef struct { size_t count; gss_OID elements; } gss_OID_set_desc, *gss_OID_set;
typedef struct { size_t length; void *value; } gss_buffer_desc, *gss_buffer_t;
typedef struct gss_name_struct *gss_name_t;
typedef struct gss_ctx_id_struct *gss_ctx_id_t;
typedef struct gss_cred_id_struct *gss_cred_id_t;
typedef struct gss_channel_bindings_struct *gss_channel_bindings_t;
#define GSS_S_FAILURE (13u << 16)

/* The name type libgit2 passes to gss_import_name; replaced by the library's own before the call. */
static gss_OID_desc hostbased_service = {10, (void *)"\x2a\x86\x48\x86\xf7\x12\x01\x02\x01\x04"};
gss_OID GSS_C_NT_HOSTBASED_SERVICE = &hostbased_service;

static struct {
    gss_OID *hostbased_service;
    OM_uint32 (*import_name)(OM_uint32 *, gss_buffer_t, gss_OID, gss_name_t *);
    OM_uint32 (*release_name)(OM_uint32 *, gss_name_t *);
    OM_uint32 (*init_sec_context)(OM_uint32 *, gss_cred_id_t, gss_ctx_id_t *, gss_name_t, gss_OID, OM_uint32,
                                  OM_uint32, gss_channel_bindings_t, gss_buffer_t, gss_OID *, gss_buffer_t,
                                  OM_uint32 *, OM_uint32 *);
    OM_uint32 (*delete_sec_context)(OM_uint32 *, gss_ctx_id_t *, gss_buffer_t);
    OM_uint32 (*release_buffer)(OM_uint32 *, gss_buffer_t);
    OM_uint32 (*display_status)(OM_uint32 *, OM_uint32, int, gss_OID, OM_uint32 *, gss_buffer_t);
    OM_uint32 (*indicate_mechs)(OM_uint32 *, gss_OID_set *);
    OM_uint32 (*release_oid_set)(OM_uint32 *, gss_OID_set *);
} gss;
static int loaded;
static pthread_once_t load_once = PTHREAD_ONCE_INIT;

static void load(void) {
    void *library = dlopen("libgssapi_krb5.so.2", RTLD_NOW | RTLD_LOCAL);
    if (library == NULL)
        return;
    gss.hostbased_service = dlsym(library, "GSS_C_NT_HOSTBASED_SERVICE");
    gss.import_name = dlsym(library, "gss_import_name");
    gss.release_name = dlsym(library, "gss_release_name");
    gss.init_sec_context = dlsym(library, "gss_init_sec_context");
    gss.delete_sec_context = dlsym(library, "gss_delete_sec_context");
    gss.release_buffer = dlsym(library, "gss_release_buffer");
    gss.display_status = dlsym(library, "gss_display_status");
    gss.indicate_mechs = dlsym(library, "gss_indicate_mechs");
    gss.release_oid_set = dlsym(library, "gss_release_oid_set");
    loaded = gss.hostbased_service && gss.import_name && gss.release_name && gss.init_sec_context &&
             gss.delete_sec_context && gss.release_buffer && gss.display_status && gss.indicate_mechs &&
             gss.release_oid_set;
}

int keos_gssapi_available(void) {
    (void)pthread_once(&load_once, load);
    return loaded;
}

/* Each call opens the library if needed, then forwards; without it: failure, no minor status. */
#define FORWARD(call)                                                                                              \
    do {                                                                                                           \
        if (!keos_gssapi_available()) {                                                                            \
            if (minor != NULL)                                                                                     \
                *minor = 0;                                                                                        \
            return GSS_S_FAILURE;                                                                                  \
        }                                                                                                          \
        return call;                                                                                               \
    } while (0)

OM_uint32 gss_import_name(OM_uint32 *minor, gss_buffer_t name, gss_OID type, gss_name_t *out) {
    FORWARD(gss.import_name(minor, name, type == GSS_C_NT_HOSTBASED_SERVICE ? *gss.hostbased_service : type, out));
}

OM_uint32 gss_release_name(OM_uint32 *minor, gss_name_t *name) {
    FORWARD(gss.release_name(minor, name));
}

OM_uint32 gss_init_sec_context(OM_uint32 *minor, gss_cred_id_t credential, gss_ctx_id_t *context, gss_name_t target,
                               gss_OID mechanism, OM_uint32 flags, OM_uint32 time, gss_channel_bindings_t bindings,
                               gss_buffer_t input, gss_OID *actual_mechanism, gss_buffer_t output,
                               OM_uint32 *returned_flags, OM_uint32 *time_left) {
    FORWARD(gss.init_sec_context(minor, credential, context, target, mechanism, flags, time, bindings, input,
                                 actual_mechanism, output, returned_flags, time_left));
}

OM_uint32 gss_delete_sec_context(OM_uint32 *minor, gss_ctx_id_t *context, gss_buffer_t output) {
    FORWARD(gss.delete_sec_context(minor, context, output));
}

OM_uint32 gss_release_buffer(OM_uint32 *minor, gss_buffer_t buffer) {
    FORWARD(gss.release_buffer(minor, buffer));
}

OM_uint32 gss_display_status(OM_uint32 *minor, OM_uint32 status, int type, gss_OID mechanism, OM_uint32 *context,
                             gss_buffer_t text) {
    FORWARD(gss.display_status(minor, status, type, mechanism, context, text));
}

OM_uint32 gss_indicate_mechs(OM_uint32 *minor, gss_OID_set *mechanisms) {
    FORWARD(gss.indicate_mechs(minor, mechanisms));
}

OM_uint32 gss_release_oid_set(OM_uint32 *minor, gss_OID_set *set) {
    FORWARD(gss.release_oid_set(minor, set));
}

unsigned int keos_gssapi_import_service(const char *service) {
    OM_uint32 minor = 0;
    gss_buffer_desc text = {strlen(service), (void *)service};
    gss_name_t name = NULL;
    OM_uint32 major = gss_import_name(&minor, &text, GSS_C_NT_HOSTBASED_SERVICE, &name);
    if (major == 0)
        (void)gss_release_name(&minor, &name);
    return major;
}

unsigned long keos_gssapi_mechanism_count(void) {
    OM_uint32 minor = 0;
    gss_OID_set mechanisms = NULL;
    if (gss_indicate_mechs(&minor, &mechanisms) != 0)
        return 0;
    unsigned long count = mechanisms->count;
    (void)gss_release_oid_set(&minor, &mechanisms);
    return count;
}
#else
int keos_gssapi_available(void) {
    return 0;
}

unsigned int keos_gssapi_import_service(const char *service) {
    (void)service;
    return 13u << 16;
}

unsigned long keos_gssapi_mechanism_count(void) {
    return 0;
}
#endif
