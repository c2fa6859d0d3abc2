/*
 * The KEY screen: wait for a USB KEY, pick the reader when several hold
 * one, show the certificates, bind them to an applicant once the applicant
 * has typed the PIN, or start a renewal from one.
 *
 * Waiting without freezing the screen. The loop (loop.c) wakes a view
 * only for keys, and a worker thread waiting for the card would have no
 * way to wake it; so the wait runs on the screen's thread as a chain of
 * ticks. A tick is a private key code (KEY_TICK) put back into curses'
 * input queue with ungetch(); the loop reads it like any key and hands it
 * to this view, which waits for a card for one slice (token_wait_card,
 * TICK_MS) and, when none came, puts the next tick back behind whatever
 * the clerk typed meanwhile. Between slices the loop redraws (the
 * count-down moves) and handles Esc, F1, F10, resizing and a scanned
 * number as on any screen, at most one slice late. The PC/SC context is
 * used by this one thread, and no call blocks longer than a slice, so
 * token_cancel() is not needed: Esc simply ends the chain.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/crl.h"
#include "svc/key.h"
#include "svc/unlock.h"
#include "ui/field.h"
#include "ui/views.h"
#include "ui/view_key_int.h"
#include "ui/views_key.h"
#include "util/clock.h"

#define KEY_TICK (KEY_MAX + 0x800)   /* far above the codes curses hands out */
#define TICK_MS 200
#define WAIT_S 60                    /* how long to wait for a KEY */


static const struct form_field pin_def = {
	"pin", "PIN", 10, 8, FT_PASSWORD, true, NULL, NULL, "6 到 8 位数字"
};
static const struct form_field phone_def = {
	"phone", "手机号", 13, 11, FT_DIGITS, true, "mobile", NULL, "申请人的 11 位手机号"
};

void view_key_msg(struct key_view *kv, bool error, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(kv->msg, sizeof kv->msg, fmt, ap);
	va_end(ap);
	kv->msg_error = error;
}

static void label_of(struct ui *ui, const char *applicant_id, char out[160])
{
	struct applicant a;
	struct err e;
	out[0] = '\0';
	if (svc_applicant_get(&ui->app->svc, applicant_id, &a, &e) == ST_OK) {
		char phone[32];
		mask_mobile(a.phone, phone);
		snprintf(out, 160, "%s（%s）", a.name, phone);
	}
}

/* ---- the prompt ---- */

static void prompt_close(struct key_view *kv)
{
	if (kv->prompt != P_NONE)
		field_done(&kv->field); /* wipes what was typed */
	kv->prompt = P_NONE;
	kv->prompt_msg[0] = '\0';
}

static void prompt_open(struct key_view *kv, enum prompt p)
{
	prompt_close(kv);
	field_init(&kv->field, p == P_PIN ? &pin_def : &phone_def);
	kv->prompt = p;
	kv->msg[0] = '\0';
}

/* Empty the field, wiping the text (a PIN). */
static void prompt_clear(struct key_view *kv)
{
	field_done(&kv->field);
	field_init(&kv->field, kv->prompt == P_PIN ? &pin_def : &phone_def);
}

/* ---- waiting and reading ---- */

/* Put the next tick into the input queue, behind the keys the clerk typed
 * meanwhile (when drain is set), so that ticks never starve keys: a burst
 * (a barcode scanner's number) stays whole for the loop to recognise. */
static void post_tick(bool drain)
{
	struct {
		int r;
		wint_t ch;
	} typed[64];
	int n = 0;
	if (drain) {
		int delay = wgetdelay(stdscr);
		timeout(0);
		while (n < 64) {
			typed[n].r = get_wch(&typed[n].ch);
			if (typed[n].r == ERR)
				break;
			if (typed[n].r == KEY_CODE_YES && typed[n].ch == KEY_TICK)
				continue; /* a stray tick: this one replaces it */
			if (typed[n++].r == KEY_CODE_YES)
				break; /* a function key ends a burst, as in the loop */
		}
		timeout(delay);
	}
	/* ungetch pushes to the front: the tick first, then the keys backwards. */
	ungetch(KEY_TICK);
	while (n-- > 0) {
		if (typed[n].r == KEY_CODE_YES)
			ungetch((int)typed[n].ch);
		else
			unget_wch((wchar_t)typed[n].ch);
	}
}

