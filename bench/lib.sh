# Shared by the bench/ scripts: a Release build and a throw-away PostgreSQL, cleaned up on exit.
# shellcheck shell=bash
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

bench_build() {
  "$root/deploy/install-deps.sh"
  local launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DLINKLEDGER_BUILD_TESTS=OFF \
        -DLINKLEDGER_BUILD_BENCH=ON "${launcher[@]}" >/dev/null
  cmake --build build/bench -j"$(nproc)" >/dev/null
}

scratch=$(mktemp -d /tmp/linkledger-bench-XXXXXX)
chmod 755 "$scratch"
bench_cleanup() {
  local pid
  for pid in ${bench_pids:-}; do kill "$pid" 2>/dev/null || true; done
  for pid in ${bench_pids:-}; do wait "$pid" 2>/dev/null || true; done
  "$root/deploy/private-postgres.sh" stop "$scratch/pg" >/dev/null 2>&1 || true
  rm -rf "$scratch"
}
trap bench_cleanup EXIT

# Durable settings (fsync on), as a real deployment would run.
bench_postgres() {
  "$root/deploy/private-postgres.sh" start "$scratch/pg" bench 2>/dev/null
}

# CPU time (clock ticks) of a process, and of the throw-away cluster's processes together:
# the live ones, and (the postmaster's cutime and cstime) those that ended meanwhile, such as
# autovacuum workers.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
pg_ticks() {
  local pm t p; pm=$(head -1 "$scratch/pg/data/postmaster.pid")
  t=$(awk '{print $16 + $17}' "/proc/$pm/stat")
  for p in $pm $(pgrep -P "$pm"); do t=$((t + $(ticks "$p" 2>/dev/null || echo 0))); done
  echo $t
}
