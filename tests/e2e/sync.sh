#!/usr/bin/env bash
# The sync screen at 80x24 against a real certdeskd on loopback: a terminal
# offline since an earlier day says so on the status line (with the date of
# its last good sync); when the centre comes back, F5 syncs at once; the
# same phone registered at another office shows as a conflict with the
# centre's reason; F3 merges it into the centre's account, the next sync
# clears it and the centre has one account with both offices' applications.
source "$(dirname "$0")/lib.sh"

# ---- the centre: two offices, one terminal each ----
C=$TEST_TMP/centre.db
echo Root1234 | "$CERTDESK_BIN/certdeskd" init --db "$C" --office HQ --office-name 总部 --admin root >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$C" --code SZFT --name 深圳福田受理点 >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$C" --code BJHD --name 北京海淀受理点 >/dev/null
code_for() { "$CERTDESK_BIN/certdeskd" terminal add --db "$C" --office "$1" --name "$2" | sed -n 's/^登记码：//p'; }
code_a=$(code_for SZFT 一号窗口)
code_b=$(code_for BJHD 一号窗口)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
export no_proxy='*' NO_PROXY='*'
centre_pid=
centre_up() {
	"$CERTDESK_BIN/certdeskd" --db "$C" --data "$TEST_TMP/centre-files" --listen "127.0.0.1:$port" \
		2>>"$TEST_TMP/certdeskd.log" &
	centre_pid=$!
	local i
	for i in $(seq 200); do curl -s "$url/v1/health" >/dev/null && return 0; sleep 0.05; done
	fail "certdeskd did not start: $(cat "$TEST_TMP/certdeskd.log")"
}
centre_down() { kill "$centre_pid"; wait "$centre_pid" || true; }
trap 'kill $centre_pid 2>/dev/null || true; cleanup' EXIT
centre_up

# ---- office A registers 13900000002 and syncs first ----
A=$TEST_TMP/a
term_a() { "$CERTDESK_BIN/certdesk" --data "$A" "$@"; }
echo Adm1nPass | term_a init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin_a >/dev/null
HEAD='phone,name,id_number,email,address,postal_code,credit_code,enterprise_name'
printf '%s\n13900000002,王五,320106198503124510,,深圳市福田区福华路2号,518000,,\n' "$HEAD" >"$TEST_TMP/a.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13900000002,new,personal,,1,\n' >"$TEST_TMP/apps.csv"
CERTDESK_PASSWORD=Adm1nPass term_a --user admin_a import applicants "$TEST_TMP/a.csv" >/dev/null
CERTDESK_PASSWORD=Adm1nPass term_a --user admin_a import applications "$TEST_TMP/apps.csv" >/dev/null
CERTDESK_PASSWORD=Adm1nPass term_a --user admin_a sync --enroll "$url" "$code_a" >/dev/null || fail "enrol A"
term_a sync >/dev/null || fail "sync A"

# ---- office B (the terminal on screen) registers the same phone ----
echo Adm1nPass | cd_cli init --office BJHD --office-name 北京海淀受理点 --terminal 1号窗口 --admin admin_b >/dev/null
printf '%s\n13900000002,王五,320106198503124510,,北京市海淀区中关村大街1号,100080,,\n' "$HEAD" >"$TEST_TMP/b.csv"
CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin_b import applicants "$TEST_TMP/b.csv" >/dev/null
CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin_b import applications "$TEST_TMP/apps.csv" >/dev/null
nb=$(q "SELECT number FROM applications")
for step in "agree $nb" "paper $nb holder_id" "submit $nb"; do
	CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin_b application $step >/dev/null || fail "application $step"
done
CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin_b sync --enroll "$url" "$code_b" >/dev/null || fail "enrol B"
pending=$(q "SELECT count(*) FROM outbox WHERE state = 'pending'")
[ "$pending" -gt 0 ] || fail "B has nothing to send"

# ---- B is offline; its last good sync was five days ago ----
centre_down
q "INSERT OR REPLACE INTO settings (key, value) VALUES ('sync_last_ok', '2026-11-20T01:00:00Z')"
app_start
login admin_b Adm1nPass
wait_for "离线 上次 11-20 09:00 待同步 $pending"

# ---- the centre is back: sync now from the sync screen ----
centre_up
keys s
wait_for "同步与冲突"
keys F5
wait_for "中心拒绝的操作"
wait_for "待同步 0 · 冲突 5"
wait_for "提交审核"
wait_for "导入申请人"
screen | grep -q '13900000002' && fail "a whole phone number on the sync screen"
screen | grep -q '139\*\*\*\*0002' || { screen >&2; fail "the centre's reason does not name the phone"; }
# The merge is offered on the applicant's conflict; find it.
for i in 1 2; do
	screen | grep -q '合并到已有账户（F3）' && break
	keys Down
	sleep 0.2
done
screen | grep -q '合并到已有账户（F3）' || { screen >&2; fail "no merge offered"; }
keys F3
wait_for "处理冲突"
keys Enter
wait_for "已合并到中心已有的账户"
keys F5
wait_for "没有冲突"
wait_for "待同步 0"

# ---- nothing lost, one account ----
cq() { sqlite3 "$C" "$1"; }
[ "$(cq "SELECT count(*) FROM applicants WHERE phone = '13900000002'")" = 1 ] || fail "two accounts for one phone"
[ "$(cq "SELECT count(*) FROM applications a JOIN applicants p ON p.id = a.applicant_id WHERE p.phone = '13900000002'")" = 2 ] \
	|| fail "an application was lost"
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'sync.merge'")" = 1 ] || fail "the merge is not audited"

# ---- the queue knows every office now: filter by office ----
keys Escape
wait_for "主菜单"
keys 5
wait_for "审核队列"
wait_for "$nb"
screen | grep -q '受理点' || { screen >&2; fail "no office filter with three offices known"; }
keys F8 Right Enter           # BJHD (offices in code order: BJHD HQ SZFT)
wait_for "◀ BJHD"
wait_for "$nb"
keys F8 Right Right Enter     # SZFT: its applications are not this terminal's
wait_for "◀ SZFT"
wait_for "队列是空的"
keys F8 Left Left Left Enter  # 全部
wait_for "$nb"
keys Escape
wait_for "主菜单"
app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "sync e2e: ok"
