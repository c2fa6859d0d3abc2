#!/usr/bin/env bash
# certdesk lifecycle run|expiring|contact|remind, in Asia/Shanghai with the
# clock pinned (CERTDESK_NOW).
# Certificates are bound through the certificate.bind use case by
# tests/tools/mkcert (the KEY itself is tested in key.sh). The worklist's
# windows and filters; contacts; SMS reminders through the file spool,
# never twice a local day; the revocation job on certificates expired 89,
# 90 and 91 days (only the last is revoked, one audited command, a second
# run changes nothing and says so); usage errors and refusals; the audit
# chain; the retention list using a renewal's certificate instead of
# made + years. (The commands' replay at the centre is in test_lifecycle.c.)
# Last, certdeskd's own hourly job (--lifecycle-interval 1 here) revokes a
# certificate a terminal synced, by itself; the terminal pulls it.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
D=$T/data
B=$CERTDESK_BIN/certdesk
MK=$CERTDESK_BIN/tools/mkcert
export TZ=Asia/Shanghai LANG=C.UTF-8 LC_ALL=C.UTF-8
. "$(dirname "$0")/lib_die.sh"
for tool in sqlite3 date; do command -v $tool >/dev/null || die "$tool is missing"; done
[ -x "$B" ] && [ -x "$MK" ] || die "build first: $B, $MK"
cd_() { "$B" --data "$D" "$@"; }
sq() { sqlite3 "$D/certdesk.db" "$1"; }
spool_lines() { if [ -f "$D/sms-spool.txt" ]; then wc -l <"$D/sms-spool.txt"; else echo 0; fi; }
cert() { # phone serial not_after [cn [org]]: bind a certificate
	CERTDESK_PASSWORD=Passw0rd1 expect_rc 0 "$MK" --data "$D" --user li.si "$@"
}

# ---- one terminal ----
export CERTDESK_NOW=2026-06-01T02:00:00Z      # 10:00 in Shanghai
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for who in "li.si 李四 clerk" "zhao.liu 赵六 supervisor" "qian.qi 钱七 supervisor"; do
	set -- $who
	echo Initial12 | CERTDESK_PASSWORD=Adm1nPass cd_ --user admin staff add "$@" >/dev/null
	echo Passw0rd1 | CERTDESK_PASSWORD=Initial12 cd_ --user "$1" staff passwd >/dev/null
done
export CERTDESK_PASSWORD=Passw0rd1
cat >"$T/people.csv" <<'EOF'
phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone
13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,91350100M000100Y43,福州某某科技有限公司,王五,福州市鼓楼区五四路100号,0591-87654321
13900000002,李四,320106198503124510,,深圳市福田区福华路2号,518000,,,,,
EOF
expect_rc 0 cd_ --user li.si import applicants "$T/people.csv"

# Expired 89, 90 and 91 days to the second; expiring in 10, 45, 80 and
# 200 days; one expiring at 23:59:59 local time in 20 days.
d() { date -u -d "2026-06-01T02:00:00Z $1" +%Y-%m-%dT%H:%M:%SZ; }
cert 13812345678 0D89 "$(d '-89 days')" 张三
cert 13812345678 0D90 "$(d '-90 days')" 张三
cert 13812345678 0D91 "$(d '-91 days')" 张三
cert 13812345678 0C10 "$(d '+10 days')" 张三 福州某某科技有限公司
cert 13900000002 0C45 "$(d '+45 days')" 李四
cert 13900000002 0C80 "$(d '+80 days')" 李四
cert 13900000002 0CC8 "$(d '+200 days')" 李四
cert 13812345678 0C20 2026-06-21T15:59:59Z 张三       # 2026-06-21 23:59:59 local

