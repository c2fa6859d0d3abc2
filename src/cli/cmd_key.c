/*
 * certdesk key: USB KEYs from the command line, for scripts and tests.
 *
 *   key list                       the readers, and whether a KEY is in each
 *   key read   [--reader NAME]     the certificates on the KEY
 *   key bind   PHONE [--reader NAME]
 *                                  verify the PIN (one line on standard input,
 *                                  never an argument) and bind the KEY's
 *                                  certificates to the applicant with that phone
 *   key renew  PHONE [--reader NAME] [--slot auth|sign] [--years N]
 *                                  a renewal application (draft) filled from
 *                                  the KEY's certificate
 *   key unlock [NUMBER] [--reader NAME]
 *                                  unlock the KEY's blocked PIN for its
 *                                  accepted unlock application (the one
 *                                  waiting for this KEY when NUMBER is left
 *                                  out): the PUK from the centre, the new PIN
 *                                  twice on standard input (two lines)
 *   key change-pin [--reader NAME] the applicant changes the PIN: old PIN,
 *                                  new PIN, new PIN again (three lines)
 *
 * --wait SECONDS waits that long for a KEY to be inserted (default: none).
 * bind and renew act as a staff member (--user, CERTDESK_PASSWORD).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "model/validate.h"
#include "svc/applicant.h"
#include "svc/application.h"
#include "svc/key.h"
#include "svc/unlock.h"
#include "sync/sync_puk.h"
#include "util/clock.h"

static const char *const usage_text =
	"用法：certdesk key list\n"
	"       certdesk key read [--reader NAME] [--wait SECONDS]\n"
	"       certdesk --user USER key bind PHONE [--reader NAME] [--wait SECONDS]   （PIN 从标准输入读取）\n"
	"       certdesk --user USER key renew PHONE [--reader NAME] [--slot auth|sign] [--years N]\n"
	"       certdesk --user USER key unlock [NUMBER] [--reader NAME]   （新 PIN 两行，从标准输入读取）\n"
	"       certdesk --user USER key change-pin [--reader NAME]   （原 PIN、新 PIN、新 PIN 三行，从标准输入读取）";

struct key_opts {
	const char *reader;
	const char *slot;
	int wait_s;
	int years;
};

static int usage(void)
{
	cli_error("%s", usage_text);
	return EXIT_USAGE;
}

/* Connect to PC/SC and, when asked, wait for a KEY. Prints the error. */
static bool open_token(const struct key_opts *o, struct token_ctx **ctx)
{
	struct err e;
	err_clear(&e);
	if (token_open(ctx, &e) != ST_OK) {
		cli_fail(&e);
		return false;
	}
	if (o->wait_s > 0 &&
	    token_wait_card(*ctx, o->reader, o->wait_s * 1000, NULL, &e) != ST_OK) {
		cli_fail(&e);
		token_close(*ctx);
		*ctx = NULL;
		return false;
	}
	return true;
}

/* "2025-11-08 16:00", local time. */
static const char *local_time(time_t t, char buf[17])
{
	clock_local(t, buf);
	return buf;
}

static void print_cert(const struct key_cert *kc, time_t now)
{
	const struct cert *c = &kc->cert;
	char from[17], to[17], standing[64];
	key_standing(c->not_before, c->not_after, now, standing, sizeof standing);
	struct cert_holder h;
	cert_holder_of(c, &h);
	printf("\n%s（%s）\n", token_slot_label(kc->slot), token_slot_code(kc->slot));
	printf("  主题：%s\n", c->subject);
	if (h.subject == SUBJECT_ENTERPRISE)
		printf("  持有人：企业 %s%s%s%s\n", h.org, h.credit_code[0] ? "（统一社会信用代码 " : "",
		       h.credit_code, h.credit_code[0] ? "）" : "");
	else
		printf("  持有人：个人 %s\n", h.person);
	printf("  颁发者：%s\n", c->issuer);
	printf("  序列号：%s\n", c->serial);
	printf("  有效期：%s 至 %s（%s）\n", local_time(c->not_before, from),
	       local_time(c->not_after, to), standing);
	printf("  算法：%s（%s）\n", c->key_desc, c->sig_alg);
	printf("  SHA-256：%s\n", c->sha256);
	printf("  SM3：%s\n", c->sm3);
}