static void start_wait(struct key_view *kv, const char *reader)
{
	kv->mode = M_WAIT;
	snprintf(kv->wait_reader, sizeof kv->wait_reader, "%s", reader ? reader : "");
	kv->wait_end = clock_ms() + kv->wait_s * 1000.0;
	post_tick(false);
}

/*
 * What the revocation lists say of each certificate on the KEY: the mark
 * a list left on the known certificate of the same issuer and serial, else
 * the entry of the list in force when it is of the certificate's issuer
 * (a certificate first seen here, or bound after the import). And whether
 * the list can be trusted now: none imported, or past its next update.
 */
static void load_crl(struct key_view *kv)
{
	struct svc *svc = &kv->ui->app->svc;
	struct crl_status cs;
	struct err e;
	err_clear(&e);
	kv->crl_note[0] = '\0';
	kv->crl_stale = false;
	if (svc_crl_status(svc, &cs, &e) != ST_OK) {
		snprintf(kv->crl_note, sizeof kv->crl_note, "无法读取吊销列表：%s", err_text(&e));
		return;
	}
	if (!cs.have) {
		snprintf(kv->crl_note, sizeof kv->crl_note, "本机尚未导入吊销列表，无法判断是否已吊销");
		return;
	}
	if (cs.stale) {
		char when[17] = "";
		time_t t;
		if (clock_parse_iso(cs.info.next_update, &t))
			clock_local(t, when);
		kv->crl_stale = true;
		snprintf(kv->crl_note, sizeof kv->crl_note, "吊销列表已过期（应在 %s 前更新），结果可能不全",
			 when);
	}
	struct crl_answer *ans = malloc(sizeof *ans);
	if (!ans)
		return;
	for (int i = 0; i < kv->kc.ncerts; i++) {
		const struct cert *c = &kv->kc.certs[i].cert;
		err_clear(&e);
		if (svc_crl_check(svc, c->serial, ans, &e) != ST_OK)
			continue;
		const char *at = "", *why = "";
		for (int j = 0; j < ans->ncerts; j++)
			if (strcmp(ans->certs[j].issuer, c->issuer) == 0 && ans->certs[j].crl_revoked_at[0]) {
				at = ans->certs[j].crl_revoked_at;
				why = ans->certs[j].crl_reason;
			}
		if (!at[0] && ans->listed && strcmp(ans->status.info.issuer, c->issuer) == 0) {
			at = ans->hit.revoked_at;
			why = ans->hit.reason;
		}
		svc_crl_mark_text(at, why, kv->bound[i].crl_mark, sizeof kv->bound[i].crl_mark);
	}
	free(ans);
}

static void load_bindings(struct key_view *kv)
{
	memset(kv->bound, 0, sizeof kv->bound);
	for (int i = 0; i < kv->kc.ncerts; i++) {
		struct err e;
		if (svc_cert_bound_to(&kv->ui->app->svc, kv->kc.certs[i].cert.sha256,
				      kv->bound[i].applicant_id, kv->bound[i].label, &e) != ST_OK)
			kv->bound[i].applicant_id[0] = kv->bound[i].label[0] = '\0';
		svc_cert_state(&kv->ui->app->svc, kv->kc.certs[i].cert.sha256, kv->bound[i].state,
			       sizeof kv->bound[i].state);
	}
	load_crl(kv);
}

static void read_key(struct key_view *kv, const char *reader)
{
	struct err e;
	err_clear(&e);
	char name[TOKEN_READER_MAX];
	snprintf(name, sizeof name, "%s", reader);
	if (svc_key_read(kv->ctx, name, &kv->kc, &e) != ST_OK) {
		kv->mode = M_IDLE;
		view_key_msg(kv, true, "%s", err_text(&e));
		return;
	}
	kv->mode = M_CERTS;
	kv->csel = 0;
	load_bindings(kv);
	if (kv->kc.nbad)
		view_key_msg(kv, true, "%s：%s", token_slot_label(kv->kc.bad[0].slot), kv->kc.bad[0].msg);
	else if (kv->kc.ncerts == 0)
		view_key_msg(kv, true, "KEY 上没有证书。");
	else
		kv->msg[0] = '\0';
}