# ---- usage ----
expect_rc 2 cd_ --user li.si lifecycle
has "lifecycle run"
expect_rc 2 cd_ --user li.si lifecycle expiring --days 0
has "--days"
expect_rc 2 cd_ --user li.si lifecycle expiring --days x
expect_rc 2 cd_ --user li.si lifecycle expiring --days 30 --expired
expect_rc 2 cd_ --user li.si lifecycle expiring --contacted maybe
expect_rc 2 cd_ --user li.si lifecycle expiring --bogus
expect_rc 2 cd_ --user li.si lifecycle contact 0C10
expect_rc 2 cd_ --user li.si lifecycle remind
expect_rc 2 cd_ --user li.si lifecycle run now
expect_rc 1 cd_ lifecycle expiring
has "--user"

# ---- the worklist ----
expect_rc 0 cd_ --user li.si lifecycle expiring
has "到期提醒（本受理点的申请人），截至 2026-06-01 10:00"
has "已过期的证书（过期超过 90 天的将被注销）"
grep -qE '^  2026-03-02  待注销 +0D91 ' <<<"$out" || die "0D91 due: $out"
grep -qE '^  2026-03-03  过期90天 余0天 +0D90 ' <<<"$out" || die "0D90: $out"
grep -qE '^  2026-03-04  过期89天 余1天 +0D89 ' <<<"$out" || die "0D89: $out"
grep -qE '^  2026-06-11  剩 10 天 +0C10 +福州某某科技有限公司 +张三 138\*\*\*\*5678 +—$' <<<"$out" || die "0C10: $out"
grep -qE '^  2026-06-21  剩 20 天 +0C20 ' <<<"$out" || die "0C20 (local date): $out"
has "90 天内到期的证书"
hasnt "0CC8"
hasnt "13812345678"                                   # phones masked
has "合计 7 张证书。"
# Soonest first.
[ "$(grep -oE '0C[0-9A-F]{2}' <<<"$out" | tr '\n' ' ')" = "0C10 0C20 0C45 0C80 " ] || die "order: $out"
expect_rc 0 cd_ --user li.si lifecycle expiring --days 30
has "30 天内到期的证书"
hasnt "已过期的证书"
has "0C10"
has "0C20"
hasnt "0C45"
has "合计 2 张证书。"
expect_rc 0 cd_ --user li.si lifecycle expiring --expired
hasnt "0C10"
has "合计 3 张证书。"
expect_rc 0 cd_ --user li.si lifecycle expiring --days 366 --office all
has "全部受理点"
has "0CC8"
expect_rc 1 cd_ --user li.si lifecycle expiring --office NOPE
has "没有代码为 NOPE 的受理点"

# ---- contacts ----
writes() { sq "SELECT (SELECT count(*) FROM audit_log WHERE action LIKE 'certificate.%') || '/' || (SELECT count(*) FROM outbox) || '/' || (SELECT count(*) FROM certificate_contacts)"; }
w0=$(writes)
expect_rc 1 cd_ --user li.si lifecycle contact 0C10 --note "   "
has "请填写联系情况"
expect_rc 1 cd_ --user li.si lifecycle contact 0C99 --note 电话联系
has "没有序列号为 0C99 的证书"
expect_rc 1 cd_ --user li.si lifecycle contact ZZ --note 电话联系
has "十六进制"
[ "$(writes)" = "$w0" ] || die "a refusal wrote something: $w0 -> $(writes)"
expect_rc 0 cd_ --user li.si lifecycle contact 0c:10 --note "电话联系，下周来柜台续费"
has "已记录联系：证书 0C10（福州某某科技有限公司），申请人 张三 138****5678"
[ "$(sq "SELECT count(*) FROM audit_log WHERE action = 'certificate.contact'")" = 1 ] || die "contact not audited"
[ "$(sq "SELECT count(*) FROM outbox WHERE command = 'certificate.contact@1'")" = 1 ] || die "contact not in the outbox"
expect_rc 0 cd_ --user li.si lifecycle expiring --days 30 --contacted yes
has "，已联系"
has "0C10"
hasnt "0C20"
grep -qE '0C10 .* 06-01 联系$' <<<"$out" || die "last contact: $out"
expect_rc 0 cd_ --user li.si lifecycle expiring --days 30 --contacted no
hasnt "0C10"
has "0C20"

