/*
 * The PIN of a KEY at the counter, opened from the KEY screen: unlocking a
 * blocked PIN for an accepted unlock application (the PUK comes from the
 * centre and is never shown), and changing the PIN with the old one. Both
 * are forms of masked fields the applicant types into; what was typed is
 * wiped when the form closes (formw_done).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/unlock.h"
#include "sync/sync_puk.h"
#include "svc/key.h"
#include "ui/view_form.h"
#include "ui/view_key_int.h"
#include "ui/views_key.h"

struct pin_ctx {
	char reader[TOKEN_READER_MAX];
	char app_id[UUID_LEN + 1];
	char number[NUMBER_MAX];
};

static void free_ctx(struct form_view *fv)
{
	free(fv->ctx);
	fv->ctx = NULL;
}

/* Take a field's text and wipe the field, so that a PIN is typed anew. */
static char *take(struct form_view *fv, const char *id)
{
	char *s = formw_get(&fv->w, id);
	formw_set(&fv->w, id, "");
	return s;
}

static void wipe(char *s)
{
	if (s) {
		explicit_bzero(s, strlen(s));
		free(s);
	}
}

/* A refusal of the card or the centre that typing again does not mend. */
static bool final(enum status st)
{
	return st == ST_AUTH || st == ST_LOCKED || st == ST_DENIED || st == ST_STATE ||
	       st == ST_UNSUPPORTED || st == ST_NOT_FOUND;
}

static int unlock_save(struct form_view *fv, struct ui *ui)
{
	struct pin_ctx *c = fv->ctx;
	char *pin = take(fv, "new_pin"), *again = take(fv, "new_pin2");
	struct err e;
	err_clear(&e);
	struct token_ctx *ctx = NULL;
	struct key_unlock_result r;
	memset(&r, 0, sizeof r);
	enum status st = token_open(&ctx, &e);
	if (st == ST_OK) {
		struct puk_source src;
		sync_puk_source(ui->app, &src);
		ui_flash(ui, false, "正在向中心索取 PUK 并解锁 KEY……");
		st = svc_key_unlock(&ui->app->svc, &ui->actor, ctx, c->reader, c->app_id, &src,
				    pin ? pin : "", again ? again : "", &r, &e);
		token_close(ctx);
	}
	wipe(pin);
	wipe(again);
	if (st == ST_OK) {
		char text[512];
		snprintf(text, sizeof text, "KEY（标识 %s）已解锁，新 PIN 已生效。\n\n解锁申请单 %s 已办结。"
			 "请申请人牢记新 PIN。", r.card_id, r.number);
		ui_close(ui, &fv->v);
		dialog_message(ui, "解锁成功", text, false);
		return R_HANDLED;
	}
	if (e.field[0] || !final(st)) {
		/* A PIN to type again, or a KEY to insert again: the form stays. */
		formw_show_err(&fv->w, &e);
		return R_HANDLED | R_REDRAW;
	}
	ui_close(ui, &fv->v);
	dialog_message(ui, "未能解锁", err_text(&e), true);
	return R_HANDLED;
}

void view_key_unlock_open(struct ui *ui, const char *reader, const char *app_id,
			  const char *number, const char *card_id)
{
	char intro[512];
	snprintf(intro, sizeof intro,
		 "为解锁申请单 %s 解锁 KEY（标识 %s）。请申请人设置新 PIN 并输入两次，输入时只显示 *。"
		 "按 F2 后从中心取得 PUK 重置 PIN；PUK 不会显示。解锁过程中请勿拔出 KEY。",
		 number, card_id);
	struct form_view *fv = form_view_open(ui, "key_unlock", "解锁 KEY", intro, false, unlock_save);
	if (!fv)
		return;
	struct pin_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		ui_close(ui, &fv->v);
		return;
	}
	snprintf(c->reader, sizeof c->reader, "%s", reader ? reader : "");
	snprintf(c->app_id, sizeof c->app_id, "%s", app_id);
	snprintf(c->number, sizeof c->number, "%s", number);
	fv->ctx = c;
	fv->on_free = free_ctx;
}

