#!/usr/bin/env bash
# The README's "With Docker Compose" section, run for real (issue 19). From a copy of the
# checkout (tracked files, as a clean clone has them), with podman: builds deploy/Dockerfile,
# then runs each command of the section's blocks as written — configure, `dc up -d --build`,
# API key, first dashboard login, the first sale end to end through Caddy, the upgrade's
# backup, the restore — with only these changes, each printed: `sudo` dropped (we are root;
# podman stands in for Docker), the install block and `git pull` not run, the domain line
# skipped and BASE / LINKLEDGER_HTTP_PORT / LINKLEDGER_PUBLIC_URL set to a free loopback
# port, and the restore's DUMP set to the dump just taken. Between the README's commands it
# waits where a person would (services healthy after `dc up`, a click shipped) and checks
# what they should see; then it checks that nothing is lost on `restart app`, on `down` + `up`
# (volumes kept) and for a click journaled while PostgreSQL was down and still unshipped when
# the app stopped; that the app runs as a non-root user, only the proxy publishes ports and
# /metrics is not served through it. Everything it made (containers, volumes, network, the
# images it built) is removed even when it fails; a failed step prints the services' logs.
# docker-compose 1.29 against podman's Docker-compatible socket, not podman-compose: it is the
# command the README gives users (Debian's docker-compose), and podman-compose 1.0.3 has no
# --env-file. Skipped (77) where no container runtime can be set up.
# The build stage's package layer stays, tagged localhost/linkledger-build-deps:cache, so a rerun
# on the same machine does not install the build packages again (about 1.5 min).
# LINKLEDGER_COMPOSE_TEST_KEEP_IMAGES=1 keeps the built images (a rerun then skips the build);
# LINKLEDGER_COMPOSE_TEST_SOURCE=DIR takes the checkout from DIR instead.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
root=$deploy_root
t_start=$SECONDS

step_name="setting up the container runtime"
step() { step_name=$1; echo "== $1 ($((SECONDS - t_start)) s)" >&2; }

container_runtime_up
on_exit container_runtime_down_hook
container_runtime_down_hook() { container_runtime_down; }

# --- a clean checkout -----------------------------------------------------------------------
step "copying the checkout"
co="$deploy_scratch/linkledger"
mkdir -p "$co"
if [ -n "${LINKLEDGER_COMPOSE_TEST_SOURCE:-}" ]; then
  # A tree prepared elsewhere (e.g. a commit's `git archive` with deploy/ changes on top).
  tar -C "$LINKLEDGER_COMPOSE_TEST_SOURCE" -cf - . | tar -xf - -C "$co"
elif git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  # Tracked files with their working-tree content: what the developer is about to commit.
  (cd "$root" && git ls-files -z --cached | xargs -0 -r sh -c 'for f; do [ -e "$f" ] && printf "%s\0" "$f"; done' sh |
    tar --null -T - -cf -) | tar -xf - -C "$co"
else
  tar -C "$root" --exclude=./build --exclude=./var --exclude=./deploy/.env --exclude=./deploy/backups \
    --exclude=./tests/browser/node_modules -cf - . | tar -xf - -C "$co"
fi
cd "$co"

project="llstack$$"
tag="stack-test-$$"
export COMPOSE_PROJECT_NAME=$project COMPOSE_HTTP_TIMEOUT=300
compose() { docker-compose -f deploy/docker-compose.yml --env-file deploy/.env "$@"; }
images_before="$deploy_scratch/images-before"
podman images -a -q --no-trunc | sed "s/^sha256://" | sort -u >"$images_before"
volumes_before="$deploy_scratch/volumes-before"
podman volume ls -q | sort -u >"$volumes_before"

