#!/usr/bin/env bash
# Webhook throughput (issue 16): events per second delivered to a local receiver
# (tests/webhooks/receiver.mjs, signatures not logged), from an outbox filled at once by
# N link inserts in one transaction; then redirects per second with wrk while a second batch
# is delivered, against redirects alone (target: 500 events/s, redirects within 5 %).
# Usage: bench/webhooks.sh [EVENTS]  (default 5000). LINKLEDGER_BIN=path skips the Release
# build; LINKLEDGER_DATABASE_URL uses that database instead of a throw-away one.
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

batch() { # inserts $1 links in one transaction; waits until all are delivered; prints seconds
  local n=$1 tag=$2 start end done_count
  local before; before=$(sql "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'")
  start=$(date +%s.%N)
  sql "INSERT INTO links (slug, target_url) SELECT 'wh-$tag-' || i, 'https://shop.example/' || i FROM generate_series(1, $n) i"
  while :; do
    done_count=$(sql "SELECT count(*) FROM webhook_deliveries WHERE status = 'succeeded'")
    [ $((done_count - before)) -ge "$n" ] && break
    sleep 0.05
  done
  end=$(date +%s.%N)
  echo "$end - $start" | bc -l
}

secs=$(batch "$events" a)
printf 'webhooks: %d events delivered in %.2f s: %.0f events/s\n' "$events" "$secs" "$(echo "$events / $secs" | bc -l)"
got=$(curl -sf "http://127.0.0.1:$rport/__count")
echo "receiver: $got (received = distinct: each sent once)"

if command -v wrk >/dev/null; then
  ua='Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148'
  alone=$(wrk -t2 -c64 -d5s -H "User-Agent: $ua" "http://127.0.0.1:$ll_port/bench-wh" | awk '/Requests\/sec/ {print $2}')
  batch "$events" b >"$scratch/b.secs" &
  during=$(wrk -t2 -c64 -d5s -H "User-Agent: $ua" "http://127.0.0.1:$ll_port/bench-wh" | awk '/Requests\/sec/ {print $2}')
  wait $!
  printf 'redirects/s alone %.0f, while delivering %.0f (%.1f %%)\n' "$alone" "$during" \
    "$(echo "($during - $alone) * 100 / $alone" | bc -l)"
else
  echo "wrk not installed: redirect impact not measured (apt-get install wrk)"
fi
