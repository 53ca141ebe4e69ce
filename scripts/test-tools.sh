#!/usr/bin/env bash
# The tools the test suite drives besides Python: Debian's chromium (browser tests,
# through Playwright) with a CJK font, Node.js (Mozilla's ical.js reads our feeds back; axe-core,
# injected by Playwright, checks the public pages' accessibility: both from tests/js/package-lock.json)
# and libical through the system python3's GObject bindings (libical has no wheel; it reads them too).
# Installs what is missing with apt-get when run as root; otherwise says what to install.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
/usr/bin/python3 -c "import gi" >/dev/null 2>&1 || missing+=(python3-gi)
/usr/bin/python3 -c "import gi; gi.require_version('ICalGLib', '3.0')" >/dev/null 2>&1 || missing+=(gir1.2-ical-3.0)
# the statistics report's XLSX is converted to PDF by LibreOffice, and PDFs to PNG by pdftoppm
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
# screenshots of Chinese pages need a CJK font, or every character is a box
{ command -v fc-list >/dev/null 2>&1 && fc-list :lang=zh | grep -q . ; } || missing+=(fonts-noto-cjk)

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing ${missing[*]} (apt-get)…"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "the tests need: ${missing[*]} — install them (e.g. sudo apt-get install ${missing[*]})" >&2
    exit 1
  fi
fi

if [ -f tests/js/package-lock.json ]; then
  npm ci --prefix tests/js --no-audit --no-fund --loglevel=error
fi
