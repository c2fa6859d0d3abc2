/*
 * Revocation lookup: lists made here with OpenSSL (RSA and SM2 issuers,
 * reasons, CRL numbers) read and checked by adapt/crl.c; lists signed by
 * another issuer, with a forged signature, cut short, corrupt, delta: all
 * refused with nothing changed. Importing through svc/crl.c marks the one
 * known certificate a list revokes and not the other, marks a certificate
 * read after the import (trigger), keeps a revocation for good but
 * releases a hold, refuses an older list, and says plainly when the list
 * is stale. Serials typed in any usual way compare equal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "adapt/crl.h"
#include "adapt/x509.h"
#include "model/crl.h"
#include "store/cert_repo.h"
#include "svc/app.h"
#include "svc/crl.h"
#include "svc/staff.h"
#include "unit.h"
#include "util/clock.h"
#include "util/fs.h"

static struct app app;
static struct actor admin;
static char dir[512];
static bool ready;

/* ---- making certificates and lists ---- */

struct ca {
	EVP_PKEY *key;
	X509 *cert;
	unsigned char *der;
	int der_len;
	bool sm2;
};

static X509_NAME *dn(const char *cn)
{
	X509_NAME *n = X509_NAME_new();
	X509_NAME_add_entry_by_txt(n, "C", MBSTRING_UTF8, (const unsigned char *)"CN", -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "O", MBSTRING_UTF8, (const unsigned char *)"某某数字认证有限公司",
				   -1, -1, 0);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	return n;
}

static void set_serial(ASN1_INTEGER *to, const char *hex)
{
	BIGNUM *bn = NULL;
	BN_hex2bn(&bn, hex);
	BN_to_ASN1_INTEGER(bn, to);
	BN_free(bn);
}

/* Sign with SHA-256, or SM3 with the default SM2 ID. The key context set
 * by hand is not freed with the digest context (sign_done frees both). */
static EVP_PKEY_CTX *own_pctx;
static bool sign_ctx(EVP_PKEY *key, bool sm2, EVP_MD_CTX **out)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	own_pctx = NULL;
	*out = m;
	if (sm2) {
		own_pctx = EVP_PKEY_CTX_new_from_pkey(NULL, key, NULL);
		EVP_PKEY_CTX_set1_id(own_pctx, "1234567812345678", 16);
		EVP_MD_CTX_set_pkey_ctx(m, own_pctx);
		return EVP_DigestSignInit(m, NULL, EVP_sm3(), NULL, key) == 1;
	}
	return EVP_DigestSignInit(m, NULL, EVP_sha256(), NULL, key) == 1;
}

static void sign_done(EVP_MD_CTX *m)
{
	EVP_MD_CTX_free(m);
	EVP_PKEY_CTX_free(own_pctx);
	own_pctx = NULL;
}

static bool make_ca(struct ca *ca, const char *cn, bool sm2, const char *usage)
{
	memset(ca, 0, sizeof *ca);
	ca->sm2 = sm2;
	ca->key = sm2 ? EVP_PKEY_Q_keygen(NULL, NULL, "SM2") : EVP_PKEY_Q_keygen(NULL, NULL, "RSA",
										 (size_t)2048);
	if (!ca->key)
		return false;
	X509 *x = ca->cert = X509_new();
	X509_set_version(x, 2);
	set_serial(X509_get_serialNumber(x), "01");
	X509_NAME *n = dn(cn);
	X509_set_subject_name(x, n);
	X509_set_issuer_name(x, n);
	X509_NAME_free(n);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 3650L * 86400);
	X509_set_pubkey(x, ca->key);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, NULL, NID_key_usage, usage);
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	EVP_MD_CTX *m;
	bool ok = sign_ctx(ca->key, sm2, &m) && X509_sign_ctx(x, m) > 0;
	sign_done(m);
	if (!ok)
		return false;
	ca->der_len = i2d_X509(x, &ca->der);
	return ca->der_len > 0;
}

static void free_ca(struct ca *ca)
{
	EVP_PKEY_free(ca->key);
	X509_free(ca->cert);
	OPENSSL_free(ca->der);
}

