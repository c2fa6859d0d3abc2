-- The supervisor's side of an application's life: made (the certificate's
-- serial), posted (courier, tracking number), collected (who, checked),
-- and the person an authorisation letter names to collect. (The reason
-- templates for returning are db/seed/return_reasons.txt.)

ALTER TABLE applications ADD COLUMN issued_serial TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN courier TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN tracking_no TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN collector_name TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN collector_id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN authorised_name TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN authorised_id_number TEXT NOT NULL DEFAULT '';
ALTER TABLE applications ADD COLUMN made_at TEXT;
ALTER TABLE applications ADD COLUMN shipped_at TEXT;
ALTER TABLE applications ADD COLUMN collected_at TEXT;

-- Queues: oldest submission first within a status.
CREATE INDEX applications_queue ON applications (status, submitted_at, id);

-- Month statistics count what was accepted, made and collected in a period;
-- partial indexes keep those scans to the period's rows (a range on the
-- column implies IS NOT NULL, so SQLite can use them).
CREATE INDEX applications_reviewed ON applications (reviewed_at) WHERE reviewed_at IS NOT NULL;
CREATE INDEX applications_made ON applications (made_at) WHERE made_at IS NOT NULL;
CREATE INDEX applications_collected ON applications (collected_at) WHERE collected_at IS NOT NULL;
