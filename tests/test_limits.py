"""Safety limits: validation, each limit on real files when lowered, the nestable time limit, defaults that a
real CV never reaches."""

from __future__ import annotations

import io
import signal
import time
import zipfile
from pathlib import Path

import pytest
from conftest import FIXTURES, fixture_generator

import scanner
from scanner.errors import ScannerError
from scanner.extract import Limits, extract, extract_bytes
from scanner.extract.archive import check_xml
from scanner.extract.limits import time_limit
from scanner.extract.pdfium import available

ENGINES = ["pypdf", "pdfium"] if available() else ["pypdf"]
ML_AD = FIXTURES / "job_ml_engineer.txt"


@pytest.mark.parametrize("kw", [
    {"max_seconds": 0}, {"max_seconds": -1.0}, {"max_text_chars": 0}, {"max_pages": 0},
    {"max_pdf_objects": -5}, {"max_stream_bytes": 0}, {"max_zip_entries": 0}, {"max_unpacked_bytes": 0},
    {"max_compression_ratio": 0.5}, {"max_pages": 2.5}, {"max_pages": True}, {"max_pages": "100"},
])
def test_limits_validate_themselves_and_name_the_bad_field(kw: dict[str, object]) -> None:
    with pytest.raises(scanner.SettingsError) as info:
        Limits(**kw)  # type: ignore[arg-type]
    assert next(iter(kw)) in str(info.value)


def test_limits_are_carried_on_scan_settings() -> None:
    assert scanner.ScanSettings().limits == Limits()
    assert Limits(max_seconds=None).max_seconds is None
    settings = scanner.ScanSettings(limits=Limits(max_pages=1))
    with pytest.raises(scanner.LimitExceededError) as info:
        scanner.scan(FIXTURES / "cv_three_pages.pdf", ML_AD, settings=settings)
    assert info.value.limit == "max_pages"
    with pytest.raises(scanner.SettingsError):
        scanner.ScanSettings(limits={"max_pages": 1})  # type: ignore[arg-type]


def test_the_error_tree() -> None:
    assert issubclass(scanner.FileTooLargeError, scanner.LimitExceededError)
    assert issubclass(scanner.ScanTimeoutError, scanner.LimitExceededError)
    assert issubclass(scanner.LimitExceededError, scanner.InputError)
    assert issubclass(scanner.UnsafeDocumentError, scanner.InputError)
    assert scanner.FileTooLargeError("x").limit == "max_file_bytes"
    assert scanner.ScanTimeoutError("x").limit == "max_seconds"
    doc = scanner.errors.__doc__ or ""
    assert "LimitExceededError" in doc and "UnsafeDocumentError" in doc


# --- each limit, lowered, on a real file ------------------------------------------------------------------


@pytest.mark.parametrize("engine", ENGINES)
def test_page_limit(engine: str) -> None:
    with pytest.raises(scanner.LimitExceededError) as info:
        extract(FIXTURES / "cv_three_pages.pdf", engine=engine, limits=Limits(max_pages=2))  # type: ignore[arg-type]
    assert info.value.limit == "max_pages" and "3 pages" in str(info.value)
    assert extract(FIXTURES / "cv_three_pages.pdf", engine=engine,  # type: ignore[arg-type]
                   limits=Limits(max_pages=3)).layout.page_count == 3


@pytest.mark.parametrize("engine", ENGINES)
def test_object_and_stream_limits(engine: str) -> None:
    with pytest.raises(scanner.LimitExceededError) as info:
        extract(FIXTURES / "cv_ml_single_column.pdf", engine=engine,  # type: ignore[arg-type]
                limits=Limits(max_pdf_objects=5))
    assert info.value.limit == "max_pdf_objects"
    with pytest.raises(scanner.LimitExceededError) as info:
        extract(FIXTURES / "cv_ml_single_column.pdf", engine=engine,  # type: ignore[arg-type]
                limits=Limits(max_stream_bytes=100))
    assert info.value.limit == "max_stream_bytes"


def test_text_limit() -> None:
    with pytest.raises(scanner.LimitExceededError) as info:
        extract(FIXTURES / "cv_plain.txt", limits=Limits(max_text_chars=500))
    assert info.value.limit == "max_text_chars" and "characters of text" in str(info.value)


def test_docx_archive_limits() -> None:
    path = FIXTURES / "cv_data_scientist.docx"
    for limits, name in ((Limits(max_zip_entries=5), "max_zip_entries"),
                         (Limits(max_unpacked_bytes=100_000), "max_unpacked_bytes")):
        with pytest.raises(scanner.LimitExceededError) as info:
            extract(path, limits=limits)
        assert info.value.limit == name


