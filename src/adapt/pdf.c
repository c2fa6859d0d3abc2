#include "adapt/pdf.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <hb.h>
#include <hb-subset.h>
#include <hpdf.h>
/* The doc's memory manager, memory streams and TrueType font definitions:
 * installed headers and exported symbols of libharu 2.3, used to load the
 * subset font from memory instead of a temporary file. */
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_streams.h>
#include <qrencode.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/fs.h"
#include "util/utf8.h"

#define PT_PER_MM (72.0 / 25.4)
#define TEXT_CAP (1u << 20)

/* ---- data --------------------------------------------------------------- */

struct kv {
	char *key;
	char *val;
};

struct pdf_data {
	struct kv *items;
	size_t n, alloc;
};

struct pdf_data *pdf_data_new(void)
{
	return calloc(1, sizeof(struct pdf_data));
}

void pdf_data_free(struct pdf_data *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->items[i].key);
		free(d->items[i].val);
	}
	free(d->items);
	free(d);
}

static struct kv *data_find(const struct pdf_data *d, const char *key)
{
	for (size_t i = 0; i < d->n; i++)
		if (strcmp(d->items[i].key, key) == 0)
			return &d->items[i];
	return NULL;
}

bool pdf_data_set(struct pdf_data *d, const char *key, const char *value)
{
	size_t kl = strlen(key);
	if (kl == 0 || kl > 127)
		return false;
	char *v = strdup(value ? value : "");
	if (!v)
		return false;
	struct kv *it = data_find(d, key);
	if (it) {
		free(it->val);
		it->val = v;
		return true;
	}
	if (d->n == d->alloc) {
		size_t na = d->alloc ? d->alloc * 2 : 32;
		struct kv *ni = realloc(d->items, na * sizeof *ni);
		if (!ni) {
			free(v);
			return false;
		}
		d->items = ni;
		d->alloc = na;
	}
	char *k = strdup(key);
	if (!k) {
		free(v);
		return false;
	}
	d->items[d->n++] = (struct kv){ k, v };
	return true;
}

bool pdf_data_setf(struct pdf_data *d, const char *key, const char *fmt, ...)
{
	char *s = NULL;
	va_list ap;
	va_start(ap, fmt);
	int n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	bool ok = pdf_data_set(d, key, s);
	free(s);
	return ok;
}

bool pdf_data_set_row(struct pdf_data *d, const char *group, int row, const char *field, const char *value)
{
	char key[160];
	int n = snprintf(key, sizeof key, "%s[%d].%s", group, row, field);
	return row >= 0 && n > 0 && (size_t)n < sizeof key && pdf_data_set(d, key, value);
}

const char *pdf_data_get(const struct pdf_data *d, const char *key)
{
	const struct kv *it = d ? data_find(d, key) : NULL;
	return it ? it->val : NULL;
}

int pdf_data_rows(const struct pdf_data *d, const char *group)
{
	size_t gl = strlen(group);
	int rows = 0;
	for (size_t i = 0; d && i < d->n; i++) {
		const char *k = d->items[i].key;
		if (strncmp(k, group, gl) != 0 || k[gl] != '[')
			continue;
		char *end;
		long idx = strtol(k + gl + 1, &end, 10);
		if (*end == ']' && idx >= 0 && idx < 100000 && idx + 1 > rows)
			rows = (int)idx + 1;
	}
	return rows;
}

enum status pdf_data_parse(struct pdf_data *d, const char *text, struct err *e)
{
	int line = 0;
	struct buf v;
	buf_init(&v, TEXT_CAP);
	for (const char *s = text; *s;) {
		line++;
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s) : strlen(s);
		const char *eq = memchr(s, '=', n);
		size_t lead = 0;
		while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
			lead++;
		bool skip = lead == n || s[lead] == '#' || (n - lead == 1 && s[lead] == '\r');
		if (!skip) {
			if (!eq || eq == s + lead) {
				buf_done(&v);
				return err_set(e, ST_INVALID, "数据第 %d 行应写作 键=值", line);
			}
			char key[128];
			size_t kl = (size_t)(eq - s - lead);
			while (kl > 0 && (s[lead + kl - 1] == ' ' || s[lead + kl - 1] == '\t'))
				kl--;
			if (kl >= sizeof key) {
				buf_done(&v);
				return err_set(e, ST_INVALID, "数据第 %d 行的键太长", line);
			}
			memcpy(key, s + lead, kl);
			key[kl] = '\0';
			buf_reset(&v);
			/* spaces around the value are layout of the file, not data */
			const char *vstart = eq + 1, *vend = s + n;
			while (vend > vstart && (vend[-1] == '\r' || vend[-1] == ' ' || vend[-1] == '\t'))
				vend--;
			while (vstart < vend && (*vstart == ' ' || *vstart == '\t'))
				vstart++;
			for (const char *c = vstart; c < vend; c++) {
				if (c[0] == '\\' && c + 1 < vend && c[1] == 'n') {
					buf_addc(&v, '\n');
					c++;
				} else {
					buf_addc(&v, *c);
				}
			}
			if (!buf_add(&v, "", 0) || !pdf_data_set(d, key, buf_str(&v))) {
				buf_done(&v);
				return err_status(e, ST_NOMEM);
			}
		}
		s += n + (nl != NULL);
	}
	buf_done(&v);
	return ST_OK;
}

