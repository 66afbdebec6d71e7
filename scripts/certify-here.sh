#!/usr/bin/env bash
# The README's first command: set up, then certify this machine. Extra arguments go to `xcert certify`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/xcert certify "$@"
