#include "ui/searchlist.h"

#include <string.h>

void searchlist_init(struct searchlist *sl, const char *form, const struct listw_source *src,
		     const struct listw_col *cols, int ncols, const char *empty_text)
{
	memset(sl, 0, sizeof *sl);
	formw_init(&sl->bar, form_find(form));
	listw_init(&sl->list, src, cols, ncols, empty_text);
	sl->in_bar = true;
}

void searchlist_done(struct searchlist *sl)
{
	formw_done(&sl->bar);
}

void searchlist_focus_bar(struct searchlist *sl)
{
	sl->in_bar = true;
}

static bool is_enter(const struct key *k)
{
	return (!k->fn && (k->code == '\n' || k->code == '\r')) || (k->fn && k->code == KEY_ENTER);
}

int searchlist_key(struct searchlist *sl, const struct key *k, bool *run, bool *open)
{
	*run = *open = false;
	if (sl->in_bar) {
		if (is_enter(k)) {
			*run = true;
			return R_HANDLED;
		}
		/* Down from the last field of the bar goes to the list. */
		if (k->fn && k->code == KEY_DOWN && formw_at_last(&sl->bar) && sl->list.nrows) {
			sl->in_bar = false;
			return R_HANDLED;
		}
		return formw_key(&sl->bar, k);
	}
	if (is_enter(k)) {
		*open = listw_selected(&sl->list) != NULL;
		return R_HANDLED;
	}
	if (!k->fn && k->code == '/') {
		sl->in_bar = true;
		return R_HANDLED;
	}
	if (k->fn && k->code == KEY_UP && sl->list.sel == 0) {
		/* Up from the first row: back to the bar, unless the list can scroll. */
		int before = sl->list.nrows ? 1 : 0;
		char first[LISTW_KEY_MAX];
		snprintf(first, sizeof first, "%s", before ? sl->list.rows[0].key : "");
		listw_key(&sl->list, k);
		if (!before || strcmp(first, sl->list.rows[0].key) == 0)
			sl->in_bar = true;
		return R_HANDLED;
	}
	return listw_key(&sl->list, k);
}

void searchlist_draw(struct searchlist *sl, int y)
{
	int nf = 0;
	for (int i = 0; i < sl->bar.def->nfields; i++)
		nf += !sl->bar.hidden[i];
	/* The bar without its cursor when the list has the keys. */
	int next = formw_draw(&sl->bar, y, 2, nf + 2);
	if (!sl->in_bar)
		ui_cursor(-1, -1);
	int rows = LINES - 2 - next;
	if (!sl->in_bar && sl->list.nrows == 0)
		sl->in_bar = true;
	listw_draw(&sl->list, next, 2, COLS - 4, rows);
}
