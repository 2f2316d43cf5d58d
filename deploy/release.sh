#!/usr/bin/env bash
# Builds a versioned release archive for the Pi: self-contained linux-arm64, trimmed (the trim analysis is clean,
# and trimming cuts the install from ~91 MB to ~28 MB, which matters on SD cards and 4G updates).
# Usage: deploy/release.sh [RID]   (default linux-arm64; linux-x64 works for a local try)
# Signing: with RELEASE_SIGNING_KEY=PATH (a key from `edgegateway release keygen`) it also writes ARCHIVE.sig
# (RELEASE_MIN_VERSION: the oldest installed version it may replace). The key stays on this machine.
set -euo pipefail
cd "$(dirname "$0")/.."
rid="${1:-linux-arm64}"
version=$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' Directory.Build.props | head -1)
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
name="edgegateway-${version}+${commit}-${rid}"
out="artifacts/$name"
rm -rf "$out"
dotnet publish src/EdgeGateway -c Release -r "$rid" --self-contained -p:PublishTrimmed=true \
  -p:DebugType=none -p:GenerateDocumentationFile=false -p:SatelliteResourceLanguages=en -o "$out/app" >&2
cp deploy/edgegateway.service deploy/install.sh deploy/update.sh deploy/update-guard.sh deploy/config.example.json "$out/"
echo "$version+$commit" > "$out/VERSION"
# What built it: a new SDK brings a new runtime pack and trimmer with it, and the Pi's artefact must say which it has.
runtime=$(sed -n '/"Microsoft.NETCore.App"/{n;s/.*"version": *"\([^"]*\)".*/\1/p}' "$out/app/edgegateway.runtimeconfig.json")
{
  echo "sdk=$(dotnet --version)"
  echo "runtime=$runtime"
  echo "rid=$rid"
  echo "trimmed=true"
} > "$out/BUILDINFO"
tar -C artifacts -czf "artifacts/$name.tar.gz" "$name"
if [ -n "${RELEASE_SIGNING_KEY:-}" ]; then
  # Signed by the build machine's own build of the tool: the archive's app may be for another CPU.
  dotnet run --project src/EdgeGateway -c Release -- release sign "artifacts/$name.tar.gz" --key "$RELEASE_SIGNING_KEY" \
    ${RELEASE_MIN_VERSION:+--min-version "$RELEASE_MIN_VERSION"} >&2
fi
echo "artifacts/$name.tar.gz"
