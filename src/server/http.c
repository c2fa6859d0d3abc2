#include "server/http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "server/auth.h"
#include "server/blobs.h"
#include "server/centre.h"
#include "server/jobs.h"
#include "server/parse.h"
#include "server/routes.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/log.h"

static const struct server_config *config;

/* One request from its headers to its answer. */
struct request {
	struct route_request rq;
	struct route_response rs;
	const struct route *route;
	struct sync_peer peer;
	struct buf body;
	bool answered;     /* rs holds the answer; what is left of the body is dropped */
	bool streaming;    /* route->stream->open accepted: close is due */
	bool whole;        /* the body arrived to its end */
	bool waiting;      /* suspended until a deferred answer is ready */
};

/* Give the database connection back as soon as a step is over, so that a
 * slow client never holds one. */
static void release_db(struct request *req)
{
	centre_db_put(req->rq.db);
	req->rq.db = NULL;
}

static enum MHD_Result respond(struct MHD_Connection *c, struct request *req)
{
	struct route_response *rs = &req->rs;
	struct MHD_Response *r;
	bool file = rs->fd >= 0;
	if (file) {
		r = MHD_create_response_from_fd64(rs->fd_size, rs->fd);
		if (r)
			rs->fd = -1; /* the response closes it */
	} else if (rs->text) {
		r = MHD_create_response_from_buffer(rs->text_len, rs->text, MHD_RESPMEM_MUST_FREE);
		if (r)
			rs->text = NULL; /* the response frees it */
	} else {
		if (!rs->body) {
			rs->code = MHD_HTTP_INTERNAL_SERVER_ERROR;
			rs->body = json_pack("{s:s, s:s}", "error", "internal", "message",
					     "服务器内部错误");
		}
		char *text = rs->body ? json_dumps(rs->body, JSON_COMPACT) : NULL;
		if (!text)
			return MHD_NO;
		r = MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
		if (!r)
			free(text);
	}
	if (!r)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type",
				file ? rs->content_type : "application/json; charset=utf-8");
	MHD_add_response_header(r, "Cache-Control", "no-store");
	for (int i = 0; i < rs->nheaders; i++)
		MHD_add_response_header(r, rs->headers[i].name, rs->headers[i].value);
	if (rs->code == MHD_HTTP_UNAUTHORIZED)
		MHD_add_response_header(r, "WWW-Authenticate", "Bearer realm=\"certdesk\"");
	enum MHD_Result ret = MHD_queue_response(c, rs->code, r);
	MHD_destroy_response(r);
	return ret;
}

/* Headers are in: route, limits, authentication, and the streaming
 * handler's own checks. Any refusal is answered at once, before the body. */
