/* The centre's sealed PUKs: the key file, sealing, and releasing one to a
 * counter for an accepted unlock application. */
#include "svc/puk.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/app_repo.h"
#include "store/audit.h"
#include "store/cert_repo.h"
#include "store/staff_repo.h"
#include "util/fs.h"
#include "util/jsonx.h"

void puk_key_wipe(struct puk_key *k)
{
	sodium_memzero(k, sizeof *k);
}

enum status puk_key_create(const char *path, struct err *e)
{
	unsigned char k[PUK_KEY_BYTES];
	char hex[2 * PUK_KEY_BYTES + 2];
	randombytes_buf(k, sizeof k);
	sodium_bin2hex(hex, sizeof hex - 1, k, sizeof k);
	sodium_memzero(k, sizeof k);
	strcat(hex, "\n");
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		int err = errno;
		sodium_memzero(hex, sizeof hex);
		if (err == EEXIST)
			return err_set(e, ST_EXISTS, "密钥文件 %s 已存在，不会覆盖（换用新密钥须先重新导入全部 PUK）",
				       path);
		return err_set(e, fs_status_of_errno(err), "无法创建密钥文件 %s：%s", path, strerror(err));
	}
	size_t n = strlen(hex);
	bool ok = write(fd, hex, n) == (ssize_t)n && fsync(fd) == 0;
	sodium_memzero(hex, sizeof hex);
	if (close(fd) != 0 || !ok) {
		unlink(path);
		return err_set(e, ST_IO, "无法写入密钥文件 %s", path);
	}
	return ST_OK;
}

enum status puk_key_read(const char *path, struct puk_key *out, struct err *e)
{
	memset(out, 0, sizeof *out);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		int err = errno;
		if (err == ENOENT)
			return err_set(e, ST_NOT_FOUND, "中心的 PUK 密钥文件 %s 不存在（用 certdeskd puk keygen 生成）",
				       path);
		return err_set(e, fs_status_of_errno(err), "无法读取 PUK 密钥文件 %s：%s", path,
			       strerror(err));
	}
	struct stat sb;
	char buf[160];
	ssize_t n = -1;
	enum status st = ST_OK;
	if (fstat(fd, &sb) != 0)
		st = err_set(e, ST_IO, "无法读取 PUK 密钥文件 %s", path);
	else if (sb.st_mode & 077)
		st = err_set(e, ST_DENIED, "PUK 密钥文件 %s 的权限过宽（其他用户可以访问），请改为 0600", path);
	else if ((n = read(fd, buf, sizeof buf - 1)) < 0)
		st = err_set(e, ST_IO, "无法读取 PUK 密钥文件 %s", path);
	close(fd);
	if (st == ST_OK) {
		buf[n] = '\0';
		size_t len = strcspn(buf, " \t\r\n");
		size_t got = 0;
		if (len != 2 * PUK_KEY_BYTES ||
		    sodium_hex2bin(out->k, sizeof out->k, buf, len, NULL, &got, NULL) != 0 ||
		    got != PUK_KEY_BYTES)
			st = err_set(e, ST_INVALID, "PUK 密钥文件 %s 的内容应为 64 位十六进制数字", path);
	}
	sodium_memzero(buf, sizeof buf);
	if (st != ST_OK)
		puk_key_wipe(out);
	return st;
}

bool puk_card_id_ok(const char *card_id, struct err *e)
{
	size_t n = card_id ? strlen(card_id) : 0;
	if (n < 16 || n > 64 || strspn(card_id, "0123456789ABCDEF") != n)
		return err_set(e, ST_INVALID, "KEY 标识应为 16 到 64 位大写十六进制数字"), false;
	return true;
}

bool puk_text_ok(const char *puk, struct err *e)
{
	size_t n = puk ? strlen(puk) : 0;
	if (n < 6 || n > 8)
		return err_set(e, ST_INVALID, "PUK 应为 6 到 8 个字符"), false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)puk[i] < 0x21 || (unsigned char)puk[i] > 0x7E)
			return err_set(e, ST_INVALID, "PUK 只能包含英文字母、数字和符号"), false;
	return true;
}

#define PLAIN_MAX (65 + KEY_PUK_MAX)

