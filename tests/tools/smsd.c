/*
 * smsd: a tiny real HTTP/1.1 server standing in for an SMS gateway in tests.
 *
 *   smsd [--record FILE] [--stall N] [--close N] [--fail N] [--status CODE]
 *        [--lifetime SECONDS]
 *
 * Listens on 127.0.0.1 on a port the kernel picks and prints that port on
 * the first line of standard output. Every request (any method, any path) is
 * read whole and appended to FILE as one JSON object per line:
 *   {"n":1,"conn":1,"t_ms":12,"method":"POST","path":"/sms",
 *    "authorization":"Bearer x","content_type":"application/json",
 *    "user_agent":"certdesk/0.1.0","body":"{...}","answer":"200"}
 * n counts requests, conn counts connections (equal conn = keep-alive), t_ms
 * is the time since start, and answer is the code sent, "close" or "stall".
 * A body that is not UTF-8 is recorded as "body_hex" instead.
 *
 * How request n is answered, first rule that applies:
 *   n <= --stall N   read it, then answer nothing and keep the connection
 *                    open until the client gives up (forces a timeout);
 *   n <= --close N   read it, then close the connection without answering;
 *   n <= --fail N    answer 500;
 *   otherwise        answer --status CODE (default 200).
 * Error answers carry the body {"error":"SMSD-ERROR-BODY"} so that a test
 * can check that the client never shows a server's body to the user.
 * The server exits by itself after --lifetime seconds (default 300), so a
 * test that dies cannot leave it running for long.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"

#define REQ_MAX (256 * 1024)

static const char *record_path;
static long n_stall, n_close, n_fail, answer_code = 200;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long requests, connections;
static double t_start;

static void usage(void)
{
	fprintf(stderr, "usage: smsd [--record FILE] [--stall N] [--close N] [--fail N] "
			"[--status CODE] [--lifetime SECONDS]\n");
	exit(2);
}

static long num_arg(const char *s, long min, long max)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		usage();
	return v;
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

/* The value of header `name` in the header block (lines after the request
 * line), copied into out; "" when absent. */
