#include "ui/formw.h"

#include <stdlib.h>
#include <string.h>

#include "util/utf8.h"

static int nfields(const struct formw *w)
{
	return w->def->nfields < FORMW_MAX_FIELDS ? w->def->nfields : FORMW_MAX_FIELDS;
}

void formw_init(struct formw *w, const struct form_def *def)
{
	memset(w, 0, sizeof *w);
	w->def = def;
	for (int i = 0; i < nfields(w); i++) {
		field_init(&w->fields[i], &def->fields[i]);
		int lw = utf8_width(def->fields[i].label);
		if (lw > w->label_cols)
			w->label_cols = lw;
	}
}

void formw_done(struct formw *w)
{
	for (int i = 0; i < nfields(w); i++)
		field_done(&w->fields[i]);
}

static int index_of(const struct formw *w, const char *id)
{
	int i = id ? form_index(w->def, id) : -1;
	return i < nfields(w) ? i : -1;
}

void formw_set(struct formw *w, const char *id, const char *value)
{
	int i = index_of(w, id);
	if (i >= 0)
		field_set(&w->fields[i], value);
}

char *formw_get(const struct formw *w, const char *id)
{
	int i = index_of(w, id);
	if (i < 0 || w->hidden[i])
		return strdup("");
	return field_get(&w->fields[i]);
}

static int first_visible(const struct formw *w, int from, int step)
{
	for (int i = from; i >= 0 && i < nfields(w); i += step)
		if (!w->hidden[i])
			return i;
	return -1;
}

void formw_hide(struct formw *w, const char *id, bool hidden)
{
	int i = index_of(w, id);
	if (i < 0)
		return;
	w->hidden[i] = hidden;
	w->msg[i][0] = '\0';
	if (hidden && w->focus == i) {
		int n = first_visible(w, i, 1);
		w->focus = n >= 0 ? n : first_visible(w, i, -1);
		if (w->focus < 0)
			w->focus = 0;
	}
}

void formw_set_choices(struct formw *w, const char *id, const char *choices)
{
	int i = index_of(w, id);
	if (i >= 0)
		field_set_choices(&w->fields[i], choices);
}

void formw_focus(struct formw *w, const char *id)
{
	int i = index_of(w, id);
	if (i >= 0 && !w->hidden[i])
		w->focus = i;
}

const char *formw_focused(const struct formw *w)
{
	return w->def->fields[w->focus].id;
}

void formw_error(struct formw *w, const char *id, const char *msg)
{
	int i = index_of(w, id);
	if (i >= 0 && !w->hidden[i]) {
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
	const struct form_field *d = &w->def->fields[i];
	bool ok;
	if (d->type == FT_CHOICE) {
		/* Choices may be offered at run time; the use case checks the value. */
		ok = true;
	} else {
		char *v = field_get(&w->fields[i]);
		ok = v && form_check(d, v, &e);
		free(v);
	}
	snprintf(w->msg[i], sizeof w->msg[i], "%s", ok ? "" : err_text(&e));
	return ok;
}

bool formw_validate(struct formw *w)
{
	int first = -1;
	w->error[0] = '\0';
	for (int i = 0; i < nfields(w); i++)
		if (!w->hidden[i] && !check_one(w, i) && first < 0)
			first = i;
	if (first >= 0)
		w->focus = first;
	return first < 0;
}

bool formw_at_last(const struct formw *w)
{
	return first_visible(w, w->focus + 1, 1) < 0;
}

static void move_to(struct formw *w, int next)
{
	if (next < 0 || next == w->focus)
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
		int next = first_visible(w, w->focus + 1, 1);
		move_to(w, next >= 0 ? next : first_visible(w, 0, 1)); /* wraps */
		return R_HANDLED;
	}
	if (k->fn && k->code == KEY_DOWN) {
		move_to(w, first_visible(w, w->focus + 1, 1));
		return R_HANDLED;
	}
	if (k->fn && (k->code == KEY_BTAB || k->code == KEY_UP)) {
		move_to(w, first_visible(w, w->focus - 1, -1));
		return R_HANDLED;
	}
	if ((!k->fn && (k->code == '\n' || k->code == '\r')) || (k->fn && k->code == KEY_ENTER)) {
		if (formw_at_last(w))
			return R_NONE; /* the view's "save" */
		move_to(w, first_visible(w, w->focus + 1, 1));
		return R_HANDLED;
	}
	int r = field_key(f, k);
	if (r & R_HANDLED)
		w->msg[w->focus][0] = '\0';
	return r;
}

int formw_draw(struct formw *w, int y, int x, int rows)
{
	int n = nfields(w), shown[FORMW_MAX_FIELDS], ns = 0, pos = 0;
	for (int i = 0; i < n; i++)
		if (!w->hidden[i]) {
			if (i == w->focus)
				pos = ns;
			shown[ns++] = i;
		}
	int room = rows - 2; /* the hint and the form message */
	if (room < 1)
		room = 1;
	if (pos < w->top)
		w->top = pos;
	if (pos >= w->top + room)
		w->top = pos - room + 1;
	if (w->top > ns - room)
		w->top = ns - room > 0 ? ns - room : 0;
	int end = w->top + room < ns ? w->top + room : ns;
	int fx = x + w->label_cols + 2;
	for (int s = w->top; s < end; s++) {
		int i = shown[s], row = y + s - w->top;
		const struct form_field *d = &w->def->fields[i];
		int lw = utf8_width(d->label);
		attrset(i == w->focus ? A_BOLD : A_NORMAL);
		ui_text(row, x + w->label_cols - lw, lw, false, d->label);
		attrset(A_NORMAL);
		if (d->required)
			ui_text(row, x + w->label_cols, 1, false, "*");
		int width = d->width;
		if (fx + width > COLS - 1)
			width = COLS - 1 - fx;
		w->fields[i].width = width;
		int mx = fx + width + 2;
		if (w->msg[i][0] && mx < COLS) {
			attrset(ui_style(S_ERROR));
			ui_text(row, mx, COLS - mx, true, w->msg[i]);
			attrset(A_NORMAL);
		}
	}
	if (w->top > 0)
		ui_text(y, x > 2 ? x - 2 : 0, 1, false, "↑");
	if (end < ns)
		ui_text(y + room - 1, x > 2 ? x - 2 : 0, 1, false, "↓");
	/* Fields last, so that the focused one places the cursor. */
	for (int s = w->top; s < end; s++)
		if (shown[s] != w->focus)
			field_draw(&w->fields[shown[s]], y + s - w->top, fx, false);
	if (pos >= w->top && pos < end)
		field_draw(&w->fields[w->focus], y + pos - w->top, fx, true);
	int row = y + (end - w->top) + (end - w->top < room ? 1 : 0);
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