/* A leaf certificate of `ca` with this serial, as the program reads it. */
static bool leaf(const struct ca *ca, const char *serial, const char *cn, struct cert *out)
{
	X509 *x = X509_new();
	X509_set_version(x, 2);
	set_serial(X509_get_serialNumber(x), serial);
	X509_NAME *n = dn(cn);
	X509_set_subject_name(x, n);
	X509_NAME_free(n);
	X509_set_issuer_name(x, X509_get_subject_name(ca->cert));
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, ca->key); /* any key will do for the test */
	EVP_MD_CTX *m;
	bool ok = sign_ctx(ca->key, ca->sm2, &m) && X509_sign_ctx(x, m) > 0;
	sign_done(m);
	unsigned char *der = NULL;
	int len = ok ? i2d_X509(x, &der) : -1;
	struct err e;
	ok = len > 0 && x509_parse(der, (size_t)len, out, &e) == ST_OK;
	OPENSSL_free(der);
	X509_free(x);
	return ok;
}

struct rev {
	const char *serial;
	int reason;          /* -1: none */
};

/* A list of `ca` signed by `signer`'s key, thisUpdate now + `this_off`,
 * nextUpdate this + `next_days` (0: none). */
static unsigned char *make_crl(const struct ca *ca, const struct ca *signer, long this_off,
			       int next_days, const struct rev *revs, int n, const char *number,
			       bool delta, int *len)
{
	X509_CRL *c = X509_CRL_new();
	X509_CRL_set_version(c, 1);
	X509_CRL_set_issuer_name(c, X509_get_subject_name(ca->cert));
	time_t now = clock_now() + this_off;
	ASN1_TIME *t = ASN1_TIME_set(NULL, now);
	X509_CRL_set1_lastUpdate(c, t);
	if (next_days) {
		ASN1_TIME_set(t, now + next_days * 86400L);
		X509_CRL_set1_nextUpdate(c, t);
	}
	for (int i = 0; i < n; i++) {
		X509_REVOKED *r = X509_REVOKED_new();
		ASN1_INTEGER *sn = ASN1_INTEGER_new();
		set_serial(sn, revs[i].serial);
		X509_REVOKED_set_serialNumber(r, sn);
		ASN1_INTEGER_free(sn);
		ASN1_TIME_set(t, now - 3600 * (i + 1));
		X509_REVOKED_set_revocationDate(r, t);
		if (revs[i].reason >= 0) {
			ASN1_ENUMERATED *why = ASN1_ENUMERATED_new();
			ASN1_ENUMERATED_set(why, revs[i].reason);
			X509_REVOKED_add1_ext_i2d(r, NID_crl_reason, why, 0, 0);
			ASN1_ENUMERATED_free(why);
		}
		X509_CRL_add0_revoked(c, r);
	}
	ASN1_TIME_free(t);
	if (number) {
		ASN1_INTEGER *num = ASN1_INTEGER_new();
		set_serial(num, number);
		X509_CRL_add1_ext_i2d(c, NID_crl_number, num, 0, 0);
		if (delta)
			X509_CRL_add1_ext_i2d(c, NID_delta_crl, num, 1, 0);
		ASN1_INTEGER_free(num);
	}
	X509_CRL_sort(c);
	EVP_MD_CTX *m;
	unsigned char *der = NULL;
	*len = -1;
	if (sign_ctx(signer->key, signer->sm2, &m) && X509_CRL_sign_ctx(c, m) > 0)
		*len = i2d_X509_CRL(c, &der);
	sign_done(m);
	X509_CRL_free(c);
	return der;
}

/* ---- fixtures ---- */

static struct ca rsa, other, twin, sm2, nosign;
static struct cert c1, c2, c3, c4;

static bool write_file(const char *name, const void *data, size_t len)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	struct err e;
	return fs_write_atomic(path, data, len, &e) == ST_OK;
}

static bool use_issuer(const struct ca *ca)
{
	struct err e;
	return write_file("issuer.der", ca->der, (size_t)ca->der_len) &&
	       config_set(&app.cfg, "crl.issuer_cert", "issuer.der", &e) == ST_OK;
}