/* ---- engine ------------------------------------------------------------- */

struct pdf_engine {
	hb_blob_t *blob;
	hb_face_t *face;
	hb_font_t *font;       /* for coverage checks */
	const char *mark;      /* printed in place of an unprintable character */
	uint32_t mark_cp;
};

static bool engine_has(const struct pdf_engine *eng, uint32_t cp)
{
	hb_codepoint_t g;
	return cp <= 0xFFFF && hb_font_get_nominal_glyph(eng->font, cp, &g) && g != 0;
}

enum status pdf_engine_new(const char *font_path, struct pdf_engine **out, struct err *e)
{
	*out = NULL;
	const char *path = font_path ? font_path : getenv("CERTDESK_FONT");
	if (!path || !*path)
		path = PDF_FONT_PATH;
	struct pdf_engine *eng = calloc(1, sizeof *eng);
	if (!eng)
		return err_status(e, ST_NOMEM);
	/* mapped, not read: opening costs microseconds */
	eng->blob = hb_blob_create_from_file_or_fail(path);
	if (!eng->blob) {
		free(eng);
		return err_set(e, ST_IO, "找不到打印用的字体 %s（请安装 fonts-wqy-zenhei）", path);
	}
	eng->face = hb_face_create(eng->blob, PDF_FONT_FACE);
	if (hb_face_get_glyph_count(eng->face) == 0) {
		pdf_engine_free(eng);
		return err_set(e, ST_INVALID, "字体文件 %s 无法使用", path);
	}
	eng->font = hb_font_create(eng->face);
	eng->mark_cp = engine_has(eng, 0x25A1) ? 0x25A1 : '?';
	eng->mark = eng->mark_cp == '?' ? "?" : "\xE2\x96\xA1";
	*out = eng;
	return ST_OK;
}

void pdf_engine_free(struct pdf_engine *eng)
{
	if (!eng)
		return;
	hb_font_destroy(eng->font);
	hb_face_destroy(eng->face);
	hb_blob_destroy(eng->blob);
	free(eng);
}

/* ---- render state ------------------------------------------------------- */

struct sheet {
	HPDF_Page page;
	const struct layout_page *lp;
	bool first;                     /* the first sheet of its layout page */
};

struct render {
	struct pdf_engine *eng;
	struct pdf_result *res;
	HPDF_Doc doc;
	HPDF_Font font;
	HPDF_STATUS hpdf_code, hpdf_detail;
	double ascent, descent;         /* per 1 pt of size: 0.962, -0.296 */
	uint16_t *widths;               /* BMP advance + 1 in 1/1000 em, 0 = unknown */
	hb_set_t *cps;                  /* characters printed */
	hb_set_t *bad;                  /* characters reported */
	/* the current job */
	const struct layout *l;
	const struct pdf_data *data;
	struct sheet *sheets;
	size_t n_sheets, alloc_sheets, job_first;
	int page_no, page_count;        /* {page}, {pages}: 0 when unknown */
	char today[48];
	char num[16];                   /* {page} or {pages} as text */
	/* the flow cursor */
	HPDF_Page cur;
	double cur_y;
	double size;                    /* for width_cb */
	struct buf tmp, clean;
};

static void hpdf_error(HPDF_STATUS code, HPDF_STATUS detail, void *ud)
{
	struct render *r = ud;
	if (!r->hpdf_code) {
		r->hpdf_code = code;
		r->hpdf_detail = detail;
	}
}

