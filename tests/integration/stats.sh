#!/usr/bin/env bash
# certdesk report month / report stats, audit list and audit retention, on
# data made through the command line in June 2025 (Asia/Shanghai, clock
# pinned): `init`, `staff add` + `staff passwd`, `import applicants` and
# `import applications`, `application agree/paper/submit/accept/return/
# cancel`, `order place/transfer/verify/online` (a refund by
# tests/tools/mkorders: the command line has none). The month's text
# (figures, waits, columns aligned by display width), its CSV (BOM,
# header, every breakdown adding up, totals equal to what the database
# holds), one day, offices, refusals and usage errors, the audit entries;
# the audit log by person, record, dates and limit; the retention list,
# which deletes nothing.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
T=$TEST_TMP
D=$T/data
B=$CERTDESK_BIN/certdesk
MK=$CERTDESK_BIN/tools/mkorders
export TZ=Asia/Shanghai LANG=C.UTF-8 LC_ALL=C.UTF-8
. "$(dirname "$0")/lib_die.sh"
for tool in sqlite3 python3; do command -v $tool >/dev/null || die "$tool is missing"; done
[ -x "$B" ] && [ -x "$MK" ] || die "build first: $B, $MK"
cd_() { "$B" --data "$D" "$@"; }
sq() { sqlite3 "$D/certdesk.db" "$1"; }
# as TIME USER ARGS...: certdesk as USER at the pinned time; output in $out
as() {
	local at=$1 user=$2; shift 2
	CERTDESK_NOW=$at expect_rc 0 cd_ --user "$user" "$@"
}

# ---- a data directory, two clerks, two supervisors ----
export CERTDESK_NOW=2025-05-20T01:00:00Z
echo Adm1nPass | cd_ init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin >/dev/null
for who in "li.si 李四 clerk" "wang.wu 王五 clerk" "zhao.liu 赵六 supervisor" "qian.qi 钱七 supervisor"; do
	set -- $who
	echo Initial12 | CERTDESK_PASSWORD=Adm1nPass cd_ --user admin staff add "$@" >/dev/null
	echo Passw0rd1 | CERTDESK_PASSWORD=Initial12 cd_ --user "$1" staff passwd >/dev/null
done
export CERTDESK_PASSWORD=Passw0rd1

