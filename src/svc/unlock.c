/* A KEY's PIN at the counter: unlock with the centre's PUK, change with
 * the old PIN. */
#include "svc/unlock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/app_kind_repo.h"
#include "store/app_repo.h"
#include "store/audit.h"
#include "store/cert_repo.h"
#include "svc/app_internal.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/key.h"
#include "util/clock.h"
#include "util/jsonx.h"
#include "util/log.h"

bool key_new_pin_ok(const char *pin, const char *again, struct err *e)
{
	size_t n = pin ? strlen(pin) : 0;
	if (n < 6 || n > 8 || strspn(pin, "0123456789") != n)
		return err_field(e, "new_pin", ST_INVALID, "新 PIN 应为 6 到 8 位数字"), false;
	if (strcmp(pin, KEY_DEFAULT_PIN) == 0)
		return err_field(e, "new_pin", ST_INVALID, "新 PIN 不能是出厂默认 PIN（%s），请另设一个",
				 KEY_DEFAULT_PIN), false;
	bool same = true, up = true, down = true;
	for (size_t i = 1; i < n; i++) {
		same &= pin[i] == pin[0];
		up &= pin[i] == pin[i - 1] + 1;
		down &= pin[i] == pin[i - 1] - 1;
	}
	if (same || up || down)
		return err_field(e, "new_pin", ST_INVALID,
				 "新 PIN 太容易被猜到（同一数字重复或连续数字），请另设一个"), false;
	if (!again || strcmp(pin, again) != 0)
		return err_field(e, "new_pin2", ST_INVALID, "两次输入的新 PIN 不一致，请重新输入"), false;
	return true;
}

/* Connect to `reader`, or to the only reader holding a card when NULL. */
static enum status connect_key(struct token_ctx *ctx, const char *reader, struct token_card **card,
			       struct err *e)
{
	char picked[TOKEN_READER_MAX];
	if (!reader || !*reader) {
		enum status st = token_pick_reader(ctx, picked, e);
		if (st != ST_OK)
			return st;
		reader = picked;
	}
	return token_connect(ctx, reader, card, e);
}

/* One audit entry of its own about a KEY (no outbox: nothing to replay). */
static void audit_key(struct svc *svc, const struct actor *a, const char *action,
		      const char *app_id, json_t *detail)
{
	char *after = jx_dump(detail);
	json_decref(detail);
	struct audit_rec rec = { .action = action, .entity = app_id ? "application" : "key",
				 .entity_id = app_id ? app_id : "", .after = after };
	struct err e;
	err_clear(&e);
	enum status st = db_begin(svc->db, &e);
	if (st == ST_OK)
		st = audit_append(svc->db, a, &rec, &e);
	if (st == ST_OK)
		st = db_commit(svc->db, &e);
	else
		db_rollback(svc->db);
	if (st != ST_OK)
		log_warn("key: cannot audit %s: %s", action, status_code(st));
	free(after);
}

int svc_unlock_waiting(struct svc *svc, const char *card_id, struct application *out, int max,
		       struct err *e)
{
	struct cert_row rows[8];
	int nr = cert_repo_of_card(svc->db, card_id, rows, 8, e);
	if (nr < 0)
		return -1;
	int n = 0;
	for (int i = 0; i < nr && n < max; i++) {
		char ids[8][UUID_LEN + 1];
		int k = app_kind_repo_unlocks(svc->db, rows[i].serial, ids, 8, e);
		if (k < 0)
			return -1;
		for (int j = 0; j < k && n < max; j++) {
			bool seen = false;
			for (int m = 0; m < n; m++)
				seen |= strcmp(out[m].id, ids[j]) == 0;
			if (!seen && svc_application_get(svc, ids[j], &out[n], e) == ST_OK)
				n++;
		}
	}
	return n;
}

