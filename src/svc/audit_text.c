/* Audit entries in words people read. */
#include "svc/audit_text.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "model/application.h"
#include "model/order.h"
#include "model/staff.h"

struct pair {
	const char *code, *label;
};

static const char *find(const struct pair *p, size_t n, const char *code)
{
	for (size_t i = 0; code && i < n; i++)
		if (strcmp(p[i].code, code) == 0)
			return p[i].label;
	return NULL;
}
#define FIND(table, code) find(table, sizeof table / sizeof table[0], code)

static const struct pair actions[] = {
	{ "setup.init", "首次设置" },
	{ "staff.create", "新建员工账户" },
	{ "staff.update", "修改员工信息" },
	{ "staff.disable", "停用或启用员工账户" },
	{ "staff.unlock", "解锁员工账户" },
	{ "staff.lock", "锁定员工账户" },
	{ "staff.reset_password", "重置员工密码" },
	{ "staff.change_password", "修改密码" },
	{ "staff.login", "登录" },
	{ "staff.login_failed", "登录失败" },
	{ "applicant.register", "登记申请人" },
	{ "applicant.import", "导入申请人" },
	{ "applicant.update", "修改申请人资料" },
	{ "applicant.portal_password", "设置门户密码" },
	{ "applicant.export", "导出申请人" },
	{ "application.create", "新建申请单" },
	{ "application.import", "导入申请单" },
	{ "application.update", "修改申请单" },
	{ "application.agree", "确认协议书" },
	{ "application.paper_doc", "纸质材料" },
	{ "application.submit", "提交审核" },
	{ "application.accept", "受理申请单" },
	{ "application.return", "退回申请单" },
	{ "application.cancel", "取消申请单" },
	{ "application.make", "制证完成" },
	{ "application.ship", "登记寄出" },
	{ "application.collect", "登记领取" },
	{ "application.authorise", "登记代领人" },
	{ "application.print", "打印申请表" },
	{ "application.print_pickup", "打印领取单" },
	{ "order.print_receipt", "打印回执" },
	{ "payment.print_receipt", "打印收款凭证" },
	{ "application.export", "导出申请单" },
	{ "attachment.add", "添加扫描件" },
	{ "attachment.remove", "删除扫描件" },
	{ "attachment.view", "查看扫描件" },
	{ "attachment.export", "导出扫描件" },
	{ "order.place", "下单" },
	{ "order.cancel", "取消订单" },
	{ "order.invoice", "上传发票" },
	{ "payment.transfer", "登记对公转账" },
	{ "payment.add_slip", "补传汇款底单" },
	{ "payment.verify", "核实转账" },
	{ "payment.reject", "驳回转账" },
	{ "payment.online", "登记在线支付" },
	{ "payment.refund", "登记退款" },
	{ "price.set", "修改价目" },
	{ "certificate.bind", "绑定证书" },
	{ "certificate.contact", "记录到期联系" },
	{ "certificate.remind", "发送到期提醒短信" },
	{ "certificate.revoke_expired", "注销过期证书" },
	{ "application.complete", "办结注销" },
	{ "application.unlock", "柜台解锁 KEY" },
	{ "key.unlock_refused", "KEY 拒绝了中心的 PUK" },
	{ "key.pin_change", "修改 KEY 的 PIN" },
	{ "key.puk_release", "中心提供 PUK" },
	{ "key.puk_load", "导入 KEY 的 PUK" },
	{ "stock.receive", "KEY 入库" },
	{ "stock.issue", "发放 KEY" },
	{ "stock.damage", "KEY 登记损坏" },
	{ "stock.return", "KEY 退回中心" },
	{ "crl.update", "更新证书吊销列表" },
	{ "sms.send_code", "发送短信验证码" },
	{ "report.day", "查看日结" },
	{ "report.month", "查看月度统计" },
	{ "report.stats", "查看统计" },
	{ "report.export", "导出报表" },
	{ "queue.export", "导出队列" },
	{ "sync.enroll", "终端注册" },
	{ "sync.discard", "冲突：放弃本机修改" },
	{ "sync.reapply", "冲突：重新提交" },
	{ "sync.merge", "冲突：合并申请人" },
};

