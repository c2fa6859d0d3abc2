#!/usr/bin/env bash
# A scan downloaded from the centre over a slow line, at 80x24: a
# supervisor at the centre's own terminal opens a 3 MB scan another office
# made; its bytes come through tests/tools/cutproxy throttled to 100 KB/s.
# The status line shows how much has come ("… / 3.0 MB，按 Esc 停止", the
# long file name shortened so the hint fits), redrawn at most about five
# times a second; Esc stops the download at once (the proxy sees the
# connection closed, far short of the file), the screen says nothing was
# changed and stays on the application: no blob file (nor a temporary
# one), no export, no audit entry. With the line back to full speed,
# opening it again gives the viewer the very file, audited once.
source "$(dirname "$0")/lib.sh"
for tool in curl python3 sqlite3; do command -v $tool >/dev/null || fail "$tool is needed"; done
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'
now_ms() { echo $(( ${EPOCHREALTIME/./} / 1000 )); }

# ---- the centre, and a proxy in front of it ----
C=$TEST_TMP/centre.db
echo Root1234 | "$CERTDESK_BIN/certdeskd" init --db "$C" --office HQ --office-name 总部 --admin root >/dev/null
"$CERTDESK_BIN/certdeskd" office add --db "$C" --code SZFT --name 深圳福田受理点 >/dev/null
code_for() { "$CERTDESK_BIN/certdeskd" terminal add --db "$C" --office "$1" --name "$2" "${@:3}" | sed -n 's/^登记码：//p'; }
code_a=$(code_for SZFT 一号窗口)
code_c=$(code_for HQ 审核席 --all-offices)
[ -n "$code_a" ] && [ -n "$code_c" ] || fail "no enrolment codes"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
"$CERTDESK_BIN/certdeskd" --db "$C" --data "$TEST_TMP/centre-files" --listen "127.0.0.1:$port" \
	2>"$TEST_TMP/certdeskd.log" &
centre_pid=$!
mkfifo "$TEST_TMP/ctl"
PLOG=$TEST_TMP/proxy.log
"$CERTDESK_BIN/tools/cutproxy" --to "$port" --control "$TEST_TMP/ctl" --log "$PLOG" --lifetime 300 \
	>"$TEST_TMP/proxy.port" &
proxy_pid=$!
trap 'kill $centre_pid $proxy_pid 2>/dev/null || true; cleanup' EXIT
for i in $(seq 200); do curl -s "$url/v1/health" >/dev/null && break; sleep 0.05; done
for i in $(seq 100); do [ -s "$TEST_TMP/proxy.port" ] && break; sleep 0.02; done
purl=http://127.0.0.1:$(cat "$TEST_TMP/proxy.port")
ncmd=0
ctl() { # COMMAND: send it to the proxy and wait until it is done
	ncmd=$((ncmd + 1))
	echo "$1" >"$TEST_TMP/ctl"
	for i in $(seq 200); do grep -q "^[0-9]* cmd $ncmd " "$PLOG" 2>/dev/null && return 0; sleep 0.01; done
	fail "the proxy did not take '$1'"
}

# ---- office SZFT: an application with a 3 MB scan, submitted and synced ----
A=$TEST_TMP/a
ta() { CERTDESK_PASSWORD=Adm1nPass "$CERTDESK_BIN/certdesk" --data "$A" --user admin_a "$@"; }
echo Adm1nPass | "$CERTDESK_BIN/certdesk" --data "$A" init --office SZFT --office-name 深圳福田受理点 \
	--terminal 1号窗口 --admin admin_a >/dev/null
ta sync --enroll "$url" "$code_a" >/dev/null || fail "enrol A"
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13800000001,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n' >"$TEST_TMP/people.csv"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13800000001,new,personal,,1,\n' >"$TEST_TMP/apps.csv"
ta import applicants "$TEST_TMP/people.csv" >/dev/null || fail "import applicants"
N=$(ta import applications "$TEST_TMP/apps.csv" | sed -n 's/^line [0-9]*: //p')
[ -n "$N" ] || fail "no application"
# A name longer than the status line leaves room for.
NAME=法定代表人居民身份证正反面复印件及授权委托书（加盖公章）扫描件.pdf
SCAN=$TEST_TMP/$NAME
{ printf '%%PDF-1.4\n%% scan of an ID card\n'; head -c 3145000 /dev/urandom; printf '\n%%%%EOF\n'; } >"$SCAN"
SIZE=$(stat -c %s "$SCAN")
SHA=$(sha256sum "$SCAN" | cut -d' ' -f1)
ta application attach "$N" holder_id "$SCAN" >/dev/null || fail "attach"
ta application agree "$N" >/dev/null || fail "agree"
ta application submit "$N" >/dev/null || fail "submit"
ta sync >/dev/null || fail "sync A"
[ -f "$TEST_TMP/centre-files/blobs/${SHA:0:2}/${SHA:2:2}/$SHA" ] || fail "the scan is not at the centre"

