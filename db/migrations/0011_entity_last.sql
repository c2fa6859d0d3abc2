-- The centre: per record, the last op a terminal pushed that changed it
-- (svc/replay.c). A terminal's edits of a record made offline all carry the
-- version it last pulled; the first moves the centre's version on, and the
-- next would be taken for a stale edit though nothing else touched the
-- record. An op whose base is not the record's version is accepted when
-- the last change was the same terminal's op on that same base and the
-- record is still at the version that op left. Empty on terminals.
CREATE TABLE entity_last (
	entity_id     TEXT PRIMARY KEY,
	terminal_id   TEXT NOT NULL,
	base_version  INTEGER NOT NULL,
	version_after INTEGER NOT NULL
) WITHOUT ROWID;
