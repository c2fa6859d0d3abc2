/* Asking the centre for a KEY's PUK (the terminal's side). */
#include "sync/sync_puk.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "sync/sync_int.h"

enum status sync_puk_fetch(struct app *app, const struct actor *a, const char *app_id,
			   const char *card_id, char puk[KEY_PUK_MAX], struct err *e)
{
	puk[0] = '\0';
	struct sync_opts opts;
	enum status st = sync_opts_from_config(&app->cfg, &opts, e);
	if (st != ST_OK)
		return st;
	if (!sync_is_enrolled(app->db))
		return err_set(e, ST_STATE, "本终端尚未登记到中心，无法向中心索取 PUK，不能在柜台解锁");
	struct sync_ctx c = { .db = app->db, .data_dir = app->data_dir, .opts = &opts };
	if ((st = sync_ctx_load(&c, e)) != ST_OK)
		return st;
	if ((st = sync_http_new(&opts, &c.http, e)) != ST_OK)
		return st;
	/* The centre judges on its records: send it ours first. */
	struct sync_stats stats;
	memset(&stats, 0, sizeof stats);
	st = sync_push(&c, &stats, e);
	json_t *body = NULL, *answer = NULL;
	if (st == ST_OK) {
		body = json_pack("{s:s, s:s, s:s}", "application_id", app_id ? app_id : "", "card_id",
				 card_id ? card_id : "", "actor_id", a ? a->id : "");
		st = body ? sync_call(c.http, c.url, c.auth, "POST", "/v1/keys/puk", body, &answer, e)
			  : err_status(e, ST_NOMEM);
	}
	json_decref(body);
	http_client_free(c.http);
	if (st != ST_OK)
		return st;
	json_t *v = json_object_get(answer, "puk");
	const char *text = json_string_value(v);
	size_t n = text ? json_string_length(v) : 0;
	if (n >= 6 && n < KEY_PUK_MAX && !memchr(text, '\0', n))
		memcpy(puk, text, n + 1);
	else
		st = err_set(e, ST_NET, "中心的应答中没有有效的 PUK");
	/* Wipe the copy jansson holds before it is freed. */
	if (text)
		sodium_memzero((char *)text, n);
	json_decref(answer);
	return st;
}

static enum status fetch_cb(void *ctx, const struct actor *a, const char *app_id,
			    const char *card_id, char puk[KEY_PUK_MAX], struct err *e)
{
	return sync_puk_fetch(ctx, a, app_id, card_id, puk, e);
}

void sync_puk_source(struct app *app, struct puk_source *out)
{
	out->fetch = fetch_cb;
	out->ctx = app;
}
