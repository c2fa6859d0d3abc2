#!/usr/bin/env bash
# certdesk sync against a real certdeskd: enrolment of terminals made
# offline, exactly-once push, what each office sees, the same phone
# registered at two offices (conflict, nothing lost, merge), a stale edit
# (conflict, re-apply), an attachment op that waits for its file and a file
# upload that resumes after a cut, a revoked terminal. Both sides are
# compared with sqlite3.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
die() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # rc command... : run, check the exit status, keep output in $out
	local want=$1; shift
	set +e; out=$("$@" 2>&1); local rc=$?; set -e
	[ "$rc" = "$want" ] || die "'$*' exited $rc, wanted $want: $out"
	if echo "$out" | grep -qE 'AddressSanitizer|LeakSanitizer|runtime error'; then die "sanitizer: $out"; fi
}
has() { echo "$out" | grep -qF -- "$1" || die "expected '$1' in: $out"; }
term() { local d=$1; shift; "$CERTDESK_BIN/certdesk" --data "$T/$d" "$@"; }
cq() { sqlite3 "$T/centre.db" "$1"; }
tq() { sqlite3 "$T/$1/certdesk.db" "$2"; }
same() { # what, centre query, terminal, terminal query
	diff <(cq "$2") <(tq "$3" "$4") >"$T/diff.txt" || { cat "$T/diff.txt"; die "$1 differ between the centre and $3"; }
}

# ---- the centre: two offices, three terminals ----
echo Root1234 | "$CERTDESK_BIN/certdeskd" init --db "$T/centre.db" --office HQ --office-name 总部 --admin root >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$T/centre.db" --code SZFT --name 深圳福田受理点 >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$T/centre.db" --code BJHD --name 北京海淀受理点 >/dev/null
code_for() { "$CERTDESK_BIN/certdeskd" terminal add --db "$T/centre.db" --office "$1" --name "$2" | sed -n 's/^登记码：//p'; }
code_a=$(code_for SZFT 一号窗口)
code_a2=$(code_for SZFT 二号窗口)
code_b=$(code_for BJHD 一号窗口)
[ -n "$code_a" ] && [ -n "$code_a2" ] && [ -n "$code_b" ] || die "no enrolment codes"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CERTDESK_BIN/certdeskd" --db "$T/centre.db" --data "$T/centre-files" --listen "127.0.0.1:$port" \
	2>"$T/certdeskd.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
url=http://127.0.0.1:$port
for i in $(seq 200); do curl -s --noproxy '*' "$url/v1/health" >/dev/null && break; sleep 0.05; done
export no_proxy='*' NO_PROXY='*'

# ---- usage ----
expect_rc 0 term a sync --help
has "无需登录"
expect_rc 2 term a sync --resolve only-one-arg
expect_rc 2 term a sync --force
expect_rc 2 term a sync --status --conflicts

# ---- terminal A: a first-run office working offline ----
echo Adm1nPass | term a init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin_a >/dev/null
export CERTDESK_PASSWORD=Adm1nPass
HEAD='phone,name,id_number,email,address,postal_code,credit_code,enterprise_name'
printf '%s\n13800000001,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n13900000002,王五,320106198503124510,,深圳市福田区福华路2号,518000,,\n' \
	"$HEAD" >"$T/a-people.csv"
expect_rc 0 term a --user admin_a import applicants "$T/a-people.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13800000001,new,personal,,1,\n13900000002,new,personal,,2,\n' >"$T/a-apps.csv"
expect_rc 0 term a --user admin_a import applications "$T/a-apps.csv"
app_x=$(tq a "SELECT number FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE p.phone = '13800000001'")

expect_rc 1 term a sync
has "--enroll"
expect_rc 1 term a --user admin_a sync --enroll "$url" ABCD-EFGH-JKMN-PQRS
has "登记码无效"
[ "$(tq a "SELECT count(*) FROM settings WHERE key = 'sync_secret'")" = 0 ] || die "a refused code left a secret"
old_office=$(tq a "SELECT value FROM settings WHERE key = 'office_id'")
expect_rc 0 term a --user admin_a sync --enroll "$url" "$code_a"
has "受理点 SZFT"
has "终端 01"
expect_rc 1 term a --user admin_a sync --enroll "$url" "$code_a"
has "--force"
centre_office=$(cq "SELECT id FROM offices WHERE code = 'SZFT'")
[ "$(tq a "SELECT value FROM settings WHERE key = 'office_id'")" = "$centre_office" ] || die "identity not adopted"
[ "$(tq a "SELECT count(*) FROM outbox WHERE instr(payload, '$old_office') > 0")" = 0 ] || die "old office id left in the outbox"
ops_a=$(tq a "SELECT count(*) FROM outbox")

