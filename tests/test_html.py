"""HTML reports: self-contained pages, autoescaped untrusted text, the same content as the other formats."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES, GOLDEN, UPDATE_GOLDEN

import scanner
from scanner.batch import BatchFailure
from scanner.cli import main
from scanner.html_render import batch_to_html, letter_to_html, render_page
from scanner.letter import check_letter
from scanner.ranking import row_from_report
from scanner.records import (
    Check,
    Contact,
    JobSummary,
    KeywordHit,
    LetterReport,
    MissingKeyword,
    Report,
    ScoreComponent,
    Suggestion,
)

ML_AD = str(FIXTURES / "job_ml_engineer.txt")
TWO_COL = str(FIXTURES / "cv_ml_two_column.pdf")
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


class _Page(HTMLParser):
    """Collects what a page would load or run."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.loads: list[str] = []  # src/href values that would fetch something
        self.handlers: list[str] = []  # on* attributes
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "script":
            self.scripts += 1
        for name, value in attrs:
            if name.startswith("on"):
                self.handlers.append(name)
            if name in ("src", "href", "action", "srcset") and value and not value.startswith(("#", "/")):
                self.loads.append(value)


def parse(page: str) -> _Page:
    p = _Page()
    p.feed(page)
    return p


def hostile_report() -> Report:
    """A report whose every text field is markup, as a malicious CV or ad could make it."""
    return Report(
        file=f"cv{EVIL}.pdf",
        score=63.4,
        breakdown=(ScoreComponent("hard_skills", 55.0, 0.6, f"detail {EVIL}"),
                   ScoreComponent("parseability", 90.0, 0.4, "15 of 17 checks pass")),
        job=JobSummary(f"Engineer {EVIL}", 3.0, "bachelor"),
        matched=(KeywordHit(f"Py{EVIL}", "language", "required", 4, 2, "exact", f"used {EVIL} daily", 1.0,
                            "experience"),
                 KeywordHit("Kubernetes", "tool", "preferred", 1, 1, "alias", "ran k8s clusters", 0.5)),
        missing=(MissingKeyword(f"Rust{EVIL}", "language", "required", 3, 1.0),
                 MissingKeyword("Terraform", "tool", "preferred", 1, 0.5)),
        checks=(Check("tables", "fail", f"a table {EVIL}", f"fix {EVIL}"),
                Check("fonts", "pass", "standard fonts", "nothing to do")),
        suggestions=(Suggestion("weak_verb", f"Responsible for {EVIL}", f"Led {EVIL}", f"why {EVIL}",
                                "experience"),),
        contact=Contact(name=f"Jane {EVIL}", email=f"jane{EVIL}@x.io"),
    )


def test_untrusted_text_never_becomes_markup() -> None:
    page = scanner.to_html(hostile_report())
    parsed = parse(page)
    assert parsed.scripts == 0 and "img" not in parsed.tags and parsed.handlers == []
    assert "<script>alert" not in page and "onerror=alert(1)>" not in page
    assert page.count("&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") >= 10  # shown, as text, everywhere


def test_report_page_shows_everything_and_loads_nothing() -> None:
    page = scanner.to_html(hostile_report())
    parsed = parse(page)
    assert page.startswith("<!doctype html>") and parsed.loads == [] and parsed.scripts == 0
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "default-src 'none'" in page  # the page itself forbids loading anything
    assert 'data-testid="score">63.4<' in page and "stroke-dasharray" in page  # the gauge
    assert page.count('class="bar"') == 2 and "width:55.0%" in page and "width:90.0%" in page
    assert "Missing keywords <span class=\"count\">(2)" in page and "ad&nbsp;3&times;" in page
    assert "Matched keywords <span class=\"count\">(2)" in page and "4&times;" in page
    assert '<span class="badge fail">fail</span>' in page and "<b>Fix:</b>" in page
    assert '<div class="before"><b>before</b>' in page and '<div class="after"><b>after</b>' in page
    assert "@media print" in page


