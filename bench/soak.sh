#!/usr/bin/env bash
# Soak test: mixed traffic for DURATION seconds at 80 % of the redirect rate this machine
# sustains (measured first with a short wrk probe), then checks that the server held:
#   - the pace: the redirects, offered at 80 % of the probe by the clock, answered at that rate;
#   - memory levels off: the upper quartile of the last half's RSS samples is less than
#     SOAK_MAX_GROWTH_PCT (5) % above the first half's, and open file descriptors do not climb;
#   - every redirect was answered (no socket error, every answer a 302 or a 200);
#   - every click was shipped: clicks in PostgreSQL = 302s answered (humans not flagged, bots
#     flagged), up to the requests wrk leaves in flight when it stops;
#   - every sale was counted once: the same postbacks and webhooks are sent over and over
#     (as networks retry), and PostgreSQL holds each sale once with its amount.
# Traffic: redirects from many User-Agents (TikTok/Instagram in-app browsers and desktop
# browsers with varying build numbers, and known bots on their own link) at 80 % of the
# probe, and beside them up to 8 req/s of API reads, postbacks and signed Shopify webhook
# retries. RSS and fds are printed every 10 s.
# Usage: bench/soak.sh [DURATION]   (default 600 seconds; exits non-zero on a failed check);
# LINKLEDGER_BIN=path skips the Release build and runs that binary.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
duration=${1:-600}
max_growth_pct=${SOAK_MAX_GROWTH_PCT:-5}
export DEBIAN_FRONTEND=noninteractive
for tool in wrk jq; do
  command -v "$tool" >/dev/null || { apt-get update -q >/dev/null; apt-get install -y -q --no-install-recommends "$tool" >/dev/null; }
done
if [ -z "${LINKLEDGER_BIN:-}" ]; then bench_build; bin="$root/build/bench/linkledger"; else bin=$LINKLEDGER_BIN; fi
url=$(bench_postgres)
port=18184
base="http://127.0.0.1:$port"

key=$(LINKLEDGER_DATABASE_URL=$url "$bin" api-key create --name soak 2>/dev/null | tail -n 1)
# The rate limits guard against single abusive clients; here one load generator on 127.0.0.1
# plays every follower, network and dashboard at once, so they are set out of its way.
LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$port LINKLEDGER_DATA_DIR=$scratch/data \
  LINKLEDGER_RATE_LIMIT_API=1000000/1000000 LINKLEDGER_RATE_LIMIT_POSTBACK=1000000/1000000 \
  LINKLEDGER_RATE_LIMIT_WEBHOOK=1000000/1000000 LINKLEDGER_LOG_LEVEL=warn \
  "$bin" serve 2>"$scratch/linkledger.log" &
server_pid=$!
bench_pids="$server_pid"
for _ in $(seq 100); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.1; done

post() { curl -sf -X POST "$base$1" -H "Authorization: Bearer $key" -d "$2"; }
offer=$(post /api/v1/offers '{"name":"Soak shop","currency":"EUR","commission":{"type":"percent","rate_bps":1000},"attribution_window_days":30}')
offer_id=$(echo "$offer" | jq -r .id)
token=$(echo "$offer" | jq -r .postback_url | sed 's/.*token=\([^&]*\).*/\1/')
secret=$(echo "$offer" | jq -r .webhook_secret)
post /api/v1/promo-codes "{\"code\":\"SOAK10\",\"offer_id\":$offer_id}" >/dev/null
human_link=$(post /api/v1/links "{\"target_url\":\"https://shop.example/human?c={click_id}\",\"slug\":\"soak\",\"offer_id\":$offer_id}" | jq -r .id)
bot_link=$(post /api/v1/links '{"target_url":"https://shop.example/bot?c={click_id}","slug":"soakbot"}' | jq -r .id)

# The sales: 200 postbacks and 100 Shopify orders. Each is sent once now, then again and again
# during the run, as networks and shops retry.
postbacks=200
webhooks=100
expected_minor=0
lua_data="$scratch/sales.lua"
echo "postbacks = {" >"$lua_data"
for i in $(seq "$postbacks"); do
  cents=$((1000 + i * 7))
  expected_minor=$((expected_minor + cents))
  path=$(printf '/postback/%s?token=%s&txid=PB-%s&amount=%s.%02d&currency=EUR&status=approved&code=SOAK10' \
    "$offer_id" "$token" "$i" $((cents / 100)) $((cents % 100)))
  curl -sf -o /dev/null "$base$path" || { echo "FAIL: postback $i refused"; exit 1; }
  echo "  \"$path\"," >>"$lua_data"
