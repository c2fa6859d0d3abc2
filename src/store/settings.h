#ifndef CERTDESK_STORE_SETTINGS_H
#define CERTDESK_STORE_SETTINGS_H

#include <stddef.h>

#include "store/db.h"

/* Small key/value facts of this database: this terminal's id, the office,
 * the sync cursor, the audit head. */

/* Copy the value into out; ST_NOT_FOUND when the key is absent. */
enum status settings_get(struct db *db, const char *key, char *out, size_t outsz, struct err *e);
/* Insert or replace. */
enum status settings_set(struct db *db, const char *key, const char *value, struct err *e);
/* Integer helpers: settings_get_int gives `def` when absent. */
long long settings_get_int(struct db *db, const char *key, long long def);
enum status settings_set_int(struct db *db, const char *key, long long v, struct err *e);

#endif