static const struct pair entities[] = {
	{ "office", "受理点" },     { "terminal", "终端" },   { "staff", "员工" },
	{ "applicant", "申请人" },  { "enterprise", "企业" }, { "application", "申请单" },
	{ "attachment", "扫描件" }, { "order", "订单" },      { "payment", "款项" },
	{ "price", "价目" },        { "certificate", "证书" }, { "sms", "短信" },
	{ "report", "报表" },       { "queue", "队列" },
	{ "key", "KEY 库存" },      { "crl", "吊销列表" },
};

static const struct pair keys[] = {
	{ "number", "单号" },
	{ "kind", "类型" },
	{ "subject", "证书类型" },
	{ "status", "状态" },
	{ "state", "状态" },
	{ "years", "年限" },
	{ "holder_name", "持证单位/个人" },
	{ "holder_code", "证件号码" },
	{ "credit_code", "统一社会信用代码" },
	{ "cert_serial", "原证书序列号" },
	{ "service_reason", "办理原因" },
	{ "done_at", "办结时间" },
	{ "card_id", "KEY 标识" },
	{ "puk_tries_left", "PUK 剩余尝试次数" },
	{ "released", "PUK 已提供次数" },
	{ "issued_serial", "证书序列号" },
	{ "key_serial", "KEY 序列号" },
	{ "first_serial", "起始序列号" },
	{ "last_serial", "结束序列号" },
	{ "count", "数量" },
	{ "note", "备注" },
	{ "revoked_at", "注销时间" },
	{ "entries", "吊销条目数" },
	{ "this_update", "本次更新" },
	{ "next_update", "下次更新" },
	{ "marked", "标记为已吊销的证书" },
	{ "serial", "证书序列号" },
	{ "address", "地址" },
	{ "delivery", "领取方式" },
	{ "recipient", "收件人" },
	{ "recipient_phone", "收件人电话" },
	{ "reason", "原因" },
	{ "courier", "快递公司" },
	{ "tracking_no", "运单号" },
	{ "collector", "领取人" },
	{ "authorised", "授权代领人" },
	{ "name", "姓名/名称" },
	{ "id_number", "身份证号" },
	{ "phone", "手机号" },
	{ "verified", "手机已验证" },
	{ "portal_password", "已设门户密码" },
	{ "enterprise", "企业" },
	{ "agreement_version", "协议书版本" },
	{ "doc_type", "材料" },
	{ "paper", "已交纸质件" },
	{ "owner_id", "所属记录" },
	{ "sha256", "文件指纹" },
	{ "mime", "文件类型" },
	{ "size", "大小（字节）" },
	{ "method", "缴费方式" },
	{ "total", "金额（元）" },
	{ "amount", "金额（元）" },
	{ "price", "价格（元）" },
	{ "invoice", "需要发票" },
	{ "applications", "申请单" },
	{ "reference", "流水号/交易号" },
	{ "payer_name", "付款人" },
	{ "channel", "支付渠道" },
	{ "refund_of", "退款所退款项" },
	{ "slip", "汇款底单" },
	{ "active", "启用" },
	{ "username", "用户名" },
	{ "role", "角色" },
	{ "locked", "已锁定" },
	{ "disabled", "已停用" },
	{ "must_change", "须修改密码" },
	{ "office_code", "受理点代码" },
	{ "office_name", "受理点名称" },
	{ "terminal_code", "终端编号" },
	{ "terminal_name", "终端名称" },
	{ "admin", "管理员" },
	{ "org", "单位" },
	{ "not_after", "有效期至" },
	{ "applicant_id", "申请人" },
	{ "document", "文件" },
	{ "pages", "页数" },
	{ "purpose", "用途" },
	{ "date", "日期" },
	{ "period", "统计期间" },
	{ "office", "受理点" },
	{ "scope", "范围" },
	{ "orders", "订单数" },
	{ "net", "实收净额" },
	{ "received", "收件" },
	{ "accepted", "受理" },
	{ "file", "文件" },
	{ "filter", "条件" },
	{ "rows", "行数" },
	{ "queue", "队列" },
	{ "from", "起" },
	{ "to", "止" },
};