static void print_contents(const struct key_contents *kc)
{
	time_t now = clock_now();
	printf("读卡器：%s\n", kc->reader);
	printf("KEY：%s%s%s\n", kc->driver, kc->card_id[0] ? "，标识 " : "，无标识", kc->card_id);
	for (int i = 0; i < kc->ncerts; i++)
		print_cert(&kc->certs[i], now);
	for (int i = 0; i < kc->nbad; i++)
		printf("\n%s（%s）：%s\n", token_slot_label(kc->bad[i].slot),
		       token_slot_code(kc->bad[i].slot), kc->bad[i].msg);
}

static int do_list(void)
{
	struct token_ctx *ctx;
	struct token_reader_list l;
	struct err e;
	err_clear(&e);
	if (token_open(&ctx, &e) != ST_OK)
		return cli_fail(&e);
	enum status st = token_list_readers(ctx, &l, &e);
	token_close(ctx);
	if (st != ST_OK)
		return cli_fail(&e);
	if (l.n == 0) {
		cli_error("未检测到读卡器，请插入读卡器或 USB KEY 后重试。");
		return EXIT_FAIL;
	}
	for (size_t i = 0; i < l.n; i++)
		printf("%s\t%s\n", l.items[i].name, token_state_label(l.items[i].state));
	token_reader_list_done(&l);
	return EXIT_OK;
}

static int do_read(const struct key_opts *o)
{
	struct token_ctx *ctx;
	if (!open_token(o, &ctx))
		return EXIT_FAIL;
	struct key_contents kc;
	struct err e;
	err_clear(&e);
	enum status st = svc_key_read(ctx, o->reader, &kc, &e);
	token_close(ctx);
	if (st != ST_OK)
		return cli_fail(&e);
	print_contents(&kc);
	if (key_contents_usable(&kc, &e) != ST_OK)
		return cli_fail(&e);
	return EXIT_OK;
}

/* The applicant with this phone; prints the error. */
static bool applicant_of(struct cli *c, const char *phone, struct applicant *out)
{
	struct err e;
	err_clear(&e);
	if (!check_mobile(phone, &e)) {
		cli_fail(&e);
		return false;
	}
	if (svc_applicant_by_phone(&c->app.svc, phone, out, &e) != ST_OK) {
		char masked[32];
		mask_mobile(phone, masked);
		if (e.st == ST_NOT_FOUND)
			cli_error("手机号 %s 尚未注册：请先登记申请人", masked);
		else
			cli_fail(&e);
		return false;
	}
	return true;
}

/* The PIN: one line of standard input, without echo when it is a terminal. */
static bool read_pin(char *pin, size_t n)
{
	bool ok = isatty(STDIN_FILENO) ? cli_prompt_secret("KEY 的 PIN：", pin, n)
				       : cli_read_line(pin, n);
	if (!ok || !pin[0]) {
		cli_error("请在标准输入的第一行提供 KEY 的 PIN（不要写在命令行上）");
		return false;
	}
	return true;
}

