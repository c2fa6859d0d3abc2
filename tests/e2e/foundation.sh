#!/usr/bin/env bash
# Foundation at 80x24: first-run setup (with a bad value first), login with
# a wrong then the right password, creating a clerk, the clerk's forced
# password change, lock-out after 5 wrong passwords and the admin's unlock.
source "$(dirname "$0")/lib.sh"

fill() { # type values into consecutive fields, Tab between them
	local first=1
	for v in "$@"; do
		[ $first = 1 ] || keys Tab
		first=0
		[ -n "$v" ] && type "$v"
	done
}

login() { # user password
	wait_for "请输入员工账号和密码"
	keys Up Up C-u
	type "$1"
	keys Tab C-u
	type "$2"
	keys Enter
}

# ---- first run: the setup form, in Chinese ----
app_start
wait_for "首次设置"
wait_for "受理点代码"
# A one-letter office code and mismatched passwords: refused, nothing saved.
fill "s" "深圳福田受理点" "1号窗口" "admin" "张管理" "Adm1nPass" "Adm1nPass"
keys F2
wait_for "受理点代码应为 2 到 16 位"
[ ! -s "$DATA/certdesk.db" ] || [ "$(sqlite3 "$DATA/certdesk.db" 'select count(*) from staff')" = 0 ] \
	|| fail "a refused setup saved something"
keys BTab BTab BTab BTab BTab BTab   # back to the office code
keys C-u
type "szft"                          # typed lower case, kept upper case
keys F2
wait_for "主菜单"
wait_for "设置完成"
screen | grep -q "SZFT" && fail "office code should not be on the menu"

# ---- quit, and come back to the login screen ----
app_quit

app_start
login admin wrongpass1
wait_for "用户名或密码错误"
login admin Adm1nPass
wait_for "主菜单"
wait_for "管理员 张管理（admin）"

# ---- create a clerk with a Chinese name ----
keys 8
wait_for "员工管理"
wait_for "共 1 条"
keys F3
wait_for "新建员工账户"
fill "li.si" "李四" "" "Clerk1234" "Clerk9999"
keys F2
wait_for "两次输入的密码不一致"
keys C-u
type "Clerk1234"
keys Enter
wait_for "已创建账户 li.si（受理员）"
wait_for "正常（待改密码）"
wait_for "共 2 条"

# ---- the clerk logs in and must change the password ----
keys Escape
wait_for "主菜单"
keys 9
wait_for "确定要注销登录吗"
keys Enter
login li.si Clerk1234
wait_for "管理员已为您重置密码" 2>/dev/null || wait_for "请设置一个只有您自己知道的新密码"
fill "Clerk1234" "Clerk5678" "Clerk5678"
keys Enter
wait_for "密码已修改"
wait_for "主菜单"
screen | grep -q "员工管理" && fail "a clerk must not see staff management"
keys 9
wait_for "确定要注销登录吗"
keys Enter

# ---- lock-out after five wrong passwords ----
for i in 1 2 3 4; do
	login li.si "wrong$i"
	wait_for "用户名或密码错误"
done
login li.si wrong5
wait_for "账户已锁定"
login li.si Clerk5678
wait_for "该账户已锁定"

# ---- the admin unlocks it ----
login admin Adm1nPass
wait_for "主菜单"
keys 8
wait_for "已锁定"
keys Down
keys F6
wait_for "账户 li.si 已解锁"
keys Escape 9
wait_for "确定要注销登录吗"
keys Enter
login li.si Clerk5678
wait_for "受理员 李四（li.si）"
app_quit

# The screens wrote an intact audit trail.
out=$(cd_cli audit verify) || fail "audit verify failed: $out"
echo "$out" | grep -q "审计日志完整" || fail "unexpected: $out"
check_stderr
echo "foundation e2e: ok"
