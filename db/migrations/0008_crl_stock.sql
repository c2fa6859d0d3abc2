-- The authority's certificate revocation list (吊销列表), and the office's
-- stock of blank KEYs (介质库存).
--
-- Revocation list. Each terminal imports the list the authority publishes
-- (certdesk crl update) and keeps only the latest: one row of what it is
-- (crl_info) and its revoked serials (crl_entries). These two tables are
-- local, not synced: the list is public, the same for everybody and large,
-- and every terminal can fetch it from the authority itself. A certificate
-- this program knows (certificates.serial + issuer) that the list names is
-- marked in certificates.crl_revoked_at / crl_reason, by the import and by
-- the triggers below, so that the mark also holds for a certificate read
-- from a KEY after the import and survives a pulled row that lacks it.

ALTER TABLE certificates ADD COLUMN crl_revoked_at TEXT;   -- UTC ISO 8601, from the list
ALTER TABLE certificates ADD COLUMN crl_reason TEXT NOT NULL DEFAULT '';  -- RFC 5280 reason code name, '' unspecified

CREATE TABLE crl_info (
	id           INTEGER PRIMARY KEY CHECK (id = 1),  -- one list at a time
	issuer       TEXT NOT NULL,       -- DN as adapt/x509.c writes it ("CN=…, O=…, C=CN")
	crl_number   TEXT NOT NULL DEFAULT '',  -- the list's CRLNumber in hex, '' when absent
	this_update  TEXT NOT NULL,       -- UTC ISO 8601
	next_update  TEXT,                -- NULL when the list names none
	entries      INTEGER NOT NULL,
	sha256       TEXT NOT NULL,       -- of the DER, upper-case hex
	sig_alg      TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL,       -- the file or URL it came from
	imported_at  TEXT NOT NULL,
	imported_by  TEXT NOT NULL,       -- staff id
	marked       INTEGER NOT NULL DEFAULT 0  -- known certificates it revokes
);

CREATE TABLE crl_entries (
	serial      TEXT PRIMARY KEY,     -- upper-case hex as adapt/x509.c writes serials
	revoked_at  TEXT NOT NULL,        -- UTC ISO 8601
	reason      TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

-- A certificate is marked from the list when it is read from a KEY after
-- the import, or when a row pulled from the centre comes without the mark.
-- (recursive_triggers is off: the UPDATE inside does not fire them again.)
CREATE TRIGGER certificates_crl_insert AFTER INSERT ON certificates
WHEN NEW.crl_revoked_at IS NULL
 AND EXISTS (SELECT 1 FROM crl_info WHERE id = 1 AND issuer = NEW.issuer)
 AND EXISTS (SELECT 1 FROM crl_entries WHERE serial = NEW.serial)
BEGIN
	UPDATE certificates
	   SET crl_revoked_at = (SELECT revoked_at FROM crl_entries WHERE serial = NEW.serial),
	       crl_reason = (SELECT reason FROM crl_entries WHERE serial = NEW.serial)
	 WHERE id = NEW.id;
END;
CREATE TRIGGER certificates_crl_update AFTER UPDATE OF crl_revoked_at, serial, issuer ON certificates
WHEN NEW.crl_revoked_at IS NULL
 AND EXISTS (SELECT 1 FROM crl_info WHERE id = 1 AND issuer = NEW.issuer)
 AND EXISTS (SELECT 1 FROM crl_entries WHERE serial = NEW.serial)
BEGIN
	UPDATE certificates
	   SET crl_revoked_at = (SELECT revoked_at FROM crl_entries WHERE serial = NEW.serial),
	       crl_reason = (SELECT reason FROM crl_entries WHERE serial = NEW.serial)
	 WHERE id = NEW.id;
END;
-- The marked certificates of the list, for the screen's list.
CREATE INDEX certificates_crl ON certificates (crl_revoked_at, id) WHERE crl_revoked_at IS NOT NULL;

-- KEY stock. Every movement of blank KEYs is one document (key_moves: a
-- batch received, one KEY issued to an application, one taken back
-- damaged, a lot returned to the centre) with its lines (key_move_items),
-- and each KEY's state now is in key_stock. All three are synced with
-- their office. A KEY is known by the serial printed on it.

CREATE TABLE key_moves (
	id             TEXT PRIMARY KEY,   -- UUIDv7, made where the movement was made
	office_id      TEXT NOT NULL REFERENCES offices(id),
	kind           TEXT NOT NULL CHECK (kind IN ('receive', 'issue', 'damage', 'return')),
	count          INTEGER NOT NULL,   -- KEYs moved
	first_serial   TEXT NOT NULL,      -- lowest and highest serial, for lists
	last_serial    TEXT NOT NULL,
	application_id TEXT REFERENCES applications(id),  -- issue: the application
	note           TEXT NOT NULL DEFAULT '',  -- delivery note, why damaged, where returned
	at             TEXT NOT NULL,      -- UTC ISO 8601
	by_id          TEXT NOT NULL,      -- the member of staff
	version        INTEGER NOT NULL DEFAULT 0
);
-- The day report counts an office's movements of a day.
CREATE INDEX key_moves_office_at ON key_moves (office_id, at);

CREATE TABLE key_move_items (
	move_id    TEXT NOT NULL REFERENCES key_moves(id),
	serial     TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',  -- the KEY's state before ('' when received)
	PRIMARY KEY (move_id, serial)
) WITHOUT ROWID;
CREATE INDEX key_move_items_serial ON key_move_items (serial);

CREATE TABLE key_stock (
	serial         TEXT PRIMARY KEY,   -- as printed on the KEY: A-Z, 0-9, '-'
	office_id      TEXT NOT NULL REFERENCES offices(id),
	state          TEXT NOT NULL CHECK (state IN ('in_stock', 'issued', 'damaged', 'returned')),
	received_move  TEXT NOT NULL REFERENCES key_moves(id),  -- the batch it came in
	last_move      TEXT NOT NULL REFERENCES key_moves(id),
	application_id TEXT REFERENCES applications(id),  -- issued to (kept when taken back)
	updated_at     TEXT NOT NULL,
	version        INTEGER NOT NULL DEFAULT 0
);
-- Lists by state, in serial order, and the ledger's counts.
CREATE INDEX key_stock_office_state ON key_stock (office_id, state, serial);
CREATE INDEX key_stock_office ON key_stock (office_id, serial);
-- One KEY in use per application.
CREATE UNIQUE INDEX key_stock_issued_app ON key_stock (application_id) WHERE state = 'issued';
