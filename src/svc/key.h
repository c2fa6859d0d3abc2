#ifndef CERTDESK_SVC_KEY_H
#define CERTDESK_SVC_KEY_H

/*
 * KEYs at the counter (DOMAIN.md, "Certificates and KEYs"): reading the
 * certificates on a KEY, binding them to an applicant once the KEY's PIN
 * is verified (command certificate.bind), the applicant's bound
 * certificates, and a renewal application filled from a certificate.
 *
 * PINs go to the card and nowhere else: they are never logged, stored,
 * audited or put in a payload. The manual's default PIN (111111) is not a
 * secret: when the applicant's KEY still has it, the caller is told so,
 * to warn the applicant to change it.
 *
 * The card is reached through adapt/token.h: callers hold the PC/SC
 * context (token_open) and say which reader; each function here connects,
 * does its work and disconnects (which resets the card, so a verified PIN
 * does not stay verified).
 */
#include <stdbool.h>
#include <time.h>

#include "adapt/token.h"
#include "model/application.h"
#include "model/cert.h"
#include "model/party.h"
#include "store/cert_repo.h"
#include "svc/svc.h"

/* The manual's default PIN ("默认6个1"). */
#define KEY_DEFAULT_PIN "111111"

/* ---- reading a KEY ---- */

/* The slots read from a KEY, in this order: authentication (PIV 9A) and
 * signature (PIV 9C). */
#define KEY_SLOTS 2
extern const enum token_slot key_slots[KEY_SLOTS];

struct key_cert {
	enum token_slot slot;
	struct cert cert;
};

/* A slot whose data is there but unusable (a corrupt certificate). */
struct key_problem {
	enum token_slot slot;
	enum status st;
	char msg[256];
};

/* What one KEY holds, as read. */
struct key_contents {
	char reader[TOKEN_READER_MAX];
	char driver[16];               /* the driver's label: "PIV" */
	char card_id[TOKEN_ID_MAX];    /* the card's identifier (PIV CHUID); "" when none */
	struct key_cert certs[KEY_SLOTS];
	int ncerts;                    /* readable certificates, in key_slots order */
	struct key_problem bad[KEY_SLOTS];
	int nbad;                      /* slots whose certificate is corrupt */
};

/*
 * Read the KEY in `reader` (NULL: the only reader that holds a card; with
 * several, ST_INVALID field "reader" says the clerk must choose): connect,
 * find its driver, read its identifier and the certificates of key_slots,
 * disconnect. ST_OK when the card was read, even when a slot is empty (not
 * listed) or corrupt (listed in out->bad); errors are the token layer's:
 * no reader or card (ST_NOT_FOUND, ST_DEVICE), not a KEY this program
 * knows (ST_UNSUPPORTED), pulled out (ST_DEVICE), no PC/SC service
 * (ST_DEVICE).
 */
enum status svc_key_read(struct token_ctx *ctx, const char *reader, struct key_contents *out,
			 struct err *e);
/* ST_OK when the contents can be bound or renewed: at least one
 * certificate and none corrupt; else ST_INVALID with the reason (the first
 * corrupt slot's message, or "KEY 上没有证书"). */
enum status key_contents_usable(const struct key_contents *kc, struct err *e);

/*
 * The PIN's state on the KEY in `reader`, without spending a try: ST_OK
 * with *tries_left (-1 unknown), ST_LOCKED (said plainly) when blocked, or
 * the token layer's error. Lets a screen say "blocked" before asking.
 */
enum status svc_key_pin_status(struct token_ctx *ctx, const char *reader, int *tries_left,
			       struct err *e);

/* ---- binding ---- */

/*
 * The binding rule for one certificate (pure). `bound_to` is the applicant
 * it is bound to now ("" or NULL: none), `applicant_id` the one it is to be
 * bound to, `other` a label of the current one for messages ("李四（139****0002）").
 *   ST_OK      bind it; *move is true when it is taken from another
 *              applicant, which only a supervisor may do;
 *   ST_EXISTS  it is bound to this applicant already: binding twice is refused;
 *   ST_DENIED  it is bound to another applicant and `a` is a clerk: the
 *              message names the other applicant and says a supervisor must do it.
 */
enum status key_bind_rule(const char *bound_to, const char *applicant_id, const struct actor *a,
			  const char *other, bool *move, struct err *e);

/*
 * Bind one certificate, as parsed, to an applicant: command
 * certificate.bind@2 through svc_exec (one audit and one outbox entry).
 * Its payload carries the certificate's fields, the applicant, the KEY's
 * identifier and slot, so that the centre records the same row. The rules
 * of key_bind_rule apply; a certificate seen for the first time is added.
 */
enum status svc_cert_bind(struct svc *svc, const struct actor *a, const char *applicant_id,
			  const struct cert *c, const char *card_id, enum token_slot slot,
			  struct err *e);

struct key_bind_result {
	struct key_contents kc;   /* what was read once the PIN was verified */
	int tries_left;           /* after a wrong PIN (ST_AUTH): tries left; -1 unknown */
	bool default_pin;         /* the KEY still has the manual's default PIN */
	int bound;                /* certificates bound now (moved ones included) */
	int already;              /* certificates that were bound to this applicant already */
	int moved;                /* certificates taken from another applicant (supervisor) */
	char moved_from[160];     /* the applicant they were taken from, as a label */
};

/*
 * Bind the KEY in `reader` to the applicant: check the applicant exists,
 * connect, verify `pin` (ST_AUTH with out->tries_left when wrong,
 * ST_LOCKED when blocked: said plainly and never retried), read the
 * certificates, and bind every one that is not bound to this applicant
 * yet, all or nothing (one certificate.bind per certificate, in one batch).
 * Refused with ST_EXISTS when every certificate on the KEY is bound to
 * this applicant already, ST_DENIED when one is bound to another
 * applicant and `a` is a clerk, ST_INVALID when a certificate is corrupt
 * or the KEY holds none. The PIN is not kept.
 */
