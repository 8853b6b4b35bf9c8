#!/usr/bin/env bash
# Webhook throughput (issue 16): events per second delivered to a local receiver, from an
# outbox filled at once by N link inserts in one transaction; then redirects per second with
# wrk while a second batch (a 2N backlog) is delivered, against redirects alone; then the
# issue's target itself: events that fall due at a steady rate (500/s) during the 10 s wrk
# window, as real sales would (target: they keep pace, redirects within 5 % of alone).
# The second batch is written to the outbox beforehand, with its endpoint switched off, and
# sending starts with wrk: not by link inserts (5000 link changes would also reload 5000 entries
# of the redirect table) nor during the window (a 10,000-event transaction is a burst that real
# changes spread over time), so the window holds the cost of delivering alone. wrk runs 10 s, alone before and after.
# The steady phase's deliveries are written beforehand too, each with its own `next_attempt_at`
# 1/RATE s after the previous one from the moment wrk starts, so the sender finds them due at
# that rate; what was delivered when is read from the outbox afterwards, not polled during
# the window (the only psql in the window is none).
# Receivers: WEBHOOKS_BENCH_RECEIVER=node (default: tests/webhooks/receiver.mjs, which checks
# every signature with the `standardwebhooks` package and costs about as much CPU per event
# as Linkledger's sender on these same two cores) or nginx (`return 204`, counted from its
# access log: what a receiver elsewhere costs this machine, i.e. nothing much).
# Usage: bench/webhooks.sh [EVENTS]  (default 5000). LINKLEDGER_BIN=path skips the Release
# build; LINKLEDGER_DATABASE_URL uses that database instead of a throw-away one;
# WEBHOOKS_BENCH_RATE=500 the steady phase's events per second; WEBHOOKS_BENCH_PERF=FILE
# records the steady window with perf (costs CPU: for diagnosis, not for figures);
# WEBHOOKS_BENCH_POLL=0.05 polls the second batch as the script did before 2026-12-02 08:40.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
events=${1:-5000}
if [ -z "${LINKLEDGER_BIN:-}" ]; then bench_build; bin="$root/build/bench/linkledger"; else bin=$LINKLEDGER_BIN; fi
url=${LINKLEDGER_DATABASE_URL:-$(bench_postgres)}
ll_port=18191
(cd "$root/tests/webhooks" && [ -d node_modules ] || npm ci --no-audit --no-fund >/dev/null)

receiver=${WEBHOOKS_BENCH_RECEIVER:-node}
rate=${WEBHOOKS_BENCH_RATE:-500}
if [ "$receiver" = nginx ]; then
  command -v nginx >/dev/null || PATH=$PATH:/usr/sbin
  rport=18192
  mkdir -p "$scratch/nginx/logs"
  # One worker, no buffering of the log: the count is read while deliveries go on.
  cat > "$scratch/nginx/nginx.conf" <<NGINX
worker_processes 1;
pid $scratch/nginx/nginx.pid;
error_log $scratch/nginx/logs/error.log;
events { worker_connections 256; }
http {
  log_format hook '\$http_webhook_id \$status \$connection';
  server {
    listen 127.0.0.1:$rport;
    access_log $scratch/nginx/logs/access.log hook;
    keepalive_requests 1000000;
    location / { client_body_buffer_size 16k; return 204; }
  }
}
NGINX
  nginx -p "$scratch/nginx" -c "$scratch/nginx/nginx.conf" -g 'daemon off;' &
  bench_pids="$!"; receiver_pid=$!
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$rport/" && break; sleep 0.1; done
  : >"$scratch/nginx/logs/access.log"
  receiver_count() {
    awk '{ n++; id[$1] = 1; c[$3] = 1 } END { printf "{\"received\":%d,\"distinct\":%d,\"connections\":%d}", n, length(id), length(c) }' \
      "$scratch/nginx/logs/access.log"
  }
  # The master forks the worker: both are counted.
  receiver_ticks() { local t=0 p; for p in $receiver_pid $(pgrep -P "$receiver_pid"); do t=$((t + $(ticks "$p"))); done; echo $t; }
else
  node "$root/tests/webhooks/receiver.mjs" 0 >"$scratch/receiver.out" &
  bench_pids="$!"; receiver_pid=$!
  for _ in $(seq 100); do grep -q listening "$scratch/receiver.out" && break; sleep 0.1; done
  rport=$(sed -n 's/^listening //p' "$scratch/receiver.out")
  curl -sf -X PUT "http://127.0.0.1:$rport/__quiet" -d true >/dev/null
  receiver_count() { curl -sf "http://127.0.0.1:$rport/__count"; }
  receiver_ticks() { ticks "$receiver_pid"; }
fi
echo "receiver: $receiver"

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

