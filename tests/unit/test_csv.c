/* The CSV reader and writer (util/csv.c): RFC 4180 quoting, line numbers,
 * refusals, caps, and a stream longer than the reader's buffer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/buf.h"
#include "util/csv.h"

static FILE *mem(const char *text, size_t n)
{
	return fmemopen((void *)text, n, "r");
}

/* A reader over a string literal (length given, so NUL bytes can be in it). */
struct fixture {
	FILE *f;
	struct csv_reader *r;
	struct err e;
};

static void open_text(struct fixture *x, const char *text, size_t n, size_t field_max,
		      size_t record_max)
{
	err_clear(&x->e);
	x->f = mem(text, n);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->f);
	x->r = csv_reader_new(x->f, field_max, record_max);
	CU_ASSERT_PTR_NOT_NULL_FATAL(x->r);
}
#define OPEN(x, lit) open_text(x, lit, sizeof lit - 1, 0, 0)

static void close_text(struct fixture *x)
{
	csv_reader_free(x->r);
	fclose(x->f);
}

/* Expect a record at `line` whose fields joined by '|' are `joined`. */
static void expect(struct fixture *x, long line, const char *joined)
{
	CU_ASSERT_EQUAL_FATAL(csv_read(x->r, &x->e), CSV_RECORD);
	struct buf b;
	buf_init(&b, 1 << 16);
	for (int i = 0; i < csv_count(x->r); i++) {
		if (i)
			buf_addc(&b, '|');
		buf_adds(&b, csv_field(x->r, i));
	}
	CU_ASSERT_STRING_EQUAL(buf_str(&b), joined);
	CU_ASSERT_EQUAL(csv_line(x->r), line);
	buf_done(&b);
}

/* Expect a refusal on `line` whose message contains `part`. */
static void expect_refusal(struct fixture *x, long line, const char *part)
{
	CU_ASSERT_EQUAL_FATAL(csv_read(x->r, &x->e), CSV_ERROR);
	CU_ASSERT_EQUAL(csv_line(x->r), line);
	CU_ASSERT_PTR_NOT_NULL(strstr(x->e.msg, part));
	/* The reader stays refused. */
	struct err again;
	CU_ASSERT_EQUAL(csv_read(x->r, &again), CSV_ERROR);
	CU_ASSERT_STRING_EQUAL(again.msg, x->e.msg);
}

static void test_plain_records(void)
{
	struct fixture x;
	OPEN(&x, "phone,name\r\n13812345678,张三\n13912345678,李四\r\n");
	expect(&x, 1, "phone|name");
	expect(&x, 2, "13812345678|张三");
	expect(&x, 3, "13912345678|李四");
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	CU_ASSERT_FALSE(csv_had_bom(x.r));
	close_text(&x);
}

static void test_bom_and_no_final_newline(void)
{
	struct fixture x;
	OPEN(&x, "\xEF\xBB\xBFphone,name\n1,\xE5\xBC\xA0");
	expect(&x, 1, "phone|name"); /* the BOM is not part of the first name */
	CU_ASSERT_STRING_EQUAL(csv_field(x.r, 0), "phone");
	CU_ASSERT_TRUE(csv_had_bom(x.r));
	expect(&x, 2, "1|张");
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	close_text(&x);
	/* A BOM alone is an empty file. */
	OPEN(&x, "\xEF\xBB\xBF");
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	close_text(&x);
}

static void test_quotes_and_embedded_newlines(void)
{
	struct fixture x;
	OPEN(&x, "a,\"深圳市福田区, 深南大道1号\",\"他说\"\"好\"\"\"\n"
		 "\"第一行\n第二行\",x\n"
		 "\"CR\r\nLF\",\"\"\n"
		 "last,\"\"\"\"\n");
	expect(&x, 1, "a|深圳市福田区, 深南大道1号|他说\"好\"");
	expect(&x, 2, "第一行\n第二行|x");
	expect(&x, 4, "CR\r\nLF|"); /* data is kept as it is, CRLF included */
	expect(&x, 6, "last|\"");
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	close_text(&x);
}

static void test_blank_lines_and_empty_fields(void)
{
	struct fixture x;
	OPEN(&x, "a,\n\r\n\n,b,\r\r\nc");
	expect(&x, 1, "a|");
	CU_ASSERT_EQUAL(csv_count(x.r), 2);
	expect(&x, 4, "|b|");
	CU_ASSERT_EQUAL(csv_count(x.r), 3);
	/* A lone CR ends a line too (old Mac files). */
	expect(&x, 6, "c");
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	close_text(&x);
}

