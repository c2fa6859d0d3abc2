#!/usr/bin/env bash
# Sync faults: the terminal's disk fills up. A sync round that cannot write
# what it pulls, and a clerk's import on the same full disk: each stops
# with one clear Chinese sentence, the database stays whole (integrity
# check, audit chain), the outbox keeps every op as it was (ids and
# payloads compared), the pull cursor never passes rows that were not
# written. With room again, one round converges and every op is at the
# centre exactly once.
#
# How the disk is filled, rootless: the terminal's SQLite file is capped
# with `PRAGMA max_page_count`, set by store/db.c from the test-only
# variable CERTDESK_TEST_MAX_PAGES. A capped file fails exactly as a full
# disk does (SQLITE_FULL, from any write of any transaction, at any page),
# deterministically. The alternatives were worse: a small tmpfs or loop
# device needs root; `ulimit -f` (what server.sh uses for certdeskd) fails
# writes with EFBIG or short writes, which SQLite reports as an I/O error
# or as full depending on where the limit falls; an LD_PRELOAD shim
# returning ENOSPC clashes with the sanitizer runtime, which must come
# first and intercepts the same calls. What the cap does not reach is a
# full disk under the attachment files (util/fs.c maps ENOSPC itself).
source "$(dirname "$0")/lib_sync_faults.sh"
t_begin=$(now_ms)

centre_init
centre_start
term_new a SZFT "$CURL_BASE" "sync.pull_limit = 50"
term_new b SZFT "$CURL_BASE"
expect_rc 0 term a sync
# Another terminal of the office sends many records: the pull will need room.
work b 1 300
expect_rc 0 term b sync
work a 1001 20

# outbox_print DIR: every op, its id and payload, as a digest.
outbox_print() { tq a "SELECT op_id || payload FROM outbox ORDER BY seq" | sha256sum; }
tq a "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
pages=$(tq a "PRAGMA page_count")
ops_before=$(outbox_print)
n_before=$(tq a "SELECT count(*) FROM outbox")
apps_before=$(tq a "SELECT count(*) FROM applications")

# A round with almost no room: the 40 ops may go up, the rows cannot come down.
set +e
out=$(CERTDESK_TEST_MAX_PAGES=$((pages + 2)) "$CERTDESK_BIN/certdesk" --data "$T/a" sync 2>&1)
rc=$?
set -e
sanitizer_in <(echo "$out") && die "sanitizer: $out"
[ $rc = 1 ] || die "a sync on a full disk exited $rc: $out"
has "磁盘空间不足，数据未保存。请清理磁盘后重试。"
[ "$(tq a "PRAGMA integrity_check")" = ok ] || die "the database is damaged"
[ "$(outbox_print)" = "$ops_before" ] || die "the outbox changed its ops"
[ "$(tq a "SELECT count(*) FROM outbox")" = "$n_before" ] || die "ops lost"
pulled=$(tq a "SELECT count(*) FROM applications")
cursor=$(tq a "SELECT value FROM settings WHERE key = 'sync_cursor'")
# Nothing past the cursor was taken, nothing before it is missing.
behind=$(cq "SELECT count(*) FROM applications WHERE office_id = (SELECT id FROM offices WHERE code = 'SZFT')
	AND version <= $cursor")
[ "$pulled" -ge "$behind" ] || die "the cursor ($cursor) passed rows that were not written ($pulled < $behind)"
[ "$pulled" -lt $((apps_before + 300)) ] || die "the disk was not full: everything came down"
ok "a round on a full disk: '$(echo "$out" | grep -m1 磁盘)', database whole, outbox as it was, cursor honest"

# A clerk's work on the full disk: refused whole, with the reason.
python3 -c "
print('phone,name,id_number,email,address,postal_code,credit_code,enterprise_name')
for i in range(400): print('1370000%04d,满盘%d,11010519491231002X,,深圳市福田区%d号,518000,,' % (i, i, i))" >"$T/more.csv"
audit_before=$(tq a "SELECT count(*) FROM audit_log WHERE action <> 'staff.login'")
set +e
out=$(CERTDESK_TEST_MAX_PAGES=$((pages + 2)) "$CERTDESK_BIN/certdesk" --data "$T/a" --user admin_a import applicants "$T/more.csv" 2>&1)
rc=$?
set -e
[ $rc = 1 ] || die "an import on a full disk exited $rc: $out"
has "磁盘空间不足"
[ "$(tq a "SELECT count(*) FROM applicants WHERE name LIKE '满盘%'")" = 0 ] || die "half an import was kept"
[ "$(tq a "SELECT count(*) FROM audit_log WHERE action <> 'staff.login'")" = "$audit_before" ] || die "an audit entry for work not saved"
[ "$(tq a "SELECT count(*) FROM outbox")" = "$n_before" ] || die "an op for work not saved"
[ "$(tq a "PRAGMA integrity_check")" = ok ] || die "the database is damaged"
expect_rc 0 term a audit verify
ok "an import on a full disk: refused whole with the reason, audit chain whole"

# Room again: one round, and everything is where it belongs.
converged a
[ "$(tq a "SELECT count(*) FROM applications")" = "$(cq "SELECT count(*) FROM applications
	WHERE office_id = (SELECT id FROM offices WHERE code = 'SZFT')")" ] || die "the pull did not finish"
converged b
ok "with room again: converged, every op once"
centre_stop
no_sanitizer_reports
echo "sync_faults_disk: ok ($(( ($(now_ms) - t_begin) / 1000 )) s)"
