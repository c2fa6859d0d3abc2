#include "model/validate.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/party.h"
#include "model/staff.h"
#include "util/clock.h"
#include "util/utf8.h"

/* 100,000,000 yuan: the largest amount a form accepts. */
#define AMOUNT_MAX_YUAN 100000000LL
#define AMOUNT_MAX_FEN (AMOUNT_MAX_YUAN * 100)

/* ---- helpers ---------------------------------------------------------- */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return true;
}

/* Two digits at s as a number; the caller has checked they are digits. */
static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* True when s holds a full-width form (U+FF01..U+FF5E) or an ideographic
 * space: the clerk's input method is in full-width mode. */
static bool has_fullwidth(const char *s)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t k = utf8_decode(s + i, n - i, &cp);
		if (k == 0) {
			i++;
			continue;
		}
		if ((cp >= 0xFF01 && cp <= 0xFF5E) || cp == 0x3000)
			return true;
		i += k;
	}
	return false;
}

/* Refuses a value that is not plain ASCII. `what` names the field, `allowed`
 * finishes the sentence for a value that is not merely full-width. After
 * this, bytes are characters, so lengths and positions in messages hold. */
static bool require_ascii(const char *s, const char *what, const char *allowed, struct err *e)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p >= 0x80) {
			if (has_fullwidth(s))
				return err_set(e, ST_INVALID, "%s含全角字符，请切换到半角输入", what), false;
			return err_set(e, ST_INVALID, "%s%s", what, allowed), false;
		}
	return true;
}

/* How a message names the ASCII character c after "输入的是": " A" when
 * visible, else a word ("空格"). */
static const char *char_desc(char c, char buf[3])
{
	if (c == ' ')
		return "空格";
	if (!isgraph((unsigned char)c))
		return "不可见字符";
	buf[0] = ' ';
	buf[1] = c;
	buf[2] = '\0';
	return buf;
}

static bool leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static bool date_exists(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap_year(y));
}

/* ---- mobile ----------------------------------------------------------- */

bool check_mobile(const char *s, struct err *e)
{
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入手机号"), false;
	if (!require_ascii(s, "手机号", "只能包含数字", e))
		return false;
	if (strncmp(s, "+86", 3) == 0)
		return err_set(e, ST_INVALID, "手机号不用加 +86，请只填 11 位号码"), false;
	size_t n = strlen(s);
	if (!all_digits(s, n))
		return err_set(e, ST_INVALID, "手机号只能包含数字"), false;
	if (n != 11)
		return err_set(e, ST_INVALID, "手机号应为 11 位数字，输入了 %zu 位", n), false;
	if (s[0] != '1')
		return err_set(e, ST_INVALID, "手机号第 1 位应为 1"), false;
	if (s[1] < '3')
		return err_set(e, ST_INVALID, "手机号第 2 位应为 3 到 9"), false;
	return true;
}

/* ---- resident ID (GB 11643-1999) -------------------------------------- */

/* 18 characters: 17 digits, then a digit or X/x. Says nothing of the date
 * or the check character. */
static bool id_shape(const char *s)
{
	return s && strlen(s) == 18 && all_digits(s, 17) &&
	       (is_digit(s[17]) || s[17] == 'X' || s[17] == 'x');
}