# ---- SMS reminders: the file spool, once a local day ----
expect_rc 0 cd_ --user li.si lifecycle remind 0C20
has "提醒短信已发送到 138****5678（张三）"
has "张三的数字证书（序列号末6位 0C20）将于2026年6月21日到期"
[ "$(spool_lines)" = 1 ] || die "spool: $(cat "$D/sms-spool.txt")"
IFS=$'\t' read -r sp_at sp_id sp_phone sp_text <"$D/sms-spool.txt"
[ "$sp_phone" = 13812345678 ] || die "sent to $sp_phone"
[[ $sp_text == *"到受理点柜台"*"网上服务平台办理续费"* ]] || die "text: $sp_text"
[ "$(sq "SELECT count(*) FROM certificate_contacts WHERE id = '$sp_id' AND kind = 'sms'")" = 1 ] ||
	die "the message id is not the record's"
# 23:59 local, the same day: refused, nothing sent or recorded.
w1=$(writes)
CERTDESK_NOW=2026-06-01T15:59:00Z expect_rc 1 cd_ --user li.si lifecycle remind 0C20
has "今天（2026-06-01）已发送过提醒短信"
[ "$(spool_lines)" = 1 ] && [ "$(writes)" = "$w1" ] || die "a second reminder the same day"
# 00:00 local the next day: a new day.
CERTDESK_NOW=2026-06-01T16:00:00Z expect_rc 0 cd_ --user li.si lifecycle remind 0C20
[ "$(spool_lines)" = 2 ] || die "the next day's reminder was not spooled"
[ "$(sq "SELECT group_concat(day, ' ') FROM (SELECT day FROM certificate_contacts WHERE kind = 'sms' ORDER BY day)")" = "2026-06-01 2026-06-02" ] ||
	die "reminder days: $(sq 'SELECT day FROM certificate_contacts')"
# Expired but renewable: the text says until when; too early or due: refused.
expect_rc 0 cd_ --user li.si lifecycle remind 0D89
has "已于2026年3月4日到期"
has "最迟于2026年6月2日"
expect_rc 1 cd_ --user li.si lifecycle remind 0D91
has "过期已超过 90 天"
expect_rc 1 cd_ --user li.si lifecycle remind 0CC8
has "到期前 90 天内才发送提醒"
[ "$(spool_lines)" = 3 ] || die "refused reminders were spooled"

# ---- the revocation job: 89, 90, 91 days ----
expect_rc 1 cd_ --user li.si lifecycle run
has "需要审核员权限"
[ "$(sq "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL")" = 0 ] || die "a clerk revoked"
expect_rc 0 cd_ --user zhao.liu lifecycle run
has "已注销  0D91  张三  有效期至 2026-03-02（已过期 91 天）"
hasnt "0D90"
hasnt "0D89"
has "共注销 1 张证书（过期超过 90 天，截至 2026-06-01 10:00）。"
[ "$(sq "SELECT serial || ' ' || revoked_at || ' ' || revoke_reason FROM certificates WHERE revoked_at IS NOT NULL")" = "0D91 2026-06-01T02:00:00Z 过期超过 90 天，由系统注销" ] ||
	die "revoked: $(sq 'SELECT serial, revoked_at FROM certificates WHERE revoked_at IS NOT NULL')"
[ "$(sq "SELECT count(*) FROM audit_log WHERE action = 'certificate.revoke_expired'")" = 1 ] || die "not audited once"
[ "$(sq "SELECT count(*) FROM outbox WHERE command = 'certificate.revoke_expired@1'")" = 1 ] || die "not in the outbox"
sq "SELECT before || ' ' || after FROM audit_log WHERE action = 'certificate.revoke_expired'" | grep '"revoked_at":null.*"revoked_at":"2026-06-01T02:00:00Z"' >/dev/null ||
	die "audit images: $(sq "SELECT before, after FROM audit_log WHERE action = 'certificate.revoke_expired'")"