static int pin_save(struct form_view *fv, struct ui *ui)
{
	struct pin_ctx *c = fv->ctx;
	char *old = take(fv, "pin"), *pin = take(fv, "new_pin"), *again = take(fv, "new_pin2");
	struct err e;
	err_clear(&e);
	struct token_ctx *ctx = NULL;
	struct key_pin_result r;
	memset(&r, 0, sizeof r);
	enum status st = token_open(&ctx, &e);
	if (st == ST_OK) {
		st = svc_key_change_pin(&ui->app->svc, &ui->actor, ctx, c->reader, old ? old : "",
					pin ? pin : "", again ? again : "", &r, &e);
		token_close(ctx);
	}
	wipe(old);
	wipe(pin);
	wipe(again);
	if (st == ST_OK) {
		ui_close(ui, &fv->v);
		dialog_message(ui, "PIN 已修改", "KEY 的 PIN 已修改，新 PIN 已生效。请申请人牢记新 PIN。", false);
		return R_HANDLED;
	}
	if (st == ST_AUTH && !e.field[0])
		snprintf(e.field, sizeof e.field, "pin");
	if (e.field[0] || !final(st) || st == ST_AUTH) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED | R_REDRAW;
	}
	ui_close(ui, &fv->v);
	dialog_message(ui, "未能修改 PIN", err_text(&e), true);
	return R_HANDLED;
}

void view_key_pin_open(struct ui *ui, const char *reader, const char *card_id)
{
	char intro[384];
	snprintf(intro, sizeof intro,
		 "修改 KEY（标识 %s）的 PIN。请申请人输入原 PIN，再输入两次新 PIN，输入时只显示 *。"
		 "原 PIN 输错会消耗一次尝试机会。", card_id && *card_id ? card_id : "无");
	struct form_view *fv = form_view_open(ui, "key_pin", "修改 PIN", intro, false, pin_save);
	if (!fv)
		return;
	struct pin_ctx *c = calloc(1, sizeof *c);
	if (!c) {
		ui_close(ui, &fv->v);
		return;
	}
	snprintf(c->reader, sizeof c->reader, "%s", reader ? reader : "");
	fv->ctx = c;
	fv->on_free = free_ctx;
}

/* ---- from the KEY screen ---- */

/* Unlock: the accepted unlock application waiting for this KEY. */
void view_key_begin_unlock(struct key_view *kv, struct ui *ui)
{
	if (!kv->kc.card_id[0]) {
		view_key_msg(kv, true, "此 KEY 没有卡片标识（CHUID），中心无法确认它的 PUK，不能在柜台解锁。");
		return;
	}
	struct application apps[4];
	struct err e;
	err_clear(&e);
	int n = svc_unlock_waiting(&ui->app->svc, kv->kc.card_id, apps, 4, &e);
	if (n < 0) {
		view_key_msg(kv, true, "%s", err_text(&e));
		return;
	}
	if (n == 0) {
		view_key_msg(kv, true, "没有为此 KEY 受理的解锁申请：请先为申请人录入解锁申请（选择此 KEY 上的证书），"
			"经审核员受理后再解锁。");
		return;
	}
	/* Several would be a mistake of the office; the oldest is served. */
	view_key_unlock_open(ui, kv->kc.reader, apps[0].id, apps[0].number, kv->kc.card_id);
}

/* Change the PIN, unless the KEY says it is blocked. */
void view_key_begin_change_pin(struct key_view *kv, struct ui *ui)
{
	struct err e;
	err_clear(&e);
	int tries = -1;
	if (svc_key_pin_status(kv->ctx, kv->kc.reader, &tries, &e) != ST_OK) {
		view_key_msg(kv, true, "%s", e.st == ST_LOCKED ? "PIN 已被锁定，不能修改：请为申请人录入解锁申请，"
			"经审核员受理后按 F6 解锁。" : err_text(&e));
		return;
	}
	view_key_pin_open(ui, kv->kc.reader, kv->kc.card_id);
}
