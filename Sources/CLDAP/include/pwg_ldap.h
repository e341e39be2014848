#ifndef PWGUARD_PWG_LDAP_H
#define PWGUARD_PWG_LDAP_H
/*
 * pwguard's directory lookup in C, over OpenLDAP's libldap loaded LAZILY with dlopen.
 *
 * Nothing here links libldap: merely linking it costs every process start 1.2-2.2 ms (GnuTLS, SASL,
 * Kerberos...), and most checks need no directory. The library is opened (RTLD_NOW | RTLD_LOCAL) on the
 * first lookup, and only the functions used are resolved with dlsym. No libldap type or pointer
 * appears in this header: the lookup runs entirely in C and hands values to the caller through a
 * callback, then frees every libldap allocation itself.
 */
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Outcome codes (pwg_dir_status.code). */
enum {
    PWG_DIR_OK = 0,
    PWG_DIR_LOAD = 1,          /* libldap could not be loaded or lacks a function */
    PWG_DIR_CONFIG = 2,        /* bad URI, bad request */
    PWG_DIR_CONNECT = 3,       /* cannot connect (no socket, refused, unreachable) */
    PWG_DIR_TIMEOUT = 4,       /* the deadline passed (client-side timeout or server time limit) */
    PWG_DIR_TLS = 5,           /* StartTLS / TLS handshake failed */
    PWG_DIR_BIND = 6,          /* bind refused */
    PWG_DIR_SEARCH = 7,        /* a search failed */
    PWG_DIR_NO_SUCH_USER = 8,  /* the user search found nobody */
    PWG_DIR_AMBIGUOUS = 9,     /* the user search found more than one entry */
    PWG_DIR_NO_NAMING_CONTEXT = 10, /* the rootDSE has no defaultNamingContext */
    PWG_DIR_UNSUPPORTED = 11,  /* TLS requested in a static executable (see pwg_process_is_static) */
};

/* How to authenticate (pwg_dir_request.auth). */
enum {
    PWG_AUTH_NONE = 0,         /* anonymous: no bind at all (the privileged ldapi socket) */
    PWG_AUTH_SIMPLE = 1,       /* simple bind with bind_dn + password */
    PWG_AUTH_GSSAPI = 2,       /* SASL GSSAPI with the credentials cache in the environment */
};

/* The steps, as passed to the value callback and reported in pwg_dir_status.step. */
enum {
    PWG_STEP_LOAD = 0,
    PWG_STEP_CONNECT = 1,      /* ldap_initialize + StartTLS + bind (the connection is made by the first operation) */
    PWG_STEP_ROOTDSE = 2,
    PWG_STEP_USER = 3,
    PWG_STEP_TOKEN_GROUPS = 4,
    PWG_STEP_GROUPS = 5,
    PWG_STEP_MODIFY = 6,       /* pwg_dir_modify's modify */
    PWG_STEP_COUNT = 7,
};

typedef struct pwg_dir_request {
    const char *uri;                 /* ldapi://..., ldaps://... or ldap://... */
    int auth;                        /* PWG_AUTH_* */
    int start_tls;                   /* 1: StartTLS before the bind (ldap:// only) */
    const char *bind_dn;             /* PWG_AUTH_SIMPLE */
    const unsigned char *password;   /* PWG_AUTH_SIMPLE; not NUL-terminated */
    size_t password_len;
    int timeout_ms;                  /* the whole lookup, connect included */
    const char *user_filter;         /* subtree search under defaultNamingContext; NULL: no user, tokenGroups
                                        or extra attributes, only the group search (which is then required) */
    const char *group_filter;        /* NULL: no group search */
    int token_groups;                /* 1: base search for tokenGroups on the user's DN */
    const char *const *extra_user_attrs; /* NULL-terminated; more attributes of the user entry (or NULL) */
    int list_users;                  /* 1 (pwguard audit): hand every entry user_filter matches to the sink with
                                        sAMAccountName, userAccountControl and unicodePwd (the NT hash, which the
                                        privileged ldapi socket returns to root); no size limit, a server-side
                                        size limit is an error; token_groups and group_filter are ignored */
} pwg_dir_request;

