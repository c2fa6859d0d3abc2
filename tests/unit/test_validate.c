/*
 * Input checks (src/model/validate.c). The valid ID numbers and credit codes
 * are published examples or were computed outside this program (an
 * independent Python implementation of ISO 7064 MOD 11-2 and MOD 31-3,
 * itself confirmed on the published examples); each is noted where used.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "model/staff.h"
#include "model/validate.h"
#include "util/status.h"

/* The check accepts v, also with a NULL err. */
#define GOOD(fn, v)                                         \
	do {                                                \
		struct err e_;                              \
		err_clear(&e_);                             \
		CU_ASSERT_TRUE(fn(v, &e_));                 \
		CU_ASSERT_EQUAL(e_.st, ST_OK);              \
		CU_ASSERT_TRUE(fn(v, NULL));                \
	} while (0)

/* The check refuses v as ST_INVALID with a message containing `needle`. */
#define BAD(fn, v, needle)                                  \
	do {                                                \
		struct err e_;                              \
		err_clear(&e_);                             \
		CU_ASSERT_FALSE(fn(v, &e_));                \
		CU_ASSERT_EQUAL(e_.st, ST_INVALID);         \
		CU_ASSERT_PTR_NOT_NULL(strstr(e_.msg, needle)); \
		CU_ASSERT_FALSE(fn(v, NULL));               \
	} while (0)

/* The check refuses v with exactly the message `want`. */
#define BAD_MSG(fn, v, want)                                \
	do {                                                \
		struct err e_;                              \
		err_clear(&e_);                             \
		CU_ASSERT_FALSE(fn(v, &e_));                \
		CU_ASSERT_STRING_EQUAL(e_.msg, want);       \
	} while (0)

/* ---- mobile ----------------------------------------------------------- */

static void test_mobile(void)
{
	GOOD(check_mobile, "13812345678");
	GOOD(check_mobile, "13012345678");
	GOOD(check_mobile, "19912345678");
	BAD_MSG(check_mobile, "", "请输入手机号");
	BAD(check_mobile, NULL, "请输入手机号");
	BAD_MSG(check_mobile, "1381234567", "手机号应为 11 位数字，输入了 10 位");
	BAD_MSG(check_mobile, "138123456789", "手机号应为 11 位数字，输入了 12 位");
	BAD_MSG(check_mobile, "12012345678", "手机号第 2 位应为 3 到 9");
	BAD_MSG(check_mobile, "11012345678", "手机号第 2 位应为 3 到 9");
	BAD_MSG(check_mobile, "23812345678", "手机号第 1 位应为 1");
	BAD_MSG(check_mobile, "1381234567a", "手机号只能包含数字");
	BAD_MSG(check_mobile, "138 1234 5678", "手机号只能包含数字");
	BAD_MSG(check_mobile, "138-1234-5678", "手机号只能包含数字");
	BAD(check_mobile, "+8613812345678", "+86");
	BAD(check_mobile, "１３８１２３４５６７８", "全角"); /* full-width digits */
	BAD(check_mobile, "手机13812345678", "只能包含数字");
}

/* ---- resident ID ------------------------------------------------------ */

static void test_id_valid(void)
{
	GOOD(check_id_number, "11010519491231002X"); /* GB 11643-1999 example */
	GOOD(check_id_number, "11010519491231002x"); /* lower-case x accepted */
	GOOD(check_id_number, "320106198503124510"); /* computed, check 0 */
	GOOD(check_id_number, "110101200002290018"); /* 2000-02-29: leap (div. by 400) */
	GOOD(check_id_number, "110101190001010014"); /* 1900-01-01: the first day allowed */
	GOOD(check_id_number, "440524198001010013"); /* computed */
}

