#!/usr/bin/env bash
# deploy/linkledger.service passes `systemd-analyze verify` without a single warning, and keeps
# its hardening. The unit is verified inside a scratch root (--root) holding the system's
# units and an executable at the unit's ExecStart path, so the check needs neither a running
# systemd nor an installed binary. Exit 77 (skipped) only when systemd-analyze cannot verify
# even a trivial unit here, with the reason.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

root=$deploy_root
unit="$root/deploy/linkledger.service"
scratch=$deploy_scratch

command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (deploy/install-deps.sh installs systemd)"

units_dir=$(pkg-config --variable=systemdsystemunitdir systemd 2>/dev/null || echo /usr/lib/systemd/system)
mkdir -p "$scratch/root/etc/systemd/system" "$scratch/root$(dirname "$units_dir")"
cp -a "$units_dir" "$scratch/root$units_dir"
install -D -m 0755 /bin/true "$scratch/root/usr/local/bin/linkledger"
install -D -m 0755 /bin/true "$scratch/root/usr/local/bin/probe"

verify() { # unit file name -> output of verify, exit code preserved
  systemd-analyze verify --man=no --root="$scratch/root" "$1" 2>&1
}

# Can this machine verify at all? A minimal, correct unit must pass silently.
printf '[Unit]\nDescription=probe\n[Service]\nExecStart=/usr/local/bin/probe\n' >"$scratch/root/etc/systemd/system/probe.service"
if ! probe=$(verify probe.service) || [ -n "$probe" ]; then
  skip "systemd-analyze cannot verify units in this environment: ${probe:-exit code $?}"
fi
# ... and it does catch a mistake, so silence below means something.
printf '[Service]\nExecStart=/usr/local/bin/probe\nProtectSystm=strict\n' >"$scratch/root/etc/systemd/system/typo.service"
typo=$(verify typo.service || true)
[[ "$typo" == *"Unknown key"* ]] || fail "systemd-analyze did not report a misspelt key: $typo"

install -m 0644 "$unit" "$scratch/root/etc/systemd/system/linkledger.service"
out=$(verify linkledger.service) || fail "systemd-analyze verify failed: $out"
[ -z "$out" ] || fail "systemd-analyze verify warned: $out"

for directive in 'NoNewPrivileges=yes' 'ProtectSystem=strict' 'DynamicUser=yes' \
                 'ReadWritePaths=/var/lib/linkledger' 'StateDirectory=linkledger' \
                 'ExecStart=/usr/local/bin/linkledger serve' 'KillSignal=SIGTERM'; do
  grep -qx "$directive" "$unit" || fail "$directive is missing from the unit"
done
echo "systemd unit: verified, hardened"
