/* The KEY screen drawn: the readers, the certificates of the KEY read
 * with their binding, state and revocation, the prompt or the message. */
#include <stdio.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/crl.h"
#include "ui/view_key_int.h"
#include "util/clock.h"

/* A label and its value, the value in style `value_style`. */
static void row(int y, const char *label, const char *value, enum ui_style value_style)
{
	attrset(ui_style(S_DIM));
	ui_text(y, 4, 9, false, label);
	attrset(ui_style(value_style));
	ui_text(y, 13, COLS - 15, true, value);
	attrset(A_NORMAL);
}

static void draw_readers(struct key_view *kv, int y, bool marker)
{
	if (kv->readers.n == 0) {
		attrset(ui_style(S_DIM));
		ui_text(y, 4, COLS - 8, true, "未检测到读卡器。");
		attrset(A_NORMAL);
		return;
	}
	for (size_t i = 0; i < kv->readers.n && y < LINES - 7; i++, y++) {
		const struct token_reader *r = &kv->readers.items[i];
		bool sel = marker && (int)i == kv->rsel;
		attrset(sel ? ui_style(S_SELECT) : A_NORMAL);
		char line[256];
		snprintf(line, sizeof line, "%s %s", sel ? "▶" : " ", r->name);
		ui_text_pad(y, 4, 40, line);
		attrset(view_key_has_card(r) ? A_NORMAL : ui_style(S_DIM));
		ui_text(y, 46, COLS - 48, true, token_state_label(r->state));
		attrset(A_NORMAL);
	}
}

/* How many rows draw_cert wants. */
static int cert_rows(const struct key_view *kv)
{
	const struct binding *b = &kv->bound[kv->csel];
	return 9 + (b->crl_mark[0] || b->state[0]) + (kv->crl_note[0] != '\0');
}

/* The rows of the selected certificate from y, none below `last`: the
 * revocation rows come right after the validity and the hashes last, so
 * that on a short screen what is cut is the least needed. */
static void draw_cert(struct key_view *kv, int y, int last)
{
	const struct key_cert *kc = view_key_selected(kv);
	if (!kc)
		return;
	const struct cert *c = &kc->cert;
	time_t now = clock_now();
	char line[512], from[17], to[17], standing[64];
	struct cert_holder h;
	cert_holder_of(c, &h);
	enum ui_style st = S_NORMAL;
#define ROW(label, value)                           \
	do {                                        \
		if (y <= last)                      \
			row(y++, label, value, st); \
		st = S_NORMAL;                      \
	} while (0)
	ROW("主题", c->subject);
	if (h.subject == SUBJECT_ENTERPRISE)
		snprintf(line, sizeof line, "企业 %s%s%s%s", h.org,
			 h.credit_code[0] ? "（统一社会信用代码 " : "", h.credit_code,
			 h.credit_code[0] ? "）" : "");
	else
		snprintf(line, sizeof line, "个人 %s", h.person);
	ROW("持有人", line);
	ROW("颁发者", c->issuer);
	ROW("序列号", c->serial);
	clock_local(c->not_before, from);
	clock_local(c->not_after, to);
	key_standing(c->not_before, c->not_after, now, standing, sizeof standing);
	snprintf(line, sizeof line, "%s 至 %s（%s）", from, to, standing);
	st = cert_past_renewal(c, now) ? S_ERROR : cert_expired(c, now) ? S_WARN : S_NORMAL;
	ROW("有效期", line);
	const struct binding *b = &kv->bound[kv->csel];
	/* The list's words when it revokes it ("吊销于 …，原因：…"), else a
	 * revocation at the counter. */
	if (b->crl_mark[0] || b->state[0]) {
		st = S_ERROR;
		ROW("状态", b->crl_mark[0] ? b->crl_mark : b->state);
	}
	if (kv->crl_note[0]) {
		st = kv->crl_stale ? S_WARN : S_DIM;
		ROW("吊销列表", kv->crl_note);
	}
	snprintf(line, sizeof line, "%s%s", b->label[0] ? "已绑定到 " : "未绑定", b->label);
	ROW("绑定", line);
	snprintf(line, sizeof line, "%s（%s）", c->key_desc, c->sig_alg);
	ROW("算法", line);
	ROW("SHA-256", c->sha256);
	ROW("SM3", c->sm3);
#undef ROW
}

static void draw_list(struct key_view *kv, int y)
{
	time_t now = clock_now();
	for (int i = 0; i < kv->kc.ncerts; i++, y++) {
		const struct cert *c = &kv->kc.certs[i].cert;
		char holder[600], standing[64];
		key_holder_text(c->subject_cn, c->subject_o, holder, sizeof holder);
		key_standing(c->not_before, c->not_after, now, standing, sizeof standing);
		attrset(i == kv->csel ? ui_style(S_SELECT) : A_NORMAL);
		char head[128];
		snprintf(head, sizeof head, "%s %s", i == kv->csel ? "▶" : " ",
			 token_slot_label(kv->kc.certs[i].slot));
		ui_text_pad(y, 2, 16, head);
		ui_text_pad(y, 18, 34, holder);
		attrset(cert_past_renewal(c, now) ? ui_style(S_ERROR)
			: cert_expired(c, now) ? ui_style(S_WARN) : A_NORMAL);
		ui_text(y, 53, COLS - 55, true, standing);
		attrset(A_NORMAL);
	}
	for (int i = 0; i < kv->kc.nbad; i++, y++) {
		char line[400];
		snprintf(line, sizeof line, "  %s  %s", token_slot_label(kv->kc.bad[i].slot),
			 kv->kc.bad[i].msg);
		attrset(ui_style(S_ERROR));
		ui_text(y, 2, COLS - 4, true, line);
		attrset(A_NORMAL);
	}
}

