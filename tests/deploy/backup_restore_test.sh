#!/usr/bin/env bash
# deploy/backup.sh (the compose `backup` service) against the real test PostgreSQL: a dump of
# a migrated Linkledger database is written whole, old dumps are pruned by age, and the
# README's restore command brings the database back to the dump's state.
# Usage: backup_restore_test.sh LINKLEDGER_BINARY   (needs LINKLEDGER_TEST_DATABASE_URL)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=$deploy_root
binary=${1:?usage: backup_restore_test.sh LINKLEDGER_BINARY}
cluster=$(test_cluster)
scratch=$deploy_scratch
src="ll_backup_$$"
dst="ll_restore_$$"
url_of() { database_url "$1"; }

scratch_database "$src"
scratch_database "$dst"
LINKLEDGER_DATABASE_URL=$(url_of "$src") "$binary" api-key create --name backup-test >/dev/null 2>&1 ||
  fail "could not set up the source database"

# The PG* variables compose gives the service, pointing at the test cluster instead of `db`.
eval "$(python3 - "$cluster" "$src" <<'PY'
import shlex, sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); q = dict(u.parse_qsl(p.query))
env = {"PGHOST": q.get("host") or p.hostname or "", "PGPORT": q.get("port") or str(p.port or 5432),
       "PGUSER": p.username or "", "PGDATABASE": sys.argv[2]}
if p.password: env["PGPASSWORD"] = p.password
print("\n".join(f"export {k}={shlex.quote(v)}" for k, v in env.items()))
PY
)"
mkdir -p "$scratch/backups"
touch -d '20 days ago' "$scratch/backups/linkledger-20000101T000000Z.dump"
touch -d '2 days ago' "$scratch/backups/linkledger-20000102T000000Z.dump"
BACKUP_TARGET="$scratch/backups" BACKUP_KEEP_DAYS=14 bash "$root/deploy/backup.sh" --once >"$scratch/out" 2>&1 ||
  { cat "$scratch/out"; fail "backup.sh --once failed"; }

[ ! -e "$scratch/backups/linkledger-20000101T000000Z.dump" ] || fail "a dump older than BACKUP_KEEP_DAYS was kept"
[ -e "$scratch/backups/linkledger-20000102T000000Z.dump" ] || fail "a recent dump was deleted"
ls "$scratch"/backups/.*.partial >/dev/null 2>&1 && fail "a partial dump was left behind"
dump=$(ls -t "$scratch"/backups/linkledger-*.dump | head -1)
[ "$dump" != "$scratch/backups/linkledger-20000102T000000Z.dump" ] || fail "no new dump: $(cat "$scratch/out")"
pg_restore --list "$dump" >/dev/null || fail "the dump is not a readable pg_dump archive"

# The README's restore, over a database that has moved on since (as on a real machine: the
# schema is there, and data the backup does not have).
LINKLEDGER_DATABASE_URL=$(url_of "$dst") "$binary" api-key create --name after-the-backup >/dev/null 2>&1 ||
  fail "could not set up the target database"
# (pg_restore --clean cannot replace partitioned tables: the database is made anew instead.)
dropdb --force "$dst" && createdb "$dst" || fail "could not recreate the target database"
pg_restore -d "$dst" --no-owner --exit-on-error <"$dump" 2>"$scratch/restore.err" ||
  { cat "$scratch/restore.err"; fail "pg_restore failed"; }
for sql in "SELECT count(*) FROM api_keys WHERE name = 'backup-test'" \
           "SELECT string_agg(name, ',' ORDER BY version) FROM schema_migrations"; do
  [ "$(psql -tA -d "$(url_of "$src")" -c "$sql")" = "$(psql -tA -d "$(url_of "$dst")" -c "$sql")" ] ||
    fail "restored data differs: $sql"
done
[ "$(psql -tA -d "$(url_of "$dst")" -c "SELECT count(*) FROM api_keys WHERE name = 'after-the-backup'")" = 0 ] ||
  fail "the restore kept data the backup does not have"
LINKLEDGER_DATABASE_URL=$(url_of "$dst") "$binary" migrate >/dev/null 2>&1 || fail "the restored database is not one linkledger accepts"
echo "backup: $(basename "$dump") written, pruned by age, restored with the README's command"
