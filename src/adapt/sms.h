#ifndef CERTDESK_ADAPT_SMS_H
#define CERTDESK_ADAPT_SMS_H

/*
 * The SMS gateway port. Two real drivers:
 *  - "file": appends each message to a local spool file (the default for a
 *    terminal without a gateway; an operator or a relay reads it). One line
 *    per message, fields separated by a tab:
 *        2026-11-25T08:00:00Z<TAB>ID<TAB>PHONE<TAB>TEXT<LF>
 *    (UTC time of spooling; in TEXT a backslash is written "\\" and a line
 *    break "\n"). Each line goes out in one write() on an O_APPEND
 *    descriptor, then fsync: writers in several threads or processes never
 *    interleave lines. The file is opened for each message, so a relay may
 *    rename the spool away to process it and the next message starts a new
 *    one (created 0600). A line torn by a full disk has no time prefix on
 *    its continuation; a reader should skip lines that do not parse.
 *  - "http": POSTs JSON {"id": ..., "phone": ..., "text": ...} to a
 *    configured URL (adapt/http.h), with connect and total timeouts, a bounded
 *    number of retries with back-off on network errors, timeouts and 5xx
 *    answers, and a clear Chinese error otherwise (4xx answers are not
 *    retried: 401/403 are ST_DENIED, the others ST_INVALID, the message
 *    names the server and the HTTP code). Any 2xx is success. Proxies come
 *    from the environment (http_proxy, no_proxy) as with curl.
 * Message texts contain verification codes: they never go to the log, and
 * error messages never quote the phone or the text. The log gets the
 * message id only.
 *
 * A gateway may be used from several threads at once (the http driver sends
 * one message at a time).
 */
#include <stdbool.h>

#include "util/status.h"

#define SMS_TEXT_MAX 1000      /* bytes of UTF-8 text accepted by sms_send */
#define SMS_ID_MAX   64        /* bytes of message id */

struct sms_config {
	char driver[16];       /* "file" or "http" */
	char spool[4096];      /* file driver: the spool file path (its directory must exist) */
	char url[1024];        /* http driver: endpoint, http:// or https:// */
	char token[256];       /* http driver: sent as "Authorization: Bearer TOKEN" when set */
	long timeout_ms;       /* http driver: total time per attempt; <= 0: the default 5000;
				  at most 600000 */
	int retries;           /* http driver: extra attempts; < 0: the default 2; at most 10.
				  Between attempts it waits 0.25 s, 0.5 s, 1 s... (at most 4 s,
				  plus up to a quarter more at random), so a send takes at most
				  about (retries + 1) * timeout_ms plus those waits */
};

struct sms_gateway;

/* A gateway for the configuration; ST_INVALID for an unknown driver, a
 * missing or malformed URL/spool, or out-of-range numbers. Caller frees
 * with sms_free. */
enum status sms_open(const struct sms_config *cfg, struct sms_gateway **out, struct err *e);
/* NULL is fine. */
void sms_free(struct sms_gateway *g);
/*
 * Send one message to an 11-digit mainland mobile number. `text` is UTF-8,
 * 1..SMS_TEXT_MAX bytes, without control characters other than line breaks.
 * `id` is a unique message id (a UUID; 1..SMS_ID_MAX bytes of letters,
 * digits and ".-_:") so that a gateway can drop duplicates of a retried
 * request. Errors: ST_INVALID for bad input; file driver: ST_IO (directory
 * missing, no permission...), ST_FULL (disk full); http driver: as in the
 * header comment, ST_NET or ST_TIMEOUT once the retries are spent (the
 * message ends with "共尝试 N 次").
 */
enum status sms_send(struct sms_gateway *g, const char *phone, const char *text, const char *id,
		     struct err *e);

#endif