static bool known(const struct cert *c)
{
	struct cert_row r;
	memset(&r, 0, sizeof r);
	uuid_v7(r.id);
	snprintf(r.serial, sizeof r.serial, "%s", c->serial);
	snprintf(r.subject, sizeof r.subject, "%s", c->subject);
	snprintf(r.issuer, sizeof r.issuer, "%s", c->issuer);
	snprintf(r.cn, sizeof r.cn, "%s", c->subject_cn);
	snprintf(r.org, sizeof r.org, "%s", c->subject_o);
	snprintf(r.algorithm, sizeof r.algorithm, "%s", cert_key_alg_label(c->key_alg));
	snprintf(r.key_desc, sizeof r.key_desc, "%s", c->key_desc);
	snprintf(r.sig_alg, sizeof r.sig_alg, "%s", c->sig_alg);
	snprintf(r.not_before, sizeof r.not_before, "%s", c->not_before_iso);
	snprintf(r.not_after, sizeof r.not_after, "%s", c->not_after_iso);
	snprintf(r.sha256, sizeof r.sha256, "%s", c->sha256);
	snprintf(r.sm3, sizeof r.sm3, "%s", c->sm3);
	struct err e;
	return cert_repo_insert(app.db, &r, &e) == ST_OK;
}

static int setup_suite(void)
{
	struct err e;
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	snprintf(dir, sizeof dir, "%s/crl-%ld", tmp, (long)getpid());
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	if (app_open(&app, dir, &e) != ST_OK || svc_setup(&app.svc, &in, &admin, &e) != ST_OK)
		return 0;
	ready = make_ca(&rsa, "某某数字认证测试CA", false, "critical,keyCertSign,cRLSign") &&
		make_ca(&other, "另一个CA", false, "critical,keyCertSign,cRLSign") &&
		/* the same name, another key: a forger's CA */
		make_ca(&twin, "某某数字认证测试CA", false, "critical,keyCertSign,cRLSign") &&
		make_ca(&sm2, "某某数字认证SM2测试CA", true, "critical,keyCertSign,cRLSign") &&
		make_ca(&nosign, "只签证书的CA", false, "critical,keyCertSign") &&
		leaf(&rsa, "4A3F0012", "张三", &c1) && leaf(&rsa, "4A3F0013", "李四", &c2) &&
		leaf(&other, "4A3F0012", "王五", &c3) && leaf(&sm2, "0ABC", "赵六", &c4) &&
		known(&c1) && known(&c2) && known(&c3) && known(&c4);
	if (!ready)
		fprintf(stderr, "crl: fixtures failed\n");
	return 0;
}

static int teardown_suite(void)
{
	free_ca(&rsa);
	free_ca(&other);
	free_ca(&twin);
	free_ca(&sm2);
	free_ca(&nosign);
	app_close(&app);
	return 0;
}

