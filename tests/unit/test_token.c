/* The pure parts of the token layer: APDUs, status words, BER-TLV, the
 * certificate record and its rules, and X.509 parsing of certificates made
 * here with OpenSSL (RSA and SM2, Chinese names) and of broken ones. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "adapt/token.h"
#include "adapt/x509.h"
#include "model/apdu.h"
#include "model/cert.h"
#include "unit.h"
#include "util/clock.h"

/* ---- APDUs and status words ---- */

static void test_apdu_encode(void)
{
	uint8_t out[APDU_SHORT_MAX];
	static const uint8_t aid[] = { 0xA0, 0x00, 0x00, 0x03, 0x08 };

	struct apdu c1 = { 0x00, 0x20, 0x00, 0x80, NULL, 0, APDU_NO_LE };
	CU_ASSERT_EQUAL(apdu_encode(&c1, out, sizeof out), 4u);

	struct apdu c2 = { 0x00, 0xC0, 0x00, 0x00, NULL, 0, 256 };
	CU_ASSERT_EQUAL(apdu_encode(&c2, out, sizeof out), 5u);
	CU_ASSERT_EQUAL(out[4], 0x00);   /* 256 goes out as 00 */
	c2.le = 0x74;
	CU_ASSERT_EQUAL(apdu_encode(&c2, out, sizeof out), 5u);
	CU_ASSERT_EQUAL(out[4], 0x74);

	struct apdu c3 = { 0x00, 0x20, 0x00, 0x80, aid, sizeof aid, APDU_NO_LE };
	CU_ASSERT_EQUAL(apdu_encode(&c3, out, sizeof out), 10u);
	CU_ASSERT_EQUAL(out[4], 5);

	struct apdu c4 = { 0x00, 0xA4, 0x04, 0x00, aid, sizeof aid, 256 };
	static const uint8_t want[] = { 0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x03, 0x08, 0x00 };
	CU_ASSERT_EQUAL_FATAL(apdu_encode(&c4, out, sizeof out), sizeof want);
	CU_ASSERT_EQUAL(memcmp(out, want, sizeof want), 0);
	CU_ASSERT_EQUAL(apdu_encode(&c4, out, 10), 0u);   /* no room */

	uint8_t big[256] = { 0 };
	struct apdu bad = { 0x00, 0xD6, 0x00, 0x00, big, 256, APDU_NO_LE };
	CU_ASSERT_EQUAL(apdu_encode(&bad, out, sizeof out), 0u);   /* Lc > 255 */
	bad.lc = 1;
	bad.le = 0;
	CU_ASSERT_EQUAL(apdu_encode(&bad, out, sizeof out), 0u);   /* Le 0 is not "256" */
	bad.le = 257;
	CU_ASSERT_EQUAL(apdu_encode(&bad, out, sizeof out), 0u);
}

static void test_status_words(void)
{
	static const uint8_t r[] = { 0x12, 0x34, 0x90, 0x00 };
	CU_ASSERT_EQUAL(apdu_sw(r, sizeof r), 0x9000);
	CU_ASSERT_EQUAL(apdu_sw(r, 1), 0);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x9000), SW_OK);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6100), SW_MORE);
	CU_ASSERT_EQUAL(apdu_sw_count(0x6100), 256);
	CU_ASSERT_EQUAL(apdu_sw_count(0x6174), 0x74);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6C1E), SW_WRONG_LE);
	CU_ASSERT_EQUAL(apdu_sw_count(0x6C1E), 0x1E);
	CU_ASSERT_EQUAL(apdu_sw_count(0x6C00), 256);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x63C2), SW_RETRIES);
	CU_ASSERT_EQUAL(apdu_sw_count(0x63C2), 2);
	CU_ASSERT_EQUAL(apdu_sw_count(0x63C0), 0);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6300), SW_WARN);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6283), SW_WARN);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6983), SW_BLOCKED);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6982), SW_SECURITY);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6A82), SW_NOT_FOUND);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6A80), SW_WRONG_DATA);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6700), SW_WRONG_DATA);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6D00), SW_UNSUPPORTED);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6E00), SW_UNSUPPORTED);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6985), SW_CONDITIONS);
	CU_ASSERT_EQUAL(apdu_sw_kind(0x6F00), SW_ERROR);
	CU_ASSERT_EQUAL(apdu_sw_count(0x9000), -1);
	CU_ASSERT_EQUAL(apdu_sw_count(0x6983), -1);
	CU_ASSERT_STRING_EQUAL(apdu_sw_text(0x6983), "已锁定");
	CU_ASSERT_STRING_EQUAL(apdu_sw_text(0x6A82), "未找到文件或应用");
	CU_ASSERT_STRING_EQUAL(apdu_sw_text(0x6F00), "卡片内部错误");
	CU_ASSERT_STRING_EQUAL(apdu_sw_text(0x1234), "卡片返回错误");
}

