#ifndef CERTDESK_ADAPT_PDF_H
#define CERTDESK_ADAPT_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/layout.h"
#include "util/status.h"

/*
 * The print engine: renders layouts (model/layout.h) filled with data to
 * an A4 PDF through libharu, in WenQuanYi Zen Hei embedded as a subset of
 * exactly the characters the document uses (HarfBuzz hb-subset).
 *
 * Data: a flat key/value store of UTF-8 strings. Keys are dotted names,
 * and rows of a table are numbered from 0 inside brackets:
 *
 *     applicant.name          = 张三
 *     enterprise.name         = 福州某某科技有限公司
 *     attachments[0].name     = 营业执照副本复印件
 *     attachments[1].name     = 经办人身份证复印件
 *
 * A table with group=attachments prints one row for each index 0..N-1,
 * where N is one more than the highest index set under "attachments[".
 * Which keys a layout reads is written at the top of each print/NAME.layout
 * and can be listed with layout_keys(). Missing keys print as empty.
 * Values are printed as given: format money with {key:fen}, mask personal
 * numbers before setting them if the document should not show them.
 *
 * Characters the font cannot print (outside the Basic Multilingual Plane,
 * or without a glyph in the font) are never dropped silently: each one is
 * printed as "□" and reported in pdf_result with the key it came from, so
 * the caller can say which field holds which character.
 */

/* ---- data --------------------------------------------------------------- */

struct pdf_data;

/* A new empty store; NULL when out of memory. Free with pdf_data_free(). */
struct pdf_data *pdf_data_new(void);
void pdf_data_free(struct pdf_data *d);
/* Set key to a copy of value (replacing an earlier value). False when
 * out of memory or when key is empty or longer than 127 bytes. */
bool pdf_data_set(struct pdf_data *d, const char *key, const char *value);
bool pdf_data_setf(struct pdf_data *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Set "group[row].field". */
bool pdf_data_set_row(struct pdf_data *d, const char *group, int row, const char *field, const char *value);
/* The value of key, or NULL; borrowed until the key is set again or d freed. */
const char *pdf_data_get(const struct pdf_data *d, const char *key);
/* Number of rows of a group: 1 + the highest index set, 0 when none. */
int pdf_data_rows(const struct pdf_data *d, const char *group);
/* Set every "key=value" line of text (UTF-8; '#' lines and blank lines are
 * skipped; spaces around key and value are dropped; "\n" in a value is a
 * line break). ST_INVALID names the line. */
enum status pdf_data_parse(struct pdf_data *d, const char *text, struct err *e);

/* ---- engine ------------------------------------------------------------- */

/* The font every document uses (DESIGN.md), face 0 of the collection. */
#define PDF_FONT_PATH "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
#define PDF_FONT_FACE 0

/*
 * An engine holds the opened font (memory-mapped) and is reused by every
 * render; one per program is enough. Not thread-safe: one render at a
 * time. `font_path` NULL means PDF_FONT_PATH (the environment variable
 * CERTDESK_FONT overrides it). *out: caller frees with pdf_engine_free().
 */
struct pdf_engine;
enum status pdf_engine_new(const char *font_path, struct pdf_engine **out, struct err *e);
void pdf_engine_free(struct pdf_engine *eng);

/* One document of a print run: a layout with its data (both borrowed). */
struct pdf_job {
	const struct layout *layout;
	const struct pdf_data *data;
};

/* A character that could not be printed. */
struct pdf_badchar {
	uint32_t cp;
	bool outside_bmp;          /* else: the font has no glyph for it */
	char key[64];              /* first key it came from; "" = the layout's own text */
};

#define PDF_BAD_MAX 32

struct pdf_result {
	int pages;                 /* sheets in the file */
	size_t bytes;              /* size of the PDF */
	int clipped;               /* texts cut short with "…" because even min= did not fit */
	size_t n_bad;              /* distinct unprintable characters (bad[] keeps the first PDF_BAD_MAX) */
	struct pdf_badchar bad[PDF_BAD_MAX];
	size_t glyphs;             /* distinct characters embedded */
	double ms_subset;          /* time spent subsetting the font */
	double ms_total;           /* whole render */
};

/*
 * Render jobs[0..n-1] one after another into one PDF, each starting on a
 * new sheet ({page}/{pages} count per job). One font subset serves all of
 * them, so a batch costs little more than its pages. `eng` NULL opens the
 * default font for this call only.
 *
 * pdf_render_file writes `path` atomically (temp file + rename);
 * pdf_render_mem gives the bytes in *out (caller frees) and *len.
 * res (may be NULL) is filled on success. Unprintable characters are not
 * an error: check res->n_bad. Errors: ST_INVALID (n == 0), ST_IO / ST_FULL
 * writing, ST_NOMEM, ST_INTERNAL (libharu or HarfBuzz failed).
 */
enum status pdf_render_file(struct pdf_engine *eng, const struct pdf_job *jobs, size_t n, const char *path,
			    struct pdf_result *res, struct err *e);
enum status pdf_render_mem(struct pdf_engine *eng, const struct pdf_job *jobs, size_t n, char **out,
			   size_t *len, struct pdf_result *res, struct err *e);

/*
 * The unprintable characters as one Chinese sentence for the screen, e.g.
 * "以下字符无法打印，已印为□：𠮷（U+20BB7，applicant.name）". "" when none.
 */
void pdf_result_bad_text(const struct pdf_result *res, char *out, size_t outsz);

#endif
