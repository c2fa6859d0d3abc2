/*
 * The SMS port (adapt/sms.h): configuration checks, the file driver for real
 * (exact lines, concurrent writers, missing directory, full disk) and the
 * http driver's failure paths against real sockets (refused, no answer).
 * The http driver's answers (2xx, 4xx, 5xx, retries) are covered with a real
 * server in tests/integration/sms.sh. The generic client under it
 * (adapt/http.h) is checked here too: codes, host names in messages, another
 * method with a body, extra headers, the response cap, the CA file.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "adapt/http.h"
#include "adapt/sms.h"
#include "unit.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/fs.h"

#define PHONE "13800138000"

static char tmpdir[512];

static int sms_init(void)
{
	const char *base = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(tmpdir, sizeof tmpdir, "%s/sms.XXXXXX", base);
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int sms_clean(void)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool has(const char *s, const char *sub)
{
	return strstr(s, sub) != NULL;
}

static struct sms_config file_config(const char *name)
{
	struct sms_config c = { .driver = "file" };
	snprintf(c.spool, sizeof c.spool, "%s/%s", tmpdir, name);
	return c;
}

static void test_open_checks(void)
{
	struct sms_gateway *g = (struct sms_gateway *)1;
	struct err e;
	err_clear(&e);
	struct sms_config c = { .driver = "carrier-pigeon" };
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_INVALID);
	CU_ASSERT_PTR_NULL(g);
	CU_ASSERT_TRUE(has(e.msg, "file 或 http"));
	c = (struct sms_config){ .driver = "file" };
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "sms.spool"));
	c = (struct sms_config){ .driver = "http" };
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "sms.url"));
	snprintf(c.url, sizeof c.url, "ftp://127.0.0.1/sms");
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_INVALID);
	snprintf(c.url, sizeof c.url, "http://127.0.0.1/sms");
	c.retries = 11;
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "sms.retries"));
	c.retries = 0;
	snprintf(c.token, sizeof c.token, "abc\r\nX-Evil: 1");
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_INVALID);
	c.token[0] = '\0';
	CU_ASSERT_EQUAL(sms_open(&c, &g, &e), ST_OK);
	sms_free(g);
}

static void test_send_checks(void)
{
	struct sms_config c = file_config("checks.txt");
	struct sms_gateway *g;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	CU_ASSERT_EQUAL(sms_send(g, "1380013800", "x", "id1", &e), ST_INVALID);  /* 10 digits */
	CU_ASSERT_TRUE(has(e.msg, "11 位"));
	CU_ASSERT_FALSE(has(e.msg, "1380013800"));
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "", "id1", &e), ST_INVALID);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "a\tb", "id1", &e), ST_INVALID);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "\xE9\xAA", "id1", &e), ST_INVALID);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "ok", "", &e), ST_INVALID);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "ok", "a b", &e), ST_INVALID);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "ok", "a\tb", &e), ST_INVALID);
	char big[SMS_TEXT_MAX + 2];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	CU_ASSERT_EQUAL(sms_send(g, PHONE, big, "id1", &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "过长"));
	big[SMS_TEXT_MAX] = '\0';
	CU_ASSERT_FALSE(fs_exists(c.spool)); /* nothing was written so far */
	CU_ASSERT_EQUAL(sms_send(g, PHONE, big, "id1", &e), ST_OK);
	sms_free(g);
}