/* ---- BER-TLV ---- */

static void test_tlv_read(void)
{
	struct apdu_tlv t;
	static const uint8_t one[] = { 0x71, 0x01, 0x00 };
	CU_ASSERT_TRUE_FATAL(apdu_tlv_read(one, sizeof one, &t));
	CU_ASSERT_EQUAL(t.tag, 0x71u);
	CU_ASSERT_EQUAL(t.len, 1u);
	CU_ASSERT_EQUAL(t.size, 3u);

	/* 3-byte tag, 2-byte length */
	uint8_t obj[4 + 2 + 300];
	memset(obj, 0xAB, sizeof obj);
	static const uint8_t hdr[] = { 0x5F, 0xC1, 0x05, 0x82, 0x01, 0x2C };
	memcpy(obj, hdr, sizeof hdr);
	CU_ASSERT_TRUE_FATAL(apdu_tlv_read(obj, sizeof hdr + 300, &t));
	CU_ASSERT_EQUAL(t.tag, 0x5FC105u);
	CU_ASSERT_EQUAL(t.len, 300u);
	CU_ASSERT_PTR_EQUAL(t.value, obj + 6);
	CU_ASSERT_EQUAL(t.size, 306u);
	/* value past the end */
	CU_ASSERT_FALSE(apdu_tlv_read(obj, sizeof hdr + 299, &t));

	static const uint8_t two[] = { 0x7F, 0x49, 0x81, 0x02, 0x01, 0x02 };
	CU_ASSERT_TRUE_FATAL(apdu_tlv_read(two, sizeof two, &t));
	CU_ASSERT_EQUAL(t.tag, 0x7F49u);
	CU_ASSERT_EQUAL(t.len, 2u);

	static const uint8_t indefinite[] = { 0x53, 0x80, 0x00, 0x00 };
	CU_ASSERT_FALSE(apdu_tlv_read(indefinite, sizeof indefinite, &t));
	static const uint8_t long_tag[] = { 0x5F, 0xC1, 0x85, 0x05, 0x00 };
	CU_ASSERT_FALSE(apdu_tlv_read(long_tag, sizeof long_tag, &t));
	static const uint8_t cut_tag[] = { 0x5F, 0xC1 };
	CU_ASSERT_FALSE(apdu_tlv_read(cut_tag, sizeof cut_tag, &t));
	static const uint8_t cut_len[] = { 0x53, 0x82, 0x01 };
	CU_ASSERT_FALSE(apdu_tlv_read(cut_len, sizeof cut_len, &t));
	static const uint8_t huge[] = { 0x53, 0x84, 0xFF, 0xFF, 0xFF, 0xFF, 0x00 };
	CU_ASSERT_FALSE(apdu_tlv_read(huge, sizeof huge, &t));
	static const uint8_t five[] = { 0x53, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 };
	CU_ASSERT_FALSE(apdu_tlv_read(five, sizeof five, &t));
	CU_ASSERT_FALSE(apdu_tlv_read(NULL, 0, &t));
	static const uint8_t pad[] = { 0x00, 0x01, 0x00 };
	CU_ASSERT_FALSE(apdu_tlv_read(pad, sizeof pad, &t));
}

