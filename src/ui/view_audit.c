/*
 * The audit log (审计日志) for supervisors and admins: a search bar (the
 * person, the record, from and to) over the entries newest first; Enter
 * opens one with its before and after images, side by side on a wide
 * screen and one above the other on a narrow one, laid out with Chinese
 * labels (svc/audit_text.h) and what changed marked.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/audit_text.h"
#include "svc/auditlog.h"
#include "ui/searchlist.h"
#include "ui/views_admin.h"
#include "util/clock.h"
#include "util/utf8.h"

/* ---- the list ---- */

struct audit_view {
	struct view v;
	struct searchlist sl;
	struct ui *ui;
	struct auditlog_filter f;
};

static const struct listw_col list_cols[] = {
	{ "时间", 17, false },
	{ "员工", 12, false },
	{ "操作", 16, false },
	{ "记录", 0, false },
};

static void when(const char *iso, char out[17])
{
	time_t t;
	if (clock_parse_iso(iso, &t))
		clock_local(t, out);
	else
		snprintf(out, 17, "%.16s", iso);
}

static int fetch(void *ctx, enum page_dir dir, const char *key, int n, struct listw_row *rows,
		 struct err *e)
{
	struct audit_view *av = ctx;
	struct audit_row *buf = calloc((size_t)n, sizeof *buf);
	if (!buf)
		return err_status(e, ST_NOMEM), -1;
	long long seq = key && *key ? strtoll(key, NULL, 10) : 0;
	int got = svc_auditlog_page(&av->ui->app->svc, &av->ui->actor, &av->f, dir, seq, buf, n, e);
	for (int i = 0; i < got; i++) {
		struct listw_row *r = &rows[i];
		const struct audit_row *a = &buf[i];
		memset(r, 0, sizeof *r);
		snprintf(r->key, sizeof r->key, "%lld", a->seq);
		snprintf(r->id, sizeof r->id, "%.*s", UUID_LEN, a->entity_id);
		char at[17], record[64];
		when(a->at, at);
		snprintf(r->cell[0], sizeof r->cell[0], "%s", at);
		snprintf(r->cell[1], sizeof r->cell[1], "%s", a->actor_name);
		const char *what = audit_action_label(a->action);
		snprintf(r->cell[2], sizeof r->cell[2], "%s", what ? what : a->action);
		audit_record_name(a, record);
		const char *entity = audit_entity_label(a->entity);
		snprintf(r->cell[3], sizeof r->cell[3], "%s%s%s", record[0] ? (entity ? entity : a->entity) : "",
			 record[0] ? " " : "", record);
		/* Reads and logins are on record too; the changes stand out. */
		r->style = a->before || a->after ? S_NORMAL : S_DIM;
	}
	audit_rows_done(buf, got > 0 ? got : 0);
	free(buf);
	return got;
}

static void run_search(struct audit_view *av)
{
	if (!formw_validate(&av->sl.bar))
		return;
	static const struct { const char *id; size_t off, size; } fields[] = {
		{ "user", offsetof(struct auditlog_filter, actor), USERNAME_MAX },
		{ "record", offsetof(struct auditlog_filter, record), 64 },
		{ "from", offsetof(struct auditlog_filter, from), 11 },
		{ "to", offsetof(struct auditlog_filter, to), 11 },
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		char *s = formw_get(&av->sl.bar, fields[i].id);
		snprintf((char *)&av->f + fields[i].off, fields[i].size, "%s", s ? s : "");
		free(s);
	}
	if (av->f.from[0] && av->f.to[0] && strcmp(av->f.from, av->f.to) > 0) {
		formw_error(&av->sl.bar, "to", "截止日期早于起始日期");
		return;
	}
	snprintf(av->sl.list.empty, sizeof av->sl.list.empty, "没有符合条件的审计记录");
	listw_reload(&av->sl.list, false);
	if (av->sl.list.error[0])
		formw_error(&av->sl.bar, "record", av->sl.list.error);
	else if (av->sl.list.nrows > 0)
		av->sl.in_bar = false;
}

