#!/usr/bin/env bash
# Counter services on the screen at 80x24, with a real certdeskd and a
# private pcscd with our virtual PIV card: a revoke entered from the
# applicant's screen (the kind chosen, the bound certificate picked, the
# reason required); on the KEY screen the PIN changed with the old one, an
# unlock refused while no application waits, then, once a supervisor
# accepted the unlock application, the KEY unlocked with the centre's PUK
# (never shown) and a new PIN typed twice, masked.
source "$(dirname "$0")/lib.sh"
set +e
. "$(dirname "$0")/../integration/lib_pcsc.sh"
set -e
CENTRE_PID=
trap 'cleanup; set +e; [ -n "$CENTRE_PID" ] && kill $CENTRE_PID 2>/dev/null; pcsc_cleanup' EXIT
pc() {
	set +e
	"$@"
	local rc=$?
	set -e
	return $rc
}
clerk() { CERTDESK_PASSWORD=Clerk1234 cd_cli --user li.si "$@"; }
super() { CERTDESK_PASSWORD=Super1234 cd_cli --user wang.wu "$@"; }
C=$TEST_TMP/centre.db
CF=$TEST_TMP/centre-files
centre() { "$CERTDESK_BIN/certdeskd" "$@"; }
export no_proxy='*' NO_PROXY='*'

# ---- an enterprise's KEY with two valid certificates --------------------------
F=$TEST_TMP/certs
mkdir -p "$F/db" "$CF"
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
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
EOF
: >"$F/db/index.txt"
CODE=91350100M000100Y43
ORG=福州某某科技有限公司
GUID=C3D1E5A00000000000000000000000E2
PUK=59317024
(
	cd "$F"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ca.key
	openssl req -x509 -new -utf8 -key ca.key -sha256 -days 3650 -out ca.pem \
		-subj "/C=CN/O=某某数字认证有限公司/CN=某某数字认证测试CA"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key
	openssl req -new -utf8 -key leaf.key -sha256 -out leaf.csr -subj "/C=CN/O=$ORG/OU=$CODE/CN=张三"
	for c in "auth 365" "sign 700"; do
		set -- $c
		openssl rand -hex 16 >db/serial
		openssl ca -batch -config ca.cnf -utf8 -preserveDN -notext -md sha256 -cert ca.pem \
			-keyfile ca.key -in leaf.csr -startdate "$(at -1)" -enddate "$(at $2)" -out "$1.pem"
		openssl x509 -in "$1.pem" -outform DER -out "$1.der"
	done
) >/dev/null 2>&1 || fail "cannot make the fixture certificates"
S_AUTH=$(openssl x509 -in "$F/auth.pem" -noout -serial | sed 's/.*=//')
S_SIGN=$(openssl x509 -in "$F/sign.pem" -noout -serial | sed 's/.*=//')

# ---- the centre, holding the KEY's PUK -------------------------------------------
echo Root1234 | centre init --db "$C" --office HQ --office-name 总部 --admin root >/dev/null
centre office add --db "$C" --code SZFT --name 深圳福田受理点 >/dev/null
code=$(centre terminal add --db "$C" --office SZFT --name 一号窗口 | sed -n 's/^登记码：//p')
centre puk keygen --key "$CF/puk.key" >/dev/null || fail "puk keygen"
printf '%s,%s\n' "$GUID" "$PUK" | centre puk load --db "$C" --key "$CF/puk.key" >/dev/null ||
	fail "puk load"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$CERTDESK_BIN/certdeskd" --db "$C" --data "$CF" --listen "127.0.0.1:$port" 2>"$TEST_TMP/certdeskd.log" &
CENTRE_PID=$!
URL=http://127.0.0.1:$port
for i in $(seq 200); do curl -s --noproxy '*' "$URL/v1/health" >/dev/null && break; sleep 0.05; done

# ---- the terminal: a clerk, a supervisor, the applicant, enrolled, the KEY bound ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for u in "li.si 李四 clerk Clerk1234" "wang.wu 王五 supervisor Super1234"; do
	set -- $u
	echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add "$1" "$2" "$3" >/dev/null
	echo "$4" | CERTDESK_PASSWORD=Start123 cd_cli --user "$1" staff passwd >/dev/null
done
{
	echo 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone'
	echo "13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,$CODE,$ORG,林某,福州市鼓楼区五四路100号,0591-87654321"
} >"$TEST_TMP/people.csv"
clerk import applicants "$TEST_TMP/people.csv" >/dev/null
CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin sync --enroll "$URL" "$code" >/dev/null || fail "enrolment"
pc pcsc_start vpcd
pc vpiv_start A 0 --cert 9a="$F/auth.der" --cert 9c="$F/sign.der" --guid "$GUID" --puk $PUK \
	--log "$TEST_TMP/vpiv-A.apdu"
echo 111111 | clerk key bind 13812345678 >/dev/null 2>&1 || fail "bind"

