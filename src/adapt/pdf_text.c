/*
 * The text a render prints: templates expanded with the job's data and
 * made printable, the characters gathered for the font subset (pass 1),
 * and the characters the font cannot print, reported with their keys.
 */
#include "adapt/pdf_render.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

/* ---- expansion ---------------------------------------------------------- */

const char *pdf_lookup(void *ctx, const char *key)
{
	struct pdf_render *r = ctx;
	const char *v = pdf_data_get(r->data, key);
	if (v && *v)
		return v;
	if (strcmp(key, "page") == 0 && r->page_no > 0) {
		snprintf(r->num, sizeof r->num, "%d", r->page_no);
		return r->num;
	}
	if (strcmp(key, "pages") == 0 && r->page_count > 0) {
		snprintf(r->num, sizeof r->num, "%d", r->page_count);
		return r->num;
	}
	if (strcmp(key, "today") == 0)
		return r->today;
	return NULL;
}

static void note_bad(struct pdf_render *r, uint32_t cp, const char *key)
{
	struct pdf_result *res = r->res;
	if (hb_set_has(r->bad, cp))
		return;
	hb_set_add(r->bad, cp);
	if (res->n_bad++ >= PDF_BAD_MAX)
		return;
	struct pdf_badchar *b = &res->bad[res->n_bad - 1];
	b->cp = cp;
	b->outside_bmp = cp > 0xFFFF;
	snprintf(b->key, sizeof b->key, "%s", key);
}

/* Characters of a value, checked with the key it came from. */
static void value_cb(void *ctx, const char *key, const char *value)
{
	struct pdf_render *r = ctx;
	size_t n = strlen(value);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(value + i, n - i, &cp);
		if (l == 0) {
			note_bad(r, 0xFFFD, key);
			i++;
			continue;
		}
		if (cp >= 0x20 && !pdf_engine_has(r->eng, cp))
			note_bad(r, cp, key);
		i += l;
	}
}

const char *pdf_expand(struct pdf_render *r, const char *tmpl, int row, bool lines, bool collect)
{
	buf_reset(&r->tmp);
	buf_reset(&r->clean);
	if (!tmpl)
		return "";
	layout_expand(tmpl, row, pdf_lookup, collect ? value_cb : NULL, r, &r->tmp);
	const char *s = buf_str(&r->tmp);
	size_t n = r->tmp.len;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0) {
			if (collect)
				note_bad(r, 0xFFFD, "");
			buf_adds(&r->clean, r->eng->mark);
			i++;
			continue;
		}
		if (cp == '\n' && lines) {
			buf_addc(&r->clean, '\n');
		} else if (cp < 0x20 || cp == 0x7F) {
			buf_addc(&r->clean, ' ');
		} else if (!pdf_engine_has(r->eng, cp)) {
			if (collect)
				note_bad(r, cp, "");
			buf_adds(&r->clean, r->eng->mark);
		} else {
			if (collect)
				hb_set_add(r->cps, cp);
			buf_add(&r->clean, s + i, l);
		}
		i += l;
	}
	buf_add(&r->clean, "", 0);
	return buf_str(&r->clean);
}

/* ---- pass 1: the characters of every job -------------------------------- */

int pdf_table_rows(const struct pdf_render *r, const struct layout_elem *el)
{
	int n = pdf_data_rows(r->data, el->group);
	return n > el->min_rows ? n : el->min_rows;
}

static void collect_elems(struct pdf_render *r, const struct layout_elem *els, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct layout_elem *el = &els[i];
		if (el->kind != LAYOUT_QR)
			pdf_expand(r, el->text, -1, true, true);
		pdf_expand(r, el->label, -1, true, true);
		pdf_expand(r, el->empty, -1, true, true);
		pdf_expand(r, el->cont, -1, true, true);
		if (el->kind == LAYOUT_TABLE) {
			int rows = pdf_table_rows(r, el);
			for (size_t c = 0; c < el->n_cols; c++) {
				pdf_expand(r, el->cols[c].head, -1, true, true);
				for (int row = 0; row < rows; row++)
					pdf_expand(r, el->cols[c].cell, row, true, true);
			}
		}
		collect_elems(r, el->kids, el->n_kids);
	}
}


void pdf_collect(struct pdf_render *r, const struct pdf_job *jobs, size_t n)
{
	static const char always[] = "0123456789\xE2\x80\xA6";   /* page numbers, "…" */
	for (const char *c = always; *c;) {
		uint32_t cp;
		size_t l = utf8_decode(c, strlen(c), &cp);
		if (pdf_engine_has(r->eng, cp))
			hb_set_add(r->cps, cp);
		c += l;
	}
	hb_set_add(r->cps, r->eng->mark_cp);
	hb_set_add(r->cps, ' ');
	for (size_t j = 0; j < n; j++) {
		r->l = jobs[j].layout;
		r->data = jobs[j].data;
		for (size_t p = 0; p < r->l->n_pages; p++)
			collect_elems(r, r->l->pages[p].elems, r->l->pages[p].n_elems);
	}
}

/* ---- the report of unprintable characters ------------------------------- */

void pdf_result_bad_text(const struct pdf_result *res, char *out, size_t outsz)
{
	if (outsz == 0)
		return;
	out[0] = '\0';
	if (res->n_bad == 0)
		return;
	struct buf b;
	buf_init(&b, outsz - 1);
	buf_adds(&b, "以下字符无法打印，已印为□：");
	size_t kept = res->n_bad < PDF_BAD_MAX ? res->n_bad : PDF_BAD_MAX;
	for (size_t i = 0; i < kept; i++) {
		const struct pdf_badchar *c = &res->bad[i];
		char u[5] = { 0 };
		size_t l = c->cp == 0xFFFD ? 0 : utf8_encode(c->cp, u);
		u[l] = '\0';
		bool ok = buf_printf(&b, "%s%s（U+%04X%s%s）", i ? "、" : "", u, (unsigned)c->cp, c->key[0] ? "，" : "",
				     c->key);
		if (!ok)
			break;
	}
	if (b.len && res->n_bad > kept)
		buf_printf(&b, "等 %zu 个", res->n_bad);
	snprintf(out, outsz, "%s", buf_str(&b));
	buf_done(&b);
}