static void test_tlv_find(void)
{
	/* A PIV certificate object's content: 70 cert, 71 certinfo, FE LRC,
	 * with padding before the last. */
	static const uint8_t v[] = { 0x70, 0x03, 0x30, 0x01, 0x00, 0x71, 0x01, 0x01, 0x00,
				     0xFF, 0xFE, 0x00 };
	struct apdu_tlv t;
	CU_ASSERT_TRUE_FATAL(apdu_tlv_find(v, sizeof v, 0x70, &t));
	CU_ASSERT_EQUAL(t.len, 3u);
	CU_ASSERT_EQUAL(t.value[0], 0x30);
	CU_ASSERT_TRUE_FATAL(apdu_tlv_find(v, sizeof v, 0x71, &t));
	CU_ASSERT_EQUAL(t.value[0], 0x01);
	CU_ASSERT_TRUE(apdu_tlv_find(v, sizeof v, 0xFE, &t));
	CU_ASSERT_EQUAL(t.len, 0u);
	CU_ASSERT_FALSE(apdu_tlv_find(v, sizeof v, 0x34, &t));
	/* Malformed before the tag: not found rather than read past the end. */
	static const uint8_t broken[] = { 0x70, 0x10, 0x30, 0x71, 0x01, 0x01 };
	CU_ASSERT_FALSE(apdu_tlv_find(broken, sizeof broken, 0x71, &t));
}

static void test_tlv_header(void)
{
	static const size_t lens[] = { 0, 1, 0x7F, 0x80, 0xFF, 0x100, 0xFFFF, 0x10000 };
	static const uint32_t tags[] = { 0x53, 0x7F49, 0x5FC105 };
	uint8_t buf[8 + 0x10000];
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		for (size_t j = 0; j < sizeof lens / sizeof lens[0]; j++) {
			size_t h = apdu_tlv_header(tags[i], lens[j], buf);
			CU_ASSERT_TRUE_FATAL(h > 0 && h <= 8);
			memset(buf + h, 0x5A, lens[j]);
			struct apdu_tlv t;
			CU_ASSERT_TRUE_FATAL(apdu_tlv_read(buf, h + lens[j], &t));
			CU_ASSERT_EQUAL(t.tag, tags[i]);
			CU_ASSERT_EQUAL(t.len, lens[j]);
			CU_ASSERT_EQUAL(t.size, h + lens[j]);
		}
	CU_ASSERT_EQUAL(apdu_tlv_header(0, 1, buf), 0u);
	CU_ASSERT_EQUAL(apdu_tlv_header(0x01000000, 1, buf), 0u);
}

static void test_hex(void)
{
	static const uint8_t b[] = { 0x00, 0x5F, 0xC1, 0xFF };
	char s[9];
	CU_ASSERT_STRING_EQUAL(apdu_hex(b, sizeof b, s), "005FC1FF");
	uint8_t back[8];
	CU_ASSERT_EQUAL(apdu_unhex("005fc1FF", back, sizeof back), 4);
	CU_ASSERT_EQUAL(memcmp(back, b, 4), 0);
	CU_ASSERT_EQUAL(apdu_unhex("00:5F C1:ff", back, sizeof back), 4);
	CU_ASSERT_EQUAL(memcmp(back, b, 4), 0);
	CU_ASSERT_EQUAL(apdu_unhex("0", back, sizeof back), -1);
	CU_ASSERT_EQUAL(apdu_unhex("zz", back, sizeof back), -1);
	CU_ASSERT_EQUAL(apdu_unhex("001122", back, 2), -1);
	CU_ASSERT_EQUAL(apdu_unhex("", back, sizeof back), 0);
}

/* ---- the certificate record ---- */

