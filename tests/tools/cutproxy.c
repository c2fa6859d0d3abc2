/*
 * cutproxy: a loopback TCP proxy that breaks the network on command, for
 * the sync fault tests (tests/integration/sync_faults_net.sh).
 *
 *   cutproxy --to PORT --control FIFO [--log FILE] [--lifetime SECONDS]
 *
 * Listens on 127.0.0.1 on a port the kernel picks, prints that port on the
 * first line of standard output, and forwards every connection to
 * 127.0.0.1:PORT. Commands come one per line through FIFO (made by the
 * caller with mkfifo; the proxy holds it open, so writers never see it
 * closed):
 *
 *   pass        forward normally (the start; also ends every mode below)
 *   cut         reset every open connection now, both sides; the mode stays
 *   blackhole   open and new connections are accepted but never answered
 *               and never forwarded: what the client sends is read and
 *               dropped, the server's side is closed
 *   drop        stop accepting; the accept queue is filled, so new
 *               connects get no SYN-ACK and time out at connect
 *   reset       new connections are reset as soon as they are accepted
 *   cut-up N    a connection is reset once N bytes have gone client to
 *               server (exactly N are forwarded: the cut is mid-request)
 *   cut-down N  a connection is reset once N bytes have come back from the
 *               server (the request went through, its answer is lost)
 *   slow N      answers come back at N bytes per second (a slow line);
 *               "pass" ends it
 *
 * Every event is a line in FILE (default: standard error), with the
 * milliseconds since start:
 *   T cmd N TEXT              command N done (tests wait for it)
 *   T accept C [MODE]         connection C accepted (MODE: blackhole, reset)
 *   T close C by client|server up=U down=D
 *   T cut C up=U down=D       reset by the proxy
 * The proxy ends on SIGTERM, or by itself after --lifetime seconds (default
 * 600), so a test that dies cannot leave it running for long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64
#define BUF_SIZE (64 * 1024)
#define MAX_FILLERS 64

enum mode { M_PASS, M_BLACKHOLE, M_DROP, M_RESET };

struct pipe_buf {
	char data[BUF_SIZE];
	size_t len, off;
	long long total;     /* bytes read from the source so far */
	bool eof;            /* the source has ended */
	bool shut;           /* the end was passed on (shutdown of the sink) */
};

struct conn {
	bool used;
	int id;
	int cfd, sfd;        /* client, server (-1 once closed or never opened) */
	bool hole;           /* black-holed: nothing is forwarded */
	struct pipe_buf up, down;
	long long t0_ms;     /* accepted at, for "slow" */
};

static struct conn conns[MAX_CONNS];
static FILE *logfp;
static struct timespec t_start;
static int next_id = 1;
static int upstream_port;
static enum mode mode = M_PASS;
static long long cut_up = -1, cut_down = -1;
static long long slow_bps = -1;   /* "slow": answers' bytes per second */
static int fillers[MAX_FILLERS];
static int nfillers;
static struct sockaddr_in self_addr;

static void logline(const char *fmt, ...)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	long long ms = (now.tv_sec - t_start.tv_sec) * 1000LL + (now.tv_nsec - t_start.tv_nsec) / 1000000;
	fprintf(logfp, "%lld ", ms);
	va_list ap;
	va_start(ap, fmt);
	vfprintf(logfp, fmt, ap);
	va_end(ap);
	fputc('\n', logfp);
	fflush(logfp);
}

static long long now_ms(void)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t_start.tv_sec) * 1000LL + (now.tv_nsec - t_start.tv_nsec) / 1000000;
}