static void test_id_check_char(void)
{
	BAD_MSG(check_id_number, "110105194912310021",
		"身份证号第 18 位校验码应为 X，输入的是 1，请逐位核对");
	BAD_MSG(check_id_number, "32010619850312451X",
		"身份证号第 18 位校验码应为 0，输入的是 X，请逐位核对");
	BAD(check_id_number, "32010619850312451x", "输入的是 X");
	BAD(check_id_number, "320106198503124511", "校验");
	/* Two adjacent digits swapped (…3124… -> …1324…): the date stays
	 * real, the check character catches it. */
	BAD(check_id_number, "320106198503214510", "校验");

	/* MOD 11-2 catches every single wrong digit; a changed date digit may
	 * be caught by the date rule first, but never slips through. */
	const char *v = "320106198503124510";
	for (int i = 0; i < 17; i++)
		for (char d = '0'; d <= '9'; d++) {
			if (d == v[i])
				continue;
			char t[19];
			memcpy(t, v, sizeof t);
			t[i] = d;
			CU_ASSERT_FALSE(check_id_number(t, NULL));
		}
}

static void test_id_birth_date(void)
{
	/* 1999 is not a leap year: Feb 29 does not exist. */
	BAD_MSG(check_id_number, "110101199902290018", "身份证号中的出生日期 1999-02-29 不存在");
	BAD(check_id_number, "110101199913010018", "1999-13-01 不存在");
	BAD(check_id_number, "110101199904310019", "1999-04-31 不存在");
	/* GB 11643-1999's own second example is born in 1880: its check
	 * character is right, but the program refuses births before 1900. */
	BAD_MSG(check_id_number, "440524188001010014", "身份证号中的出生日期 1880-01-01 早于 1900 年");
	BAD(check_id_number, "11010118991231001X", "早于 1900 年");
}

static void test_id_future_birth(void)
{
	char out[11];
	/* 08:00 in Beijing (the runner sets TZ=Asia/Shanghai). */
	setenv("CERTDESK_NOW", "2024-06-01T00:00:00Z", 1);
	GOOD(check_id_number, "110105202406010013"); /* born today */
	BAD_MSG(check_id_number, "110105202406020019", "身份证号中的出生日期 2024-06-02 晚于今天");
	CU_ASSERT_FALSE(id_number_birth("110105202406020019", out));
	/* "Today" is the local date: 17:00 UTC is already June 2 in Beijing. */
	setenv("CERTDESK_NOW", "2024-06-01T17:00:00Z", 1);
	GOOD(check_id_number, "110105202406020019");
	unsetenv("CERTDESK_NOW");
	GOOD(check_id_number, "110105202406020019"); /* the real clock is later */
}

static void test_id_shape(void)
{
	BAD_MSG(check_id_number, "", "请输入身份证号");
	BAD(check_id_number, NULL, "请输入身份证号");
	BAD(check_id_number, "110105491231002", "18 位"); /* old 15-digit number */
	BAD(check_id_number, "110105491231002", "15 位");
	BAD_MSG(check_id_number, "11010519491231002", "身份证号应为 18 位，输入了 17 位");
	BAD_MSG(check_id_number, "11010519491231002X1", "身份证号应为 18 位，输入了 19 位");
	BAD_MSG(check_id_number, "1101051949123100X2", "身份证号第 17 位应为数字，输入的是 X");
	BAD_MSG(check_id_number, "110105 94912310021", "身份证号第 7 位应为数字，输入的是空格");
	BAD_MSG(check_id_number, "11010519491231002Y", "身份证号第 18 位应为数字或 X，输入的是 Y");
	BAD(check_id_number, "１１０１０５１９４９１２３１００２Ｘ", "全角");
	BAD(check_id_number, "11010519491231002Ⅹ", "只能包含数字和 X"); /* Roman numeral ten */
	/* Check character right for its digits, but no region code starts with 0. */
	BAD(check_id_number, "010105194912310026", "地区码");
}

static void test_id_helpers(void)
{
	char s[] = "11010519491231002x";
	id_number_normalize(s);
	CU_ASSERT_STRING_EQUAL(s, "11010519491231002X");
	char t[] = "x";
	id_number_normalize(t);
	CU_ASSERT_STRING_EQUAL(t, "x");
	id_number_normalize(NULL);

	char out[11] = "unchanged";
	CU_ASSERT_TRUE(id_number_birth("11010519491231002x", out));
	CU_ASSERT_STRING_EQUAL(out, "1949-12-31");
	CU_ASSERT_TRUE(id_number_birth("110101200002290018", out));
	CU_ASSERT_STRING_EQUAL(out, "2000-02-29");
	strcpy(out, "unchanged");
	CU_ASSERT_FALSE(id_number_birth("110101199902290018", out));
	CU_ASSERT_FALSE(id_number_birth("110105194912310021", out));
	CU_ASSERT_FALSE(id_number_birth("", out));
	CU_ASSERT_STRING_EQUAL(out, "unchanged");
}

