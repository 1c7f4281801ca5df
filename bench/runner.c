/* Process launcher for bench/deliver: runs one command per input file, as
 * an MTA runs its delivery command once per message, and prints for each
 * run "exit wall_us cpu_us maxrss_kb" (cpu = user + system, from wait4).
 *
 * Why not spawn from Python: on Linux a child's ru_maxrss keeps the high
 * water mark of the address space it had before exec, i.e. the spawner's.
 * This launcher is small, so the RSS figures are the tools' own.
 *
 * usage: runner LISTFILE ERRFILE -- COMMAND [ARG...]
 *   LISTFILE: one input path a line, each becomes the command's stdin.
 *   ERRFILE: the commands' stderr, appended.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv) { return (long long)tv.tv_sec * 1000000 + tv.tv_usec; }

/* run_one: fork, stdin from `input`, exec; returns 0 and fills the figures. */
static int run_one(const char *input, int errfd, char **argv) {
  long long t0 = now_us();
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    int in = open(input, O_RDONLY);
    int out = open("/dev/null", O_WRONLY);
    if (in < 0 || out < 0) _exit(127);
    dup2(in, 0);
    dup2(out, 1);
    dup2(errfd, 2);
    execv(argv[0], argv);
    _exit(127);
  }
  int status;
  struct rusage ru;
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) return -1;
  }
  long long wall = now_us() - t0;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  printf("%d %lld %lld %ld\n", code, wall, tv_us(ru.ru_utime) + tv_us(ru.ru_stime),
         ru.ru_maxrss);
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 5 || strcmp(argv[3], "--") != 0) {
    fprintf(stderr, "usage: runner LISTFILE ERRFILE -- COMMAND [ARG...]\n");
    return 64;
  }
  FILE *list = fopen(argv[1], "r");
  int errfd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (!list || errfd < 0) {
    perror("runner");
    return 1;
  }
  char line[4096];
  while (fgets(line, sizeof line, list)) {
    line[strcspn(line, "\n")] = 0;
    if (!line[0]) continue;
    if (run_one(line, errfd, argv + 4) < 0) {
      perror("runner: fork/wait");
      return 1;
    }
  }
  fflush(stdout);
  return 0;
}
