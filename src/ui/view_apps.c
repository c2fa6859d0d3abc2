/* Applications: one search box (number, phone, ID number, credit code or a
 * name), a status and a date range; newest first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/application.h"
#include "ui/searchlist.h"
#include "ui/views.h"

struct apps_view {
	struct view v;
	struct searchlist sl;
	struct ui *ui;
	char query[96], status[24], from[12], to[12];
};

static const struct listw_col cols[] = {
	{ "申请单号", 25, false },
	{ "业务", 13, false },
	{ "持证单位/人", 20, false },
	{ "状态", 11, false },
	{ "日期", 0, false },
};

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct apps_view *av = ctx;
	struct application *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	int got = svc_application_find(&av->ui->app->svc, av->query, av->status, av->from, av->to,
				       dir, key, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%s", buf[i].id);
		snprintf(r->id, sizeof r->id, "%s", buf[i].id);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", buf[i].number);
		snprintf(r->cell[1], sizeof r->cell[1], "%s%s", buf[i].subject == SUBJECT_ENTERPRISE
			 ? "企业" : "个人", app_kind_label(buf[i].kind));
		snprintf(r->cell[2], sizeof r->cell[2], "%s", buf[i].holder_name);
		snprintf(r->cell[3], sizeof r->cell[3], "%s", app_status_label(buf[i].status));
		snprintf(r->cell[4], sizeof r->cell[4], "%.10s", buf[i].created_at);
		r->style = buf[i].status == APP_CANCELLED ? S_DIM
			 : buf[i].status == APP_RETURNED ? S_WARN : S_NORMAL;
	}
	free(buf);
	return got;
}

static void get(struct apps_view *av, const char *id, char *out, size_t n)
{
	char *v = formw_get(&av->sl.bar, id);
	snprintf(out, n, "%s", v ? v : "");
	free(v);
}

static void run_search(struct apps_view *av)
{
	if (!formw_validate(&av->sl.bar))
		return;
	get(av, "query", av->query, sizeof av->query);
	get(av, "status", av->status, sizeof av->status);
	get(av, "from", av->from, sizeof av->from);
	get(av, "to", av->to, sizeof av->to);
	snprintf(av->sl.list.empty, sizeof av->sl.list.empty, "没有符合条件的申请单");
	listw_reload(&av->sl.list, false);
	if (av->sl.list.error[0])
		formw_error(&av->sl.bar, "query", av->sl.list.error);
	else if (av->sl.list.nrows > 0)
		av->sl.in_bar = false;
}

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct apps_view *av = (struct apps_view *)v;
	searchlist_draw(&av->sl, ui_body_top() + 1);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct apps_view *av = (struct apps_view *)v;
	bool run, open;
	int r = searchlist_key(&av->sl, k, &run, &open);
	if (run)
		run_search(av);
	if (open)
		view_app_open(ui, listw_selected(&av->sl.list)->id);
	return r;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	(void)ui;
	struct apps_view *av = (struct apps_view *)v;
	switch (a) {
	case ACT_SEARCH:
		searchlist_focus_bar(&av->sl);
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
	struct apps_view *av = (struct apps_view *)v;
	listw_reload(&av->sl.list, true);
}

static void destroy(struct view *v)
{
	struct apps_view *av = (struct apps_view *)v;
	searchlist_done(&av->sl);
	free(av);
}

static const enum action actions[] = { ACT_SEARCH, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "applications", .actions = actions, .draw = draw, .key = key, .action = action,
	.resume = resume, .free = destroy,
};

void view_apps_open(struct ui *ui)
{
	struct apps_view *av = calloc(1, sizeof *av);
	if (!av)
		return;
	av->v.ops = &ops;
	av->ui = ui;
	snprintf(av->v.title, sizeof av->v.title, "申请单");
	struct listw_source src = { fetch, NULL, av };
	searchlist_init(&av->sl, "search", &src, cols, 5, "没有申请单");
	listw_reload(&av->sl.list, false); /* newest first, before any search */
	ui_push(ui, &av->v);
}
