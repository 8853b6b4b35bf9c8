#!/usr/bin/env bash
# Installs every Debian (bookworm) package that building, testing and running Linkledger need.
# Non-interactive, so the Dockerfile can reuse it; a no-op when everything is already there.
# clang with libclang-rt-14-dev (libFuzzer and the sanitizer runtimes for -fsanitize=fuzzer)
# builds the fuzz targets; bookworm's libfuzzer-14-dev only adds a standalone libFuzzer.a.
set -euo pipefail

packages=(
  g++ make cmake pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libpqxx-dev libpq-dev libssl-dev libspdlog-dev libfmt-dev
  libre2-dev libmaxminddb-dev libqrencode-dev libpng-dev
  libgtest-dev libgmock-dev
  clang libclang-rt-14-dev
  postgresql-15 postgresql-client-15
  ca-certificates curl procps util-linux
  docker-compose systemd caddy
  chromium fonts-dejavu-core nodejs
)
# The browser tests use npm; a nodejs from elsewhere (NodeSource) bundles its own and
# conflicts with Debian's npm package, so that one is only added when npm is missing.
if ! command -v npm >/dev/null; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed" >&2
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo): missing ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
