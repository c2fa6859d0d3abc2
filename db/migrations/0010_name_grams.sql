-- Name search by 2-character pieces (issue 3; docs/benchmarks.md "What the
-- figures told us"). `name LIKE '%..%'` reads every name and cannot tell a
-- selective name (王伟) from a broad one (科技); this table holds every
-- 2-character piece of every applicant's and enterprise's name, so a search
-- reads only the parties that share the query's rarest piece and knows, by
-- one index count, how many they are (store/name_search.c).
--
-- Pieces are characters, not bytes: substr() and length() on TEXT count
-- code points. They are folded with lower(), which (SQLite without ICU, as
-- here) folds ASCII only, as LIKE does: 'Ab' and 'aB' find the same rows.
-- A name of fewer than 2 characters has no piece; no query of 2 or more
-- characters can be part of it anyway.
--
-- Derived data, not synced: the triggers below keep it on every database
-- (terminal or centre) from the rows themselves, whoever wrote them (a
-- command, a sync pull, an import, the bench generator).

-- Positions 1..1000, because triggers cannot use WITH. Names are at most 64
-- characters (model/party.h); a piece starting after position 1000 of some
-- longer name would be missing.
CREATE TABLE name_gram_pos (i INTEGER PRIMARY KEY);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
INSERT INTO name_gram_pos (i) SELECT i FROM n;

-- kind: 1 applicant, 2 enterprise (the applicant search reads only its own).
CREATE TABLE name_grams (
	gram     TEXT NOT NULL,
	kind     INTEGER NOT NULL,
	party_id TEXT NOT NULL,
	PRIMARY KEY (gram, kind, party_id)
) WITHOUT ROWID;

INSERT OR IGNORE INTO name_grams (gram, kind, party_id)
	SELECT lower(substr(a.name, p.i, 2)), 1, a.id
	FROM applicants a JOIN name_gram_pos p ON p.i < length(a.name);
INSERT OR IGNORE INTO name_grams (gram, kind, party_id)
	SELECT lower(substr(e.name, p.i, 2)), 2, e.id
	FROM enterprises e JOIN name_gram_pos p ON p.i < length(e.name);

CREATE TRIGGER name_grams_applicant_insert AFTER INSERT ON applicants BEGIN
	INSERT OR IGNORE INTO name_grams (gram, kind, party_id)
		SELECT lower(substr(NEW.name, i, 2)), 1, NEW.id FROM name_gram_pos
		WHERE i < length(NEW.name);
END;
CREATE TRIGGER name_grams_applicant_update AFTER UPDATE OF id, name ON applicants
WHEN OLD.name IS NOT NEW.name OR OLD.id IS NOT NEW.id BEGIN
	DELETE FROM name_grams WHERE kind = 1 AND party_id = OLD.id AND gram IN
		(SELECT lower(substr(OLD.name, i, 2)) FROM name_gram_pos WHERE i < length(OLD.name));
	INSERT OR IGNORE INTO name_grams (gram, kind, party_id)
		SELECT lower(substr(NEW.name, i, 2)), 1, NEW.id FROM name_gram_pos
		WHERE i < length(NEW.name);
END;
CREATE TRIGGER name_grams_applicant_delete AFTER DELETE ON applicants BEGIN
	DELETE FROM name_grams WHERE kind = 1 AND party_id = OLD.id AND gram IN
		(SELECT lower(substr(OLD.name, i, 2)) FROM name_gram_pos WHERE i < length(OLD.name));
END;

CREATE TRIGGER name_grams_enterprise_insert AFTER INSERT ON enterprises BEGIN
	INSERT OR IGNORE INTO name_grams (gram, kind, party_id)
		SELECT lower(substr(NEW.name, i, 2)), 2, NEW.id FROM name_gram_pos
		WHERE i < length(NEW.name);
END;
CREATE TRIGGER name_grams_enterprise_update AFTER UPDATE OF id, name ON enterprises
WHEN OLD.name IS NOT NEW.name OR OLD.id IS NOT NEW.id BEGIN
	DELETE FROM name_grams WHERE kind = 2 AND party_id = OLD.id AND gram IN
		(SELECT lower(substr(OLD.name, i, 2)) FROM name_gram_pos WHERE i < length(OLD.name));
	INSERT OR IGNORE INTO name_grams (gram, kind, party_id)
		SELECT lower(substr(NEW.name, i, 2)), 2, NEW.id FROM name_gram_pos
		WHERE i < length(NEW.name);
END;
CREATE TRIGGER name_grams_enterprise_delete AFTER DELETE ON enterprises BEGIN
	DELETE FROM name_grams WHERE kind = 2 AND party_id = OLD.id AND gram IN
		(SELECT lower(substr(OLD.name, i, 2)) FROM name_gram_pos WHERE i < length(OLD.name));
END;
