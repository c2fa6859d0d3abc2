/* KEYs at the counter (svc/key.h): who a certificate names as its holder,
 * the 90-day renewal rule at its edges, the binding rules, and the
 * certificate.bind command on an in-memory database (one audit and one
 * outbox entry, refusals that write nothing). The card itself is tested
 * with real parts in tests/integration/key.sh. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model/validate.h"
#include "svc/applicant.h"
#include "store/puk_repo.h"
#include "svc/app_kind.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "svc/key.h"
#include "svc/puk.h"
#include "svc/staff.h"
#include "svc/unlock.h"
#include "util/jsonx.h"
#include "unit.h"
#include "util/clock.h"

#define DAY 86400L

static struct db *db;
static struct svc svc;
static struct actor admin, clerk, super;
static char zhang[UUID_LEN + 1], li[UUID_LEN + 1];

static const char *const CODE = "91350100M000100Y43";
static const char *const ORG = "福州某某科技有限公司";
static const char *const IDN = "11010519491231002X";

static int count(const char *sql)
{
	sqlite3_stmt *s;
	int v = -1;
	if (sqlite3_prepare_v2(db_handle(db), sql, -1, &s, NULL) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	return v;
}

#define WRITES() (count("SELECT count(*) FROM audit_log") * 1000 + count("SELECT count(*) FROM outbox"))

/* A certificate as adapt/x509.c would fill it; `n` makes its fingerprints. */
static void mk(struct cert *c, int n, const char *cn, const char *o, const char *ou,
	       const char *sn, time_t not_before, time_t not_after)
{
	memset(c, 0, sizeof *c);
	snprintf(c->subject_cn, sizeof c->subject_cn, "%s", cn ? cn : "");
	snprintf(c->subject_o, sizeof c->subject_o, "%s", o ? o : "");
	snprintf(c->subject_ou, sizeof c->subject_ou, "%s", ou ? ou : "");
	snprintf(c->subject_serial, sizeof c->subject_serial, "%s", sn ? sn : "");
	snprintf(c->subject, sizeof c->subject, "CN=%s%s%s, C=CN", c->subject_cn,
		 c->subject_o[0] ? ", O=" : "", c->subject_o);
	snprintf(c->issuer, sizeof c->issuer, "CN=某某数字认证测试CA, C=CN");
	snprintf(c->serial, sizeof c->serial, "0A1B2C3D4E5F%04X", n);
	c->not_before = not_before;
	c->not_after = not_after;
	clock_iso(not_before, c->not_before_iso);
	clock_iso(not_after, c->not_after_iso);
	c->key_alg = CERT_KEY_SM2;
	c->key_bits = 256;
	snprintf(c->key_desc, sizeof c->key_desc, "SM2");
	snprintf(c->sig_alg, sizeof c->sig_alg, "SM2-with-SM3");
	for (int i = 0; i < 64; i++) {
		c->sha256[i] = "0123456789ABCDEF"[(n + i) % 16];
		c->sm3[i] = "FEDCBA9876543210"[(n * 3 + i) % 16];
	}
}

static int setup_suite(void)
{
	struct err e;
	if (sodium_init() < 0 || db_open(":memory:", &db, &e) != ST_OK)
		return 1;
	svc.db = db;
	if (!unit_office(&svc, &admin, &clerk, &super))
		return 1;
	struct applicant_input a = { "13812345678", "张三", IDN, "", "深圳市福田区深南大道1号",
				     "518000", NULL };
	struct enterprise_input en = { CODE, ORG, "林某", "福州市鼓楼区五四路100号", "0591-87654321" };
	struct applicant_input b = { "13900000002", "李四", "320106198503124510", "",
				     "南京市鼓楼区中山路1号", "", NULL };
	return svc_applicant_import(&svc, &clerk, &a, &en, zhang, &e) != ST_OK ||
	       svc_applicant_import(&svc, &clerk, &b, NULL, li, &e) != ST_OK;
}

static int teardown_suite(void)
{
	db_close(db);
	return 0;
}

/* ---- the holder named by a certificate ---- */

static void holder(const char *cn, const char *o, const char *ou, const char *sn,
		   struct cert_holder *h)
{
	struct cert c;
	mk(&c, 1, cn, o, ou, sn, 0, 0);
	cert_holder_of(&c, h);
}

