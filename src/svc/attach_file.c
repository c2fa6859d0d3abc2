#include "svc/attach_file.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/attach_repo.h"
#include "util/fs.h"

static const char *extension(const char *mime)
{
	if (strcmp(mime, "application/pdf") == 0)
		return ".pdf";
	if (strcmp(mime, "image/jpeg") == 0)
		return ".jpg";
	if (strcmp(mime, "image/png") == 0)
		return ".png";
	return "";
}

/* A file name made of the record's name: no separators, no leading dot,
 * nothing that a shell or a file manager would trip on. */
static void clean_name(const char *in, char *out, size_t outsz)
{
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)in; *p && o + 1 < outsz; p++) {
		unsigned char c = *p;
		if (c < 0x20 || c == '/' || c == '\\' || c == ':' || c == '*' || c == '?' ||
		    c == '"' || c == '<' || c == '>' || c == '|' || c == 0x7f)
			c = '_';
		if (o == 0 && c == '.')
			c = '_';
		out[o++] = (char)c;
	}
	out[o] = '\0';
	if (!o)
		snprintf(out, outsz, "扫描件");
}

enum status svc_attachment_copy(struct svc *svc, const struct actor *actor, const char *data_dir,
				const char *number, const struct attachment *a, enum attach_use use,
				char out_path[PATH_MAX], struct err *e)
{
	char src[PATH_MAX];
	blob_path(data_dir, a->sha256, src, sizeof src);
	if (!fs_exists(src))
		return err_set(e, ST_NOT_FOUND, "附件文件不在本机");
	char *data = NULL;
	size_t len = 0;
	enum status st = fs_read_all(src, ATTACH_MAX_BYTES, &data, &len, e);
	if (st != ST_OK)
		return st;
	unsigned char h[crypto_hash_sha256_BYTES];
	char hex[SHA256_HEX];
	crypto_hash_sha256(h, (const unsigned char *)data, len);
	sodium_bin2hex(hex, sizeof hex, h, sizeof h);
	if (strcmp(hex, a->sha256) != 0) {
		free(data);
		return err_set(e, ST_IO, "本机的附件文件已损坏（与其摘要不符），请从中心重新下载");
	}
	char dir[PATH_MAX];
	snprintf(dir, sizeof dir, "%s/%s", data_dir, use == ATTACH_VIEW ? "view" : "exports");
	st = fs_mkdir_p(dir, e);
	if (st == ST_OK && use == ATTACH_VIEW) {
		snprintf(out_path, PATH_MAX, "%s/%s%s", dir, a->sha256, extension(a->mime));
		if (!fs_exists(out_path))
			st = fs_write_atomic(out_path, data, len, e);
	} else if (st == ST_OK) {
		char name[FILENAME_MAX_BYTES];
		clean_name(a->name, name, sizeof name);
		/* Keep the type visible in the name even when the scan's was lost. */
		const char *ext = extension(a->mime);
		size_t nl = strlen(name), el = strlen(ext);
		bool has_ext = nl >= el && el && strcmp(name + nl - el, ext) == 0;
		for (int i = 1; i < 1000; i++) {
			char suffix[16] = "";
			if (i > 1)
				snprintf(suffix, sizeof suffix, "-%d", i);
			/* "...-licence.pdf", then "...-licence-2.pdf" */
			snprintf(out_path, PATH_MAX, "%s/%s-%s-%.*s%s%s", dir, number, a->doc_type,
				 (int)(has_ext ? nl - el : nl), name, suffix, ext);
			if (!fs_exists(out_path))
				break;
		}
		st = fs_write_atomic(out_path, data, len, e);
	}
	free(data);
	if (st != ST_OK)
		return st;
	json_t *detail = json_pack("{s:s, s:s, s:s, s:s}",
				   strcmp(a->owner_type, "order") == 0 ? "order" : "application", number,
				   "attachment", a->id,
				   "doc_type", a->doc_type, "sha256", a->sha256);
	st = detail ? svc_audit_read(svc, actor, use == ATTACH_VIEW ? "attachment.view"
								    : "attachment.export",
				     "attachment", detail, e)
		    : err_status(e, ST_NOMEM);
	json_decref(detail);
	if (st != ST_OK && use == ATTACH_EXPORT)
		remove(out_path); /* nothing leaves unrecorded */
	return st;
}
