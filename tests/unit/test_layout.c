#include <stdlib.h>
#include <string.h>

#include "adapt/pdf.h"
#include "model/layout.h"
#include "unit.h"
#include "util/buf.h"

static const char *const documents[] = {
	"application_enterprise", "application_personal", "agreement",
	"receipt", "payment_receipt", "pickup_slip",
};

static void test_documents_parse(void)
{
	for (size_t i = 0; i < sizeof documents / sizeof documents[0]; i++) {
		struct layout *l = NULL;
		struct err e;
		err_clear(&e);
		enum status st = layout_load(documents[i], &l, &e);
		if (st != ST_OK)
			fprintf(stderr, "\n%s: %s\n", documents[i], err_text(&e));
		CU_ASSERT_EQUAL_FATAL(st, ST_OK);
		CU_ASSERT_TRUE(l->n_pages >= 1);
		CU_ASSERT_EQUAL(l->paper_w, 210);
		CU_ASSERT_TRUE(l->title[0] != '\0');
		layout_free(l);
	}
	struct layout *l = (struct layout *)1;
	CU_ASSERT_EQUAL(layout_load("no_such_document", &l, NULL), ST_NOT_FOUND);
	CU_ASSERT_PTR_NULL(l);
}

/* Parse text that must fail; the message must name `line` and contain `part`. */
static void bad(const char *text, int line, const char *part)
{
	struct layout *l = (struct layout *)1;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(layout_parse("t", text, &l, &e), ST_INVALID);
	CU_ASSERT_PTR_NULL(l);
	char where[32];
	snprintf(where, sizeof where, "第 %d 行", line);
	bool ok = strstr(e.msg, where) && strstr(e.msg, part);
	if (!ok)
		fprintf(stderr, "\nexpected line %d and \"%s\", got: %s\n", line, part, e.msg);
	CU_ASSERT_TRUE(ok);
}

static void test_bad_layouts(void)
{
	bad("page\ntxet 10 10 \"a\"\n", 2, "txet");
	bad("page\ntext 10 \"a\"\n", 2, "坐标");
	bad("page\ntext 10 10 size=abc \"a\"\n", 2, "size=abc");
	bad("page\ntext 10 10 size=200 \"a\"\n", 2, "size=200");
	bad("page\ntext 10 10 colour=red \"a\"\n", 2, "colour");
	bad("page\ntext 10 10 \"a\n", 2, "引号");
	bad("page\ntext 10 10 \"{a.b\"\n", 2, "}");
	bad("page\ntext 10 10 \"{a.b:money}\"\n", 2, "money");
	bad("page\ntext 10 10 \"{rows[].x}\"\n", 2, "[]");
	bad("page\ntext 10 10 \"{#}\"\n", 2, "{#}");
	bad("page\nbox 10 10 250 10\n", 2, "超出");
	bad("text 10 10 \"a\"\n", 1, "page");
	bad("page\ntable 10 10 100 group=g\n  col 50 \"a\" \"{g[].a}\"\nend\n", 4, "各列之和");
	bad("page\ntable 10 10 100 group=g\n  col 100 \"a\" \"{h[].a}\"\nend\n", 3, "分组 g");
	bad("# a comment\npage\ntable 10 10 100 group=g\n  col 100 \"a\" \"{g[].a}\"\n", 3, "table 没有 end");
	bad("page\nend\n", 2, "多余的 end");
	bad("page\nblock 10 10 100 50 file=print/none.txt\n", 2, "print/none.txt");
	bad("page\nfield 10 10 100 8 \"{a}\"\n", 2, "label");
	bad("page\ngroup 10 10 100 50\n  table 0 0 100 group=g\n", 3, "group 里不能放");
	bad("page\ntext 10 +5 repeat \"a\"\n", 2, "+N");
	bad("paper B5\npage\n", 1, "B5");
	bad("size 10\npage flow_top=100 flow_bottom=110\n", 2, "20 毫米");
}

