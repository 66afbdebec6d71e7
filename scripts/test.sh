#!/usr/bin/env bash
# The README's second command: set up, then run every test, ruff and mypy.
# Integration tests need root (network namespaces, sshd, database servers); as another user they skip.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
echo "== ruff" && .venv/bin/ruff check harness suites tests benchmarks
echo "== mypy" && .venv/bin/mypy
echo "== pytest" && .venv/bin/pytest tests -q -rs "$@"
