/* The unit test runner: every suite of suites.def, or the ones named. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "unit.h"

struct entry {
	const char *name;
	void (*add)(void);
};

static const struct entry suites[] = {
#define SUITE(name) { #name, suite_##name },
#include "suites.def"
#undef SUITE
};

void unit_add(const char *suite, CU_InitializeFunc init, CU_CleanupFunc clean,
	      const struct unit_test *tests, size_t n)
{
	CU_pSuite s = CU_add_suite(suite, init, clean);
	if (!s) {
		fprintf(stderr, "cannot add suite %s: %s\n", suite, CU_get_error_msg());
		exit(2);
	}
	for (size_t i = 0; i < n; i++)
		if (!CU_add_test(s, tests[i].name, tests[i].fn)) {
			fprintf(stderr, "cannot add test %s\n", tests[i].name);
			exit(2);
		}
}

int main(int argc, char **argv)
{
	/* Tests must not depend on the developer's time zone or pinned clock. */
	setenv("TZ", "Asia/Shanghai", 1);
	unsetenv("CERTDESK_NOW");
	if (CU_initialize_registry() != CUE_SUCCESS)
		return 2;
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++) {
		bool want = argc < 2;
		for (int a = 1; a < argc; a++)
			want |= strcmp(argv[a], suites[i].name) == 0;
		if (want)
			suites[i].add();
	}
	CU_basic_set_mode(CU_BRM_NORMAL);
	CU_basic_run_tests();
	/* A suite whose set-up failed runs none of its tests: that is a failure. */
	unsigned failed = CU_get_number_of_tests_failed() + CU_get_number_of_failures() +
			  CU_get_number_of_suites_failed();
	unsigned run = CU_get_number_of_tests_run();
	CU_cleanup_registry();
	if (run == 0) {
		fprintf(stderr, "no tests ran\n");
		return 1;
	}
	return failed != 0;
}
