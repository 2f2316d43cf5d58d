#!/usr/bin/env bash
# Installs EdgeGateway from an unpacked release on a fresh Raspberry Pi (64-bit Raspberry Pi OS / Debian).
# Idempotent: running it again repairs users, directories, the unit and udev rules without touching config or data.
# Usage (as root, from the unpacked release):  ./install.sh
# For tests: EDGEGATEWAY_ROOT=/some/dir installs under that prefix, and system commands (useradd, systemctl, ...)
# are run through $SYSTEM_RUN (e.g. a script that records them) instead of directly.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root="${EDGEGATEWAY_ROOT:-}"
sys() { if [ -n "${SYSTEM_RUN:-}" ]; then "$SYSTEM_RUN" "$@"; else "$@"; fi; }

[ -f "$here/VERSION" ] && [ -x "$here/app/edgegateway" ] || { echo "install.sh: run me from an unpacked release (VERSION and app/edgegateway missing in $here)" >&2; exit 2; }
if [ -z "$root" ] && [ "$(id -u)" -ne 0 ]; then echo "install.sh: must run as root" >&2; exit 2; fi
version=$(cat "$here/VERSION")

# Users and groups: a dedicated system user that may use GPIO, I2C and serial ports, and nothing more.
for g in gpio i2c dialout; do
  getent group "$g" >/dev/null 2>&1 || sys groupadd --system "$g"
done
if ! getent passwd edgegateway >/dev/null 2>&1; then
  sys useradd --system --home-dir /var/lib/edgegateway --shell /usr/sbin/nologin --user-group edgegateway
fi
sys usermod -a -G gpio,i2c,dialout edgegateway

# Releases live side by side; "current" is a symlink switched atomically by update.sh.
opt="$root/opt/edgegateway"
mkdir -p "$opt/releases" "$root/etc/edgegateway" "$root/etc/edgegateway/release-keys" "$root/var/lib/edgegateway" "$root/etc/systemd/system" "$root/etc/udev/rules.d"
dest="$opt/releases/$version"
if [ ! -d "$dest" ]; then
  cp -a "$here" "$dest.partial"
  mv "$dest.partial" "$dest"
fi
[ -L "$opt/current" ] || { ln -sfn "releases/$version" "$opt/current.new"; mv -T "$opt/current.new" "$opt/current"; }
# The start guard (ExecStartPre) lives beside the releases, not in one: it must run whichever release current names.
install -m 0755 "$here/update-guard.sh" "$opt/update-guard.sh"
# The gateway switches current itself for an update from the centre: the service user owns the install folder and releases/.
sys chown edgegateway:edgegateway "$opt" "$opt/releases"

# Config from the example only when there is none: a re-install never overwrites a commissioned home.
[ -f "$root/etc/edgegateway/config.json" ] || install -m 0640 "$here/config.example.json" "$root/etc/edgegateway/config.json"
sys chown -R edgegateway:edgegateway "$root/var/lib/edgegateway"
sys chgrp edgegateway "$root/etc/edgegateway/config.json"
chmod 0750 "$root/var/lib/edgegateway"

install -m 0644 "$here/edgegateway.service" "$root/etc/systemd/system/edgegateway.service"
cat > "$root/etc/udev/rules.d/60-edgegateway.rules" <<'RULES'
# GPIO and I2C character devices usable by their groups (Raspberry Pi OS ships similar rules; Debian does not).
SUBSYSTEM=="gpio", KERNEL=="gpiochip*", GROUP="gpio", MODE="0660"
SUBSYSTEM=="i2c-dev", GROUP="i2c", MODE="0660"
# USB gadget serial console for the technician.
KERNEL=="ttyGS[0-9]*", GROUP="dialout", MODE="0660"
RULES
# The graceful end on an empty battery runs `systemctl poweroff` as the service user (devices.power.shutdown_command).
mkdir -p "$root/etc/polkit-1/rules.d"
cat > "$root/etc/polkit-1/rules.d/50-edgegateway.rules" <<'RULES'
polkit.addRule(function(action, subject) {
    if (action.id == "org.freedesktop.login1.power-off" && subject.user == "edgegateway") {
        return polkit.Result.YES;
    }
});
RULES
sys udevadm control --reload-rules
sys udevadm trigger --subsystem-match=gpio --subsystem-match=i2c-dev --subsystem-match=tty
sys systemctl daemon-reload
sys systemctl enable edgegateway.service
sys systemctl restart edgegateway.service
echo "install.sh: EdgeGateway $version installed; current -> $(readlink "$opt/current")"
