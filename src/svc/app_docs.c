/* An application's documents: the checklist, paper hand-ins, attachments. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/app_repo.h"
#include "store/attach_repo.h"
#include "svc/application.h"
#include "svc/commands.h"
#include "util/fs.h"
#include "util/jsonx.h"
#include "util/utf8.h"

int svc_application_docs(struct svc *svc, const struct application *app, struct doc_item *out,
			 int max, struct err *e)
{
	(void)e;
	enum doc_type req[DOC__COUNT];
	int nreq = app_required_docs(app->kind, app->subject, req), n = 0;
	for (int i = 0; i < nreq && n < max; i++) {
		out[n].type = req[i];
		out[n].required = true;
		out[n].attached = attach_repo_count_type(svc->db, "application", app->id,
							 doc_type_code(req[i]));
		out[n].paper = app_repo_is_paper(svc->db, app->id, doc_type_code(req[i]));
		n++;
	}
	for (int t = 0; t < DOC__COUNT && n < max; t++) {
		bool listed = false;
		for (int i = 0; i < nreq; i++)
			listed |= req[i] == (enum doc_type)t;
		if (listed)
			continue;
		int c = attach_repo_count_type(svc->db, "application", app->id,
					       doc_type_code((enum doc_type)t));
		if (c > 0) {
			out[n].type = (enum doc_type)t;
			out[n].required = false;
			out[n].attached = c;
			out[n].paper = false;
			n++;
		}
	}
	return n;
}

/* The application behind a documents command, editable by this actor. */
static enum status editable(struct svc_run *run, const char *app_id, struct application *a,
			    struct err *e)
{
	enum status st = app_repo_get(run->svc->db, app_id, a, e);
	if (st != ST_OK)
		return st;
	if (app_clerk_may_edit(a->status))
		return ST_OK;
	if (actor_can(run->actor, ROLE_SUPERVISOR) && app_supervisor_may_edit(a->status))
		return ST_OK;
	return err_set(e, ST_DENIED, "申请单状态为“%s”，材料不能再修改", app_status_label(a->status));
}

/* ---- application.paper_doc ---- */

static enum status paper_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char id[UUID_LEN + 1], type[24];
	bool paper;
	struct application a;
	enum doc_type t;
	if (!jx_str(p, "id", id, sizeof id, false, e) ||
	    !jx_str(p, "doc_type", type, sizeof type, false, e) ||
	    !jx_bool(p, "paper", &paper, false, e))
		return e->st;
	if (!doc_type_parse(type, &t))
		return err_set(e, ST_INVALID, "无效的材料类型 %s", type);
	enum status st = editable(run, id, &a, e);
	if (st != ST_OK)
		return st;
	run->entity = "application";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", id);
	run->base_version = a.version;
	run->after = json_pack("{s:s, s:s, s:b}", "number", a.number, "doc_type", type, "paper", paper);
	return app_repo_set_paper(run->svc->db, id, type, paper, e);
}
const struct command cmd_application_paper = { "application.paper_doc", 1, ROLE_CLERK,
					       paper_apply };

enum status svc_application_paper(struct svc *svc, const struct actor *a, const char *id,
				  enum doc_type type, bool paper, struct err *e)
{
	json_t *p = json_pack("{s:s, s:s, s:b}", "id", id, "doc_type", doc_type_code(type), "paper",
			      paper);
	enum status st = svc_exec(svc, a, &cmd_application_paper, p, e);
	json_decref(p);
	return st;
}

/* ---- attachment.add / attachment.remove ---- */

static json_t *att_json(const struct attachment *t)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:I}", "owner_id", t->owner_id, "doc_type",
			 t->doc_type, "name", t->name, "sha256", t->sha256, "mime", t->mime, "size",
			 (json_int_t)t->size);
}

