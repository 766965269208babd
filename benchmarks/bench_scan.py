#!/usr/bin/env python3
"""Wall time of one `cvscan scan` against the floor of starting Python and importing pypdf, in one run.

Usage: python benchmarks/bench_scan.py [--cv FILE] [--job FILE] [--repeat N]
Runs each command N times, alternating, and prints the medians and their ratio (these machines are noisy:
compare ratios, not seconds).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cv", default=str(ROOT / "fixtures" / "cv_ml_two_column.pdf"))
    ap.add_argument("--job", default=str(ROOT / "fixtures" / "job_ml_engineer.txt"))
    ap.add_argument("--repeat", type=int, default=7)
    args = ap.parse_args()
    cvscan = shutil.which("cvscan") or sys.exit("cvscan is not on PATH: install the project first")
    scan = [cvscan, "scan", args.cv, "--job", args.job, "--format", "json"]
    floor = [sys.executable, "-c", "import pypdf"]
    timed(scan)  # warm the file cache
    a, b = [], []
    for _ in range(args.repeat):
        a.append(timed(scan))
        b.append(timed(floor))
    ms, mf = statistics.median(a), statistics.median(b)
    print(f"cvscan scan {Path(args.cv).name}: median {ms * 1000:.0f} ms over {args.repeat} runs")
    print(f"python -c 'import pypdf':     median {mf * 1000:.0f} ms")
    print(f"ratio scan / import pypdf: {ms / mf:.2f}")


if __name__ == "__main__":
    main()