static void test_parse_details(void)
{
	const char *text =
		"paper A4 landscape\n"
		"title \"标题\"\n"
		"default field lw=20 fill=0.9\n"
		"page flow_top=20 flow_bottom=190\n"
		"field 10 10 100 8 label=\"姓名\" \"{applicant.name}\"  # trailing comment\n"
		"text 10 +3 w=50 align=right bold \"a \\\"quoted\\\" word\"\n"
		"table 10 30 100 group=rows min_rows=2\n"
		"  col 30 align=center \"序号\" \"{#}\"\n"
		"  col 70 \"名称\" \"{rows[].name|=（无）}\"\n"
		"end\n"
		"group 10 +5 100 20\n"
		"  line 0 10 100 10 dash=1\n"
		"end\n";
	struct layout *l;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(layout_parse("t", text, &l, &e), ST_OK);
	CU_ASSERT_EQUAL(l->paper_w, 297);
	CU_ASSERT_EQUAL(l->paper_h, 210);
	CU_ASSERT_STRING_EQUAL(l->title, "标题");
	CU_ASSERT_EQUAL_FATAL(l->n_pages, 1);
	const struct layout_page *p = &l->pages[0];
	CU_ASSERT_EQUAL(p->flow_top, 20);
	CU_ASSERT_EQUAL_FATAL(p->n_elems, 4);
	CU_ASSERT_EQUAL(p->elems[0].kind, LAYOUT_FIELD);
	CU_ASSERT_EQUAL(p->elems[0].label_w, 20);
	CU_ASSERT_EQUAL(p->elems[0].fill, 0.9);
	CU_ASSERT_STRING_EQUAL(p->elems[0].label, "姓名");
	CU_ASSERT_TRUE(p->elems[1].rel);
	CU_ASSERT_TRUE(p->elems[1].bold);
	CU_ASSERT_EQUAL(p->elems[1].align, LAYOUT_RIGHT);
	CU_ASSERT_STRING_EQUAL(p->elems[1].text, "a \"quoted\" word");
	CU_ASSERT_EQUAL(p->elems[2].kind, LAYOUT_TABLE);
	CU_ASSERT_EQUAL(p->elems[2].n_cols, 2);
	CU_ASSERT_EQUAL(p->elems[2].min_rows, 2);
	CU_ASSERT_EQUAL(p->elems[2].cols[0].align, LAYOUT_CENTER);
	CU_ASSERT_EQUAL(p->elems[3].kind, LAYOUT_GROUP);
	CU_ASSERT_EQUAL(p->elems[3].n_kids, 1);
	CU_ASSERT_EQUAL(p->elems[3].kids[0].dash, 1);
	layout_free(l);
}

struct keys_seen {
	char all[512];
};

static void collect_key(void *ctx, const char *key)
{
	struct keys_seen *k = ctx;
	strncat(k->all, key, sizeof k->all - strlen(k->all) - 2);
	strcat(k->all, ";");
}

static void test_keys(void)
{
	struct layout *l;
	CU_ASSERT_EQUAL_FATAL(layout_parse("t",
		"page\n"
		"text 10 10 \"{a.b} {a.b|c|=x} {{literal}} {page} {today}\"\n"
		"check 10 20 key=k.kind is=new \"新办\"\n"
		"table 10 30 100 group=r\n  col 100 \"序号\" \"{r[].n:fen}\"\nend\n",
		&l, NULL), ST_OK);
	struct keys_seen k = { "" };
	layout_keys(l, collect_key, &k);
	CU_ASSERT_STRING_EQUAL(k.all, "a.b;c;k.kind;r[].n;");
	layout_free(l);
}

static const char *lookup(void *ctx, const char *key)
{
	return pdf_data_get(ctx, key);
}

static char seen_keys[256];

static void on_value(void *ctx, const char *key, const char *value)
{
	(void)ctx;
	(void)value;
	strncat(seen_keys, key, sizeof seen_keys - strlen(seen_keys) - 2);
	strcat(seen_keys, ";");
}

static void check_expand(struct pdf_data *d, const char *tmpl, int row, const char *want)
{
	struct buf b;
	buf_init(&b, 4096);
	CU_ASSERT_TRUE(layout_expand(tmpl, row, lookup, NULL, d, &b));
	if (strcmp(buf_str(&b), want) != 0)
		fprintf(stderr, "\n%s -> \"%s\", want \"%s\"\n", tmpl, buf_str(&b), want);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), want);
	buf_done(&b);
}

static void test_expand(void)
{
	struct pdf_data *d = pdf_data_new();
	CU_ASSERT_TRUE(pdf_data_set(d, "applicant.name", "张三"));
	CU_ASSERT_TRUE(pdf_data_set(d, "order.amount", "128050"));
	CU_ASSERT_TRUE(pdf_data_set(d, "order.date", "2026-01-05T08:00:00Z"));
	CU_ASSERT_TRUE(pdf_data_set(d, "empty", ""));
	CU_ASSERT_TRUE(pdf_data_set_row(d, "rows", 1, "name", "第二行"));
	check_expand(d, "申请人：{applicant.name}", -1, "申请人：张三");
	check_expand(d, "{missing}", -1, "");
	check_expand(d, "{empty|applicant.name}", -1, "张三");
	check_expand(d, "{missing|empty|=（空）}", -1, "（空）");
	check_expand(d, "{{x}} {applicant.name}", -1, "{x} 张三");
	check_expand(d, "{order.amount:fen} 元", -1, "1,280.50 元");
	check_expand(d, "{order.amount:fen_upper}", -1, "壹仟贰佰捌拾元伍角整");
	check_expand(d, "{order.date:date}", -1, "2026年1月5日");
	check_expand(d, "{applicant.name:fen}", -1, "张三");   /* not a number: as it is */
	check_expand(d, "{#}.{rows[].name}", 1, "2.第二行");
	check_expand(d, "{#}.{rows[].name}", 0, "1.");
	seen_keys[0] = '\0';
	struct buf b;
	buf_init(&b, 256);
	layout_expand("{missing|applicant.name} {rows[].name}", 1, lookup, on_value, d, &b);
	CU_ASSERT_STRING_EQUAL(seen_keys, "applicant.name;rows[1].name;");
	buf_done(&b);
	pdf_data_free(d);
}

