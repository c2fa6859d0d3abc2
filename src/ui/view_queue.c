/* The supervisor's queues: what waits longest first, waiting time coloured
 * against the target, filters, bulk acceptance and export. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
#include <unistd.h>

#include "model/validate.h"
#include "svc/review.h"
#include "svc/staff.h"
#include "ui/searchlist.h"
#include "ui/views.h"
#include "util/clock.h"
#include "util/csv.h"
#include "util/fs.h"
#include "util/utf8.h"

#define MAX_CHOSEN 256
#define MAX_STAFF 128
#define MAX_OFFICES 64

struct queue_view {
	struct view v;
	struct ui *ui;
	struct searchlist sl;
	enum queue q;
	struct queue_filter f;
	long counts[QUEUE__COUNT];
	char chosen[MAX_CHOSEN][UUID_LEN + 1];
	int nchosen;
	struct staff staff[MAX_STAFF];
	int nstaff;
	double target_hours;
};

static const struct listw_col cols[] = {
	{ "    申请单号", 30, false },
	{ "持证单位/人", 16, false },
	{ "业务", 10, false },
	{ "受理员", 8, false },
	{ "等待", 0, false },
};

static bool is_chosen(const struct queue_view *qv, const char *id)
{
	for (int i = 0; i < qv->nchosen; i++)
		if (strcmp(qv->chosen[i], id) == 0)
			return true;
	return false;
}

static const char *staff_name(const struct queue_view *qv, const char *id)
{
	for (int i = 0; i < qv->nstaff; i++)
		if (strcmp(qv->staff[i].id, id) == 0)
			return qv->staff[i].name;
	return "—";
}

/* Hours between two times that fall on working days (Monday to Friday). */
static double working_hours(time_t from, time_t to)
{
	double secs = 0;
	for (time_t t = from; t < to;) {
		struct tm tm;
		localtime_r(&t, &tm);
		struct tm next = tm;
		next.tm_hour = next.tm_min = next.tm_sec = 0;
		next.tm_mday++;
		next.tm_isdst = -1;
		time_t end = mktime(&next);
		if (end > to)
			end = to;
		if (tm.tm_wday != 0 && tm.tm_wday != 6)
			secs += difftime(end, t);
		t = end;
	}
	return secs / 3600.0;
}

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct queue_view *qv = ctx;
	struct application *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_queue_page(&qv->ui->app->svc, qv->q, &qv->f, dir, key, buf, n, e);
	time_t now = clock_now();
	for (int i = 0; i < got; i++) {
		const struct application *a = &buf[i];
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		svc_queue_key(a, r->key, sizeof r->key);
		snprintf(r->id, sizeof r->id, "%s", a->id);
		snprintf(r->cell[0], sizeof r->cell[0], "[%s] %s", is_chosen(qv, a->id) ? "x" : " ",
			 a->number);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", a->holder_name);
		snprintf(r->cell[2], sizeof r->cell[2], "%s%s", a->subject == SUBJECT_ENTERPRISE
			 ? "企业" : "个人", app_kind_label(a->kind));
		snprintf(r->cell[3], sizeof r->cell[3], "%s", staff_name(qv, a->created_by));
		time_t sub;
		if (clock_parse_iso(a->submitted_at, &sub)) {
			double h = working_hours(sub, now);
			long days = (long)(h / 24), hours = (long)h % 24;
			if (days > 0)
				snprintf(r->cell[4], sizeof r->cell[4], "%ld 个工作日 %ld 小时", days, hours);
			else
				snprintf(r->cell[4], sizeof r->cell[4], "%ld 小时", hours);
			r->style = h > 2 * qv->target_hours ? S_ERROR
				 : h > qv->target_hours ? S_WARN : S_NORMAL;
		}
	}
	free(buf);
	return got;
}

