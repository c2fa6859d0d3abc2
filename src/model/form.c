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
static const struct form_field f_applicant_register[] = {
#include "applicant_register.def"
};
static const struct form_field f_applicant_edit[] = {
#include "applicant_edit.def"
};
static const struct form_field f_portal_password[] = {
#include "portal_password.def"
};
static const struct form_field f_application_enterprise[] = {
#include "application_enterprise.def"
};
static const struct form_field f_application_personal[] = {
#include "application_personal.def"
};
static const struct form_field f_reason[] = {
#include "reason.def"
};
static const struct form_field f_attach[] = {
#include "attach.def"
};
static const struct form_field f_search[] = {
#include "search.def"
};
static const struct form_field f_applicant_search[] = {
#include "applicant_search.def"
};
static const struct form_field f_application_start[] = {
#include "application_start.def"
};
static const struct form_field f_review[] = {
#include "review.def"
};
static const struct form_field f_order[] = {
#include "order.def"
};
static const struct form_field f_transfer[] = {
#include "transfer.def"
};
static const struct form_field f_online[] = {
#include "online.def"
};
static const struct form_field f_file[] = {
#include "file.def"
};
static const struct form_field f_verify[] = {
#include "verify.def"
};
static const struct form_field f_refund[] = {
#include "refund.def"
};
static const struct form_field f_order_search[] = {
#include "order_search.def"
};
static const struct form_field f_report_day[] = {
#include "report_day.def"
};
static const struct form_field f_price_edit[] = {
#include "price_edit.def"
};
static const struct form_field f_make[] = {
#include "make.def"
};
static const struct form_field f_ship[] = {
#include "ship.def"
};
static const struct form_field f_collect[] = {
#include "collect.def"
};
static const struct form_field f_authorise[] = {
#include "authorise.def"
};
static const struct form_field f_queue_filter[] = {
#include "queue_filter.def"
};
static const struct form_field f_stats_month[] = {
#include "stats_month.def"
};
static const struct form_field f_audit_search[] = {
#include "audit_search.def"
};
static const struct form_field f_key_unlock[] = {
#include "key_unlock.def"
};
static const struct form_field f_key_pin[] = {
#include "key_pin.def"
};
static const struct form_field f_expiry_filter[] = {
#include "expiry_filter.def"
};
static const struct form_field f_expiry_contact[] = {
#include "expiry_contact.def"
};
static const struct form_field f_stock_search[] = {
#include "stock_search.def"
};
static const struct form_field f_stock_batch[] = {
#include "stock_batch.def"
};
static const struct form_field f_stock_damage[] = {
#include "stock_damage.def"
};
static const struct form_field f_crl_lookup[] = {
#include "crl_lookup.def"
};
#undef FIELD

static const struct form_def forms[] = {
	{ "stock_search", "查找 KEY", f_stock_search, N(f_stock_search) },
	{ "stock_batch", "KEY 批次", f_stock_batch, N(f_stock_batch) },
	{ "stock_damage", "登记损坏", f_stock_damage, N(f_stock_damage) },
	{ "crl_lookup", "吊销查询", f_crl_lookup, N(f_crl_lookup) },
	{ "setup", "首次设置", f_setup, N(f_setup) },
	{ "login", "登录", f_login, N(f_login) },
	{ "passwd", "修改密码", f_passwd, N(f_passwd) },
	{ "staff_new", "新建员工账户", f_staff_new, N(f_staff_new) },
	{ "staff_edit", "修改员工信息", f_staff_edit, N(f_staff_edit) },
	{ "staff_reset", "重置员工密码", f_staff_reset, N(f_staff_reset) },
	{ "applicant_register", "登记申请人", f_applicant_register, N(f_applicant_register) },
	{ "applicant_edit", "修改申请人资料", f_applicant_edit, N(f_applicant_edit) },
	{ "portal_password", "设置门户密码", f_portal_password, N(f_portal_password) },
	{ "application_enterprise", "企业证书申请表", f_application_enterprise, N(f_application_enterprise) },
	{ "application_personal", "个人证书申请表", f_application_personal, N(f_application_personal) },
	{ "reason", "原因", f_reason, N(f_reason) },
	{ "attach", "添加扫描件", f_attach, N(f_attach) },
	{ "applicant_search", "查找申请人", f_applicant_search, N(f_applicant_search) },
	{ "application_start", "新建申请单", f_application_start, N(f_application_start) },
	{ "review", "审核申请单", f_review, N(f_review) },
	{ "order", "订单信息", f_order, N(f_order) },
	{ "transfer", "登记对公转账", f_transfer, N(f_transfer) },
	{ "online", "在线支付", f_online, N(f_online) },
	{ "file", "选择文件", f_file, N(f_file) },
	{ "verify", "核款", f_verify, N(f_verify) },
	{ "refund", "退款", f_refund, N(f_refund) },
	{ "order_search", "查找订单", f_order_search, N(f_order_search) },
	{ "make", "制证完成", f_make, N(f_make) },
	{ "ship", "登记寄出", f_ship, N(f_ship) },
	{ "collect", "登记领取", f_collect, N(f_collect) },
	{ "authorise", "代领人", f_authorise, N(f_authorise) },
	{ "queue_filter", "队列筛选", f_queue_filter, N(f_queue_filter) },
	{ "stats_month", "月度统计", f_stats_month, N(f_stats_month) },
	{ "audit_search", "查找审计记录", f_audit_search, N(f_audit_search) },
	{ "key_unlock", "解锁 KEY", f_key_unlock, N(f_key_unlock) },
	{ "key_pin", "修改 KEY 的 PIN", f_key_pin, N(f_key_pin) },
	{ "expiry_filter", "到期提醒筛选", f_expiry_filter, N(f_expiry_filter) },
	{ "expiry_contact", "记录联系", f_expiry_contact, N(f_expiry_contact) },
	{ "search", "查找", f_search, N(f_search) },
	{ "report_day", "日结报表", f_report_day, N(f_report_day) },
	{ "price_edit", "修改价格", f_price_edit, N(f_price_edit) },
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

int choices_count(const char *choices)
{
	if (!choices || !*choices)
		return 0;
	int n = 1;
	for (const char *p = choices; *p; p++)
		n += *p == '|';
	return n;
}

bool choices_get(const char *choices, int i, char code[64], char label[64])
{
	const char *p = choices;
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

int choices_find(const char *choices, const char *code)
{
	char c[64], l[64];
	for (int i = 0; choices_get(choices, i, c, l); i++)
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
		if (choices_find(f->choices, value) < 0)
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
