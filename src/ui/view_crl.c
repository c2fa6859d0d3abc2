/*
 * Revocation lookup (吊销查询, svc/crl.h): what list is in force (and, in
 * red, when it is stale or missing), a serial to look up with its answer
 * below it, and the known certificates the list revokes, latest first.
 * F5 fetches the list from crl.url, F6 imports it from a file; both check
 * its signature against crl.issuer_cert before anything changes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/crl.h"
#include "ui/searchlist.h"
#include "ui/view_form.h"
#include "ui/views_admin.h"
#include "util/clock.h"

struct crl_view {
	struct view v;
	struct ui *ui;
	struct searchlist sl;          /* the serial, over the revoked known certificates */
	struct crl_status status;
	bool answered;
	struct crl_answer answer;
	char error[256];               /* why the status could not be read */
};

static const struct listw_col cols[] = {
	{ "吊销时间", 17, false },
	{ "原因", 12, false },
	{ "序列号", 20, false },
	{ "持证单位/个人", 0, false },
};

static void local(const char *iso, char out[17])
{
	time_t t;
	if (iso && *iso && clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		snprintf(out, 17, "（未注明）");
}

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct crl_view *cv = ctx;
	struct crl_cert *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_crl_marked_page(&cv->ui->app->svc, dir, key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		svc_crl_marked_key(&buf[i], r->key, sizeof r->key);
		snprintf(r->id, sizeof r->id, "%s", buf[i].id);
		local(buf[i].crl_revoked_at, r->cell[0]);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", crl_reason_label(buf[i].crl_reason));
		snprintf(r->cell[2], sizeof r->cell[2], "%s", buf[i].serial);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", buf[i].subject_name);
	}
	free(buf);
	return got;
}

static long count(void *ctx)
{
	return svc_crl_marked_count(&((struct crl_view *)ctx)->ui->app->svc);
}

static void load(struct crl_view *cv)
{
	struct err e;
	err_clear(&e);
	if (svc_crl_status(&cv->ui->app->svc, &cv->status, &e) != ST_OK)
		snprintf(cv->error, sizeof cv->error, "%s", err_text(&e));
	else
		cv->error[0] = '\0';
}

static void look_up(struct crl_view *cv)
{
	char *serial = formw_get(&cv->sl.bar, "serial");
	struct err e;
	err_clear(&e);
	cv->answered = false;
	if (!serial[0])
		formw_error(&cv->sl.bar, "serial", "请输入证书序列号");
	else if (svc_crl_check(&cv->ui->app->svc, serial, &cv->answer, &e) != ST_OK)
		formw_error(&cv->sl.bar, "serial", err_text(&e));
	else
		cv->answered = true;
	free(serial);
}

/* ---- drawing ---- */