/* ISO 7064 MOD 11-2 over the 17 digits at s. */
static char id_check_char(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

/* Today's local date as YYYYMMDD; clock_now() lets tests pin it. */
static long today_ymd(void)
{
	char ymd[9];
	clock_local_ymd(clock_now(), ymd);
	return strtol(ymd, NULL, 10);
}

bool check_id_number(const char *s, struct err *e)
{
	char cb[3];
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入身份证号"), false;
	if (!require_ascii(s, "身份证号", "只能包含数字和 X", e))
		return false;
	size_t n = strlen(s);
	if (n == 15 && all_digits(s, n))
		return err_set(e, ST_INVALID, "这是 15 位的旧身份证号，请输入 18 位的新号码"), false;
	if (n != 18)
		return err_set(e, ST_INVALID, "身份证号应为 18 位，输入了 %zu 位", n), false;
	for (int i = 0; i < 17; i++)
		if (!is_digit(s[i]))
			return err_set(e, ST_INVALID, "身份证号第 %d 位应为数字，输入的是%s",
				       i + 1, char_desc(s[i], cb)), false;
	if (!id_shape(s))
		return err_set(e, ST_INVALID, "身份证号第 18 位应为数字或 X，输入的是%s",
			       char_desc(s[17], cb)), false;
	if (s[0] == '0')
		return err_set(e, ST_INVALID, "身份证号前 6 位是地区码，不能以 0 开头"), false;

	int y = num2(s + 6) * 100 + num2(s + 8), m = num2(s + 10), d = num2(s + 12);
	if (!date_exists(y, m, d))
		return err_set(e, ST_INVALID, "身份证号中的出生日期 %04d-%02d-%02d 不存在", y, m, d), false;
	if (y < 1900)
		return err_set(e, ST_INVALID, "身份证号中的出生日期 %04d-%02d-%02d 早于 1900 年", y, m, d), false;
	if ((long)y * 10000 + m * 100 + d > today_ymd())
		return err_set(e, ST_INVALID, "身份证号中的出生日期 %04d-%02d-%02d 晚于今天", y, m, d), false;

	char want = id_check_char(s);
	char got = (char)toupper((unsigned char)s[17]);
	if (got != want)
		return err_set(e, ST_INVALID, "身份证号第 18 位校验码应为 %c，输入的是 %c，请逐位核对",
			       want, got), false;
	return true;
}

void id_number_normalize(char *s)
{
	if (s && strlen(s) == 18 && s[17] == 'x')
		s[17] = 'X';
}

bool id_number_birth(const char *s, char out[11])
{
	if (!check_id_number(s, NULL))
		return false;
	snprintf(out, 11, "%.4s-%.2s-%.2s", s + 6, s + 10, s + 12);
	return true;
}

/* ---- unified social credit code (GB 32100-2015) ----------------------- */

/* The 31 characters of the code, in check-value order. */
static const char credit_alphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";

/*
 * Registration authority code (position 1) and the organisation type codes
 * (position 2) each authority may use. GB 32100-2015 itself lists 1, 5, 9
 * and Y; the code authority (全国组织机构统一社会信用代码数据服务中心) has
 * since assigned the others. A new assignment is one line here.
 */
static const struct {
	char authority;
	const char *types;
} credit_kinds[] = {
	{ '1', "1239" },   /* 机构编制: 机关, 事业单位, 编办直管群众团体, 其他 */
	{ '2', "19" },     /* 外交: 外国常驻新闻机构, 其他 */
	{ '3', "123459" }, /* 司法行政: 律所, 公证处, 基层法律服务所, 司法鉴定, 仲裁委, 其他 */
	{ '4', "19" },     /* 文化: 外国在华文化中心, 其他 */
	{ '5', "1239" },   /* 民政: 社会团体, 民办非企业单位, 基金会, 其他 */
	{ '6', "129" },    /* 旅游: 外国及港澳台旅游部门常驻代表机构, 其他 */
	{ '7', "129" },    /* 宗教: 宗教活动场所, 宗教院校, 其他 */
	{ '8', "19" },     /* 工会: 基层工会, 其他 */
	{ '9', "123" },    /* 工商: 企业, 个体工商户, 农民专业合作社 */
	{ 'A', "19" },     /* 中央军委改革和编制办公室: 军队事业单位, 其他 */
	{ 'N', "1239" },   /* 农业: 组级, 村级, 乡镇级集体经济组织, 其他 */
	{ 'Y', "1" },      /* 其他 */
};

/* ISO 7064 MOD 31-3 over the 17 characters at s (all in the alphabet). */
static char credit_check_char(const char *s)
{
	static const int w[17] = { 1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28 };
	int sum = 0;
	for (int i = 0; i < 17; i++)
		sum += (int)(strchr(credit_alphabet, s[i]) - credit_alphabet) * w[i];
	int c = 31 - sum % 31;
	return credit_alphabet[c == 31 ? 0 : c];
}

/* Refuses position i (0-based) unless it holds a character of the alphabet. */
static bool credit_char_ok(const char *s, int i, struct err *e)
{
	char c = s[i], cb[3];
	if (c != '\0' && strchr(credit_alphabet, c))
		return true;
	if (islower((unsigned char)c))
		return err_set(e, ST_INVALID, "统一社会信用代码请用大写字母，第 %d 位输入的是小写 %c",
			       i + 1, c), false;
	if (c != '\0' && strchr("IOZSV", c))
		return err_set(e, ST_INVALID, "统一社会信用代码第 %d 位不能是字母 %c（代码中不使用 I、O、Z、S、V）",
			       i + 1, c), false;
	return err_set(e, ST_INVALID, "统一社会信用代码第 %d 位只能是数字或大写字母，输入的是%s",
		       i + 1, char_desc(c, cb)), false;
}

bool check_credit_code(const char *s, struct err *e)
{
	char cb[3];
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入统一社会信用代码"), false;
	if (!require_ascii(s, "统一社会信用代码", "只能包含数字和大写字母", e))
		return false;
	size_t n = strlen(s);
	if (n != 18)
		return err_set(e, ST_INVALID, "统一社会信用代码应为 18 位，输入了 %zu 位", n), false;
	for (int i = 0; i < 18; i++)
		if (!credit_char_ok(s, i, e))
			return false;

	const char *types = NULL;
	for (size_t k = 0; k < sizeof credit_kinds / sizeof credit_kinds[0]; k++)
		if (credit_kinds[k].authority == s[0])
			types = credit_kinds[k].types;
	if (!types)
		return err_set(e, ST_INVALID, "统一社会信用代码第 1 位登记管理部门代码应为 1 到 9、A、N 或 Y，输入的是 %c",
			       s[0]), false;
	if (!strchr(types, s[1])) {
		char list[32] = "";
		size_t len = 0;
		for (const char *t = types; *t; t++)
			len += (size_t)snprintf(list + len, sizeof list - len, "%s%c", t == types ? "" : "、", *t);
		return err_set(e, ST_INVALID, "统一社会信用代码第 2 位机构类别代码应为 %s%s，输入的是 %c",
			       list, types[1] ? " 之一" : "", s[1]), false;
	}
	for (int i = 2; i < 8; i++)
		if (!is_digit(s[i]))
			return err_set(e, ST_INVALID, "统一社会信用代码第 3 到 8 位是行政区划码，第 %d 位应为数字，输入的是%s",
				       i + 1, char_desc(s[i], cb)), false;

	char want = credit_check_char(s);
	if (s[17] != want)
		return err_set(e, ST_INVALID, "统一社会信用代码第 18 位校验码应为 %c，输入的是 %c，请逐位核对",
			       want, s[17]), false;
	return true;
}

/* ---- e-mail ----------------------------------------------------------- */

static bool email_local_char(char c)
{
	return isalnum((unsigned char)c) || (c != '\0' && strchr("!#$%&'*+/=?^_`{|}~-.", c));
}

/* A domain of at least two dot-separated labels of letters, digits and
 * inner hyphens, each 1-63 bytes; the last is 2+ letters or an IDN "xn--". */
static bool email_domain_ok(const char *d)
{
	const char *label = d;
	int labels = 0;
	for (;;) {
		size_t len = strcspn(label, ".");
		if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
			return false;
		for (size_t i = 0; i < len; i++)
			if (!isalnum((unsigned char)label[i]) && label[i] != '-')
				return false;
		labels++;
		if (label[len] == '\0') {
			bool alpha = len >= 2;
			for (size_t i = 0; i < len; i++)
				alpha &= isalpha((unsigned char)label[i]) != 0;
			return labels >= 2 && (alpha || strncmp(label, "xn--", 4) == 0);
		}
		label += len + 1;
	}
}

bool check_email(const char *s, struct err *e)
{
	char cb[3];
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入电子邮箱"), false;
	if (strstr(s, "\xEF\xBC\xA0")) /* U+FF20 full-width @ */
		return err_set(e, ST_INVALID, "电子邮箱中的 @ 应为半角字符，请切换到半角输入"), false;
	if (!require_ascii(s, "电子邮箱", "只能包含英文字母、数字和符号", e))
		return false;
	size_t n = strlen(s);
	if (n > 254)
		return err_set(e, ST_INVALID, "电子邮箱不能超过 254 个字符"), false;
	if (strchr(s, ' '))
		return err_set(e, ST_INVALID, "电子邮箱不能包含空格"), false;
	const char *at = strchr(s, '@');
	if (!at)
		return err_set(e, ST_INVALID, "电子邮箱缺少 @"), false;
	if (strchr(at + 1, '@'))
		return err_set(e, ST_INVALID, "电子邮箱只能有一个 @"), false;
	size_t local = (size_t)(at - s);
	if (local == 0)
		return err_set(e, ST_INVALID, "电子邮箱 @ 前面不能为空"), false;
	if (local > 64)
		return err_set(e, ST_INVALID, "电子邮箱 @ 前面不能超过 64 个字符"), false;
	for (size_t i = 0; i < local; i++)
		if (!email_local_char(s[i]))
			return err_set(e, ST_INVALID, "电子邮箱 @ 前面不能包含%s", char_desc(s[i], cb)), false;
	bool dots = false;
	for (size_t i = 0; i + 1 < local; i++)
		dots |= s[i] == '.' && s[i + 1] == '.';
	if (s[0] == '.' || at[-1] == '.' || dots)
		return err_set(e, ST_INVALID, "电子邮箱 @ 前面的点不能在开头、结尾或连续出现"), false;
	if (at[1] == '\0')
		return err_set(e, ST_INVALID, "电子邮箱 @ 后面缺少域名"), false;
	if (!strchr(at + 1, '.'))
		return err_set(e, ST_INVALID, "电子邮箱 @ 后面的域名不完整，应形如 example.com"), false;
	if (!email_domain_ok(at + 1))
		return err_set(e, ST_INVALID, "电子邮箱 @ 后面的域名格式不正确"), false;
	return true;
}

/* ---- postal code, date ------------------------------------------------ */

bool check_postal_code(const char *s, struct err *e)
{
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入邮政编码"), false;
	if (!require_ascii(s, "邮政编码", "只能包含数字", e))
		return false;
	size_t n = strlen(s);
	if (!all_digits(s, n))
		return err_set(e, ST_INVALID, "邮政编码只能包含数字"), false;
	if (n != 6)
		return err_set(e, ST_INVALID, "邮政编码应为 6 位数字，输入了 %zu 位", n), false;
	return true;
}

bool check_date(const char *s, struct err *e)
{
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入日期"), false;
	if (!require_ascii(s, "日期", "格式应为 YYYY-MM-DD，例如 2026-11-25", e))
		return false;
	if (strlen(s) != 10 || !all_digits(s, 4) || s[4] != '-' || !all_digits(s + 5, 2) ||
	    s[7] != '-' || !all_digits(s + 8, 2))
		return err_set(e, ST_INVALID, "日期格式应为 YYYY-MM-DD，例如 2026-11-25"), false;
	int y = num2(s) * 100 + num2(s + 2), m = num2(s + 5), d = num2(s + 8);
	if (!date_exists(y, m, d))
		return err_set(e, ST_INVALID, "日期 %s 不存在", s), false;
	return true;
}

/* ---- money ------------------------------------------------------------ */

bool parse_amount_fen(const char *s, long long *fen, struct err *e)
{
	if (!s || !*s)
		return err_set(e, ST_INVALID, "请输入金额"), false;
	if (!require_ascii(s, "金额", "只能包含数字、小数点和千位分隔符", e))
		return false;
	if (s[0] == '-')
		return err_set(e, ST_INVALID, "金额不能为负数"), false;

	/* Integer part: plain digits, or groups of three after a first group
	 * of one to three that does not start with 0 ("1,280", not "1,28"). */
	const char *p = s;
	long long yuan = 0;
	int digits = 0, group = 0;
	bool commas = false;
	for (; *p && *p != '.'; p++) {
		if (is_digit(*p)) {
			if (yuan <= AMOUNT_MAX_YUAN) /* past it, more digits only matter as "too large" */
				yuan = yuan * 10 + (*p - '0');
			digits++;
			group++;
		} else if (*p == ',') {
			if (commas ? group != 3 : (group < 1 || group > 3 || s[0] == '0'))
				return err_set(e, ST_INVALID, "金额的千位分隔符位置不对，应每三位一个，例如 1,280.50"), false;
			commas = true;
			group = 0;
		} else {
			return err_set(e, ST_INVALID, "金额只能包含数字、小数点和千位分隔符"), false;
		}
	}
	if (commas && group != 3)
		return err_set(e, ST_INVALID, "金额的千位分隔符位置不对，应每三位一个，例如 1,280.50"), false;
	if (digits == 0)
		return err_set(e, ST_INVALID, "金额小数点前应有数字，例如 0.50"), false;

	long long cents = 0;
	if (*p == '.') {
		int decimals = 0;
		for (p++; *p; p++) {
			if (*p == '.')
				return err_set(e, ST_INVALID, "金额只能有一个小数点"), false;
			if (!is_digit(*p))
				return err_set(e, ST_INVALID, "金额小数点后只能是数字"), false;
			if (++decimals > 2)
				return err_set(e, ST_INVALID, "金额最多两位小数（精确到分）"), false;
			cents = cents * 10 + (*p - '0');
		}
		if (decimals == 0)
			return err_set(e, ST_INVALID, "金额小数点后应有数字"), false;
		if (decimals == 1)
			cents *= 10;
	}
	if (yuan > AMOUNT_MAX_YUAN || yuan * 100 + cents > AMOUNT_MAX_FEN)
		return err_set(e, ST_INVALID, "金额不能超过 100,000,000 元"), false;
	if (fen)
		*fen = yuan * 100 + cents;
	return true;
}

bool check_amount(const char *s, struct err *e)
{
	long long fen;
	return parse_amount_fen(s, &fen, e);
}

void format_fen(long long fen, char out[32])
{
	/* Unsigned magnitude so LLONG_MIN does not overflow. */
	unsigned long long v = fen < 0 ? 0ULL - (unsigned long long)fen : (unsigned long long)fen;
	char rev[32];
	int n = 0, group = 0;
	rev[n++] = (char)('0' + v % 10);
	rev[n++] = (char)('0' + v / 10 % 10);
	rev[n++] = '.';
	v /= 100;
	do {
		if (group == 3) {
			rev[n++] = ',';
			group = 0;
		}
		rev[n++] = (char)('0' + v % 10);
		v /= 10;
		group++;
	} while (v);
	if (fen < 0)
		rev[n++] = '-';
	for (int i = 0; i < n; i++)
		out[i] = rev[n - 1 - i];
	out[n] = '\0';
}

/* ---- masks ------------------------------------------------------------ */

void mask_mobile(const char *s, char out[32])
{
	if (s && strlen(s) == 11 && all_digits(s, 11))
		snprintf(out, 32, "%.3s****%s", s, s + 7);
	else
		snprintf(out, 32, "****");
}

void mask_id_number(const char *s, char out[32])
{
	if (id_shape(s))
		snprintf(out, 32, "%.6s********%.3s%c", s, s + 14, toupper((unsigned char)s[17]));
	else
		snprintf(out, 32, "****");
}

/* ---- by name ---------------------------------------------------------- */

static const struct {
	const char *name;
	check_fn fn;
} checks[] = {
	{ "mobile", check_mobile },
	{ "id_number", check_id_number },
	{ "credit_code", check_credit_code },
	{ "email", check_email },
	{ "postal_code", check_postal_code },
	{ "date", check_date },
	{ "amount", check_amount },
	{ "username", check_username },
	{ "staff_password", check_staff_password },
	{ "office_code", check_office_code },
	{ "name", check_name },
	{ "org_name", check_org_name },
	{ "address", check_address },
	{ "tel", check_tel },
	{ "cert_serial", check_cert_serial },
	{ "portal_password", check_portal_password },
};

check_fn check_by_name(const char *name)
{
	for (size_t i = 0; name && i < sizeof checks / sizeof checks[0]; i++)
		if (strcmp(name, checks[i].name) == 0)
			return checks[i].fn;
	return NULL;
}
