#!/usr/bin/env bash
# The command-line tools: options, init, staff, audit verify and tamper
# detection, refusal of a newer database, certdeskd's own start.
set -euo pipefail
: "${CERTDESK_BIN:?}" "${TEST_TMP:?}"
cd_() { "$CERTDESK_BIN/certdesk" --data "$TEST_TMP/data" "$@"; }
die() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # rc command... : run, check the exit status, keep output in $out
	local want=$1; shift
	set +e; out=$("$@" 2>&1); local rc=$?; set -e
	[ "$rc" = "$want" ] || die "'$*' exited $rc, wanted $want: $out"
}

# ---- options behave as on any Unix tool ----
expect_rc 0 "$CERTDESK_BIN/certdesk" --help
echo "$out" | grep -q "用法：certdesk" || die "help text"
expect_rc 0 "$CERTDESK_BIN/certdesk" --version
[ "$out" = "certdesk $(sed -n 's/^VERSION *:= *//p' "$CERTDESK_ROOT/Makefile")" ] || die "version: $out"
expect_rc 2 "$CERTDESK_BIN/certdesk" --frobnicate
echo "$out" | grep -q "未知选项 --frobnicate" || die "unknown option message: $out"
expect_rc 2 "$CERTDESK_BIN/certdesk" frobnicate
echo "$out" | grep -q "未知子命令" || die "unknown subcommand message: $out"
# every subcommand answers --help and -h with its usage, touching no data
subs=$("$CERTDESK_BIN/certdesk" --help | sed -n 's/^  \([a-z][a-z]*\) .*/\1/p; s/^  \([a-z][a-z]*\)$/\1/p' | sort -u)
[ "$(wc -w <<<"$subs")" -ge 15 ] || die "subcommands in --help: $subs"
for sub in $subs; do
	for h in --help -h; do
		expect_rc 0 "$CERTDESK_BIN/certdesk" --data "$TEST_TMP/nowhere" "$sub" "$h"
		grep -q "用法" <<<"$out" || die "$sub $h: $out"
	done
done
[ -e "$TEST_TMP/nowhere" ] && die "--help made a data directory"

# ---- init without a screen ----
expect_rc 2 cd_ init --office SZFT
expect_rc 1 sh -c "echo short | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin"
echo "$out" | grep -q "密码至少 8 位" || die "weak password message: $out"
[ "$(sqlite3 "$TEST_TMP/data/certdesk.db" 'select count(*) from staff' 2>/dev/null || echo 0)" = 0 ] || die "refused init saved staff"
expect_rc 0 sh -c "echo Adm1nPass | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' init --office SZFT --office-name 深圳福田受理点 --terminal 1号窗口 --admin admin --admin-name 张管理"
expect_rc 1 sh -c "echo Adm1nPass | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' init --office XX --office-name 别处 --terminal T --admin root"
echo "$out" | grep -q "已完成初始设置" || die "second init: $out"

# ---- staff, as a staff member ----
expect_rc 1 cd_ staff list
echo "$out" | grep -q -- "--user" || die "staff without --user: $out"
export CERTDESK_PASSWORD=wrong
expect_rc 1 cd_ --user admin staff list
echo "$out" | grep -q "用户名或密码错误" || die "wrong password: $out"
export CERTDESK_PASSWORD=Adm1nPass
expect_rc 0 sh -c "echo Clerk1234 | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' --user admin staff add li.si 李四 clerk"
expect_rc 1 sh -c "echo Clerk1234 | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' --user admin staff add li.si 李四 clerk"
echo "$out" | grep -q "已被使用" || die "duplicate user: $out"
expect_rc 0 cd_ --user admin staff list
echo "$out" | grep -q "li.si *李四 *受理员 *正常（待改密码）" || die "list: $out"
expect_rc 0 cd_ --user admin staff disable li.si
expect_rc 1 cd_ --user admin staff disable admin
echo "$out" | grep -q "不能停用自己" || die "self disable: $out"
CERTDESK_PASSWORD=Clerk1234 expect_rc 1 cd_ --user li.si staff list
echo "$out" | grep -q "已停用" || die "disabled login: $out"
expect_rc 0 cd_ --user admin staff enable li.si
# A password set by an admin must be changed before anything else.
CERTDESK_PASSWORD=Clerk1234 expect_rc 1 cd_ --user li.si application show SQ-SZFT-01-20261125-0001
echo "$out" | grep -q "请先修改密码" || die "must change: $out"
CERTDESK_PASSWORD=Clerk1234 expect_rc 0 sh -c "echo Clerk5678 | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' --user li.si staff passwd"
CERTDESK_PASSWORD=Clerk5678 expect_rc 1 cd_ --user li.si staff list
echo "$out" | grep -q "只有管理员" || die "clerk listing staff: $out"
CERTDESK_PASSWORD=Clerk5678 expect_rc 1 sh -c "echo Evil1234 | '$CERTDESK_BIN/certdesk' --data '$TEST_TMP/data' --user li.si staff add x.y 某 admin"
echo "$out" | grep -q "只有管理员" || die "clerk creating staff: $out"

