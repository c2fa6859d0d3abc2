#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "util/config.h"
#include "util/fs.h"

/* True when s contains sub. */
static bool has(const char *s, const char *sub)
{
	return s && strstr(s, sub) != NULL;
}

static void test_parse_values(void)
{
	struct config c;
	struct err e;
	err_clear(&e);
	const char *text =
		"\xEF\xBB\xBF# 短信网关\n"              /* BOM, then a comment */
		"sms.driver = http\r\n"                 /* CRLF */
		"   # an indented comment\n"
		"\n"
		"\t \n"
		"sms.url=https://sms.example.cn/v1/send?a=b&c=d#frag\n"
		"sms.token   =   abc#123  \n"           /* '#' inside a value is kept */
		"printer = 前台 打印机\xE3\x80\x80\n"     /* inner space kept, U+3000 trimmed */
		"scan.folder =\n"                       /* empty value */
		"sms.retries = 4";                      /* no final newline */
	CU_ASSERT_EQUAL_FATAL(config_parse("certdesk.conf", text, &c, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.driver", "file"), "http");
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.url", ""),
			       "https://sms.example.cn/v1/send?a=b&c=d#frag");
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.token", ""), "abc#123");
	CU_ASSERT_STRING_EQUAL(config_get(&c, "printer", ""), "前台 打印机");
	CU_ASSERT_STRING_EQUAL(config_get(&c, "scan.folder", "x"), "");
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.spool", "DEFAULT"), "DEFAULT");
	CU_ASSERT_PTR_NULL(config_get(&c, "sms.spool", NULL));
	CU_ASSERT_EQUAL(c.n, 6u);
	CU_ASSERT_EQUAL(c.nwarnings, 0u);
	long v = 0;
	CU_ASSERT_EQUAL(config_get_long(&c, "sms.retries", 2, 0, 10, &v, &e), ST_OK);
	CU_ASSERT_EQUAL(v, 4);
	CU_ASSERT_EQUAL(config_get_long(&c, "sms.timeout_ms", 5000, 1, 600000, &v, &e), ST_OK);
	CU_ASSERT_EQUAL(v, 5000);
	/* An override from the command line replaces the file's value. */
	CU_ASSERT_EQUAL(config_set(&c, "sms.driver", "file", &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.driver", ""), "file");
	CU_ASSERT_EQUAL(c.n, 6u);
	config_done(&c);
}

static void test_warnings(void)
{
	struct config c;
	struct err e;
	err_clear(&e);
	const char *text = "sms.driver = file\n"
			   "sms.colour = blue\n"
			   "printer = A\n"
			   "printer = B\n";
	CU_ASSERT_EQUAL_FATAL(config_parse("certdesk.conf", text, &c, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(c.nwarnings, 2u);
	CU_ASSERT_TRUE(has(c.warnings[0], "certdesk.conf 第 2 行"));
	CU_ASSERT_TRUE(has(c.warnings[0], "未知的设置项 sms.colour"));
	CU_ASSERT_TRUE(has(c.warnings[1], "第 4 行"));
	CU_ASSERT_TRUE(has(c.warnings[1], "printer 重复设置"));
	CU_ASSERT_TRUE(has(c.warnings[1], "第 3 行"));
	/* Unknown keys are ignored; the later duplicate wins. */
	CU_ASSERT_PTR_NULL(config_get(&c, "sms.colour", NULL));
	CU_ASSERT_STRING_EQUAL(config_get(&c, "printer", ""), "B");
	CU_ASSERT_EQUAL(e.st, ST_OK);
	config_done(&c);
}

/* Parse text that must fail; check the status and that the message holds
 * every one of the fragments given. */
static void bad(const char *text, const char *frag1, const char *frag2)
{
	struct config c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(config_parse("certdesk.conf", text, &c, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, frag1));
	CU_ASSERT_TRUE(!frag2 || has(e.msg, frag2));
	if (!has(e.msg, frag1) || (frag2 && !has(e.msg, frag2)))
		fprintf(stderr, "\n  message was: %s\n", e.msg);
	CU_ASSERT_EQUAL(c.n, 0u); /* nothing half-loaded */
	config_done(&c);
}

static void test_bad_lines(void)
{
	bad("sms.driver = file\n# ok\nprinter\n", "certdesk.conf 第 3 行", "缺少“=”");
	bad("\n\n\n\n = value\n", "第 5 行", "缺少设置项名称");
	bad("sms.driver = file\nSMS.url = x\n", "第 2 行", "SMS.url");
	bad("打印机 = 前台\n", "第 1 行", "只能用小写英文字母");
	bad("printer = ok\nprinter = \xE5\x89\x8D\xFF\n", "第 2 行", "UTF-8");
	bad("sms.driver = file\r\nprinter\r\n", "第 2 行", NULL); /* CRLF lines count too */
	bad("printer = a\rb\n", "第 1 行", "控制字符");   /* a lone CR is not a line end */
	bad("printer = \x1b[31m\n", "第 1 行", "控制字符");
}

static void test_get_long(void)
{
	struct config c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(config_parse("certdesk.conf",
					   "sms.retries = 11\nsms.timeout_ms = 5s\nprinter = -3\n",
					   &c, &e),
			      ST_OK);
	long v = 42;
	CU_ASSERT_EQUAL(config_get_long(&c, "sms.retries", 2, 0, 10, &v, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "第 1 行"));
	CU_ASSERT_TRUE(has(e.msg, "sms.retries 应为 0 到 10 之间的整数"));
	CU_ASSERT_EQUAL(v, 42);
	CU_ASSERT_EQUAL(config_get_long(&c, "sms.timeout_ms", 5000, 1, 600000, &v, &e),
			ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "第 2 行"));
	CU_ASSERT_EQUAL(config_get_long(&c, "printer", 0, -5, 5, &v, &e), ST_OK);
	CU_ASSERT_EQUAL(v, -3);
	config_set(&c, "sms.retries", "", &e);
	CU_ASSERT_EQUAL(config_get_long(&c, "sms.retries", 2, 0, 10, &v, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "设置项 sms.retries"));
	config_done(&c);
}

static void test_load_file(void)
{
	const char *base = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	char dir[512], path[600];
	snprintf(dir, sizeof dir, "%s/config.XXXXXX", base);
	CU_ASSERT_PTR_NOT_NULL_FATAL(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/certdesk.conf", dir);
	struct config c;
	struct err e;
	err_clear(&e);

	/* No file: every setting at its default. */
	CU_ASSERT_EQUAL(config_load(path, &c, &e), ST_OK);
	CU_ASSERT_EQUAL(c.n, 0u);
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.driver", "file"), "file");
	config_done(&c);

	const char *text = "# 本机设置\nsms.driver = http\nsms.url = http://127.0.0.1:1/x\n"
			   "bogus.key = 1\n";
	CU_ASSERT_EQUAL_FATAL(fs_write_atomic(path, text, strlen(text), &e), ST_OK);
	CU_ASSERT_EQUAL(config_load(path, &c, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(config_get(&c, "sms.driver", "file"), "http");
	CU_ASSERT_EQUAL_FATAL(c.nwarnings, 1u);
	CU_ASSERT_TRUE(has(c.warnings[0], "certdesk.conf 第 4 行"));
	config_done(&c);

	/* A NUL byte: not a text file, named by its line. */
	static const char nul[] = "printer = a\nprinter = b\0c\n";
	CU_ASSERT_EQUAL_FATAL(fs_write_atomic(path, nul, sizeof nul - 1, &e), ST_OK);
	CU_ASSERT_EQUAL(config_load(path, &c, &e), ST_INVALID);
	CU_ASSERT_TRUE(has(e.msg, "certdesk.conf 第 2 行"));
	config_done(&c);

	/* A directory in the file's place is an error, not "no settings". */
	unlink(path);
	CU_ASSERT_EQUAL_FATAL(fs_mkdir_p(path, &e), ST_OK);
	CU_ASSERT_EQUAL(config_load(path, &c, &e), ST_INVALID);
	config_done(&c);
	rmdir(path);
	rmdir(dir);
}

void suite_config(void)
{
	UNIT_SUITE("config", NULL, NULL,
		   { "values, comments, CRLF, BOM", test_parse_values },
		   { "unknown and repeated keys warn", test_warnings },
		   { "bad lines name their line", test_bad_lines },
		   { "integer settings", test_get_long },
		   { "load: missing file means defaults", test_load_file });
}
