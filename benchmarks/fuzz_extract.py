"""Fuzz extraction: N mutated copies of the valid fixtures, each read in an isolated, memory-capped process.

Each case takes a valid fixture (PDF, DOCX, text, Markdown), applies 1-4 seeded mutations (bit flips,
truncation, splices from other fixtures, inserted or zeroed bytes, absurd numbers in PDF syntax, damaged XML
inside a DOCX re-zipped so the XML parser sees it) and calls ``extract_bytes`` in a forked child capped at
``--memory-mb`` of address space. A case must return a Document or raise a ScannerError within the time
limit; the report counts the rest::

    /work/venv/bin/python benchmarks/fuzz_extract.py --cases 5000 --seed 1 --jobs 2

Reports cases run, outcomes, uncaught exceptions (by type), crashes, hangs (killed ``--grace`` seconds after
the per-file limit), the worst time and the worst peak RSS. ``--save DIR`` keeps every failing input. Exit
status 1 when any case failed.
"""

from __future__ import annotations

import argparse
import collections
import io
import random
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from isolate import run_isolated

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEEDS = ["cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_three_pages.pdf", "cv_icons_ligatures.pdf",
         "job_ml_engineer.pdf", "cv_scanned.pdf", "cv_encrypted.pdf", "cv_data_scientist.docx", "cv_textbox.docx",
         "job_ml_engineer.docx", "letter_good.docx", "cv_plain.txt", "cv_markdown.md", "job_latin1.txt"]
NUMBERS = [b"99999999999", b"-1", b"0", b"2147483648", b"1e9", b"4294967295"]
XML_PIECES = [b"<", b">", b"</w:p>", b"<w:tbl>", b"&amp;", b"&#0;", b"\xff\xfe", b"<w:p>" * 300,
              b'<w:t xml:space="preserve">', b"]]>", b"<w:tc>" * 50]


def mutate(data: bytes, name: str, rng: random.Random, seeds: dict[str, bytes]) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.choice(("flip", "flip", "truncate", "splice", "insert", "zero", "number", "xml", "duplicate"))
        at = rng.randrange(max(len(out), 1))
        if op == "flip" and out:
            for _ in range(rng.randint(1, 16)):
                out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
        elif op == "truncate":
            del out[at:]
        elif op == "splice":
            other = seeds[rng.choice(list(seeds))]
            start = rng.randrange(len(other))
            out[at:at + rng.randint(0, 512)] = other[start:start + rng.randint(1, 4096)]
        elif op == "insert":
            out[at:at] = rng.randbytes(rng.randint(1, 64))
        elif op == "zero":
            out[at:at + rng.randint(1, 256)] = b"\x00" * rng.randint(0, 256)
        elif op == "number":
            digits = [i for i in range(at, min(len(out), at + 4096)) if 48 <= out[i] <= 57]
            if digits:
                i = rng.choice(digits)
                out[i:i + 1] = rng.choice(NUMBERS)
        elif op == "duplicate" and out:
            start = rng.randrange(len(out))
            out[at:at] = out[start:start + rng.randint(1, 8192)]
        elif op == "xml" and name.endswith(".docx"):
            out = bytearray(mutate_member(bytes(out), rng))
    return bytes(out)


