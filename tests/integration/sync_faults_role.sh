#!/usr/bin/env bash
# Sync faults: a supervisor-only transition pushed by someone the centre
# knows as a clerk. server.sh sends such an op by hand; here it comes the
# way it happens at a counter: the centre demotes a supervisor (from an
# all-offices terminal) while the office's terminal has not heard of it,
# and the office's terminal accepts an application in that person's name.
# The centre refuses the op ("denied", with the reason and its record),
# the application stays as the centre has it, the terminal shows the
# conflict, and discarding it brings the terminal back to the centre's
# record, audited. Nothing of the refusal is lost or applied.
source "$(dirname "$0")/lib_sync_faults.sh"
t_begin=$(now_ms)

centre_init
centre_start
term_new a SZFT "$CURL_BASE"
# The centre's own terminal, seeing every office.
mkdir -p "$T/h"
printf '%s\n' "sync.noproxy = *" >"$T/h/certdesk.conf"
echo Adm1nPass | term h init --office HQ --office-name 总部 --terminal 审核台 --admin admin_h >/dev/null
code=$("$CERTDESK_BIN/certdeskd" terminal add --db "$CDB" --office HQ --name 审核台 --all-offices |
	sed -n 's/^登记码：//p')
expect_rc 0 term h --user admin_h sync --enroll "$CURL_BASE" "$code"

# A supervisor at SZFT, and an application waiting for a supervisor.
echo Sup1Pass | expect_rc 0 term a --user admin_a staff add sup_a 李审核 supervisor
echo Sup2Pass | CERTDESK_PASSWORD=Sup1Pass expect_rc 0 term a --user sup_a staff passwd
work a 1 1
number=$(tq a "SELECT number FROM applications")
expect_rc 0 "$CERTDESK_BIN/tools/mkorders" --data "$T/a" --user admin_a submit "$number"
expect_rc 0 term a sync
has "冲突 0"
[ "$(cq "SELECT status FROM applications WHERE number = '$number'")" = pending_review ] || die "not submitted at the centre"
expect_rc 0 term h sync
[ "$(tq h "SELECT role FROM staff WHERE username = 'sup_a'")" = supervisor ] || die "HQ does not see sup_a"

# The centre makes sup_a a clerk; terminal a has not synced since.
expect_rc 0 term h --user admin_h staff update sup_a 李审核 clerk
expect_rc 0 term h sync
has "冲突 0"
[ "$(cq "SELECT role FROM staff WHERE username = 'sup_a'")" = clerk ] || die "the demotion did not reach the centre"
[ "$(tq a "SELECT role FROM staff WHERE username = 'sup_a'")" = supervisor ] || die "terminal a already knows"

CERTDESK_PASSWORD=Sup2Pass expect_rc 0 term a --user sup_a application accept "$number"
[ "$(tq a "SELECT status FROM applications WHERE number = '$number'")" = accepted ] || die "not accepted locally"
expect_rc 0 term a sync
has "冲突 1"
[ "$(cq "SELECT status FROM applications WHERE number = '$number'")" = pending_review ] ||
	die "the centre took a supervisor's step from a clerk"
op=$(tq a "SELECT op_id FROM outbox WHERE state = 'rejected'")
[ "$(tq a "SELECT result_code FROM outbox WHERE op_id = '$op'")" = denied ] || die "not refused as denied"
[ "$(cq "SELECT status || ' ' || code FROM sync_ops WHERE op_id = '$op'")" = "rejected denied" ] ||
	die "the refusal is not recorded at the centre"
expect_rc 0 term a sync --conflicts
has "denied"
has "审核员"
[ "$(tq a "SELECT role FROM staff WHERE username = 'sup_a'")" = clerk ] || die "the demotion did not come down"
ok "a demoted supervisor's acceptance: refused at the centre as denied, on the conflict list"

expect_rc 0 term a --user admin_a sync --resolve "$op" discard
expect_rc 0 term a sync
has "冲突 0"
same "the application" "SELECT id, status, version FROM applications WHERE number = '$number'" \
	a "SELECT id, status, version FROM applications WHERE number = '$number'"
[ "$(tq a "SELECT state FROM outbox WHERE op_id = '$op'")" = resolved ] || die "the op is not marked resolved"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state IN ('pending', 'rejected')")" = 0 ] || die "ops left"
[ "$(tq a "SELECT count(*) FROM audit_log WHERE action LIKE 'sync.%'")" -ge 1 ] || die "the discard is not audited"
expect_rc 0 term a audit verify
# Every op the terminal sent is at the centre once, with the answer it got.
tid=$(tq a "SELECT value FROM settings WHERE key = 'terminal_id'")
same "ops" "SELECT op_id, CASE status WHEN 'applied' THEN 'ok' ELSE code END FROM sync_ops WHERE terminal_id = '$tid' ORDER BY op_id" \
	a "SELECT op_id, CASE WHEN state IN ('applied', 'duplicate') THEN 'ok' ELSE result_code END FROM outbox ORDER BY op_id"
ok "discarded: the terminal holds the centre's record, every op once, audit chain whole"
centre_stop
no_sanitizer_reports
echo "sync_faults_role: ok ($(( ($(now_ms) - t_begin) / 1000 )) s)"