teardown() {
  local status=$1
  cd "$co" 2>/dev/null || return 0
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then
    echo "FAILED at: $step_name" >&2
    if [ -f deploy/.env ]; then
      echo "---- docker-compose ps" >&2; compose ps >&2 2>&1 || true
      echo "---- service logs (last 150 lines each)" >&2
      compose logs --no-color --tail=150 >&2 2>&1 || true
    fi
  fi
  echo "== tearing down (containers, volumes, network, images)" >&2
  if [ -f deploy/.env ]; then timeout 180 docker-compose -f deploy/docker-compose.yml --env-file deploy/.env down -v --remove-orphans -t 10 >/dev/null 2>&1 || true; fi
  local ids
  ids=$(podman ps -a -q --filter "label=com.docker.compose.project=$project" 2>/dev/null || true)
  [ -z "$ids" ] || podman rm -f $ids >/dev/null 2>&1 || true
  for v in db-data app-data caddy-data caddy-config; do podman volume rm -f "${project}_$v" >/dev/null 2>&1 || true; done
  # Anonymous volumes too (the backup service's image declares PGDATA a volume; `down` without
  # -v in the middle leaves one): those this run made, never one that was there before.
  local v
  for v in $(podman volume ls -q | sort -u | comm -13 "$volumes_before" -); do podman volume rm -f "$v" >/dev/null 2>&1 || true; done
  podman network rm -f "${project}_backend" >/dev/null 2>&1 || true
  if [ "${LINKLEDGER_COMPOSE_TEST_KEEP_IMAGES:-0}" != 1 ]; then
    podman rmi -f "docker.io/library/linkledger:$tag" "localhost/linkledger:$tag" >/dev/null 2>&1 || true
    # The build stage's images (untagged) that this run made; never one that was there before.
    local id
    local keep
    keep=$(podman image inspect --format '{{.Id}}' localhost/linkledger-build-deps:cache 2>/dev/null || true)
    local pass
    for pass in 1 2 3 4; do # children before parents: an image with children is refused
      for id in $(podman images -a -q --no-trunc | sed "s/^sha256://" | sort -u | comm -13 "$images_before" -); do
        [ "$id" = "$keep" ] || podman rmi "$id" >/dev/null 2>&1 || true
      done
    done
  fi
  echo "compose stack test: $((SECONDS - t_start)) s in all" >&2
}
on_exit teardown

ctr() { compose ps -q "$1"; }
health() { podman inspect --format '{{.State.Health.Status}}' "$(ctr "$1")" 2>/dev/null || echo missing; }
wait_healthy() {
  local svc deadline=$((SECONDS + 240))
  for svc in "$@"; do
    until [ "$(health "$svc")" = healthy ]; do
      [ $SECONDS -lt $deadline ] || fail "$svc is not healthy after 240 s (state: $(health "$svc"))"
      sleep 2
    done
  done
  echo "   (services healthy: $*)" >&2
}

# --- the image: built with podman, timed ----------------------------------------------------
# Called just before the README's `dc up -d --build` (after its fetch of the country file), so
# compose's own build finds every layer built and the sizes are those of the image it runs.
build_image() {
  step "building deploy/Dockerfile with podman"
  t0=$SECONDS
  podman build --format docker -f deploy/Dockerfile -t "docker.io/library/linkledger:$tag" . >"$deploy_scratch/build.log" 2>&1 ||
    { tail -60 "$deploy_scratch/build.log" >&2; fail "podman build failed"; }
  build_s=$((SECONDS - t0))
  # The build stage's package layer is kept (tagged), so the next run on this machine does not
  # install the build packages again; it changes only with deploy/install-deps.sh.
  deps_layer=$(awk '/STEP [0-9]+\/[0-9]+: RUN \.\/deploy\/install-deps\.sh build/ {on = 1; next} on && /^--> [0-9a-f]+$/ {print $2; exit}' "$deploy_scratch/build.log")
  [ -z "$deps_layer" ] || podman tag "$deps_layer" localhost/linkledger-build-deps:cache
  image_mb=$(podman image inspect --format '{{.Size}}' "docker.io/library/linkledger:$tag" | awk '{printf "%.0f", $1 / 1e6}')
  base_mb=$(podman image inspect --format '{{.Size}}' docker.io/library/debian:bookworm-slim | awk '{printf "%.0f", $1 / 1e6}')
  echo "image: built in $build_s s; linkledger:$tag $image_mb MB, of which the base debian:bookworm-slim $base_mb MB (Linkledger adds $((image_mb - base_mb)) MB)" >&2
}

# --- the README's blocks ----------------------------------------------------------------------
# The fenced sh blocks of "### With Docker Compose" and "### Backups and restore", in order.
readme_blocks="$deploy_scratch/blocks"
mkdir -p "$readme_blocks"
awk -v dir="$readme_blocks" '
  /^### With Docker Compose$/ { on = 1; next }
  /^### Without containers/ { on = 0 }
  on && /^```sh$/ { n++; inblock = 1; next }
  on && inblock && /^```$/ { inblock = 0; next }
  on && inblock { print > (dir "/" n) }
' README.md
[ "$(find "$readme_blocks" -type f | wc -l)" -eq 5 ] ||
  fail "the README's compose section no longer has its 5 sh blocks (install, start, first sale, upgrade, restore): update this test with it"