static void reload_queue(struct queue_view *qv, bool keep)
{
	svc_queue_counts(&qv->ui->app->svc, &qv->f, qv->counts);
	snprintf(qv->sl.list.empty, sizeof qv->sl.list.empty, "“%s”队列是空的", queue_label(qv->q));
	listw_reload(&qv->sl.list, keep);
}

static void read_filter(struct queue_view *qv)
{
	static const char *const ids[] = { "clerk", "kind", "from", "to", "office" };
	char *v[5];
	for (int i = 0; i < 5; i++)
		v[i] = formw_get(&qv->sl.bar, ids[i]);
	snprintf(qv->f.created_by, sizeof qv->f.created_by, "%s", v[0] ? v[0] : "");
	snprintf(qv->f.kind, sizeof qv->f.kind, "%s", v[1] ? v[1] : "");
	snprintf(qv->f.from, sizeof qv->f.from, "%s", v[2] ? v[2] : "");
	snprintf(qv->f.to, sizeof qv->f.to, "%s", v[3] ? v[3] : "");
	snprintf(qv->f.office_id, sizeof qv->f.office_id, "%s", v[4] ? v[4] : "");
	for (int i = 0; i < 5; i++)
		free(v[i]);
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct queue_view *qv = (struct queue_view *)v;
	int y = ui_body_top() + 1, x = 2;
	for (int q = 0; q < QUEUE__COUNT; q++) {
		char tab[64];
		if (qv->counts[q] >= 0)
			snprintf(tab, sizeof tab, " %s %ld ", queue_label((enum queue)q), qv->counts[q]);
		else
			snprintf(tab, sizeof tab, " %s ", queue_label((enum queue)q));
		attrset(q == (int)qv->q ? ui_style(S_SELECT) : A_NORMAL);
		x += ui_text(y, x, COLS - x, false, tab);
		attrset(A_NORMAL);
		x += 1;
	}
	char info[160];
	snprintf(info, sizeof info, "已选 %d 份", qv->nchosen);
	ui_text(y, COLS - 14, 12, true, qv->nchosen ? info : "");
	searchlist_draw(&qv->sl, y + 2);
}

static void toggle(struct queue_view *qv, const char *id)
{
	for (int i = 0; i < qv->nchosen; i++)
		if (strcmp(qv->chosen[i], id) == 0) {
			memmove(qv->chosen[i], qv->chosen[i + 1],
				sizeof qv->chosen[0] * (size_t)(qv->nchosen - i - 1));
			qv->nchosen--;
			return;
		}
	if (qv->nchosen < MAX_CHOSEN)
		snprintf(qv->chosen[qv->nchosen++], UUID_LEN + 1, "%s", id);
}

static void switch_queue(struct queue_view *qv, int delta)
{
	qv->q = (enum queue)(((int)qv->q + delta + QUEUE__COUNT) % QUEUE__COUNT);
	qv->nchosen = 0;
	reload_queue(qv, false);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct queue_view *qv = (struct queue_view *)v;
	if (!qv->sl.in_bar) {
		if (k->fn && (k->code == KEY_RIGHT || k->code == KEY_LEFT)) {
			switch_queue(qv, k->code == KEY_RIGHT ? 1 : -1);
			return R_HANDLED;
		}
		const struct listw_row *row = listw_selected(&qv->sl.list);
		if (!k->fn && k->code == ' ' && row) {
			toggle(qv, row->id);
			listw_reload(&qv->sl.list, true);
			struct key down = { .fn = true, .code = KEY_DOWN };
			listw_key(&qv->sl.list, &down);
			return R_HANDLED;
		}
	}
	bool run, open;
	int r = searchlist_key(&qv->sl, k, &run, &open);
	if (run) {
		if (formw_validate(&qv->sl.bar)) {
			read_filter(qv);
			reload_queue(qv, false);
			if (qv->sl.list.nrows)
				qv->sl.in_bar = false;
		}
	}
	if (open)
		view_app_open(ui, listw_selected(&qv->sl.list)->id);
	return r;
}

