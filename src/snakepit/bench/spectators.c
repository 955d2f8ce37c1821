/* Watching clients for `snakepit bench`, by the thousand, at a few microseconds a frame.

   The load generator must cost less per frame than the server it measures, or the bench
   measures the generator. A Python client spends about as much of its own core on each
   frame it reads as the server spends writing it (half of it in the kernel, which a reader
   cannot avoid), so on a machine with one spare core the watchers' side is this program:
   epoll, one read per frame, and only what the bench needs of each message.

   Each connection: the WebSocket handshake on /ws, a `hello` for arena pit-K, then reading.
   Of every text message it counts the bytes on the wire; of every `frame` message it also
   takes the time stamp `"at":MS` (the server's wall clock when the tick ran) and adds the
   delay until arrival to a histogram of 0.25 ms buckets (as snakepit.bench.histogram).
   Pings are answered with pongs; the server's close frame is answered and the socket
   closed. Nothing else is parsed.

   Usage: spectators HOST PORT COUNT ARENAS FIRST
   Talks to the controller on its standard streams: prints "ready" once every connection
   is open (or has failed), then reads "go START END" (CLOCK_MONOTONIC seconds: the
   measuring window); after END it says goodbye to the server with close frames, waits up
   to 5 s for the answers, and prints one JSON line of results, as snakepit.bench.loadgen
   does. */

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BUCKETS 8000
#define BUCKET_MS 0.25
#define BATCH 200

enum state { CONNECTING, HANDSHAKE, OPEN, CLOSING, DONE };

struct conn {
    int fd;
    enum state state;
    int arena;
    unsigned char *buf;
    size_t len, cap;
};

static struct conn *conns;
static int count, arenas, first, epfd;
static double window_start = 1e300, window_end = 1e300;
static long long frames, bytes_in, errors, closed_by_server, upgraded, failed;
static long long histogram[BUCKETS];

static double monotonic(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec / 1e9;
}

static double wall_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int measuring(void) {
    double now = monotonic();
    return now >= window_start && now < window_end;
}

/* A masked frame from the client (the mask is zero: RFC 6455 asks for a mask, and a load
   generator on 127.0.0.1 needs no protection from cache poisoning). */
static void send_frame(struct conn *c, unsigned char opcode, const void *payload, size_t n) {
    unsigned char out[8 + 256];
    size_t head = 2;
    if (n > 125) {
        if (n > 255) return; /* nothing this program sends is longer */
        out[1] = 0x80 | 126;
        out[2] = (unsigned char)(n >> 8);
        out[3] = (unsigned char)n;
        head = 4;
    } else {
        out[1] = (unsigned char)(0x80 | n);
    }
    out[0] = 0x80 | opcode;
    memset(out + head, 0, 4);
    memcpy(out + head + 4, payload, n);
    if (write(c->fd, out, head + 4 + n) < 0) { /* the connection is going: reading says so */ }
}

