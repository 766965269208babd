"""Fuzzing extraction: mutated valid fixtures give a Document or a ScannerError, within the time limit.

A longer, seedable run with per-case memory and hang figures is ``benchmarks/fuzz_extract.py``.
"""

from __future__ import annotations

import io
import time
import zipfile

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner.errors import ScannerError
from scanner.extract import Limits, extract_bytes
from scanner.extract.pdfium import available
from scanner.records import Document

SEEDS = ["cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "job_ml_engineer.pdf", "cv_data_scientist.docx",
         "cv_textbox.docx", "job_ml_engineer.docx", "cv_plain.txt", "cv_markdown.md"]
DATA = {name: (FIXTURES / name).read_bytes() for name in SEEDS}
ENGINES = ["pypdf", "pdfium"] if available() else ["pypdf"]
LIMITS = Limits(max_seconds=5.0)
OPS = ("flip", "truncate", "splice", "insert", "zero", "number", "xml")


def _mutate(data: bytes, name: str, draw: st.DrawFn) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(OPS))
        at = draw(st.integers(0, max(len(out) - 1, 0)))
        if op == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif op == "truncate":
            del out[at:]
        elif op == "splice":
            other = DATA[draw(st.sampled_from(SEEDS))]
            start = draw(st.integers(0, len(other) - 1))
            out[at:at + draw(st.integers(0, 512))] = other[start:start + draw(st.integers(1, 2048))]
        elif op == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=64))
        elif op == "zero":
            out[at:at + draw(st.integers(1, 256))] = b"\x00" * draw(st.integers(0, 256))
        elif op == "number":
            # PDF structure is numbers: lengths, offsets, counts, object numbers. Make one absurd.
            digit = next((i for i in range(at, len(out)) if 48 <= out[i] <= 57), None)
            if digit is not None:
                out[digit:digit + 1] = draw(st.sampled_from([b"99999999999", b"-1", b"0", b"2147483648", b"1e9"]))
        elif op == "xml" and name.endswith(".docx"):
            out = bytearray(_mutate_member(bytes(out), draw))
    return bytes(out)


def _mutate_member(data: bytes, draw: st.DrawFn) -> bytes:
    """Damage the XML inside a DOCX and re-zip it, so the XML parser and the walker see it (not only zip)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except Exception:
        return data
    index = draw(st.integers(0, len(members) - 1))
    name, body = members[index]
    at = draw(st.integers(0, max(len(body) - 1, 0)))
    piece = draw(st.sampled_from([b"<", b">", b"</w:p>", b"<w:tbl>", b"&amp;", b"&#0;", b"\xff\xfe",
                                  b"<w:p>" * 300, b'<w:t xml:space="preserve">', b"]]>"]))
    members[index] = (name, body[:at] + piece + body[at + draw(st.integers(0, 64)):])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for member, content in members:
            out.writestr(member, content)
    return buffer.getvalue()


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(SEEDS))
    return name, _mutate(DATA[name], name, draw)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(case=mutated())
def test_mutated_documents_give_a_document_or_a_scanner_error(engine: str, case: tuple[str, bytes]) -> None:
    name, data = case
    started, cpu = time.monotonic(), time.process_time()
    try:
        document = extract_bytes(data, name, engine=engine, limits=LIMITS)  # type: ignore[arg-type]
    except ScannerError as exc:
        assert str(exc).startswith(name)
        assert "\n" not in str(exc)
    else:
        assert isinstance(document, Document) and document.text.strip()
    limit = LIMITS.max_seconds or 0.0
    # The work stays within the limit (CPU time: a busy host cannot stretch it) and the limit stops a hang (wall
    # time, with room for a host that stalls this process, as one run saw).
    assert time.process_time() - cpu < limit + 1
    assert time.monotonic() - started < 3 * limit


def test_the_mutations_reach_past_the_zip_layer() -> None:
    # The XML mutation must give archives that open: otherwise the fuzzer only tests CRC checks.
    @given(st.data())
    @settings(max_examples=10, suppress_health_check=[HealthCheck.too_slow])
    def opens(data: st.DataObject) -> None:
        damaged = _mutate_member(DATA["cv_data_scientist.docx"], data.draw)
        with zipfile.ZipFile(io.BytesIO(damaged)) as archive:
            assert archive.testzip() is None

    opens()
