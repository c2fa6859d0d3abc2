-- certdesk schema, version 1: offices, terminals, staff, settings, and what
-- every later feature writes into from day one: the hash-chained audit log,
-- the sync outbox and the counters behind numbers that people read.
--
-- Conventions: every business row has `id TEXT PRIMARY KEY` (UUIDv7 made
-- where the row is born) and `version` (assigned by the centre; 0 = not yet
-- seen there). Times are UTC ISO 8601 text. Money is INTEGER fen.

CREATE TABLE settings (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE offices (
	id         TEXT PRIMARY KEY,
	code       TEXT NOT NULL UNIQUE,
	name       TEXT NOT NULL,
	address    TEXT NOT NULL DEFAULT '',
	phone      TEXT NOT NULL DEFAULT '',
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE terminals (
	id         TEXT PRIMARY KEY,
	office_id  TEXT NOT NULL REFERENCES offices(id),
	code       TEXT NOT NULL,          -- two digits, part of readable numbers
	name       TEXT NOT NULL,
	created_at TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	version    INTEGER NOT NULL DEFAULT 0,
	UNIQUE (office_id, code)
);

CREATE TABLE staff (
	id            TEXT PRIMARY KEY,
	username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
	name          TEXT NOT NULL,
	role          TEXT NOT NULL CHECK (role IN ('clerk', 'supervisor', 'admin')),
	office_id     TEXT NOT NULL REFERENCES offices(id),
	pw_hash       TEXT NOT NULL,       -- Argon2id, crypto_pwhash_str format
	must_change   INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_at     TEXT,                -- set after 5 wrong passwords in a row
	disabled_at   TEXT,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL,
	version       INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX staff_office ON staff (office_id);

-- Append-only. Each row's hash covers its own fields and the previous row's
-- hash; `certdesk audit verify` recomputes the chain. The triggers stop
-- casual edits; the chain finds the rest.
CREATE TABLE audit_log (
	seq         INTEGER PRIMARY KEY,
	id          TEXT NOT NULL UNIQUE,
	at          TEXT NOT NULL,
	actor_id    TEXT NOT NULL,
	actor_name  TEXT NOT NULL,
	office_id   TEXT NOT NULL,
	terminal_id TEXT NOT NULL,
	action      TEXT NOT NULL,
	entity      TEXT NOT NULL,
	entity_id   TEXT NOT NULL,
	before      TEXT,                  -- JSON, personal data masked
	after       TEXT,                  -- JSON, personal data masked
	prev_hash   TEXT NOT NULL,
	hash        TEXT NOT NULL
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_actor ON audit_log (actor_id, seq);
CREATE INDEX audit_at ON audit_log (at);

CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- One row per command run on this terminal, written in the same transaction
-- as the change, pushed to the centre in seq order.
CREATE TABLE outbox (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	op_id        TEXT NOT NULL UNIQUE,
	command      TEXT NOT NULL,        -- "staff.create@1"
	actor_id     TEXT NOT NULL,
	entity       TEXT NOT NULL,
	entity_id    TEXT NOT NULL,
	base_version INTEGER NOT NULL DEFAULT 0,
	payload      TEXT NOT NULL,        -- JSON input of the command
	created_at   TEXT NOT NULL,
	state        TEXT NOT NULL DEFAULT 'pending'
	             CHECK (state IN ('pending', 'applied', 'duplicate', 'rejected', 'resolved')),
	attempts     INTEGER NOT NULL DEFAULT 0,
	result_code  TEXT,
	result_msg   TEXT,
	done_at      TEXT
);
CREATE INDEX outbox_pending ON outbox (state, seq);
CREATE INDEX outbox_entity ON outbox (entity_id, state);

-- Next sequence number per scope, e.g. 'application:20261125'.
CREATE TABLE counters (
	scope TEXT PRIMARY KEY,
	next  INTEGER NOT NULL
) WITHOUT ROWID;