static void test_cert_rules(void)
{
	struct cert c;
	memset(&c, 0, sizeof c);
	time_t t;
	CU_ASSERT_TRUE_FATAL(clock_parse_iso("2026-06-30T16:00:00Z", &t));
	c.not_before = t - 365 * 86400;
	c.not_after = t;

	CU_ASSERT_TRUE(cert_not_yet_valid(&c, c.not_before - 1));
	CU_ASSERT_FALSE(cert_not_yet_valid(&c, c.not_before));
	CU_ASSERT_EQUAL(cert_days_left(&c, t - 86400), 1);
	CU_ASSERT_EQUAL(cert_days_left(&c, t - 1), 0);
	CU_ASSERT_FALSE(cert_expired(&c, t));            /* the last second is still valid */
	CU_ASSERT_EQUAL(cert_days_left(&c, t), 0);
	CU_ASSERT_EQUAL(cert_days_expired(&c, t), 0);
	CU_ASSERT_TRUE(cert_expired(&c, t + 1));
	CU_ASSERT_EQUAL(cert_days_left(&c, t + 1), -1);
	CU_ASSERT_EQUAL(cert_days_expired(&c, t + 1), 0);
	CU_ASSERT_EQUAL(cert_days_expired(&c, t + 86400), 1);
	CU_ASSERT_EQUAL(cert_days_left(&c, t + 100 * 86400), -100);
	CU_ASSERT_EQUAL(cert_days_expired(&c, t + 100 * 86400), 100);
	/* Renewal: allowed up to 90 days after expiry, not a second more. */
	CU_ASSERT_FALSE(cert_past_renewal(&c, t - 30 * 86400));
	CU_ASSERT_FALSE(cert_past_renewal(&c, t + 90 * 86400));
	CU_ASSERT_TRUE(cert_past_renewal(&c, t + 90 * 86400 + 1));
	CU_ASSERT_STRING_EQUAL(cert_key_alg_label(CERT_KEY_SM2), "SM2");
	CU_ASSERT_STRING_EQUAL(cert_key_alg_label(CERT_KEY_RSA), "RSA");
}

static void test_slots(void)
{
	enum token_slot s;
	for (int i = 0; i < TOKEN_SLOT__COUNT; i++) {
		CU_ASSERT_TRUE(token_slot_parse(token_slot_code((enum token_slot)i), &s));
		CU_ASSERT_EQUAL(s, (enum token_slot)i);
	}
	CU_ASSERT_FALSE(token_slot_parse("9a", &s));
	CU_ASSERT_FALSE(token_slot_parse(NULL, &s));
	CU_ASSERT_STRING_EQUAL(token_slot_label(TOKEN_SLOT_SIGN), "签名证书");
	CU_ASSERT_STRING_EQUAL(token_state_code(TOKEN_PRESENT), "card");
}

/* ---- X.509 ---- */

static EVP_PKEY *rsa_key, *sm2_key;

static int x509_init(void)
{
	rsa_key = EVP_RSA_gen(2048);
	sm2_key = EVP_PKEY_Q_keygen(NULL, NULL, "SM2");
	return rsa_key && sm2_key ? 0 : 1;
}

static int x509_clean(void)
{
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(sm2_key);
	return 0;
}

static bool add_utf8(X509_NAME *n, const char *field, const char *value)
{
	return X509_NAME_add_entry_by_txt(n, field, MBSTRING_UTF8, (const unsigned char *)value, -1,
					  -1, 0) == 1;
}

#define T_BEFORE "2025-01-01T00:00:00Z"
#define T_AFTER "2026-01-01T08:30:00Z"

/* A certificate for `key` signed by rsa_key, with Chinese names; DER,
 * caller frees with OPENSSL_free. */
static unsigned char *make_cert(EVP_PKEY *key, size_t *len)
{
	X509 *x = X509_new();
	X509_NAME *subj = X509_NAME_new(), *iss = X509_NAME_new();
	BIGNUM *bn = NULL;
	unsigned char *der = NULL;
	time_t nb, na;
	if (!x || !subj || !iss || !clock_parse_iso(T_BEFORE, &nb) || !clock_parse_iso(T_AFTER, &na))
		goto out;
	X509_set_version(x, X509_VERSION_3);
	if (!BN_hex2bn(&bn, "0123456789ABCDEF") ||
	    !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x)))
		goto out;
	/* OU as a BMPString (UTF-16BE), as some CAs still write: 技术部 */
	static const unsigned char bmp[] = { 0x62, 0x80, 0x67, 0x2F, 0x90, 0xE8 };
	if (!add_utf8(subj, "C", "CN") || !add_utf8(subj, "O", "某某科技有限公司") ||
	    !X509_NAME_add_entry_by_NID(subj, NID_organizationalUnitName, V_ASN1_BMPSTRING, bmp,
					sizeof bmp, -1, 0) ||
	    !add_utf8(subj, "serialNumber", "91350100M000100Y43") || !add_utf8(subj, "CN", "张三") ||
	    !add_utf8(iss, "C", "CN") || !add_utf8(iss, "O", "某某数字认证有限公司") ||
	    !add_utf8(iss, "CN", "某某数字认证测试CA"))
		goto out;
	if (!X509_set_subject_name(x, subj) || !X509_set_issuer_name(x, iss) ||
	    !ASN1_TIME_set(X509_getm_notBefore(x), nb) || !ASN1_TIME_set(X509_getm_notAfter(x), na) ||
	    !X509_set_pubkey(x, key) || !X509_sign(x, rsa_key, EVP_sha256()))
		goto out;
	int n = i2d_X509(x, &der);
	if (n <= 0) {
		OPENSSL_free(der);
		der = NULL;
	} else {
		*len = (size_t)n;
	}