static void header(const char *head, const char *name, char *out, size_t outsz)
{
	out[0] = '\0';
	size_t nl = strlen(name);
	for (const char *p = strstr(head, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *l = p + 2;
		if (strncasecmp(l, name, nl) == 0 && l[nl] == ':') {
			const char *v = l + nl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			const char *end = strstr(v, "\r\n");
			size_t len = end ? (size_t)(end - v) : strlen(v);
			if (len >= outsz)
				len = outsz - 1;
			memcpy(out, v, len);
			out[len] = '\0';
			return;
		}
	}
}

static void record(long n, long conn, const char *method, const char *path, const char *head,
		   const char *body, size_t body_len, const char *answer)
{
	char auth[512], ctype[256], ua[256];
	header(head, "Authorization", auth, sizeof auth);
	header(head, "Content-Type", ctype, sizeof ctype);
	header(head, "User-Agent", ua, sizeof ua);
	json_t *o = json_pack("{s:I, s:I, s:I, s:s, s:s, s:s, s:s, s:s, s:s}", "n", (json_int_t)n,
			      "conn", (json_int_t)conn,
			      "t_ms", (json_int_t)(clock_ms() - t_start), "method", method, "path",
			      path, "authorization", auth, "content_type", ctype, "user_agent", ua,
			      "answer", answer);
	if (!o)
		return;
	json_t *b = json_stringn(body, body_len);
	if (b) {
		json_object_set_new(o, "body", b);
	} else {
		char *hex = malloc(body_len * 2 + 1);
		if (hex) {
			for (size_t i = 0; i < body_len; i++)
				sprintf(hex + 2 * i, "%02x", (unsigned char)body[i]);
			hex[body_len * 2] = '\0';
			json_object_set_new(o, "body_hex", json_string(hex));
			free(hex);
		}
	}
	char *line = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	if (!line)
		return;
	if (record_path) {
		FILE *f = fopen(record_path, "a");
		if (f) {
			fprintf(f, "%s\n", line);
			fclose(f);
		}
	}
	free(line);
}

static void respond(int fd, long code, bool keep)
{
	const char *reason = code == 200 ? "OK" : code == 400 ? "Bad Request"
				: code == 401 ? "Unauthorized" : code == 403 ? "Forbidden"
				: code == 413 ? "Payload Too Large" : code == 500 ? "Internal Server Error"
				: "Status";
	const char *body = code >= 200 && code < 300 ? "{\"ok\":true}\n"
						      : "{\"error\":\"SMSD-ERROR-BODY\"}\n";
	char head[512];
	int n = snprintf(head, sizeof head,
			 "HTTP/1.1 %ld %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
			 code, reason, strlen(body), keep ? "keep-alive" : "close");
	if (send_all(fd, head, (size_t)n))
		send_all(fd, body, strlen(body));
}

static void *serve(void *arg)
{
	int fd = (int)(intptr_t)arg;
	char *in = malloc(REQ_MAX + 1);
	size_t have = 0;
	pthread_mutex_lock(&lock);
	long conn = ++connections;
	pthread_mutex_unlock(&lock);
	while (in) {
		/* Read until the end of the headers. */
		char *eoh;
		in[have] = '\0';
		while (!(eoh = strstr(in, "\r\n\r\n"))) {
			if (have == REQ_MAX)
				goto done;
			ssize_t r = recv(fd, in + have, REQ_MAX - have, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				goto done;
			have += (size_t)r;
			in[have] = '\0';
		}
		size_t head_len = (size_t)(eoh - in) + 4;
		char head[8192];
		if (head_len >= sizeof head) {
			respond(fd, 413, false);
			goto done;
		}
		memcpy(head, in, head_len - 2); /* keep one "\r\n" at the end */
		head[head_len - 2] = '\0';
		char method[16] = "", path[1024] = "";
		if (sscanf(head, "%15s %1023s", method, path) != 2) {
			respond(fd, 400, false);
			goto done;
		}
		char val[64];
		header(head, "Content-Length", val, sizeof val);
		size_t body_len = (size_t)strtoul(val, NULL, 10);
		if (body_len > REQ_MAX - head_len) {
			respond(fd, 413, false);
			goto done;
		}
		header(head, "Expect", val, sizeof val);
		if (strcasecmp(val, "100-continue") == 0)
			send_all(fd, "HTTP/1.1 100 Continue\r\n\r\n", 25);
		while (have < head_len + body_len) {
			ssize_t r = recv(fd, in + have, REQ_MAX - have, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				goto done;
			have += (size_t)r;
		}
		header(head, "Connection", val, sizeof val);
		bool keep = strcasecmp(val, "close") != 0;

		pthread_mutex_lock(&lock);
		long n = ++requests;
		const char *answer;
		char code_text[16];
		long code = 0;
		if (n <= n_stall) {
			answer = "stall";
		} else if (n <= n_close) {
			answer = "close";
		} else {
			code = n <= n_fail ? 500 : answer_code;
			snprintf(code_text, sizeof code_text, "%ld", code);
			answer = code_text;
		}
		record(n, conn, method, path, head, in + head_len, body_len, answer);
		pthread_mutex_unlock(&lock);

		if (strcmp(answer, "stall") == 0) {
			/* Hold the connection until the client gives up on it. */
			char sink[4096];
			for (;;) {
				ssize_t r = recv(fd, sink, sizeof sink, 0);
				if (r == 0 || (r < 0 && errno != EINTR))
					break;
			}
			goto done;
		}
		if (strcmp(answer, "close") == 0)
			goto done;
		respond(fd, code, keep);
		if (!keep)
			goto done;
		memmove(in, in + head_len + body_len, have - head_len - body_len);
		have -= head_len + body_len;
	}
done:
	free(in);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	long lifetime = 300;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (i + 1 >= argc)
			usage();
		const char *v = argv[++i];
		if (strcmp(a, "--record") == 0)
			record_path = v;
		else if (strcmp(a, "--stall") == 0)
			n_stall = num_arg(v, 0, 1000000);
		else if (strcmp(a, "--close") == 0)
			n_close = num_arg(v, 0, 1000000);
		else if (strcmp(a, "--fail") == 0)
			n_fail = num_arg(v, 0, 1000000);
		else if (strcmp(a, "--status") == 0)
			answer_code = num_arg(v, 200, 599);
		else if (strcmp(a, "--lifetime") == 0)
			lifetime = num_arg(v, 1, 86400);
		else
			usage();
	}
	signal(SIGPIPE, SIG_IGN);
	t_start = clock_ms();

	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ls < 0) {
		perror("smsd: socket");
		return 1;
	}
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = 0 };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t sl = sizeof sa;
	if (bind(ls, (struct sockaddr *)&sa, sizeof sa) != 0 || listen(ls, 64) != 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) != 0) {
		perror("smsd: bind");
		return 1;
	}
	printf("%u\n", (unsigned)ntohs(sa.sin_port));
	fflush(stdout);
	alarm((unsigned)lifetime); /* SIGALRM's default action ends the process */

	for (;;) {
		int fd = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("smsd: accept");
			return 1;
		}
		pthread_t t;
		pthread_attr_t at;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &at, serve, (void *)(intptr_t)fd) != 0)
			close(fd);
		pthread_attr_destroy(&at);
	}
}
