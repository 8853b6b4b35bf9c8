#!/usr/bin/env bash
# Revenue report benchmark: seeds 10 million clicks (with their daily and hourly rollups, as
# the shipper would have written them) and 100,000 conversions over the last year, then times
# GET /api/v1/reports/revenue for each group_by over real HTTP (default period: 30 days, and
# a 365-day one). Prints p50/p95/max per grouping; the target is p95 < 100 ms.
# Usage: bench/reports.sh [CLICKS] [CONVERSIONS] [REQUESTS]   (defaults 10000000 100000 50)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clicks=${1:-10000000}
conversions=${2:-100000}
requests=${3:-50}
bench_build
url=$(bench_postgres)
bin="$root/build/bench/linkledger"
port=18183

key=$(LINKLEDGER_DATABASE_URL=$url "$bin" api-key create --name bench 2>/dev/null | tail -n 1)
LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$port LINKLEDGER_DATA_DIR=$scratch/data \
  "$bin" serve 2>"$scratch/linkledger.log" &
bench_pids="$!"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

echo "seeding $clicks clicks and $conversions conversions (a creator with 50 links, 40 videos, 5 offers, 100 codes)..." >&2
started=$(date +%s)
psql "$url" -q -v ON_ERROR_STOP=1 -v clicks="$clicks" -v conversions="$conversions" >/dev/null <<'SQL'
SET TIME ZONE 'UTC';
INSERT INTO offers (name, currency, commission_type, rate_bps, postback_token_sha256, webhook_secret)
SELECT 'Offer ' || g, CASE WHEN g = 5 THEN 'USD' ELSE 'EUR' END, 'percent', 500 + 100 * g,
       sha256(g::text::bytea), 'secret' || g
FROM generate_series(1, 5) g;
INSERT INTO videos (platform, title, posted_at)
SELECT 'tiktok', 'Video ' || g, now() - (g * interval '9 days') FROM generate_series(1, 40) g;
INSERT INTO links (slug, target_url, title, offer_id, video_id)
SELECT 'l' || g, 'https://shop.example/p' || g || '?subid={click_id}', 'Link ' || g, 1 + g % 5,
       CASE WHEN g % 4 = 0 THEN NULL ELSE 1 + g % 40 END
FROM generate_series(1, 50) g;
INSERT INTO promo_codes (code, offer_id, video_id, link_id)
SELECT 'CODE' || g, 1 + g % 5, 1 + g % 40, CASE WHEN g <= 50 THEN g END FROM generate_series(1, 100) g;

SELECT linkledger_ensure_click_partition(d::date)
FROM generate_series(date_trunc('month', now() - interval '366 days'), date_trunc('month', now()), interval '1 month') d;

-- Sources, in-app browsers and countries skewed as a TikTok creator's traffic is.
INSERT INTO clicks (click_id, at, link_id, node_id, source, in_app, device, os, country, bot)
SELECT lpad(to_hex(g), 26, '0'), now() - random() * interval '365 days', 1 + (g * 7919) % 50, 'bench',
       s.source, s.in_app, 'mobile', CASE WHEN g % 3 = 0 THEN 'android' ELSE 'ios' END,
       (ARRAY['FR', 'FR', 'FR', 'BE', 'CH', 'CA', 'US', 'DE'])[1 + (g * 31) % 8], g % 50 = 0
FROM generate_series(1::bigint, :clicks) g,
     LATERAL (SELECT (ARRAY['tiktok', 'tiktok', 'tiktok', 'tiktok', 'bio', 'instagram', 'youtube', 'direct'])[1 + (g * 13) % 8] AS source) pick,
     LATERAL (SELECT pick.source, CASE WHEN pick.source IN ('tiktok', 'instagram', 'youtube') THEN pick.source
                                       WHEN pick.source = 'bio' THEN 'tiktok' ELSE 'none' END AS in_app) s;

INSERT INTO click_rollups_daily (link_id, day, source, in_app, country, clicks, unique_clicks, bot_hits)
SELECT link_id, (at AT TIME ZONE 'UTC')::date, source, in_app, country,
       count(*) FILTER (WHERE NOT bot), (count(*) FILTER (WHERE NOT bot)) * 8 / 10, count(*) FILTER (WHERE bot)
