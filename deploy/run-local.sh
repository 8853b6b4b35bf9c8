#!/usr/bin/env bash
# The README's "run it" command: installs packages, builds (Release), starts a private
# PostgreSQL under ./var unless LINKLEDGER_DATABASE_URL is set, migrates, shows the first API
# key and the first owner's dashboard login once, and serves in the foreground. Ctrl-C stops
# the server, then that PostgreSQL.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

"$root/deploy/install-deps.sh"
# The free country file clicks are placed with (data/geoip, CC BY 4.0 NRO; see the README).
"$root/deploy/fetch-country-db.sh"

echo "run-local: building (Release)" >&2
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DLINKLEDGER_BUILD_TESTS=OFF >/dev/null
cmake --build build/release -j"$(nproc)" --target linkledger
bin="$root/build/release/linkledger"

export LINKLEDGER_DATA_DIR=${LINKLEDGER_DATA_DIR:-$root/var}
mkdir -p "$LINKLEDGER_DATA_DIR"
started_pg=""
if [ -z "${LINKLEDGER_DATABASE_URL:-}" ]; then
  if [ "$(id -u)" -eq 0 ]; then chmod 755 "$LINKLEDGER_DATA_DIR"; fi
  LINKLEDGER_DATABASE_URL=$("$root/deploy/private-postgres.sh" start "$LINKLEDGER_DATA_DIR/pg")
  export LINKLEDGER_DATABASE_URL
  started_pg="$LINKLEDGER_DATA_DIR/pg"
  echo "run-local: private PostgreSQL in $started_pg" >&2
fi

stop_pg() {
  if [ -n "$started_pg" ]; then "$root/deploy/private-postgres.sh" stop "$started_pg" || true; fi
}
trap stop_pg EXIT

"$bin" migrate

marker="$LINKLEDGER_DATA_DIR/.first-api-key-shown"
if [ ! -f "$marker" ]; then
  key=$("$bin" api-key create --name first | tail -n 1)
  touch "$marker"
  cat <<BANNER

  ================================================================
   Your first API key (shown once; only its hash is stored):
     $key
  ================================================================

BANNER
else
  echo "run-local: the first API key was shown on the first run; make another with:" >&2
  echo "  $bin api-key create --name NAME" >&2
fi

# The first owner of the dashboard, made once; its generated password is printed once.
owner_marker="$LINKLEDGER_DATA_DIR/.first-owner-shown"
owner_email=${LINKLEDGER_OWNER_EMAIL:-owner@localhost}
listen=${LINKLEDGER_LISTEN:-127.0.0.1:8080}
if [ ! -f "$owner_marker" ]; then
  if created=$("$bin" user add --email "$owner_email" --role owner </dev/null); then
    password=$(printf '%s\n' "$created" | tail -n 1)
    touch "$owner_marker"
    cat <<BANNER

  ================================================================
   Dashboard: http://$listen/login  (shown once; only a hash is stored)
     email:    $owner_email
     password: $password
  ================================================================

BANNER
  else
    echo "run-local: could not create the first owner $owner_email (already there?)" >&2
  fi
else
  echo "run-local: the first owner's login was shown on the first run; add users with:" >&2
  echo "  $bin user add --email EMAIL --role owner|viewer" >&2
fi


echo "run-local: Linkledger at http://$listen (Ctrl-C to stop)" >&2
"$bin" serve &
server=$!
# Forward Ctrl-C / SIGTERM to the server and wait for it to drain; then the EXIT trap stops
# PostgreSQL.
trap 'kill -TERM "$server" 2>/dev/null || true' INT TERM
status=0
wait "$server" || status=$?
# A signal interrupts the first wait; wait again for the server to finish shutting down.
if kill -0 "$server" 2>/dev/null; then wait "$server" || status=$?; fi
exit "$status"
