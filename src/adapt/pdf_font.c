/*
 * The print engine's font: WenQuanYi Zen Hei opened once (the engine), a
 * subset of it made with HarfBuzz for each document, written into the PDF
 * by glyph number (see pdf_font.h), with the ToUnicode map, the widths and
 * the font descriptor written here rather than by libharu.
 */
#include "adapt/pdf_font.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hb-subset.h>
/* The doc's memory manager, memory streams and TrueType font definitions:
 * installed headers and exported symbols of libharu 2.3, used to load the
 * subset font from memory instead of a temporary file. */
#include <hpdf_doc.h>
#include <hpdf_font.h>
#include <hpdf_fontdef.h>
#include <hpdf_streams.h>
#include <hpdf_objects.h>

#include "util/buf.h"
#include "util/clock.h"
#include "util/utf8.h"

/* Room for the ToUnicode CMap (about 7 bytes a glyph). */
#define CMAP_CAP (1u << 20)

/* ---- engine ------------------------------------------------------------- */

bool pdf_engine_has(const struct pdf_engine *eng, uint32_t cp)
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
	eng->mark_cp = pdf_engine_has(eng, 0x25A1) ? 0x25A1 : '?';
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

/* ---- the font of one document ------------------------------------------ */

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* The TrueType checksum: the sum of big-endian 32-bit words, zero-padded. */
static uint32_t sfnt_sum(const uint8_t *p, size_t n)
{
	uint32_t sum = 0;
	size_t i = 0;
	for (; i + 4 <= n; i += 4)
		sum += get32(p + i);
	if (i < n) {
		uint8_t w[4] = { 0, 0, 0, 0 };
		memcpy(w, p + i, n - i);
		sum += get32(w);
	}
	return sum;
}

struct sfnt_table {
	hb_tag_t tag;
	const uint8_t *data;
	size_t len;
};

static int table_cmp(const void *a, const void *b)
{
	hb_tag_t x = ((const struct sfnt_table *)a)->tag, y = ((const struct sfnt_table *)b)->tag;
	return x < y ? -1 : x > y;
}

/*
 * A TrueType file of the tables t[0..n) (empty ones left out), in tag
 * order, 4-byte aligned, with their checksums and head's
 * checkSumAdjustment. Appended to out; false when out failed.
 */
static bool sfnt_build(struct sfnt_table *t, size_t n, struct buf *out)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		if (t[i].len)
			t[m++] = t[i];
	qsort(t, m, sizeof *t, table_cmp);
	unsigned pow2 = 1, log2 = 0;
	while (pow2 * 2 <= m) {
		pow2 *= 2;
		log2++;
	}
	size_t dir = 12 + 16 * m, total = dir;
	for (size_t i = 0; i < m; i++)
		total += (t[i].len + 3) & ~(size_t)3;
	uint8_t *f = calloc(1, total);
	if (!f)
		return false;
	put32(f, 0x00010000);
	put16(f + 4, (unsigned)m);
	put16(f + 6, pow2 * 16);
	put16(f + 8, log2);
	put16(f + 10, (unsigned)(m * 16 - pow2 * 16));
	size_t off = dir, head = 0;
	for (size_t i = 0; i < m; i++) {
		uint8_t *rec = f + 12 + 16 * i;
		memcpy(f + off, t[i].data, t[i].len);
		if (t[i].tag == HB_TAG('h', 'e', 'a', 'd') && t[i].len >= 12) {
			head = off;
			put32(f + off + 8, 0);
		}
		put32(rec, t[i].tag);
		put32(rec + 4, sfnt_sum(f + off, t[i].len));
		put32(rec + 8, (uint32_t)off);
		put32(rec + 12, (uint32_t)t[i].len);
		off += (t[i].len + 3) & ~(size_t)3;
	}
	if (head)
		put32(f + head + 8, 0xB1B0AFBAu - sfnt_sum(f, total));
	bool ok = buf_add(out, f, total);
	free(f);
	return ok;
}

/* A cmap of one range: code c is glyph c for 1 <= c < n (format 4,
 * Windows Unicode BMP), for libharu's lookups. 44 bytes. */
