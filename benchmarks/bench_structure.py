#!/usr/bin/env python3
"""Coverage of extraction, CV structure and parseability checks over a folder of real CV PDFs.

Usage: python benchmarks/bench_structure.py DIR [DIR ...] [--engine auto|pypdf|pdfium]
Prints: files that gave a report, clear ScannerErrors and anything else (tracebacks; must be 0); how often the
experience, education and skills sections were found; and how often each check warned or failed.
Prints counts only, never CV text.
"""

from __future__ import annotations

import argparse
import collections
import sys
from pathlib import Path
from typing import Literal, cast

from scanner.checks import run_checks
from scanner.errors import ScannerError
from scanner.extract import extract
from scanner.structure import parse_structure

SECTIONS = ("experience", "education", "skills")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--engine", default="auto", choices=("auto", "pypdf", "pdfium"))
    args = ap.parse_args()
    engine = cast(Literal["auto", "pypdf", "pdfium"], args.engine)
    files = sorted(p for d in args.dirs for p in d.rglob("*.pdf"))
    ok = errors = crashes = 0
    found: collections.Counter[str] = collections.Counter()
    status: collections.Counter[tuple[str, str]] = collections.Counter()
    for path in files:
        try:
            doc = extract(path, engine=engine)
            structure = parse_structure(doc)
            checks = run_checks(doc, structure)
        except ScannerError:
            errors += 1
            continue
        except Exception as exc:  # counting crashes is the point
            crashes += 1
            print(f"CRASH {path.name}: {type(exc).__name__}", file=sys.stderr)
            continue
        ok += 1
        names = {s.name for s in structure.sections}
        found.update(n for n in SECTIONS if n in names)
        status.update((c.id, c.status) for c in checks if c.status != "pass")
    print(f"files {len(files)}: reports {ok}, clear errors {errors}, crashes {crashes}")
    for name in SECTIONS:
        print(f"  {name:<11} section found in {found[name]}/{ok} ({100 * found[name] / max(ok, 1):.1f}%)")
    print("checks that did not pass (id, status, files):")
    for (cid, st), n in sorted(status.items(), key=lambda kv: (-kv[1], kv[0])):
        print(f"  {cid:<22} {st:<5} {n}")


if __name__ == "__main__":
    main()
