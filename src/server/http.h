#ifndef CERTDESK_SERVER_HTTP_H
#define CERTDESK_SERVER_HTTP_H

/*
 * certdeskd's HTTP front: libmicrohttpd with limits (body size, connections,
 * timeouts), a pool of threads, JSON in and out, routing to handlers
 * (routes.h).
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct server_config {
	const char *db_path;
	const char *data_dir;        /* holds blobs/; NULL: the directory of db_path */
	const char *listen;          /* "127.0.0.1:8443" */
	const char *tls_cert;        /* PEM files, or NULL for plain HTTP */
	const char *tls_key;
	size_t max_body;             /* bytes; larger requests get 413 */
	unsigned max_connections;
	unsigned timeout_s;          /* idle connection timeout */
	unsigned threads;            /* request threads; 0: 4 per CPU (4 to 64) */
	unsigned lifecycle_s;        /* seconds between lifecycle jobs; 0: none */
};

/* Serve until SIGINT/SIGTERM. Returns the exit status. */
int server_run(const struct server_config *cfg);

#endif
