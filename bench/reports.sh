#!/usr/bin/env bash
# Revenue report benchmark: seeds 10 million clicks (with their rollups, as
# the shipper would have written them) and 100,000 conversions over the last year, then times
# GET /api/v1/reports/revenue for each group_by over real HTTP (default period: 30 days, and
# a 365-day one; the 30 days also in Europe/Paris). Prints p50/p95/max per grouping; the target
# is p95 < 100 ms.
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
# Timing reports back to back would run into the API's per-client rate limit: off here.
LINKLEDGER_DATABASE_URL=$url LINKLEDGER_LISTEN=127.0.0.1:$port LINKLEDGER_DATA_DIR=$scratch/data \
  LINKLEDGER_RATE_LIMIT_API=0 "$bin" serve 2>"$scratch/linkledger.log" &
bench_pids="$!"
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done

echo "seeding $clicks clicks and $conversions conversions (a creator with 50 links, 40 videos, 5 offers, 100 codes)..." >&2
started=$(date +%s)
psql "$url" -q -v ON_ERROR_STOP=1 -v clicks="$clicks" -v conversions="$conversions" -f "$root/bench/reports_seed.sql" >/dev/null
echo "seeded in $(( $(date +%s) - started )) s: $(psql "$url" -Atc "SELECT count(*) FROM clicks") clicks," \
     "$(psql "$url" -Atc "SELECT count(*) FROM click_rollups_daily") daily," \
     "$(psql "$url" -Atc "SELECT count(*) FROM click_totals_daily") link-day-source," \
     "$(psql "$url" -Atc "SELECT count(*) FROM click_totals_quarter_hourly") link-quarter-source and" \
     "$(psql "$url" -Atc "SELECT count(*) FROM click_rollups_quarter_hourly") quarter-source rollup rows," \
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
  # 30d-paris: the same days in Europe/Paris, whose ends are not UTC midnights (the partial
  # days at both ends are read from the quarter-hour rollups).
  for period in 30d 365d 30d-paris; do
    target="http://127.0.0.1:$port/api/v1/reports/revenue?group_by=$group"
    [ "$period" = 365d ] && target="$target&from=$year_from"
    [ "$period" = 30d-paris ] && target="$target&tz=Europe/Paris"
    body=$(curl -s -H "Authorization: Bearer $key" "$target") ||
      { echo "request failed: $target" >&2; tail -5 "$scratch/linkledger.log" >&2; exit 1; }
    rows=$(printf '%s' "$body" | grep -o '"key"' | wc -l || true)
    read -r p50 p95 max < <(time_report "$target")
    printf '%-8s %-8s %10s %10s %10s %6s\n' "$group" "$period" "$p50" "$p95" "$max" "$rows"
    if [ "$period" != 365d ]; then worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN { print (b > a) ? b : a }'); fi
  done
done
# The video rankings (issue 17): the same rows, with views, RPM and followers, ranked by RPM.
for period in 30d 365d; do
  target="http://127.0.0.1:$port/api/v1/reports/revenue?group_by=video&sort=rpm"
  [ "$period" = 365d ] && target="$target&from=$year_from"
  rows=$(curl -s -H "Authorization: Bearer $key" "$target" | grep -o '"key"' | wc -l || true)
  read -r p50 p95 max < <(time_report "$target")
  printf '%-8s %-8s %10s %10s %10s %6s\n' "video-rpm" "$period" "$p50" "$p95" "$max" "$rows"
  if [ "$period" != 365d ]; then worst=$(awk -v a="$worst" -v b="$p95" 'BEGIN { print (b > a) ? b : a }'); fi
done
echo "worst p95 over the default 30-day period: $worst ms (target < 100 ms)"
awk -v w="$worst" 'BEGIN { exit !(w < 100) }' && echo "reports: target met" || echo "reports: TARGET MISSED"
