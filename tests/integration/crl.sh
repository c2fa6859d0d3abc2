#!/usr/bin/env bash
# certdesk crl update|check|status against real parts: a CA made here with
# `openssl ca` that issues three certificates and revokes two of them (one
# read from a virtual KEY before the import, one after); the lists it
# generates imported from a file and over HTTP. The known certificate the
# list revokes is marked, the other is not; a list signed by another CA,
# by a forger with the CA's name, a corrupt or truncated file are refused
# with nothing changed; a stale list is said plainly; 100,000 entries are
# imported in one go (the time is printed).
set -uo pipefail
. "$(dirname "$0")/lib_pcsc.sh"
. "$(dirname "$0")/lib_ca.sh"

fails=0
. "$(dirname "$0")/lib_tap.sh"
# run RC CMD...: run, keep stdout+stderr in $out, check the exit status and
# that no sanitizer spoke.
run() {
	local want=$1 rc=0
	shift
	out=$(timeout -k 2 60 "$@" 2>&1) || rc=$?
	if [ "$rc" != "$want" ]; then
		not_ok "'${*:2}' exited $rc, wanted $want:"
		sed 's/^/       | /' <<<"$out"
	fi
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then
		not_ok "sanitizer report from '$*':"
		echo "$out"
	fi
}
has() {
	if grep -qF -- "$2" <<<"$out"; then ok "$1"; else
		not_ok "$1: no [$2] in:"
		sed 's/^/       | /' <<<"$out"
	fi
}
hasnt() {
	if grep -qF -- "$2" <<<"$out"; then
		not_ok "$1: unexpected [$2] in:"
		sed 's/^/       | /' <<<"$out"
	else ok "$1"; fi
}
section() { printf '\n== %s\n' "$1"; }