done
echo "}" >>"$lua_data"
echo "webhooks = {" >>"$lua_data"
for i in $(seq "$webhooks"); do
  cents=$((2000 + i * 13))
  expected_minor=$((expected_minor + cents))
  body=$(printf '{"id":%s,"total_price":"%s.%02d","currency":"EUR","financial_status":"paid","discount_codes":[{"code":"SOAK10"}]}' \
    $((900000 + i)) $((cents / 100)) $((cents % 100)))
  signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" -binary | base64)
  curl -sf -o /dev/null -X POST "$base/webhooks/shopify/$offer_id" -H 'Content-Type: application/json' \
    -H 'X-Shopify-Topic: orders/paid' -H "X-Shopify-Hmac-Sha256: $signature" --data-binary "$body" ||
    { echo "FAIL: webhook $i refused"; exit 1; }
  printf '  { body = [[%s]], signature = "%s" },\n' "$body" "$signature" >>"$lua_data"
done
echo "}" >>"$lua_data"
expected_sales=$((postbacks + webhooks))
sales_before=$(psql "$url" -Atc "SELECT count(*) FROM conversions WHERE offer_id = $offer_id")
[ "$sales_before" = "$expected_sales" ] || { echo "FAIL: $sales_before sales stored before the run, $expected_sales sent"; exit 1; }

