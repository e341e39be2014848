/* hibpgen: writes a synthetic Have I Been Pwned "Pwned Passwords" download to stdout: N lines
 * "HASH:COUNT\r\n" (upper-case hex, 40 digits for SHA-1 or 32 for NTLM, counts skewed towards small
 * numbers as in HIBP), random and unsorted, with the hashes listed in PLANTFILE (one hex hash per line)
 * spread evenly through it. A few hundred MB/s: a 100 M-line file takes seconds, not the minutes a
 * per-line script would.
 *
 *   hibpgen N SEED HEXDIGITS [PLANTFILE] > file.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

static uint64_t state;
static uint64_t next(void) {   /* splitmix64 */
    uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

int main(int argc, char **argv) {
    if (argc < 4) { fprintf(stderr, "usage: hibpgen N SEED HEXDIGITS [PLANTFILE]\n"); return 2; }
    long long n = atoll(argv[1]);
    state = strtoull(argv[2], NULL, 10);
    int digits = atoi(argv[3]);
    if (digits != 40 && digits != 32) { fprintf(stderr, "HEXDIGITS must be 40 (SHA-1) or 32 (NTLM)\n"); return 2; }
    char plants[1024][48]; int nplants = 0;
    if (argc > 4) {
        FILE *f = fopen(argv[4], "r");
        if (!f) { perror(argv[4]); return 1; }
        char line[256];
        while (nplants < 1024 && fgets(line, sizeof line, f)) {
            size_t l = strcspn(line, "\r\n");
            if (l != (size_t)digits) continue;
            memcpy(plants[nplants], line, l); plants[nplants][l] = 0; nplants++;
        }
        fclose(f);
    }
    long long every = nplants ? n / nplants : 0;
    static const char hex[] = "0123456789ABCDEF";
    static char buf[1 << 20];
    size_t used = 0;
    for (long long i = 0; i < n; i++) {
        if (used > sizeof buf - 128) { fwrite(buf, 1, used, stdout); used = 0; }
        char *p = buf + used;
        if (every && i % every == every / 2 && i / every < nplants) {
            memcpy(p, plants[i / every], digits);
        } else {
            for (int d = 0; d < digits; d += 16) {
                uint64_t r = next();
                for (int k = 0; k < 16 && d + k < digits; k++) { p[d + k] = hex[r & 15]; r >>= 4; }
            }
        }
        p += digits;
        uint64_t r = next();
        /* counts: mostly 1-10, some up to millions (HIBP's long tail) */
        unsigned count = (unsigned)(1 + (r % 10)) << ((r >> 8) % 4 == 0 ? (r >> 16) % 18 : 0);
        p += sprintf(p, ":%u\r\n", count);
        used = (size_t)(p - buf);
    }
    fwrite(buf, 1, used, stdout);
    return fflush(stdout) == 0 ? 0 : 1;
}
