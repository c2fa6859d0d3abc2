#!/usr/bin/env bash
# The token layer (src/adapt/token.h, PIV driver, X.509 parsing) against
# real parts: a private pcscd with vsmartcard's vpcd readers, our virtual PIV
# card (tests/tools/vpiv) holding certificates made here with openssl, driven
# through tests/tools/tokencheck; OpenSC reads the same card as a cross-check.
set -uo pipefail
. "$(dirname "$0")/lib_pcsc.sh"

fails=0
. "$(dirname "$0")/lib_tap.sh"
# has NAME OUTPUT LINE: OUTPUT holds LINE as a whole line.
has() {
	if grep -qxF -- "$3" <<<"$2"; then
		ok "$1"
	else
		not_ok "$1: no line [$3] in:"
		sed 's/^/       | /' <<<"$2"
	fi
}
# lacks NAME OUTPUT PATTERN: no line of OUTPUT matches the regex.
lacks() {
	if grep -qE -- "$3" <<<"$2"; then
		not_ok "$1: unexpected [$3] in:"
		sed 's/^/       | /' <<<"$2"
	else
		ok "$1"
	fi
}
# is NAME GOT WANT
# within NAME T0 MAX_MS: less than MAX_MS elapsed since T0 (from now_ms).
within() {
	local dt=$(( $(now_ms) - $2 ))
	if [ $dt -lt $3 ]; then ok "$1 (${dt} ms)"; else not_ok "$1: took ${dt} ms (limit $3)"; fi
}
section() { printf '\n== %s (at %.1fs)\n' "$1" "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"; }
T_START=$EPOCHREALTIME

# ---- fixtures: two CAs and a KEY's certificates, made now --------------------
section "fixtures"
F=$TEST_TMP/certs
mkdir -p "$F/db"
NOW_S=$(date -u +%s)
# tokencheck judges expiry against the same instant the certificates were made at.
export CERTDESK_NOW=$(date -u -d "@$NOW_S" +%Y-%m-%dT%H:%M:%SZ)
at() { date -u -d "@$((NOW_S + $1 * 86400))" +%Y%m%d%H%M%SZ; }
iso() { date -u -d "@$((NOW_S + $1 * 86400))" +%Y-%m-%dT%H:%M:%SZ; }
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
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation, keyEncipherment
EOF
: >"$F/db/index.txt"
SM2ID=distid:1234567812345678
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
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out auth.key 2>/dev/null
	openssl req -new -utf8 -key auth.key -sha256 -out auth.csr -subj "/C=CN/O=某某科技有限公司/CN=张三"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sign.key
	openssl req -new -utf8 -key sign.key -sm3 -sigopt $SM2ID -out sign.csr \
		-subj "/C=CN/O=某某科技有限公司/CN=张三"
) || pcsc_die "cannot make the fixture keys"
# Authentication: RSA, valid for a year. Signature: SM2, expired 100 days ago.
issue "$F/auth.key" auth.csr ca-rsa.key ca-rsa.pem sha256 "$(at -1)" "$(at 365)" auth
issue "$F/sign.key" sign.csr ca-sm2.key ca-sm2.pem sm3 "$(at -465)" "$(at -100)" sign \
	-sigopt $SM2ID -vfyopt $SM2ID
# A corrupt certificate (cut short), a gzip-compressed one, and compressed
# data that must be refused: its CRC-32 wrong, cut short, inflating to 1 MiB
# (a zip bomb), and exactly to the 64 KiB limit (inflated, but no certificate).
head -c 400 "$F/auth.der" >"$F/bad.der"
gzip -9nc "$F/auth.der" >"$F/auth.der.gz"
python3 - "$F/auth.der.gz" "$F/crc.gz" <<'PY' || pcsc_die "cannot make the corrupt gzip"
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[-8] ^= 0xFF   # the first byte of the CRC-32 in gzip's trailer
open(sys.argv[2], "wb").write(b)
PY
head -c $(( $(stat -c %s "$F/auth.der.gz") / 2 )) "$F/auth.der.gz" >"$F/cut.gz"
head -c 1048576 /dev/zero | gzip -9nc >"$F/bomb.gz"
head -c 65536 /dev/zero | gzip -9nc >"$F/limit.gz"
fp() { openssl x509 -in "$F/$1.pem" -noout -fingerprint "-$2" | sed 's/.*=//; s/://g'; }
serial() { openssl x509 -in "$F/$1.pem" -noout -serial | sed 's/.*=//'; }
GUID=0123456789ABCDEF0123456789ABCDEF
SERIAL_AUTH=$(serial auth)
ok "certificates made"

