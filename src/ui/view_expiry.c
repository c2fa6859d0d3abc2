/*
 * The expiry worklist (到期提醒, svc/lifecycle.h): tabs for certificates
 * expiring within 30, 60 or 90 days and for the expired ones counting down
 * to revocation (← →), filters by the applicant's office and by contacted
 * or not, a keyset-paged list soonest first. Enter opens a certificate
 * with its contacts history. On either: mark contacted with a note (F2),
 * send the SMS reminder (F5, after seeing its text), open the applicant
 * (F3).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/validate.h"
#include "svc/lifecycle.h"
#include "ui/searchlist.h"
#include "ui/view_form.h"
#include "ui/views.h"
#include "ui/views_admin.h"
#include "util/clock.h"
#include "util/utf8.h"

/* ---- shared: the note form, the reminder ---- */

static void local_day(const char *iso, char out[LC_DAY_MAX])
{
	time_t t;
	if (clock_parse_iso(iso, &t))
		lifecycle_local_day(t, out);
	else
		snprintf(out, LC_DAY_MAX, "%.10s", iso);
}

static int contact_save(struct form_view *fv, struct ui *ui)
{
	char *note = formw_get(&fv->w, "note");
	struct err e;
	err_clear(&e);
	enum status st = svc_lifecycle_contact(&ui->app->svc, &ui->actor, fv->ref, note ? note : "",
					       &e);
	free(note);
	if (st != ST_OK) {
		if (e.field[0])
			formw_show_err(&fv->w, &e);
		else
			formw_error(&fv->w, NULL, err_text(&e));
		return R_HANDLED | R_REDRAW;
	}
	ui_flash(ui, false, "已记录联系情况。");
	return R_HANDLED | R_CLOSE;
}

static void contact_open(struct ui *ui, const char *cert_id)
{
	struct lc_row r;
	struct err e;
	err_clear(&e);
	if (svc_lifecycle_get(&ui->app->svc, cert_id, &r, &e) != ST_OK) {
		dialog_message(ui, "无法记录", err_text(&e), true);
		return;
	}
	char holder[CERT_ATTR_MAX], phone[32], intro[512];
	lifecycle_holder(r.cn, r.org, holder, sizeof holder);
	mask_mobile(r.applicant_phone, phone);
	snprintf(intro, sizeof intro, "证书 %s（%s），申请人 %s %s。请写明如何联系、对方怎么说。",
		 r.serial, holder, r.applicant_name, phone);
	form_view_open_ref(ui, "expiry_contact", "记录联系", intro, contact_save, r.id, NULL);
}

/* The certificate a reminder dialog is about: one dialog at a time. */
static char remind_id[UUID_LEN + 1];

static int remind_cb(struct ui *ui, void *ctx, bool yes)
{
	(void)ctx;
	if (!yes)
		return R_HANDLED;
	struct lc_reminder out;
	struct err e;
	err_clear(&e);
	if (svc_lifecycle_remind(&ui->app->svc, ui->app->sms, &ui->actor, remind_id, &out, &e) !=
	    ST_OK) {
		char msg[600];
		snprintf(msg, sizeof msg, "%s%s%s", err_text(&e),
			 !ui->app->sms && ui->app->sms_error[0] ? "\n" : "",
			 !ui->app->sms ? ui->app->sms_error : "");
		dialog_message(ui, "未发送提醒短信", msg, true);
		return R_HANDLED;
	}
	ui_flash(ui, false, "提醒短信已发送到 %s。", out.phone_masked);
	return R_HANDLED;
}

static void remind_ask(struct ui *ui, const char *cert_id)
{
	struct lc_row r;
	struct err e;
	err_clear(&e);
	if (svc_lifecycle_get(&ui->app->svc, cert_id, &r, &e) != ST_OK) {
		dialog_message(ui, "无法发送", err_text(&e), true);
		return;
	}
	char holder[CERT_ATTR_MAX], phone[32], text[512], ask[1024];
	lifecycle_holder(r.cn, r.org, holder, sizeof holder);
	mask_mobile(r.applicant_phone, phone);
	lifecycle_reminder_text(holder, r.serial, r.not_after_t, clock_now(), text, sizeof text);
	snprintf(ask, sizeof ask, "向 %s %s 发送以下短信？\n\n%s", r.applicant_name, phone, text);
	snprintf(remind_id, sizeof remind_id, "%s", r.id);
	dialog_confirm(ui, "发送到期提醒短信", ask, remind_cb, NULL);
}

