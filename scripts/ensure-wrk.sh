#!/usr/bin/env bash
# The benchmark's write phases load the services with wrk (DESIGN §7: an external load generator,
# not a Python client sharing the cores). Install Debian's package when it is missing and we may
# (root with apt-get); otherwise the benchmark records those phases as failed and says why.
# wrk2 (fixed-rate mode) is not packaged by Debian: bench/wrk_load.py paces wrk with delay() instead.
set -u
if command -v wrk >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Debian's wrk for the benchmark's write phases..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null) \
    || echo "could not install wrk; the write phases will say so" >&2
fi
exit 0
