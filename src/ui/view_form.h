#ifndef CERTDESK_UI_VIEW_FORM_H
#define CERTDESK_UI_VIEW_FORM_H

/* A screen that is one form: intro text, the fields, F2/Enter-on-last to
 * save, Esc to go back (unless the form is mandatory). The save callback
 * does the work through a use case and returns reaction flags. */
#include "ui/formw.h"
#include "ui/ui.h"

struct form_view;
typedef int (*form_save_fn)(struct form_view *fv, struct ui *ui);

typedef int (*form_action_fn)(struct form_view *fv, struct ui *ui, enum action a);

struct form_view {
	struct view v;
	struct formw w;
	form_save_fn save;
	/* More actions than save and back (e.g. "send code"): offered in
	 * `extra` (ACT_NONE-terminated) and handled by on_action. */
	enum action extra[8];
	form_action_fn on_action;
	/* Called after a key changed a field (to show or hide others). */
	void (*on_edit)(struct form_view *fv, struct ui *ui, const char *field);
	/* Called when the focus leaves a field (to fill others from it). */
	void (*on_leave)(struct form_view *fv, struct ui *ui, const char *field);
	/* Called when the view closes, for the opener's context. */
	void (*on_free)(struct form_view *fv);
	void *ctx;
	char intro[512];
	bool mandatory;              /* no Esc: setup, login, forced password change */
	char ref[UUID_LEN + 1];      /* the record the form is about, if any */
	char ref2[UUID_LEN + 1];     /* a second one (the payment of an order) */
	int pick;                    /* how many times F6 offered a choice (scan folder, templates) */
};

/* Open the form named `form` (forms/NAME.def) with this title and intro.
 * Returns the view (owned by the stack) for pre-filling, or NULL. */
struct form_view *form_view_open(struct ui *ui, const char *form, const char *title,
				 const char *intro, bool mandatory, form_save_fn save);

/* Open a form about a record (ref, and ref2 or NULL). */
struct form_view *form_view_open_ref(struct ui *ui, const char *form, const char *title,
				     const char *intro, form_save_fn save, const char *ref,
				     const char *ref2);

/* Offer more actions on a form view. */
void form_view_actions(struct form_view *fv, const enum action *extra, form_action_fn fn);

/* Both password fields equal? If not, says so beside `second`. */
bool form_view_same(struct form_view *fv, const char *first, const char *second);

#endif
