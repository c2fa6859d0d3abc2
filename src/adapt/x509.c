#include "adapt/x509.h"
#include "adapt/x509_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "model/apdu.h"
#include "util/clock.h"

/* The first attribute `nid` of a name, as UTF-8; "" when absent. */
static bool name_attr(const X509_NAME *name, int nid, char *out, size_t outsz)
{
	out[0] = '\0';
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	if (i < 0)
		return true;
	const X509_NAME_ENTRY *ent = X509_NAME_get_entry(name, i);
	unsigned char *u = NULL;
	int n = ASN1_STRING_to_UTF8(&u, X509_NAME_ENTRY_get_data(ent));
	if (n < 0)
		return false;
	x509_copy_text(out, outsz, (const char *)u, (size_t)n);
	OPENSSL_free(u);
	return true;
}

static bool asn1_time(const ASN1_TIME *t, time_t *out, char iso[CERT_ISO_MAX])
{
	if (!x509_time(t, out))
		return false;
	clock_iso(*out, iso);
	return true;
}

static bool serial_hex(const X509 *x, char *out, size_t outsz)
{
	return x509_int_hex(X509_get0_serialNumber(x), out, outsz);
}

/* Name of an object: long name when OpenSSL knows it, else the dotted OID. */
static void obj_name(const ASN1_OBJECT *o, char *out, size_t outsz)
{
	int nid = OBJ_obj2nid(o);
	const char *ln = nid != NID_undef ? OBJ_nid2ln(nid) : NULL;
	if (ln)
		snprintf(out, outsz, "%s", ln);
	else if (OBJ_obj2txt(out, (int)outsz, o, 1) <= 0)
		snprintf(out, outsz, "?");
}

static enum status key_info(X509 *x, struct cert *c, struct err *e)
{
	ASN1_OBJECT *alg = NULL;
	const void *pval = NULL;
	int ptype = 0;
	X509_ALGOR *palg = NULL;
	X509_PUBKEY *xpk = X509_get_X509_PUBKEY(x);
	if (!xpk || !X509_PUBKEY_get0_param(&alg, NULL, NULL, &palg, xpk))
		return err_set(e, ST_INVALID, "证书公钥部分已损坏，无法读取。");
	int nid = OBJ_obj2nid(alg);
	EVP_PKEY *pk = X509_get0_pubkey(x); /* NULL when OpenSSL cannot decode it */

	if (nid == NID_rsaEncryption || nid == NID_rsassaPss) {
		if (!pk)
			return err_set(e, ST_INVALID, "证书的 RSA 公钥已损坏，无法读取。");
		c->key_alg = CERT_KEY_RSA;
		c->key_bits = EVP_PKEY_get_bits(pk);
		snprintf(c->key_desc, sizeof c->key_desc, "RSA %d", c->key_bits);
		return ST_OK;
	}
	if (nid == NID_X9_62_id_ecPublicKey || nid == NID_sm2) {
		char group[64] = "";
		if (pk) {
			if (!EVP_PKEY_get_utf8_string_param(pk, OSSL_PKEY_PARAM_GROUP_NAME,
							    group, sizeof group, NULL))
				group[0] = '\0';
			c->key_bits = EVP_PKEY_get_bits(pk);
		} else if (palg) {
			/* The curve OID is the algorithm's parameter. */
			X509_ALGOR_get0(NULL, &ptype, &pval, palg);
			if (ptype == V_ASN1_OBJECT && pval)
				snprintf(group, sizeof group, "%s",
					 OBJ_nid2sn(OBJ_obj2nid((const ASN1_OBJECT *)pval)));
		}
		if (nid == NID_sm2 || strcmp(group, "SM2") == 0 || (pk && EVP_PKEY_is_a(pk, "SM2"))) {
			c->key_alg = CERT_KEY_SM2;
			if (c->key_bits <= 0)
				c->key_bits = 256;
			snprintf(c->key_desc, sizeof c->key_desc, "SM2");
			return ST_OK;
		}
		if (!pk)
			return err_set(e, ST_INVALID, "证书的椭圆曲线公钥已损坏，无法读取。");
		c->key_alg = CERT_KEY_EC;
		snprintf(c->key_desc, sizeof c->key_desc, "EC %s", group[0] ? group : "?");
		return ST_OK;
	}
	c->key_alg = CERT_KEY_OTHER;
	c->key_bits = pk ? EVP_PKEY_get_bits(pk) : 0;
	obj_name(alg, c->key_desc, sizeof c->key_desc);
	return ST_OK;
}

static bool digest_hex(const char *md_name, const uint8_t *der, size_t len, char out[CERT_HASH_HEX])
{
	out[0] = '\0';
	EVP_MD *md = EVP_MD_fetch(NULL, md_name, NULL);
	if (!md)
		return false;
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	bool ok = EVP_Digest(der, len, h, &hl, md, NULL) && hl == 32;
	EVP_MD_free(md);
	if (ok)
		apdu_hex(h, hl, out);
	return ok;
}

