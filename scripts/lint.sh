#!/usr/bin/env bash
# The quality gates CI runs before the tests (`make lint`): ruff's lint rules, ruff's format
# and mypy, each configured in pyproject.toml ([tool.ruff], [tool.mypy]: `mypy` with no
# arguments checks events/, calendars/, schemas/ and the services' handlers).  Every gate
# runs even when an earlier one fails; their findings are printed, then a line per gate, and
# the script fails if any gate found anything.  The tools come from the project's virtualenv
# (the test extra pins their versions): BIN=/other/venv/bin scripts/lint.sh to use another.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
out=$(mktemp -d /tmp/shuxiang-lint.XXXXXX)
trap 'rm -rf "$out"' EXIT

summaries=()
failed=0

gate() {  # gate NAME SUMMARY-PATTERN COMMAND...: run it, show its output, remember one line
  local name=$1 pattern=$2
  shift 2
  "$@" >"$out/log" 2>&1
  local status=$?
  cat "$out/log"
  local line
  line=$(grep -E "$pattern" "$out/log" | tail -1)
  if [ "$status" -eq 0 ]; then
    summaries+=("lint: $name: ok${line:+ ($line)}")
  else
    failed=1
    summaries+=("lint: $name: FAILED (exit $status)${line:+: $line}")
  fi
}

gate "ruff check" "^(Found [0-9]+ error|All checks passed)" "$BIN/python" -m ruff check .
gate "ruff format --check" "files? (would be reformatted|already formatted)" "$BIN/python" -m ruff format --check .
gate "mypy" "^(Success|Found [0-9]+ error)" "$BIN/python" -m mypy

printf '%s\n' "${summaries[@]}"
exit "$failed"