/* ---- unified social credit code --------------------------------------- */

static void test_credit_valid(void)
{
	GOOD(check_credit_code, "91350100M000100Y43"); /* GB 32100-2015 example */
	GOOD(check_credit_code, "12440300MB2C92173E"); /* public-institution code, computed */
	GOOD(check_credit_code, "51110000MJ00000006"); /* computed: 民政 / 社会团体 */
	GOOD(check_credit_code, "31110000MA0000000P"); /* computed: 司法行政 / 律师执业机构 */
	GOOD(check_credit_code, "A1110000MB0000000J"); /* computed: 军队事业单位 */
	GOOD(check_credit_code, "N2330100MA0000000U"); /* computed: 村级集体经济组织 */
	GOOD(check_credit_code, "Y1110000MA0000000U"); /* computed: 其他 */
	GOOD(check_credit_code, "92350100MA0000000H"); /* computed: 个体工商户 */
	GOOD(check_credit_code, "93350100MA0000000E"); /* computed: 农民专业合作社 */
	/* 31 - (sum mod 31) = 31 must give check character 0 ... */
	GOOD(check_credit_code, "91110108MA00000070");
	/* ... and 30 the last letter of the alphabet, Y. */
	GOOD(check_credit_code, "91110108MA0000026Y");
}

static void test_credit_check_char(void)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
	BAD_MSG(check_credit_code, "91350100M000100Y44",
		"统一社会信用代码第 18 位校验码应为 3，输入的是 4，请逐位核对");
	BAD(check_credit_code, "91110108MA0000007Y", "应为 0，输入的是 Y");
	BAD(check_credit_code, "91350100M000010Y43", "校验"); /* 10 -> 01 swapped */

	/* MOD 31-3 catches every single wrong character of positions 3-17
	 * (positions 1 and 2 are also held by the authority/type table). */
	const char *v = "91350100M000100Y43";
	for (int i = 0; i < 17; i++)
		for (const char *a = alphabet; *a; a++) {
			if (*a == v[i])
				continue;
			char t[19];
			memcpy(t, v, sizeof t);
			t[i] = *a;
			CU_ASSERT_FALSE(check_credit_code(t, NULL));
		}
}

static void test_credit_letters(void)
{
	/* I O Z S V at several positions: the message names both. */
	BAD_MSG(check_credit_code, "91350100I000100Y43",
		"统一社会信用代码第 9 位不能是字母 I（代码中不使用 I、O、Z、S、V）");
	BAD(check_credit_code, "91350100MO00100Y43", "第 10 位不能是字母 O");
	BAD(check_credit_code, "91350100M000100Z43", "第 16 位不能是字母 Z");
	BAD(check_credit_code, "S1350100M000100Y43", "第 1 位不能是字母 S");
	BAD(check_credit_code, "91350100M000100Y4V", "第 18 位不能是字母 V");
	/* Lower case: a hint to use capitals, at the first lower-case letter. */
	BAD_MSG(check_credit_code, "91350100m000100y43",
		"统一社会信用代码请用大写字母，第 9 位输入的是小写 m");
	BAD(check_credit_code, "91350100M000100y43", "第 16 位输入的是小写 y");
	BAD(check_credit_code, "91350100M000100Y4-", "第 18 位只能是数字或大写字母，输入的是 -");
	BAD(check_credit_code, "９１３５０１００Ｍ０００１００Ｙ４３", "全角");
	BAD(check_credit_code, "91350100M000100Y4号", "只能包含数字和大写字母");
}