static int draw_status(const struct crl_view *cv, int y)
{
	const struct crl_status *s = &cv->status;
	int w = COLS - 4;
	char line[512], a[17], b[17];
	if (cv->error[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(y++, 2, w, true, cv->error);
		attrset(A_NORMAL);
		return y;
	}
	if (!s->have) {
		attrset(ui_style(S_ERROR));
		ui_text(y++, 2, w, true, s->warning);
		attrset(A_NORMAL);
		return y;
	}
	snprintf(line, sizeof line, "吊销列表：%s", s->info.issuer);
	attrset(ui_style(S_HEADER));
	ui_text(y++, 2, w, true, line);
	local(s->info.this_update, a);
	local(s->info.next_update, b);
	snprintf(line, sizeof line, "发布 %s · 下次更新 %s · 吊销记录 %ld 条", a,
		 s->info.next_update[0] ? b : "未注明", s->info.entries);
	attrset(A_NORMAL);
	ui_text(y++, 2, w, true, line);
	if (s->stale) {
		attrset(ui_style(S_ERROR) | A_BOLD);
		char lines[3][256];
		int n = ui_wrap(s->warning, w, lines, 3);
		for (int i = 0; i < n; i++)
			ui_text(y++, 2, w, false, lines[i]);
	} else {
		local(s->info.imported_at, a);
		snprintf(line, sizeof line, "%s 由%s导入，来源 %s", a,
			 s->info.imported_by_name[0] ? s->info.imported_by_name : "（本机未知的账户）",
			 s->info.source);
		attrset(ui_style(S_DIM));
		ui_text(y++, 2, w, true, line);
	}
	attrset(A_NORMAL);
	return y;
}

static int draw_answer(const struct crl_view *cv, int y)
{
	if (!cv->answered)
		return y;
	const struct crl_answer *a = &cv->answer;
	int w = COLS - 4;
	char line[512], when[17];
	if (a->listed) {
		local(a->hit.revoked_at, when);
		snprintf(line, sizeof line, "序列号 %s：已吊销（%s，原因：%s）", a->serial, when,
			 crl_reason_label(a->hit.reason));
		attrset(ui_style(S_ERROR) | A_BOLD);
	} else {
		local(a->status.info.this_update, when);
		snprintf(line, sizeof line, "序列号 %s：未被吊销（据 %s 发布的列表）%s", a->serial, when,
			 a->status.stale ? "，但列表已过期" : "");
		attrset(a->status.stale ? ui_style(S_WARN) : ui_style(S_OK));
	}
	ui_text(y++, 2, w, true, line);
	attrset(A_NORMAL);
	if (a->ncerts == 0) {
		attrset(ui_style(S_DIM));
		ui_text(y++, 4, w - 2, true, "本机没有这个序列号的证书。");
		attrset(A_NORMAL);
	}
	for (int i = 0; i < a->ncerts && i < 2; i++) {
		const struct crl_cert *c = &a->certs[i];
		char until[17], mark[160];
		local(c->not_after, until);
		svc_crl_mark_text(c->crl_revoked_at, c->crl_reason, mark, sizeof mark);
		bool same = strcmp(c->issuer, a->status.info.issuer) == 0;
		snprintf(line, sizeof line, "本机的证书：%s，有效期至 %s%s%s", c->subject_name, until,
			 mark[0] ? "，" : "", mark[0] ? mark : same ? "" : "（另一签发者，不受此列表影响）");
		ui_text(y++, 4, w - 2, true, line);
	}
	return y;
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct crl_view *cv = (struct crl_view *)v;
	int y = draw_status(cv, ui_body_top() + 1) + 1;
	y = formw_draw(&cv->sl.bar, y, 2, 3);
	if (!cv->sl.in_bar)
		ui_cursor(-1, -1);
	y = draw_answer(cv, y);
	if (cv->answered)
		y++;
	if (!cv->sl.in_bar && cv->sl.list.nrows == 0)
		cv->sl.in_bar = true;
	char head[128];
	long n = cv->sl.list.total;
	if (n >= 0)
		snprintf(head, sizeof head, "本机已知证书中被吊销的 %ld 张（最近吊销的在前）：", n);
	else
		snprintf(head, sizeof head, "本机已知证书中被吊销的（最近吊销的在前）：");
	attrset(ui_style(S_DIM));
	ui_text(y++, 2, COLS - 4, true, head);
	attrset(A_NORMAL);
	listw_draw(&cv->sl.list, y, 2, COLS - 4, LINES - 2 - y);
}

/* ---- keys and actions ---- */

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct crl_view *cv = (struct crl_view *)v;
	bool run, open;
	int r = searchlist_key(&cv->sl, k, &run, &open);
	if (run)
		look_up(cv);
	if (open) {
		/* A row: look its serial up. */
		const struct listw_row *row = listw_selected(&cv->sl.list);
		if (row) {
			formw_set(&cv->sl.bar, "serial", row->cell[2]);
			look_up(cv);
		}
	}
	return r;
}

