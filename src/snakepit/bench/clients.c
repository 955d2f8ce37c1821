/* The clients of `snakepit bench`, by the thousand, at a few microseconds a frame: players
   that steer and watchers that only read.

   The load generator must cost less per frame than the server it measures, or the bench
   measures the generator. A Python client spends about as much of its own core on each
   frame it reads as the server spends writing it (half of it in the kernel, which a reader
   cannot avoid), so on a machine with one spare core the clients' side is this program:
   epoll, one read per frame, and only what the bench needs of each message.

   Each connection: the WebSocket handshake on /ws, then a `hello`, then reading. The frames
   are wslay's (Debian's libwslay-dev, a small C WebSocket library; compile with -lwslay):
   its frame layer, which neither buffers messages nor checks their UTF-8, as a load
   generator need not; this program has no framing of its own, as Snakepit's Python
   clients have none but snakepit.websocket's. wslay reads at most 4 KB at a time; a
   longer payload is joined here. Of every text message it counts the bytes on the wire; of
   every `frame` message it also takes the time stamp `"at":MS` (the server's wall clock
   when the tick ran) and adds the delay until arrival to a histogram of 0.25 ms buckets
   (as snakepit.bench.histogram). Pings are answered with pongs; the server's close frame
   is answered and the socket closed.

   Watchers name their arena in the hello (pit-K, K = 1 + their number modulo ARENAS) and
   parse nothing else. Players send a hello without an arena (the server's matchmaking
   places them) and a `join`, and play as snakepit.bench.loadgen's players do: they learn
   the board's size from `welcome`, their snake from `spawned`, its head and heading from
   the frame that spawns it, then follow its head in each frame's `moves` (found by its
   `[ID,` there, nothing decoded), turn away from a border two cells ahead towards the side
   with more room, time each turn until the frame whose move shows it (the input-to-frame
   latency, a second histogram), and send `join` again after each `died`, and at the next
   frame after a join refused for want of room (`no-room`). Any other `error` message
   counts as an error.

   It never sleeps in epoll_wait: it takes what is ready and, when nothing is, sleeps
   POLL_US (250) microseconds. Over loopback the kernel delivers each write to the reader's
   socket on the writer's core, and a reader asleep in epoll_wait is woken from there, by an
   interrupt to the reader's core (on a virtual machine, an exit to the hypervisor): work on
   the server's core that no client across a network costs it. A blocking reader was woken
   5,000 times a second by the raw server and 12,000 times by Snakepit at 10,000 clients,
   and the wake-ups took 8 and 16 % of the server's core (docs/performance-log.md). Polling, it
   reads every socket within about a third of a millisecond of its data, for no more of
   its own core. (Compile with -DPOLL_US=0 for the blocking reader.)

   Usage: clients HOST PORT PLAYERS WATCHERS ARENAS FIRST
   Connections are numbered from FIRST: the players first (named pN), then the watchers
   (named sN). Talks to the controller on its standard streams: prints "ready N" once every
   connection is open (or has failed), then reads "go START END" (CLOCK_MONOTONIC seconds:
   the measuring window); after END it says goodbye to the server with close frames, waits
   up to 5 s for the answers, and prints one JSON line of results, as snakepit.bench.loadgen
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
#include <wslay/wslay.h>

#define BUCKETS 8000
#define BUCKET_MS 0.25
#define BATCH 200
#ifndef POLL_US
#define POLL_US 250
#endif

enum state { CONNECTING, HANDSHAKE, OPEN, CLOSING, DONE };

/* Headings, in the protocol's words; a turn from each goes to either of the other two. */
enum dir { UP, DOWN, LEFT, RIGHT, NONE };
static const char *const DIR_NAME[] = {"up", "down", "left", "right"};
static const int DX[] = {0, 0, -1, 1}, DY[] = {-1, 1, 0, 0};

/* A turn not seen in a frame within this many ms was not taken (say, a reversal after a
   bump): it is forgotten, not timed. */
#define TURN_GIVE_UP_MS 1000.0