# ---- no pcscd ---------------------------------------------------------------
section "no pcscd running"
t0=$(now_ms)
out=$(PCSCLITE_CSOCK_NAME=$TEST_TMP/nowhere/pcscd.comm tc readers)
rc=$?
is "no pcscd: exit 1" $rc 1
has "no pcscd: said plainly" "$out" "error device: 智能卡服务（pcscd）未运行或已停止，无法读取 KEY。请启动 pcscd 服务后重试。"
within "no pcscd: no hang" $t0 2000
out=$(PCSCLITE_CSOCK_NAME=$TEST_TMP/nowhere/pcscd.comm tc wait-card --timeout 10000)
has "no pcscd: wait-card fails at once" "$out" "error device: 智能卡服务（pcscd）未运行或已停止，无法读取 KEY。请启动 pcscd 服务后重试。"
within "no pcscd: wait-card no hang" $t0 2000

# ---- no reader --------------------------------------------------------------
section "pcscd without readers"
pcsc_start none
out=$(tc readers)
has "no reader: none listed" "$out" "readers 0"
out=$(tc certs)
has "no reader: said plainly" "$out" "error not_found: 未检测到读卡器或 USB KEY，请插入后重试。"
t0=$(now_ms)
out=$(tc wait-card --timeout 600)
has "no reader: wait-card times out" "$out" "error timeout: 等待 KEY 超时：未检测到插入的 KEY。"
within "no reader: timeout is bounded" $t0 2500
out=$(tc wait-readers --timeout 300)
has "no reader: wait-readers times out" "$out" "error timeout: 等待读卡器超时：未检测到读卡器或 USB KEY。"
pcsc_stop

# ---- two readers, no card ---------------------------------------------------
section "vpcd readers, empty"
pcsc_start vpcd
echo "pcscd pid $PCSCD_PID, vpcd port $PCSC_PORT, socket $PCSCLITE_CSOCK_NAME"
out=$(tc readers)
has "readers: count" "$out" "readers 2"
has "readers: reader 0 empty" "$out" "$(printf 'reader\tempty\t-\t%s' "$PCSC_READER0")"
has "readers: reader 1 empty" "$out" "$(printf 'reader\tempty\t-\t%s' "$PCSC_READER1")"
out=$(tc certs)
has "no card: said plainly" "$out" "error not_found: 读卡器中没有 KEY，请插入 KEY 后重试。"
out=$(tc --reader "$PCSC_READER0" info)
has "no card: connect says so" "$out" "error device: 读卡器中没有 KEY，请插入 KEY 后重试。"
out=$(tc --reader "No Such Reader 00 00" info)
has "unknown reader" "$out" "error not_found: 读卡器“No Such Reader 00 00”不存在或已被拔出。"
t0=$(now_ms)
out=$(tc wait-card --reader "$PCSC_READER0" --timeout 400)
has "wait-card: timeout" "$out" "error timeout: 等待 KEY 超时：未检测到插入的 KEY。"
within "wait-card: timeout bounded" $t0 2000
t0=$(now_ms)
out=$(tc wait-card --timeout 15000 --cancel-after 300)
has "wait-card: cancelled from another thread" "$out" "error cancelled: 已取消等待 KEY。"
within "wait-card: cancel is prompt" $t0 1500

# ---- a PIV card -------------------------------------------------------------
section "PIV card: insert while waiting"
tc wait-card --timeout 8000 >"$TEST_TMP/wait.out" &
waiter=$!
sleep 0.3
vpiv_start A 0 --cert 9a="$F/auth.der" --cert 9c="$F/sign.der" --guid $GUID \
	--log "$TEST_TMP/vpiv-A.apdu"
wait $waiter
has "wait-card: sees the card inserted during the wait" "$(cat "$TEST_TMP/wait.out")" "card $PCSC_READER0"

