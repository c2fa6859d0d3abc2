#ifndef CERTDESK_UTIL_CSV_H
#define CERTDESK_UTIL_CSV_H

/*
 * CSV (RFC 4180) in and out, for import and export.
 *
 * Reading streams from a FILE, one record at a time, in memory bounded by
 * the caps whatever the file's size. Accepted: a UTF-8 byte order mark at
 * the start; CRLF, LF or a lone CR as line end; fields in double quotes
 * holding commas, line breaks and quotes written twice (""). Blank lines
 * are skipped. Refused, with the line it is on: bytes that are not UTF-8
 * (a GBK or UTF-16 file), a NUL byte, a quote inside an unquoted field,
 * text after a closing quote, a quote still open at the end of the file,
 * a field, record or field count over its cap, a read error. A refusal
 * ends the reading: what follows cannot be split into records reliably.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/status.h"

#define CSV_FIELD_MAX 4096      /* default caps, in bytes */
#define CSV_RECORD_MAX 65536
#define CSV_FIELDS_MAX 256      /* fields in one record */

struct csv_reader;

/* A reader on f (borrowed: read from its current position, never closed).
 * A cap of 0 takes the default. NULL when out of memory; otherwise the
 * caller frees it with csv_reader_free. */
struct csv_reader *csv_reader_new(FILE *f, size_t field_max, size_t record_max);
void csv_reader_free(struct csv_reader *r);

enum csv_result { CSV_RECORD, CSV_END, CSV_ERROR };

/*
 * Read the next record. CSV_RECORD: its fields are csv_field(r, 0 ..
 * csv_count(r) - 1). CSV_END at the end of the input. CSV_ERROR: e holds
 * the reason in Chinese, without the line number (csv_line has it), and
 * every later call returns CSV_ERROR again.
 */
enum csv_result csv_read(struct csv_reader *r, struct err *e);
/* Fields in the current record. */
int csv_count(const struct csv_reader *r);
/* Field i as UTF-8 without NULs, quotes removed; "" when i is out of
 * range. Borrowed until the next csv_read. */
const char *csv_field(const struct csv_reader *r, int i);
/* The line (from 1) where the current record starts, or, after
 * CSV_ERROR, the line of the fault. */
long csv_line(const struct csv_reader *r);
/* True when the input started with a UTF-8 byte order mark. */
bool csv_had_bom(const struct csv_reader *r);

/*
 * Writing: fields are quoted when they hold a comma, a quote, CR or LF
 * (quotes doubled), and each record ends with CRLF.
 *
 * CSV_EXCEL also keeps Excel from changing values when it opens the file:
 * a string of digits that Excel would turn into a number and damage (18
 * digit ID numbers lose their last digits, postal codes their leading 0)
 * gets a leading tab, which makes Excel keep it as text and which any
 * trimming reader (our import) drops; a value starting with = + - or @
 * gets a leading apostrophe, so Excel shows it instead of running it as a
 * formula.
 */
enum { CSV_EXCEL = 1 };

/* The UTF-8 byte order mark (Excel reads the file as UTF-8 only with it). */
bool csv_write_bom(FILE *f);
/* One record of n fields (NULL is ""). False on a write error (errno set). */
bool csv_write_record(FILE *f, const char *const *fields, int n, unsigned flags);

#endif
