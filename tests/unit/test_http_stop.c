/*
 * The HTTP client's progress hook and stops (adapt/http.h), against a real
 * loopback server thread that sends a body at a chosen pace: the hook sees
 * the bytes grow to the announced length; returning true stops the request
 * at once with ST_CANCELLED and the server sees the connection closed long
 * before the body was all sent; the hook is called on a line that has gone
 * quiet too (so Esc works on a stalled download); the client's own cancel
 * flag still stops a request; a stopped client serves the next request.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "adapt/http.h"
#include "unit.h"
#include "util/buf.h"
#include "util/clock.h"

#define BODY_MAX (1024 * 1024)

/* One connection served on a loopback port: headers announcing `total`
 * bytes, `first` of them at once, then `chunk` bytes every `gap_ms` (none
 * when chunk is 0: the line goes quiet) until all are sent, the client
 * closes, or 8 s pass. */
struct pacer {
	int lfd;
	int port;
	long long total, first;
	int chunk, gap_ms;
	long long sent;        /* out: body bytes sent */
	bool client_closed;    /* out: the client closed before the end */
	pthread_t th;
};

static char body[BODY_MAX];

static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static void *pace(void *arg)
{
	struct pacer *s = arg;
	struct pollfd pfd = { .fd = s->lfd, .events = POLLIN };
	if (poll(&pfd, 1, 5000) != 1)
		return NULL;
	int fd = accept(s->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	char req[4096];
	size_t have = 0;
	while (have < sizeof req - 1) {
		ssize_t r = recv(fd, req + have, sizeof req - 1 - have, 0);
		if (r <= 0)
			break;
		have += (size_t)r;
		req[have] = '\0';
		if (strstr(req, "\r\n\r\n"))
			break;
	}
	char head[128];
	int hn = snprintf(head, sizeof head, "HTTP/1.1 200 OK\r\nContent-Length: %lld\r\n\r\n",
			  s->total);
	bool ok = send_all(fd, head, (size_t)hn) && send_all(fd, body, (size_t)s->first);
	s->sent = ok ? s->first : 0;
	double end = clock_ms() + 8000;
	while (ok && s->sent < s->total && clock_ms() < end) {
		/* Readable here means the client closed (it sends nothing more). */
		struct pollfd cp = { .fd = fd, .events = POLLIN };
		if (poll(&cp, 1, s->gap_ms) > 0) {
			char sink[64];
			if (recv(fd, sink, sizeof sink, MSG_DONTWAIT) <= 0) {
				s->client_closed = true;
				break;
			}
		}
		if (s->chunk <= 0)
			continue;
		long long n = s->total - s->sent < s->chunk ? s->total - s->sent : s->chunk;
		if (!send_all(fd, body + s->sent, (size_t)n)) {
			s->client_closed = true;
			break;
		}
		s->sent += n;
	}
	close(fd);
	return NULL;
}

/* A listening loopback socket on a port the kernel picks; its port, or -1. */
static int listen_loopback(int *fd)
{
	*fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	if (*fd < 0 || bind(*fd, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(*fd, 4) != 0 ||
	    getsockname(*fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	return ntohs(sa.sin_port);
}

static bool pacer_start(struct pacer *s)
{
	s->port = listen_loopback(&s->lfd);
	return s->port > 0 && pthread_create(&s->th, NULL, pace, s) == 0;
}

static void pacer_join(struct pacer *s)
{
	pthread_join(s->th, NULL);
	close(s->lfd);
}

/* What the hook saw, and when it asks to stop. */
struct watch {
	int calls;
	long long last_got, last_total, max_got;
	bool went_back;        /* got ever decreased */
	long long stop_at;     /* stop once got reaches this (0: never by size) */
	double stop_after_ms;  /* stop this long after the first call (0: never by time) */
	double first_ms, stopped_ms;
};

static bool watch_hook(void *ctx, long long got, long long total)
{
	struct watch *w = ctx;
	double now = clock_ms();
	if (w->calls++ == 0)
		w->first_ms = now;
	w->went_back |= got < w->last_got;
	w->last_got = got;
	w->last_total = total;
	if (got > w->max_got)
		w->max_got = got;
	if ((w->stop_at > 0 && got >= w->stop_at) ||
	    (w->stop_after_ms > 0 && now - w->first_ms >= w->stop_after_ms)) {
		w->stopped_ms = now;
		return true;
	}
	return false;
}

static enum status get(struct http_client *c, int port, struct watch *w, struct buf *b,
		       long *code, struct err *e)
{
	char url[64];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/v1/blobs/x", port);
	struct http_request req = { .url = url, .timeout_ms = 10000 };
	if (w) {
		req.progress = watch_hook;
		req.progress_ctx = w;
	}
	return http_perform(c, &req, b, code, e);
}

static int stop_init(void)
{
	memset(body, 'x', sizeof body);
	setenv("no_proxy", "*", 1);
	return 0;
}

/* The hook sees every byte counted against the announced length, and a
 * hook that never stops changes nothing. */
static void test_progress_counts(void)
{
	struct pacer s = { .total = 300000, .first = 100000, .chunk = 50000, .gap_ms = 20 };
	CU_ASSERT_TRUE_FATAL(pacer_start(&s));
	struct http_options opt = { .noproxy = "*" };
	struct http_client *c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(http_client_new(&opt, &c, &e), ST_OK);
	struct watch w = { 0 };
	struct buf b;
	buf_init(&b, BODY_MAX);
	long code = 0;
	CU_ASSERT_EQUAL(get(c, s.port, &w, &b, &code, &e), ST_OK);
	CU_ASSERT_EQUAL(code, 200);
	CU_ASSERT_EQUAL(b.len, 300000u);
	CU_ASSERT_TRUE(w.calls >= 2);
	CU_ASSERT_EQUAL(w.max_got, 300000);
	CU_ASSERT_EQUAL(w.last_total, 300000);
	CU_ASSERT_FALSE(w.went_back);
	buf_done(&b);
	http_client_free(c);
	pacer_join(&s);
}

/* A hook that says stop: ST_CANCELLED at once, the connection dropped long
 * before the body ended; the same client then serves another request. */
static void test_hook_stops(void)
{
	/* 1 MB at 200 KB/s: about 5 s if nobody stopped it. */
	struct pacer s = { .total = BODY_MAX, .first = 0, .chunk = 4000, .gap_ms = 20 };
	CU_ASSERT_TRUE_FATAL(pacer_start(&s));
	struct http_options opt = { .noproxy = "*" };
	struct http_client *c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(http_client_new(&opt, &c, &e), ST_OK);
	struct watch w = { .stop_at = 40000 };
	struct buf b;
	buf_init(&b, BODY_MAX);
	long code = -1;
	double t0 = clock_ms();
	CU_ASSERT_EQUAL(get(c, s.port, &w, &b, &code, &e), ST_CANCELLED);
	double done = clock_ms();
	CU_ASSERT_EQUAL(e.st, ST_CANCELLED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已取消"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "127.0.0.1"));
	CU_ASSERT_EQUAL(code, 0);
	CU_ASSERT_TRUE(w.stopped_ms > 0);
	CU_ASSERT_TRUE(done - w.stopped_ms < 300);  /* stopped at the hook's word */
	CU_ASSERT_TRUE(done - t0 < 2000);
	CU_ASSERT_EQUAL(w.last_total, BODY_MAX);
	pacer_join(&s);
	CU_ASSERT_TRUE(s.client_closed);
	CU_ASSERT_TRUE(s.sent < BODY_MAX / 2);
	buf_done(&b);

	struct pacer s2 = { .total = 5000, .first = 5000 };
	CU_ASSERT_TRUE_FATAL(pacer_start(&s2));
	buf_init(&b, BODY_MAX);
	CU_ASSERT_EQUAL(get(c, s2.port, NULL, &b, &code, &e), ST_OK);
	CU_ASSERT_EQUAL(code, 200);
	CU_ASSERT_EQUAL(b.len, 5000u);
	buf_done(&b);
	pacer_join(&s2);
	http_client_free(c);
}

/* A line gone quiet after the first bytes: the hook is still called (about
 * once a second), so a stop asked for then ends the request well before
 * its 10 s timeout. */
static void test_hook_on_quiet_line(void)
{
	struct pacer s = { .total = 500000, .first = 1000, .chunk = 0, .gap_ms = 50 };
	CU_ASSERT_TRUE_FATAL(pacer_start(&s));
	struct http_options opt = { .noproxy = "*" };
	struct http_client *c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(http_client_new(&opt, &c, &e), ST_OK);
	struct watch w = { .stop_after_ms = 300 };
	struct buf b;
	buf_init(&b, BODY_MAX);
	long code = -1;
	double t0 = clock_ms();
	CU_ASSERT_EQUAL(get(c, s.port, &w, &b, &code, &e), ST_CANCELLED);
	double ms = clock_ms() - t0;
	CU_ASSERT_EQUAL(w.max_got, 1000);
	CU_ASSERT_TRUE(ms >= 300 && ms < 2500);
	buf_done(&b);
	http_client_free(c);
	pacer_join(&s);
	CU_ASSERT_TRUE(s.client_closed);
}

/* The client's cancel flag (the sync worker's) stops a request as before,
 * with a hook present or not: a server that never answers (the kernel's
 * backlog takes the connection) cannot hold it for its 10 s timeout. */
static void test_client_flag_still_stops(void)
{
	int lfd = -1;
	int port = listen_loopback(&lfd);
	CU_ASSERT_TRUE_FATAL(port > 0);
	for (int with_hook = 0; with_hook <= 1; with_hook++) {
		static atomic_bool flag;
		atomic_store(&flag, true);
		struct http_options opt = { .noproxy = "*", .cancel = &flag };
		struct http_client *c;
		struct err e;
		err_clear(&e);
		CU_ASSERT_EQUAL_FATAL(http_client_new(&opt, &c, &e), ST_OK);
		struct watch w = { 0 };
		struct buf b;
		buf_init(&b, BODY_MAX);
		long code = -1;
		double t0 = clock_ms();
		CU_ASSERT_EQUAL(get(c, port, with_hook ? &w : NULL, &b, &code, &e), ST_CANCELLED);
		CU_ASSERT_TRUE(clock_ms() - t0 < 2500);
		buf_done(&b);
		http_client_free(c);
	}
	close(lfd);
}

void suite_http_stop(void)
{
	UNIT_SUITE("http_stop", stop_init, NULL,
		   { "progress hook counts the body against its length", test_progress_counts },
		   { "progress hook stops a request at once", test_hook_stops },
		   { "progress hook is called on a quiet line", test_hook_on_quiet_line },
		   { "the client's cancel flag still stops a request", test_client_flag_still_stops });
}
