/*
 * The print engine's renderer (pdf.h): one run lays out every job's pages
 * on sheets through libharu: elements at their places, tables and blocks
 * that flow onto continuation sheets, repeated elements once the sheets
 * are counted, then the PDF. The data store is pdf_data.c's, the font
 * pdf_font.c's, the text pdf_text.c's and the drawing pdf_draw.c's.
 */
#include "adapt/pdf.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qrencode.h>

#include "adapt/pdf_render.h"
#include "util/clock.h"
#include "util/fs.h"

/* ---- sheets and elements ------------------------------------------------ */

/* A new sheet of layout page lp; becomes the cursor's sheet. */
static HPDF_Page new_sheet(struct pdf_render *r, const struct layout_page *lp, bool first)
{
	if (r->n_sheets == r->alloc_sheets) {
		size_t na = r->alloc_sheets ? r->alloc_sheets * 2 : 16;
		struct pdf_sheet *ns = realloc(r->sheets, na * sizeof *ns);
		if (!ns)
			return NULL;
		r->sheets = ns;
		r->alloc_sheets = na;
	}
	HPDF_Page pg = HPDF_AddPage(r->doc);
	if (!pg)
		return NULL;
	HPDF_Page_SetWidth(pg, (HPDF_REAL)(r->l->paper_w * PT_PER_MM));
	HPDF_Page_SetHeight(pg, (HPDF_REAL)(r->l->paper_h * PT_PER_MM));
	r->sheets[r->n_sheets++] = (struct pdf_sheet){ pg, lp, first };
	r->cur = pg;
	r->cur_y = lp->flow_top;
	return pg;
}

