#include "server/http.h"

#include <arpa/inet.h>
#include <jansson.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/routes.h"
#include "store/db.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/log.h"

static const struct server_config *config;
static pthread_key_t db_key;

static void db_key_free(void *p)
{
	db_close(p);
}

struct db *server_db(struct err *e)
{
	struct db *db = pthread_getspecific(db_key);
	if (db)
		return db;
	if (db_open(config->db_path, &db, e) != ST_OK)
		return NULL;
	pthread_setspecific(db_key, db);
	return db;
}

/* Per-request state: the body as it arrives, bounded. */
struct request {
	struct buf body;
	bool too_big;
};

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned code, json_t *body)
{
	char *text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return MHD_NO;
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), text,
								 MHD_RESPMEM_MUST_FREE);
	if (!r) {
		free(text);
		return MHD_NO;
	}
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	enum MHD_Result ret = MHD_queue_response(c, code, r);
	MHD_destroy_response(r);
	return ret;
}

json_t *server_error_body(const char *code, const char *message)
{
	return json_pack("{s:s, s:s}", "error", code, "message", message);
}

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
			      const char *method, const char *version, const char *upload_data,
			      size_t *upload_size, void **con_cls)
{
	(void)cls, (void)version;
	struct request *rq = *con_cls;
	if (!rq) {
		rq = calloc(1, sizeof *rq);
		if (!rq)
			return MHD_NO;
		buf_init(&rq->body, config->max_body);
		*con_cls = rq;
		return MHD_YES;
	}
	if (*upload_size) {
		/* libmicrohttpd has no body limit of its own: count and refuse. */
		if (!rq->too_big && !buf_add(&rq->body, upload_data, *upload_size))
			rq->too_big = true;
		*upload_size = 0;
		return MHD_YES;
	}
	if (rq->too_big)
		return send_json(c, MHD_HTTP_CONTENT_TOO_LARGE,
				 server_error_body("too_large", "请求过大"));
	struct route_request req = {
		.method = method, .path = url, .body = rq->body.data, .body_len = rq->body.len,
		.conn = c,
	};
	struct route_response res = { .code = 500, .body = NULL };
	route_dispatch(&req, &res);
	if (!res.body)
		res.body = server_error_body("internal", "服务器内部错误");
	return send_json(c, res.code, res.body);
}

static void completed(void *cls, struct MHD_Connection *c, void **con_cls,
		      enum MHD_RequestTerminationCode toe)
{
	(void)cls, (void)c, (void)toe;
	struct request *rq = *con_cls;
	if (rq) {
		buf_done(&rq->body);
		free(rq);
	}
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

int server_run(const struct server_config *cfg)
{
	config = cfg;
	struct err e;
	err_clear(&e);
	/* Open (and migrate) once before serving, so that a bad database is
	 * reported at start and not on the first request. */
	struct db *db;
	if (db_open(cfg->db_path, &db, &e) != ST_OK) {
		fprintf(stderr, "certdeskd: %s\n", err_text(&e));
		return 1;
	}
	db_close(db);

	struct sockaddr_storage ss;
	socklen_t sl;
	if (!parse_listen(cfg->listen, &ss, &sl)) {
		fprintf(stderr, "certdeskd: 无效的监听地址 %s（应为 地址:端口，如 127.0.0.1:8443）\n",
			cfg->listen);
		return 2;
	}
	char *cert = NULL, *key = NULL;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG;
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
	pthread_key_create(&db_key, db_key_free);

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
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)4,
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
	const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	log_info("certdeskd %s listening on %s (port %u)%s", CERTDESK_VERSION, cfg->listen,
		 info ? info->port : 0, cert ? " with TLS" : "");
	int sig;
	sigwait(&sigs, &sig);
	log_info("stopping on signal %d", sig);
	MHD_stop_daemon(d);
	free(cert);
	free(key);
	return 0;
}
