#ifndef PWGUARD_CPROCESS_H
#define PWGUARD_CPROCESS_H
/* Process controls that Swift cannot call directly (prctl is variadic). */

/* Marks the process non-dumpable: no core file, no ptrace attach by other users. Returns 0 on success. */
int pwguard_set_nondumpable(void);

/* Whether the process is dumpable (1) or not (0), for tests. */
int pwguard_is_dumpable(void);
#endif
