#!/usr/bin/env bash
# The SMS port end to end: tests/tools/smssend drives the real code
# (adapt/sms.c over adapt/http.c, util/config.c) against tests/tools/smsd, a
# real HTTP server on 127.0.0.1 with a random port that records every request
# and can answer 500, 4xx, close the connection or stall. Then the file
# driver: exact lines, concurrent processes, a missing directory, a full disk.
# Every server started here is stopped by the EXIT trap.
set -uo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
SMSD=$CERTDESK_BIN/tools/smsd
SEND=$CERTDESK_BIN/tools/smssend
[ -x "$SMSD" ] && [ -x "$SEND" ] || { echo "FAIL - $SMSD or $SEND not built"; exit 1; }
# Loopback only, whatever proxy the machine is set up with.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'

PHONE=13800138000
TEXT='您的验证码是 123456，5 分钟内有效。【数字证书受理点】'
export TEXT

fails=0
. "$(dirname "$0")/lib_tap.sh"
# has NAME TEXT FRAGMENT / lacks NAME TEXT FRAGMENT
has() { if [[ $2 == *"$3"* ]]; then ok "$1"; else not_ok "$1: no [$3] in [$2]"; fi; }
lacks() { if [[ $2 == *"$3"* ]]; then not_ok "$1: unexpected [$3] in [$2]"; else ok "$1"; fi; }
now_ms() { echo $((${EPOCHREALTIME/./} / 1000)); }
# between NAME VALUE MIN MAX: MIN <= VALUE < MAX
between() {
	if [ "$2" -ge "$3" ] && [ "$2" -lt "$4" ]; then ok "$1 ($2 ms)"; else
		not_ok "$1: $2 ms, wanted $3..$4 ms"; fi
}
section() { printf '\n== %s (at %.1fs)\n' "$1" "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"; }
T_START=$EPOCHREALTIME

PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
}
trap cleanup EXIT

# smsd_start ARGS...: a fresh server; sets SMSD_PID, PORT, URL and REC (its record).
N=0
smsd_start() {
	N=$((N + 1))
	REC=$TEST_TMP/rec.$N
	: >"$REC"
	"$SMSD" --record "$REC" --lifetime 120 "$@" >"$TEST_TMP/port.$N" 2>"$TEST_TMP/smsd.$N.err" &
	SMSD_PID=$!
	PIDS+=("$SMSD_PID")
	local t0
	t0=$(now_ms)
	while [ ! -s "$TEST_TMP/port.$N" ]; do
		if ! kill -0 "$SMSD_PID" 2>/dev/null || [ $(($(now_ms) - t0)) -gt 5000 ]; then
			not_ok "smsd did not start: $(cat "$TEST_TMP/smsd.$N.err")"
			exit 1
		fi
		sleep 0.02
	done
	PORT=$(head -n1 "$TEST_TMP/port.$N")
	URL=http://127.0.0.1:$PORT/sms
}
smsd_stop() {
	kill "$SMSD_PID" 2>/dev/null
	wait "$SMSD_PID" 2>/dev/null
}

# send ARGS...: run smssend, never longer than 30 s; sets RC, OUT, ERR and MS
# (wall time of the whole run).
send() {
	local t0
	t0=$(now_ms)
	OUT=$(timeout 30 "$SEND" "$@" 2>"$TEST_TMP/send.err")
	RC=$?
	MS=$(($(now_ms) - t0))
	ERR=$(<"$TEST_TMP/send.err")
	[ "$RC" != 124 ] || not_ok "smssend hung (killed after 30 s): $*"
}

# rec NAME PYTHON: check the current server's record. PYTHON sees R (the
# requests, oldest first), body(r) (the request body parsed as JSON) and
# check(condition, what); TEXT and PHONE are in os.environ.
rec() {
	local out
	out=$(PHONE=$PHONE python3 - "$REC" "$2" <<'EOF' 2>&1
import json, os, sys
R = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8') if l.strip()]
def body(r): return json.loads(r['body'])
problems = []
def check(cond, what):
    if not cond: problems.append(what)
try:
    exec(sys.argv[2])
except Exception as e:
    problems.append('%s: %s' % (type(e).__name__, e))
if problems:
    print('; '.join(problems))
    print('record: ' + json.dumps(R, ensure_ascii=False))
EOF
	)
	if [ -z "$out" ]; then ok "$1"; else not_ok "$1: $out"; fi
}

# An error must name the server and never repeat the phone, the text (its
# code) or the server's body.
no_secrets() {
	lacks "$1: no phone in the message" "$ERR" "$PHONE"
	lacks "$1: no code in the message" "$ERR" "123456"
	lacks "$1: no server body in the message" "$ERR" "SMSD-ERROR-BODY"
}

