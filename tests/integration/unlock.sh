#!/usr/bin/env bash
# Counter services beyond new and renewal (issue 10), with real parts: a
# real certdeskd holding the KEYs' PUKs sealed under its key file, a
# terminal enrolled with it, a private pcscd with vpcd readers and our
# virtual PIV cards holding certificates made here with openssl.
#
#   kinds   change, reissue, revoke and unlock applications entered (CSV
#           import), refused when they name an unknown or another's
#           certificate, reviewed with four eyes, printed;
#   unlock  a blocked PIN reset with the centre's PUK after a supervisor
#           accepted the unlock (not the clerk who entered it): the new PIN
#           works, the old one does not, the application is done here and at
#           the centre, every PUK released is audited there, no PIN or PUK
#           in any database or log; refused before acceptance, with the
#           default PIN, for another KEY, after it is done;
#   PIN     changed with the old one; a wrong old PIN spends a try;
#   faults  a wrong PUK (tries left, PIN unchanged), a blocked PUK, a KEY
#           the centre has no PUK for, a KEY pulled out during the reset
#           (nothing half-done: unlocking again after re-inserting works).
set -uo pipefail
. "$(dirname "$0")/lib_pcsc.sh"

fails=0
. "$(dirname "$0")/lib_tap.sh"
# run RC CMD...: run, keep stdout+stderr in $out, check the exit status and
# that no sanitizer spoke.
run() {
	local want=$1 rc=0
	shift
	out=$(timeout -k 2 60 "$@" 2>&1) || rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "'$*' exited $rc, wanted $want:"
		sed 's/^/       | /' <<<"$out"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then
		not_ok "sanitizer report from '$*':"
		echo "$out"
	fi
}
# feed RC LINES CMD...: run with LINES (newline-separated) on standard input.
feed() {
	local want=$1 lines=$2 rc=0
	shift 2
	out=$(printf '%s\n' "$lines" | timeout -k 2 60 "$@" 2>&1) || rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "'$*' exited $rc, wanted $want:"
		sed 's/^/       | /' <<<"$out"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then
		not_ok "sanitizer report from '$*':"
		echo "$out"
	fi
}
has() {
	if grep -qF -- "$2" <<<"$out"; then
		ok "$1"
	else
		not_ok "$1: no [$2] in:"
		sed 's/^/       | /' <<<"$out"
	fi
}
hasnt() {
	if grep -qF -- "$2" <<<"$out"; then
		not_ok "$1: unexpected [$2] in:"
		sed 's/^/       | /' <<<"$out"
	else
		ok "$1"
	fi
}
section() { printf '\n== %s (at %.1fs)\n' "$1" "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"; }
T_START=$EPOCHREALTIME

