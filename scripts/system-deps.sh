#!/usr/bin/env bash
# Installs the system packages the tests need (PostgreSQL 15, Redis 7, Chromium; promtool from
# prometheus for the alert rules; nginx and pgbouncer for the load-balanced test), if missing.
set -euo pipefail
need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || need+=(postgresql-15)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
# The collector's real-browser suite (sdk/js/browsers): Firefox, WebKit, a virtual display.
command -v firefox-esr >/dev/null || need+=(firefox-esr)
command -v epiphany-browser >/dev/null || need+=(epiphany-browser)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v dbus-run-session >/dev/null || need+=(dbus-daemon)
# Several instances behind a load balancer, and the monitoring rules (tests/deploy).
command -v promtool >/dev/null || need+=(prometheus)
[ -x /usr/sbin/nginx ] || need+=(nginx)
[ -x /usr/sbin/pgbouncer ] || need+=(pgbouncer)
if ((${#need[@]})); then
  echo "installing: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
