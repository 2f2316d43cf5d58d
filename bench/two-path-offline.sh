#!/usr/bin/env bash
# Two-path offline time (issue 26): a real gateway with two paths to two real mosquitto brokers, a real
# `edgegateway central --broker A --secondary-broker B --web`; per round: kill -9 broker A (the primary path's), wait,
# kill -9 the gateway, and time until /api/gateways no longer says "online" (and print what it says instead).
# Usage: bench/two-path-offline.sh [rounds=3] [keep-alive s=4] [heartbeat s=10] [pause after broker A's death s=12] [KILL|STOP]
# KILL (default): the kernel closes the gateway's sockets, the broker sees it at once. STOP freezes the gateway instead,
# its sockets stay open (as a power cut or a cut cable leaves them): the broker publishes the will 1.5 × keep-alive after
# the last packet.
# Needs: dotnet build -c Release src/EdgeGateway, mosquitto, curl, python3. Loopback only; every process it starts it ends.
set -euo pipefail
ROUNDS=${1:-3}
KEEPALIVE=${2:-4}
HEARTBEAT=${3:-10}
PAUSE=${4:-12}
SIGNAL=${5:-KILL}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DLL=$ROOT/src/EdgeGateway/bin/Release/net10.0/edgegateway.dll
[ -f "$DLL" ] || { echo "build first: dotnet build -c Release src/EdgeGateway" >&2; exit 2; }
T=$(mktemp -d /tmp/two-path-offline.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done; rm -rf "$T"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
broker() { # name port -> pid
  mkdir -p "$T/$1"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$2" > "$T/$1/mosquitto.conf"
  mosquitto -c "$T/$1/mosquitto.conf" > "$T/$1/log" 2>&1 &
  echo $!
}
state() { # gateway -> "state paths" or empty
  curl -s "http://127.0.0.1:$PW/api/gateways" | python3 -c '
import json, sys
for g in json.load(sys.stdin):
    if g["id"] == sys.argv[1]:
        print(g["state"], " ".join(p["name"] + ":" + p["state"] for p in g["paths"]))' "$1" 2>/dev/null || true
}
PA=$(free_port); PB=$(free_port); PW=$(free_port)
A=$(broker a "$PA"); PIDS+=("$A")
B=$(broker b "$PB"); PIDS+=("$B")
sleep 0.5
dotnet "$DLL" central --broker "mqtt://127.0.0.1:$PA" --secondary-broker "mqtt://127.0.0.1:$PB" --plain-loopback-demo \
  --store "$T/centre.db" --web "127.0.0.1:$PW" > "$T/central.out" 2> "$T/central.err" &
PIDS+=("$!")
for round in $(seq 1 "$ROUNDS"); do
  gw=bench-two-path-$round
  dotnet "$DLL" run --broker "mqtt://127.0.0.1:$PA" --secondary-broker "mqtt://127.0.0.1:$PB" --plain-loopback-demo \
    --gateway-id "$gw" --data-dir "$T/gw-$round" --heartbeat "$HEARTBEAT" --keep-alive "$KEEPALIVE" > "$T/gw-$round.log" 2>&1 &
  G=$!; PIDS+=("$G")
  for _ in $(seq 1 600); do [ "$(state "$gw")" = "online primary:up secondary:up" ] && break; sleep 0.1; done
  [ "$(state "$gw")" = "online primary:up secondary:up" ] || { echo "round $round: both paths never up: $(state "$gw")" >&2; exit 1; }
  kill -9 "$A"
  sleep "$PAUSE"
  before=$(state "$gw")
  kill -"$SIGNAL" "$G"
  t0=$(date +%s.%N)
  for _ in $(seq 1 1800); do [ "$(state "$gw" | cut -d' ' -f1)" = online ] || break; sleep 0.1; done   # at most ~3 min
  t1=$(date +%s.%N)
  printf 'round %d: before the kill: %s; %.1f s after SIG%s: %s (keep-alive %s s, heartbeat %s s)\n' \
    "$round" "$before" "$(echo "$t1 - $t0" | bc)" "$SIGNAL" "$(state "$gw")" "$KEEPALIVE" "$HEARTBEAT"
  # Broker B's word on the gateway's 4G connection (a unix time first), beside when we stopped it.
  printf '  signalled at %s; broker B: %s\n' "$t0" "$(grep -h "gw-$gw-secondary" "$T/b/log" | tail -1)"
  kill -9 "$G" 2>/dev/null || true; wait "$G" 2>/dev/null || true
  A=$(broker a "$PA"); PIDS+=("$A")
  sleep 1
done
