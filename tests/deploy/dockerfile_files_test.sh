#!/usr/bin/env bash
# deploy/Dockerfile's runtime stage gets what it copies. Without a container runtime, this runs
# the build stage's own scripts on this (Debian bookworm) machine — deploy/install-deps.sh build,
# then deploy/build-release.sh — and checks that every `COPY --from=build` source exists in the
# staged tree, that the runtime stage installs the package of every library the binary links,
# that the staged binary runs, and that the image runs as a non-root user with a /readyz
# health check. The Release build tree is kept (build/docker-release) so later runs are quick;
# right after tests/run.sh's Release build, that build's binary is staged instead (below).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=$deploy_root
dockerfile="$root/deploy/Dockerfile"
scratch=$deploy_scratch

# The build stage must be these two scripts, or this test checks something else.
grep -qx 'FROM debian:bookworm AS build' "$dockerfile" || fail "the build stage is not debian:bookworm"
grep -qx 'RUN ./deploy/install-deps.sh build && rm -rf /var/lib/apt/lists/\*' "$dockerfile" || fail "the build stage does not run deploy/install-deps.sh build"
grep -qx 'RUN ./deploy/build-release.sh /tmp/build /stage' "$dockerfile" || fail "the build stage does not run deploy/build-release.sh"

# tests/run.sh has just built build/release-check with the build stage's flags (Release; tests
# and benchmarks besides). When its binary is newer than every input of the build, it stands
# for the image's, and the suite saves one more Release compile of the server (the image build
# in deploy.compose_stack compiles it again, in the container). Otherwise the build stage's own
# script builds build/docker-release, as the image does.
release="$root/build/release-check"
if [ -x "$release/linkledger" ] &&
   [ -z "$(find "$root/CMakeLists.txt" "$root/cmake" "$root/server" "$root/migrations" "$root/web" "$root/data" \
             -newer "$release/linkledger" -print -quit)" ]; then
  echo "Dockerfile: staging the Release binary of build/release-check (newer than every source)"
  "$root/deploy/stage-runtime.sh" "$release" "$scratch/stage" >"$scratch/build.log" 2>&1 ||
    { tail -50 "$scratch/build.log"; fail "staging failed"; }
else
  "$root/deploy/install-deps.sh" build
  "$root/deploy/build-release.sh" "$root/build/docker-release" "$scratch/stage" >"$scratch/build.log" 2>&1 ||
    { tail -50 "$scratch/build.log"; fail "the build stage's build failed"; }
fi

# Only what follows the last FROM is the runtime image.
runtime=$(awk '/^FROM /{body=""} {body=body $0 "\n"} END{printf "%s", body}' "$dockerfile")
head -1 <<<"$runtime" | grep -qx 'FROM debian:bookworm-slim' || fail "the runtime stage is not debian:bookworm-slim"

copies=0
while read -r _ from src dst; do
  [ "$from" = "--from=build" ] || fail "the runtime stage copies from outside the build stage: COPY $from $src $dst"
  [[ "$src" == /stage/* ]] || fail "the runtime stage copies $src, which is not staged by deploy/stage-runtime.sh"
  [ -e "$scratch$src" ] || fail "COPY $src: not produced by the build stage scripts"
  copies=$((copies + 1))
done < <(grep -E '^(COPY|ADD) ' <<<"$runtime")
[ "$copies" -gt 0 ] || fail "the runtime stage copies nothing"

# Exactly the binary, the migrations and the web assets: nothing from the build tree.
find "$scratch/stage" -type f | sed "s#^$scratch/stage##" | sort >"$scratch/files"
unexpected=$(grep -vE '^/usr/local/bin/linkledger$|^/usr/share/linkledger/(migrations/[0-9]{4}_[a-z0-9_]+\.sql|web/.+|geoip/(country\.mmdb|LICENSE\.country-db|VERSION))$' "$scratch/files" || true)
[ -z "$unexpected" ] || fail "unexpected files in the image: $unexpected"
for sql in "$root"/migrations/*.sql; do
  grep -qx "/usr/share/linkledger/migrations/$(basename "$sql")" "$scratch/files" || fail "$(basename "$sql") is not staged"
done
if [ -d "$root/web" ]; then
  [ "$(find "$root/web" -type f | wc -l)" -eq "$(grep -c '^/usr/share/linkledger/web/' "$scratch/files")" ] ||
    fail "the web assets are not all staged"
fi

binary="$scratch/stage/usr/local/bin/linkledger"
"$binary" --help >/dev/null || fail "the staged binary does not run"

# Each library the binary links comes from a package the runtime stage installs (the rest of
# their dependencies follow by apt). libc6, libstdc++6 and libgcc-s1 are in bookworm-slim.
apt_line=$(sed -n '/^RUN apt-get update/,/rm -rf/p' <<<"$runtime" | tr '\\\n' '  ')
missing=""
needed=0
while read -r lib; do
  needed=$((needed + 1))
  path=$(ldd "$binary" | awk -v l="$lib" '$1 == l {print $3; exit}')
  [ -n "$path" ] && [ -e "$path" ] || fail "cannot resolve $lib"
  pkg=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -1 | cut -d: -f1 || true)
  [ -n "$pkg" ] || pkg=$(dpkg -S "$path" | head -1 | cut -d: -f1)
  case "$pkg" in libc6|libstdc++6|libgcc-s1) continue ;; esac
  grep -qwF -- "$pkg" <<<"$apt_line" || missing="$missing $pkg($lib)"
done < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ -z "$missing" ] || fail "the runtime stage does not install:$missing"

grep -qE '^USER [a-z]' <<<"$runtime" || fail "the image does not switch to a named user"
! grep -qE '^USER (root|0)$' <<<"$runtime" || fail "the image runs as root"
grep -qE '^HEALTHCHECK ' <<<"$runtime" || fail "no HEALTHCHECK"
grep -q 'http://127.0.0.1:8080/readyz' <<<"$runtime" || fail "the HEALTHCHECK does not ask /readyz"
grep -qw 'curl' <<<"$apt_line" || fail "the health check needs curl in the image"
echo "Dockerfile: $copies runtime copies all produced ($(wc -l <"$scratch/files") files); $needed linked libraries, all installed"