static const char *lookup_cb(void *ctx, const char *key)
{
	struct render *r = ctx;
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

static void note_bad(struct render *r, uint32_t cp, const char *key)
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
	struct render *r = ctx;
	size_t n = strlen(value);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(value + i, n - i, &cp);
		if (l == 0) {
			note_bad(r, 0xFFFD, key);
			i++;
			continue;
		}
		if (cp >= 0x20 && !engine_has(r->eng, cp))
			note_bad(r, cp, key);
		i += l;
	}
}

/*
 * Expand a template and make it printable into r->clean: control
 * characters become spaces (newlines kept when `lines`), characters the
 * font lacks become the mark. In the collecting pass, also gathers the
 * characters for the subset. Returns the clean text (borrowed).
 */
static const char *expand(struct render *r, const char *tmpl, int row, bool lines, bool collect)
{
	buf_reset(&r->tmp);
	buf_reset(&r->clean);
	if (!tmpl)
		return "";
	layout_expand(tmpl, row, lookup_cb, collect ? value_cb : NULL, r, &r->tmp);
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
		} else if (!engine_has(r->eng, cp)) {
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

static int table_rows(const struct render *r, const struct layout_elem *el)
{
	int n = pdf_data_rows(r->data, el->group);
	return n > el->min_rows ? n : el->min_rows;
}

static void collect_elems(struct render *r, const struct layout_elem *els, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct layout_elem *el = &els[i];
		if (el->kind != LAYOUT_QR)
			expand(r, el->text, -1, true, true);
		expand(r, el->label, -1, true, true);
		expand(r, el->empty, -1, true, true);
		expand(r, el->cont, -1, true, true);
		if (el->kind == LAYOUT_TABLE) {
			int rows = table_rows(r, el);
			for (size_t c = 0; c < el->n_cols; c++) {
				expand(r, el->cols[c].head, -1, true, true);
				for (int row = 0; row < rows; row++)
					expand(r, el->cols[c].cell, row, true, true);
			}
		}
		collect_elems(r, el->kids, el->n_kids);
	}
}

/* ---- font --------------------------------------------------------------- */

/* A ToUnicode CMap for codes that are Unicode values (libharu's UTF-8
 * encoder): libharu writes its encoding CMap there instead, which text
 * extraction and search do not accept. */
