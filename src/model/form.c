#include "model/form.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "model/validate.h"
#include "util/utf8.h"

#define FIELD(id, label, width, max, type, req, check, choices, hint) \
	{ #id, label, width, max, type, req, check, choices, hint },
#define N(a) ((int)(sizeof a / sizeof a[0]))

static const struct form_field f_setup[] = {
#include "setup.def"
};
static const struct form_field f_login[] = {
#include "login.def"
};
static const struct form_field f_passwd[] = {
#include "passwd.def"
};
static const struct form_field f_staff_new[] = {
#include "staff_new.def"
};
static const struct form_field f_staff_edit[] = {
#include "staff_edit.def"
};
static const struct form_field f_staff_reset[] = {
#include "staff_reset.def"
};
#undef FIELD

static const struct form_def forms[] = {
	{ "setup", "首次设置", f_setup, N(f_setup) },
	{ "login", "登录", f_login, N(f_login) },
	{ "passwd", "修改密码", f_passwd, N(f_passwd) },
	{ "staff_new", "新建员工账户", f_staff_new, N(f_staff_new) },
	{ "staff_edit", "修改员工信息", f_staff_edit, N(f_staff_edit) },
	{ "staff_reset", "重置员工密码", f_staff_reset, N(f_staff_reset) },
};

const struct form_def *form_find(const char *name)
{
	for (int i = 0; i < N(forms); i++)
		if (strcmp(forms[i].name, name) == 0)
			return &forms[i];
	return NULL;
}

int form_index(const struct form_def *f, const char *id)
{
	for (int i = 0; i < f->nfields; i++)
		if (strcmp(f->fields[i].id, id) == 0)
			return i;
	return -1;
}

const struct form_field *form_field(const struct form_def *f, const char *id)
{
	int i = form_index(f, id);
	return i < 0 ? NULL : &f->fields[i];
}

int form_choice_count(const struct form_field *f)
{
	if (!f->choices || !*f->choices)
		return 0;
	int n = 1;
	for (const char *p = f->choices; *p; p++)
		n += *p == '|';
	return n;
}

bool form_choice(const struct form_field *f, int i, char code[64], char label[64])
{
	const char *p = f->choices;
	if (!p || i < 0)
		return false;
	for (; i > 0 && p; i--) {
		p = strchr(p, '|');
		if (p)
			p++;
	}
	if (!p)
		return false;
	const char *end = strchr(p, '|');
	size_t n = end ? (size_t)(end - p) : strlen(p);
	const char *eq = memchr(p, '=', n);
	size_t cn = eq ? (size_t)(eq - p) : n;
	snprintf(code, 64, "%.*s", (int)cn, p);
	if (eq)
		snprintf(label, 64, "%.*s", (int)(n - cn - 1), eq + 1);
	else
		snprintf(label, 64, "%.*s", (int)cn, p);
	return true;
}

int form_choice_find(const struct form_field *f, const char *code)
{
	char c[64], l[64];
	for (int i = 0; form_choice(f, i, c, l); i++)
		if (strcmp(c, code) == 0)
			return i;
	return -1;
}

bool form_check(const struct form_field *f, const char *value, struct err *e)
{
	size_t n = strlen(value);
	if (n == 0) {
		if (!f->required)
			return true;
		if (f->type == FT_CHOICE)
			return err_field(e, f->id, ST_INVALID, "请选择%s", f->label), false;
		return err_field(e, f->id, ST_INVALID, "请输入%s", f->label), false;
	}
	if (!utf8_valid(value, n))
		return err_field(e, f->id, ST_INVALID, "%s包含无效字符", f->label), false;
	long chars = utf8_count(value);
	if (f->max_chars > 0 && chars > f->max_chars)
		return err_field(e, f->id, ST_INVALID, "%s不能超过 %d 个字符", f->label,
				 f->max_chars), false;
	switch (f->type) {
	case FT_DIGITS:
		for (size_t i = 0; i < n; i++)
			if (!isdigit((unsigned char)value[i]))
				return err_field(e, f->id, ST_INVALID, "%s只能包含数字", f->label),
				       false;
		break;
	case FT_CHOICE:
		if (form_choice_find(f, value) < 0)
			return err_field(e, f->id, ST_INVALID, "%s的取值无效", f->label), false;
		break;
	case FT_DATE:
		if (!check_date(value, e)) {
			snprintf(e->field, sizeof e->field, "%s", f->id);
			return false;
		}
		break;
	case FT_MONEY:
		if (!check_amount(value, e)) {
			snprintf(e->field, sizeof e->field, "%s", f->id);
			return false;
		}
		break;
	default:
		break;
	}
	if (f->check) {
		check_fn fn = check_by_name(f->check);
		if (fn && !fn(value, e)) {
			if (e)
				snprintf(e->field, sizeof e->field, "%s", f->id);
			return false;
		}
	}
	return true;
}
