#!/usr/bin/env bash
# Starts the server as deploy/docker-compose.yml would start the `app` container: the exact
# environment the compose file resolves with deploy/.env.example, the image's working
# directory and data directory (under a scratch root), and `serve` as the command, against the
# real test PostgreSQL. Only what cannot be the same outside a container changes: the database
# address (the compose `db` host is the test cluster, in a scratch database) and the port (a
# free one, on the same 0.0.0.0). Then /readyz must answer 200 "ready", the logs must be JSON
# lines, and SIGTERM must stop it with exit 0.
# Usage: compose_app_start_test.sh LINKLEDGER_BINARY   (needs LINKLEDGER_TEST_DATABASE_URL)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=$deploy_root
binary=${1:?usage: compose_app_start_test.sh LINKLEDGER_BINARY}
cluster=$(test_cluster)
scratch=$deploy_scratch
db="ll_compose_$$"
pid=""
stop_server() { [ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true; }
on_exit stop_server
show_log() { [ ! -f "$scratch/log" ] || tail -30 "$scratch/log" >&2; }
on_fail show_log

sed 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=test0secret0value/' "$root/deploy/.env.example" >"$scratch/env"
docker-compose -f "$root/deploy/docker-compose.yml" --env-file "$scratch/env" config >"$scratch/config.yml"

scratch_database "$db"
# The same environment, as NAME=VALUE lines; the database and port swapped as said above.
python3 - "$scratch/config.yml" "$cluster" "$db" "$scratch/root" >"$scratch/app.env" <<'PY'
import sys, urllib.parse, yaml
config, cluster, db, fsroot = sys.argv[1:]
env = dict(yaml.safe_load(open(config))["services"]["app"]["environment"])
assert env["LINKLEDGER_DATABASE_URL"].startswith("host=db "), env["LINKLEDGER_DATABASE_URL"]
u = urllib.parse.urlsplit(cluster)
env["LINKLEDGER_DATABASE_URL"] = urllib.parse.urlunsplit(u._replace(path="/" + db))
host, port = env["LINKLEDGER_LISTEN"].rsplit(":", 1)
assert (host, port) == ("0.0.0.0", "8080"), env["LINKLEDGER_LISTEN"]
# Port 0: the server takes a free one and says which (a port picked here and handed over could
# be bound first by a server of the test running beside this one).
env["LINKLEDGER_LISTEN"] = f"{host}:0"
env["LINKLEDGER_DATA_DIR"] = fsroot + env["LINKLEDGER_DATA_DIR"]
for k, v in sorted(env.items()):
    assert "\n" not in str(v)
    print(f"{k}={'' if v is None else v}")
PY
# The image's layout: WORKDIR /usr/share/linkledger, data in /var/lib/linkledger (a volume).
"$root/deploy/stage-runtime.sh" "$(dirname "$binary")" "$scratch/root" 2>/dev/null
data_dir=$(sed -n 's/^LINKLEDGER_DATA_DIR=//p' "$scratch/app.env")
install -d -m 0750 "$data_dir"

mapfile -t app_env <"$scratch/app.env"
(cd "$scratch/root/usr/share/linkledger" &&
  exec env -i PATH=/usr/bin:/bin HOME=/nonexistent ASAN_OPTIONS="${ASAN_OPTIONS:-}" UBSAN_OPTIONS="${UBSAN_OPTIONS:-}" \
    "${app_env[@]}" "$scratch/root/usr/local/bin/linkledger" serve) 2>"$scratch/log" &
pid=$!

for _ in $(seq 1 300); do
  grep -q 'listening on' "$scratch/log" && break
  kill -0 "$pid" 2>/dev/null || fail "the server exited at start"
  sleep 0.1
done
grep -q 'listening on' "$scratch/log" || fail "the server did not start within 30 s"
port=$(grep -o 'listening on http://[^" ]*' "$scratch/log" | head -1 | sed 's/.*://')
[ -n "$port" ] || fail "the server did not say its port"

ready=$(curl -s -o "$scratch/readyz" -w '%{http_code}' "http://127.0.0.1:$port/readyz")
[ "$ready" = 200 ] || fail "/readyz answered $ready: $(cat "$scratch/readyz")"
grep -q '"status":"ready"' "$scratch/readyz" || fail "/readyz is not ready: $(cat "$scratch/readyz")"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/metrics")" = 200 ] || fail "/metrics did not answer"
[ -d "$data_dir/journal" ] || fail "the journal is not in the data directory"

kill -TERM "$pid"
status=0
wait "$pid" || status=$?
pid=""
[ "$status" -eq 0 ] || fail "SIGTERM: exit $status"

# LINKLEDGER_LOG_FORMAT=json from the compose file: every line of ours is a JSON object.
python3 - "$scratch/log" <<'PY' || fail "the logs are not JSON lines"
import json, sys
lines = [l for l in open(sys.argv[1]) if l.strip() and not l.startswith("==")]
assert lines, "no log lines"
for l in lines:
    entry = json.loads(l)
    assert {"time", "level", "message"} <= entry.keys(), l
assert any(e.get("path") == "/readyz" and e.get("status") == 200 for e in map(json.loads, lines)), "no /readyz request line"
PY
echo "compose app: started with the compose environment ($(wc -l <"$scratch/app.env") variables), /readyz 200, JSON logs, clean stop"
