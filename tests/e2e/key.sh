#!/usr/bin/env bash
# The KEY screen at 80x24, against a private pcscd with our virtual PIV card:
# waiting keeps the screen alive and Esc cancels it; a KEY inserted while
# the screen waits is read and shown; a certificate expired 100 days ago is
# refused for renewal with its dates; binding asks for the PIN (masked, a
# wrong one shows the tries left), warns about the default PIN, and refuses
# a second binding; the applicant's screen lists the bound certificates with
# their days left; a renewal from the KEY opens the agreement and then the
# renewal form filled from the certificate; with two KEYs the clerk picks
# the reader.
source "$(dirname "$0")/lib.sh"
set +e   # lib_pcsc.sh's helpers report failures themselves
. "$(dirname "$0")/../integration/lib_pcsc.sh"
set -e
trap 'cleanup; set +e; pcsc_cleanup' EXIT
# lib_pcsc.sh's functions are written for scripts without set -e.
pc() {
	set +e
	"$@"
	local rc=$?
	set -e
	return $rc
}

q() { sqlite3 "$DATA/certdesk.db" "$1"; }
login() { # user password
	wait_for "请输入员工账号和密码"
	keys Up Up C-u
	type "$1"
	keys Tab C-u
	type "$2"
	keys Enter
	wait_for "主菜单"
}

# ---- certificates made now: an enterprise's KEY --------------------------------
F=$TEST_TMP/certs
mkdir -p "$F/db"
NOW_S=$(date -u +%s)
export CERTDESK_NOW=$(date -u -d "@$NOW_S" +%Y-%m-%dT%H:%M:%SZ)
at() { date -u -d "@$((NOW_S + $1 * 86400))" +%Y%m%d%H%M%SZ; }
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
commonName = supplied
[leaf]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
EOF
: >"$F/db/index.txt"
SM2ID=distid:1234567812345678
CODE=91350100M000100Y43
ORG=福州某某科技有限公司
issue() { # CSR CAKEY CACERT MD START END OUT [SIGOPTS...]
	openssl rand -hex 16 >"$F/db/serial"
	(cd "$F" && openssl ca -batch -config ca.cnf -utf8 -preserveDN -notext -md "$4" \
		-cert "$3" -keyfile "$2" -in "$1" -startdate "$5" -enddate "$6" -out "$7.pem" "${@:8}") \
		>"$F/ca.log" 2>&1 || { cat "$F/ca.log"; fail "openssl ca failed for $7"; }
	openssl x509 -in "$F/$7.pem" -outform DER -out "$F/$7.der"
}
(
	cd "$F"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out ca-rsa.key 2>/dev/null
	openssl req -x509 -new -utf8 -key ca-rsa.key -sha256 -days 3650 -out ca-rsa.pem \
		-subj "/C=CN/O=某某数字认证有限公司/CN=某某数字认证测试CA"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out ca-sm2.key
	openssl req -x509 -new -utf8 -key ca-sm2.key -sm3 -sigopt $SM2ID -days 3650 -out ca-sm2.pem \
		-subj "/C=CN/O=某某数字认证有限公司/CN=某某数字认证SM2测试CA"
	openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out auth.key 2>/dev/null
	openssl req -new -utf8 -key auth.key -sha256 -out auth.csr -subj "/C=CN/O=$ORG/OU=$CODE/CN=张三"
	openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:SM2 -out sign.key
	openssl req -new -utf8 -key sign.key -sm3 -sigopt $SM2ID -out sign.csr \
		-subj "/C=CN/O=$ORG/OU=$CODE/CN=张三"
) >/dev/null 2>&1 || fail "cannot make the fixture keys"
issue auth.csr ca-rsa.key ca-rsa.pem sha256 "$(at -1)" "$(at 365)" auth
issue sign.csr ca-sm2.key ca-sm2.pem sm3 "$(at -465)" "$(at -100)" sign -sigopt $SM2ID -vfyopt $SM2ID
S_AUTH=$(openssl x509 -in "$F/auth.pem" -noout -serial | sed 's/.*=//')

# ---- a clerk and an applicant who acts for the enterprise ---------------------
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add li.si 李四 clerk >/dev/null
echo Clerk1234 | CERTDESK_PASSWORD=Start123 cd_cli --user li.si staff passwd >/dev/null
{
	echo 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone'
	echo "13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,$CODE,$ORG,林某,福州市鼓楼区五四路100号,0591-87654321"
} >"$TEST_TMP/people.csv"
CERTDESK_PASSWORD=Clerk1234 cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null

pc pcsc_start vpcd
EXTRA_ENV="PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME CERTDESK_NOW=$CERTDESK_NOW"
app_start
login li.si Clerk1234

# ---- from the main menu: waiting is alive, Esc cancels ------------------------
keys k
wait_for "请插入 USB KEY"
wait_for "还剩 "
# The count-down moves while nobody types: the screen is not frozen.
first=$(screen | grep -o '还剩 [0-9]* 秒' | head -n 1)
deadline=$((SECONDS + 5))
until screen | grep -q '还剩 [0-9]* 秒' && [ "$(screen | grep -o '还剩 [0-9]* 秒' | head -n 1)" != "$first" ]; do
	[ $SECONDS -le $deadline ] || fail "the count-down stayed at $first"
	sleep 0.1
done
keys Escape
wait_for "已取消等待 KEY。"
wait_gone "还剩"
keys Escape
wait_for "主菜单"