static long scalar(const char *sql)
{
	sqlite3_stmt *s;
	long v = -1;
	if (sqlite3_prepare_v2(db_handle(app.db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return v;
}

static void mark_of(const struct cert *c, char at[32], char reason[32])
{
	sqlite3_stmt *s;
	at[0] = reason[0] = '\0';
	if (sqlite3_prepare_v2(db_handle(app.db), "SELECT coalesce(crl_revoked_at, ''), crl_reason"
				" FROM certificates WHERE sha256 = ?1", -1, &s, NULL) == SQLITE_OK) {
		sqlite3_bind_text(s, 1, c->sha256, -1, SQLITE_STATIC);
		if (sqlite3_step(s) == SQLITE_ROW) {
			snprintf(at, 32, "%s", sqlite3_column_text(s, 0));
			snprintf(reason, 32, "%s", sqlite3_column_text(s, 1));
		}
	}
	sqlite3_finalize(s);
}

/* ---- tests ---- */

static void test_serials(void)
{
	char s[48];
	CU_ASSERT_TRUE(crl_serial_canonical("4a:3f:00:12", s, sizeof s));
	CU_ASSERT_STRING_EQUAL(s, "4A3F0012");
	CU_ASSERT_TRUE(crl_serial_canonical("0x004A3F0012", s, sizeof s));
	CU_ASSERT_STRING_EQUAL(s, "4A3F0012");
	CU_ASSERT_TRUE(crl_serial_canonical("abc", s, sizeof s));
	CU_ASSERT_STRING_EQUAL(s, "0ABC");
	CU_ASSERT_TRUE(crl_serial_canonical("00 00", s, sizeof s));
	CU_ASSERT_STRING_EQUAL(s, "0");
	CU_ASSERT_FALSE(crl_serial_canonical("4G", s, sizeof s));
	CU_ASSERT_FALSE(crl_serial_canonical("", s, sizeof s));
	CU_ASSERT_FALSE(crl_serial_canonical("11111111112222222222333333333344444444445", s, sizeof s));
	CU_ASSERT_STRING_EQUAL(crl_reason_label("keyCompromise"), "密钥泄露");
	CU_ASSERT_STRING_EQUAL(crl_reason_label(""), "未说明");
	CU_ASSERT_STRING_EQUAL(crl_reason_code(6), "certificateHold");
	CU_ASSERT_STRING_EQUAL(crl_reason_code(7), "");
	CU_ASSERT_STRING_EQUAL(crl_reason_code(-1), "");
}

static void test_read_and_check(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct rev revs[] = { { "4A3F0012", 1 }, { "0ABCDEF0", -1 }, { "7F", 6 } };
	int len;
	unsigned char *der = make_crl(&rsa, &rsa, 0, 7, revs, 3, "2A", false, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(der);
	struct crl c;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(crl_load(der, (size_t)len, rsa.der, (size_t)rsa.der_len, &c, &e), ST_OK);
	CU_ASSERT_EQUAL(c.n, 3);
	CU_ASSERT_STRING_EQUAL(c.issuer, c1.issuer);  /* the form certificates are stored in */
	CU_ASSERT_STRING_EQUAL(c.number, "2A");
	CU_ASSERT_STRING_EQUAL(c.sig_alg, "sha256WithRSAEncryption");
	CU_ASSERT_TRUE(c.next_update - c.this_update == 7 * 86400);
	CU_ASSERT_EQUAL(strlen(c.sha256), 64);
	int seen = 0;
	for (size_t i = 0; i < c.n; i++) {
		if (strcmp(c.entries[i].serial, "4A3F0012") == 0)
			{ seen++; CU_ASSERT_EQUAL(c.entries[i].reason, 1); }
		if (strcmp(c.entries[i].serial, "0ABCDEF0") == 0)
			{ seen++; CU_ASSERT_EQUAL(c.entries[i].reason, -1); }
		if (strcmp(c.entries[i].serial, "7F") == 0)
			{ seen++; CU_ASSERT_EQUAL(c.entries[i].reason, 6); }
	}
	CU_ASSERT_EQUAL(seen, 3);
	crl_done(&c);

	/* PEM, with a title line before it, and a PEM issuer certificate. */
	BIO *b = BIO_new(BIO_s_mem()), *bc = BIO_new(BIO_s_mem());
	BIO_puts(b, "CRL of the test CA\n");
	const unsigned char *p = der;
	X509_CRL *x = d2i_X509_CRL(NULL, &p, len);
	PEM_write_bio_X509_CRL(b, x);
	PEM_write_bio_X509(bc, rsa.cert);
	X509_CRL_free(x);
	char *pem, *pemc;
	long plen = BIO_get_mem_data(b, &pem), pclen = BIO_get_mem_data(bc, &pemc);
	CU_ASSERT_EQUAL(crl_load((uint8_t *)pem, (size_t)plen, (uint8_t *)pemc, (size_t)pclen, &c, &e),
			ST_OK);
	CU_ASSERT_EQUAL(c.n, 3);
	crl_done(&c);
	/* A PEM cut in the middle. */
	CU_ASSERT_EQUAL(crl_load((uint8_t *)pem, (size_t)plen / 2, rsa.der, (size_t)rsa.der_len, &c, &e),
			ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "PEM"));
	BIO_free(b);
	BIO_free(bc);

	/* Another issuer configured: refused, naming both. */
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, other.der, (size_t)other.der_len, &c, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不是由设置的签发者签发"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "另一个CA"));
	/* Same name, another key (a forger): the signature fails. */
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, twin.der, (size_t)twin.der_len, &c, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "签名验证失败"));
	/* A byte of the signed part changed. */
	unsigned char *bad = malloc((size_t)len);
	memcpy(bad, der, (size_t)len);
	bad[len / 2] ^= 0x01;
	CU_ASSERT_EQUAL(crl_load(bad, (size_t)len, rsa.der, (size_t)rsa.der_len, &c, &e), ST_INVALID);
	/* Cut short, one byte too many, garbage, empty. */
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len - 10, rsa.der, (size_t)rsa.der_len, &c, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不完整"));
	unsigned char *more = malloc((size_t)len + 1);
	memcpy(more, der, (size_t)len);
	more[len] = 0;
	CU_ASSERT_EQUAL(crl_load(more, (size_t)len + 1, rsa.der, (size_t)rsa.der_len, &c, &e), ST_INVALID);
	CU_ASSERT_EQUAL(crl_load((const uint8_t *)"hello", 5, rsa.der, (size_t)rsa.der_len, &c, &e),
			ST_INVALID);
	CU_ASSERT_EQUAL(crl_load(der, 0, rsa.der, (size_t)rsa.der_len, &c, &e), ST_INVALID);
	/* The issuer certificate broken. */
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, rsa.der, 40, &c, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "crl.issuer_cert"));
	free(bad);
	free(more);
	OPENSSL_free(der);

	/* An issuer that may not sign lists; a delta list. */
	der = make_crl(&nosign, &nosign, 0, 7, revs, 1, NULL, false, &len);
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, nosign.der, (size_t)nosign.der_len, &c, &e),
			ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "cRLSign"));
	OPENSSL_free(der);
	der = make_crl(&rsa, &rsa, 0, 7, revs, 1, "2B", true, &len);
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, rsa.der, (size_t)rsa.der_len, &c, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "增量"));
	OPENSSL_free(der);

	/* SM2 with SM3 and the default ID; a forged SM2 list is refused. */
	struct rev one[] = { { "0ABC", 4 } };
	der = make_crl(&sm2, &sm2, 0, 7, one, 1, "01", false, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(der);
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, sm2.der, (size_t)sm2.der_len, &c, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(c.sig_alg, "SM2-with-SM3");
	crl_done(&c);
	der[len - 5] ^= 0x40;
	CU_ASSERT_EQUAL(crl_load(der, (size_t)len, sm2.der, (size_t)sm2.der_len, &c, &e), ST_INVALID);
	OPENSSL_free(der);
}

