#ifndef CERTDESK_ADAPT_CRL_H
#define CERTDESK_ADAPT_CRL_H

/*
 * Certificate revocation lists (RFC 5280, section 5) through OpenSSL 3:
 * parse a list, check that the configured issuer certificate signed it,
 * and hand over what it says as plain data. Only this file (and x509.c)
 * include OpenSSL's X.509 headers.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "model/cert.h"
#include "util/status.h"

/* Largest list accepted, in bytes: a CA's full list of a few hundred
 * thousand entries is some tens of megabytes. */
#define CRL_MAX_BYTES (128L * 1024 * 1024)
/* Largest issuer certificate file. */
#define CRL_ISSUER_MAX (64 * 1024)

struct crl_entry {
	char serial[CERT_SERIAL_MAX];  /* upper-case hex as adapt/x509.c writes serials */
	time_t revoked;                /* revocationDate */
	int reason;                    /* CRLReason code, -1 when the entry gives none */
};

struct crl {
	char issuer[CERT_DN_MAX];      /* DN as adapt/x509.c writes it */
	char number[CERT_SERIAL_MAX];  /* CRLNumber in hex, "" when absent */
	time_t this_update;
	time_t next_update;            /* 0 when the list names none */
	char sig_alg[CERT_ALG_MAX];    /* "sha256WithRSAEncryption", "SM2-with-SM3" */
	char sha256[CERT_HASH_HEX];    /* of the DER, upper-case hex */
	struct crl_entry *entries;     /* owned, n of them, in the list's order */
	size_t n;
};

/*
 * Read the list in `data` (DER, or PEM "-----BEGIN X509 CRL-----") and
 * check it against the issuer certificate in `issuer` (DER or PEM): its
 * issuer name must be the certificate's subject, the certificate must be
 * allowed to sign lists (keyUsage cRLSign, when it has a keyUsage), and
 * the signature must verify with its key (SM2 with the default ID
 * 1234567812345678). Only then is *out filled (crl_done frees it).
 * ST_INVALID with one Chinese sentence for the clerk: not a list, corrupt
 * or truncated, a delta list, an unreadable issuer certificate, another
 * issuer, a bad signature. ST_NOMEM. Never crashes on any input.
 */
enum status crl_load(const uint8_t *data, size_t len, const uint8_t *issuer, size_t issuer_len,
		     struct crl *out, struct err *e);
void crl_done(struct crl *c);

#endif