# ---- the audit chain ----
expect_rc 0 cd_ audit verify
echo "$out" | grep -q "审计日志完整" || die "verify: $out"
n=$(sqlite3 "$TEST_TMP/data/certdesk.db" 'select count(*) from audit_log')
[ "$n" -ge 6 ] || die "expected audit entries, have $n"
# Tamper with entry 3 (the triggers must be dropped first: they refuse edits).
sqlite3 "$TEST_TMP/data/certdesk.db" "UPDATE audit_log SET after = '{}' WHERE seq = 3" 2>/dev/null \
	&& die "the audit log accepted an update"
sqlite3 "$TEST_TMP/data/certdesk.db" "DROP TRIGGER audit_no_update; UPDATE audit_log SET actor_name = 'mallory' WHERE seq = 3"
expect_rc 1 cd_ audit verify
echo "$out" | grep -q "第 3 条记录" || die "tamper not named: $out"
sqlite3 "$TEST_TMP/data/certdesk.db" "UPDATE audit_log SET actor_name = 'admin' WHERE seq = 3"
expect_rc 0 cd_ audit verify
sqlite3 "$TEST_TMP/data/certdesk.db" "DROP TRIGGER audit_no_delete; DELETE FROM audit_log WHERE seq = 2"
expect_rc 1 cd_ audit verify
echo "$out" | grep -q "第 3 条记录.*删除" || die "deletion not named: $out"

# ---- a database from a newer certdesk is refused and left alone ----
cp "$TEST_TMP/data/certdesk.db" "$TEST_TMP/newer.db"
sqlite3 "$TEST_TMP/newer.db" "PRAGMA user_version = 9999; PRAGMA wal_checkpoint(TRUNCATE);" >/dev/null
mkdir -p "$TEST_TMP/newer" && mv "$TEST_TMP/newer.db" "$TEST_TMP/newer/certdesk.db"
sum=$(sha256sum "$TEST_TMP/newer/certdesk.db")
expect_rc 1 "$CERTDESK_BIN/certdesk" --data "$TEST_TMP/newer" audit verify
echo "$out" | grep -q "更新版本的 certdesk" || die "newer schema message: $out"
[ "$sum" = "$(sha256sum "$TEST_TMP/newer/certdesk.db")" ] || die "newer database was modified"
[ ! -e "$TEST_TMP/newer/certdesk.db-wal" ] || [ ! -s "$TEST_TMP/newer/certdesk.db-wal" ] || die "WAL written"

# ---- certdeskd starts, answers and stops ----
expect_rc 0 "$CERTDESK_BIN/certdeskd" --version
expect_rc 2 "$CERTDESK_BIN/certdeskd" --listen 127.0.0.1:1
expect_rc 0 sh -c "echo Adm1nPass | '$CERTDESK_BIN/certdeskd' init --db '$TEST_TMP/centre.db' --office HQ --office-name 总部 --admin root"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
expect_rc 2 "$CERTDESK_BIN/certdeskd" --db "$TEST_TMP/centre.db" --listen nowhere
"$CERTDESK_BIN/certdeskd" --db "$TEST_TMP/centre.db" --listen "127.0.0.1:$port" --max-body 4096 \
	2>"$TEST_TMP/certdeskd.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for i in $(seq 100); do curl -s --noproxy '*' "http://127.0.0.1:$port/v1/health" >/dev/null && break; sleep 0.05; done