static struct crl_result result;

static enum status import(const unsigned char *der, int len, struct err *e)
{
	return svc_crl_import(&app, &admin, der, (size_t)len, "test", &result, e);
}

static void test_import_marks(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	struct crl_status st;
	CU_ASSERT_EQUAL(svc_crl_status(&app.svc, &st, &e), ST_OK);
	CU_ASSERT_FALSE(st.have);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.warning, "尚未导入"));
	struct crl_answer a;
	CU_ASSERT_EQUAL(svc_crl_check(&app.svc, "4A3F0012", &a, &e), ST_STATE);

	/* No issuer configured. */
	struct rev revs[] = { { "4A3F0012", 1 }, { "7F", 6 }, { "1234", 0 } };
	int len;
	unsigned char *der = make_crl(&rsa, &rsa, -7200, 7, revs, 3, "10", false, &len);
	CU_ASSERT_EQUAL(import(der, len, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "crl.issuer_cert"));

	CU_ASSERT_TRUE_FATAL(use_issuer(&rsa));
	long audits = scalar("SELECT count(*) FROM audit_log WHERE action = 'crl.update'");
	CU_ASSERT_EQUAL_FATAL(import(der, len, &e), ST_OK);
	CU_ASSERT_EQUAL(result.entries, 3);
	CU_ASSERT_EQUAL(result.marked, 1);
	CU_ASSERT_EQUAL(result.newly_marked, 1);
	CU_ASSERT_FALSE(result.status.stale);
	CU_ASSERT_STRING_EQUAL(result.status.warning, "");
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM audit_log WHERE action = 'crl.update'"), audits + 1);
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM outbox WHERE command LIKE 'crl%'"), 0);
	OPENSSL_free(der);

	/* c1 (4A3F0012 of this CA) marked; c2 (not listed) and c3 (the same
	 * serial from another CA) are not. */
	char at[32], why[32];
	mark_of(&c1, at, why);
	CU_ASSERT_TRUE(at[0] != '\0');
	CU_ASSERT_STRING_EQUAL(why, "keyCompromise");
	mark_of(&c2, at, why);
	CU_ASSERT_STRING_EQUAL(at, "");
	mark_of(&c3, at, why);
	CU_ASSERT_STRING_EQUAL(at, "");

	CU_ASSERT_EQUAL(svc_crl_check(&app.svc, "4a:3f:00:12", &a, &e), ST_OK);
	CU_ASSERT_TRUE(a.listed);
	CU_ASSERT_STRING_EQUAL(a.hit.reason, "keyCompromise");
	CU_ASSERT_EQUAL(a.ncerts, 2); /* c1 and c3 share the serial */
	CU_ASSERT_EQUAL(svc_crl_check(&app.svc, "4A3F0013", &a, &e), ST_OK);
	CU_ASSERT_FALSE(a.listed);
	CU_ASSERT_EQUAL(a.ncerts, 1);
	CU_ASSERT_EQUAL(svc_crl_check(&app.svc, "XYZ", &a, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.field, "serial");

	/* A certificate read after the import is marked as it is stored. */
	struct cert c5;
	CU_ASSERT_TRUE_FATAL(leaf(&rsa, "7F", "钱七", &c5));
	CU_ASSERT_TRUE_FATAL(known(&c5));
	mark_of(&c5, at, why);
	CU_ASSERT_TRUE(at[0] != '\0');
	CU_ASSERT_STRING_EQUAL(why, "certificateHold");
	/* A pulled row without the mark gets it back. */
	sqlite3_exec(db_handle(app.db), "UPDATE certificates SET crl_revoked_at = NULL, crl_reason = ''"
					" WHERE serial = '7F'", NULL, NULL, NULL);
	mark_of(&c5, at, why);
	CU_ASSERT_TRUE(at[0] != '\0');

	struct crl_cert rows[8];
	CU_ASSERT_EQUAL(svc_crl_marked_count(&app.svc), 2);
	int n = svc_crl_marked_page(&app.svc, PAGE_FIRST, "", rows, 1, &e);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	char key[96];
	svc_crl_marked_key(&rows[0], key, sizeof key);
	/* 7F was revoked an hour after 4A3F0012 in the list: newest first. */
	CU_ASSERT_STRING_EQUAL(rows[0].serial, "4A3F0012");
	n = svc_crl_marked_page(&app.svc, PAGE_AFTER, key, rows, 8, &e);
	CU_ASSERT_EQUAL_FATAL(n, 1);
	CU_ASSERT_STRING_EQUAL(rows[0].serial, "7F");
	char text[160];
	svc_crl_mark_text(rows[0].crl_revoked_at, rows[0].crl_reason, text, sizeof text);
	CU_ASSERT_PTR_NOT_NULL(strstr(text, "暂停使用"));
}

