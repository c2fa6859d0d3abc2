#ifndef CERTDESK_UTIL_CONFIG_H
#define CERTDESK_UTIL_CONFIG_H

/*
 * The terminal's settings file, DATA/certdesk.conf: UTF-8 text, one
 * `key = value` per line.
 *
 *     # SMS through the provincial gateway
 *     sms.driver = http
 *     sms.url    = https://sms.example.cn/v1/send
 *     printer    = 前台打印机
 *
 * - A line whose first non-blank character is '#' is a comment; blank lines
 *   are ignored. '#' elsewhere is part of the value (tokens and URLs may
 *   hold it), so there are no comments at the end of a line.
 * - Spaces (ASCII and U+3000) around the key and the value are dropped; the
 *   value is the rest of the line, which may be empty. There is no quoting.
 * - Keys are ASCII lower-case letters, digits and "._-". A key the program
 *   does not know is ignored with a warning (an older program reading a
 *   newer file keeps working); a key given twice keeps the later value,
 *   with a warning. Warnings are handed to the caller, never printed.
 * - A line that is not `key = value`, holds a control character (tab
 *   aside) or is not UTF-8 is an error (ST_INVALID) naming the file and the
 *   line number.
 * A CRLF line end and a UTF-8 byte-order mark (Windows editors) are accepted.
 *
 * Keys known now (defaults belong to the callers):
 *   sms.driver      "file" (default) or "http"
 *   sms.spool       spool file of the file driver (default DATA/sms-spool.txt)
 *   sms.url         endpoint of the http driver
 *   sms.token       bearer token for the http driver
 *   sms.timeout_ms  total time per attempt (default 5000)
 *   sms.retries     extra attempts (default 2)
 *   scan.folder     folder the document scanner saves into
 *   printer         printer name for lp
 *   viewer          program opening a scanned document (default xdg-open)
 *   authority.name, authority.address   printed on forms and receipts
 *   sync.*          see sync/sync.h
 *   review.target_hours  working hours before a queued application is late (24)
 *   review.return_reasons  the office's return reasons file (built-in list)
 *   key.wait_seconds     how long the KEY screen waits for a KEY (60, 5..600)
 *   crl.url, crl.issuer_cert  the revocation list's address and its issuer's
 *                   certificate file (relative: in the data directory), svc/crl.h
 * A new setting is one more line in the table in config.c.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

#define CONFIG_FILE_MAX (64 * 1024)  /* larger files are refused */

struct config_entry {
	char *key;      /* owned */
	char *value;    /* owned */
	int line;       /* line it came from (0 when set by config_set) */
};

struct config {
	char name[64];                 /* file name used in messages ("certdesk.conf") */
	struct config_entry *items;    /* owned, `n` of them */
	size_t n, alloc;
	char **warnings;               /* owned Chinese sentences, `nwarnings` of them */
	size_t nwarnings, walloc;
};

/* Embedded init/done: an empty configuration (every key at its default). */
void config_init(struct config *c);
void config_done(struct config *c);

/*
 * Read the file at path into c (initialised here: call config_done after,
 * whatever the result). A missing file is not an error: c stays empty and
 * every key takes its default. ST_INVALID for a bad line ("certdesk.conf
 * 第 3 行：…") or a file over CONFIG_FILE_MAX, ST_IO when it cannot be read;
 * on error c holds nothing.
 */
enum status config_load(const char *path, struct config *c, struct err *e);
/* As config_load, from text (NUL-terminated) with `name` for messages. */
enum status config_parse(const char *name, const char *text, struct config *c, struct err *e);

/* The value of key, or `def` when it is not set; borrowed until c changes. */
const char *config_get(const struct config *c, const char *key, const char *def);
/*
 * An integer setting in [min, max], or `def` when not set. A value that is
 * not a decimal integer, or out of range, is ST_INVALID naming the key and
 * its line, and *out is left alone.
 */
enum status config_get_long(const struct config *c, const char *key, long def, long min,
			    long max, long *out, struct err *e);
/* Set (or replace) key's value, e.g. from a command-line option. The key
 * need not be known. ST_NOMEM when out of memory. */
enum status config_set(struct config *c, const char *key, const char *value, struct err *e);
/* True when the program knows this key. */
bool config_key_known(const char *key);

#endif
