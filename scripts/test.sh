#!/usr/bin/env bash
# The README's second command: set up, then run every test, ruff and mypy.
# Integration tests need root (network namespaces, sshd, database servers); as another user they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# The arm64 root for the aarch64 lab test takes minutes to build on a fresh machine: start it now, beside
# ruff, mypy and the other tests; the test waits for it (one builder at a time, under a lock), handed out after
# the first test files (tests/conftest.py: LATE_PLACE).
arm_pid=""
if [ "$(id -u)" -eq 0 ] && command -v debootstrap >/dev/null 2>&1; then
  mkdir -p reports/.ci
  setsid .venv/bin/python -m harness.lab.arm >reports/.ci/arm64-root.log 2>&1 &
  arm_pid=$!
fi
# a build still running when the tests end (they failed early) is stopped with everything it started
trap '[ -n "$arm_pid" ] && kill -- "-$arm_pid" 2>/dev/null || true' EXIT
echo "== ruff" && .venv/bin/ruff check harness suites tests benchmarks
echo "== mypy" && .venv/bin/mypy && .venv/bin/mypy benchmarks  # the benchmarks are scripts (sibling imports), checked as files
echo "== pytest" && .venv/bin/pytest tests -q -rs -n 2 --dist loadfile --no-loadscope-reorder "$@"