static void die(const char *what)
{
	fprintf(stderr, "cutproxy: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);
	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		die("fcntl");
}

/* Close with an RST rather than a FIN. */
static void hard_close(int fd)
{
	if (fd < 0)
		return;
	struct linger l = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
	close(fd);
}

static void conn_end(struct conn *c, bool cut, const char *by)
{
	if (cut) {
		hard_close(c->cfd);
		hard_close(c->sfd);
		logline("cut %d up=%lld down=%lld", c->id, c->up.total, c->down.total);
	} else {
		if (c->cfd >= 0)
			close(c->cfd);
		if (c->sfd >= 0)
			close(c->sfd);
		logline("close %d by %s up=%lld down=%lld", c->id, by, c->up.total, c->down.total);
	}
	c->used = false;
}

/* Stop forwarding: the server's side goes, the client's stays, unanswered. */
static void make_hole(struct conn *c)
{
	c->hole = true;
	if (c->sfd >= 0)
		close(c->sfd);
	c->sfd = -1;
	c->up.len = c->up.off = 0;
	c->down.len = c->down.off = 0;
}

static int connect_upstream(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)upstream_port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
		close(fd);
		return -1;
	}
	nonblock(fd);
	return fd;
}

/* True when fd is the server end of one of our own filler connections. */
static bool is_filler(int fd)
{
	struct sockaddr_in peer;
	socklen_t len = sizeof peer;
	if (getpeername(fd, (struct sockaddr *)&peer, &len) != 0)
		return false;
	for (int i = 0; i < nfillers; i++) {
		struct sockaddr_in local;
		socklen_t ll = sizeof local;
		if (getsockname(fillers[i], (struct sockaddr *)&local, &ll) == 0 &&
		    local.sin_port == peer.sin_port)
			return true;
	}
	return false;
}

static void accept_one(int lfd)
{
	int cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (cfd < 0)
		return;
	if (is_filler(cfd)) {
		close(cfd);
		return;
	}
	int id = next_id++;
	if (mode == M_RESET) {
		logline("accept %d reset", id);
		hard_close(cfd);
		return;
	}
	struct conn *c = NULL;
	for (int i = 0; i < MAX_CONNS && !c; i++)
		if (!conns[i].used)
			c = &conns[i];
	if (!c) {
		logline("accept %d refused (too many connections)", id);
		hard_close(cfd);
		return;
	}
	memset(c, 0, sizeof *c);
	c->used = true;
	c->id = id;
	c->t0_ms = now_ms();
	c->cfd = cfd;
	c->sfd = -1;
	if (mode == M_BLACKHOLE) {
		c->hole = true;
		logline("accept %d blackhole", id);
		return;
	}
	c->sfd = connect_upstream();
	logline("accept %d", id);
	if (c->sfd < 0)
		conn_end(c, true, "proxy");
}

/* Fill the listening socket's accept queue with connections to ourselves:
 * a full queue makes the kernel drop new SYNs. */
static void fill_queue(void)
{
	while (nfillers < MAX_FILLERS) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		struct timeval tv = { 0, 150000 };
		setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		int rc = connect(fd, (struct sockaddr *)&self_addr, sizeof self_addr);
		fillers[nfillers++] = fd;
		if (rc != 0)
			break; /* no SYN-ACK within 150 ms: the queue is full */
	}
}

static void empty_queue(int lfd)
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd < 0)
			break;
		if (is_filler(fd)) {
			close(fd);
			continue;
		}
		/* A real client that got in: forward it as usual. */
		int id = next_id++;
		struct conn *c = NULL;
		for (int i = 0; i < MAX_CONNS && !c; i++)
			if (!conns[i].used)
				c = &conns[i];
		if (!c) {
			hard_close(fd);
			continue;
		}
		memset(c, 0, sizeof *c);
		c->used = true;
		c->id = id;
		c->t0_ms = now_ms();
		c->cfd = fd;
		c->sfd = connect_upstream();
		logline("accept %d", id);
		if (c->sfd < 0)
			conn_end(c, true, "proxy");
	}
	for (int i = 0; i < nfillers; i++)
		close(fillers[i]);
	nfillers = 0;
}