T=$TEST_TMP
D=$T/data
C=$T/centre.db
CF=$T/centre-files
mkdir -p "$T/bin" "$CF"
printf '#!/bin/sh\nexec "%s/certdesk" --data "%s" "$@"\n' "$CERTDESK_BIN" "$D" >"$T/bin/cd_"
printf '#!/bin/sh\nCERTDESK_PASSWORD=Adm1nPass exec cd_ --user admin "$@"\n' >"$T/bin/admin"
printf '#!/bin/sh\nCERTDESK_PASSWORD=Clerk1234 exec cd_ --user li.si "$@"\n' >"$T/bin/clerk"
printf '#!/bin/sh\nCERTDESK_PASSWORD=Super1234 exec cd_ --user wang.wu "$@"\n' >"$T/bin/super"
printf '#!/bin/sh\nexec "%s/certdeskd" "$@"\n' "$CERTDESK_BIN" >"$T/bin/centre"
chmod +x "$T"/bin/*
PATH=$T/bin:$PATH
export no_proxy='*' NO_PROXY='*'
sq() { sqlite3 "$D/certdesk.db" "$1"; }
cq() { sqlite3 "$C" "$1"; }
status_of() { sq "SELECT status FROM applications WHERE number = '$1'"; }

# ---- fixtures: a CA and one certificate per KEY, made now ---------------------
section "fixtures"
F=$T/certs
mkdir -p "$F/db"
NOW_S=$(date -u +%s)
export CERTDESK_NOW=$(date -u -d "@$NOW_S" +%Y-%m-%dT%H:%M:%SZ)
at() { date -u -d "@$((NOW_S + $1 * 86400))" +%Y%m%d%H%M%SZ; }
cat >"$F/ca.cnf" <<'EOF'
[ca]
default_ca = c
[c]
dir = .
database = db/index.txt
serial = db/serial
new_certs_dir = db
policy = p
unique_subject = no
copy_extensions = none
x509_extensions = leaf
[p]
countryName = optional
organizationName = optional
organizationalUnitName = optional
serialNumber = optional
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
EOF
: >"$F/db/index.txt"
CODE=91350100M000100Y43
ORG=福州某某科技有限公司
IDN=11010519491231002X
(
	cd "$F" || exit 1
	set -e
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
	openssl req -x509 -new -utf8 -key ca.key -sha256 -days 3650 -out ca.pem \
		-subj "/C=CN/O=某某数字认证有限公司/CN=某某数字认证测试CA"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key
	openssl req -new -utf8 -key leaf.key -sha256 -out leaf.csr -subj "/C=CN/O=$ORG/OU=$CODE/CN=张三"
) || pcsc_die "cannot make the fixture keys"
# One certificate per KEY, all the enterprise's, valid for a year.
for k in A B C D E F G H; do
	openssl rand -hex 16 >"$F/db/serial"
	(cd "$F" && openssl ca -batch -config ca.cnf -utf8 -preserveDN -notext -md sha256 \
		-cert ca.pem -keyfile ca.key -in leaf.csr -startdate "$(at -1)" -enddate "$(at 365)" \
		-out "$k.pem") >"$F/ca.log" 2>&1 || { cat "$F/ca.log"; pcsc_die "openssl ca failed"; }
	openssl x509 -in "$F/$k.pem" -outform DER -out "$F/$k.der"
	declare "S_$k=$(openssl x509 -in "$F/$k.pem" -noout -serial | sed 's/.*=//')"
	declare "G_$k=C3D1E5A00000000000000000000000A$(printf '%s' "$k")"
done
# GUIDs are hex: G and H are not hex digits; give them their own.
G_G=C3D1E5A0000000000000000000000A0F
G_H=C3D1E5A0000000000000000000000A1F
ok "certificates made"

# ---- the centre: PUKs sealed under its key file -------------------------------
section "centre"
echo Root1234 | centre init --db "$C" --office HQ --office-name 总部 --admin root >/dev/null ||
	pcsc_die "certdeskd init failed"
centre office add --db "$C" --code SZFT --name 深圳福田受理点 >/dev/null || pcsc_die "office add"
code=$(centre terminal add --db "$C" --office SZFT --name 一号窗口 | sed -n 's/^登记码：//p')
[ -n "$code" ] || pcsc_die "no enrolment code"
run 0 centre puk keygen --key "$CF/puk.key"
has "keygen: made" "已生成 PUK 密钥文件"
is "keygen: owner only" "$(stat -c %a "$CF/puk.key")" 600
run 1 centre puk keygen --key "$CF/puk.key"
has "keygen: never over a key" "已存在"
# Every KEY's PUK is 59317024. The PUKs on record: A, B, D, E, F right;
# C's wrong; D's PUK is blocked on the card; G has none at the centre.
PUK=59317024
PUKS="# card,puk
$G_A,$PUK
$G_B,$PUK
$G_C,40681357
$G_D,$PUK
$G_E,$PUK
$G_F,$PUK"
feed 1 "$G_A,12345" centre puk load --db "$C" --key "$CF/puk.key"
has "load: a bad PUK names its line, not the PUK" "第 1 行：PUK 应为 6 到 8 个字符"
hasnt "load: the bad PUK is not echoed" "12345,"
is "load: all or nothing" "$(cq 'SELECT count(*) FROM key_puks')" 0
feed 0 "$PUKS" centre puk load --db "$C" --key "$CF/puk.key"
has "load: six KEYs" "已导入 6 个 KEY 的 PUK"
feed 1 "$G_A,40681357" centre puk load --db "$C" --key "$CF/puk.key"
has "load: a second PUK for a KEY needs --replace" "--replace"
is "load: sealed, never in clear" "$(sqlite3 "$C" .dump | grep -c $PUK)" 0
is "load: audited once" "$(cq "SELECT count(*) FROM audit_log WHERE action = 'key.puk_load'")" 1
run 0 centre puk list --db "$C"
has "list: the KEYs" "$G_A"
hasnt "list: never the PUKs" "$PUK"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CERTDESK_BIN/certdeskd" --db "$C" --data "$CF" --listen "127.0.0.1:$port" 2>"$T/certdeskd.log" &
CENTRE_PID=$!
trap 'kill $CENTRE_PID 2>/dev/null; pcsc_cleanup' EXIT
URL=http://127.0.0.1:$port
for i in $(seq 200); do curl -s --noproxy '*' "$URL/v1/health" >/dev/null && break; sleep 0.05; done
ok "certdeskd listening"

# ---- the terminal: staff, applicants, enrolled ---------------------------------
section "terminal"
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null ||
	pcsc_die "init failed"
for u in "li.si 李四 clerk Clerk1234" "wang.wu 王五 supervisor Super1234"; do
	set -- $u
	echo Start123 | admin staff add "$1" "$2" "$3" >/dev/null &&
		echo "$4" | CERTDESK_PASSWORD=Start123 cd_ --user "$1" staff passwd >/dev/null ||
		pcsc_die "cannot create $1"
done
{
	echo 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone'
	echo "13812345678,张三,$IDN,zhang@example.com,深圳市福田区深南大道1号,518000,$CODE,$ORG,林某,福州市鼓楼区五四路100号,0591-87654321"
	echo '13900000002,李四,320106198503124510,,南京市鼓楼区中山路1号,210000,,,,,'
} >"$T/people.csv"
clerk import applicants "$T/people.csv" >/dev/null || pcsc_die "import failed"
run 0 admin sync --enroll "$URL" "$code"
run 0 cd_ sync
has "first sync" "冲突 0"

pcsc_start vpcd
R0=$PCSC_READER0
R1=$PCSC_READER1
# bind K: insert KEY K into reader 0 (default PIN and PUK), bind its certificate, pull it out.
bind() {
	vpiv_start "$1" 0 --cert 9a="$F/$1.der" --guid "$(eval echo \$G_$1)" --puk $PUK --log "$T/vpiv-$1.apdu"
	feed 0 111111 clerk key bind 13812345678 --reader "$R0"
	vpiv_stop "$1"
}
for k in A B C D E F G H; do bind $k; done
is "eight KEYs bound, each with its card id" \
	"$(sq "SELECT count(DISTINCT card_id) FROM certificates WHERE applicant_id IS NOT NULL")" 8

# ---- kinds: entered, reviewed, printed -----------------------------------------
section "kinds entered from a file"
H='phone,kind,subject,credit_code,years,cert_serial,reason'
printf '%s\n13812345678,revoke,enterprise,%s,0,%s,\n' "$H" "$CODE" "$S_B" >"$T/bad1.csv"
run 1 clerk import applications "$T/bad1.csv"
has "revoke without a reason: refused" "reason"
printf '%s\n13812345678,revoke,enterprise,%s,0,5A3F00000000DEAD,企业注销\n' "$H" "$CODE" >"$T/bad2.csv"
run 1 clerk import applications "$T/bad2.csv"
has "unknown certificate: refused" "没有序列号为 5A3F00000000DEAD 的证书记录"
printf '%s\n13900000002,unlock,personal,,0,%s,\n' "$H" "$S_B" >"$T/bad3.csv"
run 1 clerk import applications "$T/bad3.csv"
has "another's certificate: refused" "不属于此申请人"
printf '%s\n13812345678,unlock,enterprise,%s,2,%s,\n' "$H" "$CODE" "$S_B" >"$T/bad4.csv"
run 1 clerk import applications "$T/bad4.csv"
has "a service has no validity" "years 应为 0 或留空"
is "refused files write nothing" "$(sq "SELECT count(*) FROM applications")" 0
{
	echo "$H"
	echo "13812345678,change,enterprise,$CODE,0,$S_F,企业名称变更"
	echo "13812345678,reissue,enterprise,$CODE,,$S_H,KEY 损坏"
	echo "13812345678,revoke,enterprise,$CODE,0,$S_B,企业注销"
	echo "13812345678,unlock,enterprise,$CODE,0,$S_A,"
	echo "13812345678,unlock,enterprise,$CODE,0,$S_C,"
	echo "13812345678,unlock,enterprise,$CODE,0,$S_D,"
	echo "13812345678,unlock,enterprise,$CODE,0,$S_E,"
	echo "13812345678,unlock,enterprise,$CODE,0,$S_G,"
} >"$T/kinds.csv"
run 0 clerk import applications "$T/kinds.csv"
num() { sq "SELECT number FROM applications WHERE cert_serial = '$1' AND status <> 'cancelled'"; }
N_CHANGE=$(num "$S_F") N_REISSUE=$(num "$S_H") N_REVOKE=$(num "$S_B")
N_A=$(num "$S_A") N_C=$(num "$S_C") N_D=$(num "$S_D") N_E=$(num "$S_E") N_G=$(num "$S_G")
is "kinds stored" "$(sq "SELECT group_concat(kind || ':' || years || ':' || service_reason, ' ') FROM (SELECT * FROM applications ORDER BY number)")" \
	"change:0:企业名称变更 reissue:0:KEY 损坏 revoke:0:企业注销 unlock:0: unlock:0: unlock:0: unlock:0: unlock:0:"
printf '%s\n13812345678,unlock,enterprise,%s,0,%s,\n' "$H" "$CODE" "$S_A" >"$T/again.csv"
run 1 clerk import applications "$T/again.csv"
has "a second unlock for the same certificate: refused" "已有一份办理中的解锁申请单 $N_A"
printf '%s\n13812345678,unlock,enterprise,%s,0,%s,\n' "$H" "$CODE" "$S_B" >"$T/again.csv"
run 1 clerk import applications "$T/again.csv"
has "an unlock beside a revoke: refused" "已有一份办理中的注销申请单 $N_REVOKE"

section "kinds reviewed"
# prepare N DOC...: agree, hand in the documents on paper, submit.
prepare() {
	local n=$1 d
	shift
	[ "$(sq "SELECT agreement_version FROM applications WHERE number = '$n'")" ] ||
		run 0 clerk application agree "$n"
	for d in "$@"; do run 0 clerk application paper "$n" "$d"; done
	run 0 clerk application submit "$n"
}
run 0 clerk application agree "$N_REISSUE"
run 1 clerk application submit "$N_REISSUE"
has "reissue: its own documents" "遗失或损坏说明"
prepare "$N_CHANGE" licence legal_rep_id agent_id authorisation change_proof
prepare "$N_REISSUE" licence agent_id authorisation loss_statement
prepare "$N_REVOKE" licence agent_id authorisation
for n in "$N_A" "$N_C" "$N_D" "$N_E" "$N_G"; do prepare "$n" agent_id authorisation; done
run 0 clerk application show "$N_REVOKE"
has "show: the kind" "企业证书注销"
has "show: the old certificate" "原证书    $S_B"
run 1 clerk application accept "$N_CHANGE"
has "the clerk may not accept" "审核员"
for n in "$N_CHANGE" "$N_REISSUE" "$N_REVOKE" "$N_C" "$N_D" "$N_E" "$N_G"; do run 0 super application accept "$n"; done
is "accepted by the supervisor" "$(sq "SELECT count(*) FROM applications a JOIN staff s ON s.id = a.reviewed_by WHERE a.status = 'accepted' AND s.username = 'wang.wu'")" 7

section "kinds printed"
for n in "$N_CHANGE" "$N_REISSUE" "$N_REVOKE" "$N_A"; do
	run 0 clerk print application "$n" -o "$T/$n.pdf"
	out=$(pdftotext -layout "$T/$n.pdf" - 2>&1 | tr -d ' ')
	has "printed $n: its number" "$n"
	has "printed $n: the kinds on the form" "变更"
	has "printed $n: the reason row" "办理原因"
done
out=$(pdftotext "$T/$N_REVOKE.pdf" - 2>&1 | tr -d ' \n')
has "printed revoke: the old serial" "$S_B"
out=$(pdftotext -layout "$T/$N_REVOKE.pdf" - 2>&1 | tr -d ' ')
has "printed revoke: no validity period, free" "有效期及费用不适用免费"
hasnt "printed revoke: not a validity of — years" "—年"
out=$(pdftotext -layout "$T/$N_CHANGE.pdf" - 2>&1 | tr -d ' ')
has "printed change: the certificate's own term, and the fee" "有效期及费用同原证书100.00元"

# ---- unlock ----------------------------------------------------------------------
section "unlock: refused before acceptance"
# KEY A: its PIN blocked by three wrong old PINs at the counter.
vpiv_start A 0 --cert 9a="$F/A.der" --guid "$G_A" --puk $PUK --log "$T/vpiv-A2.apdu"
feed 1 "$(printf '000000\n802514\n802514')" clerk key change-pin --reader "$R0"
has "change-pin: wrong old PIN, tries left" "原 PIN 错误，还可尝试 2 次。PIN 没有改变。"
feed 1 "$(printf '000000\n802514\n802514')" clerk key change-pin --reader "$R0"
feed 1 "$(printf '000000\n802514\n802514')" clerk key change-pin --reader "$R0"
has "change-pin: the third wrong PIN blocks it" "PIN 已被锁定"
out=$(tc pin-status --reader "$R0" 2>&1)
has "PIN blocked on the card" "error locked"
feed 1 "$(printf '802514\n802514')" clerk key unlock "$N_A" --reader "$R0"
has "not accepted: refused" "须经审核员受理后才能解锁"
is "not accepted: nothing sent to the card" "$(grep -c '^apdu 00 2C ' "$T/vpiv-A2.apdu")" 0
is "not accepted: no PUK left the centre" "$(cq "SELECT count(*) FROM audit_log WHERE action = 'key.puk_release'")" 0
run 1 clerk application accept "$N_A"
has "the clerk who entered it may not accept it" "审核员"
run 0 super application accept "$N_A"

section "unlock: the PIN rules and the right KEY"
feed 1 "$(printf '111111\n111111')" clerk key unlock "$N_A" --reader "$R0"
has "never the default PIN" "新 PIN 不能是出厂默认 PIN（111111）"
feed 1 "$(printf '802514\n802541')" clerk key unlock "$N_A" --reader "$R0"
has "typed twice alike" "两次输入的新 PIN 不一致"
feed 1 "$(printf '802514')" clerk key unlock "$N_A" --reader "$R0"
has "both lines needed" "再次输入新 PIN"
feed 1 "$(printf '802514\n802514')" clerk key unlock "$N_C" --reader "$R0"
has "another application's KEY: refused" "不是证书 $S_C 所在的 KEY"
is "refusals: no PUK released" "$(cq "SELECT count(*) FROM audit_log WHERE action = 'key.puk_release'")" 0
is "refusals: no RESET RETRY COUNTER" "$(grep -c '^apdu 00 2C ' "$T/vpiv-A2.apdu")" 0

section "unlock"
t0=$EPOCHREALTIME
feed 0 "$(printf '802514\n802514')" clerk key unlock --reader "$R0"
printf 'figures: unlock at the counter (read the KEY, push, PUK from the centre, reset, verify, record) %.0f ms\n' \
	"$(awk "BEGIN { print ($EPOCHREALTIME - $t0) * 1000 }")"
has "unlocked, the application found by the KEY" "KEY（标识 $G_A）已解锁，新 PIN 已生效；解锁申请单 $N_A 已办结。"
is "one RESET RETRY COUNTER" "$(grep -c '^apdu 00 2C 00 80 lc=16 .*sw=9000' "$T/vpiv-A2.apdu")" 1
out=$(printf '802514\n' | tc verify --reader "$R0" 2>&1)
has "the new PIN works" "pin ok"
out=$(printf '111111\n' | tc verify --reader "$R0" 2>&1)
has "the old PIN does not" "PIN 错误"
out=$(printf '802514\n' | tc verify --reader "$R0" 2>&1)
has "(tries restored by the right PIN)" "pin ok"
is "done here" "$(status_of "$N_A")" done
is "done: one unlock command in the outbox" "$(sq "SELECT count(*) FROM outbox WHERE command = 'application.unlock@1'")" 1
is "the centre released the PUK once, audited, to the clerk" \
	"$(cq "SELECT count(*) FROM audit_log a JOIN staff s ON s.id = a.actor_id WHERE a.action = 'key.puk_release' AND s.username = 'li.si' AND a.after LIKE '%$N_A%' AND a.after LIKE '%$G_A%'")" 1
is "the centre counts the release" "$(cq "SELECT released FROM key_puks WHERE card_id = '$G_A'")" 1
run 0 cd_ sync
is "done at the centre" "$(cq "SELECT status FROM applications WHERE number = '$N_A'")" done
feed 1 "$(printf '246813\n246813')" clerk key unlock "$N_A" --reader "$R0"
has "done: no second unlock" "此申请已办结"

section "PIN change"
feed 0 "$(printf '802514\n246813\n246813')" clerk key change-pin --reader "$R0"
has "changed" "的 PIN 已修改"
out=$(printf '246813\n' | tc verify --reader "$R0" 2>&1)
has "the changed PIN works" "pin ok"
feed 1 "$(printf '246813\n111111\n111111')" clerk key change-pin --reader "$R0"
has "never back to the default" "出厂默认 PIN"
is "PIN change audited, without the PIN" \
	"$(sq "SELECT count(*) FROM audit_log WHERE action = 'key.pin_change' AND after LIKE '%$G_A%'")" 1
vpiv_stop A

section "a wrong PUK at the centre"
vpiv_start C 0 --cert 9a="$F/C.der" --guid "$G_C" --puk $PUK --pin-left 0 --log "$T/vpiv-C.apdu"
feed 1 "$(printf '802514\n802514')" clerk key unlock "$N_C" --reader "$R0"
has "wrong PUK: tries left, PIN unchanged" "中心提供的 PUK 与此 KEY 不符（此 KEY 的 PUK 还可尝试 2 次）。解锁未完成，PIN 没有改变。"
is "wrong PUK: tried once, never again" "$(grep -c '^apdu 00 2C ' "$T/vpiv-C.apdu")" 1
is "wrong PUK: still accepted" "$(status_of "$N_C")" accepted
is "wrong PUK: audited here" "$(sq "SELECT count(*) FROM audit_log WHERE action = 'key.unlock_refused' AND after LIKE '%wrong_puk%'")" 1
out=$(tc pin-status --reader "$R0" 2>&1)
has "wrong PUK: the PIN is still blocked" "error locked"
vpiv_stop C

section "a blocked PUK"
vpiv_start D 0 --cert 9a="$F/D.der" --guid "$G_D" --puk $PUK --pin-left 0 --puk-left 0
feed 1 "$(printf '802514\n802514')" clerk key unlock "$N_D" --reader "$R0"
has "blocked PUK: said plainly" "此 KEY 的 PUK 也已被锁定，无法在柜台解锁，PIN 没有改变。请为申请人办理补办（更换新 KEY）。"
is "blocked PUK: still accepted" "$(status_of "$N_D")" accepted
vpiv_stop D

section "a KEY the centre has no PUK for"
vpiv_start G 0 --cert 9a="$F/G.der" --guid "$G_G" --puk $PUK --pin-left 0
feed 1 "$(printf '802514\n802514')" clerk key unlock "$N_G" --reader "$R0"
has "no PUK at the centre: said so" "中心没有 KEY $G_G 的 PUK"
is "no PUK: still accepted" "$(status_of "$N_G")" accepted
vpiv_stop G

section "the KEY pulled out during the reset"
vpiv_start E 0 --cert 9a="$F/E.der" --guid "$G_E" --puk $PUK --pin-left 0 \
	--stall 2c:1 --stall-file "$T/stalled"
printf '802514\n802514\n' | timeout -k 2 60 clerk key unlock "$N_E" --reader "$R0" >"$T/pulled.out" 2>&1 &
unlocker=$!
pcsc_wait_file "$T/stalled" 20 ${VPIV_PID[E]} || not_ok "the card never reached the reset"
kill -KILL ${VPIV_PID[E]}
wait ${VPIV_PID[E]} 2>/dev/null
unset "VPIV_PID[E]"
wait $unlocker
is "pulled out: exit 1" $? 1
out=$(cat "$T/pulled.out")
hasnt "no sanitizer report (pulled.out)" "Sanitizer"
has "pulled out: said plainly, nothing half-done" "解锁未完成：KEY 已被拔出"
has "pulled out: what to do" "插入同一个 KEY 后再次解锁即可，申请单 $N_E 仍待办理"
is "pulled out: still accepted" "$(status_of "$N_E")" accepted
tc wait-removal --reader "$R0" --timeout 5000 >/dev/null
vpiv_start E 0 --cert 9a="$F/E.der" --guid "$G_E" --puk $PUK --pin-left 0
feed 0 "$(printf '802514\n802514')" clerk key unlock "$N_E" --reader "$R0"
has "inserted again: unlocked" "已解锁"
is "inserted again: done" "$(status_of "$N_E")" done
vpiv_stop E

section "no PIN or PUK anywhere"
run 0 cd_ sync
for pin in 802514 246813 $PUK 40681357; do
	is "$pin: not in the terminal's database" "$(sqlite3 "$D/certdesk.db" .dump | grep -c "$pin")" 0
	is "$pin: not in the centre's database" "$(sqlite3 "$C" .dump | grep -c "$pin")" 0
	is "$pin: not in the centre's log" "$(grep -c "$pin" "$T/certdeskd.log")" 0
done
if grep -rq -e 802514 -e $PUK "$D" --include='*.log' 2>/dev/null; then
	not_ok "a PIN or PUK in the terminal's logs"
else
	ok "no PIN or PUK in the terminal's logs"
fi
out=$(cd_ audit verify 2>&1)
has "terminal audit chain intact" "审计日志完整"

section "clean runs"
if out=$(pcsc_check_clean); then
	ok "every tokencheck and vpiv run ended cleanly"
else
	not_ok "unclean runs:"
	echo "$out"
fi
if grep -qE 'Sanitizer|runtime error' "$T/certdeskd.log"; then
	not_ok "certdeskd reported:"
	cat "$T/certdeskd.log"
else
	ok "certdeskd ran cleanly"
fi

printf '\n== unlock.sh: %d failed, in %.1fs\n' $fails "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"
[ $fails -eq 0 ]
