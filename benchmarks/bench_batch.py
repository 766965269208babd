#!/usr/bin/env python3
"""Throughput and memory of `cvscan batch` against the single-process pypdf extraction floor, in one run.

Usage: python benchmarks/bench_batch.py [--sizes 100 1000] [--big] [--corpus DIR | --seed DIR] [--jobs N]
                                        [--engine pypdf] [--cache-max N] [--floor-files N] [--rounds N]
                                        [--parallel-floor]

Builds corpora of N PDF CVs (copies of the fixture PDFs, or with --seed DIR of the PDFs under DIR, such as
real CVs: each copy gets a unique trailing comment, so no two files have the same bytes and the cache cannot
dedupe them) in a temporary folder, or takes every CV under --corpus DIR (recursively, as
`cvscan batch DIR --recursive` finds them). The fixture PDFs are small and simple (pypdf reads one in about
8 ms, a real CV in about 120 ms): ratios to the pypdf floor mean most on real CVs. For each size it prints:

- batch files/s (wall time of the whole `cvscan batch` command: start-up, workers, ranking, writing the JSON);
- the pypdf floor: `PdfReader(p).pages[*].extract_text()` in this one process, on up to --floor-files of the same
  files spread over the corpus, timed before the first batch run and again after each timed run (the mean of
  all is printed); the ratio batch / floor, each run against the mean of the floors just before and just after
  it, so a change in the machine's speed during the run moves both sides;
- a cached re-run (`--cache DIR` filled by a first run against another ad, --fill-job, as when a recruiter
  re-scores a folder for a second role): its files/s, its ratio to the floor and its speed-up over the uncached
  run (sizes up to --cache-max only: the 10,000-file corpus takes minutes per run);
- CPU milliseconds per file of the batch (parent plus workers) and of the floor, and the cores the batch kept busy
  (its CPU seconds over its wall seconds): on a noisy machine these show what the wall time cannot, e.g. that a
  slow run got one core instead of two (the CPU from wait4; the peak RSS of the parent and largest worker from
  /proc, sampled ten times a second).

--rounds N times the batch N times, each run between two floor timings (floor, batch, floor, batch, ...,
floor), and prints each round's ratio to the mean of the floors on either side of it, then the median round:
on a machine whose speed drifts by a third within minutes, one round's ratio can be off by a sixth. The cached
re-run is timed N times too (after one filling run), each between two floors, and its median is printed.

--parallel-floor also times, after each batch run, the floor's extraction in --jobs processes at once: on
this 2-core virtual machine two processes do not always get two cores' worth (the host's other guests share
them), and that line shows how much the machine itself gave at the time, and what share of it the batch used.

--big adds 10,000 files (several minutes). Compare ratios, not seconds: these machines are noisy.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SOURCES = ("cv_ml_two_column.pdf", "cv_ml_single_column.pdf", "cv_three_pages.pdf", "cv_icons_ligatures.pdf",
           "cv_mojibake.pdf")
SUFFIXES = (".pdf", ".docx", ".txt", ".md")  # what `cvscan batch` picks up in a folder
_P = TypeVar("_P")


def make_corpus(directory: Path, n: int, seed: Path | None = None) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    sources = sorted(seed.rglob("*.pdf")) if seed else [FIXTURES / name for name in SOURCES]
    if not sources:
        sys.exit(f"no PDF under {seed}")
    blobs = [path.read_bytes() for path in sources]
    paths = []
    for i in range(n):
        path = directory / f"cv_{i:05d}.pdf"
        path.write_bytes(blobs[i % len(blobs)] + f"\n%cvscan-bench copy {i}\n".encode())
        paths.append(path)
    return paths


def spread(paths: list[_P], k: int) -> list[_P]:
    """Up to k of the paths, evenly spread (a sorted corpus's first files may all be of one kind)."""
    if len(paths) <= k:
        return paths
    return [paths[i * len(paths) // k] for i in range(k)]


@dataclass(frozen=True)
class Floor:
    rate: float  # files per wall second
    cpu_ms: float  # CPU milliseconds per file


def _extract_all(paths: list[Path]) -> None:
    """The floor's work: each PDF's text with pypdf, page by page."""
    import pypdf

    for p in paths:
        "\n".join((page.extract_text() or "") for page in pypdf.PdfReader(p).pages)


def pypdf_floor(paths: list[Path]) -> Floor:
    pdfs = [p for p in paths if p.suffix.lower() == ".pdf"]
    _extract_all(pdfs[:5])  # warm up (pypdf's lazy imports and tables), as each batch worker does on its first files
    t, c = time.perf_counter(), time.process_time()
    _extract_all(pdfs)
    return Floor(len(pdfs) / (time.perf_counter() - t), (time.process_time() - c) / len(pdfs) * 1000)


def pypdf_floor_parallel(paths: list[Path], workers: int) -> float:
    """Files/s of the floor's own extraction in ``workers`` processes at once, the files dealt out between them
    (forked after :func:`pypdf_floor` has warmed pypdf up): the most this machine gives right now for the pypdf
    work alone on that many cores, whatever cvscan does."""
    import multiprocessing

    pdfs = [p for p in paths if p.suffix.lower() == ".pdf"]
    context = multiprocessing.get_context("fork")
    procs = [context.Process(target=_extract_all, args=(pdfs[i::workers],)) for i in range(workers)]
    t = time.perf_counter()
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join()
    seconds = time.perf_counter() - t
    if any(proc.exitcode for proc in procs):
        sys.exit("the parallel pypdf floor failed")
    return len(pdfs) / seconds


@dataclass(frozen=True)
class Run:
    seconds: float
    parent_mb: float  # peak RSS of the batch's parent process
    worker_mb: float  # peak RSS of its largest worker (0 without Linux's /proc)
    cpu_s: float  # CPU seconds of the parent and its workers
    parent_cpu_s: float  # the parent's, as last sampled (0 without /proc)
    results: int
    errors: int


def _proc_read(pid: int, name: str) -> str:
    try:
        with open(f"/proc/{pid}/{name}", encoding="ascii", errors="replace") as fh:
            return fh.read()
    except OSError:  # gone, or no /proc (not Linux)
        return ""


def _descendants(pid: int) -> list[int]:
    """The process's children, theirs, and so on (Linux's /proc/PID/task/TID/children; no scan of all of /proc)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            kids = [int(k) for k in _proc_read(parent, f"task/{task}/children").split()]
            found.extend(kids)
            todo.extend(kids)
    return found


def _peak_mb(pid: int) -> float:
    """The process's peak resident set so far (the kernel's high-water mark, so no peak falls between samples)."""
    for line in _proc_read(pid, "status").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _cpu_s(pid: int) -> float:
    fields = _proc_read(pid, "stat").rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if len(fields) > 12 else 0.0


def run_batch(cmd: list[str], out: Path) -> Run:
    """Run the batch command; its wall time, peak memory and CPU.

    The batch has the machine's two cores to itself as far as this process can help it: the parent and the
    workers are sampled ten times a second from /proc (their peaks are the kernel's high-water marks), and the
    CPU total (parent and every worker it reaped) comes from wait4 when the batch exits, with no sampling. A
    sampler that walked all of /proc twenty times a second (psutil's children()) took about 3% of a core.
    """
    parent_peak = worker_peak = parent_cpu = 0.0
    with tempfile.TemporaryFile() as err:
        t = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=err)
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            parent_peak = max(parent_peak, _peak_mb(proc.pid))
            parent_cpu = max(parent_cpu, _cpu_s(proc.pid))
            for child in _descendants(proc.pid):
                worker_peak = max(worker_peak, _peak_mb(child))
            time.sleep(0.1)
        dt = time.perf_counter() - t
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            sys.exit(f"batch failed ({proc.returncode}): {err.read().decode(errors='replace')[-800:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    return Run(dt, parent_peak, worker_peak, usage.ru_utime + usage.ru_stime, parent_cpu,
               len(data["results"]), len(data["errors"]))


@dataclass(frozen=True)
class Round:
    run: Run
    floor: float  # files/s: the mean of the floor timings just before and just after the run
    parallel: float  # files/s of the floor in several processes, timed right after the run (0: not timed)


def timed_rounds(cmd: list[str], out: Path, rounds: int, sample: list[Path], floors: list[Floor],
                 parallel_jobs: int = 0) -> list[Round]:
    """Run the batch ``rounds`` times, each followed by a floor timing appended to ``floors`` (whose last one
    was timed just before the first run), and with ``parallel_jobs`` the floor in that many processes too."""
    done: list[Round] = []
    for _ in range(rounds):
        run = run_batch(cmd, out)
        parallel = pypdf_floor_parallel(sample, parallel_jobs) if parallel_jobs else 0.0
        floors.append(pypdf_floor(sample))
        done.append(Round(run, (floors[-2].rate + floors[-1].rate) / 2, parallel))
    return done


def middle(rounds: list[Round], ratios: list[float]) -> Round:
    """A middle round by its ratio (the median's own round when there are an odd number)."""
    return sorted(zip(ratios, rounds, strict=True), key=lambda rr: rr[0])[(len(rounds) - 1) // 2][1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100, 1000])
    ap.add_argument("--big", action="store_true", help="also 10,000 files")
    ap.add_argument("--corpus", type=Path, help="a folder of CVs (searched recursively) instead of generated corpora")
    ap.add_argument("--seed", type=Path, help="make the corpora from the PDFs under this folder, not the fixtures")
    ap.add_argument("--job", default=str(FIXTURES / "job_ml_engineer.txt"))
    ap.add_argument("--fill-job", default=str(FIXTURES / "job_data_scientist.txt"),
                    help="the ad of the run that fills the cache (the timed re-run scores --job)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--engine", default="pypdf", choices=["auto", "pypdf", "pdfium"])
    ap.add_argument("--floor-files", type=int, default=200, help="files timed for the pypdf floor")
    ap.add_argument("--cache-max", type=int, default=None, metavar="N",
                    help="time the cached re-run only for sizes up to N files [default: every size]")
    ap.add_argument("--parallel-floor", action="store_true",
                    help="after each timed batch run, also time the floor in --jobs processes at once, and print how "
                         "the machine itself scaled it and the batch's share of that")
    ap.add_argument("--rounds", type=int, default=1, metavar="N",
                    help="time the batch and its cached re-run N times each, between floor timings, and give the medians "
                         "[default: 1]")
    args = ap.parse_args()
    cvscan = shutil.which("cvscan") or sys.exit("cvscan is not on PATH: install the project first")
    sizes = [*args.sizes, 10_000] if args.big else args.sizes
    results: list[tuple[int, Run, float]] = []  # files, the (middle round's) run, its ratio to the floor
    with tempfile.TemporaryDirectory() as tmp:
        for n in ([0] if args.corpus else sizes):
            folder = args.corpus if args.corpus else Path(tmp) / f"corpus_{n}"
            if args.corpus:
                paths = sorted(p for p in folder.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES
                               and not any(part.startswith(".") for part in p.relative_to(folder).parts))
            else:
                paths = make_corpus(folder, n, args.seed)
            n = len(paths)
            sample = spread(paths, args.floor_files)
            out = Path(tmp) / "out.json"
            base = [cvscan, "batch", str(folder), "--recursive", "--job", args.job, "--format", "json",
                    "--out", str(out), "--jobs", str(args.jobs), "--pdf-engine", args.engine]
            # Every timed batch run sits between two floor timings and is compared with their mean.
            floors = [pypdf_floor(sample)]
            plains = timed_rounds(base, out, args.rounds, sample, floors,
                                  args.jobs if args.parallel_floor else 0)
            ratios = [n / r.run.seconds / r.floor for r in plains]
            ratio = statistics.median(ratios)
            plain = middle(plains, ratios).run
            # per round: the parallel floor against the one-process floor, the batch against the parallel floor
            scaling = [(r.parallel / r.floor, n / r.run.seconds / r.parallel) for r in plains if r.parallel]
            cached: Run | None = None
            cached_ratio = 0.0
            cached_ratios: list[float] = []
            if args.cache_max is None or n <= args.cache_max:
                cache = Path(tmp) / f"cache_{n}"
                fill = list(base)
                fill[fill.index("--job") + 1] = args.fill_job
                run_batch([*fill, "--cache", str(cache)], out)  # fills the cache, scoring another ad
                filled = sum(1 for _ in cache.rglob("*.json"))
                floors.append(pypdf_floor(sample))
                cached_runs = timed_rounds([*base, "--cache", str(cache)], out, args.rounds, sample, floors)
                cached_ratios = [n / r.run.seconds / r.floor for r in cached_runs]
                cached_ratio = statistics.median(cached_ratios)
                cached = middle(cached_runs, cached_ratios).run
                missed = sum(1 for _ in cache.rglob("*.json")) - filled
                if missed:  # e.g. scanner/extract edited between the runs: a new extractor version, new keys
                    print(f"warning: the cached re-run missed the cache for {missed} files", file=sys.stderr)
                shutil.rmtree(cache, ignore_errors=True)
            floor = sum(f.rate for f in floors) / len(floors)
            floor_cpu = sum(f.cpu_ms for f in floors) / len(floors)
            rate = n / plain.seconds
            results.append((n, plain, ratio))
            rounds = f"median of {len(ratios)}: {', '.join(f'{r:.2f}' for r in ratios)}; " if len(ratios) > 1 else ""
            line = (f"{n:6d} files ({plain.results} reports, {plain.errors} errors): batch {rate:6.1f} files/s "
                    f"({plain.seconds:6.1f} s, --jobs {args.jobs}, {args.engine}); pypdf floor {floor:5.1f} files/s "
                    f"({' '.join(f'{f.rate:.1f}' for f in floors)}, {len(sample)} files); "
                    f"ratio {ratio:5.2f} ({rounds}to the floors either side)")
            if cached is not None:
                cached_rounds = (f" (median of {len(cached_ratios)}: {', '.join(f'{r:.2f}' for r in cached_ratios)})"
                                 if len(cached_ratios) > 1 else "")
                line += (f"; cached re-run {n / cached.seconds:6.1f} files/s ({cached.seconds:6.1f} s): ratio to "
                         f"floor {cached_ratio:5.2f}{cached_rounds}, x{plain.seconds / cached.seconds:4.1f} the "
                         "uncached run")
            line += (f"; CPU ms/file batch {plain.cpu_s / n * 1000:5.1f} (parent {plain.parent_cpu_s / n * 1000:4.1f}, "
                     f"cores busy {plain.cpu_s / plain.seconds:4.2f})"
                     f"{f', cached {cached.cpu_s / n * 1000:5.1f}' if cached else ''}, floor {floor_cpu:5.1f}"
                     f"; peak RSS parent {plain.parent_mb:5.0f} MB, worker {plain.worker_mb:5.0f} MB")
            print(line, flush=True)
            if scaling:
                print(f"{'':6} pypdf floor in {args.jobs} processes at once, after each batch run: "
                      f"x{statistics.median(s for s, _ in scaling):.2f} the one-process floor "
                      f"({', '.join(f'{s:.2f}' for s, _ in scaling)}); the batch ran at "
                      f"{statistics.median(b for _, b in scaling):.2f} of it ({', '.join(f'{b:.2f}' for _, b in scaling)})",
                      flush=True)
            if not args.corpus:
                shutil.rmtree(folder, ignore_errors=True)
    for (n1, r1, q1), (n2, r2, q2) in itertools.pairwise(results):
        memory = f"; parent peak RSS x{r2.parent_mb / r1.parent_mb:.2f}" if r1.parent_mb else ""
        # The machine's speed drifts between the two runs; against the floors timed beside each run, the time
        # ratio is (n2 / ratio2) / (n1 / ratio1).
        print(f"{n1} -> {n2} files: time x{r2.seconds / r1.seconds:.2f} for x{n2 / n1:.0f} files "
              f"(x{(n2 / q2) / (n1 / q1):.2f} against the floors timed beside each run){memory}")


if __name__ == "__main__":
    main()