struct conn {
    int fd;
    enum state state;
    int arena;   /* watchers: the pit-K they watch; players: 0 */
    int player;  /* 1: plays; 0: watches */
    int rejoin;  /* 1: its join was refused (no room): join again at the next frame */
    long snake;  /* the player's snake's id, -1 while it has none */
    int x, y;    /* its head, -1 -1 until a frame shows it */
    enum dir dir;
    enum dir turn; /* the turn sent and not yet seen, or NONE */
    double turn_ms;
    unsigned char *buf; /* the handshake's answer, then what came after it */
    size_t len, cap;
    wslay_frame_context_ptr ws; /* from the upgrade on */
    int drained;                /* the socket's last read took all there was */
    int ended;                  /* the socket reached its end (or an error) */
    unsigned char *msg;         /* the payload of the frame being read, so far */
    size_t msg_len, msg_cap;
};

static struct conn *conns;
static int count, players, arenas, first, epfd;
static int width = 60, height = 40;
static double window_start = 1e300, window_end = 1e300;
static long long frames, bytes_in, errors, closed_by_server, upgraded, failed, deaths;
static long long delays[BUCKETS], latencies[BUCKETS];

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

/* One final frame from the client (masked: see ws_mask), in one write (see ws_send). */
static void send_frame(struct conn *c, uint8_t opcode, const void *payload, size_t n) {
    if (c->ws == NULL || n > 255) return; /* nothing this program sends is longer */
    struct wslay_frame_iocb iocb = {.fin = 1, .opcode = opcode, .mask = 1, .payload_length = n,
                                    .data = payload, .data_length = n};
    /* wslay_frame_send returns the payload bytes it took (all of them: ws_send takes all)
       and leaves iocb as it was: once is the whole frame. */
    wslay_frame_send(c->ws, &iocb);
}

static void send_text(struct conn *c, const char *message) {
    send_frame(c, WSLAY_TEXT_FRAME, message, strlen(message));
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
    if (c->ws != NULL) wslay_frame_context_free(c->ws);
    c->ws = NULL;
    free(c->msg);
    c->msg = NULL;
    free(c->buf);
    c->buf = NULL;
    c->len = c->cap = 0;
}

static void add(long long *histogram, double ms) {
    long index = (long)(ms / BUCKET_MS);
    histogram[index < 0 ? 0 : index >= BUCKETS ? BUCKETS - 1 : index]++;
}

static int starts(const unsigned char *p, size_t n, const char *prefix) {
    size_t k = strlen(prefix);
    return n >= k && memcmp(p, prefix, k) == 0;
}

/* The integer after `key` in p[0, n) (the first occurrence), or `otherwise`. */
static long long number_after(const unsigned char *p, size_t n, const char *key,
                              long long otherwise) {
    size_t k = strlen(key);
    const unsigned char *at = memmem(p, n, key, k), *end = p + n;
    if (at == NULL) return otherwise;
    at += k;
    int minus = at < end && *at == '-';
    at += minus;
    if (at >= end || *at < '0' || *at > '9') return otherwise;
    long long value = 0;
    for (; at < end && *at >= '0' && *at <= '9'; at++) value = value * 10 + (*at - '0');
    return minus ? -value : value;
}

/* Reads "X,Y" at *at (advancing past it); 0 if it is not there. */
static int pair(const unsigned char **at, const unsigned char *end, int *x, int *y) {
    long v[2];
    for (int i = 0; i < 2; i++) {
        const unsigned char *q = *at;
        int minus = q < end && *q == '-';
        q += minus;
        if (q >= end || *q < '0' || *q > '9') return 0;
        long value = 0;
        for (; q < end && *q >= '0' && *q <= '9'; q++) value = value * 10 + (*q - '0');
        v[i] = minus ? -value : value;
        if (i == 0) {
            if (q >= end || *q != ',') return 0;
            q++;
        }
        *at = q;
    }
    *x = (int)v[0];
    *y = (int)v[1];
    return 1;
}

static void send_text(struct conn *c, const char *message);

/* Turn away from a border two cells ahead, towards the side with more room (the first of
   the two on a tie), unless a turn is still on its way. */
static void steer(struct conn *c) {
    int ahead_x = c->x + 2 * DX[c->dir], ahead_y = c->y + 2 * DY[c->dir];
    if (1 <= ahead_x && ahead_x < width - 1 && 1 <= ahead_y && ahead_y < height - 1) return;
    if (c->turn != NONE) return;
    enum dir turn;
    if (c->dir == UP || c->dir == DOWN) turn = c->x >= width - 1 - c->x ? LEFT : RIGHT;
    else turn = c->y >= height - 1 - c->y ? UP : DOWN;
    char message[64];
    snprintf(message, sizeof message, "{\"type\":\"turn\",\"dir\":\"%s\"}", DIR_NAME[turn]);
    send_text(c, message);
    c->turn = turn;
    c->turn_ms = wall_ms();
}

