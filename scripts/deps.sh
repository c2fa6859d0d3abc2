#!/bin/sh
# Install the Debian packages certdesk needs to build, run and test.
# Idempotent: does nothing when everything is present. Run as root or with sudo.
set -eu

BUILD="gcc make pkg-config libncurses-dev libsqlite3-dev libjansson-dev
libcurl4-openssl-dev libmicrohttpd-dev libsodium-dev libssl-dev
libpcsclite-dev libhpdf-dev libharfbuzz-dev libqrencode-dev zlib1g-dev fonts-wqy-zenhei
locales cups-client"
TEST="libcunit1-dev tmux pcscd vsmartcard-vpcd poppler-utils opensc openssl
sqlite3 python3 curl jq groff-base"

want="$BUILD"
[ "${1:-}" = "--test" ] && want="$BUILD $TEST"

missing=""
for p in $want; do
	s=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$s" in
	*"install ok installed"*) ;;
	*) missing="$missing $p" ;;
	esac
done
[ -z "$missing" ] && exit 0

echo "certdesk: installing missing packages:$missing" >&2
SUDO=""
if [ "$(id -u)" != 0 ]; then
	if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
		echo "certdesk: need root to install:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# pcscd's package scripts try to start the system daemon; tests run their own.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
