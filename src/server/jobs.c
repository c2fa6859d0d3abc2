/* certdeskd's timed jobs (server/jobs.h). */
#include "server/jobs.h"

#include "server/centre.h"
#include "svc/lifecycle.h"
#include "util/clock.h"
#include "util/log.h"

void jobs_lifecycle_run(void)
{
	struct err e;
	err_clear(&e);
	struct db *db = centre_db_get(&e);
	if (!db) {
		log_warn("lifecycle job not run: %s", err_text(&e));
		return;
	}
	struct svc svc = { .db = db, .centre = true };
	long revoked = 0, failed = 0;
	double t0 = clock_ms();
	for (;;) {
		struct lc_run run;
		centre_write_lock();
		enum status st = svc_lifecycle_run_centre(&svc, JOBS_LIFECYCLE_SLICE, &run, &e);
		centre_write_unlock();
		revoked += run.revoked;
		failed += run.failed;
		if (st != ST_OK)
			log_warn("lifecycle job: %s", err_text(&e));
		/* Stop when nothing more is due, and when a slice made no
		 * progress (all refused): the next run tries those again. */
		if (!run.more || run.revoked == 0)
			break;
	}
	centre_db_put(db);
	log_info("lifecycle job: %ld revoked, %ld failed, %.0f ms", revoked, failed, clock_ms() - t0);
}
