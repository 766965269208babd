"""Cover-letter checks on a good and a bad letter of our own (fixtures/generate.py: make_letters)."""

from __future__ import annotations

import json

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from scanner import extract
from scanner.cli import main
from scanner.letter import LETTER_CHECK_IDS, check_letter, company_name
from scanner.letter_render import letter_schema, letter_to_dict, letter_to_markdown, letter_to_text
from scanner.pipeline import load_job

JOB = FIXTURES / "job_ml_engineer.txt"


def statuses(report) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {c.id: c.status for c in report.checks}


def test_company_is_read_from_the_ad() -> None:
    assert company_name(load_job(JOB)) == "Halcyon Freight Labs"


@pytest.mark.parametrize("name", ["letter_good.docx", "letter_good.txt"])
def test_good_letter_passes_every_check(name: str) -> None:
    r = check_letter(FIXTURES / name, JOB, cv=FIXTURES / "cv_plain.txt")
    assert all(s == "pass" for s in statuses(r).values()), r.checks
    assert list(statuses(r)) == list(LETTER_CHECK_IDS)
    assert r.score == 100.0 and r.paragraphs == 4 and 150 <= r.words <= 450
    assert r.suggestions == ()
    jsonschema.validate(letter_to_dict(r), letter_schema())


def test_bad_letter_fails_what_it_should() -> None:
    r = check_letter(FIXTURES / "letter_bad.txt", JOB, cv=FIXTURES / "cv_plain.txt")
    got = statuses(r)
    for cid in ("cliche_opening", "company_named", "length", "call_to_action", "bot_phrases", "repeats_cv"):
        assert got[cid] == "fail", (cid, got)
    assert got["achievements"] == "pass"  # it does give figures (copied from the CV)
    assert r.score < 40
    lines = {ln.strip() for ln in extract(FIXTURES / "letter_bad.txt").lines}
    kinds = {s.kind for s in r.suggestions}
    assert {"cliche_opening", "bot_phrase", "repeats_cv", "call_to_action"} <= kinds
    assert all(s.original in lines for s in r.suggestions)
    jsonschema.validate(letter_to_dict(r), letter_schema())
    assert "FAIL  cliche_opening" in letter_to_text(r)
    assert "| repeats_cv | fail |" in letter_to_markdown(r)


def test_without_cv_no_originality_component() -> None:
    r = check_letter(FIXTURES / "letter_bad.txt", JOB)
    assert "repeats_cv" not in statuses(r)
    assert "originality" not in {c.component for c in r.breakdown}
    assert abs(sum(c.weight for c in r.breakdown) - 1) < 1e-3


def test_cli_letter_json_and_exit_codes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()
    res = runner.invoke(main, ["letter", str(FIXTURES / "letter_good.docx"), "--job", str(JOB), "--format", "json"],
                        catch_exceptions=False)
    assert res.exit_code == 0
    jsonschema.validate(json.loads(res.output), letter_schema())
    res = runner.invoke(main, ["letter", str(FIXTURES / "letter_bad.txt"), "--job", str(JOB), "--fail-under", "50"],
                        catch_exceptions=False)
    assert res.exit_code == 1
    res = runner.invoke(main, ["letter", str(tmp_path / "nope.txt"), "--job", str(JOB)], catch_exceptions=False)
    assert res.exit_code == 2