static void test_holder_enterprise(void)
{
	struct cert_holder h;
	holder("张三", ORG, CODE, NULL, &h);   /* the code in OU */
	CU_ASSERT_EQUAL(h.subject, SUBJECT_ENTERPRISE);
	CU_ASSERT_STRING_EQUAL(h.credit_code, CODE);
	CU_ASSERT_STRING_EQUAL(h.org, ORG);
	CU_ASSERT_STRING_EQUAL(h.person, "张三");
	CU_ASSERT_STRING_EQUAL(h.id_number, "");
	holder("张三", ORG, NULL, "91350100m000100y43", &h); /* in serialNumber, lower case */
	CU_ASSERT_STRING_EQUAL(h.credit_code, CODE);
	holder(ORG, NULL, "USCC:" "91350100M000100Y43", NULL, &h); /* no O: the name is CN */
	CU_ASSERT_EQUAL(h.subject, SUBJECT_ENTERPRISE);
	CU_ASSERT_STRING_EQUAL(h.credit_code, CODE);
	CU_ASSERT_STRING_EQUAL(h.org, ORG);
	holder("张三", ORG, NULL, NULL, &h);   /* no code at all: an enterprise by its O */
	CU_ASSERT_EQUAL(h.subject, SUBJECT_ENTERPRISE);
	CU_ASSERT_STRING_EQUAL(h.credit_code, "");
	holder("张三", ORG, "X91350100M000100Y43", NULL, &h); /* a letter before it */
	CU_ASSERT_STRING_EQUAL(h.credit_code, CODE);
	holder("张三", ORG, "1291350100M000100Y43", NULL, &h); /* digits before it: not a code */
	CU_ASSERT_STRING_EQUAL(h.credit_code, "");
	holder("张三", ORG, "91350100M000100Y44", NULL, &h); /* wrong check character */
	CU_ASSERT_STRING_EQUAL(h.credit_code, "");
}

static void test_holder_person(void)
{
	struct cert_holder h;
	holder("张三", NULL, NULL, IDN, &h);
	CU_ASSERT_EQUAL(h.subject, SUBJECT_PERSONAL);
	CU_ASSERT_STRING_EQUAL(h.id_number, IDN);
	CU_ASSERT_STRING_EQUAL(h.person, "张三");
	holder("张三", NULL, NULL, "SF11010519491231002x", &h); /* type prefix, lower-case x */
	CU_ASSERT_STRING_EQUAL(h.id_number, IDN);
	/* CFCA style: everything in CN. */
	holder("041@Z11010519491231002X@张三@00000001", NULL, NULL, NULL, &h);
	CU_ASSERT_EQUAL(h.subject, SUBJECT_PERSONAL);
	CU_ASSERT_STRING_EQUAL(h.id_number, IDN);
	CU_ASSERT_STRING_EQUAL(h.person, "张三");
	/* An employee's personal certificate names the employer in O. */
	holder("张三", ORG, NULL, IDN, &h);
	CU_ASSERT_EQUAL(h.subject, SUBJECT_PERSONAL);
	holder("张三", NULL, NULL, NULL, &h);
	CU_ASSERT_EQUAL(h.subject, SUBJECT_PERSONAL);
	CU_ASSERT_STRING_EQUAL(h.id_number, "");
	/* Hex that is neither. */
	holder("张三", NULL, "ABCDEF0123456789AB", NULL, &h);
	CU_ASSERT_STRING_EQUAL(h.credit_code, "");
	CU_ASSERT_STRING_EQUAL(h.id_number, "");
}

static void test_holder_id_never_a_credit_code(void)
{
	/* This ID number happens to pass the credit code's check as well. */
	const char *both = "110105195001151296";
	CU_ASSERT_TRUE_FATAL(check_id_number(both, NULL));
	CU_ASSERT_TRUE_FATAL(check_credit_code(both, NULL));
	struct cert_holder h;
	holder("张三", NULL, NULL, both, &h);
	CU_ASSERT_EQUAL(h.subject, SUBJECT_PERSONAL);
	CU_ASSERT_STRING_EQUAL(h.id_number, both);
	CU_ASSERT_STRING_EQUAL(h.credit_code, "");
}

static void test_holder_text(void)
{
	char t[600];
	key_holder_text("张三", ORG, t, sizeof t);
	CU_ASSERT_STRING_EQUAL(t, "张三 · 福州某某科技有限公司");
	key_holder_text("041@Z11010519491231002X@张三@00000001", "", t, sizeof t);
	CU_ASSERT_STRING_EQUAL(t, "张三");
	key_holder_text("Z11010519491231002X@0001", ORG, t, sizeof t); /* no name: no ID either */
	CU_ASSERT_STRING_EQUAL(t, ORG);
	key_holder_text(ORG, "", t, sizeof t);
	CU_ASSERT_STRING_EQUAL(t, ORG);
}

/* ---- the 90-day rule ---- */

