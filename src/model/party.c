#include "model/party.h"

#include <ctype.h>
#include <string.h>

#include "util/utf8.h"

static bool text_ok(const char *s, long min, long max, const char *what, struct err *e)
{
	size_t n = strlen(s);
	if (n == 0)
		return err_set(e, ST_INVALID, "请输入%s", what), false;
	if (!utf8_valid(s, n))
		return err_set(e, ST_INVALID, "%s包含无效字符", what), false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return err_set(e, ST_INVALID, "%s不能包含控制字符", what), false;
	long chars = utf8_count(s);
	if (chars < min)
		return err_set(e, ST_INVALID, "%s至少 %ld 个字", what, min), false;
	if (chars > max)
		return err_set(e, ST_INVALID, "%s不能超过 %ld 个字", what, max), false;
	return true;
}

bool check_org_name(const char *s, struct err *e)
{
	return text_ok(s, 2, 64, "企业名称", e);
}

bool check_address(const char *s, struct err *e)
{
	return text_ok(s, 4, 128, "地址", e);
}

bool check_tel(const char *s, struct err *e)
{
	int digits = 0;
	if (!*s)
		return err_set(e, ST_INVALID, "请输入电话号码"), false;
	for (const char *p = s; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!strchr(" -+()", *p))
			return err_set(e, ST_INVALID, "电话号码只能包含数字、空格和 - + ( )"), false;
	}
	if (digits < 7 || digits > 20)
		return err_set(e, ST_INVALID, "电话号码应有 7 到 20 位数字"), false;
	return true;
}

bool check_cert_serial(const char *s, struct err *e)
{
	int hex = 0;
	if (!*s)
		return err_set(e, ST_INVALID, "请输入证书序列号"), false;
	for (const char *p = s; *p; p++) {
		if (isxdigit((unsigned char)*p))
			hex++;
		else if (*p != ':' && *p != ' ')
			return err_set(e, ST_INVALID, "证书序列号应为十六进制数字（0-9、A-F）"), false;
	}
	if (hex > 40)
		return err_set(e, ST_INVALID, "证书序列号最多 40 位十六进制数字"), false;
	return true;
}

void cert_serial_normalize(char *s)
{
	char *o = s;
	for (const char *p = s; *p; p++)
		if (isxdigit((unsigned char)*p))
			*o++ = (char)toupper((unsigned char)*p);
	*o = '\0';
}

bool check_portal_password(const char *s, struct err *e)
{
	size_t n = strlen(s);
	bool letter = false, digit = false;
	if (n < 8 || n > 32)
		return err_set(e, ST_INVALID, "门户密码应为 8 到 32 位"), false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7E)
			return err_set(e, ST_INVALID, "门户密码只能包含英文字母、数字和符号"), false;
		letter |= isalpha(c) != 0;
		digit |= isdigit(c) != 0;
	}
	if (!letter || !digit)
		return err_set(e, ST_INVALID, "门户密码需同时包含字母和数字"), false;
	return true;
}
