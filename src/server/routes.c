/* The URL table of certdeskd. */
#include "server/routes.h"

#include <microhttpd.h>
#include <string.h>

#include "util/status.h"

static void health(const struct route_request *rq, struct route_response *rs)
{
	(void)rq;
	struct err e;
	err_clear(&e);
	struct db *db = server_db(&e);
	if (!db) {
		rs->code = MHD_HTTP_SERVICE_UNAVAILABLE;
		rs->body = server_error_body(status_code(e.st), err_text(&e));
		return;
	}
	rs->code = MHD_HTTP_OK;
	rs->body = json_pack("{s:s, s:s, s:i}", "status", "ok", "version", CERTDESK_VERSION,
			     "schema", db_schema_version());
}

struct route {
	const char *method;
	const char *path;
	void (*fn)(const struct route_request *rq, struct route_response *rs);
};

static const struct route routes[] = {
	{ "GET", "/v1/health", health },
};

void route_dispatch(const struct route_request *rq, struct route_response *rs)
{
	bool path_known = false;
	for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
		if (strcmp(routes[i].path, rq->path) != 0)
			continue;
		path_known = true;
		if (strcmp(routes[i].method, rq->method) == 0) {
			routes[i].fn(rq, rs);
			return;
		}
	}
	rs->code = path_known ? MHD_HTTP_METHOD_NOT_ALLOWED : MHD_HTTP_NOT_FOUND;
	rs->body = server_error_body(path_known ? "method" : "not_found",
				     path_known ? "不支持该请求方法" : "没有这个接口");
}
