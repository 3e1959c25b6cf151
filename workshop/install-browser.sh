#!/bin/sh
# Installs Debian's chromium, which the slides' browser test drives
# headless (workshop/browser_test.go), when it is missing. Run as root, or
# with sudo on PATH. Without chromium, make test skips that test and says so.
set -eu
if command -v chromium >/dev/null 2>&1; then
	echo "chromium is installed: $(command -v chromium)"
	exit 0
fi
command -v apt-get >/dev/null 2>&1 || { echo "install-browser.sh: no apt-get here; install Chromium by hand (the browser test looks for \"chromium\" on PATH)" >&2; exit 1; }
sudo=""
[ "$(id -u)" = 0 ] || sudo=sudo
echo "installing chromium with apt-get (for the slides' browser test)"
$sudo apt-get update
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
