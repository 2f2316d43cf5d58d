#!/usr/bin/env python3
"""The duty centre's memory (RSS) under the two web attacks of issue 27, item 7, against a real `edgegateway central`.

  body:   16 concurrent chunked POSTs of 29 MB each to /api/alarms/{id}/notes (Content-Type application/json)
  report: six /report requests at once over a wide range (1900-01-01 .. 2100-01-01), then six over the widest range the
          centre now answers (400 days)

It starts its own mosquitto and centre on loopback ports, puts --homes gateways in the archive (first seen 2000-01-01,
so every night and week of the range counts), samples VmRSS of the centre every 20 ms and prints baseline, peak and
settled RSS per attack. Run it once with the build to measure (`--dll`); see bench/README.md for the figures.

  python3 bench/centre-memory.py --dll src/EdgeGateway/bin/Release/net10.0/edgegateway.dll
"""
import argparse
import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


class Sampler:
    """Samples the centre's RSS in the background; the peak is what the kernel's OOM killer would see."""

    def __init__(self, pid):
        self.pid, self.peak, self._stop = pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            try:
                self.peak = max(self.peak, rss_mb(self.pid))
            except OSError:
                return
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def chunked_post(port, path, total, chunk, results, i):
    """One attacker: a chunked body of `total` bytes, then the status line (or how the centre ended it)."""
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=120)
        s.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                  "Transfer-Encoding: chunked\r\n\r\n".encode())
        frame = f"{chunk:x}\r\n".encode() + b" " * chunk + b"\r\n"
        sent = 0
        try:
            while sent < total:
                s.sendall(frame)
                sent += chunk
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # The centre answered and closed while we were still sending: that is the point.
        try:
            status = s.recv(4096).split(b"\r\n", 1)[0].decode(errors="replace")
        except OSError as e:
            status = f"closed ({e.__class__.__name__})"
        results[i] = (status or "closed", sent)
        s.close()
    except OSError as e:
        results[i] = (f"error {e}", 0)


def get(port, path, results, i):
    start = time.monotonic()
    try:
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        c.request("GET", path)
        r = c.getresponse()
        size = 0
        while True:
            block = r.read(1 << 16)
            if not block:
                break
            size += len(block)
        results[i] = (r.status, size, time.monotonic() - start)
    except OSError as e:
        results[i] = (f"error {e}", 0, time.monotonic() - start)


def attack(name, pid, targets):
    time.sleep(1)
    before = rss_mb(pid)
    results = [None] * len(targets)
    with Sampler(pid) as sampler:
        threads = [threading.Thread(target=t, args=(*a, results, i)) for i, (t, a) in enumerate(targets)]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.monotonic() - start
    time.sleep(3)
    print(f"{name}: RSS before {before:.0f} MB, peak {sampler.peak:.0f} MB, 3 s after {rss_mb(pid):.0f} MB; {took:.1f} s")
    for r in sorted(set(map(str, results))):
        print(f"    {sum(1 for x in results if str(x) == r)} x {r}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--dll", required=True, help="the edgegateway.dll to run (`central`)")
    p.add_argument("--homes", type=int, default=20)
    p.add_argument("--bodies", type=int, default=16)
    p.add_argument("--body-mb", type=int, default=29)
    p.add_argument("--reports", type=int, default=6)
    args = p.parse_args()

    work = tempfile.mkdtemp(prefix="centre-memory-")
    mqtt, web = free_port(), free_port()
    with open(os.path.join(work, "mosquitto.conf"), "w") as f:
        f.write(f"listener {mqtt} 127.0.0.1\nallow_anonymous true\npersistence false\n")
    broker = subprocess.Popen(["mosquitto", "-c", os.path.join(work, "mosquitto.conf")], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    centre = None
    try:
        time.sleep(0.5)
        db = os.path.join(work, "centre.db")
        centre = subprocess.Popen(["dotnet", args.dll, "central", "--broker", f"mqtt://127.0.0.1:{mqtt}", "--plain-loopback-demo",
                                   "--store", db, "--web", f"127.0.0.1:{web}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                c = http.client.HTTPConnection("127.0.0.1", web, timeout=2)
                c.request("GET", "/api/alarms")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            sys.exit("the centre never answered")

        first = 946684800000  # 2000-01-01T00:00:00Z in ms
        with sqlite3.connect(db, timeout=30) as conn:
            conn.executemany("INSERT INTO gateways (id, state, first_seen_ms, interval_s) VALUES (?, 'online', ?, 60)",
                             [(f"home-{i:03}", first) for i in range(args.homes)])
        print(f"centre pid {centre.pid}, {args.homes} homes, dll {args.dll}")

        note = f"/api/alarms/{uuid.uuid4()}/notes"
        attack(f"body: {args.bodies} x {args.body_mb} MB chunked", centre.pid,
               [(chunked_post, (web, note, args.body_mb << 20, 64 << 10))] * args.bodies)
        attack(f"report: {args.reports} x /report 1900..2100", centre.pid,
               [(get, (web, "/report?from=1900-01-01&to=2100-01-01"))] * args.reports)
        attack(f"report: {args.reports} x /api/report 1900..2100", centre.pid,
               [(get, (web, "/api/report?from=1900-01-01&to=2100-01-01"))] * args.reports)
        attack(f"report: {args.reports} x /report over 400 days", centre.pid,
               [(get, (web, "/report?from=2026-01-01&to=2027-02-05"))] * args.reports)
    finally:
        for proc in (centre, broker):
            if proc is not None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()


if __name__ == "__main__":
    main()