static void test_renewal_rule_edges(void)
{
	const time_t t = 1790000000; /* not_after */
	struct cert c;
	mk(&c, 2, "张三", ORG, CODE, NULL, t - 365 * DAY, t);
	struct err e;
	err_clear(&e);
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t - 400 * DAY, &e), ST_OK); /* not yet valid */
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t - 100 * DAY, &e), ST_OK); /* valid */
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t, &e), ST_OK);             /* its last second */
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t + 1, &e), ST_OK);         /* just expired */
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t + 30 * DAY, &e), ST_OK);
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t + 90 * DAY, &e), ST_OK);  /* 90 days: still */
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t + 90 * DAY + 1, &e), ST_STATE);
	char to[17], from[17], want[256];
	clock_local(t, to);
	clock_local(t - 365 * DAY, from);
	to[10] = from[10] = '\0';
	snprintf(want, sizeof want, "证书已于 %s 过期，超过 90 天已被注销，不能续费，请重新申请新证书"
		 "（有效期 %s 至 %s，已过期 90 天）。", to, from, to);
	CU_ASSERT_STRING_EQUAL(e.msg, want);
	err_clear(&e);
	CU_ASSERT_EQUAL(key_renewal_allowed(&c, t + 100 * DAY, &e), ST_STATE);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已过期 100 天"));
}

static void test_standing(void)
{
	const time_t nb = 1750000000, na = 1790000000;
	char s[64];
	key_standing(nb, na, nb - 1, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "尚未生效");
	key_standing(nb, na, na - 365 * DAY, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "剩余 365 天");
	key_standing(nb, na, na - 3600, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "今天到期");
	key_standing(nb, na, na + 3600, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "今天已过期");
	key_standing(nb, na, na + 3 * DAY, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期 3 天，可续费");
	key_standing(nb, na, na + 90 * DAY, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期 90 天，可续费");
	key_standing(nb, na, na + 90 * DAY + 1, s, sizeof s);
	CU_ASSERT_STRING_EQUAL(s, "已过期 90 天，已注销");
}

/* ---- binding rules ---- */

static void test_bind_rule(void)
{
	struct err e;
	bool move = true;
	err_clear(&e);
	CU_ASSERT_EQUAL(key_bind_rule("", zhang, &clerk, "", &move, &e), ST_OK);
	CU_ASSERT_FALSE(move);
	CU_ASSERT_EQUAL(key_bind_rule(NULL, zhang, &clerk, NULL, &move, &e), ST_OK);
	CU_ASSERT_EQUAL(key_bind_rule(zhang, zhang, &clerk, "", &move, &e), ST_EXISTS);
	CU_ASSERT_EQUAL(key_bind_rule(zhang, zhang, &super, "", &move, &e), ST_EXISTS);
	CU_ASSERT_EQUAL(key_bind_rule(zhang, li, &clerk, "张三（138****5678）", &move, &e), ST_DENIED);
	CU_ASSERT_STRING_EQUAL(e.msg, "该证书已绑定到申请人 张三（138****5678），改绑到其他申请人须由审核员办理。");
	CU_ASSERT_EQUAL(key_bind_rule(zhang, li, &super, "张三（138****5678）", &move, &e), ST_OK);
	CU_ASSERT_TRUE(move);
	CU_ASSERT_EQUAL(key_bind_rule(zhang, li, &admin, "", &move, &e), ST_OK);
	CU_ASSERT_TRUE(move);
}

static void test_bind_command(void)
{
	time_t now = clock_now();
	struct cert c;
	mk(&c, 10, "张三", ORG, CODE, NULL, now - 10 * DAY, now + 355 * DAY);
	struct err e;
	err_clear(&e);
	int w0 = WRITES();
	CU_ASSERT_EQUAL_FATAL(svc_cert_bind(&svc, &clerk, zhang, &c, "0123456789ABCDEF", TOKEN_SLOT_AUTH,
					    &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), w0 + 1001); /* one audit entry, one outbox entry */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'certificate.bind@2'"), 1);
	struct cert_row r;
	CU_ASSERT_EQUAL_FATAL(cert_repo_by_sha256(db, c.sha256, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.applicant_id, zhang);
	CU_ASSERT_STRING_EQUAL(r.serial, c.serial);
	CU_ASSERT_STRING_EQUAL(r.slot, "auth");
	CU_ASSERT_STRING_EQUAL(r.card_id, "0123456789ABCDEF");
	CU_ASSERT_STRING_EQUAL(r.algorithm, "SM2");
	CU_ASSERT_STRING_EQUAL(r.not_after, c.not_after_iso);
	CU_ASSERT_EQUAL(r.not_after_t, c.not_after);
	CU_ASSERT_STRING_EQUAL(r.bound_by, clerk.id);
	CU_ASSERT_EQUAL(cert_row_days_left(&r, now), 355);

	/* Twice to the same applicant: refused, nothing written. */
	w0 = WRITES();
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, zhang, &c, "", TOKEN_SLOT_AUTH, &e), ST_EXISTS);
	CU_ASSERT_EQUAL(WRITES(), w0);
	/* To another applicant: a clerk may not, naming the applicant with the phone masked. */
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, li, &c, "", TOKEN_SLOT_AUTH, &e), ST_DENIED);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "张三（138****5678）"));
	CU_ASSERT_PTR_NULL(strstr(e.msg, "13812345678"));
	CU_ASSERT_EQUAL(WRITES(), w0);
	CU_ASSERT_EQUAL(cert_repo_by_sha256(db, c.sha256, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.applicant_id, zhang);
	/* A supervisor may: the same row, moved, with before and after audited. */
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &super, li, &c, "", TOKEN_SLOT_AUTH, &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), w0 + 1001);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM certificates"), 1);
	CU_ASSERT_EQUAL(cert_repo_by_sha256(db, c.sha256, &r, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(r.applicant_id, li);
	CU_ASSERT_STRING_EQUAL(r.card_id, "0123456789ABCDEF"); /* kept when not read again */
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'certificate.bind'"
			      " AND before IS NOT NULL AND before <> ''"), 1);
}

