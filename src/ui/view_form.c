#include "ui/view_form.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static void fv_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct form_view *fv = (struct form_view *)v;
	int y = ui_body_top() + 1;
	if (fv->intro[0]) {
		char lines[6][256];
		int n = ui_wrap(fv->intro, COLS - 8, lines, 6);
		for (int i = 0; i < n; i++)
			ui_text(y++, 4, COLS - 8, false, lines[i]);
		y++;
	}
	formw_draw(&fv->w, y, 4, LINES - 2 - y);
}

static int fv_save(struct form_view *fv, struct ui *ui)
{
	if (!formw_validate(&fv->w))
		return R_HANDLED | R_REDRAW;
	return fv->save(fv, ui);
}

static int fv_key(struct view *v, struct ui *ui, const struct key *k)
{
	struct form_view *fv = (struct form_view *)v;
	int before = fv->w.focus;
	int r = formw_key(&fv->w, k);
	if (fv->on_leave && fv->w.focus != before)
		fv->on_leave(fv, ui, fv->w.def->fields[before].id);
	if (fv->on_edit && fv->w.focus == before && (r & R_HANDLED))
		fv->on_edit(fv, ui, fv->w.def->fields[before].id);
	if (r & R_HANDLED)
		return r;
	bool enter = (!k->fn && (k->code == '\n' || k->code == '\r')) ||
		     (k->fn && k->code == KEY_ENTER);
	if (enter && formw_at_last(&fv->w))
		return fv_save(fv, ui);
	return R_NONE;
}

static int fv_action(struct view *v, struct ui *ui, enum action a)
{
	struct form_view *fv = (struct form_view *)v;
	for (int i = 0; fv->on_action && fv->extra[i]; i++)
		if (fv->extra[i] == a)
			return fv->on_action(fv, ui, a);
	switch (a) {
	case ACT_SAVE:
		return fv_save(fv, ui);
	case ACT_BACK:
		return fv->mandatory ? R_HANDLED : R_HANDLED | R_CLOSE;
	default:
		return R_NONE;
	}
}

static void fv_free(struct view *v)
{
	struct form_view *fv = (struct form_view *)v;
	if (fv->on_free)
		fv->on_free(fv);
	formw_done(&fv->w);
	free(fv);
}

static const enum action *fv_actions_now(struct view *v, struct ui *ui)
{
	(void)ui;
	struct form_view *fv = (struct form_view *)v;
	static enum action list[12];
	int n = 0;
	list[n++] = ACT_SAVE;
	for (int i = 0; fv->extra[i] && n < 10; i++)
		list[n++] = fv->extra[i];
	if (!fv->mandatory)
		list[n++] = ACT_BACK;
	list[n] = ACT_NONE;
	return list;
}

static const struct view_ops fv_ops = {
	.name = "form", .actions_now = fv_actions_now, .draw = fv_draw, .key = fv_key,
	.action = fv_action, .free = fv_free,
};

struct form_view *form_view_open(struct ui *ui, const char *form, const char *title,
				 const char *intro, bool mandatory, form_save_fn save)
{
	const struct form_def *def = form_find(form);
	if (!def)
		return NULL;
	struct form_view *fv = calloc(1, sizeof *fv);
	if (!fv)
		return NULL;
	fv->v.ops = &fv_ops;
	snprintf(fv->v.title, sizeof fv->v.title, "%s", title ? title : def->title);
	snprintf(fv->intro, sizeof fv->intro, "%s", intro ? intro : "");
	fv->mandatory = mandatory;
	fv->save = save;
	formw_init(&fv->w, def);
	ui_push(ui, &fv->v);
	return fv;
}

struct form_view *form_view_open_ref(struct ui *ui, const char *form, const char *title,
				     const char *intro, form_save_fn save, const char *ref,
				     const char *ref2)
{
	struct form_view *fv = form_view_open(ui, form, title, intro, false, save);
	if (fv) {
		snprintf(fv->ref, sizeof fv->ref, "%s", ref ? ref : "");
		snprintf(fv->ref2, sizeof fv->ref2, "%s", ref2 ? ref2 : "");
	}
	return fv;
}

void form_view_actions(struct form_view *fv, const enum action *extra, form_action_fn fn)
{
	int n = 0;
	for (; extra && extra[n] && n < 7; n++)
		fv->extra[n] = extra[n];
	fv->extra[n] = ACT_NONE;
	fv->on_action = fn;
}

bool form_view_same(struct form_view *fv, const char *first, const char *second)
{
	char *a = formw_get(&fv->w, first), *b = formw_get(&fv->w, second);
	bool same = a && b && strcmp(a, b) == 0;
	if (a)
		memset(a, 0, strlen(a));
	if (b)
		memset(b, 0, strlen(b));
	free(a);
	free(b);
	if (!same)
		formw_error(&fv->w, second, "两次输入的密码不一致");
	return same;
}
