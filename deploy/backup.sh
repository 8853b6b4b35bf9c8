#!/usr/bin/env bash
# The compose `backup` service: a pg_dump (custom format) of the Linkledger database every
# BACKUP_INTERVAL_SECONDS (a day), kept BACKUP_KEEP_DAYS days, in /backups. The first dump is
# taken at start, so a fresh install has one at once. Connection from PGHOST, PGDATABASE,
# PGUSER, PGPASSWORD. `--once` dumps once and exits. Restore: see README.md, "Backups and restore".
set -euo pipefail

keep_days=${BACKUP_KEEP_DAYS:-14}
interval=${BACKUP_INTERVAL_SECONDS:-86400}
dir=${BACKUP_TARGET:-/backups} # the volume; overridable for tests/deploy/backup_restore_test.sh

dump_once() {
  local name tmp
  name="linkledger-$(date -u +%Y%m%dT%H%M%SZ).dump"
  tmp="$dir/.$name.partial"
  # Written aside and renamed, so a half-written dump never looks like a backup.
  if pg_dump --format=custom --compress=6 --file="$tmp"; then
    mv "$tmp" "$dir/$name"
    echo "backup: wrote $dir/$name ($(du -h "$dir/$name" | cut -f1))"
  else
    rm -f "$tmp"
    echo "backup: pg_dump failed; will retry next round" >&2
  fi
  find "$dir" -maxdepth 1 -name 'linkledger-*.dump' -mtime +"$((keep_days - 1))" -print -delete |
    sed 's/^/backup: removed old /'
}

# `--once`: one dump now (before an upgrade), then exit.
if [ "${1:-}" = "--once" ]; then
  mkdir -p "$dir"
  dump_once
  exit 0
fi

# As PID 1, bash ignores SIGTERM unless told otherwise: stop between dumps at once.
trap 'exit 0' TERM INT
mkdir -p "$dir"
while true; do
  dump_once
  sleep "$interval" &
  wait $! # lets SIGTERM stop the container at once
done
