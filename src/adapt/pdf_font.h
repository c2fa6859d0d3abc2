#ifndef CERTDESK_ADAPT_PDF_FONT_H
#define CERTDESK_ADAPT_PDF_FONT_H

#include <stdbool.h>
#include <stdint.h>

#include <hb.h>
#include <hpdf.h>

#include "adapt/pdf.h"
#include "util/buf.h"

/*
 * Internal to the print engine: the font (pdf_font.c). The engine holds the
 * face opened once; each render embeds a subset of it, made with HarfBuzz,
 * into its document.
 *
 * Text is written by glyph: the content streams carry the subset's glyph
 * numbers as character codes (CIDToGIDMap /Identity), the ToUnicode map
 * turns them back into the characters for extraction and search, and the
 * embedded program holds only the tables a viewer draws with (head, hhea,
 * maxp, hmtx, loca, glyf and any hinting). libharu is handed the same
 * subset with a one-range cmap (code N is glyph N) so that its own lookups,
 * which scan the cmap linearly for each of 65,536 codes, cost nothing.
 */

struct pdf_engine {
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;       /* for coverage checks */
	const char *mark;      /* printed in place of an unprintable character */
	uint32_t mark_cp;
};

/* Can the font print cp (in the BMP, with a glyph)? */
bool pdf_engine_has(const struct pdf_engine *eng, uint32_t cp);

/* The font of one document. */
struct pdf_font {
	HPDF_Font font;                 /* owned by the document */
	double ascent, descent;         /* per 1 pt of size: 0.962, -0.296 */
	uint16_t *gid;                  /* BMP code point -> glyph of the subset, 0 none; owned */
	uint16_t *widths;               /* BMP advance + 1 in 1/1000 em, 0 = unknown; owned */
	uint32_t mark_cp;               /* the engine's mark (□) */
	uint16_t mark_gid;              /* glyph printed for a character not in the subset */
	size_t n_glyphs;
};

/*
 * Subset the engine's face to the characters `cps`, load the subset into
 * `doc` and fill *f (overwritten whole; free with pdf_font_done() whatever
 * the result). The document's ToUnicode map and widths are rewritten so
 * that text can be extracted and the file stays small. *ms_subset gets the
 * time spent subsetting. ST_NOMEM, ST_INTERNAL (HarfBuzz or libharu failed).
 */
enum status pdf_font_load(struct pdf_font *f, const struct pdf_engine *eng, HPDF_Doc doc,
			  const hb_set_t *cps, double *ms_subset, struct err *e);
void pdf_font_done(struct pdf_font *f);
/* Advance of cp in 1/1000 em, as the document's /W gives it. */
double pdf_font_width(const struct pdf_font *f, uint32_t cp);
/* Append s[0..n) (UTF-8) to out as the codes libharu writes: each
 * character's glyph number encoded as UTF-8. False when out failed. */
bool pdf_font_encode(const struct pdf_font *f, const char *s, size_t n, struct buf *out);

#endif