static void test_bind_refusals(void)
{
	time_t now = clock_now();
	struct cert c;
	struct err e;
	int w0 = WRITES();
	mk(&c, 20, "张三", ORG, CODE, NULL, now - DAY, now + DAY);
	c.sha256[5] = 'x'; /* not a fingerprint */
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, zhang, &c, "", TOKEN_SLOT_SIGN, &e), ST_INVALID);
	mk(&c, 21, "张三", ORG, CODE, NULL, now - DAY, now + DAY);
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, "0190a000-0000-7000-8000-000000000000", &c, "",
				      TOKEN_SLOT_SIGN, &e), ST_NOT_FOUND);
	snprintf(c.serial, sizeof c.serial, "XYZ");
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, zhang, &c, "", TOKEN_SLOT_SIGN, &e), ST_INVALID);
	CU_ASSERT_EQUAL(WRITES(), w0);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM certificates WHERE sha256 LIKE '%x%'"), 0);
}

static void test_bound_list(void)
{
	time_t now = clock_now();
	struct cert a, b;
	struct err e;
	mk(&a, 30, "张三", ORG, CODE, NULL, now - 400 * DAY, now - 35 * DAY);
	mk(&b, 31, "张三", ORG, CODE, NULL, now - 10 * DAY, now + 700 * DAY);
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, zhang, &a, "", TOKEN_SLOT_SIGN, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_cert_bind(&svc, &clerk, zhang, &b, "", TOKEN_SLOT_AUTH, &e), ST_OK);
	struct cert_row rows[4];
	int n = svc_cert_of_applicant(&svc, zhang, rows, 4, &e);
	CU_ASSERT_EQUAL_FATAL(n, 2);
	CU_ASSERT_EQUAL(svc_cert_count_of_applicant(&svc, zhang), 2);
	CU_ASSERT_STRING_EQUAL(rows[0].sha256, b.sha256); /* latest expiry first */
	CU_ASSERT_EQUAL(cert_row_days_left(&rows[0], now), 700);
	CU_ASSERT_EQUAL(cert_row_days_left(&rows[1], now), -35);
	char id[UUID_LEN + 1], label[160];
	CU_ASSERT_EQUAL(svc_cert_bound_to(&svc, a.sha256, id, label, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(id, zhang);
	CU_ASSERT_STRING_EQUAL(label, "张三（138****5678）");
	struct cert unknown;
	mk(&unknown, 99, "王五", NULL, NULL, NULL, now, now);
	CU_ASSERT_EQUAL(svc_cert_bound_to(&svc, unknown.sha256, id, label, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(id, "");
	CU_ASSERT_STRING_EQUAL(label, "");
}

/* ---- renewal from a certificate ---- */

static void test_renewal_enterprise(void)
{
	time_t now = clock_now();
	struct cert c;
	struct key_renewal rn;
	struct err e;
	err_clear(&e);
	/* No code in the certificate: the applicant's enterprise with its O. */
	mk(&c, 40, "张三", ORG, NULL, NULL, now - 300 * DAY, now + 65 * DAY);
	CU_ASSERT_EQUAL_FATAL(svc_key_renewal(&svc, zhang, &c, &rn, &e), ST_OK);
	CU_ASSERT_EQUAL(rn.subject, SUBJECT_ENTERPRISE);
	CU_ASSERT_STRING_EQUAL(rn.cert_serial, c.serial);
	CU_ASSERT_STRING_EQUAL(rn.credit_code, CODE);
	CU_ASSERT_STRING_EQUAL(rn.holder_name, ORG);
	CU_ASSERT_STRING_EQUAL(rn.legal_rep, "林某");
	CU_ASSERT_STRING_EQUAL(rn.address, "福州市鼓楼区五四路100号");
	CU_ASSERT_STRING_EQUAL(rn.phone, "0591-87654321");
	CU_ASSERT_NOT_EQUAL(rn.enterprise_id[0], '\0');
	/* Another applicant, the code in the certificate: the enterprise on record. */
	mk(&c, 41, "张三", ORG, CODE, NULL, now - 300 * DAY, now - 89 * DAY);
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, li, &c, &rn, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(rn.credit_code, CODE);
	CU_ASSERT_STRING_EQUAL(rn.legal_rep, "林某");
	/* An unknown enterprise without a code: the clerk types it. */
	mk(&c, 42, "张三", "另一家公司", NULL, NULL, now - 300 * DAY, now + DAY);
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, zhang, &c, &rn, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(rn.credit_code, "");
	CU_ASSERT_STRING_EQUAL(rn.holder_name, "另一家公司");
	/* Expired more than 90 days ago, or a serial no application takes. */
	mk(&c, 43, "张三", ORG, CODE, NULL, now - 500 * DAY, now - 91 * DAY);
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, zhang, &c, &rn, &e), ST_STATE);
	mk(&c, 44, "张三", ORG, CODE, NULL, now - 500 * DAY, now + DAY);
	snprintf(c.serial, sizeof c.serial, "-01");
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, zhang, &c, &rn, &e), ST_INVALID);
}