static void applicant_open(struct ui *ui, const char *cert_id)
{
	struct lc_row r;
	struct err e;
	err_clear(&e);
	if (svc_lifecycle_get(&ui->app->svc, cert_id, &r, &e) != ST_OK) {
		ui_flash(ui, true, "%s", err_text(&e));
		return;
	}
	if (!r.applicant_id[0]) {
		ui_flash(ui, true, "证书尚未绑定申请人。");
		return;
	}
	view_applicant_open(ui, r.applicant_id);
}

/* ---- one certificate ---- */

#define MAX_CONTACTS 64
#define DETAIL_LINES (24 + 3 * MAX_CONTACTS)

struct cert_view {
	struct view v;
	struct ui *ui;
	char id[UUID_LEN + 1];
	struct lc_row r;
	struct lc_contact contacts[MAX_CONTACTS];
	int ncontacts;
	char error[256];
	int top;
};

struct dline {
	char text[512];
	enum ui_style style;
};

static void cert_load(struct cert_view *cv)
{
	struct err e;
	err_clear(&e);
	cv->error[0] = '\0';
	cv->ncontacts = 0;
	if (svc_lifecycle_get(&cv->ui->app->svc, cv->id, &cv->r, &e) != ST_OK) {
		snprintf(cv->error, sizeof cv->error, "%s", err_text(&e));
		return;
	}
	int n = svc_lifecycle_contacts(&cv->ui->app->svc, cv->id, cv->contacts, MAX_CONTACTS, &e);
	if (n < 0)
		snprintf(cv->error, sizeof cv->error, "%s", err_text(&e));
	cv->ncontacts = n > 0 ? n : 0;
}

/* The screen's lines for this width; returns how many. */
static int cert_lines(const struct cert_view *cv, int cols, struct dline *out, int max)
{
	int n = 0;
#define LINE(st, ...)                                                                \
	do {                                                                         \
		if (n < max) {                                                       \
			snprintf(out[n].text, sizeof out[n].text, __VA_ARGS__);     \
			out[n++].style = (st);                                       \
		}                                                                    \
	} while (0)
	if (cv->error[0]) {
		LINE(S_ERROR, "%s", cv->error);
		return n;
	}
	const struct lc_row *r = &cv->r;
	time_t now = clock_now();
	char holder[CERT_ATTR_MAX], phone[32], from[LC_DAY_MAX], to[LC_DAY_MAX], standing[160];
	lifecycle_holder(r->cn, r->org, holder, sizeof holder);
	mask_mobile(r->applicant_phone, phone);
	local_day(r->not_before, from);
	local_day(r->not_after, to);
	lifecycle_standing(r->not_after_t, r->revoked_at, now, false, standing, sizeof standing);
	bool due = !r->revoked_at[0] && lifecycle_due(r->not_after_t, now);
	LINE(S_NORMAL, "持证单位/人  %s", holder);
	LINE(S_NORMAL, "证书序列号   %s（%s）", r->serial, r->algorithm);
	LINE(S_NORMAL, "颁发者       %s", r->issuer);
	LINE(S_NORMAL, "有效期       %s 至 %s", from, to);
	LINE(r->revoked_at[0] || due ? S_ERROR : r->not_after_t < now ? S_WARN : S_OK,
	     "状态         %s", standing);
	if (r->revoked_at[0] && r->revoke_reason[0])
		LINE(S_NORMAL, "注销原因     %s", r->revoke_reason);
	if (r->applicant_id[0])
		LINE(S_NORMAL, "申请人       %s  %s", r->applicant_name, phone);
	else
		LINE(S_DIM, "申请人       （尚未绑定）");
	if (r->bound_at[0]) {
		char bound[17];
		time_t t;
		if (clock_parse_iso(r->bound_at, &t))
			clock_local(t, bound);
		else
			snprintf(bound, sizeof bound, "%.16s", r->bound_at);
		LINE(S_DIM, "绑定         %s%s%s", bound, r->bound_by_name[0] ? "  " : "",
		     r->bound_by_name);
	}
	char number[64];
	if (svc_lifecycle_application_of(&cv->ui->app->svc, r->serial, number))
		LINE(S_OK, "已有申请单   %s 在办理（续费或注销），不再提醒", number);
	LINE(S_NORMAL, "%s", "");
	LINE(S_HEADER, "联系记录（%d 条，最近的在前）", cv->ncontacts);
	if (cv->ncontacts == 0)
		LINE(S_DIM, "  还没有联系过。F2 记录联系，F5 发送提醒短信。");
	for (int i = 0; i < cv->ncontacts; i++) {
		const struct lc_contact *c = &cv->contacts[i];
		char when[17];
		time_t t;
		if (clock_parse_iso(c->created_at, &t))
			clock_local(t, when);
		else
			snprintf(when, sizeof when, "%.16s", c->created_at);
		bool sms = strcmp(c->kind, "sms") == 0;
		char text[1400];
		snprintf(text, sizeof text, "%s  %s  %s：%s", when,
			 c->created_by_name[0] ? c->created_by_name : "（其他终端）",
			 sms ? "提醒短信" : "联系", c->note);
		char wrapped[8][256];
		int nw = ui_wrap(text, cols - 4 > 8 ? cols - 4 : 8, wrapped, 8);
		for (int j = 0; j < nw; j++)
			LINE(sms ? S_DIM : S_NORMAL, "%s%s", j ? "    " : "  ", wrapped[j]);
	}
#undef LINE
	return n;
}

