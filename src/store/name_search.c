#include "store/name_search.h"

#include <stdio.h>
#include <string.h>

#include "util/utf8.h"

static long broad_limit = NAME_BROAD_PARTIES, huge_limit = NAME_HUGE_PARTIES;

void name_search_limits(long broad, long huge)
{
	broad_limit = broad < 0 ? NAME_BROAD_PARTIES : broad;
	huge_limit = huge < 0 ? NAME_HUGE_PARTIES : huge;
}

/* "%q%" with the LIKE wildcards and the escape character taken literally. */
static void like_of(const char *name, char *out, size_t outsz)
{
	size_t n = 0;
	out[n++] = '%';
	for (const char *c = name; *c && n + 4 < outsz; c++) {
		if (*c == '%' || *c == '_' || *c == '\\')
			out[n++] = '\\';
		out[n++] = *c;
	}
	out[n++] = '%';
	out[n] = '\0';
}

enum status name_query_make(struct db *db, const char *name, enum name_kind kind,
			    struct name_query *q, struct err *e)
{
	memset(q, 0, sizeof *q);
	like_of(name, q->like, sizeof q->like);
	q->longer = utf8_count(name) != 2;
	/* The pieces as the triggers cut and fold them (same SQL functions). */
	sqlite3_stmt *grams = db_prep(db, "SELECT DISTINCT lower(substr(?1, i, 2)) FROM name_gram_pos"
					  " WHERE i < length(?1)", e);
	if (!grams)
		return e->st;
	db_bind_text(grams, 1, name);
	char gram[32][24];
	int ng = 0, rc = SQLITE_DONE;
	while (ng < 32 && (rc = sqlite3_step(grams)) == SQLITE_ROW)
		db_col_copy(grams, 0, gram[ng++], sizeof gram[0]);
	if (ng < 32 && rc != SQLITE_DONE) {
		sqlite3_reset(grams);
		return db_fail(db, rc, e);
	}
	sqlite3_reset(grams);
	/* The rarest piece: one index count each, stopped past the limit. */
	sqlite3_stmt *count = db_prep(db, "SELECT count(*) FROM (SELECT 1 FROM name_grams"
					  " WHERE gram = ?1 AND kind BETWEEN ?2 AND ?3 LIMIT ?4)", e);
	if (!count)
		return e->st;
	long best = -1;
	for (int i = 0; i < ng && best != 0; i++) {
		db_bind_text(count, 1, gram[i]);
		sqlite3_bind_int(count, 2, kind == NAME_ANY ? NAME_APPLICANT : (int)kind);
		sqlite3_bind_int(count, 3, kind == NAME_ANY ? NAME_ENTERPRISE : (int)kind);
		sqlite3_bind_int64(count, 4, huge_limit + 1);
		rc = sqlite3_step(count);
		long n = rc == SQLITE_ROW ? (long)sqlite3_column_int64(count, 0) : -1;
		sqlite3_reset(count);
		if (rc != SQLITE_ROW)
			return db_fail(db, rc, e);
		if (best < 0 || n < best) {
			best = n;
			snprintf(q->gram, sizeof q->gram, "%s", gram[i]);
		}
	}
	q->parties = best < 0 ? 0 : best;
	q->huge = q->parties > huge_limit;
	q->broad = q->huge || q->parties > broad_limit;
	return ST_OK;
}
