/*
 * The office's stock of blank KEYs (KEY 库存, svc/stock.h): the ledger's
 * counts at the top, a search bar (serial or its beginning, state) over
 * the KEYs in serial order. F3 receives a batch (a range of serials or a
 * scanner's list file), F5 takes a KEY back damaged, F7 returns KEYs to
 * the centre (supervisors), Enter shows a KEY. Issuing happens where the
 * certificate is made (the application's "made" step).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/stock.h"
#include "ui/searchlist.h"
#include "ui/view_form.h"
#include "ui/views_admin.h"
#include "util/clock.h"
#include "util/fs.h"

struct stock_view {
	struct view v;
	struct ui *ui;
	struct searchlist sl;
	char prefix[KEY_SERIAL_MAX];
	int state;                     /* enum stock_state, or -1 for all */
	struct stock_ledger ledger;
	char error[256];               /* why the ledger could not be read */
};

static const struct listw_col cols[] = {
	{ "KEY 序列号", 18, false },
	{ "状态", 7, false },
	{ "入库时间", 17, false },
	{ "申请单", 25, false },
	{ "备注", 0, false },
};

static void local(const char *iso, char *out, size_t outsz)
{
	time_t t;
	char buf[17];
	if (iso && *iso && clock_parse_iso(iso, &t)) {
		clock_local(t, buf);
		snprintf(out, outsz, "%s", buf);
	} else {
		snprintf(out, outsz, "-");
	}
}

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct stock_view *sv = ctx;
	struct stock_key *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_stock_page(&sv->ui->app->svc, &sv->ui->actor, sv->state, sv->prefix, dir, key,
				 buf, n, e);
	for (int i = 0; i < got; i++) {
		const struct stock_key *k = &buf[i];
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", k->serial);
		snprintf(r->id, sizeof r->id, "%s", k->serial);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", k->serial);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", stock_state_label(k->state));
		local(k->received_at, r->cell[2], sizeof r->cell[2]);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", k->app_number[0] ? k->app_number : "-");
		bool noted = k->state == STOCK_DAMAGED || k->state == STOCK_RETURNED;
		snprintf(r->cell[4], sizeof r->cell[4], "%s", noted ? k->last_note : "");
		r->style = k->state == STOCK_DAMAGED    ? S_WARN
			 : k->state == STOCK_RETURNED ? S_DIM
						      : S_NORMAL;
	}
	free(buf);
	return got;
}

static long count(void *ctx)
{
	struct stock_view *sv = ctx;
	return svc_stock_count(&sv->ui->app->svc, &sv->ui->actor, sv->state, sv->prefix);
}

static void load_ledger(struct stock_view *sv)
{
	struct err e;
	err_clear(&e);
	if (svc_stock_ledger(&sv->ui->app->svc, &sv->ui->actor, NULL, &sv->ledger, &e) != ST_OK)
		snprintf(sv->error, sizeof sv->error, "%s", err_text(&e));
	else
		sv->error[0] = '\0';
}

static void run_search(struct stock_view *sv)
{
	char *q = formw_get(&sv->sl.bar, "serial"), *s = formw_get(&sv->sl.bar, "state");
	snprintf(sv->prefix, sizeof sv->prefix, "%s", q ? q : "");
	key_serial_normalize(sv->prefix);
	enum stock_state st;
	sv->state = s && stock_state_parse(s, &st) ? (int)st : -1;
	free(q);
	free(s);
	snprintf(sv->sl.list.empty, sizeof sv->sl.list.empty, "%s",
		 sv->prefix[0] || sv->state >= 0 ? "没有符合条件的 KEY" : "本受理点的台账上还没有 KEY：按 F3 入库");
	listw_reload(&sv->sl.list, false);
	if (sv->sl.list.error[0])
		formw_error(&sv->sl.bar, "serial", sv->sl.list.error);
	else if (sv->sl.list.nrows > 0)
		sv->sl.in_bar = false;
}

static void draw(struct view *v, struct ui *ui)
{
	struct stock_view *sv = (struct stock_view *)v;
	const struct stock_ledger *g = &sv->ledger;
	int y = ui_body_top() + 1;
	char line[256];
	snprintf(line, sizeof line, "%s %s · 在库 %ld · 已发放 %ld · 已损坏 %ld · 已退回 %ld · 合计 %ld",
		 ui->term.office_code, ui->term.office_name, g->state[STOCK_IN_STOCK],
		 g->state[STOCK_ISSUED], g->state[STOCK_DAMAGED], g->state[STOCK_RETURNED], g->total);
	attrset(ui_style(S_HEADER));
	ui_text(y++, 2, COLS - 4, true, line);
	snprintf(line, sizeof line, "今日：入库 %ld · 发放 %ld · 收回损坏 %ld · 退回中心 %ld",
		 g->today[MOVE_RECEIVE], g->today[MOVE_ISSUE], g->today[MOVE_DAMAGE],
		 g->today[MOVE_RETURN]);
	attrset(ui_style(S_DIM));
	ui_text(y++, 2, COLS - 4, true, line);
	if (sv->error[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y++, 2, COLS - 4, true, sv->error);
	}
	attrset(A_NORMAL);
	searchlist_draw(&sv->sl, y + 1);
}

