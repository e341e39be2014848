#include "cprocess.h"
#include <sys/prctl.h>

int pwguard_set_nondumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

int pwguard_is_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