static void after_import(struct ui *ui, const struct crl_result *r)
{
	char text[1024];
	int n = snprintf(text, sizeof text,
			 "已导入 %ld 条吊销记录；本机已知的证书中被它吊销的 %ld 张（本次新标记 %ld 张）。",
			 r->entries, r->marked, r->newly_marked);
	if (r->status.stale && n > 0 && (size_t)n < sizeof text)
		snprintf(text + n, sizeof text - (size_t)n, "\n\n注意：%s", r->status.warning);
	dialog_message(ui, "吊销列表已更新", text, r->status.stale);
}

static int file_save(struct form_view *fv, struct ui *ui)
{
	char *path = formw_get(&fv->w, "path");
	struct crl_result r;
	struct err e;
	err_clear(&e);
	ui_flash(ui, false, "正在导入并验签……");
	ui_draw_now(ui);
	enum status st = svc_crl_update_file(ui->app, &ui->actor, path, &r, &e);
	free(path);
	if (st != ST_OK) {
		/* The reasons are long (issuer names): a dialog shows them whole. */
		formw_error(&fv->w, "path", "未导入");
		ui->flash[0] = '\0';
		dialog_message(ui, "吊销列表未导入", err_text(&e), true);
		return R_HANDLED;
	}
	ui->flash[0] = '\0';
	after_import(ui, &r);  /* the dialog goes on top; this form leaves from under it */
	return R_HANDLED | R_CLOSE;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct crl_view *cv = (struct crl_view *)v;
	switch (a) {
	case ACT_CRL_UPDATE: {
		const char *url = config_get(&ui->app->cfg, "crl.url", "");
		if (!*url) {
			dialog_message(ui, "没有设置下载地址",
				       "请在数据目录的 certdesk.conf 中设置 crl.url（吊销列表的下载地址），"
				       "或按 F6 从文件导入。", true);
			return R_HANDLED;
		}
		ui_flash(ui, false, "正在下载吊销列表并验签……");
		ui_draw_now(ui);
		struct crl_result r;
		struct err e;
		err_clear(&e);
		enum status st = svc_crl_update_url(ui->app, &ui->actor, NULL, &r, &e);
		ui->flash[0] = '\0';
		if (st != ST_OK)
			dialog_message(ui, "吊销列表未更新", err_text(&e), true);
		else
			after_import(ui, &r);
		load(cv);
		listw_reload(&cv->sl.list, false);
		cv->answered = false;
		return R_HANDLED | R_REDRAW;
	}
	case ACT_CRL_FILE:
		form_view_open(ui, "file", "从文件导入吊销列表",
			       "认证机构发布的证书吊销列表文件（.crl，DER 或 PEM 格式）。"
			       "导入前用设置的签发者证书验签；签名不对或文件损坏时不导入，现有列表不变。",
			       false, file_save);
		return R_HANDLED;
	case ACT_SEARCH:
		searchlist_focus_bar(&cv->sl);
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
	struct crl_view *cv = (struct crl_view *)v;
	load(cv);
	listw_reload(&cv->sl.list, false);
	cv->answered = false;
}

static void destroy(struct view *v)
{
	struct crl_view *cv = (struct crl_view *)v;
	searchlist_done(&cv->sl);
	free(cv);
}

static const enum action actions[] = { ACT_CRL_UPDATE, ACT_CRL_FILE, ACT_SEARCH, ACT_BACK,
				       ACT_NONE };
static const struct view_ops ops = {
	.name = "crl", .actions = actions, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_crl_open(struct ui *ui)
{
	struct crl_view *cv = calloc(1, sizeof *cv);
	if (!cv)
		return;
	cv->v.ops = &ops;
	cv->ui = ui;
	snprintf(cv->v.title, sizeof cv->v.title, "吊销查询");
	struct listw_source src = { fetch, count, cv };
	searchlist_init(&cv->sl, "crl_lookup", &src, cols, 4, "本机已知的证书中没有被吊销的");
	load(cv);
	listw_reload(&cv->sl.list, false);
	ui_push(ui, &cv->v);
}