const char *audit_action_label(const char *action)
{
	return FIND(actions, action);
}

const char *audit_entity_label(const char *entity)
{
	return FIND(entities, entity);
}

const char *audit_key_label(const char *key)
{
	return FIND(keys, key);
}

void audit_record_name(const struct audit_row *r, char out[64])
{
	const char *images[] = { r->after, r->before };
	for (int i = 0; i < 2; i++) {
		json_t *j = images[i] ? json_loads(images[i], 0, NULL) : NULL;
		const char *number = json_string_value(json_object_get(j, "number"));
		if (!number || !*number)
			number = json_string_value(json_object_get(j, "username"));
		if (number && *number) {
			snprintf(out, 64, "%s", number);
			json_decref(j);
			return;
		}
		json_decref(j);
	}
	snprintf(out, 64, "%s", r->entity_id);
}

/* A code's label, given the record and the key it belongs to. */
static const char *code_label(const char *entity, const char *key, const char *code)
{
	bool app = entity && strcmp(entity, "application") == 0;
	bool order = entity && strcmp(entity, "order") == 0;
	bool pay = entity && strcmp(entity, "payment") == 0;
	enum app_status as;
	enum order_status os;
	enum transfer_state ts;
	enum app_kind ak;
	enum payment_kind pk;
	enum app_subject su;
	enum delivery dv;
	enum role ro;
	enum pay_method pm;
	enum pay_channel ch;
	enum doc_type dt;
	if (strcmp(key, "status") == 0) {
		if (app && app_status_parse(code, &as))
			return app_status_label(as);
		if (order && order_status_parse(code, &os))
			return order_status_label(os);
	} else if (strcmp(key, "state") == 0) {
		if (pay && transfer_state_parse(code, &ts))
			return transfer_state_label(ts);
	} else if (strcmp(key, "kind") == 0) {
		if (pay && payment_kind_parse(code, &pk))
			return payment_kind_label(pk);
		if (!pay && app_kind_parse(code, &ak))
			return app_kind_label(ak);
	} else if (strcmp(key, "subject") == 0) {
		if (app_subject_parse(code, &su))
			return app_subject_label(su);
	} else if (strcmp(key, "delivery") == 0) {
		if (delivery_parse(code, &dv))
			return delivery_label(dv);
	} else if (strcmp(key, "role") == 0) {
		if (role_parse(code, &ro))
			return role_label(ro);
	} else if (strcmp(key, "method") == 0) {
		if (pay_method_parse(code, &pm))
			return pay_method_label(pm);
	} else if (strcmp(key, "channel") == 0) {
		if (pay_channel_parse(code, &ch))
			return pay_channel_label(ch);
	} else if (strcmp(key, "doc_type") == 0) {
		if (doc_type_parse(code, &dt))
			return doc_type_label(dt);
	}
	return NULL;
}

/* A plain value as text: strings as they are (a known code with its
 * label), numbers, 是/否, （空） for null; arrays of plain values joined. */
