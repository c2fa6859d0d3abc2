#!/usr/bin/env bash
# certdeskd end to end, over real HTTP on 127.0.0.1 with a random port:
# the admin subcommands (offices, terminals, audit), enrolment, the bearer
# secret, the limits (bad JSON, shapes, sizes, a cut connection: 4xx with a
# reason and nothing changed), push of hand-built ops (applied, duplicate,
# rejected, retry while a file is missing), pull (scope, versions, pages,
# deletions), blobs (parts, resume after a cut, wrong hash), kill -9 in the
# middle of a push, a full disk, many terminals at once, and a terminal
# whose batches exceed the body limit (413: it halves them). Every server
# started here is stopped by pid in the EXIT trap.
set -uo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export no_proxy='*' NO_PROXY='*'
D=$CERTDESK_BIN/certdeskd
DB=$TEST_TMP/centre.db
LOG=$TEST_TMP/certdeskd.log
for tool in curl jq python3 sqlite3; do
	command -v $tool >/dev/null || { echo "FAIL - $tool is needed"; exit 1; }
done

fails=0
. "$(dirname "$0")/lib_tap.sh"
has() { if [[ $2 == *"$3"* ]]; then ok "$1"; else not_ok "$1: no [$3] in [$2]"; fi; }
lacks() { if [[ $2 == *"$3"* ]]; then not_ok "$1: unexpected [$3] in [$2]"; else ok "$1"; fi; }
section() { printf '\n== %s\n' "$1"; }
sql() { sqlite3 -cmd '.timeout 5000' "$DB" "$@"; }

# run NAME WANT_RC COMMAND...: exit status, output in OUT.
run() {
	local name=$1 want=$2
	shift 2
	OUT=$("$@" 2>&1)
	is "$name (exit status)" "$?" "$want"
}

# ---- the server ----------------------------------------------------------------

SRV=
cleanup() {
	[ -n "$SRV" ] && kill -KILL "$SRV" 2>/dev/null
	wait 2>/dev/null
}
trap cleanup EXIT

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start [ENV=V...] [-- extra options]: certdeskd on a fresh port; sets SRV and URL.
start() {
	local envs=() extra=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do envs+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	extra=("$@")
	PORT=$(free_port)
	URL=http://127.0.0.1:$PORT
	env "${envs[@]}" "$D" --db "$DB" --listen "127.0.0.1:$PORT" "${extra[@]}" 2>>"$LOG" &
	SRV=$!
	wait_up
}

wait_up() {
	local i
	for i in $(seq 200); do
		curl -s --max-time 2 -o /dev/null "$URL/v1/health" && return 0
		kill -0 "$SRV" 2>/dev/null || break
		sleep 0.05
	done
	not_ok "certdeskd did not start: $(tail -5 "$LOG")"
	exit 1
}

# stop: SIGTERM, which must end it cleanly.
stop() {
	kill -TERM "$SRV"
	wait "$SRV"
	is "certdeskd stops cleanly on SIGTERM" "$?" 0
	SRV=
}

# call METHOD PATH AUTH [curl options...]: sets CODE and BODY; AUTH "" for none.
call() {
	local method=$1 path=$2 auth=$3
	shift 3
	local h=()
	[ -n "$auth" ] && h=(-H "Authorization: Bearer $auth")
	CODE=$(curl -s --max-time 60 -o "$TEST_TMP/body" -D "$TEST_TMP/headers" -w '%{http_code}' \
		-X "$method" "${h[@]}" "$@" "$URL$path")
	BODY=$(cat "$TEST_TMP/body")
}
# head PATH AUTH: HEAD (curl -I: it must not wait for a body); CODE and HEADERS.
head_() {
	CODE=$(curl -s --max-time 30 -I -o "$TEST_TMP/headers" -w '%{http_code}' \
		-H "Authorization: Bearer $2" "$URL$1")
	HEADERS=$(tr -d '\r' <"$TEST_TMP/headers")
}
# fetch AUTH PATH FILE: GET into a file; CODE.
fetch() {
	CODE=$(curl -s --max-time 60 -o "$3" -w '%{http_code}' -H "Authorization: Bearer $1" "$URL$2")
}
header() { tr -d '\r' <"$TEST_TMP/headers" | sed -n "s/^$1: //Ip" | head -1; }
# jqt NAME FILTER: the last answer satisfies the jq filter.
jqt() {
	if jq -e "$2" >/dev/null 2>&1 <<<"$BODY"; then ok "$1"; else not_ok "$1: $2 on [$BODY]"; fi
}
# refused NAME CODE ERROR: the answer is that HTTP code with that error and a
# Chinese message.
refused() {
	is "$1: HTTP $2" "$CODE" "$2"
	jqt "$1: error $3 with a Chinese message" \
		"(.error == \"$3\") and (.message | test(\"[\\\\p{Han}]\"))"
}

# The database's content, without the visit times that authentication
# writes: two equal values mean that nothing changed.
state() {
	{
		sqlite3 -cmd '.timeout 5000' "$DB" .dump | grep -v '^INSERT INTO sync_terminals'
		sql "SELECT terminal_id, all_offices, enroll_hash, enroll_expires_at, secret_hash,
		     enrolled_at, revoked_at FROM sync_terminals ORDER BY 1"
	} | sha256sum | cut -c1-64
}

# Hand-built ops, as a terminal's outbox would send them.
cat >"$TEST_TMP/ops.py" <<'EOF'
import json, os, random, sys, time, uuid
def u7():
    ms = int(time.time() * 1000)
    r = random.getrandbits(74)
    v = (ms << 80) | (0x7 << 76) | ((r >> 62) << 64) | (0x2 << 62) | (r & ((1 << 62) - 1))
    return str(uuid.UUID(int=v))
def op(command, actor, entity, entity_id, payload, base=0, at="2026-11-20T09:00:00Z"):
    return {"op_id": u7(), "command": command, "actor_id": actor, "entity": entity,
            "entity_id": entity_id, "base_version": base, "at": at, "payload": payload}
PW = "$argon2id$v=19$m=65536,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
def staff(actor, office, user, role):
    i = u7()
    return op("staff.create@1", actor, "staff", i, {"id": i, "username": user,
              "name": "测试" + user, "role": role, "office_id": office, "pw_hash": PW,
              "must_change": False})
def applicant(actor, office, phone, name="张三", idn="11010519491231002X", command="applicant.register@1"):
    i = u7()
    return op(command, actor, "applicant", i, {"id": i, "phone": phone, "name": name,
              "id_number": idn, "email": "", "address": "", "postal_code": "",
              "portal_pw_hash": "", "verified_at": "2026-11-20T08:59:00Z", "office_id": office})