static void begin(struct MHD_Connection *c, struct request *req, const char *url,
		  const char *method)
{
	const char *arg = "", *allow = "";
	bool known;
	req->route = route_find(method, url, &arg, &known, &allow);
	req->rq.method = method;
	req->rq.path = url;
	req->rq.arg = arg;
	req->rq.conn = c;
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	uint64_t len = 0;
	bool has_len = cl && parse_uint(cl, UINT64_MAX, &len);
	size_t max = req->route && req->route->max_body ? req->route->max_body : config->max_body;
	if (has_len && len > max) {
		/* Said first, whatever the route: the body will not be read. */
		char msg[96];
		snprintf(msg, sizeof msg, "请求过大（上限 %zu 字节）", max);
		route_error(&req->rs, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", msg);
		req->answered = true;
		return;
	}
	if (!req->route) {
		if (known) {
			route_error(&req->rs, MHD_HTTP_METHOD_NOT_ALLOWED, "method", "不支持该请求方法");
			route_header(&req->rs, "Allow", "%s", allow);
		} else {
			route_error(&req->rs, MHD_HTTP_NOT_FOUND, "not_found", "没有这个接口");
		}
		req->answered = true;
		return;
	}
	buf_init(&req->body, max);
	if (req->route->auth) {
		if (!auth_check(&req->rq, &req->peer, &req->rs)) {
			req->answered = true;
			return;
		}
		req->rq.peer = &req->peer;
	}
	if (req->route->stream) {
		if (!req->route->stream->open(&req->rq, &req->rs))
			req->answered = true;
		else
			req->streaming = true;
	}
}

/* A piece of the body. */
static void take(struct request *req, const char *data, size_t n)
{
	if (req->answered)
		return;
	if (req->streaming) {
		if (!req->route->stream->data(&req->rq, data, n, &req->rs))
			req->answered = true;
		return;
	}
	/* libmicrohttpd has no body limit of its own: count and refuse. */
	if (!buf_add(&req->body, data, n)) {
		char msg[96];
		snprintf(msg, sizeof msg, "请求过大（上限 %zu 字节）", req->body.cap);
		route_error(&req->rs, MHD_HTTP_CONTENT_TOO_LARGE, "too_large", msg);
		req->answered = true;
	}
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	(void)cls, (void)version;
	struct request *req = *con_cls;
	if (!req) {
		req = calloc(1, sizeof *req);
		if (!req)
			return MHD_NO;
		req->rs.fd = -1;
		req->rs.content_type = "application/octet-stream";
		*con_cls = req;
		begin(c, req, url, method);
		release_db(req);
		/* A refusal goes out now: the body is never read. */
		return req->answered ? respond(c, req) : MHD_YES;
	}
	if (*upload_size) {
		take(req, upload_data, *upload_size);
		release_db(req);
		*upload_size = 0;
		return MHD_YES;
	}
	if (req->waiting) {
		/* Resumed: the deferred answer is in rs. */
		req->waiting = false;
		return respond(c, req);
	}
	req->whole = true;
	if (!req->answered) {
		req->rq.body = req->body.len ? req->body.data : NULL;
		req->rq.body_len = req->body.len;
		if (req->streaming)
			req->route->stream->finish(&req->rq, &req->rs);
		else
			req->route->fn(&req->rq, &req->rs);
		req->answered = true;
	}
	release_db(req);
	if (req->rs.defer) {
		/* Suspended before the work is handed over, so that the resume
		 * can never come first. The thread is free meanwhile. */
		void (*defer)(void *) = req->rs.defer;
		req->rs.defer = NULL;
		req->waiting = true;
		MHD_suspend_connection(c);
		defer(req->rs.defer_arg);
		return MHD_YES;
	}
	return respond(c, req);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c;
	struct request *req = *con_cls;
	if (!req)
		return;
	if (req->streaming)
		req->route->stream->close(&req->rq,
					  req->whole && toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
	release_db(req);
	if (req->rs.fd >= 0)
		close(req->rs.fd);
	json_decref(req->rs.body);
	free(req->rs.text);
	buf_done(&req->body);
	free(req);
	*con_cls = NULL;
}

static bool parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[128];
	const char *colon = strrchr(s, ':');
	if (!colon || colon == s || strlen(colon + 1) == 0)
		return false;
	size_t hl = (size_t)(colon - s);
	if (hl >= sizeof host)
		return false;
	memcpy(host, s, hl);
	host[hl] = '\0';
	char *end;
	long port = strtol(colon + 1, &end, 10);
	if (*end || port < 0 || port > 65535)
		return false;
	memset(ss, 0, sizeof *ss);
	struct sockaddr_in *v4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)ss;
	if (host[0] == '[' && host[hl - 1] == ']') {
		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &v6->sin6_addr) != 1)
			return false;
		v6->sin6_family = AF_INET6;
		v6->sin6_port = htons((uint16_t)port);
		*len = sizeof *v6;
		return true;
	}
	if (inet_pton(AF_INET, host, &v4->sin_addr) != 1)
		return false;
	v4->sin_family = AF_INET;
	v4->sin_port = htons((uint16_t)port);
	*len = sizeof *v4;
	return true;
}

/* The directory holding the database file ("." for a bare name). */
static void dir_of(const char *path, char *out, size_t outsz)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(out, outsz, ".");
	else if (slash == path)
		snprintf(out, outsz, "/");
	else
		snprintf(out, outsz, "%.*s", (int)(slash - path), path);
}