def mutate_member(data: bytes, rng: random.Random) -> bytes:
    """Damage the XML inside a DOCX and re-zip it (so the XML parser sees it, not only zip's CRC check)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return data
    if not members:
        return data
    index = rng.randrange(len(members))
    name, body = members[index]
    at = rng.randrange(max(len(body), 1))
    members[index] = (name, body[:at] + rng.choice(XML_PIECES) + body[at + rng.randint(0, 64):])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member, content in members:
            out.writestr(member, content)
    return buffer.getvalue()


def _case(data: bytes, name: str, engine: str, seconds: float) -> Callable[[], dict[str, Any]]:
    def case() -> dict[str, Any]:
        from scanner.errors import ScannerError
        from scanner.extract import Limits, extract_bytes

        try:
            document = extract_bytes(data, name, engine=engine, limits=Limits(max_seconds=seconds))  # type: ignore[arg-type]
        except ScannerError as exc:
            return {"outcome": f"error:{exc.kind}", "one_line": "\n" not in str(exc)}
        return {"outcome": "document", "chars": len(document.text)}

    return case


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2, help="cases at once")
    parser.add_argument("--engine", choices=("both", "pypdf", "pdfium"), default="both",
                        help="PDF engine; both alternates them")
    parser.add_argument("--seconds", type=float, default=10.0, help="per-file time limit (Limits.max_seconds)")
    parser.add_argument("--grace", type=float, default=5.0, help="beyond the limit, a case counts as a hang")
    parser.add_argument("--memory-mb", type=int, default=500, help="address-space cap per case")
    parser.add_argument("--save", type=Path, help="write every failing input here")
    args = parser.parse_args()

    from scanner.extract.pdfium import available

    engines = ["pypdf", "pdfium"] if args.engine == "both" else [args.engine]
    if "pdfium" in engines and not available():
        engines = ["pypdf"]
    seeds = {name: (FIXTURES / name).read_bytes() for name in SEEDS}
    rng = random.Random(args.seed)
    inputs: dict[int, tuple[str, bytes, str]] = {}

    def cases():  # type: ignore[no-untyped-def]
        for number in range(args.cases):
            name = rng.choice(SEEDS)
            data = mutate(seeds[name], name, rng, seeds)
            engine = engines[number % len(engines)]
            inputs[number] = (name, data, engine)
            yield number, _case(data, name, engine, args.seconds)

    outcomes: collections.Counter[str] = collections.Counter()
    uncaught: collections.Counter[str] = collections.Counter()
    failures: list[tuple[int, str]] = []
    worst_time = (0.0, -1)
    worst_peak = (0.0, -1)
    started = time.monotonic()
    for outcome in run_isolated(cases(), timeout=args.seconds + args.grace, memory_mb=args.memory_mb,
                                jobs=args.jobs):
        name, data, engine = inputs.pop(outcome.key)
        worst_time = max(worst_time, (outcome.seconds, outcome.key))
        worst_peak = max(worst_peak, (outcome.peak_mb, outcome.key))
        if outcome.status != "done":
            outcomes[outcome.status] += 1
            failures.append((outcome.key, f"{outcome.status}: {name} ({engine}) {outcome.detail}"))
        else:
            kind = outcome.result.get("outcome", "?")
            outcomes[kind] += 1
            if kind == "uncaught":
                uncaught[outcome.result["type"]] += 1
                failures.append((outcome.key, f"uncaught {outcome.result['type']}: {name} ({engine})\n"
                                              f"{outcome.result['where']}"))
            elif kind.startswith("error:") and not outcome.result.get("one_line", True):
                failures.append((outcome.key, f"multi-line message: {name} ({engine}) {kind}"))
        if failures and args.save and failures[-1][0] == outcome.key:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"case{outcome.key:06d}_{engine}_{name}").write_bytes(data)
    elapsed = time.monotonic() - started

    print(f"cases run: {args.cases} (seed {args.seed}, engines {'+'.join(engines)}, {args.jobs} at once, "
          f"{elapsed:.0f} s)")
    print("outcomes: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"uncaught exceptions: {sum(uncaught.values())} {dict(uncaught) if uncaught else ''}")
    print(f"crashes: {outcomes['crash']}, hangs: {outcomes['hang']} (limit {args.seconds:g} s + {args.grace:g} s)")
    print(f"worst time: {worst_time[0]:.2f} s (case {worst_time[1]}); worst peak RSS: {worst_peak[0]:.0f} MB "
          f"(case {worst_peak[1]}; address space capped at {args.memory_mb} MB)")
    for _, text in failures[:20]:
        print("  " + text)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
