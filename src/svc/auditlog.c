#include "svc/auditlog.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "model/application.h"
#include "store/app_repo.h"
#include "store/order_repo.h"
#include "util/clock.h"

/* A local date's midnight as UTC ISO text; `next` for the day after. */
static bool local_bound(const char *date, bool next, char out[21])
{
	int y, m, d;
	time_t check;
	if (!clock_parse_iso(date, &check) || sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		return false;
	struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d + (next ? 1 : 0),
			 .tm_isdst = -1 };
	clock_iso(mktime(&tm), out);
	return true;
}

int svc_auditlog_page(struct svc *svc, const struct actor *a, const struct auditlog_filter *f,
		      enum page_dir dir, long long key, struct audit_row *out, int max,
		      struct err *e)
{
	if (!actor_can(a, ROLE_SUPERVISOR)) {
		err_set(e, ST_DENIED, "只有审核员和管理员可以查看审计日志");
		return -1;
	}
	char from[21] = "", to[21] = "", id[UUID_LEN + 1] = "";
	if (f->from[0] && !local_bound(f->from, false, from)) {
		err_field(e, "from", ST_INVALID, "起始日期应为 YYYY-MM-DD");
		return -1;
	}
	if (f->to[0] && !local_bound(f->to, true, to)) {
		err_field(e, "to", ST_INVALID, "截止日期应为 YYYY-MM-DD");
		return -1;
	}
	if (f->record[0]) {
		struct err nf;
		struct application app;
		struct order o;
		if (number_looks_valid(f->record)) {
			if (app_repo_by_number(svc->db, f->record, &app, &nf) == ST_OK)
				snprintf(id, sizeof id, "%s", app.id);
			else if (order_repo_by_number(svc->db, f->record, &o, &nf) == ST_OK)
				snprintf(id, sizeof id, "%s", o.id);
			else
				return 0;
		} else {
			snprintf(id, sizeof id, "%s", f->record);
		}
	}
	struct audit_where w = { f->actor, id, from, to };
	return audit_page(svc->db, &w, dir, key, out, max, e);
}
