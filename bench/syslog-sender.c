/*
 * Load generator for bench/syslog.ts: sends RFC 5424 syslog messages at a fixed rate over
 * UDP (sendmmsg, paced per millisecond), or as fast as the receiver takes them over TCP
 * (octet-counted). C, so the sender is not the bottleneck on a 2-core machine. Built by
 * bench/syslog.ts with `cc -O2`; prints "sent N seconds S" when done.
 *
 *   syslog-sender udp HOST PORT RATE SECONDS SIZE
 *   syslog-sender tcp HOST PORT COUNT SIZE
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 64

static double now_s(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

/* One message: a fixed header, the sequence number, padding up to size bytes. */
static int format_msg(char *out, size_t cap, unsigned long seq, int size) {
  static const char *apps[] = {"sshd", "nginx", "cron", "app"};
  int n = snprintf(out, cap,
                   "<%d>1 2024-03-10T12:%02lu:%02lu.%06luZ bench-host %s %lu - [meta seq=\"%lu\"] message %lu from the bench ",
                   128 + (int)(seq % 8), (seq / 60) % 60, seq % 60, seq % 1000000, apps[seq % 4], 1000 + seq % 50, seq, seq);
  while (n < size && (size_t)n < cap - 1) {
    out[n] = 'a' + (n % 26);
    n++;
  }
  out[n] = 0;
  return n;
}

static int udp(const char *host, int port, long rate, double seconds, int size) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &to.sin_addr);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }
  static char bufs[BATCH][2048];
  struct mmsghdr msgs[BATCH];
  struct iovec iov[BATCH];
  memset(msgs, 0, sizeof msgs);
  unsigned long seq = 0;
  long total = (long)(rate * seconds);
  double start = now_s();
  while ((long)seq < total) {
    /* How many should have been sent by now; send up to that, in batches. */
    double t = now_s() - start;
    long due = (long)(t * rate) + 1;
    if (due > total) due = total;
    while ((long)seq < due) {
      int k = 0;
      for (; k < BATCH && (long)seq + k < due; k++) {
        int len = format_msg(bufs[k], sizeof bufs[k], seq + k, size);
        iov[k].iov_base = bufs[k];
        iov[k].iov_len = len;
        msgs[k].msg_hdr.msg_iov = &iov[k];
        msgs[k].msg_hdr.msg_iovlen = 1;
      }
      int sent = sendmmsg(fd, msgs, k, 0);
      if (sent < 0) {
        if (errno == EAGAIN || errno == ENOBUFS || errno == ECONNREFUSED) continue;
        perror("sendmmsg");
        return 1;
      }
      seq += sent;
    }
    struct timespec ts = {0, 200000}; /* 0.2 ms */
    nanosleep(&ts, NULL);
  }
  printf("sent %lu seconds %.3f\n", seq, now_s() - start);
  return 0;
}

static int tcp(const char *host, int port, long count, int size) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(port)};
  inet_pton(AF_INET, host, &to.sin_addr);
  if (connect(fd, (struct sockaddr *)&to, sizeof to) < 0) { perror("connect"); return 1; }
  size_t cap = 1 << 20;
  char *buf = malloc(cap + 4096);
  char msg[2048];
  unsigned long seq = 0;
  double start = now_s();
  while ((long)seq < count) {
    size_t pos = 0;
    while (pos < cap && (long)seq < count) {
      int len = format_msg(msg, sizeof msg, seq++, size);
      pos += sprintf(buf + pos, "%d %s", len, msg);
    }
    size_t off = 0;
    while (off < pos) {
      ssize_t w = write(fd, buf + off, pos - off);
      if (w < 0) { perror("write"); return 1; }
      off += w;
    }
  }
  shutdown(fd, SHUT_WR);
  char sink[256];
  while (read(fd, sink, sizeof sink) > 0) {}
  printf("sent %lu seconds %.3f\n", seq, now_s() - start);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 7 && strcmp(argv[1], "udp") == 0) return udp(argv[2], atoi(argv[3]), atol(argv[4]), atof(argv[5]), atoi(argv[6]));
  if (argc >= 6 && strcmp(argv[1], "tcp") == 0) return tcp(argv[2], atoi(argv[3]), atol(argv[4]), atoi(argv[5]));
  fprintf(stderr, "usage: %s udp HOST PORT RATE SECONDS SIZE | tcp HOST PORT COUNT SIZE\n", argv[0]);
  return 2;
}