out:
	BN_free(bn);
	X509_NAME_free(subj);
	X509_NAME_free(iss);
	X509_free(x);
	return der;
}

static void expect_names_and_dates(const struct cert *c)
{
	CU_ASSERT_STRING_EQUAL(c->subject, "CN=张三, serialNumber=91350100M000100Y43, OU=技术部, "
					   "O=某某科技有限公司, C=CN");
	CU_ASSERT_STRING_EQUAL(c->subject_cn, "张三");
	CU_ASSERT_STRING_EQUAL(c->subject_o, "某某科技有限公司");
	CU_ASSERT_STRING_EQUAL(c->subject_ou, "技术部");
	CU_ASSERT_STRING_EQUAL(c->subject_serial, "91350100M000100Y43");
	CU_ASSERT_STRING_EQUAL(c->issuer, "CN=某某数字认证测试CA, O=某某数字认证有限公司, C=CN");
	CU_ASSERT_STRING_EQUAL(c->issuer_cn, "某某数字认证测试CA");
	CU_ASSERT_STRING_EQUAL(c->issuer_o, "某某数字认证有限公司");
	CU_ASSERT_STRING_EQUAL(c->serial, "0123456789ABCDEF");
	CU_ASSERT_STRING_EQUAL(c->not_before_iso, T_BEFORE);
	CU_ASSERT_STRING_EQUAL(c->not_after_iso, T_AFTER);
	time_t na;
	CU_ASSERT_TRUE(clock_parse_iso(T_AFTER, &na));
	CU_ASSERT_EQUAL(c->not_after, na);
	CU_ASSERT_STRING_EQUAL(c->sig_alg, "sha256WithRSAEncryption");
}

/* The fingerprint OpenSSL itself gives, as upper-case hex. */
static void openssl_fp(const unsigned char *der, size_t len, const char *md, char out[65])
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	unsigned char h[EVP_MAX_MD_SIZE];
	unsigned int hl = 0;
	EVP_MD *m = EVP_MD_fetch(NULL, md, NULL);
	out[0] = '\0';
	if (x && m && X509_digest(x, m, h, &hl) && hl == 32)
		apdu_hex(h, hl, out);
	EVP_MD_free(m);
	X509_free(x);
}