section "PIV card: readers, info, certificates"
out=$(tc readers)
has "readers: card in reader 0" "$out" "$(printf 'reader\tcard\t3B840176504956BC\t%s' "$PCSC_READER0")"
has "readers: reader 1 still empty" "$out" "$(printf 'reader\tempty\t-\t%s' "$PCSC_READER1")"
out=$(tc info)
has "info: reader" "$out" "reader $PCSC_READER0"
has "info: driver" "$out" "driver piv"
has "info: CHUID GUID" "$out" "id $GUID"
t0=$(now_ms)
out=$(tc certs)
within "certs: read quickly" $t0 2000
echo "$out"
has "auth: subject" "$out" "auth.subject: CN=张三, O=某某科技有限公司, C=CN"
has "auth: subject CN" "$out" "auth.subject.cn: 张三"
has "auth: subject O" "$out" "auth.subject.o: 某某科技有限公司"
has "auth: issuer" "$out" "auth.issuer: CN=某某数字认证测试CA, O=某某数字认证有限公司, C=CN"
has "auth: serial" "$out" "auth.serial: $(serial auth)"
has "auth: not before" "$out" "auth.not_before: $(iso -1)"
has "auth: not after" "$out" "auth.not_after: $(iso 365)"
has "auth: RSA 2048" "$out" "auth.key: RSA 2048"
has "auth: signature algorithm" "$out" "auth.sig_alg: sha256WithRSAEncryption"
has "auth: SHA-256 as openssl" "$out" "auth.sha256: $(fp auth sha256)"
has "auth: SM3 as openssl" "$out" "auth.sm3: $(fp auth sm3)"
has "auth: days left" "$out" "auth.days_left: 365"
has "auth: not expired" "$out" "auth.expired: no"
has "sign: subject" "$out" "sign.subject: CN=张三, O=某某科技有限公司, C=CN"
has "sign: issuer" "$out" "sign.issuer: CN=某某数字认证SM2测试CA, O=某某数字认证有限公司, C=CN"
has "sign: serial" "$out" "sign.serial: $(serial sign)"
has "sign: SM2" "$out" "sign.key: SM2"
has "sign: SM2 bits" "$out" "sign.key_bits: 256"
has "sign: SM2-with-SM3" "$out" "sign.sig_alg: SM2-with-SM3"
has "sign: SHA-256 as openssl" "$out" "sign.sha256: $(fp sign sha256)"
has "sign: SM3 as openssl" "$out" "sign.sm3: $(fp sign sm3)"
has "sign: not after" "$out" "sign.not_after: $(iso -100)"
has "sign: expired" "$out" "sign.expired: yes"
has "sign: expired 100 days ago" "$out" "sign.days_expired: 100"
has "sign: too late to renew" "$out" "sign.past_renewal: yes"
has "keymgmt: absent" "$out" "keymgmt.error not_found: KEY 上没有加密证书。"
has "cardauth: absent" "$out" "cardauth.error not_found: KEY 上没有卡认证证书。"
if grep -q 'sw=61' "$TEST_TMP/vpiv-A.apdu" && grep -q '^apdu 00 C0 ' "$TEST_TMP/vpiv-A.apdu"; then
	ok "certs: read through 61xx / GET RESPONSE chaining"
else
	not_ok "certs: the card log shows no response chaining"
fi

section "PIV card: OpenSC reads the same card"
export HOME=$TEST_TMP/home   # OpenSC's cache and settings stay here
mkdir -p "$HOME"
out=$(timeout 20 opensc-tool --list-readers 2>&1)
lacks "opensc: no error" "$out" "[Ff]ailed|[Ee]rror"
grep -qE "^0 +Yes +$PCSC_READER0\$" <<<"$out" && ok "opensc: reader 0 holds a card" ||
	not_ok "opensc: reader 0 line missing in: $out"
grep -qE "^1 +No +$PCSC_READER1\$" <<<"$out" && ok "opensc: reader 1 is empty" ||
	not_ok "opensc: reader 1 line missing in: $out"
