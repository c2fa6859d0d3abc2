#ifndef CERTDESK_ADAPT_PDF_FONT_H
#define CERTDESK_ADAPT_PDF_FONT_H

#include <stdbool.h>
#include <stdint.h>

#include <hb.h>
#include <hpdf.h>

#include "adapt/pdf.h"

/*
 * Internal to the print engine: the font (pdf_font.c). The engine holds the
 * face opened once; each render embeds a subset of it, made with HarfBuzz,
 * into its document and measures text with libharu's metrics of it.
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
	uint16_t *widths;               /* BMP advance + 1 in 1/1000 em, 0 = unknown; owned */
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
/* Advance of cp in 1/1000 em, as libharu will print it. */
double pdf_font_width(struct pdf_font *f, uint32_t cp);

#endif