int server_run(const struct server_config *cfg)
{
	config = cfg;
	struct err e;
	err_clear(&e);
	/* Open (migrate, set up the change feed) once before serving, so that
	 * a bad database is reported at start and not on the first request. */
	struct db *db;
	if (centre_open(cfg->db_path, &db, &e) != ST_OK) {
		fprintf(stderr, "certdeskd: %s\n", err_text(&e));
		return 1;
	}
	enum status st = sync_pull_setup(db, &e);
	db_close(db);
	if (st != ST_OK) {
		fprintf(stderr, "certdeskd: %s\n", err_text(&e));
		return 1;
	}
	char data_dir[PATH_MAX];
	if (cfg->data_dir)
		snprintf(data_dir, sizeof data_dir, "%s", cfg->data_dir);
	else
		dir_of(cfg->db_path, data_dir, sizeof data_dir);
	if (blobs_prepare(data_dir, &e) != ST_OK) {
		fprintf(stderr, "certdeskd: %s\n", err_text(&e));
		return 1;
	}
	centre_pool_init(cfg->db_path, data_dir);

	struct sockaddr_storage ss;
	socklen_t sl;
	if (!parse_listen(cfg->listen, &ss, &sl)) {
		fprintf(stderr, "certdeskd: 无效的监听地址 %s（应为 地址:端口，如 127.0.0.1:8443）\n",
			cfg->listen);
		return 2;
	}
	char *cert = NULL, *key = NULL;
	/* A pool of threads, each with many connections. Handlers block
	 * (SQLite, a push waiting for its group's commit), so there are more
	 * threads than CPUs; but not one per connection: fifty runnable
	 * threads on two CPUs spend their time switching (measured: p99 of
	 * fifty terminals syncing at once 150-195 ms with a thread per
	 * connection, 90-145 ms with a pool of 4 to 8). */
	unsigned threads = cfg->threads;
	if (!threads) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);
		threads = cpus > 0 ? (unsigned)(4 * cpus) : 8;
		threads = threads < 4 ? 4 : threads > 64 ? 64 : threads;
	}
	/* The connection limit is shared out among the threads. */
	if (threads > cfg->max_connections)
		threads = cfg->max_connections;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	if (cfg->tls_cert) {
		if (fs_read_all(cfg->tls_cert, 1 << 20, &cert, NULL, &e) != ST_OK ||
		    fs_read_all(cfg->tls_key, 1 << 20, &key, NULL, &e) != ST_OK) {
			fprintf(stderr, "certdeskd: %s\n", err_text(&e));
			free(cert);
			return 1;
		}
		flags |= MHD_USE_TLS;
	}

	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	struct MHD_OptionItem tls_opts[] = {
		{ MHD_OPTION_HTTPS_MEM_CERT, 0, cert },
		{ MHD_OPTION_HTTPS_MEM_KEY, 0, key },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct MHD_Daemon *d = MHD_start_daemon(
		flags, 0, NULL, NULL, answer, NULL,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
		MHD_OPTION_THREAD_POOL_SIZE, threads,
		MHD_OPTION_CONNECTION_LIMIT, cfg->max_connections,
		MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s,
		MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
		MHD_OPTION_ARRAY, cert ? tls_opts : tls_opts + 2,
		MHD_OPTION_END);
	if (!d) {
		fprintf(stderr, "certdeskd: 无法在 %s 上监听（端口被占用或地址无效）\n", cfg->listen);
		free(cert);
		free(key);
		return 1;
	}
	if (centre_checkpointer_start(&e) != ST_OK || sync_push_start(&e) != ST_OK) {
		fprintf(stderr, "certdeskd: %s\n", err_text(&e));
		centre_checkpointer_stop();
		MHD_stop_daemon(d);
		centre_pool_done();
		free(cert);
		free(key);
		return 1;
	}
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_info("certdeskd %s listening on %s (port %u)%s, %u threads, blobs in %s",
		 CERTDESK_VERSION, cfg->listen, info ? info->port : 0, cert ? " with TLS" : "", threads,
		 data_dir);
	/* Signals, and the timed jobs between them (server/jobs.h). */
	struct timespec now, next = { 0, 0 };
	clock_gettime(CLOCK_MONOTONIC, &next);
	if (cfg->lifecycle_s)
		next.tv_sec += cfg->lifecycle_s < JOBS_LIFECYCLE_FIRST_S ? cfg->lifecycle_s
									  : JOBS_LIFECYCLE_FIRST_S;
	int sig;
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		struct timespec wait = { 3600, 0 };
		if (cfg->lifecycle_s) {
			long long ns = (long long)(next.tv_sec - now.tv_sec) * 1000000000LL +
				       (next.tv_nsec - now.tv_nsec);
			if (ns <= 0) {
				jobs_lifecycle_run();
				clock_gettime(CLOCK_MONOTONIC, &next);
				next.tv_sec += cfg->lifecycle_s;
				continue;
			}
			wait.tv_sec = (time_t)(ns / 1000000000LL);
			wait.tv_nsec = (long)(ns % 1000000000LL);
		}
		sig = sigtimedwait(&sigs, NULL, &wait);
		if (sig > 0)
			break;
		/* EAGAIN: time for a job; EINTR: look again. */
	}
	log_info("stopping on signal %d", sig);
	/* No new connections; every push handed over is answered (suspended
	 * connections must not outlive the daemon); then stop. */
	MHD_socket listener = MHD_quiesce_daemon(d);
	sync_push_drain();
	MHD_stop_daemon(d);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	sync_push_stop();
	centre_checkpointer_stop();
	centre_pool_done();
	free(cert);
	free(key);
	return 0;
}
