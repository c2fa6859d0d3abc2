/*
 * mkapp: give an application its documents through the use cases, for
 * tests (the command line has no subcommand for scans: the screen adds
 * them). Applicants and applications themselves come from
 * `certdesk import`.
 *
 *   mkapp --data DIR --user USER attach NUMBER TYPE FILE...
 *   mkapp --data DIR --user USER paper NUMBER TYPE
 *
 * TYPE is a document type code (licence, agent_id, other...). The password
 * is read from $CERTDESK_PASSWORD. Prints one line per attachment made.
 * Exit 0 on success, 1 on a refusal (message on stderr), 2 on bad usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "svc/app.h"
#include "svc/application.h"
#include "svc/staff.h"

static int usage(void)
{
	fprintf(stderr, "usage: mkapp --data DIR --user USER attach NUMBER TYPE FILE...\n"
			"       mkapp --data DIR --user USER paper NUMBER TYPE\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *data = NULL, *user = NULL;
	int i = 1;
	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (strcmp(argv[i], "--data") == 0)
			data = argv[i + 1];
		else if (strcmp(argv[i], "--user") == 0)
			user = argv[i + 1];
		else
			return usage();
	}
	if (!data || !user || argc - i < 3)
		return usage();
	const char *verb = argv[i], *number = argv[i + 1], *type_code = argv[i + 2];
	bool attach = strcmp(verb, "attach") == 0;
	if (!attach && strcmp(verb, "paper") != 0)
		return usage();
	if (attach ? argc - i < 4 : argc - i != 3)
		return usage();
	enum doc_type type;
	if (!doc_type_parse(type_code, &type)) {
		fprintf(stderr, "mkapp: unknown document type %s\n", type_code);
		return 2;
	}
	const char *pw = getenv("CERTDESK_PASSWORD");
	struct app app;
	struct err e;
	err_clear(&e);
	if (app_open(&app, data, &e) != ST_OK) {
		fprintf(stderr, "mkapp: %s\n", err_text(&e));
		return 1;
	}
	int rc = 1;
	struct actor actor;
	struct application a;
	bool must_change;
	if (svc_login(&app.svc, user, pw ? pw : "", &actor, &must_change, &e) != ST_OK ||
	    svc_application_by_number(&app.svc, number, &a, &e) != ST_OK)
		goto out;
	if (!attach) {
		if (svc_application_paper(&app.svc, &actor, a.id, type, true, &e) != ST_OK)
			goto out;
	} else {
		for (int k = i + 3; k < argc; k++) {
			char id[UUID_LEN + 1];
			if (svc_attach_file(&app.svc, &actor, app.data_dir, a.id, type, argv[k], id, &e) !=
			    ST_OK)
				goto out;
			printf("attached %s %s\n", argv[k], id);
		}
	}
	rc = 0;
out:
	if (rc)
		fprintf(stderr, "mkapp: %s\n", err_text(&e));
	app_close(&app);
	return rc;
}
