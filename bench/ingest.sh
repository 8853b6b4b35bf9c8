#!/usr/bin/env bash
# Ingest benchmark: journaled clicks shipped into PostgreSQL per second by the real shipper
# (COPY + rollups + unique visitors + checkpoint in one transaction). Target (issue 18): >= 100,000/s.
# Usage: bench/ingest.sh [CLICKS]   (default 500000); LINKLEDGER_BENCH_INGEST=path runs that
# build of linkledger_bench_ingest instead of building one.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clicks=${1:-500000}
if [ -z "${LINKLEDGER_BENCH_INGEST:-}" ]; then bench_build; bin="$root/build/bench/bench/linkledger_bench_ingest"
else bin=$LINKLEDGER_BENCH_INGEST; fi
url=$(bench_postgres)
echo "ingest: $clicks clicks, PostgreSQL 15 (fsync on), $(nproc) cores"
"$bin" "$url" "$clicks"