static void test_credit_structure(void)
{
	BAD_MSG(check_credit_code, "", "请输入统一社会信用代码");
	BAD(check_credit_code, NULL, "请输入统一社会信用代码");
	BAD_MSG(check_credit_code, "91350100M000100Y4", "统一社会信用代码应为 18 位，输入了 17 位");
	BAD(check_credit_code, "91350100M000100Y433", "输入了 19 位");
	BAD(check_credit_code, "350100M00", "输入了 9 位"); /* an old organisation code */
	/* Check characters right (computed), the code tables wrong. */
	BAD_MSG(check_credit_code, "B1110000MA0000000F",
		"统一社会信用代码第 1 位登记管理部门代码应为 1 到 9、A、N 或 Y，输入的是 B");
	BAD_MSG(check_credit_code, "94350100M000100Y4R",
		"统一社会信用代码第 2 位机构类别代码应为 1、2、3 之一，输入的是 4");
	BAD_MSG(check_credit_code, "Y2110000MA0000000Q",
		"统一社会信用代码第 2 位机构类别代码应为 1，输入的是 2");
	BAD(check_credit_code, "9135A100M000100Y4Y", "第 5 位应为数字");
	BAD(check_credit_code, "9135A100M000100Y4Y", "行政区划码");
}

/* ---- e-mail, postal code, date ---------------------------------------- */

static void test_email(void)
{
	GOOD(check_email, "zhang.san@example.com");
	GOOD(check_email, "li_si+ca@mail.example.com.cn");
	GOOD(check_email, "a@b.cn");
	GOOD(check_email, "wang@xn--fiqs8s.xn--fiqs8s"); /* IDN domain in ASCII form */
	BAD_MSG(check_email, "", "请输入电子邮箱");
	BAD(check_email, "zhang.example.com", "缺少 @");
	BAD(check_email, "a@b@example.com", "只能有一个 @");
	BAD(check_email, "@example.com", "@ 前面不能为空");
	BAD(check_email, "zhang@", "缺少域名");
	BAD(check_email, "zhang@localhost", "域名不完整");
	BAD(check_email, "zhang@example..com", "域名格式不正确");
	BAD(check_email, "zhang@-example.com", "域名格式不正确");
	BAD(check_email, "zhang@example.c", "域名格式不正确");
	BAD(check_email, "zhang@example.123", "域名格式不正确");
	BAD(check_email, "zhang@exa_mple.com", "域名格式不正确");
	BAD(check_email, ".zhang@example.com", "点");
	BAD(check_email, "zhang.@example.com", "点");
	BAD(check_email, "zh..ang@example.com", "点");
	BAD(check_email, "zhang san@example.com", "空格");
	BAD(check_email, "zhang(san)@example.com", "不能包含 (");
	BAD(check_email, "zhang＠example.com", "半角"); /* full-width @ */
	BAD(check_email, "张三@example.com", "只能包含英文字母");

	char local[66], longer[300];
	memset(local, 'a', 65);
	local[65] = '\0';
	strcpy(longer, local);
	strcat(longer, "@example.com");
	BAD(check_email, longer, "64");
	memset(longer, 'a', 255);
	longer[255] = '\0';
	longer[10] = '@';
	BAD(check_email, longer, "254");
}

static void test_postal_code(void)
{
	GOOD(check_postal_code, "100000");
	GOOD(check_postal_code, "518000");
	BAD_MSG(check_postal_code, "", "请输入邮政编码");
	BAD_MSG(check_postal_code, "10000", "邮政编码应为 6 位数字，输入了 5 位");
	BAD(check_postal_code, "1000000", "输入了 7 位");
	BAD_MSG(check_postal_code, "10000A", "邮政编码只能包含数字");
	BAD(check_postal_code, "１０００００", "全角");
}

static void test_date(void)
{
	GOOD(check_date, "2026-11-25");
	GOOD(check_date, "2024-02-29");
	GOOD(check_date, "2000-02-29");
	GOOD(check_date, "1999-12-31");
	BAD_MSG(check_date, "", "请输入日期");
	BAD_MSG(check_date, "2023-02-29", "日期 2023-02-29 不存在");
	BAD(check_date, "1900-02-29", "不存在"); /* divisible by 100, not by 400 */
	BAD(check_date, "2026-04-31", "不存在");
	BAD(check_date, "2026-13-01", "不存在");
	BAD(check_date, "2026-00-10", "不存在");
	BAD(check_date, "2026-01-00", "不存在");
	BAD(check_date, "2026/11/25", "YYYY-MM-DD");
	BAD(check_date, "2026-1-5", "YYYY-MM-DD");
	BAD(check_date, "20261125", "YYYY-MM-DD");
	BAD(check_date, "2026-11-25T08:00", "YYYY-MM-DD");
	BAD(check_date, "２０２６-11-25", "全角");
}