static void test_file_lines(void)
{
	struct sms_config c = file_config("spool.txt");
	struct sms_gateway *g;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	setenv("CERTDESK_NOW", "2026-11-25T08:00:00Z", 1);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "您的验证码是 123456，5 分钟内有效。", "0192f3a4-1", &e),
			ST_OK);
	setenv("CERTDESK_NOW", "2026-11-25T08:00:07Z", 1);
	CU_ASSERT_EQUAL(sms_send(g, "19912345678", "第一行\n第二行 \\ 完", "id.2", &e), ST_OK);
	unsetenv("CERTDESK_NOW");
	sms_free(g);

	char *text = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(fs_read_all(c.spool, 1 << 20, &text, &len, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(text,
			       "2026-11-25T08:00:00Z\t0192f3a4-1\t13800138000\t"
			       "您的验证码是 123456，5 分钟内有效。\n"
			       "2026-11-25T08:00:07Z\tid.2\t19912345678\t第一行\\n第二行 \\\\ 完\n");
	free(text);
	struct stat sb;
	CU_ASSERT_EQUAL_FATAL(stat(c.spool, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600); /* it holds phone numbers and codes */
}

/* Concurrent writers: each thread sends its own long text (so that an
 * interleaved write would show) through a shared or its own gateway. */
#define WRITERS 6
#define PER_WRITER 60

struct writer {
	int no;
	struct sms_gateway *shared;  /* NULL: open its own */
	const char *spool;
	char text[SMS_TEXT_MAX + 1];
	int failures;
};

static void *write_many(void *arg)
{
	struct writer *w = arg;
	struct sms_gateway *g = w->shared;
	struct err e;
	err_clear(&e);
	if (!g) {
		struct sms_config c = { .driver = "file" };
		snprintf(c.spool, sizeof c.spool, "%s", w->spool);
		if (sms_open(&c, &g, &e) != ST_OK) {
			w->failures = PER_WRITER;
			return NULL;
		}
	}
	for (int k = 0; k < PER_WRITER; k++) {
		char id[32];
		snprintf(id, sizeof id, "w%d-%d", w->no, k);
		if (sms_send(g, PHONE, w->text, id, &e) != ST_OK)
			w->failures++;
	}
	if (!w->shared)
		sms_free(g);
	return NULL;
}

static void test_file_concurrent(void)
{
	static const char *const glyphs[WRITERS] = { "甲", "乙", "丙", "丁", "戊", "己" };
	struct sms_config c = file_config("concurrent.txt");
	struct sms_gateway *shared;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &shared, &e), ST_OK);
	static struct writer ws[WRITERS];
	pthread_t th[WRITERS];
	for (int i = 0; i < WRITERS; i++) {
		ws[i] = (struct writer){ .no = i, .shared = i % 2 ? shared : NULL, .spool = c.spool };
		size_t n = 0;
		while (n + 3 <= SMS_TEXT_MAX - 1) { /* 333 characters, 999 bytes */
			memcpy(ws[i].text + n, glyphs[i], 3);
			n += 3;
		}
		ws[i].text[n] = '\0';
	}
	for (int i = 0; i < WRITERS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&th[i], NULL, write_many, &ws[i]), 0);
	for (int i = 0; i < WRITERS; i++) {
		pthread_join(th[i], NULL);
		CU_ASSERT_EQUAL(ws[i].failures, 0);
	}
	sms_free(shared);

	char *text = NULL;
	size_t len = 0;
	CU_ASSERT_EQUAL_FATAL(fs_read_all(c.spool, 16 << 20, &text, &len, &e), ST_OK);
	static bool seen[WRITERS][PER_WRITER];
	memset(seen, 0, sizeof seen);
	int lines = 0, bad = 0;
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lines++;
		char ts[32], id[32];
		int w, k, off = 0;
		if (sscanf(line, "%20[0-9TZ:-]\t%31[^\t]\t" PHONE "\t%n", ts, id, &off) != 2 ||
		    off == 0 || sscanf(id, "w%d-%d", &w, &k) != 2 || w < 0 || w >= WRITERS || k < 0 ||
		    k >= PER_WRITER || strcmp(line + off, ws[w].text) != 0 || seen[w][k]) {
			bad++;
			continue;
		}
		seen[w][k] = true;
	}
	free(text);
	CU_ASSERT_EQUAL(bad, 0);
	CU_ASSERT_EQUAL(lines, WRITERS * PER_WRITER);
	int missing = 0;
	for (int i = 0; i < WRITERS; i++)
		for (int k = 0; k < PER_WRITER; k++)
			missing += !seen[i][k];
	CU_ASSERT_EQUAL(missing, 0);
}