expect_rc 0 term a sync
has "已推送 $ops_a、"
has "冲突 0"
[ "$(cq "SELECT count(*) FROM sync_ops")" = "$ops_a" ] || die "the centre did not record $ops_a ops"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'applied'")" = "$ops_a" ] || die "ops not applied"
# Exactly once, even when sent again.
expect_rc 0 term a sync
has "已推送 0、"
tq a "UPDATE outbox SET state = 'pending' WHERE command LIKE 'application.import%'"
expect_rc 0 term a sync
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'duplicate'")" = 2 ] || die "a replay was not a duplicate"
[ "$(cq "SELECT count(*) FROM applications")" = 2 ] || die "applications at the centre: $(cq 'SELECT count(*) FROM applications')"
[ "$(cq "SELECT count(*) FROM applicants WHERE phone IN ('13800000001', '13900000002')")" = 2 ] || die "applicants at the centre"
# The first-run admin is kept at the centre, the centre's price list here.
[ "$(cq "SELECT office_id FROM staff WHERE username = 'admin_a'")" = "$centre_office" ] || die "admin_a at the centre"
same "applications" "SELECT id, number, applicant_id, office_id, terminal_id, status, version FROM applications ORDER BY id" \
	a "SELECT id, number, applicant_id, office_id, terminal_id, status, version FROM applications ORDER BY id"
same "applicants" "SELECT id, phone, name, id_number, version FROM applicants ORDER BY id" \
	a "SELECT id, phone, name, id_number, version FROM applicants ORDER BY id"
same "prices" "SELECT id, kind, subject, years, price_fen, version FROM price_list ORDER BY id" \
	a "SELECT id, kind, subject, years, price_fen, version FROM price_list ORDER BY id"
same "SZFT staff" "SELECT id, username, role, pw_hash, version FROM staff WHERE office_id = '$centre_office' ORDER BY id" \
	a "SELECT id, username, role, pw_hash, version FROM staff ORDER BY id"
[ "$(tq a "PRAGMA foreign_key_check" | wc -l)" = 0 ] || die "foreign keys broken on A"

# ---- terminal B, another office: the same phone registered offline ----
echo Adm1nPass | term b init --office BJHD --office-name 北京海淀受理点 --terminal 1号窗口 --admin admin_b >/dev/null
printf '%s\n13900000002,王五,320106198503124510,,北京市海淀区中关村大街1号,100080,,\n13700000003,赵六,110101200002290018,,北京市海淀区学院路3号,100083,,\n' \
	"$HEAD" >"$T/b-people.csv"
expect_rc 0 term b --user admin_b import applicants "$T/b-people.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13900000002,new,personal,,1,\n13700000003,new,personal,,1,\n' >"$T/b-apps.csv"
expect_rc 0 term b --user admin_b import applications "$T/b-apps.csv"
b_apps=$(tq b "SELECT group_concat(number) FROM (SELECT number FROM applications ORDER BY number)")
expect_rc 0 term b --user admin_b sync --enroll "$url" "$code_b"
expect_rc 0 term b sync
has "冲突 2"
# Applicants are shared, applications are the office's own.
[ "$(tq b "SELECT count(*) FROM applicants WHERE phone = '13800000001'")" = 1 ] || die "B does not see the shared applicant"
[ "$(tq b "SELECT count(*) FROM applications WHERE number LIKE 'SQ-SZFT-%'")" = 0 ] || die "B sees SZFT's applications"
[ "$(tq b "SELECT count(*) FROM sync_deferred WHERE reason = 'unique'")" = 1 ] || die "the rival applicant is not held back"
expect_rc 0 term b sync --conflicts
has "exists"
has "discard merge"
has "139****0002"
echo "$out" | grep -q 13900000002 && die "a whole phone number on the conflict list"
op=$(tq b "SELECT op_id FROM outbox WHERE state = 'rejected' AND command LIKE 'applicant.import%'")
expect_rc 1 term b sync --resolve "$op" merge
has "--user"
expect_rc 2 term b --user admin_b sync --resolve "$op" squash
expect_rc 0 term b --user admin_b sync --resolve "$op" merge
has "已合并"
expect_rc 0 term b sync
has "冲突 0"
# Nothing lost: both offices' applications for that phone, under one account.
[ "$(cq "SELECT count(*) FROM applicants WHERE phone = '13900000002'")" = 1 ] || die "two accounts for one phone"
[ "$(cq "SELECT count(*) FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE p.phone = '13900000002'")" = 2 ] \
	|| die "an application for the shared phone was lost"
