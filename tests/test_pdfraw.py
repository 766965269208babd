"""The PDFium engine's preflight from a PDF's bytes (scanner.extract.pdfraw): what it answers for, what it leaves
to the pypdf preflight, and the streams it refuses, on PDFs built here with the hostile generator's helpers."""

from __future__ import annotations

import re
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_generator, hostile_generator
from hypothesis import given
from hypothesis import strategies as st

from scanner.errors import LimitExceededError
from scanner.extract import extract, extract_bytes
from scanner.extract.limits import Limits
from scanner.extract.pdfbounds import check_pdf
from scanner.extract.pdfium import available, extract_pdfium
from scanner.extract.pdfraw import RawFacts, inline_image, preflight

gen = hostile_generator()
pdfium_only = pytest.mark.skipif(not available(), reason="the PDFium engine (extra 'fast') is not installed")

TEXT = b"BT /F1 12 Tf 72 720 Td (Senior Machine Learning Engineer, Python, PyTorch, Kubernetes) Tj ET"
INLINE_IMAGE = b"\nq 10 0 0 10 72 600 cm BI /W 1 /H 1 /CS /G /BPC 8 ID \x80 EI Q"
SMALL = Limits(max_stream_bytes=10_000)


def plain_pdf(content: bytes = TEXT, *, page_extra: bytes = b"", more: tuple[bytes, ...] = (),
              tree: bytes = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>") -> bytes:
    """One page (object 3) whose content (object 4) is Flate-compressed, then the objects in ``more`` (6 on)."""
    return gen._pdf([b"<< /Type /Catalog /Pages 2 0 R >>", tree, gen._page(extra=page_extra),
                     gen._stream(content, flate=True), gen._FONT, *more])


def flate(dictionary: bytes, data: bytes) -> bytes:
    packed = zlib.compress(data)
    return b"<< " + dictionary + b" /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream"


IMAGE = (b"<< /Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8 "
         b"/Length 1 >>\nstream\n\x80\nendstream")


def test_a_plain_pdf_is_answered_from_its_bytes() -> None:
    assert preflight(plain_pdf(), "cv.pdf", Limits()) == RawFacts(no_images=True)


@pdfium_only
def test_the_pdfium_engine_reads_a_plain_pdf_without_importing_pypdf(tmp_path: Path) -> None:
    path = tmp_path / "cv.pdf"
    path.write_bytes(plain_pdf())
    code = ("import sys; from scanner.extract import extract; "
            f"d = extract({str(path)!r}, engine='pdfium'); "
            "print('pypdf' in sys.modules, 'PyTorch' in d.text)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "True"]


@pytest.mark.parametrize(("content", "more", "page_extra", "no_images"), [
    (TEXT, (), b"", True),
    (TEXT + INLINE_IMAGE, (), b"", False),
    (TEXT + b"\nBT /F1 12 Tf 72 700 Td (BIG DATA, BI-weekly) Tj ET", (), b"", True),  # the letters, no operator
    (TEXT + b"\nq 10 0 0 10 72 600 cm /Im1 Do Q", (IMAGE,), b"/XObject << /Im1 6 0 R >> ", False),
])
def test_the_image_answer(content: bytes, more: tuple[bytes, ...], page_extra: bytes, no_images: bool) -> None:
    data = plain_pdf(content, more=more, page_extra=page_extra)
    assert preflight(data, "cv.pdf", Limits()) == RawFacts(no_images=no_images)


@pdfium_only
@pytest.mark.parametrize("content", [TEXT, TEXT + INLINE_IMAGE])
def test_the_engine_reads_the_same_document_with_either_preflight(content: bytes) -> None:
    data = plain_pdf(content)
    facts = preflight(data, "cv.pdf", Limits())
    assert facts is not None
    from_bytes = extract_pdfium(data, "cv.pdf", no_images=facts.no_images)
    from_parser = extract_pdfium(data, "cv.pdf", no_images=check_pdf(data, "cv.pdf", Limits(), contents=True))
    assert from_bytes == from_parser
    assert from_bytes.layout.pages[0].images == (0 if facts.no_images else 1)


@pytest.mark.parametrize("where", ["unused object", "inside another stream", "keyword then spaces"])
def test_a_stream_that_inflates_past_the_limit_is_refused_wherever_it_is(where: str) -> None:
    bomb = flate(b"/Type /XObject /Subtype /Form", b" " * 50_000)
    if where == "unused object":  # no page draws it: the pypdf preflight never decodes it, PDFium might
        data = plain_pdf(more=(bomb,))
    elif where == "inside another stream":  # an object hidden in an unfiltered stream's data, found by offset
        hidden = b"99 0 obj\n" + bomb + b"\nendobj\n"
        data = plain_pdf(more=(b"<< /Length %d >>\nstream\n" % len(hidden) + hidden + b"\nendstream",))
    else:  # PDFium starts the data after the end of the keyword's line
        data = plain_pdf(more=(bomb.replace(b"stream\n", b"stream   \n", 1),))
    with pytest.raises(LimitExceededError) as info:
        preflight(data, "cv.pdf", SMALL)
    assert info.value.limit == "max_stream_bytes" and str(info.value).startswith("cv.pdf: ")


def test_a_stream_within_the_limit_passes() -> None:
    data = plain_pdf(more=(flate(b"/Type /XObject /Subtype /Form", b" " * 9_000),))
    assert preflight(data, "cv.pdf", SMALL) == RawFacts(no_images=True)


@given(st.lists(st.sampled_from([b"BI", b"B", b"I", b" ", b"\n", b"\x0b", b"x", b"EI"]), max_size=12).map(b"".join))
def test_the_inline_image_test_is_the_operator_between_white_space(content: bytes) -> None:
    """The search by letters answers as the pattern it replaced (bytes \\s: space, \\t, \\n, \\r, \\f, \\v)."""
    assert inline_image(content) == (re.search(rb"(?:^|\s)BI\s", content) is not None)


@pytest.mark.parametrize("length", [b"%d", b"9 0 R"])
def test_an_inline_image_in_an_unfiltered_content_is_seen(length: bytes) -> None:
    content = TEXT + INLINE_IMAGE
    stream = b"<< /Length " + (length % len(content) if b"%" in length else length) + b" >>\nstream\n"
    data = gen._pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     gen._page(), stream + content + b"\nendstream", gen._FONT])
    assert preflight(data, "cv.pdf", Limits()) == RawFacts(no_images=False)
    assert preflight(data.replace(b" BI ", b" XX "), "cv.pdf", Limits()) == RawFacts(no_images=True)


