#!/usr/bin/env bash
# Heap allocations per redirect (issue 18: "no per-request heap allocation in the steady
# state"): the Release server under heaptrack, N redirects of one link over one keep-alive
# connection (the journal shipped to PostgreSQL as usual), against the same server started and
# stopped with no redirect. Counts, not times: the figure does not depend on the machine's load.
# Usage: bench/allocations.sh [REDIRECTS]  (default 20000). LINKLEDGER_BIN=path skips the
# Release build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
redirects=${1:-20000}
command -v heaptrack >/dev/null || { apt-get update -q >/dev/null; apt-get install -y -q --no-install-recommends heaptrack >/dev/null; }
if [ -z "${LINKLEDGER_BIN:-}" ]; then bench_build; bin="$root/build/bench/linkledger"; else bin=$LINKLEDGER_BIN; fi
url=$(bench_postgres)
port=18191
key=$(LINKLEDGER_DATABASE_URL=$url "$bin" api-key create --name bench 2>/dev/null | tail -n 1)

# Allocation calls of one server run that answers $1 redirects.
run() {
  rm -rf "$scratch/data"
  LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$port LINKLEDGER_DATA_DIR=$scratch/data \
    heaptrack -o "$scratch/heap-$1" "$bin" serve >/dev/null 2>"$scratch/linkledger-$1.log" &
  local wrapper=$!
  for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  curl -s -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/links" -H "Authorization: Bearer $key" \
    -d '{"target_url":"https://shop.example/p?subid={click_id}","slug":"bench"}'
  python3 - "$port" "$1" <<'PY'
import socket, sys
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
req = (b"GET /bench HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n"
       b"User-Agent: Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X)\r\n\r\n")
buf = b""
for _ in range(n):
    s.sendall(req)
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, buf = buf.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 302"), head[:40]
s.close()
PY
  sleep 2 # the shipper's last batch
  pkill -TERM -P "$wrapper" -f "^$bin serve" || true
  wait "$wrapper" || true
  heaptrack_print -f "$scratch"/heap-"$1".* 2>/dev/null | awk '/^calls to allocation functions:/ {print $5}'
}

idle=$(run 0)
busy=$(run "$redirects")
printf 'allocations: %s at start and stop alone, %s with %d redirects: %.1f per redirect\n' \
  "$idle" "$busy" "$redirects" "$(echo "($busy - $idle) / $redirects" | bc -l)"
