#!/usr/bin/env bash
# Memory through shipping backlogs (issue 18: the soak's flat memory): ROUNDS rounds of unpaced
# redirects (wrk, 64 connections, SECONDS each: the shipper falls behind and ships full
# batches), each followed by 12 s without load for the journal to drain. The server's RSS is
# printed at the end of each round (its peak under load, near enough) and after the drain. Memory
# the allocator keeps after a backlog shows as an after-drain figure that climbs from round
# to round; memory given back returns to about the first round's.
# Usage: bench/backlog_memory.sh [ROUNDS] [SECONDS]  (default 4 rounds of 15 s).
# LINKLEDGER_BIN=path skips the Release build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
rounds=${1:-4}
seconds=${2:-15}
if [ -z "${LINKLEDGER_BIN:-}" ]; then bench_build; bin="$root/build/bench/linkledger"; else bin=$LINKLEDGER_BIN; fi
url=$(bench_postgres)
port=18190
base="http://127.0.0.1:$port"
key=$(LINKLEDGER_DATABASE_URL=$url "$bin" api-key create --name bench 2>/dev/null | tail -n 1)
LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$port LINKLEDGER_DATA_DIR=$scratch/data \
  LINKLEDGER_LOG_LEVEL=warn "$bin" serve 2>"$scratch/linkledger.log" &
server=$!
bench_pids="$server"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "$base/api/v1/links" -H "Authorization: Bearer $key" \
  -d '{"target_url":"https://shop.example/p?subid={click_id}","slug":"backlog"}' >/dev/null

rss() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
echo "backlog memory: $rounds rounds of ${seconds} s unpaced at 64 connections, 12 s drain each"
echo "RSS at start: $(rss) MiB"
for round in $(seq "$rounds"); do
  rate=$(wrk -t2 -c64 -d"${seconds}s" -H "User-Agent: Mozilla/5.0 (iPhone) TikTok $round" "$base/backlog" |
    awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
  loaded=$(rss)
  sleep 12
  echo "round $round: $rate redirects/s; RSS at the end of the load $loaded MiB, after the drain $(rss) MiB"
done
echo "peak RSS (VmHWM): $(awk '/^VmHWM:/ { printf "%.1f", $2 / 1024 }' "/proc/$server/status") MiB"