def _docx_with(extra: dict[str, bytes], types: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(FIXTURES / "cv_data_scientist.docx") as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and types:
                data = data.replace(b"</Types>", types + b"</Types>")
            out.writestr(info, data)
        for name, data in extra.items():
            out.writestr(name, data)
    return buffer.getvalue()


def test_an_svg_image_with_a_doctype_does_not_make_a_real_cv_unsafe() -> None:
    svg = (b'<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
           b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg xmlns="http://www.w3.org/2000/svg"/>')
    data = _docx_with({"word/media/logo.svg": svg}, b'<Default Extension="svg" ContentType="image/svg+xml"/>')
    assert "Marcus" in extract_bytes(data, "cv.docx").text
    # The same bytes declared as an XML part python-docx would parse are refused.
    hostile = _docx_with({"word/media/logo.svg": svg},
                         b'<Override PartName="/word/media/logo.svg" ContentType="application/xml"/>')
    with pytest.raises(scanner.UnsafeDocumentError):
        extract_bytes(hostile, "cv.docx")


@pytest.mark.parametrize("xml", [
    b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a/>',
    b'<?xml version="1.0"?>\n<!doctype a><a/>',
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16-le"),
    '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE a><a/>'.encode("utf-16-be"),
    b'<?xml version="1.0" encoding="UTF-7"?><a>+ADw-!DOCTYPE</a>',
    b"\x00\x00\x00<\x00\x00\x00?",
])
def test_xml_with_a_dtd_or_in_an_odd_encoding_is_refused(xml: bytes) -> None:
    with pytest.raises(scanner.UnsafeDocumentError):
        check_xml(xml, "part.xml")


def test_ordinary_xml_passes() -> None:
    check_xml(b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document/>', "part.xml")
    check_xml('<?xml version="1.0" encoding="UTF-16"?><a/>'.encode("utf-16"), "part.xml")


# --- time limits ------------------------------------------------------------------------------------------


class _Late(ScannerError):
    pass


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        time.sleep(0.01)


def test_time_limit_stops_and_restores() -> None:
    before = signal.getsignal(signal.SIGALRM)
    with pytest.raises(_Late), time_limit(0.1, lambda: _Late("inner")):
        _spin(2)
    assert signal.getsignal(signal.SIGALRM) is before
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0
    with time_limit(None, lambda: _Late("never")):
        _spin(0.05)


def test_time_limits_nest() -> None:
    # The inner limit is shorter: it fires, and the outer timer is restored for the rest.
    with pytest.raises(_Late) as info, time_limit(0.6, lambda: _Late("outer")):
        with pytest.raises(_Late) as inner, time_limit(0.1, lambda: _Late("inner")):
            _spin(2)
        assert str(inner.value) == "inner"
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.6
        _spin(2)
    assert str(info.value) == "outer"
    # The outer limit is shorter: it stays in charge.
    with pytest.raises(_Late) as info, time_limit(0.1, lambda: _Late("outer")), \
            time_limit(5, lambda: _Late("inner")):
        _spin(2)
    assert str(info.value) == "outer"


def test_a_single_scan_is_stopped_at_the_time_limit(tmp_path: Path) -> None:
    slow = tmp_path / "cv_long.txt"
    # 150 copies of a CV whose lines differ (a copy number), so no work on a line is reused: over a second.
    fixture_generator().make_long_cv(slow, copies=150, text=(FIXTURES / "cv_plain.txt").read_text(encoding="utf-8"))
    settings = scanner.ScanSettings(limits=Limits(max_seconds=0.3))
    started = time.monotonic()
    with pytest.raises(scanner.ScanTimeoutError) as info:
        scanner.scan(slow, ML_AD, settings=settings)
    assert time.monotonic() - started < 3
    assert "0.3 s limit" in str(info.value) and str(slow) in str(info.value)
    assert signal.getitimer(signal.ITIMER_REAL)[0] == 0


@pytest.mark.parametrize("name", ["cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_three_pages.pdf",
                                  "cv_data_scientist.docx", "cv_textbox.docx", "cv_plain.txt", "cv_markdown.md",
                                  "job_ml_engineer.pdf", "job_ml_engineer.docx", "cv_icons_ligatures.pdf"])
def test_real_documents_stay_far_below_the_defaults(name: str) -> None:
    # A tenth of each default still reads every real fixture: the defaults leave a wide margin.
    tight = Limits(max_seconds=3.0, max_text_chars=100_000, max_pages=10, max_pdf_objects=10_000,
                   max_stream_bytes=3 * 1024 * 1024, max_zip_entries=100, max_unpacked_bytes=6 * 1024 * 1024,
                   max_compression_ratio=10.0)
    for engine in ENGINES:
        assert extract(FIXTURES / name, engine=engine, limits=tight).text  # type: ignore[arg-type]