static void draw_prompt(struct key_view *kv, int y)
{
	char label[256];
	if (kv->prompt == P_PIN)
		snprintf(label, sizeof label, "绑定到 %s。请申请人输入 KEY 的 PIN：", kv->target_label);
	else
		snprintf(label, sizeof label, "%s：请输入申请人的手机号：",
			 kv->purpose == FOR_BIND ? "绑定" : "续费");
	attrset(A_BOLD);
	int w = ui_text(y, 4, COLS - 20, true, label);
	attrset(A_NORMAL);
	field_draw(&kv->field, y, 4 + w + 1, true);
	char hint[256];
	if (kv->prompt_msg[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y + 1, 4, COLS - 8, true, kv->prompt_msg);
	} else if (kv->prompt == P_PIN) {
		if (kv->tries_left >= 0)
			snprintf(hint, sizeof hint, "还可尝试 %d 次。输入时只显示 *，Enter 确定，Esc 取消。",
				 kv->tries_left);
		else
			snprintf(hint, sizeof hint, "输入时只显示 *，Enter 确定，Esc 取消。");
		attrset(ui_style(S_DIM));
		ui_text(y + 1, 4, COLS - 8, true, hint);
	}
	if (kv->prompt == P_PIN) {
		attrset(ui_style(S_DIM));
		snprintf(hint, sizeof hint, "出厂默认 PIN 为 %s；仍在使用默认 PIN 的，请尽快修改默认 PIN。",
			 KEY_DEFAULT_PIN);
		ui_text(y + 2, 4, COLS - 8, true, hint);
	}
	attrset(A_NORMAL);
}

static void draw_msg(struct key_view *kv, int y)
{
	if (!kv->msg[0])
		return;
	char lines[3][256];
	int n = ui_wrap(kv->msg, COLS - 8, lines, 3);
	attrset(kv->msg_error ? ui_style(S_ERROR) : ui_style(S_OK));
	for (int i = 0; i < n; i++)
		ui_text(y + i, 4, COLS - 8, false, lines[i]);
	attrset(A_NORMAL);
}

void view_key_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct key_view *kv = (struct key_view *)v;
	int y = ui_body_top() + 1;
	char line[512];
	if (kv->applicant_id[0])
		snprintf(line, sizeof line, "申请人：%s", kv->applicant_label);
	else
		snprintf(line, sizeof line, "未指定申请人：绑定或续费时输入申请人的手机号。");
	attrset(kv->applicant_id[0] ? A_BOLD : ui_style(S_DIM));
	ui_text(y++, 2, COLS - 4, true, line);
	attrset(A_NORMAL);
	int bottom = LINES - 6;   /* the message or prompt area */
	switch (kv->mode) {
	case M_WAIT: {
		int left = (int)((kv->wait_end - clock_ms() + 999) / 1000);
		y++;
		attrset(A_BOLD);
		ui_text(y++, 4, COLS - 8, true, kv->wait_reader[0] ? "请在所选读卡器中插入 USB KEY……"
								   : "请插入 USB KEY……");
		attrset(A_NORMAL);
		snprintf(line, sizeof line, "正在等待插入 KEY（还剩 %d 秒）。按 Esc 取消。",
			 left > 0 ? left : 0);
		ui_text(y++, 4, COLS - 8, true, line);
		draw_readers(kv, y + 1, false);
		break;
	}
	case M_READERS:
		y++;
		snprintf(line, sizeof line, "有多个读卡器插有 KEY：用 ↑↓ 选择要读取的一个，按 Enter 读取。");
		ui_text(y++, 4, COLS - 8, true, line);
		draw_readers(kv, y + 1, true);
		break;
	case M_IDLE:
		draw_msg(kv, y + 1);
		attrset(ui_style(S_DIM));
		ui_text(y + 4, 4, COLS - 8, true, "按 F5 重新检测读卡器并读取 KEY。");
		attrset(A_NORMAL);
		draw_readers(kv, y + 6, false);
		return;
	case M_CERTS:
		snprintf(line, sizeof line, "读卡器 %s · %s%s%s", kv->kc.reader, kv->kc.driver,
			 kv->kc.card_id[0] ? " · 标识 " : "", kv->kc.card_id);
		ui_text(y++, 2, COLS - 4, true, line);
		y++;
		draw_list(kv, y);
		y += kv->kc.ncerts + kv->kc.nbad;
		/* A blank line before the details when they fit below it. */
		if (y + 1 + cert_rows(kv) <= bottom)
			y++;
		draw_cert(kv, y, bottom - 1);
		break;
	}
	if (kv->prompt != P_NONE)
		draw_prompt(kv, bottom);
	else
		draw_msg(kv, bottom);
}