static void command(char *line, int lfd)
{
	static int n;
	char *nl = strchr(line, '\n');
	if (nl)
		*nl = '\0';
	if (!*line)
		return;
	long long v = -1;
	char word[32] = "";
	sscanf(line, "%31s %lld", word, &v);
	enum mode was = mode;
	if (strcmp(word, "pass") == 0 || strcmp(word, "heal") == 0) {
		mode = M_PASS;
		cut_up = cut_down = slow_bps = -1;
	} else if (strcmp(word, "cut") == 0) {
		for (int i = 0; i < MAX_CONNS; i++)
			if (conns[i].used)
				conn_end(&conns[i], true, "proxy");
	} else if (strcmp(word, "blackhole") == 0) {
		mode = M_BLACKHOLE;
		for (int i = 0; i < MAX_CONNS; i++)
			if (conns[i].used)
				make_hole(&conns[i]);
	} else if (strcmp(word, "drop") == 0) {
		mode = M_DROP;
	} else if (strcmp(word, "reset") == 0) {
		mode = M_RESET;
	} else if (strcmp(word, "cut-up") == 0 && v >= 0) {
		cut_up = v;
	} else if (strcmp(word, "cut-down") == 0 && v >= 0) {
		cut_down = v;
	} else if (strcmp(word, "slow") == 0 && v > 0) {
		slow_bps = v;
	} else {
		logline("cmd ? unknown: %s", line);
		return;
	}
	if (was == M_DROP && mode != M_DROP)
		empty_queue(lfd);
	if (mode == M_DROP && was != M_DROP)
		fill_queue();
	logline("cmd %d %s", ++n, line);
}

/* Move bytes from `from` into b, then from b to `to`. False when the
 * connection must end (error); *cut when a byte limit was reached. */
static bool pump(int from, int to, struct pipe_buf *b, long long limit, long long allow, bool *cut)
{
	if (b->len == 0 && !b->eof && from >= 0) {
		size_t room = BUF_SIZE;
		if (limit >= 0 && limit - b->total < (long long)room)
			room = (size_t)(limit - b->total);
		if (allow >= 0 && allow < (long long)room)
			room = (size_t)allow;
		if (room > 0) {
			ssize_t n = read(from, b->data, room);
			if (n > 0) {
				b->len = (size_t)n;
				b->off = 0;
				b->total += n;
			} else if (n == 0) {
				b->eof = true;
			} else if (errno != EAGAIN && errno != EINTR) {
				return false;
			}
		}
	}
	while (b->off < b->len && to >= 0) {
		ssize_t n = send(to, b->data + b->off, b->len - b->off, MSG_NOSIGNAL);
		if (n > 0) {
			b->off += (size_t)n;
		} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
			break;
		} else {
			return false;
		}
	}
	if (b->off == b->len)
		b->len = b->off = 0;
	if (limit >= 0 && b->total >= limit && b->len == 0)
		*cut = true;
	if (b->eof && b->len == 0 && !b->shut && to >= 0) {
		shutdown(to, SHUT_WR);
		b->shut = true;
	}
	return true;
}

/* How many answer bytes may be read now under "slow" (-1: any). */
static long long down_allow(const struct conn *c)
{
	if (slow_bps <= 0)
		return -1;
	long long allowed = slow_bps * (now_ms() - c->t0_ms) / 1000 + slow_bps / 20;
	return allowed > c->down.total ? allowed - c->down.total : 0;
}

static volatile sig_atomic_t stopping;
static void on_term(int sig)
{
	(void)sig;
	stopping = 1;
}