h=$(curl -s --noproxy '*' "http://127.0.0.1:$port/v1/health")
echo "$h" | grep -q '"status":"ok"' || die "health: $h"
code=$(head -c 100000 /dev/zero | curl -s --noproxy '*' -o /dev/null -w '%{http_code}' -X POST --data-binary @- "http://127.0.0.1:$port/v1/health")
[ "$code" = 413 ] || die "oversized body got $code"
code=$(curl -s --noproxy '*' -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/v1/nothing")
[ "$code" = 404 ] || die "unknown path got $code"
kill -TERM $pid
wait $pid || die "certdeskd did not stop cleanly"
trap - EXIT
if grep -qE 'AddressSanitizer|runtime error' "$TEST_TMP/certdeskd.log"; then cat "$TEST_TMP/certdeskd.log"; die "sanitizer"; fi
# ---- the man pages: render cleanly and cover what the programs offer ----
if ! command -v groff >/dev/null 2>&1; then
	echo "SKIP: man pages not checked: groff is not installed (scripts/deps.sh --test installs groff-base)"
else
	render() { groff -man -Tutf8 -P-cbou "$CERTDESK_ROOT/docs/$1" 2>/dev/null; }
	for page in certdesk.1 certdeskd.1; do
		# -ww: every warning, -z: no output. Plain groff (no preconv), so a
		# page must be ASCII with \[uXXXX] escapes, as groff and mandoc
		# read it everywhere.
		set +e; warn=$(groff -man -Tutf8 -ww -z "$CERTDESK_ROOT/docs/$page" 2>&1); rc=$?; set -e
		[ "$rc" = 0 ] && [ -z "$warn" ] || die "docs/$page does not render cleanly (rc $rc): $warn"
		[ "$(render "$page" | wc -l)" -gt 50 ] || die "docs/$page renders to almost nothing"
	done
	man1=$(render certdesk.1) man1d=$(render certdeskd.1)
	grep -q "数字证书受理台" <<<"$man1" || die "certdesk.1: the Chinese name does not render"
	grep -q "中心控制台" <<<"$man1d" || die "certdeskd.1: the Chinese text does not render"
	# Every subcommand of certdesk --help has an entry (a line of its own
	# starting with its name), and every option either program's --help
	# names is in its page.
	subs=$("$CERTDESK_BIN/certdesk" --help | sed -n '/^子命令/,/^$/p' | sed -n 's/^  \([a-z][a-z-]*\).*/\1/p')
	[ "$(echo "$subs" | wc -l)" -ge 15 ] || die "could not read the subcommands from --help: $subs"
	for s in $subs; do
		grep -qE "^       $s( |\$)" <<<"$man1" || die "certdesk.1 has no entry for the subcommand $s"
	done
	for o in $("$CERTDESK_BIN/certdesk" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$o" <<<"$man1" || die "certdesk.1 does not mention $o (in certdesk --help)"
	done
	for o in $("$CERTDESK_BIN/certdeskd" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		grep -q -- "$o" <<<"$man1d" || die "certdeskd.1 does not mention $o (in certdeskd --help)"
	done
	# Every setting certdesk.conf may hold has an entry.
	keys=$(sed -n '/known_keys\[\] = {/,/^};/p' "$CERTDESK_ROOT/src/util/config.c" | sed -n 's/^[[:space:]]*"\([a-z0-9._-]*\)",.*/\1/p')
	[ "$(echo "$keys" | wc -l)" -ge 10 ] || die "could not read the settings from src/util/config.c: $keys"
	for k in $keys; do
		grep -qE "^       ([a-z0-9._]+, )?$k( |,|\$)" <<<"$man1" || die "certdesk.1 has no entry for the setting $k"
	done
fi

# ---- migrations: the build refuses a gap or a repeated version ----
mig=$TEST_TMP/migrations
embed() { rm -rf "$mig"; mkdir -p "$mig"; for n in "$@"; do echo "SELECT $RANDOM;" >"$mig/$n.sql"; done
	expect_rc "$want" sh "$CERTDESK_ROOT/scripts/embed.sh" migrations $(ls "$mig"/*.sql | sort); }
want=0 embed 0001_a 0002_b 0003_c
[ "$(echo "$out" | grep -c '^	{ [0-9]*, "')" = 3 ] || die "embed.sh: good migrations not embedded: $out"
want=1 embed 0001_a 0002_b 0002_c 0003_d
grep -q "0002_c.sql: migration version 0002 is used by another file too" <<<"$out" || die "embed.sh repeat: $out"
grep -q "^static" <<<"$out" && die "embed.sh wrote C for refused migrations"
want=1 embed 0001_a 0002_b 0004_d
grep -q "0004_d.sql: expected migration version 0003, found 0004" <<<"$out" || die "embed.sh gap: $out"
want=1 embed 0002_a 0003_b
grep -q "expected migration version 0001, found 0002" <<<"$out" || die "embed.sh start: $out"
want=1 embed 0001_a 2_b
grep -q "2_b.sql: a migration must be named NNNN_name.sql" <<<"$out" || die "embed.sh name: $out"

echo "cli: ok"