/* The snake's new head: its heading from the step, the turn on its way timed if the
   heading shows it, and steering. */
static void moved(struct conn *c, int x, int y) {
    if (c->x != -1 || c->y != -1) {
        for (int d = UP; d <= RIGHT; d++)
            if (x - c->x == DX[d] && y - c->y == DY[d]) c->dir = (enum dir)d;
    }
    c->x = x;
    c->y = y;
    if (c->turn != NONE) {
        double waited = wall_ms() - c->turn_ms;
        if (c->dir == c->turn) {
            if (measuring()) add(latencies, waited);
            c->turn = NONE;
        } else if (waited > TURN_GIVE_UP_MS) {
            c->turn = NONE;
        }
    }
    steer(c);
}

/* A player's look at a frame: its snake's spawn (head and heading) if the frame has one,
   then its move. JSON's quotes are escaped inside strings, so `{"id":N,` and `[N,` are
   entries, never a name's text. */
static void play(struct conn *c, const unsigned char *p, size_t n) {
    const unsigned char *end = p + n;
    char key[40];
    const unsigned char *spawns = memmem(p, n, "\"spawns\":[", 10);
    if (spawns != NULL) {
        int k = snprintf(key, sizeof key, "{\"id\":%ld,", c->snake);
        const unsigned char *mine = memmem(spawns, (size_t)(end - spawns), key, (size_t)k);
        if (mine != NULL) {
            const unsigned char *heading = memmem(mine, (size_t)(end - mine), "\"dir\":\"", 7);
            const unsigned char *body = memmem(mine, (size_t)(end - mine), "\"body\":[[", 9);
            if (heading != NULL && heading + 7 < end && body != NULL) {
                const unsigned char *at = body + 9;
                int x, y;
                for (int d = UP; d <= RIGHT; d++) {
                    size_t len = strlen(DIR_NAME[d]);
                    if ((size_t)(end - heading - 7) > len
                        && memcmp(heading + 7, DIR_NAME[d], len) == 0 && heading[7 + len] == '"')
                        c->dir = (enum dir)d;
                }
                if (pair(&at, end, &x, &y)) {
                    c->x = x;
                    c->y = y;
                }
            }
        }
    }
    const unsigned char *moves = memmem(p, n, "\"moves\":[", 9);
    if (moves == NULL) return;
    moves += 9;
    const unsigned char *last = memmem(moves, (size_t)(end - moves), "]]", 2);
    if (last == NULL) return;
    int k = snprintf(key, sizeof key, "[%ld,", c->snake);
    const unsigned char *mine = memmem(moves, (size_t)(last - moves), key, (size_t)k);
    if (mine == NULL) return; /* it did not move this tick */
    const unsigned char *at = mine + k;
    int x, y;
    if (pair(&at, end, &x, &y)) moved(c, x, y);
}

static void text(struct conn *c, const unsigned char *p, size_t n, size_t wire) {
    /* `wire`: the message's bytes on the wire, header included */
    int now = measuring();
    if (now) bytes_in += wire;
    if (starts(p, n, "{\"type\":\"frame\"")) {
        if (now) {
            frames++;
            long long stamp = number_after(p, n, "\"at\":", -1);
            if (stamp >= 0) add(delays, wall_ms() - (double)stamp);
        }
        if (c->player && c->snake >= 0) play(c, p, n);
        if (c->rejoin) {
            c->rejoin = 0;
            send_text(c, "{\"type\":\"join\"}");
        }
        return;
    }
    if (!c->player) return;
    if (starts(p, n, "{\"type\":\"welcome\"")) {
        width = (int)number_after(p, n, "\"width\":", width);
        height = (int)number_after(p, n, "\"height\":", height);
    } else if (starts(p, n, "{\"type\":\"spawned\"")) {
        c->snake = (long)number_after(p, n, "\"snake\":", -1);
        c->x = c->y = -1;
        c->turn = NONE;
    } else if (starts(p, n, "{\"type\":\"died\"")) {
        c->snake = -1;
        c->turn = NONE;
        deaths += now;
        send_text(c, "{\"type\":\"join\"}");
    } else if (starts(p, n, "{\"type\":\"error\"")) {
        /* A join refused for want of room is asked again at the next frame; any other
           error is one. */
        if (memmem(p, n, "\"code\":\"no-room\"", 16) != NULL) c->rejoin = 1;
        else errors++;
    }
}

