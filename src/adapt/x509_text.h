#ifndef CERTDESK_ADAPT_X509_TEXT_H
#define CERTDESK_ADAPT_X509_TEXT_H

/*
 * How certificates and revocation lists read as text, shared by
 * adapt/x509.c and adapt/crl.c so that a CRL's issuer and serials compare
 * equal to what was stored from certificates. Inside adapt/ only: the
 * callers include OpenSSL's headers.
 */
#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/x509.h>

/* n bytes of src into dst, cut between characters; bytes that are not
 * UTF-8 and control characters become '?'. */
void x509_copy_text(char *dst, size_t dstsz, const char *src, size_t n);
/* A distinguished name, most specific first: "CN=张三, O=某某科技有限公司, C=CN". */
bool x509_name_text(const X509_NAME *name, char *out, size_t outsz);
/* An INTEGER (a serial) in upper-case hex as BN_bn2hex writes it. */
bool x509_int_hex(const ASN1_INTEGER *i, char *out, size_t outsz);
/* An ASN.1 time as time_t (UTC). */
bool x509_time(const ASN1_TIME *t, time_t *out);

#endif
