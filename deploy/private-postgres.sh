#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a directory of ours: ./var/pg for run-local.sh, a temporary
# one for tests/run.sh. Unix socket only (no TCP), socket readable by its owner only.
#   private-postgres.sh start DIR [DBNAME]   init if needed, start if stopped, print the URL
#   private-postgres.sh stop DIR
#   private-postgres.sh url DIR [DBNAME]
# PRIVATE_PG_FAST=1 trades durability for speed (tests only).
set -euo pipefail

bin=/usr/lib/postgresql/15/bin
cmd=${1:-}; dir=${2:-}; db=${3:-linkledger}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop|url DIR [DBNAME]" >&2; exit 2; }
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
data="$dir/data"; run="$dir/run"

# initdb and postgres refuse to run as root: as root, the cluster belongs to 'postgres'.
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

url() { echo "postgresql://linkledger@/$db?host=$run&port=$(cat "$dir/port")"; }

running() { [ -f "$data/PG_VERSION" ] && as_owner "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; }

pick_port() {
  local port=54320
  while [ -e "$run/.s.PGSQL.$port" ] || [ -e "/tmp/.s.PGSQL.$port" ] ||
        ss -Hln "sport = :$port" 2>/dev/null | grep -q .; do
    port=$((port + 1))
  done
  echo "$port"
}

case "$cmd" in
  url) url ;;
  stop)
    if running; then as_owner "$bin/pg_ctl" -D "$data" -m fast -w stop >&2; fi ;;
  start)
    if [ "$(id -u)" -eq 0 ]; then
      chown postgres: "$dir"
      runuser -u postgres -- test -x "$dir" || {
        echo "private-postgres: user postgres cannot reach $dir; use a directory whose parents it can traverse" >&2; exit 1; }
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
      echo "private-postgres: creating a cluster in $data" >&2
      initdb_args=(-D "$data" -U linkledger --auth=trust -E UTF8 --locale=C.UTF-8)
      [ "${PRIVATE_PG_FAST:-0}" = 1 ] && initdb_args+=(--no-sync)
      as_owner "$bin/initdb" "${initdb_args[@]}" >&2
    fi
    as_owner mkdir -p "$run"
    as_owner chmod 700 "$run"
    if ! running; then
      [ -f "$dir/port" ] || pick_port > "$dir/port"
      opts="-c listen_addresses='' -c unix_socket_directories='$run' -c unix_socket_permissions=0700 -p $(cat "$dir/port")"
      if [ "${PRIVATE_PG_FAST:-0}" = 1 ]; then
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
      fi
      as_owner "$bin/pg_ctl" -D "$data" -l "$dir/postgres.log" -o "$opts" -w -t 60 start >&2 || {
        echo "private-postgres: start failed; see $dir/postgres.log" >&2; tail -20 "$dir/postgres.log" >&2; exit 1; }
    fi
    admin="postgresql://linkledger@/postgres?host=$run&port=$(cat "$dir/port")"
    if [ "$(psql "$admin" -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
      psql "$admin" -qc "CREATE DATABASE \"$db\"" >&2
    fi
    url ;;
  *) echo "usage: $0 start|stop|url DIR [DBNAME]" >&2; exit 2 ;;
esac