static void show_key(struct ui *ui, const char *serial)
{
	struct stock_key k;
	struct err e;
	err_clear(&e);
	if (svc_stock_get(&ui->app->svc, serial, &k, &e) != ST_OK) {
		ui_flash(ui, true, "%s", err_text(&e));
		return;
	}
	char text[1024], at[17], upd[17];
	local(k.received_at, at, sizeof at);
	local(k.updated_at, upd, sizeof upd);
	int n = snprintf(text, sizeof text, "状态：%s\n受理点：%s\n入库：%s\n最近变动：%s",
			 stock_state_label(k.state), k.office_code, at, upd);
	if (k.state != STOCK_IN_STOCK && k.last_note[0] && n > 0 && (size_t)n < sizeof text)
		n += snprintf(text + n, sizeof text - (size_t)n, "（%s）", k.last_note);
	if (k.app_number[0] && n > 0 && (size_t)n < sizeof text)
		snprintf(text + n, sizeof text - (size_t)n, "\n申请单：%s%s", k.app_number,
			 k.state == STOCK_ISSUED ? "" : "（已收回）");
	char title[64];
	snprintf(title, sizeof title, "KEY %s", k.serial);
	dialog_message(ui, title, text, false);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct stock_view *sv = (struct stock_view *)v;
	bool run, open;
	int r = searchlist_key(&sv->sl, k, &run, &open);
	if (run)
		run_search(sv);
	if (open)
		show_key(ui, listw_selected(&sv->sl.list)->id);
	return r;
}

/* ---- the forms ---- */

/* The serials of the batch form (range and/or list file), finished; on a
 * bad entry the message goes beside its field and false is returned. */
static bool batch_keys(struct form_view *fv, struct key_list *l)
{
	char *first = formw_get(&fv->w, "first"), *last = formw_get(&fv->w, "last"),
	     *file = formw_get(&fv->w, "file");
	struct err e;
	err_clear(&e);
	key_list_init(l);
	bool ok = true;
	if (first[0] || last[0]) {
		if (!first[0]) {
			formw_error(&fv->w, "first", "请填写起始序列号");
			ok = false;
		} else if (key_list_add_range(l, first, last[0] ? last : first, STOCK_BATCH_MAX, &e) !=
			   ST_OK) {
			formw_error(&fv->w, last[0] ? "last" : "first", err_text(&e));
			ok = false;
		}
	}
	if (ok && file[0]) {
		char *text = NULL;
		size_t len = 0;
		enum status st = fs_read_all(file, 1u << 20, &text, &len, &e);
		if (st == ST_NOT_FOUND)
			err_set(&e, st, "找不到文件 %s", file);
		if (st == ST_OK && strlen(text) != len)
			st = err_set(&e, ST_INVALID, "清单文件含有空字节，不是文本文件");
		if (st == ST_OK)
			st = key_list_parse(l, text, STOCK_BATCH_MAX, &e);
		free(text);
		if (st != ST_OK) {
			formw_error(&fv->w, "file", err_text(&e));
			ok = false;
		}
	}
	if (ok && l->n == 0) {
		formw_error(&fv->w, "first", "请填写序列号，或清单文件");
		ok = false;
	}
	if (ok && key_list_finish(l, &e) != ST_OK) {
		formw_error(&fv->w, file[0] ? "file" : "first", err_text(&e));
		ok = false;
	}
	free(first);
	free(last);
	free(file);
	if (!ok)
		key_list_done(l);
	return ok;
}

static void said(struct ui *ui, const char *what, const struct key_list *l)
{
	if (l->n == 1)
		ui_flash(ui, false, "%s KEY %s", what, l->serial[0]);
	else
		ui_flash(ui, false, "%s %d 个 KEY：%s 至 %s", what, l->n, l->serial[0],
			 l->serial[l->n - 1]);
}