static void draw_qr(struct pdf_render *r, HPDF_Page pg, const struct layout_elem *el, double x, double y)
{
	/* the QR code carries the value as it is: a scanner types it */
	buf_reset(&r->tmp);
	layout_expand(el->text, -1, pdf_lookup, NULL, r, &r->tmp);
	if (r->tmp.len == 0)
		return;
	QRcode *qr = QRcode_encodeString(buf_str(&r->tmp), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return;
	int n = qr->width;
	double m = el->w / (n + 2 * el->quiet) * PT_PER_MM;   /* module, pt */
	/* In module units from the code's top-left corner, so that each run of
	 * dark modules is "x y w 1 re" in small integers: a few bytes each
	 * instead of four coordinates of seven digits. One path, filled once,
	 * so the rows show no seams where they meet. */
	HPDF_Page_GSave(pg);
	HPDF_Page_SetGrayFill(pg, 0);
	HPDF_Page_Concat(pg, (HPDF_REAL)m, 0, 0, (HPDF_REAL)-m, (HPDF_REAL)(x * PT_PER_MM + el->quiet * m),
			 (HPDF_REAL)(pdf_page_h_pt(r) - y * PT_PER_MM - el->quiet * m));
	for (int row = 0; row < n; row++) {
		for (int c = 0; c < n;) {
			if (!(qr->data[row * n + c] & 1)) {
				c++;
				continue;
			}
			int run = 1;
			while (c + run < n && (qr->data[row * n + c + run] & 1))
				run++;
			HPDF_Page_Rectangle(pg, (HPDF_REAL)c, (HPDF_REAL)row, (HPDF_REAL)run, 1);
			c += run;
		}
	}
	HPDF_Page_Fill(pg);
	HPDF_Page_GRestore(pg);
	QRcode_free(qr);
}

static void draw_check(struct pdf_render *r, HPDF_Page pg, const struct layout_elem *el, double x, double y)
{
	double lh = el->size * el->leading / PT_PER_MM;
	double side = el->size * 0.8 / PT_PER_MM;
	double by = y + (lh - side) / 2;
	pdf_draw_rect(r, pg, x, by, side, side, el->stroke, 0, -1);
	const char *v = pdf_data_get(r->data, el->key);
	if (v && strcmp(v, el->is) == 0) {
		/* a tick drawn as lines: no glyph needed */
		pdf_set_stroke(pg, el->stroke * 1.6, 0);
		double H = pdf_page_h_pt(r);
		HPDF_Page_MoveTo(pg, (HPDF_REAL)((x + side * 0.18) * PT_PER_MM), (HPDF_REAL)(H - (by + side * 0.52) * PT_PER_MM));
		HPDF_Page_LineTo(pg, (HPDF_REAL)((x + side * 0.42) * PT_PER_MM), (HPDF_REAL)(H - (by + side * 0.8) * PT_PER_MM));
		HPDF_Page_LineTo(pg, (HPDF_REAL)((x + side * 0.85) * PT_PER_MM), (HPDF_REAL)(H - (by + side * 0.2) * PT_PER_MM));
		HPDF_Page_Stroke(pg);
	}
	const char *label = pdf_expand(r, el->label, -1, false, false);
	pdf_draw_run(r, pg, x + side + 1, y, lh, label, strlen(label), el->size, el->bold);
}

static bool draw_field(struct pdf_render *r, HPDF_Page pg, const struct layout_elem *el, double x, double y)
{
	pdf_draw_rect(r, pg, x, y, el->label_w, el->h, 0, 0, el->fill);
	pdf_draw_rect(r, pg, x, y, el->w, el->h, el->stroke, 0, -1);
	pdf_draw_line(r, pg, x + el->label_w, y, x + el->label_w, y + el->h, el->stroke, 0);
	const char *label = pdf_expand(r, el->label, -1, true, false);
	struct layout_elem lab = *el;
	lab.bold = false;
	lab.indent = 0;
	if (!pdf_text_in_box(r, pg, label, x + el->pad, y, el->label_w - 2 * el->pad, el->h, &lab, LAYOUT_CENTER,
			     LAYOUT_MIDDLE, el->size))
		return false;
	const char *value = pdf_expand(r, el->text, -1, true, false);
	return pdf_text_in_box(r, pg, value, x + el->label_w + el->pad, y, el->w - el->label_w - 2 * el->pad, el->h,
			       el, el->align, LAYOUT_MIDDLE, el->size);
}

/* A block that continues on new sheets; draws from the cursor. */
static bool draw_flow_block(struct pdf_render *r, const struct layout_elem *el, double y0)
{
	const char *text = pdf_expand(r, el->text, -1, true, false);
	struct pdf_fitted f;
	double inner = el->w - 2 * el->pad;
	if (!pdf_fit(r, text, inner, 0, el->size, el->size, el->leading, el->indent, &f))
		return false;
	const struct layout_page *lp = r->sheets[r->n_sheets - 1].lp;
	double bottom = fmin(el->rel ? lp->flow_bottom : el->y + el->h, lp->flow_bottom);
	double y = y0 + el->pad, seg_top = y0;
	for (size_t i = 0; i < f.n; i++) {
		if (y + f.lh > bottom - el->pad + 1e-6 && i > 0) {
			if (el->border)
				pdf_draw_rect(r, r->cur, el->x, seg_top, el->w, y + el->pad - seg_top, el->stroke, 0, -1);
			if (!new_sheet(r, lp, false)) {
				free(f.spans);
				return false;
			}
			bottom = lp->flow_bottom;
			seg_top = r->cur_y;
			y = seg_top + el->pad;
		}
		struct pdf_fitted one = f;
		one.spans = &f.spans[i];
		one.n = 1;
		one.clipped = false;
		pdf_draw_fitted(r, r->cur, text, &one, el->x + el->pad, y, inner, 0, el->align, LAYOUT_TOP, el->bold);
		y += f.lh;
	}
	/* the box only limits the first sheet: what follows goes after the text */
	double end = y + el->pad;
	if (el->border)
		pdf_draw_rect(r, r->cur, el->x, seg_top, el->w, end - seg_top, el->stroke, 0, -1);
	r->cur_y = end;
	free(f.spans);
	return true;
}

struct row_cells {
	char *text[LAYOUT_MAX_COLS];
	struct pdf_fitted fit[LAYOUT_MAX_COLS];
};

static bool table_header(struct pdf_render *r, const struct layout_elem *el, double y, bool cont)
{
	HPDF_Page pg = r->cur;
	if (cont && el->cont) {
		const char *c = pdf_expand(r, el->cont, -1, false, false);
		double lh = el->size * el->leading / PT_PER_MM;
		pdf_draw_run(r, pg, el->x, y - lh - 0.5, lh, c, strlen(c), el->size, true);
	}
	double x = el->x;
	for (size_t c = 0; c < el->n_cols; c++) {
		const struct layout_col *col = &el->cols[c];
		pdf_draw_rect(r, pg, x, y, col->w, el->head_h, el->stroke, 0, el->fill);
		const char *h = pdf_expand(r, col->head, -1, true, false);
		struct layout_elem hd = *el;
		hd.bold = true;
		hd.indent = 0;
		if (!pdf_text_in_box(r, pg, h, x + el->pad, y, col->w - 2 * el->pad, el->head_h, &hd, LAYOUT_CENTER,
				     LAYOUT_MIDDLE, el->size))
			return false;
		x += col->w;
	}
	return true;
}

/* A table from y on the cursor's sheet, flowing onto new sheets. */
static bool draw_table(struct pdf_render *r, const struct layout_elem *el, double y)
{
	const struct layout_page *lp = r->sheets[r->n_sheets - 1].lp;
	double bottom = el->bottom > 0 && !el->rel ? el->bottom : lp->flow_bottom;
	double cont_h = el->cont ? el->size * el->leading / PT_PER_MM + 1 : 0;
	int rows = pdf_table_rows(r, el);
	size_t nc = el->n_cols;
	if (!table_header(r, el, y, false))
		return false;
	y += el->head_h;
	if (rows == 0 && el->empty) {
		const char *t = pdf_expand(r, el->empty, -1, true, false);
		pdf_draw_rect(r, r->cur, el->x, y, el->w, el->row_h, el->stroke, 0, -1);
		if (!pdf_text_in_box(r, r->cur, t, el->x + el->pad, y, el->w - 2 * el->pad, el->row_h, el, LAYOUT_CENTER,
				     LAYOUT_MIDDLE, el->size))
			return false;
		y += el->row_h;
	}
	for (int row = 0; row < rows; row++) {
		struct row_cells rc;
		double rh = el->row_h;
		bool ok = true;
		for (size_t c = 0; c < nc; c++) {
			rc.text[c] = strdup(pdf_expand(r, el->cols[c].cell, row, true, false));
			ok &= rc.text[c] && pdf_fit(r, rc.text[c], el->cols[c].w - 2 * el->pad, 0, el->size, el->size,
						    el->leading, 0, &rc.fit[c]);
			if (!ok) {
				for (size_t k = 0; k <= c; k++) {
					free(rc.text[k]);
					if (k < c)
						free(rc.fit[k].spans);
				}
				return false;
			}
			rh = fmax(rh, rc.fit[c].n * rc.fit[c].lh + 2 * el->pad * 0.6);
		}
		double room = lp->flow_bottom - lp->flow_top - el->head_h - cont_h;
		if (rh > room) {
			/* a row taller than a whole sheet: cut its cells */
			rh = room;
			for (size_t c = 0; c < nc; c++) {
				free(rc.fit[c].spans);
				pdf_fit(r, rc.text[c], el->cols[c].w - 2 * el->pad, rh, el->size, el->size, el->leading, 0,
					&rc.fit[c]);
			}
		}
		if (y + rh > bottom + 1e-6) {
			if (!new_sheet(r, lp, false))
				ok = false;
			y = r->cur_y + cont_h;
			bottom = lp->flow_bottom;
			ok = ok && table_header(r, el, y, true);
			y += el->head_h;
		}
		double x = el->x;
		for (size_t c = 0; c < nc; c++) {
			const struct layout_col *col = &el->cols[c];
			if (ok) {
				pdf_draw_rect(r, r->cur, x, y, col->w, rh, el->stroke, 0, -1);
				pdf_draw_fitted(r, r->cur, rc.text[c], &rc.fit[c], x + el->pad, y, col->w - 2 * el->pad, rh,
						col->align, LAYOUT_MIDDLE, el->bold);
			}
			x += col->w;
			free(rc.text[c]);
			free(rc.fit[c].spans);
		}
		if (!ok)
			return false;
		y += rh;
	}
	r->cur_y = y;
	return true;
}

/* Height an element takes in the flow, mm. */
static double elem_height(const struct layout_elem *el)
{
	if (el->kind == LAYOUT_TEXT || el->kind == LAYOUT_CHECK)
		return el->h > 0 ? el->h : el->size * el->leading / PT_PER_MM;
	if (el->kind == LAYOUT_LINE)
		return fmax(el->y, el->y2);
	return el->h;
}

static bool draw_elem(struct pdf_render *r, HPDF_Page pg, const struct layout_elem *el, double ox, double oy);

/* Draw one element at its place: (ox, oy) is the origin it is relative to. */
static bool draw_elem(struct pdf_render *r, HPDF_Page pg, const struct layout_elem *el, double ox, double oy)
{
	double x = ox + el->x, y = oy + el->y;
	switch (el->kind) {
	case LAYOUT_TEXT: {
		const char *t = pdf_expand(r, el->text, -1, el->h > 0, false);
		if (el->w > 0)
			return pdf_text_in_box(r, pg, t, x, y, el->w, el->h > 0 ? el->h : elem_height(el), el, el->align,
					       el->h > 0 ? el->valign : LAYOUT_TOP, el->size);
		pdf_draw_run(r, pg, x, y, elem_height(el), t, strlen(t), el->size, el->bold);
		return true;
	}
	case LAYOUT_BLOCK: {
		const char *t = pdf_expand(r, el->text, -1, true, false);
		if (el->border)
			pdf_draw_rect(r, pg, x, y, el->w, el->h, el->stroke, 0, -1);
		return pdf_text_in_box(r, pg, t, x + el->pad, y + el->pad, el->w - 2 * el->pad, el->h - 2 * el->pad, el,
				       el->align, el->valign, el->size);
	}
	case LAYOUT_FIELD:
		return draw_field(r, pg, el, x, y);
	case LAYOUT_BOX:
		pdf_draw_rect(r, pg, x, y, el->w, el->h, el->stroke, el->dash, el->fill);
		return true;
	case LAYOUT_LINE:
		pdf_draw_line(r, pg, x, y, ox + el->x2, oy + el->y2, el->stroke, el->dash);
		return true;
	case LAYOUT_QR:
		draw_qr(r, pg, el, x, y);
		return true;
	case LAYOUT_CHECK:
		draw_check(r, pg, el, x, y);
		return true;
	case LAYOUT_GROUP:
		for (size_t i = 0; i < el->n_kids; i++)
			if (!draw_elem(r, pg, &el->kids[i], x, y))
				return false;
		return true;
	case LAYOUT_TABLE:
		break;
	}
	return true;
}

/* Render one page of the layout: its first sheet and any continuations. */
static bool render_page(struct pdf_render *r, const struct layout_page *lp)
{
	HPDF_Page first = new_sheet(r, lp, true);
	if (!first)
		return false;
	for (size_t i = 0; i < lp->n_elems; i++) {
		const struct layout_elem *el = &lp->elems[i];
		if (el->repeat || el->continued)
			continue;
		bool flows = el->kind == LAYOUT_TABLE || (el->kind == LAYOUT_BLOCK && el->flow);
		if (!el->rel && !flows) {
			if (!draw_elem(r, first, el, 0, 0))
				return false;
			continue;
		}
		double y;
		if (el->rel) {
			y = r->cur_y + el->y;
			/* a fixed-height element that does not fit moves to a new
			 * sheet; a flowing one starts here if its first line fits */
			double need = flows ? (el->kind == LAYOUT_TABLE ? el->head_h + el->row_h
									: el->size * el->leading / PT_PER_MM)
					    : elem_height(el);
			if (y + need > lp->flow_bottom + 1e-6) {
				if (!new_sheet(r, lp, false))
					return false;
				y = r->cur_y;
			}
		} else {
			/* a flowing element at a fixed place starts on the first sheet */
			r->cur = first;
			y = el->y;
		}
		if (el->kind == LAYOUT_TABLE) {
			if (!draw_table(r, el, y))
				return false;
		} else if (flows) {
			if (!draw_flow_block(r, el, y))
				return false;
		} else {
			if (!draw_elem(r, r->cur, el, 0, y - el->y))
				return false;
			double end = y + elem_height(el);
			if (el->kind == LAYOUT_LINE)
				end = y + (el->y2 - el->y);
			r->cur_y = end;
		}
	}
	return true;
}

static bool render_job(struct pdf_render *r, const struct pdf_job *job)
{
	r->l = job->layout;
	r->data = job->data;
	r->job_first = r->n_sheets;
	r->page_no = r->page_count = 0;
	for (size_t p = 0; p < r->l->n_pages; p++)
		if (!render_page(r, &r->l->pages[p]))
			return false;
	/* repeated elements, now that the sheets are counted */
	r->page_count = (int)(r->n_sheets - r->job_first);
	for (size_t s = r->job_first; s < r->n_sheets; s++) {
		r->page_no = (int)(s - r->job_first) + 1;
		const struct layout_page *lp = r->sheets[s].lp;
		for (size_t i = 0; i < lp->n_elems; i++) {
			const struct layout_elem *el = &lp->elems[i];
			bool want = el->repeat || (el->continued && !r->sheets[s].first);
			if (want && !draw_elem(r, r->sheets[s].page, el, 0, 0))
				return false;
		}
	}
	r->page_no = r->page_count = 0;
	return true;
}

static void hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *ud)
{
	struct pdf_render *r = ud;
	if (!r->hpdf_code) {
		r->hpdf_code = code;
		r->hpdf_detail = detail;
	}
}

