#ifndef CERTDESK_MODEL_CERT_H
#define CERTDESK_MODEL_CERT_H

#include <stdbool.h>
#include <time.h>

/*
 * A certificate as the counter sees it (DOMAIN.md "Certificates and KEYs"):
 * plain data, filled by adapt/x509.c from the DER read off a KEY, stored and
 * shown by the layers above. All text is UTF-8; a field that does not fit is
 * cut at a character boundary, never inside one.
 */

/* Field sizes in bytes, NUL included. */
#define CERT_DN_MAX 1024      /* whole subject or issuer */
#define CERT_ATTR_MAX 256     /* one attribute: 64 characters (X.520 upper bound) */
#define CERT_SERIAL_MAX 67    /* 32 bytes in hex (RFC 5280 allows 20), sign */
#define CERT_ISO_MAX 21       /* "2026-11-25T08:00:00Z" */
#define CERT_HASH_HEX 65      /* 32 bytes in hex */
#define CERT_ALG_MAX 64

/* A certificate expired for more than this many days cannot be renewed:
 * the applicant must apply anew. */
#define CERT_RENEW_GRACE_DAYS 90

enum cert_key_alg {
	CERT_KEY_OTHER,   /* anything else (the name is in key_desc) */
	CERT_KEY_RSA,
	CERT_KEY_SM2,     /* EC key on curve SM2 (GB/T 32918) */
	CERT_KEY_EC       /* EC key on another curve */
};

struct cert {
	/* Distinguished names, most specific first: "CN=张三, O=某某科技有限公司, C=CN". */
	char subject[CERT_DN_MAX];
	char issuer[CERT_DN_MAX];
	/* Single attributes of the subject ("" when absent; the first when repeated). */
	char subject_cn[CERT_ATTR_MAX];
	char subject_o[CERT_ATTR_MAX];
	char subject_ou[CERT_ATTR_MAX];
	char subject_serial[CERT_ATTR_MAX];  /* serialNumber (2.5.4.5): often an ID or credit code */
	char issuer_cn[CERT_ATTR_MAX];
	char issuer_o[CERT_ATTR_MAX];
	/* Serial number in upper-case hex without separators, "-" first when negative. */
	char serial[CERT_SERIAL_MAX];
	/* Validity, both ends inclusive (RFC 5280), as time_t and UTC ISO 8601. */
	time_t not_before;
	time_t not_after;
	char not_before_iso[CERT_ISO_MAX];
	char not_after_iso[CERT_ISO_MAX];
	/* Public key. */
	enum cert_key_alg key_alg;
	int key_bits;                   /* 2048 for RSA 2048, 256 for SM2 */
	char key_desc[CERT_ALG_MAX];    /* "RSA 2048", "SM2", "EC prime256v1" */
	char sig_alg[CERT_ALG_MAX];     /* "sha256WithRSAEncryption", "SM2-with-SM3" */
	/* Fingerprints of the DER encoding, upper-case hex without separators. */
	char sha256[CERT_HASH_HEX];
	char sm3[CERT_HASH_HEX];
};

/* Screen name of the key algorithm: "RSA", "SM2", "EC" or "其他". */
static inline const char *cert_key_alg_label(enum cert_key_alg a)
{
	switch (a) {
	case CERT_KEY_RSA:
		return "RSA";
	case CERT_KEY_SM2:
		return "SM2";
	case CERT_KEY_EC:
		return "EC";
	default:
		return "其他";
	}
}

/* Floor of a / 86400 for any sign (C division truncates toward zero). */
static inline long cert_floor_days(long long secs)
{
	long long d = secs / 86400;
	if (secs % 86400 < 0)
		d--;
	return (long)d;
}

/* True while now is before not_before. */
static inline bool cert_not_yet_valid(const struct cert *c, time_t now)
{
	return now < c->not_before;
}

/* True once now is past not_after. */
static inline bool cert_expired(const struct cert *c, time_t now)
{
	return now > c->not_after;
}

/* Whole days left until not_after, rounded down: 0 on the last day,
 * negative once expired (-1 in the first day after expiry). */
static inline long cert_days_left(const struct cert *c, time_t now)
{
	return cert_floor_days((long long)c->not_after - (long long)now);
}

/* Whole days since expiry, rounded down; 0 when not expired. */
static inline long cert_days_expired(const struct cert *c, time_t now)
{
	if (!cert_expired(c, now))
		return 0;
	return cert_floor_days((long long)now - (long long)c->not_after);
}

/* True when the certificate expired more than CERT_RENEW_GRACE_DAYS days
 * ago: it is revoked by the system and cannot be renewed. */
static inline bool cert_past_renewal(const struct cert *c, time_t now)
{
	return (long long)now - (long long)c->not_after > (long long)CERT_RENEW_GRACE_DAYS * 86400;
}

#endif