section "http: success"
smsd_start
send --driver http --url "$URL" --token tok-123 --id msg-1 $PHONE "$TEXT"
is "sent" "$RC" 0
has "reports the id" "$OUT" "ok id=msg-1"
rec "the server got one POST with the JSON" "
check(len(R) == 1, 'one request')
r = R[0]
check(r['method'] == 'POST' and r['path'] == '/sms', 'POST /sms')
check(r['authorization'] == 'Bearer tok-123', 'bearer token')
check(r['content_type'].startswith('application/json'), 'JSON content type')
check(r['user_agent'].startswith('certdesk/'), 'user agent')
check(body(r) == {'id': 'msg-1', 'phone': os.environ['PHONE'], 'text': os.environ['TEXT']},
      'body is {id, phone, text}')
"
smsd_stop

section "http: 500 twice, then success"
smsd_start --fail 2
send --driver http --url "$URL" --retries 2 --id msg-2 $PHONE "$TEXT"
is "sent on the third attempt" "$RC" 0
rec "three identical requests, back-off between them, one kept-alive connection" "
check([r['answer'] for r in R] == ['500', '500', '200'], 'answers 500, 500, 200')
check(all(r['body'] == R[0]['body'] for r in R), 'same body each time')
check(body(R[0])['id'] == 'msg-2', 'same id each time')
check(len({r['conn'] for r in R}) == 1, 'connection reused')
check(R[1]['t_ms'] - R[0]['t_ms'] >= 240, 'first back-off >= 0.25 s')
check(R[2]['t_ms'] - R[1]['t_ms'] >= 490, 'second back-off >= 0.5 s')
"
smsd_stop

section "http: 500 every time"
smsd_start --fail 1000
send --driver http --url "$URL" --retries 2 $PHONE "$TEXT"
is "fails" "$RC" 1
has "status net" "$ERR" "code=net"
has "names the server and the code" "$ERR" "服务器 127.0.0.1:$PORT 出错（HTTP 500）"
has "says how many attempts" "$ERR" "共尝试 3 次"
no_secrets "500"
rec "retries spent: three requests" "check(len(R) == 3, '3 requests')"
smsd_stop

section "http: 400 is not retried"
smsd_start --status 400
send --driver http --url "$URL" --retries 3 $PHONE "$TEXT"
is "fails" "$RC" 1
has "status invalid" "$ERR" "code=invalid"
has "names the server and the code" "$ERR" "服务器 127.0.0.1:$PORT 不接受此请求（HTTP 400）"
lacks "no retry mentioned" "$ERR" "共尝试"
no_secrets "400"
between "answered at once (no back-off)" "$MS" 0 2000
rec "exactly one request" "check(len(R) == 1, '1 request')"
smsd_stop

smsd_start --status 401
send --driver http --url "$URL" --token wrong --retries 3 $PHONE "$TEXT"
is "401 fails" "$RC" 1
has "401 is denied" "$ERR" "code=denied"
has "401 names the code" "$ERR" "HTTP 401"
rec "401: exactly one request" "check(len(R) == 1, '1 request')"
smsd_stop

section "http: no answer times out within the limit"
smsd_start --stall 1000
send --driver http --url "$URL" --timeout-ms 1000 --retries 0 $PHONE "$TEXT"
is "fails" "$RC" 1
has "status timeout" "$ERR" "code=timeout"
has "names the server" "$ERR" "连接 127.0.0.1:$PORT 超时"
no_secrets "timeout"
between "bounded by the 1 s timeout" "$MS" 950 2500
send --driver http --url "$URL" --timeout-ms 600 --retries 2 $PHONE "$TEXT"
is "fails with retries" "$RC" 1
has "says how many attempts" "$ERR" "共尝试 3 次"
# 3 x 0.6 s + back-offs 0.25..0.31 s and 0.5..0.63 s
between "bounded by 3 timeouts and 2 back-offs" "$MS" 2500 4500
rec "one plus three requests" "check(len(R) == 4, '4 requests')"
smsd_stop

smsd_start --stall 1
send --driver http --url "$URL" --timeout-ms 800 --retries 1 $PHONE "$TEXT"
is "a stalled first attempt, then success" "$RC" 0
rec "the retry came on a new connection" "
check([r['answer'] for r in R] == ['stall', '200'], 'stall, then 200')
check(R[0]['conn'] != R[1]['conn'], 'new connection')
"
smsd_stop

section "http: connection closed without an answer"
smsd_start --close 1
send --driver http --url "$URL" --retries 1 $PHONE "$TEXT"
is "retried and sent" "$RC" 0
rec "closed, then 200" "check([r['answer'] for r in R] == ['close', '200'], 'close, 200')"
smsd_stop
smsd_start --close 1000
send --driver http --url "$URL" --retries 0 $PHONE "$TEXT"
is "fails when it keeps happening" "$RC" 1
has "status net" "$ERR" "code=net"
has "says the connection broke" "$ERR" "与 127.0.0.1:$PORT 的连接中断"
smsd_stop

section "http: nobody listening"
smsd_start
smsd_stop # the port is free now: connections are refused
send --driver http --url "$URL" --retries 0 $PHONE "$TEXT"
is "fails" "$RC" 1
has "status net" "$ERR" "code=net"
has "clear message" "$ERR" "无法连接 127.0.0.1:$PORT：对方拒绝连接"
no_secrets "refused"
between "at once" "$MS" 0 2000
send --driver http --url "$URL" --retries 2 $PHONE "$TEXT"
has "retried" "$ERR" "共尝试 3 次"
between "only the back-offs" "$MS" 700 3000

