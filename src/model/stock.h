#ifndef CERTDESK_MODEL_STOCK_H
#define CERTDESK_MODEL_STOCK_H

/*
 * Blank KEYs in an office's stock (介质库存): the states a KEY goes
 * through, the movements that take it there, and the serials printed on
 * KEYs, typed, scanned or given as a range. Pure rules, no I/O.
 *
 *     receive          issue              damage (taken back)     return
 *   ---------> 在库 ---------> 已发放 ----------------> 已损坏 ---------> 已退回
 *              在库 ------------------- damage -------> 已损坏
 *              在库 ------------------------------------ return -------> 已退回
 *   已退回 ---- receive (sent out again by the centre) ---> 在库
 */
#include <stdbool.h>

#include "model/staff.h"
#include "util/status.h"
#include "util/uuid.h"

#define STOCK_STATE_LIST(X) \
	X(IN_STOCK, "in_stock", "在库")   \
	X(ISSUED,   "issued",   "已发放") \
	X(DAMAGED,  "damaged",  "已损坏") \
	X(RETURNED, "returned", "已退回")

enum stock_state {
#define X(n, c, l) STOCK_##n,
	STOCK_STATE_LIST(X)
#undef X
	STOCK_STATE__COUNT
};

#define STOCK_MOVE_LIST(X) \
	X(RECEIVE, "receive", "入库") \
	X(ISSUE,   "issue",   "发放") \
	X(DAMAGE,  "damage",  "损坏") \
	X(RETURN,  "return",  "退回")

enum stock_move {
#define X(n, c, l) MOVE_##n,
	STOCK_MOVE_LIST(X)
#undef X
	MOVE__COUNT
};

const char *stock_state_code(enum stock_state s);   /* "in_stock" */
const char *stock_state_label(enum stock_state s);  /* "在库" */
bool stock_state_parse(const char *code, enum stock_state *out);
const char *stock_move_code(enum stock_move m);     /* "receive" */
const char *stock_move_label(enum stock_move m);    /* "入库" */
bool stock_move_parse(const char *code, enum stock_move *out);

/*
 * May a KEY in state `from` take movement m? On success *to is the state
 * after it. A KEY not on the ledger yet is taken as STOCK_RETURNED for
 * MOVE_RECEIVE (only a new or returned KEY can be received). On refusal
 * e (ST_STATE) says why in words, naming `serial`.
 */
bool stock_move_allowed(const char *serial, enum stock_state from, enum stock_move m,
			enum stock_state *to, struct err *e);

/* A KEY's serial: 4-32 of A-Z, 0-9 and '-', beginning and ending with a
 * letter or digit; lower case is accepted and upper-cased by
 * key_serial_normalize (which also drops blanks around it). */
#define KEY_SERIAL_MAX 33
bool check_key_serial(const char *s, struct err *e);
void key_serial_normalize(char *s);

/* Characters of a movement's note (delivery note, why damaged), NUL included. */
#define STOCK_NOTE_MAX 385

/* One KEY on the ledger (table key_stock), with what lists show beside it. */
struct stock_key {
	char serial[KEY_SERIAL_MAX];
	char office_id[UUID_LEN + 1];
	enum stock_state state;
	char received_move[UUID_LEN + 1];   /* the batch it came in */
	char last_move[UUID_LEN + 1];
	char application_id[UUID_LEN + 1];  /* issued to; "" when never issued */
	char updated_at[21];                /* UTC ISO 8601 */
	long version;
	/* Read with it for lists ("" when not known here). */
	char office_code[OFFICE_CODE_MAX];
	char app_number[48];                /* the application it was issued to */
	char received_at[21];
	char last_note[STOCK_NOTE_MAX];     /* the note of its last movement */
};

/* One movement (table key_moves): a document of the ledger. */
struct stock_moverec {
	char id[UUID_LEN + 1];
	char office_id[UUID_LEN + 1];
	enum stock_move kind;
	int count;
	char first_serial[KEY_SERIAL_MAX], last_serial[KEY_SERIAL_MAX];
	char application_id[UUID_LEN + 1];  /* issue: the application */
	char note[STOCK_NOTE_MAX];
	char at[21];
	char by_id[UUID_LEN + 1];
	long version;
	/* Read with it for lists. */
	char by_name[NAME_MAX_BYTES];
	char app_number[48];
};

/* The most KEYs one movement may carry (a delivery of several cartons). */
#define STOCK_BATCH_MAX 5000

/* A set of serials, sorted and without repeats. Embedded; _done frees. */
struct key_list {
	char (*serial)[KEY_SERIAL_MAX];   /* owned, n of them */
	int n, cap;
};
void key_list_init(struct key_list *l);
void key_list_done(struct key_list *l);
/*
 * Add the serials FIRST..LAST: both of one length and one prefix, the
 * rest digits counting up ("FT3000-00001".."FT3000-00100"); a single
 * serial when they are equal. ST_INVALID when they are not such a pair
 * or the range is longer than `max` in all.
 */
enum status key_list_add_range(struct key_list *l, const char *first, const char *last, int max,
			       struct err *e);
/*
 * Add the serials of a text: one a line, as a scanner types them, or a
 * range "FIRST..LAST" on a line; blank lines and lines starting with '#'
 * are skipped, CRLF and a UTF-8 BOM accepted. A bad line is ST_INVALID
 * naming its line number; nothing of the text is kept then.
 */
enum status key_list_parse(struct key_list *l, const char *text, int max, struct err *e);
/* Sort and refuse repeats (ST_INVALID naming the first serial given twice). */
enum status key_list_finish(struct key_list *l, struct err *e);

#endif
