#ifndef CERTDESK_ADAPT_PDF_RENDER_H
#define CERTDESK_ADAPT_PDF_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hb.h>
#include <hpdf.h>

#include "adapt/pdf.h"
#include "adapt/pdf_font.h"
#include "util/buf.h"

/*
 * Internal to the print engine: the state of one render, shared by pdf.c
 * (the run, and laying out pages, elements, tables and flowing blocks),
 * pdf_text.c (the text a run prints) and pdf_draw.c (drawing on a sheet).
 */

#define PT_PER_MM (72.0 / 25.4)
/* Largest expanded text of one template. */
#define PDF_TEXT_CAP (1u << 20)

struct pdf_sheet {
	HPDF_Page page;
	const struct layout_page *lp;
	bool first;                     /* the first sheet of its layout page */
};

struct pdf_render {
	struct pdf_engine *eng;
	struct pdf_result *res;
	HPDF_Doc doc;
	struct pdf_font font;
	HPDF_STATUS hpdf_code, hpdf_detail;
	hb_set_t *cps;                  /* characters printed */
	hb_set_t *bad;                  /* characters reported */
	/* the current job */
	const struct layout *l;
	const struct pdf_data *data;
	struct pdf_sheet *sheets;
	size_t n_sheets, alloc_sheets, job_first;
	int page_no, page_count;        /* {page}, {pages}: 0 when unknown */
	char today[48];
	char num[16];                   /* {page} or {pages} as text */
	/* the flow cursor */
	HPDF_Page cur;
	double cur_y;
	double size;                    /* for measuring in layout_wrap */
	struct buf tmp, clean;
};

/* ---- pdf_text.c: the text a run prints ---- */

/* The value of a template key for the current job: its data, or the
 * built-ins {page}, {pages}, {today}. A layout_lookup_fn; ctx is r. */
const char *pdf_lookup(void *ctx, const char *key);
/*
 * Expand a template and make it printable: control characters become
 * spaces (newlines kept when `lines`), characters the font lacks become
 * the mark. In the collecting pass (`collect`), also gathers the
 * characters for the subset and reports the unprintable ones. Returns the
 * clean text, borrowed until the next call (it lives in r->clean).
 */
const char *pdf_expand(struct pdf_render *r, const char *tmpl, int row, bool lines, bool collect);
/* Rows a table prints: those of its group, at least min_rows. */
int pdf_table_rows(const struct pdf_render *r, const struct layout_elem *el);
/* Pass 1: every character jobs[0..n) print goes into r->cps, so that one
 * font subset serves them all. Leaves r->l and r->data on the last job. */
void pdf_collect(struct pdf_render *r, const struct pdf_job *jobs, size_t n);

/* ---- pdf_draw.c: drawing on a sheet; positions in mm from the top left ---- */

double pdf_page_h_pt(const struct pdf_render *r);
void pdf_set_stroke(HPDF_Page pg, double stroke_mm, double dash_mm);
void pdf_draw_line(const struct pdf_render *r, HPDF_Page pg, double x1, double y1, double x2, double y2,
		   double stroke, double dash);
/* fill: gray 0..1, < 0 for none; stroke <= 0 for no frame. */
void pdf_draw_rect(const struct pdf_render *r, HPDF_Page pg, double x, double y, double w, double h,
		   double stroke, double dash, double fill);
/* One line of text s[0..n): `top` is the top of a line box `lh` mm high;
 * the glyphs' box is centred in it. */
void pdf_draw_run(struct pdf_render *r, HPDF_Page pg, double x, double top, double lh, const char *s,
		  size_t n, double size, bool bold);

/* Text wrapped into lines to draw. */
struct pdf_fitted {
	struct layout_span *spans;      /* owned */
	size_t n;                       /* lines to draw */
	double size;
	double lh;                      /* line height, mm */
	bool clipped;                   /* the last line gets "…" */
	double last_w;                  /* width of the clipped last line, pt */
	size_t last_len;
};
/*
 * Wrap text into w x h mm at `size`, shrinking by half points down to
 * `min` until it fits; what still does not fit is cut with "…" (counted
 * in r->res->clipped). h <= 0: any height (no shrinking). Caller frees
 * f->spans; false when out of memory.
 */
bool pdf_fit(struct pdf_render *r, const char *text, double w, double h, double size, double min,
	     double leading, double indent_em, struct pdf_fitted *f);
/* Draw fitted lines in the box (x, y, w, h mm); h 0 = from y down. */
void pdf_draw_fitted(struct pdf_render *r, HPDF_Page pg, const char *text, const struct pdf_fitted *f,
		     double x, double y, double w, double h, enum layout_align align,
		     enum layout_valign valign, bool bold);
/* Text in a box, with el's minimum size, leading, indent and boldness,
 * shrunk or cut to fit. False when out of memory. */
bool pdf_text_in_box(struct pdf_render *r, HPDF_Page pg, const char *text, double x, double y, double w,
		     double h, const struct layout_elem *el, enum layout_align align,
		     enum layout_valign valign, double size);

#endif