static const enum action *actions_now(struct view *v, struct ui *ui)
{
	(void)ui;
	struct queue_view *qv = (struct queue_view *)v;
	static enum action list[8];
	int n = 0;
	list[n++] = ACT_OPEN;
	if (qv->q == QUEUE_PENDING && qv->nchosen > 0)
		list[n++] = ACT_BULK;
	list[n++] = ACT_EXPORT;
	list[n++] = ACT_SEARCH;
	list[n++] = ACT_BACK;
	list[n] = ACT_NONE;
	return list;
}

static void bulk(struct queue_view *qv, struct ui *ui)
{
	const char *ids[MAX_CHOSEN];
	for (int i = 0; i < qv->nchosen; i++)
		ids[i] = qv->chosen[i];
	struct bulk_item *items = calloc((size_t)qv->nchosen, sizeof *items);
	if (!items)
		return;
	int done = svc_bulk_accept(&ui->app->svc, &ui->actor, ids, qv->nchosen, items);
	char text[4000];
	int len = snprintf(text, sizeof text, "受理 %d 份，未受理 %d 份。\n", done, qv->nchosen - done);
	for (int i = 0; i < qv->nchosen && len < (int)sizeof text - 300; i++)
		if (items[i].st != ST_OK)
			len += snprintf(text + len, sizeof text - (size_t)len, "%s：%s\n", items[i].number,
					items[i].message);
	dialog_message(ui, "批量受理", text, done < qv->nchosen);
	free(items);
	qv->nchosen = 0;
	reload_queue(qv, true);
}