static void test_money(void)
{
	static const struct {
		long long fen;
		const char *text, *upper;
	} cases[] = {
		{ 0, "0.00", "零元整" },
		{ 5, "0.05", "伍分" },
		{ 50, "0.50", "伍角整" },
		{ 100, "1.00", "壹元整" },
		{ 1005, "10.05", "壹拾元零伍分" },
		{ 100500, "1,005.00", "壹仟零伍元整" },
		{ 1001000, "10,010.00", "壹万零壹拾元整" },
		{ 10001000, "100,010.00", "壹拾万零壹拾元整" },
		{ 100000000, "1,000,000.00", "壹佰万元整" },
		{ 12345678901, "123,456,789.01", "壹亿贰仟叁佰肆拾伍万陆仟柒佰捌拾玖元零壹分" },
		{ 10000000000, "100,000,000.00", "壹亿元整" },
		{ 10000010000, "100,000,100.00", "壹亿零壹佰元整" },
	};
	char out[128];
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		CU_ASSERT_TRUE(layout_fen_text(cases[i].fen, out, sizeof out));
		CU_ASSERT_STRING_EQUAL(out, cases[i].text);
		CU_ASSERT_TRUE(layout_fen_upper(cases[i].fen, out, sizeof out));
		if (strcmp(out, cases[i].upper) != 0)
			fprintf(stderr, "\n%lld -> %s, want %s\n", cases[i].fen, out, cases[i].upper);
		CU_ASSERT_STRING_EQUAL(out, cases[i].upper);
	}
	CU_ASSERT_FALSE(layout_fen_upper(-1, out, sizeof out));
	CU_ASSERT_FALSE(layout_fen_text(100000000000000LL, out, sizeof out));
}

/* Widths for wrapping tests: CJK 10 points, anything else 5. */
static double test_width(void *ctx, uint32_t cp)
{
	(void)ctx;
	return cp >= 0x2E80 ? 10 : 5;
}

/* Wrap and join the lines with '|'. */
static void wrap_to(const char *text, double width, double indent, char *out, size_t outsz)
{
	struct layout_span *sp;
	size_t n;
	out[0] = '\0';
	CU_ASSERT_TRUE_FATAL(layout_wrap(text, width, indent, test_width, NULL, &sp, &n));
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, "|", outsz - strlen(out) - 1);
		strncat(out, text + sp[i].off, sp[i].len < outsz - strlen(out) - 1 ? sp[i].len : outsz - strlen(out) - 1);
		CU_ASSERT_TRUE(sp[i].width <= width + 1e-9 || sp[i].len <= 3);
	}
	free(sp);
}

static void check_wrap(const char *text, double width, double indent, const char *want)
{
	char got[512];
	wrap_to(text, width, indent, got, sizeof got);
	if (strcmp(got, want) != 0)
		fprintf(stderr, "\nwrap \"%s\" at %g -> \"%s\", want \"%s\"\n", text, width, got, want);
	CU_ASSERT_STRING_EQUAL(got, want);
}

static void test_wrap(void)
{
	check_wrap("", 40, 0, "");
	check_wrap("福州市鼓楼区某某公司", 40, 0, "福州市鼓|楼区某某|公司");
	/* a comma never starts a line: the character before it moves down */
	check_wrap("福州市鼓，楼区", 40, 0, "福州市|鼓，楼区");
	/* an opening bracket never ends a line */
	check_wrap("福州市（鼓楼）", 40, 0, "福州市|（鼓楼）");
	/* Latin words stay whole; spaces at a break disappear */
	check_wrap("USB KEY and PIN", 40, 0, "USB KEY|and PIN");
	/* a word longer than the line is cut */
	check_wrap("91350102MA2Y4XXL3K", 40, 0, "91350102|MA2Y4XXL|3K");
	/* mixed: break between Chinese and Latin */
	check_wrap("请插入USB KEY后读取", 60, 0, "请插入USB|KEY后读取");
	/* hard breaks, an empty paragraph, first-line indent */
	check_wrap("第一段很长很长\n\n第二段", 40, 20, "第一|段很长很|长||第二|段");
	/* a trailing newline adds no empty line */
	check_wrap("甲乙\n", 40, 0, "甲乙");
}

