#!/usr/bin/env bash
# Prints the path of a Chromium for the browser tests: Playwright's own, else Debian's
# /usr/bin/chromium, else (as root) installs Debian's chromium package.
set -euo pipefail
own=$(ls -d "${PLAYWRIGHT_BROWSERS_PATH:-$HOME/.cache/ms-playwright}"/chromium-*/chrome-linux*/chrome 2>/dev/null | tail -n 1 || true)
if [ -n "$own" ] && [ -x "$own" ]; then echo "$own"; exit 0; fi
for candidate in /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -x "$candidate" ]; then echo "$candidate"; exit 0; fi
done
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "installing Debian's chromium for the browser tests…" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  echo /usr/bin/chromium; exit 0
fi
echo "no Chromium found: install Debian's chromium package (browser tests will be skipped)" >&2
echo ""
