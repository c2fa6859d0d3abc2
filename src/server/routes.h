#ifndef CERTDESK_SERVER_ROUTES_H
#define CERTDESK_SERVER_ROUTES_H

/*
 * certdeskd's URL table and what a handler sees. http.c reads the request,
 * checks the route's limits and the terminal's secret, and calls the
 * handler; the handler fills a response. Every error answer is JSON
 * {"error": code, "message": Chinese sentence}.
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/db.h"
#include "svc/replay.h"

struct MHD_Connection;

struct route_request {
	const char *method;
	const char *path;
	const char *arg;               /* the last path segment of a prefix route, else "" */
	const char *body;              /* NULL when empty; NUL-terminated; buffered routes only */
	size_t body_len;
	struct MHD_Connection *conn;
	const struct sync_peer *peer;  /* the authenticated terminal; NULL on public routes */
	void *state;                   /* a streaming handler's own state */
	struct db *db;                 /* use request_db(); released after the answer */
};

#define ROUTE_HEADERS_MAX 3

struct route_response {
	unsigned code;
	json_t *body;                  /* JSON answer (owned) */
	char *text;                    /* or the answer already as JSON text (owned, malloc) */
	size_t text_len;
	int fd;                        /* or a file to send whole (owned; -1: none) */
	uint64_t fd_size;
	const char *content_type;      /* for fd; static */
	struct {
		const char *name;      /* static */
		char value[96];
	} headers[ROUTE_HEADERS_MAX];
	int nheaders;
	/* Or the answer comes later: http.c suspends the connection, then
	 * calls defer(defer_arg), which hands the work to another thread; that
	 * thread fills this response and calls route_resume(). */
	void (*defer)(void *arg);
	void *defer_arg;
};

/* The deferred answer is ready (any thread; after this call the response
 * belongs to the connection's thread again). */
void route_resume(struct MHD_Connection *conn);

/* Handlers for a body that is not kept in memory (blob uploads). */
struct route_stream {
	/* Headers are in. Return false with rs filled to answer at once
	 * without reading the body. */
	bool (*open)(struct route_request *rq, struct route_response *rs);
	/* A piece of the body. Return false with rs filled to stop: the rest is
	 * read and dropped, and rs is the answer. */
	bool (*data)(struct route_request *rq, const char *p, size_t n, struct route_response *rs);
	/* The whole body has arrived: answer. */
	void (*finish)(struct route_request *rq, struct route_response *rs);
	/* Always called once after open returned true, also when the client
	 * went away (`whole` false). Frees rq->state. */
	void (*close)(struct route_request *rq, bool whole);
};

struct route {
	const char *method;
	const char *path;              /* exact, or a prefix ending in '/' for ".../{arg}" */
	bool auth;                     /* needs Authorization: Bearer <terminal>.<secret> */
	size_t max_body;               /* 0: the server's --max-body */
	void (*fn)(struct route_request *rq, struct route_response *rs);
	const struct route_stream *stream;   /* instead of fn */
};

/*
 * The route for method and path. NULL when none: *path_known tells 405
 * (the path exists with other methods; *allow lists them, static buffer
 * of the calling thread) from 404.
 */
const struct route *route_find(const char *method, const char *path, const char **arg,
			       bool *path_known, const char **allow);

/* This request's database connection (from the pool, on first use); NULL
 * with e set. */
struct db *request_db(struct route_request *rq, struct err *e);

/* Fill rs with an error answer. */
void route_error(struct route_response *rs, unsigned code, const char *error, const char *message);
/* Fill rs with an error answer from a status (its code name and e's message),
 * choosing the HTTP code from the status. */
void route_fail(struct route_response *rs, const struct err *e);
/* Add a header to the answer (value copied). */
void route_header(struct route_response *rs, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Parse the request body as one JSON value; on failure fills rs (400 with
 * jansson's line and column) and returns NULL. New reference. */
json_t *route_json_body(const struct route_request *rq, struct route_response *rs);

/* Build what the pull needs from the schema, once, before serving. */
enum status sync_pull_setup(struct db *db, struct err *e);
/* The thread that commits pushes (push.c): start after the pool; drain
 * once no new connections come (every deferred push is answered, new ones
 * are refused with 503), then stop after the daemon. */
enum status sync_push_start(struct err *e);
void sync_push_drain(void);
void sync_push_stop(void);

/* The handlers (auth.c, sync.c, blobs.c). */
void auth_enroll(struct route_request *rq, struct route_response *rs);
void sync_push(struct route_request *rq, struct route_response *rs);
void sync_pull(struct route_request *rq, struct route_response *rs);
void blobs_head(struct route_request *rq, struct route_response *rs);
void blobs_get(struct route_request *rq, struct route_response *rs);
extern const struct route_stream blobs_put;

#endif