typedef struct pwg_dir_status {
    int code;                        /* PWG_DIR_* */
    int step;                        /* PWG_STEP_* where it ended (failed, or PWG_STEP_COUNT on success) */
    int ldap_result;                 /* libldap's result code, 0 if none */
    char message[512];               /* what went wrong, in words (empty on success) */
    long long step_us[PWG_STEP_COUNT]; /* wall time of each step, microseconds (-1: not run) */
    long long total_us;
} pwg_dir_status;

/*
 * Called once per entry (attr = NULL, value = the entry's DN) and then once per attribute value of that
 * entry (binary values as they are: objectSid, tokenGroups). The pointers are valid only during the call.
 */
typedef void (*pwg_dir_sink)(void *ctx, int step, const char *attr, const unsigned char *value, size_t len);

/* pwg_ldap_load flags. */
enum {
    PWG_LOAD_SASL_PLUGINS = 1, /* let Cyrus SASL load its plugins (needed for GSSAPI only) */
    PWG_LOAD_TLS = 2,          /* TLS will be used: let libldap read ldap.conf, ldaprc and LDAP* variables
                                  (TLS trust settings) and GnuTLS initialise when loaded */
};

/*
 * Opens libldap once per process (later calls return the first outcome, whatever their flags). Returns 0
 * on success; on failure writes the reason to err. Without PWG_LOAD_SASL_PLUGINS, SASL_PATH points at
 * /dev/null while libldap initialises, so Cyrus SASL loads none of its plugins (they cost 1.6-2.7 ms);
 * without PWG_LOAD_TLS, LDAPNOINIT and GNUTLS_NO_IMPLICIT_INIT are set meanwhile. The process's own
 * environment is not changed (see init_environment in pwg_ldap.c).
 * pwg_dir_lookup loads with the flags its request needs.
 */
int pwg_ldap_load(int flags, char *err, size_t errlen);

/*
 * 1 when this process is a static executable (no ld.so). Such a process can dlopen libldap, and the ldapi
 * and GSSAPI lookups work, but GnuTLS crashes in it (its _Thread_local state needs the dynamic loader's
 * TLS support; seen with a 10-line C program calling gnutls_rnd): pwg_dir_lookup refuses TLS there.
 */
int pwg_process_is_static(void);

/* The soname that was loaded, or NULL before a successful pwg_ldap_load. */
const char *pwg_ldap_loaded_name(void);

/* Whether libldap accepts the string as an LDAP URL (loads libldap). 1 yes, 0 no, -1 not loaded. */
int pwg_ldap_is_url(const char *url);

/* The whole lookup: connect, bind, rootDSE, user, tokenGroups, groups; never writes. Returns status->code. */
int pwg_dir_lookup(const pwg_dir_request *req, pwg_dir_sink sink, void *ctx, pwg_dir_status *status);

/* One attribute value for pwg_dir_modify. */
typedef struct pwg_dir_value {
    const unsigned char *data;
    size_t len;
} pwg_dir_value;

/*
 * The only write pwguard makes, and never from inside Samba's check password script (a write there
 * deadlocks until Samba's timeout): in one modify of the entry dn, delete exactly the values `del` of attr
 * (skipped when ndel is 0) and add the values `add` (skipped when nadd is 0). Connects and binds as
 * pwg_dir_lookup does (req->user_filter and the search fields are not used). A value to delete that is no
 * longer there fails the whole modify with LDAP_NO_SUCH_ATTRIBUTE (16), a value to add that is already
 * there with LDAP_TYPE_OR_VALUE_EXISTS (20): both are left in status->ldap_result so the caller re-reads and
 * retries. Returns status->code (PWG_DIR_SEARCH for a refused modify).
 */
int pwg_dir_modify(const pwg_dir_request *req, const char *dn, const char *attr, const pwg_dir_value *del,
                   size_t ndel, const pwg_dir_value *add, size_t nadd, pwg_dir_status *status);

#ifdef __cplusplus
}
#endif
#endif
