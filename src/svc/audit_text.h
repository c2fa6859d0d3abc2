#ifndef CERTDESK_SVC_AUDIT_TEXT_H
#define CERTDESK_SVC_AUDIT_TEXT_H

/*
 * How audit entries read to people (the audit screen, `certdesk audit
 * list`): Chinese names for actions, records and the keys of the before
 * and after images, and an image laid out as labelled lines with what
 * changed marked. The images are shown as recorded (personal data in them
 * is already masked); unknown actions and keys keep their code.
 */
#include <stdbool.h>

#include "store/audit_query.h"

/* "退回申请单" for "application.return"; NULL when not known. Static. */
const char *audit_action_label(const char *action);
/* "申请单" for "application"; NULL when not known. Static. */
const char *audit_entity_label(const char *entity);
/* "状态" for "status"; NULL when not known. Static. */
const char *audit_key_label(const char *key);

/* The record an entry concerns as people name it: the number in its after
 * (or before) image when there is one ("SQ-SZFT-01-20250609-0001"), or
 * a staff account's user name, otherwise the record's id; "" for entries about no record. */
void audit_record_name(const struct audit_row *r, char out[64]);

/* One line of an image. */
struct audit_line {
	int depth;            /* nesting, 0 at the top */
	char label[64];       /* the key's Chinese label, the key itself, or "[2]" in an array */
	char value[256];      /* the value as text ("" for a nested object's head) */
	bool changed;         /* at the top level: differs from, or is absent in, the other image */
};

/*
 * Lay out `json` (an image; NULL or "" is none) as lines: known keys in a
 * fixed order (单号, 类型, 证书类型, 状态 ... as people read a record),
 * then the others as stored, nested objects indented after a head line, arrays of
 * plain values joined with "、", codes of known states and kinds given
 * with their label ("已退回（returned）"), true and false as 是 and 否.
 * `other` is the other image of the entry: a top-level key whose value
 * differs from, or is absent in, it is marked changed (with no other
 * image, as for a record created, nothing is marked).
 * `entity` picks the meaning of codes ("application": status is an
 * application's). Returns the number of lines (at most max; the rest is
 * cut), 0 for no image, -1 when json is not a JSON object.
 */
int audit_lines(const char *entity, const char *json, const char *other, struct audit_line *out,
		int max);

#endif
