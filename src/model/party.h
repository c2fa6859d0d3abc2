#ifndef CERTDESK_MODEL_PARTY_H
#define CERTDESK_MODEL_PARTY_H

/* Applicants (经办人/申请人) and enterprises (企业): the records. */
#include <stdbool.h>

#include "util/status.h"
#include "util/uuid.h"

#define PHONE_MAX 12            /* 11 digits */
#define ID_NUMBER_MAX 19        /* 18 characters */
#define CREDIT_CODE_MAX 19
#define PERSON_NAME_MAX 97      /* 32 characters */
#define ORG_NAME_MAX 193        /* 64 characters */
#define EMAIL_MAX 255
#define ADDRESS_MAX 385         /* 128 characters */
#define POSTAL_MAX 7
#define TEL_MAX 33              /* landline or mobile, as typed */

struct applicant {
	char id[UUID_LEN + 1];
	char phone[PHONE_MAX];
	char name[PERSON_NAME_MAX];
	char id_number[ID_NUMBER_MAX];
	char email[EMAIL_MAX];
	char address[ADDRESS_MAX];
	char postal_code[POSTAL_MAX];
	bool has_portal_password;
	bool verified;                  /* phone checked by SMS code */
	char office_id[UUID_LEN + 1];
	char created_at[21];
	long version;
};

struct enterprise {
	char id[UUID_LEN + 1];
	char credit_code[CREDIT_CODE_MAX];
	char name[ORG_NAME_MAX];
	char legal_rep[PERSON_NAME_MAX];
	char address[ADDRESS_MAX];
	char phone[TEL_MAX];
	long version;
};

/* An enterprise's name: 2-64 characters, no control characters. */
bool check_org_name(const char *s, struct err *e);
/* A postal address: 4-128 characters. */
bool check_address(const char *s, struct err *e);
/* A telephone number as people write it: digits, spaces, '-', '+', '(', ')',
 * with 7 to 20 digits. */
bool check_tel(const char *s, struct err *e);
/* A certificate serial in hex (1-40 hex digits, ':' and spaces allowed
 * between bytes); see cert_serial_normalize. */
bool check_cert_serial(const char *s, struct err *e);
/* The applicant's portal password: 8-32 printable ASCII characters with at
 * least one letter and one digit. */
bool check_portal_password(const char *s, struct err *e);
/* Upper-case hex without separators, leading zeros kept; in place. */
void cert_serial_normalize(char *s);

#endif
