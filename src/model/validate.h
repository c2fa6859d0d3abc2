#ifndef CERTDESK_MODEL_VALIDATE_H
#define CERTDESK_MODEL_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/status.h"

/*
 * Checks on what people type (DOMAIN.md, "Checks on what people type").
 * Every check takes the value as typed (already trimmed by the caller),
 * returns true when it is valid, and otherwise fills e (ST_INVALID, no
 * field name: the form knows its field) with one precise Chinese sentence
 * that a form shows beside the field, e.g.
 * "身份证号第 18 位校验码应为 X，输入的是 3，请逐位核对". `e` may be NULL.
 * An empty or NULL value is invalid ("请输入手机号"): optional fields are the
 * form's business, not the check's. Full-width input ("１３８…") is refused
 * with a hint to switch the input method to half-width.
 * Pure: nothing is read but the value and clock_now().
 */
typedef bool (*check_fn)(const char *value, struct err *e);

/* Mainland mobile: 11 digits, starts with 1, second digit 3-9. */
bool check_mobile(const char *s, struct err *e);
/* Resident ID (GB 11643-1999): 17 digits + check character (0-9 or X;
 * lower-case x accepted), ISO 7064 MOD 11-2, a region code not starting
 * with 0, a real birth date (positions 7-14) not after today (local date of
 * clock_now()) and not before 1900. 15-digit old numbers are refused. */
bool check_id_number(const char *s, struct err *e);
/* Unified social credit code (GB 32100-2015): 18 characters of
 * 0-9 A-H J-N P-R T-U W-Y (no I O Z S V), check character MOD 31;
 * lower-case letters are refused with a hint to use capitals. Position 1 is
 * a registration authority code (1-9, A, N, Y), position 2 an organisation
 * type that authority uses (e.g. 9 -> 1, 2, 3), positions 3-8 a region code
 * (digits). The table is in validate.c. */
bool check_credit_code(const char *s, struct err *e);
/* E-mail: local@domain.tld, printable ASCII, at most 254 bytes. */
bool check_email(const char *s, struct err *e);
/* Postal code: 6 digits. */
bool check_postal_code(const char *s, struct err *e);
/* ISO 8601 calendar date YYYY-MM-DD that exists. */
bool check_date(const char *s, struct err *e);
/* Money in yuan as typed ("1280", "1280.5", "1,280.50"): at most two
 * decimals, not negative, at most 100,000,000 yuan. Thousands separators
 * are optional but, when used, must split every three digits. */
bool check_amount(const char *s, struct err *e);

/* Parse money in yuan as check_amount accepts it into fen (integer; no
 * floating point anywhere). *fen is left alone on failure; fen may be NULL. */
bool parse_amount_fen(const char *s, long long *fen, struct err *e);
/* Format fen as yuan with two decimals and thousands separators:
 * 128050 -> "1,280.50", -5 -> "-0.05". Any long long fits in 32 bytes. */
void format_fen(long long fen, char out[32]);

/* Upper-case the check character of an 18-character ID number in place
 * ('x' -> 'X'); anything else is left as it is. */
void id_number_normalize(char *s);
/* Birth date (YYYY-MM-DD) of an ID number that passes check_id_number;
 * false (out untouched) otherwise. */
bool id_number_birth(const char *s, char out[11]);

/* Masks for lists and logs (DOMAIN.md): "13812345678" -> "138****5678";
 * ID "110101199003071234" -> "110101********1234" (first 6, last 4, x shown
 * as X). Only the shape is looked at (11 digits; 17 digits + digit/X/x), so
 * a stored value masks the same whatever today's date; anything else, NULL
 * included, is masked whole as "****". out needs 32 bytes. */
void mask_mobile(const char *s, char out[32]);
void mask_id_number(const char *s, char out[32]);

/* A registered check by name, for forms/ ("mobile", "id_number",
 * "credit_code", "email", "postal_code", "date", "amount", "username",
 * "staff_password", "office_code", "name"); NULL when unknown. */
check_fn check_by_name(const char *name);

#endif