static int do_bind(struct cli *c, const char *phone, const struct key_opts *o)
{
	struct applicant ap;
	if (!cli_login(c) || !applicant_of(c, phone, &ap))
		return EXIT_FAIL;
	char pin[64];
	if (!read_pin(pin, sizeof pin))
		return EXIT_FAIL;
	struct token_ctx *ctx;
	if (!open_token(o, &ctx)) {
		explicit_bzero(pin, sizeof pin);
		return EXIT_FAIL;
	}
	struct key_bind_result *r = malloc(sizeof *r);
	if (!r) {
		explicit_bzero(pin, sizeof pin);
		token_close(ctx);
		cli_error("内存不足");
		return EXIT_FAIL;
	}
	struct err e;
	err_clear(&e);
	enum status st = svc_key_bind(&c->app.svc, &c->actor, ctx, o->reader, ap.id, pin, r, &e);
	explicit_bzero(pin, sizeof pin);
	token_close(ctx);
	char masked[32];
	mask_mobile(ap.phone, masked);
	int rc = EXIT_OK;
	if (st != ST_OK) {
		rc = cli_fail(&e);
	} else {
		printf("已将 %d 张证书绑定到 %s（%s）。\n", r->bound, ap.name, masked);
		for (int i = 0; i < r->kc.ncerts; i++)
			printf("  %s  序列号 %s\n", token_slot_label(r->kc.certs[i].slot),
			       r->kc.certs[i].cert.serial);
		if (r->already)
			printf("另有 %d 张证书此前已绑定到该申请人。\n", r->already);
		if (r->moved)
			printf("其中 %d 张原绑定到 %s，已由审核员改绑。\n", r->moved, r->moved_from);
	}
	if (r->default_pin)
		cli_error("请尽快修改默认 PIN：该 KEY 仍在使用出厂默认 PIN（%s）。", KEY_DEFAULT_PIN);
	free(r);
	return rc;
}

/* The certificate to renew: the one in --slot, or the only one. */
static const struct key_cert *pick_cert(const struct key_contents *kc, const char *slot_code)
{
	if (slot_code) {
		enum token_slot slot;
		if (!token_slot_parse(slot_code, &slot)) {
			cli_error("未知的证书位置 %s（可用：auth、sign）", slot_code);
			return NULL;
		}
		for (int i = 0; i < kc->ncerts; i++)
			if (kc->certs[i].slot == slot)
				return &kc->certs[i];
		for (int i = 0; i < kc->nbad; i++)
			if (kc->bad[i].slot == slot) {
				cli_error("%s", kc->bad[i].msg);
				return NULL;
			}
		cli_error("KEY 上没有%s。", token_slot_label(slot));
		return NULL;
	}
	if (kc->ncerts == 1)
		return &kc->certs[0];
	if (kc->ncerts == 0) {
		cli_error("%s", kc->nbad ? kc->bad[0].msg : "KEY 上没有证书，无法续费。");
		return NULL;
	}
	char list[256] = "";
	for (int i = 0; i < kc->ncerts; i++) {
		size_t len = strlen(list);
		snprintf(list + len, sizeof list - len, "%s%s（%s）", i ? "、" : "",
			 token_slot_code(kc->certs[i].slot), token_slot_label(kc->certs[i].slot));
	}
	cli_error("KEY 上有 %d 张证书：%s，请用 --slot 指定要续费的一张。", kc->ncerts, list);
	return NULL;
}

