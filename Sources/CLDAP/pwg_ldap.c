/*
 * pwguard's directory lookup over libldap, opened with dlopen on first use (see include/pwg_ldap.h).
 *
 * <ldap.h> is included for its constants and prototypes only: every function is reached through a
 * pointer from dlsym, typed with __typeof__ of the real prototype so a signature mismatch is a compile
 * error. Nothing from libldap is linked; the target links only libdl (part of glibc).
 */
#define _GNU_SOURCE
#define LDAP_DEPRECATED 0
#include <ldap.h>
#include <lber.h>

#include <dlfcn.h>
#include <sys/auxv.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "pwg_ldap.h"

/* ---- the library --------------------------------------------------------------------------------- */

#define PWG_FUNCS(X) \
    X(ldap_initialize) X(ldap_set_option) X(ldap_get_option) X(ldap_sasl_bind_s) \
    X(ldap_sasl_interactive_bind_s) X(ldap_start_tls_s) X(ldap_search_ext_s) X(ldap_first_entry) \
    X(ldap_next_entry) X(ldap_count_entries) X(ldap_get_dn) X(ldap_get_values_len) \
    X(ldap_value_free_len) X(ldap_msgfree) X(ldap_memfree) X(ldap_unbind_ext_s) X(ldap_err2string) \
    X(ldap_is_ldap_url) X(ldap_modify_ext_s)

static struct {
#define X(name) __typeof__(name) *name;
    PWG_FUNCS(X)
#undef X
} F;

static pthread_mutex_t load_lock = PTHREAD_MUTEX_INITIALIZER;
static int load_state;            /* 0 not tried, 1 loaded, -1 failed */
static char load_error[400];
static const char *loaded_name;

/* Debian 12 (OpenLDAP 2.5), OpenLDAP >= 2.6 upstream soname, Debian 11 and older (2.4, threaded). */
static const char *const sonames[] = { "libldap-2.5.so.0", "libldap.so.2", "libldap_r-2.4.so.2" };

extern char **environ;

/*
 * The environment libldap initialises with: the process's, with the overrides below. It is swapped in
 * (environ = ...) only around dlopen and libldap's initialisation, and never freed: when pwguard is a
 * static executable, the libc that dlopen brings in keeps this array as its own environment for good.
 * Swapping the pointer, rather than setenv/unsetenv, leaves the process's own environment untouched and
 * never frees an array the other libc may still read.
 */
static char **init_environment(int flags) {
    static const char sasl[] = "SASL_PATH=/dev/null", noinit[] = "LDAPNOINIT=1",
                      gnutls[] = "GNUTLS_NO_IMPLICIT_INIT=1";
    size_t n = 0;
    while (environ && environ[n]) n++;
    char **env = calloc(n + 4, sizeof *env);
    if (!env) return NULL;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (!(flags & PWG_LOAD_SASL_PLUGINS) && strncmp(environ[i], "SASL_PATH=", 10) == 0) continue;
        if (!(flags & PWG_LOAD_TLS) && strncmp(environ[i], "LDAPNOINIT=", 11) == 0) continue;
        if (!(flags & PWG_LOAD_TLS) && strncmp(environ[i], "GNUTLS_NO_IMPLICIT_INIT=", 24) == 0) continue;
        env[k++] = environ[i];
    }
    /*
     * Cyrus SASL loads every plugin in its directory when libldap initialises it (1.6-2.7 ms measured),
     * whether or not a SASL bind follows. /dev/null is not a directory and can never become one, so
     * opendir fails, no plugin is loaded, and sasl_client_init still succeeds.
     */
    if (!(flags & PWG_LOAD_SASL_PLUGINS)) env[k++] = (char *)sasl;
    /*
     * Without TLS nothing in ldap.conf, ~/.ldaprc, ./ldaprc or LDAP* variables is wanted: every option that
     * matters is set on the handle, and a host's ldap.conf (or Samba's working directory) must not change
     * what pwguard does. With TLS, ldap.conf is where the CA (TLS_CACERT) comes from.
     */
    if (!(flags & PWG_LOAD_TLS)) env[k++] = (char *)noinit;
    /*
     * GnuTLS initialises itself in its library constructor (priorities, random generator): ~0.3 ms and
     * 0.8 MiB for nothing when no TLS follows. libldap calls gnutls_global_init itself before any TLS use.
     */
    if (!(flags & PWG_LOAD_TLS)) env[k++] = (char *)gnutls;
    env[k] = NULL;
    return env;
}