# ---- the applicant's screen, then the KEY screen; the KEY comes while it waits ----
keys 2
wait_for "查找"
type "13812345678"
keys Enter
wait_for "张三   手机 138****5678"
wait_for "已绑定证书 —（按 K 读取 KEY 并绑定）"
keys k
wait_for "申请人：张三（138****5678）"
wait_for "正在等待插入 KEY"
pc vpiv_start A 0 --cert 9a="$F/auth.der" --cert 9c="$F/sign.der" \
	--guid 0123456789ABCDEF0123456789ABCDEF --log "$TEST_TMP/vpiv-A.apdu"
wait_for "身份认证证书"
wait_for "读卡器 $PCSC_READER0 · PIV · 标识 0123456789ABCDEF0123456789ABCDEF"
wait_for "剩余 365 天"
wait_for "序列号   $S_AUTH"
wait_for "企业 $ORG（统一社会信用代码 $CODE）"
wait_for "未绑定"

# ---- the certificate expired 100 days ago cannot be renewed -------------------
keys Down
wait_for "已过期 100 天，已注销"
wait_for "SM2（SM2-with-SM3）"
keys F3
wait_for "不能续费"
wait_for "证书已于 $(ld -100) 过期，超过 90 天已被注销"
keys Enter
wait_gone "不能续费"
[ "$(q 'SELECT count(*) FROM applications')" = 0 ] || fail "a refused renewal made an application"

# ---- bind: a wrong PIN, then the right one ------------------------------------
keys Up
keys F2
wait_for "绑定到 张三（138****5678）。请申请人输入 KEY 的 PIN："
wait_for "还可尝试 3 次"
wait_for "请尽快修改默认 PIN"
type "000000"
wait_for "******"
screen | grep -q "000000" && fail "the PIN is shown"
keys Enter
wait_for "PIN 错误，还可尝试 2 次。"
[ "$(q 'SELECT count(*) FROM certificates')" = 0 ] || fail "a wrong PIN bound something"
type "111111"
keys Enter
wait_for "绑定成功"
wait_for "已将 2 张证书绑定到 张三（138****5678）。"
wait_for "该 KEY 仍在使用出厂默认 PIN（111111），请提醒申请人尽快"
keys Enter
wait_for "已绑定到 张三（138****5678）"
zs=$(q "SELECT id FROM applicants WHERE phone = '13812345678'")
[ "$(q "SELECT count(*) FROM certificates WHERE applicant_id = '$zs'")" = 2 ] || fail "not bound"
[ "$(q "SELECT count(*) FROM outbox WHERE command = 'certificate.bind@2'")" = 2 ] || fail "outbox"
keys F2
wait_for "KEY 上的证书已绑定到 张三（138****5678），不能重复绑定。"
wait_gone "请申请人输入 KEY 的 PIN"

# ---- renewal from the KEY: the agreement, then the form filled in -------------
keys F3
wait_for "数字证书服务协议书"
keys F2
wait_for "企业证书续费申请表"
wait_for "已按 KEY 中的证书填写"
wait_for "$S_AUTH"
wait_for "$ORG"
keys F2
wait_for "已保存为草稿"
got=$(q "SELECT kind || '|' || subject || '|' || cert_serial || '|' || holder_code || '|' || holder_name FROM applications")
[ "$got" = "renewal|enterprise|$S_AUTH|$CODE|$ORG" ] || fail "renewal application: $got"

# ---- back to the applicant: the bound certificates with their days left -------
keys Escape
wait_for "读卡器 $PCSC_READER0"
keys Escape
wait_for "已绑定证书 2 张"
wait_for "剩余 365 天"
wait_for "已过期 100 天，已注销"

# ---- two KEYs: the clerk picks the reader --------------------------------------
pc vpiv_start B 1 --not-piv
keys k
wait_for "有多个读卡器插有 KEY"
keys Down Enter
wait_for "无法识别此 KEY"
keys F5
wait_for "有多个读卡器插有 KEY"
wait_gone "无法识别此 KEY"
keys Enter                             # the first reader holding a KEY is selected
wait_for "身份认证证书"
wait_for "已绑定到 张三（138****5678）"
keys Escape
wait_for "张三   手机 138****5678"

# ---- from the main menu: the applicant is found by phone ------------------------
pc vpiv_stop B
keys Escape Escape Escape Escape
wait_for "主菜单"
keys k
wait_for "未指定申请人"
wait_for "身份认证证书"
keys F2
wait_for "绑定：请输入申请人的手机号"
type "13900000000"
keys Enter
wait_for "手机号 139****0000 尚未注册"
keys C-u
type "13812345678"
keys Enter
wait_for "KEY 上的证书已绑定到 张三（138****5678），不能重复绑定。"
keys F3                                # a bound certificate renews for its applicant
wait_for "数字证书服务协议书"
wait_for "甲方（证书申请人）：$ORG"
keys Escape
wait_for "申请人未同意协议书，未建立申请单。"
wait_for "未指定申请人"
[ "$(q 'SELECT count(*) FROM applications')" = 1 ] || fail "a refused agreement made an application"
keys Escape
wait_for "主菜单"

# ---- a scanner's number typed while the screen waits still opens the record ---
pc vpiv_stop A
keys k
wait_for "正在等待插入 KEY"
number=$(q "SELECT number FROM applications")
type "$number"$'\r'
wait_for "申请单 $number"
keys Escape
wait_for "正在等待插入 KEY"              # back, and still waiting
keys Escape
wait_for "已取消等待 KEY。"
keys Escape
wait_for "主菜单"

app_quit
check_stderr
pc pcsc_check_clean >/dev/null || fail "virtual cards: $(pcsc_check_clean)"
echo "key e2e: ok"