# ---- the centre's own terminal (on screen), through the proxy ----
echo Adm1nPass | cd_cli init --office HQ --office-name 总部 --terminal 审核席 --admin admin_c >/dev/null
echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin_c staff add wang.wu 王五 supervisor >/dev/null
echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user wang.wu staff passwd >/dev/null
CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin_c sync --enroll "$purl" "$code_c" >/dev/null || fail "enrol C"
cd_cli sync >/dev/null || fail "sync C"
[ "$(q "SELECT count(*) FROM attachments WHERE sha256 = '$SHA'")" = 1 ] || fail "the scan's row did not come down"
BLOB=$DATA/blobs/${SHA:0:2}/${SHA:2:2}/$SHA
[ ! -e "$BLOB" ] || fail "a pull carried the file"
printf '#!/bin/sh\ncp "$1" "%s/viewed"\n' "$TEST_TMP" >"$TEST_TMP/viewer"
chmod +x "$TEST_TMP/viewer"
printf '%s\n' "viewer = $TEST_TMP/viewer" "sync.noproxy = *" >>"$DATA/certdesk.conf"
audits() { q "SELECT count(*) FROM audit_log WHERE action IN ('attachment.view', 'attachment.export')"; }

app_start
login wang.wu Pass5678
keys 5
wait_for "审核队列"
wait_for "$N"
keys Enter
wait_for "申请单 $N"
wait_for "法定代表人"
keys Down

# ---- the slow line: progress on the status line ----
ctl "slow 100000"
from=$(( $(wc -l <"$PLOG") + 1 ))
keys o
wait_for "正在从中心下载“"
wait_for " / 3.0 MB，按 Esc 停止"
line=$(screen | grep -F "正在从中心下载") || fail "no progress line"
echo "$line" | grep -qF "…" || fail "the long name was not shortened: $line"
# Sample the line for 2 s: it moves, but is redrawn at most ~5 times a second.
declare -A seen=()
t_end=$(( $(now_ms) + 2000 ))
while [ "$(now_ms)" -lt $t_end ]; do
	v=$(screen | grep -oE '：[0-9.]+ [KM]?B / 3\.0 MB' || true)
	[ -n "$v" ] && seen[$v]=1
	sleep 0.03
done
[ ${#seen[@]} -ge 3 ] || fail "the progress did not move: ${!seen[*]}"
[ ${#seen[@]} -le 13 ] || fail "the progress was redrawn ${#seen[@]} times in 2 s: ${!seen[*]}"
# Other keys are dropped while downloading (no dialog, no second download).
keys x h
sleep 0.3
screen | grep -qF "按 Esc 停止" || fail "a key other than Esc stopped the download"

# ---- Esc stops it: nothing changed, the screen still usable ----
t0=$(now_ms)
keys Escape
wait_for "”，未做任何更改。" 5
wait_for "已停止下载“法定代表人"
stop_ms=$(( $(now_ms) - t0 ))
[ $stop_ms -lt 2000 ] || fail "stopping took $stop_ms ms"
screen | grep -qF "申请单 $N" || fail "Esc left the application"
# The proxy saw the download's connection end (the one that brought 2 s of
# the file), far short of the file. Which side it names depends on whether
# the client's close came as a FIN or a reset.
for i in $(seq 100); do
	down=$(tail -n +"$from" "$PLOG" |
		awk '$2 == "close" { sub("down=", "", $7); if ($7 + 0 >= 100000) print $7 }')
	[ -n "$down" ] && break
	sleep 0.05
done
[ -n "$down" ] || { tail -n +"$from" "$PLOG" >&2; fail "the download's connection did not end"; }
[ "$down" -lt $((SIZE / 2)) ] || fail "the download went on: $down of $SIZE bytes"
[ ! -e "$BLOB" ] || fail "a stopped download left the file"
[ -z "$(find "$DATA/blobs" -type f 2>/dev/null)" ] || fail "files under blobs/: $(find "$DATA/blobs" -type f)"
[ -z "$(find "$DATA/exports" -type f 2>/dev/null)" ] || fail "a stopped download exported something"
[ ! -e "$TEST_TMP/viewed" ] || fail "the viewer was started"
[ "$(audits)" = 0 ] || fail "a stopped download was audited"
sleep 1.2   # no late redraw of the progress (the transfer is really over)
screen | grep -qF "正在从中心下载" && fail "the progress line came back after the stop"
keys Up Down
wait_gone "已停止下载"
screen | grep -qF "申请单 $N" || fail "the application screen is not usable"

# ---- at full speed again: opened, byte for byte, audited once ----
ctl pass
keys o
for i in $(seq 200); do [ -s "$TEST_TMP/viewed" ] && break; sleep 0.05; done
cmp -s "$TEST_TMP/viewed" "$SCAN" || fail "the viewer did not get the scan"
wait_for "已用查看程序打开“法定代表人"
[ "$(sha256sum "$BLOB" | cut -d' ' -f1)" = "$SHA" ] || fail "the fetched file was not stored under its name"
[ "$(audits)" = 1 ] || fail "the view was not audited once: $(audits)"

keys Escape
wait_for "审核队列"
keys Escape
wait_for "主菜单"
app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "fetch_cancel e2e: ok (stopped in $stop_ms ms after $down of $SIZE bytes; ${#seen[@]} redraws sampled in 2 s)"
