#ifndef CERTDESK_SVC_APP_H
#define CERTDESK_SVC_APP_H

#include <limits.h>

#include "adapt/sms.h"
#include "store/db.h"
#include "svc/svc.h"
#include "util/config.h"

/*
 * The terminal's data directory opened for work: the database, the log,
 * the attachment store. Both front ends (screen and subcommands) start here.
 *
 * The directory is, in order: the --data option, $CERTDESK_DATA,
 * $XDG_DATA_HOME/certdesk, ~/.local/share/certdesk.
 */
struct app {
	char data_dir[PATH_MAX];
	char db_path[PATH_MAX];
	struct db *db;
	struct svc svc;
	struct config cfg;            /* DIR/certdesk.conf (defaults when absent) */
	struct sms_gateway *sms;      /* NULL when the configuration is unusable */
	char sms_error[256];          /* why there is no gateway */
};

/* Resolve the directory (override may be NULL) without opening anything. */
enum status app_data_dir(const char *override, char out[PATH_MAX], struct err *e);
/* Create the directory if needed, read the configuration, open the log,
 * the database (migrating it) and the SMS gateway (sms.driver, default
 * "file" spooling to DIR/sms-spool.txt). A bad configuration file is an
 * error; an unusable gateway is not (app->sms_error says why, and sending
 * a code reports it). On failure nothing is left open. */
enum status app_open(struct app *app, const char *override, struct err *e);
void app_close(struct app *app);

#endif
