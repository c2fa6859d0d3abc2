-- Applicants, enterprises, applications with their documents and
-- attachments, the price list, and SMS verification codes.

CREATE TABLE applicants (
	id            TEXT PRIMARY KEY,
	phone         TEXT NOT NULL UNIQUE,     -- one account per mobile number
	name          TEXT NOT NULL,
	id_number     TEXT NOT NULL DEFAULT '', -- resident ID, '' when not given
	email         TEXT NOT NULL DEFAULT '',
	address       TEXT NOT NULL DEFAULT '',
	postal_code   TEXT NOT NULL DEFAULT '',
	portal_pw_hash TEXT NOT NULL DEFAULT '', -- Argon2id; '' = no portal password yet
	phone_verified_at TEXT,
	office_id     TEXT NOT NULL,            -- where the account was registered
	created_by    TEXT NOT NULL,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX applicants_id_number ON applicants (id_number) WHERE id_number <> '';
-- Name search reads every name with LIKE '%..%': an index holding the id
-- beside the name is scanned instead of the table, and gives the (name, id)
-- order the applicant list pages by (docs/benchmarks.md).
CREATE INDEX applicants_name ON applicants (name, id);

CREATE TABLE enterprises (
	id          TEXT PRIMARY KEY,
	credit_code TEXT NOT NULL UNIQUE,       -- GB 32100
	name        TEXT NOT NULL,
	legal_rep   TEXT NOT NULL DEFAULT '',
	address     TEXT NOT NULL DEFAULT '',
	phone       TEXT NOT NULL DEFAULT '',
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	version     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX enterprises_name ON enterprises (name, id);

-- The enterprises a person acts for.
CREATE TABLE applicant_enterprises (
	applicant_id  TEXT NOT NULL REFERENCES applicants(id),
	enterprise_id TEXT NOT NULL REFERENCES enterprises(id),
	created_at    TEXT NOT NULL,
	PRIMARY KEY (applicant_id, enterprise_id)
) WITHOUT ROWID;
CREATE INDEX applicant_enterprises_rev ON applicant_enterprises (enterprise_id);

CREATE TABLE price_list (
	id         TEXT PRIMARY KEY,
	kind       TEXT NOT NULL,
	subject    TEXT NOT NULL,
	years      INTEGER NOT NULL CHECK (years BETWEEN 0 AND 5),
	price_fen  INTEGER NOT NULL CHECK (price_fen >= 0),
	active     INTEGER NOT NULL DEFAULT 1,
	updated_at TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (kind, subject, years)
);

-- Newest first is id order: ids are UUIDv7, so a date range is an id range.
CREATE TABLE applications (
	id            TEXT PRIMARY KEY,
	number        TEXT NOT NULL UNIQUE,     -- SQ-OFFICE-TT-YYYYMMDD-NNNN
	kind          TEXT NOT NULL,
	subject       TEXT NOT NULL CHECK (subject IN ('enterprise', 'personal')),
	status        TEXT NOT NULL,
	applicant_id  TEXT NOT NULL REFERENCES applicants(id),
	enterprise_id TEXT REFERENCES enterprises(id),
	years         INTEGER NOT NULL,
	cert_serial   TEXT NOT NULL DEFAULT '', -- the certificate renewed / changed
	-- What was applied for, as typed (the records may change later):
	holder_name   TEXT NOT NULL,            -- enterprise or person
	holder_code   TEXT NOT NULL,            -- credit code or ID number
	legal_rep     TEXT NOT NULL DEFAULT '',
	address       TEXT NOT NULL DEFAULT '',
	postal_code   TEXT NOT NULL DEFAULT '',
	email         TEXT NOT NULL DEFAULT '',
	phone         TEXT NOT NULL DEFAULT '',
	delivery      TEXT NOT NULL DEFAULT 'pickup' CHECK (delivery IN ('post', 'pickup')),
	recipient     TEXT NOT NULL DEFAULT '',
	recipient_phone TEXT NOT NULL DEFAULT '',
	recipient_address TEXT NOT NULL DEFAULT '',
	recipient_postal TEXT NOT NULL DEFAULT '',
	agreement_version TEXT NOT NULL DEFAULT '',
	agreement_at  TEXT,
	reason        TEXT NOT NULL DEFAULT '', -- why returned or cancelled, last
	office_id     TEXT NOT NULL,
	terminal_id   TEXT NOT NULL,
	created_by    TEXT NOT NULL,
	submitted_at  TEXT,
	reviewed_by   TEXT,
	reviewed_at   TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX applications_status ON applications (status, id);
CREATE INDEX applications_applicant ON applications (applicant_id, id);
CREATE INDEX applications_enterprise ON applications (enterprise_id, id) WHERE enterprise_id IS NOT NULL;
CREATE INDEX applications_holder ON applications (holder_code, id);

-- Documents handed in on paper instead of attached.
CREATE TABLE application_paper_docs (
	application_id TEXT NOT NULL REFERENCES applications(id),
	doc_type       TEXT NOT NULL,
	created_at     TEXT NOT NULL,
	PRIMARY KEY (application_id, doc_type)
) WITHOUT ROWID;

-- Content-addressed files (DATA/blobs/aa/bb/<sha256>).
CREATE TABLE blobs (
	sha256     TEXT PRIMARY KEY,
	size       INTEGER NOT NULL,
	mime       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	pushed_at  TEXT                         -- uploaded to the centre
) WITHOUT ROWID;

CREATE TABLE attachments (
	id         TEXT PRIMARY KEY,
	owner_type TEXT NOT NULL CHECK (owner_type IN ('application', 'order')),
	owner_id   TEXT NOT NULL,
	doc_type   TEXT NOT NULL,
	sha256     TEXT NOT NULL REFERENCES blobs(sha256),
	name       TEXT NOT NULL,               -- the file's name when added
	mime       TEXT NOT NULL,
	size       INTEGER NOT NULL,
	created_by TEXT NOT NULL,
	created_at TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX attachments_owner ON attachments (owner_type, owner_id);

-- SMS verification codes: local to the terminal, never synced, never in clear.
CREATE TABLE sms_codes (
	id         TEXT PRIMARY KEY,
	phone      TEXT NOT NULL,
	purpose    TEXT NOT NULL,               -- 'register', 'reset'
	code_mac   TEXT NOT NULL,               -- keyed BLAKE2b of the code
	expires_at TEXT NOT NULL,
	tries_left INTEGER NOT NULL,
	used_at    TEXT,
	created_at TEXT NOT NULL
);
CREATE INDEX sms_codes_phone ON sms_codes (phone, purpose, created_at);
