"""The public surface and the package data that must travel with an install."""

from __future__ import annotations

from importlib import resources

import scanner


def test_all_is_sorted_and_complete() -> None:
    assert scanner.__all__ == sorted(scanner.__all__)
    public = {n for n in dir(scanner) if not n.startswith("_")}
    modules = {n for n in public if type(getattr(scanner, n)).__name__ == "module"}
    assert set(scanner.__all__) == public - modules


def test_every_error_derives_from_the_root() -> None:
    errors = [getattr(scanner, n) for n in scanner.__all__ if n.endswith("Error")]
    assert len(errors) >= 10
    assert all(issubclass(e, scanner.ScannerError) for e in errors)


def test_package_data_is_importable_as_resources() -> None:
    lists = resources.files("scanner.keyword_lists")
    for name in ("ml_engineer.csv", "section_headings.csv", "action_verbs.txt", "weak_phrases.csv",
                 "spelling_uk_us.tsv", "background_jobs.txt", "not_skills.txt", "README.md"):
        assert (lists / name).is_file(), name
    assert (resources.files("scanner.schemas") / "report.schema.json").is_file()
    assert (resources.files("scanner.samples") / "sample_cv.pdf").is_file()
    assert (resources.files("scanner") / "py.typed").is_file()
