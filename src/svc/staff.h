#ifndef CERTDESK_SVC_STAFF_H
#define CERTDESK_SVC_STAFF_H

#include <stdbool.h>

#include "model/office.h"
#include "model/staff.h"
#include "svc/svc.h"

/* Staff accounts, first-run setup and login (issue: Foundation). */

/* Hash a password with Argon2id (crypto_pwhash_str, interactive limits). */
enum status password_hash(const char *password, char out[PW_HASH_MAX], struct err *e);
bool password_verify(const char *hash, const char *password);

/* True when the database has no staff yet: the program must run setup. */
bool svc_needs_setup(struct svc *svc);

struct setup_input {
	const char *office_code;
	const char *office_name;
	const char *terminal_name;
	const char *admin_username;
	const char *admin_name;
	const char *password;
};

/* First run: create the office, this terminal and the first admin, in one
 * transaction, and remember the terminal in settings. Refused (ST_STATE)
 * once any staff exists. On success *out is the new admin, logged in. */
enum status svc_setup(struct svc *svc, const struct setup_input *in, struct actor *out,
		      struct err *e);

/* This terminal's identity, for the status line. */
struct terminal_info {
	char office_code[OFFICE_CODE_MAX];
	char office_name[NAME_MAX_BYTES];
	char terminal_code[4];
	char terminal_name[NAME_MAX_BYTES];
};
enum status svc_terminal_info(struct svc *svc, struct terminal_info *out, struct err *e);

/*
 * Log in. ST_AUTH for a wrong user name or password (one message for both),
 * ST_LOCKED when the account is locked (also when this attempt was the 5th
 * wrong one in a row), ST_DENIED when disabled. Every attempt is audited.
 * *must_change is set when an admin reset the password: the caller must
 * have the user choose a new one before anything else.
 */
enum status svc_login(struct svc *svc, const char *username, const char *password,
		      struct actor *out, bool *must_change, struct err *e);

/* Admin: create an account in the admin's office. id may be NULL. */
enum status svc_staff_create(struct svc *svc, const struct actor *a, const char *username,
			     const char *name, enum role role, const char *password,
			     char id[UUID_LEN + 1], struct err *e);
/* Admin: change name and role. */
enum status svc_staff_update(struct svc *svc, const struct actor *a, const char *id,
			     const char *name, enum role role, struct err *e);
/* Admin: disable or enable. Never oneself, never the last active admin. */
enum status svc_staff_set_disabled(struct svc *svc, const struct actor *a, const char *id,
				   bool disabled, struct err *e);
/* Admin: unlock after too many wrong passwords. */
enum status svc_staff_unlock(struct svc *svc, const struct actor *a, const char *id,
			     struct err *e);
/* Admin: set a new password, which the user must change at next login;
 * also unlocks. */
enum status svc_staff_reset_password(struct svc *svc, const struct actor *a, const char *id,
				     const char *password, struct err *e);
/* Anyone: change one's own password, knowing the old one. */
enum status svc_staff_change_password(struct svc *svc, const struct actor *a,
				      const char *old_password, const char *new_password,
				      struct err *e);

/* Staff accounts for lists (see staff_repo_page). */
int svc_staff_page(struct svc *svc, enum page_dir dir, const char *key, struct staff *out, int max,
		   struct err *e);
long svc_staff_count(struct svc *svc);
/* The offices this terminal knows (its own; every office at a terminal
 * that syncs all offices), in code order. Returns the number, -1 on error. */
int svc_office_list(struct svc *svc, struct office *out, int max, struct err *e);
enum status svc_staff_get(struct svc *svc, const char *id, struct staff *out, struct err *e);

#endif