bool view_key_has_card(const struct token_reader *r)
{
	return r->state == TOKEN_PRESENT || r->state == TOKEN_IN_USE || r->state == TOKEN_MUTE;
}

/* Look at the readers and go on: read the only KEY, let the clerk choose
 * among several, or wait for one. */
static void survey(struct key_view *kv)
{
	struct err e;
	err_clear(&e);
	prompt_close(kv);
	memset(&kv->kc, 0, sizeof kv->kc);
	token_reader_list_done(&kv->readers);
	if (!kv->ctx && token_open(&kv->ctx, &e) != ST_OK) {
		kv->mode = M_IDLE;
		view_key_msg(kv, true, "%s", err_text(&e));
		return;
	}
	if (token_list_readers(kv->ctx, &kv->readers, &e) != ST_OK) {
		/* The service may have been restarted: a new context next time. */
		token_close(kv->ctx);
		kv->ctx = NULL;
		kv->mode = M_IDLE;
		view_key_msg(kv, true, "%s", err_text(&e));
		return;
	}
	int cards = 0, first = -1;
	for (size_t i = 0; i < kv->readers.n; i++)
		if (view_key_has_card(&kv->readers.items[i]) && cards++ == 0)
			first = (int)i;
	kv->msg[0] = '\0';
	if (cards == 0) {
		start_wait(kv, NULL);
	} else if (cards == 1) {
		read_key(kv, kv->readers.items[first].name);
	} else {
		kv->mode = M_READERS;
		kv->rsel = first;
	}
}

static int on_tick(struct key_view *kv)
{
	if (kv->mode != M_WAIT)
		return R_HANDLED; /* a tick left over from a wait that ended */
	struct err e;
	err_clear(&e);
	char found[TOKEN_READER_MAX];
	enum status st = token_wait_card(kv->ctx, kv->wait_reader[0] ? kv->wait_reader : NULL,
					 TICK_MS, found, &e);
	if (st == ST_OK) {
		survey(kv);
	} else if (st == ST_TIMEOUT && clock_ms() < kv->wait_end) {
		post_tick(true);
	} else if (st == ST_TIMEOUT) {
		kv->mode = M_IDLE;
		view_key_msg(kv, true, "等待 KEY 超时：%d 秒内未检测到插入的 KEY。插入 KEY 后按 F5 重新读取。",
			kv->wait_s);
	} else {
		token_close(kv->ctx);
		kv->ctx = NULL;
		kv->mode = M_IDLE;
		view_key_msg(kv, true, "%s", err_text(&e));
	}
	return R_HANDLED | R_REDRAW;
}

/* ---- binding ---- */

const struct key_cert *view_key_selected(const struct key_view *kv)
{
	return kv->mode == M_CERTS && kv->csel < kv->kc.ncerts ? &kv->kc.certs[kv->csel] : NULL;
}

static int move_cb(struct ui *ui, void *ctx, bool yes);

/* Ask for the PIN, unless the KEY says it is blocked. */
static void ask_pin(struct key_view *kv)
{
	struct err e;
	err_clear(&e);
	int tries = -1;
	enum status st = svc_key_pin_status(kv->ctx, kv->kc.reader, &tries, &e);
	if (st != ST_OK) {
		view_key_msg(kv, true, "%s", err_text(&e));
		return;
	}
	prompt_open(kv, P_PIN);
	kv->purpose = FOR_BIND;
	kv->tries_left = tries;
}

/* The rules before the PIN is asked for, so that nobody types a PIN for
 * a binding that would be refused. */