static enum status add_apply(struct svc_run *run, json_t *p, struct err *e)
{
	struct attachment t;
	struct application a;
	long long size;
	memset(&t, 0, sizeof t);
	enum doc_type dt;
	if (!jx_str(p, "id", t.id, sizeof t.id, false, e) ||
	    !jx_str(p, "owner_id", t.owner_id, sizeof t.owner_id, false, e) ||
	    !jx_str(p, "doc_type", t.doc_type, sizeof t.doc_type, false, e) ||
	    !jx_str(p, "sha256", t.sha256, sizeof t.sha256, false, e) ||
	    !jx_str(p, "name", t.name, sizeof t.name, false, e) ||
	    !jx_str(p, "mime", t.mime, sizeof t.mime, false, e) ||
	    !jx_int(p, "size", &size, false, e))
		return e->st;
	snprintf(t.owner_type, sizeof t.owner_type, "application");
	t.size = size;
	if (!doc_type_parse(t.doc_type, &dt))
		return err_set(e, ST_INVALID, "无效的材料类型 %s", t.doc_type);
	if (strlen(t.sha256) != 64 || strspn(t.sha256, "0123456789abcdef") != 64)
		return err_set(e, ST_INVALID, "无效的文件摘要");
	if (!attach_type_label(t.mime)[0] || strcmp(attach_type_label(t.mime), "?") == 0)
		return err_set(e, ST_INVALID, "不支持的文件类型 %s", t.mime);
	if (size <= 0 || size > (long long)ATTACH_MAX_BYTES)
		return err_set(e, ST_INVALID, "文件大小无效");
	enum status st = editable(run, t.owner_id, &a, e);
	if (st != ST_OK)
		return st;
	/* The terminal holds the file already; the centre receives it apart. */
	st = blob_repo_add(run->svc->db, t.sha256, t.size, t.mime, e);
	if (st == ST_OK)
		st = attach_repo_insert(run->svc->db, &t, run->actor->id, e);
	if (st != ST_OK)
		return st;
	run->entity = "attachment";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", t.id);
	run->after = att_json(&t);
	return ST_OK;
}
const struct command cmd_attachment_add = { "attachment.add", 1, ROLE_CLERK, add_apply };

static enum status remove_apply(struct svc_run *run, json_t *p, struct err *e)
{
	char id[UUID_LEN + 1];
	struct attachment t;
	struct application a;
	if (!jx_str(p, "id", id, sizeof id, false, e))
		return e->st;
	enum status st = attach_repo_get(run->svc->db, id, &t, e);
	if (st == ST_OK)
		st = editable(run, t.owner_id, &a, e);
	if (st != ST_OK)
		return st;
	run->entity = "attachment";
	snprintf(run->entity_id, sizeof run->entity_id, "%s", id);
	run->before = att_json(&t);
	run->base_version = t.version;
	return attach_repo_delete(run->svc->db, id, e);
}
const struct command cmd_attachment_remove = { "attachment.remove", 1, ROLE_CLERK, remove_apply };

enum status svc_attach_file(struct svc *svc, const struct actor *a, const char *data_dir,
			    const char *app_id, enum doc_type type, const char *path,
			    char id_out[UUID_LEN + 1], struct err *e)
{
	char *data = NULL;
	size_t len = 0;
	enum status st = fs_read_all(path, ATTACH_MAX_BYTES, &data, &len, e);
	if (st == ST_INVALID && strstr(e->msg, "过大")) {
		char lim[32];
		attach_size_text(ATTACH_MAX_BYTES, lim);
		return err_field(e, "path", ST_INVALID, "文件过大：每份扫描件不能超过 %s", lim);
	}
	if (st != ST_OK)
		return err_field(e, "path", st, "%s", e->msg);
	const char *mime = attach_sniff((const unsigned char *)data, len, e);
	if (!mime) {
		free(data);
		return err_field(e, "path", ST_INVALID, "%s", e->msg);
	}
	char sha[SHA256_HEX];
	st = blob_write(data_dir, data, len, sha, e);
	free(data);
	if (st != ST_OK)
		return st;
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	char name[FILENAME_MAX_BYTES];
	snprintf(name, sizeof name, "%s", base);
	if (!utf8_valid(name, strlen(name)))
		snprintf(name, sizeof name, "扫描件");
	char id[UUID_LEN + 1];
	uuid_v7(id);
	json_t *p = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I}", "id", id, "owner_id", app_id,
			      "doc_type", doc_type_code(type), "sha256", sha, "name", name, "mime", mime,
			      "size", (json_int_t)len);
	if (!p)
		return err_set(e, ST_INVALID, "文件名包含无效字符");
	st = svc_exec(svc, a, &cmd_attachment_add, p, e);
	json_decref(p);
	if (st == ST_OK && id_out)
		memcpy(id_out, id, sizeof id);
	return st;
}

enum status svc_attach_remove(struct svc *svc, const struct actor *a, const char *attachment_id,
			      struct err *e)
{
	json_t *p = json_pack("{s:s}", "id", attachment_id);
	enum status st = svc_exec(svc, a, &cmd_attachment_remove, p, e);
	json_decref(p);
	return st;
}

int svc_attachments(struct svc *svc, const char *app_id, struct attachment *out, int max,
		    struct err *e)
{
	return attach_repo_of(svc->db, "application", app_id, out, max, e);
}
