#!/usr/bin/env bash
# Memory at many open idle connections (issue 18: RSS under 64 MiB at 10k): N clients each make
# one redirect on a keep-alive connection and keep it open without another request; the
# server's resident memory (VmRSS, and VmHWM, its peak) is read before the first connection, with
# all N open, and after they are closed. The idle timeout is raised so none is dropped while
# the clients hold them. Usage: bench/idle_connections.sh [N]  (default 10000).
# LINKLEDGER_BIN=path skips the Release build.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
connections=${1:-10000}
if [ -z "${LINKLEDGER_BIN:-}" ]; then bench_build; bin="$root/build/bench/linkledger"; else bin=$LINKLEDGER_BIN; fi
url=$(bench_postgres)
ll_port=18184
ulimit -n "$(ulimit -Hn)"
[ "$(ulimit -n)" -gt $((connections + 100)) ] || { echo "open-file limit $(ulimit -n) is too low for $connections connections"; exit 1; }

key=$(LINKLEDGER_DATABASE_URL=$url "$bin" api-key create --name bench 2>/dev/null | tail -n 1)
LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$ll_port LINKLEDGER_DATA_DIR=$scratch/data \
  LINKLEDGER_IDLE_TIMEOUT=600 LINKLEDGER_MAX_CONNECTIONS=$((connections + 1000)) LINKLEDGER_LOG_LEVEL=warn LINKLEDGER_METRICS_TOKEN=idle-bench-metrics-token \
  "$bin" serve 2>"$scratch/linkledger.log" &
server=$!
bench_pids="$server"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$ll_port/healthz" >/dev/null && break; sleep 0.1; done
curl -sf -X POST "http://127.0.0.1:$ll_port/api/v1/links" -H "Authorization: Bearer $key" \
  -d '{"target_url":"https://shop.example/p?subid={click_id}","slug":"bench"}' >/dev/null

rss() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$server/status"; }
# Warm: the first requests allocate what every request reuses (thread caches, the journal).
for _ in $(seq 200); do curl -s -o /dev/null "http://127.0.0.1:$ll_port/bench"; done
before=$(rss VmRSS)

python3 - "$ll_port" "$connections" "$scratch/held" <<'PY' &
import os, selectors, socket, sys, time
port, n, marker = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
request = b"GET /bench HTTP/1.1\r\nHost: bench\r\nUser-Agent: idle-bench\r\n\r\n"
socks, answered = [], 0
sel = selectors.DefaultSelector()
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(request)
    s.setblocking(False)
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
    # Read the answers as they come, so the server never waits on a full socket buffer.
    for key, _ in sel.select(timeout=0):
        if key.fileobj.recv(4096).startswith(b"HTTP/1.1 302"):
            answered += 1
        sel.unregister(key.fileobj)
deadline = time.time() + 60
while answered < n and time.time() < deadline:
    for key, _ in sel.select(timeout=1):
        if key.fileobj.recv(4096).startswith(b"HTTP/1.1 302"):
            answered += 1
        sel.unregister(key.fileobj)
print(f"{answered} of {n} connections answered 302 and held open", flush=True)
open(marker, "w").close()
while not os.path.exists(marker + ".done"):
    time.sleep(0.2)
for s in socks:
    s.close()
PY
client=$!
for _ in $(seq 1200); do [ -e "$scratch/held" ] && break; sleep 0.1; done
sleep 1
open_now=$(curl -sf -H "Authorization: Bearer idle-bench-metrics-token" "http://127.0.0.1:$ll_port/metrics" |
  awk '/^linkledger_connections_open / { print $2 }')
held=$(rss VmRSS)
touch "$scratch/held.done"
wait "$client"
sleep 2
after=$(rss VmRSS)
peak=$(rss VmHWM)
echo "server RSS: ${before} MiB before, ${held} MiB with ${open_now:-?} connections open, ${after} MiB after they closed (peak ${peak} MiB)"
awk -v h="$held" -v b="$before" -v n="$connections" \
  'BEGIN { printf "per idle connection: %.1f KiB; at %d connections %.1f MiB (target: under 64 MiB at 10k)\n", (h - b) * 1024 / n, n, h }'
