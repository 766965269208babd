"""Job-ad analysis: terms and their importance, title, years and degree asked."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import job_from_text, load_job
from scanner.errors import EmptyFileError
from scanner.records import JobPosting

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def terms(job: JobPosting) -> dict[str, str]:
    return {t.term: t.importance for t in job.terms}


@pytest.fixture(scope="module")
def ml_job() -> JobPosting:
    return load_job(FIXTURES / "job_ml_engineer.txt")


def test_ml_ad_title_years_degree(ml_job: JobPosting) -> None:
    assert ml_job.title == "Senior Machine Learning Engineer"
    assert ml_job.years_required == 5.0
    assert ml_job.degree_required == "bachelor"  # "BS or MS": a bachelor's is enough


def test_ml_ad_required_and_preferred_terms(ml_job: JobPosting) -> None:
    t = terms(ml_job)
    for required in ("Python", "PyTorch", "Kubernetes", "MLflow", "drift detection"):
        assert t.get(required) == "required", required
    for preferred in ("quantization", "TensorRT", "Feast", "Apache Kafka", "Ray"):
        assert t.get(preferred) == "preferred", preferred


def test_required_terms_weigh_more_than_preferred(ml_job: JobPosting) -> None:
    w = {t.term: t.weight for t in ml_job.terms}
    assert w["PyTorch"] > w["TensorRT"]


def test_the_ad_in_other_formats_gives_the_same_terms(ml_job: JobPosting) -> None:
    for name in ("job_ml_engineer.docx", "job_ml_engineer.pdf"):
        other = load_job(FIXTURES / name)
        assert terms(other) == terms(ml_job), name
        assert other.title == ml_job.title


def test_data_scientist_and_store_manager_ads() -> None:
    ds = load_job(FIXTURES / "job_data_scientist.txt")
    assert ds.title == "Data Scientist" and ds.years_required == 3.0
    assert {"SQL", "Python", "A/B testing", "Tableau"} <= terms(ds).keys()
    store = load_job(FIXTURES / "job_store_manager.txt")
    assert store.title == "Retail Store Manager"
    assert store.years_required == 2.0 and store.degree_required == "high_school"
    assert "leadership" in terms(store)


def test_tools_missing_from_the_taxonomy_still_count() -> None:
    job = job_from_text("Data Engineer\nRequirements\n- Experience with Snowplow, Dagsterix and PostHog\n"
                        "- 3+ years of experience building pipelines in Python")
    phrases = {t.term for t in job.terms if t.source == "phrase"}
    assert {"Dagsterix", "PostHog"} <= phrases
    assert job.years_required == 3.0


@pytest.mark.parametrize(("text", "term", "importance"), [
    ("Requirements:\n- Python\nNice to have:\n- Rust", "Rust", "preferred"),
    ("Requirements:\n- Python\nNice to have:\n- Rust", "Python", "required"),
    ("Experience with Docker is a plus.", "Docker", "preferred"),
    ("You must know SQL. Bonus: dbt.", "SQL", "required"),
    ("Minimum Qualifications Python and SQL Preferred Qualifications Go and Rust", "Rust", "preferred"),
    ("Minimum Qualifications Python and SQL Preferred Qualifications Go and Rust", "SQL", "required"),
])
def test_importance_from_headings_and_cues(text: str, term: str, importance: str) -> None:
    assert terms(job_from_text(text))[term] == importance


@pytest.mark.parametrize(("text", "years", "degree"), [
    ("At least five years of experience in ML. PhD preferred, BS required.", 5.0, "bachelor"),
    ("3-5 years of experience with Python", 3.0, None),
    ("Master's degree in Statistics", None, "master"),
    ("Proficient in MS Office. 2 years experience.", 2.0, None),  # "MS Office" is no degree
    ("Our company is 10 years old.", None, None),
])
def test_years_and_degree(text: str, years: float | None, degree: str | None) -> None:
    job = job_from_text(text)
    assert job.years_required == years
    assert job.degree_required == degree


@pytest.mark.parametrize(("text", "title"), [
    ("Job Title: Staff Data Engineer\nWe build things.", "Staff Data Engineer"),
    ("About the job We are seeking a highly motivated Senior Research Scientist to join.", "Senior Research Scientist"),
    ("Accountants and Auditors\n\nExamine financial records.", "Accountants and Auditors"),
])
def test_title(text: str, title: str) -> None:
    assert job_from_text(text).title == title


def test_empty_ad_is_an_error() -> None:
    with pytest.raises(EmptyFileError, match="job ad is empty"):
        job_from_text("  \n ")


def test_latin1_ad_is_read() -> None:
    job = load_job(FIXTURES / "job_latin1.txt")
    assert "Café" in job.text
