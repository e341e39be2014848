/* spawnbench: times whole-process runs of several commands side by side, interleaved, each fed the
 * same bytes on stdin. Reports median, p90, p99 wall time and peak RSS (ru_maxrss of the child) per
 * command, and each command's median as a ratio of the first one's.
 *
 *   spawnbench [-n RUNS] [-w WARMUP] [-i INPUTFILE] [-e NAME=VALUE]... -- CMD ARGS... [-- CMD ARGS...]...
 *
 * A small C driver rather than a shell loop or Python: its own start-up and memory stay out of the
 * figures, and the child's ru_maxrss is the child's alone (posix_spawn from a tiny parent).
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/wait.h>
#include <sys/resource.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    int runs = 300, warm = 20;
    const char *input = NULL;
    char *envv[64]; int nenv = 0;
    int i = 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (!strcmp(argv[i], "-n")) runs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-w")) warm = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-i")) input = argv[++i];
        else if (!strcmp(argv[i], "-e") && nenv < 60) envv[nenv++] = argv[++i];
        else { fprintf(stderr, "usage: spawnbench [-n RUNS] [-w WARMUP] [-i INPUT] [-e K=V]... -- CMD... [-- CMD...]\n"); return 2; }
    }
    /* environment: ours plus -e pairs */
    int nsys = 0; while (environ[nsys]) nsys++;
    char **env = calloc(nsys + nenv + 1, sizeof(char *));
    for (int k = 0; k < nsys; k++) env[k] = environ[k];
    for (int k = 0; k < nenv; k++) env[nsys + k] = envv[k];

    char **cmds[16]; int ncmd = 0;
    while (i < argc && ncmd < 16) {
        i++; /* skip -- */
        cmds[ncmd++] = &argv[i];
        while (i < argc && strcmp(argv[i], "--") != 0) i++;
        if (i < argc) argv[i] = NULL; /* terminate this argv */
    }
    if (ncmd == 0) { fprintf(stderr, "no command\n"); return 2; }
    double *t[16]; long rss[16] = {0}; int fails[16] = {0};
    for (int c = 0; c < ncmd; c++) t[c] = calloc(runs, sizeof(double));
    for (int r = 0; r < warm + runs; r++) {
        for (int c = 0; c < ncmd; c++) {
            posix_spawn_file_actions_t fa;
            posix_spawn_file_actions_init(&fa);
            posix_spawn_file_actions_addopen(&fa, 0, input ? input : "/dev/null", O_RDONLY, 0);
            posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
            posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
            struct timespec a, b;
            pid_t pid;
            clock_gettime(CLOCK_MONOTONIC, &a);
            if (posix_spawnp(&pid, cmds[c][0], &fa, NULL, cmds[c], env) != 0) { perror(cmds[c][0]); return 1; }
            int st; struct rusage ru;
            wait4(pid, &st, 0, &ru);
            clock_gettime(CLOCK_MONOTONIC, &b);
            posix_spawn_file_actions_destroy(&fa);
            if (r >= warm) {
                t[c][r - warm] = (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6;
                if (ru.ru_maxrss > rss[c]) rss[c] = ru.ru_maxrss;
                if (!WIFEXITED(st)) fails[c]++;
            }
        }
    }
    double base = 0;
    printf("%-44s %9s %9s %9s %9s %8s\n", "command", "median ms", "p90 ms", "p99 ms", "peak MiB", "ratio");
    for (int c = 0; c < ncmd; c++) {
        qsort(t[c], runs, sizeof(double), cmp);
        double med = t[c][runs / 2], p90 = t[c][(int)(runs * 0.9)], p99 = t[c][(int)(runs * 0.99)];
        if (c == 0) base = med;
        char name[256] = "";
        for (char **a = cmds[c]; *a; a++) { strncat(name, *a, sizeof(name) - strlen(name) - 2); strcat(name, " "); }
        if (strlen(name) > 44) strcpy(name + 41, "...");
        printf("%-44s %9.3f %9.3f %9.3f %9.1f %7.2fx%s\n", name, med, p90, p99, rss[c] / 1024.0, med / base,
               fails[c] ? "  (signalled!)" : "");
    }
    printf("runs per command: %d (after %d warm-up), interleaved\n", runs, warm);
    return 0;
}