enum status puk_seal(const struct puk_key *k, const char *card_id, const char *puk,
		     struct puk_row *out, struct err *e)
{
	if (!puk_card_id_ok(card_id, e) || !puk_text_ok(puk, e))
		return e->st;
	memset(out, 0, sizeof *out);
	unsigned char plain[PLAIN_MAX], nonce[crypto_secretbox_NONCEBYTES];
	unsigned char sealed[crypto_secretbox_MACBYTES + PLAIN_MAX];
	size_t cl = strlen(card_id), pl = strlen(puk), n = cl + 1 + pl;
	memcpy(plain, card_id, cl + 1);
	memcpy(plain + cl + 1, puk, pl);
	randombytes_buf(nonce, sizeof nonce);
	crypto_secretbox_easy(sealed, plain, n, nonce, k->k);
	sodium_memzero(plain, sizeof plain);
	snprintf(out->card_id, sizeof out->card_id, "%s", card_id);
	sodium_bin2hex(out->nonce, sizeof out->nonce, nonce, sizeof nonce);
	sodium_bin2hex(out->sealed, sizeof out->sealed, sealed, crypto_secretbox_MACBYTES + n);
	return ST_OK;
}

enum status puk_open(const struct puk_key *k, const struct puk_row *r, char puk[KEY_PUK_MAX],
		     struct err *e)
{
	unsigned char nonce[crypto_secretbox_NONCEBYTES];
	unsigned char sealed[crypto_secretbox_MACBYTES + PLAIN_MAX], plain[PLAIN_MAX];
	size_t nn = 0, sn = 0;
	puk[0] = '\0';
	if (sodium_hex2bin(nonce, sizeof nonce, r->nonce, strlen(r->nonce), NULL, &nn, NULL) != 0 ||
	    nn != sizeof nonce ||
	    sodium_hex2bin(sealed, sizeof sealed, r->sealed, strlen(r->sealed), NULL, &sn, NULL) != 0 ||
	    sn <= crypto_secretbox_MACBYTES)
		return err_set(e, ST_INVALID, "中心保存的 KEY %s 的 PUK 记录已损坏", r->card_id);
	size_t pn = sn - crypto_secretbox_MACBYTES;
	enum status st = ST_OK;
	if (crypto_secretbox_open_easy(plain, sealed, sn, nonce, k->k) != 0) {
		st = err_set(e, ST_INVALID, "中心无法解开 KEY %s 的 PUK：PUK 密钥文件与导入时的不同",
			     r->card_id);
	} else {
		size_t cl = strnlen((const char *)plain, pn);
		size_t pl = cl < pn ? pn - cl - 1 : 0;
		if (cl == pn || strncmp((const char *)plain, r->card_id, cl) != 0 ||
		    r->card_id[cl] != '\0' || pl < 6 || pl >= KEY_PUK_MAX)
			st = err_set(e, ST_INVALID, "中心保存的 KEY %s 的 PUK 记录不属于这个 KEY", r->card_id);
		else {
			memcpy(puk, plain + cl + 1, pl);
			puk[pl] = '\0';
		}
	}
	sodium_memzero(plain, sizeof plain);
	return st;
}

enum status svc_puk_put(struct db *db, const struct puk_key *k, const char *card_id,
			const char *puk, bool replace, struct err *e)
{
	struct puk_row r;
	enum status st = puk_seal(k, card_id, puk, &r, e);
	if (st == ST_OK)
		st = puk_repo_put(db, &r, replace, e);
	return st;
}

/* The staff member a terminal names, as the centre knows them. */
static enum status counter_actor(struct db *db, const struct sync_peer *peer, const char *id,
				 struct actor *a, struct err *e)
{
	struct staff s;
	struct err nf;
	if (!id || !uuid_valid(id) || staff_repo_get(db, id, &s, &nf) != ST_OK)
		return err_set(e, ST_DENIED, "操作人的员工账户在中心不存在");
	if (s.disabled)
		return err_set(e, ST_DENIED, "操作人 %s 的账户已停用", s.username);
	if (!peer->all_offices && strcmp(s.office_id, peer->office_id) != 0)
		return err_set(e, ST_DENIED, "操作人 %s 不属于本终端的受理点", s.username);
	memset(a, 0, sizeof *a);
	memcpy(a->id, s.id, sizeof a->id);
	memcpy(a->username, s.username, sizeof a->username);
	memcpy(a->name, s.name, sizeof a->name);
	memcpy(a->office_id, s.office_id, sizeof a->office_id);
	snprintf(a->terminal_id, sizeof a->terminal_id, "%s", peer->terminal_id);
	a->role = s.role;
	return ST_OK;
}

