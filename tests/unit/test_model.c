/* Pure rules of applications and parties. */
#include <string.h>

#include "model/application.h"
#include "model/attachment.h"
#include "model/form.h"
#include "model/party.h"
#include "model/validate.h"
#include "unit.h"

static void test_transitions(void)
{
	struct err e;
	enum app_status to;
	CU_ASSERT_TRUE(app_transition(APP_DRAFT, APP_SUBMIT, &to, &e) && to == APP_PENDING_REVIEW);
	CU_ASSERT_TRUE(app_transition(APP_RETURNED, APP_SUBMIT, &to, &e) && to == APP_PENDING_REVIEW);
	CU_ASSERT_TRUE(app_transition(APP_PENDING_REVIEW, APP_ACCEPT, &to, &e) && to == APP_ACCEPTED);
	CU_ASSERT_TRUE(app_transition(APP_PENDING_REVIEW, APP_RETURN, &to, &e) && to == APP_RETURNED);
	CU_ASSERT_TRUE(app_transition(APP_ACCEPTED, APP_MAKE, &to, &e) && to == APP_READY);
	CU_ASSERT_TRUE(app_transition(APP_READY, APP_SHIP, &to, &e) && to == APP_SHIPPED);
	CU_ASSERT_TRUE(app_transition(APP_READY, APP_COLLECT, &to, &e) && to == APP_COLLECTED);
	for (int s = 0; s < APP__COUNT; s++) {
		bool may = app_transition((enum app_status)s, APP_CANCEL, &to, &e);
		CU_ASSERT_EQUAL(may, s == APP_DRAFT || s == APP_PENDING_REVIEW || s == APP_RETURNED);
		CU_ASSERT_EQUAL(app_clerk_may_edit((enum app_status)s), may);
	}
	CU_ASSERT_FALSE(app_transition(APP_ACCEPTED, APP_SUBMIT, &to, &e));
	CU_ASSERT_PTR_NOT_NULL(strstr(e.msg, "申请受理中"));
	CU_ASSERT_FALSE(app_transition(APP_DRAFT, APP_ACCEPT, &to, &e));
	CU_ASSERT_FALSE(app_transition(APP_SHIPPED, APP_COLLECT, &to, &e));
	CU_ASSERT_FALSE(app_supervisor_may_edit(APP_COLLECTED));
	CU_ASSERT_TRUE(app_supervisor_may_edit(APP_ACCEPTED));
	CU_ASSERT_EQUAL(app_action_role(APP_ACCEPT), ROLE_SUPERVISOR);
	CU_ASSERT_EQUAL(app_action_role(APP_SUBMIT), ROLE_CLERK);
}

static void test_codes_round_trip(void)
{
	for (int k = 0; k < KIND__COUNT; k++) {
		enum app_kind back;
		CU_ASSERT_TRUE(app_kind_parse(app_kind_code((enum app_kind)k), &back) && back == (enum app_kind)k);
	}
	for (int s = 0; s < APP__COUNT; s++) {
		enum app_status back;
		CU_ASSERT_TRUE(app_status_parse(app_status_code((enum app_status)s), &back) &&
			       back == (enum app_status)s);
	}
	enum doc_type d;
	CU_ASSERT_TRUE(doc_type_parse("licence", &d) && d == DOC_LICENCE);
	CU_ASSERT_FALSE(doc_type_parse("passport", &d));
	CU_ASSERT_STRING_EQUAL(app_status_label(APP_PENDING_REVIEW), "待审核");
}

static bool has(const enum doc_type *list, int n, enum doc_type t)
{
	for (int i = 0; i < n; i++)
		if (list[i] == t)
			return true;
	return false;
}

static void test_required_docs(void)
{
	enum doc_type l[DOC__COUNT];
	int n = app_required_docs(KIND_NEW, SUBJECT_ENTERPRISE, l);
	CU_ASSERT_TRUE(has(l, n, DOC_LICENCE) && has(l, n, DOC_LEGAL_REP_ID) && has(l, n, DOC_AGENT_ID) &&
		       has(l, n, DOC_AUTHORISATION));
	n = app_required_docs(KIND_RENEWAL, SUBJECT_ENTERPRISE, l);
	CU_ASSERT_FALSE(has(l, n, DOC_LEGAL_REP_ID));
	n = app_required_docs(KIND_NEW, SUBJECT_PERSONAL, l);
	CU_ASSERT_EQUAL(n, 1);
	CU_ASSERT_EQUAL(l[0], DOC_HOLDER_ID);
	n = app_required_docs(KIND_REISSUE, SUBJECT_PERSONAL, l);
	CU_ASSERT_TRUE(has(l, n, DOC_LOSS_STATEMENT));
	n = app_required_docs(KIND_CHANGE, SUBJECT_ENTERPRISE, l);
	CU_ASSERT_TRUE(has(l, n, DOC_CHANGE_PROOF));
}

