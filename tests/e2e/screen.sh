#!/usr/bin/env bash
# The screen's frame: a non-UTF-8 locale, a window too small then resized,
# F1 help, NO_COLOR, and a long Chinese value in a narrow field.
source "$(dirname "$0")/lib.sh"

# Started under the C locale, the program switches to C.UTF-8 by itself.
COLS=60 ROWS=20 EXTRA_ENV="LANG=C LC_ALL=C NO_COLOR=1" app_start
wait_for "窗口太小：至少需要 80×24，当前 60×20"
tm resize-window -t app -x 100 -y 30
wait_for "首次设置"
wait_for "受理点代码"

# F1 shows this screen's keys, any key returns.
keys F1
wait_for "本屏幕的按键"
wait_for "检查并保存当前表单"
keys Escape
wait_for "受理点代码"

# A name longer than the field scrolls; the end of it stays visible and no
# double-width character is cut at the edge.
keys Tab
type "深圳市福田区华强北街道第一数字证书受理服务中心营业厅"
wait_for "营业厅"
line=$(screen | grep "受理点名称")
echo "$line" | grep -q "营业厅" || fail "the end of a long name should be visible: $line"
tm resize-window -t app -x 80 -y 24
wait_for "受理点名称"
keys Home
wait_for "深圳市福田区"
line=$(screen | grep "受理点名称")
echo "$line" | grep -q "深圳市福田区" || fail "Home should show the start: $line"

keys F10
[ "$(app_wait_exit)" = 0 ] || fail "exit status"
check_stderr
echo "screen e2e: ok"