# Each wrk thread counts what it saw; done() adds the threads up. Two wrk processes share the
# server: SOAK_MIX=redirects (96 % human, 4 % bot User-Agents), paced to 80 % of the probe, and
# SOAK_MIX=side on 4 connections, each pausing SOAK_SIDE_PACE_MS (500) between requests: up to
# 8 req/s, half API reads, a quarter postbacks, a quarter webhooks (a busy creator's dashboard
# and networks, not a report flood: those queries compete with redirects for the CPU). Kept
# apart because wrk is a closed loop: a connection waiting on a report would otherwise stop
# sending redirects, which real followers never do for a creator's dashboard.
cat >"$scratch/soak.lua" <<LUA
dofile("$lua_data")
local key = "$key"
local offer = "$offer_id"
local pace_ms = tonumber(os.getenv("SOAK_PACE_MS") or "0")
local rate = tonumber(os.getenv("SOAK_RATE") or "0")
local wrk_threads = tonumber(os.getenv("SOAK_THREADS") or "1")
local mix = os.getenv("SOAK_MIX") or "redirects"
-- SOAK_RATE paces by the clock, not by a pause after each answer: each thread keeps a
-- timetable (its share of the rate) and every request waits for its slot. A pause after each
-- answer caps a connection at 1 / (pause + latency), so the rate it gave was set by the
-- latency as much as by the pause. A thread that fell behind catches up at most 50 ms; the
-- time it lets go of (behind_ms) is counted and printed, so a server that stalls cannot pass
-- for one that held the pace.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_nsec; } soak_timespec;
int clock_gettime(int clock, soak_timespec *tp);
]]
local now_ts = ffi.new("soak_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, now_ts) -- CLOCK_MONOTONIC
  return tonumber(now_ts.tv_sec) * 1000 + tonumber(now_ts.tv_nsec) / 1e6
end
local slot_ms, due
local humans = {
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.%d.0 JsSdk/2.0 NetType/WIFI Channel/App Store ByteLocale/fr Region/FR BytedanceWebview/d8a21c6",
  "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/UQ1A.%d; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.%d.0 Mobile Safari/537.36 trill_320%d JsSdk/1.0 NetType/WIFI BytedanceWebview/d8a21c6",
  "Mozilla/5.0 (iPhone; CPU iPhone OS 16_%d like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 3%d.0.0.21.109 (iPhone14,5; iOS 16_6; fr_FR; fr; scale=3.00; 1170x2532; 5%d)",
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/12%d.0.%d.0 Safari/537.36",
  "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_%d) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.%d Safari/605.1.15",
}
local bots = {
  "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
  "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
  "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
  "Twitterbot/1.0",
}
local api_paths = { "/api/v1/links", "/api/v1/status", "/api/v1/reports/revenue?group_by=source",
                    "/api/v1/conversions?offer_id=" .. offer, "/api/v1/clicks?limit=20" }

local threads = {}
function setup(thread) table.insert(threads, thread) end

function init(args)
  human_302, bot_302, ok_200, other, sent, behind_ms = 0, 0, 0, 0, 0, 0
  statuses = {}
  if rate > 0 then slot_ms = 1000 * wrk_threads / rate; due = now_ms() end
end

function delay()
  if rate <= 0 then return pace_ms end
  local t = now_ms()
  due = due + slot_ms
  if due < t - 50 then
    behind_ms = behind_ms + (t - 50 - due)
    due = t - 50
  end
  return math.max(0, math.floor(due - t + 0.5))
end

function request()
  sent = sent + 1
  local r = math.random(100)
  if mix ~= "side" then
    if r <= 96 then
      local ua = string.format(humans[math.random(#humans)], math.random(9), math.random(400), math.random(9))
      return wrk.format("GET", "/soak?utm_source=tiktok", { ["User-Agent"] = ua })
    end
    return wrk.format("GET", "/soakbot", { ["User-Agent"] = bots[math.random(#bots)] })
  end
  if r <= 50 then
    return wrk.format("GET", api_paths[math.random(#api_paths)], { ["Authorization"] = "Bearer " .. key })
  elseif r <= 75 then
    return wrk.format("GET", postbacks[math.random(#postbacks)])
  end
  local w = webhooks[math.random(#webhooks)]
  return wrk.format("POST", "/webhooks/shopify/" .. offer,
    { ["Content-Type"] = "application/json", ["X-Shopify-Topic"] = "orders/paid",
      ["X-Shopify-Hmac-Sha256"] = w.signature }, w.body)
end

function response(status, headers, body)
  if status == 302 then
    local location = headers["Location"] or headers["location"] or ""
    if location:find("/human?", 1, true) then human_302 = human_302 + 1 else bot_302 = bot_302 + 1 end
  elseif status == 200 then
    ok_200 = ok_200 + 1
  else
    other = other + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local h, b, o, x, behind = 0, 0, 0, 0, 0
  local codes = {}
  for _, t in ipairs(threads) do
    h = h + t:get("human_302"); b = b + t:get("bot_302"); o = o + t:get("ok_200"); x = x + t:get("other")
    behind = behind + t:get("behind_ms")
    for code, n in pairs(t:get("statuses")) do codes[code] = (codes[code] or 0) + n end
  end
  local e = summary.errors
  io.write(string.format("soak-result-" .. mix .. " human_302=%d bot_302=%d ok_200=%d other=%d socket_errors=%d requests=%d seconds=%.1f behind_ms=%d\n",
    h, b, o, x, e.connect + e.read + e.write + e.timeout, summary.requests, summary.duration / 1e6, math.floor(behind)))
  for code, n in pairs(codes) do io.write(string.format("soak-status %d %d\n", code, n)) end
end
LUA

rss_kib() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status"; }
fds() { ls "/proc/$server_pid/fd" | wc -l; }

# 1. The ceiling of this very traffic: the redirect mix, unpaced, as hard as wrk can for a few
# seconds. Generating it costs wrk far more than a plain GET (a Lua call per request and per
# answer, varied User-Agents) on the same two cores as the server, so a plain-GET probe sets a
# ceiling the mix can never reach; that one is printed for the record only.
wrk_threads=2 # the probe's and the soak's; in the soak each paces its share of the target
plain=$(wrk -t"$wrk_threads" -c64 -d5s -H 'User-Agent: Mozilla/5.0 (iPhone) musical_ly_32.5.0' "$base/soak" | awk '/Requests\/sec:/ { print $2 }')
probe=$(SOAK_MIX=redirects SOAK_PACE_MS=0 wrk -t"$wrk_threads" -c64 -d5s -s "$scratch/soak.lua" "$base" 2>&1 | awk '/Requests\/sec:/ { print $2 }' || true)
target=$(awk -v r="$probe" 'BEGIN { printf "%d", r * 0.8 }')
[ "$target" -gt 0 ] || { echo "FAIL: the probe measured no rate ($probe)"; exit 1; }
# The soak offers exactly the target, paced by the clock (SOAK_RATE in the script above), on
# the probe's 64 connections: when the server keeps up, wrk waits for each request's slot.
conns=64
echo "probe: $probe redirects/s of the mix (plain GET: $plain); soak target $target req/s (80 %), paced by the clock on $conns connections for ${duration}s"

# Wait until the probe's clicks are shipped, so they do not count against the soak.
for _ in $(seq 600); do
  [ "$(curl -sf "$base/api/v1/status" -H "Authorization: Bearer $key" | jq -r .journal.backlog_clicks)" = 0 ] && break
  sleep 0.1
done
clicks_before=$(psql "$url" -Atc "SELECT count(*) FROM clicks WHERE link_id = $human_link AND NOT bot")
bots_before=$(psql "$url" -Atc "SELECT count(*) FROM clicks WHERE link_id = $bot_link AND bot")

# 2. The soak, with RSS and fds sampled every 10 s.
SOAK_MIX=side SOAK_PACE_MS=${SOAK_SIDE_PACE_MS:-500} wrk -t1 -c4 -d"${duration}s" --timeout 10s -s "$scratch/soak.lua" "$base" >"$scratch/side.out" 2>&1 &
side_pid=$!
SOAK_MIX=redirects SOAK_RATE=$target SOAK_THREADS=$wrk_threads wrk -t"$wrk_threads" -c"$conns" -d"${duration}s" --timeout 10s -s "$scratch/soak.lua" "$base" >"$scratch/wrk.out" 2>&1 &
wrk_pid=$!
bench_pids="$bench_pids $wrk_pid $side_pid"
samples=()
printf '%8s %10s %6s\n' seconds rss_kib fds
elapsed=0
while kill -0 "$wrk_pid" 2>/dev/null && [ "$elapsed" -lt "$duration" ]; do
  sleep 10
  elapsed=$((elapsed + 10))
  kill -0 "$server_pid" 2>/dev/null || { echo "FAIL: the server died"; cat "$scratch/linkledger.log" | tail -20; exit 1; }
  rss=$(rss_kib); open_fds=$(fds)
  # Only samples taken under load count: after wrk stops, connections close and the shipper
  # catches up, which is not the steady state being judged.
  kill -0 "$wrk_pid" 2>/dev/null || { printf '%8s %10s %6s (after the load)\n' "$elapsed" "$rss" "$open_fds"; break; }
  samples+=("$elapsed $rss $open_fds")
  printf '%8s %10s %6s\n' "$elapsed" "$rss" "$open_fds"
done
wait "$wrk_pid" || true
wait "$side_pid" || true
for out in wrk side; do echo "$out:"; grep -E 'Requests/sec|Latency|soak-' "$scratch/$out.out" || true; done

fail=0
check() { if [ "$1" = ok ]; then echo "ok:   $2"; else echo "FAIL: $2"; fail=1; fi; }
result=$(grep '^soak-result-redirects' "$scratch/wrk.out" || true)
side=$(grep '^soak-result-side' "$scratch/side.out" || true)
[ -n "$result" ] && [ -n "$side" ] || { cat "$scratch/wrk.out" "$scratch/side.out"; echo "FAIL: wrk printed no result"; exit 1; }
get() { echo "$1" | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }
human_302=$(get "$result" human_302); bot_302=$(get "$result" bot_302)
other=$(($(get "$result" other) + $(get "$side" other)))
socket_errors=$(($(get "$result" socket_errors) + $(get "$side" socket_errors)))
rate=$(awk -v n="$(get "$result" requests)" -v s="$(get "$result" seconds)" 'BEGIN { printf "%d", n / s }')
side_rate=$(awk -v n="$(get "$side" requests)" -v s="$(get "$side" seconds)" 'BEGIN { printf "%d", n / s }')
echo "achieved: $rate redirects/s ($(awk -v r="$rate" -v p="$probe" 'BEGIN { printf "%.1f", (p > 0) ? r * 100 / p : 0 }') % of the probe)" \
  "and $side_rate API/postback/webhook req/s ($(get "$side" ok_200) answered 200)"
# The pace is offered by the clock: a server that keeps up answers the target (wrk's first and
# last moments cost a few dozen requests), and its timetable is never left far behind: each
# thread lets go of the time it could not catch up within 50 ms, which is summed here.
behind_ms=$(get "$result" behind_ms)
check "$(awk -v r="$rate" -v t="$target" -v b="$behind_ms" -v d="$duration" -v w="$wrk_threads" \
  'BEGIN { print (r >= t * 0.99 && b <= d * 1000 * w * 0.002) ? "ok" : "no" }')" \
  "held the pace: $rate redirects/s for ${duration} s, target $target (80 % of the probe's $probe); timetable let go of ${behind_ms} ms over $wrk_threads threads (limit 0.2 % of the time)"

# Memory: RSS swings by a few MiB as the allocator takes and returns batch buffers, so two
# single samples can land on a trough and a crest, and one crest (a batch read ahead while the
# shipper was briefly behind: +3 MiB for one sample at 340 s on 2026-12-06) says nothing of a
# leak. A leak raises the level the samples keep: compare the upper quartile of the last half's
# samples with the first half's; the peaks are printed beside it.
n=${#samples[@]}
# Two halves of at least two samples each: with fewer, a half may be empty and its level 0.
if [ "$n" -ge 4 ]; then
  half=$(((n - 1) / 2))
  read -r _ mid_rss mid_fds <<<"${samples[$half]}"
  read -r _ end_rss end_fds <<<"${samples[$((n - 1))]}"
  # Upper quartile (nearest rank) and peak of samples [from, to).
  quartile_and_peak() {
    printf '%s\n' "${samples[@]:$1:$(($2 - $1))}" | awk '{ print $2 }' | sort -n |
      awk '{ v[NR] = $1 } END { r = int(NR * 3 / 4 + 0.999); if (r < 1) r = 1; print v[r] + 0, v[NR] + 0 }'
  }
  read -r first_level first_peak <<<"$(quartile_and_peak 0 "$half")"
  read -r last_level last_peak <<<"$(quartile_and_peak "$half" "$n")"
  growth=$(awk -v a="$first_level" -v b="$last_level" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
  check "$(awk -v g="$growth" -v m="$max_growth_pct" 'BEGIN { print (g < m) ? "ok" : "no" }')" \
    "RSS upper quartile, first half -> last half: $first_level -> $last_level KiB ($growth %, limit $max_growth_pct %; peaks $first_peak -> $last_peak; samples at half time and end: $mid_rss -> $end_rss)"
  check "$([ "$end_fds" -le $((mid_fds + conns / 10 + 8)) ] && echo ok || echo no)" \
    "open fds over the last half: $mid_fds -> $end_fds"
else
  check no "too few samples for a memory trend (one every 10 s; run at least 40 s)"
fi

check "$([ "$socket_errors" = 0 ] && [ "$other" = 0 ] && echo ok || echo no)" \
  "every request answered 302 or 200 (socket errors: $socket_errors, other statuses: $other)"

# Clicks: wait for the journal to drain, then compare with the 302s wrk counted. wrk stops with
# requests in flight: journaled and shipped, but not counted by wrk (at most one per connection).
for _ in $(seq 600); do
  [ "$(curl -sf "$base/api/v1/status" -H "Authorization: Bearer $key" | jq -r .journal.backlog_clicks)" = 0 ] && break
  sleep 0.1
done
human_pg=$(($(psql "$url" -Atc "SELECT count(*) FROM clicks WHERE link_id = $human_link AND NOT bot") - clicks_before))
bot_pg=$(($(psql "$url" -Atc "SELECT count(*) FROM clicks WHERE link_id = $bot_link AND bot") - bots_before))
unflagged=$(psql "$url" -Atc "SELECT count(*) FROM clicks WHERE link_id = $bot_link AND NOT bot")
extra=$((human_pg - human_302))
check "$([ "$extra" -ge 0 ] && [ "$extra" -le "$conns" ] && echo ok || echo no)" \
  "clicks shipped: $human_pg in PostgreSQL for $human_302 human 302s (in flight at the cut-off: $extra)"
extra_bots=$((bot_pg - bot_302))
check "$([ "$extra_bots" -ge 0 ] && [ "$extra_bots" -le "$conns" ] && [ "$unflagged" = 0 ] && echo ok || echo no)" \
  "bots flagged, not counted: $bot_pg in PostgreSQL for $bot_302 bot 302s, $unflagged unflagged"
dropped=$(curl -sf "$base/metrics" | awk '/^linkledger_clicks_dropped_total/ { print $2 }')
check "$([ "${dropped:-0}" = 0 ] && echo ok || echo no)" "no click dropped by the journal budget (${dropped:-0})"

# Sales: each postback and webhook was sent many times; each sale is there once.
read -r sales amount <<<"$(psql "$url" -AtF ' ' -c "SELECT count(*), COALESCE(sum(amount_minor), 0) FROM conversions WHERE offer_id = $offer_id")"
distinct=$(psql "$url" -Atc "SELECT count(DISTINCT txid) FROM conversions WHERE offer_id = $offer_id")
check "$([ "$sales" = "$expected_sales" ] && [ "$distinct" = "$expected_sales" ] && [ "$amount" = "$expected_minor" ] && echo ok || echo no)" \
  "sales counted once: $sales conversions ($expected_sales sent, repeated), $amount cents ($expected_minor expected)"

errors=$(grep -cE '^[^ ]+ (error|critical) ' "$scratch/linkledger.log" || true)
check "$([ "$errors" = 0 ] && echo ok || echo no)" "no error in the server log ($errors)"
[ "$errors" = 0 ] || grep -E '^[^ ]+ (error|critical) ' "$scratch/linkledger.log" | head -5
[ "$fail" = 0 ] && echo "soak: PASSED" || { echo "soak: FAILED"; exit 1; }