port=$(free_port)
base="http://localhost:$port"
# Runs one README block, command by command (a trailing backslash continues a command), in this
# shell, so its variables and the `dc` alias stay for the next ones. Each command's output goes
# to $deploy_scratch/out.<block>.<n> too. Lines that this machine cannot run as written are
# changed or skipped by the case below, and said so.
shopt -s expand_aliases
run_block() {
  local block=$1 cmd="" line n=0
  while IFS= read -r line <&3 || [ -n "$line" ]; do
    cmd+="$line"$'\n'
    [[ "$line" == *\\ ]] && continue
    n=$((n + 1))
    case "$cmd" in
      *"apt-get install"*|"git clone"*|"git pull"*) echo "   (not run here: ${cmd%%$'\n'*})" >&2; cmd=""; continue ;;
      # The upgrade's rebuild: with `git pull` not run there is nothing new to build, and
      # docker-compose 1.29 cannot `up` again over a network podman made ("needs to be
      # recreated": podman reports an IPAM option Docker does not); Docker users are not affected.
      "dc up -d --build"*) [ "$block" = 4 ] && { echo "   (not run here: $cmd)" >&2; cmd=""; continue; } ;;
      *"LINKLEDGER_DOMAIN=go.example.com"*)
        echo "   (skipped: the domain line; instead, on this machine:)" >&2
        local extra="LINKLEDGER_HTTP_PORT=127.0.0.1:$port
LINKLEDGER_HTTPS_PORT=127.0.0.1:$(free_port)
LINKLEDGER_PUBLIC_URL=$base
LINKLEDGER_IMAGE_TAG=$tag"
        sed 's/^/     /' <<<"$extra" >&2
        printf '%s\n' "$extra" >>deploy/.env
        cmd=""; continue ;;
      "BASE=https://go.example.com"*) cmd="BASE=$base"$'\n' ;;
      "DUMP="*) cmd="DUMP=$(ls -t deploy/backups/linkledger-*.dump | head -1)"$'\n' ;;
    esac
    cmd=${cmd//sudo /}
    if [ "$block" = 2 ] && [[ "$cmd" == "dc up -d --build"* ]]; then build_image; fi
    step "README block $block: ${cmd%%$'\n'*}"
    printf '%s' "$cmd" >"$deploy_scratch/cmd.$block.$n"
    # No terminal, as in CI; a command that reads its input says where from (`< "$DUMP"`).
    eval "$cmd" </dev/null > >(tee "$deploy_scratch/out.$block.$n")
    wait $! 2>/dev/null || true # the tee
    case "$cmd" in
      "dc up"*) wait_healthy db app ;;
      "dc start app"*) wait_healthy app ;;
      *"-A \"Mozilla"*) wait_shipped 1 ;;
    esac
    cmd=""
  done 3<"$readme_blocks/$block"
}
# What the README command containing TEXT printed.
output_of() {
  local f
  f=$(grep -lF -- "$1" "$deploy_scratch"/cmd.* | head -1) || fail "no README command containing '$1' was run"
  cat "${f/cmd./out.}"
}
api() { curl -sf "$base$1" -H "Authorization: Bearer $KEY"; }
# Waits until link 1 counts N clicks (shipped to PostgreSQL), as a person rereading would.
wait_shipped() {
  local want=$1 deadline=$((SECONDS + 90))
  until grep -q -- "\"clicks\":$want[,}]" <<<"$(api /api/v1/links/1 2>/dev/null)"; do
    [ $SECONDS -lt $deadline ] || fail "link 1 does not count $want clicks after 90 s: $(api /api/v1/links/1 || true)"
    sleep 1
  done
}

# Configure, start, API key and first login.
t_up=$SECONDS
run_block 2
echo "   (stack up and first login made in $((SECONDS - t_up)) s)" >&2
[[ "$KEY" == ll_* ]] || fail "no API key from the README's command: '$KEY'"
password=$(output_of "user add" | tail -n 1)
[ -n "$password" ] || fail "the README's user add printed no password"
grep -q -- '"status":"ready"' <<<"$(output_of "/readyz")" || fail "readyz through the proxy is not ready: $(output_of /readyz)"

# The first sale, end to end.
run_block 3
step "checking the first sale"
grep -q -- '"source":"tiktok"' <<<"$(api "/api/v1/clicks?limit=5")" || fail "the click is not in the API as a tiktok click: $(api '/api/v1/clicks?limit=5')"
grep -q -- '"bot":false' <<<"$(api "/api/v1/clicks?limit=5")" || fail "the phone's click was taken for a bot"
report=$(api "/api/v1/reports/revenue?group_by=source")
grep -q '"key":"tiktok"' <<<"$report" && grep -q '"commission_minor":200' <<<"$report" ||
  fail "the revenue report does not show tiktok with 2.00 EUR commission: $report"

