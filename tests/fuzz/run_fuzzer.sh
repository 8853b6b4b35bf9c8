#!/usr/bin/env bash
# The test suite's run of one libFuzzer target, deterministic so that a submission fails only on
# what it changed: the seeds (tests/fuzz/corpus/<target>, known findings included) are replayed,
# then a fixed number of mutations with a fixed seed, starting from an empty scratch corpus. The
# same commit therefore tries the same inputs on every machine. Exploratory fuzzing with random
# seeds is tests/fuzz/explore.sh (tests/fuzz/README.md); its findings come back here as seeds.
# Any crash, sanitizer report, leak or broken property exits non-zero and fails the ctest entry.
# Usage: run_fuzzer.sh FUZZER SEED_DIR WORK_DIR RUNS (LINKLEDGER_FUZZ_RUNS overrides RUNS)
set -euo pipefail

fuzzer=$1 seeds=$2 work=$3
runs=${LINKLEDGER_FUZZ_RUNS:-$4}
seed=${LINKLEDGER_FUZZ_SEED:-1}
rm -rf "$work/corpus" "$work/artifacts"
mkdir -p "$work/corpus" "$work/artifacts"
status=0
# -max_total_time only bounds a pathologically slow machine; -runs is what ends a normal run.
"$fuzzer" -seed="$seed" -runs="$runs" -max_total_time=300 -timeout=10 -rss_limit_mb=2560 \
          -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$seeds" || status=$?
if [ "$status" -ne 0 ]; then
  echo "fuzz: $(basename "$fuzzer") failed (exit $status, seed $seed, $runs runs); the input is in $work/artifacts/." >&2
  echo "fuzz: reproduce with: $fuzzer $work/artifacts/<file>; see tests/fuzz/README.md" >&2
fi
exit "$status"