static bool plain(const char *entity, const char *key, json_t *v, char *out, size_t n)
{
	const char *label;
	switch (json_typeof(v)) {
	case JSON_STRING:
		label = code_label(entity, key, json_string_value(v));
		if (label)
			snprintf(out, n, "%s（%s）", label, json_string_value(v));
		else
			snprintf(out, n, "%s", json_string_value(v));
		return true;
	case JSON_INTEGER:
		snprintf(out, n, "%lld", (long long)json_integer_value(v));
		return true;
	case JSON_REAL:
		snprintf(out, n, "%g", json_real_value(v));
		return true;
	case JSON_TRUE:
		snprintf(out, n, "是");
		return true;
	case JSON_FALSE:
		snprintf(out, n, "否");
		return true;
	case JSON_NULL:
		snprintf(out, n, "（空）");
		return true;
	case JSON_ARRAY: {
		size_t i, len = 0;
		json_t *item;
		out[0] = '\0';
		json_array_foreach(v, i, item) {
			char one[256];
			if (!plain(entity, key, item, one, sizeof one) || json_is_array(item))
				return false;
			len += (size_t)snprintf(out + len, len < n ? n - len : 0, "%s%s", i ? "、" : "",
						one);
			if (len >= n)
				len = n - 1;
		}
		if (json_array_size(v) == 0)
			snprintf(out, n, "（无）");
		return true;
	}
	case JSON_OBJECT:
		return false;
	}
	return false;
}

struct layout {
	const char *entity;
	struct audit_line *out;
	int max, n;
};

static struct audit_line *line(struct layout *l, int depth, const char *label)
{
	if (l->n >= l->max)
		return NULL;
	struct audit_line *ln = &l->out[l->n++];
	memset(ln, 0, sizeof *ln);
	ln->depth = depth;
	snprintf(ln->label, sizeof ln->label, "%s", label);
	return ln;
}

static void value(struct layout *l, int depth, const char *key, const char *label, json_t *v,
		  bool changed);

/* The keys of obj in the order of the label table (images are stored with
 * their keys sorted, which reads badly: "address" before "number"), then
 * the unknown ones as stored. `other`, when an object, marks changes. */
static void object(struct layout *l, int depth, json_t *obj, json_t *other)
{
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(obj, keys[i].code);
		if (!v)
			continue;
		json_t *was = json_is_object(other) ? json_object_get(other, keys[i].code) : NULL;
		value(l, depth, keys[i].code, keys[i].label, v,
		      json_is_object(other) && (!was || !json_equal(was, v)));
	}
	const char *k;
	json_t *v;
	json_object_foreach(obj, k, v) {
		if (audit_key_label(k))
			continue;
		json_t *was = json_is_object(other) ? json_object_get(other, k) : NULL;
		value(l, depth, k, k, v, json_is_object(other) && (!was || !json_equal(was, v)));
	}
}

static void value(struct layout *l, int depth, const char *key, const char *label, json_t *v,
		  bool changed)
{
	char text[256];
	if (plain(l->entity, key, v, text, sizeof text)) {
		struct audit_line *ln = line(l, depth, label);
		if (ln) {
			snprintf(ln->value, sizeof ln->value, "%s", text);
			ln->changed = changed;
		}
		return;
	}
	struct audit_line *head = line(l, depth, label);
	if (!head)
		return;
	head->changed = changed;
	if (json_is_object(v)) {
		object(l, depth + 1, v, NULL);
		return;
	}
	/* An array holding objects or arrays: one head per item. */
	size_t i;
	json_t *item;
	json_array_foreach(v, i, item) {
		char idx[16];
		snprintf(idx, sizeof idx, "[%zu]", i + 1);
		value(l, depth + 1, key, idx, item, false);
	}
}

int audit_lines(const char *entity, const char *json, const char *other, struct audit_line *out,
		int max)
{
	if (!json || !*json)
		return 0;
	json_t *img = json_loads(json, 0, NULL);
	if (!json_is_object(img)) {
		json_decref(img);
		return -1;
	}
	json_t *oth = other && *other ? json_loads(other, 0, NULL) : NULL;
	struct layout l = { entity, out, max, 0 };
	object(&l, 0, img, oth);
	json_decref(img);
	json_decref(oth);
	return l.n;
}