static void test_renewal_person(void)
{
	time_t now = clock_now();
	struct cert c;
	struct key_renewal rn;
	struct err e;
	err_clear(&e);
	mk(&c, 50, "张三", NULL, NULL, IDN, now - 300 * DAY, now + 65 * DAY);
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, zhang, &c, &rn, &e), ST_OK);
	CU_ASSERT_EQUAL(rn.subject, SUBJECT_PERSONAL);
	CU_ASSERT_STRING_EQUAL(rn.holder_name, "张三");
	/* Someone else's personal certificate: refused, the ID number masked. */
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, li, &c, &rn, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "110105********002X"));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "李四"));
	/* Without an ID number the name decides. */
	mk(&c, 51, "张三", NULL, NULL, NULL, now - 300 * DAY, now + 65 * DAY);
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, zhang, &c, &rn, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_key_renewal(&svc, li, &c, &rn, &e), ST_INVALID);
}

/* ---- the PIN at the counter: unlock, change ---- */

static void test_new_pin_rules(void)
{
	struct err e;
	CU_ASSERT_TRUE(key_new_pin_ok("802514", "802514", &e));
	CU_ASSERT_TRUE(key_new_pin_ok("80251497", "80251497", &e));
	static const char *const bad[] = { "", "12345", "123456789", "12a456", "111111", "000000",
					   "123456", "876543", "23456789" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err_clear(&e);
		CU_ASSERT_FALSE(key_new_pin_ok(bad[i], bad[i], &e));
		CU_ASSERT_STRING_EQUAL(e.field, "new_pin");
	}
	CU_ASSERT_FALSE(key_new_pin_ok("111111", "111111", &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "出厂默认 PIN"));
	CU_ASSERT_FALSE(key_new_pin_ok("802514", "802515", &e));
	CU_ASSERT_STRING_EQUAL(e.field, "new_pin2");
	CU_ASSERT_FALSE(key_new_pin_ok("802514", NULL, &e));
}

static struct puk_key test_key(unsigned char fill)
{
	struct puk_key k;
	memset(k.k, fill, sizeof k.k);
	return k;
}