static void finish(struct conn *c) {
    if (c->state == DONE) return;
    if (c->state == CONNECTING || c->state == HANDSHAKE) { /* never upgraded: a failure */
        errors++;
        failed++;
    }
    if (c->state == OPEN && measuring()) closed_by_server++;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->state = DONE;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static void text(const unsigned char *p, size_t n, size_t wire) {
    /* `wire`: the message's bytes on the wire, header included */
    static const char frame[] = "{\"type\":\"frame\"";
    if (!measuring()) return;
    bytes_in += wire;
    if (n < sizeof frame - 1 || memcmp(p, frame, sizeof frame - 1) != 0) return;
    frames++;
    const unsigned char *at = memmem(p, n, "\"at\":", 5);
    if (at == NULL) return;
    long long stamp = 0;
    for (at += 5; at < p + n && *at >= '0' && *at <= '9'; at++) stamp = stamp * 10 + (*at - '0');
    long index = (long)((wall_ms() - (double)stamp) / BUCKET_MS);
    histogram[index < 0 ? 0 : index >= BUCKETS ? BUCKETS - 1 : index]++;
}

/* Every whole frame in the buffer; what is left is the start of the next one. */
static void frames_in(struct conn *c) {
    size_t at = 0;
    while (c->len - at >= 2 && c->state != DONE) {
        unsigned char *b = c->buf + at;
        unsigned opcode = b[0] & 0x0F;
        uint64_t n = b[1] & 0x7F;
        size_t head = 2;
        if (n == 126) {
            if (c->len - at < 4) break;
            n = ((uint64_t)b[2] << 8) | b[3];
            head = 4;
        } else if (n == 127) {
            if (c->len - at < 10) break;
            n = 0;
            for (int i = 0; i < 8; i++) n = (n << 8) | b[2 + i];
            head = 10;
        }
        if (n > (64u << 20)) { /* no server message is this long: a broken stream */
            errors++;
            c->state = CLOSING;
            finish(c);
            return;
        }
        if (c->len - at < head + n) break;
        unsigned char *payload = b + head;
        if (opcode == 0x1) {
            text(payload, n, head + n);
        } else if (opcode == 0x9) {
            send_frame(c, 0xA, payload, n < 125 ? n : 125);
        } else if (opcode == 0x8) { /* the server's close, or its answer to ours */
            if (c->state == OPEN) {
                if (measuring()) closed_by_server++;
                send_frame(c, 0x8, payload, n < 2 ? n : 2);
            }
            c->state = CLOSING;
            at += head + n;
            finish(c);
            return;
        }
        at += head + n;
    }
    memmove(c->buf, c->buf + at, c->len - at);
    c->len -= at;
}

static void handshake_in(struct conn *c) {
    unsigned char *end = memmem(c->buf, c->len, "\r\n\r\n", 4);
    if (end == NULL) return;
    if (c->len < 12 || memcmp(c->buf, "HTTP/1.1 101", 12) != 0) {
        finish(c); /* refused (a 4xx or 5xx): counted as a failure there */
        return;
    }
    size_t used = (size_t)(end + 4 - c->buf);
    memmove(c->buf, c->buf + used, c->len - used);
    c->len -= used;
    c->state = OPEN;
    upgraded++;
    char hello[128];
    int n = snprintf(hello, sizeof hello,
                     "{\"type\":\"hello\",\"protocol\":1,\"name\":\"s%d\",\"arena\":\"pit-%d\"}",
                     first + (int)(c - conns), c->arena);
    send_frame(c, 0x1, hello, (size_t)n);
    frames_in(c);
}

static void readable(struct conn *c) {
    for (;;) {
        if (c->cap - c->len < 4096) {
            c->cap = c->cap ? c->cap * 2 : 8192;
            c->buf = realloc(c->buf, c->cap);
            if (c->buf == NULL) { perror("realloc"); exit(1); }
        }
        size_t room = c->cap - c->len;
        ssize_t got = read(c->fd, c->buf + c->len, room);
        if (got > 0) {
            c->len += (size_t)got;
            if ((size_t)got < room) break; /* all there was, for now */
            continue;
        }
        if (got < 0 && (errno == EAGAIN || errno == EINTR)) break;
        /* End of stream, or an error: what came before it still counts. */
        if (c->state == HANDSHAKE) handshake_in(c);
        else if (c->state == OPEN || c->state == CLOSING) frames_in(c);
        finish(c);
        return;
    }
    if (c->state == HANDSHAKE) handshake_in(c);
    else if (c->state == OPEN || c->state == CLOSING) frames_in(c);
}

static void connected(struct conn *c, const char *host, int port) {
    int problem = 0;
    socklen_t size = sizeof problem;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &problem, &size);
    if (problem != 0) {
        finish(c); /* counted as a failure there */
        return;
    }
    char request[256];
    int n = snprintf(request, sizeof request,
                     "GET /ws HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                     "Connection: Upgrade\r\nSec-WebSocket-Key: c25ha2VwaXQtYmVuY2gtMA==\r\n"
                     "Sec-WebSocket-Version: 13\r\n\r\n", host, port);
    if (write(c->fd, request, (size_t)n) != n) {
        finish(c); /* counted as a failure there */
        return;
    }
    c->state = HANDSHAKE;
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
}

