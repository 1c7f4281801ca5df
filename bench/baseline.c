/* The floor for one Maildir delivery, used by bench/deliver as the baseline:
 * read stdin, write it to tmp/<unique> (O_EXCL), fsync the file, link it
 * into new/, fsync new/, unlink the tmp name. No parsing, no headers, no
 * users, no config: what any correct MDA must pay at the least.
 *
 * usage: baseline MAILDIR < message       (MAILDIR with tmp/ and new/)
 * exit 0 delivered, 75 any failure (as an MDA would).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

static int fail(const char *what, const char *path) {
  fprintf(stderr, "baseline: %s %s: %s\n", what, path, strerror(errno));
  return 75;
}

/* write_all: the whole buffer, retrying short writes and EINTR. */
static int write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      return -1;
    }
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: baseline MAILDIR < message\n");
    return 64;
  }
  const char *md = argv[1];
  char host[256] = "localhost";
  gethostname(host, sizeof host - 1);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  char name[512], tmp[4096], dst[4096], newdir[4096];
  snprintf(name, sizeof name, "%lld.M%ldP%d.%s", (long long)tv.tv_sec, (long)tv.tv_usec,
           (int)getpid(), host);
  snprintf(tmp, sizeof tmp, "%s/tmp/%s", md, name);
  snprintf(dst, sizeof dst, "%s/new/%s", md, name);
  snprintf(newdir, sizeof newdir, "%s/new", md);

  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return fail("open", tmp);
  char buf[65536];
  for (;;) {
    ssize_t r = read(0, buf, sizeof buf);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return fail("read", "stdin");
    if (r == 0) break;
    if (write_all(fd, buf, (size_t)r) < 0) return fail("write", tmp);
  }
  if (fsync(fd) < 0) return fail("fsync", tmp);
  if (close(fd) < 0) return fail("close", tmp);
  if (link(tmp, dst) < 0) return fail("link", dst);
  int dfd = open(newdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0 || fsync(dfd) < 0) return fail("fsync", newdir);
  close(dfd);
  if (unlink(tmp) < 0) return fail("unlink", tmp);
  return 0;
}
