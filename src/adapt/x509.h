#ifndef CERTDESK_ADAPT_X509_H
#define CERTDESK_ADAPT_X509_H

#include <stddef.h>
#include <stdint.h>

#include "model/cert.h"
#include "util/status.h"

/*
 * X.509 certificates through OpenSSL 3, into the plain record of
 * model/cert.h. Only this file includes OpenSSL's X.509 headers.
 */

/* Largest certificate accepted, in bytes (real ones are 1-2 KB). */
#define X509_CERT_MAX (64 * 1024)

/*
 * Parse one certificate, DER or PEM ("-----BEGIN CERTIFICATE-----"), into
 * *out (overwritten whole). Fingerprints are taken over the DER bytes as
 * stored. Returns ST_OK, ST_INVALID with a message for the clerk when the
 * data is not a well-formed certificate (corrupt, truncated, followed by
 * other data, unreadable dates), ST_NOMEM. Never crashes on any input.
 */
enum status x509_parse(const uint8_t *data, size_t len, struct cert *out, struct err *e);

#endif
