#ifndef CERTDESK_SVC_ATTACH_FILE_H
#define CERTDESK_SVC_ATTACH_FILE_H

/* Taking a scanned document out of the blob store: to look at it with the
 * desktop's viewer, or to hand it on as a file. Both are reads of personal
 * data and are audited ("attachment.view", "attachment.export"). */
#include <limits.h>

#include "model/attachment.h"
#include "svc/svc.h"

enum attach_use { ATTACH_VIEW, ATTACH_EXPORT };

/*
 * Copy the file of attachment `a` (of application `number`) out of
 * DATA/blobs: for ATTACH_VIEW to DATA/view/SHA.EXT (a name the viewer can
 * recognise by its extension; the copy is reused), for ATTACH_EXPORT to
 * DATA/exports/NUMBER-DOCTYPE-NAME (never overwriting: "-2", "-3"...).
 * The copy is checked against the attachment's SHA-256 first.
 * ST_NOT_FOUND when the blob is not on this terminal (fetch it from the
 * centre first: sync_blob_fetch). *out_path (PATH_MAX) gets the file.
 */
enum status svc_attachment_copy(struct svc *svc, const struct actor *actor, const char *data_dir,
				const char *number, const struct attachment *a, enum attach_use use,
				char out_path[PATH_MAX], struct err *e);

#endif
