#!/usr/bin/env bash
# deploy/docker-compose.yml is valid with deploy/.env.example (once the one required secret is
# filled in), refuses to start without that secret, and every variable .env.example documents
# is read by the compose file. No container runtime is needed: `docker-compose config` only
# parses and interpolates.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=$deploy_root
deploy="$root/deploy"
scratch=$deploy_scratch

command -v docker-compose >/dev/null || fail "docker-compose is missing (deploy/install-deps.sh installs it)"

# Without the password: a clear refusal, not a database with an empty password.
if docker-compose -f "$deploy/docker-compose.yml" --env-file "$deploy/.env.example" config >"$scratch/out" 2>&1; then
  fail "compose accepted an empty POSTGRES_PASSWORD"
fi
grep -q "set POSTGRES_PASSWORD in deploy/.env" "$scratch/out" || { cat "$scratch/out"; fail "the refusal does not say what to set"; }

sed 's/^POSTGRES_PASSWORD=$/POSTGRES_PASSWORD=test0secret0value/' "$deploy/.env.example" >"$scratch/env"
docker-compose -f "$deploy/docker-compose.yml" --env-file "$scratch/env" config >"$scratch/config.yml" 2>"$scratch/err" ||
  { cat "$scratch/err"; fail "docker-compose config rejected the compose file"; }
[ ! -s "$scratch/err" ] || { cat "$scratch/err"; fail "docker-compose config printed warnings"; }

# The promised shape, read back from the resolved configuration.
python3 - "$scratch/config.yml" <<'PY'
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
s = c["services"]
def need(cond, why):
    if not cond:
        sys.exit("FAIL: " + why)
need(set(s) == {"db", "app", "proxy", "backup"}, f"services are {sorted(s)}")
need(s["db"]["image"] == "postgres:15", "db is not postgres:15")
need(any(str(v).startswith("db-data:") for v in s["db"]["volumes"]) or
     any(isinstance(v, dict) and v.get("source") == "db-data" for v in s["db"]["volumes"]), "db data is not on the named volume")
need("pg_isready -h 127.0.0.1" in " ".join(s["db"]["healthcheck"]["test"]), "db health check is not pg_isready over TCP")
need(s["app"]["depends_on"]["db"]["condition"] == "service_healthy", "app does not wait for a healthy db")
vols = " ".join(str(v) for v in s["app"]["volumes"])
need("app-data:/var/lib/linkledger" in vols, "the journal is not on a named volume")
env = s["app"]["environment"]
need(env["LINKLEDGER_DATA_DIR"] == "/var/lib/linkledger", "data dir is not the volume")
need("password=test0secret0value" in env["LINKLEDGER_DATABASE_URL"], "the app does not get the password")
need(env["LINKLEDGER_TRUSTED_PROXIES"] == c["networks"]["backend"]["ipam"]["config"][0]["subnet"],
     "the app does not trust exactly the proxy network")
need("ports" not in s["app"], "the app is published around the proxy")
need(s["proxy"]["environment"]["LINKLEDGER_SITE"] == "http://localhost", "without a domain the proxy is not plain HTTP on localhost")
need("Caddyfile" in " ".join(str(v) for v in s["proxy"]["volumes"]), "the proxy does not get deploy/Caddyfile")
need(s["backup"]["environment"]["BACKUP_KEEP_DAYS"] == "14", "backup retention is not the documented default")
for name in ("db-data", "app-data", "caddy-data"):
    need(name in c["volumes"], f"volume {name} missing")
PY

# With a domain, Caddy gets that domain (and with it, automatic HTTPS).
printf 'LINKLEDGER_DOMAIN=go.example.com\nLINKLEDGER_PUBLIC_URL=https://go.example.com\n' >>"$scratch/env"
docker-compose -f "$deploy/docker-compose.yml" --env-file "$scratch/env" config >"$scratch/domain.yml"
grep -q "LINKLEDGER_SITE: go.example.com" "$scratch/domain.yml" || fail "LINKLEDGER_DOMAIN does not reach Caddy"
grep -q "LINKLEDGER_PUBLIC_URL: https://go.example.com" "$scratch/domain.yml" || fail "LINKLEDGER_PUBLIC_URL does not reach the app"

# Every variable .env.example documents is used by the compose file, and is documented.
missing=0
while IFS= read -r name; do
  grep -q "\${$name[:}]" "$deploy/docker-compose.yml" || { echo "FAIL: $name is in .env.example but docker-compose.yml never reads it" >&2; missing=1; }
  line=$(grep -n "^$name=" "$deploy/.env.example" | cut -d: -f1)
  prev=$(sed -n "$((line - 1))p" "$deploy/.env.example")
  [[ "$prev" == "#"* ]] || { echo "FAIL: $name has no comment above it in .env.example" >&2; missing=1; }
done < <(grep -oE '^[A-Z_]+=' "$deploy/.env.example" | tr -d '=')
# ... and every variable the compose file reads is in .env.example.
while IFS= read -r name; do
  grep -q "^$name=" "$deploy/.env.example" || { echo "FAIL: docker-compose.yml reads $name, which .env.example does not document" >&2; missing=1; }
done < <(grep -oE '\$\{[A-Z_]+' "$deploy/docker-compose.yml" | tr -d '${' | sort -u)
# Secrets have no default value.
for secret in POSTGRES_PASSWORD LINKLEDGER_METRICS_TOKEN; do
  grep -q "^$secret=$" "$deploy/.env.example" || { echo "FAIL: $secret has a default value in .env.example" >&2; missing=1; }
done
[ "$missing" -eq 0 ] || exit 1
echo "compose config: valid; $(grep -cE '^[A-Z_]+=' "$deploy/.env.example") documented variables, all read"
