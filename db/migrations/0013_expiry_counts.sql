-- The expiry worklist's counts (store/lifecycle_repo.c lifecycle_repo_counts)
-- and the queue of applications ready to collect or post
-- (store/queue_repo.c). docs/benchmarks.md: the counts took 0.8 s at a
-- million applications, the "post" queue 22 ms a page.
--
-- The counts read every live certificate from the first expired to 90 days
-- ahead (256,000 at a million applications) and, for each, probed the
-- applications for a live renewal or revocation naming its serial and the
-- applicants for its office: two random index seeks per certificate, about
-- 3 us each, whatever the page cache. The tables below keep, for every live
-- bound certificate, what the worklist's conditions need (its office, whether
-- someone marked it contacted, whether a live renewal or revocation names
-- it), so that a count is one range of one index, reading only the
-- certificates the worklist lists.
--
-- Derived data, not synced (as name_grams, 0010): the triggers below keep it
-- on every database from the rows themselves, whoever wrote them (a command,
-- a sync pull, an import, the bench generator). On the paths the generator
-- takes they look rows up only by primary keys (these tables' own,
-- certificates.id, applicants.id) and in certificate_contacts (empty
-- there), since it drops the secondary indexes while it loads; other
-- indexes only where it never goes (an applicant's office or id changed,
-- an applicant deleted, a contact changed or deleted). The worklist's own
-- query (lifecycle_repo_page) stays written over the base tables: it is
-- the definition these tables are tested against
-- (tests/unit/test_lifecycle_counts.c).

-- Live renewal and revocation applications (not draft, not cancelled) per
-- certificate serial: a serial is "handled" while n > 0. Rows at 0 are
-- deleted.
CREATE TABLE expiry_handled (
	serial TEXT PRIMARY KEY,
	n      INTEGER NOT NULL
) WITHOUT ROWID;

-- Every certificate that is not revoked and is bound to an applicant on
-- this database, with that applicant's office; keyed by serial first, which
-- is how a renewal or revocation finds its certificates.
CREATE TABLE expiry_certs (
	serial         TEXT NOT NULL,
	certificate_id TEXT NOT NULL,
	not_after      TEXT NOT NULL,
	office_id      TEXT NOT NULL,     -- the applicant's
	contacted      INTEGER NOT NULL,  -- 1: a 'contact' row names it (an SMS is not one)
	handled        INTEGER NOT NULL,  -- 1: its serial is in expiry_handled
	PRIMARY KEY (serial, certificate_id)
) WITHOUT ROWID;

-- Certificates bound to an applicant this database does not hold (yet): a
-- pull writes rows with foreign keys off, and a certificate may come before
-- an applicant edited after it. The worklist lists such a certificate only
-- once its applicant is here; the applicant's arrival moves it over. (The
-- column is not called applicant_id: sync/conflict.c moves every column of
-- that name when it merges two applicants.)
CREATE TABLE expiry_orphans (
	applicant      TEXT NOT NULL,
	certificate_id TEXT NOT NULL,
	PRIMARY KEY (applicant, certificate_id)
) WITHOUT ROWID;

INSERT INTO expiry_handled (serial, n)
	SELECT cert_serial, count(*) FROM applications
	WHERE cert_serial <> '' AND kind IN ('renewal', 'revoke')
	AND status NOT IN ('draft', 'cancelled')
	GROUP BY cert_serial;

INSERT INTO expiry_certs (serial, certificate_id, not_after, office_id, contacted, handled)
	SELECT c.serial, c.id, c.not_after, p.office_id,
		EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = c.id
			AND k.kind = 'contact'),
		EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = c.serial)
	FROM certificates c JOIN applicants p ON p.id = c.applicant_id
	WHERE c.revoked_at IS NULL;

INSERT INTO expiry_orphans (applicant, certificate_id)
	SELECT c.applicant_id, c.id FROM certificates c
	WHERE c.revoked_at IS NULL AND c.applicant_id IS NOT NULL
	AND NOT EXISTS (SELECT 1 FROM applicants p WHERE p.id = c.applicant_id);

-- The counts: the worklist's certificates by expiry, with the filters'
-- columns (and handled, so that SQLite takes the index as covering).
CREATE INDEX expiry_certs_open ON expiry_certs (not_after, office_id, contacted, handled)
	WHERE handled = 0;

-- ---- certificates ----

CREATE TRIGGER expiry_cert_insert AFTER INSERT ON certificates
WHEN NEW.revoked_at IS NULL AND NEW.applicant_id IS NOT NULL BEGIN
	INSERT INTO expiry_certs (serial, certificate_id, not_after, office_id, contacted, handled)
		SELECT NEW.serial, NEW.id, NEW.not_after, p.office_id,
			EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = NEW.id
				AND k.kind = 'contact'),
			EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = NEW.serial)
		FROM applicants p WHERE p.id = NEW.applicant_id;
	INSERT INTO expiry_orphans (applicant, certificate_id)
		SELECT NEW.applicant_id, NEW.id
		WHERE NOT EXISTS (SELECT 1 FROM applicants p WHERE p.id = NEW.applicant_id);
