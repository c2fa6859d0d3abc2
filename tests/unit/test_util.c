#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/status.h"
#include "util/utf8.h"
#include "util/uuid.h"

static void test_utf8_width(void)
{
	CU_ASSERT_EQUAL(utf8_width("abc"), 3);
	CU_ASSERT_EQUAL(utf8_width("张三"), 4);
	CU_ASSERT_EQUAL(utf8_width("深圳A"), 5);
	CU_ASSERT_EQUAL(utf8_width("，"), 2);       /* full-width comma */
	CU_ASSERT_EQUAL(utf8_width("e\xCC\x81"), 1); /* e + combining acute */
	CU_ASSERT_EQUAL(utf8_count("张三abc"), 5);
	CU_ASSERT_EQUAL(utf8_count("\xE5\xBC"), -1); /* truncated */
}

static void test_utf8_decode_rejects(void)
{
	uint32_t cp;
	CU_ASSERT_EQUAL(utf8_decode("\xC0\xAF", 2, &cp), 0u);     /* overlong '/' */
	CU_ASSERT_EQUAL(utf8_decode("\xED\xA0\x80", 3, &cp), 0u); /* surrogate */
	CU_ASSERT_EQUAL(utf8_decode("\xF4\x90\x80\x80", 4, &cp), 0u);
	CU_ASSERT_EQUAL(utf8_decode("\xF0\xA0\x80\x80", 4, &cp), 4u); /* U+20000 */
	CU_ASSERT_EQUAL(cp, 0x20000u);
	CU_ASSERT_FALSE(utf8_valid("a\0b", 3));
}

static void test_utf8_fit(void)
{
	char out[64];
	CU_ASSERT_EQUAL(utf8_fit("张三丰", 5, false, out, sizeof out), 4);
	CU_ASSERT_STRING_EQUAL(out, "张三");
	CU_ASSERT_EQUAL(utf8_fit("张三丰", 5, true, out, sizeof out), 5);
	CU_ASSERT_STRING_EQUAL(out, "张三…");
	CU_ASSERT_EQUAL(utf8_fit("张三", 4, true, out, sizeof out), 4);
	CU_ASSERT_STRING_EQUAL(out, "张三");
	utf8_fit("a\xFFz", 10, false, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "a?z");
}

static void test_utf8_trim(void)
{
	char s[] = "\xE3\x80\x80 张三 \t";
	CU_ASSERT_STRING_EQUAL(utf8_trim(s), "张三");
	char t[] = "   ";
	CU_ASSERT_STRING_EQUAL(utf8_trim(t), "");
}

static void test_buf_cap(void)
{
	struct buf b;
	buf_init(&b, 8);
	CU_ASSERT_TRUE(buf_adds(&b, "1234"));
	CU_ASSERT_TRUE(buf_printf(&b, "%d", 5678));
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "12345678");
	CU_ASSERT_FALSE(buf_addc(&b, '9')); /* over the cap: freed */
	CU_ASSERT_EQUAL(b.len, 0u);
	CU_ASSERT_STRING_EQUAL(buf_str(&b), "");
	buf_done(&b);

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		CU_ASSERT_TRUE(buf_printf(&b, "%04d", i));
	CU_ASSERT_EQUAL(b.len, 4000u);
	char *s = buf_steal(&b);
	CU_ASSERT_EQUAL(strncmp(s, "00000001", 8), 0);
	free(s);
}

static void test_uuid_v7_order(void)
{
	char prev[UUID_LEN + 1] = "", cur[UUID_LEN + 1];
	for (int i = 0; i < 5000; i++) {
		uuid_v7(cur);
		CU_ASSERT_TRUE_FATAL(uuid_valid(cur));
		CU_ASSERT_EQUAL(cur[14], '7');
		CU_ASSERT_TRUE(strchr("89ab", cur[19]) != NULL);
		CU_ASSERT_TRUE(strcmp(prev, cur) < 0);
		memcpy(prev, cur, sizeof cur);
	}
	CU_ASSERT_FALSE(uuid_valid("0192f3a4-0000-7000-8000-00000000000G"));
	CU_ASSERT_FALSE(uuid_valid("short"));
}

static void test_clock_parse(void)
{
	time_t t;
	char s[21];
	CU_ASSERT_TRUE(clock_parse_iso("2026-11-25T08:00:00Z", &t));
	clock_iso(t, s);
	CU_ASSERT_STRING_EQUAL(s, "2026-11-25T08:00:00Z");
	CU_ASSERT_TRUE(clock_parse_iso("2024-02-29", &t));
	CU_ASSERT_FALSE(clock_parse_iso("2023-02-29", &t));
	CU_ASSERT_FALSE(clock_parse_iso("2026-13-01", &t));
	CU_ASSERT_FALSE(clock_parse_iso("2026-11-25x", &t));

	setenv("CERTDESK_NOW", "2030-01-02T03:04:05Z", 1);
	clock_iso(clock_now(), s);
	CU_ASSERT_STRING_EQUAL(s, "2030-01-02T03:04:05Z");
	unsetenv("CERTDESK_NOW");
}

static void test_status_table(void)
{
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(err_set(&e, ST_NOT_FOUND, "找不到 %s", "X"), ST_NOT_FOUND);
	CU_ASSERT_STRING_EQUAL(err_text(&e), "找不到 X");
	err_status(&e, ST_DENIED);
	CU_ASSERT_STRING_EQUAL(err_text(&e), "无权执行此操作");
	/* A message may be re-wrapped with itself as the argument. */
	err_set(&e, ST_INVALID, "校验码错误");
	err_field(&e, "id_number", ST_INVALID, "身份证号：%s", e.msg);
	CU_ASSERT_STRING_EQUAL(e.msg, "身份证号：校验码错误");
	CU_ASSERT_STRING_EQUAL(e.field, "id_number");
	CU_ASSERT_EQUAL(status_from_code("not_found"), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(status_from_code("nonsense"), ST_INTERNAL);
	for (int i = 0; i < ST__COUNT; i++)
		CU_ASSERT_EQUAL(status_from_code(status_code((enum status)i)), (enum status)i);
}

void suite_util(void)
{
	UNIT_SUITE("util", NULL, NULL,
		   { "utf8 width", test_utf8_width },
		   { "utf8 decode rejects malformed", test_utf8_decode_rejects },
		   { "utf8 fit never cuts a character", test_utf8_fit },
		   { "utf8 trim", test_utf8_trim },
		   { "buf cap frees", test_buf_cap },
		   { "uuid v7 sorts in creation order", test_uuid_v7_order },
		   { "clock parse and pin", test_clock_parse },
		   { "status table round trip", test_status_table });
}
