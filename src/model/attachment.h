#ifndef CERTDESK_MODEL_ATTACHMENT_H
#define CERTDESK_MODEL_ATTACHMENT_H

/* Scanned documents (附件): what they are, and how their type is known. */
#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"
#include "util/uuid.h"

#define SHA256_HEX 65
#define ATTACH_MAX_BYTES (20u << 20)   /* 20 MiB per file */
#define FILENAME_MAX_BYTES 256

struct attachment {
	char id[UUID_LEN + 1];
	char owner_type[16];          /* "application" or "order" */
	char owner_id[UUID_LEN + 1];
	char doc_type[24];
	char sha256[SHA256_HEX];
	char name[FILENAME_MAX_BYTES];
	char mime[32];
	long long size;
	char created_at[21];
	long version;
};

/* The type of a file by its first bytes: "application/pdf", "image/jpeg",
 * "image/png", or NULL (with a Chinese reason in e) for anything else. A
 * file's name is never trusted. */
const char *attach_sniff(const unsigned char *data, size_t len, struct err *e);
/* "1.2 MB", "830 KB", "512 B". out needs 32 bytes. */
void attach_size_text(long long bytes, char out[32]);
/* The short label of a type: "PDF", "JPEG", "PNG". */
const char *attach_type_label(const char *mime);

#endif
