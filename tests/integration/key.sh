#!/usr/bin/env bash
# certdesk key list|read|bind|renew against real parts: a private pcscd with
# vsmartcard's vpcd readers and our virtual PIV card (tests/tools/vpiv)
# holding certificates made here with openssl (RSA and SM2, Chinese
# subjects, one valid, one expired 100 days ago, one expired 30 days ago).
# Binding writes one audit and one outbox entry per certificate; the PIN
# never reaches the database or the log.
set -uo pipefail
. "$(dirname "$0")/lib_pcsc.sh"

fails=0
. "$(dirname "$0")/lib_tap.sh"
# run RC CMD...: run certdesk, keep stdout+stderr in $out; check the exit status
# and that no sanitizer spoke.
run() {
	local want=$1 rc=0
	shift
	out=$(timeout -k 2 30 "$@" 2>&1) || rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "'${*:2}' exited $rc, wanted $want:"
		sed 's/^/       | /' <<<"$out"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then
		not_ok "sanitizer report from '$*':"
		echo "$out"
	fi
}
# has NAME TEXT: $out holds TEXT.
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
within() {
	local dt=$(( $(now_ms) - $2 ))
	if [ $dt -lt $3 ]; then ok "$1 (${dt} ms)"; else not_ok "$1: took ${dt} ms (limit $3)"; fi
}
section() { printf '\n== %s (at %.1fs)\n' "$1" "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"; }
T_START=$EPOCHREALTIME