cat >"$T/people.csv" <<'EOF'
phone,name,id_number,email,address,postal_code,credit_code,enterprise_name,legal_rep,enterprise_address,enterprise_phone
13700000001,张三,11010519491231002X,zhang@example.com,深圳市南山区科技园1号,518057,91350100M000100Y43,福州某某科技有限公司,王五,福州市鼓楼区五四路100号,0591-87654321
13700000003,赵六,320106198503124510,,深圳市福田区深南大道1号,518000,91110108MA00000070,深圳市某某科技有限公司,赵大,深圳市福田区福华路1号,0755-12345678
EOF
cat >"$T/apps1.csv" <<'EOF'
phone,kind,subject,credit_code,years,cert_serial
13700000001,new,enterprise,91350100M000100Y43,1,
13700000001,new,enterprise,91350100M000100Y43,1,
13700000001,new,enterprise,91350100M000100Y43,1,
13700000001,new,enterprise,91350100M000100Y43,1,
EOF
cat >"$T/apps2.csv" <<'EOF'
phone,kind,subject,credit_code,years,cert_serial
13700000003,renewal,enterprise,91110108MA00000070,1,4A3F0012
13700000003,renewal,enterprise,91110108MA00000070,1,4A3F0013
EOF
expect_rc 0 cd_ --user li.si import applicants "$T/people.csv"
expect_rc 0 cd_ --user li.si import applications "$T/apps1.csv"
mapfile -t A < <(sed -n 's/^line [0-9]*: \(SQ-[A-Z0-9-]*\)$/\1/p' <<<"$out")
expect_rc 0 cd_ --user wang.wu import applications "$T/apps2.csv"
mapfile -t W < <(sed -n 's/^line [0-9]*: \(SQ-[A-Z0-9-]*\)$/\1/p' <<<"$out")
[ ${#A[@]} -eq 4 ] && [ ${#W[@]} -eq 2 ] || die "six applications expected: ${A[*]} / ${W[*]}"
A1=${A[0]} A2=${A[1]} A3=${A[2]} A4=${A[3]} A5=${W[0]} A6=${W[1]}
# The applicant reads the agreement at the counter; the documents come on paper.
for n in "$A1" "$A2" "$A3" "$A4"; do
	as 2025-05-20T02:00:00Z li.si application agree "$n"
	for doc in licence legal_rep_id agent_id authorisation; do
		as 2025-05-20T02:00:00Z li.si application paper "$n" $doc
	done
done
for n in "$A5" "$A6"; do
	as 2025-05-20T02:00:00Z wang.wu application agree "$n"
	for doc in licence agent_id authorisation; do
		as 2025-05-20T02:00:00Z wang.wu application paper "$n" $doc
	done
done
printf '%%PDF-1.4\nslip\n%%%%EOF\n' >"$T/slip.pdf"

# ---- June (Shanghai is UTC+8); waits from submission to acceptance ----
as 2025-05-31T15:30:00Z li.si application submit "$A1"          # 05-31 23:30: May
as 2025-05-31T16:30:00Z li.si application submit "$A2"          # 06-01 00:30: June
as 2025-06-01T02:00:00Z zhao.liu application accept "$A1"       # A1 10.5 h
as 2025-06-01T04:30:00Z qian.qi application accept "$A2"        # A2 12 h
as 2025-06-01T05:00:00Z li.si order place "$A1" "$A2" --method transfer --contact 13700000001
O1=$(tail -n 1 <<<"$out")
[[ $O1 == DD-SZFT-01-20250601-* ]] || die "order number: $out"
as 2025-06-01T05:30:00Z li.si order transfer "$O1" --payer 福州某某科技有限公司 --account 6222020012345678 \
	--bank 工商银行 --ref TX-0001 --date 2025-06-01 --amount 1000 --slip "$T/slip.pdf"
as 2025-06-02T01:00:00Z wang.wu application submit "$A5"
as 2025-06-02T02:00:00Z zhao.liu application return "$A5" --reason 缺少营业执照
as 2025-06-02T03:00:00Z wang.wu application submit "$A5"        # again
as 2025-06-02T05:00:00Z zhao.liu application accept "$A5"       # A5 2 h (from the second submission)
as 2025-06-02T06:00:00Z wang.wu application submit "$A6"
as 2025-06-02T06:30:00Z wang.wu order place "$A5" --method online --contact 13700000003
O2=$(tail -n 1 <<<"$out")
as 2025-06-02T06:40:00Z wang.wu order online "$O2" --channel wechat --ref WX20250602001
as 2025-06-02T07:00:00Z qian.qi application return "$A6" --reason 缺少营业执照
as 2025-06-02T08:00:00Z zhao.liu order verify "$O1"
as 2025-06-03T01:00:00Z li.si application submit "$A3"
as 2025-06-03T02:00:00Z qian.qi application return "$A3" --reason 信息有误
as 2025-06-03T03:00:00Z li.si application cancel "$A3" --reason 申请人不再办理
WX=$(sq "SELECT id FROM payments WHERE kind = 'online'")
CERTDESK_NOW=2025-06-03T05:00:00Z expect_rc 0 "$MK" --data "$D" --user qian.qi refund "$WX" 50 少办一项
as 2025-06-30T15:50:00Z li.si application submit "$A4"          # 06-30 23:50
as 2025-06-30T16:10:00Z zhao.liu application accept "$A4"       # 07-01 00:10: July

# Read two days later.
export CERTDESK_NOW=2025-07-02T02:00:00Z

# ---- usage and refusals ----
expect_rc 2 cd_ --user zhao.liu report month --month 2025-13
has "YYYY-MM"
expect_rc 2 cd_ --user zhao.liu report month --month
expect_rc 2 cd_ --user zhao.liu report month --date 2025-06-01
expect_rc 2 cd_ --user zhao.liu report stats --date 2025-06-31
expect_rc 2 cd_ --user zhao.liu report stats --month 2025-06
expect_rc 1 cd_ report month
has "--user"
expect_rc 1 cd_ --user li.si report month --month 2025-06
has "只有审核员和管理员"
expect_rc 1 cd_ --user zhao.liu report month --month 2025-06 --office NOPE
has "没有代码为 NOPE 的受理点"
# The day report is still there.
expect_rc 0 cd_ --user zhao.liu report day --date 2025-06-02
has "日结报表  2025-06-02 星期一"

# ---- the month as a supervisor ----
reads=$(sq "SELECT count(*) FROM audit_log WHERE action = 'report.month'")
as 2025-07-02T02:00:00Z zhao.liu report month --month 2025-06
[ "$(sq "SELECT count(*) FROM audit_log WHERE action = 'report.month'")" = $((reads + 1)) ] || die "no audit entry"
sq "SELECT after FROM audit_log WHERE action = 'report.month' ORDER BY seq DESC LIMIT 1" | grep '"period":"2025-06"' >/dev/null ||
	die "audit detail"
month=$out
has "月度统计  2025-06"
has "受理点：SZFT 深圳福田受理点"
has "统计时段：2025-06-01 00:00 至 2025-07-01 00:00（本地时间）"
has "制表：2025-07-02 10:00  赵六（zhao.liu）"
row() { # pattern: a line of the output matching it whole
	grep -qE "^  $1\$" <<<"$out" || die "no line '$1' in: $out"
}
row '收件（提交审核） +5'
row '受理 +3'
row '退回 +3'
row '制证 +0'
row '领取 +0'
# Waits 37800, 43200, 7200 s: average 8.1667 h, 90th percentile 12 h.
grep -qE '^  受理用时（小时） +平均 8\.17，90% 在 12\.00 以内（3 份）$' <<<"$out" || die "waits: $out"
row ' +2  缺少营业执照'
row ' +1  信息有误'
row ' +3  合计'
row '对公转账（按核实时间） +1 +1,000\.00'
row '微信支付 +1 +400\.00'
row '支付宝 +0 +0\.00'
row '退款 +1 +-50\.00'
row '实收净额 +3 +1,350\.00'
# Days: date, received, accepted, returned, made, collected, avg, p90, net.
row '06-01 日 +1 +2 +0 +0 +0 +11\.25 +12\.00 +0\.00'
row '06-02 一 +2 +1 +2 +0 +0 +2\.00 +2\.00 +1,400\.00'
row '06-03 二 +1 +0 +1 +0 +0 +- +- +-50\.00'
row '06-30 一 +1 +0 +0 +0 +0 +- +- +0\.00'
row '06-15 日 +0 +0 +0 +0 +0 +- +- +0\.00'
[ "$(grep -cE '^  06-[0-9]{2} ' <<<"$out")" = 30 ] || die "30 days: $out"
row '合计 +5 +3 +3 +0 +0 +8\.17 +12\.00 +1,350\.00'
row 'SZFT 深圳福田受理点 +5 +3 +3 +0 +0 +8\.17 +12\.00 +1,350\.00'
row '李四（li\.si） +3 +2 +1 +0 +0 +11\.25 +12\.00 +1,000\.00'
row '王五（wang\.wu） +2 +1 +2 +0 +0 +2\.00 +2\.00 +400\.00'
row '钱七（qian\.qi） +0 +0 +0 +0 +0 +- +- +-50\.00'
row '赵六（zhao\.liu） +2 +1 +6\.25 +10\.50'
row '钱七（qian\.qi） +1 +2 +12\.00 +12\.00'
row '合计 +3 +3 +8\.17 +12\.00'

# Columns line up by display width: in each table every row ends at the same column.
printf '%s\n' "$month" >"$T/month.txt"
python3 - "$T/month.txt" <<'EOF' || die "columns not aligned: $month"
import sys, unicodedata
text = open(sys.argv[1], encoding="utf-8").read()
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
tables, part = {}, None
for line in text.splitlines():
    if line and not line.startswith(" "):
        part = line
        tables[part] = []
    elif part and line.startswith("  ") and line.strip() and not set(line.strip()) <= {"-"}:
        tables[part].append(line)
for name in ("每日", "按受理点", "按员工", "按审核员", "收款"):
    rows = next(v for k, v in tables.items() if k.startswith(name))
    widths = {width(r) for r in rows}
    if len(rows) < 2 or len(widths) != 1:
        sys.exit(f"{name}: {len(rows)} rows, widths {widths}")
EOF

# ---- one day; every office; another month ----
as 2025-07-02T02:00:00Z qian.qi report stats --date 2025-06-02
has "统计  2025-06-02 星期一"
row '收件（提交审核） +2'
row '受理 +1'
row '实收净额 +2 +1,400\.00'
hasnt "每日"
CERTDESK_PASSWORD=Adm1nPass as 2025-07-02T02:00:00Z admin report month --month=2025-06 --office=all
has "受理点：全部受理点"
row '合计 +5 +3 +3 +0 +0 +8\.17 +12\.00 +1,350\.00'
as 2025-07-02T02:00:00Z zhao.liu report month --month 2025-07
row '受理 +1'                                          # A4 at 00:10 on 1 July
row '07-01 二 +0 +1 +0 +0 +0 +0\.33 +0\.33 +0\.00'  # 20 minutes
as 2025-07-02T02:00:00Z zhao.liu report month --month 2025-05
row '收件（提交审核） +1'                               # A1 at 23:30 on 31 May

# ---- CSV: for Excel, and equal to what the database holds ----
cd_ --user zhao.liu report month --month 2025-06 --csv >"$T/month.csv"
[ "$(head -c 3 "$T/month.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || die "no BOM"
[ "$(head -n 1 "$T/month.csv" | tail -c +4)" = $'section,item,label,count,received,accepted,returned,made,collected,avg_hours,p90_hours,amount_yuan\r' ] ||
	die "header: $(head -n 1 "$T/month.csv")"
[ "$(grep -c $'\r$' "$T/month.csv")" = "$(wc -l <"$T/month.csv")" ] || die "every line ends with CRLF"
# What the database holds for local June (UTC 05-31T16:00 to 06-30T16:00).
F="'2025-05-31T16:00:00Z'" U="'2025-06-30T16:00:00Z'"
db_received=$(sq "SELECT count(*) FROM applications WHERE submitted_at >= $F AND submitted_at < $U")
db_accepted=$(sq "SELECT count(*) FROM applications WHERE status IN ('accepted','ready','shipped','collected') AND reviewed_at >= $F AND reviewed_at < $U")
db_returned=$(sq "SELECT count(*) FROM audit_log WHERE action = 'application.return' AND at >= $F AND at < $U")
db_net=$(sq "SELECT (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE kind = 'transfer' AND state = 'verified' AND verified_at >= $F AND verified_at < $U)
	+ (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE kind = 'online' AND recorded_at >= $F AND recorded_at < $U)
	- (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE kind = 'refund' AND recorded_at >= $F AND recorded_at < $U)")
[ "$db_received $db_accepted $db_returned $db_net" = "5 3 3 135000" ] ||
	die "the story is not what the test expects: $db_received $db_accepted $db_returned $db_net"
python3 - "$T/month.csv" "$db_received" "$db_accepted" "$db_returned" "$db_net" <<'EOF' || die "CSV content"
import csv, sys
path, received, accepted, returned, net = sys.argv[1:]
rows = list(csv.reader(open(path, encoding="utf-8-sig", newline="")))
head = rows[0]
assert head == ["section", "item", "label", "count", "received", "accepted", "returned", "made",
                "collected", "avg_hours", "p90_hours", "amount_yuan"], head
col = {h: i for i, h in enumerate(head)}
def fen(s):  # yuan with two decimals to fen, in integers
    neg = s.startswith("-")
    y, c = s.lstrip("-").split(".")
    assert len(c) == 2, s
    return (int(y) * 100 + int(c)) * (-1 if neg else 1)
meta = {r[1]: r[2] for r in rows[1:] if r[0] == "report"}
assert meta["kind"] == "month" and meta["period"] == "2025-06", meta
assert meta["office"].startswith("SZFT"), meta
sec = {}
for r in rows[1:]:
    assert len(r) == len(head), r
    sec.setdefault(r[0], []).append(r)
total = sec["total"][0]
counts = ("received", "accepted", "returned", "made", "collected")
# Equal to the database.
assert [int(total[col[c]]) for c in counts[:3]] == [int(received), int(accepted), int(returned)], total
assert fen(total[col["amount_yuan"]]) == int(net), total
assert (total[col["avg_hours"]], total[col["p90_hours"]]) == ("8.17", "12.00"), total
# Days, offices and clerks add up to the totals, to the fen.
assert len(sec["day"]) == 30 and sec["day"][0][1] == "2025-06-01"
for name in ("day", "office", "clerk"):
    for c in counts:
        assert sum(int(r[col[c]]) for r in sec[name]) == int(total[col[c]]), (name, c)
    assert sum(fen(r[col["amount_yuan"]]) for r in sec[name]) == int(net), name
# Reviewers: what they reviewed.
for c in ("accepted", "returned"):
    assert sum(int(r[col[c]]) for r in sec["reviewer"]) == int(total[col[c]]), c
assert all(r[col["received"]] == "" for r in sec["reviewer"])
assert sum(int(r[col["returned"]]) for r in sec["reason"]) == int(returned)
assert [(r[2], r[col["returned"]]) for r in sec["reason"]] == [("缺少营业执照", "2"), ("信息有误", "1")]
money = {r[1]: (int(r[col["count"]]), fen(r[col["amount_yuan"]])) for r in sec["money"]}
assert money == {"transfer": (1, 100000), "wechat": (1, 40000), "alipay": (0, 0),
                 "refund": (1, -5000), "net": (3, 135000)}, money
assert sum(f for k, (n, f) in money.items() if k != "net") == money["net"][1]
assert [r[1] for r in sec["clerk"]] == ["li.si", "qian.qi", "wang.wu"], sec["clerk"]
EOF

# ---- the audit log ----
expect_rc 1 cd_ --user li.si audit list
has "只有审核员和管理员"
expect_rc 2 cd_ --user zhao.liu audit list --from 2025-06-31
expect_rc 2 cd_ --user zhao.liu audit list --limit 0
expect_rc 2 cd_ --user zhao.liu audit list --bogus
expect_rc 2 cd_ --user zhao.liu audit list --from 2025-06-03 --to 2025-06-02
expect_rc 2 cd_ --user zhao.liu audit
# By person: every entry is theirs, newest first, with its images.
as 2025-07-02T02:00:00Z zhao.liu audit list --user qian.qi --limit 1000
n=$(grep -c '^#' <<<"$out")
[ "$n" = "$(sq "SELECT count(*) FROM audit_log WHERE actor_name = 'qian.qi'")" ] || die "qian.qi's entries: $out"
[ "$(grep '^#' <<<"$out" | grep -vc '  qian\.qi  ')" = 0 ] || die "another person's entry: $out"
printf '%s\n' "$out" >"$T/list.txt"
python3 - "$T/list.txt" <<'EOF' || die "not newest first: $out"
import sys
seqs = [int(l.split()[0][1:]) for l in open(sys.argv[1], encoding="utf-8") if l.startswith("#")]
assert seqs == sorted(seqs, reverse=True) and len(seqs) > 3, seqs
EOF
has "application.return（退回申请单）  申请单 $A6"
grep -qE '^  之后：\{.*"number":"'"$A6"'".*"reason":"缺少营业执照"' <<<"$out" || die "A6's return: $out"
has "payment.refund（登记退款）"
# By record: its whole history.
as 2025-07-02T02:00:00Z zhao.liu audit list --record "$A5" --limit 100
id5=$(sq "SELECT id FROM applications WHERE number = '$A5'")
[ "$(grep -c '^#' <<<"$out")" = "$(sq "SELECT count(*) FROM audit_log WHERE entity_id = '$id5'")" ] ||
	die "A5's history: $out"
has "application.submit（提交审核）"
has "application.accept（受理申请单）  申请单 $A5"
grep -qE '^  之前：\{.*"number":"'"$A5"'".*"status":"pending_review"' <<<"$out" || die "before: $out"
grep -qE '^  之后：\{.*"number":"'"$A5"'".*"status":"accepted"' <<<"$out" || die "after: $out"
grep -q "#[0-9]*  2025-06-02 13:00  zhao.liu  application.accept" <<<"$out" || die "accept of A5: $out"
as 2025-07-02T02:00:00Z zhao.liu audit list --record SQ-NONE-01-20250601-0001
has "没有符合条件的审计记录"
# By dates (local days): 2 June only.
as 2025-07-02T02:00:00Z zhao.liu audit list --from 2025-06-02 --to 2025-06-02 --limit 1000
[ "$(grep '^#' <<<"$out" | grep -vc '  2025-06-02 ')" = 0 ] || die "another day: $out"
[ "$(grep -c '^#' <<<"$out")" = "$(sq "SELECT count(*) FROM audit_log WHERE at >= '2025-06-01T16:00:00Z' AND at < '2025-06-02T16:00:00Z'")" ] ||
	die "2 June: $out"
has "order.place（下单）"
# A limit, and the word that there is more.
as 2025-07-02T02:00:00Z zhao.liu audit list --limit 3
[ "$(grep -c '^#' <<<"$out")" = 3 ] || die "three entries: $out"
has "共 3 条（最新的在前）；还有更早的记录"
last=$(sq "SELECT max(seq) FROM audit_log")
grep -q "^#$last " <<<"$out" || die "the newest first: $out"
# Logging in is on the log too: one entry more than now.
total=$(( $(sq "SELECT count(*) FROM audit_log") + 1 ))
as 2025-07-02T02:00:00Z zhao.liu audit list --limit "$total"
hasnt "还有更早的记录"
[ "$(grep -c '^#' <<<"$out")" = "$total" ] || die "all entries: $out"
[ "$(sq "SELECT count(*) FROM audit_log")" = "$total" ] || die "listing wrote more than the login"

# ---- retention: nothing is deleted, ever ----
# What it may not touch: every application as it is, every entry but the
# logins (each run logs in, and that is on the record).
state() {
	sq "SELECT (SELECT group_concat(id || status || updated_at, ',') FROM (SELECT * FROM applications ORDER BY id))
		|| ' ' || (SELECT count(*) FROM audit_log WHERE action NOT LIKE 'staff.login%')
		|| ' ' || (SELECT count(*) FROM orders) || ' ' || (SELECT count(*) FROM payments)"
}
before=$(state)
expect_rc 1 cd_ --user li.si audit retention
has "只有审核员和管理员"
as 2030-06-03T02:59:59Z qian.qi audit retention
has "本程序从不删除任何记录"
has "（没有可归档的记录）"
has "共 0 份申请单可归档。未删除任何记录。"
# A3 was cancelled on 2025-06-03 at 11:00 local: archivable five years later.
as 2030-06-03T03:00:00Z qian.qi audit retention
grep -qE "^  $A3 +SZFT +新办 +已取消 +2025-06-03 +2025-06-03 +2030-06-03$" <<<"$out" || die "A3: $out"
has "共 1 份申请单可归档。未删除任何记录。"
as 2030-06-03T03:00:00Z qian.qi audit retention --office all
has "共 1 份申请单可归档。"
expect_rc 1 cd_ --user qian.qi audit retention --office NOPE
after=$(state)
[ "$before" = "$after" ] || die "retention changed the database: $before / $after"
[ "$(sq "SELECT status FROM applications WHERE number = '$A3'")" = cancelled ] || die "A3 changed"

# The audit chain holds after all of it.
expect_rc 0 cd_ audit verify
has "审计日志完整"
echo "ok: report month, report stats, audit list, audit retention"
