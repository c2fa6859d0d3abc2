#ifndef CERTDESK_ADAPT_TOKEN_H
#define CERTDESK_ADAPT_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/apdu.h"
#include "util/buf.h"
#include "util/status.h"

/*
 * KEYs (USB tokens) through PC/SC-Lite.
 *
 * Two levels:
 *  - readers and cards (pcsc.c, the only file that includes winscard.h):
 *    a context, the list of readers, waiting for a card, connecting,
 *    sending APDUs;
 *  - token drivers (struct token_driver): one per kind of application on
 *    the card. PIV (piv.c) is the first; a vendor's SKF applet is another
 *    driver added to the table in token.c, and the screens, which only call
 *    the token_* functions below, do not change.
 *
 * Every function that can fail fills a `struct err` whose text is meant for
 * the clerk (Chinese, one sentence). Nothing here logs PINs, PUKs or
 * certificate contents.
 *
 * Threads: a context, and the cards connected through it, are used by one
 * thread at a time. token_cancel() is the exception: the screen calls it
 * from its own thread to stop a worker that waits for a card.
 */

/* Sizes in bytes, NUL included where it is text. */
#define TOKEN_READER_MAX 128   /* a reader name (pcsc-lite's limit) */
#define TOKEN_ATR_MAX 33       /* an ATR */
#define TOKEN_ID_MAX 65        /* a card identifier in hex */

struct token_ctx;    /* a connection to the PC/SC service */
struct token_card;   /* a connection to the card in one reader */

/* ---- readers ---- */

enum token_reader_state {
	TOKEN_EMPTY,     /* no card in the reader */
	TOKEN_PRESENT,   /* a card is in the reader */
	TOKEN_MUTE,      /* a card that does not answer (inserted badly, broken) */
	TOKEN_IN_USE,    /* a card held exclusively by another program */
	TOKEN_UNKNOWN    /* the reader does not say */
};
/* Stable code ("empty", "card", "mute", "in_use", "unknown") and screen label. */
const char *token_state_code(enum token_reader_state s);
const char *token_state_label(enum token_reader_state s);

struct token_reader {
	char name[TOKEN_READER_MAX];
	enum token_reader_state state;
	uint8_t atr[TOKEN_ATR_MAX];   /* when a card is present */
	size_t atr_len;
};

struct token_reader_list {
	struct token_reader *items;   /* owned; NULL when n is 0 */
	size_t n;
};

/*
 * Connect to the PC/SC service (pcscd). ST_DEVICE with a plain message when
 * the service is not running; it does not wait for it. The caller frees
 * *out with token_close().
 */
enum status token_open(struct token_ctx **out, struct err *e);
/* Release the context; NULL is allowed. Cards connected through it must be
 * disconnected first. */
void token_close(struct token_ctx *ctx);

/*
 * The readers attached now, each with its state. No reader is not an error:
 * ST_OK with out->n == 0. Free with token_reader_list_done().
 */
enum status token_list_readers(struct token_ctx *ctx, struct token_reader_list *out, struct err *e);
void token_reader_list_done(struct token_reader_list *l);

/*
 * Waiting. timeout_ms < 0 waits without limit. Each returns ST_OK when the
 * condition holds (at once if it already does), ST_TIMEOUT, ST_CANCELLED
 * (token_cancel), or ST_DEVICE when the PC/SC service fails or stops.
 */
/* Until at least `min` readers are attached. */
enum status token_wait_readers(struct token_ctx *ctx, size_t min, int timeout_ms, struct err *e);
/*
 * Until a card is present in `reader`, or in any reader when reader is NULL;
 * the reader's name is copied to `found` (may be NULL). When several
 * readers hold cards, the first listed is named: callers that let the clerk
 * choose list the readers instead.
 */
enum status token_wait_card(struct token_ctx *ctx, const char *reader, int timeout_ms,
			    char found[TOKEN_READER_MAX], struct err *e);
/* Until `reader` holds no card (or is gone). */
enum status token_wait_removal(struct token_ctx *ctx, const char *reader, int timeout_ms,
			       struct err *e);
/*
 * The reader to use when the clerk has not chosen one: the only reader that
 * holds a card. ST_NOT_FOUND when there is no reader, or no card in any;
 * ST_INVALID (field "reader") when several hold cards: the clerk chooses.
 */
enum status token_pick_reader(struct token_ctx *ctx, char out[TOKEN_READER_MAX], struct err *e);
/*
 * Stop the wait in progress on ctx with ST_CANCELLED; when none is in
 * progress, the next wait on ctx stops at once instead (a cancel is never
 * lost, and each cancel stops one wait). Safe to call from any thread.
 */
void token_cancel(struct token_ctx *ctx);

/* ---- cards ---- */

/*
 * Connect (shared) to the card in `reader`. ST_NOT_FOUND when the reader
 * does not exist, ST_DEVICE when it holds no card, the card does not answer
 * or another program holds it. Free with token_disconnect().
 */
enum status token_connect(struct token_ctx *ctx, const char *reader, struct token_card **out,
			  struct err *e);
/* Disconnect and reset the card, so that a verified PIN does not stay
 * verified for the next program. NULL is allowed. */
void token_disconnect(struct token_card *card);
/* Borrowed until token_disconnect(). */
const char *token_card_reader(const struct token_card *card);
const uint8_t *token_card_atr(const struct token_card *card, size_t *len);

/*
 * One raw exchange: send apdu[0..n), receive into resp (room *resp_len;
 * set to the length received, status word included). When the card is
 * pulled out, ST_DEVICE says so plainly, and every later call on this card
 * fails the same way at once.
 */
enum status token_transmit(struct token_card *card, const uint8_t *apdu, size_t n, uint8_t *resp,
			   size_t *resp_len, struct err *e);
