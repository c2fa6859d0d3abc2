#!/usr/bin/env bash
# The expiry worklist (到期提醒) at 80x24, clock pinned in Asia/Shanghai:
# the tabs with their counts, the list soonest first with masked phones,
# the expired tab counting down; a certificate's detail; marking it
# contacted with a note (history and list show it); sending the SMS
# reminder after reading its text (the file spool shows it queued); a
# second reminder the same day refused; the applicant opened from it.
source "$(dirname "$0")/lib.sh"

q() { sqlite3 "$DATA/certdesk.db" "$1"; }
export TZ=Asia/Shanghai CERTDESK_NOW=2026-06-01T02:00:00Z    # 10:00 local
EXTRA_ENV="TZ=Asia/Shanghai CERTDESK_NOW=$CERTDESK_NOW"

# ---- set-up through the command line ----
echo Adm1nPass | cd_cli init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
echo Start123 | CERTDESK_PASSWORD=Adm1nPass cd_cli --user admin staff add li.si 李四 clerk >/dev/null
echo Pass5678 | CERTDESK_PASSWORD=Start123 cd_cli --user li.si staff passwd >/dev/null
printf 'phone,name,id_number,email,address,postal_code,credit_code,enterprise_name\n13812345678,张三,11010519491231002X,,深圳市福田区深南大道1号,518000,,\n13900000002,李四,320106198503124510,,深圳市福田区福华路2号,518000,,\n' >"$TEST_TMP/people.csv"
CERTDESK_PASSWORD=Pass5678 cd_cli --user li.si import applicants "$TEST_TMP/people.csv" >/dev/null
mk() { CERTDESK_PASSWORD=Pass5678 "$CERTDESK_BIN/tools/mkcert" --data "$DATA" --user li.si "$@" >/dev/null; }
mk 13812345678 0A1B2C3D4E5F0010 2026-06-11T02:00:00Z 张三 福州某某科技有限公司   # 10 days
mk 13900000002 0A1B2C3D4E5F0025 2026-06-26T02:00:00Z 李四                     # 25 days
mk 13900000002 0A1B2C3D4E5F0050 2026-07-21T02:00:00Z 李四                     # 50 days
mk 13812345678 0A1B2C3D4E5F0E05 2026-05-27T02:00:00Z 张三                     # expired 5 days

login() {
	wait_for "请输入员工账号和密码"
	keys Up Up C-u
	type "$1"
	keys Tab C-u
	type "$2"
	keys Enter
	wait_for "主菜单"
}

app_start
login li.si Pass5678
keys e
wait_for "到期提醒"
wait_for "30 天内 2"
for t in "60 天内 3" "90 天内 3" "已过期 1"; do screen | grep -qF "$t" || fail "tab $t"; done
wait_for "剩 10 天"
screen | grep -q "2026-06-11 剩 10 天 *福州某某科技.* 张三 138\*\*\*\*5678 …5F0010" || fail "the first row"
screen | grep -A1 "剩 10 天" | grep -q "剩 25 天" || fail "not soonest first"
screen | grep -qF "13812345678" && fail "a phone in full on the list"
# The expired tab, counting down.
keys Left
wait_for "过期5天 余85天"
keys Right
wait_for "剩 10 天"

# ---- one certificate: mark contacted ----
keys Enter
wait_for "证书 0A1B2C3D4E5F0010"
wait_for "剩余 10 天到期"
wait_for "还没有联系过"
keys F2
wait_for "联系情况"
keys F2
wait_for "请输入联系情况"
type "电话联系，申请人下周来柜台续费"
keys F2
wait_for "已记录联系情况"
wait_for "李四  联系：电话联系，申请人下周来柜台续费"
[ "$(q "SELECT count(*) FROM certificate_contacts WHERE kind = 'contact'")" = 1 ] || fail "contact not stored"
[ "$(q "SELECT count(*) FROM audit_log WHERE action = 'certificate.contact'")" = 1 ] || fail "contact not audited"

# ---- the SMS reminder: read it, send it ----
keys F5
wait_for "发送到期提醒短信"
wait_for "向 张三 138****5678 发送以下短信"
wait_for "福州某某科技有限公司的数字证书"
keys Escape
wait_gone "发送以下短信"
[ -e "$DATA/sms-spool.txt" ] && fail "cancelled, yet spooled"
keys F5
wait_for "发送以下短信"
keys Enter
wait_for "提醒短信已发送到 138****5678"
wait_for "提醒短信：【数字证书服务】"
[ "$(wc -l <"$DATA/sms-spool.txt")" = 1 ] || fail "spool: $(cat "$DATA/sms-spool.txt")"
grep -q $'\t13812345678\t【数字证书服务】您好！福州某某科技有限公司的数字证书' "$DATA/sms-spool.txt" || fail "spool line: $(cat "$DATA/sms-spool.txt")"
# Once a day.
keys F5
wait_for "发送以下短信"
keys Enter
wait_for "今天（2026-06-01）已发送过提醒短信"
keys Enter
wait_gone "已发送过提醒短信"
[ "$(wc -l <"$DATA/sms-spool.txt")" = 1 ] || fail "sent twice in a day"

# ---- back on the list: the last contact; the applicant ----
keys Escape
wait_for "30 天内 2"
wait_for "06-01 短信"
keys F3
wait_for "申请人资料"
wait_for "张三"
keys Escape
wait_for "到期提醒"
# Not contacted only: the contacted one goes.
keys /
keys Down Right
keys Enter
wait_gone "剩 10 天"
wait_for "剩 25 天"
keys Escape
wait_for "主菜单"
keys 0
wait_for "确定要退出"
keys Enter
rc=$(app_wait_exit)
[ "$rc" = 0 ] || fail "exit status $rc"
check_stderr
echo "ok: expiry worklist at ${COLS}x${ROWS}"