static void test_file_errors(void)
{
	struct sms_gateway *g;
	struct err e;
	err_clear(&e);

	/* The spool's directory does not exist: said so, with the directory. */
	struct sms_config c = file_config("no-such-dir/sub/spool.txt");
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "您的验证码是 123456", "id1", &e), ST_IO);
	char dir[600];
	snprintf(dir, sizeof dir, "%s/no-such-dir/sub", tmpdir);
	CU_ASSERT_TRUE(has(e.msg, "目录不存在"));
	CU_ASSERT_TRUE(has(e.msg, dir));
	CU_ASSERT_FALSE(has(e.msg, "123456"));
	CU_ASSERT_FALSE(has(e.msg, PHONE));
	CU_ASSERT_FALSE(fs_exists(dir));
	sms_free(g);

	/* The spool is a directory. */
	c = file_config("");
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "x", "id1", &e), ST_IO);
	CU_ASSERT_TRUE(has(e.msg, "是一个目录"));
	sms_free(g);

	/* A full disk: /dev/full answers every write with ENOSPC. */
	CU_ASSERT_TRUE_FATAL(fs_exists("/dev/full"));
	c = (struct sms_config){ .driver = "file", .spool = "/dev/full" };
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "您的验证码是 123456", "id1", &e), ST_FULL);
	CU_ASSERT_TRUE(has(e.msg, "磁盘空间不足"));
	CU_ASSERT_FALSE(has(e.msg, "123456"));
	sms_free(g);
}

/* A loopback TCP socket bound to a port the kernel picks; listening when
 * `listening`, else closed again (so the port refuses connections). */
static int loopback_port(bool listening, int *fd_out)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
	    (listening && listen(fd, 8) != 0) || getsockname(fd, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	if (listening)
		*fd_out = fd;
	else
		close(fd);
	return ntohs(sa.sin_port);
}

static void test_http_refused(void)
{
	setenv("no_proxy", "*", 1);
	int port = loopback_port(false, NULL);
	CU_ASSERT_TRUE_FATAL(port > 0);
	struct sms_config c = { .driver = "http", .timeout_ms = 2000, .retries = 1 };
	snprintf(c.url, sizeof c.url, "http://127.0.0.1:%d/sms", port);
	struct sms_gateway *g;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	double t0 = clock_ms();
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "您的验证码是 123456", "id1", &e), ST_NET);
	double ms = clock_ms() - t0;
	char want[64];
	snprintf(want, sizeof want, "无法连接 127.0.0.1:%d", port);
	CU_ASSERT_TRUE(has(e.msg, want));
	CU_ASSERT_TRUE(has(e.msg, "共尝试 2 次"));
	CU_ASSERT_FALSE(has(e.msg, "123456"));
	CU_ASSERT_TRUE(ms >= 250 && ms < 1500); /* one back-off, no timeout */
	sms_free(g);
}

/* A server that accepts the connection (the kernel's backlog does) but never
 * answers: the total timeout must end the send, in about that time. */
static void test_http_timeout(void)
{
	setenv("no_proxy", "*", 1);
	int lfd = -1;
	int port = loopback_port(true, &lfd);
	CU_ASSERT_TRUE_FATAL(port > 0);
	struct sms_config c = { .driver = "http", .timeout_ms = 400, .retries = 0 };
	snprintf(c.url, sizeof c.url, "http://127.0.0.1:%d/sms", port);
	struct sms_gateway *g;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(sms_open(&c, &g, &e), ST_OK);
	double t0 = clock_ms();
	CU_ASSERT_EQUAL(sms_send(g, PHONE, "您的验证码是 123456", "id1", &e), ST_TIMEOUT);
	double ms = clock_ms() - t0;
	char want[64];
	snprintf(want, sizeof want, "连接 127.0.0.1:%d 超时", port);
	CU_ASSERT_TRUE(has(e.msg, want));
	CU_ASSERT_FALSE(has(e.msg, PHONE));
	CU_ASSERT_TRUE(ms >= 350 && ms < 1500);
	sms_free(g);
	close(lfd);
}

/* ---- the http client under the driver --------------------------------- */

