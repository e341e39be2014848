#ifndef PWGUARD_CPROCESS_H
#define PWGUARD_CPROCESS_H
/* Process controls that Swift cannot call directly (prctl is variadic). */

/* Marks the process non-dumpable: no core file, no ptrace attach by other users. Returns 0 on success. */
int pwguard_set_nondumpable(void);

/* Whether the process is dumpable (1) or not (0), for tests. */
int pwguard_is_dumpable(void);

/* Sets the process name (/proc/PID/comm, what ps shows; at most 15 bytes kept). Returns 0 on success. */
int pwguard_set_name(const char *name);
#include <stddef.h>

/*
 * Starts `path` with `argv` as a fully detached process: a new session (setsid), default signal handlers and
 * an empty signal mask, stdin a pipe holding `input` (written here, then closed), stdout and stderr
 * /dev/null, every other descriptor closed. The caller does not wait for it: when the caller exits it is
 * re-parented to init. Samba waits only for its own child, so the password change goes on at once.
 * Returns the pid, or -1 with errno set. `input` must fit the pipe (at most 64 KiB).
 */
int pwguard_spawn_detached(const char *path, char *const argv[], const void *input, size_t len);
#endif