static void cert_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct cert_view *cv = (struct cert_view *)v;
	static struct dline lines[DETAIL_LINES];
	int n = cert_lines(cv, COLS - 4, lines, DETAIL_LINES);
	int y = ui_body_top() + 1, h = LINES - 2 - y;
	if (h < 1)
		return;
	if (cv->top > n - h)
		cv->top = n - h > 0 ? n - h : 0;
	for (int i = 0; i < h && cv->top + i < n; i++) {
		const struct dline *l = &lines[cv->top + i];
		attrset(l->style == S_HEADER ? ui_style(S_HEADER) | A_BOLD : ui_style(l->style));
		ui_text(y + i, 2, COLS - 4, true, l->text);
		attrset(A_NORMAL);
	}
	if (n > h) {
		char pos[48];
		snprintf(pos, sizeof pos, "%d/%d 行", cv->top + 1, n);
		attrset(ui_style(S_DIM));
		ui_text(y - 1, COLS - 2 - utf8_width(pos), utf8_width(pos), false, pos);
		attrset(A_NORMAL);
	}
}

static int cert_key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct cert_view *cv = (struct cert_view *)v;
	if (!k->fn)
		return R_NONE;
	int page = LINES - 4 - ui_body_top();
	switch (k->code) {
	case KEY_DOWN: cv->top++; break;
	case KEY_UP: cv->top--; break;
	case KEY_NPAGE: cv->top += page > 1 ? page : 1; break;
	case KEY_PPAGE: cv->top -= page > 1 ? page : 1; break;
	case KEY_HOME: cv->top = 0; break;
	default: return R_NONE;
	}
	if (cv->top < 0)
		cv->top = 0;
	return R_HANDLED | R_REDRAW;
}