def application(actor, office, terminal, applicant_id, number):
    i = u7()
    return op("application.import@1", actor, "application", i, {"id": i, "number": number,
              "applicant_id": applicant_id, "office_id": office, "terminal_id": terminal,
              "kind": "new", "subject": "personal", "years": 1, "cert_serial": "",
              "holder_name": "张三", "holder_code": "11010519491231002X", "legal_rep": "",
              "address": "北京市朝阳区建国路1号", "postal_code": "", "email": "", "phone": "",
              "delivery": "pickup", "recipient": "", "recipient_phone": "",
              "recipient_address": "", "recipient_postal": ""})
def attach(actor, app_id, sha, size):
    i = u7()
    return op("attachment.add@1", actor, "attachment", i, {"id": i, "owner_id": app_id,
              "doc_type": "holder_id", "sha256": sha, "name": "身份证.pdf",
              "mime": "application/pdf", "size": size})
def transition(command, actor, app_id, base=0):
    return op(command, actor, "application", app_id, {"id": app_id}, base)
def batch(*ops):
    return json.dumps({"ops": list(ops)}, ensure_ascii=False)
EOF
# mk FILE PYTHON: write the batch the python expression builds.
mk() { PYTHONPATH=$TEST_TMP python3 -c "from ops import *; import os; print($2)" >"$1"; }
# push AUTH FILE
push() { call POST /v1/sync/push "$1" -H 'Content-Type: application/json' --data-binary "@$2"; }
# statuses: the results' statuses, space-separated.
statuses() { jq -r '[.results[].status] | join(" ")' <<<"$BODY"; }

# ---- admin subcommands -----------------------------------------------------------
section "offices and terminals"
run "init" 0 sh -c "echo Adm1nPass | '$D' init --db '$DB' --office HQ --office-name 总部 --admin root"
run "office add without --name is a usage error" 2 "$D" office add --db "$DB" --code BJ
run "office add with an unknown option" 2 "$D" office add --db "$DB" --code BJ --name 北京 --frob
run "office add" 0 "$D" office add --db "$DB" --code BJ --name 北京受理点
has "office add says what it did" "$OUT" "受理点 BJ（北京受理点）已添加"
run "the same office code again" 1 "$D" office add --db "$DB" --code BJ --name 又一个
has "duplicate office code: the reason" "$OUT" "受理点代码 BJ 已存在"
run "an office code that breaks the rule" 1 "$D" office add --db "$DB" --code 'b j' --name 坏代码
is "offices: HQ and BJ only" "$(sql 'SELECT group_concat(code) FROM (SELECT code FROM offices ORDER BY code)')" "BJ,HQ"
run "terminal add in an unknown office" 1 "$D" terminal add --db "$DB" --office SH --name 前台
has "unknown office: the reason" "$OUT" "没有代码为 SH 的受理点"

# add_terminal NAME OFFICE TNAME [--all-offices]: sets T_CODE (OFFICE:NN), T_ID, T_ENROLL.
add_terminal() {
	local name=$1
	shift
	run "$name" 0 "$D" terminal add --db "$DB" "$@"
	T_CODE=$(sed -n 's/^终端：\([A-Z0-9]*:[0-9][0-9]\).*/\1/p' <<<"$OUT")
	T_ID=$(sed -n 's/^编号：//p' <<<"$OUT")
	T_ENROLL=$(sed -n 's/^登记码：//p' <<<"$OUT")
}
add_terminal "terminal add BJ" --office BJ --name 前台一号
is "the first terminal of BJ is BJ:01" "$T_CODE" "BJ:01"
BJ_CODE=$T_ENROLL BJ_ID=$T_ID
[[ $BJ_CODE =~ ^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$ ]] &&
	ok "the enrolment code looks like XXXX-XXXX-XXXX-XXXX" || not_ok "enrolment code [$BJ_CODE]"
add_terminal "terminal add HQ, all offices" --office HQ --name 中心审核台 --all-offices
is "HQ:01 is the console made by init, so HQ:02" "$T_CODE" "HQ:02"
HQ_CODE=$T_ENROLL HQ_ID=$T_ID
has "an all-offices terminal says so" "$OUT" "可见全部受理点"
is "all_offices is kept" "$(sql "SELECT all_offices FROM sync_terminals WHERE terminal_id = '$HQ_ID'")" 1
add_terminal "a second BJ terminal" --office BJ --name 前台二号
is "next free code" "$T_CODE" "BJ:02"
BJ2_CODE=$T_ENROLL BJ2_ID=$T_ID
# Made three days and more ago: its code has expired by now.
OUT=$(CERTDESK_NOW=2020-01-01T00:00:00Z "$D" terminal add --db "$DB" --office BJ --name 旧终端 2>&1)
OLD_CODE=$(sed -n 's/^登记码：//p' <<<"$OUT")
add_terminal "a terminal to revoke before it enrols" --office BJ --name 作废终端
GONE_CODE=$T_ENROLL
run "revoke it by OFFICE:CODE" 0 "$D" terminal revoke --db "$DB" "$T_CODE"
has "revoke says so" "$OUT" "已撤销"
run "revoking it again changes nothing" 0 "$D" terminal revoke --db "$DB" "$T_CODE"
has "a second revoke says it was done before" "$OUT" "未作改动"
run "revoke an unknown terminal" 1 "$D" terminal revoke --db "$DB" BJ:77
run "revoke the centre's own console" 1 "$D" terminal revoke --db "$DB" HQ:01
run "revoke with a malformed name" 2 "$D" terminal revoke --db "$DB" nonsense

secrets=$(sql "SELECT count(*) FROM sync_terminals WHERE enroll_hash LIKE '%$(tr -d - <<<"$BJ_CODE")%'")
is "the enrolment code itself is not stored" "$secrets" 0
is "only its 64-hex-digit hash" "$(sql "SELECT length(enroll_hash) FROM sync_terminals WHERE terminal_id = '$BJ_ID'")" 64
run "terminal list" 0 "$D" terminal list --db "$DB"
has "list: a terminal waiting for enrolment" "$(grep '^BJ:01' <<<"$OUT")" "待登记"
has "list: the expired code" "$(grep '旧终端' <<<"$OUT")" "登记码已过期"
has "list: the revoked one" "$(grep '作废终端' <<<"$OUT")" "已撤销"
has "list: the console" "$(grep '^HQ:01' <<<"$OUT")" "中心本机"
has "list: the all-offices terminal" "$(grep '^HQ:02' <<<"$OUT")" "全部受理点"

