#include "ui/formw.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

void formw_init(struct formw *w, const struct form_def *def)
{
	memset(w, 0, sizeof *w);
	w->def = def;
	int n = def->nfields < FORMW_MAX_FIELDS ? def->nfields : FORMW_MAX_FIELDS;
	for (int i = 0; i < n; i++) {
		field_init(&w->fields[i], &def->fields[i]);
		int lw = utf8_width(def->fields[i].label);
		if (lw > w->label_cols)
			w->label_cols = lw;
	}
}

static int nfields(const struct formw *w)
{
	return w->def->nfields < FORMW_MAX_FIELDS ? w->def->nfields : FORMW_MAX_FIELDS;
}

void formw_done(struct formw *w)
{
	for (int i = 0; i < nfields(w); i++)
		field_done(&w->fields[i]);
}

void formw_set(struct formw *w, const char *id, const char *value)
{
	int i = form_index(w->def, id);
	if (i >= 0 && i < nfields(w))
		field_set(&w->fields[i], value);
}

char *formw_get(const struct formw *w, const char *id)
{
	int i = form_index(w->def, id);
	if (i < 0 || i >= nfields(w))
		return strdup("");
	return field_get(&w->fields[i]);
}

void formw_error(struct formw *w, const char *id, const char *msg)
{
	int i = id ? form_index(w->def, id) : -1;
	if (i >= 0 && i < nfields(w)) {
		snprintf(w->msg[i], sizeof w->msg[i], "%s", msg);
		w->focus = i;
	} else {
		snprintf(w->error, sizeof w->error, "%s", msg);
	}
}

void formw_show_err(struct formw *w, const struct err *e)
{
	formw_error(w, e->field[0] ? e->field : NULL, err_text(e));
}

/* Run the field's own check; keep its message. */
static bool check_one(struct formw *w, int i)
{
	struct err e;
	err_clear(&e);
	char *v = field_get(&w->fields[i]);
	bool ok = v && form_check(&w->def->fields[i], v, &e);
	free(v);
	snprintf(w->msg[i], sizeof w->msg[i], "%s", ok ? "" : err_text(&e));
	return ok;
}

bool formw_validate(struct formw *w)
{
	int first = -1;
	w->error[0] = '\0';
	for (int i = 0; i < nfields(w); i++)
		if (!check_one(w, i) && first < 0)
			first = i;
	if (first >= 0)
		w->focus = first;
	return first < 0;
}

bool formw_at_last(const struct formw *w)
{
	return w->focus == nfields(w) - 1;
}

static void move_focus(struct formw *w, int delta)
{
	int n = nfields(w);
	int next = w->focus + delta;
	if (next < 0 || next >= n)
		return;
	/* Leaving a field that was filled in: say at once what is wrong with it. */
	if (!field_empty(&w->fields[w->focus]))
		check_one(w, w->focus);
	else
		w->msg[w->focus][0] = '\0';
	w->focus = next;
}

int formw_key(struct formw *w, const struct key *k)
{
	struct field *f = &w->fields[w->focus];
	if (!k->fn && k->code == '\t') {
		move_focus(w, (w->focus + 1) % nfields(w) - w->focus); /* wraps to the first */
		return R_HANDLED;
	}
	if (k->fn && (k->code == KEY_DOWN)) {
		move_focus(w, 1);
		return R_HANDLED;
	}
	if (k->fn && (k->code == KEY_BTAB || k->code == KEY_UP)) {
		move_focus(w, -1);
		return R_HANDLED;
	}
	if ((!k->fn && (k->code == '\n' || k->code == '\r')) || (k->fn && k->code == KEY_ENTER)) {
		if (formw_at_last(w))
			return R_NONE; /* the view's "save" */
		move_focus(w, 1);
		return R_HANDLED;
	}
	int r = field_key(f, k);
	if (r & R_HANDLED)
		w->msg[w->focus][0] = '\0';
	return r;
}

int formw_draw(struct formw *w, int y, int x)
{
	int n = nfields(w);
	int fx = x + w->label_cols + 2;
	for (int i = 0; i < n; i++) {
		const struct form_field *d = &w->def->fields[i];
		int lw = utf8_width(d->label);
		attrset(i == w->focus ? A_BOLD : A_NORMAL);
		ui_text(y + i, x + w->label_cols - lw, lw, false, d->label);
		attrset(A_NORMAL);
		if (d->required)
			ui_text(y + i, x + w->label_cols, 1, false, "*");
		int width = d->width;
		if (fx + width > COLS - 1)
			width = COLS - 1 - fx;
		w->fields[i].width = width;
		int mx = fx + width + 2;
		if (w->msg[i][0] && mx < COLS) {
			attrset(ui_style(S_ERROR));
			ui_text(y + i, mx, COLS - mx, true, w->msg[i]);
			attrset(A_NORMAL);
		}
	}
	/* Fields last, so that the focused one places the cursor. */
	for (int i = 0; i < n; i++)
		if (i != w->focus)
			field_draw(&w->fields[i], y + i, fx, false);
	field_draw(&w->fields[w->focus], y + w->focus, fx, true);
	int row = y + n + 1;
	/* The focused field's full message (it may be cut beside the field),
	 * else its hint. */
	const char *below = w->msg[w->focus][0] ? w->msg[w->focus] : w->def->fields[w->focus].hint;
	attrset(w->msg[w->focus][0] ? ui_style(S_ERROR) : ui_style(S_DIM));
	ui_text(row, x, COLS - x - 1, true, below ? below : "");
	attrset(A_NORMAL);
	if (w->error[0]) {
		attrset(ui_style(S_ERROR));
		ui_text(row + 1, x, COLS - x - 1, true, w->error);
		attrset(A_NORMAL);
	}
	return row + 2;
}
