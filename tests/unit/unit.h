#ifndef CERTDESK_TESTS_UNIT_H
#define CERTDESK_TESTS_UNIT_H

#include <CUnit/CUnit.h>

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

#endif
