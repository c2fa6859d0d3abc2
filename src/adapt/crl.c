#include "adapt/crl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "adapt/x509_text.h"

static bool is_pem(const uint8_t *d, size_t n, const char *label)
{
	char begin[64];
	snprintf(begin, sizeof begin, "-----BEGIN %s-----", label);
	size_t bl = strlen(begin);
	/* a little text (a title line, blanks) may come before the armour */
	for (size_t i = 0; i + bl <= n && i < 4096; i++)
		if (memcmp(d + i, begin, bl) == 0)
			return true;
	return false;
}

/* DER bytes of the PEM block `label`; caller frees with OPENSSL_free. */
static unsigned char *pem_der(const uint8_t *d, size_t n, const char *label, long *len)
{
	if (n > (size_t)INT32_MAX)
		return NULL;
	BIO *b = BIO_new_mem_buf(d, (int)n);
	unsigned char *der = NULL;
	char *name = NULL, *header = NULL;
	if (b) {
		while (PEM_read_bio(b, &name, &header, &der, len) == 1) {
			bool hit = strcmp(name, label) == 0;
			OPENSSL_free(name);
			OPENSSL_free(header);
			name = header = NULL;
			if (hit)
				break;
			OPENSSL_free(der);
			der = NULL;
		}
		BIO_free(b);
	}
	ERR_clear_error();
	return der;
}

static X509 *load_issuer(const uint8_t *d, size_t n, struct err *e)
{
	X509 *x = NULL;
	if (n == 0 || n > CRL_ISSUER_MAX) {
		err_set(e, ST_INVALID, "签发者证书文件为空或过大，不是证书");
		return NULL;
	}
	if (is_pem(d, n, "CERTIFICATE")) {
		long len = 0;
		unsigned char *der = pem_der(d, n, "CERTIFICATE", &len);
		const unsigned char *p = der;
		if (der)
			x = d2i_X509(NULL, &p, len);
		OPENSSL_free(der);
	} else {
		const unsigned char *p = d;
		x = d2i_X509(NULL, &p, (long)n);
		if (x && p != d + n) {
			X509_free(x);
			x = NULL;
		}
	}
	ERR_clear_error();
	if (!x)
		err_set(e, ST_INVALID, "签发者证书（设置项 crl.issuer_cert）无法读取：不是 DER 或 PEM 格式的证书，或已损坏");
	return x;
}

/*
 * SM2 signatures carry the signer's ID in the digest (GB/T 32918); CAs use
 * the default ID 1234567812345678, which OpenSSL 3 does not assume for a
 * CRL. The signed part is the first element of the list's DER, verified
 * as it is (never re-encoded).
 */
static bool verify_sm2(const uint8_t *der, size_t len, const X509_CRL *crl, EVP_PKEY *pk)
{
	const unsigned char *p = der;
	long outer_len, inner_len;
	int tag, cls;
	if ((ASN1_get_object(&p, &outer_len, &tag, &cls, (long)len) & 0x80) ||
	    tag != V_ASN1_SEQUENCE)
		return false;
	const unsigned char *tbs = p;
	if ((ASN1_get_object(&p, &inner_len, &tag, &cls, (long)(der + len - p)) & 0x80) ||
	    tag != V_ASN1_SEQUENCE)
		return false;
	size_t tbs_len = (size_t)(p - tbs) + (size_t)inner_len;
	if (tbs + tbs_len > der + len)
		return false;
	const ASN1_BIT_STRING *sig = NULL;
	X509_CRL_get0_signature(crl, &sig, NULL);
	if (!sig)
		return false;
	static const char id[] = "1234567812345678";
	bool ok = false;
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	EVP_PKEY_CTX *pctx = EVP_PKEY_CTX_new_from_pkey(NULL, pk, NULL);
	if (mctx && pctx && EVP_PKEY_CTX_set1_id(pctx, id, sizeof id - 1) > 0) {
		EVP_MD_CTX_set_pkey_ctx(mctx, pctx);
		ok = EVP_DigestVerifyInit_ex(mctx, NULL, "SM3", NULL, NULL, pk, NULL) == 1 &&
		     EVP_DigestVerify(mctx, ASN1_STRING_get0_data(sig), (size_t)ASN1_STRING_length(sig),
				      tbs, tbs_len) == 1;
	}
	EVP_MD_CTX_free(mctx);
	EVP_PKEY_CTX_free(pctx);
	ERR_clear_error();
	return ok;
}

static enum status check_signer(X509_CRL *crl, X509 *ca, const uint8_t *der, size_t der_len,
				struct err *e)
{
	char a[CERT_DN_MAX] = "", b[CERT_DN_MAX] = "";
	if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_subject_name(ca)) != 0) {
		x509_name_text(X509_CRL_get_issuer(crl), a, sizeof a);
		x509_name_text(X509_get_subject_name(ca), b, sizeof b);
		return err_set(e, ST_INVALID,
			       "这份吊销列表不是由设置的签发者签发的：列表的签发者为“%.300s”，"
			       "设置的签发者证书为“%.300s”。未导入。", a, b);
	}
	if ((X509_get_extension_flags(ca) & EXFLAG_KUSAGE) &&
	    !(X509_get_key_usage(ca) & KU_CRL_SIGN))
		return err_set(e, ST_INVALID, "设置的签发者证书不允许签发吊销列表（密钥用法中没有 cRLSign）。未导入。");
	EVP_PKEY *pk = X509_get0_pubkey(ca);
	if (!pk)
		return err_set(e, ST_INVALID, "签发者证书的公钥无法读取。未导入。");
	bool ok = X509_CRL_verify(crl, pk) == 1;
	ERR_clear_error();
	if (!ok && X509_CRL_get_signature_nid(crl) == NID_SM2_with_SM3)
		ok = verify_sm2(der, der_len, crl, pk);
	if (!ok)
		return err_set(e, ST_INVALID,
			       "吊销列表的签名验证失败：它不是由设置的签发者证书签发的，或者文件已被改动。未导入。");
	return ST_OK;
}

