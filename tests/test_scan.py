"""The whole scan on fixture documents: golden JSON, schema, determinism, format independence."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import FIXTURES, GOLDEN, UPDATE_GOLDEN

from scanner import Report, ScanSettings, load_job, report_schema, scan, to_dict, to_json
from scanner.errors import SettingsError
from scanner.records import JobPosting

CVS = ["cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_plain.txt", "cv_markdown.md",
       "cv_data_scientist.docx", "cv_textbox.docx", "cv_java_developer.txt"]
JOBS = ["job_ml_engineer.txt", "job_data_scientist.txt", "job_store_manager.txt"]


@pytest.fixture(scope="module")
def jobs() -> dict[str, JobPosting]:
    return {name: load_job(FIXTURES / name) for name in JOBS}


# Goldens are made with the default pure-Python PDF engine (PDFium has its own golden text tests), and with
# "Present" in a CV fixed to the month they were made in, so the years of experience do not grow each month.
PYPDF = ScanSettings(pdf_engine="pypdf", today=(2026, 11))


def report_dict(cv: str, job: JobPosting) -> dict[str, Any]:
    data = to_dict(scan(FIXTURES / cv, job, settings=PYPDF))
    data["file"] = Path(data["file"]).name
    return data


@pytest.mark.parametrize("cv", CVS)
@pytest.mark.parametrize("job_name", JOBS)
def test_scan_matches_golden_and_schema(cv: str, job_name: str, jobs: dict[str, JobPosting]) -> None:
    data = report_dict(cv, jobs[job_name])
    jsonschema.validate(data, report_schema())
    golden = GOLDEN / "scan" / f"{Path(cv).stem}__{Path(job_name).stem}.json"
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if UPDATE_GOLDEN:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.exists(), f"no golden file {golden.name}; run with CVSCAN_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_ml_cv_beats_other_cvs_on_the_ml_ad(jobs: dict[str, JobPosting]) -> None:
    ml = jobs["job_ml_engineer.txt"]
    ours = scan(FIXTURES / "cv_ml_single_column.pdf", ml).score
    assert ours > scan(FIXTURES / "cv_data_scientist.docx", ml).score + 15
    assert ours > scan(FIXTURES / "cv_java_developer.txt", ml).score + 15
    ds = jobs["job_data_scientist.txt"]
    assert scan(FIXTURES / "cv_data_scientist.docx", ds).score > scan(FIXTURES / "cv_java_developer.txt", ds).score


def test_same_cv_in_every_format_gives_the_same_keywords(jobs: dict[str, JobPosting]) -> None:
    ml = jobs["job_ml_engineer.txt"]
    sets = {}
    scores = {}
    for cv in ("cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_plain.txt", "cv_markdown.md"):
        r = scan(FIXTURES / cv, ml)
        sets[cv] = {h.term for h in r.matched}
        scores[cv] = r.score
    first = next(iter(sets.values()))
    assert all(s == first for s in sets.values()), sets
    assert max(scores.values()) - min(scores.values()) <= 3, scores


def test_aliases_and_spellings_in_the_report(jobs: dict[str, JobPosting]) -> None:
    r = scan(FIXTURES / "cv_ml_two_column.pdf", jobs["job_ml_engineer.txt"])
    hits = {h.term: h for h in r.matched}
    assert hits["Kubernetes"].match == "alias"  # the CV says only "k8s"
    assert "k8s" in hits["Kubernetes"].evidence
    assert "quantisation" in hits["quantization"].evidence  # UK spelling, through the alias "int8 quantization"
    assert hits["PyTorch"].section == "experience"
    assert hits["PyTorch"].cv_count >= 2


def test_breakdown_is_complete_and_adds_up(jobs: dict[str, JobPosting]) -> None:
    r = scan(FIXTURES / "cv_ml_single_column.pdf", jobs["job_ml_engineer.txt"])
    assert {c.component for c in r.breakdown} == {"hard_skills", "soft_skills", "job_title", "experience",
                                                   "education", "text_similarity", "parseability"}
    assert sum(c.weight for c in r.breakdown) == pytest.approx(1.0)
    assert r.score == pytest.approx(sum(c.score * c.weight for c in r.breakdown), abs=0.05)


def test_output_is_deterministic(jobs: dict[str, JobPosting]) -> None:
    a = to_json(scan(FIXTURES / "cv_data_scientist.docx", jobs["job_data_scientist.txt"]))
    b = to_json(scan(FIXTURES / "cv_data_scientist.docx", FIXTURES / "job_data_scientist.txt"))
    assert a == b


def test_scan_accepts_paths_as_strings() -> None:
    r = scan(str(FIXTURES / "cv_plain.txt"), str(FIXTURES / "job_ml_engineer.txt"))
    assert isinstance(r, Report) and r.file.endswith("cv_plain.txt")


@pytest.mark.parametrize("kw", [{"max_file_bytes": 0}, {"fuzzy_threshold": 40.0}])
def test_settings_validate_themselves(kw: dict[str, Any]) -> None:
    with pytest.raises(SettingsError, match=next(iter(kw))):
        ScanSettings(**kw)


def test_contact_line_words_are_not_skill_evidence(tmp_path: Path) -> None:
    from scanner import job_from_text

    cv = tmp_path / "cv.txt"
    cv.write_text("Jane Doe\njane@example.org | LinkedIn | GitHub\n\nExperience\n"
                  "Data Engineer, Acme, 2019 - 2023\n- Built Apache Spark pipelines for LinkedIn ads data.\n",
                  encoding="utf-8")
    job = job_from_text("Data Engineer\nWe need Apache Spark and LinkedIn Ads experience. Apply on LinkedIn.\n")
    assert {"Apache Spark", "LinkedIn"} <= {t.term for t in job.terms}
    matched = {h.term: h for h in scan(cv, job).matched}
    # Found in the experience bullet, not in the contact line (where it is only a profile link).
    assert matched["LinkedIn"].cv_count == 1 and matched["LinkedIn"].section == "experience"
    cv.write_text(cv.read_text(encoding="utf-8").replace(" for LinkedIn ads data", ""), encoding="utf-8")
    assert "LinkedIn" not in {h.term for h in scan(cv, job).matched}


def test_today_fixes_what_present_means(jobs: dict[str, JobPosting]) -> None:
    ml = jobs["job_ml_engineer.txt"]
    years = {}
    for today in ((2026, 11), (2030, 11)):
        report = scan(FIXTURES / "cv_plain.txt", ml, settings=ScanSettings(today=today))
        years[today] = next(c.detail for c in report.breakdown if c.component == "experience")
    assert years[(2026, 11)] != years[(2030, 11)]
    assert scan(FIXTURES / "cv_plain.txt", ml, settings=ScanSettings(today=(2026, 11))) == scan(
        FIXTURES / "cv_plain.txt", ml, settings=ScanSettings(today=(2026, 11)))
    for bad in ((2026, 13), (2026,), "2026-11"):
        with pytest.raises(SettingsError, match="today"):
            ScanSettings(today=bad)  # type: ignore[arg-type]


def test_forget_documents_empties_every_line_cache(jobs: dict[str, JobPosting]) -> None:
    from scanner import advice, forget_documents
    from scanner.matching import line_tokens
    from scanner.normalize import _runs_of, line_caches, word_key
    from scanner.structure.sections import heading_key

    caches = line_caches()
    # Every cache that keeps a document's lines or words is registered, so forgetting reaches it.
    assert {line_tokens, word_key, heading_key, advice._words, advice._tidy, _runs_of} <= set(caches)
    first = to_json(scan(FIXTURES / "cv_ml_single_column.pdf", jobs["job_ml_engineer.txt"]))
    assert all(cache.cache_info().currsize > 0 for cache in caches)
    forget_documents()
    assert [cache.cache_info().currsize for cache in caches] == [0] * len(caches)
    # Forgetting costs only speed: the next scan of the same CV says the same.
    assert to_json(scan(FIXTURES / "cv_ml_single_column.pdf", jobs["job_ml_engineer.txt"])) == first