/* The checks of svc_puk_release, inside its transaction. */
static enum status release_checks(struct db *db, const struct sync_peer *peer,
				  const struct puk_request *rq, struct actor *who,
				  struct application *app, struct err *e)
{
	if (!puk_card_id_ok(rq->card_id, e))
		return e->st;
	enum status st = counter_actor(db, peer, rq->actor_id, who, e);
	if (st != ST_OK)
		return st;
	struct err nf;
	if (!rq->application_id || !uuid_valid(rq->application_id) ||
	    app_repo_get(db, rq->application_id, app, &nf) != ST_OK)
		return err_set(e, ST_NOT_FOUND, "中心没有这份申请单（终端的记录可能尚未同步到中心）");
	if (!peer->all_offices && strcmp(app->office_id, peer->office_id) != 0)
		return err_set(e, ST_DENIED, "申请单 %s 不属于本终端的受理点", app->number);
	if (app->kind != KIND_UNLOCK)
		return err_set(e, ST_DENIED, "申请单 %s 不是解锁申请", app->number);
	if (app->status != APP_ACCEPTED)
		return err_set(e, ST_STATE, "中心记录的解锁申请单 %s 状态为“%s”：须经审核员受理%s",
			       app->number, app_status_label(app->status),
			       app->status == APP_DONE ? "，且尚未办结" : "，并同步到中心后才能解锁");
	struct cert_row rows[8];
	int n = cert_repo_by_serial(db, app->cert_serial, rows, 8, e);
	if (n < 0)
		return e->st;
	for (int i = 0; i < n; i++)
		if (strcmp(rows[i].card_id, rq->card_id) == 0)
			return ST_OK;
	return err_set(e, ST_DENIED, "申请单 %s 的证书 %s 不在这个 KEY（标识 %s）上", app->number,
		       app->cert_serial, rq->card_id);
}

enum status svc_puk_release(struct svc *svc, const struct sync_peer *peer,
			    const struct puk_request *rq, const struct puk_key *k,
			    char puk[KEY_PUK_MAX], char number[NUMBER_MAX], struct err *e)
{
	puk[0] = number[0] = '\0';
	struct db *db = svc->db;
	enum status st = db_begin(db, e);
	if (st != ST_OK)
		return st;
	struct actor who;
	struct application app;
	struct puk_row r;
	st = release_checks(db, peer, rq, &who, &app, e);
	if (st == ST_OK) {
		struct err nf;
		if (puk_repo_get(db, rq->card_id, &r, &nf) != ST_OK)
			st = nf.st == ST_NOT_FOUND
				     ? err_set(e, ST_NOT_FOUND, "中心没有 KEY %s 的 PUK，请联系中心管理员导入",
					       rq->card_id)
				     : (*e = nf, nf.st);
	}
	/* A PUK that does not open is the centre's problem, not the request's. */
	if (st == ST_OK && puk_open(k, &r, puk, e) != ST_OK)
		st = e->st = ST_STATE;
	if (st == ST_OK) {
		json_t *after = json_pack("{s:s, s:s, s:s, s:i}", "number", app.number, "card_id",
					  rq->card_id, "terminal_id", peer->terminal_id, "released",
					  (int)r.released + 1);
		char *text = jx_dump(after);
		json_decref(after);
		struct audit_rec rec = { .action = "key.puk_release", .entity = "application",
					 .entity_id = app.id, .after = text };
		st = audit_append(db, &who, &rec, e);
		free(text);
	}
	if (st == ST_OK)
		st = puk_repo_released(db, rq->card_id, e);
	if (st == ST_OK)
		st = db_commit(db, e);
	else
		db_rollback(db);
	if (st != ST_OK) {
		sodium_memzero(puk, KEY_PUK_MAX);
		return st;
	}
	snprintf(number, NUMBER_MAX, "%s", app.number);
	return ST_OK;
}
