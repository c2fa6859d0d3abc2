# The checks of the scripts that stop at the first failure (stock,
# stats, lifecycle, report, sync_blobs):
# expect_rc runs a command and keeps its output in $out.
# Sourced, not run: scripts/test.sh skips lib*.sh.

die() { echo "FAIL: $*" >&2; exit 1; }
expect_rc() { # rc command... : run, check the exit status, keep output in $out
	local want=$1; shift
	set +e; out=$("$@" 2>&1); local rc=$?; set -e
	[ "$rc" = "$want" ] || die "'$*' exited $rc, wanted $want: $out"
	if grep -qE 'AddressSanitizer|LeakSanitizer|runtime error' <<<"$out"; then die "sanitizer: $out"; fi
}
has() { grep -qF -- "$1" <<<"$out" || die "expected '$1' in: $out"; }
hasnt() { ! grep -qF -- "$1" <<<"$out" || die "did not expect '$1' in: $out"; }