/* Is the KEY `card_id` the one the certificate `serial` was read from? */
static enum status key_of_cert(struct db *db, const char *serial, const char *card_id,
			       struct err *e)
{
	struct cert_row rows[8];
	int n = cert_repo_by_serial(db, serial, rows, 8, e);
	if (n < 0)
		return e->st;
	const char *known = "";
	for (int i = 0; i < n; i++) {
		if (strcmp(rows[i].card_id, card_id) == 0)
			return ST_OK;
		if (rows[i].card_id[0])
			known = rows[i].card_id;
	}
	if (!known[0])
		return err_set(e, ST_DENIED, "证书 %s 没有记录它所在 KEY 的标识，无法确认读卡器中的 KEY："
			       "请先读取该 KEY 并绑定证书", serial);
	return err_set(e, ST_DENIED, "读卡器中的 KEY（标识 %s）不是证书 %s 所在的 KEY（标识 %s），"
		       "请插入申请单对应的 KEY", card_id, serial, known);
}

/* ---- application.unlock (the PIN was reset at the counter) ---- */

static enum status unlock_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char card_id[TOKEN_ID_MAX];
	if (!jx_str(p, "card_id", card_id, sizeof card_id, false, e))
		return e->st;
	struct application a;
	enum status st = app_load(run, p, &a, e);
	if (st != ST_OK)
		return st;
	if (a.kind != KIND_UNLOCK)
		return err_set(e, ST_STATE, "申请单 %s 是%s申请，不是解锁申请", a.number,
			       app_kind_label(a.kind));
	enum app_status next;
	if (!app_transition(a.status, APP_COMPLETE, &next, e))
		return e->st;
	if ((st = key_of_cert(run->svc->db, a.cert_serial, card_id, e)) != ST_OK)
		return st;
	a.status = next;
	clock_iso(clock_now(), a.done_at);
	run->after = app_json(&a);
	json_object_set_new(run->after, "card_id", json_string(card_id));
	st = app_repo_update(run->svc->db, &a, e);
	return st == ST_OK ? app_kind_repo_write(run->svc->db, &a, e) : st;
}
const struct command cmd_application_unlock = { "application.unlock", 1, ROLE_CLERK,
						unlock_apply };

/* The application to unlock, checked before anything touches the card. */
static enum status unlock_ready(struct svc *svc, const char *app_id, struct application *a,
				struct err *e)
{
	enum status st = svc_application_get(svc, app_id ? app_id : "", a, e);
	if (st != ST_OK)
		return st;
	if (a->kind != KIND_UNLOCK)
		return err_set(e, ST_STATE, "申请单 %s 是%s申请，不是解锁申请", a->number,
			       app_kind_label(a->kind));
	if (a->status != APP_ACCEPTED)
		return err_set(e, ST_STATE, "解锁申请单 %s 当前状态为“%s”：须经审核员受理后才能解锁%s",
			       a->number, app_status_label(a->status),
			       a->status == APP_DONE ? "（此申请已办结）" : "");
	return ST_OK;
}

enum status svc_key_unlock(struct svc *svc, const struct actor *a, struct token_ctx *ctx,
			   const char *reader, const char *app_id, const struct puk_source *src,
			   const char *new_pin, const char *again, struct key_unlock_result *out,
			   struct err *e)
{
	memset(out, 0, sizeof *out);
	out->puk_tries_left = -1;
	if (!key_new_pin_ok(new_pin, again, e))
		return e->st;
	struct application app;
	enum status st = unlock_ready(svc, app_id, &app, e);
	if (st != ST_OK)
		return st;
	snprintf(out->number, sizeof out->number, "%s", app.number);