static void begin_bind_for(struct key_view *kv, struct ui *ui)
{
	struct err e;
	err_clear(&e);
	if (key_contents_usable(&kv->kc, &e) != ST_OK) {
		view_key_msg(kv, true, "%s", err_text(&e));
		return;
	}
	int already = 0, moves = 0;
	const char *from = "";
	for (int i = 0; i < kv->kc.ncerts; i++) {
		bool move;
		struct err re;
		err_clear(&re);
		enum status st = key_bind_rule(kv->bound[i].applicant_id, kv->target_id, &ui->actor,
					       kv->bound[i].label, &move, &re);
		if (st == ST_EXISTS) {
			already++;
		} else if (st != ST_OK) {
			view_key_msg(kv, true, "%s", err_text(&re));
			return;
		} else if (move) {
			moves++;
			from = kv->bound[i].label;
		}
	}
	if (already == kv->kc.ncerts) {
		view_key_msg(kv, true, "KEY 上的证书已绑定到 %s，不能重复绑定。", kv->target_label);
		return;
	}
	if (moves) {
		char text[512];
		snprintf(text, sizeof text, "KEY 上有 %d 张证书已绑定到 %s。确定改绑到 %s 吗？改绑将记入审计日志。",
			 moves, from, kv->target_label);
		dialog_confirm(ui, "改绑证书", text, move_cb, kv);
		return;
	}
	ask_pin(kv);
}

static int move_cb(struct ui *ui, void *ctx, bool yes)
{
	(void)ui;
	struct key_view *kv = ctx;
	if (yes)
		ask_pin(kv);
	return R_HANDLED | R_REDRAW;
}

static void pin_entered(struct key_view *kv, struct ui *ui)
{
	char *pin = field_get(&kv->field);
	prompt_clear(kv);
	struct key_bind_result *r = calloc(1, sizeof *r);
	if (!pin || !r) {
		free(pin);
		free(r);
		view_key_msg(kv, true, "内存不足");
		return;
	}
	struct err e;
	err_clear(&e);
	enum status st = svc_key_bind(&ui->app->svc, &ui->actor, kv->ctx, kv->kc.reader,
				      kv->target_id, pin, r, &e);
	explicit_bzero(pin, strlen(pin));
	free(pin);
	if (st == ST_AUTH || (st == ST_INVALID && strcmp(e.field, "pin") == 0)) {
		/* Ask again; the card said how many tries are left. */
		snprintf(kv->prompt_msg, sizeof kv->prompt_msg, "%s", err_text(&e));
		kv->tries_left = r->tries_left;
		free(r);
		return;
	}
	prompt_close(kv);
	if (r->kc.ncerts) {
		kv->kc = r->kc;
		if (kv->csel >= kv->kc.ncerts)
			kv->csel = 0;
	}
	load_bindings(kv);
	if (st != ST_OK) {
		/* A blocked PIN is said plainly and not asked for again. */
		view_key_msg(kv, true, "%s", err_text(&e));
	} else {
		char text[768];
		int n = snprintf(text, sizeof text, "已将 %d 张证书绑定到 %s。", r->bound,
				 kv->target_label);
		if (r->moved && n < (int)sizeof text)
			n += snprintf(text + n, sizeof text - (size_t)n, "其中 %d 张原绑定到 %s。",
				      r->moved, r->moved_from);
		if (r->already && n < (int)sizeof text)
			n += snprintf(text + n, sizeof text - (size_t)n, "另有 %d 张此前已绑定。",
				      r->already);
		if (r->default_pin && n < (int)sizeof text)
			snprintf(text + n, sizeof text - (size_t)n,
				 "\n\n该 KEY 仍在使用出厂默认 PIN（%s），请提醒申请人尽快修改默认 PIN。",
				 KEY_DEFAULT_PIN);
		view_key_msg(kv, false, "已绑定到 %s。", kv->target_label);
		dialog_message(ui, "绑定成功", text, false);
	}
	free(r);
}

/* ---- renewal ---- */

static void renew_for(struct key_view *kv, struct ui *ui)
{
	const struct key_cert *kc = view_key_selected(kv);
	if (!kc)
		return;
	struct key_renewal rn;
	struct err e;
	err_clear(&e);
	if (svc_key_renewal(&ui->app->svc, kv->target_id, &kc->cert, &rn, &e) != ST_OK) {
		dialog_message(ui, "不能续费", err_text(&e), true);
		return;
	}
	struct app_prefill pf;
	memset(&pf, 0, sizeof pf);
	snprintf(pf.cert_serial, sizeof pf.cert_serial, "%s", rn.cert_serial);
	if (rn.subject == SUBJECT_ENTERPRISE) {
		snprintf(pf.credit_code, sizeof pf.credit_code, "%s", rn.credit_code);
		snprintf(pf.holder_name, sizeof pf.holder_name, "%s", rn.holder_name);
		snprintf(pf.legal_rep, sizeof pf.legal_rep, "%s", rn.legal_rep);
		snprintf(pf.address, sizeof pf.address, "%s", rn.address);
		snprintf(pf.phone, sizeof pf.phone, "%s", rn.phone);
	}
	view_app_renew_open(ui, kv->target_id, rn.enterprise_id, rn.subject, &pf);
}