/* wslay's callbacks: it reads and writes the socket through these. */
static ssize_t ws_recv(uint8_t *buf, size_t len, int flags, void *user) {
    (void)flags;
    struct conn *c = user;
    if (c->len > 0) { /* first what came with the handshake's answer */
        size_t n = c->len < len ? c->len : len;
        memcpy(buf, c->buf, n);
        memmove(c->buf, c->buf + n, c->len - n);
        c->len -= n;
        if (c->len == 0) { /* the buffer's work is done */
            free(c->buf);
            c->buf = NULL;
            c->cap = 0;
        }
        return (ssize_t)n;
    }
    if (c->drained) return -1; /* the last read took all there was: spare the system call */
    ssize_t got = read(c->fd, buf, len);
    if (got > 0) {
        c->drained = (size_t)got < len;
        return got;
    }
    if (!(got < 0 && (errno == EAGAIN || errno == EINTR))) c->ended = 1;
    return -1; /* wslay: nothing more to read now */
}

/* wslay hands over a frame's header (flagged WSLAY_MSG_MORE) and then its payload: both
   are gathered here and written at once, one system call a frame. Each piece is taken
   whole, whatever the write does: a failed write means the connection is going, which
   reading says (and wslay's frame layer is never left halfway through a frame). Nothing
   this program sends is longer than `out`. */
static ssize_t ws_send(const uint8_t *data, size_t len, int flags, void *user) {
    static uint8_t out[512];
    static size_t used;
    struct conn *c = user;
    if (used + len > sizeof out) len = sizeof out - used; /* never: see above */
    memcpy(out + used, data, len);
    used += len;
    if (!(flags & WSLAY_MSG_MORE)) {
        if (write(c->fd, out, used) < 0) { /* the connection is going: reading says so */ }
        used = 0;
    }
    return (ssize_t)len;
}

/* The mask is zero: RFC 6455 asks for a mask, and a load generator on 127.0.0.1 needs no
   protection from cache poisoning. */
static int ws_mask(uint8_t *buf, size_t len, void *user) {
    (void)user;
    memset(buf, 0, len);
    return 0;
}

static const struct wslay_frame_callbacks WS_CALLBACKS = {
    .recv_callback = ws_recv, .send_callback = ws_send, .genmask_callback = ws_mask,
};

/* A whole frame from the server. */
static void frame(struct conn *c, uint8_t opcode, const unsigned char *p, size_t n) {
    if (opcode == WSLAY_TEXT_FRAME) {
        text(c, p, n, n + (n < 126 ? 2 : n < 65536 ? 4 : 10));
    } else if (opcode == WSLAY_PING) {
        send_frame(c, WSLAY_PONG, p, n);
    } else if (opcode == WSLAY_CONNECTION_CLOSE) { /* the server's, or its answer to ours */
        if (c->state == OPEN) {
            if (measuring()) closed_by_server++;
            send_frame(c, WSLAY_CONNECTION_CLOSE, p, n < 2 ? n : 2);
        }
        c->state = CLOSING;
        finish(c);
    }
}

/* Every frame readable now. A frame's payload may come in pieces; a text frame is parsed
   where it lies when it came whole (the usual case), else once its pieces are joined. */