# Twice: nothing changes, and it says so.
state() { sq "SELECT group_concat(serial || coalesce(revoked_at, '-'), ',') FROM certificates" ; sq "SELECT count(*) FROM outbox"; sq "SELECT count(*) FROM audit_log WHERE action <> 'staff.login'"; }
before=$(state)
expect_rc 0 cd_ --user zhao.liu lifecycle run
has "没有需要注销的证书：过期超过 90 天的证书均已注销（截至 2026-06-01 10:00）。"
[ "$(state)" = "$before" ] || die "the second run changed something"
expect_rc 0 cd_ --user li.si lifecycle expiring --expired
has "0D89"
has "0D90"
hasnt "0D91"
# A day later, 90 days became 91.
CERTDESK_NOW=2026-06-02T02:00:00Z expect_rc 0 cd_ --user qian.qi lifecycle run
has "已注销  0D90"
hasnt "0D89"
has "共注销 1 张证书"

# ---- retention: a renewal's certificate, not made + years ----
printf 'phone,kind,subject,credit_code,years,cert_serial\n13812345678,renewal,personal,,1,0D89\n' >"$T/apps.csv"
expect_rc 0 cd_ --user li.si import applications "$T/apps.csv"
N=$(sed -n 's/^line [0-9]*: \(SQ-[A-Z0-9-]*\)$/\1/p' <<<"$out")
[ -n "$N" ] || die "no application: $out"
expect_rc 0 cd_ --user li.si application agree "$N"
expect_rc 0 cd_ --user li.si application paper "$N" holder_id
expect_rc 0 cd_ --user li.si application submit "$N"
# A renewal on its way: the old certificate leaves the worklist, no reminders.
expect_rc 0 cd_ --user li.si lifecycle expiring --expired
hasnt "0D89"
expect_rc 1 cd_ --user li.si lifecycle remind 0D89
has "$N"
expect_rc 0 cd_ --user zhao.liu application accept "$N"
expect_rc 0 cd_ --user li.si order place "$N" --method online --contact 13812345678
O=$(tail -n 1 <<<"$out")
expect_rc 0 cd_ --user li.si order online "$O" --channel wechat --ref WX2026060100001
expect_rc 0 cd_ --user zhao.liu application make "$N" 0E01
expect_rc 0 cd_ --user qian.qi application collect "$N" 张三 11010519491231002X
# Made on 2026-06-01 for a year; the certificate itself runs to 2027-09-01.
cert 13812345678 0E01 2027-09-01T02:00:00Z 张三
CERTDESK_NOW=2032-06-02T02:00:00Z expect_rc 0 cd_ --user zhao.liu audit retention
has "共 0 份申请单可归档。"
CERTDESK_NOW=2032-09-01T02:00:00Z expect_rc 0 cd_ --user zhao.liu audit retention
grep -qE "^  $N +SZFT +续费 +已领取 +2026-06-01 +2027-09-01 +2032-09-01$" <<<"$out" || die "retention: $out"

# ---- the chain ----
expect_rc 0 cd_ audit verify
has "审计日志完整"

# ---- the centre: certdeskd's own lifecycle job ----
# A terminal binds certificates (one as an older program wrote the op:
# certificate.bind@1 with the upper-case fingerprint named "sha256", which
# is no attachment file and must not hold the op back) and syncs; certdeskd,
# started with a one-second job interval and the same pinned clock, revokes
# the one expired 91 days by itself, audited as the job; the terminal pulls
# the revocation; both audit chains hold.
C=$T/centre
D=$T/data-centre-terminal
DC=$CERTDESK_BIN/certdeskd
mkdir -p "$C"
echo Root1234 | "$DC" init --db "$C/certdesk.db" --office HQ --office-name 总部 --admin root >/dev/null
"$DC" office add --db "$C/certdesk.db" --code SZFT --name 深圳福田受理点 >/dev/null
code=$("$DC" terminal add --db "$C/certdesk.db" --office SZFT --name 三号窗口 | sed -n 's/^登记码：//p')
[ -n "$code" ] || die "no enrolment code"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$DC" --db "$C/certdesk.db" --listen "127.0.0.1:$port" --lifecycle-interval 1 2>"$C/certdeskd.log" &
dpid=$!
trap 'kill $dpid 2>/dev/null || true' EXIT
url=http://127.0.0.1:$port
export no_proxy='*' NO_PROXY='*'
for i in $(seq 200); do curl -s --noproxy '*' "$url/v1/health" >/dev/null && break; sleep 0.05; done
cq() { sqlite3 "$C/certdesk.db" "$1"; }
export CERTDESK_PASSWORD=Adm1nPass
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 3号窗口 --admin admin_c >/dev/null
expect_rc 0 cd_ --user admin_c sync --enroll "$url" "$code"
expect_rc 0 cd_ --user admin_c import applicants "$T/people.csv"
for c in "13812345678 0F91 $(d '-91 days') 张三" "13812345678 0F89 $(d '-89 days') 张三" \
	 "13900000002 0F10 $(d '+10 days') 李四"; do
	expect_rc 0 "$MK" --data "$D" --user admin_c $c
