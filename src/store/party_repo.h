#ifndef CERTDESK_STORE_PARTY_REPO_H
#define CERTDESK_STORE_PARTY_REPO_H

/* Applicants and enterprises. None of these functions commits. */
#include "model/party.h"
#include "store/db.h"

/* Insert a new applicant; `created_by` is the staff member, `pw_hash` the
 * portal password hash or "", `verified_at` when the phone was checked. */
enum status applicant_repo_insert(struct db *db, const struct applicant *a, const char *pw_hash,
				  const char *verified_at, const char *created_by, struct err *e);
/* Update the profile fields (name, ID number, e-mail, address, postal code). */
enum status applicant_repo_update(struct db *db, const struct applicant *a, struct err *e);
enum status applicant_repo_set_password(struct db *db, const char *id, const char *pw_hash,
					struct err *e);
enum status applicant_repo_get(struct db *db, const char *id, struct applicant *out, struct err *e);
/* ST_NOT_FOUND when no account has this phone. */
enum status applicant_repo_by_phone(struct db *db, const char *phone, struct applicant *out,
				    struct err *e);
/* Applicants whose ID number is `id_number`, or whose name contains `name`
 * (at least 2 characters), in name order; keyset paged by "name\x1fid".
 * Returns the number filled or -1. */
int applicant_repo_find(struct db *db, const char *id_number, const char *name, enum page_dir dir,
			const char *key, struct applicant *out, int max, struct err *e);
/* Every applicant in id order (registration order: ids are UUIDv7),
 * keyset paged by id. Returns the number filled or -1. */
int applicant_repo_page(struct db *db, enum page_dir dir, const char *key, struct applicant *out,
			int max, struct err *e);
long applicant_repo_count(struct db *db);

enum status enterprise_repo_insert(struct db *db, const struct enterprise *en, struct err *e);
enum status enterprise_repo_update(struct db *db, const struct enterprise *en, struct err *e);
enum status enterprise_repo_get(struct db *db, const char *id, struct enterprise *out,
				struct err *e);
enum status enterprise_repo_by_code(struct db *db, const char *credit_code, struct enterprise *out,
				    struct err *e);
/* Link a person to an enterprise they act for (no error when linked). */
enum status enterprise_repo_link(struct db *db, const char *applicant_id, const char *enterprise_id,
				 struct err *e);
/* The enterprises an applicant acts for, by name; returns count or -1. */
int enterprise_repo_of_applicant(struct db *db, const char *applicant_id, struct enterprise *out,
				 int max, struct err *e);

#endif