static bool write_tounicode(struct render *r)
{
	HPDF_Dict tu = HPDF_Dict_GetItem(r->font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!tu || !tu->stream)
		return true;   /* nothing to fix */
	HPDF_MemStream_FreeData(tu->stream);
	HPDF_Dict_RemoveElement(tu, "CMapName");
	HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
	HPDF_Dict_RemoveElement(tu, "WMode");
	HPDF_Dict_RemoveElement(tu, "Type");
	struct buf b;
	buf_init(&b, TEXT_CAP);
	buf_adds(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	/* ranges of consecutive codes within one high byte, 100 per section */
	uint32_t ranges[4096][2];
	size_t nr = 0;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(r->cps, &cp) && nr < 4096) {
		if (cp > 0xFFFF)
			break;
		if (nr > 0 && ranges[nr - 1][1] + 1 == cp && (ranges[nr - 1][0] >> 8) == (cp >> 8))
			ranges[nr - 1][1] = cp;
		else {
			ranges[nr][0] = ranges[nr][1] = cp;
			nr++;
		}
	}
	for (size_t i = 0; i < nr; i += 100) {
		size_t k = nr - i < 100 ? nr - i : 100;
		buf_printf(&b, "%zu beginbfrange\n", k);
		for (size_t j = i; j < i + k; j++)
			buf_printf(&b, "<%04X> <%04X> <%04X>\n", ranges[j][0], ranges[j][1], ranges[j][0]);
		buf_adds(&b, "endbfrange\n");
	}
	buf_adds(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	bool ok = b.len > 0 && HPDF_Stream_WriteStr(tu->stream, buf_str(&b)) == HPDF_OK;
	buf_done(&b);
	return ok;
}

static double width1000(struct render *r, uint32_t cp);

/* libharu lists in /W every character whose width differs from that of
 * glyph 0, which here is every Chinese character (~15 bytes each, not
 * compressed). Default to the full-width 1000 and list the others. */
static bool write_widths(struct render *r)
{
	HPDF_FontAttr fa = (HPDF_FontAttr)r->font->attr;
	HPDF_Dict desc = fa ? fa->descendant_font : NULL;
	HPDF_Array w = desc ? HPDF_Array_New(r->doc->mmgr) : NULL;
	if (!w)
		return false;
	HPDF_STATUS st = HPDF_Dict_AddNumber(desc, "DW", 1000);
	st |= HPDF_Dict_Add(desc, "W", w);
	HPDF_Array run = NULL;
	uint32_t prev = 0;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (st == HPDF_OK && hb_set_next(r->cps, &cp) && cp <= 0xFFFF) {
		double cw = width1000(r, cp);
		if (cw == 1000) {
			run = NULL;
			continue;
		}
		if (!run || cp != prev + 1) {
			run = HPDF_Array_New(r->doc->mmgr);
			if (!run)
				return false;
			st |= HPDF_Array_AddNumber(w, (HPDF_INT32)cp);
			st |= HPDF_Array_Add(w, run);
		}
		st |= HPDF_Array_AddNumber(run, (HPDF_INT32)cw);
		prev = cp;
	}
	return st == HPDF_OK;
}

/* Subset the face to r->cps and load it into the document. */
static enum status load_font(struct render *r, struct err *e)
{
	double t0 = clock_ms();
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return err_status(e, ST_NOMEM);
	hb_set_union(hb_subset_input_unicode_set(in), r->cps);
	/* libharu names the font from name IDs 1 and 2 (Mac, or Windows
	 * English); hb-subset keeps only some by default: keep them all. */
	hb_set_t *s = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID);
	hb_set_clear(s);
	hb_set_invert(s);
	s = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_LANG_ID);
	hb_set_clear(s);
	hb_set_invert(s);
	/* tables libharu never embeds: bitmaps, layout, vertical metrics */
	static const char drop[][5] = { "BDF ", "FFTM", "EBDT", "EBLC", "EBSC", "GSUB", "GPOS", "GDEF",
					"vhea", "vmtx", "gasp", "DSIG", "kern", "hdmx", "VDMX", "LTSH" };
	s = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
		hb_set_add(s, hb_tag_from_string(drop[i], 4));
	hb_face_t *sub = hb_subset_or_fail(r->eng->face, in);
	hb_subset_input_destroy(in);
	if (!sub)
		return err_set(e, ST_INTERNAL, "字体子集化失败");
	hb_blob_t *blob = hb_face_reference_blob(sub);
	unsigned len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	r->res->ms_subset = clock_ms() - t0;

	/* The subset is a TrueType file in memory; libharu's file loader
	 * would need a temporary file. A memory stream does the same work
	 * (HPDF_TTFontDef_Load takes the stream over). */
	enum status st = ST_OK;
	HPDF_Stream stream = len ? HPDF_MemStream_New(r->doc->mmgr, len) : NULL;
	if (!stream || HPDF_Stream_Write(stream, (const HPDF_BYTE *)data, len) != HPDF_OK) {
		if (stream)
			HPDF_Stream_Free(stream);
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	HPDF_FontDef def = HPDF_TTFontDef_Load(r->doc->mmgr, stream, HPDF_TRUE);
	if (!def) {
		st = err_set(e, ST_INTERNAL, "字体载入失败（libharu 错误 0x%04X）",
			     (unsigned)HPDF_GetError(r->doc));
		goto out;
	}
	/* the subset tag: six letters from the character set */
	uint32_t h = 2166136261u;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(r->cps, &cp))
		h = (h ^ cp) * 16777619u;
	char tag[7];
	for (int i = 0; i < 6; i++, h /= 26)
		tag[i] = (char)('A' + h % 26);
	tag[6] = '\0';
	HPDF_TTFontDef_SetTagName(def, tag);
	const char *name = def->base_font;
	if (HPDF_Doc_RegisterFontDef(r->doc, def) != HPDF_OK) {
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	r->font = HPDF_GetFont(r->doc, name, "UTF-8");
	if (!r->font || !write_tounicode(r) || !write_widths(r)) {
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	r->ascent = HPDF_Font_GetAscent(r->font) / 1000.0;
	r->descent = HPDF_Font_GetDescent(r->font) / 1000.0;
out:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	return st;
}

/* Advance of cp in 1/1000 em, as libharu will print it. */
static double width1000(struct render *r, uint32_t cp)
{
	if (cp <= 0xFFFF && r->widths[cp])
		return r->widths[cp] - 1;
	char u[4];
	size_t l = utf8_encode(cp, u);
	HPDF_TextWidth tw = HPDF_Font_TextWidth(r->font, (const HPDF_BYTE *)u, (HPDF_UINT)l);
	if (cp <= 0xFFFF && tw.width < 65535)
		r->widths[cp] = (uint16_t)(tw.width + 1);
	return tw.width;
}

static double width_cb(void *ctx, uint32_t cp)
{
	struct render *r = ctx;
	return width1000(r, cp) * r->size / 1000.0;
}

static double text_width(struct render *r, const char *s, size_t n, double size)
{
	double w = 0;
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0)
			break;
		w += width1000(r, cp);
		i += l;
	}
	return w * size / 1000.0;
}

