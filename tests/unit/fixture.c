/* Fixtures shared by the unit suites (unit.h). */
#include <stdbool.h>

#include "svc/staff.h"
#include "unit.h"

bool unit_office(struct svc *svc, struct actor *admin, struct actor *clerk, struct actor *super)
{
	struct err e;
	bool must;
	struct setup_input in = { "SZFT", "深圳福田受理点", "1号窗口", "admin", "张管理", "Adm1nPass" };
	return svc_setup(svc, &in, admin, &e) == ST_OK &&
	       svc_staff_create(svc, admin, "clerk", "李受理", ROLE_CLERK, "Passw0rd1", NULL, &e) == ST_OK &&
	       svc_staff_create(svc, admin, "super", "王审核", ROLE_SUPERVISOR, "Passw0rd1", NULL, &e) ==
		       ST_OK &&
	       svc_login(svc, "clerk", "Passw0rd1", clerk, &must, &e) == ST_OK &&
	       svc_login(svc, "super", "Passw0rd1", super, &must, &e) == ST_OK;
}
