#!/usr/bin/env bash
# The arm64 smoke test on an x86 machine: publish the release for linux-arm64 and run it under qemu-user,
# `--version` and a short headless demo that must deliver its events. Installs qemu-user-static and the arm64
# runtime libraries when they are missing. Prints "arm64 smoke: N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v qemu-aarch64-static >/dev/null 2>&1 || need+=(qemu-user-static)
[ -e /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 ] || need+=(libc6-arm64-cross)
[ -e /usr/aarch64-linux-gnu/lib/libstdc++.so.6 ] || need+=(libstdc++6-arm64-cross libgcc-s1-arm64-cross)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "arm64-smoke: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

archive=$(deploy/release.sh linux-arm64 2>/tmp/arm64-publish.log) || { cat /tmp/arm64-publish.log >&2; exit 1; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
tar -xzf "$archive" -C "$work" --strip-components=1
exe="$work/app/edgegateway"
echo "arm64-smoke: $(basename "$archive"): archive $(du -h "$archive" | cut -f1), installed $(du -sh "$work/app" | cut -f1)"

passed=0; failed=0
check() { # name, command...
  local name=$1; shift
  if out=$("$@" 2>&1); then passed=$((passed + 1)); echo "arm64-smoke: PASS $name"; else failed=$((failed + 1)); echo "arm64-smoke: FAIL $name"; echo "$out" | tail -20; fi
}
arm() { timeout 300 qemu-aarch64-static -L /usr/aarch64-linux-gnu "$exe" "$@"; }
version_is_stamped() { arm --version | grep -Eq '^edgegateway [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]+\)$'; }
demo_delivers() { arm demo --headless --speed 30 | tee "$work/demo.log" | grep -q 'expected happenings observed' && ! grep -q MISSING "$work/demo.log"; }
check "version under qemu-aarch64" version_is_stamped
check "headless demo under qemu-aarch64 delivers every expected event" demo_delivers
echo "arm64 smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