static void test_invalid_utf8_names_its_line(void)
{
	struct fixture x;
	/* "张三" in GBK on line 3. */
	OPEN(&x, "phone,name\n13812345678,张三\n13912345678,\xD5\xC5\xC8\xFD\n13712345678,王五\n");
	expect(&x, 1, "phone|name");
	expect(&x, 2, "13812345678|张三");
	expect_refusal(&x, 3, "UTF-8");
	CU_ASSERT_EQUAL(x.e.st, ST_INVALID);
	close_text(&x);
	/* Inside a quoted field that spans lines: the line of the bad byte. */
	OPEN(&x, "h\n\"line2\nline3 \xFF\"\n");
	expect(&x, 1, "h");
	expect_refusal(&x, 3, "GBK");
	close_text(&x);
	/* A truncated sequence at the very end, and an overlong '/'. */
	OPEN(&x, "ok\n\xE5\xBC");
	expect(&x, 1, "ok");
	expect_refusal(&x, 2, "UTF-8");
	close_text(&x);
	OPEN(&x, "\xC0\xAF\n");
	expect_refusal(&x, 1, "UTF-8");
	close_text(&x);
}

static void test_utf16_refused(void)
{
	struct fixture x;
	OPEN(&x, "\xFF\xFEp\0h\0");
	expect_refusal(&x, 1, "UTF-16");
	close_text(&x);
	OPEN(&x, "a\nb\0c\n");
	expect(&x, 1, "a");
	expect_refusal(&x, 2, "NUL");
	close_text(&x);
}

static void test_bad_quoting_refused(void)
{
	struct fixture x;
	OPEN(&x, "a\nb\n\"open,\nstill open\n");
	expect(&x, 1, "a");
	expect(&x, 2, "b");
	expect_refusal(&x, 3, "没有结束");
	close_text(&x);
	OPEN(&x, "a\n张\"三\n");
	expect(&x, 1, "a");
	expect_refusal(&x, 2, "未加引号");
	close_text(&x);
	OPEN(&x, "\"a\nb\"c,d\n");
	expect_refusal(&x, 2, "右引号后面");
	close_text(&x);
}

static void test_caps(void)
{
	struct fixture x;
	static const char long_field[] = "ok\n123456789\n";
	open_text(&x, long_field, sizeof long_field - 1, 8, 0);
	expect(&x, 1, "ok");
	expect_refusal(&x, 2, "字段超过 8 字节");
	close_text(&x);
	/* Exactly at the cap is fine. */
	static const char at_cap[] = "12345678\n";
	open_text(&x, at_cap, sizeof at_cap - 1, 8, 0);
	expect(&x, 1, "12345678");
	close_text(&x);
	static const char long_record[] = "12345,67890,1\n";
	open_text(&x, long_record, sizeof long_record - 1, 0, 10);
	expect_refusal(&x, 1, "一条记录超过 10 字节");
	close_text(&x);
	/* Too many fields. */
	char many[CSV_FIELDS_MAX + 8];
	memset(many, ',', sizeof many - 1);
	many[sizeof many - 1] = '\0';
	open_text(&x, many, strlen(many), 0, 0);
	expect_refusal(&x, 1, "字段");
	close_text(&x);
}

static void test_read_error(void)
{
	/* Reading a directory fails (EISDIR): an I/O refusal, not the end. */
	FILE *f = fopen("/", "r");
	if (!f)
		return; /* some systems refuse to open it at all: nothing to read then */
	struct csv_reader *r = csv_reader_new(f, 0, 0);
	struct err e;
	CU_ASSERT_EQUAL(csv_read(r, &e), CSV_ERROR);
	CU_ASSERT_EQUAL(e.st, ST_IO);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "读取文件失败"));
	csv_reader_free(r);
	fclose(f);
}

/* Records longer in total than the reader's buffer, with multi-byte
 * characters and quoted newlines falling across its edges. */
static void test_long_stream(void)
{
	struct buf b;
	buf_init(&b, 1 << 22);
	for (int i = 0; i < 3000; i++)
		buf_printf(&b, "%d,张三丰%d,\"深圳市\n福田区 %d 号\"\r\n", i, i, i);
	struct fixture x;
	open_text(&x, buf_str(&b), b.len, 0, 0);
	char want[128];
	int n = 0;
	long line = 1;
	enum csv_result res;
	while ((res = csv_read(x.r, &x.e)) == CSV_RECORD) {
		snprintf(want, sizeof want, "张三丰%d", n);
		if (strcmp(csv_field(x.r, 1), want) != 0 || csv_line(x.r) != line ||
		    csv_count(x.r) != 3)
			break;
		snprintf(want, sizeof want, "深圳市\n福田区 %d 号", n);
		if (strcmp(csv_field(x.r, 2), want) != 0)
			break;
		n++;
		line += 2;
	}
	CU_ASSERT_EQUAL(res, CSV_END);
	CU_ASSERT_EQUAL(n, 3000);
	close_text(&x);
	buf_done(&b);
}