static void test_puk_seal(void)
{
	struct err e;
	struct puk_key k = test_key(7), other = test_key(8);
	struct puk_row a, b;
	char puk[KEY_PUK_MAX];
	const char *card_a = "C3D1E5A0000000000000000000000001", *card_b = "C3D1E5A0000000000000000000000002";
	CU_ASSERT_EQUAL_FATAL(puk_seal(&k, card_a, "12345678", &a, &e), ST_OK);
	CU_ASSERT_EQUAL_FATAL(puk_seal(&k, card_b, "Ab3$efgh", &b, &e), ST_OK);
	CU_ASSERT_PTR_NULL(strstr(a.sealed, "3132333435363738")); /* not in clear */
	CU_ASSERT_EQUAL(strlen(a.nonce), 48);
	CU_ASSERT_EQUAL(puk_open(&k, &a, puk, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(puk, "12345678");
	CU_ASSERT_EQUAL(puk_open(&k, &b, puk, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(puk, "Ab3$efgh");
	/* Another key does not open it; a row copied onto another KEY's neither. */
	CU_ASSERT_EQUAL(puk_open(&other, &a, puk, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(puk, "");
	struct puk_row swapped = b;
	snprintf(swapped.card_id, sizeof swapped.card_id, "%s", card_a);
	CU_ASSERT_EQUAL(puk_open(&k, &swapped, puk, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "不属于这个 KEY"));
	struct puk_row broken = a;
	broken.sealed[10] = broken.sealed[10] == '0' ? '1' : '0';
	CU_ASSERT_EQUAL(puk_open(&k, &broken, puk, &e), ST_INVALID);
	/* What cannot be a PUK or a KEY identifier. */
	CU_ASSERT_EQUAL(puk_seal(&k, card_a, "12345", &a, &e), ST_INVALID);
	CU_ASSERT_EQUAL(puk_seal(&k, card_a, "1234 678", &a, &e), ST_INVALID);
	CU_ASSERT_EQUAL(puk_seal(&k, "c3d1e5a0000000000000000000000001", "12345678", &a, &e), ST_INVALID);
	CU_ASSERT_EQUAL(puk_seal(&k, "C3D1", "12345678", &a, &e), ST_INVALID);
}

static void test_puk_key_file(void)
{
	struct err e;
	const char *tmp = getenv("TEST_TMP") ? getenv("TEST_TMP") : "/tmp";
	char path[512];
	snprintf(path, sizeof path, "%s/puk-%ld.key", tmp, (long)getpid());
	unlink(path);
	struct puk_key k, again;
	CU_ASSERT_EQUAL(puk_key_read(path, &k, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL_FATAL(puk_key_create(path, &e), ST_OK);
	struct stat sb;
	CU_ASSERT_EQUAL(stat(path, &sb), 0);
	CU_ASSERT_EQUAL(sb.st_mode & 0777, 0600);
	CU_ASSERT_EQUAL(puk_key_create(path, &e), ST_EXISTS); /* never over a key */
	CU_ASSERT_EQUAL(puk_key_read(path, &k, &e), ST_OK);
	CU_ASSERT_EQUAL(puk_key_read(path, &again, &e), ST_OK);
	CU_ASSERT_EQUAL(memcmp(k.k, again.k, sizeof k.k), 0);
	chmod(path, 0644);
	CU_ASSERT_EQUAL(puk_key_read(path, &k, &e), ST_DENIED);
	chmod(path, 0600);
	FILE *f = fopen(path, "w");
	fputs("not hex\n", f);
	fclose(f);
	CU_ASSERT_EQUAL(puk_key_read(path, &k, &e), ST_INVALID);
	unlink(path);
}

/* An unlock application for 张三's enterprise certificate on KEY `card`,
 * submitted by the clerk and, when `accept`, accepted by the supervisor. */
static void unlock_app(const char *serial, bool accept, char id[UUID_LEN + 1], char number[NUMBER_MAX])
{
	struct err e;
	struct application_input in = {
		.kind = KIND_UNLOCK, .subject = SUBJECT_ENTERPRISE, .cert_serial = serial,
		.credit_code = CODE, .holder_name = ORG, .legal_rep = "林某",
		.phone = "0591-87654321", .address = "福州市鼓楼区五四路100号",
	};
	CU_ASSERT_EQUAL_FATAL(svc_application_create(&svc, &clerk, zhang, &in, svc_agreement_version(),
						     id, number, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_paper(&svc, &clerk, id, DOC_AGENT_ID, true, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_paper(&svc, &clerk, id, DOC_AUTHORISATION, true, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_application_submit(&svc, &clerk, id, &e), ST_OK);
	if (accept) {
		/* The clerk who entered it cannot; a supervisor can. */
		CU_ASSERT_EQUAL(svc_application_accept(&svc, &clerk, id, &e), ST_DENIED);
		CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, id, &e), ST_OK);
	}
}

static enum status unlock_cmd(const char *id, const char *card, struct err *e)
{
	json_t *p = json_pack("{s:s, s:s}", "id", id, "card_id", card);
	enum status st = svc_exec(&svc, &clerk, &cmd_application_unlock, p, e);
	json_decref(p);
	return st;
}

static void test_puk_release_and_unlock(void)
{
	struct err e;
	time_t now = clock_now();
	const char *card = "C3D1E5A0000000000000000000000077", *card2 = "C3D1E5A0000000000000000000000078";
	struct cert c;
	mk(&c, 70, "张三", ORG, CODE, NULL, now - 10 * DAY, now + 300 * DAY);
	CU_ASSERT_EQUAL_FATAL(svc_cert_bind(&svc, &clerk, zhang, &c, card, TOKEN_SLOT_AUTH, &e), ST_OK);
	char id[UUID_LEN + 1], number[NUMBER_MAX], puk[KEY_PUK_MAX], got[NUMBER_MAX];
	unlock_app(c.serial, false, id, number);
	struct puk_key k = test_key(3), wrong = test_key(4);
	struct sync_peer peer;
	memset(&peer, 0, sizeof peer);
	snprintf(peer.office_id, sizeof peer.office_id, "%s", clerk.office_id);
	snprintf(peer.terminal_id, sizeof peer.terminal_id, "%s", clerk.terminal_id);
	struct puk_request rq = { id, card, clerk.id };
	int audits = count("SELECT count(*) FROM audit_log");
	/* Not accepted yet. */
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &peer, &rq, &k, puk, got, &e), ST_STATE);
	CU_ASSERT_STRING_EQUAL(puk, "");
	CU_ASSERT_EQUAL(svc_application_accept(&svc, &super, id, &e), ST_OK);
	audits = count("SELECT count(*) FROM audit_log");
	/* The centre holds no PUK for it yet. */
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &peer, &rq, &k, puk, got, &e), ST_NOT_FOUND);
	CU_ASSERT_EQUAL(db_begin(db, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_puk_put(db, &k, card, "87654321", false, &e), ST_OK);
	CU_ASSERT_EQUAL(svc_puk_put(db, &k, card, "87654321", false, &e), ST_EXISTS);
	CU_ASSERT_EQUAL(svc_puk_put(db, &k, card2, "11223344", false, &e), ST_OK);
	CU_ASSERT_EQUAL(db_commit(db, &e), ST_OK);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM key_puks WHERE sealed LIKE '%3837363534333231%'"), 0);
	/* Another KEY, another office, a stranger, a key file that does not fit. */
	struct puk_request other = { id, card2, clerk.id };
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &peer, &other, &k, puk, got, &e), ST_DENIED);
	struct sync_peer away = peer;
	snprintf(away.office_id, sizeof away.office_id, "0190a000-0000-7000-8000-0000000000aa");
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &away, &rq, &k, puk, got, &e), ST_DENIED);
	struct puk_request nobody = { id, card, "0190a000-0000-7000-8000-0000000000bb" };
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &peer, &nobody, &k, puk, got, &e), ST_DENIED);
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &peer, &rq, &wrong, puk, got, &e), ST_STATE);
	CU_ASSERT_STRING_EQUAL(puk, "");
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log"), audits);
	/* Released: the PUK, one audit entry without it. */
	CU_ASSERT_EQUAL_FATAL(svc_puk_release(&svc, &peer, &rq, &k, puk, got, &e), ST_OK);
	CU_ASSERT_STRING_EQUAL(puk, "87654321");
	CU_ASSERT_STRING_EQUAL(got, number);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log"), audits + 1);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM audit_log WHERE action = 'key.puk_release'"
			      " AND after NOT LIKE '%87654321%'"), 1);
	CU_ASSERT_EQUAL(count("SELECT released FROM key_puks WHERE card_id = 'C3D1E5A0000000000000000000000077'"), 1);

	/* The KEY's waiting application, found by the KEY. */
	struct application list[4];
	CU_ASSERT_EQUAL(svc_unlock_waiting(&svc, card, list, 4, &e), 1);
	CU_ASSERT_STRING_EQUAL(list[0].id, id);
	CU_ASSERT_EQUAL(svc_unlock_waiting(&svc, card2, list, 4, &e), 0);
	/* Done once the card took the new PIN: on the right KEY only, once. */
	int w = WRITES();
	CU_ASSERT_EQUAL(unlock_cmd(id, card2, &e), ST_DENIED);
	CU_ASSERT_EQUAL(WRITES(), w);
	CU_ASSERT_EQUAL(unlock_cmd(id, card, &e), ST_OK);
	CU_ASSERT_EQUAL(WRITES(), w + 1001);
	CU_ASSERT_EQUAL(count("SELECT count(*) FROM outbox WHERE command = 'application.unlock@1'"), 1);
	struct application a;
	CU_ASSERT_EQUAL(svc_application_get(&svc, id, &a, &e), ST_OK);
	CU_ASSERT_EQUAL(a.status, APP_DONE);
	CU_ASSERT_NOT_EQUAL(a.done_at[0], '\0');
	CU_ASSERT_EQUAL(unlock_cmd(id, card, &e), ST_STATE);
	/* Done: no more PUKs for it, nothing waiting. */
	CU_ASSERT_EQUAL(svc_puk_release(&svc, &peer, &rq, &k, puk, got, &e), ST_STATE);
	CU_ASSERT_EQUAL(svc_unlock_waiting(&svc, card, list, 4, &e), 0);
	/* The unlock needs a usable PIN before anything else. */
	struct key_unlock_result r;
	CU_ASSERT_EQUAL(svc_key_unlock(&svc, &clerk, NULL, NULL, id, NULL, "111111", "111111", &r, &e),
			ST_INVALID);
	CU_ASSERT_EQUAL(svc_key_unlock(&svc, &clerk, NULL, NULL, id, NULL, "802514", "802514", &r, &e),
			ST_STATE); /* done already: the card is never touched */
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "已办结"));
	puk_key_wipe(&k);
}

