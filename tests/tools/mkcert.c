/*
 * mkcert: bind a certificate to an applicant through the use case
 * (certificate.bind, the command `certdesk key bind` runs once the KEY's
 * PIN is verified), without a KEY, for tests of the lifecycle: the
 * certificate's fields are given, its fingerprints made from them.
 *
 *   mkcert --data DIR --user USER PHONE SERIAL NOT_AFTER [CN [ORG]]
 *
 * NOT_AFTER is UTC ISO 8601 ("2026-08-01T15:59:59Z"); the certificate is
 * valid from a year before it. The password is read from
 * $CERTDESK_PASSWORD. Prints the certificate's id. Exit 0 on success, 1
 * on a refusal (message on stderr), 2 on bad usage.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/party_repo.h"
#include "svc/app.h"
#include "svc/key.h"
#include "svc/staff.h"
#include "util/clock.h"

static int usage(void)
{
	fprintf(stderr, "usage: mkcert --data DIR --user USER PHONE SERIAL NOT_AFTER [CN [ORG]]\n");
	return 2;
}

static void hex_of(const char *what, const char *salt, char out[65])
{
	unsigned char md[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state st;
	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, (const unsigned char *)salt, strlen(salt));
	crypto_hash_sha256_update(&st, (const unsigned char *)what, strlen(what));
	crypto_hash_sha256_final(&st, md);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02X", md[i]);
}

int main(int argc, char **argv)
{
	const char *data = NULL, *user = NULL;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--data") == 0)
			data = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else
			return usage();
	}
	if (!data || !user || argc - i < 3 || argc - i > 5 || sodium_init() < 0)
		return usage();
	const char *phone = argv[i], *serial = argv[i + 1], *not_after = argv[i + 2];
	const char *cn = argc - i > 3 ? argv[i + 3] : "张三";
	const char *org = argc - i > 4 ? argv[i + 4] : "";
	struct cert c;
	memset(&c, 0, sizeof c);
	if (!clock_parse_iso(not_after, &c.not_after)) {
		fprintf(stderr, "mkcert: bad time %s\n", not_after);
		return 2;
	}
	c.not_before = c.not_after - 365L * 86400;
	clock_iso(c.not_before, c.not_before_iso);
	clock_iso(c.not_after, c.not_after_iso);
	snprintf(c.serial, sizeof c.serial, "%s", serial);
	snprintf(c.subject_cn, sizeof c.subject_cn, "%s", cn);
	snprintf(c.subject_o, sizeof c.subject_o, "%s", org);
	snprintf(c.subject, sizeof c.subject, "CN=%s%s%s, C=CN", cn, *org ? ", O=" : "", org);
	snprintf(c.issuer, sizeof c.issuer, "CN=某某数字认证测试CA, C=CN");
	c.key_alg = CERT_KEY_SM2;
	c.key_bits = 256;
	snprintf(c.key_desc, sizeof c.key_desc, "SM2");
	snprintf(c.sig_alg, sizeof c.sig_alg, "SM2-with-SM3");
	hex_of(serial, not_after, c.sha256);
	hex_of(serial, "sm3", c.sm3);

	const char *pw = getenv("CERTDESK_PASSWORD");
	struct app app;
	struct err e;
	err_clear(&e);
	if (app_open(&app, data, &e) != ST_OK) {
		fprintf(stderr, "mkcert: %s\n", err_text(&e));
		return 1;
	}
	int rc = 1;
	struct actor actor;
	struct applicant ap;
	bool must_change;
	if (svc_login(&app.svc, user, pw ? pw : "", &actor, &must_change, &e) == ST_OK &&
	    applicant_repo_by_phone(app.db, phone, &ap, &e) == ST_OK &&
	    svc_cert_bind(&app.svc, &actor, ap.id, &c, "", TOKEN_SLOT_AUTH, &e) == ST_OK) {
		char applicant[UUID_LEN + 1], label[160];
		if (svc_cert_bound_to(&app.svc, c.sha256, applicant, label, &e) == ST_OK) {
			struct cert_row r;
			if (cert_repo_by_sha256(app.db, c.sha256, &r, &e) == ST_OK) {
				printf("%s\n", r.id);
				rc = 0;
			}
		}
	}
	if (rc)
		fprintf(stderr, "mkcert: %s\n", err_text(&e));
	app_close(&app);
	return rc;
}