enum status svc_key_bind(struct svc *svc, const struct actor *a, struct token_ctx *ctx,
			 const char *reader, const char *applicant_id, const char *pin,
			 struct key_bind_result *out, struct err *e);

/* The applicant's bound certificates, latest expiry first (up to max).
 * Returns the number filled or -1. */
int svc_cert_of_applicant(struct svc *svc, const char *applicant_id, struct cert_row *out,
			  int max, struct err *e);
/* How many certificates are bound to the applicant (-1 on error). */
long svc_cert_count_of_applicant(struct svc *svc, const char *applicant_id);
/*
 * Whom the certificate with this SHA-256 is bound to: applicant_id
 * (UUID_LEN + 1 bytes) and a label "张三（138****5678）" (160 bytes), both
 * "" when it is unknown or unbound. ST_OK in every such case; errors are
 * the database's.
 */
enum status svc_cert_bound_to(struct svc *svc, const char *sha256, char *applicant_id,
			      char *label, struct err *e);
/*
 * The state on record of the certificate with this SHA-256, for a
 * certificate read from a KEY: "已吊销（日期，原因）" when the revocation
 * list names it, "已注销（日期，原因）" when it was revoked at the counter
 * (app_kind_cert_state), "" when neither or not known. out: 512 bytes.
 */
void svc_cert_state(struct svc *svc, const char *sha256, char *out, size_t outsz);
/* A stored certificate's standing for lists (pure): its revocation
 * (app_kind_cert_state: "已吊销（…）", "已注销（…）") when it has one, else
 * key_standing's words. out: 512 bytes. */
void cert_row_standing(const struct cert_row *r, time_t now, char *out, size_t outsz);
/* Whole days from now to not_after, rounded down (negative once expired),
 * as cert_days_left() for a stored row. */
long cert_row_days_left(const struct cert_row *r, time_t now);
/*
 * A certificate's standing at `now`, for screens and lists (pure):
 * "尚未生效", "剩余 365 天", "今天到期", "今天已过期", "已过期 3 天，可续费",
 * "已过期 100 天，已注销". out: at least 64 bytes.
 */
void key_standing(time_t not_before, time_t not_after, time_t now, char *out, size_t outsz);

/* ---- renewal ---- */

/*
 * Who a certificate names as its holder (pure). Chinese CAs put the
 * holder's code in the subject's serialNumber, OU or CN, alone or beside
 * other text ("张三@110101199003071234@1"): each of these, in that order,
 * is split into runs of ASCII letters and digits, and a run of 18
 * characters (or 18 after a short prefix of letters, such as "SF")
 * that passes the unified social credit code check is the enterprise's
 * code, one that passes the resident ID check the person's. The
 * enterprise's name is O; the person's name is CN without codes.
 * The certificate is an enterprise's when it carries a credit code, a
 * person's when it carries an ID number, else an enterprise's when it has
 * an O, else a person's.
 */
struct cert_holder {
	enum app_subject subject;
	char org[ORG_NAME_MAX];               /* O, or CN for an enterprise without O */
	char person[PERSON_NAME_MAX];         /* CN without codes */
	char credit_code[CREDIT_CODE_MAX];    /* "" when the subject has none */
	char id_number[ID_NUMBER_MAX];        /* "" when the subject has none */
};
void cert_holder_of(const struct cert *c, struct cert_holder *out);
/* For lists (pure): the person and the organisation a subject names,
 * "张三 · 福州某某科技有限公司", without the codes a CN may carry (an ID
 * number is personal data). out: at least 2 * CERT_ATTR_MAX bytes. */
void key_holder_text(const char *cn, const char *o, char *out, size_t outsz);

/*
 * The 90-day rule (pure): ST_OK when the certificate may be renewed at
 * `now` (not yet valid, valid, or expired at most CERT_RENEW_GRACE_DAYS
 * days ago), else ST_STATE with its dates: "证书已于 2025-08-01 过期，
 * 超过 90 天已被注销，不能续费，请重新申请新证书（有效期 … 至 …，已过期 100 天）。"
 * Dates are local dates.
 */
enum status key_renewal_allowed(const struct cert *c, time_t now, struct err *e);

/* A renewal application's fields, filled from a certificate. */
struct key_renewal {
	enum app_subject subject;
	char cert_serial[SERIAL_MAX];
	char holder_name[ORG_NAME_MAX];       /* the enterprise, or the person */
	char credit_code[CREDIT_CODE_MAX];    /* enterprise; "" when unknown (the clerk types it) */
	/* The enterprise on record with that code ("" when none): its details
	 * fill the form too. */
	char enterprise_id[UUID_LEN + 1];
	char legal_rep[PERSON_NAME_MAX];
	char address[ADDRESS_MAX];
	char phone[TEL_MAX];
};

/*
 * Fill a renewal for `applicant_id` from certificate c, read from a KEY
 * at the counter: the 90-day rule at clock_now() (ST_STATE with the
 * dates), a serial that fits an application (ST_INVALID), the holder as
 * cert_holder_of() finds it. An enterprise's code missing from the
 * certificate is taken from the applicant's enterprise of that name. A
 * personal certificate must be the applicant's own (the holder of a
 * personal application is the applicant): a certificate naming another
 * person (ID number, or name when it has none) is ST_INVALID naming both.
 */
enum status svc_key_renewal(struct svc *svc, const char *applicant_id, const struct cert *c,
			    struct key_renewal *out, struct err *e);

#endif
