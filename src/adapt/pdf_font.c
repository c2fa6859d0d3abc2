/*
 * The print engine's font: WenQuanYi Zen Hei opened once (the engine), a
 * subset of it made with HarfBuzz for each document and loaded into
 * libharu from memory, with libharu's ToUnicode map and width table
 * rewritten, and the advances text is measured with.
 */
#include "adapt/pdf_font.h"

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

#include "util/buf.h"
#include "util/clock.h"
#include "util/utf8.h"

/* Room for the ToUnicode CMap (4096 ranges at most, ~21 bytes each). */
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

/* A ToUnicode CMap for codes that are Unicode values (libharu's UTF-8
 * encoder): libharu writes its encoding CMap there instead, which text
 * extraction and search do not accept. */
static bool write_tounicode(HPDF_Font font, const hb_set_t *cps)
{
	HPDF_Dict tu = HPDF_Dict_GetItem(font, "ToUnicode", HPDF_OCLASS_DICT);
	if (!tu || !tu->stream)
		return true;   /* nothing to fix */
	HPDF_MemStream_FreeData(tu->stream);
	HPDF_Dict_RemoveElement(tu, "CMapName");
	HPDF_Dict_RemoveElement(tu, "CIDSystemInfo");
	HPDF_Dict_RemoveElement(tu, "WMode");
	HPDF_Dict_RemoveElement(tu, "Type");
	struct buf b;
	buf_init(&b, CMAP_CAP);
	buf_adds(&b, "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		     "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
	/* ranges of consecutive codes within one high byte, 100 per section */
	uint32_t ranges[4096][2];
	size_t nr = 0;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(cps, &cp) && nr < 4096) {
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

/* libharu lists in /W every character whose width differs from that of
 * glyph 0, which here is every Chinese character (~15 bytes each, not
 * compressed). Default to the full-width 1000 and list the others. */
static bool write_widths(struct pdf_font *f, HPDF_Doc doc, const hb_set_t *cps)
{
	HPDF_FontAttr fa = (HPDF_FontAttr)f->font->attr;
	HPDF_Dict desc = fa ? fa->descendant_font : NULL;
	HPDF_Array w = desc ? HPDF_Array_New(doc->mmgr) : NULL;
	if (!w)
		return false;
	HPDF_STATUS st = HPDF_Dict_AddNumber(desc, "DW", 1000);
	st |= HPDF_Dict_Add(desc, "W", w);
	HPDF_Array run = NULL;
	uint32_t prev = 0;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (st == HPDF_OK && hb_set_next(cps, &cp) && cp <= 0xFFFF) {
		double cw = pdf_font_width(f, cp);
		if (cw == 1000) {
			run = NULL;
			continue;
		}
		if (!run || cp != prev + 1) {
			run = HPDF_Array_New(doc->mmgr);
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

enum status pdf_font_load(struct pdf_font *f, const struct pdf_engine *eng, HPDF_Doc doc,
			  const hb_set_t *cps, double *ms_subset, struct err *e)
{
	memset(f, 0, sizeof *f);
	f->widths = calloc(65536, sizeof *f->widths);
	if (!f->widths)
		return err_status(e, ST_NOMEM);
	double t0 = clock_ms();
	hb_subset_input_t *in = hb_subset_input_create_or_fail();
	if (!in)
		return err_status(e, ST_NOMEM);
	hb_set_union(hb_subset_input_unicode_set(in), cps);
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
	hb_face_t *sub = hb_subset_or_fail(eng->face, in);
	hb_subset_input_destroy(in);
	if (!sub)
		return err_set(e, ST_INTERNAL, "字体子集化失败");
	hb_blob_t *blob = hb_face_reference_blob(sub);
	unsigned len = 0;
	const char *data = hb_blob_get_data(blob, &len);
	*ms_subset = clock_ms() - t0;

	/* The subset is a TrueType file in memory; libharu's file loader
	 * would need a temporary file. A memory stream does the same work
	 * (HPDF_TTFontDef_Load takes the stream over). */
	enum status st = ST_OK;
	HPDF_Stream stream = len ? HPDF_MemStream_New(doc->mmgr, len) : NULL;
	if (!stream || HPDF_Stream_Write(stream, (const HPDF_BYTE *)data, len) != HPDF_OK) {
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
	uint32_t h = 2166136261u;
	hb_codepoint_t cp = HB_SET_VALUE_INVALID;
	while (hb_set_next(cps, &cp))
		h = (h ^ cp) * 16777619u;
	char tag[7];
	for (int i = 0; i < 6; i++, h /= 26)
		tag[i] = (char)('A' + h % 26);
	tag[6] = '\0';
	HPDF_TTFontDef_SetTagName(def, tag);
	const char *name = def->base_font;
	if (HPDF_Doc_RegisterFontDef(doc, def) != HPDF_OK) {
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	f->font = HPDF_GetFont(doc, name, "UTF-8");
	if (!f->font || !write_tounicode(f->font, cps) || !write_widths(f, doc, cps)) {
		st = err_set(e, ST_INTERNAL, "字体载入失败");
		goto out;
	}
	f->ascent = HPDF_Font_GetAscent(f->font) / 1000.0;
	f->descent = HPDF_Font_GetDescent(f->font) / 1000.0;
out:
	hb_blob_destroy(blob);
	hb_face_destroy(sub);
	return st;
}

void pdf_font_done(struct pdf_font *f)
{
	free(f->widths);
	f->widths = NULL;
	f->font = NULL;
}

double pdf_font_width(struct pdf_font *f, uint32_t cp)
{
	if (cp <= 0xFFFF && f->widths[cp])
		return f->widths[cp] - 1;
	char u[4];
	size_t l = utf8_encode(cp, u);
	HPDF_TextWidth tw = HPDF_Font_TextWidth(f->font, (const HPDF_BYTE *)u, (HPDF_UINT)l);
	if (cp <= 0xFFFF && tw.width < 65535)
		f->widths[cp] = (uint16_t)(tw.width + 1);
	return tw.width;
}