ll_pid=${bench_pids##* }
cpu_before="$(ticks "$ll_pid") $(receiver_ticks) $(pg_ticks)"
secs=$(batch "$events" a)
cpu_after="$(ticks "$ll_pid") $(receiver_ticks) $(pg_ticks)"
printf 'webhooks: %d events delivered in %.2f s: %.0f events/s\n' "$events" "$secs" "$(echo "$events / $secs" | bc -l)"
read -r l0 r0 p0 <<<"$cpu_before"; read -r l1 r1 p1 <<<"$cpu_after"
hz=$(getconf CLK_TCK)
printf 'CPU per event: linkledger %.3f ms, receiver %.3f ms, PostgreSQL %.3f ms\n' \
  "$(echo "($l1 - $l0) * 1000 / $hz / $events" | bc -l)" "$(echo "($r1 - $r0) * 1000 / $hz / $events" | bc -l)" \
  "$(echo "($p1 - $p0) * 1000 / $hz / $events" | bc -l)"
got=$(receiver_count)
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

  # The issue's target: events due at a steady `rate` during the wrk window, 1/rate s apart
  # from t0 (4 s ahead: the time to vacuum and start wrk). Each message id carries its rank,
  # so its due time is known after it was sent. VACUUM ANALYZE now, or autovacuum would
  # process these rows during the window.
  steady=$((rate * 10))
  last=$(sql "SELECT COALESCE(max(id), 0) FROM webhook_deliveries")
  t0=$(sql "WITH t AS (SELECT now() + interval '4 s' AS t0),
            ev AS (INSERT INTO webhook_events (type, data, context)
                   SELECT 'link.created', linkledger_link_json(l), json_build_object('slug', l.slug)
                   FROM links l, generate_series(1, $steady) WHERE l.slug = 'bench-wh' RETURNING id),
            d AS (INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id, next_attempt_at)
                  SELECT e.id, ev.id, 'msg_steady_' || ev.k || '_' || replace(gen_random_uuid()::text, '-', ''),
                         t.t0 + make_interval(secs => ev.k::float8 / $rate)
                  FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM ev) ev, t, webhook_endpoints e
                  WHERE e.active RETURNING 1)
            SELECT extract(epoch FROM t0) FROM t, (SELECT count(*) FROM d) n")
  psql "$url" -qAtX -c "VACUUM ANALYZE webhook_deliveries" -c "VACUUM ANALYZE webhook_events" -c "VACUUM ANALYZE webhook_attempts"
  sleep "$(echo "$t0 - $(date +%s.%N)" | bc -l | sed 's/^-.*/0/')"
  wrk_start=$(date +%s.%N)
  # WEBHOOKS_BENCH_PERF=FILE: perf record -a of the steady window (diagnosis only: it costs CPU).
  if [ -n "${WEBHOOKS_BENCH_PERF:-}" ]; then
    perf record -a -g -F 499 -o "$WEBHOOKS_BENCH_PERF" -- sleep 10 >/dev/null 2>&1 &
  fi
  c0="$(ticks "$ll_pid") $(receiver_ticks) $(pg_ticks)"
  steady_during=$(redirects)
  c1="$(ticks "$ll_pid") $(receiver_ticks) $(pg_ticks)"
  # Nothing polled during the window; now wait (once a second) until the last one is in.
  while [ "$(sql "SELECT count(*) FROM webhook_deliveries WHERE id > $last AND status = 'succeeded'")" -lt "$steady" ]; do
    sleep 1
  done
  c2="$(ticks "$ll_pid") $(receiver_ticks) $(pg_ticks)"
  steady_after=$(redirects)
  c3="$(ticks "$ll_pid") $(receiver_ticks) $(pg_ticks)"
  # A delivery's updated_at is when its success was written (a few ms after the receiver answered).
  read -r in_window lag_p50 lag_p99 lag_last < <(sql "
    WITH r AS (SELECT updated_at,
                      extract(epoch FROM updated_at - (to_timestamp($t0)
                          + make_interval(secs => split_part(message_id, '_', 3)::float8 / $rate))) AS lag
               FROM webhook_deliveries WHERE id > $last)
    SELECT count(*) FILTER (WHERE updated_at <= to_timestamp($wrk_start) + interval '10 s'),
           round(percentile_cont(0.5) WITHIN GROUP (ORDER BY lag)::numeric, 3),
           round(percentile_cont(0.99) WITHIN GROUP (ORDER BY lag)::numeric, 3),
           round((SELECT lag FROM r ORDER BY lag DESC LIMIT 1)::numeric, 3)
    FROM r" | tr '|' ' ')
  steady_alone=$(echo "($after + $steady_after) / 2" | bc -l)
  printf 'steady %d/s for 10 s (wrk started %.2f s after the first was due): %d of %d delivered within the window (%.0f/s); lag due->written p50 %s s, p99 %s s, max %s s\n' \
    "$rate" "$(echo "$wrk_start - $t0" | bc -l)" "$in_window" "$steady" "$(echo "$in_window / 10" | bc -l)" "$lag_p50" "$lag_p99" "$lag_last"
  printf 'steady: redirects/s alone %.0f (before %.0f, after %.0f), while delivering %.0f (%.1f %%)\n' \
    "$steady_alone" "$after" "$steady_after" "$steady_during" "$(echo "($steady_during - $steady_alone) * 100 / $steady_alone" | bc -l)"
  # CPU seconds each used in the 10 s with deliveries and in the 10 s alone after (Linkledger's
  # and PostgreSQL's include the redirects' own work: clicks journaled and shipped).
  read -r a0 b0 p0 <<<"$c0"; read -r a1 b1 p1 <<<"$c1"; read -r a2 b2 p2 <<<"$c2"; read -r a3 b3 p3 <<<"$c3"
  printf 'steady: CPU s in the window (alone after): linkledger %.2f (%.2f), receiver %.2f (%.2f), PostgreSQL %.2f (%.2f)\n' \
    "$(echo "($a1 - $a0) / $hz" | bc -l)" "$(echo "($a3 - $a2) / $hz" | bc -l)" "$(echo "($b1 - $b0) / $hz" | bc -l)" \
    "$(echo "($b3 - $b2) / $hz" | bc -l)" "$(echo "($p1 - $p0) / $hz" | bc -l)" "$(echo "($p3 - $p2) / $hz" | bc -l)"
  echo "receiver: $(receiver_count) (received = distinct: each sent once)"
else
  echo "wrk not installed: redirect impact not measured (apt-get install wrk)"
fi