done
sq "UPDATE outbox SET command = 'certificate.bind@1', payload = replace(payload, '\"fingerprint\"', '\"sha256\"') WHERE command = 'certificate.bind@2' AND payload LIKE '%\"0F89\"%'"
sq "SELECT payload FROM outbox WHERE command = 'certificate.bind@1'" | grep -qE '"sha256":"[0-9A-F]{64}"' ||
	die "no version 1 binding to push"
expect_rc 0 cd_ sync
has "冲突 0"
[ "$(sq "SELECT count(*) FROM outbox WHERE state = 'pending'")" = 0 ] || die "ops left waiting: $(sq "SELECT command, result_code FROM outbox WHERE state = 'pending'")"
[ "$(cq "SELECT group_concat(serial, ' ') FROM (SELECT serial FROM certificates ORDER BY serial)")" = "0F10 0F89 0F91" ] ||
	die "centre certificates: $(cq 'SELECT serial FROM certificates')"
for i in $(seq 100); do
	[ "$(cq "SELECT count(*) FROM certificates WHERE revoked_at IS NOT NULL")" = 1 ] && break
	sleep 0.1
done
[ "$(cq "SELECT serial || ' ' || revoked_at || ' ' || revoke_reason FROM certificates WHERE revoked_at IS NOT NULL")" = "0F91 2026-06-01T02:00:00Z 过期超过 90 天，由系统注销" ] ||
	die "the centre's job did not revoke 0F91 alone: $(cq 'SELECT serial, revoked_at FROM certificates'; cat "$C/certdeskd.log")"
[ "$(cq "SELECT count(*) || ' ' || max(actor_name) FROM audit_log WHERE action = 'certificate.revoke_expired'")" = "1 证书注销任务" ] ||
	die "the job's audit entry: $(cq "SELECT actor_name FROM audit_log WHERE action = 'certificate.revoke_expired'")"
grep -q "lifecycle job: 1 revoked" "$C/certdeskd.log" || die "job not logged: $(cat "$C/certdeskd.log")"
# Runs after that find nothing more to do.
n=$(grep -c "lifecycle job:" "$C/certdeskd.log")
for i in $(seq 50); do [ "$(grep -c "lifecycle job:" "$C/certdeskd.log")" -gt "$((n + 1))" ] && break; sleep 0.1; done
grep -q "lifecycle job: 0 revoked" "$C/certdeskd.log" || die "no later run: $(cat "$C/certdeskd.log")"
[ "$(cq "SELECT count(*) FROM audit_log WHERE action = 'certificate.revoke_expired'")" = 1 ] || die "revoked twice"
expect_rc 0 cd_ sync
[ "$(sq "SELECT serial || ' ' || revoked_at FROM certificates WHERE revoked_at IS NOT NULL")" = "0F91 2026-06-01T02:00:00Z" ] ||
	die "the terminal did not pull the revocation: $(sq 'SELECT serial, revoked_at FROM certificates')"
expect_rc 0 cd_ audit verify
has "审计日志完整"
expect_rc 0 "$B" --data "$C" audit verify
has "审计日志完整"
kill $dpid
wait $dpid || true
echo "ok: lifecycle expiring, contact, remind, run; retention; the centre's job"
