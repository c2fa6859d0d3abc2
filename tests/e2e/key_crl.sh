#!/usr/bin/env bash
# The KEY screen and the revocation list, at 80x24, against a private pcscd
# with our virtual PIV card holding two certificates of a CA made here
# with `openssl ca`, one of which its list revokes: before any list the
# screen says the state cannot be told; after `crl update` the revoked one
# reads "吊销于 <local time>，原因：密钥泄露" (from the list while the
# certificate is unknown here, from its mark once bound) and the other
# carries no mark; past the list's next update a warning says it is stale
# while the mark stays.
source "$(dirname "$0")/lib.sh"
set +e   # lib_pcsc.sh's helpers report failures themselves
. "$(dirname "$0")/../integration/lib_pcsc.sh"
. "$(dirname "$0")/../integration/lib_ca.sh"
set -e
trap 'cleanup; set +e; pcsc_cleanup' EXIT
pc() {
	set +e
	"$@"
	local rc=$?
	set -e
	return $rc
}

# ---- a CA, two certificates, a list revoking the first ---------------------------
F=$TEST_TMP/ca
{ ca_make "$F" 某某数字认证测试CA && ca_issue "$F" u1 张三 4A3F0012 && ca_issue "$F" u2 张三 4A3F0013; } ||
	{ cat "$F/log"; fail "cannot make the CA and certificates"; }
(
	cd "$F"
	openssl ca -config ca.cnf -revoke u1.pem -crl_reason keyCompromise
	openssl ca -config ca.cnf -gencrl -out list.crl
) >"$F/log" 2>&1 || { cat "$F/log"; fail "cannot make the list"; }
# The revocation time as the screen shows it: local, to the minute.
rdate=$(openssl crl -in "$F/list.crl" -noout -text | sed -n 's/.*Revocation Date: //p' | head -n 1)
[ -n "$rdate" ] || fail "no revocation date in the list"
rlocal=$(date -d "$rdate" '+%Y-%m-%d %H:%M')
next=$(openssl crl -in "$F/list.crl" -noout -nextupdate | sed 's/^nextUpdate=//')
next_local=$(date -d "$next" '+%Y-%m-%d %H:%M')

# ---- a clerk and an applicant -----------------------------------------------------
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add li.si 李四 clerk >/dev/null
echo Clerk1234 | CERTDESK_PASSWORD=Start123 cd_cli --user li.si staff passwd >/dev/null
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n' >"$TEST_TMP/people.csv"
CERTDESK_PASSWORD=Clerk1234 cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
cp "$F/ca.pem" "$DATA/issuer.pem"
printf 'crl.issuer_cert = issuer.pem\n' >"$DATA/certdesk.conf"

pc pcsc_start vpcd
pc vpiv_start A 0 --cert 9a="$F/u1.der" --cert 9c="$F/u2.der"
EXTRA_ENV="PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME"
app_start
login li.si Clerk1234

# ---- no list yet: said, in the KEY's details ---------------------------------------
keys k
wait_for "身份认证证书"
wait_for "序列号   4A3F0012"
wait_for "吊销列表 本机尚未导入吊销列表，无法判断是否已吊销"
screen | grep -q "吊销于" && fail "a mark without a list"

# ---- the list imported: the first revoked, the second not --------------------------
out=$(CERTDESK_PASSWORD=Clerk1234 cd_cli --user li.si crl update "$F/list.crl" 2>&1) || fail "crl update: $out"
keys F5
wait_for "状态     吊销于 $rlocal，原因：密钥泄露"
wait_gone "本机尚未导入吊销列表"
screen | grep -q "吊销列表" && fail "a current list is warned about"
keys Down
wait_for "序列号   4A3F0013"
wait_gone "吊销于"
keys Up
wait_for "吊销于 $rlocal，原因：密钥泄露"

# ---- bound now: the mark on the stored certificate, the same words ----------------
out=$(printf '111111\n' | CERTDESK_PASSWORD=Clerk1234 cd_cli --user li.si key bind 13812345678 \
	--reader "$PCSC_READER0" 2>&1) || fail "bind: $out"
[ "$(q "SELECT crl_reason FROM certificates WHERE serial = '4A3F0012'")" = keyCompromise ] ||
	fail "u1 not marked when bound"
keys F5
wait_for "已绑定到 张三"
wait_for "状态     吊销于 $rlocal，原因：密钥泄露"
screen | grep -q "已吊销（" && fail "the mark is said twice"
app_quit

# ---- past the list's next update: stale, said plainly; the mark stays -------------
later=$(date -u -d "$next + 2 days" +%Y-%m-%dT%H:%M:%SZ)
EXTRA_ENV="PCSCLITE_CSOCK_NAME=$PCSCLITE_CSOCK_NAME CERTDESK_NOW=$later"
app_start
login li.si Clerk1234
keys k
wait_for "身份认证证书"
wait_for "吊销列表 吊销列表已过期（应在 $next_local 前更新），结果可能不全"
wait_for "状态     吊销于 $rlocal，原因：密钥泄露"
keys Down
wait_for "序列号   4A3F0013"
wait_for "吊销列表已过期"
wait_gone "吊销于"
screen >"$TEST_TMP/screen.txt"
python3 - "$TEST_TMP/screen.txt" <<'EOF' || fail "a line is wider than 80 columns"
import sys, unicodedata
for line in open(sys.argv[1], encoding="utf-8"):
    w = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line.rstrip("\n"))
    if w > 80:
        sys.exit(f"{w}: {line}")
EOF
app_quit
out=$(cd_cli audit verify) || fail "audit: $out"
check_stderr
echo "key crl e2e: ok"