static void begin_renew(struct key_view *kv, struct ui *ui)
{
	const struct key_cert *kc = view_key_selected(kv);
	if (!kc)
		return;
	struct err e;
	err_clear(&e);
	/* Refused at once, before anyone is asked for a phone number. */
	if (key_renewal_allowed(&kc->cert, clock_now(), &e) != ST_OK) {
		dialog_message(ui, "不能续费", err_text(&e), true);
		return;
	}
	const char *who = kv->applicant_id[0] ? kv->applicant_id : kv->bound[kv->csel].applicant_id;
	if (!who[0]) {
		prompt_open(kv, P_PHONE);
		kv->purpose = FOR_RENEW;
		return;
	}
	snprintf(kv->target_id, sizeof kv->target_id, "%s", who);
	label_of(ui, who, kv->target_label);
	renew_for(kv, ui);
}

static void phone_entered(struct key_view *kv, struct ui *ui)
{
	char *phone = field_get(&kv->field);
	struct err e;
	err_clear(&e);
	struct applicant a;
	if (!phone || !check_mobile(phone, &e)) {
		snprintf(kv->prompt_msg, sizeof kv->prompt_msg, "%s", err_text(&e));
	} else if (svc_applicant_by_phone(&ui->app->svc, phone, &a, &e) != ST_OK) {
		char masked[32];
		mask_mobile(phone, masked);
		if (e.st == ST_NOT_FOUND)
			snprintf(kv->prompt_msg, sizeof kv->prompt_msg,
				 "手机号 %s 尚未注册：请先在主菜单登记申请人。", masked);
		else
			snprintf(kv->prompt_msg, sizeof kv->prompt_msg, "%s", err_text(&e));
	} else {
		snprintf(kv->target_id, sizeof kv->target_id, "%s", a.id);
		label_of(ui, a.id, kv->target_label);
		enum purpose p = kv->purpose;
		prompt_close(kv);
		if (p == FOR_BIND)
			begin_bind_for(kv, ui);
		else
			renew_for(kv, ui);
	}
	free(phone);
}

