-- The audit screen's filters (store/audit_query.c): one statement per
-- combination of filters, each read through an index in seq order, newest
-- first. A record's entries by its id alone (audit_entity needs the
-- entity's name first), and a member of staff's by the name recorded in
-- the entry, which is what the screen filters on (audit_actor is by id,
-- and the name of an entry is not always a staff account's: jobs, the
-- centre's console).
CREATE INDEX audit_entity_seq ON audit_log (entity_id, seq);
CREATE INDEX audit_actor_name ON audit_log (actor_name, seq);

-- The expiry worklist's counts (store/lifecycle_repo.c lifecycle_repo_counts)
-- read every live certificate from the first expired to 90 days ahead:
-- with what the count needs in the index (revoked_at too, so that SQLite
-- takes it as covering), none of their rows is read.
CREATE INDEX certificates_expiry ON certificates (not_after, id, applicant_id, serial, revoked_at)
	WHERE revoked_at IS NULL;
