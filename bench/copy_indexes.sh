#!/usr/bin/env bash
# What PostgreSQL's COPY of clicks costs with each set of the clicks table's indexes, in text
# against binary format, with `at` as a BRIN index instead of a B-tree, with the id's
# collation, and with the narrower row of migration 0019 (issue 18: "check which indexes on
# clicks the hot path needs"; "consider binary COPY"). PostgreSQL alone, no Linkledger: ROWS
# click-shaped rows (time-ordered ids as the ULIDs are, 50 links in turn, a TikTok User-Agent, a
# 16-byte visitor hash) are written to a file once, then loaded with psql's \copy into a fresh
# table per index set, after a CHECKPOINT, the sets interleaved round by round so all see the
# same machine. Prints each time and the median per set, in milliseconds and microseconds per
# row.
# Usage: bench/copy_indexes.sh [ROWS] [ROUNDS]   (defaults 300000 4)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
rows=${1:-300000}
rounds=${2:-4}
"$root/deploy/install-deps.sh" >/dev/null
url=$(bench_postgres)
psql_q() { psql -q -X -v ON_ERROR_STOP=1 "$url" "$@"; }

psql_q <<SQL
CREATE TABLE src AS
SELECT lpad(to_hex(1700000000000 + g), 12, '0') || md5(g::text) AS click_id,
       timestamptz '2026-12-01' + g * interval '1 ms' AS at,
       (g % 50) + 1 AS link_id, 'node-a'::text AS node_id, '203.0.113.0'::text AS ip_anon,
       'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 musical_ly_32.5.0'::text AS user_agent,
       'https://www.tiktok.com/'::text AS referer, 'tiktok'::text AS utm_source, 'bio'::text AS utm_medium,
       ''::text AS utm_campaign, ''::text AS utm_term, ''::text AS utm_content, 'tiktok'::text AS source,
       'tiktok'::text AS in_app, 'mobile'::text AS device, 'ios'::text AS os, 'FR'::text AS country,
       false AS bot, ''::text AS bot_reason, decode(md5(g::text), 'hex') AS visitor_hash
FROM generate_series(1, $rows) g;
\copy src TO '$scratch/clicks.tsv'
\copy src TO '$scratch/clicks.bin' WITH (FORMAT binary)
-- As shipped since migration 0019: the User-Agent's id instead of its text.
CREATE TABLE src19 AS
SELECT click_id, at, link_id, node_id, ip_anon, ''::text AS user_agent, 7::bigint AS user_agent_id, referer,
       utm_source, utm_medium, utm_campaign, utm_term, utm_content, source, in_app, device, os, country, bot,
       bot_reason, visitor_hash
FROM src;
\copy src19 TO '$scratch/clicks19.tsv'
SQL

pkey="ALTER TABLE t ADD PRIMARY KEY (click_id, at);"
link_at="CREATE INDEX ON t (link_id, at);"
at="CREATE INDEX ON t (at);"
at_brin="CREATE INDEX ON t USING brin (at);"
# The database's collation compares the text ids (C.UTF-8 here, en_US.utf8 in the postgres
# image: both through strcoll); "C" compares bytes.
collate_c='ALTER TABLE t ALTER COLUMN click_id TYPE text COLLATE "C";'
collate_en='ALTER TABLE t ALTER COLUMN click_id TYPE text COLLATE "en-US-x-icu";'
declare -A times=()
load() { # name, DDL after CREATE TABLE, file, \copy options[, source table]
  psql_q -c "DROP TABLE IF EXISTS t" -c "CREATE TABLE t (LIKE ${5:-src})" ${2:+-c "$2"} -c "CHECKPOINT"
  local started ended
  started=$(date +%s%N)
  psql_q -c "\\copy t FROM '$3' $4"
  ended=$(date +%s%N)
  local ms=$(((ended - started) / 1000000))
  times[$1]+="$ms "
  echo "round $round: $1 $ms ms"
}
for round in $(seq 1 "$rounds"); do
  load "none, text" "" "$scratch/clicks.tsv" ""
  load "none, binary" "" "$scratch/clicks.bin" "WITH (FORMAT binary)"
  load "primary key" "$pkey" "$scratch/clicks.tsv" ""
  load "clicks_link_at" "$link_at" "$scratch/clicks.tsv" ""
  load "clicks_at" "$at" "$scratch/clicks.tsv" ""
  load "primary key + clicks_link_at" "$pkey $link_at" "$scratch/clicks.tsv" ""
  load "all three, text" "$pkey $link_at $at" "$scratch/clicks.tsv" ""
  load "all three, binary" "$pkey $link_at $at" "$scratch/clicks.bin" "WITH (FORMAT binary)"
  load "clicks_at as BRIN" "$at_brin" "$scratch/clicks.tsv" ""
  load "two + clicks_at as BRIN" "$pkey $link_at $at_brin" "$scratch/clicks.tsv" ""
  load "primary key, id COLLATE C" "$collate_c $pkey" "$scratch/clicks.tsv" ""
  load "primary key, id en-US (ICU)" "$collate_en $pkey" "$scratch/clicks.tsv" ""
  load "two + BRIN, id COLLATE C" "$collate_c $pkey $link_at $at_brin" "$scratch/clicks.tsv" ""
  load "as 0019: User-Agent's id" "$pkey $link_at $at_brin" "$scratch/clicks19.tsv" "" src19
done

echo "median of $rounds rounds, $rows rows:"
for name in "none, text" "none, binary" "primary key" "clicks_link_at" "clicks_at" \
            "primary key + clicks_link_at" "all three, text" "all three, binary" \
            "clicks_at as BRIN" "two + clicks_at as BRIN" "primary key, id COLLATE C" \
            "primary key, id en-US (ICU)" "two + BRIN, id COLLATE C" "as 0019: User-Agent's id"; do
  # shellcheck disable=SC2086
  median=$(printf '%s\n' ${times[$name]} | sort -n | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2}')
  printf '  %-30s %8s ms  %6.1f us/row   (%s)\n' "$name" "$median" "$(awk -v m="$median" -v n="$rows" 'BEGIN {print m * 1000 / n}')" "${times[$name]% }"
done