static void frames_in(struct conn *c) {
    c->drained = 0;
    while (c->state == OPEN || c->state == CLOSING) {
        struct wslay_frame_iocb iocb;
        ssize_t r = wslay_frame_recv(c->ws, &iocb);
        if (r == WSLAY_ERR_WANT_READ) break;
        if (r < 0 || iocb.payload_length > (64u << 20)) { /* a broken stream */
            errors++;
            c->state = CLOSING;
            finish(c);
            return;
        }
        if (c->msg_len == 0 && iocb.data_length == iocb.payload_length) {
            frame(c, iocb.opcode, iocb.data, iocb.data_length);
            continue;
        }
        if (c->msg_len + iocb.data_length > c->msg_cap) {
            c->msg_cap = c->msg_len + iocb.data_length;
            c->msg = realloc(c->msg, c->msg_cap);
            if (c->msg == NULL) { perror("realloc"); exit(1); }
        }
        memcpy(c->msg + c->msg_len, iocb.data, iocb.data_length);
        c->msg_len += iocb.data_length;
        if (c->msg_len == iocb.payload_length) {
            c->msg_len = 0;
            frame(c, iocb.opcode, c->msg, (size_t)iocb.payload_length);
        }
    }
    if (c->ended && c->state != DONE) finish(c);
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
    c->len -= used; /* what is left, frames, wslay takes first (see ws_recv) */
    if (c->len == 0) {
        free(c->buf);
        c->buf = NULL;
        c->cap = 0;
    }
    if (wslay_frame_context_init(&c->ws, &WS_CALLBACKS, c) != 0) {
        fprintf(stderr, "clients: out of memory\n");
        exit(1);
    }
    c->state = OPEN;
    upgraded++;
    char hello[128];
    int number = first + (int)(c - conns);
    if (c->player) {
        snprintf(hello, sizeof hello, "{\"type\":\"hello\",\"protocol\":1,\"name\":\"p%d\"}",
                 number);
        send_text(c, hello);
        send_text(c, "{\"type\":\"join\"}");
    } else {
        snprintf(hello, sizeof hello,
                 "{\"type\":\"hello\",\"protocol\":1,\"name\":\"s%d\",\"arena\":\"pit-%d\"}",
                 number, c->arena);
        send_text(c, hello);
    }
    frames_in(c);
}

static void readable(struct conn *c) {
    if (c->state == OPEN || c->state == CLOSING) { /* wslay reads the socket itself */
        frames_in(c);
        return;
    }
    for (;;) { /* the handshake's answer */
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
        handshake_in(c); /* which reads the frames that came with it */
        finish(c);
        return;
    }
    handshake_in(c);
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

/* Serve the events there are; with none, sleep POLL_US microseconds (or, with POLL_US 0,
   wait up to `timeout` ms in epoll_wait). */
static void poll_once(int timeout, const char *host, int port) {
    struct epoll_event events[512];
    int n = epoll_wait(epfd, events, 512, POLL_US > 0 ? 0 : timeout);
    if (n == 0 && POLL_US > 0) {
        struct timespec pause = {.tv_sec = 0, .tv_nsec = POLL_US * 1000L};
        nanosleep(&pause, NULL);
        return;
    }
    for (int i = 0; i < n; i++) {
        struct conn *c = events[i].data.ptr;
        if (c->state == CONNECTING) connected(c, host, port);
        else if (c->state != DONE) readable(c);
    }
}

/* A histogram as snakepit.bench.histogram's sparse JSON: bucket index -> count. */
static void print_histogram(const long long *histogram) {
    const char *comma = "";
    printf("{");
    for (int i = 0; i < BUCKETS; i++)
        if (histogram[i]) {
            printf("%s\"%d\": %lld", comma, i, histogram[i]);
            comma = ", ";
        }
    printf("}");
}

static int settled(void) { return upgraded + failed >= count; }

int main(int argc, char **argv) {
    if (argc != 7) {
        fprintf(stderr, "usage: %s HOST PORT PLAYERS WATCHERS ARENAS FIRST\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    players = atoi(argv[3]);
    count = players + atoi(argv[4]);
    arenas = atoi(argv[5]) > 0 ? atoi(argv[5]) : 1;
    first = atoi(argv[6]);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    if (inet_pton(AF_INET, host, &addr.sin_addr) != 1) {
        fprintf(stderr, "clients: %s is not an IPv4 address\n", host);
        return 2;
    }
    conns = calloc((size_t)(count > 0 ? count : 1), sizeof *conns);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    for (int i = 0; i < count; i++) {
        struct conn *c = &conns[i];
        c->player = i < players;
        c->arena = c->player ? 0 : (first + i) % arenas + 1;
        c->snake = -1;
        c->x = c->y = -1;
        c->dir = UP;
        c->turn = NONE;
    }

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
            send_frame(&conns[i], WSLAY_CONNECTION_CLOSE, code, 2);
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

    printf("{\"clients\": %lld, \"players\": %d, \"spectators\": %d, \"began\": %.6f, "
           "\"ended\": %.6f, \"frames\": %lld, \"bytes\": %lld, \"deaths\": %lld, "
           "\"errors\": %lld, \"closed_by_server\": %lld, \"latency\": ",
           upgraded, players, count - players, window_start, window_end, frames, bytes_in,
           deaths, errors, closed_by_server);
    print_histogram(latencies);
    printf(", \"delay\": ");
    print_histogram(delays);
    printf("}\n");
    return 0;
}
