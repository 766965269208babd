#!/usr/bin/env python3
"""Both PDF engines on a corpus, in one run: ms per file, speed ratio, keyword and layout agreement.

Usage: python benchmarks/bench_pdf_engines.py [--corpus DIR] [--job FILE] [--repeat N] [--quiet]
Every *.pdf under DIR (recursively; default: the fixture PDFs) is extracted by pypdf and by PDFium, alternating,
N times each (the median counts). Then each extraction is scanned against the job ad and the matched keywords
compared (Jaccard of the matched terms), and so are the layout facts: pages, columns per page, images per page,
running header/footer found, hyperlinks, fonts. Files that fail give the error kind of each engine, which must
be the same. Needs pypdfium2 (pip install 'cvscan[fast]').
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from scanner.errors import ScannerError
from scanner.extract import extract_bytes
from scanner.pipeline import load_job, scan_document
from scanner.records import Document

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("pypdf", "pdfium")


def layout_facts(doc: Document) -> dict[str, Any]:
    """The layout facts both engines must agree on."""
    layout = doc.layout
    return {
        "pages": layout.page_count,
        "columns": tuple(p.columns for p in layout.pages),
        "images": tuple(p.images for p in layout.pages),
        "image_only": layout.image_only_pages,
        "header": bool(layout.header_text),
        "footer": bool(layout.footer_text),
        "hyperlinks": layout.hyperlinks,
        "fonts": layout.fonts,
    }


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def run(path: Path, repeat: int) -> tuple[dict[str, Document | str], dict[str, float]]:
    data = path.read_bytes()
    times: dict[str, list[float]] = {e: [] for e in ENGINES}
    results: dict[str, Document | str] = {}
    for _ in range(repeat):
        for engine in ENGINES:
            start = time.perf_counter()
            try:
                results[engine] = extract_bytes(data, str(path), engine=engine)  # type: ignore[arg-type]
            except ScannerError as exc:
                results[engine] = exc.kind
            times[engine].append(time.perf_counter() - start)
    return results, {e: statistics.median(t) * 1000 for e, t in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--corpus", type=Path, help="directory of PDFs, searched recursively (default: fixtures)")
    ap.add_argument("--job", type=Path, default=ROOT / "fixtures" / "job_ml_engineer.txt")
    ap.add_argument("--repeat", type=int, default=3, help="extractions per engine and file (median counts)")
    ap.add_argument("--quiet", action="store_true", help="print only files that disagree, and the summary")
    args = ap.parse_args()
    if importlib.util.find_spec("pypdfium2") is None:
        sys.exit("pypdfium2 is not installed: pip install 'cvscan[fast]'")
    files = sorted(args.corpus.rglob("*.pdf")) if args.corpus else sorted((ROOT / "fixtures").glob("*.pdf"))
    if not files:
        sys.exit(f"no PDFs under {args.corpus}")
    job = load_job(args.job)
    importlib.import_module("pypdfium2")  # load PDFium before timing
    ms: dict[str, list[float]] = {e: [] for e in ENGINES}
    scores: list[tuple[float, Path]] = []
    mismatches: Counter[str] = Counter()
    error_mismatches = 0
    for path in files:
        results, times = run(path, args.repeat)
        a, b = results["pypdf"], results["pdfium"]
        name = str(path.relative_to(args.corpus) if args.corpus else path.name)
        if isinstance(a, str) or isinstance(b, str):
            same = a == b
            error_mismatches += not same
            if not (args.quiet and same):
                print(f"{name}: errors pypdf={a if isinstance(a, str) else 'ok'} "
                      f"pdfium={b if isinstance(b, str) else 'ok'}{'' if same else '  MISMATCH'}")
            continue
        for engine in ENGINES:
            ms[engine].append(times[engine])
        terms = [{hit.term for hit in scan_document(doc, job).matched} for doc in (a, b)]
        score = jaccard(*terms)
        scores.append((score, path))
        fa, fb = layout_facts(a), layout_facts(b)
        differ = [key for key in fa if fa[key] != fb[key]]
        mismatches.update(differ)
        if not args.quiet or differ or score < 0.95:
            print(f"{name}: pypdf {times['pypdf']:.1f} ms, pdfium {times['pdfium']:.1f} ms, "
                  f"ratio {times['pypdf'] / times['pdfium']:.1f}; Jaccard {score:.3f}"
                  + (f"  only pypdf {sorted(terms[0] - terms[1])} only pdfium {sorted(terms[1] - terms[0])}"
                     if score < 1 else "")
                  + "".join(f"\n    {key}: pypdf {fa[key]!r} pdfium {fb[key]!r}" for key in differ))
    print(f"\n{len(files)} PDFs, {len(scores)} read by both engines, job {args.job.name}, median of {args.repeat}")
    if scores:
        values = [s for s, _ in scores]
        low = [p for s, p in scores if s < 0.95]
        print(f"Jaccard of matched keywords: min {min(values):.3f}, mean {statistics.fmean(values):.3f}, "
              f"files below 0.95: {len(low)}{' ' + ', '.join(p.name for p in low) if low else ''}")
        print(f"layout-fact mismatches (files): {dict(mismatches) or 'none'}")
        mean_a, mean_b = statistics.fmean(ms["pypdf"]), statistics.fmean(ms["pdfium"])
        print(f"ms per file: pypdf mean {mean_a:.1f} (median {statistics.median(ms['pypdf']):.1f}), "
              f"pdfium mean {mean_b:.1f} (median {statistics.median(ms['pdfium']):.1f}); "
              f"speed ratio pypdf/pdfium {mean_a / mean_b:.1f}x")
    print(f"error kinds differing: {error_mismatches}")


if __name__ == "__main__":
    main()
