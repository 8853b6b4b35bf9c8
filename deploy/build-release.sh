#!/usr/bin/env bash
# The image's build stage in one script: a Release build of the server, then its runtime
# files staged under STAGE_DIR (deploy/stage-runtime.sh). deploy/Dockerfile runs it, and so
# does tests/deploy/dockerfile_files_test.sh, so the test checks what the image gets.
# Usage: deploy/build-release.sh BUILD_DIR STAGE_DIR
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: build-release.sh BUILD_DIR STAGE_DIR}
stage=${2:?usage: build-release.sh BUILD_DIR STAGE_DIR}
jobs=${LINKLEDGER_BUILD_JOBS:-$(nproc)}

cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DLINKLEDGER_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j"$jobs" --target linkledger
rm -rf "$stage"
"$root/deploy/stage-runtime.sh" "$build" "$stage"