static int cert_action(struct view *v, struct ui *ui, enum action a)
{
	struct cert_view *cv = (struct cert_view *)v;
	switch (a) {
	case ACT_CONTACTED:
		contact_open(ui, cv->id);
		return R_HANDLED;
	case ACT_REMIND:
		remind_ask(ui, cv->id);
		return R_HANDLED;
	case ACT_APPLICANT:
		applicant_open(ui, cv->id);
		return R_HANDLED;
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void cert_resume(struct view *v, struct ui *ui)
{
	(void)ui;
	cert_load((struct cert_view *)v);
}

static void cert_free(struct view *v)
{
	free(v);
}

static const enum action cert_actions[] = { ACT_CONTACTED, ACT_REMIND, ACT_APPLICANT, ACT_BACK,
					    ACT_NONE };
static const struct view_ops cert_ops = {
	.name = "expiry_cert", .actions = cert_actions, .draw = cert_draw, .key = cert_key,
	.action = cert_action, .resume = cert_resume, .free = cert_free,
};

static void cert_open(struct ui *ui, const char *id)
{
	struct cert_view *cv = calloc(1, sizeof *cv);
	if (!cv)
		return;
	cv->v.ops = &cert_ops;
	cv->ui = ui;
	snprintf(cv->id, sizeof cv->id, "%s", id);
	cert_load(cv);
	snprintf(cv->v.title, sizeof cv->v.title, "证书 %s", cv->r.serial[0] ? cv->r.serial : "");
	ui_push(ui, &cv->v);
}

/* ---- the worklist ---- */

struct expiry_view {
	struct view v;
	struct ui *ui;
	struct searchlist sl;
	enum lc_window w;
	struct lc_filter f;
	long counts[LC__WINDOWS];
};

static const struct listw_col cols[] = {
	{ "到期日", 11, false },
	{ "状态", 15, false },
	{ "持证单位/人", 14, false },
	{ "申请人", 17, false },
	{ "序列号", 8, false },
	{ "最近联系", 0, false },
};

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct expiry_view *ev = ctx;
	struct lc_row *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_lifecycle_page(&ev->ui->app->svc, &ev->f, dir, key, buf, n, e);
	time_t now = clock_now();
	for (int i = 0; i < got; i++) {
		const struct lc_row *c = &buf[i];
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		lifecycle_repo_key(c, r->key);
		snprintf(r->id, sizeof r->id, "%s", c->id);
		char day[LC_DAY_MAX], phone[32];
		local_day(c->not_after, day);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", day);
		lifecycle_standing(c->not_after_t, c->revoked_at, now, true, r->cell[1],
				   sizeof r->cell[1]);
		lifecycle_holder(c->cn, c->org, r->cell[2], sizeof r->cell[2]);
		mask_mobile(c->applicant_phone, phone);
		snprintf(r->cell[3], sizeof r->cell[3], "%s %s", c->applicant_name, phone);
		/* The end of a serial tells certificates apart; the detail has it all. */
		size_t len = strlen(c->serial);
		snprintf(r->cell[4], sizeof r->cell[4], "%s%s", len > 7 ? "…" : "",
			 len > 7 ? c->serial + len - 6 : c->serial);
		if (c->last_contact_at[0]) {
			char last[LC_DAY_MAX];
			local_day(c->last_contact_at, last);
			snprintf(r->cell[5], sizeof r->cell[5], "%s %s", last + 5,
				 strcmp(c->last_contact_kind, "sms") == 0 ? "短信" : "联系");
		} else {
			snprintf(r->cell[5], sizeof r->cell[5], "%s", c->contacted ? "已联系" : "—");
		}
		long left = cert_floor_days((long long)c->not_after_t - (long long)now);
		r->style = lifecycle_due(c->not_after_t, now) ? S_ERROR
			 : c->not_after_t < now || left < 7 ? S_WARN : S_NORMAL;
	}
	free(buf);
	return got;
}

/* Reload the list; the tabs' counts too unless only the tab changed (they
 * do not depend on it, and counting is the costly part: about 0.1 s for
 * 50,000 certificates within 90 days). */
static void reload_tab(struct expiry_view *ev, bool keep, bool count)
{
	lc_filter_window(&ev->f, ev->w);
	if (count)
		svc_lifecycle_counts(&ev->ui->app->svc, &ev->f, ev->counts);
	snprintf(ev->sl.list.empty, sizeof ev->sl.list.empty,
		 ev->w == LC_EXPIRED ? "没有已过期待续费的证书" : "没有%s到期的证书",
		 lc_window_label(ev->w));
	listw_reload(&ev->sl.list, keep);
}

static void reload(struct expiry_view *ev, bool keep)
{
	reload_tab(ev, keep, true);
}

static void read_filter(struct expiry_view *ev)
{
	char *office = formw_get(&ev->sl.bar, "office");
	char *contacted = formw_get(&ev->sl.bar, "contacted");
	bool all = office && strcmp(office, "all") == 0;
	snprintf(ev->f.office_id, sizeof ev->f.office_id, "%s", all ? "" : ev->ui->actor.office_id);
	ev->f.contacted = contacted && strcmp(contacted, "yes") == 0 ? LC_CONTACT_DONE
			: contacted && strcmp(contacted, "no") == 0 ? LC_CONTACT_NOT : LC_CONTACT_ANY;
	free(office);
	free(contacted);
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct expiry_view *ev = (struct expiry_view *)v;
	int y = ui_body_top() + 1, x = 2;
	for (int w = 0; w < LC__WINDOWS; w++) {
		char tab[64];
		if (ev->counts[w] >= 0)
			snprintf(tab, sizeof tab, " %s %ld ", lc_window_label((enum lc_window)w),
				 ev->counts[w]);
		else
			snprintf(tab, sizeof tab, " %s ", lc_window_label((enum lc_window)w));
		attrset(w == (int)ev->w ? ui_style(S_SELECT) : A_NORMAL);
		x += ui_text(y, x, COLS - x, false, tab);
		attrset(A_NORMAL);
		x += 1;
	}
	attrset(ui_style(S_DIM));
	ui_text(y, x + 1, COLS - x - 3, true, "← → 切换");
	attrset(A_NORMAL);
	searchlist_draw(&ev->sl, y + 2);
}

static void switch_window(struct expiry_view *ev, int delta)
{
	ev->w = (enum lc_window)(((int)ev->w + delta + LC__WINDOWS) % LC__WINDOWS);
	reload_tab(ev, false, false);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct expiry_view *ev = (struct expiry_view *)v;
	if (!ev->sl.in_bar && k->fn && (k->code == KEY_RIGHT || k->code == KEY_LEFT)) {
		switch_window(ev, k->code == KEY_RIGHT ? 1 : -1);
		return R_HANDLED;
	}
	bool run, open;
	int r = searchlist_key(&ev->sl, k, &run, &open);
	if (run && formw_validate(&ev->sl.bar)) {
		read_filter(ev);
		reload(ev, false);
		if (ev->sl.list.nrows)
			ev->sl.in_bar = false;
	}
	if (open)
		cert_open(ui, listw_selected(&ev->sl.list)->id);
	return r;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct expiry_view *ev = (struct expiry_view *)v;
	const struct listw_row *row = listw_selected(&ev->sl.list);
	switch (a) {
	case ACT_OPEN:
		if (row)
			cert_open(ui, row->id);
		return R_HANDLED;
	case ACT_CONTACTED:
	case ACT_REMIND:
	case ACT_APPLICANT:
		if (!row) {
			ui_flash(ui, true, "请先在列表中选择一张证书。");
			return R_HANDLED;
		}
		if (a == ACT_CONTACTED)
			contact_open(ui, row->id);
		else if (a == ACT_REMIND)
			remind_ask(ui, row->id);
		else
			applicant_open(ui, row->id);
		return R_HANDLED;
	case ACT_SEARCH:
		searchlist_focus_bar(&ev->sl);
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
	reload((struct expiry_view *)v, true);
}

static void destroy(struct view *v)
{
	struct expiry_view *ev = (struct expiry_view *)v;
	searchlist_done(&ev->sl);
	free(ev);
}

static const enum action actions[] = { ACT_OPEN, ACT_CONTACTED, ACT_REMIND, ACT_APPLICANT,
				       ACT_SEARCH, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "expiry", .actions = actions, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_expiry_open(struct ui *ui)
{
	struct expiry_view *ev = calloc(1, sizeof *ev);
	if (!ev)
		return;
	ev->v.ops = &ops;
	ev->ui = ui;
	ev->w = LC_WITHIN_30;
	snprintf(ev->v.title, sizeof ev->v.title, "到期提醒");
	snprintf(ev->f.office_id, sizeof ev->f.office_id, "%s", ui->actor.office_id);
	struct listw_source src = { fetch, NULL, ev };
	searchlist_init(&ev->sl, "expiry_filter", &src, cols, 6, "");
	reload(ev, false);
	/* Straight to the list; the first tab with something in it. */
	for (int w = 0; w < LC__WINDOWS && ev->sl.list.nrows == 0; w++) {
		if (ev->counts[w] > 0) {
			ev->w = (enum lc_window)w;
			reload_tab(ev, false, false);
		}
	}
	ev->sl.in_bar = ev->sl.list.nrows == 0;
	ui_push(ui, &ev->v);
}
