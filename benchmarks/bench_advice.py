#!/usr/bin/env python3
"""Suggestions on real CVs: how many per CV, and whether each quotes a real line of that CV.

Usage: python benchmarks/bench_advice.py --cvs DIR --job AD [--examples 3]
Prints the median and maximum number of suggestions per CV and the share whose quoted original is a line (or
a run of wrapped lines) of that CV's extracted text; then a few before/after examples. Nothing is stored.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import scanner
from scanner.extract import extract


def _squash(text: str) -> str:
    return " ".join(text.split())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cvs", type=Path, required=True)
    ap.add_argument("--job", type=Path, required=True)
    ap.add_argument("--examples", type=int, default=3)
    args = ap.parse_args()
    tax = scanner.load_taxonomy()
    job = scanner.load_job(args.job, taxonomy=tax)
    counts: list[int] = []
    quoted = total = 0
    examples: list[tuple[str, str, str]] = []
    for path in sorted(args.cvs.rglob("*.pdf")):
        try:
            doc = extract(path)
        except scanner.ScannerError:
            continue
        report = scanner.scan_document(doc, job, taxonomy=tax)
        text = _squash(doc.full_text)
        counts.append(len(report.suggestions))
        for s in report.suggestions:
            total += 1
            quoted += _squash(s.original) in text
            if s.kind in ("weak_opener", "passive_voice", "no_result") and len(examples) < args.examples * 20:
                examples.append((s.kind, s.original, s.suggestion))
    print(f"CVs {len(counts)}: suggestions per CV median {statistics.median(counts):g}, max {max(counts)}")
    print(f"quote a real line of the CV: {quoted}/{total} ({100 * quoted / max(total, 1):.1f}%)")
    step = max(1, len(examples) // max(args.examples, 1))
    for kind, before, after in examples[::step][: args.examples]:
        print(f"\n[{kind}]\n  before: {before}\n  after:  {after}")


if __name__ == "__main__":
    main()