out=$(timeout 20 opensc-tool --reader 0 --atr 2>&1)
has "opensc: ATR" "$out" "3b:84:01:76:50:49:56:bc"
out=$(timeout 20 opensc-tool --reader 0 --name 2>&1)
has "opensc: a PIV card" "$out" "Personal Identity Verification Card"
out=$(timeout 20 pkcs15-tool --reader 0 --list-certificates 2>&1)
echo "$out"
has "opensc: authentication certificate listed" "$out" "X.509 Certificate [Certificate for PIV Authentication]"
der_serial=$SERIAL_AUTH   # as a DER INTEGER: a leading 00 keeps it positive
case $der_serial in [89A-F]*) der_serial=00$der_serial ;; esac
has "opensc: its serial" "$out" "$(printf '\tEncoded serial : 02 %02X %s' $(( ${#der_serial} / 2 )) "$der_serial")"
pem=$(timeout 20 pkcs15-tool --reader 0 --read-certificate 01 2>&1)
got=$(openssl x509 -noout -fingerprint -sha256 <<<"$pem" 2>&1 | sed 's/.*=//; s/://g')
is "opensc: certificate 01 is our authentication certificate" "$got" "$(fp auth sha256)"
# OpenSC 0.23 reads the signature object but drops the certificate because it
# knows no SM2 curve ("Unsupported named curve"); should a later OpenSC list
# it, it must be ours.
if grep -qxF "X.509 Certificate [Certificate for Digital Signature]" <<<"$out"; then
	pem=$(timeout 20 pkcs15-tool --reader 0 --read-certificate 02 2>&1)
	got=$(openssl x509 -noout -fingerprint -sha256 <<<"$pem" 2>&1 | sed 's/.*=//; s/://g')
	is "opensc: certificate 02 is our signature certificate" "$got" "$(fp sign sha256)"
fi
# The SM2 certificate through OpenSC's own APDU layer (which follows 61xx
# itself): SELECT the PIV application, GET DATA 5FC10A.
out=$(timeout 20 opensc-tool --reader 0 --send-apdu 00:A4:04:00:05:A0:00:00:03:08:00 \
	--send-apdu 00:CB:3F:FF:05:5C:03:5F:C1:0A:00 2>&1)
obj=$(awk '/^Received/ { n++; next } n == 2 && /^[0-9A-F][0-9A-F] / { print substr($0, 1, 48) }' <<<"$out" | tr -d ' \n')
has "opensc: GET DATA 5FC10A answered 9000" "$out" "Received (SW1=0x90, SW2=0x00):"
# 53 82 LL LL 70 82 LL LL, then the certificate.
python3 -c 'import sys; sys.stdout.buffer.write(bytes.fromhex(sys.argv[1])[8:])' "$obj" >"$TEST_TMP/sign-opensc.bin"
got=$(openssl x509 -inform DER -in "$TEST_TMP/sign-opensc.bin" -noout -fingerprint -sha256 2>&1 | sed 's/.*=//; s/://g')
is "opensc: the signature object holds our SM2 certificate" "$got" "$(fp sign sha256)"

section "several readers: the caller picks"
vpiv_start B 1 --not-piv --log "$TEST_TMP/vpiv-B.apdu"
out=$(tc readers)
has "two cards: reader 0" "$out" "$(printf 'reader\tcard\t3B840176504956BC\t%s' "$PCSC_READER0")"
has "two cards: reader 1" "$out" "$(printf 'reader\tcard\t3B840176504956BC\t%s' "$PCSC_READER1")"
out=$(tc certs)
has "two cards: must choose" "$out" "error invalid: 有 2 个读卡器插有 KEY，请选择要读取的一个。"
out=$(tc --reader "$PCSC_READER1" info)
has "not PIV: said plainly" "$out" "error unsupported: 无法识别此 KEY：它不是 PIV 卡，也不是本程序支持的其他 KEY。请确认插入的是本机构发放的 USB KEY。"
if grep -q '^apdu 00 A4 04 00 lc=5 le=256 sw=6A82$' "$TEST_TMP/vpiv-B.apdu"; then
	ok "not PIV: SELECT of the PIV AID was refused (6A82)"
else
	not_ok "not PIV: no refused SELECT in the card log"
fi
out=$(tc --reader "$PCSC_READER0" info)
has "two cards: the chosen one reads" "$out" "id $GUID"
vpiv_stop B

