/* The floor for LMTP delivery, used by bench/lmtp as "floor" (as
 * bench/baseline.c is for bench/deliver): the least a server must do per
 * message for the durability mailroom lmtp gives, and nothing else. One
 * process, a thread per connection (no fork, no privilege change, no
 * user lookup, no parsing, no added header fields):
 *
 *   LHLO, MAIL, RCPT (any address, all to the one Maildir), DATA read to
 *   its "." line, dot-unstuffed and CRLF turned into LF (as mailroom
 *   stores it); then per recipient, exactly mailroom's Maildir sequence
 *   (src/maildir/delivery.cpp): create tmp/<unique> with O_EXCL, write,
 *   fsync the file, link it into new/, fsync new/, unlink the tmp name;
 *   only then "250 2.0.0" for that recipient (RFC 2033 section 4.2).
 *   RSET, NOOP, QUIT; anything else 500.
 *
 * usage: lmtp_floor SOCKET MAILDIR   (MAILDIR with tmp/ and new/)
 * Listens on the Unix socket SOCKET (mode 0666) until killed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

static const char* maildir;
static char host[256] = "localhost";
static atomic_ulong sequence;

struct reader {
  int fd;
  char buf[65536];
  size_t start, end;
};

/* One line without its LF (a CR before it stays, the caller strips it);
 * NULL at the end of the connection. Lines longer than the buffer are cut. */
static char* read_line(struct reader* r, size_t* length) {
  for (;;) {
    char* lf = memchr(r->buf + r->start, '\n', r->end - r->start);
    if (lf != NULL) {
      char* line = r->buf + r->start;
      *length = (size_t)(lf - line);
      r->start = (size_t)(lf - r->buf) + 1;
      return line;
    }
    if (r->start > 0) {
      memmove(r->buf, r->buf + r->start, r->end - r->start);
      r->end -= r->start;
      r->start = 0;
    }
    if (r->end == sizeof r->buf) r->end = 0; /* an over-long line: drop it */
    ssize_t got = read(r->fd, r->buf + r->end, sizeof r->buf - r->end);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return NULL;
    r->end += (size_t)got;
  }
}

static int write_all(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return -1;
    p += w;
    n -= (size_t)w;
  }
  return 0;
}

static int reply(int fd, const char* text) { return write_all(fd, text, strlen(text)); }

/* mailroom's sequence, step by step; 0 when the message is durable in new/. */
static int store(const char* data, size_t size) {
  struct timeval tv;
  gettimeofday(&tv, NULL);
  char name[512], tmp[4096], dst[4096], newdir[4096];
  snprintf(name, sizeof name, "%lld.M%ldP%dQ%lu.%s", (long long)tv.tv_sec, (long)tv.tv_usec,
           (int)getpid(), atomic_fetch_add(&sequence, 1), host);
  snprintf(tmp, sizeof tmp, "%s/tmp/%s", maildir, name);
  snprintf(dst, sizeof dst, "%s/new/%s", maildir, name);
  snprintf(newdir, sizeof newdir, "%s/new", maildir);
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  if (write_all(fd, data, size) < 0 || fsync(fd) < 0) {
    close(fd);
    unlink(tmp);
    return -1;
  }
  if (close(fd) < 0 || link(tmp, dst) < 0) {
    unlink(tmp);
    return -1;
  }
  int dfd = open(newdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  int synced = dfd >= 0 && fsync(dfd) == 0;
  if (dfd >= 0) close(dfd);
  if (!synced) {
    unlink(dst);
    unlink(tmp);
    return -1;
  }
  unlink(tmp);
  return 0;
}

struct message {
  char* data;
  size_t size, capacity;
};

static void append(struct message* m, const char* p, size_t n) {
  if (m->size + n > m->capacity) {
    m->capacity = (m->size + n) * 2;
    m->data = realloc(m->data, m->capacity);
    if (m->data == NULL) abort();
  }
  memcpy(m->data + m->size, p, n);
  m->size += n;
}

/* DATA to its "." line: dot-unstuffed, each line ending in LF. */
static int read_data(struct reader* r, struct message* m) {
  m->size = 0;
  size_t length;
  char* line;
  while ((line = read_line(r, &length)) != NULL) {
    if (length > 0 && line[length - 1] == '\r') --length;
    if (length == 1 && line[0] == '.') return 0;
    if (length > 0 && line[0] == '.') ++line, --length;
    append(m, line, length);
    append(m, "\n", 1);
  }
  return -1;
}

static int starts(const char* line, size_t length, const char* verb) {
  size_t n = strlen(verb);
  return length >= n && strncasecmp(line, verb, n) == 0;
}

static void* serve(void* arg) {
  struct reader* r = calloc(1, sizeof *r);
  struct message m = {0};
  r->fd = (int)(long)arg;
  int recipients = 0;
  size_t length;
  char* line;
  reply(r->fd, "220 floor LMTP\r\n");
  while ((line = read_line(r, &length)) != NULL) {
    if (length > 0 && line[length - 1] == '\r') --length;
    int failed = 0;
    if (starts(line, length, "LHLO")) {
      failed = reply(r->fd, "250-floor\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n");
    } else if (starts(line, length, "MAIL")) {
      recipients = 0;
      failed = reply(r->fd, "250 2.1.0 OK\r\n");
    } else if (starts(line, length, "RCPT")) {
      ++recipients;
      failed = reply(r->fd, "250 2.1.5 OK\r\n");
    } else if (starts(line, length, "DATA")) {
      if (reply(r->fd, "354 go ahead\r\n") < 0 || read_data(r, &m) < 0) break;
      for (int i = 0; i < recipients && !failed; ++i)
        failed = reply(r->fd, store(m.data, m.size) == 0 ? "250 2.0.0 delivered\r\n"
                                                         : "451 4.3.0 not stored\r\n");
      recipients = 0;
    } else if (starts(line, length, "RSET") || starts(line, length, "NOOP")) {
      recipients = 0;
      failed = reply(r->fd, "250 2.0.0 OK\r\n");
    } else if (starts(line, length, "QUIT")) {
      reply(r->fd, "221 2.0.0 bye\r\n");
      break;
    } else {
      failed = reply(r->fd, "500 5.5.2 not understood\r\n");
    }
    if (failed) break;
  }
  close(r->fd);
  free(m.data);
  free(r);
  return NULL;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: lmtp_floor SOCKET MAILDIR\n");
    return 64;
  }
  maildir = argv[2];
  gethostname(host, sizeof host - 1);
  signal(SIGPIPE, SIG_IGN);
  int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_un address = {.sun_family = AF_UNIX};
  snprintf(address.sun_path, sizeof address.sun_path, "%s", argv[1]);
  unlink(argv[1]);
  if (listener < 0 || bind(listener, (struct sockaddr*)&address, sizeof address) < 0 ||
      chmod(argv[1], 0666) < 0 || listen(listener, 128) < 0) {
    perror("lmtp_floor: listen");
    return 75;
  }
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  for (;;) {
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) continue;
    pthread_t thread;
    if (pthread_create(&thread, &attr, serve, (void*)(long)fd) != 0) close(fd);
  }
}