static void start(struct conn *c, struct sockaddr_in *addr) {
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (c->fd < 0) { perror("socket"); exit(1); }
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    c->state = CONNECTING;
    if (connect(c->fd, (struct sockaddr *)addr, sizeof *addr) < 0 && errno != EINPROGRESS) {
        perror("connect");
        exit(1);
    }
    struct epoll_event ev = {.events = EPOLLOUT, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev);
}

/* Serve events for up to `timeout` ms. */
static void poll_once(int timeout, const char *host, int port) {
    struct epoll_event events[512];
    int n = epoll_wait(epfd, events, 512, timeout);
    for (int i = 0; i < n; i++) {
        struct conn *c = events[i].data.ptr;
        if (c->state == CONNECTING) connected(c, host, port);
        else if (c->state != DONE) readable(c);
    }
}

static int settled(void) { return upgraded + failed >= count; }

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT COUNT ARENAS FIRST\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    count = atoi(argv[3]);
    arenas = atoi(argv[4]) > 0 ? atoi(argv[4]) : 1;
    first = atoi(argv[5]);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "spectators: %s is not an IPv4 address\n", host);
        return 2;
    }
    conns = calloc((size_t)(count > 0 ? count : 1), sizeof *conns);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < count; i++) conns[i].arena = (first + i) % arenas + 1;

    int started = 0;
    double give_up = monotonic() + 120;
    while (!settled() && monotonic() < give_up) {
        while (started < count && started - (int)(upgraded + failed) < BATCH)
            start(&conns[started++], &addr);
        poll_once(10, host, port);
    }
    printf("ready %lld\n", upgraded);
    fflush(stdout);

    /* The window comes on standard input; the connections are served meanwhile. */
    int flags = fcntl(0, F_GETFL);
    fcntl(0, F_SETFL, flags | O_NONBLOCK);
    struct epoll_event in = {.events = EPOLLIN, .data.ptr = NULL};
    char line[256];
    size_t used = 0;
    int have_window = 0;
    int stdin_fd = epoll_create1(EPOLL_CLOEXEC);
    epoll_ctl(stdin_fd, EPOLL_CTL_ADD, 0, &in);
    while (!have_window) {
        struct epoll_event ev;
        if (epoll_wait(stdin_fd, &ev, 1, 0) > 0) {
            ssize_t got = read(0, line + used, sizeof line - 1 - used);
            if (got <= 0) return 1; /* the controller is gone */
            used += (size_t)got;
            line[used] = 0;
            if (strchr(line, '\n') != NULL) {
                if (sscanf(line, "go %lf %lf", &window_start, &window_end) != 2) return 2;
                have_window = 1;
            }
        }
        poll_once(10, host, port);
    }
    while (monotonic() < window_end) poll_once(5, host, port);

    for (int i = 0; i < count; i++) /* goodbye, and wait (a little) for the answers */
        if (conns[i].state == OPEN) {
            unsigned char code[2] = {1000 >> 8, 1000 & 0xFF};
            send_frame(&conns[i], 0x8, code, 2);
            conns[i].state = CLOSING;
        }
    double deadline = monotonic() + 5;
    for (;;) {
        int open = 0;
        for (int i = 0; i < count; i++) open += conns[i].state != DONE;
        if (open == 0 || monotonic() > deadline) break;
        poll_once(20, host, port);
    }
    for (int i = 0; i < count; i++) finish(&conns[i]);

    printf("{\"clients\": %lld, \"players\": 0, \"spectators\": %d, \"began\": %.6f, "
           "\"ended\": %.6f, \"frames\": %lld, \"bytes\": %lld, \"deaths\": 0, "
           "\"errors\": %lld, \"closed_by_server\": %lld, \"latency\": {}, \"delay\": {",
           upgraded, count, window_start, window_end, frames, bytes_in, errors,
           closed_by_server);
    const char *comma = "";
    for (int i = 0; i < BUCKETS; i++)
        if (histogram[i]) {
            printf("%s\"%d\": %lld", comma, i, histogram[i]);
            comma = ", ";
        }
    printf("}}\n");
    return 0;
}