section "PIN"
verifies() { grep -c '^apdu 00 20 00 80 lc=8 ' "$TEST_TMP/vpiv-A.apdu"; }
pin() { # command, stdin lines...
	local cmd=$1
	shift
	printf '%s\n' "$@" | tc "$cmd"
}
has "pin-status: three tries" "$(tc pin-status)" "pin tries=3 verified=no"
has "verify: right PIN" "$(pin verify 111111)" "pin ok"
has "pin-status: a new connection starts unverified (reset on disconnect)" "$(tc pin-status)" "pin tries=3 verified=no"
out=$(pin verify 000000)
has "wrong PIN: tries left" "$out" "tries 2"
has "wrong PIN: said plainly" "$out" "error auth: PIN 错误，还可尝试 2 次。"
has "verify: right PIN resets the count" "$(pin verify 111111)" "pin ok"
has "pin-status: back to three" "$(tc pin-status)" "pin tries=3 verified=no"
n0=$(verifies)
has "PIN format checked before the card" "$(pin verify 12345)" "error invalid: PIN 应为 6 到 8 位数字。"
has "PIN format: letters" "$(pin verify 12345a)" "error invalid: PIN 应为 6 到 8 位数字。"
is "PIN format: nothing sent to the card" "$(verifies)" "$n0"
has "wrong PIN 1/3" "$(pin verify 999999)" "error auth: PIN 错误，还可尝试 2 次。"
has "wrong PIN 2/3" "$(pin verify 999999)" "error auth: PIN 错误，还可尝试 1 次。"
out=$(pin verify 999999)
has "wrong PIN 3/3: blocked now" "$out" "error locked: PIN 错误次数过多，PIN 已被锁定，不能再尝试。请用 PUK 解锁，或联系发证机构。"
has "wrong PIN 3/3: no tries left" "$out" "tries 0"
out=$(tc pin-status)
has "pin-status: blocked" "$out" "error locked: PIN 已被锁定，不能再尝试。请用 PUK 解锁，或联系发证机构。"
n0=$(verifies)
out=$(pin verify 111111)
has "blocked PIN: said plainly, even with the right PIN" "$out" "error locked: PIN 已被锁定，不能再尝试。请用 PUK 解锁，或联系发证机构。"
is "blocked PIN: one VERIFY, never retried" "$(( $(verifies) - n0 ))" 1
has "blocked PIN: the card answered 6983" "$(tail -n 1 "$TEST_TMP/vpiv-A.apdu")" "apdu 00 20 00 80 lc=8 le=0 sw=6983"

section "PUK"
out=$(pin unblock 00000000 222222)
has "wrong PUK: tries left" "$out" "error auth: PUK 错误，还可尝试 2 次。"
has "unblock: PUK sets a new PIN" "$(pin unblock 12345678 222222)" "puk ok"
has "unblock: PIN tries restored" "$(tc pin-status)" "pin tries=3 verified=no"
has "unblock: old PIN no longer works" "$(pin verify 111111)" "error auth: PIN 错误，还可尝试 2 次。"
has "unblock: new PIN works" "$(pin verify 222222)" "pin ok"
has "change PIN" "$(pin change-pin 222222 111111)" "pin ok"
has "change PIN: back to the default" "$(pin verify 111111)" "pin ok"
has "change PIN: wrong old PIN" "$(pin change-pin 999999 123456)" "error auth: PIN 错误，还可尝试 2 次。"
has "change PIN: bad new PIN" "$(pin change-pin 111111 12)" "error invalid: 新 PIN 应为 6 到 8 位数字。"
has "change PUK" "$(pin change-puk 12345678 87654321)" "puk ok"
has "change PUK: the old one is refused" "$(pin unblock 12345678 111111)" "error auth: PUK 错误，还可尝试 2 次。"
has "change PUK: the new one works" "$(pin unblock 87654321 111111)" "puk ok"

section "6Cxx, corrupt and compressed certificates"
vpiv_start C 1 --exact-le --cert 9a="$F/auth.der" --cert 9c="$F/bad.der" \
	--cert 9d="$F/auth.der.gz" --certinfo 9d=01 --cert 9e="$F/crc.gz" --certinfo 9e=01 \
	--guid FEDCBA9876543210FEDCBA9876543210 --log "$TEST_TMP/vpiv-C.apdu"
