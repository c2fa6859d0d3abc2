/* Certificates and CRLs as text (x509_text.h). */
#include "adapt/x509_text.h"

#include <stdint.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>

#include "util/utf8.h"

void x509_copy_text(char *dst, size_t dstsz, const char *src, size_t n)
{
	size_t o = 0, i = 0;
	while (i < n) {
		uint32_t cp;
		size_t k = utf8_decode(src + i, n - i, &cp);
		const char *piece = src + i;
		size_t plen = k;
		if (k == 0 || cp < 0x20 || cp == 0x7F) {
			piece = "?";
			plen = 1;
			k = k ? k : 1;
		}
		if (o + plen >= dstsz)
			break;
		memcpy(dst + o, piece, plen);
		o += plen;
		i += k;
	}
	dst[o] = '\0';
}

bool x509_name_text(const X509_NAME *name, char *out, size_t outsz)
{
	const unsigned long flags = (ASN1_STRFLGS_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) |
				    XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_DN_REV | XN_FLAG_FN_SN;
	BIO *b = BIO_new(BIO_s_mem());
	if (!b)
		return false;
	bool ok = X509_NAME_print_ex(b, name, 0, flags) >= 0;
	char *p = NULL;
	long n = BIO_get_mem_data(b, &p);
	if (ok && n >= 0)
		x509_copy_text(out, outsz, p ? p : "", (size_t)n);
	BIO_free(b);
	return ok && n >= 0;
}

bool x509_int_hex(const ASN1_INTEGER *i, char *out, size_t outsz)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(i, NULL);
	if (!bn)
		return false;
	char *h = BN_bn2hex(bn);
	BN_free(bn);
	if (!h)
		return false;
	bool ok = strlen(h) < outsz;
	if (ok)
		strcpy(out, h);
	OPENSSL_free(h);
	return ok;
}

bool x509_time(const ASN1_TIME *t, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	if (!t || !ASN1_TIME_to_tm(t, &tm))
		return false;
	*out = timegm(&tm);
	return true;
}