static void identity_cmap(uint8_t c[44], size_t n)
{
	memset(c, 0, 44);
	put16(c + 2, 1);             /* one encoding record */
	put16(c + 4, 3);             /* Windows */
	put16(c + 6, 1);             /* Unicode BMP */
	put32(c + 8, 12);
	uint8_t *s = c + 12;
	put16(s, 4);                 /* format */
	put16(s + 2, 32);            /* length */
	put16(s + 6, 4);             /* segCountX2 */
	put16(s + 8, 4);             /* searchRange */
	put16(s + 10, 1);            /* entrySelector */
	put16(s + 14, (unsigned)n - 1);   /* endCode */
	put16(s + 16, 0xFFFF);
	put16(s + 20, 1);            /* startCode */
	put16(s + 22, 0xFFFF);
	put16(s + 24, 0);            /* idDelta */
	put16(s + 26, 1);
	/* idRangeOffset: zero (the bytes are already) */
}

/* The text a viewer extracts for each glyph. Glyphs are numbered from 1
 * without gaps, so each run of them within one high byte is one bfrange
 * with an array of characters (7 bytes a glyph, where single ranges would
 * take 21: the subset keeps the font's glyph order, which is not Unicode's). */
static bool write_tounicode(HPDF_Font font, const struct pdf_font *f)
{
	HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!tu || !tu->stream)
		return true;   /* nothing to fix */
	HPDF_MemStream_FreeData(tu->stream);
	HPDF_Dict_RemoveElement(tu, "CMapName");
	HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
	HPDF_Dict_RemoveElement(tu, "WMode");
	HPDF_Dict_RemoveElement(tu, "Type");
	uint32_t *cp_of = calloc(f->n_glyphs, sizeof *cp_of);
	if (!cp_of)
		return false;
	for (uint32_t cp = 0; cp <= 0xFFFF; cp++)
		if (f->gid[cp] && !cp_of[f->gid[cp]])
			cp_of[f->gid[cp]] = cp;
	/* runs: glyphs [start, end] with a character each, within a high byte */
	size_t (*runs)[2] = calloc(f->n_glyphs, sizeof *runs);
	size_t nr = 0;
	for (size_t g = 1; runs && g < f->n_glyphs; g++) {
		if (!cp_of[g])
			continue;
		if (nr > 0 && runs[nr - 1][1] + 1 == g && (runs[nr - 1][0] >> 8) == (g >> 8))
			runs[nr - 1][1] = g;
		else {
			runs[nr][0] = runs[nr][1] = g;
			nr++;
		}
	}
	struct buf b;
	buf_init(&b, CMAP_CAP);
	buf_adds(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	for (size_t i = 0; i < nr; i += 100) {
		size_t k = nr - i < 100 ? nr - i : 100;
		buf_printf(&b, "%zu beginbfrange\n", k);
		for (size_t j = i; j < i + k; j++) {
			buf_printf(&b, "<%04zX> <%04zX> [", runs[j][0], runs[j][1]);
			for (size_t g = runs[j][0]; g <= runs[j][1]; g++)
				buf_printf(&b, "%s<%04X>", g > runs[j][0] ? " " : "", cp_of[g]);
			buf_adds(&b, "]\n");
		}
		buf_adds(&b, "endbfrange\n");
	}
	buf_adds(&b, "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
	bool ok = runs && b.len > 0 && HPDF_Stream_WriteStr(tu->stream, buf_str(&b)) == HPDF_OK;
	buf_done(&b);
	free(runs);
	free(cp_of);
	return ok;
}

/* Widths by glyph: the default is the full-width 1000, and the others
 * (Latin letters, digits, spaces) are listed in runs. */
static bool write_widths(const struct pdf_font *f, HPDF_Doc doc, HPDF_Dict desc)
{
	uint16_t *w_of = calloc(f->n_glyphs, sizeof *w_of);
	HPDF_Array w = w_of ? HPDF_Array_New(doc->mmgr) : NULL;
	if (!w) {
		free(w_of);
		return false;
	}
	for (uint32_t cp = 0; cp <= 0xFFFF; cp++)
		if (f->gid[cp] && f->widths[cp])
			w_of[f->gid[cp]] = f->widths[cp];
	HPDF_STATUS st = HPDF_Dict_AddNumber(desc, "DW", 1000);
	st |= HPDF_Dict_Add(desc, "W", w);
	HPDF_Array run = NULL;
	for (size_t g = 1; st == HPDF_OK && g < f->n_glyphs; g++) {
		if (!w_of[g] || w_of[g] - 1 == 1000) {
			run = NULL;
			continue;
		}
		if (!run) {
			run = HPDF_Array_New(doc->mmgr);
			if (!run) {
				free(w_of);
				return false;
			}
			st |= HPDF_Array_AddNumber(w, (HPDF_INT32)g);
			st |= HPDF_Array_Add(w, run);
		}
		st |= HPDF_Array_AddNumber(run, (HPDF_INT32)(w_of[g] - 1));
	}
	free(w_of);
	return st == HPDF_OK;
}

/* The font descriptor with the embedded program, made here so that
 * libharu does not write its own (which would carry its tables and a
 * CIDToGIDMap of 128 KB). */
static bool write_descriptor(const struct pdf_engine *eng, HPDF_Doc doc,
			     HPDF_FontDef def, const struct buf *program)
{
	HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)def->attr;
	HPDF_Dict desc = HPDF_Dict_New(doc->mmgr);
	if (!desc || HPDF_Xref_Add(doc->xref, desc) != HPDF_OK)
		return false;
	HPDF_Dict file = HPDF_DictStream_New(doc->mmgr, doc->xref);
	if (!file)
		return false;
	file->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	HPDF_STATUS st = HPDF_Stream_Write(file->stream, (const HPDF_BYTE *)program->data,
					   (HPDF_UINT)program->len);
	st |= HPDF_Dict_AddNumber(file, "Length1", (HPDF_UINT32)program->len);
	/* metrics in 1/1000 em, from the whole face */
	unsigned upem = hb_face_get_upem(eng->face);
	hb_font_extents_t fe;
	hb_font_get_h_extents(eng->font, &fe);
	hb_glyph_extents_t ge;
	hb_codepoint_t h;
	double cap = fe.ascender;
	if (hb_font_get_nominal_glyph(eng->font, 'H', &h) && hb_font_get_glyph_extents(eng->font, h, &ge))
		cap = ge.y_bearing;
	double k = 1000.0 / (upem ? upem : 1000);
	st |= HPDF_Dict_AddName(desc, "Type", "FontDescriptor");
	st |= HPDF_Dict_AddName(desc, "FontName", da->base_font);
	st |= HPDF_Dict_AddNumber(desc, "Flags", (HPDF_INT32)def->flags);
	st |= HPDF_Dict_Add(desc, "FontBBox", HPDF_Box_Array_New(doc->mmgr, def->font_bbox));
	st |= HPDF_Dict_AddNumber(desc, "ItalicAngle", 0);
	st |= HPDF_Dict_AddNumber(desc, "Ascent", (HPDF_INT32)def->ascent);
	st |= HPDF_Dict_AddNumber(desc, "Descent", (HPDF_INT32)def->descent);
	st |= HPDF_Dict_AddNumber(desc, "CapHeight", (HPDF_INT32)lround(cap * k));
	st |= HPDF_Dict_AddNumber(desc, "StemV", (HPDF_INT32)def->stemv);
	st |= HPDF_Dict_Add(desc, "FontFile2", file);
	if (st != HPDF_OK)
		return false;
	/* libharu links it to the descendant font when the document is saved */
	def->descriptor = desc;
	return true;
}