static void test_numbers(void)
{
	char n[48];
	number_format("SQ", "SZFT", "01", "20261125", 7, n);
	CU_ASSERT_STRING_EQUAL(n, "SQ-SZFT-01-20261125-0007");
	CU_ASSERT_TRUE(number_looks_valid(n));
	number_format("DD", "HQ", "12", "20261125", 12345, n);
	CU_ASSERT_STRING_EQUAL(n, "DD-HQ-12-20261125-12345");
	CU_ASSERT_TRUE(number_looks_valid(n));
	CU_ASSERT_FALSE(number_looks_valid("SQ-SZFT-01-2026112-0001"));
	CU_ASSERT_FALSE(number_looks_valid("sq-SZFT-01-20261125-0001"));
	CU_ASSERT_FALSE(number_looks_valid("SQ-SZFT-1-20261125-0001"));
	CU_ASSERT_FALSE(number_looks_valid("SQ-SZFT-01-20261125-001"));
	CU_ASSERT_FALSE(number_looks_valid("13812345678"));
	CU_ASSERT_FALSE(number_looks_valid("SQ-SZ FT-01-20261125-0001"));
}

static void test_party_checks(void)
{
	struct err e;
	CU_ASSERT_TRUE(check_org_name("福州某某科技有限公司", &e));
	CU_ASSERT_FALSE(check_org_name("福", &e));
	CU_ASSERT_TRUE(check_tel("0591-87654321", &e));
	CU_ASSERT_TRUE(check_tel("+86 138 1234 5678", &e));
	CU_ASSERT_FALSE(check_tel("12345", &e));
	CU_ASSERT_FALSE(check_tel("0591-8765432a", &e));
	CU_ASSERT_TRUE(check_cert_serial("4a:3f:00:12", &e));
	CU_ASSERT_FALSE(check_cert_serial("4g", &e));
	char s[] = "4a:3f 00:12";
	cert_serial_normalize(s);
	CU_ASSERT_STRING_EQUAL(s, "4A3F0012");
	CU_ASSERT_TRUE(check_portal_password("Portal123", &e));
	CU_ASSERT_FALSE(check_portal_password("portalonly", &e));
	CU_ASSERT_FALSE(check_portal_password("Port 123", &e));
	CU_ASSERT_FALSE(check_address("深圳", &e));
}

static void test_sniff(void)
{
	struct err e;
	CU_ASSERT_STRING_EQUAL(attach_sniff((const unsigned char *)"%PDF-1.7\n", 9, &e), "application/pdf");
	CU_ASSERT_STRING_EQUAL(attach_sniff((const unsigned char *)"\xFF\xD8\xFF\xE0", 4, &e), "image/jpeg");
	CU_ASSERT_STRING_EQUAL(attach_sniff((const unsigned char *)"\x89PNG\r\n\x1a\n", 8, &e), "image/png");
	CU_ASSERT_PTR_NULL(attach_sniff((const unsigned char *)"GIF89a", 6, &e));
	CU_ASSERT_PTR_NULL(attach_sniff((const unsigned char *)"%PD", 3, &e));
	CU_ASSERT_PTR_NULL(attach_sniff((const unsigned char *)"", 0, &e));
	char t[32];
	attach_size_text(1536, t);
	CU_ASSERT_STRING_EQUAL(t, "2 KB");
	attach_size_text(3 * 1024 * 1024 / 2, t);
	CU_ASSERT_STRING_EQUAL(t, "1.5 MB");
}

static void test_forms_declared(void)
{
	/* Every declared check exists, and every form the screens open is there. */
	static const char *const names[] = { "setup", "login", "passwd", "staff_new", "staff_edit",
		"staff_reset", "applicant_register", "applicant_edit", "portal_password",
		"application_enterprise", "application_personal", "application_start", "reason",
		"attach", "search", "applicant_search", "review" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const struct form_def *f = form_find(names[i]);
		CU_ASSERT_PTR_NOT_NULL_FATAL(f);
		for (int j = 0; j < f->nfields; j++) {
			if (f->fields[j].check)
				CU_ASSERT_PTR_NOT_NULL(check_by_name(f->fields[j].check));
			if (f->fields[j].type == FT_CHOICE)
				CU_ASSERT_TRUE(choices_count(f->fields[j].choices) > 0);
		}
	}
	char code[64], label[64];
	CU_ASSERT_TRUE(choices_get("a=甲|b=乙", 1, code, label));
	CU_ASSERT_STRING_EQUAL(code, "b");
	CU_ASSERT_STRING_EQUAL(label, "乙");
	CU_ASSERT_EQUAL(choices_find("=全部|x=某", ""), 0);
	CU_ASSERT_EQUAL(choices_find("=全部|x=某", "y"), -1);
	const struct form_field *f = form_field(form_find("applicant_register"), "phone");
	struct err e;
	CU_ASSERT_FALSE(form_check(f, "", &e));
	CU_ASSERT_STRING_EQUAL(e.msg, "请输入手机号");
	CU_ASSERT_FALSE(form_check(f, "1381234567a", &e));
	CU_ASSERT_TRUE(form_check(f, "13812345678", &e));
}

void suite_model(void)
{
	UNIT_SUITE("model", NULL, NULL,
		   { "application transitions", test_transitions },
		   { "codes round trip", test_codes_round_trip },
		   { "required documents", test_required_docs },
		   { "readable numbers", test_numbers },
		   { "party checks", test_party_checks },
		   { "attachment type by content", test_sniff },
		   { "forms declared", test_forms_declared });
}