static int do_load(int flags) {
    char **env = init_environment(flags);
    if (!env) {
        snprintf(load_error, sizeof load_error, "out of memory");
        return -1;
    }
    char **saved = environ;
    environ = env;

    void *h = NULL;
    const char *name = NULL;
    char first_error[200] = "";
    for (size_t i = 0; i < sizeof sonames / sizeof sonames[0] && !h; i++) {
        h = dlopen(sonames[i], RTLD_NOW | RTLD_LOCAL);
        if (h) name = sonames[i];
        else if (!first_error[0]) {
            const char *e = dlerror();
            snprintf(first_error, sizeof first_error, "%s", e ? e : sonames[i]);
        }
    }
    if (!h) {
        environ = saved;
        free(env);
        snprintf(load_error, sizeof load_error,
                 "cannot load OpenLDAP's libldap (%s); install it (Debian: apt-get install libldap-2.5-0)", first_error);
        return -1;
    }
    int missing = 0;
#define X(fn) \
    if (!missing) { \
        F.fn = (__typeof__(fn) *)dlsym(h, #fn); \
        if (!F.fn) { \
            snprintf(load_error, sizeof load_error, "%s has no function %s", name, #fn); \
            missing = 1; \
        } \
    }
    PWG_FUNCS(X)
#undef X
    if (missing) {
        environ = saved;
        memset(&F, 0, sizeof F);
        dlclose(h);
        return -1;
    }
    /* Make libldap initialise now (SASL, ldap.conf), with that environment. */
    int version = 0;
    (void)F.ldap_get_option(NULL, LDAP_OPT_PROTOCOL_VERSION, &version);
    environ = saved;
    loaded_name = name;
    return 1;
}

int pwg_ldap_load(int flags, char *err, size_t errlen) {
    pthread_mutex_lock(&load_lock);
    if (load_state == 0) load_state = do_load(flags);
    int state = load_state;
    pthread_mutex_unlock(&load_lock);
    if (state < 0) {
        if (err && errlen) snprintf(err, errlen, "%s", load_error);
        return -1;
    }
    if (err && errlen) err[0] = '\0';
    return 0;
}

const char *pwg_ldap_loaded_name(void) {
    pthread_mutex_lock(&load_lock);
    const char *n = load_state == 1 ? loaded_name : NULL;
    pthread_mutex_unlock(&load_lock);
    return n;
}

int pwg_ldap_is_url(const char *url) {
    if (pwg_ldap_load(0, NULL, 0) != 0) return -1;
    return F.ldap_is_ldap_url(url) ? 1 : 0;
}

int pwg_process_is_static(void) {
    /* No program interpreter (ld.so) was mapped: the executable is static. */
    return getauxval(AT_BASE) == 0;
}

/* ---- the lookup ---------------------------------------------------------------------------------- */

typedef struct {
    const pwg_dir_request *req;
    pwg_dir_status *st;
    LDAP *ld;
    long long start_us, deadline_us, step_start_us;
} lookup;

static long long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void begin_step(lookup *l, int step) {
    l->st->step = step;
    l->step_start_us = now_us();
}

static void end_step(lookup *l) {
    l->st->step_us[l->st->step] = now_us() - l->step_start_us;
}

static int fail(lookup *l, int code, int rc, const char *fmt, ...) {
    end_step(l);
    l->st->code = code;
    l->st->ldap_result = rc;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(l->st->message, sizeof l->st->message, fmt, ap);
    va_end(ap);
    return code;
}

/* The time left before the deadline, into tv; 0 when it has passed. */
static int remaining(lookup *l, struct timeval *tv) {
    long long left = l->deadline_us - now_us();
    if (left <= 0) return 0;
    tv->tv_sec = (time_t)(left / 1000000);
    tv->tv_usec = (suseconds_t)(left % 1000000);
    return 1;
}

/* The server's diagnostic message for the last operation, if any ("" otherwise). */
static void diagnostic(lookup *l, char *out, size_t outlen) {
    out[0] = '\0';
    char *msg = NULL;
    if (l->ld && F.ldap_get_option(l->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &msg) == LDAP_OPT_SUCCESS && msg) {
        if (msg[0]) snprintf(out, outlen, ": %s", msg);
        F.ldap_memfree(msg);
    }
}

static int on_value = 1;
/* LDAP_OPT_ON points at a liblber variable that is not linked: any non-NULL pointer means "on". */
#define LDAP_OPT_ON_PTR ((void *)&on_value)

static int is_timeout(int rc) { return rc == LDAP_TIMEOUT || rc == LDAP_TIMELIMIT_EXCEEDED; }

/* Maps a failed operation's result code to a status; what = "search of the rootDSE", etc. */
static int fail_rc(lookup *l, int rc, int code_otherwise, const char *what) {
    char diag[300];
    diagnostic(l, diag, sizeof diag);
    long long elapsed_ms = (now_us() - l->start_us) / 1000;
    /* The server gave up by itself well before our deadline (seen once, right after a DC restart): an answer,
     * not a hang, so not reported as one. */
    if (rc == LDAP_TIMELIMIT_EXCEEDED && now_us() < l->deadline_us - 5000)
        return fail(l, PWG_DIR_SEARCH, rc, "%s: the directory answered \"%s\" after %lld ms%s", what,
                    F.ldap_err2string(rc), elapsed_ms, diag);
    /* poll() truncates its timeout to milliseconds, so libldap may give up a hair before the deadline:
     * a connection failure within 5 ms of it is the timeout. */
    if (is_timeout(rc) || now_us() >= l->deadline_us - 5000)
        return fail(l, PWG_DIR_TIMEOUT, rc, "%s: no answer within %d ms", what, l->req->timeout_ms);
    if (rc == LDAP_SERVER_DOWN || rc == LDAP_CONNECT_ERROR)
        return fail(l, PWG_DIR_CONNECT, rc, "cannot connect to %s: %s%s", l->req->uri, F.ldap_err2string(rc), diag);
    return fail(l, code_otherwise, rc, "%s: %s (%d)%s", what, F.ldap_err2string(rc), rc, diag);
}

/* Sets the client-side timeouts to the time left. Returns 0 when the deadline has passed. */
static int arm_timeouts(lookup *l, struct timeval *tv) {
    if (!remaining(l, tv)) return 0;
    F.ldap_set_option(l->ld, LDAP_OPT_NETWORK_TIMEOUT, tv);
    F.ldap_set_option(l->ld, LDAP_OPT_TIMEOUT, tv);
    return 1;
}

/* GSSAPI needs no answers; give every SASL prompt its default (sasl_interact_t, declared here to avoid sasl.h). */
typedef struct {
    unsigned long id;
    const char *challenge, *prompt, *defresult;
    const void *result;
    unsigned len;
} pwg_sasl_interact;

static int sasl_interact(LDAP *ld, unsigned flags, void *defaults, void *in) {
    (void)ld; (void)flags; (void)defaults;
    for (pwg_sasl_interact *p = in; p && p->id != 0 /* SASL_CB_LIST_END */; p++) {
        const char *v = p->defresult ? p->defresult : "";
        p->result = v;
        p->len = (unsigned)strlen(v);
    }
    return LDAP_SUCCESS;
}

static int search(lookup *l, const char *base, int scope, const char *filter, char **attrs, int sizelimit,
                  LDAPMessage **res, const char *what) {
    struct timeval tv;
    *res = NULL;
    if (!arm_timeouts(l, &tv))
        return fail(l, PWG_DIR_TIMEOUT, LDAP_TIMEOUT, "%s: no answer within %d ms", what, l->req->timeout_ms);
    /* No timeout argument: libldap then waits at most LDAP_OPT_TIMEOUT (armed above to the time left) and
     * sends no server time limit. A time limit (which libldap rounds up to whole seconds) was seen answered
     * with "time limit exceeded" after 5 ms by a Samba prefork worker (it dates a request from its own
     * cached clock), failing a change intermittently. */
    int rc = F.ldap_search_ext_s(l->ld, base, scope, filter, attrs, 0, NULL, NULL, NULL, sizelimit, res);
    if (rc == LDAP_SUCCESS || (rc == LDAP_SIZELIMIT_EXCEEDED && *res)) return PWG_DIR_OK;
    if (*res) { F.ldap_msgfree(*res); *res = NULL; }
    return fail_rc(l, rc, PWG_DIR_SEARCH, what);
}

/* Hands every entry of res to the sink: its DN, then each value of each attribute in attrs. */
static void emit(lookup *l, LDAPMessage *res, char **attrs, pwg_dir_sink sink, void *ctx, int step) {
    for (LDAPMessage *e = F.ldap_first_entry(l->ld, res); e; e = F.ldap_next_entry(l->ld, e)) {
        char *dn = F.ldap_get_dn(l->ld, e);
        if (dn) {
            if (sink) sink(ctx, step, NULL, (const unsigned char *)dn, strlen(dn));
            F.ldap_memfree(dn);
        }
        for (char **a = attrs; a && *a; a++) {
            struct berval **vals = F.ldap_get_values_len(l->ld, e, *a);
            if (!vals) continue;
            for (struct berval **v = vals; *v; v++)
                if (sink) sink(ctx, step, *a, (const unsigned char *)(*v)->bv_val, (size_t)(*v)->bv_len);
            F.ldap_value_free_len(vals);
        }
    }
}

/* Connect (lazily, by the first operation), StartTLS, bind. */
static int connect_and_bind(lookup *l) {
    const pwg_dir_request *req = l->req;
    int rc;
    struct timeval tv;
    begin_step(l, PWG_STEP_CONNECT);
    rc = F.ldap_initialize(&l->ld, req->uri);
    if (rc != LDAP_SUCCESS || !l->ld)
        return fail(l, PWG_DIR_CONFIG, rc, "invalid directory URI \"%s\": %s", req->uri, F.ldap_err2string(rc));
    int v3 = LDAP_VERSION3;
    F.ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
    /* AD answers subtree searches of the domain with continuation references (DomainDnsZones...): never chase them. */
    F.ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
    int never = LDAP_DEREF_NEVER;
    F.ldap_set_option(l->ld, LDAP_OPT_DEREF, &never);
    /*
     * Asynchronous connect: libldap then waits for the TCP connect and the TLS handshake with poll() and
     * the network timeout. Without it, libldap 2.5/2.6 makes the socket non-blocking for a timed TLS
     * handshake but loops on it without polling: against a server that accepts and never answers, ldaps://
     * spun at 100 % CPU forever (seen with 2.5.13).
     */
    F.ldap_set_option(l->ld, LDAP_OPT_CONNECT_ASYNC, LDAP_OPT_ON_PTR);
    if (req->start_tls) {
        if (!arm_timeouts(l, &tv))
            return fail(l, PWG_DIR_TIMEOUT, LDAP_TIMEOUT, "StartTLS: no answer within %d ms", req->timeout_ms);
        rc = F.ldap_start_tls_s(l->ld, NULL, NULL);
        if (rc != LDAP_SUCCESS) return fail_rc(l, rc, PWG_DIR_TLS, "StartTLS");
    }
    if (req->auth == PWG_AUTH_SIMPLE) {
        if (!arm_timeouts(l, &tv))
            return fail(l, PWG_DIR_TIMEOUT, LDAP_TIMEOUT, "bind: no answer within %d ms", req->timeout_ms);
        struct berval cred = { (ber_len_t)req->password_len, (char *)req->password };
        rc = F.ldap_sasl_bind_s(l->ld, req->bind_dn, LDAP_SASL_SIMPLE, &cred, NULL, NULL, NULL);
        if (rc != LDAP_SUCCESS) {
            char what[300];
            snprintf(what, sizeof what, "simple bind as %s", req->bind_dn ? req->bind_dn : "(none)");
            return fail_rc(l, rc, PWG_DIR_BIND, what);
        }
    } else if (req->auth == PWG_AUTH_GSSAPI) {
        if (!arm_timeouts(l, &tv))
            return fail(l, PWG_DIR_TIMEOUT, LDAP_TIMEOUT, "bind: no answer within %d ms", req->timeout_ms);
        /* The host name in the URI is the service principal's; no reverse-DNS canonicalisation. */
        F.ldap_set_option(l->ld, LDAP_OPT_X_SASL_NOCANON, LDAP_OPT_ON_PTR);
        rc = F.ldap_sasl_interactive_bind_s(l->ld, NULL, "GSSAPI", NULL, NULL, LDAP_SASL_QUIET, sasl_interact, NULL);
        if (rc != LDAP_SUCCESS) return fail_rc(l, rc, PWG_DIR_BIND, "SASL GSSAPI bind");
    }
    end_step(l);
    return PWG_DIR_OK;
}

/* The configured group names, in one search (by sAMAccountName or distinguishedName; never cn). */
static int resolve_groups(lookup *l, const char *base, pwg_dir_sink sink, void *ctx) {
    if (!l->req->group_filter) return PWG_DIR_OK;
    begin_step(l, PWG_STEP_GROUPS);
    char *g_attrs[] = { "sAMAccountName", "objectSid", NULL };
    LDAPMessage *res = NULL;
    int rc = search(l, base, LDAP_SCOPE_SUBTREE, l->req->group_filter, g_attrs, 0, &res, "resolving the configured groups");
    if (rc) return rc;
    emit(l, res, g_attrs, sink, ctx, PWG_STEP_GROUPS);
    F.ldap_msgfree(res);
    end_step(l);
    return PWG_DIR_OK;
}

static int run(lookup *l, pwg_dir_sink sink, void *ctx) {
    const pwg_dir_request *req = l->req;
    int rc;
    if ((rc = connect_and_bind(l))) return rc;

    /* rootDSE: the domain's naming context. Anonymous reads of it are allowed everywhere. */
    begin_step(l, PWG_STEP_ROOTDSE);
    char *root_attrs[] = { "defaultNamingContext", NULL };
    LDAPMessage *res = NULL;
    if ((rc = search(l, "", LDAP_SCOPE_BASE, "(objectClass=*)", root_attrs, 1, &res, "reading the rootDSE")))
        return rc;
    char *base = NULL;
    LDAPMessage *e = F.ldap_first_entry(l->ld, res);
    if (e) {
        struct berval **vals = F.ldap_get_values_len(l->ld, e, "defaultNamingContext");
        if (vals && vals[0] && vals[0]->bv_len > 0) base = strndup(vals[0]->bv_val, vals[0]->bv_len);
        if (vals) F.ldap_value_free_len(vals);
    }
    emit(l, res, root_attrs, sink, ctx, PWG_STEP_ROOTDSE);
    F.ldap_msgfree(res);
    if (!base)
        return fail(l, PWG_DIR_NO_NAMING_CONTEXT, 0,
                    "the rootDSE of %s has no defaultNamingContext (not an Active Directory domain controller?)", req->uri);
    end_step(l);

    /* pwguard audit: every matching account with its NT hash, nothing else. */
    if (req->list_users) {
        begin_step(l, PWG_STEP_USER);
        char *list_attrs[] = { "sAMAccountName", "userAccountControl", "unicodePwd", NULL };
        struct timeval tv;
        if (!arm_timeouts(l, &tv)) {
            free(base);
            return fail(l, PWG_DIR_TIMEOUT, LDAP_TIMEOUT, "listing the users: no answer within %d ms", req->timeout_ms);
        }
        res = NULL;
        rc = F.ldap_search_ext_s(l->ld, base, LDAP_SCOPE_SUBTREE, req->user_filter, list_attrs, 0, NULL, NULL, NULL, 0, &res);
        free(base);
        if (rc != LDAP_SUCCESS) {   /* a size limit too: a partial list would hide accounts */
            if (res) F.ldap_msgfree(res);
            return fail_rc(l, rc, PWG_DIR_SEARCH, "listing the users");
        }
        emit(l, res, list_attrs, sink, ctx, PWG_STEP_USER);
        F.ldap_msgfree(res);
        end_step(l);
        l->st->step = PWG_STEP_COUNT;
        return PWG_DIR_OK;
    }

    /* No user filter (pwguard config check): the configured group names only. */
    if (!req->user_filter) {
        rc = resolve_groups(l, base, sink, ctx);
        free(base);
        if (rc) return rc;
        l->st->step = PWG_STEP_COUNT;
        return PWG_DIR_OK;
    }

    /* The user. */
    begin_step(l, PWG_STEP_USER);
    char *user_attrs[24] = { "sAMAccountName", "userPrincipalName", "givenName", "sn", "displayName",
                             "objectSid", "pwdLastSet", NULL };
    for (size_t i = 0, k = 7; req->extra_user_attrs && req->extra_user_attrs[i] && k < 23; i++, k++) {
        user_attrs[k] = (char *)req->extra_user_attrs[i];
        user_attrs[k + 1] = NULL;
    }
    rc = search(l, base, LDAP_SCOPE_SUBTREE, req->user_filter, user_attrs, 2, &res, "searching for the user");
    if (rc) { free(base); return rc; }
    int n = F.ldap_count_entries(l->ld, res);
    char *user_dn = NULL;
    if (n == 1) {
        char *dn = F.ldap_get_dn(l->ld, F.ldap_first_entry(l->ld, res));
        if (dn) { user_dn = strdup(dn); F.ldap_memfree(dn); }
    }
    if (n == 1 && user_dn) emit(l, res, user_attrs, sink, ctx, PWG_STEP_USER);
    F.ldap_msgfree(res);
    if (n == 0) {
        free(base);
        return fail(l, PWG_DIR_NO_SUCH_USER, 0, "no such user");
    }
    if (n != 1 || !user_dn) {
        free(base); free(user_dn);
        return fail(l, PWG_DIR_AMBIGUOUS, 0, "the user search matched %d entries", n);
    }
    end_step(l);

    /* tokenGroups: every group SID, transitively (base scope only; constructed by the DC). */
    if (req->token_groups) {
        begin_step(l, PWG_STEP_TOKEN_GROUPS);
        char *tg_attrs[] = { "tokenGroups", NULL };
        rc = search(l, user_dn, LDAP_SCOPE_BASE, "(objectClass=*)", tg_attrs, 1, &res, "reading the user's tokenGroups");
        if (rc) { free(base); free(user_dn); return rc; }
        emit(l, res, tg_attrs, sink, ctx, PWG_STEP_TOKEN_GROUPS);
        F.ldap_msgfree(res);
        end_step(l);
    }
    free(user_dn);

    rc = resolve_groups(l, base, sink, ctx);
    free(base);
    if (rc) return rc;
    l->st->step = PWG_STEP_COUNT;
    return PWG_DIR_OK;
}

/* Common start of a lookup or a modify: checks, TLS refusal in a static executable, loading libldap. */
static int start(lookup *l, const pwg_dir_request *req, pwg_dir_status *status) {
    memset(status, 0, sizeof *status);
    for (int i = 0; i < PWG_STEP_COUNT; i++) status->step_us[i] = -1;
    l->req = req;
    l->st = status;
    l->ld = NULL;
    l->start_us = now_us();
    l->deadline_us = l->start_us + (long long)(req->timeout_ms > 0 ? req->timeout_ms : 1) * 1000;
    begin_step(l, PWG_STEP_LOAD);
    if (!req->uri) return fail(l, PWG_DIR_CONFIG, 0, "no URI");
    char err[400];
    int tls = strncasecmp(req->uri, "ldaps://", 8) == 0 || req->start_tls;
    if (tls && pwg_process_is_static())
        return fail(l, PWG_DIR_UNSUPPORTED, 0, "ldaps:// and StartTLS are not available in a fully static pwguard");
    int flags = (req->auth == PWG_AUTH_GSSAPI ? PWG_LOAD_SASL_PLUGINS : 0) | (tls ? PWG_LOAD_TLS : 0);
    if (pwg_ldap_load(flags, err, sizeof err) != 0) return fail(l, PWG_DIR_LOAD, 0, "%s", err);
    end_step(l);
    return PWG_DIR_OK;
}

static struct berval **bervals(const pwg_dir_value *v, size_t n, struct berval *store) {
    struct berval **p = calloc(n + 1, sizeof *p);
    if (!p) return NULL;
    for (size_t i = 0; i < n; i++) {
        store[i].bv_val = (char *)v[i].data;
        store[i].bv_len = (ber_len_t)v[i].len;
        p[i] = &store[i];
    }
    return p;
}

int pwg_dir_modify(const pwg_dir_request *req, const char *dn, const char *attr, const pwg_dir_value *del,
                   size_t ndel, const pwg_dir_value *add, size_t nadd, pwg_dir_status *status) {
    lookup l;
    int rc = start(&l, req, status);
    if (rc) return rc;
    if (!dn || !attr || (ndel == 0 && nadd == 0)) return fail(&l, PWG_DIR_CONFIG, 0, "nothing to modify");
    if ((rc = connect_and_bind(&l))) goto out;
    begin_step(&l, PWG_STEP_MODIFY);
    struct berval *store = calloc(ndel + nadd + 1, sizeof *store);
    struct berval **dv = store ? bervals(del, ndel, store) : NULL;
    struct berval **av = store ? bervals(add, nadd, store + ndel) : NULL;
    LDAPMod mdel = { .mod_op = LDAP_MOD_DELETE | LDAP_MOD_BVALUES, .mod_type = (char *)attr };
    LDAPMod madd = { .mod_op = LDAP_MOD_ADD | LDAP_MOD_BVALUES, .mod_type = (char *)attr };
    mdel.mod_vals.modv_bvals = dv;
    madd.mod_vals.modv_bvals = av;
    LDAPMod *mods[3] = { NULL, NULL, NULL };
    int k = 0;
    if (ndel) mods[k++] = &mdel;
    if (nadd) mods[k++] = &madd;
    struct timeval tv;
    if (!store || !dv || !av) rc = fail(&l, PWG_DIR_CONFIG, 0, "out of memory");
    else if (!arm_timeouts(&l, &tv)) rc = fail(&l, PWG_DIR_TIMEOUT, LDAP_TIMEOUT, "modify: no answer within %d ms", req->timeout_ms);
    else {
        int r = F.ldap_modify_ext_s(l.ld, dn, mods, NULL, NULL);
        if (r == LDAP_SUCCESS) { end_step(&l); l.st->step = PWG_STEP_COUNT; rc = PWG_DIR_OK; }
        else rc = fail_rc(&l, r, PWG_DIR_SEARCH, "modifying the entry");
    }
    free(dv); free(av); free(store);
out:
    if (l.ld) F.ldap_unbind_ext_s(l.ld, NULL, NULL);
    status->total_us = now_us() - l.start_us;
    return rc;
}

int pwg_dir_lookup(const pwg_dir_request *req, pwg_dir_sink sink, void *ctx, pwg_dir_status *status) {
    memset(status, 0, sizeof *status);
    for (int i = 0; i < PWG_STEP_COUNT; i++) status->step_us[i] = -1;
    lookup l = { .req = req, .st = status };
    l.start_us = now_us();
    l.deadline_us = l.start_us + (long long)(req->timeout_ms > 0 ? req->timeout_ms : 1) * 1000;

    begin_step(&l, PWG_STEP_LOAD);
    if (!req->uri || (!req->user_filter && !req->group_filter))
        return fail(&l, PWG_DIR_CONFIG, 0, "no URI, or neither a user nor a group filter");
    char err[400];
    const char *u = req->uri;
    int tls = strncasecmp(u, "ldaps://", 8) == 0 || req->start_tls;
    if (tls && pwg_process_is_static())
        return fail(&l, PWG_DIR_UNSUPPORTED, 0,
                    "ldaps:// and StartTLS are not available in a fully static pwguard: GnuTLS crashes when a static "
                    "executable loads it (its thread-local state needs the dynamic loader); use the privileged ldapi "
                    "socket (leave uri unset) or sasl = \"gssapi\" over ldap://, or a build without -static-executable");
    int flags = (req->auth == PWG_AUTH_GSSAPI ? PWG_LOAD_SASL_PLUGINS : 0) | (tls ? PWG_LOAD_TLS : 0);
    if (pwg_ldap_load(flags, err, sizeof err) != 0)
        return fail(&l, PWG_DIR_LOAD, 0, "%s", err);
    end_step(&l);

    int rc = run(&l, sink, ctx);
    if (l.ld) F.ldap_unbind_ext_s(l.ld, NULL, NULL);   /* sends an unbind; waits for nothing */
    status->total_us = now_us() - l.start_us;
    return rc;
}
