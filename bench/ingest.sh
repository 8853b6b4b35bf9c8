#!/usr/bin/env bash
# Ingest benchmark: journaled clicks shipped into PostgreSQL per second by the real shipper
# (COPY + rollups + unique visitors + checkpoint in one transaction). Target >= 50,000/s.
# Usage: bench/ingest.sh [CLICKS]   (default 500000)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
clicks=${1:-500000}
bench_build
url=$(bench_postgres)
echo "ingest: $clicks clicks, PostgreSQL 15 (fsync on), $(nproc) cores"
"$root/build/bench/bench/linkledger_bench_ingest" "$url" "$clicks"