/* ---- money ------------------------------------------------------------ */

/* parse_amount_fen accepts s as `want` fen. */
#define FEN(s, want)                                                 \
	do {                                                         \
		long long f_ = -1;                                   \
		CU_ASSERT_TRUE(parse_amount_fen(s, &f_, NULL));      \
		CU_ASSERT_EQUAL(f_, want);                           \
		CU_ASSERT_TRUE(check_amount(s, NULL));               \
	} while (0)

static void test_amount_good(void)
{
	FEN("0", 0);
	FEN("0.01", 1);
	FEN("12.3", 1230);
	FEN("12.30", 1230);
	FEN("1280", 128000);
	FEN("1280.5", 128050);
	FEN("1,280.50", 128050);
	FEN("999", 99900);
	FEN("1,234,567.89", 123456789);
	FEN("100000000", 10000000000LL);
	FEN("100,000,000.00", 10000000000LL);
	FEN("99,999,999.99", 9999999999LL);
	GOOD(check_amount, "1,000");
}

static void test_amount_bad(void)
{
	BAD_MSG(check_amount, "", "请输入金额");
	BAD(check_amount, "0.005", "两位小数");
	BAD(check_amount, "1.500", "两位小数");
	BAD_MSG(check_amount, "-1", "金额不能为负数");
	BAD(check_amount, "-0.01", "负数");
	BAD(check_amount, "1,00", "千位分隔符");
	BAD(check_amount, "1,0000", "千位分隔符");
	BAD(check_amount, "1234,567", "千位分隔符");
	BAD(check_amount, "12,345,67", "千位分隔符");
	BAD(check_amount, ",123", "千位分隔符");
	BAD(check_amount, "123,", "千位分隔符");
	BAD(check_amount, "0,123", "千位分隔符");
	BAD(check_amount, "1,,000", "千位分隔符");
	BAD(check_amount, "1.2,5", "小数点后只能是数字");
	BAD_MSG(check_amount, "100000000.01", "金额不能超过 100,000,000 元");
	BAD(check_amount, "100,000,001", "不能超过");
	BAD(check_amount, "99999999999999999999999999", "不能超过"); /* no overflow */
	BAD(check_amount, "12.", "小数点后应有数字");
	BAD(check_amount, ".5", "小数点前应有数字");
	BAD(check_amount, "1.2.3", "一个小数点");
	BAD(check_amount, "1e5", "只能包含数字");
	BAD(check_amount, "+5", "只能包含数字");
	BAD(check_amount, "12 元", "只能包含数字");
	BAD(check_amount, "¥100", "只能包含数字");
	BAD(check_amount, "１２８０", "全角");
	BAD(check_amount, "1，280", "全角"); /* full-width comma */

	long long fen = 42;
	CU_ASSERT_FALSE(parse_amount_fen("0.005", &fen, NULL));
	CU_ASSERT_EQUAL(fen, 42); /* untouched on failure */
}

static void test_format_fen(void)
{
	char out[32];
	format_fen(0, out);
	CU_ASSERT_STRING_EQUAL(out, "0.00");
	format_fen(5, out);
	CU_ASSERT_STRING_EQUAL(out, "0.05");
	format_fen(50, out);
	CU_ASSERT_STRING_EQUAL(out, "0.50");
	format_fen(128050, out);
	CU_ASSERT_STRING_EQUAL(out, "1,280.50");
	format_fen(99999, out);
	CU_ASSERT_STRING_EQUAL(out, "999.99");
	format_fen(100000, out);
	CU_ASSERT_STRING_EQUAL(out, "1,000.00");
	format_fen(10000000000LL, out);
	CU_ASSERT_STRING_EQUAL(out, "100,000,000.00");
	format_fen(-5, out);
	CU_ASSERT_STRING_EQUAL(out, "-0.05");
	format_fen(-128050, out);
	CU_ASSERT_STRING_EQUAL(out, "-1,280.50");
	format_fen(-100000, out);
	CU_ASSERT_STRING_EQUAL(out, "-1,000.00");
	format_fen(LLONG_MAX, out);
	CU_ASSERT_STRING_EQUAL(out, "92,233,720,368,547,758.07");
	format_fen(LLONG_MIN, out);
	CU_ASSERT_STRING_EQUAL(out, "-92,233,720,368,547,758.08");

	/* What format_fen writes, parse_amount_fen reads back. */
	static const long long round[] = { 0, 1, 99, 100, 123456789, 10000000000LL };
	for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
		long long back = -1;
		format_fen(round[i], out);
		CU_ASSERT_TRUE(parse_amount_fen(out, &back, NULL));
		CU_ASSERT_EQUAL(back, round[i]);
	}
}

