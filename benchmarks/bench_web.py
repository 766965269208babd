#!/usr/bin/env python3
"""Throughput and latency of `cvscan serve` under concurrent uploads to POST /api/scan, on loopback.

Usage: python benchmarks/bench_web.py [--clients 1,4,8] [--requests N] [--workers W] [--cv FILE ...]
Starts the server on a free 127.0.0.1 port, warms it up, then for each number of concurrent clients sends
N uploads per client (the CVs in turn, the same ad) and prints requests/s, p50/p99 latency and errors.
Exits with status 1 if any request failed. Needs the web extra and httpx (pip install '.[web,dev]').
"""

from __future__ import annotations

import argparse
import itertools
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start(port: int, workers: int | None) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "scanner", "serve", "--host", "127.0.0.1", "--port", str(port)]
    if workers is not None:
        cmd += ["--workers", str(workers)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    sys.exit("cvscan serve did not start within 60 s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def run_level(url: str, clients: int, per_client: int, uploads: list[tuple[str, bytes]], ad: str,
              ) -> tuple[float, list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)

    def client(index: int) -> None:
        files = itertools.islice(itertools.cycle(uploads), index, None)
        with httpx.Client(timeout=120) as http:
            start_gate.wait()
            for _ in range(per_client):
                name, data = next(files)
                t = time.perf_counter()
                try:
                    r = http.post(url, files={"cv": (name, data)}, data={"job_text": ad})
                    problem = None if r.status_code == 200 and "score" in r.json() else f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                elapsed = time.perf_counter() - t
                with lock:
                    latencies.append(elapsed)
                    if problem:
                        errors.append(problem)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    start_gate.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    return time.perf_counter() - t0, latencies, errors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", default="1,4,8", help="comma-separated numbers of concurrent clients")
    ap.add_argument("--requests", type=int, default=20, help="requests per client at each level")
    ap.add_argument("--workers", type=int, help="server scanning processes [default: the server's]")
    ap.add_argument("--cv", nargs="+", default=[str(FIXTURES / n) for n in (
        "cv_ml_two_column.pdf", "cv_data_scientist.docx", "cv_ml_single_column.pdf", "cv_textbox.docx")])
    ap.add_argument("--job", default=str(FIXTURES / "job_ml_engineer.txt"))
    args = ap.parse_args()
    uploads = [(Path(p).name, Path(p).read_bytes()) for p in args.cv]
    ad = Path(args.job).read_text(encoding="utf-8")
    port = free_port()
    proc = start(port, args.workers)
    url = f"http://127.0.0.1:{port}/api/scan"
    failed = False
    try:
        run_level(url, 2, 4, uploads, ad)  # warm-up: worker processes loaded, ad analysed
        print(f"cvscan serve on 127.0.0.1:{port}, workers={args.workers or 'default'}, "
              f"{len(uploads)} CVs ({', '.join(n for n, _ in uploads)}), {args.requests} requests per client")
        print(f"{'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
        for clients in (int(c) for c in args.clients.split(",")):
            wall, lat, errors = run_level(url, clients, args.requests, uploads, ad)
            failed |= bool(errors)
            print(f"{clients:>7} {len(lat):>8} {len(lat) / wall:>7.1f} {statistics.median(lat) * 1000:>7.0f} "
                  f"{percentile(lat, 99) * 1000:>7.0f} {len(errors):>6}"
                  + (f"  ({', '.join(sorted(set(errors)))})" if errors else ""))
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