[ "$(cq "SELECT group_concat(number) FROM (SELECT number FROM applications WHERE number LIKE 'SQ-BJHD-%' ORDER BY number)")" = "$b_apps" ] \
	|| die "B's applications at the centre: $(cq "SELECT group_concat(number) FROM applications")"
b_office=$(cq "SELECT id FROM offices WHERE code = 'BJHD'")
same "B's applications" "SELECT id, number, applicant_id, status, version FROM applications WHERE office_id = '$b_office' ORDER BY id" \
	b "SELECT id, number, applicant_id, status, version FROM applications ORDER BY id"
same "applicants at B" "SELECT id, phone, version FROM applicants ORDER BY id" b "SELECT id, phone, version FROM applicants ORDER BY id"
[ "$(tq b "SELECT count(*) FROM audit_log WHERE action = 'sync.merge'")" = 1 ] || die "merge not audited"
[ "$(tq b "SELECT count(*) FROM outbox WHERE state IN ('pending', 'rejected')")" = 0 ] || die "B has ops left"
[ "$(tq b "PRAGMA foreign_key_check" | wc -l)" = 0 ] || die "foreign keys broken on B"
expect_rc 0 term b audit verify

# ---- terminal A2, same office as A: a stale edit ----
expect_rc 0 term a2 sync --enroll "$url" "$code_a2"
has "终端 02"
expect_rc 0 term a2 sync
[ "$(tq a2 "SELECT count(*) FROM applications")" = 2 ] || die "A2 does not see its office's applications"
# Staff log in at any terminal of their office: the hashes came down.
expect_rc 0 term a2 --user admin_a application agree "$app_x"
expect_rc 0 term a2 sync
expect_rc 0 term a --user admin_a application paper "$app_x" holder_id
expect_rc 0 term a sync
has "冲突 1"
expect_rc 0 term a sync --conflicts
has "conflict"
has "reapply"
op=$(tq a "SELECT op_id FROM outbox WHERE state = 'rejected'")
[ "$(tq a "SELECT result_code FROM outbox WHERE op_id = '$op'")" = conflict ] || die "not a version conflict"
expect_rc 0 term a --user admin_a sync --resolve "$op" reapply
expect_rc 0 term a sync
has "冲突 0"
x_id=$(cq "SELECT id FROM applications WHERE number = '$app_x'")
[ "$(cq "SELECT count(*) FROM application_paper_docs WHERE application_id = '$x_id' AND doc_type = 'holder_id'")" = 1 ] \
	|| die "the re-applied edit is not at the centre"
[ -n "$(cq "SELECT agreement_at FROM applications WHERE id = '$x_id'")" ] || die "A2's edit was lost"
expect_rc 0 term a sync
same "SZFT applications" "SELECT id, status, agreement_version, version FROM applications WHERE office_id = '$centre_office' ORDER BY id" \
	a "SELECT id, status, agreement_version, version FROM applications ORDER BY id"
same "paper documents" "SELECT application_id, doc_type FROM application_paper_docs WHERE application_id = '$x_id'" \
	a "SELECT application_id, doc_type FROM application_paper_docs WHERE application_id = '$x_id'"

# ---- a chain of offline edits on one pulled version: not stale ----
# Each op carries the version the terminal last pulled; the first moves the
# centre's version on. The next ones follow it: accepted, as nothing else
# touched the record (the stale case, another terminal in between, is above).
app_y=$(tq a "SELECT number FROM applications WHERE number <> '$app_x' AND number LIKE 'SQ-SZFT-%' ORDER BY number LIMIT 1")
y_id=$(tq a "SELECT id FROM applications WHERE number = '$app_y'")
[ "$(tq a "SELECT version > 0 FROM applications WHERE id = '$y_id'")" = 1 ] || die "$app_y not pulled"
expect_rc 0 term a --user admin_a application agree "$app_y"
expect_rc 0 term a --user admin_a application paper "$app_y" holder_id
expect_rc 0 term a --user admin_a application submit "$app_y"
[ "$(tq a "SELECT count(DISTINCT base_version) FROM outbox WHERE entity_id = '$y_id' AND state = 'pending'")" = 1 ] ||
	die "the three edits do not share the pulled version"