/* ---- masks, lookup ---------------------------------------------------- */

static void test_masks(void)
{
	char out[32];
	mask_mobile("13812345678", out);
	CU_ASSERT_STRING_EQUAL(out, "138****5678");
	mask_mobile("1381234567", out);
	CU_ASSERT_STRING_EQUAL(out, "****");
	mask_mobile("1381234567a", out);
	CU_ASSERT_STRING_EQUAL(out, "****");
	mask_mobile(NULL, out);
	CU_ASSERT_STRING_EQUAL(out, "****");

	mask_id_number("110101199003071234", out);
	CU_ASSERT_STRING_EQUAL(out, "110101********1234");
	mask_id_number("11010519491231002x", out);
	CU_ASSERT_STRING_EQUAL(out, "110105********002X");
	mask_id_number("110105491231002", out);
	CU_ASSERT_STRING_EQUAL(out, "****");
	mask_id_number("11010519491231002Y", out);
	CU_ASSERT_STRING_EQUAL(out, "****");
	mask_id_number("", out);
	CU_ASSERT_STRING_EQUAL(out, "****");
	mask_id_number(NULL, out);
	CU_ASSERT_STRING_EQUAL(out, "****");
}

static void test_check_by_name(void)
{
	CU_ASSERT_PTR_EQUAL(check_by_name("mobile"), check_mobile);
	CU_ASSERT_PTR_EQUAL(check_by_name("id_number"), check_id_number);
	CU_ASSERT_PTR_EQUAL(check_by_name("credit_code"), check_credit_code);
	CU_ASSERT_PTR_EQUAL(check_by_name("email"), check_email);
	CU_ASSERT_PTR_EQUAL(check_by_name("postal_code"), check_postal_code);
	CU_ASSERT_PTR_EQUAL(check_by_name("date"), check_date);
	CU_ASSERT_PTR_EQUAL(check_by_name("amount"), check_amount);
	CU_ASSERT_PTR_EQUAL(check_by_name("username"), check_username);
	CU_ASSERT_PTR_EQUAL(check_by_name("staff_password"), check_staff_password);
	CU_ASSERT_PTR_EQUAL(check_by_name("office_code"), check_office_code);
	CU_ASSERT_PTR_EQUAL(check_by_name("name"), check_name);
	CU_ASSERT_PTR_NULL(check_by_name("Mobile"));
	CU_ASSERT_PTR_NULL(check_by_name("phone"));
	CU_ASSERT_PTR_NULL(check_by_name(""));
	CU_ASSERT_PTR_NULL(check_by_name(NULL));

	check_fn f = check_by_name("id_number");
	CU_ASSERT_TRUE(f("11010519491231002X", NULL));
}

void suite_validate(void)
{
	UNIT_SUITE("validate", NULL, NULL,
		   { "mobile", test_mobile },
		   { "id number: valid vectors", test_id_valid },
		   { "id number: check character", test_id_check_char },
		   { "id number: birth date exists, from 1900", test_id_birth_date },
		   { "id number: birth not after today (pinned clock)", test_id_future_birth },
		   { "id number: length and characters", test_id_shape },
		   { "id number: normalize and birth", test_id_helpers },
		   { "credit code: valid vectors", test_credit_valid },
		   { "credit code: check character", test_credit_check_char },
		   { "credit code: letters and case", test_credit_letters },
		   { "credit code: length and code tables", test_credit_structure },
		   { "e-mail", test_email },
		   { "postal code", test_postal_code },
		   { "date", test_date },
		   { "amount: accepted", test_amount_good },
		   { "amount: refused", test_amount_bad },
		   { "format fen", test_format_fen },
		   { "masks", test_masks },
		   { "check by name", test_check_by_name });
}
