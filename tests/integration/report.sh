#!/usr/bin/env bash
# certdesk report day and certdesk price, on data made through the program:
# applicants and applications by `certdesk import`, orders and payments by
# tests/tools/mkorders (the use cases; the command line has no subcommand
# for them), on two days with the clock pinned, in Asia/Shanghai. The day
# report's text (labels, figures, columns aligned by display width), its
# CSV (BOM, header, every section adding up, totals equal to what the
# database holds), a clerk's own view, offices, usage errors, the audit
# entries; the KEY stock's counts in the text and the CSV (movements of
# the day, the ledger as read, adding up); the price list and an admin's change of it,
# which leaves placed orders alone.
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
# mk TIME USER ARGS...: mkorders as USER at the pinned time; output in $out
mk() {
	local at=$1 user=$2; shift 2
	CERTDESK_NOW=$at expect_rc 0 "$MK" --data "$D" --user "$user" "$@"
}

# ---- a data directory, two clerks, two supervisors ----
export CERTDESK_NOW=2025-06-08T01:00:00Z
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
cat >"$T/apps.csv" <<'EOF'
phone,kind,subject,credit_code,years,cert_serial
13700000001,new,enterprise,91350100M000100Y43,1,
13700000001,new,enterprise,91350100M000100Y43,1,
13700000003,renewal,enterprise,91110108MA00000070,1,4A3F0012
13700000003,renewal,enterprise,91110108MA00000070,1,4A3F0013
13700000001,new,enterprise,91350100M000100Y43,2,
13700000003,new,enterprise,91110108MA00000070,1,
EOF
expect_rc 0 cd_ --user li.si import applicants "$T/people.csv"
expect_rc 0 cd_ --user li.si import applications "$T/apps.csv"
mapfile -t A < <(sed -n 's/^line [0-9]*: \(SQ-[A-Z0-9-]*\)$/\1/p' <<<"$out")
[ ${#A[@]} -eq 6 ] || die "six applications expected: $out"
mk 2025-06-08T02:00:00Z li.si submit "${A[@]}"
printf '%%PDF-1.4\nslip\n%%%%EOF\n' >"$T/slip.pdf"

# ---- the two days (Shanghai is UTC+8) ----
# day 1, 2025-06-09
mk 2025-06-09T01:00:00Z li.si place transfer "${A[0]}" "${A[1]}"; O1=$out      # 09:00 1,000.00
mk 2025-06-09T01:30:00Z wang.wu place online "${A[2]}"; O2=$out                # 09:30   400.00
mk 2025-06-09T01:30:00Z wang.wu online "$O2" wechat WX20250609001; W1=$out
mk 2025-06-09T02:00:00Z li.si transfer "$O1" 1000 TX-0001 "$T/slip.pdf"; T1=$out
mk 2025-06-09T03:00:00Z li.si place transfer "${A[5]}"; O3=$out                # 11:00   500.00
mk 2025-06-09T03:00:00Z li.si transfer "$O3" 500 TX-0002 "$T/slip.pdf"; T2=$out
mk 2025-06-09T04:00:00Z zhao.liu reject "$T2" 银行未到账
mk 2025-06-09T06:00:00Z qian.qi verify "$T1"
mk 2025-06-09T07:00:00Z zhao.liu refund "$W1" 100 少办一份
mk 2025-06-09T15:59:59Z wang.wu place transfer "${A[4]}"; O4=$out              # 23:59:59 900.00
# day 2, 2025-06-10: 00:30 local is still 2025-06-09 in UTC
mk 2025-06-09T16:30:00Z li.si place online "${A[3]}"; O5=$out                  # 00:30   400.00
mk 2025-06-09T16:30:00Z li.si online "$O5" alipay AP20250610001
mk 2025-06-10T03:00:00Z li.si transfer "$O3" 500 TX-0002 "$T/slip.pdf"; T3=$out   # again, waiting
[ "${O1:0:19}" = DD-SZFT-01-20250609 ] || die "order number $O1"
# The KEY stock: three received and one issued on day 1, one taken back
# damaged on day 2.
CERTDESK_NOW=2025-06-09T00:30:00Z expect_rc 0 cd_ --user li.si stock receive KS-0001..KS-0003 --note 入库单1
CERTDESK_NOW=2025-06-09T05:00:00Z expect_rc 0 cd_ --user zhao.liu application accept "${A[0]}"
CERTDESK_NOW=2025-06-09T05:00:00Z expect_rc 0 cd_ --user zhao.liu stock issue "${A[0]}" KS-0001
CERTDESK_NOW=2025-06-10T02:00:00Z expect_rc 0 cd_ --user wang.wu stock damage KS-0002 --note 无法识别

# The reports are read the next day.
export CERTDESK_NOW=2025-06-10T06:00:00Z

# ---- usage ----
expect_rc 2 cd_ --user zhao.liu report
expect_rc 2 cd_ --user zhao.liu report week
expect_rc 2 cd_ --user zhao.liu report day --bogus
expect_rc 2 cd_ --user zhao.liu report day --date
expect_rc 2 cd_ --user zhao.liu report day --date 2025-02-30
has "YYYY-MM-DD"
expect_rc 1 cd_ report day
has "--user"
expect_rc 1 cd_ --user zhao.liu report day --office NOPE
has "没有代码为 NOPE 的受理点"

# ---- day 1 as a supervisor ----
reads=$(sq "SELECT count(*) FROM audit_log WHERE action = 'report.day'")
expect_rc 0 cd_ --user zhao.liu report day --date 2025-06-09
[ "$(sq "SELECT count(*) FROM audit_log WHERE action = 'report.day'")" = $((reads + 1)) ] || die "no audit entry"
[ "$(sq "SELECT actor_name FROM audit_log WHERE action = 'report.day' ORDER BY seq DESC LIMIT 1")" = zhao.liu ] ||
	die "audit actor"
sq "SELECT after FROM audit_log WHERE action = 'report.day' ORDER BY seq DESC LIMIT 1" | grep '"date":"2025-06-09"' >/dev/null ||
	die "audit detail"
day1=$out
has "日结报表  2025-06-09 星期一"
has "受理点：SZFT 深圳福田受理点"
has "统计时段：2025-06-09 00:00 至 2025-06-10 00:00（本地时间）"
has "范围：全部员工"
# line: label, count, amount (the figures of the story)
line() { # label count amount [heading]: such a line (in the section under the heading, if given)
	local text=$out
	[ -n "${4:-}" ] && text=$(sed -n "/^$4/,/^\$/p" <<<"$out")
	grep -qE "^  $1 +$2 +$3\$" <<<"$text" || die "no line '$1 $2 $3'${4:+ after $4} in: $out"
}
line 待缴费 1 900.00 当日下单   # O4
line 待核款 1 500.00 当日下单   # O3: T2 rejected, T3 recorded on day 2
line 已缴费 2 1,400.00 当日下单
line 已取消 0 0.00 当日下单
line 合计 4 2,800.00 当日下单
line 对公转账 3 2,400.00 '当日下单（按缴费方式）'
line 在线支付 1 400.00 '当日下单（按缴费方式）'
line 已核实 1 1,000.00 当日登记的对公转账
line 已驳回 1 500.00 当日登记的对公转账
line 合计 2 1,500.00 当日登记的对公转账
line 微信支付 1 400.00 当日登记的在线支付
line 退款 1 100.00 当日退款
line '对公转账（当日核实）' 1 1,000.00 当日实收
line 退款 1 -100.00 当日实收
line 实收净额 3 1,300.00 当日实收
grep -qE '^  李四（li\.si） +2 +1,500\.00 +2 +1,500\.00 +0 +0\.00$' <<<"$out" || die "li.si: $out"
grep -qE '^  王五（wang\.wu） +2 +1,300\.00 +1 +400\.00 +0 +0\.00$' <<<"$out" || die "wang.wu: $out"
grep -qE '^  赵六（zhao\.liu） +0 +0\.00 +0 +0\.00 +1 +100\.00$' <<<"$out" || die "zhao.liu: $out"
grep -qE '^  合计 +4 +2,800\.00 +3 +1,900\.00 +1 +100\.00$' <<<"$out" || die "clerk totals: $out"
hasnt "钱七（qian.qi）" # verifying is not recording
# T3 (recorded on day 2) is waiting, with its slip, since 0 days.
has "待核款转账（全部尚未核实的，不限日期）：1 笔，¥500.00"
grep -qE "^  2025-06-10 11:00 +0 +500\.00  TX-0002 +测试付款单位 +已传 +李四 +$O3\$" <<<"$out" || die "waiting row: $out"
# The KEY stock after the money: day 1's movements, the ledger as read (day 2).
count() { # label count heading: such a count line in the section under the heading
	sed -n "/^$3/,/^\$/p" <<<"$out" | grep -qE "^  $1 +$2\$" || die "no count '$1 $2' after $3 in: $out"
}
count 入库 3 '当日 KEY 出入$'
count 发放 1 '当日 KEY 出入$'
count 收回损坏 0 '当日 KEY 出入$'
count 退回中心 0 '当日 KEY 出入$'
count 在库 1 'KEY 库存（制表时）'
count 已发放 1 'KEY 库存（制表时）'
count 已损坏 1 'KEY 库存（制表时）'
count 已退回 0 'KEY 库存（制表时）'
count 合计 3 'KEY 库存（制表时）'
[ "$(sed -n '/^待核款转账/,$p' <<<"$out" | grep -c '^当日 KEY 出入$')" = 1 ] || die "the stock is not after the waiting transfers: $out"

# Columns line up by display width, Chinese labels included: in each table
# every row ends at the same column.
printf '%s\n' "$day1" >"$T/day1.txt"
python3 - "$T/day1.txt" <<'EOF' || die "columns not aligned: $day1"
import sys, unicodedata
text = open(sys.argv[1], encoding="utf-8").read()
def width(s):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
tables = {"sums": [], "clerks": [], "stock": []}
part = None
for line in text.splitlines():
    if line.startswith("当日下单"):
        part = "sums"
    elif line.startswith("按受理员"):
        part = "clerks"
    elif line.startswith("待核款转账"):
        part = None
    elif line.startswith("当日 KEY 出入"):
        part = "stock"
    elif part and line.startswith("  ") and line.strip() and line.rstrip()[-1].isdigit():
        tables[part].append(line)
for name, rows in tables.items():
    widths = {width(r) for r in rows}
    if len(rows) < 4 or len(widths) != 1:
        sys.exit(f"{name}: {len(rows)} rows, widths {widths}")
EOF

# ---- day 2 ----
expect_rc 0 cd_ --user qian.qi report day --date 2025-06-10
has "日结报表  2025-06-10 星期二"
line 合计 1 400.00 当日下单
line 已缴费 1 400.00 当日下单
line 合计 1 500.00 当日登记的对公转账
line 待核款 1 500.00 当日登记的对公转账
line 支付宝 1 400.00 当日登记的在线支付
line '对公转账（当日核实）' 0 0.00 当日实收
line 实收净额 1 400.00 当日实收

# ---- a clerk sees their own figures ----
expect_rc 0 cd_ --user wang.wu report day --date 2025-06-09
has "范围：仅本人"
line 合计 2 1,300.00 当日下单
line 合计 0 0.00 当日登记的对公转账
line 实收净额 1 400.00 当日实收 # the WeChat payment they recorded
hasnt "李四（li.si）"
has "待核款转账（全部尚未核实的，不限日期）：0 笔，¥0.00"
count 入库 0 '当日 KEY 出入（本人经手）'   # li.si received them; the ledger is the office's
count 合计 3 'KEY 库存（制表时）'

# ---- other offices ----
expect_rc 0 cd_ --user zhao.liu report day --date 2025-06-09 --office all
has "受理点：全部受理点"
line 合计 4 2,800.00 当日下单
expect_rc 0 cd_ --user zhao.liu report day --date=2025-06-09 --office=szft
has "受理点：SZFT 深圳福田受理点"

# ---- CSV: for Excel, and equal to what the database holds ----
expect_rc 0 cd_ --user zhao.liu report day --date 2025-06-09 --csv
cd_ --user zhao.liu report day --date 2025-06-09 --csv >"$T/day1.csv"
[ "$(head -c 3 "$T/day1.csv" | od -An -tx1 | tr -d ' ')" = efbbbf ] || die "no BOM"
[ "$(head -n 1 "$T/day1.csv" | tail -c +4)" = $'section,item,label,count,amount_yuan,note\r' ] || die "header: $(head -n 1 "$T/day1.csv")"
[ "$(grep -c $'\r$' "$T/day1.csv")" = "$(wc -l <"$T/day1.csv")" ] || die "every line ends with CRLF"
# What the database holds for the local day 2025-06-09 (UTC 06-08T16:00 to 06-09T16:00).
db_orders=$(sq "SELECT count(*) || ' ' || sum(total_fen) FROM orders WHERE created_at >= '2025-06-08T16:00:00Z' AND created_at < '2025-06-09T16:00:00Z'")
db_transfers=$(sq "SELECT count(*) || ' ' || sum(amount_fen) FROM payments WHERE kind = 'transfer' AND recorded_at >= '2025-06-08T16:00:00Z' AND recorded_at < '2025-06-09T16:00:00Z'")
db_net=$(sq "SELECT (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE kind = 'transfer' AND state = 'verified' AND verified_at >= '2025-06-08T16:00:00Z' AND verified_at < '2025-06-09T16:00:00Z')
	+ (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE kind = 'online' AND recorded_at >= '2025-06-08T16:00:00Z' AND recorded_at < '2025-06-09T16:00:00Z')
	- (SELECT coalesce(sum(amount_fen), 0) FROM payments WHERE kind = 'refund' AND recorded_at >= '2025-06-08T16:00:00Z' AND recorded_at < '2025-06-09T16:00:00Z')")
[ "$db_orders" = "4 280000" ] && [ "$db_transfers" = "2 150000" ] && [ "$db_net" = 130000 ] ||
	die "the story is not what the test expects: $db_orders / $db_transfers / $db_net"
python3 - "$T/day1.csv" "$db_orders" "$db_transfers" "$db_net" <<'EOF' || die "CSV content"
import csv, sys
path, db_orders, db_transfers, db_net = sys.argv[1:]
rows = list(csv.reader(open(path, encoding="utf-8-sig", newline="")))
assert rows[0] == ["section", "item", "label", "count", "amount_yuan", "note"], rows[0]
def fen(s):  # yuan with two decimals to fen, in integers
    neg = s.startswith("-")
    y, c = s.lstrip("-").split(".")
    assert len(c) == 2, s
    return (int(y) * 100 + int(c)) * (-1 if neg else 1)
meta = {r[1]: r[5] for r in rows[1:] if r[0] == "report"}
assert meta["date"] == "2025-06-09" and meta["office"].startswith("SZFT"), meta
sections = {}
counts = {}
for r in rows[1:]:
    if r[0] == "report":
        continue
    if r[0].startswith("stock_"):  # KEYs counted, not money: no amount
        assert r[4] == "", r
        counts.setdefault(r[0], {})[r[1]] = int(r[3])
        continue
    sections.setdefault(r[0], []).append((r[1], int(r[3]), fen(r[4])))
def total(sec, item="total"):
    return next((n, f) for i, n, f in sections[sec] if i == item)
# Within each section the lines add up to its total.
for sec in ("orders_status", "orders_method", "transfers", "online", "received"):
    items = [(n, f) for i, n, f in sections[sec] if i not in ("total", "net")]
    t = total(sec, "net" if sec == "received" else "total")
    assert (sum(n for n, f in items), sum(f for n, f in items)) == t, (sec, items, t)
# The staff lines add up to the day's totals.
for sec, want in (("clerk_orders", total("orders_status")),
                  ("clerk_refunds", total("refunds"))):
    got = (sum(n for i, n, f in sections[sec]), sum(f for i, n, f in sections[sec]))
    assert got == want, (sec, got, want)
pay = (total("transfers")[0] + total("online")[0], total("transfers")[1] + total("online")[1])
got = (sum(n for i, n, f in sections["clerk_payments"]), sum(f for i, n, f in sections["clerk_payments"]))
assert got == pay, ("clerk_payments", got, pay)
# Equal to the database, to the fen.
n, f = db_orders.split()
assert total("orders_status") == (int(n), int(f)), total("orders_status")
n, f = db_transfers.split()
assert total("transfers") == (int(n), int(f)), total("transfers")
assert total("received", "net")[1] == int(db_net), total("received", "net")
assert total("received", "refund") == (1, -10000)
assert total("orders_method", "transfer") == (3, 240000)
assert total("transfers", "rejected") == (1, 50000)
assert [i for i, n, f in sections["clerk_orders"]] == ["li.si", "wang.wu", "zhao.liu"]
assert sections["waiting"][0] == ("total", 1, 50000), sections["waiting"]
assert sections["waiting"][1][:3] == ("TX-0002", 1, 50000), sections["waiting"]
# The KEY stock: day 1's movements, the ledger when read (day 2), adding up.
assert counts["stock_moves"] == {"receive": 3, "issue": 1, "damage": 0, "return": 0}, counts
now = counts["stock_now"]
assert now == {"in_stock": 1, "issued": 1, "damaged": 1, "returned": 0, "total": 3}, now
assert sum(v for k, v in now.items() if k != "total") == now["total"]
EOF
[ "$(sq "SELECT count(*) FROM key_stock")" = 3 ] || die "the ledger holds three KEYs"

# ---- the price list ----
expect_rc 0 cd_ price list
has "业务"
grep -qE '^新办 +企业证书 +1 年 +500\.00  启用$' <<<"$out" || die "price list: $out"
grep -qE '^注销 +个人证书 +- +0\.00  启用$' <<<"$out" || die "price list, years 0: $out"
[ "$(grep -c '启用' <<<"$out")" = "$(sq 'SELECT count(*) FROM price_list')" ] || die "every item listed"
expect_rc 2 cd_ --user admin price
expect_rc 2 cd_ --user admin price set new enterprise 1
expect_rc 2 cd_ --user admin price set old enterprise 1 500
has "new（新办）"
expect_rc 2 cd_ --user admin price set new company 1 500
expect_rc 2 cd_ --user admin price set new enterprise 9 500
expect_rc 2 cd_ --user admin price set new enterprise 1 5.555
expect_rc 2 cd_ --user admin price set new enterprise 1 -5
expect_rc 2 cd_ --user admin price set new enterprise 1 500 --bogus
expect_rc 1 cd_ price set new enterprise 1 666.50
has "--user"
changes=$(sq "SELECT count(*) FROM audit_log WHERE action = 'price.set'")
expect_rc 1 cd_ --user zhao.liu price set new enterprise 1 666.50
has "管理员"
CERTDESK_PASSWORD=Adm1nPass expect_rc 0 cd_ --user admin price set new enterprise 1 1,666.50
has "完成：企业证书 新办 1 年 ¥1,666.50（启用）"
has "已下的订单仍按下单时的价格"
CERTDESK_PASSWORD=Adm1nPass expect_rc 0 cd_ --user admin price set 补办 个人 0 88 --inactive
has "完成：个人证书 补办 ¥88.00（停用）"
[ "$(sq "SELECT count(*) FROM audit_log WHERE action = 'price.set'")" = $((changes + 2)) ] || die "price.set audit"
expect_rc 0 cd_ price list
grep -qE '^新办 +企业证书 +1 年 +1,666\.50  启用$' <<<"$out" || die "new price: $out"
grep -qE '^补办 +个人证书 +- +88\.00  停用$' <<<"$out" || die "inactive: $out"
[ "$(sq "SELECT price_fen FROM price_list WHERE kind = 'new' AND subject = 'enterprise' AND years = 1")" = 166650 ] ||
	die "stored price"
# Orders placed before keep their prices; the report of day 1 is unchanged.
[ "$(sq "SELECT total_fen FROM orders WHERE number = '$O1'")" = 100000 ] || die "a placed order changed"
expect_rc 0 cd_ --user zhao.liu report day --date 2025-06-09
[ "$out" = "$day1" ] || die "day 1 changed after a price change: $out"

# The audit chain holds after all of it.
expect_rc 0 cd_ --user admin audit verify
echo "ok: report day and price"
