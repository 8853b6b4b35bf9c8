#!/usr/bin/env bash
# Brings the free country database that Linkledger uses when LINKLEDGER_GEOIP_DB is not set:
# geo-whois-asn-country (GeoFeed + Whois + ASN data, MaxMind format, `country_code` records) from
# the npm package @ip-location-db/geo-whois-asn-country-mmdb. Its data is licensed CC BY 4.0 by
# the Number Resource Organization (nro.net), which allows redistribution with attribution: the
# licence travels with the file (LICENSE.country-db) and the README credits NRO.
# The version is pinned, so a build is reproducible; npm checks the package's integrity.
# Usage: deploy/fetch-country-db.sh [DEST_DIR (data/geoip)]   (a no-op when DEST has this version)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/data/geoip}
package=@ip-location-db/geo-whois-asn-country-mmdb
version=2.3.2026061719

if [ -f "$dest/country.mmdb" ] && [ "$(cat "$dest/VERSION" 2>/dev/null)" = "$package@$version" ]; then
  exit 0
fi
command -v npm >/dev/null || { echo "fetch-country-db: npm is needed (deploy/install-deps.sh installs it)" >&2; exit 1; }
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "$package@$version" >/dev/null) ||
  { echo "fetch-country-db: could not download $package@$version from the npm registry" >&2; exit 1; }
tar -xzf "$scratch"/*.tgz -C "$scratch"
mkdir -p "$dest"
install -m 0644 "$scratch/package/geo-whois-asn-country.mmdb" "$dest/country.mmdb.new"
mv "$dest/country.mmdb.new" "$dest/country.mmdb"
{
  echo "country.mmdb: $package@$version (geo-whois-asn-country), from https://github.com/sapics/ip-location-db"
  echo
  cat "$scratch/package/NRO_LICENSE"
  echo
} >"$dest/LICENSE.country-db"
echo "$package@$version" >"$dest/VERSION"
echo "fetch-country-db: $dest/country.mmdb ($package@$version)" >&2
