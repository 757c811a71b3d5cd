#!/usr/bin/env bash
# Runs a command (`make test` runs pytest) with what the tests need beside Python, so that no test has a reason to
# skip: headless Chromium and its driver from Debian's packages (never downloaded from elsewhere), and a PostgreSQL.
#
# PostgreSQL: with TEST_POSTGRES_URL set, that server is used (CI sets it). Unset, this script creates a throwaway
# cluster in a temporary directory with the system's PostgreSQL binaries (Debian's `postgresql` package, installed
# when missing), starts it on a free loopback port, points TEST_POSTGRES_URL at it, and deletes it when the command
# ends. It runs beside pytest, not inside it, so no forked test process can stop it.
set -euo pipefail

need() {
  echo "tests/services.sh: the tests need $1; install it ($2) or $3" >&2
  exit 2
}

# Debian's packages, where this user may install them (root with apt-get: a CI machine, a container)
install_packages() {
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "tests/services.sh: installing $* (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    return 1
  fi
}

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  install_packages chromium chromium-driver \
    || need "Chromium and its driver" "apt-get install chromium chromium-driver" "set SANDBOX_CHROMIUM and SANDBOX_CHROMEDRIVER"
fi

postgres_bin() {
  local found
  found="$(command -v initdb || ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  [ -n "$found" ] && dirname "$found"
}

if [ -z "${TEST_POSTGRES_URL:-}" ]; then
  bin="$(postgres_bin)" || { install_packages postgresql && bin="$(postgres_bin)"; } \
    || need "PostgreSQL" "apt-get install postgresql" "set TEST_POSTGRES_URL=postgresql://user@host:5432/db"
  cluster="$(mktemp -d "${TMPDIR:-/tmp}/servicedesk-test-pg.XXXXXX")"
  # PostgreSQL refuses to run as root: as root, the cluster belongs to the package's `postgres` user
  as_owner=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$cluster"
    as_owner=(runuser -u postgres --)
  fi
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  stop() {
    "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$cluster"
  }
  trap stop EXIT
  "${as_owner[@]}" "$bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
  # a throwaway server: no fsync, its socket and log in its own directory
  options="-p $port -k $cluster -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
  "${as_owner[@]}" "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -o "$options" -w start >/dev/null
  export TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "tests/services.sh: a PostgreSQL of the tests' own at 127.0.0.1:$port, deleted when they end" >&2
fi

"$@"
