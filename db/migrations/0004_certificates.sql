-- Certificates read from KEYs, and their binding to applicants (绑定).
--
-- One row per certificate, known by the SHA-256 of its DER encoding: the
-- same certificate read twice, or from another terminal, is the same row.
-- The fields are what the certificate says, as parsed when it was read
-- (adapt/x509.c); the certificate itself never changes, only its binding.

CREATE TABLE certificates (
	id            TEXT PRIMARY KEY,
	serial        TEXT NOT NULL,             -- upper-case hex, no separators
	subject       TEXT NOT NULL,             -- "CN=张三, O=某某科技有限公司, C=CN"
	issuer        TEXT NOT NULL,
	cn            TEXT NOT NULL DEFAULT '',  -- the subject's commonName
	org           TEXT NOT NULL DEFAULT '',  -- the subject's organizationName
	algorithm     TEXT NOT NULL,             -- RSA | SM2 | EC | other
	key_desc      TEXT NOT NULL,             -- "RSA 2048", "SM2"
	sig_alg       TEXT NOT NULL DEFAULT '',  -- "sha256WithRSAEncryption", "SM2-with-SM3"
	not_before    TEXT NOT NULL,             -- UTC ISO 8601, inclusive
	not_after     TEXT NOT NULL,             -- UTC ISO 8601, inclusive
	sha256        TEXT NOT NULL UNIQUE,      -- fingerprint of the DER, upper-case hex
	sm3           TEXT NOT NULL,
	card_id       TEXT NOT NULL DEFAULT '',  -- the KEY it was read from (PIV CHUID), '' unknown
	slot          TEXT NOT NULL DEFAULT '',  -- auth | sign | keymgmt | cardauth
	applicant_id  TEXT REFERENCES applicants(id),  -- the binding; NULL when unbound
	bound_at      TEXT,
	bound_by      TEXT,                      -- the staff member who bound it
	revoked_at    TEXT,                      -- for revocation (注销), later
	revoke_reason TEXT NOT NULL DEFAULT '',
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX certificates_serial ON certificates (serial);
-- An applicant's bound certificates, latest expiry first.
CREATE INDEX certificates_applicant ON certificates (applicant_id, not_after)
	WHERE applicant_id IS NOT NULL;
-- Expiry lists (certificates running out, or past the 90 days of grace).
CREATE INDEX certificates_not_after ON certificates (not_after);
CREATE INDEX certificates_card ON certificates (card_id) WHERE card_id <> '';