static void entry_open(struct ui *ui, long long seq);

static void draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct audit_view *av = (struct audit_view *)v;
	searchlist_draw(&av->sl, ui_body_top() + 1);
}

static int key(struct view *v, struct ui *ui, const struct key *k)
{
	struct audit_view *av = (struct audit_view *)v;
	bool run, open;
	int r = searchlist_key(&av->sl, k, &run, &open);
	if (run)
		run_search(av);
	if (open)
		entry_open(ui, strtoll(listw_selected(&av->sl.list)->key, NULL, 10));
	return r;
}

static int action(struct view *v, struct ui *ui, enum action a)
{
	struct audit_view *av = (struct audit_view *)v;
	const struct listw_row *row = listw_selected(&av->sl.list);
	switch (a) {
	case ACT_SEARCH:
		searchlist_focus_bar(&av->sl);
		return R_HANDLED;
	case ACT_OPEN:
		if (row)
			entry_open(ui, strtoll(row->key, NULL, 10));
		return R_HANDLED;
	case ACT_BACK:
		return R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void destroy(struct view *v)
{
	struct audit_view *av = (struct audit_view *)v;
	searchlist_done(&av->sl);
	free(av);
}

static const enum action actions[] = { ACT_OPEN, ACT_SEARCH, ACT_BACK, ACT_NONE };
static const struct view_ops ops = {
	.name = "audit", .actions = actions, .draw = draw, .key = key, .action = action,
	.free = destroy,
};

void view_audit_open(struct ui *ui)
{
	struct audit_view *av = calloc(1, sizeof *av);
	if (!av)
		return;
	av->v.ops = &ops;
	av->ui = ui;
	snprintf(av->v.title, sizeof av->v.title, "审计日志");
	struct listw_source src = { fetch, NULL, av };
	searchlist_init(&av->sl, "audit_search", &src, list_cols, 4, "审计日志是空的");
	listw_reload(&av->sl.list, false);
	ui_push(ui, &av->v);
}

/* ---- one entry ---- */

#define IMAGE_LINES 256
#define SIDE_BY_SIDE_COLS 100   /* narrower screens put before above after */

struct entry_view {
	struct view v;
	struct audit_row row;              /* owns before and after */
	struct audit_line before[IMAGE_LINES], after[IMAGE_LINES];
	int nbefore, nafter;
	int top;
};

/* One screen line of an image: its text and how it is drawn. */
struct dline {
	char text[256];
	enum ui_style style;
	bool bold;
};

/* An image's lines wrapped to `cols`, indented by depth, into out (at most
 * max); returns the count. */
static int wrap_image(const struct audit_line *l, int n, int cols, struct dline *out, int max)
{
	int k = 0;
	for (int i = 0; i < n && k < max; i++) {
		char text[512];
		int indent = 2 * l[i].depth;
		snprintf(text, sizeof text, "%*s%s%s：%s", indent, "", l[i].changed ? "* " : "",
			 l[i].label, l[i].value);
		char wrapped[16][256];
		int nw = ui_wrap(text, cols > 4 ? cols : 4, wrapped, 16);
		for (int j = 0; j < nw && k < max; j++, k++) {
			snprintf(out[k].text, sizeof out[k].text, "%s%s", j ? "    " : "", wrapped[j]);
			out[k].style = l[i].changed ? S_WARN : S_NORMAL;
			out[k].bold = false;
		}
	}
	return k;
}

static void heading(struct dline *d, const char *text)
{
	snprintf(d->text, sizeof d->text, "%s", text);
	d->style = S_HEADER;
	d->bold = true;
}

/* The whole entry as screen lines for this width: the header, then the
 * images. Side by side, each row holds a left and a right part. */
struct layout {
	struct dline left[2 * IMAGE_LINES + 16], right[2 * IMAGE_LINES + 16];
	int n;
	bool two;
};

static void lay_out(const struct entry_view *ev, struct layout *L)
{
	const struct audit_row *r = &ev->row;
	int w = COLS - 4;
	L->two = COLS >= SIDE_BY_SIDE_COLS && r->before && r->after;
	L->n = 0;
	char at[17], record[64];
	when(r->at, at);
	audit_record_name(r, record);
	const char *what = audit_action_label(r->action), *entity = audit_entity_label(r->entity);
	const int cap = (int)(sizeof L->left / sizeof L->left[0]);
#define LINE(fmt, ...)                                                                  \
	do {                                                                            \
		if (L->n < cap) {                                                       \
			snprintf(L->left[L->n].text, sizeof L->left[0].text, fmt, __VA_ARGS__); \
			L->left[L->n].style = S_NORMAL;                                 \
			L->left[L->n].bold = false;                                     \
			L->right[L->n++].text[0] = '\0';                                \
		}                                                                       \
	} while (0)
	LINE("时间：%s（本地）   第 %lld 条", at, r->seq);
	LINE("员工：%s", r->actor_name);
	LINE("操作：%s（%s）", what ? what : r->action, r->action);
	if (record[0])
		LINE("记录：%s %s%s%s", entity ? entity : r->entity, record,
		     strcmp(record, r->entity_id) != 0 ? "   编号 " : "",
		     strcmp(record, r->entity_id) != 0 ? r->entity_id : "");
	LINE("%s", "");
	if (!r->before && !r->after) {
		LINE("%s", "这条记录没有前后内容（登录、查看等只记下发生了什么）。");
		return;
	}
	if (L->two) {
		int half = (w - 2) / 2;
		struct dline *lb = calloc(2 * IMAGE_LINES, sizeof *lb);
		struct dline *la = calloc(2 * IMAGE_LINES, sizeof *la);
		if (!lb || !la) {
			free(lb);
			free(la);
			return;
		}
		int nb = wrap_image(ev->before, ev->nbefore, half, lb, 2 * IMAGE_LINES);
		int na = wrap_image(ev->after, ev->nafter, half, la, 2 * IMAGE_LINES);
		if (L->n < cap) {
			heading(&L->left[L->n], "之前");
			heading(&L->right[L->n++], "之后（* 为改动）");
		}
		for (int i = 0; i < (nb > na ? nb : na) && L->n < cap; i++, L->n++) {
			if (i < nb)
				L->left[L->n] = lb[i];
			else
				L->left[L->n].text[0] = '\0';
			if (i < na)
				L->right[L->n] = la[i];
			else
				L->right[L->n].text[0] = '\0';
		}
		free(lb);
		free(la);
		return;
	}
	const struct audit_line *img[2] = { ev->before, ev->after };
	const int nimg[2] = { ev->nbefore, ev->nafter };
	const char *title[2] = { "之前", r->before ? "之后（* 为改动）" : "之后" };
	const char *json[2] = { r->before, r->after };
	for (int s = 0; s < 2; s++) {
		if (!json[s])
			continue;
		if (L->n < cap) {
			heading(&L->left[L->n], title[s]);
			L->right[L->n++].text[0] = '\0';
		}
		int k = wrap_image(img[s], nimg[s], w, L->left + L->n, cap - L->n);
		for (int i = 0; i < k; i++)
			L->right[L->n + i].text[0] = '\0';
		L->n += k;
		LINE("%s", "");
	}
#undef LINE
}

static void draw_dline(int y, int x, int cols, const struct dline *d)
{
	if (!d->text[0])
		return;
	attrset(d->bold ? ui_style(d->style) | A_BOLD : ui_style(d->style));
	ui_text(y, x, cols, true, d->text);
	attrset(A_NORMAL);
}

static void entry_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct entry_view *ev = (struct entry_view *)v;
	static struct layout L;
	lay_out(ev, &L);
	int y = ui_body_top() + 1, h = LINES - 2 - y;
	if (h < 1)
		return;
	if (ev->top > L.n - h)
		ev->top = L.n - h > 0 ? L.n - h : 0;
	int half = (COLS - 4 - 2) / 2;
	for (int i = 0; i < h && ev->top + i < L.n; i++) {
		const struct dline *l = &L.left[ev->top + i], *r = &L.right[ev->top + i];
		if (L.two && r->text[0]) {
			draw_dline(y + i, 2, half, l);
			draw_dline(y + i, 2 + half + 2, half, r);
		} else {
			draw_dline(y + i, 2, COLS - 4, l);
		}
	}
	if (L.n > h) {
		char pos[48];
		snprintf(pos, sizeof pos, "%d/%d 行", ev->top + 1, L.n);
		attrset(ui_style(S_DIM));
		ui_text(y - 1, COLS - 2 - utf8_width(pos), utf8_width(pos), false, pos);
		attrset(A_NORMAL);
	}
}

static int entry_key(struct view *v, struct ui *ui, const struct key *k)
{
	(void)ui;
	struct entry_view *ev = (struct entry_view *)v;
	if (!k->fn)
		return R_NONE;
	int page = LINES - 4 - ui_body_top();
	if (page < 1)
		page = 1;
	switch (k->code) {
	case KEY_DOWN: ev->top++; break;
	case KEY_UP: ev->top--; break;
	case KEY_NPAGE: ev->top += page; break;
	case KEY_PPAGE: ev->top -= page; break;
	case KEY_HOME: ev->top = 0; break;
	default: return R_NONE;
	}
	if (ev->top < 0)
		ev->top = 0;
	return R_HANDLED | R_REDRAW;
}

static int entry_action(struct view *v, struct ui *ui, enum action a)
{
	(void)v;
	(void)ui;
	return a == ACT_BACK ? R_HANDLED | R_CLOSE : R_NONE;
}

static void entry_free(struct view *v)
{
	struct entry_view *ev = (struct entry_view *)v;
	audit_rows_done(&ev->row, 1);
	free(ev);
}

static const enum action entry_actions[] = { ACT_BACK, ACT_NONE };
static const struct view_ops entry_ops = {
	.name = "audit_entry", .actions = entry_actions, .draw = entry_draw, .key = entry_key,
	.action = entry_action, .free = entry_free,
};

static void entry_open(struct ui *ui, long long seq)
{
	struct entry_view *ev = calloc(1, sizeof *ev);
	if (!ev)
		return;
	struct auditlog_filter all;
	memset(&all, 0, sizeof all);
	struct err e;
	err_clear(&e);
	int n = svc_auditlog_page(&ui->app->svc, &ui->actor, &all, PAGE_AT, seq, &ev->row, 1, &e);
	if (n != 1 || ev->row.seq != seq) {
		if (n == 1)
			audit_rows_done(&ev->row, 1);
		free(ev);
		dialog_message(ui, "无法打开", n < 0 ? err_text(&e) : "没有这条审计记录", true);
		return;
	}
	ev->v.ops = &entry_ops;
	snprintf(ev->v.title, sizeof ev->v.title, "审计记录 第 %lld 条", seq);
	ev->nbefore = audit_lines(ev->row.entity, ev->row.before, ev->row.after, ev->before,
				  IMAGE_LINES);
	ev->nafter = audit_lines(ev->row.entity, ev->row.after, ev->row.before, ev->after,
				 IMAGE_LINES);
	/* An image that is not a JSON object is shown as it was recorded. */
	if (ev->nbefore < 0) {
		ev->nbefore = 1;
		memset(&ev->before[0], 0, sizeof ev->before[0]);
		snprintf(ev->before[0].label, sizeof ev->before[0].label, "原文");
		snprintf(ev->before[0].value, sizeof ev->before[0].value, "%s", ev->row.before);
	}
	if (ev->nafter < 0) {
		ev->nafter = 1;
		memset(&ev->after[0], 0, sizeof ev->after[0]);
		snprintf(ev->after[0].label, sizeof ev->after[0].label, "原文");
		snprintf(ev->after[0].value, sizeof ev->after[0].value, "%s", ev->row.after);
	}
	ui_push(ui, &ev->v);
}