EXTRA_ENV="PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME CERTDESK_NOW=$CERTDESK_NOW no_proxy=* NO_PROXY=*"
app_start
login li.si Clerk1234

# ---- a revoke entered from the applicant's screen -------------------------------
keys 2
wait_for "查找"
type "13812345678"
keys Enter
wait_for "张三   手机 138****5678"
keys F3
wait_for "新建申请单"
keys Right Right Right Right            # new -> renewal -> change -> reissue -> revoke
wait_for "注销"
keys F2
wait_for "数字证书服务协议书"
keys F2
wait_for "企业证书注销申请表"
wait_for "注销：应持证人要"
wait_for "（手工填写序列号）"
screen | grep -q "有效期" && fail "a revoke offers a validity"
screen | grep -q "领取方式" && fail "a revoke offers a delivery"
keys Right                              # the certificate that expires last: sign
wait_for "$S_SIGN"
keys F2
wait_for "注销须写明原因"
[ "$(q 'SELECT count(*) FROM applications')" = 0 ] || fail "saved without a reason"
type "企业已注销"                        # the refusal put the cursor on the reason
keys F2
wait_for "已保存为草稿"
got=$(q "SELECT kind || '|' || cert_serial || '|' || service_reason || '|' || years || '|' || delivery FROM applications")
[ "$got" = "revoke|$S_SIGN|企业已注销|0|pickup" ] || fail "revoke application: $got"
wait_for "营业执照副本复印件"
keys Escape
wait_for "张三   手机 138****5678"

# ---- the KEY screen: change the PIN ----------------------------------------------
keys k
wait_for "身份认证证书"
wait_for "标识 $GUID"
keys F7
wait_for "修改 KEY（标识 $GUID）的 PIN"
type "111111"
keys Tab
type "246813"
keys Tab
type "246813"
screen | grep -q "246813" && fail "a PIN is shown"
keys F2
wait_for "PIN 已修改"
keys Enter
wait_gone "PIN 已修改"
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'key.pin_change'")" = 1 ] || fail "PIN change not audited"
verify() { printf '%s\n' "$1" | pc tc verify --reader "$PCSC_READER0" 2>&1 || true; }
verify 246813 | grep "pin ok" >/dev/null || fail "the new PIN does not work"

# ---- unlock: nothing waits yet, then an accepted unlock application -----------
keys F6
wait_for "没有为此 KEY 受理的解锁申请"
printf 'phone,kind,subject,credit_code,years,cert_serial\n13812345678,unlock,enterprise,%s,0,%s\n' \
	"$CODE" "$S_AUTH" >"$TEST_TMP/unlock.csv"
clerk import applications "$TEST_TMP/unlock.csv" >/dev/null || fail "import unlock"
N=$(q "SELECT number FROM applications WHERE kind = 'unlock'")
clerk application agree "$N" >/dev/null
clerk application paper "$N" agent_id >/dev/null
clerk application paper "$N" authorisation >/dev/null
clerk application submit "$N" >/dev/null || fail "submit unlock"
clerk application accept "$N" >/dev/null 2>&1 && fail "the clerk accepted"
super application accept "$N" >/dev/null || fail "the supervisor could not accept"
keys F6
wait_for "为解锁申请单 $N 解锁 KEY"
type "111111"
keys Tab
type "111111"
keys F2
wait_for "新 PIN 不能是出厂默认 PIN"
[ "$(q "SELECT status FROM applications WHERE number = '$N'")" = accepted ] || fail "unlocked with the default PIN"
type "802514"                          # both fields were emptied, the cursor on the first
keys Tab
type "802514"
screen | grep -q "802514" && fail "the new PIN is shown"
keys F2
wait_for "解锁成功" 20
wait_for "解锁申请单 $N 已办结"
screen | grep -q "$PUK" && fail "the PUK is shown"
keys Enter
wait_gone "解锁成功"
[ "$(q "SELECT status FROM applications WHERE number = '$N'")" = done ] || fail "not done"
[ "$(sqlite3 "$C" "SELECT count(*) FROM audit_log WHERE action = 'key.puk_release'")" = 1 ] ||
	fail "the centre did not audit the PUK it released"
verify 802514 | grep "pin ok" >/dev/null || fail "the new PIN does not work"
verify 246813 | grep "PIN 错误" >/dev/null || fail "the old PIN still works"
keys F6
wait_for "没有为此 KEY 受理的解锁申请"
keys Escape
wait_for "张三   手机 138****5678"

app_quit
check_stderr
pc pcsc_check_clean >/dev/null || fail "virtual cards: $(pcsc_check_clean)"
grep -qE 'Sanitizer|runtime error' "$TEST_TMP/certdeskd.log" && fail "certdeskd: $(cat "$TEST_TMP/certdeskd.log")"
echo "unlock e2e: ok"
