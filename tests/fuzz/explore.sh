#!/usr/bin/env bash
# Exploratory fuzzing, outside the test suite: random seeds, for as long as you give it, on both
# cores. Findings land in ARTIFACTS (default /tmp/fuzz-<target>/artifacts); each one becomes a
# unit test and a seed file (tests/fuzz/README.md, "When it finds something").
# Usage: tests/fuzz/explore.sh TARGET [SECONDS (600)] [libFuzzer flags...]
#   e.g. tests/fuzz/explore.sh postback 3600; tests/fuzz/explore.sh shop_orders 3600 -max_len=65536
# Needs build/fuzz (CXX=clang++ cmake -S . -B build/fuzz -DLINKLEDGER_FUZZ=ON; see the README).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
target=${1:?usage: explore.sh TARGET [SECONDS]}
seconds=${2:-600}
shift $(( $# >= 2 ? 2 : 1 ))
fuzzer=$root/build/fuzz/tests/fuzz/fuzz_$target
[ -x "$fuzzer" ] || { echo "explore: $fuzzer is not built (see tests/fuzz/README.md)" >&2; exit 2; }
work=${FUZZ_WORK:-/tmp/fuzz-$target}
mkdir -p "$work/corpus" "$work/artifacts"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$work" # -jobs writes fuzz-N.log into the working directory
status=0
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2560 -jobs=2 -workers=2 \
          -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$root/tests/fuzz/corpus/$target" || status=$?
echo "explore: $target exit $status; findings in $work/artifacts/, logs in $work/fuzz-*.log" >&2
exit "$status"
