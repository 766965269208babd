"""The two PDF engines (pypdf, always installed; PDFium, extra ``fast``) agree on keywords, layout facts and
errors; engine selection. The PDFium half is skipped when pypdfium2 is not installed.

Set CVSCAN_UPDATE_GOLDEN=1 to rewrite fixtures/golden/pdfium/*.txt from the PDFium engine's output.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from scanner.cli import main
from scanner.errors import ScannerError, SettingsError
from scanner.extract import extract, extract_bytes
from scanner.pipeline import ScanSettings, load_job, scan_document
from scanner.records import Document

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = FIXTURES / "golden" / "pdfium"
READABLE_PDFS = [
    "cv_ml_single_column.pdf",
    "cv_ml_two_column.pdf",
    "cv_three_pages.pdf",
    "cv_icons_ligatures.pdf",
    "cv_mojibake.pdf",
    "job_ml_engineer.pdf",
]
FAILING_PDFS = ["cv_encrypted.pdf", "cv_scanned.pdf", "corrupt.pdf", "empty.pdf"]

engines = importlib.import_module("scanner.extract.pdfium")  # the package re-exports a function as `extract`
needs_pdfium = pytest.mark.skipif(not engines.available(), reason="pypdfium2 not installed (extra `fast`)")


def _fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.skip(f"fixture {name} is not generated in this checkout")
    return path


def _facts(doc: Document) -> dict[str, object]:
    layout = doc.layout
    return {
        "pages": layout.page_count,
        "columns": [p.columns for p in layout.pages],
        "images": [p.images for p in layout.pages],
        "image_only": layout.image_only_pages,
        "headers": layout.header_text,
        "footers": layout.footer_text,
        "hyperlinks": layout.hyperlinks,
        "fonts": layout.fonts,
    }


@needs_pdfium
@pytest.mark.parametrize("name", READABLE_PDFS)
def test_engines_agree(name: str) -> None:
    path = _fixture(name)
    a, b = extract(path, engine="pypdf"), extract(path, engine="pdfium")
    assert _facts(a) == _facts(b)
    job = load_job(FIXTURES / "job_ml_engineer.txt")
    assert {h.term for h in scan_document(a, job).matched} == {h.term for h in scan_document(b, job).matched}


@needs_pdfium
@pytest.mark.parametrize("name", READABLE_PDFS)
def test_pdfium_golden_text(name: str) -> None:
    text = extract(_fixture(name), engine="pdfium").text
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("CVSCAN_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden.write_text(text + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden output {golden.name}; run with CVSCAN_UPDATE_GOLDEN=1"
    assert text + "\n" == golden.read_text(encoding="utf-8")


@needs_pdfium
@pytest.mark.parametrize("name", FAILING_PDFS)
def test_engines_fail_alike(name: str) -> None:
    path = _fixture(name)
    errors = []
    for engine in ("pypdf", "pdfium"):
        with pytest.raises(ScannerError) as info:
            extract(path, engine=engine)  # type: ignore[arg-type]
        errors.append(info.value)
    assert type(errors[0]) is type(errors[1])
    assert errors[0].fix == errors[1].fix and errors[1].path == str(path)


@pytest.mark.parametrize("engine", ["pypdf", pytest.param("pdfium", marks=needs_pdfium)])
def test_two_column_reads_column_by_column(engine: str) -> None:
    document = extract(_fixture("cv_ml_two_column.pdf"), engine=engine)  # type: ignore[arg-type]
    lines = document.text.split("\n")
    assert document.layout.pages[0].columns == 2
    assert lines[:2] == ["Leena Varghese", "Senior Machine Learning Engineer"]
    summary = lines.index("SUMMARY")
    for sidebar in ("CONTACT", "SKILLS", "• PyTorch", "• Grafana", "EDUCATION", "CERTIFICATIONS"):
        assert lines.index(sidebar) < summary
    brightmere = next(i for i, line in enumerate(lines) if line.startswith("Brightmere Insurance"))
    assert abs(lines.index("• Kafka") - brightmere) > 1


@needs_pdfium
def test_damaged_pdfs_raise_only_scanner_errors() -> None:
    data = _fixture("cv_ml_two_column.pdf").read_bytes()
    for cut in (10, 400, len(data) // 3, len(data) - 50):
        try:
            extract_bytes(data[:cut], "cut.pdf", engine="pdfium")
        except ScannerError as exc:
            assert exc.fix and exc.path == "cut.pdf"


# --- selection --------------------------------------------------------------------------------------------


def test_auto_prefers_pdfium_when_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    assert engines.resolve_engine("auto") == ("pdfium" if engines.available() else "pypdf")
    assert engines.resolve_engine("pypdf") == "pypdf"
    monkeypatch.setattr(engines, "_pdfium", lambda: None)
    assert engines.resolve_engine("auto") == "pypdf"
    assert "Leena Varghese" in extract(_fixture("cv_ml_single_column.pdf")).text


def test_missing_pdfium_is_a_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engines, "_pdfium", lambda: None)
    with pytest.raises(SettingsError, match=r"pip install 'cvscan\[fast\]'"):
        extract(_fixture("cv_ml_single_column.pdf"), engine="pdfium")
    with pytest.raises(SettingsError, match="pdfium"):
        ScanSettings(pdf_engine="pdfium")
    result = CliRunner().invoke(main, ["scan", str(FIXTURES / "cv_plain.txt"), "--job",
                                       str(FIXTURES / "job_ml_engineer.txt"), "--pdf-engine", "pdfium"])
    assert result.exit_code == 2 and "cvscan[fast]" in result.output


def test_unknown_engine() -> None:
    with pytest.raises(SettingsError, match="pdf_engine"):
        ScanSettings(pdf_engine="poppler")  # type: ignore[arg-type]
    with pytest.raises(SettingsError, match="auto, pypdf, pdfium"):
        extract_bytes(b"Jane Doe", "cv.txt", engine="poppler")  # type: ignore[arg-type]
    result = CliRunner().invoke(main, ["scan", "cv.pdf", "--job-text", "x", "--pdf-engine", "poppler"])
    assert result.exit_code == 2


def test_cli_pdf_engine_pypdf() -> None:
    result = CliRunner().invoke(main, ["scan", str(FIXTURES / "cv_ml_two_column.pdf"), "--job",
                                       str(FIXTURES / "job_ml_engineer.txt"), "--pdf-engine", "pypdf",
                                       "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0 and '"score"' in result.output