/* The subset: exactly the glyphs of cps (and .notdef), with the tables a
 * drawing needs, the names libharu reads (PostScript name and style, in
 * English) and OS/2 (libharu checks its embedding bits). */
static hb_face_t *make_subset(const struct pdf_engine *eng, const hb_set_t *cps)
{
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return NULL;
	hb_set_union(hb_subset_input_unicode_set(in), cps);
	hb_set_t *s = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_ID);
	hb_set_clear(s);
	hb_set_add(s, 1);
	hb_set_add(s, 2);
	hb_set_add(s, 6);
	s = hb_subset_input_set(in, HB_SUBSET_SETS_NAME_LANG_ID);
	hb_set_clear(s);
	hb_set_add(s, 0);            /* Macintosh English */
	hb_set_add(s, 0x0409);       /* Windows English (US) */
	/* tables no PDF viewer reads: bitmaps, layout, vertical metrics */
	static const char drop[][5] = { "BDF ", "FFTM", "EBDT", "EBLC", "EBSC", "GSUB", "GPOS", "GDEF",
					"vhea", "vmtx", "gasp", "DSIG", "kern", "hdmx", "VDMX", "LTSH",
					"post" };
	s = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
	for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
		hb_set_add(s, hb_tag_from_string(drop[i], 4));
	hb_face_t *sub = hb_subset_or_fail(eng->face, in);
	hb_subset_input_destroy(in);
	return sub;
}

