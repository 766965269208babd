"""``cvscan scan FILE --job AD`` over the hostile corpus: exit status, message, time and peak memory per file.

Each file runs through the real command line (``scanner.cli.main``) in a forked child whose address space is
capped (``RLIMIT_AS``, default 500 MB) and which is killed past the time limit (default 10 s)::

    /work/venv/bin/python benchmarks/bench_hostile.py            # a table
    /work/venv/bin/python benchmarks/bench_hostile.py --json     # one JSON object per file (used by the tests)

Exit status 0 when every file exits 2 with a one-line message within the limits, else 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from isolate import run_isolated

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = ROOT / "fixtures" / "hostile"
AD = ROOT / "fixtures" / "job_ml_engineer.txt"


def _cli_case(path: Path, errors: Path) -> Callable[[], dict[str, Any]]:
    def case() -> dict[str, Any]:
        from scanner.cli import main

        fd = os.open(errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
        os.dup2(fd, 2)
        try:
            main(["scan", str(path), "--job", str(AD)], standalone_mode=True)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        sys.stderr.flush()
        return {"exit": code, "stderr": errors.read_text(encoding="utf-8", errors="replace")}

    return case


def run(files: list[Path], *, timeout: float, memory_mb: int, jobs: int) -> list[dict[str, Any]]:
    # Warm what every scan loads (taxonomy, the ad), so each child measures its own file.
    import scanner

    scanner.load_job(AD)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        cases = [(p.name, _cli_case(p, Path(tmp) / f"{p.name}.err")) for p in files]
        for outcome in run_isolated(cases, timeout=timeout, memory_mb=memory_mb, jobs=jobs):
            lines = [line for line in outcome.result.get("stderr", "").splitlines() if line.strip()]
            rows.append({
                "file": outcome.key, "status": outcome.status, "exit": outcome.result.get("exit"),
                "seconds": round(outcome.seconds, 3), "peak_mb": round(outcome.peak_mb, 1),
                "lines": lines, "detail": outcome.detail,
            })
    return sorted(rows, key=lambda r: r["file"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="files to run (default: the hostile corpus)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds per file (default 10)")
    parser.add_argument("--memory-mb", type=int, default=500, help="address-space cap per file (default 500)")
    parser.add_argument("--jobs", type=int, default=2, help="files at once (default 2)")
    parser.add_argument("--json", action="store_true", help="print JSON lines instead of a table")
    args = parser.parse_args()
    files = args.files or sorted(p for p in HOSTILE.iterdir() if p.is_file() and p.suffix != ".py")
    rows = run(files, timeout=args.timeout, memory_mb=args.memory_mb, jobs=args.jobs)
    ok = True
    for row in rows:
        good = row["status"] == "done" and row["exit"] == 2 and len(row["lines"]) == 1
        ok = ok and good
        if args.json:
            print(json.dumps(row))
        else:
            message = row["lines"][0] if row["lines"] else row["detail"]
            print(f"{row['file']:24s} {row['status']:5s} exit={row['exit']!s:4s} {row['seconds']:6.2f}s "
                  f"{row['peak_mb']:6.0f} MB  {message[:110]}")
    if not args.json:
        print(f"worst time {max(r['seconds'] for r in rows):.2f} s, worst peak {max(r['peak_mb'] for r in rows):.0f} MB"
              f" (cap {args.memory_mb} MB); {'all' if ok else 'NOT all'} exit 2 with one line")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
