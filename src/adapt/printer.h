#ifndef CERTDESK_ADAPT_PRINTER_H
#define CERTDESK_ADAPT_PRINTER_H

/*
 * The printer port: hands a finished PDF to a CUPS queue with the lp
 * command (`lp -d PRINTER FILE`), started directly (fork + execvp, no
 * shell, so a printer or file name is never interpreted), with its
 * standard input from /dev/null, its output captured and a bounded wait.
 *
 * The file is never removed or changed here, whatever happens: the
 * caller still has the PDF and tells the clerk where it is.
 */
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/* How long lp may take to queue a job before it is killed. Queuing is
 * local (the CUPS daemon spools the file), so this is generous. */
#define PRINTER_TIMEOUT_MS 30000
#define PRINTER_NAME_MAX 128       /* bytes, NUL included */
#define PRINTER_JOB_MAX 128

/*
 * True when `name` can be a CUPS queue name: 1-127 bytes of UTF-8, no
 * control characters, spaces, '/', '\\', '#', '?', quotes, and not
 * starting with '-'. Otherwise e says why ("打印机名称 … 无效：…").
 */
bool printer_name_valid(const char *name, struct err *e);

/*
 * Queue the file at `path` on printer `printer` with `lp -d PRINTER PATH`,
 * waiting at most timeout_ms (<= 0: PRINTER_TIMEOUT_MS). On success `job`
 * (may be NULL; PRINTER_JOB_MAX bytes) holds lp's request id
 * ("前台打印机-42"), or "" when lp did not print one.
 *
 * Failures, each with one Chinese sentence in e that does not include
 * the path (the caller adds it):
 *   ST_INVALID      a bad printer name, or `path` is not a readable file
 *   ST_UNSUPPORTED  no lp command on PATH (CUPS client not installed)
 *   ST_NOT_FOUND    CUPS does not know the printer
 *   ST_DEVICE       lp refused or failed otherwise (its message quoted)
 *   ST_TIMEOUT      lp did not finish in time (it is killed)
 *   ST_INTERNAL     the process could not be started
 */
enum status printer_send(const char *printer, const char *path, int timeout_ms,
			 char job[PRINTER_JOB_MAX], struct err *e);

#endif
