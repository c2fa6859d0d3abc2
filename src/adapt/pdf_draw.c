/*
 * Drawing on a sheet of the PDF, in millimetres from the top-left corner:
 * lines, boxes, runs of text, and text wrapped into a box, shrunk down to
 * its minimum size and cut with "…" when it still does not fit.
 */
#include "adapt/pdf_render.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

/* ---- lines, boxes and runs of text -------------------------------------- */

double pdf_page_h_pt(const struct pdf_render *r)
{
	return r->l->paper_h * PT_PER_MM;
}

void pdf_set_stroke(HPDF_Page pg, double stroke_mm, double dash_mm)
{
	HPDF_Page_SetLineWidth(pg, (HPDF_REAL)(stroke_mm * PT_PER_MM));
	if (dash_mm > 0) {
		HPDF_UINT16 d = (HPDF_UINT16)fmax(1, round(dash_mm * PT_PER_MM));
		HPDF_UINT16 pat[2] = { d, d };
		HPDF_Page_SetDash(pg, pat, 2, 0);
	} else {
		HPDF_Page_SetDash(pg, NULL, 0, 0);
	}
}

void pdf_draw_line(const struct pdf_render *r, HPDF_Page pg, double x1, double y1, double x2, double y2,
		   double stroke, double dash)
{
	if (stroke <= 0)
		return;
	pdf_set_stroke(pg, stroke, dash);
	HPDF_Page_MoveTo(pg, (HPDF_REAL)(x1 * PT_PER_MM), (HPDF_REAL)(pdf_page_h_pt(r) - y1 * PT_PER_MM));
	HPDF_Page_LineTo(pg, (HPDF_REAL)(x2 * PT_PER_MM), (HPDF_REAL)(pdf_page_h_pt(r) - y2 * PT_PER_MM));
	HPDF_Page_Stroke(pg);
}

void pdf_draw_rect(const struct pdf_render *r, HPDF_Page pg, double x, double y, double w, double h,
		   double stroke, double dash, double fill)
{
	if (w <= 0 || h <= 0 || (stroke <= 0 && fill < 0))
		return;
	/* colours and line style first: they are not allowed inside a path */
	if (fill >= 0)
		HPDF_Page_SetGrayFill(pg, (HPDF_REAL)fill);
	if (stroke > 0)
		pdf_set_stroke(pg, stroke, dash);
	HPDF_Page_Rectangle(pg, (HPDF_REAL)(x * PT_PER_MM), (HPDF_REAL)(pdf_page_h_pt(r) - (y + h) * PT_PER_MM),
			    (HPDF_REAL)(w * PT_PER_MM), (HPDF_REAL)(h * PT_PER_MM));
	if (fill >= 0 && stroke > 0)
		HPDF_Page_FillStroke(pg);
	else if (fill >= 0)
		HPDF_Page_Fill(pg);
	else
		HPDF_Page_Stroke(pg);
	if (fill >= 0)
		HPDF_Page_SetGrayFill(pg, 0);
}

void pdf_draw_run(struct pdf_render *r, HPDF_Page pg, double x, double top, double lh, const char *s,
		  size_t n, double size, bool bold)
{
	if (n == 0)
		return;
	buf_reset(&r->tmp);
	pdf_font_encode(&r->font, s, n, &r->tmp);
	if (r->tmp.len == 0)
		return;
	double base = top * PT_PER_MM + lh * PT_PER_MM / 2 + (r->font.ascent + r->font.descent) * size / 2;
	HPDF_Page_BeginText(pg);
	HPDF_Page_SetFontAndSize(pg, r->font.font, (HPDF_REAL)size);
	if (bold) {
		/* the face has no bold: fill and stroke the outlines */
		HPDF_Page_SetTextRenderingMode(pg, HPDF_FILL_THEN_STROKE);
		HPDF_Page_SetLineWidth(pg, (HPDF_REAL)(size * 0.035));
	}
	HPDF_Page_TextOut(pg, (HPDF_REAL)(x * PT_PER_MM), (HPDF_REAL)(pdf_page_h_pt(r) - base), buf_str(&r->tmp));
	if (bold)
		HPDF_Page_SetTextRenderingMode(pg, HPDF_FILL);
	HPDF_Page_EndText(pg);
}

/* ---- text fitted into a box -------------------------------------------- */