expect_rc 0 term a sync
has "冲突 0"
[ "$(cq "SELECT status FROM applications WHERE id = '$y_id'")" = pending_review ] || die "the chain did not reach the centre"
expect_rc 0 term a sync
same "the chained record" "SELECT id, status, agreement_version, version FROM applications WHERE id = '$y_id'" \
	a "SELECT id, status, agreement_version, version FROM applications WHERE id = '$y_id'"

# ---- an attachment: the op waits for its file; the upload resumes ----
size=$((2621440))
{ printf '%%PDF-1.4\n'; head -c $((size - 16)) /dev/urandom; printf '\n%%%%EOF\n'; } >"$T/scan.pdf"
[ "$(stat -c %s "$T/scan.pdf")" = $size ] || die "test file size"
sha=$(sha256sum "$T/scan.pdf" | cut -d' ' -f1)
expect_rc 0 term a --user admin_a application attach "$app_x" holder_id "$T/scan.pdf"
blob=$T/a/blobs/${sha:0:2}/${sha:2:2}/$sha
[ -f "$blob" ] || die "no local blob at $blob"
mv "$blob" "$T/blob.away"
expect_rc 0 term a sync
has "待推送 1"
[ "$(tq a "SELECT result_code FROM outbox WHERE state = 'pending'")" = blob_missing ] || die "the op did not wait for its file"
[ "$(cq "SELECT count(*) FROM attachments")" = 0 ] || die "an attachment without its file at the centre"
# A cut after the first MiB: that part is at the centre already.
tid=$(tq a "SELECT value FROM settings WHERE key = 'terminal_id'")
secret=$(tq a "SELECT value FROM settings WHERE key = 'sync_secret'")
code=$(head -c 1048576 "$T/blob.away" | curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X PUT \
	-H "Authorization: Bearer $tid.$secret" -H "Content-Range: bytes 0-1048575/$size" \
	-H 'Content-Type: application/octet-stream' --data-binary @- "$url/v1/blobs/$sha")
[ "$code" = 200 ] || die "partial upload by hand got $code"
mv "$T/blob.away" "$blob"
expect_rc 0 term a sync
has "已上传附件 1 个（1.5 MB）"
has "冲突 0"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 0 ] || die "the attachment op still waits"
[ -n "$(tq a "SELECT pushed_at FROM blobs WHERE sha256 = '$sha'")" ] || die "blob not marked pushed"
centre_blob=$(find "$T/centre-files" -name "$sha" -type f | head -1)
[ -n "$centre_blob" ] && [ "$(sha256sum "$centre_blob" | cut -d' ' -f1)" = "$sha" ] || die "the centre's file differs"
[ "$(cq "SELECT count(*) FROM attachments WHERE sha256 = '$sha'")" = 1 ] || die "attachment at the centre"
same "attachments" "SELECT id, owner_id, sha256, size, version FROM attachments ORDER BY id" \
	a "SELECT id, owner_id, sha256, size, version FROM attachments ORDER BY id"

# ---- status, and a revoked terminal ----
expect_rc 0 term a sync --status
has "中心：127.0.0.1:$port"
has "待推送：0"
"$CERTDESK_BIN/certdeskd" terminal revoke --db "$T/centre.db" SZFT:02 >/dev/null
expect_rc 1 term a2 sync
has "拒绝"
expect_rc 0 term a2 sync --status
has "上次错误："

kill -TERM $pid
wait $pid || die "certdeskd did not stop cleanly"
trap - EXIT
# The centre may be gone: a round says so and keeps everything.
expect_rc 0 term a --user admin_a application paper "$app_x" agent_id
expect_rc 1 term a sync
has "无法连接"
[ "$(tq a "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 1 ] || die "the op was lost while the centre was down"
if grep -qE 'AddressSanitizer|runtime error' "$T/certdeskd.log"; then cat "$T/certdeskd.log"; die "sanitizer in certdeskd"; fi
echo "sync: ok"