static int do_renew(struct cli *c, const char *phone, const struct key_opts *o)
{
	struct applicant ap;
	if (!cli_login(c) || !applicant_of(c, phone, &ap))
		return EXIT_FAIL;
	struct token_ctx *ctx;
	if (!open_token(o, &ctx))
		return EXIT_FAIL;
	struct key_contents *kc = malloc(sizeof *kc);
	struct key_renewal *rn = malloc(sizeof *rn);
	struct err e;
	err_clear(&e);
	int rc = EXIT_FAIL;
	if (!kc || !rn) {
		cli_error("内存不足");
		goto done;
	}
	if (svc_key_read(ctx, o->reader, kc, &e) != ST_OK) {
		cli_fail(&e);
		goto done;
	}
	const struct key_cert *kcert = pick_cert(kc, o->slot);
	if (!kcert)
		goto done;
	if (svc_key_renewal(&c->app.svc, ap.id, &kcert->cert, rn, &e) != ST_OK) {
		cli_fail(&e);
		goto done;
	}
	struct application_input in = {
		.kind = KIND_RENEWAL,
		.subject = rn->subject,
		.years = o->years,
		.cert_serial = rn->cert_serial,
		.credit_code = rn->credit_code,
		.holder_name = rn->holder_name,
		.legal_rep = rn->legal_rep,
		.phone = rn->phone,
		.address = rn->subject == SUBJECT_ENTERPRISE ? rn->address : ap.address,
		.postal_code = rn->subject == SUBJECT_ENTERPRISE ? "" : ap.postal_code,
		.email = ap.email,
		.delivery = DELIVERY_PICKUP,
	};
	char number[NUMBER_MAX];
	/* The applicant is not reading the agreement here: the draft waits
	 * for it, as an imported one does (certdesk application agree). */
	if (svc_application_import(&c->app.svc, &c->actor, ap.id, &in, NULL, number, &e) != ST_OK) {
		cli_fail(&e);
		goto done;
	}
	printf("已生成续费申请单 %s（草稿）：%s%s %s，原证书序列号 %s，%d 年。\n", number,
	       app_subject_label(rn->subject), app_kind_label(KIND_RENEWAL), rn->holder_name,
	       rn->cert_serial, o->years);
	printf("申请人须在柜台阅读并同意协议书后才能提交：certdesk application agree %s\n", number);
	rc = EXIT_OK;
done:
	token_close(ctx);
	free(kc);
	free(rn);
	return rc;
}

/* PINs: one a line of standard input, or asked for without echo on a
 * terminal. Prints what is missing; wipes what was read on failure. */
static bool read_pins(const char *const *prompts, char (*pins)[64], int n)
{
	bool tty = isatty(STDIN_FILENO);
	for (int i = 0; i < n; i++) {
		bool ok = tty ? cli_prompt_secret(prompts[i], pins[i], 64) : cli_read_line(pins[i], 64);
		if (!ok || !pins[i][0]) {
			for (int k = 0; k < n; k++)
				explicit_bzero(pins[k], 64);
			cli_error("请在标准输入逐行提供：%s%s%s%s%s（不要写在命令行上）", prompts[0],
				  n > 1 ? "、" : "", n > 1 ? prompts[1] : "", n > 2 ? "、" : "",
				  n > 2 ? prompts[2] : "");
			return false;
		}
	}
	return true;
}

/* The unlock application for the KEY in the reader, when the clerk did not
 * name one: the only one waiting for it. Prints why there is none. */
static bool waiting_for(struct cli *c, struct token_ctx *ctx, const char *reader,
			char id[UUID_LEN + 1])
{
	struct key_contents *kc = malloc(sizeof *kc);
	struct err e;
	err_clear(&e);
	if (!kc) {
		cli_error("内存不足");
		return false;
	}
	bool ok = false;
	struct application apps[4];
	if (svc_key_read(ctx, reader, kc, &e) != ST_OK) {
		cli_fail(&e);
	} else if (!kc->card_id[0]) {
		cli_error("此 KEY 没有卡片标识（CHUID），无法在柜台解锁");
	} else {
		int n = svc_unlock_waiting(&c->app.svc, kc->card_id, apps, 4, &e);
		if (n < 0)
			cli_fail(&e);
		else if (n == 0)
			cli_error("没有为此 KEY（标识 %s）受理的解锁申请：请先录入解锁申请，经审核员受理后再解锁",
				  kc->card_id);
		else if (n > 1)
			cli_error("此 KEY 有 %d 份已受理的解锁申请（%s 等），请指定申请单号", n, apps[0].number);
		else {
			memcpy(id, apps[0].id, UUID_LEN + 1);
			ok = true;
		}
	}
	free(kc);
	return ok;
}

