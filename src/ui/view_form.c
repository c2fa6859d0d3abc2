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
	formw_draw(&fv->w, y, 4);
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
	int r = formw_key(&fv->w, k);
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
	formw_done(&fv->w);
	free(fv);
}

static const enum action fv_actions[] = { ACT_SAVE, ACT_BACK, ACT_NONE };
static const enum action fv_actions_mandatory[] = { ACT_SAVE, ACT_NONE };

static const struct view_ops fv_ops = {
	.name = "form", .actions = fv_actions, .draw = fv_draw, .key = fv_key,
	.action = fv_action, .free = fv_free,
};
static const struct view_ops fv_ops_mandatory = {
	.name = "form", .actions = fv_actions_mandatory, .draw = fv_draw, .key = fv_key,
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
	fv->v.ops = mandatory ? &fv_ops_mandatory : &fv_ops;
	snprintf(fv->v.title, sizeof fv->v.title, "%s", title ? title : def->title);
	snprintf(fv->intro, sizeof fv->intro, "%s", intro ? intro : "");
	fv->mandatory = mandatory;
	fv->save = save;
	formw_init(&fv->w, def);
	ui_push(ui, &fv->v);
	return fv;
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
