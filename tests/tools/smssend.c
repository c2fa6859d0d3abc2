/*
 * smssend: send messages through the real SMS port (adapt/sms.h), for the
 * integration tests and for trying a gateway by hand.
 *
 *   smssend [--config FILE] [--driver file|http] [--spool PATH] [--url URL]
 *           [--token TOKEN] [--timeout-ms N] [--retries N] [--id ID]
 *           [--repeat N] PHONE TEXT
 *
 * Settings are read as the program reads them: from certdesk.conf (--config,
 * util/config.h) with the same defaults (driver "file", spool sms-spool.txt
 * beside the settings file, timeout 5000 ms, 2 retries); options override the
 * file. --repeat sends N messages, ids ID-1..ID-N (or fresh UUIDs).
 * Prints "ok id=ID ms=T" per message on stdout; on failure prints
 * "error code=CODE ms=T msg=MESSAGE" on stderr and exits 1. Settings-file
 * warnings go to stderr as "warning: ...". Exit 2 on bad usage.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "adapt/sms.h"
#include "util/clock.h"
#include "util/config.h"
#include "util/uuid.h"

static void usage(void)
{
	fprintf(stderr, "usage: smssend [--config FILE] [--driver file|http] [--spool PATH] "
			"[--url URL] [--token TOKEN] [--timeout-ms N] [--retries N] [--id ID] "
			"[--repeat N] PHONE TEXT\n");
	exit(2);
}

static int fail(const struct err *e, double t0)
{
	fprintf(stderr, "error code=%s ms=%.0f msg=%s\n", status_code(e->st), clock_ms() - t0,
		err_text(e));
	return 1;
}

/* Copy a setting into a fixed field; false when it does not fit. */
static bool copy(char *dst, size_t dstsz, const char *src)
{
	return (size_t)snprintf(dst, dstsz, "%s", src) < dstsz;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *opt, *key;
	} opts[] = {
		{ "--driver", "sms.driver" },   { "--spool", "sms.spool" },
		{ "--url", "sms.url" },         { "--token", "sms.token" },
		{ "--timeout-ms", "sms.timeout_ms" }, { "--retries", "sms.retries" },
	};
	const char *conf_path = NULL, *id = NULL;
	long repeat = 1;
	const char *over[sizeof opts / sizeof opts[0]] = { 0 };
	int i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
		if (i + 1 >= argc)
			usage();
		bool found = false;
		for (size_t k = 0; k < sizeof opts / sizeof opts[0]; k++)
			if (strcmp(argv[i], opts[k].opt) == 0) {
				over[k] = argv[i + 1];
				found = true;
			}
		if (found)
			continue;
		if (strcmp(argv[i], "--config") == 0)
			conf_path = argv[i + 1];
		else if (strcmp(argv[i], "--id") == 0)
			id = argv[i + 1];
		else if (strcmp(argv[i], "--repeat") == 0) {
			char *end;
			repeat = strtol(argv[i + 1], &end, 10);
			if (*end || repeat < 1 || repeat > 100000)
				usage();
		} else {
			usage();
		}
	}
	if (argc - i != 2)
		usage();
	const char *phone = argv[i], *text = argv[i + 1];

	double t0 = clock_ms();
	struct err e;
	err_clear(&e);
	struct config cfg;
	enum status st = conf_path ? config_load(conf_path, &cfg, &e) : (config_init(&cfg), ST_OK);
	if (st != ST_OK) {
		config_done(&cfg);
		return fail(&e, t0);
	}
	for (size_t k = 0; k < cfg.nwarnings; k++)
		fprintf(stderr, "warning: %s\n", cfg.warnings[k]);
	for (size_t k = 0; k < sizeof opts / sizeof opts[0] && st == ST_OK; k++)
		if (over[k])
			st = config_set(&cfg, opts[k].key, over[k], &e);

	/* The defaults, as the program fills them: the spool lives beside
	 * the settings file (DATA/sms-spool.txt). */
	struct sms_config sc = { 0 };
	char spool[PATH_MAX] = "";
	if (conf_path) {
		const char *slash = strrchr(conf_path, '/');
		snprintf(spool, sizeof spool, "%.*ssms-spool.txt",
			 slash ? (int)(slash - conf_path + 1) : 0, conf_path);
	}
	long timeout = 0, retries = 0;
	if (st == ST_OK)
		st = config_get_long(&cfg, "sms.timeout_ms", 5000, 1, 600000, &timeout, &e);
	if (st == ST_OK)
		st = config_get_long(&cfg, "sms.retries", 2, 0, 10, &retries, &e);
	if (st == ST_OK && (!copy(sc.driver, sizeof sc.driver, config_get(&cfg, "sms.driver", "file")) ||
			    !copy(sc.spool, sizeof sc.spool, config_get(&cfg, "sms.spool", spool)) ||
			    !copy(sc.url, sizeof sc.url, config_get(&cfg, "sms.url", "")) ||
			    !copy(sc.token, sizeof sc.token, config_get(&cfg, "sms.token", ""))))
		st = err_set(&e, ST_INVALID, "设置值过长");
	sc.timeout_ms = timeout;
	sc.retries = (int)retries;
	config_done(&cfg);
	if (st != ST_OK)
		return fail(&e, t0);

	struct sms_gateway *g;
	if (sms_open(&sc, &g, &e) != ST_OK)
		return fail(&e, t0);
	int rc = 0;
	for (long k = 1; k <= repeat && rc == 0; k++) {
		char mid[SMS_ID_MAX + 32];
		if (id && repeat > 1)
			snprintf(mid, sizeof mid, "%s-%ld", id, k);
		else if (id)
			snprintf(mid, sizeof mid, "%s", id);
		else
			uuid_v7(mid);
		double t1 = clock_ms();
		if (sms_send(g, phone, text, mid, &e) != ST_OK)
			rc = fail(&e, t1);
		else
			printf("ok id=%s ms=%.0f\n", mid, clock_ms() - t1);
	}
	sms_free(g);
	return rc;
}
