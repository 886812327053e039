#!/usr/bin/env bash
# Installs the system packages the test suite needs when they are missing:
# a PostgreSQL server (tests start their own throw-away cluster) and Debian's Chromium
# (browser tests drive it with Playwright; Playwright's own browser download is not used);
# the DejaVu fonts (the posters at /admin/reach need them, Cyrillic included);
# and wrk, the HTTP load generator of benchmarks/webhooks.py.
set -euo pipefail

need=()
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && ! command -v initdb >/dev/null 2>&1; then
  need+=(postgresql)
fi
if ! command -v chromium >/dev/null 2>&1; then
  need+=(chromium)
fi

if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ]; then
  need+=(fonts-dejavu-core)
fi
# wrk is only for benchmarks (they fall back to a Python load generator): installed when we
# can, never a reason to stop
if ! command -v wrk >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ]; then
  need+=(wrk)
fi

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "missing system packages: ${need[*]} (install them, e.g. sudo apt-get install ${need[*]})" >&2
  exit 1
fi
echo "installing ${need[*]} ..."
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian package starts a cluster of its own; tests do not use it.
if command -v pg_ctlcluster >/dev/null 2>&1; then
  for cluster in /etc/postgresql/*/main; do
    [ -d "$cluster" ] && pg_ctlcluster "$(basename "$(dirname "$cluster")")" main stop 2>/dev/null || true
  done
fi