FROM clicks GROUP BY 1, 2, 3, 4, 5;
INSERT INTO click_rollups_hourly (link_id, hour, source, clicks, unique_clicks, bot_hits)
SELECT link_id, date_trunc('hour', at), source,
       count(*) FILTER (WHERE NOT bot), (count(*) FILTER (WHERE NOT bot)) * 8 / 10, count(*) FILTER (WHERE bot)
FROM clicks GROUP BY 1, 2, 3;

INSERT INTO conversions (offer_id, txid, status, amount_minor, commission_minor, currency, link_id, video_id,
                         promo_code_id, code, source, attribution, via, occurred_at)
SELECT o, 'T' || g, (ARRAY['pending', 'approved', 'approved', 'paid', 'rejected'])[1 + g % 5],
       amount, amount * (500 + 100 * o) / 10000, CASE WHEN o = 5 THEN 'USD' ELSE 'EUR' END,
       CASE WHEN g % 3 <> 0 THEN 1 + g % 50 END, 1 + g % 40,
       CASE WHEN g % 3 = 0 THEN 1 + g % 100 END, CASE WHEN g % 3 = 0 THEN 'CODE' || (1 + g % 100) END,
       CASE WHEN g % 3 = 0 THEN 'promo_code' ELSE (ARRAY['tiktok', 'bio', 'instagram'])[1 + g % 3] END,
       CASE WHEN g % 3 = 0 THEN 'code' WHEN g % 7 = 0 THEN 'model' ELSE 'click' END, 'postback',
       now() - random() * interval '365 days'
FROM generate_series(1::bigint, :conversions) g, LATERAL (SELECT 1 + g % 5 AS o, 500 + (g * 7) % 20000 AS amount) v;
INSERT INTO income (stream, amount_minor, currency, day)
SELECT (ARRAY['creator_rewards', 'live_gifts', 'subscriptions', 'brand_deals', 'own_products'])[1 + g % 5],
       1000 + g % 5000, 'EUR', (now() - (g % 365) * interval '1 day')::date
FROM generate_series(1, 2000) g;
ANALYZE;
SQL
echo "seeded in $(( $(date +%s) - started )) s: $(psql "$url" -Atc "SELECT count(*) FROM clicks") clicks," \
     "$(psql "$url" -Atc "SELECT count(*) FROM click_rollups_daily") daily and" \
     "$(psql "$url" -Atc "SELECT count(*) FROM click_rollups_hourly") hourly rollup rows," \
     "$(psql "$url" -Atc "SELECT count(*) FROM conversions") conversions" >&2

# Milliseconds per request, sorted; prints p50 p95 max.
time_report() {
  local target=$1 i
  curl -s -o /dev/null -H "Authorization: Bearer $key" "$target" # warm-up
  for i in $(seq "$requests"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $key" "$target"
  done | awk '{ printf "%.1f\n", $1 * 1000 }' | sort -n |
    awk '{ v[NR] = $1 } END { p50 = v[int(NR * 0.50 + 0.5)]; p95 = v[int(NR * 0.95 + 0.5)]; print p50, p95, v[NR] }'
}

year_from=$(date -u -d '365 days ago' +%Y-%m-%dT00:00:00Z)
printf '\n%-8s %-8s %10s %10s %10s %6s\n' group_by period 'p50 ms' 'p95 ms' 'max ms' rows
worst=0
for group in source video link code offer stream day hour; do
  for period in 30d 365d; do
    target="http://127.0.0.1:$port/api/v1/reports/revenue?group_by=$group"
    [ "$period" = 365d ] && target="$target&from=$year_from"
    body=$(curl -s -H "Authorization: Bearer $key" "$target") ||
      { echo "request failed: $target" >&2; tail -5 "$scratch/linkledger.log" >&2; exit 1; }
    rows=$(printf '%s' "$body" | grep -o '"key"' | wc -l || true)
    read -r p50 p95 max < <(time_report "$target")
    printf '%-8s %-8s %10s %10s %10s %6s\n' "$group" "$period" "$p50" "$p95" "$max" "$rows"
    if [ "$period" = 30d ]; then worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN { print (b > a) ? b : a }'); fi
  done
done
echo "worst p95 over the default 30-day period: $worst ms (target < 100 ms)"
awk -v w="$worst" 'BEGIN { exit !(w < 100) }' && echo "reports: target met" || echo "reports: TARGET MISSED"
