#!/usr/bin/env python3
"""Throughput and memory of `cvscan batch` against the single-process pypdf extraction floor, in one run.

Usage: python benchmarks/bench_batch.py [--sizes 100 1000] [--big] [--corpus DIR] [--jobs N] [--engine pypdf]

Builds corpora of N PDF CVs (variants of the fixture PDFs: each copy gets a unique trailing comment, so no two
files have the same bytes and the cache cannot dedupe them) in a temporary folder, or takes --corpus DIR. For
each size it prints: batch files/s; the pypdf floor (`PdfReader(p).pages[*].extract_text()` in one process,
measured on up to --floor-files of the same files); their ratio; a cached re-run's speed-up; peak RSS of the
batch's parent process and of its largest worker (sampled with psutil when installed, else the parent only).
--big adds 10,000 files (several minutes). Compare ratios, not seconds: these machines are noisy.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOURCES = ("cv_ml_two_column.pdf", "cv_ml_single_column.pdf", "cv_three_pages.pdf", "cv_icons_ligatures.pdf",
           "cv_mojibake.pdf")


def make_corpus(directory: Path, n: int) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    blobs = [(FIXTURES / name).read_bytes() for name in SOURCES]
    paths = []
    for i in range(n):
        path = directory / f"cv_{i:05d}.pdf"
        path.write_bytes(blobs[i % len(blobs)] + f"\n%cvscan-bench copy {i}\n".encode())
        paths.append(path)
    return paths


def pypdf_floor(paths: list[Path]) -> float:
    import pypdf

    t = time.perf_counter()
    for p in paths:
        "\n".join((page.extract_text() or "") for page in pypdf.PdfReader(p).pages)
    return len(paths) / (time.perf_counter() - t)


def run_batch(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, parent peak RSS MB, largest worker peak RSS MB (0 when psutil is missing)."""
    try:
        import psutil
    except ImportError:
        psutil = None
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    parent_peak = worker_peak = 0.0
    if psutil is not None:
        ps = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                parent_peak = max(parent_peak, ps.memory_info().rss / 2**20)
                for child in ps.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        worker_peak = max(worker_peak, child.memory_info().rss / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.05)
    _, err = proc.communicate()
    dt = time.perf_counter() - t
    if proc.returncode != 0:
        sys.exit(f"batch failed ({proc.returncode}): {err.decode()[-800:]}")
    return dt, parent_peak, worker_peak


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--big", action="store_true", help="also 10,000 files")
    ap.add_argument("--corpus", type=Path, help="a folder of CVs instead of generated corpora")
    ap.add_argument("--job", default=str(FIXTURES / "job_ml_engineer.txt"))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", default="pypdf", choices=["auto", "pypdf", "pdfium"])
    ap.add_argument("--floor-files", type=int, default=200, help="files timed for the pypdf floor")
    args = ap.parse_args()
    cvscan = shutil.which("cvscan") or sys.exit("cvscan is not on PATH: install the project first")
    sizes = [*args.sizes, 10_000] if args.big else args.sizes
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in ([0] if args.corpus else sizes):
            folder = args.corpus if args.corpus else Path(tmp) / f"corpus_{n}"
            paths = sorted(folder.rglob("*.pdf")) if args.corpus else make_corpus(folder, n)
            n = len(paths)
            floor = pypdf_floor(paths[: args.floor_files])
            base = [cvscan, "batch", str(folder), "--recursive", "--job", args.job, "--format", "json",
                    "--jobs", str(args.jobs), "--pdf-engine", args.engine]
            dt, parent, worker = run_batch([*base, "--out", str(Path(tmp) / "out.json")])
            cache = Path(tmp) / f"cache_{n}"
            run_batch([*base, "--out", str(Path(tmp) / "out.json"), "--cache", str(cache)])  # fills the cache
            cached, _, _ = run_batch([*base, "--out", str(Path(tmp) / "out.json"), "--cache", str(cache)])
            rate = n / dt
            results.append((n, dt, parent))
            print(f"{n:6d} files: batch {rate:6.1f} files/s ({dt:6.1f} s, --jobs {args.jobs}, {args.engine}); "
                  f"pypdf floor {floor:5.1f} files/s; ratio {rate / floor:4.2f}; cached re-run {cached:6.1f} s "
                  f"(x{dt / cached:5.1f}); peak RSS parent {parent:5.0f} MB, worker {worker:5.0f} MB", flush=True)
            shutil.rmtree(cache, ignore_errors=True)
            if not args.corpus:
                shutil.rmtree(folder, ignore_errors=True)
    for (n1, t1, m1), (n2, t2, m2) in itertools.pairwise(results):
        print(f"{n1} -> {n2} files: time x{t2 / t1:.2f} for x{n2 / n1:.0f} files; parent peak RSS x{m2 / m1:.2f}"
              if m1 else f"{n1} -> {n2} files: time x{t2 / t1:.2f} for x{n2 / n1:.0f} files")


if __name__ == "__main__":
    main()