static void test_http_codes_and_hosts(void)
{
	struct err e;
	err_clear(&e);
	const char *url = "http://127.0.0.1:8080/v1/send?token=secret";
	CU_ASSERT_EQUAL(http_check_code(url, 200, &e), ST_OK);
	CU_ASSERT_EQUAL(http_check_code(url, 204, &e), ST_OK);
	CU_ASSERT_EQUAL(http_check_code(url, 401, &e), ST_DENIED);
	CU_ASSERT_EQUAL(http_check_code(url, 403, &e), ST_DENIED);
	CU_ASSERT_EQUAL(http_check_code(url, 404, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "127.0.0.1:8080") && has(e.msg, "HTTP 404"));
	CU_ASSERT_FALSE(has(e.msg, "secret"));
	CU_ASSERT_EQUAL(http_check_code(url, 503, &e), ST_NET);
	CU_ASSERT_EQUAL(http_check_code(url, 302, &e), ST_INVALID);
	char host[64];
	http_url_host("https://sms.example.cn/v1/send?token=x", host, sizeof host);
	CU_ASSERT_STRING_EQUAL(host, "sms.example.cn");
	http_url_host("http://[::1]:9000/", host, sizeof host);
	CU_ASSERT_STRING_EQUAL(host, "[::1]:9000");
	http_url_host("not a url", host, sizeof host);
	CU_ASSERT_STRING_EQUAL(host, "?");
}

/* A one-shot server thread: accepts one connection, reads one request
 * (headers and Content-Length body) into `got`, sends `reply`, closes. */
struct tiny {
	int lfd;
	const char *reply;
	char got[16384];
};