step "signing in to the dashboard with the printed login"
login() {
  local jar="$deploy_scratch/cookies" csrf code
  rm -f "$jar"
  csrf=$(curl -sf -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf" value="[^"]*"' | sed 's/.*value="//; s/"$//')
  [ -n "$csrf" ] || fail "the login page has no CSRF field"
  code=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "email=you@example.com" \
    --data-urlencode "password=$password" --data-urlencode "csrf=$csrf" --data-urlencode "next=/dashboard" "$base/login")
  [[ "$code" == 30[23] ]] || fail "signing in with you@example.com and the printed password answered $code, not a redirect"
}
dashboard_loads() {
  local jar="$deploy_scratch/cookies" page
  grep -q -- '"role":"owner"' <<<"$(curl -sf -b "$jar" "$base/api/v1/session")" || fail "the session is not the owner's: $(curl -s -b "$jar" "$base/api/v1/session")"
  page=$(curl -sf -b "$jar" "$base/dashboard") || fail "the dashboard page did not load with the login"
  grep -qi '<html' <<<"$page" || fail "the dashboard page is not HTML"
}
login
dashboard_loads

step "checking the country file, the app's user, the published ports and /metrics"
grep -q -- 'countries file=/usr/share/linkledger/geoip/country.mmdb' <<<"$(compose logs --no-color app)" ||
  fail "the app does not use the image's country file: $(compose logs --no-color app | grep -i countr)"
app_uid=$(compose exec -T app cat /proc/1/status | awk '/^Uid:/ {print $2}')
[ -n "$app_uid" ] && [ "$app_uid" != 0 ] || fail "the app's process runs as uid '$app_uid'"
for svc in db app backup; do
  [ -z "$(podman port "$(ctr $svc)" 2>/dev/null)" ] || fail "$svc publishes a port: $(podman port "$(ctr $svc)")"
done
grep -q -- ":$port" <<<"$(podman port "$(ctr proxy)")" || fail "the proxy is not published on $port"
code=$(curl -s -o /dev/null -w '%{http_code}' "$base/metrics")
[ "$code" = 404 ] || fail "/metrics through the proxy answered $code, not 404"
grep -q -- '^linkledger_' <<<"$(compose exec -T app curl -sf http://127.0.0.1:8080/metrics)" || fail "the app itself does not serve /metrics"

# --- nothing lost ------------------------------------------------------------------------------
step "restart app: nothing lost"
compose restart app
wait_healthy app
wait_shipped 1
dashboard_loads
grep -q -- '"txid":"ORDER-1"' <<<"$(api /api/v1/conversions)" || fail "the sale is gone after restart app"

step "a click while PostgreSQL is down, still journaled when the app stops"
compose stop db
code=$(curl -s -o /dev/null -w '%{http_code}' -A "Mozilla/5.0 (Linux; Android 14; Pixel 8) Mobile" "$base/lea-bio?utm_source=instagram")
[ "$code" = 302 ] || fail "the redirect answered $code while PostgreSQL was down"
ready=$(curl -s "$base/readyz" || true)
grep -q '"degraded"' <<<"$ready" || fail "/readyz does not say degraded with PostgreSQL down: $ready"
compose stop app
step "down, then up (volumes kept)"
compose down
compose up -d
wait_healthy db app
wait_shipped 2
grep -q -- '"source":"instagram"' <<<"$(api "/api/v1/clicks?limit=5")" || fail "the click journaled while PostgreSQL was down is missing"
grep -q -- '"txid":"ORDER-1"' <<<"$(api /api/v1/conversions)" || fail "the sale is gone after down + up"
login
dashboard_loads

# --- backup and restore ----------------------------------------------------------------------
run_block 4
ls deploy/backups/linkledger-*.dump >/dev/null || fail "no dump in deploy/backups after the README's backup command"
step "a change after the backup, which the restore must undo"
api /api/v1/links -X POST -d '{"target_url": "https://shop.example/later", "slug": "after-backup"}' >/dev/null
run_block 5
wait_shipped 2
code=$(curl -s -o /dev/null -w '%{http_code}' -A "Mozilla/5.0 (iPhone) Mobile" "$base/after-backup")
[ "$code" = 404 ] || fail "the link made after the backup still answers $code after the restore"
grep -q -- '"txid":"ORDER-1"' <<<"$(api /api/v1/conversions)" || fail "the sale is not back after the restore"

step "done"
echo "compose stack: image built in $build_s s ($image_mb MB; Linkledger adds $((image_mb - base_mb)) MB to the base), README followed, nothing lost, backup restored, in $((SECONDS - t_start)) s"