/* ---- drawing ------------------------------------------------------------ */

static double page_h_pt(const struct render *r)
{
	return r->l->paper_h * PT_PER_MM;
}

static void set_stroke(struct render *r, HPDF_Page pg, double stroke_mm, double dash_mm)
{
	HPDF_Page_SetLineWidth(pg, (HPDF_REAL)(stroke_mm * PT_PER_MM));
	if (dash_mm > 0) {
		HPDF_UINT16 d = (HPDF_UINT16)fmax(1, round(dash_mm * PT_PER_MM));
		HPDF_UINT16 pat[2] = { d, d };
		HPDF_Page_SetDash(pg, pat, 2, 0);
	} else {
		HPDF_Page_SetDash(pg, NULL, 0, 0);
	}
	(void)r;
}

static void draw_line(struct render *r, HPDF_Page pg, double x1, double y1, double x2, double y2,
		      double stroke, double dash)
{
	if (stroke <= 0)
		return;
	set_stroke(r, pg, stroke, dash);
	HPDF_Page_MoveTo(pg, (HPDF_REAL)(x1 * PT_PER_MM), (HPDF_REAL)(page_h_pt(r) - y1 * PT_PER_MM));
	HPDF_Page_LineTo(pg, (HPDF_REAL)(x2 * PT_PER_MM), (HPDF_REAL)(page_h_pt(r) - y2 * PT_PER_MM));
	HPDF_Page_Stroke(pg);
}

static void draw_rect(struct render *r, HPDF_Page pg, double x, double y, double w, double h,
		      double stroke, double dash, double fill)
{
	if (w <= 0 || h <= 0 || (stroke <= 0 && fill < 0))
		return;
	/* colours and line style first: they are not allowed inside a path */
	if (fill >= 0)
		HPDF_Page_SetGrayFill(pg, (HPDF_REAL)fill);
	if (stroke > 0)
		set_stroke(r, pg, stroke, dash);
	HPDF_Page_Rectangle(pg, (HPDF_REAL)(x * PT_PER_MM), (HPDF_REAL)(page_h_pt(r) - (y + h) * PT_PER_MM),
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

/* One line of text: x in mm from the left, `top` in mm is the top of a
 * line box `lh` mm high; the glyphs' box is centred in it. */
static void draw_run(struct render *r, HPDF_Page pg, double x, double top, double lh, const char *s,
		     size_t n, double size, bool bold)
{
	if (n == 0)
		return;
	buf_reset(&r->tmp);
	buf_add(&r->tmp, s, n);
	double base = top * PT_PER_MM + lh * PT_PER_MM / 2 + (r->ascent + r->descent) * size / 2;
	HPDF_Page_BeginText(pg);
	HPDF_Page_SetFontAndSize(pg, r->font, (HPDF_REAL)size);
	if (bold) {
		/* the face has no bold: fill and stroke the outlines */
		HPDF_Page_SetTextRenderingMode(pg, HPDF_FILL_THEN_STROKE);
		HPDF_Page_SetLineWidth(pg, (HPDF_REAL)(size * 0.035));
	}
	HPDF_Page_TextOut(pg, (HPDF_REAL)(x * PT_PER_MM), (HPDF_REAL)(page_h_pt(r) - base), buf_str(&r->tmp));
	if (bold)
		HPDF_Page_SetTextRenderingMode(pg, HPDF_FILL);
	HPDF_Page_EndText(pg);
}

struct fitted {
	struct layout_span *spans;
	size_t n;          /* lines to draw */
	double size;
	double lh;         /* line height, mm */
	bool clipped;      /* the last line gets "…" */
	double last_w;     /* width of the clipped last line, pt */
	size_t last_len;
};

/*
 * Wrap text into w x h mm at `size`, shrinking by half points down to
 * `min` until it fits; what still does not fit is cut with "…".
 * h <= 0: any height (no shrinking). Caller frees f->spans.
 */
static bool fit(struct render *r, const char *text, double w, double h, double size, double min,
		double leading, double indent_em, struct fitted *f)
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

/* Draw fitted lines in the box (x, y, w, h mm); h 0 = from y down. */
static void draw_fitted(struct render *r, HPDF_Page pg, const char *text, const struct fitted *f, double x,
			double y, double w, double h, enum layout_align align, enum layout_valign valign,
			bool bold)
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
			draw_run(r, pg, lx, top + i * f->lh, f->lh, line, cl + 3, f->size, bold);
		} else {
			draw_run(r, pg, lx, top + i * f->lh, f->lh, text + sp->off, len, f->size, bold);
		}
	}
}

