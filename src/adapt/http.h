#ifndef CERTDESK_ADAPT_HTTP_H
#define CERTDESK_ADAPT_HTTP_H

/*
 * A small HTTP(S) client on libcurl, shared by the SMS http driver and (later)
 * the sync client. One request at a time per client: a `struct http_client`
 * keeps one curl handle, so consecutive requests to the same server reuse the
 * connection (keep-alive). Use one client per thread.
 *
 * What it always does:
 *  - sets a connect timeout and a total timeout on every request: a request
 *    never hangs longer than its total timeout;
 *  - verifies TLS (peer and host name); there is no switch to turn that off:
 *    a gateway with a private CA is trusted by naming its CA file;
 *  - speaks only http and https, and never follows redirects;
 *  - uses no signals (CURLOPT_NOSIGNAL), so it is safe in threaded programs;
 *  - caps the response body (the caller's `struct buf` cap);
 *  - maps transport failures to statuses with one Chinese sentence that names
 *    the server (host[:port]), never the request or response body, which may
 *    hold personal data or verification codes. Nothing of the body is logged.
 *
 * An HTTP answer of any code is a completed exchange (ST_OK with the code);
 * http_check_code() turns a code into a status when the caller wants that.
 * curl_global_init runs once per process (pthread_once) on the first
 * http_client_new; curl_global_cleanup is left to process exit.
 */
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/status.h"

#define HTTP_CONNECT_TIMEOUT_MS 3000L   /* default connect timeout */
#define HTTP_TIMEOUT_MS         15000L  /* default total timeout per request */

struct http_options {
	long connect_timeout_ms;  /* 0: HTTP_CONNECT_TIMEOUT_MS; never above the total */
	long timeout_ms;          /* total time per request, connect included; 0: HTTP_TIMEOUT_MS */
	const char *noproxy;      /* CURLOPT_NOPROXY: "*" bypasses every proxy (tests);
				     NULL keeps curl's default (http_proxy/no_proxy from the
				     environment) */
	const char *ca_file;      /* PEM CA bundle to verify servers with; NULL: the system's */
	const char *user_agent;   /* NULL: "certdesk/VERSION" */
	/* Borrowed for the client's life, may be NULL: once set, a request in
	 * progress ends within about a second with ST_CANCELLED (a worker
	 * being stopped must not wait out a request's whole timeout). */
	const atomic_bool *cancel;
};

struct http_client;

/* A client with these options (copied: the strings need not outlive the
 * call). `opt` may be NULL for the defaults. ST_NOMEM or ST_INTERNAL when
 * libcurl cannot start. Caller frees with http_client_free. */
enum status http_client_new(const struct http_options *opt, struct http_client **out,
			    struct err *e);
/* Close the connection and free the client; NULL is fine. */
void http_client_free(struct http_client *c);

struct http_request {
	const char *method;        /* "GET", "POST", "PUT", "DELETE", "HEAD"...; NULL: GET */
	const char *url;           /* http:// or https:// */
	const void *body;          /* sent as is when not NULL; borrowed for the call */
	size_t body_len;
	const char *content_type;  /* Content-Type of the body ("application/json"), or NULL */
	const char *const *headers;/* extra "Name: value" lines, NULL-terminated, or NULL */
	long timeout_ms;           /* total timeout of this request; 0: the client's */
	/* One response header to read back (the sync client's "X-Received"), or
	 * NULL: its value, blanks trimmed, is copied into header_value
	 * (header_value_sz bytes, cut to fit); "" when the answer has none. */
	const char *want_header;   /* name without the colon, any case */
	char *header_value;
	size_t header_value_sz;
	/* Optional progress hook, called on the calling thread while the
	 * request runs: as bytes arrive, and about once a second while none
	 * do. `got` is the bytes of the answer's body received so far, `total`
	 * its length when the server said it (0 otherwise). Returning true
	 * stops the request: http_perform returns ST_CANCELLED, as for the
	 * client's cancel flag, and what `resp` holds must not be used, as
	 * after any failure. */
	bool (*progress)(void *ctx, long long got, long long total);
	void *progress_ctx;
};

/*
 * Perform one request. The response body is appended to `resp` (initialised
 * by the caller, whose cap limits it; NULL discards the body); *code gets the
 * HTTP status (0 when no answer came). Returns ST_OK for any complete HTTP
 * answer, whatever its code; otherwise:
 *   ST_TIMEOUT  "连接 HOST 超时…" (connect or total timeout reached)
 *   ST_NET      "无法连接 HOST…", connection lost, TLS handshake failed
 *   ST_INVALID  bad URL, certificate not trusted, CA file unusable,
 *               response larger than the cap
 *   ST_NOMEM    out of memory
 *   ST_CANCELLED  the client's cancel flag was set, or the request's
 *               progress hook asked to stop
 * After a failure, `resp` may hold part of a body or nothing: do not use it.
 */
enum status http_perform(struct http_client *c, const struct http_request *req,
			 struct buf *resp, long *code, struct err *e);

/*
 * The status of an HTTP answer code from `url`'s server, with a Chinese
 * message naming the server and the code:
 *   2xx ST_OK; 401, 403 ST_DENIED; other 4xx ST_INVALID;
 *   5xx ST_NET (the server failed: worth retrying);
 *   anything else (1xx, 3xx: redirects are not followed) ST_INVALID.
 */
enum status http_check_code(const char *url, long code, struct err *e);

/* "host" or "host:port" of url, for messages ("?" when it cannot be
 * parsed); never the path or the query, which may hold ids or tokens. */
void http_url_host(const char *url, char *out, size_t outsz);

#endif
