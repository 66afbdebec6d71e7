#!/usr/bin/env bash
# Set up xcert on a fresh Debian/Ubuntu machine: system packages, a virtual environment, the package.
#   scripts/setup.sh          the package and what `xcert certify` needs
#   scripts/setup.sh --dev    also the test, lint and type-check tools
set -euo pipefail
cd "$(dirname "$0")/.."

extras="pdf,db,office"
[ "${1:-}" = "--dev" ] && extras="pdf,db,office,dameng,kingbase,oceanbase,dev"

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

if command -v apt-get >/dev/null 2>&1; then
  packages=$(grep -vE '^\s*(#|$)' scripts/system-packages.txt | tr '\n' ' ')
  python3 -m venv --help >/dev/null 2>&1 || packages="$packages python3-venv python3-pip"
  missing=""
  for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  if [ -n "$missing" ]; then
    echo "xcert setup: installing system packages:$missing" >&2
    $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing >/dev/null
  fi
else
  echo "xcert setup: not a Debian/Ubuntu machine; install the packages in scripts/system-packages.txt yourself" >&2
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade "pip>=23"
.venv/bin/python -m pip install -q -c constraints.txt -e ".[$extras]"