	struct token_card *card;
	if ((st = connect_key(ctx, reader, &card, e)) != ST_OK)
		return st;
	st = token_card_id(card, out->card_id, e);
	if (st == ST_NOT_FOUND)
		st = err_set(e, ST_UNSUPPORTED, "此 KEY 没有卡片标识（CHUID），中心无法确认它的 PUK，"
			     "不能在柜台解锁");
	if (st == ST_OK)
		st = key_of_cert(svc->db, app.cert_serial, out->card_id, e);
	char puk[KEY_PUK_MAX] = "";
	if (st == ST_OK && (!src || !src->fetch))
		st = err_set(e, ST_STATE, "本终端无法向中心索取 PUK（未登记到中心）");
	if (st == ST_OK)
		st = src->fetch(src->ctx, a, app.id, out->card_id, puk, e);
	if (st == ST_OK) {
		int tries = -1;
		st = token_unblock_pin(card, puk, new_pin, &tries, e);
		explicit_bzero(puk, sizeof puk);
		if (st == ST_AUTH) {
			out->puk_tries_left = tries;
			err_set(e, ST_AUTH, "中心提供的 PUK 与此 KEY 不符（此 KEY 的 PUK 还可尝试 %d 次）。"
				"解锁未完成，PIN 没有改变。请联系中心核对此 KEY 的 PUK，不要反复尝试。", tries);
		} else if (st == ST_LOCKED) {
			err_set(e, ST_LOCKED, "此 KEY 的 PUK 也已被锁定，无法在柜台解锁，PIN 没有改变。"
				"请为申请人办理补办（更换新 KEY）。");
		} else if (st == ST_DEVICE) {
			char why[sizeof e->msg];
			snprintf(why, sizeof why, "%s", err_text(e));
			err_set(e, ST_DEVICE, "解锁未完成：%s插入同一个 KEY 后再次解锁即可，申请单 %s 仍待办理。",
				why, app.number);
		}
		if (st == ST_AUTH || st == ST_LOCKED)
			audit_key(svc, a, "key.unlock_refused", app.id,
				  json_pack("{s:s, s:s, s:s, s:i}", "number", app.number, "card_id",
					    out->card_id, "refused", st == ST_AUTH ? "wrong_puk" : "puk_blocked",
					    "puk_tries_left", st == ST_AUTH ? tries : 0));
	}
	if (st == ST_OK) {
		out->reset = true;
		int tries = -1;
		st = token_verify_pin(card, new_pin, &tries, e);
		if (st != ST_OK) {
			char why[sizeof e->msg];
			snprintf(why, sizeof why, "%s", err_text(e));
			err_set(e, st, "KEY 已接受新 PIN，但验证新 PIN 时出错：%s请重新插入 KEY 后用新 PIN 验证；"
				"如仍不行，请再次解锁。", why);
		}
	}
	token_disconnect(card);
	if (st != ST_OK)
		return st;

	json_t *p = json_pack("{s:s, s:s}", "id", app.id, "card_id", out->card_id);
	if (!p)
		return err_status(e, ST_NOMEM);
	st = svc_exec(svc, a, &cmd_application_unlock, p, e);
	json_decref(p);
	if (st != ST_OK) {
		char why[sizeof e->msg];
		snprintf(why, sizeof why, "%s", err_text(e));
		return err_set(e, st, "KEY 已解锁，新 PIN 已生效，但记录办结失败：%s请再次解锁以完成记录。", why);
	}
	return ST_OK;
}

enum status svc_key_change_pin(struct svc *svc, const struct actor *a, struct token_ctx *ctx,
			       const char *reader, const char *old_pin, const char *new_pin,
			       const char *again, struct key_pin_result *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	out->tries_left = -1;
	size_t n = old_pin ? strlen(old_pin) : 0;
	if (n < 6 || n > 8 || strspn(old_pin, "0123456789") != n)
		return err_field(e, "pin", ST_INVALID, "原 PIN 应为 6 到 8 位数字");
	if (!key_new_pin_ok(new_pin, again, e))
		return e->st;
	if (strcmp(old_pin, new_pin) == 0)
		return err_field(e, "new_pin", ST_INVALID, "新 PIN 不能与原 PIN 相同");
	struct token_card *card;
	enum status st = connect_key(ctx, reader, &card, e);
	if (st != ST_OK)
		return st;
	struct err id_e;
	if (token_card_id(card, out->card_id, &id_e) != ST_OK)
		out->card_id[0] = '\0';
	st = token_change_pin(card, old_pin, new_pin, &out->tries_left, e);
	token_disconnect(card);
	if (st == ST_AUTH)
		return err_set(e, ST_AUTH, "原 PIN 错误，还可尝试 %d 次。PIN 没有改变。", out->tries_left);
	if (st == ST_LOCKED)
		return err_set(e, ST_LOCKED, "PIN 已被锁定，不能修改，PIN 没有改变。请为申请人录入解锁申请，"
			       "经审核员受理后在柜台解锁。");
	if (st != ST_OK)
		return st;
	audit_key(svc, a, "key.pin_change", NULL, json_pack("{s:s}", "card_id", out->card_id));
	return ST_OK;
}