/* A layout_width_fn: the advance of cp at r->size, in points. */
static double width_cb(void *ctx, uint32_t cp)
{
	struct pdf_render *r = ctx;
	return pdf_font_width(&r->font, cp) * r->size / 1000.0;
}

/* Width of s[0..n) at `size`, in points. */
static double text_width(struct pdf_render *r, const char *s, size_t n, double size)
{
	double w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0)
			break;
		w += pdf_font_width(&r->font, cp);
		i += l;
	}
	return w * size / 1000.0;
}

bool pdf_fit(struct pdf_render *r, const char *text, double w, double h, double size, double min,
	     double leading, double indent_em, struct pdf_fitted *f)
{
	memset(f, 0, sizeof *f);
	double wpt = w * PT_PER_MM;
	for (double s = size;; s -= 0.5) {
		if (s < min)
			s = min;
		free(f->spans);
		r->size = s;
		if (!layout_wrap(text, wpt, indent_em * s, width_cb, r, &f->spans, &f->n))
			return false;
		f->size = s;
		f->lh = s * leading / PT_PER_MM;
		if (h <= 0 || f->n * f->lh <= h + 1e-6 || s <= min)
			break;
	}
	if (h > 0 && f->n * f->lh > h + 1e-6) {
		size_t keep = (size_t)floor((h + 1e-6) / f->lh);
		if (keep == 0)
			keep = 1;
		f->n = keep;
		f->clipped = true;
		r->res->clipped++;
		/* shorten the last line until "…" fits after it */
		struct layout_span *sp = &f->spans[keep - 1];
		double ell = text_width(r, "\xE2\x80\xA6", 3, f->size);
		size_t len = sp->len;
		double lw = sp->indent + text_width(r, text + sp->off, len, f->size);
		while (len > 0 && lw + ell > wpt) {
			size_t back = 1;
			while (back < len && ((unsigned char)text[sp->off + len - back] & 0xC0) == 0x80)
				back++;
			len -= back;
			lw = sp->indent + text_width(r, text + sp->off, len, f->size);
		}
		f->last_len = len;
		f->last_w = lw + ell;
	}
	return true;
}

void pdf_draw_fitted(struct pdf_render *r, HPDF_Page pg, const char *text, const struct pdf_fitted *f,
		     double x, double y, double w, double h, enum layout_align align,
		     enum layout_valign valign, bool bold)
{
	double total = f->n * f->lh;
	double top = y;
	if (h > 0 && valign == LAYOUT_MIDDLE)
		top = y + (h - total) / 2;
	else if (h > 0 && valign == LAYOUT_BOTTOM)
		top = y + h - total;
	for (size_t i = 0; i < f->n; i++) {
		const struct layout_span *sp = &f->spans[i];
		size_t len = sp->len;
		double lw = sp->width;
		bool last_cut = f->clipped && i + 1 == f->n;
		if (last_cut) {
			len = f->last_len;
			lw = f->last_w;
		}
		double lx = x + sp->indent / PT_PER_MM;
		if (align == LAYOUT_CENTER)
			lx = x + (w - lw / PT_PER_MM) / 2;
		else if (align == LAYOUT_RIGHT)
			lx = x + w - lw / PT_PER_MM;
		if (last_cut) {
			char line[4096];
			size_t cl = len < sizeof line - 4 ? len : sizeof line - 4;
			memcpy(line, text + sp->off, cl);
			memcpy(line + cl, "\xE2\x80\xA6", 3);
			pdf_draw_run(r, pg, lx, top + i * f->lh, f->lh, line, cl + 3, f->size, bold);
		} else {
			pdf_draw_run(r, pg, lx, top + i * f->lh, f->lh, text + sp->off, len, f->size, bold);
		}
	}
}

bool pdf_text_in_box(struct pdf_render *r, HPDF_Page pg, const char *text, double x, double y, double w,
		     double h, const struct layout_elem *el, enum layout_align align,
		     enum layout_valign valign, double size)
{
	struct pdf_fitted f;
	if (!pdf_fit(r, text, w, h, size, fmin(el->min_size, size), el->leading, el->indent, &f))
		return false;
	pdf_draw_fitted(r, pg, text, &f, x, y, w, h, align, valign, el->bold);
	free(f.spans);
	return true;
}