END;

CREATE TRIGGER expiry_cert_update AFTER UPDATE OF id, serial, not_after, applicant_id, revoked_at
ON certificates
WHEN OLD.id IS NOT NEW.id OR OLD.serial IS NOT NEW.serial OR OLD.not_after IS NOT NEW.not_after
	OR OLD.applicant_id IS NOT NEW.applicant_id OR OLD.revoked_at IS NOT NEW.revoked_at BEGIN
	DELETE FROM expiry_certs WHERE serial = OLD.serial AND certificate_id = OLD.id;
	DELETE FROM expiry_orphans WHERE applicant = OLD.applicant_id AND certificate_id = OLD.id;
	INSERT INTO expiry_certs (serial, certificate_id, not_after, office_id, contacted, handled)
		SELECT NEW.serial, NEW.id, NEW.not_after, p.office_id,
			EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = NEW.id
				AND k.kind = 'contact'),
			EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = NEW.serial)
		FROM applicants p WHERE p.id = NEW.applicant_id AND NEW.revoked_at IS NULL;
	INSERT INTO expiry_orphans (applicant, certificate_id)
		SELECT NEW.applicant_id, NEW.id
		WHERE NEW.revoked_at IS NULL AND NEW.applicant_id IS NOT NULL
		AND NOT EXISTS (SELECT 1 FROM applicants p WHERE p.id = NEW.applicant_id);
END;

CREATE TRIGGER expiry_cert_delete AFTER DELETE ON certificates BEGIN
	DELETE FROM expiry_certs WHERE serial = OLD.serial AND certificate_id = OLD.id;
	DELETE FROM expiry_orphans WHERE applicant = OLD.applicant_id AND certificate_id = OLD.id;
END;

-- ---- applications: a live renewal or revocation names a serial ----
-- "Live": cert_serial <> '' AND kind IN ('renewal', 'revoke') AND status
-- NOT IN ('draft', 'cancelled'), as lifecycle_repo.c's HANDLED. An
-- application that starts or stops being one, or moves to another serial,
-- counts in or out.

CREATE TRIGGER expiry_app_insert AFTER INSERT ON applications
WHEN NEW.cert_serial <> '' AND NEW.kind IN ('renewal', 'revoke')
	AND NEW.status NOT IN ('draft', 'cancelled') BEGIN
	INSERT INTO expiry_handled (serial, n) VALUES (NEW.cert_serial, 1)
		ON CONFLICT (serial) DO UPDATE SET n = n + 1;
	UPDATE expiry_certs SET handled = 1 WHERE serial = NEW.cert_serial AND handled = 0;
END;

CREATE TRIGGER expiry_app_delete AFTER DELETE ON applications
WHEN OLD.cert_serial <> '' AND OLD.kind IN ('renewal', 'revoke')
	AND OLD.status NOT IN ('draft', 'cancelled') BEGIN
	UPDATE expiry_handled SET n = n - 1 WHERE serial = OLD.cert_serial;
	DELETE FROM expiry_handled WHERE serial = OLD.cert_serial AND n <= 0;
	UPDATE expiry_certs SET handled = 0 WHERE serial = OLD.cert_serial AND handled = 1
		AND NOT EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = OLD.cert_serial);
END;

-- It was live under OLD's serial and is not (or not under that serial) now.
CREATE TRIGGER expiry_app_leave AFTER UPDATE OF cert_serial, kind, status ON applications
WHEN (OLD.cert_serial <> '' AND OLD.kind IN ('renewal', 'revoke')
	AND OLD.status NOT IN ('draft', 'cancelled'))
	AND NOT (NEW.cert_serial = OLD.cert_serial AND NEW.kind IN ('renewal', 'revoke')
		AND NEW.status NOT IN ('draft', 'cancelled')) BEGIN
	UPDATE expiry_handled SET n = n - 1 WHERE serial = OLD.cert_serial;
	DELETE FROM expiry_handled WHERE serial = OLD.cert_serial AND n <= 0;
	UPDATE expiry_certs SET handled = 0 WHERE serial = OLD.cert_serial AND handled = 1
		AND NOT EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = OLD.cert_serial);
END;

-- It is live under NEW's serial and was not (or not under that serial).
CREATE TRIGGER expiry_app_enter AFTER UPDATE OF cert_serial, kind, status ON applications
WHEN (NEW.cert_serial <> '' AND NEW.kind IN ('renewal', 'revoke')
	AND NEW.status NOT IN ('draft', 'cancelled'))
	AND NOT (OLD.cert_serial = NEW.cert_serial AND OLD.kind IN ('renewal', 'revoke')
		AND OLD.status NOT IN ('draft', 'cancelled')) BEGIN
	INSERT INTO expiry_handled (serial, n) VALUES (NEW.cert_serial, 1)
		ON CONFLICT (serial) DO UPDATE SET n = n + 1;
	UPDATE expiry_certs SET handled = 1 WHERE serial = NEW.cert_serial AND handled = 0;
END;

-- ---- contacts ----