/* The chosen rows (or the whole queue) as CSV in DATA/exports/. */
static void export(struct queue_view *qv, struct ui *ui)
{
	struct svc *svc = &ui->app->svc;
	char dir[4200], path[4300], stamp[9], now_iso[21];
	time_t now = clock_now();
	clock_local_ymd(now, stamp);
	clock_iso(now, now_iso);
	snprintf(dir, sizeof dir, "%s/exports", ui->app->data_dir);
	struct err e;
	err_clear(&e);
	if (fs_mkdir_p(dir, &e) != ST_OK) {
		dialog_message(ui, "无法导出", err_text(&e), true);
		return;
	}
	snprintf(path, sizeof path, "%s/queue-%s-%s-%ld.csv", dir, queue_label(qv->q), stamp,
		 (long)now);
	char tmp[4400];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *w = fopen(tmp, "wbe");
	if (!w) {
		dialog_message(ui, "无法导出", "无法创建导出文件", true);
		return;
	}
	const char *head[] = { "number", "status", "kind", "subject", "holder_name", "holder_code",
			       "years", "submitted_at", "clerk" };
	bool ok = csv_write_bom(w) && csv_write_record(w, head, 9, CSV_EXCEL);
	struct application page[64];
	char key[LISTW_KEY_MAX] = "";
	enum page_dir dir_p = PAGE_FIRST;
	int rows = 0, got;
	while ((got = svc_queue_page(svc, qv->q, &qv->f, dir_p, key, page, 64, &e)) > 0) {
		for (int i = 0; i < got; i++) {
			const struct application *a = &page[i];
			if (qv->nchosen && !is_chosen(qv, a->id))
				continue;
			char years[8];
			snprintf(years, sizeof years, "%d", a->years);
			const char *cells[] = { a->number, app_status_label(a->status),
						app_kind_label(a->kind), app_subject_label(a->subject),
						a->holder_name, a->holder_code, years, a->submitted_at,
						staff_name(qv, a->created_by) };
			ok = ok && csv_write_record(w, cells, 9, CSV_EXCEL);
			rows++;
		}
		svc_queue_key(&page[got - 1], key, sizeof key);
		dir_p = PAGE_AFTER;
	}
	ok = fflush(w) == 0 && fsync(fileno(w)) == 0 && ok;
	ok = fclose(w) == 0 && ok && rename(tmp, path) == 0;
	enum status st = ok ? ST_OK : err_set(&e, fs_status_of_errno(errno), "写入导出文件失败");
	if (!ok)
		unlink(tmp);
	if (st == ST_OK) {
		json_t *what = json_pack("{s:s, s:i}", "queue", queue_label(qv->q), "rows", rows);
		st = svc_audit_read(svc, &ui->actor, "queue.export", "queue", what, &e);
		json_decref(what);
	}
	if (st != ST_OK) {
		dialog_message(ui, "无法导出", err_text(&e), true);
		return;
	}
	char msg[4400];
	snprintf(msg, sizeof msg, "已导出 %d 份申请单到：\n%s", rows, path);
	dialog_message(ui, "导出", msg, false);
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct queue_view *qv = (struct queue_view *)v;
	switch (a) {
	case ACT_OPEN: {
		const struct listw_row *row = listw_selected(&qv->sl.list);
		if (row)
			view_app_open(ui, row->id);
		return R_HANDLED;
	}
	case ACT_BULK:
		if (qv->q == QUEUE_PENDING && qv->nchosen)
			bulk(qv, ui);
		return R_HANDLED;
	case ACT_EXPORT:
		export(qv, ui);
		return R_HANDLED;
	case ACT_SEARCH:
		searchlist_focus_bar(&qv->sl);
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
	reload_queue((struct queue_view *)v, true);
}

static void destroy(struct view *v)
{
	struct queue_view *qv = (struct queue_view *)v;
	searchlist_done(&qv->sl);
	free(qv);
}

static const struct view_ops ops = {
	.name = "queue", .actions_now = actions_now, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_queue_open(struct ui *ui, int queue)
{
	enum queue q = (enum queue)queue;
	struct queue_view *qv = calloc(1, sizeof *qv);
	if (!qv)
		return;
	qv->v.ops = &ops;
	qv->ui = ui;
	qv->q = q;
	snprintf(qv->v.title, sizeof qv->v.title, "审核队列");
	const char *target = config_get(&ui->app->cfg, "review.target_hours", "24");
	qv->target_hours = atof(target) > 0 ? atof(target) : 24;
	struct err e;
	qv->nstaff = svc_staff_page(&ui->app->svc, PAGE_FIRST, "", qv->staff, MAX_STAFF, &e);
	if (qv->nstaff < 0)
		qv->nstaff = 0;
	struct listw_source src = { fetch, NULL, qv };
	searchlist_init(&qv->sl, "queue_filter", &src, cols, 5, "");
	char choices[4096];
	int len = snprintf(choices, sizeof choices, "=全部");
	for (int i = 0; i < qv->nstaff && len < (int)sizeof choices - 200; i++)
		if (qv->staff[i].role == ROLE_CLERK || qv->staff[i].role == ROLE_SUPERVISOR)
			len += snprintf(choices + len, sizeof choices - (size_t)len, "|%s=%s",
					qv->staff[i].id, qv->staff[i].name);
	formw_set_choices(&qv->sl.bar, "clerk", choices);
	/* At a terminal that syncs every office, the queues hold them all. */
	struct office offices[MAX_OFFICES];
	int noffices = svc_office_list(&ui->app->svc, offices, MAX_OFFICES, &e);
	len = snprintf(choices, sizeof choices, "=全部");
	for (int i = 0; i < noffices && len < (int)sizeof choices - 200; i++)
		len += snprintf(choices + len, sizeof choices - (size_t)len, "|%s=%s %s", offices[i].id,
				offices[i].code, offices[i].name);
	formw_set_choices(&qv->sl.bar, "office", choices);
	formw_hide(&qv->sl.bar, "office", noffices < 2);
	reload_queue(qv, false);
	qv->sl.in_bar = qv->sl.list.nrows == 0;
	ui_push(ui, &qv->v);
}