static void test_x509_rsa(void)
{
	size_t len = 0;
	unsigned char *der = make_cert(rsa_key, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(der);
	struct cert c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(x509_parse(der, len, &c, &e), ST_OK);
	expect_names_and_dates(&c);
	CU_ASSERT_EQUAL(c.key_alg, CERT_KEY_RSA);
	CU_ASSERT_EQUAL(c.key_bits, 2048);
	CU_ASSERT_STRING_EQUAL(c.key_desc, "RSA 2048");
	char want[65];
	openssl_fp(der, len, "SHA256", want);
	CU_ASSERT_STRING_EQUAL(c.sha256, want);
	openssl_fp(der, len, "SM3", want);
	CU_ASSERT_STRING_EQUAL(c.sm3, want);
	CU_ASSERT_EQUAL(strlen(c.sm3), 64u);

	/* Padding after the certificate (as some cards store it) is fine, and
	 * is not part of the fingerprint. */
	unsigned char *padded = malloc(len + 4);
	CU_ASSERT_PTR_NOT_NULL_FATAL(padded);
	memcpy(padded, der, len);
	memset(padded + len, 0x00, 4);
	struct cert c2;
	CU_ASSERT_EQUAL(x509_parse(padded, len + 4, &c2, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(c2.sha256, c.sha256);
	/* Other data after it is not. */
	padded[len + 2] = 0x30;
	CU_ASSERT_EQUAL(x509_parse(padded, len + 4, &c2, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "证书数据已损坏：证书之后还有 4 字节多余数据。");
	CU_ASSERT_STRING_EQUAL(c2.subject, "");   /* nothing half-filled */
	free(padded);
	OPENSSL_free(der);
}

static void test_x509_sm2_and_pem(void)
{
	size_t len = 0;
	unsigned char *der = make_cert(sm2_key, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(der);
	struct cert c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL_FATAL(x509_parse(der, len, &c, &e), ST_OK);
	expect_names_and_dates(&c);
	CU_ASSERT_EQUAL(c.key_alg, CERT_KEY_SM2);
	CU_ASSERT_EQUAL(c.key_bits, 256);
	CU_ASSERT_STRING_EQUAL(c.key_desc, "SM2");

	/* The same certificate as PEM text gives the same record. */
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, (long)len);
	BIO *b = BIO_new(BIO_s_mem());
	CU_ASSERT_TRUE_FATAL(x && b && PEM_write_bio_X509(b, x));
	char *pem = NULL;
	long n = BIO_get_mem_data(b, &pem);
	struct cert c2;
	CU_ASSERT_EQUAL(x509_parse((const uint8_t *)pem, (size_t)n, &c2, &e), ST_OK);
	CU_ASSERT_EQUAL(memcmp(&c, &c2, sizeof c), 0);
	BIO_free(b);
	X509_free(x);
	OPENSSL_free(der);
}

static void test_x509_corrupt(void)
{
	struct cert c;
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(x509_parse(NULL, 0, &c, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "证书数据为空。");
	static const uint8_t junk[] = "not a certificate at all";
	CU_ASSERT_EQUAL(x509_parse(junk, sizeof junk, &c, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "证书数据已损坏，无法解析。");
	static const char key_pem[] = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
	CU_ASSERT_EQUAL(x509_parse((const uint8_t *)key_pem, strlen(key_pem), &c, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "文件中不是证书（而是 PRIVATE KEY）。");
	static const char bad_pem[] = "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
	CU_ASSERT_EQUAL(x509_parse((const uint8_t *)bad_pem, strlen(bad_pem), &c, &e), ST_INVALID);

	size_t len = 0;
	unsigned char *der = make_cert(rsa_key, &len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(der);
	/* Every truncation is refused, cleanly. */
	size_t refused = 0;
	for (size_t cut = 0; cut < len; cut++)
		refused += x509_parse(der, cut, &c, &e) == ST_INVALID;
	CU_ASSERT_EQUAL(refused, len);
	/* Flipped bytes: either refused or read, never a crash (ASan watches). */
	unsigned char *copy = malloc(len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(copy);
	int other = 0;
	for (size_t i = 0; i < len; i += 3) {
		memcpy(copy, der, len);
		copy[i] ^= 0xFF;
		enum status st = x509_parse(copy, len, &c, &e);
		other += st != ST_OK && st != ST_INVALID;
	}
	CU_ASSERT_EQUAL(other, 0);
	free(copy);
	OPENSSL_free(der);
}

void suite_token(void)
{
	UNIT_SUITE("token", NULL, NULL,
		   { "apdu_encode", test_apdu_encode },
		   { "status_words", test_status_words },
		   { "tlv_read", test_tlv_read },
		   { "tlv_find", test_tlv_find },
		   { "tlv_header", test_tlv_header },
		   { "hex", test_hex },
		   { "cert_rules", test_cert_rules },
		   { "slots", test_slots });
	UNIT_SUITE("token_x509", x509_init, x509_clean,
		   { "rsa", test_x509_rsa },
		   { "sm2_and_pem", test_x509_sm2_and_pem },
		   { "corrupt", test_x509_corrupt });
}