def test_report_page_matches_golden() -> None:
    page = scanner.to_html(hostile_report())
    golden = GOLDEN / "html" / "hostile_report.html"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(page, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with CVSCAN_UPDATE_GOLDEN=1"
    assert page == golden.read_text(encoding="utf-8")


def test_real_scan_renders_its_keywords_and_counts() -> None:
    report = scanner.scan(TWO_COL, ML_AD)
    page = scanner.to_html(report)
    assert f">{report.score:.1f}<" in page
    for m in report.missing:
        assert f"<b>{m.term}</b>" in page
    for h in report.matched:
        assert f"<tr><td><b>{h.term}</b></td><td>{h.importance}</td><td class=\"n\">{h.cv_count}&times;" in page
    assert page.count('class="suggestion"') == len(report.suggestions)
    assert len(re.findall(r'<span class="badge (?:pass|warn|fail)">', page)) == len(report.checks)


def test_letter_page() -> None:
    report = check_letter(str(FIXTURES / "letter_good.txt"), ML_AD)
    page = letter_to_html(report)
    assert f">{report.score:.1f}<" in page and f"{report.words} words" in page
    assert len(re.findall(r'<span class="badge (?:pass|warn|fail)">', page)) == len(report.checks)
    hostile = LetterReport(file=EVIL, score=10.0, breakdown=(), job=JobSummary(EVIL, None, None), company=EVIL,
                           words=3, paragraphs=1, checks=(Check("generic", "warn", EVIL, EVIL),))
    assert parse(letter_to_html(hostile)).scripts == 0


def test_batch_page_is_ranked_sortable_and_readable_without_script() -> None:
    good = hostile_report()
    worse = Report(file="b.pdf", score=20.0, breakdown=(ScoreComponent("hard_skills", 10.0, 1.0, ""),),
                   job=good.job, matched=(), missing=())
    rows = [row_from_report(good), row_from_report(worse)]
    errors = [BatchFailure(EVIL, "CorruptDocument", f"{EVIL}: damaged")]
    page = batch_to_html({"file": "ad.txt", "title": EVIL}, rows, errors)
    parsed = parse(page)
    assert parsed.scripts == 1 and parsed.loads == [] and parsed.handlers == []  # only the inline sort script
    script = page.split("<script>")[1].split("</script>")[0]
    assert "addEventListener" in script and "http" not in script
    without_script = page.split("<script>")[0]
    # Without JavaScript the table is already ranked, each row with its score bar.
    assert without_script.index("cv&lt;script&gt;") < without_script.index("b.pdf")
    assert "width:63.4%" in without_script and "width:20.0%" in without_script
    assert 'data-sort="num"' in page and "Errors <span class=\"count\">(1)" in page
    assert "<script>alert" not in page


def test_pages_refuse_unknown_templates() -> None:
    with pytest.raises(ValueError, match="unknown page"):
        render_page("_base.html")


def test_templates_are_package_data() -> None:
    templates = resources.files("scanner") / "templates"
    for name in ("_base.html", "_macros.html", "report.html", "letter.html", "batch.html", "upload.html",
                 "error.html", "style.css", "sort.js", "upload.js"):
        assert (templates / name).is_file(), name


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


def test_cli_scan_letter_batch_and_ads_as_html(tmp_path: Path) -> None:
    code, page = run("scan", TWO_COL, "--job", ML_AD, "--format", "html")
    assert code == 0 and page.startswith("<!doctype html>") and "Missing keywords" in page
    code, page = run("letter", str(FIXTURES / "letter_good.txt"), "--job", ML_AD, "--format", "html")
    assert code == 0 and "cover letter for" in page
    code, page = run("batch", TWO_COL, str(FIXTURES / "cv_plain.txt"), str(FIXTURES / "corrupt.pdf"),
                     "--job", ML_AD, "--format", "html", "--jobs", "1")
    assert code == 0 and page.count('<td class="n" data-value="') >= 2 and "CorruptDocument" in page
    code, page = run("scan", TWO_COL, "--job", ML_AD, "--job", str(FIXTURES / "job_store_manager.txt"),
                     "--format", "html")
    assert code == 0 and "against 2 job ads" in page and page.count('class="detail-report"') == 2
    out = tmp_path / "r.html"
    assert run("demo", "--format", "html")[0] == 0
    assert run("scan", TWO_COL, "--job", ML_AD, "--format", "html", "--out", str(out))[0] == 0
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")


def test_import_scanner_needs_no_web_framework() -> None:
    import subprocess
    import sys

    code = ("import sys, scanner, scanner.web; from scanner.cli import main; "
            "assert not {'fastapi', 'starlette', 'uvicorn'} & set(sys.modules), sorted(sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
