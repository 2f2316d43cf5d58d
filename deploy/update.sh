#!/usr/bin/env bash
# Updates EdgeGateway with automatic rollback: the new release goes beside the old one, "current" is switched
# atomically, and unless the service reports itself healthy (running, alarm loop armed) within the deadline,
# "current" is switched back and the old release restarted. Outbox and meter totals live in the data dir,
# which no release owns, so they survive both the update and a rollback.
# Only a signed release is installed: RELEASE.tar.gz must have its RELEASE.tar.gz.sig beside it, signed by a key in
# /etc/edgegateway/release-keys/*.pub, be byte for byte what was signed and not older than the installed version
# (unless signed as a rollback). The installed release checks the next one (`edgegateway release verify`).
# Usage (as root):  update.sh RELEASE.tar.gz [DEADLINE_SECONDS]
#                   ALLOW_UNSIGNED_DIR=1 update.sh RELEASE_DIR [DEADLINE_SECONDS]   (a bench, never a home)
# For tests: EDGEGATEWAY_ROOT and SYSTEM_RUN as in install.sh; EDGEGATEWAY_VERIFY for the verifying command.
set -euo pipefail
root="${EDGEGATEWAY_ROOT:-}"
sys() { if [ -n "${SYSTEM_RUN:-}" ]; then "$SYSTEM_RUN" "$@"; else "$@"; fi; }
src="${1:?usage: update.sh RELEASE.tar.gz [DEADLINE_SECONDS]}"
deadline="${2:-90}"
opt="$root/opt/edgegateway"
health="$root/var/lib/edgegateway/health.json"

[ -L "$opt/current" ] || { echo "update.sh: no installed release at $opt/current: run install.sh first" >&2; exit 2; }
keys_dir="$root/etc/edgegateway/release-keys"
if [ -d "$src" ]; then
  [ "${ALLOW_UNSIGNED_DIR:-}" = 1 ] || { echo "update.sh: $src is a folder, which carries no signature: only a signed archive (.tar.gz with its .sig) is installed" >&2; exit 2; }
else
  keys=()
  for k in "$keys_dir"/*.pub; do [ -f "$k" ] && keys+=(--key "$k"); done
  [ ${#keys[@]} -gt 0 ] || { echo "update.sh: no trusted release keys in $keys_dir (*.pub): nothing can be verified, so nothing is installed" >&2; exit 2; }
  verify="${EDGEGATEWAY_VERIFY:-$opt/current/app/edgegateway}"
  if ! $verify release verify "$src" "${keys[@]}" --installed "$(cat "$opt/current/VERSION")" >&2; then
    echo "update.sh: $src refused; the installed release keeps running, nothing changed" >&2
    exit 3
  fi
fi
staging=$(mktemp -d "$opt/releases/.staging.XXXXXX")
trap 'rm -rf "$staging"' EXIT
if [ -d "$src" ]; then cp -a "$src/." "$staging/"; else tar -xzf "$src" -C "$staging" --strip-components=1; fi
[ -f "$staging/VERSION" ] && [ -x "$staging/app/edgegateway" ] || { echo "update.sh: $src is not a release (VERSION or app/edgegateway missing)" >&2; exit 2; }
version=$(cat "$staging/VERSION")
previous=$(readlink "$opt/current")
if [ "$previous" = "releases/$version" ]; then echo "update.sh: $version is already current"; exit 0; fi
rm -rf "$opt/releases/$version"
mv "$staging" "$opt/releases/$version"

switch_to() { ln -sfn "$1" "$opt/current.new"; mv -T "$opt/current.new" "$opt/current"; }

healthy_since() {
  # Healthy = the service is active and wrote health.json, after the switch, saying the alarm loop is armed.
  local since=$1
  sys systemctl is-active --quiet edgegateway.service || return 1
  [ -f "$health" ] || return 1
  [ "$(stat -c %Y "$health")" -ge "$since" ] || return 1
  grep -q '"armed": *true' "$health" && grep -q "\"version\": *\"${2}\"" "$health"
}

switched_at=$(date +%s)
switch_to "releases/$version"
sys systemctl restart edgegateway.service
for _ in $(seq "$deadline"); do
  if healthy_since "$switched_at" "$version"; then
    echo "update.sh: $version is healthy; previous release $previous kept for rollback"
    # The start guard sits beside the releases: the release that now stays brings its own.
    [ -f "$opt/current/update-guard.sh" ] && install -m 0755 "$opt/current/update-guard.sh" "$opt/update-guard.sh"
    # Keep the three newest releases besides current; SD cards are small.
    ls -1dt "$opt"/releases/*/ 2>/dev/null | tail -n +5 | while read -r old; do
      [ "$(basename "$old")" = "$version" ] || [ "releases/$(basename "$old")" = "$previous" ] || rm -rf "$old"
    done
    exit 0
  fi
  sleep 1
done

echo "update.sh: $version did not report healthy within ${deadline}s; rolling back to $previous" >&2
switch_to "$previous"
sys systemctl restart edgegateway.service
exit 1
