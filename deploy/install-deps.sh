#!/usr/bin/env bash
# Installs the Debian (bookworm) packages Linkledger needs, by purpose:
#   build   compile the server (Release): compiler, CMake, the -dev libraries. All the image's
#           build stage installs (deploy/Dockerfile), so the image builds without test tools.
#   test    what ./tests/run.sh needs besides: GoogleTest, clang with libFuzzer, PostgreSQL for
#           the throw-away cluster, Chromium and Node for the browser tests, docker-compose,
#           Caddy and systemd for the deploy checks.
#   run     what ./deploy/run-local.sh and a bare-Debian install need besides: PostgreSQL 15
#           (the private cluster) and its client, curl for health checks.
# Usage: install-deps.sh [build] [test] [run]; no argument installs all three (run-local.sh and
# tests/run.sh call it that way). Non-interactive; a no-op when everything is already there.
# clang with libclang-rt-14-dev (libFuzzer and the sanitizer runtimes for -fsanitize=fuzzer)
# builds the fuzz targets; bookworm's libfuzzer-14-dev only adds a standalone libFuzzer.a.
set -euo pipefail

build_packages=(
  g++ make cmake pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpqxx-dev libpq-dev libssl-dev libspdlog-dev libfmt-dev
  libre2-dev libmaxminddb-dev libqrencode-dev libpng-dev
)
test_packages=(
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev
  postgresql-15 postgresql-client-15
  ca-certificates curl procps util-linux
  docker-compose systemd caddy
  chromium fonts-dejavu-core nodejs
)
run_packages=(
  postgresql-15 postgresql-client-15
  ca-certificates curl procps util-linux
)

sets=("$@")
[ ${#sets[@]} -gt 0 ] || sets=(build test run)
packages=()
for s in "${sets[@]}"; do
  case "$s" in
    build) packages+=("${build_packages[@]}") ;;
    test)
      packages+=("${test_packages[@]}")
      # The browser tests use npm; a nodejs from elsewhere (NodeSource) bundles its own and
      # conflicts with Debian's npm package, so that one is only added when npm is missing.
      if ! command -v npm >/dev/null; then packages+=(npm); fi ;;
    run) packages+=("${run_packages[@]}") ;;
    *) echo "usage: install-deps.sh [build] [test] [run]  (no argument: all)" >&2; exit 2 ;;
  esac
done
mapfile -t packages < <(printf '%s\n' "${packages[@]}" | awk '!seen[$0]++')

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages (${sets[*]}) already installed" >&2
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo): missing ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing (${sets[*]}) ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
