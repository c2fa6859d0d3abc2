#ifndef CERTDESK_UI_SEARCHLIST_H
#define CERTDESK_UI_SEARCHLIST_H

/*
 * A search bar over a list, the shape of every "find" screen: the bar is a
 * small form (forms/NAME.def); Enter in it runs the search and moves to the
 * list; in the list, Enter opens the row and '/' or F8 returns to the bar.
 */
#include "ui/formw.h"
#include "ui/listw.h"

struct searchlist {
	struct formw bar;
	struct listw list;
	bool in_bar;             /* where the keys go */
};

/* Embedded init/done: `form` is the bar's form name. */
void searchlist_init(struct searchlist *sl, const char *form, const struct listw_source *src,
		     const struct listw_col *cols, int ncols, const char *empty_text);
void searchlist_done(struct searchlist *sl);
/*
 * Keys. Returns R_HANDLED for keys it used; *run is set when a search
 * should run now (Enter in the bar), *open when the selected row should
 * open (Enter in the list).
 */
int searchlist_key(struct searchlist *sl, const struct key *k, bool *run, bool *open);
/* Focus the bar (F8, '/'). */
void searchlist_focus_bar(struct searchlist *sl);
/* Draw from row y to the bottom of the body. */
void searchlist_draw(struct searchlist *sl, int y);

#endif
