#ifndef CERTDESK_MODEL_CRL_H
#define CERTDESK_MODEL_CRL_H

/*
 * Words of a certificate revocation list (RFC 5280, 5.3.1): the reason
 * codes, stored by name, and certificate serials written the one way the
 * program compares them. Pure, no I/O.
 */
#include <stdbool.h>
#include <stddef.h>

/* The name of reason code `code` ("keyCompromise"), "" for none (-1) or
 * an unknown code. */
const char *crl_reason_code(int code);
/* Screen text of a stored reason name: "密钥泄露"; "未说明" for "" or an
 * unknown name. Never NULL. */
const char *crl_reason_label(const char *name);

/*
 * A serial as typed ("4a:3f:00:12", "0x4A3F0012", "00 4A 3F") in the form
 * adapt/x509.c stores: upper-case hex without separators or leading zero
 * bytes, an even number of digits ("0A" for 10), "0" for zero. False when
 * it is not hex or longer than 40 digits; out (outsz >= 43) is "" then.
 */
bool crl_serial_canonical(const char *in, char *out, size_t outsz);

#endif
