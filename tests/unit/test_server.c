/*
 * certdeskd's wire parsing (src/server/parse.c): Content-Range of blob
 * uploads, the bearer credential, query numbers, SHA-256 names and
 * enrolment codes. The server's routes themselves are exercised against a
 * running certdeskd in tests/integration/server.sh.
 *
 * The unit binary links the library layers only, not the front ends, so
 * the file under test is compiled in here; it has no I/O.
 */
#include <stdint.h>
#include <string.h>

#include "server/parse.c"
#include "store/db.h"
#include "svc/replay.h"
#include "unit.h"

#define MAX (20u << 20)

static bool range(const char *s, uint64_t *f, uint64_t *t, uint64_t *n)
{
	*f = *t = *n = 7777;
	return parse_content_range(s, MAX, f, t, n);
}

static void test_content_range_good(void)
{
	uint64_t f, t, n;
	CU_ASSERT_TRUE(range("bytes 0-99/300", &f, &t, &n));
	CU_ASSERT_EQUAL(f, 0);
	CU_ASSERT_EQUAL(t, 99);
	CU_ASSERT_EQUAL(n, 300);
	CU_ASSERT_TRUE(range("bytes 100-299/300", &f, &t, &n));
	CU_ASSERT_EQUAL(f, 100);
	CU_ASSERT_EQUAL(t, 299);
	/* One byte; the unit name in any case; the cap itself. */
	CU_ASSERT_TRUE(range("BYTES 0-0/1", &f, &t, &n));
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_TRUE(range("bytes 20971519-20971519/20971520", &f, &t, &n));
	CU_ASSERT_EQUAL(f, 20971519);
}

static void test_content_range_bad(void)
{
	static const char *const bad[] = {
		"", "bytes", "bytes ", "0-99/300", "bytes=0-99/300", "bytes 0-99", "bytes 0-99/*",
		"bytes */300", "bytes 100-99/300", "bytes 0-300/300", "bytes 0-0/0",
		"bytes -1-99/300", "bytes +0-99/300", "bytes 0 -99/300", "bytes 0-99/300 ",
		"bytes  0-99/300", "bytes 0-99/300x", "bytes 0x0-99/300", "bytes 0-99/20971521",
		"bytes 0-99/99999999999999999999999", "bytes 18446744073709551616-1/2",
		"items 0-99/300",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		uint64_t f, t, n;
		if (range(bad[i], &f, &t, &n))
			CU_FAIL(bad[i]);
		/* Nothing is written on refusal. */
		CU_ASSERT_EQUAL(f, 7777);
	}
	uint64_t f, t, n;
	CU_ASSERT_FALSE(parse_content_range(NULL, MAX, &f, &t, &n));
}

#define TID "01a21230-9070-73a1-8c52-84c3bc03f624"
#define SEC "6c4e0c1f5920c7e22056c9046b6645164edeb1f651d4ac3e856bae72eee2e776"

static void test_bearer_good(void)
{
	char id[UUID_LEN + 1], secret[SECRET_HEX];
	CU_ASSERT_TRUE(parse_bearer("Bearer " TID "." SEC, id, secret));
	CU_ASSERT_STRING_EQUAL(id, TID);
	CU_ASSERT_STRING_EQUAL(secret, SEC);
	/* The scheme is case-insensitive; spaces after it are allowed; hex
	 * digits come back in lower case, so that the hash is the same. */
	CU_ASSERT_TRUE(parse_bearer("bearer   " TID "."
				    "6C4E0C1F5920C7E22056C9046B6645164EDEB1F651D4AC3E856BAE72EEE2E776",
				    id, secret));
	CU_ASSERT_STRING_EQUAL(secret, SEC);
}

