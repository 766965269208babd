"""Parseability checks: every check in both directions, on fixture documents; OCR; --show-text."""

from __future__ import annotations

import shutil
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import scanner
from scanner.checks import CHECK_IDS, ats_text, run_checks
from scanner.cli import main
from scanner.errors import NoTextLayerError, OcrUnavailableError
from scanner.records import Check, Document
from scanner.structure import parse_structure

TODAY = (2025, 6)


def checks_of(doc: Document) -> dict[str, Check]:
    return {c.id: c for c in run_checks(doc, parse_structure(doc, today=TODAY))}


def check(name: str | Path, check_id: str, **extract_options: bool) -> Check:
    path = name if isinstance(name, Path) else FIXTURES / name
    return checks_of(scanner.extract(path, **extract_options))[check_id]


def copy_as(tmp_path: Path, fixture: str, name: str) -> Path:
    target = tmp_path / name
    shutil.copyfile(FIXTURES / fixture, target)
    return target


def text_cv(tmp_path: Path, text: str, name: str = "Alex_Moreau_CV.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


CLEAN_TEXT_CV = """\
Alex Moreau
Machine Learning Engineer | Lyon, France
alex.moreau@example.com | +33 6 55 01 02 03

Experience
Machine Learning Engineer, Rhône Robotics | Jan 2021 – Present
• Trained and deployed PyTorch models on Kubernetes.
Data Scientist, Saône Data | Mar 2018 – Dec 2020
• Built forecasting models in Python and SQL.

Education
MSc Computer Science, Université de Lyon | Sep 2016 – Jun 2018

Skills
Python, PyTorch, Kubernetes, Docker, SQL
"""


# --- the list itself ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["cv_ml_single_column.pdf", "cv_data_scientist.docx", "cv_plain.txt"])
def test_every_check_runs_in_the_documented_order(fixture: str) -> None:
    doc = scanner.extract(FIXTURES / fixture)
    checks = run_checks(doc, parse_structure(doc, today=TODAY))
    assert tuple(c.id for c in checks) == CHECK_IDS
    assert len(set(CHECK_IDS)) == len(CHECK_IDS) == 17
    for c in checks:
        assert c.status in ("pass", "warn", "fail")
        assert c.message and c.fix
        assert c.status == "pass" or c.fix != "nothing to do."


def test_scan_fills_report_checks_and_parseability_follows_them() -> None:
    job = scanner.load_job(FIXTURES / "job_ml_engineer.txt")
    clean = scanner.scan(FIXTURES / "cv_ml_single_column.pdf", job)
    broken = scanner.scan(FIXTURES / "cv_data_scientist.docx", job)
    assert tuple(c.id for c in clean.checks) == CHECK_IDS == tuple(c.id for c in broken.checks)
    parse = {r.file: next(c for c in r.breakdown if c.component == "parseability") for r in (clean, broken)}
    assert parse[clean.file].score > parse[broken.file].score
    assert "contact_details" in parse[broken.file].detail


# --- file -------------------------------------------------------------------------------------------------


def test_file_type() -> None:
    assert check("cv_ml_single_column.pdf", "file_type").status == "pass"
    assert check("cv_data_scientist.docx", "file_type").status == "pass"
    assert check("cv_plain.txt", "file_type").status == "warn"
    mislabelled = check("docx_named_as.pdf", "file_type")
    assert mislabelled.status == "fail" and "DOCX" in mislabelled.message and "'.pdf'" in mislabelled.message


def test_file_size() -> None:
    doc = scanner.extract(FIXTURES / "cv_ml_single_column.pdf")
    assert checks_of(doc)["file_size"].status == "pass"
    assert checks_of(replace(doc, size_bytes=3 * 1024 * 1024))["file_size"].status == "warn"
    big = checks_of(replace(doc, size_bytes=6 * 1024 * 1024))["file_size"]
    assert big.status == "fail" and "6.0 MB" in big.message


@pytest.mark.parametrize(("name", "status"), [
    ("Leena_Varghese_CV.pdf", "pass"),
    ("varghese-leena.pdf", "pass"),
    ("resume.pdf", "warn"),
    ("CV_final_v3.pdf", "warn"),
    ("Leena_Varghese_CV_final.pdf", "warn"),
    ("document (1).pdf", "warn"),
    ("ml_engineer_application.pdf", "warn"),  # not generic, but the CV's name is not in it
])
def test_file_name(tmp_path: Path, name: str, status: str) -> None:
    result = check(copy_as(tmp_path, "cv_ml_single_column.pdf", name), "file_name")
    assert result.status == status, result.message
    assert name in result.message
    if status == "warn":
        assert "Leena_Varghese_CV.pdf" in result.fix


def test_file_name_without_a_name_in_the_cv(tmp_path: Path) -> None:
    anonymous = text_cv(tmp_path, CLEAN_TEXT_CV.replace("Alex Moreau\n", ""), "ml_engineer_2025.txt")
    assert check(anonymous, "file_name").status == "pass"
    generic = text_cv(tmp_path, CLEAN_TEXT_CV.replace("Alex Moreau\n", ""), "cv.txt")
    assert check(generic, "file_name").status == "warn"


def test_page_count() -> None:
    assert check("cv_ml_single_column.pdf", "page_count").status == "pass"
    three = check("cv_three_pages.pdf", "page_count")
    assert three.status == "warn" and "3 pages" in three.message
    doc = scanner.extract(FIXTURES / "cv_three_pages.pdf")
    four = checks_of(replace(doc, layout=replace(doc.layout, page_count=4)))["page_count"]
    assert four.status == "fail"


def test_word_count(tmp_path: Path) -> None:
    assert check("cv_ml_single_column.pdf", "word_count").status == "pass"
    assert check("cv_data_scientist.docx", "word_count").status == "warn"  # 216 words
    assert check("cv_textbox.docx", "word_count").status == "fail"
    bullet = "• Built and ran data pipelines in Python and SQL for the finance and the operations teams.\n"
    long = check(text_cv(tmp_path, CLEAN_TEXT_CV + bullet * 80), "word_count")
    assert long.status == "warn" and "long" in long.message


# --- layout ----------------------------------------------------------------------------------------------


def test_multi_column() -> None:
    assert check("cv_ml_single_column.pdf", "multi_column").status == "pass"
    two = check("cv_ml_two_column.pdf", "multi_column")
    assert two.status == "warn" and "2 text columns on page 1" in two.message


def test_tables() -> None:
    assert check("cv_ml_single_column.pdf", "tables").status == "pass"
    table = check("cv_data_scientist.docx", "tables")
    assert table.status == "warn" and "1 table with 9 cells" in table.message


def test_header_footer() -> None:
    assert check("cv_ml_single_column.pdf", "header_footer").status == "pass"
    docx = check("cv_data_scientist.docx", "header_footer")
    assert docx.status == "warn" and "marcus.oyelaran@example.com" in docx.message
    pdf = check("cv_three_pages.pdf", "header_footer")
    assert pdf.status == "warn" and "Curriculum Vitae" in pdf.message
    assert "Page 1 of 3" not in pdf.message  # page numbers alone are harmless


def test_header_footer_ignores_page_numbers_and_the_name() -> None:
    doc = scanner.extract(FIXTURES / "cv_ml_single_column.pdf")
    numbered = replace(doc, layout=replace(doc.layout, footer_text=("Leena Varghese – 1/2", "Page 2 of 2")))
    result = checks_of(numbered)["header_footer"]
    assert result.status == "pass" and "aside" in result.message


def test_text_boxes() -> None:
    assert check("cv_data_scientist.docx", "text_boxes").status == "pass"
    box = check("cv_textbox.docx", "text_boxes")
    assert box.status == "fail" and "1 text box" in box.message and "Kubernetes" in box.message


def test_images() -> None:
    assert check("cv_ml_single_column.pdf", "images").status == "pass"
    photo = check("cv_three_pages.pdf", "images")
    assert photo.status == "warn" and "1 image" in photo.message
    scanned = check("cv_scanned.pdf", "images", ocr=True)
    assert scanned.status == "fail" and "page 1" in scanned.message


def test_ocr_used() -> None:
    assert check("cv_ml_single_column.pdf", "ocr_used").status == "pass"
    used = check("cv_scanned.pdf", "ocr_used", ocr=True)
    assert used.status == "warn" and "page 1 came from OCR" in used.message


# --- characters ------------------------------------------------------------------------------------------


def test_mojibake() -> None:
    assert check("cv_ml_single_column.pdf", "mojibake").status == "pass"
    bad = check("cv_mojibake.pdf", "mojibake")
    assert bad.status == "fail"
    for shown in ("'ï¼' ×2", "'â€™' ×2", "'Ã©' ×1", "U+FFFD ×1"):
        assert shown in bad.message


def test_mojibake_leaves_real_accents_alone(tmp_path: Path) -> None:
    accented = text_cv(tmp_path, CLEAN_TEXT_CV + "Languages\nFrançais, Português (São Paulo), Ñandú — “quotes”\n")
    assert check(accented, "mojibake").status == "pass"


def test_private_use_glyphs() -> None:
    assert check("cv_ml_single_column.pdf", "private_use_glyphs").status == "pass"
    icons = check("cv_icons_ligatures.pdf", "private_use_glyphs")
    assert icons.status == "warn"
    assert "U+F0E0" in icons.message and "FontAwesome6Free-Solid" in icons.message


def test_ligatures() -> None:
    assert check("cv_ml_single_column.pdf", "ligatures").status == "pass"
    split = check("cv_icons_ligatures.pdf", "ligatures")
    assert split.status == "fail" and "“Con fi gured”" in split.message and "“e ffi cient”" in split.message


def test_ligature_characters(tmp_path: Path) -> None:
    glyphs = check(text_cv(tmp_path, CLEAN_TEXT_CV + "Con\ufb01gured e\ufb03cient work\ufb02ows\n"), "ligatures")
    assert glyphs.status == "fail" and "3 ligature characters" in glyphs.message
    # Words that merely start with "fi"/"fl" after a space are not split ligatures.
    fine = text_cv(tmp_path, CLEAN_TEXT_CV + "Kept costs flat, first in class, fixed five financial flows\n")
    assert check(fine, "ligatures").status == "pass"


# --- content ---------------------------------------------------------------------------------------------


def test_contact_details(tmp_path: Path) -> None:
    assert check("cv_ml_single_column.pdf", "contact_details").status == "pass"
    hidden = check("cv_data_scientist.docx", "contact_details")
    assert hidden.status == "fail" and "email and phone" in hidden.message and "header/footer" in hidden.message
    no_phone = text_cv(tmp_path, CLEAN_TEXT_CV.replace(" | +33 6 55 01 02 03", ""))
    assert check(no_phone, "contact_details").status == "warn"
    nothing = text_cv(tmp_path, CLEAN_TEXT_CV.replace("alex.moreau@example.com | +33 6 55 01 02 03\n", ""))
    assert check(nothing, "contact_details").status == "fail"


def test_section_headings(tmp_path: Path) -> None:
    assert check("cv_ml_single_column.pdf", "section_headings").status == "pass"
    assert check("cv_ml_two_column.pdf", "section_headings").status == "pass"  # no "• ONNX" heading
    no_skills = text_cv(tmp_path, CLEAN_TEXT_CV.replace("Skills\n", "My Toolbox\n"))
    warned = check(no_skills, "section_headings")
    assert warned.status == "warn" and "no skills section" in warned.message
    no_headings = text_cv(tmp_path, "\n".join(
        line for line in CLEAN_TEXT_CV.splitlines() if line not in ("Experience", "Education", "Skills")))
    assert check(no_headings, "section_headings").status == "fail"


@pytest.mark.parametrize(("dates", "status"), [
    # one format throughout
    (("Jan 2021 – Present", "Mar 2018 – Dec 2020", "Sep 2016 – Jun 2018"), "pass"),
    (("01/2021 – Present", "03/2018 – 12/2020", "09/2016 – 06/2018"), "pass"),
    # year-only studies beside month-dated jobs are normal
    (("Jan 2021 – Present", "Mar 2018 – Dec 2020", "2016 – 2018"), "pass"),
    # "June" and "May" are short and full month names at once
    (("Sept 2021 – Present", "June 2018 – May 2021", "Sep 2016 – Jun 2018"), "pass"),
    # a job section mixing month names and years only
    (("Jan 2021 – Present", "2018 – 2020", "Sep 2016 – Jun 2018"), "warn"),
    # month names in one section, numeric months in another
    (("Jan 2021 – Present", "Mar 2018 – Dec 2020", "09/2016 – 06/2018"), "warn"),
    # abbreviated and full month names
    (("January 2021 – Present", "Mar 2018 – Dec 2020", "2016 – 2018"), "warn"),
])
def test_date_formats(tmp_path: Path, dates: tuple[str, str, str], status: str) -> None:
    text = (CLEAN_TEXT_CV.replace("Jan 2021 – Present", dates[0]).replace("Mar 2018 – Dec 2020", dates[1])
            .replace("Sep 2016 – Jun 2018", dates[2]))
    result = check(text_cv(tmp_path, text), "date_formats")
    assert result.status == status, result.message


def test_date_formats_without_dates(tmp_path: Path) -> None:
    text = CLEAN_TEXT_CV.replace(" | Jan 2021 – Present", "").replace(" | Mar 2018 – Dec 2020", "").replace(
        " | Sep 2016 – Jun 2018", "")
    result = check(text_cv(tmp_path, text), "date_formats")
    assert result.status == "warn" and "no date ranges" in result.message


def test_clean_cv_passes_nearly_everything(tmp_path: Path) -> None:
    results = checks_of(scanner.extract(text_cv(tmp_path, CLEAN_TEXT_CV)))
    assert {k for k, c in results.items() if c.status != "pass"} == {"file_type", "word_count"}


# --- OCR -------------------------------------------------------------------------------------------------


def test_scanned_pdf_without_ocr_names_the_option() -> None:
    with pytest.raises(NoTextLayerError, match="--ocr"):
        scanner.extract(FIXTURES / "cv_scanned.pdf")


def test_ocr_reads_the_scanned_pdf() -> None:
    doc = scanner.extract(FIXTURES / "cv_scanned.pdf", ocr=True)
    assert doc.ocr_pages == (1,)
    for word in ("Python", "Kubernetes", "PyTorch", "Experience", "hana.kovacs@example.com"):
        assert word in doc.text
    structure = parse_structure(doc, today=TODAY)
    assert structure.section("experience") and structure.section("skills")


def test_ocr_leaves_text_pdfs_alone() -> None:
    assert scanner.extract(FIXTURES / "cv_ml_single_column.pdf", ocr=True).ocr_pages == ()


def test_ocr_without_pytesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pytesseract", None)
    with pytest.raises(OcrUnavailableError, match=r"pytesseract.*cvscan\[ocr\]"):
        scanner.extract(FIXTURES / "cv_scanned.pdf", ocr=True)


def test_ocr_without_tesseract(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    monkeypatch.setattr(pytesseract.pytesseract, "tesseract_cmd", "/nonexistent/tesseract")
    with pytest.raises(OcrUnavailableError, match="tesseract-ocr"):
        scanner.extract(FIXTURES / "cv_scanned.pdf", ocr=True)


def test_scan_settings_ocr() -> None:
    job = scanner.load_job(FIXTURES / "job_ml_engineer.txt")
    report = scanner.scan(FIXTURES / "cv_scanned.pdf", job, settings=scanner.ScanSettings(ocr=True))
    assert "Kubernetes" in {h.term for h in report.matched}
    assert next(c for c in report.checks if c.id == "ocr_used").status == "warn"


# --- CLI and ats_text ------------------------------------------------------------------------------------


def test_cli_scanned_pdf_needs_ocr() -> None:
    args = ["scan", str(FIXTURES / "cv_scanned.pdf"), "--job", str(FIXTURES / "job_ml_engineer.txt")]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2 and "--ocr" in result.output
    ok = CliRunner().invoke(main, [*args, "--ocr", "--format", "json"], catch_exceptions=False)
    assert ok.exit_code == 0 and '"id": "ocr_used"' in ok.output


def test_cli_show_text_needs_no_job() -> None:
    result = CliRunner().invoke(main, ["scan", str(FIXTURES / "cv_data_scientist.docx"), "--show-text"],
                                catch_exceptions=False)
    assert result.exit_code == 0
    body, lost = result.output.split("What a typical ATS may lose")
    assert "What an ATS reads" in body and "Marcus Oyelaran" in body
    assert "marcus.oyelaran@example.com" in lost and "(312) 555-0147" in lost
    assert "marcus.oyelaran@example.com" not in body


def test_ats_text_lists_text_boxes_and_scanned_pages() -> None:
    boxed = ats_text(scanner.extract(FIXTURES / "cv_textbox.docx"))
    assert "Text-box text (1 box(es)" in boxed.split("What a typical ATS may lose")[1]
    scanned = ats_text(scanner.extract(FIXTURES / "cv_scanned.pdf", ocr=True))
    assert "Image-only page 1 (scanned)" in scanned and "came from OCR" in scanned
    clean = ats_text(scanner.extract(FIXTURES / "cv_plain.txt"))
    assert clean.rstrip().endswith("Nothing: no header/footer text, text boxes or images.")