/*
 * One ISO 7816-4 command: send `cmd`, follow 61xx with GET RESPONSE and
 * answer 6Cxx by sending the command again with Le = xx, and append all the
 * response data to `data` (may be NULL; its cap bounds the answer). The
 * final status word goes to *sw. ST_OK means the card answered, whatever
 * the status word; errors are transport failures or an answer past the cap.
 */
enum status token_command(struct token_card *card, const struct apdu *cmd, struct buf *data,
			  uint16_t *sw, struct err *e);
/* Hold the card for a sequence of commands (PC/SC transaction), so that no
 * other program comes between them. Pairs must not nest. */
enum status token_begin(struct token_card *card, struct err *e);
void token_end(struct token_card *card);

/* ---- drivers ---- */

/* Where a certificate lives. The codes are PIV's; other drivers map theirs. */
enum token_slot {
	TOKEN_SLOT_AUTH,      /* PIV 9A: authentication */
	TOKEN_SLOT_SIGN,      /* PIV 9C: digital signature */
	TOKEN_SLOT_KEYMGMT,   /* PIV 9D: key management (encryption) */
	TOKEN_SLOT_CARDAUTH,  /* PIV 9E: card authentication */
	TOKEN_SLOT__COUNT
};
/* Stable code ("auth", "sign", "keymgmt", "cardauth") and screen label. */
const char *token_slot_code(enum token_slot s);
const char *token_slot_label(enum token_slot s);
/* Parse a code; false when unknown. */
bool token_slot_parse(const char *code, enum token_slot *out);

/*
 * A token driver: what one kind of card application can do. An operation
 * the application lacks is NULL, and the token_* wrapper below answers
 * ST_UNSUPPORTED. Operations run inside a transaction opened by the
 * wrapper, after probe() succeeded on the same connection.
 *
 * PIN results, for verify_pin, change_pin, unblock_pin and change_puk:
 * ST_OK; ST_AUTH when the PIN (PUK) is wrong, *tries_left then holds the
 * tries left (> 0); ST_LOCKED when it is blocked, said plainly, and the
 * driver never tries again by itself; ST_INVALID (field "pin", "new_pin"
 * or "puk") when the text cannot be a PIN. *tries_left is -1 when unknown.
 */
struct token_driver {
	const char *name;    /* stable: "piv" */
	const char *label;   /* for screens: "PIV" */
	/* Recognise the card and select the application: ST_UNSUPPORTED when
	 * the card is not of this kind. */
	enum status (*probe)(struct token_card *card, struct err *e);
	/* An identifier of the card (PIV: the CHUID's GUID, or its FASC-N),
	 * upper-case hex. ST_NOT_FOUND when the card has none. */
	enum status (*card_id)(struct token_card *card, char out[TOKEN_ID_MAX], struct err *e);
	/* The DER certificate in `slot`, caller frees *der with free(); one
	 * stored compressed is inflated (at most X509_CERT_MAX bytes).
	 * ST_NOT_FOUND when the slot is empty, ST_INVALID when the stored data
	 * is malformed (a corrupt or oversized compressed certificate). */
	enum status (*read_cert)(struct token_card *card, enum token_slot slot, uint8_t **der,
				 size_t *len, struct err *e);
	/* Tries left without spending one; *verified when the PIN is already
	 * verified on this connection. ST_LOCKED when blocked. */
	enum status (*pin_status)(struct token_card *card, int *tries_left, bool *verified,
				  struct err *e);
	enum status (*verify_pin)(struct token_card *card, const char *pin, int *tries_left,
				  struct err *e);
	enum status (*change_pin)(struct token_card *card, const char *old_pin, const char *new_pin,
				  int *tries_left, struct err *e);
	/* Set a new PIN with the PUK, and reset the PIN's try counter. */
	enum status (*unblock_pin)(struct token_card *card, const char *puk, const char *new_pin,
				   int *tries_left, struct err *e);
	enum status (*change_puk)(struct token_card *card, const char *old_puk, const char *new_puk,
				  int *tries_left, struct err *e);
};

extern const struct token_driver token_driver_piv;

/*
 * Find the driver for the card: each known driver's probe, in order. On
 * ST_OK the card remembers it. ST_UNSUPPORTED ("not a KEY this program
 * knows") when none recognises it; a transport error stops the search.
 */
enum status token_detect(struct token_card *card, struct err *e);
/* The driver found by token_detect(), or NULL. The card forgets it when
 * another program resets the card (token_begin() then fails once). */
const struct token_driver *token_card_driver(const struct token_card *card);
/* For token_detect(): remember the card's driver (NULL: none). */
void token_card_set_driver(struct token_card *card, const struct token_driver *driver);

/* The driver's operations, each in its own transaction, with the contracts
 * of struct token_driver. They run token_detect() first when it has not
 * succeeded yet on this connection (or the card was reset by another
 * program since), and answer ST_UNSUPPORTED when the driver lacks the
 * operation. */
enum status token_card_id(struct token_card *card, char out[TOKEN_ID_MAX], struct err *e);
enum status token_read_cert(struct token_card *card, enum token_slot slot, uint8_t **der,
			    size_t *len, struct err *e);
enum status token_pin_status(struct token_card *card, int *tries_left, bool *verified,
			     struct err *e);
enum status token_verify_pin(struct token_card *card, const char *pin, int *tries_left,
			     struct err *e);
enum status token_change_pin(struct token_card *card, const char *old_pin, const char *new_pin,
			     int *tries_left, struct err *e);
enum status token_unblock_pin(struct token_card *card, const char *puk, const char *new_pin,
			      int *tries_left, struct err *e);
enum status token_change_puk(struct token_card *card, const char *old_puk, const char *new_puk,
			     int *tries_left, struct err *e);

#endif
