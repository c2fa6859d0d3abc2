#ifndef CERTDESK_SVC_SESSION_H
#define CERTDESK_SVC_SESSION_H

/*
 * Session tickets for the command line, after sudo's timestamps: once a
 * staff member has given their password to a subcommand, the next
 * subcommands they run from the same login session within a few minutes
 * need not verify it again (Argon2id costs ~70 ms and 64 MB on purpose,
 * which would otherwise be most of a `certdesk print`).
 *
 * A ticket is a file DATA/sessions/UID+USERNAME+SESSION, mode 0600 in a
 * 0700 directory, owned by the user, holding: the staff member, the uid,
 * the login session (its id, its leader's start time and the boot id, so
 * a reused session id or a reboot does not match), when the password was
 * given and when the ticket was last used, and a stamp of the password
 * hash, all under an HMAC-SHA-256 keyed with a random per-database secret
 * (settings "session_key"). A ticket is refused when any of that does not
 * match, when it was unused for SESSION_IDLE_S or is older than
 * SESSION_MAX_S, when the clock went back, or when the account is now
 * disabled, locked or must change its password. A password change (own or
 * an admin's reset) changes the hash and so ends every ticket of that
 * account; `certdesk logout` removes them at once.
 *
 * Anyone who can read the database can make tickets, but could as well
 * change the password hashes in it: the database file stays the boundary.
 * Tickets are never used by the full-screen program, and never by the
 * centre.
 */
#include <stdbool.h>

#include "model/staff.h"
#include "svc/app.h"

#define SESSION_IDLE_S 300      /* unused for five minutes: expired */
#define SESSION_MAX_S 3600      /* an hour after the password, whatever the use */

/*
 * After `a` logged in with a password: write (or replace) the ticket of
 * this uid and login session. ST_UNSUPPORTED when this process has no
 * identifiable login session (then no ticket is kept); other failures are
 * I/O or database errors. Callers may ignore failures: the login stands.
 */
enum status svc_session_issue(struct app *app, const struct actor *a, struct err *e);

/*
 * The ticket of `username` for this uid and login session: when valid,
 * fills *out as svc_login would, marks the ticket used, and returns ST_OK.
 * ST_NOT_FOUND when there is none or it expired (then it is removed);
 * ST_AUTH when it does not verify or no longer fits the account (also
 * removed; e says why, for the log); ST_UNSUPPORTED as above.
 */
enum status svc_session_resume(struct app *app, const char *username, struct actor *out,
			       struct err *e);

/*
 * Remove every ticket of `username` for this uid (all login sessions).
 * *removed (may be NULL) gets how many there were. ST_OK also when none.
 */
enum status svc_session_end(struct app *app, const char *username, int *removed, struct err *e);

#endif
