#ifndef CERTDESK_UI_UI_H
#define CERTDESK_UI_UI_H

/*
 * The full-screen program's framework: terminal set-up, the view stack and
 * event loop, actions and keys, drawing helpers. Only src/ui includes
 * curses. Views are small files that fill in a `struct view_ops`
 * (after tig): they draw themselves and answer keys and actions with
 * reaction flags (after htop); the loop does the rest.
 */
#include <curses.h>
#include <stdbool.h>
#include <wchar.h>

#include "model/staff.h"
#include "svc/app.h"
#include "svc/staff.h"
#include "sync/sync.h"

enum action {
	ACT_NONE = 0,
#define ACTION(id, key, keylabel, label, help) ACT_##id,
#include "ui/actions.def"
#undef ACTION
	ACT__COUNT
};

/* Reactions to an event, OR-ed together. */
enum {
	R_NONE = 0,      /* not mine: let the loop try the next handler */
	R_HANDLED = 1,   /* consumed */
	R_REDRAW = 2,    /* repaint the screen */
	R_CLOSE = 4,     /* pop this view */
	R_QUIT = 8,      /* leave the program */
};

/* One input event from get_wch: a character, or a KEY_* code. */
struct key {
	bool fn;         /* true: `code` is a KEY_* code; false: a character */
	wint_t code;
};

struct ui;
struct view;

struct view_ops {
	const char *name;
	const enum action *actions;  /* offered actions, ending with ACT_NONE */
	/* When set, the actions offered right now (state, role), used instead of
	 * `actions` for the key bar, help and keys; ending with ACT_NONE. */
	const enum action *(*actions_now)(struct view *v, struct ui *ui);
	bool overlay;                /* a dialog: the view below stays visible */
	void (*draw)(struct view *v, struct ui *ui);
	/* Raw input first (fields consume characters); R_NONE to pass it on. */
	int (*key)(struct view *v, struct ui *ui, const struct key *k);
	int (*action)(struct view *v, struct ui *ui, enum action a);
	/* Back on top after the view above it closed: reload what may have changed. */
	void (*resume)(struct view *v, struct ui *ui);
	void (*free)(struct view *v);
};

struct view {
	const struct view_ops *ops;
	char title[96];
	struct view *below;          /* owned by the stack */
};

struct ui {
	struct app *app;
	bool logged_in;
	struct actor actor;
	struct terminal_info term;
	struct view *top;
	bool color;
	bool quit;
	char flash[256];             /* one-line message in the status area */
	bool flash_error;
	struct sync_worker *sync;    /* NULL when this terminal is not enrolled */
};

/* Run the program on an opened app until the user quits. Returns the exit
 * status for main. */
int ui_run(struct app *app);

/* The view stack. ui_push takes ownership of v. */
void ui_push(struct ui *ui, struct view *v);
void ui_pop(struct ui *ui);
/* Remove and free v wherever it is in the stack. */
void ui_close(struct ui *ui, struct view *v);
/* Pop every view, then push v (after login and logout). */
void ui_replace_all(struct ui *ui, struct view *v);

/* Quit, asking first when someone is logged in. */
int ui_ask_quit(struct ui *ui);

/* Draw the whole screen at once, before a step that keeps the user waiting
 * (a download), so that the flash saying so is seen. */
void ui_draw_now(struct ui *ui);
/* O or X on an attachment of record `number` (take.c): fetch it from the
 * centre when it is not here (progress on the status line, Esc stops it),
 * then open it with the viewer (ATTACH_VIEW) or export it; the outcome is
 * said on the status line or in a dialog. */
void ui_take_attachment(struct ui *ui, const char *number, const struct attachment *t,
			enum attach_use use);

/* Show a message on the status line until the next key. */
void ui_flash(struct ui *ui, bool error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Screen geometry: rows 1..ui_body_rows() belong to the view; row 0 is the
 * title, the last two rows the status line and the key bar. */
int ui_body_top(void);
int ui_body_rows(void);

/* Attributes by meaning, honouring NO_COLOR. */
enum ui_style { S_NORMAL, S_TITLE, S_BAR, S_KEY, S_FOCUS, S_FIELD, S_ERROR, S_OK, S_DIM,
		S_SELECT, S_HEADER, S_WARN, S__COUNT };
attr_t ui_style(enum ui_style s);

/* Draw UTF-8 text at (y, x) in at most `cols` columns (cut by display width,
 * with "…" when cut and `ellipsis`). Returns the columns drawn. */
int ui_text(int y, int x, int cols, bool ellipsis, const char *s);
/* Same, padded with spaces to exactly `cols` columns. */
void ui_text_pad(int y, int x, int cols, const char *s);
/* Split text into lines of at most `cols` columns (by display width, and
 * at '\n'), never cutting a character. Returns the number of lines, each
 * copied into lines[i]. */
int ui_wrap(const char *text, int cols, char lines[][256], int max);

/* Where the terminal cursor goes after drawing (the focused field). */
void ui_cursor(int y, int x);

/* Text centred in the given width. */
void ui_text_center(int y, int x, int cols, const char *s);

/* Action metadata. */
const char *action_key_label(enum action a);
const char *action_label(enum action a);
const char *action_help(enum action a);
/* The action bound to key k among `offered` (ACT_NONE-terminated) and the
 * global ones (help, quit); ACT_NONE when none. */
enum action action_for_key(const struct key *k, const enum action *offered);

/* The nth newest file of the scan folder (certdesk.conf scan.folder), for
 * F6 in file fields; says which one on the status line. */
bool ui_scan_pick(struct ui *ui, int nth, char *out, size_t outsz, struct err *e);

/* Dialogs (dialog.c). The callback runs when the dialog closes, with the
 * view that opened it still below; it returns reaction flags for that view. */
typedef int (*dialog_cb)(struct ui *ui, void *ctx, bool yes);
void dialog_message(struct ui *ui, const char *title, const char *text, bool error);
void dialog_confirm(struct ui *ui, const char *title, const char *text, dialog_cb cb, void *ctx);

/* The actions a view offers now (actions_now or actions). */
const enum action *view_actions(struct view *v, struct ui *ui);

/* The help screen for the view below it. */
void help_open(struct ui *ui);

/* Views of the foundation. */
void view_setup_open(struct ui *ui);
void view_login_open(struct ui *ui);
void view_menu_open(struct ui *ui);
void view_passwd_open(struct ui *ui, bool forced);
void view_staff_open(struct ui *ui);
void view_sync_open(struct ui *ui);

#endif