static void today_text(char out[48])
{
	time_t now = clock_now();
	struct tm tm;
	localtime_r(&now, &tm);
	snprintf(out, 48, "%d年%d月%d日", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

static enum status render(struct pdf_engine *eng, const struct pdf_job *jobs, size_t n, char **out,
			  size_t *len, struct pdf_result *res_out, struct err *e)
{
	*out = NULL;
	*len = 0;
	if (n == 0)
		return err_set(e, ST_INVALID, "没有要打印的文档");
	for (size_t i = 0; i < n; i++)
		if (!jobs[i].layout || !jobs[i].data)
			return err_set(e, ST_INVALID, "第 %zu 份文档缺少版式或数据", i + 1);
	double t0 = clock_ms();
	struct pdf_engine *own = NULL;
	if (!eng) {
		enum status st = pdf_engine_new(NULL, &own, e);
		if (st != ST_OK)
			return st;
		eng = own;
	}
	struct pdf_result res;
	memset(&res, 0, sizeof res);
	struct pdf_render r;
	memset(&r, 0, sizeof r);
	r.eng = eng;
	r.res = &res;
	today_text(r.today);
	buf_init(&r.tmp, PDF_TEXT_CAP);
	buf_init(&r.clean, PDF_TEXT_CAP);
	r.cps = hb_set_create();
	r.bad = hb_set_create();
	enum status st = ST_OK;
	if (!hb_set_allocation_successful(r.cps)) {
		st = err_status(e, ST_NOMEM);
		goto done;
	}

	/* pass 1: every character of every job, for one subset */
	pdf_collect(&r, jobs, n);
	res.glyphs = hb_set_get_population(r.cps);

	r.doc = HPDF_New(hpdf_error, &r);
	if (!r.doc) {
		st = err_status(e, ST_NOMEM);
		goto done;
	}
	HPDF_SetCompressionMode(r.doc, HPDF_COMP_ALL);
	HPDF_UseUTFEncodings(r.doc);
	HPDF_SetCurrentEncoder(r.doc, "UTF-8");
	HPDF_SetInfoAttr(r.doc, HPDF_INFO_CREATOR, "certdesk");
	if (jobs[0].layout->title[0])
		HPDF_SetInfoAttr(r.doc, HPDF_INFO_TITLE, jobs[0].layout->title);
	st = pdf_font_load(&r.font, eng, r.doc, r.cps, &res.ms_subset, e);
	if (st != ST_OK)
		goto done;

	/* pass 2: draw */
	for (size_t j = 0; j < n; j++) {
		if (!render_job(&r, &jobs[j])) {
			st = r.hpdf_code ? ST_INTERNAL : ST_NOMEM;
			err_set(e, st, "排版第 %zu 份文档（%s）失败（libharu 错误 0x%04X/%u）", j + 1,
				jobs[j].layout->name, (unsigned)r.hpdf_code, (unsigned)r.hpdf_detail);
			goto done;
		}
	}
	if (r.hpdf_code) {
		st = err_set(e, ST_INTERNAL, "生成 PDF 失败（libharu 错误 0x%04X/%u）", (unsigned)r.hpdf_code,
			     (unsigned)r.hpdf_detail);
		goto done;
	}
	if (HPDF_SaveToStream(r.doc) != HPDF_OK) {
		st = err_set(e, ST_INTERNAL, "生成 PDF 失败（libharu 错误 0x%04X）", (unsigned)r.hpdf_code);
		goto done;
	}
	HPDF_UINT32 size = HPDF_GetStreamSize(r.doc);
	char *data = malloc(size ? size : 1);
	if (!data) {
		st = err_status(e, ST_NOMEM);
		goto done;
	}
	HPDF_UINT32 got = size;
	HPDF_STATUS rs = HPDF_ReadFromStream(r.doc, (HPDF_BYTE *)data, &got);
	if ((rs != HPDF_OK && rs != HPDF_STREAM_EOF) || got != size) {
		free(data);
		st = err_set(e, ST_INTERNAL, "读取生成的 PDF 失败");
		goto done;
	}
	*out = data;
	*len = size;
	res.pages = (int)r.n_sheets;
	res.bytes = size;
done:
	if (r.doc)
		HPDF_Free(r.doc);
	hb_set_destroy(r.cps);
	hb_set_destroy(r.bad);
	pdf_font_done(&r.font);
	free(r.sheets);
	buf_done(&r.tmp);
	buf_done(&r.clean);
	pdf_engine_free(own);
	res.ms_total = clock_ms() - t0;
	if (res_out)
		*res_out = res;
	return st;
}

enum status pdf_render_mem(struct pdf_engine *eng, const struct pdf_job *jobs, size_t n, char **out,
			   size_t *len, struct pdf_result *res, struct err *e)
{
	return render(eng, jobs, n, out, len, res, e);
}

enum status pdf_render_file(struct pdf_engine *eng, const struct pdf_job *jobs, size_t n, const char *path,
			    struct pdf_result *res, struct err *e)
{
	char *data;
	size_t len;
	struct pdf_result tmp;
	enum status st = render(eng, jobs, n, &data, &len, &tmp, e);
	if (st == ST_OK) {
		double t0 = clock_ms();
		st = fs_write_atomic(path, data, len, e);
		tmp.ms_total += clock_ms() - t0;
		free(data);
	}
	if (res)
		*res = tmp;
	return st;
}