/* ---- keys and actions ---- */

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct key_view *kv = (struct key_view *)v;
	if (k->fn && k->code == KEY_TICK)
		return on_tick(kv);
	if (kv->prompt != P_NONE)
		return field_key(&kv->field, k);
	if (!k->fn || (k->code != KEY_UP && k->code != KEY_DOWN))
		return R_NONE;
	int d = k->code == KEY_DOWN ? 1 : -1;
	if (kv->mode == M_READERS && kv->readers.n > 0) {
		int n = (int)kv->readers.n;
		kv->rsel = (kv->rsel + d + n) % n;
		return R_HANDLED;
	}
	if (kv->mode == M_CERTS && kv->kc.ncerts > 0) {
		kv->csel = (kv->csel + d + kv->kc.ncerts) % kv->kc.ncerts;
		return R_HANDLED;
	}
	return R_NONE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct key_view *kv = (struct key_view *)v;
	switch (a) {
	case ACT_CONFIRM:
		if (kv->prompt == P_PIN)
			pin_entered(kv, ui);
		else if (kv->prompt == P_PHONE)
			phone_entered(kv, ui);
		return R_HANDLED;
	case ACT_CANCEL:
		if (kv->prompt != P_NONE) {
			prompt_close(kv);
			view_key_msg(kv, false, "已取消。");
		} else if (kv->mode == M_WAIT) {
			kv->mode = M_IDLE;
			view_key_msg(kv, false, "已取消等待 KEY。");
		}
		return R_HANDLED;
	case ACT_REREAD:
		/* A new context: the service may have been restarted since. */
		token_close(kv->ctx);
		kv->ctx = NULL;
		survey(kv);
		return R_HANDLED;
	case ACT_OPEN:
		if (kv->mode == M_READERS && kv->rsel < (int)kv->readers.n) {
			const struct token_reader *r = &kv->readers.items[kv->rsel];
			char name[TOKEN_READER_MAX];
			snprintf(name, sizeof name, "%s", r->name);
			if (view_key_has_card(r))
				read_key(kv, name);
			else
				start_wait(kv, name);
		}
		return R_HANDLED;
	case ACT_BIND:
		if (kv->mode != M_CERTS)
			return R_HANDLED;
		kv->purpose = FOR_BIND;
		if (kv->applicant_id[0]) {
			snprintf(kv->target_id, sizeof kv->target_id, "%s", kv->applicant_id);
			snprintf(kv->target_label, sizeof kv->target_label, "%s", kv->applicant_label);
			begin_bind_for(kv, ui);
		} else {
			prompt_open(kv, P_PHONE);
		}
		return R_HANDLED;
	case ACT_RENEW:
		if (kv->mode == M_CERTS)
			begin_renew(kv, ui);
		return R_HANDLED;
	case ACT_KEY_UNLOCK:
		if (kv->mode == M_CERTS)
			view_key_begin_unlock(kv, ui);
		return R_HANDLED;
	case ACT_CHANGE_PIN:
		if (kv->mode == M_CERTS)
			view_key_begin_change_pin(kv, ui);
		return R_HANDLED;
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	(void)ui;
	struct key_view *kv = (struct key_view *)v;
	static const enum action prompt_acts[] = { ACT_CONFIRM, ACT_CANCEL, ACT_NONE };
	static const enum action wait_acts[] = { ACT_CANCEL, ACT_NONE };
	static const enum action idle_acts[] = { ACT_REREAD, ACT_BACK, ACT_NONE };
	static const enum action reader_acts[] = { ACT_OPEN, ACT_REREAD, ACT_BACK, ACT_NONE };
	static const enum action cert_acts[] = { ACT_BIND, ACT_RENEW, ACT_REREAD, ACT_KEY_UNLOCK,
						 ACT_CHANGE_PIN, ACT_BACK, ACT_NONE };
	if (kv->prompt != P_NONE)
		return prompt_acts;
	switch (kv->mode) {
	case M_WAIT:
		return wait_acts;
	case M_READERS:
		return reader_acts;
	case M_CERTS:
		return cert_acts;
	default:
		return idle_acts;
	}
}

static void resume(struct view *v, struct ui *ui)
{
	struct key_view *kv = (struct key_view *)v;
	if (kv->applicant_id[0])
		label_of(ui, kv->applicant_id, kv->applicant_label);
	if (kv->mode == M_WAIT)
		post_tick(false); /* the view above took the last tick */
	else if (kv->mode == M_CERTS)
		load_bindings(kv);
}

static void destroy(struct view *v)
{
	struct key_view *kv = (struct key_view *)v;
	prompt_close(kv);
	token_reader_list_done(&kv->readers);
	token_close(kv->ctx);
	free(kv);
}

static const enum action all_actions[] = { ACT_BIND, ACT_RENEW, ACT_REREAD, ACT_KEY_UNLOCK,
					   ACT_CHANGE_PIN, ACT_OPEN, ACT_CONFIRM, ACT_CANCEL,
					   ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "key", .actions = all_actions, .actions_now = actions_now, .draw = view_key_draw,
	.key = key, .action = action, .resume = resume, .free = destroy,
};

void view_key_open(struct ui *ui, const char *applicant_id)
{
	struct key_view *kv = calloc(1, sizeof *kv);
	if (!kv)
		return;
	kv->v.ops = &ops;
	kv->ui = ui;
	snprintf(kv->v.title, sizeof kv->v.title, "读取 KEY");
	if (applicant_id && *applicant_id) {
		snprintf(kv->applicant_id, sizeof kv->applicant_id, "%s", applicant_id);
		label_of(ui, applicant_id, kv->applicant_label);
	}
	long wait = strtol(config_get(&ui->app->cfg, "key.wait_seconds", "0"), NULL, 10);
	kv->wait_s = wait >= 5 && wait <= 600 ? (int)wait : WAIT_S;
	ui_push(ui, &kv->v);
	survey(kv);
}
