-- Sync (docs/SYNC.md). The centre's tables: which terminals may sync and
-- how they authenticate, every op received with its result (so that a
-- replay is answered, never applied twice), and the change feed terminals
-- pull. The feed is filled by triggers that certdeskd creates on open
-- (store/sync_tables.c), so terminals do not pay for them.

CREATE TABLE sync_terminals (
	terminal_id       TEXT PRIMARY KEY REFERENCES terminals(id),
	all_offices       INTEGER NOT NULL DEFAULT 0,   -- a centre terminal sees every office
	enroll_hash       TEXT,                         -- BLAKE2b of the one-time code
	enroll_expires_at TEXT,
	secret_hash       TEXT,                         -- BLAKE2b of the terminal's secret
	enrolled_at       TEXT,
	revoked_at        TEXT,
	last_seen_at      TEXT
) WITHOUT ROWID;

CREATE TABLE sync_ops (
	op_id       TEXT PRIMARY KEY,
	terminal_id TEXT NOT NULL,
	command     TEXT NOT NULL,
	actor_id    TEXT NOT NULL,
	status      TEXT NOT NULL CHECK (status IN ('applied', 'rejected')),
	code        TEXT NOT NULL DEFAULT '',
	message     TEXT NOT NULL DEFAULT '',
	field       TEXT NOT NULL DEFAULT '',
	entity      TEXT NOT NULL DEFAULT '',
	entity_id   TEXT NOT NULL DEFAULT '',
	received_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE changes (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	tbl       TEXT NOT NULL,
	key       TEXT NOT NULL,       -- JSON object of the primary key columns
	office_id TEXT,                -- NULL: shared by every office
	deleted   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX changes_key ON changes (tbl, key);
CREATE INDEX changes_office ON changes (office_id, seq);

-- The terminal's side: what the centre said about a refused op.
ALTER TABLE outbox ADD COLUMN result_field TEXT;
ALTER TABLE outbox ADD COLUMN centre_row TEXT;   -- JSON, the centre's version of the record

-- The terminal's side: pulled rows not written yet, because the local row
-- still has ops waiting (or refused and not resolved), or because a local
-- record in the way (the same phone registered here offline) must be
-- resolved first. They are written as soon as nothing stands in the way.
CREATE TABLE sync_deferred (
	tbl      TEXT NOT NULL,
	key      TEXT NOT NULL,        -- JSON of the primary key
	seq      INTEGER NOT NULL,     -- the centre's change sequence
	deleted  INTEGER NOT NULL DEFAULT 0,
	row      TEXT,                 -- JSON of the row as pulled
	reason   TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (tbl, key)
) WITHOUT ROWID;
