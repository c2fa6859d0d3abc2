#ifndef CERTDESK_SERVER_BLOBS_H
#define CERTDESK_SERVER_BLOBS_H

/*
 * The centre's blob store (docs/SYNC.md, Blobs): files by SHA-256 under
 * DATA/blobs/aa/bb/<sha256> (store/attach_repo.h), uploads in progress
 * under DATA/blobs/tmp/<sha256>.part. A file is in place only once its
 * hash and type have been checked, so "in place" means "complete".
 */
#include <stdbool.h>

#include "util/status.h"

/* Create DATA/blobs/tmp and remove uploads abandoned for a week. */
enum status blobs_prepare(const char *data_dir, struct err *e);

/* True when the complete file is at the centre (svc_replay's blob check;
 * ctx unused). */
bool blobs_have(const char *sha256, void *ctx);

#endif