/* Text in a box, shrunk or cut to fit. */
static bool text_in_box(struct render *r, HPDF_Page pg, const char *text, double x, double y, double w,
			double h, const struct layout_elem *el, enum layout_align align,
			enum layout_valign valign, double size)
{
	struct fitted f;
	if (!fit(r, text, w, h, size, fmin(el->min_size, size), el->leading, el->indent, &f))
		return false;
	draw_fitted(r, pg, text, &f, x, y, w, h, align, valign, el->bold);
	free(f.spans);
	return true;
}

/* A new sheet of layout page lp; becomes the cursor's sheet. */
static HPDF_Page new_sheet(struct render *r, const struct layout_page *lp, bool first)
{
	if (r->n_sheets == r->alloc_sheets) {
		size_t na = r->alloc_sheets ? r->alloc_sheets * 2 : 16;
		struct sheet *ns = realloc(r->sheets, na * sizeof *ns);
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
	r->sheets[r->n_sheets++] = (struct sheet){ pg, lp, first };
	r->cur = pg;
	r->cur_y = lp->flow_top;
	return pg;
}

static void draw_qr(struct render *r, HPDF_Page pg, const struct layout_elem *el, double x, double y)
{
	/* the QR code carries the value as it is: a scanner types it */
	buf_reset(&r->tmp);
	layout_expand(el->text, -1, lookup_cb, NULL, r, &r->tmp);
	if (r->tmp.len == 0)
		return;
	QRcode *qr = QRcode_encodeString(buf_str(&r->tmp), 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return;
	int n = qr->width;
	double m = el->w / (n + 2 * el->quiet);   /* module, mm */
	double ox = x + el->quiet * m, oy = y + el->quiet * m;
	HPDF_Page_SetGrayFill(pg, 0);
	for (int row = 0; row < n; row++) {
		for (int c = 0; c < n;) {
			if (!(qr->data[row * n + c] & 1)) {
				c++;
				continue;
			}
			int run = 1;
			while (c + run < n && (qr->data[row * n + c + run] & 1))
				run++;
			/* a hair of overlap so that viewers show no seams */
			HPDF_Page_Rectangle(pg, (HPDF_REAL)((ox + c * m) * PT_PER_MM),
					    (HPDF_REAL)(page_h_pt(r) - (oy + (row + 1) * m) * PT_PER_MM - 0.05),
					    (HPDF_REAL)(run * m * PT_PER_MM), (HPDF_REAL)(m * PT_PER_MM + 0.1));
			c += run;
		}
	}
	HPDF_Page_Fill(pg);
	QRcode_free(qr);
}

static void draw_check(struct render *r, HPDF_Page pg, const struct layout_elem *el, double x, double y)
{
	double lh = el->size * el->leading / PT_PER_MM;
	double side = el->size * 0.8 / PT_PER_MM;
	double by = y + (lh - side) / 2;
	draw_rect(r, pg, x, by, side, side, el->stroke, 0, -1);
	const char *v = pdf_data_get(r->data, el->key);
	if (v && strcmp(v, el->is) == 0) {
		/* a tick drawn as lines: no glyph needed */
		set_stroke(r, pg, el->stroke * 1.6, 0);
		double H = page_h_pt(r);
		HPDF_Page_MoveTo(pg, (HPDF_REAL)((x + side * 0.18) * PT_PER_MM), (HPDF_REAL)(H - (by + side * 0.52) * PT_PER_MM));
		HPDF_Page_LineTo(pg, (HPDF_REAL)((x + side * 0.42) * PT_PER_MM), (HPDF_REAL)(H - (by + side * 0.8) * PT_PER_MM));
		HPDF_Page_LineTo(pg, (HPDF_REAL)((x + side * 0.85) * PT_PER_MM), (HPDF_REAL)(H - (by + side * 0.2) * PT_PER_MM));
		HPDF_Page_Stroke(pg);
	}
	const char *label = expand(r, el->label, -1, false, false);
	draw_run(r, pg, x + side + 1, y, lh, label, strlen(label), el->size, el->bold);
}

static bool draw_field(struct render *r, HPDF_Page pg, const struct layout_elem *el, double x, double y)
{
	draw_rect(r, pg, x, y, el->label_w, el->h, 0, 0, el->fill);
	draw_rect(r, pg, x, y, el->w, el->h, el->stroke, 0, -1);
	draw_line(r, pg, x + el->label_w, y, x + el->label_w, y + el->h, el->stroke, 0);
	const char *label = expand(r, el->label, -1, true, false);
	struct layout_elem lab = *el;
	lab.bold = false;
	lab.indent = 0;
	if (!text_in_box(r, pg, label, x + el->pad, y, el->label_w - 2 * el->pad, el->h, &lab, LAYOUT_CENTER,
			 LAYOUT_MIDDLE, el->size))
		return false;
	const char *value = expand(r, el->text, -1, true, false);
	return text_in_box(r, pg, value, x + el->label_w + el->pad, y, el->w - el->label_w - 2 * el->pad, el->h,
			   el, el->align, LAYOUT_MIDDLE, el->size);
}

/* A block that continues on new sheets; draws from the cursor. */
static bool draw_flow_block(struct render *r, const struct layout_elem *el, double y0)
{
	const char *text = expand(r, el->text, -1, true, false);
	struct fitted f;
	double inner = el->w - 2 * el->pad;
	if (!fit(r, text, inner, 0, el->size, el->size, el->leading, el->indent, &f))
		return false;
	const struct layout_page *lp = r->sheets[r->n_sheets - 1].lp;
	double bottom = fmin(el->rel ? lp->flow_bottom : el->y + el->h, lp->flow_bottom);
	double y = y0 + el->pad, seg_top = y0;
	for (size_t i = 0; i < f.n; i++) {
		if (y + f.lh > bottom - el->pad + 1e-6 && i > 0) {
			if (el->border)
				draw_rect(r, r->cur, el->x, seg_top, el->w, y + el->pad - seg_top, el->stroke, 0, -1);
			if (!new_sheet(r, lp, false)) {
				free(f.spans);
				return false;
			}
			bottom = lp->flow_bottom;
			seg_top = r->cur_y;
			y = seg_top + el->pad;
		}
		struct fitted one = f;
		one.spans = &f.spans[i];
		one.n = 1;
		one.clipped = false;
		draw_fitted(r, r->cur, text, &one, el->x + el->pad, y, inner, 0, el->align, LAYOUT_TOP, el->bold);
		y += f.lh;
	}
	/* the box only limits the first sheet: what follows goes after the text */
	double end = y + el->pad;
	if (el->border)
		draw_rect(r, r->cur, el->x, seg_top, el->w, end - seg_top, el->stroke, 0, -1);
	r->cur_y = end;
	free(f.spans);
	return true;
}

struct row_cells {
	char *text[LAYOUT_MAX_COLS];
	struct fitted fit[LAYOUT_MAX_COLS];
};

static bool table_header(struct render *r, const struct layout_elem *el, double y, bool cont)
{
	HPDF_Page pg = r->cur;
	if (cont && el->cont) {
		const char *c = expand(r, el->cont, -1, false, false);
		double lh = el->size * el->leading / PT_PER_MM;
		draw_run(r, pg, el->x, y - lh - 0.5, lh, c, strlen(c), el->size, true);
	}
	double x = el->x;
	for (size_t c = 0; c < el->n_cols; c++) {
		const struct layout_col *col = &el->cols[c];
		draw_rect(r, pg, x, y, col->w, el->head_h, el->stroke, 0, el->fill);
		const char *h = expand(r, col->head, -1, true, false);
		struct layout_elem hd = *el;
		hd.bold = true;
		hd.indent = 0;
		if (!text_in_box(r, pg, h, x + el->pad, y, col->w - 2 * el->pad, el->head_h, &hd, LAYOUT_CENTER,
				 LAYOUT_MIDDLE, el->size))
			return false;
		x += col->w;
	}
	return true;
}

/* A table from y on the cursor's sheet, flowing onto new sheets. */
static bool draw_table(struct render *r, const struct layout_elem *el, double y)
{
	const struct layout_page *lp = r->sheets[r->n_sheets - 1].lp;
	double bottom = el->bottom > 0 && !el->rel ? el->bottom : lp->flow_bottom;
	double cont_h = el->cont ? el->size * el->leading / PT_PER_MM + 1 : 0;
	int rows = table_rows(r, el);
	size_t nc = el->n_cols;
	if (!table_header(r, el, y, false))
		return false;
	y += el->head_h;
	if (rows == 0 && el->empty) {
		const char *t = expand(r, el->empty, -1, true, false);
		draw_rect(r, r->cur, el->x, y, el->w, el->row_h, el->stroke, 0, -1);
		if (!text_in_box(r, r->cur, t, el->x + el->pad, y, el->w - 2 * el->pad, el->row_h, el, LAYOUT_CENTER,
				 LAYOUT_MIDDLE, el->size))
			return false;
		y += el->row_h;
	}
	for (int row = 0; row < rows; row++) {
		struct row_cells rc;
		double rh = el->row_h;
		bool ok = true;
		for (size_t c = 0; c < nc; c++) {
			rc.text[c] = strdup(expand(r, el->cols[c].cell, row, true, false));
			ok &= rc.text[c] && fit(r, rc.text[c], el->cols[c].w - 2 * el->pad, 0, el->size, el->size,
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
				fit(r, rc.text[c], el->cols[c].w - 2 * el->pad, rh, el->size, el->size, el->leading, 0,
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
				draw_rect(r, r->cur, x, y, col->w, rh, el->stroke, 0, -1);
				draw_fitted(r, r->cur, rc.text[c], &rc.fit[c], x + el->pad, y, col->w - 2 * el->pad, rh,
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

static bool draw_elem(struct render *r, HPDF_Page pg, const struct layout_elem *el, double ox, double oy);

/* Draw one element at its place: (ox, oy) is the origin it is relative to. */
static bool draw_elem(struct render *r, HPDF_Page pg, const struct layout_elem *el, double ox, double oy)
{
	double x = ox + el->x, y = oy + el->y;
	switch (el->kind) {
	case LAYOUT_TEXT: {
		const char *t = expand(r, el->text, -1, el->h > 0, false);
		if (el->w > 0)
			return text_in_box(r, pg, t, x, y, el->w, el->h > 0 ? el->h : elem_height(el), el, el->align,
					   el->h > 0 ? el->valign : LAYOUT_TOP, el->size);
		draw_run(r, pg, x, y, elem_height(el), t, strlen(t), el->size, el->bold);
		return true;
	}
	case LAYOUT_BLOCK: {
		const char *t = expand(r, el->text, -1, true, false);
		if (el->border)
			draw_rect(r, pg, x, y, el->w, el->h, el->stroke, 0, -1);
		return text_in_box(r, pg, t, x + el->pad, y + el->pad, el->w - 2 * el->pad, el->h - 2 * el->pad, el,
				   el->align, el->valign, el->size);
	}
	case LAYOUT_FIELD:
		return draw_field(r, pg, el, x, y);
	case LAYOUT_BOX:
		draw_rect(r, pg, x, y, el->w, el->h, el->stroke, el->dash, el->fill);
		return true;
	case LAYOUT_LINE:
		draw_line(r, pg, x, y, ox + el->x2, oy + el->y2, el->stroke, el->dash);
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
static bool render_page(struct render *r, const struct layout_page *lp)
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

static bool render_job(struct render *r, const struct pdf_job *job)
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
	struct render r;
	memset(&r, 0, sizeof r);
	r.eng = eng;
	r.res = &res;
	today_text(r.today);
	buf_init(&r.tmp, TEXT_CAP);
	buf_init(&r.clean, TEXT_CAP);
	r.cps = hb_set_create();
	r.bad = hb_set_create();
	r.widths = calloc(65536, sizeof *r.widths);
	enum status st = ST_OK;
	if (!r.widths || !hb_set_allocation_successful(r.cps)) {
		st = err_status(e, ST_NOMEM);
		goto done;
	}

	/* pass 1: every character of every job, for one subset */
	static const char always[] = "0123456789\xE2\x80\xA6";   /* page numbers, "…" */
	for (const char *c = always; *c;) {
		uint32_t cp;
		size_t l = utf8_decode(c, strlen(c), &cp);
		if (engine_has(eng, cp))
			hb_set_add(r.cps, cp);
		c += l;
	}
	hb_set_add(r.cps, eng->mark_cp);
	hb_set_add(r.cps, ' ');
	for (size_t j = 0; j < n; j++) {
		r.l = jobs[j].layout;
		r.data = jobs[j].data;
		for (size_t p = 0; p < r.l->n_pages; p++)
			collect_elems(&r, r.l->pages[p].elems, r.l->pages[p].n_elems);
	}
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
	st = load_font(&r, e);
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
	free(r.widths);
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
