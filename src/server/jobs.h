#ifndef CERTDESK_SERVER_JOBS_H
#define CERTDESK_SERVER_JOBS_H

/*
 * certdeskd's timed jobs, run from the main thread between signals
 * (http.c). The lifecycle job revokes every certificate expired for more
 * than 90 days (svc_lifecycle_run_centre), in slices of JOBS_LIFECYCLE_SLICE
 * certificates, each under the centre's write lock, so that pushes queued
 * meanwhile wait for one slice at most.
 */
#define JOBS_LIFECYCLE_SLICE 100
/* The first run after start: this many seconds, or the interval if shorter. */
#define JOBS_LIFECYCLE_FIRST_S 10

/* Run the lifecycle job to the end; logs what it did. Never fails the
 * server: a failure is logged and the next run tries again. */
void jobs_lifecycle_run(void);

#endif