static enum status read_entries(X509_CRL *crl, struct crl *out, struct err *e)
{
	STACK_OF(X509_REVOKED) *revs = X509_CRL_get_REVOKED(crl);
	int n = revs ? sk_X509_REVOKED_num(revs) : 0;
	if (n <= 0)
		return ST_OK;
	out->entries = calloc((size_t)n, sizeof *out->entries);
	if (!out->entries)
		return err_status(e, ST_NOMEM);
	for (int i = 0; i < n; i++) {
		X509_REVOKED *r = sk_X509_REVOKED_value(revs, i);
		struct crl_entry *en = &out->entries[out->n];
		if (!x509_int_hex(X509_REVOKED_get0_serialNumber(r), en->serial, sizeof en->serial) ||
		    !x509_time(X509_REVOKED_get0_revocationDate(r), &en->revoked))
			return err_set(e, ST_INVALID, "吊销列表第 %d 条记录已损坏（序列号或吊销日期无法读取）。未导入。",
				       i + 1);
		int crit = 0;
		ASN1_ENUMERATED *why = X509_REVOKED_get_ext_d2i(r, NID_crl_reason, &crit, NULL);
		en->reason = why ? (int)ASN1_ENUMERATED_get(why) : -1;
		ASN1_ENUMERATED_free(why);
		if (!why && crit != -1)
			return err_set(e, ST_INVALID, "吊销列表第 %d 条记录的吊销原因已损坏。未导入。", i + 1);
		out->n++;
	}
	ERR_clear_error();
	return ST_OK;
}

enum status crl_load(const uint8_t *data, size_t len, const uint8_t *issuer, size_t issuer_len,
		     struct crl *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (len == 0)
		return err_set(e, ST_INVALID, "吊销列表文件是空的。未导入。");
	if (len > (size_t)CRL_MAX_BYTES)
		return err_set(e, ST_INVALID, "吊销列表文件过大（上限 %ld MB）。未导入。",
			       CRL_MAX_BYTES / 1024 / 1024);
	/* The DER, whichever form came. */
	unsigned char *pem = NULL;
	const uint8_t *der = data;
	size_t der_len = len;
	if (is_pem(data, len, "X509 CRL")) {
		long l = 0;
		pem = pem_der(data, len, "X509 CRL", &l);
		if (!pem || l <= 0) {
			OPENSSL_free(pem);
			return err_set(e, ST_INVALID, "吊销列表文件的 PEM 内容已损坏或不完整。未导入。");
		}
		der = pem;
		der_len = (size_t)l;
	}
	const unsigned char *p = der;
	X509_CRL *crl = der_len <= (size_t)INT32_MAX ? d2i_X509_CRL(NULL, &p, (long)der_len) : NULL;
	ERR_clear_error();
	enum status st = ST_OK;
	if (!crl || p != der + der_len) {
		st = err_set(e, ST_INVALID, "文件不是有效的证书吊销列表（应为 DER 或 PEM 格式），"
			     "或者已损坏、不完整。未导入。");
		goto out;
	}
	X509 *ca = load_issuer(issuer, issuer_len, e);
	if (!ca) {
		st = e->st;
		goto out;
	}
	st = check_signer(crl, ca, der, der_len, e);
	X509_free(ca);
	if (st != ST_OK)
		goto out;

	int crit = 0;
	void *delta = X509_CRL_get_ext_d2i(crl, NID_delta_crl, &crit, NULL);
	if (delta || crit != -1) {
		ASN1_INTEGER_free(delta);
		st = err_set(e, ST_INVALID, "这是增量吊销列表（delta CRL），本程序只导入完整的吊销列表。未导入。");
		goto out;
	}
	if (!x509_name_text(X509_CRL_get_issuer(crl), out->issuer, sizeof out->issuer) ||
	    !x509_time(X509_CRL_get0_lastUpdate(crl), &out->this_update)) {
		st = err_set(e, ST_INVALID, "吊销列表的签发者或本次更新时间无法读取。未导入。");
		goto out;
	}
	const ASN1_TIME *next = X509_CRL_get0_nextUpdate(crl);
	if (next && !x509_time(next, &out->next_update)) {
		st = err_set(e, ST_INVALID, "吊销列表的下次更新时间无法读取。未导入。");
		goto out;
	}
	ASN1_INTEGER *num = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
	if (num)
		x509_int_hex(num, out->number, sizeof out->number);
	ASN1_INTEGER_free(num);
	int nid = X509_CRL_get_signature_nid(crl);
	const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	snprintf(out->sig_alg, sizeof out->sig_alg, "%s", ln ? ln : "?");
	unsigned char md[SHA256_DIGEST_LENGTH];
	SHA256(der, der_len, md);
	for (int i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out->sha256 + 2 * i, 3, "%02X", md[i]);
	st = read_entries(crl, out, e);
out:
	X509_CRL_free(crl);
	OPENSSL_free(pem);
	ERR_clear_error();
	if (st != ST_OK)
		crl_done(out);
	return st;
}

void crl_done(struct crl *c)
{
	free(c->entries);
	c->entries = NULL;
	c->n = 0;
}
