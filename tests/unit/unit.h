#ifndef CERTDESK_TESTS_UNIT_H
#define CERTDESK_TESTS_UNIT_H

#include <CUnit/CUnit.h>
#include <stdbool.h>

/*
 * Each tests/unit/test_*.c defines one `void suite_NAME(void)` that adds its
 * suite with CU_add_suite and its tests with CU_add_test, and is listed in
 * build/gen/suites.def (made from the file names). Run one suite: build/rel/unit NAME.
 */
#define SUITE(name) void suite_##name(void);
#include "suites.def"
#undef SUITE

/* Add a suite with its tests: ADD_SUITE("name", init, clean, {"t", fn}, ...). */
struct unit_test {
	const char *name;
	CU_TestFunc fn;
};
void unit_add(const char *suite, CU_InitializeFunc init, CU_CleanupFunc clean,
	      const struct unit_test *tests, size_t n);
#define UNIT_SUITE(name, init, clean, ...)                                          \
	do {                                                                        \
		static const struct unit_test t_[] = { __VA_ARGS__ };               \
		unit_add(name, init, clean, t_, sizeof t_ / sizeof t_[0]);          \
	} while (0)

struct svc;
struct actor;
/* A new office on svc's database: its setup with admin "admin" (张管理),
 * a clerk "clerk" (李受理) and a supervisor "super" (王审核), all with the
 * password Passw0rd1 (Adm1nPass for the admin), the two logged in. */
bool unit_office(struct svc *svc, struct actor *admin, struct actor *clerk, struct actor *super);

#endif