D=$TEST_TMP/data
mkdir -p "$TEST_TMP/bin"
printf '#!/bin/sh\nexec "%s/certdesk" --data "%s" "$@"\n' "$CERTDESK_BIN" "$D" >"$TEST_TMP/bin/cd_"
printf '#!/bin/sh\nCERTDESK_PASSWORD=Clerk1234 exec cd_ --user li.si "$@"\n' >"$TEST_TMP/bin/clerk"
chmod +x "$TEST_TMP"/bin/*
PATH=$TEST_TMP/bin:$PATH
export no_proxy='*' NO_PROXY='*'
sq() { sqlite3 "$D/certdesk.db" "$1"; }
# Everything an import changes: the list, the marks, the audit entries.
state() {
	sq "SELECT (SELECT coalesce(group_concat(sha256), '-') FROM crl_info) || '|' ||
	           (SELECT count(*) FROM crl_entries) || '|' ||
	           (SELECT count(*) FROM certificates WHERE crl_revoked_at IS NOT NULL) || '|' ||
	           (SELECT count(*) FROM audit_log WHERE action = 'crl.update')"
}

# ---- a CA and its certificates, made now --------------------------------------
section "fixtures"
F=$TEST_TMP/ca
mkdir -p "$F/db" "$F/other/db" "$F/forger/db"
NOW_S=$(date -u +%s)
export CERTDESK_NOW=$(date -u -d "@$NOW_S" +%Y-%m-%dT%H:%M:%SZ)
ca_make "$F" 某某数字认证测试CA || pcsc_die "CA: $(cat "$F/log")"
ca_make "$F/other" 另一家认证机构CA || pcsc_die "CA: $(cat "$F/other/log")"
ca_make "$F/forger" 某某数字认证测试CA || pcsc_die "CA: $(cat "$F/forger/log")"   # the same name, another key
issue() { ca_issue "$F" "$@" || pcsc_die "cannot issue $1: $(tail -n 5 "$F/log")"; } # NAME CN SERIAL
issue u1 张三 4A3F0012
issue u2 李四 4A3F0013
issue u3 王五 4A3F0014
revoke() { (cd "$1" && openssl ca -config ca.cnf -revoke "$2" -crl_reason "$3" >/dev/null 2>&1) || pcsc_die "revoke $2"; }
gencrl() { # DIR OUT [openssl ca options]
	local dir=$1 out=$2
	shift 2
	(cd "$dir" && openssl ca -config ca.cnf -gencrl -out "$out" "$@" >/dev/null 2>&1) || pcsc_die "gencrl $out"
}
revoke "$F" u1.pem keyCompromise
revoke "$F" u3.pem superseded
gencrl "$F" "$TEST_TMP/list.crl"                       # PEM: revokes u1 and u3, not u2
openssl crl -in "$TEST_TMP/list.crl" -outform DER -out "$TEST_TMP/list.der"
gencrl "$F/other" "$TEST_TMP/other.crl"                # another CA's list
cp "$F/db/index.txt" "$F/forger/db/index.txt"
gencrl "$F/forger" "$TEST_TMP/forged.crl"              # our CA's name, the forger's key
head -c 300 "$TEST_TMP/list.der" >"$TEST_TMP/cut.der"
head -c 600 "$TEST_TMP/list.crl" >"$TEST_TMP/cut.crl"
printf 'not a list at all\n' >"$TEST_TMP/junk.crl"
: >"$TEST_TMP/empty.crl"
S1=4A3F0012 S2=4A3F0013 S3=4A3F0014
ok "CA, certificates and lists made"

# ---- a data directory, a clerk, an applicant, the two certificates on a KEY ---
section "data: two certificates read from a KEY"
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null ||
	pcsc_die "init failed"
echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_ --user admin staff add li.si 李四 clerk >/dev/null &&
	echo Clerk1234 | CERTDESK_PASSWORD=Start123 cd_ --user li.si staff passwd >/dev/null || pcsc_die "staff"
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n' >"$TEST_TMP/people.csv"
clerk import applicants "$TEST_TMP/people.csv" >/dev/null || pcsc_die "import"
pcsc_start vpcd
vpiv_start A 0 --cert 9a="$F/u1.der" --cert 9c="$F/u2.der"
out=$(printf '111111\n' | clerk key bind 13812345678 2>&1) || not_ok "bind: $out"
is "both certificates known" "$(sq "SELECT group_concat(serial, ',') FROM (SELECT serial FROM certificates ORDER BY serial)")" "$S1,$S2"
vpiv_stop A

# ---- before any list -----------------------------------------------------------
section "no list yet"
run 0 cd_ crl status
has "status: no list, said plainly" "本机尚未导入证书吊销列表"
run 1 clerk crl check $S1
has "check: nothing to look in" "尚未导入"
run 1 clerk crl update "$TEST_TMP/list.crl"
has "no issuer certificate set: how to set it" "crl.issuer_cert"
cp "$F/ca.pem" "$D/issuer.pem"
printf 'crl.issuer_cert = issuer.pem\n' >"$D/certdesk.conf"
run 1 clerk crl update
has "no URL set: how to set it" "crl.url"
run 2 clerk crl update a.crl b.crl
run 2 clerk crl update a.crl --url http://127.0.0.1:1/x
run 2 clerk crl check
run 2 cd_ crl
run 1 cd_ crl update "$TEST_TMP/list.crl"
has "update needs a member of staff" "--user"

# ---- refused lists change nothing ------------------------------------------------
section "refused: another issuer, a forger, corrupt, truncated"
before=$(state)
run 1 clerk crl update "$TEST_TMP/other.crl"
has "another CA: refused, naming both issuers" "不是由设置的签发者签发"
has "another CA: its name" "另一家认证机构CA"
run 1 clerk crl update "$TEST_TMP/forged.crl"
has "forged: the signature fails" "签名验证失败"
run 1 clerk crl update "$TEST_TMP/cut.der"
has "truncated DER: clear message" "已损坏、不完整"
run 1 clerk crl update "$TEST_TMP/cut.crl"
has "truncated PEM: clear message" "PEM 内容已损坏或不完整"
run 1 clerk crl update "$TEST_TMP/junk.crl"
has "not a list: clear message" "不是有效的证书吊销列表"
run 1 clerk crl update "$TEST_TMP/empty.crl"
has "empty file: clear message" "是空的"
run 1 clerk crl update "$TEST_TMP/nothing.crl"
has "missing file: clear message" "找不到文件"
is "nothing changed by the refusals" "$(state)" "$before"

# ---- the list: one of the two known certificates revoked ---------------------------
section "import from a file"
run 0 clerk crl update "$TEST_TMP/list.crl"
has "imported: two entries" "已导入吊销列表：2 条吊销记录"
has "one known certificate revoked" "本机已知的证书中被它吊销的 1 张"
has "issuer shown" "吊销列表签发者：CN=某某数字认证测试CA, O=某某数字认证有限公司, C=CN"
has "not stale" "状态：在有效期内"
is "u1 marked, with its reason" "$(sq "SELECT crl_reason FROM certificates WHERE serial = '$S1'")" keyCompromise
is "u1's revocation date" "$(sq "SELECT crl_revoked_at IS NOT NULL FROM certificates WHERE serial = '$S1'")" 1
is "u2 not marked" "$(sq "SELECT coalesce(crl_revoked_at, 'none') || crl_reason FROM certificates WHERE serial = '$S2'")" none
is "one audit entry" "$(sq "SELECT count(*) FROM audit_log WHERE action = 'crl.update'")" 1
is "no outbox entry (not synced)" "$(sq "SELECT count(*) FROM outbox WHERE command LIKE 'crl%'")" 0
run 0 clerk crl check 4a:3f:00:12
has "check u1: revoked, with the reason" "序列号 $S1：已吊销"
has "check u1: reason in words" "原因：密钥泄露"
has "check u1: the known certificate" "本机的证书：福州某某科技有限公司"
run 0 clerk crl check $S2
has "check u2: not revoked" "序列号 $S2：未被吊销"
run 0 clerk crl check $S3
has "check u3: listed, though not known here" "序列号 $S3：已吊销"
has "check u3: not known here" "本机没有这个序列号的证书"
run 1 clerk crl check 4G12
has "check: a bad serial" "十六进制"
run 0 clerk crl update "$TEST_TMP/list.der"
has "the same list again, as DER" "已导入吊销列表：2 条吊销记录"

section "a certificate read after the import is marked"
vpiv_start B 1 --cert 9a="$F/u3.der"
out=$(printf '111111\n' | clerk key bind 13812345678 --reader "$PCSC_READER1" 2>&1) || not_ok "bind u3: $out"
is "u3 marked as it is stored" "$(sq "SELECT crl_reason FROM certificates WHERE serial = '$S3'")" superseded
vpiv_stop B
run 0 cd_ crl status
has "status: two known certificates revoked now" "本机已知的证书中被它吊销的：2 张"

# ---- stale -----------------------------------------------------------------------
section "a stale list is said plainly"
later=$(date -u -d "@$((NOW_S + 10 * 86400 + 3600))" +%Y-%m-%dT%H:%M:%SZ)
CERTDESK_NOW=$later run 0 cd_ crl status
has "status: stale" "吊销列表已过期"
has "status: how late" "已超过 3 天"
CERTDESK_NOW=$later run 0 clerk crl check $S2
has "check on a stale list: answered" "序列号 $S2：未被吊销"
has "check on a stale list: said plainly" "注意：吊销列表已过期"

# ---- over HTTP ----------------------------------------------------------------------
section "import from crl.url"
revoke "$F" u2.pem cessationOfOperation
mkdir -p "$TEST_TMP/www"
gencrl "$F" "$TEST_TMP/www/ca.crl"
python3 - "$TEST_TMP/www" "$TEST_TMP/port" <<'EOF' &
import functools, http.server, sys
handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=sys.argv[1])
class Quiet(handler.func):
    def log_message(self, *a): pass
srv = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[1]))
open(sys.argv[2], "w").write(str(srv.server_port))
srv.serve_forever()
EOF
www=$!
trap 'kill $www 2>/dev/null; pcsc_cleanup' EXIT
for _ in $(seq 100); do [ -s "$TEST_TMP/port" ] && break; sleep 0.05; done
PORT=$(cat "$TEST_TMP/port")
printf 'crl.issuer_cert = issuer.pem\ncrl.url = http://127.0.0.1:%s/ca.crl\n' "$PORT" >"$D/certdesk.conf"
run 0 clerk crl update
has "fetched: three entries" "已导入吊销列表：3 条吊销记录"
has "fetched: the source" "来源 http://127.0.0.1:$PORT/ca.crl"
is "u2 marked now" "$(sq "SELECT crl_reason FROM certificates WHERE serial = '$S2'")" cessationOfOperation
run 1 clerk crl update --url "http://127.0.0.1:$PORT/missing.crl"
has "a URL that is not there: the server's answer" "404"
run 1 clerk crl update --url "ftp://127.0.0.1/x.crl"
has "not http: refused" "http://"
kill $www 2>/dev/null
run 1 clerk crl update
has "server gone: clear message" "127.0.0.1:$PORT"

# ---- 100,000 entries --------------------------------------------------------------
section "a list of 100,000 entries"
python3 - "$F/db/index.txt" <<'EOF'
import sys
with open(sys.argv[1], "a") as f:
    for i in range(100000):
        f.write("R\t361231000000Z\t%s,keyCompromise\t%08X\tunknown\t/CN=u%d\n" % ("261101000000Z", 0x10000000 + i, i))
EOF
gencrl "$F" "$TEST_TMP/big.crl"
t0=$(now_ms)
run 0 clerk crl update "$TEST_TMP/big.crl"
ms=$(( $(now_ms) - t0 ))
has "100,003 entries imported" "已导入吊销列表：100003 条吊销记录"
is "every entry stored" "$(sq "SELECT count(*) FROM crl_entries")" 100003
is "the known ones still marked" "$(sq "SELECT count(*) FROM certificates WHERE crl_revoked_at IS NOT NULL")" 3
echo "figure: 100,003-entry list ($(du -k "$TEST_TMP/big.crl" | cut -f1) KB PEM): $(grep -o '用时 [0-9]* 毫秒' <<<"$out") in the program, $ms ms for the whole command"
if [ $ms -lt 30000 ]; then ok "imported in one go ($ms ms)"; else not_ok "100,000 entries took $ms ms"; fi
run 0 clerk crl check 10000005
has "a serial deep in the list" "序列号 10000005：已吊销"

run 0 cd_ audit verify
has "audit chain intact" "审计日志完整"
pcsc_check_clean || not_ok "pcsc runs ended badly"

echo
echo "== crl.sh: $fails failed"
[ $fails -eq 0 ]
