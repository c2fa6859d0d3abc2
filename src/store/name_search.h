#ifndef CERTDESK_STORE_NAME_SEARCH_H
#define CERTDESK_STORE_NAME_SEARCH_H

#include <stdbool.h>

#include "model/party.h"
#include "store/db.h"

/*
 * Searching applicants' and enterprises' names through their 2-character
 * pieces (table name_grams, db/migrations/0010_name_grams.sql), for the
 * application, applicant and order searches. A search finds exactly the
 * names `LIKE '%q%'` finds (ASCII case folded, other characters as typed),
 * with '%', '_' and '\' in q taken literally: candidates are the parties
 * holding q's rarest piece; a q longer than 2 characters is then checked
 * with `LIKE like ESCAPE '\'` on them.
 */
enum name_kind { NAME_ANY = 0, NAME_APPLICANT = 1, NAME_ENTERPRISE = 2 };

/* Over this many parties holding the piece, a list is read in its own
 * order and stopped at a page (the broad plan), rather than fetching and
 * sorting every match (docs/benchmarks.md). */
#define NAME_BROAD_PARTIES 500
/* Over this many, even collecting them costs (100,000 enterprises hold
 * 深圳): each row read is checked against the piece (or the name) by
 * itself instead. */
#define NAME_HUGE_PARTIES 5000

/* Tests only: other limits, so that a small data set takes every plan
 * (negative: back to the defaults). */
void name_search_limits(long broad, long huge);

struct name_query {
	char gram[24];                     /* the piece to look up, folded like the table's */
	char like[2 * PERSON_NAME_MAX + 3]; /* "%q%", escaped for ESCAPE '\' */
	bool longer;                       /* q has more than 2 characters: LIKE checks */
	bool broad;                        /* more than NAME_BROAD_PARTIES parties hold it */
	bool huge;                         /* more than NAME_HUGE_PARTIES */
	long parties;                      /* how many hold it, counted up to the huge limit + 1 */
};

/*
 * Prepare the search for `name` (2 characters or more, trimmed) among the
 * parties of `kind`. A name of fewer than 2 characters matches nothing
 * here: q->gram is "" and q->parties 0 (callers refuse such queries).
 */
enum status name_query_make(struct db *db, const char *name, enum name_kind kind,
			    struct name_query *q, struct err *e);

#endif
