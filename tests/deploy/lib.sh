# Shared setup of the deploy checks (tests/deploy/*.sh), sourced after `set -euo pipefail`:
# where the repository is, a scratch directory removed on exit, how to fail (with the logs a
# script registers) or skip (exit 77, which ctest reports as skipped with the reason printed),
# scratch databases on the test cluster, a free loopback port, and the container runtime of
# these machines (podman, set up by the shared scripts beside the repository: ../shared/tools,
# or LINKLEDGER_CONTAINER_TOOLS).

deploy_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

# What a failure shows besides its reason (a server's log, say): functions registered with
# on_fail, run in order before the script exits 1.
deploy_fail_hooks=()
on_fail() { deploy_fail_hooks+=("$1"); }
fail() {
  echo "FAIL: $*" >&2
  local hook
  for hook in "${deploy_fail_hooks[@]}"; do "$hook" || true; done
  exit 1
}
skip() { echo "SKIP: $*" >&2; exit 77; }

# A scratch directory for this script, removed on exit (after the script's own cleanup, which
# it registers with on_exit).
deploy_scratch=$(mktemp -d /tmp/linkledger-deploy-XXXXXX)
chmod 755 "$deploy_scratch"
deploy_exit_hooks=()
on_exit() { deploy_exit_hooks+=("$1"); }
deploy_run_exit_hooks() {
  local status=$?
  local i
  # Last registered first: a test's teardown runs before the runtime it needs is stopped.
  for ((i = ${#deploy_exit_hooks[@]} - 1; i >= 0; i--)); do "${deploy_exit_hooks[$i]}" "$status" || true; done
  rm -rf "$deploy_scratch"
  return "$status"
}
trap deploy_run_exit_hooks EXIT

# The test cluster (tests/run.sh starts one), for the checks that run the server against it.
test_cluster() {
  echo "${LINKLEDGER_TEST_DATABASE_URL:?set LINKLEDGER_TEST_DATABASE_URL (tests/run.sh does)}"
}
# Creates database NAME on the test cluster, dropped (connections and all) on exit.
scratch_database() {
  local cluster
  cluster=$(test_cluster)
  psql -q -d "$cluster" -c "CREATE DATABASE $1" >/dev/null
  deploy_scratch_databases+=("$1")
}
deploy_scratch_databases=()
deploy_drop_scratch_databases() {
  local db
  for db in "${deploy_scratch_databases[@]}"; do
    psql -q -d "$LINKLEDGER_TEST_DATABASE_URL" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
}
on_exit deploy_drop_scratch_databases
# The test cluster's URL with its database replaced by NAME.
database_url() {
  python3 -c 'import sys, urllib.parse as u; p = u.urlsplit(sys.argv[1]); print(u.urlunsplit(p._replace(path="/" + sys.argv[2])))' \
    "$(test_cluster)" "$1"
}

# A TCP port nothing listens on (loopback); the kernel's choice, so two scripts do not collide.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Sets up podman with the shared scripts (idempotent: about two minutes the first time on a
# fresh machine, seconds after), builds the local postgres:15 and caddy:2 stand-ins, starts
# podman's Docker API socket and health ticker, and exports DOCKER_HOST for docker-compose.
# Skips the calling test where that cannot be done (not root, no tools, no container support).
# Sets deploy_started_services=1 when it started the socket, so the caller can stop it.
container_runtime_up() {
  local tools=${LINKLEDGER_CONTAINER_TOOLS:-$deploy_root/../shared/tools} log="$deploy_scratch/runtime.log"
  [ "$(id -u)" -eq 0 ] || skip "setting up podman needs root (the shared container scripts install packages)"
  [ -x "$tools/container-runtime.sh" ] && [ -x "$tools/stand-ins/build.sh" ] && [ -x "$tools/podman-services.sh" ] ||
    skip "no container runtime scripts at $tools (set LINKLEDGER_CONTAINER_TOOLS)"
  local t0=$SECONDS
  "$tools/container-runtime.sh" >"$log" 2>&1 || { tail -20 "$log" >&2; skip "no container runtime can be set up here ($tools/container-runtime.sh failed)"; }
  # Compose's services find each other by name ("db", "app"): on podman's CNI networks that is
  # the dnsname plugin's work, which the shared script does not install.
  if ! dpkg-query -W -f='${Status}' golang-github-containernetworking-plugin-dnsname 2>/dev/null | grep -q 'install ok installed'; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
      golang-github-containernetworking-plugin-dnsname >>"$log" 2>&1 ||
      { apt-get update -q >>"$log" 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        golang-github-containernetworking-plugin-dnsname >>"$log" 2>&1; } ||
      { tail -20 "$log" >&2; skip "the dnsname plugin (container name resolution) cannot be installed"; }
  fi
  "$tools/stand-ins/build.sh" >>"$log" 2>&1 || { tail -20 "$log" >&2; fail "the postgres:15 and caddy:2 stand-ins did not build"; }
  deploy_started_services=0
  [ -S /run/podman/podman.sock ] || deploy_started_services=1
  eval "$("$tools/podman-services.sh" start)"
  export DOCKER_HOST
  deploy_tools=$tools
  echo "container runtime: podman $(podman --version | awk '{print $3}'), docker-compose $(docker-compose version --short) ready in $((SECONDS - t0)) s" >&2
}
container_runtime_down() {
  if [ "${deploy_started_services:-0}" = 1 ]; then "$deploy_tools/podman-services.sh" stop || true; fi
}
