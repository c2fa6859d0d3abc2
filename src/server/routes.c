/* The URL table of certdeskd, and what every handler shares. */
#include "server/routes.h"

#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/attachment.h"
#include "server/centre.h"
#include "server/puk.h"
#include "util/status.h"

static void health(struct route_request *rq, struct route_response *rs)
{
	struct err e;
	err_clear(&e);
	struct db *db = request_db(rq, &e);
	if (!db) {
		route_error(rs, MHD_HTTP_SERVICE_UNAVAILABLE, status_code(e.st), err_text(&e));
		return;
	}
	rs->code = MHD_HTTP_OK;
	rs->body = json_pack("{s:s, s:s, s:i}", "status", "ok", "version", CERTDESK_VERSION,
			     "schema", db_schema_version());
}

/* An enrolment request is a code in a small object. */
#define ENROLL_MAX_BODY 4096

static const struct route routes[] = {
	{ "GET", "/v1/health", false, 0, health, NULL },
	{ "POST", "/v1/enroll", false, ENROLL_MAX_BODY, auth_enroll, NULL },
	{ "POST", "/v1/sync/push", true, 0, sync_push, NULL },
	{ "GET", "/v1/sync/pull", true, 0, sync_pull, NULL },
	{ "HEAD", "/v1/blobs/", true, 0, blobs_head, NULL },
	{ "GET", "/v1/blobs/", true, 0, blobs_get, NULL },
	/* The body goes to disk as it arrives, checked against Content-Range
	 * and the attachment size cap, not against --max-body. */
	{ "PUT", "/v1/blobs/", true, ATTACH_MAX_BYTES, NULL, &blobs_put },
	/* A KEY's PUK for an accepted unlock application (server/puk.h). */
	{ "POST", "/v1/keys/puk", true, PUK_MAX_BODY, puk_release_route, NULL },
};

/* Does path match the route? Prefix routes take exactly one more segment. */
static bool matches(const struct route *r, const char *path, const char **arg)
{
	size_t n = strlen(r->path);
	if (r->path[n - 1] != '/') {
		if (strcmp(r->path, path) != 0)
			return false;
		*arg = "";
		return true;
	}
	if (strncmp(r->path, path, n) != 0 || !path[n] || strchr(path + n, '/'))
		return false;
	*arg = path + n;
	return true;
}

const struct route *route_find(const char *method, const char *path, const char **arg,
			       bool *path_known, const char **allow)
{
	static _Thread_local char methods[64];
	methods[0] = '\0';
	*path_known = false;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (!matches(&routes[i], path, arg))
			continue;
		if (strcmp(routes[i].method, method) == 0)
			return &routes[i];
		*path_known = true;
		size_t len = strlen(methods);
		snprintf(methods + len, sizeof methods - len, "%s%s", len ? ", " : "",
			 routes[i].method);
	}
	*allow = methods;
	return NULL;
}

struct db *request_db(struct route_request *rq, struct err *e)
{
	if (!rq->db)
		rq->db = centre_db_get(e);
	return rq->db;
}

void route_error(struct route_response *rs, unsigned code, const char *error, const char *message)
{
	json_decref(rs->body);
	free(rs->text);
	rs->text = NULL;
	rs->code = code;
	rs->body = json_pack("{s:s, s:s}", "error", error, "message", message);
}

void route_fail(struct route_response *rs, const struct err *e)
{
	unsigned code;
	switch (e->st) {
	case ST_INVALID: code = MHD_HTTP_BAD_REQUEST; break;
	case ST_NOT_FOUND: code = MHD_HTTP_NOT_FOUND; break;
	case ST_EXISTS:
	case ST_CONFLICT:
	case ST_STATE: code = MHD_HTTP_CONFLICT; break;
	case ST_AUTH:
	case ST_DENIED: code = MHD_HTTP_UNAUTHORIZED; break;
	case ST_FULL: code = MHD_HTTP_INSUFFICIENT_STORAGE; break;
	case ST_DB:
	case ST_IO:
	case ST_NOMEM:
	case ST_TIMEOUT: code = MHD_HTTP_SERVICE_UNAVAILABLE; break;
	default: code = MHD_HTTP_INTERNAL_SERVER_ERROR; break;
	}
	route_error(rs, code, status_code(e->st), err_text(e));
}

void route_resume(struct MHD_Connection *conn)
{
	MHD_resume_connection(conn);
}

void route_header(struct route_response *rs, const char *name, const char *fmt, ...)
{
	if (rs->nheaders == ROUTE_HEADERS_MAX)
		return;
	rs->headers[rs->nheaders].name = name;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(rs->headers[rs->nheaders].value, sizeof rs->headers[0].value, fmt, ap);
	va_end(ap);
	rs->nheaders++;
}

json_t *route_json_body(const struct route_request *rq, struct route_response *rs)
{
	if (!rq->body || rq->body_len == 0) {
		route_error(rs, MHD_HTTP_BAD_REQUEST, "empty", "请求内容为空，应为 JSON");
		return NULL;
	}
	json_error_t je;
	json_t *v = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!v) {
		char msg[320];
		snprintf(msg, sizeof msg, "请求不是有效的 JSON：第 %d 行第 %d 列：%s", je.line,
			 je.column, je.text);
		route_error(rs, MHD_HTTP_BAD_REQUEST, "bad_json", msg);
		if (rs->body) {
			json_object_set_new(rs->body, "line", json_integer(je.line));
			json_object_set_new(rs->body, "column", json_integer(je.column));
		}
	}
	return v;
}
