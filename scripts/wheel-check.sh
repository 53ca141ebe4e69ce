#!/usr/bin/env bash
# The plain install, as the Dockerfile does it: build the wheel, install it with no extras
# into a clean virtual environment, and start `shuxiang up --demo` from it until the demo is
# ready and the alliance feed answers.  Fails on a setuptools warning while building, on a
# missing runtime dependency, and on a package file (template, schema, config) left out.
# The installed tree is also where the import contracts are checked (.importlinter): in the
# checkout the service packages live outside shuxiang/, where no static import graph sees them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PYTHON="${PYTHON:-python3}"
work=$(mktemp -d /tmp/shuxiang-wheel.XXXXXX)
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -INT "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

echo "wheel: building…"
"$PYTHON" -m venv "$work/build-env"
"$work/build-env/bin/python" -m pip install --quiet --upgrade pip build >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log"; exit 1; }
"$work/build-env/bin/python" -m build --wheel --outdir "$work/dist" . >"$work/build.log" 2>&1 \
  || { cat "$work/build.log"; exit 1; }
# setuptools' own warnings (undeclared data folders, deprecated settings); pip's notes on this
# machine's package index and "byte-compiling is disabled" are not about the package
if grep -qE "[A-Za-z]+Warning:" "$work/build.log"; then
  grep -E "[A-Za-z]+Warning:" "$work/build.log" | sort -u | head -20
  echo "wheel: the build printed warnings (above)" >&2
  exit 1
fi

echo "wheel: installing $(basename "$work"/dist/*.whl) with no extras into a clean venv…"
"$PYTHON" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$work"/dist/*.whl >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log"; exit 1; }

echo "wheel: import contracts (.importlinter) and import cycles on the installed package…"
"$work/venv/bin/python" -m pip install --quiet import-linter >"$work/pip.log" 2>&1 \
  || { cat "$work/pip.log"; exit 1; }
(cd "$work" && "$work/venv/bin/lint-imports" --config "$root/.importlinter" --no-cache >"$work/lint.log" 2>&1) \
  || { cat "$work/lint.log"; echo "wheel: an import contract is broken (above)" >&2; exit 1; }
grep -E "^Contracts:" "$work/lint.log"
(cd "$work" && "$work/venv/bin/python" "$root/scripts/import_cycles.py")

port=$("$work/venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
echo "wheel: shuxiang up --demo on port $port…"
cd "$work"   # not the checkout: the installed package alone must be enough
"$work/venv/bin/shuxiang" up --demo --data-dir "$work/data" --port "$port" >"$work/up.log" 2>&1 &
pid=$!
for _ in $(seq 1 180); do
  if grep -q "demo ready" "$work/up.log"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then cat "$work/up.log"; echo "wheel: shuxiang up exited" >&2; exit 1; fi
  sleep 1
done
grep -q "demo ready" "$work/up.log" || { cat "$work/up.log"; echo "wheel: the demo was not ready in 180 s" >&2; exit 1; }
events=$("$work/venv/bin/python" - "$port" <<'PY'
import sys, urllib.request
body = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/feeds/alliance.ics", timeout=10).read()
page = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/", timeout=10).status
print(body.count(b"BEGIN:VEVENT"), page)
PY
)
echo "wheel: demo ready; alliance.ics holds ${events% *} VEVENTs, / answers ${events#* }"
[ "${events% *}" -gt 0 ] && [ "${events#* }" = 200 ]
