#include "model/staff.h"

#include <ctype.h>
#include <string.h>

#include "util/utf8.h"

static const char *const codes[] = {
#define X(name, code, label) code,
	ROLE_LIST(X)
#undef X
};
static const char *const labels[] = {
#define X(name, code, label) label,
	ROLE_LIST(X)
#undef X
};

const char *role_code(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? codes[r] : "clerk";
}

const char *role_label(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? labels[r] : "?";
}

bool role_parse(const char *code, enum role *out)
{
	for (int i = 0; i < ROLE__COUNT; i++)
		if (code && strcmp(code, codes[i]) == 0) {
			*out = (enum role)i;
			return true;
		}
	return false;
}

bool actor_can(const struct actor *a, enum role need)
{
	return a && a->role >= need;
}

bool check_username(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (n == 0)
		return err_set(e, ST_INVALID, "请输入用户名"), false;
	if (n < 3 || n > 32)
		return err_set(e, ST_INVALID, "用户名应为 3 到 32 个字符"), false;
	if (!islower((unsigned char)s[0]))
		return err_set(e, ST_INVALID, "用户名应以小写英文字母开头"), false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
			return err_set(e, ST_INVALID, "用户名只能包含小写字母、数字和 . _ -"), false;
	}
	return true;
}

bool check_staff_password(const char *s, struct err *e)
{
	size_t n = strlen(s);
	bool letter = false, digit = false;
	if (n < 8)
		return err_set(e, ST_INVALID, "密码至少 8 位"), false;
	if (n > 64)
		return err_set(e, ST_INVALID, "密码不能超过 64 位"), false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F)
			return err_set(e, ST_INVALID, "密码不能包含控制字符"), false;
		letter |= isalpha(c) != 0;
		digit |= isdigit(c) != 0;
	}
	if (!letter || !digit)
		return err_set(e, ST_INVALID, "密码需同时包含字母和数字"), false;
	return true;
}

bool check_office_code(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (n == 0)
		return err_set(e, ST_INVALID, "请输入受理点代码"), false;
	if (n < 2 || n > 16)
		return err_set(e, ST_INVALID, "受理点代码应为 2 到 16 位"), false;
	for (size_t i = 0; i < n; i++)
		if (!(isupper((unsigned char)s[i]) || isdigit((unsigned char)s[i])))
			return err_set(e, ST_INVALID, "受理点代码只能包含大写字母和数字"), false;
	return true;
}

bool check_name(const char *s, struct err *e)
{
	size_t n = strlen(s);
	if (n == 0)
		return err_set(e, ST_INVALID, "请输入名称"), false;
	if (!utf8_valid(s, n))
		return err_set(e, ST_INVALID, "包含无效字符"), false;
	long chars = utf8_count(s);
	if (chars > 32)
		return err_set(e, ST_INVALID, "不能超过 32 个字"), false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7F)
			return err_set(e, ST_INVALID, "不能包含控制字符"), false;
	return true;
}
