#ifndef CERTDESK_SERVER_ROUTES_H
#define CERTDESK_SERVER_ROUTES_H

#include <jansson.h>
#include <stddef.h>

#include "store/db.h"

struct MHD_Connection;

struct route_request {
	const char *method;
	const char *path;
	const char *body;      /* NULL when empty; NUL-terminated */
	size_t body_len;
	struct MHD_Connection *conn;
};

struct route_response {
	unsigned code;
	json_t *body;          /* owned by the response */
};

/* Find the handler for the request and run it. */
void route_dispatch(const struct route_request *rq, struct route_response *rs);

/* This thread's database connection (opened on first use); NULL with e set. */
struct db *server_db(struct err *e);
/* {"error": code, "message": message}; new reference. */
json_t *server_error_body(const char *code, const char *message);

#endif
