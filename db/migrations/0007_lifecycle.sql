-- Certificate lifecycle (issue 7): the expiry worklist (到期提醒) and the
-- revocation (注销) of certificates expired for more than 90 days.
--
-- What was done about a certificate running out: a member of staff marks
-- it contacted with a note ('contact'), or an SMS reminder goes to the
-- applicant ('sms', the text sent is the note). Rows are never changed or
-- deleted. Synced (shared, like the certificates they are about), so that
-- every office sees who was contacted already.

CREATE TABLE certificate_contacts (
	id             TEXT PRIMARY KEY,           -- UUIDv7; an SMS's message id too
	certificate_id TEXT NOT NULL REFERENCES certificates(id),
	kind           TEXT NOT NULL CHECK (kind IN ('contact', 'sms')),
	note           TEXT NOT NULL DEFAULT '',
	day            TEXT NOT NULL,              -- local date of the contact, "2026-06-01"
	office_id      TEXT NOT NULL,              -- where it was done
	created_by     TEXT NOT NULL,              -- the member of staff
	created_at     TEXT NOT NULL,              -- UTC ISO 8601
	version        INTEGER NOT NULL DEFAULT 0
);
-- A certificate's history, newest first, and its last contact in lists.
CREATE INDEX certificate_contacts_cert ON certificate_contacts (certificate_id, created_at, id);
-- At most one reminder per certificate and local day, also across
-- terminals: the centre refuses the second.
CREATE UNIQUE INDEX certificate_contacts_sms_day ON certificate_contacts (certificate_id, day)
	WHERE kind = 'sms';

-- Certificates not revoked, by expiry: the worklist's windows (with
-- applicant_id IS NOT NULL checked on the row) and the revocation job's
-- "expired before" scan both read it in (not_after, id) order, which is
-- also the key lists page by. Revoked ones leave it, so it stays small.
CREATE INDEX certificates_live ON certificates (not_after, id) WHERE revoked_at IS NULL;
