#ifndef CERTDESK_SERVER_HTTP_H
#define CERTDESK_SERVER_HTTP_H

/*
 * certdeskd's HTTP front: libmicrohttpd with limits (body size, connections,
 * timeouts), JSON in and out, routing to handlers.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

struct server_config {
	const char *db_path;
	const char *listen;          /* "127.0.0.1:8443" */
	const char *tls_cert;        /* PEM files, or NULL for plain HTTP */
	const char *tls_key;
	size_t max_body;             /* bytes; larger requests get 413 */
	unsigned max_connections;
	unsigned timeout_s;          /* idle connection timeout */
};

/* Serve until SIGINT/SIGTERM. Returns the exit status. */
int server_run(const struct server_config *cfg);

#endif