static void test_cert_state_text(void)
{
	struct cert_row r;
	char out[512];
	memset(&r, 0, sizeof r);
	app_kind_cert_state(&r, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "");
	/* Dates are local (the tests run at UTC+8). */
	snprintf(r.revoked_at, sizeof r.revoked_at, "2026-03-01T02:00:00Z");
	snprintf(r.revoke_reason, sizeof r.revoke_reason, "企业注销");
	app_kind_cert_state(&r, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "已注销（2026-03-01，企业注销）");
	/* The authority's revocation list comes first. */
	snprintf(r.crl_revoked_at, sizeof r.crl_revoked_at, "2026-02-28T20:00:00Z");
	snprintf(r.crl_reason, sizeof r.crl_reason, "密钥泄露");
	app_kind_cert_state(&r, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "已吊销（2026-03-01，密钥泄露）");
	r.crl_reason[0] = '\0';
	app_kind_cert_state(&r, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "已吊销（2026-03-01）");
	cert_row_standing(&r, 0, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "已吊销（2026-03-01）");
	memset(&r, 0, sizeof r);
	r.not_before_t = 0;
	r.not_after_t = 10 * DAY;
	cert_row_standing(&r, 0, out, sizeof out);
	CU_ASSERT_STRING_EQUAL(out, "剩余 10 天");
}

