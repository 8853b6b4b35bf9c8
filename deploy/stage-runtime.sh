#!/usr/bin/env bash
# Stages what the runtime image holds, under DEST, as it will be laid out in the image:
#   usr/local/bin/linkledger             the server (migrations and bot patterns compiled in)
#   usr/share/linkledger/migrations/     the SQL, for operators reading what an upgrade does
#   usr/share/linkledger/web/            dashboard and bio-page assets (when the tree has them)
#   usr/share/linkledger/geoip/          the country file and its licence (when fetched)
# Used by deploy/Dockerfile's build stage and by the test that checks its file list, so both
# see the same files. Usage: deploy/stage-runtime.sh BUILD_DIR DEST
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:?usage: stage-runtime.sh BUILD_DIR DEST}
dest=${2:?usage: stage-runtime.sh BUILD_DIR DEST}

[ -x "$build/linkledger" ] || { echo "stage-runtime: no binary at $build/linkledger" >&2; exit 1; }
install -d "$dest/usr/local/bin" "$dest/usr/share/linkledger/migrations" "$dest/usr/share/linkledger/web"
install -m 0755 "$build/linkledger" "$dest/usr/local/bin/linkledger"
install -m 0644 "$root"/migrations/*.sql "$dest/usr/share/linkledger/migrations/"
if [ -d "$root/web" ]; then
  cp -R "$root/web/." "$dest/usr/share/linkledger/web/"
fi
# The free country file with its licence, when deploy/fetch-country-db.sh has brought it (it is
# not in git); the server looks for it here first.
if [ -f "$root/data/geoip/country.mmdb" ]; then
  install -d "$dest/usr/share/linkledger/geoip"
  for f in country.mmdb LICENSE.country-db VERSION; do
    [ ! -f "$root/data/geoip/$f" ] || install -m 0644 "$root/data/geoip/$f" "$dest/usr/share/linkledger/geoip/$f"
  done
fi
echo "stage-runtime: staged $(find "$dest" -type f | wc -l) files under $dest" >&2