/* Write into memory and return the text (caller frees). */
static char *written(const char *const *fields, int n, unsigned flags, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	CU_ASSERT_TRUE(csv_write_record(f, fields, n, flags));
	fclose(f);
	return text;
}

static void test_write_quoting(void)
{
	size_t len;
	const char *plain[] = { "SQ-SZFT-01-20261125-0001", "张三", NULL, "2" };
	char *t = written(plain, 4, 0, &len);
	CU_ASSERT_STRING_EQUAL(t, "SQ-SZFT-01-20261125-0001,张三,,2\r\n");
	free(t);
	const char *tricky[] = { "a,b", "他说\"好\"", "两\n行", "回车\r" };
	t = written(tricky, 4, 0, &len);
	CU_ASSERT_STRING_EQUAL(t, "\"a,b\",\"他说\"\"好\"\"\",\"两\n行\",\"回车\r\"\r\n");
	free(t);
}

static void test_write_for_excel(void)
{
	size_t len;
	const char *f[] = { "110105194912310021", "050000", "13812345678", "2", "0",
			    "=HYPERLINK(\"x\")", "-1", "11010519491231002X", "518000" };
	char *t = written(f, 9, CSV_EXCEL, &len);
	CU_ASSERT_STRING_EQUAL(t, "\t110105194912310021,\t050000,13812345678,2,0,"
				  "\"'=HYPERLINK(\"\"x\"\")\",'-1,11010519491231002X,518000\r\n");
	free(t);
	char *text = NULL;
	FILE *m = open_memstream(&text, &len);
	CU_ASSERT_TRUE(csv_write_bom(m));
	fclose(m);
	CU_ASSERT_EQUAL(len, 3u);
	CU_ASSERT_EQUAL(memcmp(text, "\xEF\xBB\xBF", 3), 0);
	free(text);
}

/* What the writer writes, the reader reads back unchanged. */
static void test_round_trip(void)
{
	const char *rows[][4] = {
		{ "phone", "name", "address", "note" },
		{ "13812345678", "张三", "深圳市福田区, 深南大道1号", "他说\"好\"" },
		{ "13912345678", "欧阳娜娜", "第一行\r\n第二行", "" },
		{ "13712345678", "𠀀𠀁", ",", "\"" },
	};
	char *text = NULL;
	size_t len;
	FILE *w = open_memstream(&text, &len);
	csv_write_bom(w);
	for (int i = 0; i < 4; i++)
		CU_ASSERT_TRUE(csv_write_record(w, rows[i], 4, 0));
	fclose(w);
	struct fixture x;
	open_text(&x, text, len, 0, 0);
	for (int i = 0; i < 4; i++) {
		CU_ASSERT_EQUAL_FATAL(csv_read(x.r, &x.e), CSV_RECORD);
		CU_ASSERT_EQUAL(csv_count(x.r), 4);
		for (int j = 0; j < 4; j++)
			CU_ASSERT_STRING_EQUAL(csv_field(x.r, j), rows[i][j]);
	}
	CU_ASSERT_EQUAL(csv_line(x.r), 5); /* the quoted CRLF counts one line */
	CU_ASSERT_EQUAL(csv_read(x.r, &x.e), CSV_END);
	CU_ASSERT_TRUE(csv_had_bom(x.r));
	close_text(&x);
	free(text);
}

void suite_csv(void)
{
	UNIT_SUITE("csv", NULL, NULL,
		   { "plain records, CRLF and LF", test_plain_records },
		   { "BOM, no final newline", test_bom_and_no_final_newline },
		   { "quotes, commas and newlines in fields", test_quotes_and_embedded_newlines },
		   { "blank lines, empty fields, lone CR", test_blank_lines_and_empty_fields },
		   { "invalid UTF-8 refused with its line", test_invalid_utf8_names_its_line },
		   { "UTF-16 and NUL refused", test_utf16_refused },
		   { "bad quoting refused", test_bad_quoting_refused },
		   { "field, record and count caps", test_caps },
		   { "read error", test_read_error },
		   { "a stream longer than the buffer", test_long_stream },
		   { "writing: quoting and CRLF", test_write_quoting },
		   { "writing for Excel: long digits, formulas, BOM", test_write_for_excel },
		   { "round trip", test_round_trip });
}
