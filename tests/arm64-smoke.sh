#!/usr/bin/env bash
# The arm64 smoke test on an x86 machine: publish the release for linux-arm64 (self-contained, trimmed: the artefact a
# Pi installs) and run it under qemu-user as a Pi 4's CPU (Cortex-A72: ARMv8.0, no LSE atomics, no SVE), `--version`
# and a short headless demo that must deliver its events. Installs qemu-user-static and the arm64 runtime libraries
# when they are missing. Prints what built the artefact, and on a failure the first exception (what, and where it was
# thrown) before the tail of the output. Prints "arm64 smoke: N passed, N failed".
# ARM64_CPU=max runs it on qemu's every-extension CPU instead (what the JIT then emits differs).
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

# Signed with a throwaway key, as a release is: the artefact itself then verifies its own archive under the emulator
# (Ed25519 through the libsodium it ships, no system OpenSSL).
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
dotnet run --project src/EdgeGateway -c Release -- release keygen --out "$work/keys" >/tmp/arm64-publish.log 2>&1 || { cat /tmp/arm64-publish.log >&2; exit 1; }
archive=$(RELEASE_SIGNING_KEY="$work/keys/release-signing.key" deploy/release.sh linux-arm64 2>>/tmp/arm64-publish.log) || { cat /tmp/arm64-publish.log >&2; exit 1; }
mkdir -p "$work/release"
tar -xzf "$archive" -C "$work/release" --strip-components=1
exe="$work/release/app/edgegateway"
cpu="${ARM64_CPU:-cortex-a72}"
echo "arm64-smoke: $(basename "$archive"): archive $(du -h "$archive" | cut -f1), installed $(du -sh "$work/release/app" | cut -f1); built with $(tr '\n' ' ' < "$work/release/BUILDINFO"); qemu $(qemu-aarch64-static --version | head -1 | awk '{print $3}') -cpu $cpu"

# The first exception in a failed run's output, with the first frame under it: the cause, not the stack's tail.
first_exception() {
  awk '/edgegateway: unhandled:|FAILED:|Unhandled exception|Exception:/ && !shown { print; want = 1; shown = 1; next }
       want && /^ +---> / { print; next }
       want && /^ +at / { print; exit }' <<<"$1"
}

passed=0; failed=0
check() { # name, command...
  local name=$1; shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "arm64-smoke: PASS $name"
  else
    failed=$((failed + 1)); echo "arm64-smoke: FAIL $name"
    cause=$(first_exception "$out")
    [ -n "$cause" ] && echo "arm64-smoke: first exception: $cause"
    echo "$out" | tail -20
  fi
}
# W^X off under the emulator only: the runtime writes code through a second, writable mapping of the executable pages,
# which qemu-user does not see, so it keeps running its translation of the code that was there before (a precode patched
# at tier-up, a reused stub): the trimmed release, all of it JIT-compiled, then died at random with an
# NullReferenceException inside a reflection invoke stub (dotnet/runtime#94909, #70910). A real Pi flushes its
# instruction cache on every such write and keeps W^X on.
# The demo takes 3–4 min under qemu on an idle 2-core machine; the limit leaves room for a busy one.
arm() { DOTNET_EnableWriteXorExecute=0 timeout 900 qemu-aarch64-static -cpu "$cpu" -L /usr/aarch64-linux-gnu "$exe" "$@"; }
version_is_stamped() { arm --version | grep -Eq '^edgegateway [0-9]+\.[0-9]+\.[0-9]+ \(commit [0-9a-f]+\)$'; }
demo_delivers() {
  local rc=0
  arm demo --headless --speed 30 >"$work/demo.log" 2>&1 || rc=$?
  cat "$work/demo.log"
  [ "$rc" -eq 0 ] && grep -q 'expected happenings observed' "$work/demo.log" && ! grep -q MISSING "$work/demo.log"
}
verifies_its_own_signature() {
  arm release verify "$archive" --key "$work/keys/release-signing.pub" --installed 0.0.1 | grep -q '^release verify: ok: '
}
check "version under qemu-aarch64" version_is_stamped
check "the release verifies its own signed archive under qemu-aarch64" verifies_its_own_signature
check "headless demo under qemu-aarch64 delivers every expected event" demo_delivers
echo "arm64 smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