CREATE TRIGGER expiry_contact_insert AFTER INSERT ON certificate_contacts
WHEN NEW.kind = 'contact' BEGIN
	UPDATE expiry_certs SET contacted = 1
	WHERE serial = (SELECT c.serial FROM certificates c WHERE c.id = NEW.certificate_id)
	AND certificate_id = NEW.certificate_id;
END;

-- Contacts are never changed or deleted; should one be, its certificate is
-- looked at again.
CREATE TRIGGER expiry_contact_update AFTER UPDATE OF certificate_id, kind ON certificate_contacts
BEGIN
	UPDATE expiry_certs SET contacted = EXISTS (SELECT 1 FROM certificate_contacts k
		WHERE k.certificate_id = expiry_certs.certificate_id AND k.kind = 'contact')
	WHERE serial IN (SELECT c.serial FROM certificates c
		WHERE c.id IN (OLD.certificate_id, NEW.certificate_id))
	AND certificate_id IN (OLD.certificate_id, NEW.certificate_id);
END;

CREATE TRIGGER expiry_contact_delete AFTER DELETE ON certificate_contacts
WHEN OLD.kind = 'contact' BEGIN
	UPDATE expiry_certs SET contacted = EXISTS (SELECT 1 FROM certificate_contacts k
		WHERE k.certificate_id = OLD.certificate_id AND k.kind = 'contact')
	WHERE serial = (SELECT c.serial FROM certificates c WHERE c.id = OLD.certificate_id)
	AND certificate_id = OLD.certificate_id;
END;

-- ---- applicants: the office, and certificates waiting for their applicant ----

CREATE TRIGGER expiry_applicant_insert AFTER INSERT ON applicants BEGIN
	INSERT OR IGNORE INTO expiry_certs (serial, certificate_id, not_after, office_id, contacted,
					   handled)
		SELECT c.serial, c.id, c.not_after, NEW.office_id,
			EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = c.id
				AND k.kind = 'contact'),
			EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = c.serial)
		FROM expiry_orphans o JOIN certificates c ON c.id = o.certificate_id
		WHERE o.applicant = NEW.id AND c.applicant_id = NEW.id AND c.revoked_at IS NULL;
	DELETE FROM expiry_orphans WHERE applicant = NEW.id;
END;

CREATE TRIGGER expiry_applicant_office AFTER UPDATE OF office_id ON applicants
WHEN OLD.office_id IS NOT NEW.office_id BEGIN
	UPDATE expiry_certs SET office_id = NEW.office_id
	WHERE serial IN (SELECT c.serial FROM certificates c WHERE c.applicant_id = NEW.id)
	AND certificate_id IN (SELECT c.id FROM certificates c WHERE c.applicant_id = NEW.id);
END;

-- Ids never change here; should one, it is the old applicant gone and the
-- new one come.
CREATE TRIGGER expiry_applicant_rekey AFTER UPDATE OF id ON applicants
WHEN OLD.id IS NOT NEW.id BEGIN
	DELETE FROM expiry_certs
	WHERE serial IN (SELECT c.serial FROM certificates c WHERE c.applicant_id = OLD.id)
	AND certificate_id IN (SELECT c.id FROM certificates c WHERE c.applicant_id = OLD.id);
	INSERT OR IGNORE INTO expiry_orphans (applicant, certificate_id)
		SELECT OLD.id, c.id FROM certificates c
		WHERE c.applicant_id = OLD.id AND c.revoked_at IS NULL;
	INSERT OR IGNORE INTO expiry_certs (serial, certificate_id, not_after, office_id, contacted,
					   handled)
		SELECT c.serial, c.id, c.not_after, NEW.office_id,
			EXISTS (SELECT 1 FROM certificate_contacts k WHERE k.certificate_id = c.id
				AND k.kind = 'contact'),
			EXISTS (SELECT 1 FROM expiry_handled h WHERE h.serial = c.serial)
		FROM expiry_orphans o JOIN certificates c ON c.id = o.certificate_id
		WHERE o.applicant = NEW.id AND c.applicant_id = NEW.id AND c.revoked_at IS NULL;
	DELETE FROM expiry_orphans WHERE applicant = NEW.id;
END;

CREATE TRIGGER expiry_applicant_delete AFTER DELETE ON applicants BEGIN
	DELETE FROM expiry_certs
	WHERE serial IN (SELECT c.serial FROM certificates c WHERE c.applicant_id = OLD.id)
	AND certificate_id IN (SELECT c.id FROM certificates c WHERE c.applicant_id = OLD.id);
	INSERT OR IGNORE INTO expiry_orphans (applicant, certificate_id)
		SELECT OLD.id, c.id FROM certificates c
		WHERE c.applicant_id = OLD.id AND c.revoked_at IS NULL;
END;

-- ---- the queues: ready to collect, ready to post ----
-- applications_queue (status, submitted_at, id) finds the ready ones, but
-- the delivery is on the row: a page of the "post" queue read every ready
-- application (10,000 at a million, all collected at the counter) to find
-- none. This one has the delivery beside the status.
CREATE INDEX applications_ready ON applications (status, delivery, submitted_at, id)
	WHERE status = 'ready';