out=$(tc --reader "$PCSC_READER1" info)
has "6Cxx: info" "$out" "id FEDCBA9876543210FEDCBA9876543210"
out=$(tc --reader "$PCSC_READER1" certs)
echo "$out"
has "6Cxx: certificate read whole" "$out" "auth.sha256: $(fp auth sha256)"
has "corrupt certificate: said plainly" "$out" "sign.error invalid: 证书数据已损坏，无法解析。"
has "compressed certificate: inflated, the same SHA-256 as the original" "$out" "keymgmt.sha256: $(fp auth sha256)"
has "compressed certificate: the same SM3 as the original" "$out" "keymgmt.sm3: $(fp auth sm3)"
has "compressed certificate: its serial" "$out" "keymgmt.serial: $SERIAL_AUTH"
has "compressed certificate: its subject" "$out" "keymgmt.subject: CN=张三, O=某某科技有限公司, C=CN"
lacks "compressed certificate: no error" "$out" "^keymgmt\.error"
has "corrupt gzip (wrong CRC): refused plainly" "$out" "cardauth.error invalid: KEY 上的卡认证证书压缩数据已损坏，无法解压。"
if grep -q 'sw=6C' "$TEST_TMP/vpiv-C.apdu"; then
	ok "6Cxx: the card asked for exact lengths, and got them"
else
	not_ok "6Cxx: the card never answered 6Cxx"
fi
vpiv_stop C

section "compressed certificates that are refused"
vpiv_start D 1 --cert 9a="$F/cut.gz" --certinfo 9a=01 --cert 9c="$F/bomb.gz" --certinfo 9c=01 \
	--cert 9d="$F/limit.gz" --certinfo 9d=01 --cert 9e="$F/auth.der" --certinfo 9e=01
out=$(tc --reader "$PCSC_READER1" certs)
echo "$out"
has "gzip cut short: refused plainly" "$out" "auth.error invalid: KEY 上的身份认证证书压缩数据不完整，无法解压。"
has "zip bomb: refused at 64 KB" "$out" "sign.error invalid: KEY 上的签名证书解压后超过 64 KB，不是正常的证书，已拒绝读取。"
has "exactly 64 KB: inflated, then found to be no certificate" "$out" "keymgmt.error invalid: 证书数据已损坏，无法解析。"
has "marked compressed but not gzip: refused plainly" "$out" "cardauth.error invalid: KEY 上的卡认证证书压缩数据已损坏，无法解压。"
vpiv_stop D

section "card pulled out during a read"
vpiv_stop A
vpiv_start A2 0 --cert 9a="$F/auth.der" --cert 9c="$F/sign.der" \
	--stall c0:2 --stall-file "$TEST_TMP/stalled"
tc certs >"$TEST_TMP/pulled.out" 2>&1 &
reader_pid=$!
pcsc_wait_file "$TEST_TMP/stalled" 10 ${VPIV_PID[A2]} || not_ok "the card never reached the stall point"
t0=$(now_ms)
kill -KILL ${VPIV_PID[A2]}
wait ${VPIV_PID[A2]} 2>/dev/null
unset "VPIV_PID[A2]"
wait $reader_pid
rc=$?
within "pulled out: no hang" $t0 4000
is "pulled out: exit 1" $rc 1
has "pulled out: said plainly" "$(cat "$TEST_TMP/pulled.out")" "error device: KEY 已被拔出，操作未完成。请重新插入 KEY 后重试。"
out=$(tc --reader "$PCSC_READER0" --timeout 3000 wait-removal)
has "pulled out: the reader is empty" "$out" "removed"
out=$(tc readers)
has "pulled out: listed as empty" "$out" "$(printf 'reader\tempty\t-\t%s' "$PCSC_READER0")"

section "pcscd stops during a wait"
tc wait-card --reader "$PCSC_READER0" --timeout 15000 >"$TEST_TMP/stopped.out" 2>&1 &
waiter=$!
sleep 0.3
t0=$(now_ms)
pcsc_stop
wait $waiter
within "pcscd stopped: the wait ends" $t0 4000
has "pcscd stopped: said plainly" "$(cat "$TEST_TMP/stopped.out")" "error device: 智能卡服务（pcscd）未运行或已停止，无法读取 KEY。请启动 pcscd 服务后重试。"
t0=$(now_ms)
out=$(tc readers)
has "pcscd gone: said plainly" "$out" "error device: 智能卡服务（pcscd）未运行或已停止，无法读取 KEY。请启动 pcscd 服务后重试。"
within "pcscd gone: no hang" $t0 2000

section "clean runs"
if out=$(pcsc_check_clean); then
	ok "every tokencheck and vpiv run ended cleanly"
else
	not_ok "unclean runs:"
	echo "$out"
fi

printf '\n== token.sh: %d failed, in %.1fs\n' $fails "$(awk "BEGIN { print $EPOCHREALTIME - $T_START }")"
[ $fails -eq 0 ]
