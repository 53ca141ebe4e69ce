#!/usr/bin/env bash
# The quality gates CI runs before the tests (`make lint`): ruff's lint rules, ruff's format
# and mypy, each configured in pyproject.toml ([tool.ruff], [tool.mypy]: events/, calendars/,
# schemas/ and the services' handlers; see below for where mypy runs).  Every gate
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
# mypy: in the checkout, the wheel's shuxiang.events / .schemas / .services / .calendars / .deploy are
# top-level folders (package-dir in pyproject.toml), a mapping mypy cannot follow: `mypy` there
# checks the files but takes what they import from one another as Any.  So the gate checks them
# where they sit as in the wheel: a tree of links (shuxiang/ with those folders inside it), the
# same files as [tool.mypy] files, under their shuxiang.* names.
root=$(pwd)
case $BIN in /*) ;; *) BIN="$root/$BIN" ;; esac
mkdir -p "$out/tree/shuxiang"
for entry in shuxiang/*; do ln -s "$root/$entry" "$out/tree/shuxiang/"; done
for folder in events schemas services calendars deploy; do ln -s "$root/$folder" "$out/tree/shuxiang/$folder"; done
targets=()
for path in $("$BIN/python" -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["tool"]["mypy"]["files"])'); do
  for file in $path; do  # the globs of [tool.mypy] files, expanded here
    module="shuxiang.$(echo "${file%.py}" | tr / .)"
    if [ -d "$file" ]; then targets+=(-p "$module"); else targets+=(-m "$module"); fi
  done
done
mypy_in_tree() { (cd "$out/tree" && "$BIN/python" -m mypy --config-file "$root/pyproject.toml" \
                   --cache-dir "$root/.mypy_cache/tree" "${targets[@]}"); }
gate "mypy" "^(Success|Found [0-9]+ error)" mypy_in_tree

printf '%s\n' "${summaries[@]}"
exit "$failed"