/* Fill f->gid and f->widths for the characters of cps from the subset. */
static bool map_glyphs(struct pdf_font *f, const struct pdf_engine *eng, hb_face_t *sub,
		       const hb_set_t *cps)
{
	hb_font_t *font = hb_font_create(sub);
	unsigned upem = hb_face_get_upem(sub);
	if (!font || upem == 0) {
		hb_font_destroy(font);
		return false;
	}
	hb_font_set_scale(font, (int)upem, (int)upem);
	f->n_glyphs = hb_face_get_glyph_count(sub);
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(cps, &cp) && cp <= 0xFFFF) {
		hb_codepoint_t g;
		if (!hb_font_get_nominal_glyph(font, cp, &g) || g == 0 || g >= f->n_glyphs)
			continue;
		f->gid[cp] = (uint16_t)g;
		/* 1/1000 em rounded down, as libharu computes advances */
		unsigned adv = (unsigned)hb_font_get_glyph_h_advance(font, g);
		f->widths[cp] = (uint16_t)(adv * 1000u / upem + 1);
	}
	f->mark_cp = eng->mark_cp;
	f->mark_gid = eng->mark_cp <= 0xFFFF ? f->gid[eng->mark_cp] : 0;
	hb_font_destroy(font);
	return true;
}

enum status pdf_font_load(struct pdf_font *f, const struct pdf_engine *eng, HPDF_Doc doc,
			  const hb_set_t *cps, double *ms_subset, struct err *e)
{
	memset(f, 0, sizeof *f);
	f->gid = calloc(65536, sizeof *f->gid);
	f->widths = calloc(65536, sizeof *f->widths);
	if (!f->gid || !f->widths)
		return err_status(e, ST_NOMEM);
	double t0 = clock_ms();
	hb_face_t *sub = make_subset(eng, cps);
	if (!sub)
		return err_set(e, ST_INTERNAL, "字体子集化失败");
	*ms_subset = clock_ms() - t0;

	enum status st = ST_OK;
	struct buf program, loadable;
	buf_init(&program, 64u << 20);
	buf_init(&loadable, 64u << 20);
	/* what a viewer draws with, embedded; and libharu's copy, with names,
	 * OS/2 and the one-range cmap */
	static const char embed[][5] = { "head", "hhea", "maxp", "hmtx", "loca", "glyf", "cvt ", "fpgm",
					 "prep" };
	static const char extra[][5] = { "name", "OS/2" };
	enum { N_EMBED = sizeof embed / sizeof embed[0], N_EXTRA = sizeof extra / sizeof extra[0] };
	hb_blob_t *blobs[N_EMBED + N_EXTRA];
	struct sfnt_table t[N_EMBED + N_EXTRA + 1];
	for (size_t i = 0; i < N_EMBED + N_EXTRA; i++) {
		hb_tag_t tag = hb_tag_from_string(i < N_EMBED ? embed[i] : extra[i - N_EMBED], 4);
		unsigned len = 0;
		blobs[i] = hb_face_reference_table(sub, tag);
		t[i].tag = tag;
		t[i].data = (const uint8_t *)hb_blob_get_data(blobs[i], &len);
		t[i].len = len;
	}
	if (!map_glyphs(f, eng, sub, cps) || f->n_glyphs < 2 || f->n_glyphs > 0xD7FF) {
		st = err_set(e, ST_INTERNAL, "字体子集化失败（%zu 个字形）", f->n_glyphs);
		goto out;
	}
	uint8_t cmap[44];
	identity_cmap(cmap, f->n_glyphs);
	t[N_EMBED + N_EXTRA] = (struct sfnt_table){ HB_TAG('c', 'm', 'a', 'p'), cmap, sizeof cmap };
	struct sfnt_table copy[N_EMBED + N_EXTRA + 1];
	memcpy(copy, t, sizeof copy);
	if (!sfnt_build(t, N_EMBED, &program) || !sfnt_build(copy, N_EMBED + N_EXTRA + 1, &loadable)) {
		st = err_status(e, ST_NOMEM);
		goto out;
	}

	/* libharu reads its copy from a memory stream (HPDF_TTFontDef_Load
	 * takes the stream over) */
	HPDF_Stream stream = HPDF_MemStream_New(doc->mmgr, (HPDF_UINT)loadable.len);
	if (!stream || HPDF_Stream_Write(stream, (const HPDF_BYTE *)loadable.data, (HPDF_UINT)loadable.len) !=
			       HPDF_OK) {
		if (stream)
			HPDF_Stream_Free(stream);
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	HPDF_FontDef def = HPDF_TTFontDef_Load(doc->mmgr, stream, HPDF_TRUE);
	if (!def) {
		st = err_set(e, ST_INTERNAL, "字体载入失败（libharu 错误 0x%04X）",
			     (unsigned)HPDF_GetError(doc));
		goto out;
	}
	/* the subset tag: six letters from the character set */
	uint32_t hsh = 2166136261u;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(cps, &cp))
		hsh = (hsh ^ cp) * 16777619u;
	char tag[7];
	for (int i = 0; i < 6; i++, hsh /= 26)
		tag[i] = (char)('A' + hsh % 26);
	tag[6] = '\0';
	HPDF_TTFontDef_SetTagName(def, tag);
	const char *name = def->base_font;
	if (HPDF_Doc_RegisterFontDef(doc, def) != HPDF_OK) {
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	/* Without embedding libharu makes no CIDToGIDMap (codes are glyphs:
	 * /Identity, set below); the program is embedded by our descriptor. */
	HPDF_TTFontDefAttr da = (HPDF_TTFontDefAttr)def->attr;
	da->embedding = HPDF_FALSE;
	f->font = HPDF_GetFont(doc, name, "UTF-8");
	da->embedding = HPDF_TRUE;
	HPDF_FontAttr fa = f->font ? (HPDF_FontAttr)f->font->attr : NULL;
	HPDF_Dict desc = fa ? fa->descendant_font : NULL;
	if (!desc || HPDF_Dict_AddName(desc, "CIDToGIDMap", "Identity") != HPDF_OK ||
	    !write_tounicode(f->font, f) || !write_widths(f, doc, desc) ||
	    !write_descriptor(eng, doc, def, &program)) {
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	f->ascent = HPDF_Font_GetAscent(f->font) / 1000.0;
	f->descent = HPDF_Font_GetDescent(f->font) / 1000.0;
out:
	for (size_t i = 0; i < N_EMBED + N_EXTRA; i++)
		hb_blob_destroy(blobs[i]);
	buf_done(&program);
	buf_done(&loadable);
	hb_face_destroy(sub);
	return st;
}

void pdf_font_done(struct pdf_font *f)
{
	free(f->widths);
	free(f->gid);
	f->widths = NULL;
	f->gid = NULL;
	f->font = NULL;
}

double pdf_font_width(const struct pdf_font *f, uint32_t cp)
{
	if (cp <= 0xFFFF && f->widths[cp])
		return f->widths[cp] - 1;
	/* not in the subset: printed as the mark */
	if (f->mark_cp <= 0xFFFF && f->widths[f->mark_cp])
		return f->widths[f->mark_cp] - 1;
	return 1000;
}

bool pdf_font_encode(const struct pdf_font *f, const char *s, size_t n, struct buf *out)
{
	bool ok = true;
	for (size_t i = 0; i < n && ok;) {
		uint32_t cp;
		size_t l = utf8_decode(s + i, n - i, &cp);
		if (l == 0) {
			i++;
			continue;
		}
		i += l;
		uint16_t g = cp <= 0xFFFF ? f->gid[cp] : 0;
		if (!g)
			g = f->mark_gid;
		if (!g)
			continue;
		char u[4];
		ok = buf_add(out, u, utf8_encode(g, u));
	}
	return ok;
}