section "settings file"
D=$TEST_TMP/data
mkdir -p "$D"
smsd_start
cat >"$D/certdesk.conf" <<EOF
# 本终端的短信网关
sms.driver = http
sms.url = $URL
sms.token = conf-token
sms.retries = 0
sms.colour = blue
EOF
send --config "$D/certdesk.conf" --id conf-1 $PHONE "$TEXT"
is "sent with the file's settings" "$RC" 0
has "unknown key warned with its line" "$ERR" "warning: certdesk.conf 第 6 行：未知的设置项 sms.colour"
rec "token from the file" "check(len(R) == 1 and R[0]['authorization'] == 'Bearer conf-token', 'token')"
smsd_stop
printf 'sms.driver = http\nsms.retries = 0\nsms.url\n' >"$D/certdesk.conf"
send --config "$D/certdesk.conf" $PHONE "$TEXT"
is "a bad line fails" "$RC" 1
has "names the line" "$ERR" "certdesk.conf 第 3 行：缺少“=”"
printf 'sms.retries = many\n' >"$D/certdesk.conf"
send --config "$D/certdesk.conf" $PHONE "$TEXT"
is "a bad number fails" "$RC" 1
has "names the key and line" "$ERR" "certdesk.conf 第 1 行：sms.retries 应为 0 到 10 之间的整数"

section "file driver"
printf '# 没有短信网关：写入队列文件\n' >"$D/certdesk.conf"
send --config "$D/certdesk.conf" --id file-1 $PHONE "$TEXT"
is "spooled (default driver and spool)" "$RC" 0
SPOOL=$D/sms-spool.txt
if [ -f "$SPOOL" ]; then
	line=$(<"$SPOOL")
	if [[ $line =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$'\t'file-1$'\t'$PHONE$'\t'(.*)$ ]] &&
		[ "${BASH_REMATCH[1]}" = "$TEXT" ]; then
		ok "one line: time, id, phone, text"
	else
		not_ok "spool line: [$line]"
	fi
	is "spool readable by its owner only" "$(stat -c %a "$SPOOL")" 600
else
	not_ok "no spool at $SPOOL"
fi

# Several processes at once: every line whole, every id once.
pids=()
for p in 1 2 3 4; do
	timeout 60 "$SEND" --spool "$SPOOL" --id "proc$p" --repeat 25 $PHONE "进程$p：$TEXT$TEXT$TEXT" \
		>/dev/null 2>"$TEST_TMP/proc$p.err" &
	pids+=($!)
done
prc=0
for p in "${pids[@]}"; do wait "$p" || prc=1; done
is "4 processes x 25 messages sent" "$prc" 0
out=$(python3 - "$SPOOL" <<'EOF'
import os, re, sys
text = os.environ['TEXT']
lines = open(sys.argv[1], encoding='utf-8').read().split('\n')
assert lines[-1] == '', 'file ends with a newline'
lines = lines[:-1]
seen, problems = set(), []
for l in lines:
    m = re.fullmatch(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\t([^\t]+)\t13800138000\t(.*)', l)
    if not m:
        problems.append('bad line: ' + l[:80]); continue
    mid, body = m.groups()
    p = re.fullmatch(r'proc(\d)-(\d+)', mid)
    if mid in seen: problems.append('twice: ' + mid)
    seen.add(mid)
    if p and body != '进程%s：%s' % (p.group(1), text * 3): problems.append('text of ' + mid)
if len(lines) != 101: problems.append('%d lines, want 101' % len(lines))
want = {'proc%d-%d' % (p, k) for p in range(1, 5) for k in range(1, 26)} | {'file-1'}
if seen != want: problems.append('ids differ: %s' % sorted(seen ^ want)[:5])
print('; '.join(problems))
EOF
)
if [ -z "$out" ]; then ok "101 whole lines, no id twice or missing"; else not_ok "concurrent spool: $out"; fi

send --spool "$TEST_TMP/no-such-dir/spool.txt" $PHONE "$TEXT"
is "missing directory fails" "$RC" 1
has "status io" "$ERR" "code=io"
has "says the directory is missing" "$ERR" "短信队列文件所在的目录不存在：$TEST_TMP/no-such-dir"
no_secrets "missing directory"
[ ! -e "$TEST_TMP/no-such-dir" ] && ok "directory not created" || not_ok "directory created"

send --spool /dev/full $PHONE "$TEXT"
is "full disk fails" "$RC" 1
has "status full" "$ERR" "code=full"
has "says the disk is full" "$ERR" "磁盘空间不足"

send --driver pigeon $PHONE "$TEXT"
is "unknown driver" "$RC" 1
has "unknown driver message" "$ERR" "未知的短信发送方式"

printf '\n%d failure(s), %.1fs\n' "$fails" "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"
[ "$fails" -eq 0 ]
