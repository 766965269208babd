"""Hostile and broken input (fixtures/hostile/): a clear error, never a crash, a hang or a memory blow-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, hostile_generator

import scanner
from scanner.batch import run_batch
from scanner.extract import extract, extract_bytes
from scanner.extract.pdfium import available

HOSTILE = FIXTURES / "hostile"
ENCODINGS = HOSTILE / "encodings"
ML_AD = str(FIXTURES / "job_ml_engineer.txt")
ENGINES = ["pypdf", "pdfium"] if available() else ["pypdf"]

# The error each hostile file must give (either engine): what a user needs to hear about it.
EXPECTED: dict[str, set[str]] = {
    "zip_bomb.docx": {"LimitExceeded"},
    "zip_ratio.docx": {"LimitExceeded"},
    "zip_lying_sizes.docx": {"CorruptDocument"},
    "zip_many_entries.docx": {"LimitExceeded"},
    "billion_laughs.docx": {"UnsafeDocument"},
    "xxe.docx": {"UnsafeDocument"},
    "xxe_utf16.docx": {"UnsafeDocument"},
    "xxe_content_types.docx": {"UnsafeDocument"},
    "truncated.docx": {"CorruptDocument"},
    "bitflip.docx": {"CorruptDocument"},
    "empty.docx": {"EmptyFile"},
    "truncated.pdf": {"CorruptDocument"},
    "bitflip.pdf": {"CorruptDocument", "EmptyFile"},
    "deep_arrays.pdf": {"CorruptDocument", "EmptyFile"},
    "deep_page_tree.pdf": {"LimitExceeded"},
    "huge_page_count.pdf": {"LimitExceeded"},
    "many_pages.pdf": {"LimitExceeded"},
    "many_objects.pdf": {"LimitExceeded"},
    "cyclic_page_tree.pdf": {"CorruptDocument"},
    "cyclic_refs.pdf": {"NoTextLayer", "EmptyFile", "CorruptDocument"},
    "flate_bomb.pdf": {"LimitExceeded"},
    "random.pdf": {"UnsupportedFormat"},
    "random_header.pdf": {"CorruptDocument"},
    "polyglot.pdf": {"UnsafeDocument"},
    "one_byte.pdf": {"EmptyFile"},
}
FILES = sorted(EXPECTED)

BENCH = FIXTURES.parent / "benchmarks" / "bench_hostile.py"
MEMORY_MB = 500
TIME_S = 10.0


def test_the_corpus_is_complete_and_small() -> None:
    on_disk = {p.name for p in HOSTILE.iterdir() if p.is_file() and p.suffix != ".py"}
    assert on_disk == set(EXPECTED), "run fixtures/hostile/generate.py and list new files in EXPECTED"
    assert all((HOSTILE / name).stat().st_size < 400_000 for name in FILES)


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", FILES)
def test_each_hostile_file_gives_its_error_quickly(name: str, engine: str) -> None:
    started = time.monotonic()
    with pytest.raises(scanner.ScannerError) as info:
        extract(HOSTILE / name, engine=engine)  # type: ignore[arg-type]
    assert time.monotonic() - started < 5
    error = info.value
    assert error.kind in EXPECTED[name], str(error)
    assert str(error).startswith(str(HOSTILE / name)) and error.fix
    assert "\n" not in str(error)
    if isinstance(error, scanner.LimitExceededError):
        assert error.limit and error.limit in str(error)


def _bench_hostile(*files: Path) -> dict[str, dict[str, Any]]:
    """benchmarks/bench_hostile.py: the real CLI per file, in a forked child capped at MEMORY_MB of address space."""
    done = subprocess.run(
        [sys.executable, str(BENCH), "--json", "--timeout", str(TIME_S), "--memory-mb", str(MEMORY_MB),
         *map(str, files)],
        capture_output=True, text=True, timeout=TIME_S * len(files) + 60, env={**os.environ, "NO_COLOR": "1"})
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert rows, done.stderr
    return {row["file"]: row for row in rows}


@pytest.fixture(scope="module")
def cli_runs() -> dict[str, dict[str, Any]]:
    return _bench_hostile(*(HOSTILE / name for name in FILES))


@pytest.mark.parametrize("name", FILES)
def test_cvscan_scan_exits_2_with_one_line_in_bounded_time_and_memory(
        name: str, cli_runs: dict[str, dict[str, Any]]) -> None:
    row = cli_runs[name]
    assert row["status"] == "done", row  # not killed at the time limit, not dead of a signal or out of memory
    assert row["exit"] == 2, row
    assert len(row["lines"]) == 1 and row["lines"][0].startswith("Error: ") and name in row["lines"][0], row
    assert row["seconds"] < TIME_S
    assert row["peak_mb"] < MEMORY_MB  # also enforced: the address space was capped at MEMORY_MB


def test_a_good_file_passes_the_same_harness() -> None:
    row = _bench_hostile(FIXTURES / "cv_data_scientist.docx")["cv_data_scientist.docx"]
    assert row["status"] == "done" and row["exit"] == 0, row
    assert row["peak_mb"] < MEMORY_MB


def test_a_batch_over_the_hostile_corpus_gives_one_error_row_each_and_scores_the_rest(tmp_path: Path) -> None:
    good = ["cv_ml_two_column.pdf", "cv_data_scientist.docx", "cv_plain.txt"]
    paths = [str(HOSTILE / name) for name in FILES] + [str(FIXTURES / name) for name in good]
    result = run_batch(paths, scanner.load_job(ML_AD), jobs=2, timeout=30)
    assert sorted(Path(r.file).name for r in result.reports) == sorted(good)
    errors = {Path(e.file).name: e for e in result.errors}
    assert set(errors) == set(FILES)
    for name, error in errors.items():
        assert error.error in EXPECTED[name], error.message


# --- job ads in odd encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in ENCODINGS.iterdir()))
def test_job_ads_in_odd_encodings_load(name: str) -> None:
    job = scanner.load_job(ENCODINGS / name)
    terms = {t.term for t in job.terms}
    assert {"PyTorch", "Kubernetes"} <= terms
    text = extract(ENCODINGS / name).text
    assert "\x00" not in text
    if name == "job_shift_jis.txt":
        assert text.startswith("機械学習エンジニア")
    elif name != "job_bad_utf8.txt":
        assert "Python" in terms and "Café" in text and "£60,000" in text
    else:
        assert "Café" in text and "£60,000" in text  # two damaged bytes do not turn the rest into mojibake


def test_utf16_without_bom_of_binary_junk_is_still_refused() -> None:
    junk = bytes(range(1, 256)) * 8
    with pytest.raises(scanner.UnsupportedFormatError):
        extract_bytes(b"\x00".join(junk[i:i + 1] for i in range(len(junk))) + b"\x07\x00" * 200, "x.txt")


def test_latin1_job_ad_still_reads_as_before() -> None:
    text = extract(FIXTURES / "job_latin1.txt").text
    assert "Café" in text and "résumé" in text and "£" in text


def test_the_generator_is_deterministic(tmp_path: Path) -> None:
    module = hostile_generator()
    for name in ("billion_laughs.docx", "bitflip.docx", "deep_page_tree.pdf", "random.pdf", "polyglot.pdf"):
        assert module.FILES[name]() == (HOSTILE / name).read_bytes(), name
    assert json.dumps(sorted(module.FILES)) == json.dumps(FILES)
