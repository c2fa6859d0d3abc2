#ifndef CERTDESK_MODEL_VALIDATE_H
#define CERTDESK_MODEL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/*
 * Checks on what people type (DOMAIN.md, "Checks on what people type").
 * Every check takes the value as typed (already trimmed by the caller),
 * returns true when it is valid, and otherwise fills e (ST_INVALID) with one
 * precise Chinese sentence that a form shows beside the field, e.g.
 * "身份证号第18位校验码应为 X，输入的是 3". `e` may be NULL.
 * An empty value is invalid ("请输入手机号"): optional fields are the form's
 * business, not the check's.
 */
typedef bool (*check_fn)(const char *value, struct err *e);

/* Mainland mobile: 11 digits, starts with 1, second digit 3-9. */
bool check_mobile(const char *s, struct err *e);
/* Resident ID (GB 11643-1999): 17 digits + check character (0-9 or X;
 * lower-case x accepted), ISO 7064 MOD 11-2, a real birth date not in the
 * future and not before 1900. */
bool check_id_number(const char *s, struct err *e);
/* Unified social credit code (GB 32100-2015): 18 characters of
 * 0-9 A-H J-N P-R T-U W-Y (no I O Z S V), check character MOD 31;
 * lower-case letters are refused with a hint to use capitals. */
bool check_credit_code(const char *s, struct err *e);
/* E-mail: local@domain.tld, printable ASCII, at most 254 bytes. */
bool check_email(const char *s, struct err *e);
/* Postal code: 6 digits. */
bool check_postal_code(const char *s, struct err *e);
/* ISO 8601 calendar date YYYY-MM-DD that exists. */
bool check_date(const char *s, struct err *e);
/* Money in yuan as typed ("1280", "1280.5", "1,280.50"): at most two
 * decimals, not negative, at most 100,000,000 yuan. */
bool check_amount(const char *s, struct err *e);

/* Parse money in yuan as check_amount accepts it into fen (integer). */
bool parse_amount_fen(const char *s, long long *fen, struct err *e);
/* Format fen as yuan with two decimals and thousands separators:
 * 128050 -> "1,280.50", -5 -> "-0.05". out needs 32 bytes. */
void format_fen(long long fen, char out[32]);

/* Upper-case the check character of an ID number in place ('x' -> 'X'). */
void id_number_normalize(char *s);
/* Birth date (YYYY-MM-DD) of a valid ID number; false when invalid. */
bool id_number_birth(const char *s, char out[11]);

/* Masks for lists and logs (DOMAIN.md): "13812345678" -> "138****5678";
 * ID "110101199003071234" -> "110101********1234" (first 6, last 4);
 * anything that is not a well-formed value is masked whole as "****".
 * out needs 32 bytes. */
void mask_mobile(const char *s, char out[32]);
void mask_id_number(const char *s, char out[32]);

/* A registered check by name, for forms/ ("mobile", "id_number",
 * "credit_code", "email", "postal_code", "date", "amount", "username",
 * "staff_password", "office_code", "name"); NULL when unknown. */
check_fn check_by_name(const char *name);

#endif