/* Decode a PEM certificate; *der is set to OpenSSL memory the caller frees
 * with OPENSSL_free. */
static enum status pem_to_der(const uint8_t *data, size_t len, unsigned char **der, long *derlen,
			      struct err *e)
{
	BIO *b = BIO_new_mem_buf(data, (int)len);
	if (!b)
		return err_status(e, ST_NOMEM);
	char *name = NULL, *header = NULL;
	int ok = PEM_read_bio(b, &name, &header, der, derlen);
	BIO_free(b);
	enum status st = ST_OK;
	if (!ok)
		st = err_set(e, ST_INVALID, "证书文件（PEM）已损坏，无法解析。");
	else if (strcmp(name, "CERTIFICATE") != 0)
		st = err_set(e, ST_INVALID, "文件中不是证书（而是 %.40s）。", name);
	OPENSSL_free(name);
	OPENSSL_free(header);
	if (st != ST_OK) {
		OPENSSL_free(*der);
		*der = NULL;
	}
	return st;
}

static bool only_padding(const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0x00 && p[i] != 0xFF)
			return false;
	return true;
}

enum status x509_parse(const uint8_t *data, size_t len, struct cert *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	if (!data || len == 0)
		return err_set(e, ST_INVALID, "证书数据为空。");
	if (len > X509_CERT_MAX)
		return err_set(e, ST_INVALID, "证书数据过大（%zu 字节），不是有效证书。", len);

	unsigned char *pem_der = NULL;
	const unsigned char *der = data;
	size_t derlen = len;
	size_t skip = 0;
	while (skip < len && (data[skip] == ' ' || data[skip] == '\t' || data[skip] == '\r' ||
			      data[skip] == '\n'))
		skip++;
	if (len - skip >= 10 && memcmp(data + skip, "-----BEGIN", 10) == 0) {
		long n = 0;
		enum status st = pem_to_der(data, len, &pem_der, &n, e);
		if (st != ST_OK) {
			ERR_clear_error();
			return st;
		}
		der = pem_der;
		derlen = (size_t)n;
	}

	enum status st = ST_OK;
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)derlen);
	if (!x) {
		st = err_set(e, ST_INVALID, "证书数据已损坏，无法解析。");
		goto done;
	}
	size_t used = (size_t)(p - der);
	if (used < derlen && !only_padding(p, derlen - used)) {
		st = err_set(e, ST_INVALID, "证书数据已损坏：证书之后还有 %zu 字节多余数据。",
			     derlen - used);
		goto done;
	}

	const X509_NAME *subj = X509_get_subject_name(x);
	const X509_NAME *iss = X509_get_issuer_name(x);
	if (!subj || !iss || !x509_name_text(subj, out->subject, sizeof out->subject) ||
	    !x509_name_text(iss, out->issuer, sizeof out->issuer) ||
	    !name_attr(subj, NID_commonName, out->subject_cn, sizeof out->subject_cn) ||
	    !name_attr(subj, NID_organizationName, out->subject_o, sizeof out->subject_o) ||
	    !name_attr(subj, NID_organizationalUnitName, out->subject_ou, sizeof out->subject_ou) ||
	    !name_attr(subj, NID_serialNumber, out->subject_serial, sizeof out->subject_serial) ||
	    !name_attr(iss, NID_commonName, out->issuer_cn, sizeof out->issuer_cn) ||
	    !name_attr(iss, NID_organizationName, out->issuer_o, sizeof out->issuer_o)) {
		st = err_set(e, ST_INVALID, "证书的主题或颁发者名称已损坏，无法读取。");
		goto done;
	}
	if (!serial_hex(x, out->serial, sizeof out->serial)) {
		st = err_set(e, ST_INVALID, "证书序列号已损坏或过长。");
		goto done;
	}
	if (!asn1_time(X509_get0_notBefore(x), &out->not_before, out->not_before_iso) ||
	    !asn1_time(X509_get0_notAfter(x), &out->not_after, out->not_after_iso)) {
		st = err_set(e, ST_INVALID, "证书有效期格式有误，无法读取。");
		goto done;
	}
	st = key_info(x, out, e);
	if (st != ST_OK)
		goto done;

	const X509_ALGOR *sig = NULL;
	X509_get0_signature(NULL, &sig, x);
	const ASN1_OBJECT *sig_oid = NULL;
	if (sig)
		X509_ALGOR_get0(&sig_oid, NULL, NULL, sig);
	if (sig_oid)
		obj_name(sig_oid, out->sig_alg, sizeof out->sig_alg);

	/* Fingerprints over the certificate as stored, without padding. */
	if (!digest_hex("SHA256", der, used, out->sha256) || !digest_hex("SM3", der, used, out->sm3)) {
		st = err_set(e, ST_INTERNAL, "无法计算证书指纹（SHA-256 / SM3 不可用）。");
		goto done;
	}

done:
	X509_free(x);
	OPENSSL_free(pem_der);
	ERR_clear_error();
	if (st != ST_OK)
		memset(out, 0, sizeof *out);
	return st;
}
