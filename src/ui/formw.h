#ifndef CERTDESK_UI_FORMW_H
#define CERTDESK_UI_FORMW_H

/*
 * A form on screen, built from a form definition (src/model/form.h):
 * one labelled field per row, Tab/Down/Enter to move on, Shift-Tab/Up
 * back, the field's check run when leaving it and its message shown
 * beside it, the focused field's hint on the line below the form. Fields
 * can be hidden (a renewal's serial on a new application), and a form
 * taller than the screen scrolls with the focus.
 */
#include "model/form.h"
#include "ui/field.h"

#define FORMW_MAX_FIELDS 24

struct formw {
	const struct form_def *def;       /* borrowed */
	struct field fields[FORMW_MAX_FIELDS];
	char msg[FORMW_MAX_FIELDS][256];  /* per-field message, "" when fine */
	bool hidden[FORMW_MAX_FIELDS];
	int focus;
	int top;                          /* first field shown when scrolled */
	int label_cols;                   /* widest label */
	char error[256];                  /* a form-level message */
};

/* Embedded init/done. */
void formw_init(struct formw *w, const struct form_def *def);
void formw_done(struct formw *w);
/* Set a field's text by id (ignored when unknown). */
void formw_set(struct formw *w, const char *id, const char *value);
/* A field's trimmed text by id; caller frees; "" (allocated) when unknown. */
char *formw_get(const struct formw *w, const char *id);
/* Show or hide a field; a hidden field is neither shown, checked nor read. */
void formw_hide(struct formw *w, const char *id, bool hidden);
/* Offer other choices in an FT_CHOICE field ("code=label|..."). */
void formw_set_choices(struct formw *w, const char *id, const char *choices);
/* Move the focus to a field. */
void formw_focus(struct formw *w, const char *id);
/* The id of the focused field. */
const char *formw_focused(const struct formw *w);
/* Put a message beside a field (or as the form message when id is NULL or
 * unknown) and move the focus there. */
void formw_error(struct formw *w, const char *id, const char *msg);
/* Show an err from a use case next to its field, if it names one. */
void formw_show_err(struct formw *w, const struct err *e);
/* Check every visible field; on the first failure focus it and return false. */
bool formw_validate(struct formw *w);
/* Editing and navigation keys. Enter on the last field is not consumed, so
 * that the view can treat it as "save". */
int formw_key(struct formw *w, const struct key *k);
/* Draw from row y in at most `rows` rows; returns the next free row. */
int formw_draw(struct formw *w, int y, int x, int rows);
/* True when the focus is on the last visible field. */
bool formw_at_last(const struct formw *w);

#endif
