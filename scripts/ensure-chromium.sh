#!/usr/bin/env bash
# The market page test drives a real headless Chromium (Debian's package). Install it when it is
# missing and we may (root with apt-get); otherwise the test itself reports that it is missing.
# fonts-noto-cjk: without a CJK font the page's Chinese renders as boxes in the screenshots.
set -u
if command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "noto.*cjk"; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's chromium for the page tests..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) \
    || echo "could not install chromium; the page test will say so" >&2
fi
exit 0
