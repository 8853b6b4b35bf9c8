#!/usr/bin/env bash
# The README's "test" command: installs packages, builds with ASan+UBSan, starts a throw-away
# PostgreSQL (never ./var) unless LINKLEDGER_TEST_DATABASE_URL is set, and runs every suite
# through ctest, then the fuzz targets. Extra arguments go to ctest (e.g. -R unit, -R fuzz).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/deploy/install-deps.sh"
# The free country file clicks are placed with (data/geoip, CC BY 4.0 NRO; see the README).
"$root/deploy/fetch-country-db.sh"

cmake -S . -B build/test -DCMAKE_BUILD_TYPE=Debug -DLINKLEDGER_SANITIZE=ON \
      -DLINKLEDGER_BUILD_TESTS=ON >/dev/null
cmake --build build/test -j"$(nproc)"

# Packagers and users build Release (-O2), where g++ 12 warns about things -O0 never sees: the
# whole tree, tests and benchmarks included, must compile there with -Werror too. Compiled, not run (the
# sanitizer build above runs the same tests). LINKLEDGER_SKIP_RELEASE_BUILD=1 skips it locally.
if [ "${LINKLEDGER_SKIP_RELEASE_BUILD:-0}" != 1 ]; then
  cmake -S . -B build/release-check -DCMAKE_BUILD_TYPE=Release -DLINKLEDGER_BUILD_TESTS=ON \
        -DLINKLEDGER_BUILD_BENCH=ON >/dev/null
  cmake --build build/release-check -j"$(nproc)"
fi

scratch=""
cleanup() {
  if [ -n "$scratch" ]; then
    "$root/deploy/private-postgres.sh" stop "$scratch/pg" >/dev/null 2>&1 || true
    rm -rf "$scratch"
  fi
}
trap cleanup EXIT
if [ -z "${LINKLEDGER_TEST_DATABASE_URL:-}" ]; then
  scratch=$(mktemp -d /tmp/linkledger-pg-XXXXXX)
  chmod 755 "$scratch" # the postgres user runs the cluster when we are root
  LINKLEDGER_TEST_DATABASE_URL=$(PRIVATE_PG_FAST=1 "$root/deploy/private-postgres.sh" start "$scratch/pg" postgres 2>"$scratch/start.log") ||
    { cat "$scratch/start.log" >&2; exit 1; }
  export LINKLEDGER_TEST_DATABASE_URL
  echo "tests: throw-away PostgreSQL at $LINKLEDGER_TEST_DATABASE_URL" >&2
fi

# Sanitizer reports fail the run; leak checks stay on.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
ctest --test-dir build/test --output-on-failure -j2 "$@" || status=$?

# The fuzz targets (tests/fuzz/README.md): their own clang build, each fuzz.<target> replaying its
# seeds and known findings, then trying LINKLEDGER_FUZZ_RUNS inputs with a fixed seed under
# ASan+UBSan (deterministic: random exploration is tests/fuzz/explore.sh); any crash, sanitizer
# report or broken property fails the run. The same ctest arguments pick among them: -R fuzz
# runs only these, -R unit none.
CXX=clang++ cmake -S . -B build/fuzz -DCMAKE_BUILD_TYPE=Debug -DLINKLEDGER_FUZZ=ON >/dev/null
cmake --build build/fuzz -j"$(nproc)"
ctest --test-dir build/fuzz --output-on-failure -j2 "$@" || status=$?
if [ "$status" -eq 0 ]; then echo "tests: all suites passed" >&2; else echo "tests: FAILED (ctest exit $status)" >&2; fi
exit "$status"
