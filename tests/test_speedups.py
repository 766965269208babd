"""The optional C loops (scanner/_speedups.c) against the ctypes calls they replace, on the fixture PDFs."""

from __future__ import annotations

import ctypes
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import FIXTURES

from scanner.errors import ScannerError
from scanner.extract.pdfium import available

pdfium = importlib.import_module("scanner.extract.pdfium")  # the package re-exports a function as `extract`
speedups = pdfium._speedups
needs_both = pytest.mark.skipif(speedups is None or not available(),
                                reason="needs the built C extension and the PDFium engine")
PDFS = sorted(p for p in FIXTURES.glob("**/*.pdf"))


def _read(data: bytes, name: str) -> object:
    try:
        return pdfium.extract_pdfium(data, name)
    except ScannerError as exc:
        return f"{exc.kind}: {exc}"


@needs_both
@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_the_c_loops_read_what_ctypes_reads(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = path.read_bytes()
    with_c = _read(data, path.name)
    monkeypatch.setattr(pdfium, "_speedups", None)
    assert _read(data, path.name) == with_c


@needs_both
def test_each_function_gives_the_per_character_calls() -> None:
    import pypdfium2 as pdfium2
    import pypdfium2.raw as raw

    pdf = pdfium2.PdfDocument((FIXTURES / "cv_icons_ligatures.pdf").read_bytes())
    try:
        page = pdf[0]
        textpage = page.get_textpage()
        count = textpage.count_chars()
        assert count > 500
        handle = ctypes.cast(textpage.raw, ctypes.c_void_p).value
        addresses = pdfium._addresses(raw)
        rects = memoryview(speedups.char_boxes(addresses.box, handle, count)).cast("f").tolist()
        flags = speedups.generated_flags(addresses.generated, handle, count)
        starts = list(range(0, count, 7))
        packed, names = speedups.run_facts(*addresses.run, handle, starts)
        facts = memoryview(packed).cast("d").tolist()
        assert len(rects) == 4 * count and len(flags) == count and len(facts) == 6 * len(starts)
        assert any(flags) and not all(flags)
        for i in range(count):
            box = raw.FS_RECTF()
            raw.FPDFText_GetLooseCharBox(textpage, i, box)
            assert rects[4 * i:4 * i + 4] == [box.left, box.top, box.right, box.bottom]
            assert flags[i] == (raw.FPDFText_IsGenerated(textpage, i) == 1)
        buffer = ctypes.create_string_buffer(256)
        for k, i in enumerate(starts):
            matrix = raw.FS_MATRIX()
            expected = [matrix.a, matrix.b, matrix.c, matrix.d] if raw.FPDFText_GetMatrix(textpage, i, matrix) \
                else [1.0, 0.0, 0.0, 1.0]
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(textpage, i, x, y)
            assert facts[6 * k:6 * k + 6] == [*expected, raw.FPDFText_GetFontSize(textpage, i), y.value]
            length = raw.FPDFText_GetFontInfo(textpage, i, buffer, 256, None)
            assert names[k] == (buffer.value if 0 < length <= 256 else None)
        assert {n for n in names if n}, "the page names its fonts"
        textpage.close()
        page.close()
    finally:
        pdf.close()


@pytest.mark.skipif(speedups is None, reason="needs the built C extension")
@pytest.mark.parametrize(("call", "error"), [
    (lambda s: s.char_boxes(0, 1, 1), ValueError),  # no function
    (lambda s: s.char_boxes(1, 0, 1), ValueError),  # no text page
    (lambda s: s.generated_flags(1, 1, -1), ValueError),
    (lambda s: s.run_facts(1, 1, 1, 1, 0, []), ValueError),
    (lambda s: s.run_facts(1, 1, 1, 1, 1, 5), TypeError),  # not a sequence
    (lambda s: s.char_boxes("1", 1, 1), TypeError),
])
def test_bad_arguments_are_refused_before_any_call(call: object, error: type[Exception]) -> None:
    with pytest.raises(error):
        call(speedups)  # type: ignore[operator]


@pytest.mark.skipif(not available(), reason="needs the PDFium engine")
def test_pure_python_can_be_asked_for() -> None:
    code = "import importlib; print(importlib.import_module('scanner.extract.pdfium')._speedups is None)"
    env = {**os.environ, "CVSCAN_PURE_PYTHON": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert out.stdout.strip() == "True"


def test_ci_builds_the_extension() -> None:
    """A machine with a C compiler (CI's, as the README says) gets the C loops: the install did not skip them."""
    if not os.environ.get("CI"):
        pytest.skip("only CI promises a compiler")
    assert speedups is not None