audit=$(sql "SELECT action || '|' || actor_name || '|' || json_extract(after, '\$.console.os_user') || '|' ||
	json_extract(after, '\$.console.as_admin') FROM audit_log WHERE action LIKE 'office.%' OR action LIKE 'terminal.%' ORDER BY seq")
has "audited: office.add by the console, with the OS user" "$audit" "office.add|中心控制台|$(id -un)|root"
is "audited: every add and the revoke, once each" \
	"$(sql "SELECT group_concat(action) FROM (SELECT action FROM audit_log WHERE action LIKE 'office.%' OR action LIKE 'terminal.%' ORDER BY seq)")" \
	"office.add,terminal.add,terminal.add,terminal.add,terminal.add,terminal.add,terminal.revoke"
lacks "the audit log never holds an enrolment code" "$(sql 'SELECT after FROM audit_log')" "$BJ_CODE"
mkdir -p "$TEST_TMP/verify" && cp "$DB" "$TEST_TMP/verify/certdesk.db"
run "the audit chain holds after the admin actions" 0 "$CERTDESK_BIN/certdesk" --data "$TEST_TMP/verify" audit verify
is "the feed holds the offices and terminals" \
	"$(sql "SELECT count(*) FROM changes WHERE tbl IN ('offices', 'terminals')")" \
	"$(sql "SELECT (SELECT count(*) FROM offices) + (SELECT count(*) FROM terminals)")"

# ---- enrolment ---------------------------------------------------------------------
section "enrolment"
start
call GET /v1/health ""
is "health" "$CODE" 200
enroll() { call POST /v1/enroll "" -H 'Content-Type: application/json' --data-binary "{\"code\": \"$1\"}"; }
enroll "$BJ_CODE"
is "enrol with the right code" "$CODE" 200
jqt "enrol: the terminal, its office, its scope" \
	'.terminal.code == "01" and .office.code == "BJ" and .office.name == "北京受理点" and .all_offices == false and (.terminal.version > 0)'
jqt "enrol: a 32-byte secret in hex" '.secret | test("^[0-9a-f]{64}$")'
BJ_SECRET=$(jq -r .secret <<<"$BODY")
BJ=$BJ_ID.$BJ_SECRET
BJ_OFFICE=$(jq -r .office.id <<<"$BODY")
is "the secret is not stored" "$(sql "SELECT count(*) FROM sync_terminals WHERE secret_hash = '$BJ_SECRET'")" 0
is "its hash is" "$(sql "SELECT secret_hash IS NOT NULL AND enrolled_at IS NOT NULL FROM sync_terminals WHERE terminal_id = '$BJ_ID'")" 1
enroll "$BJ_CODE"
refused "the same code again" 410 enroll_used
enroll "$(tr 'A-Z' 'a-z' <<<"$HQ_CODE" | tr -d -)"
is "a code typed in lower case without dashes" "$CODE" 200
jqt "the all-offices terminal knows it" '.all_offices == true and .office.code == "HQ"'
HQ=$HQ_ID.$(jq -r .secret <<<"$BODY")
enroll "$OLD_CODE"
refused "an expired code" 410 enroll_expired
enroll "$GONE_CODE"
refused "the code of a revoked terminal" 401 revoked
enroll "ZZZZ-ZZZZ-ZZZZ-ZZZZ"
refused "a code nobody was given" 401 enroll_invalid
enroll "12345"
refused "a malformed code" 401 enroll_invalid
call POST /v1/enroll "" --data-binary '{"kod": "x"}'
refused "an enrolment without a code" 400 bad_request
enroll "$BJ2_CODE"
BJ2=$BJ2_ID.$(jq -r .secret <<<"$BODY")

# ---- authentication ------------------------------------------------------------------
section "authentication"
call GET /v1/sync/pull ""
refused "no credentials" 401 auth_missing
has "401 names the scheme" "$(header WWW-Authenticate)" "Bearer"
call GET /v1/sync/pull "$BJ_ID"
refused "a credential without a secret" 401 auth_malformed
call GET /v1/sync/pull "$BJ_ID.$(printf '%064d' 0)"
refused "a wrong secret" 401 auth
call GET /v1/sync/pull "01a21230-0000-7000-8000-000000000000.$BJ_SECRET"
refused "an unknown terminal" 401 auth
call GET /v1/sync/pull "$BJ"
is "the right secret" "$CODE" 200
call GET /v1/sync/pull "$BJ2"
is "the second terminal, before it is revoked" "$CODE" 200
run "revoke a terminal while the server runs" 0 "$D" terminal revoke --db "$DB" "$BJ2_ID"
call GET /v1/sync/pull "$BJ2"
refused "a revoked terminal's secret" 401 revoked
call POST /v1/sync/push "$BJ2" --data-binary '{"ops": []}'
refused "a revoked terminal cannot push" 401 revoked
run "terminal list after enrolment" 0 "$D" terminal list --db "$DB"
line=$(grep '^BJ:01' <<<"$OUT")
has "list: enrolled" "$line" "已登记"
[[ $line =~ [0-9]{4}-[0-9]{2}-[0-9]{2}\ [0-9]{2}:[0-9]{2}\ +[0-9a-f]{8}- ]] && ok "list: last seen" ||
	not_ok "list: last seen missing in [$line]"

# ---- limits: refused with a reason, nothing changed --------------------------------
section "limits"
ROOT=$(sql "SELECT id FROM staff WHERE username = 'root'")
HQ_OFFICE=$(sql "SELECT id FROM offices WHERE code = 'HQ'")
before=$(state)
call GET /v1/nothing ""
refused "an unknown route" 404 not_found
call DELETE /v1/sync/pull "$BJ"
refused "a wrong method" 405 method
is "405 lists the allowed methods" "$(header Allow)" "GET"
call POST /v1/sync/push "$BJ" --data-binary '{"ops": [{"op_id": "x",'
refused "malformed JSON" 400 bad_json
jqt "the parse error has jansson's line and column" '.line == 1 and .column > 0 and (.message | test("第 1 行"))'
mk "$TEST_TMP/good.json" "batch(applicant('$ROOT', '$HQ_OFFICE', '13900000001'))"
head -c $(($(wc -c <"$TEST_TMP/good.json") - 7)) "$TEST_TMP/good.json" >"$TEST_TMP/cut.json"
push "$BJ" "$TEST_TMP/cut.json"
refused "a truncated batch" 400 bad_json
call POST /v1/sync/push "$BJ"
refused "an empty body" 400 empty
for shape in '[]' '{"ops": {}}' '{"opz": []}' '{"ops": [1, 2]}' '{"ops": null}'; do
	call POST /v1/sync/push "$BJ" --data-binary "$shape"
	refused "the wrong shape $shape" 400 bad_request
done
mk "$TEST_TMP/501.json" "batch(*[applicant('$ROOT', '$HQ_OFFICE', '139%08d' % i) for i in range(501)])"
push "$BJ" "$TEST_TMP/501.json"
refused "501 ops in one batch" 400 too_many_ops
head -c $((9 << 20)) /dev/zero | tr '\0' ' ' >"$TEST_TMP/9m.json"
push "$BJ" "$TEST_TMP/9m.json"
refused "a body over 8 MiB" 413 too_large
call POST /v1/enroll "" --data-binary "@$TEST_TMP/9m.json" -H 'Transfer-Encoding: chunked'
refused "an oversized body without Content-Length" 413 too_large
# A client that announces 1000 bytes, sends 20 and goes away.
python3 - "$PORT" "$BJ" <<'PY'
import socket, sys
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(("POST /v1/sync/push HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Length: 1000\r\n\r\n{\"ops\": [{\"op_id\":" % sys.argv[2]).encode())
s.close()
PY
call GET /v1/health ""
is "the server carries on after a client vanished mid-body" "$CODE" 200
is "nothing of all that changed the database" "$(state)" "$before"

# ---- push ----------------------------------------------------------------------------
section "push"
# Staff of BJ, made by root from the all-offices terminal.
mk "$TEST_TMP/staff.json" "batch(staff('$ROOT', '$BJ_OFFICE', 'li.si', 'clerk'), staff('$ROOT', '$BJ_OFFICE', 'wang.wu', 'supervisor'))"
push "$HQ" "$TEST_TMP/staff.json"
is "staff.create by root at the centre terminal" "$CODE $(statuses)" "200 applied applied"
CLERK=$(sql "SELECT id FROM staff WHERE username = 'li.si'")
SUPER=$(sql "SELECT id FROM staff WHERE username = 'wang.wu'")
is "the clerk is in BJ" "$(sql "SELECT role || '@' || (SELECT code FROM offices WHERE id = office_id) FROM staff WHERE id = '$CLERK'")" "clerk@BJ"

ops_before=$(sql "SELECT count(*) FROM sync_ops")
mk "$TEST_TMP/b1.json" "batch(applicant('$CLERK', '$BJ_OFFICE', '13800138000'))"
APPLICANT=$(jq -r '.ops[0].entity_id' "$TEST_TMP/b1.json")
PYTHONPATH=$TEST_TMP python3 -c "
from ops import *; import json
b = json.load(open('$TEST_TMP/b1.json'))
b['ops'].append(application('$CLERK', '$BJ_OFFICE', '$BJ_ID', '$APPLICANT', 'SQ-BJ-01-20261120-0001'))
print(json.dumps(b, ensure_ascii=False))" >"$TEST_TMP/b1b.json"
mv "$TEST_TMP/b1b.json" "$TEST_TMP/b1.json"
APP=$(jq -r '.ops[1].entity_id' "$TEST_TMP/b1.json")
push "$BJ" "$TEST_TMP/b1.json"
is "applicant.register and application.import by the clerk" "$CODE $(statuses)" "200 applied applied"
is "the applicant is at the centre, made at the op's time" \
	"$(sql "SELECT phone || ' ' || created_at || ' ' || (SELECT code FROM offices WHERE id = office_id) FROM applicants WHERE id = '$APPLICANT'")" \
	"13800138000 2026-11-20T09:00:00Z BJ"
is "the application keeps the terminal's number" "$(sql "SELECT number || ' ' || status FROM applications WHERE id = '$APP'")" \
	"SQ-BJ-01-20261120-0001 draft"
is "both ops recorded" "$(sql "SELECT count(*) FROM sync_ops")" $((ops_before + 2))
is "audited as the clerk, at BJ:01" "$(sql "SELECT actor_id = '$CLERK' AND terminal_id = '$BJ_ID' FROM audit_log WHERE action = 'applicant.register' ORDER BY seq DESC LIMIT 1")" 1
before=$(state)
push "$BJ" "$TEST_TMP/b1.json"
is "the same batch again: duplicates" "$CODE $(statuses)" "200 duplicate duplicate"
push "$BJ" "$TEST_TMP/b1.json"
is "and again" "$(statuses)" "duplicate duplicate"
is "the centre is as after the first delivery" "$(state)" "$before"

mk "$TEST_TMP/accept.json" "batch(transition('application.accept@1', '$CLERK', '$APP'))"
push "$BJ" "$TEST_TMP/accept.json"
is "a clerk accepting an application" "$(statuses)" "rejected"
jqt "rejected as denied, with the reason and the centre's record" \
	'.results[0].code == "denied" and (.results[0].message | test("审核员")) and .results[0].row.id == "'"$APP"'" and .results[0].row.status == "draft"'
push "$BJ" "$TEST_TMP/accept.json"
jqt "replayed: the same refusal, the record again" \
	'.results[0].status == "rejected" and .results[0].code == "denied" and .results[0].row.status == "draft"'
is "the application is still a draft" "$(sql "SELECT status FROM applications WHERE id = '$APP'")" draft

apps_before=$(sql "SELECT count(*) FROM applicants")
mk "$TEST_TMP/v9.json" "batch(applicant('$CLERK', '$BJ_OFFICE', '13800000009', command='applicant.register@9'), applicant('$CLERK', '$BJ_OFFICE', '13800000010', command='applicant.fly@1'))"
push "$BJ" "$TEST_TMP/v9.json"
is "a newer command version waits for the centre's upgrade; the op after it waits too" "$(statuses)" "retry retry"
jqt "the first unsupported, with a reason; the second blocked behind it" \
	'.results[0].code == "unsupported" and (.results[0].message | test("版本")) and .results[1].code == "blocked"'
mk "$TEST_TMP/fly.json" "batch(applicant('$CLERK', '$BJ_OFFICE', '13800000010', command='applicant.fly@1'))"
push "$BJ" "$TEST_TMP/fly.json"
jqt "an unknown command waits too, with a reason" \
	'.results[0].status == "retry" and .results[0].code == "unsupported" and (.results[0].message | test("不认识"))'
mk "$TEST_TMP/v0.json" "batch(applicant('$CLERK', '$BJ_OFFICE', '13800000012', command='applicant.register@0'))"
push "$BJ" "$TEST_TMP/v0.json"
jqt "a version no longer supported is refused for good" \
	'.results[0].status == "rejected" and .results[0].code == "unsupported" and (.results[0].message | test("升级"))'
is "no applicant was made" "$(sql "SELECT count(*) FROM applicants")" "$apps_before"

mk "$TEST_TMP/other.json" "batch(applicant('$ROOT', '$HQ_OFFICE', '13800000011'))"
push "$BJ" "$TEST_TMP/other.json"
jqt "an actor of another office on a BJ terminal" '.results[0].status == "rejected" and .results[0].code == "denied"'
mk "$TEST_TMP/dup.json" "batch(applicant('$ROOT', '$HQ_OFFICE', '13800138000', name='李四'))"
push "$HQ" "$TEST_TMP/dup.json"
jqt "the same phone registered at another office" \
	'.results[0].status == "rejected" and .results[0].code == "exists" and .results[0].field == "phone" and (.results[0].message | test("138\\*\\*\\*\\*8000"))'
call POST /v1/sync/push "$BJ" --data-binary '{"ops": [{"command": "applicant.register@1"}]}'
jqt "an op without an id is refused, not recorded" '.results[0].status == "rejected" and .results[0].code == "invalid" and .results[0].op_id == null'

# An attachment whose file has not arrived waits, and so does what follows.
(printf '%%PDF-1.4\n'; head -c 300000 /dev/urandom) >"$TEST_TMP/scan.pdf"
SHA=$(sha256sum "$TEST_TMP/scan.pdf" | cut -c1-64)
SIZE=$(stat -c %s "$TEST_TMP/scan.pdf")
mk "$TEST_TMP/att.json" "batch(attach('$CLERK', '$APP', '$SHA', $SIZE), applicant('$CLERK', '$BJ_OFFICE', '13800000012', name='王五'))"
ATT=$(jq -r '.ops[0].entity_id' "$TEST_TMP/att.json")
before=$(state)
push "$BJ" "$TEST_TMP/att.json"
is "an attachment before its file" "$CODE $(statuses)" "200 retry retry"
jqt "retry: the file is missing, the next op waits behind it" \
	'.results[0].code == "blob_missing" and .results[1].code == "blocked"'
is "nothing recorded for ops that wait" "$(state)" "$before"

# ---- blobs ---------------------------------------------------------------------------
section "blobs"
put() { # AUTH SHA RANGE FILE
	call PUT "/v1/blobs/$2" "$1" -H "Content-Range: $3" -H 'Content-Type: application/octet-stream' \
		--data-binary "@$4"
}
head_ "/v1/blobs/$SHA" "$BJ"
is "HEAD before anything arrived" "$CODE $(header X-Received)" "404 0"
head -c 100000 "$TEST_TMP/scan.pdf" >"$TEST_TMP/part1"
tail -c +100001 "$TEST_TMP/scan.pdf" >"$TEST_TMP/rest"
put "$BJ" "$SHA" "bytes 0-99999/$SIZE" "$TEST_TMP/part1"
is "the first part" "$CODE $(header X-Received)" "200 100000"
jqt "not complete yet" '.complete == false and .received == 100000'
head_ "/v1/blobs/$SHA" "$BJ"
is "HEAD says how much arrived" "$CODE $(header X-Received)" "206 100000"
put "$BJ" "$SHA" "bytes 0-99999/$SIZE" "$TEST_TMP/part1"
refused "the first part again" 416 offset
is "416 says where to go on" "$(header X-Received)" 100000
push "$BJ" "$TEST_TMP/att.json"
is "a part of the file is not the file" "$(statuses)" "retry retry"
# A cut in the middle of the second part: what arrived stays.
python3 - "$PORT" "$BJ" "$SHA" "$SIZE" "$TEST_TMP/rest" <<'PY'
import socket, sys, time
port, auth, sha, size, path = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
data = open(path, 'rb').read()
s = socket.create_connection(("127.0.0.1", int(port)))
s.sendall(("PUT /v1/blobs/%s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\n"
           "Content-Range: bytes 100000-%d/%d\r\nContent-Length: %d\r\n\r\n"
           % (sha, auth, size - 1, size, len(data))).encode())
s.sendall(data[:50000])
time.sleep(0.3)
s.close()
PY
got=
for i in $(seq 50); do
	head_ "/v1/blobs/$SHA" "$BJ"
	got=$(header X-Received)
	[ "$got" = 150000 ] && break
	sleep 0.05
done
is "after the cut, HEAD counts what arrived" "$CODE $got" "206 150000"
tail -c +150001 "$TEST_TMP/scan.pdf" >"$TEST_TMP/last"
put "$BJ" "$SHA" "bytes 150000-$((SIZE - 1))/$SIZE" "$TEST_TMP/last"
is "resumed from there, the last part completes the file" "$CODE" 201
jqt "complete, with its size" ".complete == true and .size == $SIZE"
head_ "/v1/blobs/$SHA" "$BJ"
is "HEAD: complete" "$CODE $(header Content-Length)" "200 $SIZE"
put "$BJ" "$SHA" "bytes 0-99999/$SIZE" "$TEST_TMP/part1"
jqt "a file already here is not taken again" '.complete == true'
fetch "$HQ" "/v1/blobs/$SHA" "$TEST_TMP/back.pdf"
is "GET a complete file" "$CODE" 200
cmp -s "$TEST_TMP/back.pdf" "$TEST_TMP/scan.pdf" && ok "GET gives back the same bytes" || not_ok "GET: the bytes differ"
ls "$TEST_TMP"/blobs/tmp/*.part >/dev/null 2>&1 && not_ok "a finished upload left its part behind" || ok "no part left behind"
[ -f "$TEST_TMP/blobs/${SHA:0:2}/${SHA:2:2}/$SHA" ] && ok "stored as blobs/aa/bb/sha256 beside the database" ||
	not_ok "the file is not at blobs/${SHA:0:2}/${SHA:2:2}/$SHA"

(printf '%%PDF-1.4\n'; head -c 5000 /dev/urandom) >"$TEST_TMP/liar.pdf"
LIAR=$(printf '%s' "not the content" | sha256sum | cut -c1-64)
put "$BJ" "$LIAR" "bytes 0-$(($(stat -c %s "$TEST_TMP/liar.pdf") - 1))/$(stat -c %s "$TEST_TMP/liar.pdf")" "$TEST_TMP/liar.pdf"
refused "content that does not match its name" 422 hash_mismatch
head_ "/v1/blobs/$LIAR" "$BJ"
is "and nothing of it is kept" "$CODE $(header X-Received)" "404 0"
head -c 4000 /dev/urandom >"$TEST_TMP/noise"
NOISE=$(sha256sum "$TEST_TMP/noise" | cut -c1-64)
put "$BJ" "$NOISE" "bytes 0-3999/4000" "$TEST_TMP/noise"
refused "a file that is not PDF, JPEG or PNG" 415 type
put "$BJ" "$NOISE" "bytes 0-3999/$((21 << 20))" "$TEST_TMP/noise"
refused "a file over 20 MiB" 413 too_large
put "$BJ" "$NOISE" "bytes 0-3998/4000" "$TEST_TMP/noise"
refused "a body longer than its range" 400 bad_range
put "$BJ" "$NOISE" "bytes=0-3999" "$TEST_TMP/noise"
refused "a malformed Content-Range" 400 bad_range
call PUT "/v1/blobs/../../../etc/passwd" "$BJ" --path-as-is -H "Content-Range: bytes 0-3999/4000" \
	--data-binary "@$TEST_TMP/noise"
is "a path is not a name" "$CODE" 404
put "$BJ" "ABC" "bytes 0-3999/4000" "$TEST_TMP/noise"
refused "a name that is not a SHA-256" 400 bad_sha
call PUT "/v1/blobs/$NOISE" "" -H "Content-Range: bytes 0-3999/4000" --data-binary "@$TEST_TMP/noise"
refused "an upload without credentials" 401 auth_missing

# The file has arrived: the ops that waited go through.
push "$BJ" "$TEST_TMP/att.json"
is "the ops that waited" "$(statuses)" "applied applied"
fetch "$BJ" "/v1/blobs/$SHA" /dev/null
is "BJ may fetch a file of its own records" "$CODE" 200
python3 -c 'import sys; sys.stdout.buffer.write(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)' >"$TEST_TMP/hq.png"
PNG=$(sha256sum "$TEST_TMP/hq.png" | cut -c1-64)
put "$HQ" "$PNG" "bytes 0-$(($(stat -c %s "$TEST_TMP/hq.png") - 1))/$(stat -c %s "$TEST_TMP/hq.png")" "$TEST_TMP/hq.png"
is "a PNG for no BJ record" "$CODE" 201
call GET "/v1/blobs/$PNG" "$BJ"
refused "BJ may not fetch a file outside its office" 404 not_found
fetch "$HQ" "/v1/blobs/$PNG" /dev/null
is "the all-offices terminal may" "$CODE" 200

# ---- versions: a stale edit is a conflict ---------------------------------------------
section "conflicts and deletions"
VER=$(sql "SELECT version FROM attachments WHERE id = '$ATT'")
mk "$TEST_TMP/stale.json" "batch(op('attachment.remove@1', '$CLERK', 'attachment', '$ATT', {'id': '$ATT'}, base=$((VER - 1))))"
push "$BJ" "$TEST_TMP/stale.json"
jqt "removing against an old version" \
	".results[0].status == \"rejected\" and .results[0].code == \"conflict\" and .results[0].row.version == $VER"
mk "$TEST_TMP/rm.json" "batch(op('attachment.remove@1', '$CLERK', 'attachment', '$ATT', {'id': '$ATT'}, base=$VER))"
push "$BJ" "$TEST_TMP/rm.json"
is "removing against the current version" "$(statuses)" "applied"
is "the attachment is gone" "$(sql "SELECT count(*) FROM attachments WHERE id = '$ATT'")" 0

# ---- pull ------------------------------------------------------------------------------
section "pull"
END=$(sql "SELECT max(seq) FROM changes")
call GET "/v1/sync/pull?since=0&limit=2000" "$BJ"
is "pull from the start" "$CODE" 200
jqt "BJ sees every office, its staff, the applicants, its applications" \
	'([.changes[] | select(.table == "offices")] | length) == 2
	 and any(.changes[]; .table == "staff" and .row.username == "li.si")
	 and any(.changes[]; .table == "applicants" and .row.phone == "13800138000")
	 and any(.changes[]; .table == "applications" and .row.id == "'"$APP"'")'
jqt "and nothing of HQ's own: its staff, its terminals" \
	'(any(.changes[]; .table == "staff" and .row.username == "root") | not)
	 and (any(.changes[]; .table == "terminals" and .row.office_id == "'"$HQ_OFFICE"'") | not)'
jqt "rows are whole" \
	'.changes[] | select(.table == "applicants" and .row.phone == "13800138000") | .row
	 | has("id_number") and has("portal_pw_hash") and has("created_at") and .office_id == "'"$BJ_OFFICE"'"'
# Whole rows: each pulled row is its table's row, column for column, value
# for value and type for type, as SQLite itself gives it.
jq -c '.changes[] | select(.row) | [.table, .row]' <<<"$BODY" >"$TEST_TMP/pulled.jsonl"
diffs=$(python3 - "$DB" "$TEST_TMP/pulled.jsonl" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
bad = n = 0
for line in open(sys.argv[2], encoding='utf-8'):
    table, row = json.loads(line)
    keys = {"applicant_enterprises": ["applicant_id", "enterprise_id"],
            "application_paper_docs": ["application_id", "doc_type"], "blobs": ["sha256"],
            "order_lines": ["order_id", "application_id"],
            "payment_orders": ["payment_id", "order_id"]}.get(table, ["id"])
    cur = db.execute('SELECT * FROM "%s" WHERE %s' % (table, " AND ".join('"%s" = ?' % k for k in keys)),
                     [row[k] for k in keys])
    names = [d[0] for d in cur.description]
    have = dict(zip(names, cur.fetchone()))
    n += 1
    if have != row or any(type(have[k]) is not type(row[k]) for k in names):
        bad += 1
        print("%s: centre %r, pulled %r" % (table, have, row))
print("%d of %d rows differ" % (bad, n) if bad else "ok %d" % n)
PY
)
[[ $diffs =~ ^ok\ [1-9][0-9]+$ ]] && ok "pulled rows are the centre's rows, every column (${diffs#ok } rows)" ||
	not_ok "pulled rows differ from the centre's: $diffs"
jqt "every versioned row carries its version, its place in the feed" \
	'[.changes[] | select(.row.version != null) | .row.version == .seq] | all'
jqt "the removed attachment comes as a deletion" \
	'any(.changes[]; .table == "attachments" and .key.id == "'"$ATT"'" and .deleted == true and (has("row") | not))'
jqt "the last page: no more, and next is the end of the feed" ".more == false and .next == $END"
ALL=$(jq -c '[.changes[].seq]' <<<"$BODY")
since=0 seqs='[]' pages=0 bad=
while :; do
	call GET "/v1/sync/pull?since=$since&limit=3" "$BJ"
	[ "$CODE" = 200 ] || { bad="page after $since: HTTP $CODE"; break; }
	seqs=$(jq -c --argjson s "$seqs" '$s + [.changes[].seq]' <<<"$BODY")
	pages=$((pages + 1))
	[ "$(jq -r .more <<<"$BODY")" = true ] || break
	jq -e '(.changes | length) == 3 and .next == .changes[-1].seq' >/dev/null <<<"$BODY" ||
		bad="a full page must end at its last row: $BODY"
	since=$(jq -r .next <<<"$BODY")
	[ $pages -lt 1000 ] || { bad="no end"; break; }
done
[ -z "$bad" ] && ok "full pages end at their last row" || not_ok "$bad"
is "pages of 3 bring the same changes as one page" "$seqs" "$ALL"
[ $pages -gt 2 ] && ok "in several pages ($pages)" || not_ok "only $pages pages"
call GET "/v1/sync/pull?since=$END" "$BJ"
jqt "nothing new" ".changes == [] and .more == false and .next == $END"
call GET /v1/sync/pull "$BJ"
jqt "since and limit are optional" '.changes | length > 0 and length <= 500'
call GET "/v1/sync/pull?since=0&limit=999999" "$HQ"
jqt "the all-offices terminal sees HQ's staff too" 'any(.changes[]; .table == "staff" and .row.username == "root")'
call GET "/v1/sync/pull?since=-1" "$BJ"
refused "a negative cursor" 400 bad_request
call GET "/v1/sync/pull?since=0&limit=0" "$BJ"
refused "an empty page" 400 bad_request
call GET "/v1/sync/pull?limit=many" "$BJ"
refused "a limit that is not a number" 400 bad_request
call GET "/v1/sync/pull?since=$((END + 1000))" "$BJ"
refused "a cursor beyond the centre's feed" 409 cursor_ahead

# ---- faults --------------------------------------------------------------------------
section "kill -9 in the middle of a push"
count() { sql "SELECT (SELECT count(*) FROM applicants) || ' ' || (SELECT count(*) FROM sync_ops)"; }
trial=0
for delay in 0.01 0.03 0.06 0.1 0.15 0.25; do
	trial=$((trial + 1))
	mk "$TEST_TMP/k$trial.json" "batch(*[applicant('$CLERK', '$BJ_OFFICE', '13%d%08d' % ($trial, i), name='批量') for i in range(500)])"
	read -r a0 o0 <<<"$(count)"
	curl -s --max-time 30 -o /dev/null -H "Authorization: Bearer $BJ" \
		--data-binary "@$TEST_TMP/k$trial.json" "$URL/v1/sync/push" &
	cpid=$!
	sleep $delay
	kill -KILL "$SRV"
	wait "$SRV" 2>/dev/null
	wait $cpid 2>/dev/null
	SRV=
	read -r a1 o1 <<<"$(count)"
	if { [ $((a1 - a0)) = 0 ] && [ $((o1 - o0)) = 0 ]; } || { [ $((a1 - a0)) = 500 ] && [ $((o1 - o0)) = 500 ]; }; then
		ok "killed after ${delay}s: all of the batch or none ($((a1 - a0)) applicants, $((o1 - o0)) ops)"
	else
		not_ok "killed after ${delay}s: half a batch ($((a1 - a0)) applicants, $((o1 - o0)) ops)"
	fi
	start
	push "$BJ" "$TEST_TMP/k$trial.json"
	jqt "sent again after the restart: each op once" \
		'[.results[].status] | (map(. == "applied") | all) or (map(. == "duplicate") | all)'
	read -r a2 o2 <<<"$(count)"
	is "exactly the batch, once" "$((a2 - a0)) $((o2 - o0))" "500 500"
done
section "SIGTERM in the middle of pushes"
read -r a0 o0 <<<"$(count)"
for i in 1 2 3; do
	mk "$TEST_TMP/t$i.json" "batch(*[applicant('$CLERK', '$BJ_OFFICE', '146%d%07d' % ($i, k), name='停止') for k in range(500)])"
done
pids=()
for i in 1 2 3; do
	curl -s --max-time 30 -o "$TEST_TMP/t$i.out" -w '%{http_code}' -H "Authorization: Bearer $BJ" \
		--data-binary "@$TEST_TMP/t$i.json" "$URL/v1/sync/push" >"$TEST_TMP/t$i.code" &
	pids+=($!)
done
sleep 0.05
kill -TERM "$SRV"
t0=$EPOCHREALTIME
wait "$SRV"
is "certdeskd stops cleanly with pushes in flight" "$?" 0
SRV=
wait "${pids[@]}"
read -r a1 o1 <<<"$(count)"
answered=0
for i in 1 2 3; do
	if [ "$(cat "$TEST_TMP/t$i.code")" = 200 ]; then
		answered=$((answered + 1))
		jq -e '[.results[].status == "applied"] | all' "$TEST_TMP/t$i.out" >/dev/null ||
			not_ok "push $i answered 200 but not applied"
	fi
done
is "whole batches only, and every one answered 200 is there" \
	"$(((a1 - a0) % 500)) $(((o1 - o0) % 500)) $(((a1 - a0) / 500 >= answered))" "0 0 1"
start
for i in 1 2 3; do
	push "$BJ" "$TEST_TMP/t$i.json"
	jqt "push $i sent again after the restart: each op once" \
		'[.results[].status] | (map(. == "applied") | all) or (map(. == "duplicate") | all)'
done
read -r a2 o2 <<<"$(count)"
is "all three batches, once" "$((a2 - a0)) $((o2 - o0))" "1500 1500"

rm -rf "$TEST_TMP/verify" && mkdir -p "$TEST_TMP/verify"
sql ".backup '$TEST_TMP/verify/certdesk.db'"
run "the audit chain holds after the kills" 0 "$CERTDESK_BIN/certdesk" --data "$TEST_TMP/verify" audit verify

section "a full disk"
stop
sql 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
# No file may grow past 64 KiB: the batch's write-ahead log cannot be
# written (SIGXFSZ ignored, so the writes fail with EFBIG).
blocks=64
before=$(state)
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
(trap '' XFSZ; ulimit -f $blocks; exec "$D" --db "$DB" --listen "127.0.0.1:$PORT") 2>>"$TEST_TMP/full.log" &
SRV=$!
wait_up
mk "$TEST_TMP/full.json" "batch(*[applicant('$CLERK', '$BJ_OFFICE', '1590%07d' % i, name='满盘') for i in range(500)])"
push "$BJ" "$TEST_TMP/full.json"
[[ $CODE = 503 || $CODE = 507 ]] && ok "the batch is refused as a server failure ($CODE)" || not_ok "full disk: HTTP $CODE: $BODY"
jqt "every op: retry, with the reason" \
	'(.results | length) == 500 and ([.results[] | .status == "retry" and (.message | test("[\\p{Han}]"))] | all)'
kill -TERM "$SRV"
wait "$SRV"
SRV=
is "nothing of it was written" "$(state)" "$before"
start -- --data "$TEST_TMP/elsewhere"
push "$BJ" "$TEST_TMP/full.json"
jqt "with room again, the batch goes through" '[.results[].status == "applied"] | all'
put "$HQ" "$NOISE" "bytes 0-$(($(stat -c %s "$TEST_TMP/hq.png") - 1))/$(stat -c %s "$TEST_TMP/hq.png")" "$TEST_TMP/hq.png"
refused "a file whose name is another's hash" 422 hash_mismatch
python3 -c 'import sys; sys.stdout.buffer.write(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)' >"$TEST_TMP/x.jpg"
JPG=$(sha256sum "$TEST_TMP/x.jpg" | cut -c1-64)
put "$HQ" "$JPG" "bytes 0-1027/1028" "$TEST_TMP/x.jpg"
is "with --data DIR" "$CODE" 201
[ -f "$TEST_TMP/elsewhere/blobs/${JPG:0:2}/${JPG:2:2}/$JPG" ] && ok "the file is under DIR/blobs" ||
	not_ok "not in $TEST_TMP/elsewhere/blobs"
head_ "/v1/blobs/$SHA" "$HQ"
is "files of the other directory are not seen" "$CODE" 404

section "many terminals at once"
AUTHS=()
for i in $(seq 8); do
	OUT=$("$D" terminal add --db "$DB" --office BJ --name "并发$i" 2>&1)
	enroll "$(sed -n 's/^登记码：//p' <<<"$OUT")"
	AUTHS+=("$(sed -n 's/^编号：//p' <<<"$OUT").$(jq -r .secret <<<"$BODY")")
done
is "eight more terminals enrolled" "${#AUTHS[@]}" 8
read -r a0 o0 <<<"$(count)"
for i in $(seq 0 7); do
	for j in 1 2 3; do
		mk "$TEST_TMP/c$i-$j.json" "batch(*[applicant('$CLERK', '$BJ_OFFICE', '1880%d%d%05d' % ($i, $j, k), name='并发') for k in range(20)])"
	done
done
t0=$EPOCHREALTIME
pids=()
for i in $(seq 0 7); do
	for j in 1 2 3; do
		curl -s --max-time 60 -o "$TEST_TMP/c$i-$j.out" -w '%{http_code}\n' -H "Authorization: Bearer ${AUTHS[$i]}" \
			--data-binary "@$TEST_TMP/c$i-$j.json" "$URL/v1/sync/push" >"$TEST_TMP/c$i-$j.code" &
		pids+=($!)
		curl -s --max-time 60 -o "$TEST_TMP/p$i-$j.out" -w '%{http_code}\n' -H "Authorization: Bearer ${AUTHS[$i]}" \
			"$URL/v1/sync/pull?since=0&limit=2000" >"$TEST_TMP/p$i-$j.code" &
		pids+=($!)
	done
done
wait "${pids[@]}"
echo "   (48 requests at once took $(awk "BEGIN { printf \"%.0f\", ($EPOCHREALTIME - $t0) * 1000 }") ms)"
codes=$(cat "$TEST_TMP"/c*.code "$TEST_TMP"/p*.code | sort | uniq -c | tr -s ' ')
is "every request answered 200" "$codes" " 48 200"
is "every op applied" "$(cat "$TEST_TMP"/c*.out | jq -r '.results[].status' | sort | uniq -c | tr -s ' ')" " 480 applied"
read -r a1 o1 <<<"$(count)"
is "each once" "$((a1 - a0)) $((o1 - o0))" "480 480"

section "connection limit and idle timeout"
stop
start -- --max-connections 4 --timeout 1
limits=$(python3 - "$PORT" <<'PY'
import socket, subprocess, sys, time
port = int(sys.argv[1])
def health():
    t = time.time()
    r = subprocess.run(["curl", "-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_code}",
                        "http://127.0.0.1:%d/v1/health" % port], capture_output=True, text=True)
    return r.stdout, time.time() - t
code, alone = health()
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(4)]
time.sleep(0.2)
code2, waited = health()
for s in idle:
    s.settimeout(5)
closed = all(s.recv(1) == b"" for s in idle)
print("alone %s %s; fifth %s %s; idle closed %s" % (code, "fast" if alone < 0.5 else "slow",
      code2, "waited" if 0.4 < waited < 5 else "did not wait (%.2fs)" % waited, closed))
PY
)
is "four idle connections fill the limit; the fifth waits for the idle timeout" "$limits" \
	"alone 200 fast; fifth 200 waited; idle closed True"

section "HTTPS"
stop
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
		-keyout "$TEST_TMP/tls.key" -out "$TEST_TMP/tls.pem" -subj /CN=127.0.0.1 \
		-addext subjectAltName=IP:127.0.0.1 2>/dev/null
	PORT=$(free_port)
	"$D" --db "$DB" --listen "127.0.0.1:$PORT" --tls-cert "$TEST_TMP/tls.pem" \
		--tls-key "$TEST_TMP/tls.key" 2>>"$LOG" &
	SRV=$!
	up=
	for i in $(seq 200); do
		CODE=$(curl -s --max-time 2 --cacert "$TEST_TMP/tls.pem" -o "$TEST_TMP/body" -w '%{http_code}' \
			"https://127.0.0.1:$PORT/v1/sync/pull?since=0&limit=1" -H "Authorization: Bearer $HQ")
		[ "$CODE" = 200 ] && { up=1; break; }
		sleep 0.05
	done
	[ -n "$up" ] && ok "a pull over HTTPS, the certificate checked" || not_ok "no HTTPS answer: $CODE"
	CODE=$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/v1/health")
	is "plain HTTP to the HTTPS port gets no answer" "$CODE" 000
	run "a certificate without its key is a usage error" 2 "$D" --db "$DB" --listen 127.0.0.1:1 \
		--tls-cert "$TEST_TMP/tls.pem"
else
	not_ok "openssl is needed for the HTTPS test"
fi

section "a terminal's batches over the body limit"
# The terminal pushes batches of 500 ops; a centre with --max-body 64 KiB
# refuses them with 413 before reading them, and the terminal halves its
# batches until they fit: every op arrives, in order, once.
[ -n "$SRV" ] && stop
B2=$TEST_TMP/small
mkdir -p "$B2"
echo Root1234 | "$D" init --db "$B2/centre.db" --office HQ --office-name 总部 --admin root >/dev/null
"$D" office add --db "$B2/centre.db" --code SZFT --name 深圳福田受理点 >/dev/null
CODE2=$("$D" terminal add --db "$B2/centre.db" --office SZFT --name 一号窗口 | sed -n 's/^登记码：//p')
PORT=$(free_port)
URL=http://127.0.0.1:$PORT
"$D" --db "$B2/centre.db" --listen "127.0.0.1:$PORT" --max-body 65536 2>>"$LOG" &
SRV=$!
wait_up
T2() { CERTDESK_PASSWORD=Adm1nPass "$CERTDESK_BIN/certdesk" --data "$B2/t" "$@"; }
echo Adm1nPass | T2 init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin_t >/dev/null
run "the terminal enrols" 0 T2 --user admin_t sync --enroll "$URL" "$CODE2"
python3 - "$B2/people.csv" <<'PY'
import sys
w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
with open(sys.argv[1], "w") as f:
    f.write("phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n")
    for i in range(300):
        body = "110105%04d%02d%02d%03d" % (1950 + i % 50, i % 12 + 1, i % 28 + 1, i % 1000)
        c = "10X98765432"[sum(int(d) * k for d, k in zip(body, w)) % 11]
        f.write("1390000%04d,张%d,%s,,深圳市福田区深南大道%d号,518000,,\n" % (i, i, body + c, i + 1))
PY
run "300 applicants registered offline" 0 T2 --user admin_t import applicants "$B2/people.csv"
pending=$(sqlite3 "$B2/t/certdesk.db" "SELECT count(*) FROM outbox WHERE state = 'pending'")
run "one sync pushes them all in smaller batches" 0 T2 sync
has "the round says so" "$OUT" "已推送 $pending、"
has "the terminal halved its batches on 413" "$(cat "$B2/t/certdesk.log")" "push refused as too large, batches of 62 now"
is "nothing left in the outbox" "$(sqlite3 "$B2/t/certdesk.db" "SELECT count(*) FROM outbox WHERE state <> 'applied'")" 0
is "every op at the centre once" "$(sqlite3 "$B2/centre.db" "SELECT count(*) || '/' || count(DISTINCT op_id) FROM sync_ops WHERE command LIKE 'applicant.%'")" "300/300"
is "the applicants at the centre" "$(sqlite3 "$B2/centre.db" "SELECT count(*) FROM applicants")" 300

# ---- the end ------------------------------------------------------------------------
stop
if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' "$LOG" "$TEST_TMP/full.log"; then
	not_ok "sanitizer reports in certdeskd's log"
	grep -A30 -E 'AddressSanitizer|LeakSanitizer|runtime error' "$LOG" | head -60
else
	ok "no sanitizer reports"
fi
echo
if [ $fails -ne 0 ]; then
	echo "$fails failed"
	exit 1
fi
echo "server: all passed"
