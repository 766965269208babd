#!/usr/bin/env python3
"""Instructions per CV of a batch worker's path (extract, scan, render the JSON), counted by valgrind.

Usage: python benchmarks/bench_instructions.py --corpus DIR [--files 30] [--engine pdfium] [--job AD]

Wall and CPU times on a shared machine drift by a third within minutes, which hides a 5% change. The number of
instructions a program executes does not drift: this script runs itself twice under `valgrind --tool=callgrind`
(Debian package `valgrind`), once scanning no CV and once scanning --files CVs spread over --corpus, each time
after loading the taxonomy and the ad (and importing pypdf, which a worker does once, at its first PDF), and
prints the difference per CV. Hash randomisation is fixed (PYTHONHASHSEED=0), so a rerun on the same code gives
the same count to a few parts in a million. To compare two versions, run it in each checkout (`git worktree add`),
with their modules byte-compiled the same way (`python -m compileall scanner`), since compiling a module from
source is counted too.

Instructions are not time (a cache miss costs more than an addition), so confirm a gain with bench_batch.py; but
they tell a real gain from noise in one run of a minute or two.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import spread

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def inner(files: list[str], job_path: str, engine: str) -> None:
    if engine != "pdfium":  # pypdf: a worker imports it at its first PDF, once, not per CV (PDFium mostly needs none)
        import scanner.extract.pdf  # noqa: F401
    from scanner import batch
    from scanner.pipeline import ScanSettings, load_job
    from scanner.taxonomy import load_taxonomy

    taxonomy = load_taxonomy()
    job = load_job(job_path, taxonomy=taxonomy)
    ctx = batch._Context(job=job, taxonomy=taxonomy, settings=ScanSettings(pdf_engine=engine), timeout=60.0,
                         cache_dir=None, as_text=True)
    batch._tune_gc()  # as a worker does
    for path in files:
        outcome = batch._scan_file(path, ctx)
        if isinstance(outcome, batch.BatchFailure):
            sys.exit(f"{path}: {outcome.message}")


def count(args: argparse.Namespace, files: int) -> int:
    cmd = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
           "--inner", "--corpus", str(args.corpus), "--files", str(files), "--job", args.job, "--engine", args.engine]
    proc = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"})
    found = re.search(r"refs:\s+([\d,]+)", proc.stderr)
    if proc.returncode != 0 or found is None:
        sys.exit(f"valgrind run failed ({proc.returncode}): {proc.stderr[-800:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a folder of PDF CVs (searched recursively)")
    ap.add_argument("--files", type=int, default=30)
    ap.add_argument("--job", default=str(FIXTURES / "job_ml_engineer.txt"))
    ap.add_argument("--engine", default="pdfium", choices=["pypdf", "pdfium"])
    ap.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    paths = [str(p) for p in spread(sorted(args.corpus.rglob("*.pdf"), key=str), args.files)]
    if args.inner:
        inner(paths[: args.files], args.job, args.engine)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed (Debian: apt-get install valgrind)")
    base, full = count(args, 0), count(args, len(paths))
    print(f"{len(paths)} CVs ({args.engine}): {(full - base) / len(paths) / 1e6:.1f} M instructions per CV "
          f"(start-up, taxonomy and ad: {base / 1e6:.0f} M)")


if __name__ == "__main__":
    main()