static void *tiny_serve(void *arg)
{
	struct tiny *t = arg;
	/* Give up after 5 s: a client that never comes fails the test, not hangs it. */
	struct pollfd pfd = { .fd = t->lfd, .events = POLLIN };
	if (poll(&pfd, 1, 5000) != 1)
		return NULL;
	int fd = accept(t->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	struct timeval tv = { .tv_sec = 5 };
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
	size_t have = 0, want = 0;
	for (;;) {
		ssize_t r = recv(fd, t->got + have, sizeof t->got - 1 - have, 0);
		if (r <= 0)
			break;
		have += (size_t)r;
		t->got[have] = '\0';
		char *eoh = strstr(t->got, "\r\n\r\n");
		if (eoh && !want) {
			const char *cl = strcasestr(t->got, "\r\nContent-Length:");
			want = (size_t)(eoh + 4 - t->got) + (cl && cl < eoh ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (want && have >= want)
			break;
	}
	send(fd, t->reply, strlen(t->reply), MSG_NOSIGNAL);
	shutdown(fd, SHUT_WR);
	char sink[256];
	while (recv(fd, sink, sizeof sink, 0) > 0)
		;
	close(fd);
	return NULL;
}

/* Perform req against a tiny server answering `reply`; returns the status. */
static enum status tiny_perform(const char *reply, struct http_request *req, struct buf *resp,
				long *code, struct tiny *t, struct err *e)
{
	int port = loopback_port(true, &t->lfd);
	if (port <= 0)
		return ST_INTERNAL;
	t->reply = reply;
	t->got[0] = '\0';
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/blob/abc", port);
	req->url = url;
	pthread_t th;
	if (pthread_create(&th, NULL, tiny_serve, t) != 0)
		return ST_INTERNAL;
	struct http_options opt = { .noproxy = "*", .timeout_ms = 3000 };
	struct http_client *c;
	enum status st = http_client_new(&opt, &c, e);
	if (st == ST_OK)
		st = http_perform(c, req, resp, code, e);
	http_client_free(c);
	pthread_join(th, NULL);
	close(t->lfd);
	req->url = NULL;
	return st;
}

static void test_http_client_request(void)
{
	static struct tiny t;
	struct err e;
	err_clear(&e);
	struct buf b;
	buf_init(&b, 4096);
	long code = 0;
	const char *hdrs[] = { "X-Test: yes", NULL };
	struct http_request req = { .method = "PUT", .body = "abc", .body_len = 3,
				    .headers = hdrs };
	/* A dead proxy in the environment: the client's noproxy "*" must bypass it. */
	unsetenv("no_proxy");
	unsetenv("NO_PROXY");
	setenv("http_proxy", "http://127.0.0.1:9", 1);
	CU_ASSERT_EQUAL(tiny_perform("HTTP/1.1 201 Created\r\nContent-Length: 5\r\n"
				     "Connection: close\r\n\r\nhello",
				     &req, &b, &code, &t, &e),
			ST_OK);
	CU_ASSERT_EQUAL(code, 201);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "hello");
	CU_ASSERT_TRUE(has(t.got, "PUT /blob/abc HTTP/1.1\r\n"));
	CU_ASSERT_TRUE(has(t.got, "\r\nX-Test: yes\r\n"));
	CU_ASSERT_TRUE(has(t.got, "\r\nContent-Type: application/octet-stream\r\n"));
	CU_ASSERT_TRUE(has(t.got, "\r\nContent-Length: 3\r\n"));
	CU_ASSERT_TRUE(has(t.got, "\r\n\r\nabc"));
	CU_ASSERT_FALSE(has(t.got, "Expect:"));
	buf_done(&b);
	unsetenv("http_proxy");
	setenv("no_proxy", "*", 1);

	/* A header that would smuggle in another one is refused before sending. */
	const char *evil[] = { "X-Test: yes\r\nX-Evil: 1", NULL };
	req.headers = evil;
	struct http_client *c;
	CU_ASSERT_EQUAL_FATAL(http_client_new(NULL, &c, &e), ST_OK);
	req.url = "http://127.0.0.1:1/";
	CU_ASSERT_EQUAL(http_perform(c, &req, NULL, &code, &e), ST_INVALID);
	http_client_free(c);
}

static void test_http_client_cap(void)
{
	static struct tiny t;
	static char reply[4096];
	struct err e;
	err_clear(&e);
	struct buf b;
	long code = 0;
	struct http_request req = { .method = "GET" };
	/* Announced too large (Content-Length), and found too large (no length). */
	for (int announced = 1; announced >= 0; announced--) {
		int n = snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\n%sConnection: close\r\n\r\n",
				 announced ? "Content-Length: 2000\r\n" : "");
		memset(reply + n, 'x', 2000);
		reply[n + 2000] = '\0';
		buf_init(&b, 1000);
		CU_ASSERT_EQUAL(tiny_perform(reply, &req, &b, &code, &t, &e), ST_INVALID);
		CU_ASSERT_TRUE(has(e.msg, "应答过大") && has(e.msg, "1000 字节"));
		buf_done(&b);
		buf_init(&b, 2000);
		CU_ASSERT_EQUAL(tiny_perform(reply, &req, &b, &code, &t, &e), ST_OK);
		CU_ASSERT_EQUAL(b.len, 2000u);
		CU_ASSERT_TRUE(has(t.got, "GET /blob/abc HTTP/1.1\r\n"));
		buf_done(&b);
	}
}

static void test_http_client_ca_file(void)
{
	int lfd = -1;
	int port = loopback_port(true, &lfd);
	CU_ASSERT_TRUE_FATAL(port > 0);
	char path[600], url[128];
	snprintf(path, sizeof path, "%s/no-such-ca.pem", tmpdir);
	snprintf(url, sizeof url, "https://127.0.0.1:%d/", port);
	struct http_options opt = { .noproxy = "*", .ca_file = path, .timeout_ms = 2000 };
	struct http_client *c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(http_client_new(&opt, &c, &e), ST_OK);
	struct http_request req = { .url = url };
	long code = -1;
	CU_ASSERT_EQUAL(http_perform(c, &req, NULL, &code, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "CA 证书文件") && has(e.msg, path));
	CU_ASSERT_EQUAL(code, 0);
	http_client_free(c);
	close(lfd);
}

void suite_sms(void)
{
	UNIT_SUITE("sms", sms_init, sms_clean,
		   { "open checks the configuration", test_open_checks },
		   { "send checks phone, text and id", test_send_checks },
		   { "file driver writes exact lines", test_file_lines },
		   { "file driver: concurrent lines never interleave", test_file_concurrent },
		   { "file driver: missing directory, directory, full disk", test_file_errors },
		   { "http driver: connection refused", test_http_refused },
		   { "http driver: no answer times out", test_http_timeout },
		   { "http client: codes and host names", test_http_codes_and_hosts },
		   { "http client: method, body, headers", test_http_client_request },
		   { "http client: response cap", test_http_client_cap },
		   { "http client: unreadable CA file", test_http_client_ca_file });
}