static int do_unlock(struct cli *c, const char *number, const struct key_opts *o)
{
	if (!cli_login(c))
		return EXIT_FAIL;
	struct application app;
	struct err e;
	err_clear(&e);
	if (number && svc_application_by_number(&c->app.svc, number, &app, &e) != ST_OK) {
		cli_error("没有申请单 %s", number);
		return EXIT_FAIL;
	}
	static const char *const prompts[] = { "新 PIN", "再次输入新 PIN" };
	char pins[2][64];
	if (!read_pins(prompts, pins, 2))
		return EXIT_FAIL;
	struct token_ctx *ctx;
	int rc = EXIT_FAIL;
	if (!open_token(o, &ctx))
		goto wipe;
	char id[UUID_LEN + 1];
	if (number)
		memcpy(id, app.id, sizeof id);
	else if (!waiting_for(c, ctx, o->reader, id))
		goto close;
	struct puk_source src;
	sync_puk_source(&c->app, &src);
	struct key_unlock_result r;
	if (svc_key_unlock(&c->app.svc, &c->actor, ctx, o->reader, id, &src, pins[0], pins[1], &r,
			   &e) != ST_OK) {
		rc = cli_fail(&e);
		goto close;
	}
	printf("KEY（标识 %s）已解锁，新 PIN 已生效；解锁申请单 %s 已办结。\n", r.card_id, r.number);
	rc = EXIT_OK;
close:
	token_close(ctx);
wipe:
	explicit_bzero(pins, sizeof pins);
	return rc;
}

static int do_change_pin(struct cli *c, const struct key_opts *o)
{
	if (!cli_login(c))
		return EXIT_FAIL;
	static const char *const prompts[] = { "原 PIN", "新 PIN", "再次输入新 PIN" };
	char pins[3][64];
	if (!read_pins(prompts, pins, 3))
		return EXIT_FAIL;
	struct token_ctx *ctx;
	int rc = EXIT_FAIL;
	if (open_token(o, &ctx)) {
		struct key_pin_result r;
		struct err e;
		err_clear(&e);
		if (svc_key_change_pin(&c->app.svc, &c->actor, ctx, o->reader, pins[0], pins[1],
				       pins[2], &r, &e) != ST_OK) {
			rc = cli_fail(&e);
		} else {
			printf("KEY（标识 %s）的 PIN 已修改。\n", r.card_id[0] ? r.card_id : "无");
			rc = EXIT_OK;
		}
		token_close(ctx);
	}
	explicit_bzero(pins, sizeof pins);
	return rc;
}

int cmd_key(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "reader", required_argument, NULL, 'r' },
		{ "wait", required_argument, NULL, 'w' },
		{ "slot", required_argument, NULL, 's' },
		{ "years", required_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 },
	};
	struct key_opts o = { .years = 1 };
	int ch;
	optind = 0; /* 0, not 1: GNU getopt then forgets the main parse's "+" mode */
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		char *end = NULL;
		switch (ch) {
		case 'r':
			o.reader = optarg;
			break;
		case 'w':
			o.wait_s = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || o.wait_s < 0 || o.wait_s > 3600)
				return usage();
			break;
		case 's':
			o.slot = optarg;
			break;
		case 'y':
			o.years = (int)strtol(optarg, &end, 10);
			if (!*optarg || *end || o.years < 1 || o.years > APP_MAX_YEARS)
				return usage();
			break;
		default:
			return usage();
		}
	}
	int rest = argc - optind;
	char **av = argv + optind;
	if (rest < 1)
		return usage();
	const char *verb = av[0];
	if (strcmp(verb, "list") == 0 && rest == 1)
		return do_list();
	if (strcmp(verb, "read") == 0 && rest == 1)
		return do_read(&o);
	if (strcmp(verb, "bind") == 0 && rest == 2)
		return do_bind(c, av[1], &o);
	if (strcmp(verb, "renew") == 0 && rest == 2)
		return do_renew(c, av[1], &o);
	if (strcmp(verb, "unlock") == 0 && rest <= 2)
		return do_unlock(c, rest == 2 ? av[1] : NULL, &o);
	if (strcmp(verb, "change-pin") == 0 && rest == 1)
		return do_change_pin(c, &o);
	return usage();
}