static void test_contents_usable(void)
{
	struct key_contents kc;
	struct err e;
	memset(&kc, 0, sizeof kc);
	CU_ASSERT_EQUAL(key_contents_usable(&kc, &e), ST_INVALID);
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "KEY 上没有证书"));
	kc.ncerts = 1;
	CU_ASSERT_EQUAL(key_contents_usable(&kc, &e), ST_OK);
	kc.nbad = 1;
	kc.bad[0].st = ST_INVALID;
	snprintf(kc.bad[0].msg, sizeof kc.bad[0].msg, "证书数据已损坏，无法解析。");
	CU_ASSERT_EQUAL(key_contents_usable(&kc, &e), ST_INVALID);
	CU_ASSERT_STRING_EQUAL(e.msg, "证书数据已损坏，无法解析。");
}

void suite_key(void)
{
	UNIT_SUITE("key", setup_suite, teardown_suite,
		   { "holder: enterprise", test_holder_enterprise },
		   { "holder: person", test_holder_person },
		   { "holder: an ID number is never a credit code", test_holder_id_never_a_credit_code },
		   { "holder text for lists: no ID numbers", test_holder_text },
		   { "renewal: the 90-day rule at its edges", test_renewal_rule_edges },
		   { "standing: days left and expired", test_standing },
		   { "binding rules", test_bind_rule },
		   { "certificate.bind: once, twice, moved", test_bind_command },
		   { "certificate.bind: refusals write nothing", test_bind_refusals },
		   { "bound certificates, latest expiry first", test_bound_list },
		   { "renewal: enterprise", test_renewal_enterprise },
		   { "renewal: person", test_renewal_person },
		   { "KEY contents usable", test_contents_usable },
		   { "new PIN rules", test_new_pin_rules },
		   { "revoked and listed certificates said plainly", test_cert_state_text },
		   { "PUK sealed per KEY", test_puk_seal },
		   { "PUK key file", test_puk_key_file },
		   { "PUK released for an accepted unlock only; unlock done once", test_puk_release_and_unlock });
}
