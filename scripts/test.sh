#!/usr/bin/env bash
# The whole test suite. Locally: SQLite (and PostgreSQL too when CHENGXIN_TEST_POSTGRES=1).
# With CI=true: linters, the migration check, a short fuzzing run (tests/fuzz; also with
# CHENGXIN_TEST_FUZZ=1), then the suite on SQLite and on PostgreSQL (127.0.0.1:5432, user
# postgres); fails if either run, or the browser suite, did not run.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=chengxin.config.settings.test
export CHENGXIN_VAR_DIR="${CHENGXIN_VAR_DIR:-$PWD/var}"
mkdir -p test-artifacts

if ! bash scripts/ensure-browser.sh; then
  if [ "${CI:-}" = "true" ]; then echo "CI: the browser suite cannot run" >&2; exit 1; fi
  echo "warning: browser tests will be skipped" >&2
fi

if [ "${CI:-}" = "true" ]; then
  export CHENGXIN_REQUIRE_ALL_SUITES=1
  echo "== lint"
  $BIN/ruff check .
  $BIN/ruff format --check .
  echo "== migrations are up to date"
  env -u DATABASE_URL $BIN/python manage.py makemigrations --check --dry-run
fi

if [ "${CI:-}" = "true" ] || [ "${CHENGXIN_TEST_FUZZ:-}" = "1" ]; then
  echo "== fuzzing (${CHENGXIN_FUZZ_RUNS:-3000} executions per target)"
  $BIN/python -m tests.fuzz.run --runs "${CHENGXIN_FUZZ_RUNS:-3000}"
fi

run_suite() {
  local label=$1
  echo "== test suite on $label"
  rm -rf "test-artifacts/permission-matrix-$label.jsonl" "test-artifacts/leaks-$label.jsonl" \
    "test-artifacts/schemathesis-$label.json" \
    test-artifacts/logs/"$label"-*.log test-artifacts/server/"$label"-*.log test-artifacts/pages
  CHENGXIN_TEST_LABEL=$label $BIN/pytest -n 2 --dist loadgroup -q "${@:2}"
  $BIN/python scripts/check_test_summary.py "$label"
  CHENGXIN_TEST_LABEL=$label $BIN/python scripts/leak_scan.py "$label"
}

( unset DATABASE_URL; run_suite sqlite "$@" )

if [ "${CI:-}" = "true" ] || [ "${CHENGXIN_TEST_POSTGRES:-}" = "1" ]; then
  export DATABASE_URL="${CHENGXIN_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/chengxin_ci}"
  run_suite postgresql "$@"
fi