def test_words_that_end_in_stream_are_not_streams() -> None:
    text = b"BT /F1 12 Tf 72 720 Td (Upstream and downstream data) Tj ET"
    data = gen._pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                     gen._page(), gen._stream(text), gen._FONT])
    assert preflight(data, "cv.pdf", Limits()) == RawFacts(no_images=True)


LEFT_TO_THE_PARSER = {
    "encrypted": plain_pdf().replace(b"/Root 1 0 R", b"/Root 1 0 R /Encrypt 9 0 R"),
    "filter chain": plain_pdf(more=(b"<< /Length 2 /Filter [/ASCIIHexDecode /FlateDecode] >>\nstream\n41\nendstream",)),
    "filter by reference": plain_pdf(more=(b"<< /Length 2 /Filter 9 0 R >>\nstream\n41\nendstream",)),
    "other filter": plain_pdf(more=(b"<< /Length 2 /Filter /LZWDecode >>\nstream\n41\nendstream",)),
    "escaped name": plain_pdf(more=(b"<< /Length 2 /Filter /Fl#61teDecode >>\nstream\n41\nendstream",)),
    "string in the dictionary": plain_pdf(more=(flate(b"/Title (an obj)", b"q Q"),)),
    "damaged data": plain_pdf(more=(b"<< /Length 4 /Filter /FlateDecode >>\nstream\nJUNK\nendstream",)),
    "two tree nodes": plain_pdf(tree=b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
                                more=(b"<< /Type /Pages /Parent 2 0 R /Kids [3 0 R] /Count 1 >>",)),
    "a long kids list": plain_pdf(tree=b"<< /Type /Pages /Kids [" + b"3 0 R " * 101 + b"] /Count 1 >>"),
    "a large page count": plain_pdf(tree=b"<< /Type /Pages /Kids [3 0 R] /Count 101 >>"),
    "a large object count": plain_pdf().replace(b"/Size 6", b"/Size 100001"),
    "many objects": plain_pdf() + b"obj endobj\n" * 50_001,
}