static int batch_save(struct form_view *fv, struct ui *ui, bool giving_back)
{
	struct key_list l;
	if (!batch_keys(fv, &l))
		return R_HANDLED;
	char *note = formw_get(&fv->w, "note");
	struct err e;
	err_clear(&e);
	enum status st = giving_back ? svc_stock_return(&ui->app->svc, &ui->actor, &l, note, &e)
				     : svc_stock_receive(&ui->app->svc, &ui->actor, &l, note, NULL, &e);
	free(note);
	if (st == ST_OK)
		said(ui, giving_back ? "已退回中心" : "已入库", &l);
	key_list_done(&l);
	if (st != ST_OK) {
		if (strcmp(e.field, "note") == 0)
			formw_show_err(&fv->w, &e);
		else
			formw_error(&fv->w, NULL, err_text(&e));
		return R_HANDLED;
	}
	return R_HANDLED | R_CLOSE;
}

static int receive_save(struct form_view *fv, struct ui *ui)
{
	return batch_save(fv, ui, false);
}

static int return_save(struct form_view *fv, struct ui *ui)
{
	return batch_save(fv, ui, true);
}

static int damage_save(struct form_view *fv, struct ui *ui)
{
	char *serial = formw_get(&fv->w, "key_serial"), *note = formw_get(&fv->w, "note");
	struct err e;
	err_clear(&e);
	enum status st = svc_stock_damage(&ui->app->svc, &ui->actor, serial, note, &e);
	if (st == ST_OK) {
		key_serial_normalize(serial);
		ui_flash(ui, false, "已登记 KEY %s 损坏", serial);
	}
	free(serial);
	free(note);
	if (st != ST_OK) {
		formw_show_err(&fv->w, &e);
		return R_HANDLED;
	}
	return R_HANDLED | R_CLOSE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct stock_view *sv = (struct stock_view *)v;
	const struct listw_row *row = listw_selected(&sv->sl.list);
	struct form_view *fv;
	switch (a) {
	case ACT_RECEIVE:
		form_view_open(ui, "stock_batch", "KEY 入库",
			       "登记收到的一批空白 KEY：填起止序列号（前缀相同、末尾数字连续），"
			       "或扫描枪扫出的清单文件（每行一个序列号），或两者都填。"
			       "任何一个 KEY 已在台账上，这一批都不入库。",
			       false, receive_save);
		return R_HANDLED;
	case ACT_DAMAGE:
		fv = form_view_open(ui, "stock_damage", "登记 KEY 损坏",
				    "库存中发现的坏 KEY，或申请人交回的坏 KEY（其申请单可另发一个）。",
				    false, damage_save);
		if (fv && row && !sv->sl.in_bar)
			formw_set(&fv->w, "key_serial", row->id);
		return R_HANDLED;
	case ACT_RETURN_KEYS:
		if (!actor_can(&ui->actor, ROLE_SUPERVISOR)) {
			ui_flash(ui, true, "退回中心须由审核员办理");
			return R_HANDLED;
		}
		fv = form_view_open(ui, "stock_batch", "KEY 退回中心",
				    "把在库或已损坏的 KEY 退回中心：填起止序列号或清单文件，"
				    "备注写明运单号或交接人。任何一个 KEY 不能退回，这一批都不退回。",
				    false, return_save);
		if (fv && row && !sv->sl.in_bar)
			formw_set(&fv->w, "first", row->id);
		return R_HANDLED;
	case ACT_SEARCH:
		searchlist_focus_bar(&sv->sl);
		return R_HANDLED;
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void resume(struct view *v, struct ui *ui)
{
	(void)ui;
	struct stock_view *sv = (struct stock_view *)v;
	load_ledger(sv);
	listw_reload(&sv->sl.list, true);
}

static void destroy(struct view *v)
{
	struct stock_view *sv = (struct stock_view *)v;
	searchlist_done(&sv->sl);
	free(sv);
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	(void)v;
	static const enum action super[] = { ACT_RECEIVE, ACT_DAMAGE, ACT_RETURN_KEYS, ACT_SEARCH,
					     ACT_BACK, ACT_NONE };
	static const enum action clerk[] = { ACT_RECEIVE, ACT_DAMAGE, ACT_SEARCH, ACT_BACK,
					     ACT_NONE };
	return actor_can(&ui->actor, ROLE_SUPERVISOR) ? super : clerk;
}

static const struct view_ops ops = {
	.name = "stock", .actions_now = actions_now, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_stock_open(struct ui *ui)
{
	struct stock_view *sv = calloc(1, sizeof *sv);
	if (!sv)
		return;
	sv->v.ops = &ops;
	sv->ui = ui;
	sv->state = -1;
	snprintf(sv->v.title, sizeof sv->v.title, "KEY 库存");
	struct listw_source src = { fetch, count, sv };
	searchlist_init(&sv->sl, "stock_search", &src, cols, 5,
			"本受理点的台账上还没有 KEY：按 F3 入库");
	load_ledger(sv);
	listw_reload(&sv->sl.list, false);
	ui_push(ui, &sv->v);
}