D=$TEST_TMP/data
# Commands, not functions, so that timeout(1) and pipes can run them.
mkdir -p "$TEST_TMP/bin"
printf '#!/bin/sh\nexec "%s/certdesk" --data "%s" "$@"\n' "$CERTDESK_BIN" "$D" >"$TEST_TMP/bin/cd_"
printf '#!/bin/sh\nCERTDESK_PASSWORD=Clerk1234 exec cd_ --user li.si "$@"\n' >"$TEST_TMP/bin/clerk"
printf '#!/bin/sh\nCERTDESK_PASSWORD=Super1234 exec cd_ --user wang.wu "$@"\n' >"$TEST_TMP/bin/super"
printf '#!/bin/sh\nPCSCLITE_CSOCK_NAME="%s/nowhere/pcscd.comm" exec "$@"\n' "$TEST_TMP" >"$TEST_TMP/bin/nowhere"
chmod +x "$TEST_TMP"/bin/*
PATH=$TEST_TMP/bin:$PATH
sq() { sqlite3 "$D/certdesk.db" "$1"; }
binds() { sq "SELECT count(*) FROM audit_log WHERE action = 'certificate.bind'"; }

# ---- fixtures: two CAs and the KEYs' certificates, made now ------------------
section "fixtures"
F=$TEST_TMP/certs
mkdir -p "$F/db"
NOW_S=$(date -u +%s)
# The program judges validity against the instant the certificates were made at.
export CERTDESK_NOW=$(date -u -d "@$NOW_S" +%Y-%m-%dT%H:%M:%SZ)
at() { date -u -d "@$((NOW_S + $1 * 86400))" +%Y%m%d%H%M%SZ; }
iso() { date -u -d "@$((NOW_S + $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
# Local time, as the program shows it.
lt() { date -d "@$((NOW_S + $1 * 86400))" "+%Y-%m-%d %H:%M"; }
ld() { date -d "@$((NOW_S + $1 * 86400))" +%Y-%m-%d; }
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
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
EOF
: >"$F/db/index.txt"
SM2ID=distid:1234567812345678
CODE=91350100M000100Y43
ORG=福州某某科技有限公司
IDN=11010519491231002X
# issue KEY CSR CAKEY CACERT MD START END OUT [SIGOPTS...]
issue() {
	local out=$8
	openssl rand -hex 16 >"$F/db/serial"
	(cd "$F" && openssl ca -batch -config ca.cnf -utf8 -preserveDN -notext -md "$5" \
		-cert "$4" -keyfile "$3" -in "$2" -startdate "$6" -enddate "$7" -out "$out.pem" "${@:9}") \
		>"$F/ca.log" 2>&1 || { cat "$F/ca.log"; pcsc_die "openssl ca failed for $out"; }
	openssl x509 -in "$F/$out.pem" -outform DER -out "$F/$out.der"
}
(
	cd "$F" || exit 1
	set -e
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca-rsa.key 2>/dev/null
	openssl req -x509 -new -utf8 -key ca-rsa.key -sha256 -days 3650 -out ca-rsa.pem \
		-subj "/C=CN/O=某某数字认证有限公司/CN=某某数字认证测试CA"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out ca-sm2.key
	openssl req -x509 -new -utf8 -key ca-sm2.key -sm3 -sigopt $SM2ID -days 3650 -out ca-sm2.pem \
		-subj "/C=CN/O=某某数字认证有限公司/CN=某某数字认证SM2测试CA"
	# An enterprise's KEY: the credit code in OU, the enterprise in O, the agent in CN.
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out auth.key 2>/dev/null
	openssl req -new -utf8 -key auth.key -sha256 -out auth.csr -subj "/C=CN/O=$ORG/OU=$CODE/CN=张三"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sign.key
	openssl req -new -utf8 -key sign.key -sm3 -sigopt $SM2ID -out sign.csr \
		-subj "/C=CN/O=$ORG/OU=$CODE/CN=张三"
	# A person's KEY: the ID number in serialNumber.
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out person.key
	openssl req -new -utf8 -key person.key -sm3 -sigopt $SM2ID -out person.csr \
		-subj "/C=CN/serialNumber=$IDN/CN=张三"
) || pcsc_die "cannot make the fixture keys"
# KEY A: authentication RSA, valid for a year; signature SM2, expired 100 days ago.
issue "$F/auth.key" auth.csr ca-rsa.key ca-rsa.pem sha256 "$(at -1)" "$(at 365)" auth
issue "$F/sign.key" sign.csr ca-sm2.key ca-sm2.pem sm3 "$(at -465)" "$(at -100)" sign \
	-sigopt $SM2ID -vfyopt $SM2ID
# KEY B: a personal SM2 certificate that expired 30 days ago (still renewable).
issue "$F/person.key" person.csr ca-sm2.key ca-sm2.pem sm3 "$(at -395)" "$(at -30)" person \
	-sigopt $SM2ID -vfyopt $SM2ID
head -c 400 "$F/sign.der" >"$F/bad.der"
fp() { openssl x509 -in "$F/$1.pem" -noout -fingerprint "-$2" | sed 's/.*=//; s/://g'; }
serial() { openssl x509 -in "$F/$1.pem" -noout -serial | sed 's/.*=//'; }
S_AUTH=$(serial auth) S_SIGN=$(serial sign) S_PERSON=$(serial person)
GUID_A=0123456789ABCDEF0123456789ABCDEF
GUID_B=FEDCBA9876543210FEDCBA9876543210
ok "certificates made"

# ---- a data directory: a clerk, a supervisor, two applicants ------------------
section "data"
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null ||
	pcsc_die "init failed"
for u in "li.si 李四 clerk Clerk1234" "wang.wu 王五 supervisor Super1234"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_ --user admin staff add "$1" "$2" "$3" >/dev/null &&
		echo "$4" | CERTDESK_PASSWORD=Start123 cd_ --user "$1" staff passwd >/dev/null ||
		pcsc_die "cannot create $1"
done
{
	echo 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone'
	echo "13812345678,张三,$IDN,zhang@example.com,深圳市福田区深南大道1号,518000,$CODE,$ORG,林某,福州市鼓楼区五四路100号,0591-87654321"
	echo '13900000002,李四,320106198503124510,,南京市鼓楼区中山路1号,210000,,,,,'
} >"$TEST_TMP/people.csv"
clerk import applicants "$TEST_TMP/people.csv" >/dev/null || pcsc_die "import failed"
ZS=$(sq "SELECT id FROM applicants WHERE phone = '13812345678'")
LS=$(sq "SELECT id FROM applicants WHERE phone = '13900000002'")
ok "data directory ready"

# ---- no pcscd ---------------------------------------------------------------
section "no pcscd running"
PCSC_DOWN="智能卡服务（pcscd）未运行或已停止，无法读取 KEY。请启动 pcscd 服务后重试。"
t0=$(now_ms)
run 1 nowhere cd_ key list
has "no pcscd: list says so" "$PCSC_DOWN"
run 1 nowhere cd_ key read --wait 10
has "no pcscd: read says so, without waiting" "$PCSC_DOWN"
run 1 nowhere sh -c 'echo 111111 | clerk key bind 13812345678'
has "no pcscd: bind says so" "$PCSC_DOWN"
within "no pcscd: no hang" $t0 6000

# ---- no reader --------------------------------------------------------------
section "pcscd without readers"
pcsc_start none
run 1 cd_ key list
has "no reader: list says so" "未检测到读卡器，请插入读卡器或 USB KEY 后重试。"
run 1 cd_ key read
has "no reader: read says so" "未检测到读卡器或 USB KEY，请插入后重试。"
t0=$(now_ms)
run 1 cd_ key read --wait 1
has "no reader: --wait times out" "等待 KEY 超时：未检测到插入的 KEY。"
within "no reader: the wait is bounded" $t0 3500
pcsc_stop

# ---- readers without a card -------------------------------------------------
section "two readers, empty"
pcsc_start vpcd
run 0 cd_ key list
has "list: reader 0" "$(printf '%s\t未插入 KEY' "$PCSC_READER0")"
has "list: reader 1" "$(printf '%s\t未插入 KEY' "$PCSC_READER1")"
run 1 cd_ key read
has "no card: said plainly" "读卡器中没有 KEY，请插入 KEY 后重试。"
run 1 cd_ key read --reader "No Such Reader"
has "unknown reader" "读卡器“No Such Reader”不存在或已被拔出。"

section "read a KEY inserted while waiting"
cd_ key read --wait 10 >"$TEST_TMP/wait.out" 2>&1 &
waiter=$!
sleep 0.3
vpiv_start A 0 --cert 9a="$F/auth.der" --cert 9c="$F/sign.der" --guid $GUID_A \
	--log "$TEST_TMP/vpiv-A.apdu"
wait $waiter
is "read --wait: exit 0" $? 0
out=$(cat "$TEST_TMP/wait.out")
hasnt "no sanitizer report (wait.out)" "Sanitizer"
hasnt "no runtime error (wait.out)" "runtime error"
has "read --wait: the KEY inserted during the wait" "读卡器：$PCSC_READER0"
run 0 cd_ key list
has "list: a KEY in reader 0" "$(printf '%s\t已插入 KEY' "$PCSC_READER0")"
has "list: reader 1 still empty" "$(printf '%s\t未插入 KEY' "$PCSC_READER1")"
run 0 cd_ key read
echo "$out"
has "read: reader" "读卡器：$PCSC_READER0"
has "read: the KEY and its CHUID" "KEY：PIV，标识 $GUID_A"
has "read: authentication certificate" "身份认证证书（auth）"
has "read: Chinese subject" "  主题：CN=张三, OU=$CODE, O=$ORG, C=CN"
has "read: holder, with its credit code" "  持有人：企业 $ORG（统一社会信用代码 $CODE）"
has "read: issuer" "  颁发者：CN=某某数字认证测试CA, O=某某数字认证有限公司, C=CN"
has "read: auth serial" "  序列号：$S_AUTH"
has "read: auth validity and days left" "  有效期：$(lt -1) 至 $(lt 365)（剩余 365 天）"
has "read: auth algorithm" "  算法：RSA 2048（sha256WithRSAEncryption）"
has "read: auth SHA-256 as openssl" "  SHA-256：$(fp auth sha256)"
has "read: auth SM3 as openssl" "  SM3：$(fp auth sm3)"
has "read: signature certificate" "签名证书（sign）"
has "read: sign serial" "  序列号：$S_SIGN"
has "read: sign expired 100 days ago, revoked" "  有效期：$(lt -465) 至 $(lt -100)（已过期 100 天，已注销）"
has "read: SM2" "  算法：SM2（SM2-with-SM3）"
has "read: sign SHA-256 as openssl" "  SHA-256：$(fp sign sha256)"

# ---- binding ----------------------------------------------------------------
section "bind: refusals before the card"
run 1 sh -c 'echo 111111 | cd_ key bind 13812345678'
has "bind: needs a staff member" "--user"
run 1 clerk key bind 13812345678 </dev/null
has "bind: the PIN comes from standard input" "请在标准输入的第一行提供 KEY 的 PIN"
run 1 sh -c 'echo 111111 | clerk key bind 13700000000'
has "bind: unknown phone, masked" "手机号 137****0000 尚未注册"
run 2 clerk key bind 13812345678 111111
has "bind: no PIN on the command line" "用法"
is "bind: nothing sent to the card" "$(grep -c '^apdu 00 20 ' "$TEST_TMP/vpiv-A.apdu")" 0

section "bind: wrong PIN, right PIN"
pin() { # PIN command...: run with the PIN on standard input
	local p=$1
	shift
	run_rc=0
	out=$(printf '%s\n' "$p" | timeout -k 2 30 "$@" 2>&1) || run_rc=$?
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then
		not_ok "sanitizer report from '$*':"
		echo "$out"
	fi
}
pin 000000 clerk key bind 13812345678
is "wrong PIN: exit 1" $run_rc 1
has "wrong PIN: tries left" "PIN 错误，还可尝试 2 次。"
is "wrong PIN: nothing bound" "$(sq 'SELECT count(*) FROM certificates')" 0
is "wrong PIN: nothing audited" "$(binds)" 0
pin 111111 clerk key bind 13812345678
is "right PIN: exit 0" $run_rc 0
has "right PIN: both certificates bound" "已将 2 张证书绑定到 张三（138****5678）。"
has "right PIN: the default PIN is a warning" "请尽快修改默认 PIN"
is "bound: two rows for 张三" "$(sq "SELECT count(*) FROM certificates WHERE applicant_id = '$ZS'")" 2
is "bound: auth row" "$(sq "SELECT serial || '|' || slot || '|' || algorithm || '|' || key_desc || '|' || card_id || '|' || not_after || '|' || sha256 || '|' || sm3 FROM certificates WHERE slot = 'auth'")" \
	"$S_AUTH|auth|RSA|RSA 2048|$GUID_A|$(iso 365)|$(fp auth sha256)|$(fp auth sm3)"
is "bound: sign row" "$(sq "SELECT serial || '|' || algorithm || '|' || cn || '|' || org || '|' || not_before || '|' || not_after FROM certificates WHERE slot = 'sign'")" \
	"$S_SIGN|SM2|张三|$ORG|$(iso -465)|$(iso -100)"
is "bound: by the clerk" "$(sq "SELECT count(*) FROM certificates c JOIN staff s ON s.id = c.bound_by WHERE s.username = 'li.si' AND c.bound_at IS NOT NULL")" 2
is "bound: one audit entry per certificate" "$(binds)" 2
is "bound: one outbox entry per certificate" "$(sq "SELECT count(*) FROM outbox WHERE command = 'certificate.bind@2'")" 2
is "outbox: the payload carries the parsed certificate" \
	"$(sq "SELECT json_extract(payload, '$.serial') || '|' || json_extract(payload, '$.applicant_id') || '|' || json_extract(payload, '$.slot') FROM outbox WHERE command = 'certificate.bind@2' AND json_extract(payload, '$.slot') = 'auth'")" \
	"$S_AUTH|$ZS|auth"
is "the PIN is nowhere in the database" "$(sqlite3 "$D/certdesk.db" .dump | grep -c '111111')" 0
if grep -rq '111111' "$D" --include='*.log' 2>/dev/null; then
	not_ok "the PIN is in a log file"
else
	ok "the PIN is in no log file"
fi
out=$(cd_ audit verify 2>&1)
has "audit chain intact" "审计日志完整"

section "bind: twice, another applicant, a supervisor"
n0=$(binds)
pin 111111 clerk key bind 13812345678
is "twice: exit 1" $run_rc 1
has "twice: refused" "KEY 上的证书已绑定到此申请人 张三（138****5678），不能重复绑定。"
is "twice: nothing written" "$(binds)" "$n0"
pin 111111 clerk key bind 13900000002
is "other applicant, clerk: exit 1" $run_rc 1
has "other applicant, clerk: names the applicant, phone masked" \
	"该证书已绑定到申请人 张三（138****5678），改绑到其他申请人须由审核员办理。"
is "other applicant, clerk: still 张三's" "$(sq "SELECT count(*) FROM certificates WHERE applicant_id = '$ZS'")" 2
pin 111111 super key bind 13900000002
is "other applicant, supervisor: exit 0" $run_rc 0
has "supervisor: moved" "其中 2 张原绑定到 张三（138****5678），已由审核员改绑。"
is "supervisor: now 李四's" "$(sq "SELECT count(*) FROM certificates WHERE applicant_id = '$LS'")" 2
is "supervisor: the audit shows before and after" \
	"$(sq "SELECT count(*) FROM audit_log WHERE action = 'certificate.bind' AND before LIKE '%$ZS%' AND after LIKE '%$LS%'")" 2
is "still one row per certificate" "$(sq 'SELECT count(*) FROM certificates')" 2

# ---- renewal from the KEY ---------------------------------------------------
section "renewal"
apps() { sq "SELECT count(*) FROM applications"; }
run 1 clerk key renew 13812345678
has "renew: two certificates, the clerk chooses" "KEY 上有 2 张证书：auth（身份认证证书）、sign（签名证书），请用 --slot 指定要续费的一张。"
run 0 clerk key renew 13812345678 --slot auth --years 2
has "renew: a renewal application" "已生成续费申请单 SQ-SZFT-01-"
has "renew: with the certificate's serial" "原证书序列号 $S_AUTH"
is "renew: the application" \
	"$(sq "SELECT kind || '|' || subject || '|' || status || '|' || cert_serial || '|' || holder_code || '|' || holder_name || '|' || legal_rep || '|' || years || '|' || applicant_id FROM applications")" \
	"renewal|enterprise|draft|$S_AUTH|$CODE|$ORG|林某|2|$ZS"
n0=$(apps)
run 1 clerk key renew 13812345678 --slot sign
has "renew: expired 100 days ago is refused, with the dates" \
	"证书已于 $(ld -100) 过期，超过 90 天已被注销，不能续费，请重新申请新证书（有效期 $(ld -465) 至 $(ld -100)，已过期 100 天）。"
is "renew: refused writes nothing" "$(apps)" "$n0"

section "a person's KEY, expired 30 days ago; two KEYs at once"
vpiv_start B 1 --cert 9a="$F/person.der" --guid $GUID_B --log "$TEST_TMP/vpiv-B.apdu"
run 1 cd_ key read
has "two KEYs: the clerk must choose" "有 2 个读卡器插有 KEY，请选择要读取的一个。"
run 0 cd_ key read --reader "$PCSC_READER1"
has "person: holder" "  持有人：个人 张三"
has "person: 30 days expired, renewable" "  有效期：$(lt -395) 至 $(lt -30)（已过期 30 天，可续费）"
run 0 clerk key renew 13812345678 --reader "$PCSC_READER1"
has "person: recently expired may be renewed" "已生成续费申请单"
is "person: a personal renewal for the holder" \
	"$(sq "SELECT subject || '|' || cert_serial || '|' || holder_code || '|' || holder_name FROM applications WHERE cert_serial = '$S_PERSON'")" \
	"personal|$S_PERSON|$IDN|张三"
run 1 clerk key renew 13900000002 --reader "$PCSC_READER1"
has "person: another person's certificate is refused" "证书持有人（身份证 110105********002X）不是申请人李四"

section "blocked PIN"
verifies() { grep -c '^apdu 00 20 00 80 lc=8 ' "$TEST_TMP/vpiv-B.apdu"; }
pin 999999 clerk key bind 13812345678 --reader "$PCSC_READER1"
has "wrong 1/3" "PIN 错误，还可尝试 2 次。"
pin 999999 clerk key bind 13812345678 --reader "$PCSC_READER1"
has "wrong 2/3" "PIN 错误，还可尝试 1 次。"
pin 999999 clerk key bind 13812345678 --reader "$PCSC_READER1"
has "wrong 3/3: blocked now" "PIN 错误次数过多，PIN 已被锁定，不能再尝试。"
n0=$(verifies)
pin 111111 clerk key bind 13812345678 --reader "$PCSC_READER1"
is "blocked: exit 1" $run_rc 1
has "blocked: said plainly, even with the right PIN" "PIN 已被锁定，不能再尝试。请用 PUK 解锁，或联系发证机构。"
is "blocked: one VERIFY, never retried" "$(( $(verifies) - n0 ))" 1
is "blocked: nothing bound" "$(sq "SELECT count(*) FROM certificates WHERE serial = '$S_PERSON'")" 0
vpiv_stop B

section "not a PIV card; a corrupt certificate"
vpiv_start C 1 --not-piv
run 1 cd_ key read --reader "$PCSC_READER1"
has "not PIV: said plainly" "无法识别此 KEY：它不是 PIV 卡，也不是本程序支持的其他 KEY。"
pin 111111 clerk key bind 13812345678 --reader "$PCSC_READER1"
is "not PIV: bind exit 1" $run_rc 1
has "not PIV: bind says so" "无法识别此 KEY"
vpiv_stop C
vpiv_start D 1 --cert 9a="$F/person.der" --cert 9c="$F/bad.der" --log "$TEST_TMP/vpiv-D.apdu"
run 1 cd_ key read --reader "$PCSC_READER1"
has "corrupt: the good certificate is shown" "  序列号：$S_PERSON"
has "corrupt: the bad one said plainly" "签名证书（sign）：证书数据已损坏，无法解析。"
pin 111111 clerk key bind 13812345678 --reader "$PCSC_READER1"
is "corrupt: bind exit 1" $run_rc 1
has "corrupt: bind refused" "证书数据已损坏，无法解析。"
is "corrupt: nothing bound" "$(sq "SELECT count(*) FROM certificates WHERE serial = '$S_PERSON'")" 0
vpiv_stop D

section "KEY pulled out during a read"
vpiv_start E 1 --cert 9a="$F/auth.der" --cert 9c="$F/sign.der" \
	--stall c0:2 --stall-file "$TEST_TMP/stalled"
cd_ key read --reader "$PCSC_READER1" >"$TEST_TMP/pulled.out" 2>&1 &
reader_pid=$!
pcsc_wait_file "$TEST_TMP/stalled" 10 ${VPIV_PID[E]} || not_ok "the card never reached the stall point"
t0=$(now_ms)
kill -KILL ${VPIV_PID[E]}
wait ${VPIV_PID[E]} 2>/dev/null
unset "VPIV_PID[E]"
wait $reader_pid
rc=$?
within "pulled out: no hang" $t0 4000
is "pulled out: exit 1" $rc 1
out=$(cat "$TEST_TMP/pulled.out")
hasnt "no sanitizer report (pulled.out)" "Sanitizer"
hasnt "no runtime error (pulled.out)" "runtime error"
has "pulled out: said plainly" "KEY 已被拔出，操作未完成。请重新插入 KEY 后重试。"

section "pcscd stops during a wait"
vpiv_stop A
cd_ key read --wait 15 >"$TEST_TMP/stopped.out" 2>&1 &
waiter=$!
sleep 0.3
t0=$(now_ms)
pcsc_stop
wait $waiter
rc=$?
within "pcscd stopped: the wait ends" $t0 4000
is "pcscd stopped: exit 1" $rc 1
out=$(cat "$TEST_TMP/stopped.out")
hasnt "no sanitizer report (stopped.out)" "Sanitizer"
hasnt "no runtime error (stopped.out)" "runtime error"
has "pcscd stopped: said plainly" "$PCSC_DOWN"

section "clean runs"
if out=$(pcsc_check_clean); then
	ok "every tokencheck and vpiv run ended cleanly"
else
	not_ok "unclean runs:"
	echo "$out"
fi
out=$(cd_ audit verify 2>&1)
has "audit chain intact at the end" "审计日志完整"

printf '\n== key.sh: %d failed, in %.1fs\n' $fails "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"
[ $fails -eq 0 ]
