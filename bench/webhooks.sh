#!/usr/bin/env bash
# Webhook throughput (issue 16): events per second delivered to a local receiver
# (tests/webhooks/receiver.mjs, signatures not logged), from an outbox filled at once by
# N link inserts in one transaction; then redirects per second with wrk while a second batch
# is delivered, against redirects alone (target: 500 events/s, redirects within 5 %).
# The second batch is written to the outbox beforehand, with its endpoint switched off, and
# sending starts with wrk: not by link inserts (5000 link changes would also reload 5000 entries
# of the redirect table) nor during the window (a 10,000-event transaction is a burst that real
# changes spread over time), so the window holds the cost of delivering alone. wrk runs 10 s, alone before and after.
# The sender's threads run SCHED_IDLE (nice 10 before 2026-12-02 08:45), so while wrk saturates the CPU the redirects come first
# and deliveries slow down: the events delivered during the wrk window are printed too.
# Usage: bench/webhooks.sh [EVENTS]  (default 5000). LINKLEDGER_BIN=path skips the Release
# build; LINKLEDGER_DATABASE_URL uses that database instead of a throw-away one;
# WEBHOOKS_BENCH_POLL=0.05 polls the second batch as the script did before 2026-12-02 08:40.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
events=${1:-5000}
if [ -z "${LINKLEDGER_BIN:-}" ]; then bench_build; bin="$root/build/bench/linkledger"; else bin=$LINKLEDGER_BIN; fi
url=${LINKLEDGER_DATABASE_URL:-$(bench_postgres)}
ll_port=18191
(cd "$root/tests/webhooks" && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null)

node "$root/tests/webhooks/receiver.mjs" 0 >"$scratch/receiver.out" &
bench_pids="$!"
for _ in $(seq 100); do grep -q listening "$scratch/receiver.out" && break; sleep 0.1; done
rport=$(sed -n 's/^listening //p' "$scratch/receiver.out")
curl -sf -X PUT "http://127.0.0.1:$rport/__quiet" -d true >/dev/null

key=$(LINKLEDGER_DATABASE_URL=$url "$bin" api-key create --name bench 2>/dev/null | tail -n 1)
LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$ll_port LINKLEDGER_DATA_DIR=$scratch/data \
  LINKLEDGER_WEBHOOK_ALLOW_PRIVATE=1 LINKLEDGER_LOG_LEVEL=warn "$bin" serve 2>"$scratch/linkledger.log" &
bench_pids="$bench_pids $!"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ll_port/healthz" >/dev/null && break; sleep 0.1; done
api() { curl -sf -H "Authorization: Bearer $key" "$@"; }
api -X POST "http://127.0.0.1:$ll_port/api/v1/links" -d '{"target_url":"https://shop.example/p","slug":"bench-wh"}' >/dev/null
api -X POST "http://127.0.0.1:$ll_port/api/v1/webhooks" \
  -d "{\"url\":\"http://127.0.0.1:$rport/ok\",\"events\":[\"link.created\"]}" >/dev/null
sql() { psql "$url" -qAtX -c "$1"; }

batch() { # writes $1 events in one transaction; waits until all are delivered; prints seconds
  local n=$1 tag=$2 start end done_count
  # Polled every 50 ms for the throughput batch; once a second for the batch delivered beside
  # wrk, where 20 psql processes and backends a second took more CPU than the deliveries did
  # (perf, 2026-12-02: psql 9.5 % and their backends ~4 % of both cores, in that window only).
  local poll=0.05; [ "$tag" = a ] || poll=${WEBHOOKS_BENCH_POLL:-1}
  local before; before=$(sql "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'")
  start=$(date +%s.%N)
  if [ "$tag" = a ]; then
    sql "INSERT INTO links (slug, target_url) SELECT 'wh-$tag-' || i, 'https://shop.example/' || i FROM generate_series(1, $n) i"
  else
    # Written beforehand while the endpoint was off (below); sending starts now.
    sql "UPDATE webhook_endpoints SET active = true; NOTIFY linkledger_webhooks"
  fi
  while :; do
    done_count=$(sql "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'")
    [ $((done_count - before)) -ge "$n" ] && break
    sleep "$poll"
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

# CPU time (clock ticks) of a process, and of the throw-away cluster's processes together.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() {
  local pm t=0 p; pm=$(head -1 "$scratch/pg/data/postmaster.pid")
  for p in $pm $(pgrep -P "$pm"); do t=$((t + $(ticks "$p" 2>/dev/null || echo 0))); done
  echo $t
}
receiver_pid=${bench_pids%% *}
ll_pid=${bench_pids##* }
cpu_before="$(ticks "$ll_pid") $(ticks "$receiver_pid") $(pg_ticks)"
secs=$(batch "$events" a)
cpu_after="$(ticks "$ll_pid") $(ticks "$receiver_pid") $(pg_ticks)"
printf 'webhooks: %d events delivered in %.2f s: %.0f events/s\n' "$events" "$secs" "$(echo "$events / $secs" | bc -l)"
read -r l0 r0 p0 <<<"$cpu_before"; read -r l1 r1 p1 <<<"$cpu_after"
hz=$(getconf CLK_TCK)
printf 'CPU per event: linkledger %.3f ms, receiver %.3f ms, PostgreSQL %.3f ms\n' \
  "$(echo "($l1 - $l0) * 1000 / $hz / $events" | bc -l)" "$(echo "($r1 - $r0) * 1000 / $hz / $events" | bc -l)" \
  "$(echo "($p1 - $p0) * 1000 / $hz / $events" | bc -l)"
got=$(curl -sf "http://127.0.0.1:$rport/__count")
echo "receiver: $got (received = distinct: each sent once)"

if command -v wrk >/dev/null; then
  ua='Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148'
  redirects() { wrk -t2 -c64 -d10s -H "User-Agent: $ua" "http://127.0.0.1:$ll_port/bench-wh" | awk '/Requests\/sec/ {print $2}'; }
  succeeded() { sql "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'"; }
  # The second batch's events and deliveries, as linkledger_webhook_enqueue writes them, for the
  # endpoint switched off: writing 10,000 events in one transaction is a burst of work for
  # PostgreSQL that real sales and link changes spread over time, so it is not in the window.
  sql "UPDATE webhook_endpoints SET active = false;
       WITH ev AS (INSERT INTO webhook_events (type, data, context)
                   SELECT 'link.created', linkledger_link_json(l), json_build_object('slug', l.slug)
                   FROM links l, generate_series(1, $((events * 2))) WHERE l.slug = 'bench-wh' RETURNING id)
       INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id)
       SELECT e.id, ev.id, 'msg_' || replace(gen_random_uuid()::text, '-', '') FROM ev, webhook_endpoints e"
  sleep 2
  before=$(redirects)
  s0=$(succeeded)
  batch $((events * 2)) b >"$scratch/b.secs" &
  batch_pid=$!
  during=$(redirects)
  s1=$(succeeded)
  wait $batch_pid
  after=$(redirects)
  alone=$(echo "($before + $after) / 2" | bc -l)
  printf 'redirects/s alone %.0f (before %.0f, after %.0f), while delivering %.0f (%.1f %%)\n' \
    "$alone" "$before" "$after" "$during" "$(echo "($during - $alone) * 100 / $alone" | bc -l)"
  printf 'delivered during those 10 s: %d events (%.0f/s); the whole batch: %s events in %.2f s\n' \
    "$((s1 - s0))" "$(echo "($s1 - $s0) / 10" | bc -l)" "$((events * 2))" "$(cat "$scratch/b.secs")"
else
  echo "wrk not installed: redirect impact not measured (apt-get install wrk)"
fi
