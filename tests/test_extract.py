"""Extraction: sniffing, PDF/DOCX/text extractors, errors, reading order, golden outputs.

Set CVSCAN_UPDATE_GOLDEN=1 to rewrite fixtures/golden/*.txt from the current extractor output.
"""

from __future__ import annotations

import io
import os
import random
import zipfile
from pathlib import Path

import pytest
from pypdf.generic import DictionaryObject, NameObject

from scanner.errors import (
    CorruptDocumentError,
    EmptyFileError,
    EncryptedDocumentError,
    FileMissingError,
    FileTooLargeError,
    NoTextLayerError,
    ScannerError,
    UnsupportedFormatError,
)
from scanner.extract import extract, extract_bytes, sniff
from scanner.extract._layout import Fragment, group_rows, order_rows
from scanner.extract.pdf import _metrics

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
GOLDEN = FIXTURES / "golden"

READABLE = [
    "cv_ml_single_column.pdf",
    "cv_ml_two_column.pdf",
    "cv_data_scientist.docx",
    "cv_textbox.docx",
    "cv_plain.txt",
    "cv_markdown.md",
    "cv_java_developer.txt",
    "docx_named_as.pdf",
    "job_ml_engineer.txt",
    "job_ml_engineer.docx",
    "job_ml_engineer.pdf",
    "job_data_scientist.txt",
    "job_store_manager.txt",
    "job_latin1.txt",
]


def fixture(name: str) -> Path:
    path = FIXTURES / name
    if not path.exists():
        pytest.fail(f"fixture {name} is missing; run fixtures/generate.py")
    return path


# --- golden outputs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", READABLE)
def test_golden_text(name: str) -> None:
    text = extract(fixture(name), engine="pypdf").text  # the pypdf engine's reference; PDFium: test_pdf_engines
    golden = GOLDEN / f"{name}.txt"
    if os.environ.get("CVSCAN_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(text + "\n", encoding="utf-8")
    assert golden.exists(), f"no golden output {golden.name}; run with CVSCAN_UPDATE_GOLDEN=1"
    assert text + "\n" == golden.read_text(encoding="utf-8")


# --- sniffing ---------------------------------------------------------------------------------------------


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"%PDF-1.7\n...", "cv.txt", "pdf"),
        (b"\x00" * 300 + b"%PDF-1.4\n", "cv", "pdf"),
        (_zip({"word/document.xml": b"<w/>"}), "cv.zip", "docx"),
        (b"# Jane\n\n- Python", "cv.md", "markdown"),
        (b"# Jane\n\n- Python", "cv.MARKDOWN", "markdown"),
        (b"Jane Doe\nPython", "cv.pdf", "text"),
        ("Café résumé".encode("cp1252"), "ad", "text"),
        ("Jane".encode("utf-16"), "cv.txt", "text"),
    ],
)
def test_sniff_formats(data: bytes, name: str, expected: str) -> None:
    assert sniff(data, name) == expected


def test_sniff_docx_named_pdf() -> None:
    document = extract(fixture("docx_named_as.pdf"))
    assert document.format == "docx"
    assert "Marcus Oyelaran" in document.text


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG image"),
        (b"\xff\xd8\xff\xe0" + b"\x00" * 20, "JPEG image"),
        (b"{\\rtf1\\ansi Jane}", "RTF document"),
        (b"\x7fELF\x02\x01", "ELF executable"),
        (_zip({"xl/workbook.xml": b"<x/>"}), "Excel workbook"),
        (
            _zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}),
            "OpenDocument",
        ),
        (_zip({"notes.txt": b"hello"}), "ZIP archive"),
        (bytes(range(256)) * 8, "binary data"),
        (bytes.fromhex("D0CF11E0A1B11AE1") + b"\x00" * 100, "legacy Word .doc"),
    ],
)
def test_sniff_unsupported(data: bytes, what: str) -> None:
    with pytest.raises(UnsupportedFormatError) as info:
        sniff(data, "upload.bin")
    assert what in str(info.value)
    assert info.value.path == "upload.bin"
    assert info.value.fix


# --- errors -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "error", "says"),
    [
        ("cv_encrypted.pdf", EncryptedDocumentError, "remove the password"),
        ("cv_scanned.pdf", NoTextLayerError, "--ocr"),
        ("corrupt.pdf", CorruptDocumentError, "cannot be parsed"),
        ("legacy.doc", UnsupportedFormatError, "save it as .docx or PDF"),
        ("empty.pdf", EmptyFileError, "empty"),
        ("image.png", UnsupportedFormatError, "PNG image"),
    ],
)
def test_error_fixtures(name: str, error: type[ScannerError], says: str) -> None:
    path = fixture(name)
    with pytest.raises(error) as info:
        extract(path)
    assert info.value.path == str(path)
    assert str(path) in str(info.value)
    assert info.value.fix
    assert says in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError) as info:
        extract(tmp_path / "nope.pdf")
    assert "nope.pdf" in str(info.value) and info.value.fix


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="not a regular file"):
        extract(tmp_path)


