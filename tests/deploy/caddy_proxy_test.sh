#!/usr/bin/env bash
# deploy/Caddyfile in front of the real server: `caddy validate` accepts it for a domain
# (automatic HTTPS) and for plain HTTP; then Caddy runs it (Debian's caddy, the compose
# image's major version) before a linkledger that trusts it, as in docker-compose.yml. A
# follower's address reaches the click through Caddy, a forged X-Forwarded-For does not, and
# /metrics is not served through the proxy. Only addresses differ from the compose setup: the
# upstream `app:8080` is the test server's port, the site listens on a port Caddy picks, the
# admin API is off.
# Usage: caddy_proxy_test.sh LINKLEDGER_BINARY   (needs LINKLEDGER_TEST_DATABASE_URL)
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=$deploy_root
binary=${1:?usage: caddy_proxy_test.sh LINKLEDGER_BINARY}
scratch=$deploy_scratch
db="ll_caddy_$$"
pids=()
stop_processes() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
}
on_exit stop_processes
show_logs() { for f in "$scratch"/*.log; do echo "--- $f" >&2; tail -20 "$f" >&2; done; }
on_fail show_logs
export HOME="$scratch/home" XDG_DATA_HOME="$scratch/home/data" XDG_CONFIG_HOME="$scratch/home/config"

command -v caddy >/dev/null || fail "caddy is missing (deploy/install-deps.sh installs it)"
for site in go.example.com http://localhost; do
  LINKLEDGER_SITE=$site caddy validate --config "$root/deploy/Caddyfile" --adapter caddyfile >"$scratch/validate.log" 2>&1 ||
    fail "caddy validate rejects the Caddyfile for LINKLEDGER_SITE=$site"
done

scratch_database "$db"
db_url=$(database_url "$db")
key=$(LINKLEDGER_DATABASE_URL=$db_url "$binary" api-key create --name caddy 2>/dev/null | tail -1)

# The logs polled below exist before their processes start: the shell opens a background
# command's redirection in the child, which may come after the first poll (and sed on a missing
# file fails the script: the fresh-clone CI of 2026-12-06 saw it once).
: >"$scratch/app.log"
: >"$scratch/caddy.log"
# The server takes a free port itself and says which: a port picked here and handed over could
# be taken by a server of a test running beside this one (ctest -j2) before it bound it.
LINKLEDGER_DATABASE_URL=$db_url LINKLEDGER_LISTEN=127.0.0.1:0 LINKLEDGER_DATA_DIR=$scratch/data \
  LINKLEDGER_TRUSTED_PROXIES=127.0.0.1 "$binary" serve 2>"$scratch/app.log" &
pids+=($!)
for _ in $(seq 1 300); do
  grep -q 'listening on' "$scratch/app.log" && break
  sleep 0.1
done
app_port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$scratch/app.log" | head -1)
[ -n "$app_port" ] || fail "the server did not say its port"
{ echo '{'; echo '	admin off'; echo '}'; sed "s/app:8080/127.0.0.1:$app_port/" "$root/deploy/Caddyfile"; } >"$scratch/Caddyfile"
# Caddy too takes a free port itself (the site's port 0) and logs which: a port picked here and
# handed over was free when looked at, not when Caddy came to bind it.
LINKLEDGER_SITE="http://:0" caddy run --config "$scratch/Caddyfile" --adapter caddyfile 2>"$scratch/caddy.log" &
pids+=($!)
proxy_port=""
for _ in $(seq 1 300); do
  proxy_port=$(sed -n 's|.*"port 0 listener".*"actual_address":"[^"]*:\([0-9][0-9]*\)".*|\1|p' "$scratch/caddy.log" | head -1)
  [ -n "$proxy_port" ] && break
  sleep 0.1
done
[ -n "$proxy_port" ] || fail "Caddy did not say the port it took"

for _ in $(seq 1 300); do
  grep -q 'listening on' "$scratch/app.log" && curl -s -o /dev/null "http://127.0.0.1:$proxy_port/healthz" && break
  sleep 0.1
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy_port/readyz")" = 200 ] || fail "/readyz through Caddy"

created=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" \
  -d '{"target_url":"https://shop.example/p?c={click_id}","slug":"via-caddy"}' "http://127.0.0.1:$proxy_port/api/v1/links")
[ "$created" = 201 ] || fail "creating a link through Caddy: $created"

# A follower at 127.0.1.5 (anonymised 127.0.1.0), distinct from Caddy's own 127.0.0.1.
follow() { curl -s -o /dev/null -w '%{redirect_url}' --interface 127.0.1.5 "$@" "http://127.0.0.1:$proxy_port/via-caddy"; }
real=$(follow)
forged=$(follow -H 'X-Forwarded-For: 203.0.113.9')
[[ "$real" == https://shop.example/p?c=* && "$forged" == https://shop.example/p?c=* ]] || fail "no redirect through Caddy: '$real' '$forged'"
ip_of() {
  local id=${1##*c=} v=""
  for _ in $(seq 1 300); do
    v=$(psql -tA -d "$db_url" -c "SELECT ip_anon FROM clicks WHERE click_id = '$id'")
    [ -n "$v" ] && break
    sleep 0.1
  done
  echo "$v"
}
[ "$(ip_of "$real")" = 127.0.1.0 ] || fail "the follower's address did not reach the click: $(ip_of "$real")"
[ "$(ip_of "$forged")" = 127.0.1.0 ] || fail "a forged X-Forwarded-For reached the click: $(ip_of "$forged")"

[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$proxy_port/metrics")" = 404 ] || fail "/metrics is served through Caddy"
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$app_port/metrics")" = 200 ] || fail "/metrics is not served to the internal network"
echo "Caddyfile: valid for a domain and for plain HTTP; proxies with the follower's address, drops forged ones, hides /metrics"