static void test_bearer_bad(void)
{
	static const char *const bad[] = {
		"", "Bearer", "Bearer ", "Basic " TID "." SEC, "Bearer" TID "." SEC,
		"Bearer " TID SEC, "Bearer " TID ":" SEC, "Bearer " TID "." SEC "0",
		"Bearer " TID "." "6c4e0c1f5920c7e22056c9046b6645164edeb1f651d4ac3e856bae72eee2e77",
		"Bearer " TID "." "6c4e0c1f5920c7e22056c9046b6645164edeb1f651d4ac3e856bae72eee2e77g",
		"Bearer 01A21230-9070-73A1-8C52-84C3BC03F624." SEC,       /* not canonical */
		"Bearer 01a21230-9070-73a1-8c52-84c3bc03f62." "46c4e0c1f5920c7e22056c9046b6645164"
		"edeb1f651d4ac3e856bae72eee2e776",
		"Bearer " TID "." SEC " ", "Bearer\t" TID "." SEC, "Bearer .",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char id[UUID_LEN + 1] = "x", secret[SECRET_HEX] = "x";
		if (parse_bearer(bad[i], id, secret))
			CU_FAIL(bad[i]);
		CU_ASSERT_STRING_EQUAL(id, "");
		CU_ASSERT_STRING_EQUAL(secret, "");
	}
	char id[UUID_LEN + 1], secret[SECRET_HEX];
	CU_ASSERT_FALSE(parse_bearer(NULL, id, secret));
}

static void test_uint(void)
{
	uint64_t v = 5;
	CU_ASSERT_TRUE(parse_uint("0", 10, &v));
	CU_ASSERT_EQUAL(v, 0);
	CU_ASSERT_TRUE(parse_uint("2000", 2000, &v));
	CU_ASSERT_EQUAL(v, 2000);
	CU_ASSERT_TRUE(parse_uint("18446744073709551615", UINT64_MAX, &v));
	CU_ASSERT_EQUAL(v, UINT64_MAX);
	static const char *const bad[] = { "", "-1", "+1", " 1", "1 ", "1e3", "0x10", "2001",
					   "18446744073709551616" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		v = 5;
		if (parse_uint(bad[i], i + 1 == sizeof bad / sizeof bad[0] ? UINT64_MAX : 2000, &v))
			CU_FAIL(bad[i]);
		CU_ASSERT_EQUAL(v, 5);
	}
	CU_ASSERT_FALSE(parse_uint(NULL, 10, &v));
}

static void test_sha_name(void)
{
	CU_ASSERT_TRUE(sha256_hex_valid(SEC));
	CU_ASSERT_FALSE(sha256_hex_valid(NULL));
	CU_ASSERT_FALSE(sha256_hex_valid(""));
	CU_ASSERT_FALSE(sha256_hex_valid(SEC "0"));
	CU_ASSERT_FALSE(sha256_hex_valid(SEC + 1));
	CU_ASSERT_FALSE(sha256_hex_valid("6C4E0C1F5920C7E22056C9046B6645164EDEB1F651D4AC3E856BAE72EEE2E776"));
	/* A path must never come out of a name. */
	CU_ASSERT_FALSE(sha256_hex_valid("../../../../etc/passwd/6c4e0c1f5920c7e22056c9046b664516"));
}

static void test_enroll_code(void)
{
	static const unsigned char seq[10] = { 0x00, 0x44, 0x32, 0x14, 0xC7,
					       0x42, 0x54, 0xB6, 0x35, 0xCF };
	static const unsigned char high[10] = { 0xf0, 0xf1, 0xf2, 0xf3, 0xf4,
						0xf5, 0xf6, 0xf7, 0xf8, 0xf9 };
	char code[ENROLL_SYMBOLS + 1], shown[ENROLL_SHOWN], back[ENROLL_SYMBOLS + 1];
	enroll_code_from_bytes(seq, code);
	CU_ASSERT_STRING_EQUAL(code, "0123456789ABCDEF");
	enroll_code_from_bytes(high, code);
	CU_ASSERT_STRING_EQUAL(code, "Y3RZ5WZMYQVFFY7S");
	enroll_code_show(code, shown);
	CU_ASSERT_STRING_EQUAL(shown, "Y3RZ-5WZM-YQVF-FY7S");
	CU_ASSERT_EQUAL(strlen(shown) + 1, ENROLL_SHOWN);
	/* As typed: dashes, spaces and lower case are fine. */
	CU_ASSERT_TRUE(enroll_code_normalize(shown, back));
	CU_ASSERT_STRING_EQUAL(back, code);
	CU_ASSERT_TRUE(enroll_code_normalize("y3rz 5wzm-yqvf fy7s", back));
	CU_ASSERT_STRING_EQUAL(back, code);
	/* Letters that look like digits are read as those digits. */
	CU_ASSERT_TRUE(enroll_code_normalize("OIL2-3456-789A-BCDE", back));
	CU_ASSERT_STRING_EQUAL(back, "01123456789ABCDE");
	static const char *const bad[] = {
		"", "0123-4567-89AB-CDE", "0123-4567-89AB-CDEF0", "0123-4567-89AB-CDEU",
		"0123_4567_89AB_CDEF", "0123-4567-89AB-CDE\xE4", "------------------",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (enroll_code_normalize(bad[i], back))
			CU_FAIL(bad[i]);
	CU_ASSERT_FALSE(enroll_code_normalize(NULL, back));
}

/* The centre's blob check before an op runs (src/svc/replay.c): only
 * lower-case SHA-256 names are files. No file has arrived here. */
static bool no_blob(const char *sha, void *ctx)
{
	(*(int *)ctx)++;
	(void)sha;
	return false;
}

static void replay_one(struct svc *svc, const char *op_id, const char *command,
		       json_t *payload, struct op_result *r, int *asked)
{
	struct sync_peer peer = { .terminal_id = "01a00000-0000-7000-8000-0000000000t1",
				  .office_id = "01a00000-0000-7000-8000-0000000000o1" };
	json_t *op = json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:o}", "op_id", op_id,
			       "command", command, "actor_id", "01a00000-0000-7000-8000-000000000009",
			       "entity", "certificate", "entity_id", "", "base_version", 0, "at",
			       "2026-01-05T08:00:00Z", "payload", payload);
	struct err e;
	*asked = 0;
	CU_ASSERT_EQUAL(svc_replay(svc, &peer, op, no_blob, asked, r, &e), ST_OK);
	json_decref(op);
}