static void test_data(void)
{
	struct pdf_data *d = pdf_data_new();
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(pdf_data_parse(d,
		"# comment\n"
		"applicant.name = 张三\n"
		"\n"
		"note=第一行\\n第二行\r\n"
		"attachments[0].name=营业执照\n"
		"attachments[2].name=授权书\n"
		"attachmentsX[7].name=not a row of attachments\n", &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(pdf_data_get(d, "applicant.name"), "张三");
	CU_ASSERT_STRING_EQUAL(pdf_data_get(d, "note"), "第一行\n第二行");
	CU_ASSERT_EQUAL(pdf_data_rows(d, "attachments"), 3);
	CU_ASSERT_EQUAL(pdf_data_rows(d, "nothing"), 0);
	CU_ASSERT_TRUE(pdf_data_setf(d, "order.amount", "%d", 128050));
	CU_ASSERT_TRUE(pdf_data_set(d, "order.amount", "1"));
	CU_ASSERT_STRING_EQUAL(pdf_data_get(d, "order.amount"), "1");
	CU_ASSERT_FALSE(pdf_data_set(d, "", "x"));
	CU_ASSERT_EQUAL(pdf_data_parse(d, "ok=1\nno equals sign\n", &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "第 2 行"));
	pdf_data_free(d);
}

/* The renderer end to end, in memory: pages, flow, unprintable characters. */
static void test_render(void)
{
	struct layout *l;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(layout_parse("t",
		"page flow_top=20 flow_bottom=270\n"
		"text 15 10 \"申请人：{applicant.name}\"\n"
		"qr 170 5 20 \"{number}\"\n"
		"table 15 30 180 group=rows\n"
		"  col 20 \"序号\" \"{#}\"\n"
		"  col 160 \"名称\" \"{rows[].name}\"\n"
		"end\n"
		"text 15 285 w=180 align=center repeat \"第 {page} 页 共 {pages} 页\"\n",
		&l, &e), ST_OK);
	struct pdf_data *d = pdf_data_new();
	pdf_data_set(d, "applicant.name", "\xF0\xA0\xAE\xB7三");   /* U+20BB7 */
	pdf_data_set(d, "number", "FZ01-0001");
	for (int i = 0; i < 60; i++)
		pdf_data_set_row(d, "rows", i, "name", "营业执照副本复印件");
	struct pdf_engine *eng;
	CU_ASSERT_EQUAL_FATAL(pdf_engine_new(NULL, &eng, &e), ST_OK);
	struct pdf_job jobs[2] = { { l, d }, { l, d } };
	char *pdf;
	size_t len;
	struct pdf_result res;
	CU_ASSERT_EQUAL_FATAL(pdf_render_mem(eng, jobs, 2, &pdf, &len, &res, &e), ST_OK);
	CU_ASSERT_TRUE(len > 1000 && memcmp(pdf, "%PDF-", 5) == 0);
	CU_ASSERT_EQUAL(res.bytes, len);
	/* 60 rows of 7 mm do not fit in one sheet: 2 sheets per job */
	CU_ASSERT_EQUAL(res.pages, 4);
	CU_ASSERT_EQUAL(res.n_bad, 1);
	CU_ASSERT_EQUAL(res.bad[0].cp, 0x20BB7u);
	CU_ASSERT_TRUE(res.bad[0].outside_bmp);
	CU_ASSERT_STRING_EQUAL(res.bad[0].key, "applicant.name");
	char msg[256];
	pdf_result_bad_text(&res, msg, sizeof msg);
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "U+20BB7"));
	CU_ASSERT_PTR_NOT_NULL(strstr(msg, "applicant.name"));
	free(pdf);

	/* no jobs */
	CU_ASSERT_EQUAL(pdf_render_mem(eng, jobs, 0, &pdf, &len, &res, &e), ST_INVALID);
	pdf_engine_free(eng);
	pdf_data_free(d);
	layout_free(l);
}

void suite_layout(void)
{
	UNIT_SUITE("layout", NULL, NULL,
		   { "documents parse", test_documents_parse },
		   { "bad layouts name the line", test_bad_layouts },
		   { "parse details", test_parse_details },
		   { "keys", test_keys },
		   { "template expansion", test_expand },
		   { "money in figures and capitals", test_money },
		   { "line breaking", test_wrap },
		   { "data store", test_data },
		   { "render", test_render });
}
