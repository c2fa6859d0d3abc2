#ifndef CERTDESK_STORE_ATTACH_REPO_H
#define CERTDESK_STORE_ATTACH_REPO_H

/* Attachments and the content-addressed blob store behind them. */
#include "model/attachment.h"
#include "store/db.h"

/*
 * Store bytes as a blob file DIR/blobs/aa/bb/<sha256> (written to a temp
 * file, fsynced, renamed: never half there) and compute its hash. Storing
 * the same bytes twice is harmless. Runs outside transactions.
 */
enum status blob_write(const char *data_dir, const void *data, size_t len,
		       char sha256[SHA256_HEX], struct err *e);
/* The path of a blob file (out needs PATH_MAX). */
void blob_path(const char *data_dir, const char *sha256, char *out, size_t outsz);
/* Record the blob row (once). */
enum status blob_repo_add(struct db *db, const char *sha256, long long size, const char *mime,
			  struct err *e);

enum status attach_repo_insert(struct db *db, const struct attachment *a, const char *created_by,
			       struct err *e);
enum status attach_repo_delete(struct db *db, const char *id, struct err *e);
enum status attach_repo_get(struct db *db, const char *id, struct attachment *out, struct err *e);
/* The attachments of one owner, oldest first; returns count or -1. */
int attach_repo_of(struct db *db, const char *owner_type, const char *owner_id,
		   struct attachment *out, int max, struct err *e);
/* How many attachments of this owner have this document type. */
int attach_repo_count_type(struct db *db, const char *owner_type, const char *owner_id,
			   const char *doc_type);

#endif
