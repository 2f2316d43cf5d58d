#!/usr/bin/env bash
# Runs every test of the solution. Installs what the tests need (mosquitto, socat, nodejs, postgresql, chromium) when it is missing.
set -euo pipefail
cd "$(dirname "$0")"

need=()
command -v mosquitto >/dev/null 2>&1 || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto)
command -v socat >/dev/null 2>&1 || need+=(socat)
command -v node >/dev/null 2>&1 || need+=(nodejs)
command -v npm >/dev/null 2>&1 || need+=(npm)
# The centre's archive tests start a real PostgreSQL (initdb into a temp dir; PostgresServer in TestSupport).
command -v initdb >/dev/null 2>&1 || compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
# The nurses' page is tested in a real headless Chromium through its WebDriver (NursesPageBrowserTests).
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/bin/chromedriver ] || need+=(chromium-driver)
# The wearable's BLE link is tested against python3-dbusmock's BlueZ on a private dbus-daemon (BlueZMock in TestSupport).
command -v dbus-daemon >/dev/null 2>&1 || need+=(dbus-daemon)
/usr/bin/python3 -c 'import dbusmock' 2>/dev/null || need+=(python3-dbusmock)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "test.sh: installing ${need[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

# The AsyncAPI parser (pinned in tests/asyncapi/package-lock.json); install scripts stay off (tests/asyncapi/.npmrc).
if [ ! -d tests/asyncapi/node_modules/@asyncapi/parser ]; then
  echo "test.sh: installing the AsyncAPI parser (npm ci)"
  (cd tests/asyncapi && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi
# An OpenAPI 3.1 schema validator for docs/centre-api.yaml (pinned in tests/openapi/package-lock.json), likewise.
if [ ! -d tests/openapi/node_modules/@seriousme/openapi-schema-validator ]; then
  echo "test.sh: installing the OpenAPI validator (npm ci)"
  (cd tests/openapi && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi

# http_ece (pinned in tests/webpush/package-lock.json) decrypts the centre's Web Push payloads in PushNotifierTests, likewise.
if [ ! -d tests/webpush/node_modules/http_ece ]; then
  echo "test.sh: installing http_ece for the push tests (npm ci)"
  (cd tests/webpush && npm ci --ignore-scripts --no-audit --no-fund >/dev/null)
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
start=$(date +%s)
status=0
dotnet test EdgeGateway.sln -c Release --logger "trx" --results-directory "$results" "$@" || status=$?

# One closing line over all test projects, so a reader (or CI) sees the totals at a glance.
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters"); f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters"); e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
# The arm64 build under qemu-user (set SKIP_ARM64=1 to leave it out while iterating on one project).
if [ "${SKIP_ARM64:-0}" != "1" ] && [ $# -eq 0 ]; then
  smoke=$(bash tests/arm64-smoke.sh 2>&1) || status=1
  echo "$smoke"
  p=$(sed -n 's/^arm64 smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$smoke"); f=$(sed -n 's/^arm64 smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$smoke")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-1}))
fi
# docs/asyncapi.yaml under the official parser: one test, failed on any parser error (AsyncApiDocumentTests runs it too).
if asyncapi=$(node tests/asyncapi/validate.mjs 2>&1); then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); status=1
fi
echo "$asyncapi"
# docs/centre-api.yaml against the OpenAPI 3.1 schema, every $ref resolved: one test, failed on any error.
if openapi=$(node tests/openapi/validate.mjs 2>&1); then
  passed=$((passed + 1))
else
  failed=$((failed + 1)); status=1
fi
echo "$openapi"
if wearable=$(node --test wearable/test/ 2>&1); then passed=$((passed + 1)); echo "wearable: $(grep -c '^ok ' <<<"$wearable") node tests passed (node --test wearable/test/)"; else failed=$((failed + 1)); status=1; echo "$wearable"; fi
echo "test.sh: took $(( $(date +%s) - start )) s"
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "test.sh: no test ran" >&2
  exit 1
fi
exit $status