int main(int argc, char **argv)
{
	const char *control = NULL, *logpath = NULL;
	long lifetime = 600;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--to") == 0 && i + 1 < argc)
			upstream_port = atoi(argv[++i]);
		else if (strcmp(argv[i], "--control") == 0 && i + 1 < argc)
			control = argv[++i];
		else if (strcmp(argv[i], "--log") == 0 && i + 1 < argc)
			logpath = argv[++i];
		else if (strcmp(argv[i], "--lifetime") == 0 && i + 1 < argc)
			lifetime = atol(argv[++i]);
		else
			upstream_port = 0, i = argc;
	}
	if (upstream_port <= 0 || upstream_port > 65535 || !control) {
		fprintf(stderr, "usage: cutproxy --to PORT --control FIFO [--log FILE] [--lifetime SECONDS]\n");
		return 2;
	}
	clock_gettime(CLOCK_MONOTONIC, &t_start);
	logfp = logpath ? fopen(logpath, "a") : stderr;
	if (!logfp)
		die(logpath);
	signal(SIGPIPE, SIG_IGN);
	struct sigaction sa = { .sa_handler = on_term };
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	alarm((unsigned)lifetime);

	int cfd = open(control, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (cfd < 0)
		die(control);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0)
		die("socket");
	int one = 1;
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a = { .sin_family = AF_INET };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t alen = sizeof a;
	/* A short queue: "drop" fills it with a few connections of its own. */
	if (bind(lfd, (struct sockaddr *)&a, sizeof a) != 0 || listen(lfd, 4) != 0 ||
	    getsockname(lfd, (struct sockaddr *)&a, &alen) != 0)
		die("listen");
	self_addr = a;
	nonblock(lfd);
	printf("%d\n", ntohs(a.sin_port));
	fflush(stdout);

	char cbuf[4096];
	size_t clen = 0;
	while (!stopping) {
		struct pollfd p[2 + 2 * MAX_CONNS];
		int np = 0;
		p[np++] = (struct pollfd){ .fd = cfd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = mode == M_DROP ? -1 : lfd, .events = POLLIN };
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			short ce = 0, se = 0;
			if (c->used) {
				if (c->hole || (c->up.len == 0 && !c->up.eof))
					ce |= POLLIN;
				if (!c->hole && c->down.len)
					ce |= POLLOUT;
				if (!c->hole && c->down.len == 0 && !c->down.eof && down_allow(c) != 0)
					se |= POLLIN;
				if (!c->hole && c->up.len)
					se |= POLLOUT;
			}
			p[np++] = (struct pollfd){ .fd = c->used ? c->cfd : -1, .events = ce };
			p[np++] = (struct pollfd){ .fd = c->used && !c->hole ? c->sfd : -1, .events = se };
		}
		if (poll(p, (nfds_t)np, slow_bps > 0 ? 20 : 1000) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		/* Commands first: one sent before a connect applies to it. */
		if (p[0].revents & POLLIN) {
			ssize_t n = read(cfd, cbuf + clen, sizeof cbuf - 1 - clen);
			if (n > 0) {
				clen += (size_t)n;
				cbuf[clen] = '\0';
				char *start = cbuf, *nl;
				while ((nl = strchr(start, '\n'))) {
					*nl = '\0';
					command(start, lfd);
					start = nl + 1;
				}
				clen = strlen(start);
				memmove(cbuf, start, clen);
				if (clen == sizeof cbuf - 1)
					clen = 0;
			}
			continue; /* the poll set may be stale now */
		}
		if (p[1].revents & POLLIN)
			accept_one(lfd);
		for (int i = 0; i < MAX_CONNS; i++) {
			struct conn *c = &conns[i];
			short ce = p[2 + 2 * i].revents, se = p[3 + 2 * i].revents;
			if (!c->used || (!ce && !se))
				continue;
			if (c->hole) {
				char sink[BUF_SIZE];
				ssize_t n = read(c->cfd, sink, sizeof sink);
				if (n > 0)
					c->up.total += n;
				else if (n == 0 || (errno != EAGAIN && errno != EINTR))
					conn_end(c, false, "client");
				continue;
			}
			bool cut = false;
			bool ok = pump(c->cfd, c->sfd, &c->up, cut_up, -1, &cut) &&
				  pump(c->sfd, c->cfd, &c->down, cut_down, down_allow(c), &cut);
			if (!ok || cut)
				conn_end(c, cut, c->up.eof ? "client" : "server");
			else if (c->up.shut && c->down.shut)
				conn_end(c, false, c->up.eof ? "client" : "server");
			else if ((ce & (POLLERR | POLLHUP)) && !(ce & POLLIN))
				conn_end(c, false, "client");
			else if ((se & (POLLERR | POLLHUP)) && !(se & POLLIN))
				conn_end(c, false, "server");
		}
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].used)
			conn_end(&conns[i], false, "proxy");
	return 0;
}
