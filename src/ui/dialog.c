/* Modal dialogs drawn over the current screen: a message, or a yes/no question. */
#include <stdlib.h>
#include <string.h>

#include "ui/ui.h"
#include "util/utf8.h"

struct dialog {
	struct view v;
	char text[1024];
	bool confirm;    /* two buttons */
	bool error;
	int selected;    /* 0 = 确定/是, 1 = 取消 */
	dialog_cb cb;
	void *ctx;
};

static void dialog_draw(struct view *v, struct ui *ui)
{
	(void)ui;
	struct dialog *d = (struct dialog *)v;
	int w = COLS - 8 < 60 ? COLS - 8 : 60;
	char lines[12][256];
	int n = ui_wrap(d->text, w - 4, lines, 12);
	int h = n + 6;
	int y = (LINES - h) / 2, x = (COLS - w) / 2;
	attrset(A_NORMAL);
	for (int r = 0; r < h; r++)
		mvhline(y + r, x, ' ', w);
	attrset(d->error ? ui_style(S_ERROR) : A_BOLD);
	mvhline(y, x + 1, ACS_HLINE, w - 2);
	mvhline(y + h - 1, x + 1, ACS_HLINE, w - 2);
	mvvline(y + 1, x, ACS_VLINE, h - 2);
	mvvline(y + 1, x + w - 1, ACS_VLINE, h - 2);
	mvaddch(y, x, ACS_ULCORNER);
	mvaddch(y, x + w - 1, ACS_URCORNER);
	mvaddch(y + h - 1, x, ACS_LLCORNER);
	mvaddch(y + h - 1, x + w - 1, ACS_LRCORNER);
	char title[128];
	snprintf(title, sizeof title, " %s ", v->title);
	ui_text(y, x + 2, w - 4, true, title);
	attrset(A_NORMAL);
	for (int i = 0; i < n; i++)
		ui_text(y + 2 + i, x + 2, w - 4, false, lines[i]);
	const char *labels[2] = { d->confirm ? "[ 确定 ]" : "[ 知道了 ]", "[ 取消 ]" };
	int nb = d->confirm ? 2 : 1;
	int bw = 0;
	for (int i = 0; i < nb; i++)
		bw += utf8_width(labels[i]) + 2;
	int bx = x + (w - bw) / 2;
	for (int i = 0; i < nb; i++) {
		attrset(i == d->selected ? ui_style(S_SELECT) : A_NORMAL);
		bx += ui_text(y + h - 2, bx, w, false, labels[i]) + 2;
	}
	attrset(A_NORMAL);
}

static int finish(struct dialog *d, struct ui *ui, bool yes)
{
	int r = R_HANDLED | R_CLOSE;
	if (d->cb) {
		dialog_cb cb = d->cb;
		struct view *opener = d->v.below;
		d->cb = NULL;
		/* The callback acts for the view that opened the dialog: it may push
		 * new views, and R_CLOSE closes the opener. */
		int cr = cb(ui, d->ctx, yes);
		if ((cr & R_CLOSE) && opener)
			ui_close(ui, opener);
		r |= cr & R_QUIT;
	}
	return r;
}

static int dialog_key(struct view *v, struct ui *ui, const struct key *k)
{
	struct dialog *d = (struct dialog *)v;
	if (k->fn && (k->code == KEY_LEFT || k->code == KEY_RIGHT || k->code == KEY_BTAB)) {
		d->selected = d->confirm ? !d->selected : 0;
		return R_HANDLED | R_REDRAW;
	}
	if (!k->fn && k->code == '\t') {
		d->selected = d->confirm ? !d->selected : 0;
		return R_HANDLED | R_REDRAW;
	}
	if ((!k->fn && (k->code == '\n' || k->code == '\r')) || (k->fn && k->code == KEY_ENTER))
		return finish(d, ui, d->selected == 0);
	if (!k->fn && k->code == 27)
		return finish(d, ui, !d->confirm);
	if (d->confirm && !k->fn && (k->code == 'y' || k->code == 'Y'))
		return finish(d, ui, true);
	if (d->confirm && !k->fn && (k->code == 'n' || k->code == 'N'))
		return finish(d, ui, false);
	return R_HANDLED; /* modal: nothing else gets through */
}

static void dialog_free(struct view *v)
{
	free(v);
}

static const enum action dialog_actions[] = { ACT_CONFIRM, ACT_CANCEL, ACT_NONE };
static const enum action message_actions[] = { ACT_CONFIRM, ACT_NONE };

static const struct view_ops confirm_ops = {
	.name = "confirm", .actions = dialog_actions, .overlay = true,
	.draw = dialog_draw, .key = dialog_key, .free = dialog_free,
};
static const struct view_ops message_ops = {
	.name = "message", .actions = message_actions, .overlay = true,
	.draw = dialog_draw, .key = dialog_key, .free = dialog_free,
};

static void open_dialog(struct ui *ui, const char *title, const char *text, bool confirm,
			bool error, dialog_cb cb, void *ctx)
{
	struct dialog *d = calloc(1, sizeof *d);
	if (!d)
		return;
	d->v.ops = confirm ? &confirm_ops : &message_ops;
	snprintf(d->v.title, sizeof d->v.title, "%s", title);
	snprintf(d->text, sizeof d->text, "%s", text);
	d->confirm = confirm;
	d->error = error;
	d->cb = cb;
	d->ctx = ctx;
	ui_push(ui, &d->v);
}

void dialog_message(struct ui *ui, const char *title, const char *text, bool error)
{
	open_dialog(ui, title, text, false, error, NULL, NULL);
}

void dialog_confirm(struct ui *ui, const char *title, const char *text, dialog_cb cb, void *ctx)
{
	open_dialog(ui, title, text, true, false, cb, ctx);
}