def test_too_large(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 400)
    with pytest.raises(FileTooLargeError) as info:
        extract(path, max_bytes=1000)
    assert info.value.path == str(path) and info.value.fix
    with pytest.raises(FileTooLargeError):
        extract_bytes(b"word " * 400, "big.txt", max_bytes=1000)
    assert "word" in extract(path, max_bytes=2000).text


@pytest.mark.parametrize("data", [b"   \n\t\n", b"\xef\xbb\xbf", b"- * #\n"])
def test_no_words(data: bytes) -> None:
    with pytest.raises(EmptyFileError, match="no words"):
        extract_bytes(data, "blank.txt")


def test_corrupt_docx() -> None:
    data = _zip({"word/document.xml": b"<not xml", "[Content_Types].xml": b"<broken"})
    with pytest.raises(CorruptDocumentError) as info:
        extract_bytes(data, "cv.docx")
    assert info.value.path == "cv.docx" and info.value.fix


def test_damaged_zip() -> None:
    data = fixture("cv_data_scientist.docx").read_bytes()
    with pytest.raises(CorruptDocumentError):
        extract_bytes(data[: len(data) // 2], "cv.docx")


def test_only_scanner_errors_escape() -> None:
    """Truncated and byte-flipped documents raise InputErrors or extract; nothing else escapes."""
    rng = random.Random(7)
    outcomes: set[str] = set()
    for name in ("cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_data_scientist.docx"):
        data = fixture(name).read_bytes()
        variants = [data[:cut] for cut in (10, 400, len(data) // 3, len(data) - 50)]
        for _ in range(12):
            damaged = bytearray(data)
            for _ in range(20):
                damaged[rng.randrange(200, len(damaged))] = rng.randrange(256)
            variants.append(bytes(damaged))
        for variant in variants:
            try:
                extract_bytes(variant, name)
                outcomes.add("ok")
            except ScannerError as exc:
                outcomes.add(exc.kind)
                assert exc.fix and exc.path == name
    assert "CorruptDocument" in outcomes


# --- PDF --------------------------------------------------------------------------------------------------


def test_pdf_single_column_layout() -> None:
    document = extract(fixture("cv_ml_single_column.pdf"))
    layout = document.layout
    assert document.format == "pdf"
    assert layout.page_count == 2 and len(layout.pages) == 2
    assert layout.max_columns == 1
    assert all(p.text_chars > 0 and p.width > 500 for p in layout.pages)
    assert "Helvetica" in layout.fonts and list(layout.fonts) == sorted(set(layout.fonts))
    assert layout.hyperlinks[0] == "mailto:leena.varghese@example.com"
    assert "https://github.com/leena-varghese-mle" in layout.hyperlinks
    assert document.text.startswith("Leena Varghese\nSenior Machine Learning Engineer")


def test_pdf_two_column_reading_order() -> None:
    document = extract(fixture("cv_ml_two_column.pdf"))
    lines = document.text.split("\n")
    assert document.layout.pages[0].columns == 2
    # Full-width name and headline first.
    assert lines[:2] == ["Leena Varghese", "Senior Machine Learning Engineer"]
    # "• Kafka" (sidebar) and the Brightmere line (main column) share a baseline: they must not be neighbours.
    kafka = lines.index("• Kafka")
    brightmere = next(i for i, line in enumerate(lines) if line.startswith("Brightmere Insurance"))
    assert abs(kafka - brightmere) > 1
    # Whole sidebar before the main column.
    summary = lines.index("SUMMARY")
    for sidebar in ("CONTACT", "SKILLS", "• PyTorch", "• Grafana", "EDUCATION", "CERTIFICATIONS"):
        assert lines.index(sidebar) < summary
    # The first job's bullets stay contiguous and in order.
    starts = (
        "• Led the migration",
        "• Optimised transformer",
        "• Built drift detection",
        "• Designed the A/B",
    )
    found = [next(i for i, line in enumerate(lines) if line.startswith(s)) for s in starts]
    assert found == sorted(found)
    between = lines[found[0] : found[-1]]
    assert all(not line.startswith("• ") or line.startswith(starts) for line in between)


def _reportlab_pdf(path: Path, pages: list[list[tuple[float, float, str]]], *, font_size: float = 10) -> None:
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")
    canvas = canvas_module.Canvas(str(path), pagesize=(595, 842))
    for page in pages:
        canvas.setFont("Helvetica", font_size)
        for x, y, text in page:
            canvas.drawString(x, y, text)
        canvas.showPage()
    canvas.save()


def test_pdf_repeated_header_and_footer(tmp_path: Path) -> None:
    pages = []
    for number in (1, 2, 3):
        body = [(72, 700 - 14 * i, f"Body line {number}.{i} about Python") for i in range(20)]
        pages.append([(72, 800, "Jane Doe - Curriculum Vitae"), *body, (250, 40, f"Page {number} of 3")])
    path = tmp_path / "three.pdf"
    _reportlab_pdf(path, pages)
    document = extract(path)
    assert document.layout.header_text == ("Jane Doe - Curriculum Vitae",)
    assert document.layout.footer_text == ("Page 1 of 3",)
    assert "Curriculum Vitae" not in document.text and "Page 2" not in document.text
    assert "Body line 3.19 about Python" in document.text
    assert "Curriculum Vitae" in document.full_text


def test_pdf_one_page_keeps_header_lines(tmp_path: Path) -> None:
    path = tmp_path / "one.pdf"
    _reportlab_pdf(path, [[(72, 800, "Jane Doe"), (72, 700, "Python developer"), (250, 40, "Page 1 of 1")]])
    document = extract(path)
    assert document.text == "Jane Doe\nPython developer\nPage 1 of 1"
    assert document.layout.header_text == () and document.layout.footer_text == ()


def test_pdf_date_column_stays_row_by_row(tmp_path: Path) -> None:
    """A moderncv-style date column beside entries is not a sidebar: dates stay with their jobs."""
    rows: list[tuple[float, float, str]] = []
    y = 760.0
    for job in range(5):
        rows.append((60, y, f"201{job} - 201{job + 1}"))
        rows.append((160, y, f"Engineer at Company {job}"))
        for bullet in range(3):
            y -= 14
            rows.append((160, y, f"Did useful thing {bullet} with Python and SQL in job {job}"))
        y -= 24
    path = tmp_path / "dates.pdf"
    _reportlab_pdf(path, [rows])
    document = extract(path)
    assert document.layout.pages[0].columns == 1
    assert "2012 - 2013 Engineer at Company 2" in document.text.split("\n")


def test_pdf_short_cell_table_is_not_columns(tmp_path: Path) -> None:
    cells = [(60 + 110 * c, 700 - 16 * r, f"Skill {r}{c}") for r in range(10) for c in range(4)]
    path = tmp_path / "table.pdf"
    _reportlab_pdf(path, [[(60, 760, "Skills"), *cells]])
    document = extract(path)
    assert document.layout.pages[0].columns == 1
    assert "Skill 30 Skill 31 Skill 32 Skill 33" in document.text.split("\n")


def test_pdf_counts_images(tmp_path: Path) -> None:
    canvas_module = pytest.importorskip("reportlab.pdfgen.canvas")
    path = tmp_path / "photo.pdf"
    canvas = canvas_module.Canvas(str(path), pagesize=(595, 842))
    canvas.drawImage(str(fixture("image.png")), 400, 700, width=64, height=48)
    canvas.drawString(72, 700, "Jane Doe, Python developer")
    canvas.save()
    document = extract(path)
    assert document.layout.images == 1 and document.layout.pages[0].images == 1


def test_font_name_drops_subset_prefix() -> None:
    font = DictionaryObject({NameObject("/BaseFont"): NameObject("/ABCDEF+Calibri-Bold")})
    assert _metrics(font).name == "Calibri-Bold"


def test_layout_sidebar_same_baselines() -> None:
    """Geometry alone: a sidebar sharing baselines with a longer main column is read column by column."""
    fragments = [Fragment("Jane Doe", 200, 300, 800, 16)]
    for i in range(12):
        y = 760 - 14 * i
        if i < 8:
            fragments.append(Fragment(f"side {i}", 40, 100, y, 10))
        fragments.append(Fragment(f"main {i}", 200, 500, y, 10))
    rows = group_rows(fragments)
    ordered, columns = order_rows(rows, rows[0].y - rows[-1].y)
    assert columns == 2
    assert [r.text for r in ordered] == ["Jane Doe"] + [f"side {i}" for i in range(8)] + [
        f"main {i}" for i in range(12)
    ]


def test_layout_word_spacing() -> None:
    rows = group_rows(
        [
            Fragment("Data", 10, 30, 100, 10),
            Fragment("Scientist", 33, 70, 100, 10),
            Fragment("s", 70, 75, 100, 10),
        ]
    )
    assert [r.text for r in rows] == ["Data Scientists"]


# --- DOCX -------------------------------------------------------------------------------------------------


def test_docx_headers_footers_tables_links() -> None:
    document = extract(fixture("cv_data_scientist.docx"))
    layout = document.layout
    assert document.format == "docx"
    assert any("marcus.oyelaran@example.com" in h for h in layout.header_text)
    assert any("555-0147" in f for f in layout.footer_text)
    assert "marcus.oyelaran@example.com" not in document.text and "555-0147" not in document.text
    assert "555-0147" in document.full_text
    assert layout.hyperlinks == ("https://www.linkedin.com/in/marcus-oyelaran-ds",)
    assert layout.tables == 1 and layout.table_cells == 9
    assert "Analytics | Tableau, A/B testing, statistics | 5" in document.text.split("\n")
    assert layout.page_count >= 1 and layout.fonts
    assert "• Ran 40+ A/B testing experiments" in document.text


def test_docx_text_box_once_in_place() -> None:
    document = extract(fixture("cv_textbox.docx"))
    lines = document.text.split("\n")
    assert document.layout.text_boxes == 1
    assert document.text.count("Kubernetes") == 1
    assert lines.index("Summary") < next(i for i, line in enumerate(lines) if "Kubernetes" in line)
    assert next(i for i, line in enumerate(lines) if "Kubernetes" in line) < lines.index("Experience")


def test_docx_field_hyperlink_and_nested_table() -> None:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph("Jane Doe, Python developer")
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "Left"
    inner = outer.cell(0, 1).add_table(rows=2, cols=2)
    inner.cell(1, 1).text = "Nested cell"
    paragraph = document.add_paragraph()
    run = paragraph.add_run()
    fld = run._r.makeelement("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}instrText", {})
    fld.text = ' HYPERLINK "https://example.com/jane" '
    run._r.append(fld)
    paragraph.add_run("my site")
    buffer = io.BytesIO()
    document.save(buffer)
    extracted = extract_bytes(buffer.getvalue(), "jane.docx")
    assert extracted.layout.tables == 2
    assert extracted.layout.table_cells == 6
    assert "Nested cell" in extracted.text
    assert extracted.layout.hyperlinks == ("https://example.com/jane",)
    assert "my site" in extracted.text and "HYPERLINK" not in extracted.text


# --- text and Markdown ------------------------------------------------------------------------------------


def test_latin1_job_ad() -> None:
    document = extract(fixture("job_latin1.txt"))
    assert document.format == "text"
    assert "Café" in document.text and "£" in document.text and "résumé" in document.text


@pytest.mark.parametrize(
    "data",
    [
        "Jane Doe\r\nCafé\r\n".encode(),
        b"\xef\xbb\xbfJane Doe\nCaf\xc3\xa9\n",
        "Jane Doe\nCafé\n".encode("utf-16"),
        "Jane Doe\rCafé\r".encode("cp1252"),
    ],
)
def test_text_decodings(data: bytes) -> None:
    assert extract_bytes(data, "cv.txt").text == "Jane Doe\nCafé"


def test_text_controls_and_spaces() -> None:
    assert extract_bytes(b"Jane \x07Doe    Python\t SQL", "cv.txt").text == "Jane Doe Python\t SQL"


def test_markdown_markup_dropped() -> None:
    document = extract(fixture("cv_markdown.md"))
    assert document.format == "markdown"
    assert "**" not in document.text and "](" not in document.text
    assert not any(line.startswith(("#", "- ")) for line in document.text.split("\n"))
    assert "• " in document.text
    assert document.layout.hyperlinks and all(h.startswith("https://") for h in document.layout.hyperlinks)


def test_markdown_inline() -> None:
    data = b"## Skills\n- **Python** and `SQL`\n* see [my site](https://ex.com/a_b) or <mailto:j@ex.com>\nsnake_case_name\n"
    document = extract_bytes(data, "cv.md")
    assert document.text == "Skills\n• Python and SQL\n• see my site or mailto:j@ex.com\nsnake_case_name"
    assert document.layout.hyperlinks == ("https://ex.com/a_b", "mailto:j@ex.com")


def test_pdf_libraries_are_loaded_only_for_a_pdf(tmp_path: Path) -> None:
    # pypdf (with Pillow) and PDFium take about 0.1 s and 0.03 s to import: a scan of a DOCX or text CV starts
    # without them (and a batch whose documents all come from the cache without pypdf: its cache keys name the
    # engine, so it loads PDFium to know whether "auto" means it).
    import subprocess
    import sys

    job, docx, txt, pdf = (str(FIXTURES / n) for n in ("job_ml_engineer.txt", "cv_data_scientist.docx",
                                                        "cv_plain.txt", "cv_ml_single_column.pdf"))
    code = (f"import sys, scanner, scanner.cli; from scanner.extract import extract; "
            f"scanner.scan({docx!r}, {job!r}); extract({txt!r}); "
            "loaded = {'pypdf', 'pypdfium2'} & set(sys.modules); assert not loaded, loaded; "
            f"extract({pdf!r}, engine='pypdf'); assert 'pypdf' in sys.modules")
    # Run outside the checkout, so that the installed package (with its keyword lists) is the one imported.
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