@pytest.mark.parametrize("case", sorted(LEFT_TO_THE_PARSER))
def test_what_the_bytes_cannot_answer_is_left_to_the_parser(case: str) -> None:
    assert preflight(LEFT_TO_THE_PARSER[case], "cv.pdf", Limits()) is None


def test_a_tree_in_an_object_stream_is_looked_at() -> None:
    """Dictionaries compressed in an object stream count too: a page-tree node there is a second node."""
    annotation = plain_pdf(more=(flate(b"/Type /ObjStm /N 1 /First 4", b"7 0 << /Type /Annot >>"),))
    assert preflight(annotation, "cv.pdf", Limits()) == RawFacts(no_images=True)
    node = plain_pdf(more=(flate(b"/Type /ObjStm /N 1 /First 4", b"7 0 << /Type /Pages /Kids [3 0 R] >>"),))
    assert preflight(node, "cv.pdf", Limits()) is None
    counted = plain_pdf(more=(flate(b"/Type /ObjStm /N 1 /First 4", b"7 0 << /Count 101 >>"),))
    assert preflight(counted, "cv.pdf", Limits()) is None
    # No node anywhere: nothing to check the pages against.
    assert preflight(annotation.replace(b"/Kids [3 0 R]", b"/Parent 7 0 R"), "cv.pdf", Limits()) is None


@pdfium_only
def test_a_bomb_the_bytes_cannot_answer_for_is_still_refused() -> None:
    """A content stream over the limit, behind a dictionary the bytes leave to the parser: pypdf refuses it."""
    data = plain_pdf(more=(flate(b"/Title (an obj)", b" " * 50_000),))
    data = data.replace(b"/Contents 4 0 R", b"/Contents 6 0 R")
    assert preflight(data, "cv.pdf", SMALL) is None
    with pytest.raises(LimitExceededError) as info:
        extract_bytes(data, "cv.pdf", engine="pdfium", limits=SMALL)
    assert info.value.limit == "max_stream_bytes"


@pdfium_only
@pytest.mark.parametrize("fixture", ["cv_ml_single_column", "cv_ml_two_column", "cv_three_pages",
                                     "cv_icons_ligatures", "cv_mojibake"])
def test_the_fixture_cvs_read_the_same_from_their_bytes(fixture: str, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The shipped fixture CVs are reportlab's, with ASCII85 over Flate, which the bytes leave to the parser.
    Made again with Flate alone, the preflight answers for them, and PDFium reads the same text and layout as
    from the shipped files (and the same document as with the parser's answer)."""
    import reportlab.rl_config

    monkeypatch.setattr(reportlab.rl_config, "useA85", 0)
    path = tmp_path / f"{fixture}.pdf"
    getattr(fixture_generator(), f"make_{fixture}")(path)
    data = path.read_bytes()
    assert b"ASCII85Decode" not in data
    facts = preflight(data, path.name, Limits())
    assert facts == RawFacts(no_images=fixture != "cv_three_pages")  # it has a photo
    shipped = FIXTURES / path.name
    assert preflight(shipped.read_bytes(), shipped.name, Limits()) is None
    ours, theirs = extract(path, engine="pdfium"), extract(shipped, engine="pdfium")
    assert (ours.text, ours.layout) == (theirs.text, theirs.layout)
    by_parser = check_pdf(data, path.name, Limits(), contents=True)
    assert extract_pdfium(data, path.name, no_images=facts.no_images) == extract_pdfium(
        data, path.name, no_images=by_parser)