static void test_replay_blob_names(void)
{
	struct db *db = NULL;
	struct err e;
	CU_ASSERT_EQUAL_FATAL(db_open(":memory:", &db, &e), ST_OK);
	struct svc svc = { .db = db, .centre = true };
	struct op_result r;
	int asked;
	CU_ASSERT_EQUAL_FATAL(svc_batch_begin(&svc, &e), ST_OK);
	/* A version 1 certificate binding: its upper-case fingerprint is no
	 * file, so the op runs (and is refused here: its clerk is unknown)
	 * instead of waiting for ever. */
	replay_one(&svc, "01a00000-0000-7000-8000-0000000000a1", "certificate.bind@1",
		   json_pack("{s:s}", "sha256", "6C4E0C1F5920C7E22056C9046B6645164EDEB1F651D4AC3E856BAE72EEE2E776"),
		   &r, &asked);
	CU_ASSERT_EQUAL(asked, 0);
	CU_ASSERT_STRING_EQUAL(r.status, "rejected");
	CU_ASSERT_STRING_NOT_EQUAL(r.code, "blob_missing");
	op_result_done(&r);
	/* An attachment whose file has not arrived waits, in each shape. */
	replay_one(&svc, "01a00000-0000-7000-8000-0000000000a2", "attachment.add@1",
		   json_pack("{s:s}", "sha256", SEC), &r, &asked);
	CU_ASSERT_EQUAL(asked, 1);
	CU_ASSERT_STRING_EQUAL(r.status, "retry");
	CU_ASSERT_STRING_EQUAL(r.code, "blob_missing");
	op_result_done(&r);
	replay_one(&svc, "01a00000-0000-7000-8000-0000000000a3", "attachment.add@1",
		   json_pack("{s:{s:s}}", "file", "sha256", SEC), &r, &asked);
	CU_ASSERT_STRING_EQUAL(r.code, "blob_missing");
	op_result_done(&r);
	replay_one(&svc, "01a00000-0000-7000-8000-0000000000a4", "attachment.add@1",
		   json_pack("{s:[{s:s}]}", "slips", "sha256", SEC), &r, &asked);
	CU_ASSERT_STRING_EQUAL(r.code, "blob_missing");
	op_result_done(&r);
	svc_batch_rollback(&svc);
	db_close(db);
}

void suite_server(void)
{
	UNIT_SUITE("server", NULL, NULL,
		   { "Content-Range accepted", test_content_range_good },
		   { "Content-Range refused", test_content_range_bad },
		   { "bearer accepted", test_bearer_good },
		   { "bearer refused", test_bearer_bad },
		   { "query numbers", test_uint },
		   { "blob names", test_sha_name },
		   { "enrolment codes", test_enroll_code },
		   { "replay: only lower-case SHA-256 names are files", test_replay_blob_names });
}
