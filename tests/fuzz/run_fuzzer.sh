#!/usr/bin/env bash
# Runs one libFuzzer target for a while: new inputs go to a scratch corpus in the build tree
# (the seeds in tests/fuzz/corpus are only read), crashes to its artifacts/ folder. Any crash,
# sanitizer report, leak or timeout makes it exit non-zero, which fails the ctest entry.
# Usage: run_fuzzer.sh FUZZER SEED_DIR WORK_DIR SECONDS (LINKLEDGER_FUZZ_SECONDS overrides SECONDS)
set -euo pipefail

fuzzer=$1 seeds=$2 work=$3
seconds=${LINKLEDGER_FUZZ_SECONDS:-$4}
mkdir -p "$work/corpus" "$work/artifacts"
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -print_final_stats=1 \
          -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz: $(basename "$fuzzer") failed (exit $status); the input is in $work/artifacts/." >&2
  echo "fuzz: reproduce with: $fuzzer $work/artifacts/<file>; see tests/fuzz/README.md" >&2
fi
exit "$status"
