#ifndef CERTDESK_UI_VIEW_KEY_INT_H
#define CERTDESK_UI_VIEW_KEY_INT_H

/*
 * The KEY screen's state, shared by its behaviour (view_key.c: waiting,
 * reading, binding, renewing, the PIN) and its drawing (view_key_draw.c).
 * Private to those two files.
 */
#include "svc/key.h"
#include "ui/field.h"
#include "ui/ui.h"
#include "ui/views.h"

enum mode {
	M_IDLE,      /* nothing read; msg says why (no service, timeout, not a KEY...) */
	M_WAIT,      /* waiting for a KEY to be inserted */
	M_READERS,   /* several readers hold KEYs: the clerk picks one */
	M_CERTS,     /* a KEY was read */
};

enum prompt { P_NONE, P_PHONE, P_PIN };
enum purpose { FOR_BIND, FOR_RENEW };

struct binding {
	char applicant_id[UUID_LEN + 1];
	char label[160];                 /* "张三（138****5678）", "" unbound */
	char state[512];                 /* "已吊销（…）", "已注销（…）", "" neither */
	char crl_mark[256];              /* "吊销于 …，原因：…" by the list in force, or "" */
};

struct key_view {
	struct view v;
	struct ui *ui;
	char applicant_id[UUID_LEN + 1]; /* whom the screen is for; "" from the menu */
	char applicant_label[160];
	struct token_ctx *ctx;           /* NULL while PC/SC does not answer */
	enum mode mode;
	double wait_end;                 /* clock_ms() when the wait gives up */
	int wait_s;
	char wait_reader[TOKEN_READER_MAX]; /* "" any reader */
	struct token_reader_list readers;
	int rsel;
	struct key_contents kc;
	struct binding bound[KEY_SLOTS];
	int csel;
	/* The revocation list on this terminal, for every certificate shown:
	 * one line when there is none or it is past its next update. */
	char crl_note[256];
	bool crl_stale;
	char msg[256];
	bool msg_error;
	/* a question at the bottom: the applicant's phone, or the PIN */
	enum prompt prompt;
	enum purpose purpose;
	struct field field;
	char prompt_msg[256];
	int tries_left;
	char target_id[UUID_LEN + 1];    /* the applicant to bind to or renew for */
	char target_label[160];
};

/* The certificate under the cursor, or NULL. */
const struct key_cert *view_key_selected(const struct key_view *kv);
/* The reader holds a card (present, in use, or not answering). */
bool view_key_has_card(const struct token_reader *r);
/* Draw the screen (the view's draw operation). */
void view_key_draw(struct view *v, struct ui *ui);
/* Say something on the screen's message line (an error in red). */
void view_key_msg(struct key_view *kv, bool error, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* view_key_pin.c: F6 unlock (the accepted unlock application waiting for
 * this KEY) and change the PIN (unless the KEY says it is blocked). */
void view_key_begin_unlock(struct key_view *kv, struct ui *ui);
void view_key_begin_change_pin(struct key_view *kv, struct ui *ui);

#endif