static void test_refusals_change_nothing(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	const char *q = "SELECT (SELECT count(*) FROM crl_entries) * 1000 +"
			" (SELECT count(*) FROM certificates WHERE crl_revoked_at IS NOT NULL) * 100 +"
			" (SELECT count(*) FROM audit_log WHERE action = 'crl.update')";
	long before = scalar(q);
	char sha[65];
	struct crl_status st;
	svc_crl_status(&app.svc, &st, &e);
	snprintf(sha, sizeof sha, "%s", st.info.sha256);

	struct rev all[] = { { "4A3F0013", 1 }, { "4A3F0012", 1 } };
	int len;
	/* Signed by another CA (with its own name). */
	unsigned char *der = make_crl(&other, &other, 0, 7, all, 2, "11", false, &len);
	CU_ASSERT_EQUAL(import(der, len, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不是由设置的签发者签发"));
	OPENSSL_free(der);
	/* Our CA's name, a forger's key. */
	der = make_crl(&rsa, &twin, 0, 7, all, 2, "11", false, &len);
	CU_ASSERT_EQUAL(import(der, len, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "签名验证失败"));
	/* Cut short. */
	CU_ASSERT_EQUAL(import(der, len / 2, &e), ST_INVALID);
	OPENSSL_free(der);
	/* Older than the list in force. */
	der = make_crl(&rsa, &rsa, -86400, 7, all, 2, "0F", false, &len);
	CU_ASSERT_EQUAL(import(der, len, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "旧"));
	OPENSSL_free(der);
	/* A missing file. */
	char path[700];
	snprintf(path, sizeof path, "%s/nothing.crl", dir);
	CU_ASSERT_EQUAL(svc_crl_update_file(&app, &admin, path, &result, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(scalar(q), before);
	svc_crl_status(&app.svc, &st, &e);
	CU_ASSERT_STRING_EQUAL(st.info.sha256, sha);
	CU_ASSERT_EQUAL(svc_crl_update_url(&app, &admin, NULL, &result, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "crl.url"));
}

static void test_newer_list(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	/* The next list: the hold on 7F is released, 4A3F0012 aged out of it
	 * (revocations are for good: its mark stays), 4A3F0013 revoked. */
	struct rev revs[] = { { "4A3F0013", 3 } };
	int len;
	unsigned char *der = make_crl(&rsa, &rsa, 0, 7, revs, 1, "11", false, &len);
	CU_ASSERT_EQUAL_FATAL(import(der, len, &e), ST_OK);
	OPENSSL_free(der);
	char at[32], why[32];
	mark_of(&c1, at, why);
	CU_ASSERT_STRING_EQUAL(why, "keyCompromise");
	mark_of(&c2, at, why);
	CU_ASSERT_STRING_EQUAL(why, "affiliationChanged");
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM certificates WHERE serial = '7F'"
			       " AND crl_revoked_at IS NULL"), 1);
	CU_ASSERT_EQUAL(result.marked, 1);
	CU_ASSERT_EQUAL(scalar("SELECT count(*) FROM crl_entries"), 1);
}

static void test_stale(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	struct crl_status st;
	/* Ten days on: the list (next update in 7 days) is stale, and says so. */
	char later[21];
	clock_iso(time(NULL) + 10 * 86400, later);
	setenv("CERTDESK_NOW", later, 1);
	CU_ASSERT_EQUAL(svc_crl_status(&app.svc, &st, &e), ST_OK);
	CU_ASSERT_TRUE(st.stale);
	CU_ASSERT_EQUAL(st.stale_days, 3);
	CU_ASSERT_PTR_NOT_NULL(strstr(st.warning, "吊销列表已过期"));
	CU_ASSERT_PTR_NOT_NULL(strstr(st.warning, "已超过 3 天"));
	struct crl_answer a;
	CU_ASSERT_EQUAL(svc_crl_check(&app.svc, "4A3F0013", &a, &e), ST_OK);
	CU_ASSERT_TRUE(a.listed);
	CU_ASSERT_TRUE(a.status.stale);
	unsetenv("CERTDESK_NOW");
	/* A list without a next update is never stale. */
	int len;
	struct rev revs[] = { { "4A3F0013", 3 } };
	unsigned char *der = make_crl(&rsa, &rsa, 60, 0, revs, 1, "12", false, &len);
	CU_ASSERT_EQUAL_FATAL(import(der, len, &e), ST_OK);
	OPENSSL_free(der);
	setenv("CERTDESK_NOW", later, 1);
	CU_ASSERT_EQUAL(svc_crl_status(&app.svc, &st, &e), ST_OK);
	CU_ASSERT_FALSE(st.stale);
	CU_ASSERT_STRING_EQUAL(st.info.next_update, "");
	unsetenv("CERTDESK_NOW");
}

static void test_sm2_issuer(void)
{
	CU_ASSERT_TRUE_FATAL(ready);
	struct err e;
	CU_ASSERT_TRUE_FATAL(use_issuer(&sm2));
	struct rev one[] = { { "0ABC", 5 } };
	int len;
	unsigned char *der = make_crl(&sm2, &sm2, 0, 7, one, 1, "01", false, &len);
	CU_ASSERT_EQUAL_FATAL(import(der, len, &e), ST_OK);
	OPENSSL_free(der);
	char at[32], why[32];
	mark_of(&c4, at, why);
	CU_ASSERT_STRING_EQUAL(why, "cessationOfOperation");
	/* The RSA CA's marks stay (revocations are for good). */
	mark_of(&c2, at, why);
	CU_ASSERT_STRING_EQUAL(why, "affiliationChanged");
}

void suite_crl(void)
{
	UNIT_SUITE("crl", setup_suite, teardown_suite,
		   { "serials and reasons", test_serials },
		   { "read and check lists", test_read_and_check },
		   { "import marks the certificates it revokes", test_import_marks },
		   { "refused lists change nothing", test_refusals_change_nothing },
		   { "a newer list: holds released, revocations kept", test_newer_list },
		   { "a stale list says so", test_stale },
		   { "an SM2 issuer", test_sm2_issuer });
}
