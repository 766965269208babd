"""The cvscan command, in-process: formats, exit codes, errors, help text."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import TextIO

import click
import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

from scanner import ScannerError, report_schema
from scanner.cli import main
from scanner.render import write_atomic

ML_AD = str(FIXTURES / "job_ml_engineer.txt")
TWO_COL = str(FIXTURES / "cv_ml_two_column.pdf")


def run(*args: str, input: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_scan_two_column_pdf_as_json_validates() -> None:
    code, out, _ = run("scan", TWO_COL, "--job", ML_AD, "--format", "json")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, report_schema())
    assert data["job"]["title"] == "Senior Machine Learning Engineer"
    assert "Kubernetes" in {m["term"] for m in data["keywords"]["matched"]}


def test_every_format_shows_the_contact_details_an_ats_reads(tmp_path: Path) -> None:
    code, out, _ = run("scan", TWO_COL, "--job", ML_AD, "--format", "json")
    assert code == 0
    assert json.loads(out)["contact"] == {
        "name": "Leena Varghese", "email": "leena.varghese@example.com", "phone": "+44 7700 900417",
        "location": "Manchester, UK",
        "links": ["linkedin.com/in/leena-varghese-mle", "github.com/leena-varghese-mle"]}
    line = ("Leena Varghese · leena.varghese@example.com · +44 7700 900417 · Manchester, UK · "
            "linkedin.com/in/leena-varghese-mle · github.com/leena-varghese-mle")
    assert f"\nContact  {line}\n" in run("scan", TWO_COL, "--job", ML_AD)[1]
    assert f"\nContact: {line}\n" in run("scan", TWO_COL, "--job", ML_AD, "--format", "md")[1]
    assert f"Contact as an ATS reads it: {line}</p>" in run("scan", TWO_COL, "--job", ML_AD, "--format", "html")[1]
    # A CV without any: the fields are null, and the reports say so.
    bare = tmp_path / "cv.txt"
    bare.write_text("Machine Learning Engineer\nExperience\nBuilt PyTorch models, 2019 - 2024\n", encoding="utf-8")
    data = json.loads(run("scan", str(bare), "--job", ML_AD, "--format", "json")[1])
    assert data["contact"] == {"name": None, "email": None, "phone": None, "location": None, "links": []}
    assert "\nContact  none found\n" in run("scan", str(bare), "--job", ML_AD)[1]


def test_text_report_has_score_breakdown_and_gaps_without_colour() -> None:
    code, out, _ = run("scan", TWO_COL, "--job", ML_AD)
    assert code == 0
    assert "Score " in out and "Breakdown" in out and "Missing keywords" in out
    assert "\x1b[" not in out  # not a TTY: no ANSI colour


def test_markdown_report() -> None:
    code, out, _ = run("scan", TWO_COL, "--job", ML_AD, "--format", "md")
    assert code == 0
    assert out.startswith("# cvscan report") and "| component | score | weight | detail |" in out


def test_job_from_stdin_and_from_text_give_the_same_report() -> None:
    ad = Path(ML_AD).read_text(encoding="utf-8")
    _, from_stdin, _ = run("scan", TWO_COL, "--job", "-", "--format", "json", input=ad)
    _, from_text, _ = run("scan", TWO_COL, "--job-text", ad, "--format", "json")
    _, from_file, _ = run("scan", TWO_COL, "--job", ML_AD, "--format", "json")
    score = {json.loads(x)["score"] for x in (from_stdin, from_text, from_file)}
    assert len(score) == 1


def test_out_file_is_written(tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    code, stdout, stderr = run("scan", TWO_COL, "--job", ML_AD, "--format", "json", "--out", str(out))
    assert code == 0 and stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["score"] > 0
    assert "wrote" in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary file left behind


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("command", ["scan", "batch"])
def test_out_files_get_the_umask_s_permissions_and_a_replaced_file_keeps_its_own(
        tmp_path: Path, command: str) -> None:
    out = tmp_path / "out.json"
    args = (command, TWO_COL, "--job", ML_AD, "--format", "json", "--out", str(out))
    old = os.umask(0o027)
    try:
        assert run(*args)[0] == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o640  # as open() makes it (mkstemp's 0600 would not be)
        out.chmod(0o604)
        assert run(*args)[0] == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o604
    finally:
        os.umask(old)
    assert json.loads(out.read_text(encoding="utf-8"))["score" if command == "scan" else "results"]


def test_an_output_that_fails_midway_leaves_the_old_file_and_no_temporary_one(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text("old", encoding="utf-8")

    def half(fh: TextIO) -> None:
        fh.write("new and incomplete")
        raise OSError("disk full")

    with pytest.raises(ScannerError, match=r"out.json: cannot write the output \(disk full\)"):
        write_atomic(out, half)
    assert out.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["out.json"]
    write_atomic(out, lambda fh: fh.write("a\nb\r\n"))
    assert out.read_bytes() == b"a\nb\r\n"  # as given, no newline translation
    write_atomic(tmp_path / "ny.json", lambda fh: fh.write("Zoë"))
    assert (tmp_path / "ny.json").read_bytes() == "Zoë".encode()


@pytest.mark.parametrize("command", ["scan", "letter"])
def test_an_out_file_in_a_missing_folder_is_a_clear_error(tmp_path: Path, command: str) -> None:
    out = tmp_path / "no such folder" / "out.json"
    first = TWO_COL if command == "scan" else str(FIXTURES / "letter_good.txt")
    code, stdout, stderr = run(command, first, "--job", ML_AD, "--format", "json", "--out", str(out))
    assert code == 2 and stdout == ""
    assert f"{out}: cannot write the output" in stderr and "Fix: check that its folder exists" in stderr
    assert "Traceback" not in stderr and not (tmp_path / "no such folder").exists()


def test_fail_under_exit_codes() -> None:
    code_low, _, err = run("scan", TWO_COL, "--job", ML_AD, "--fail-under", "99")
    assert code_low == 1 and "below --fail-under" in err
    code_ok, _, _ = run("scan", TWO_COL, "--job", ML_AD, "--fail-under", "10")
    assert code_ok == 0


@pytest.mark.parametrize(("cv", "needle"), [
    ("cv_encrypted.pdf", "password"),
    ("cv_scanned.pdf", "--ocr"),
    ("legacy.doc", ".docx"),
    ("empty.pdf", "empty"),
    ("image.png", "PNG"),
    ("corrupt.pdf", "corrupt"),
    ("does_not_exist.pdf", "no such file"),
])
def test_unreadable_cv_exits_2_with_a_message_naming_the_file(cv: str, needle: str) -> None:
    code, out, err = run("scan", str(FIXTURES / cv), "--job", ML_AD)
    assert code == 2
    assert cv in err and needle.lower() in err.lower()
    assert "Traceback" not in err and out == ""


def test_usage_errors_exit_2() -> None:
    assert run("scan", TWO_COL)[0] == 2  # no ad
    assert run("scan", TWO_COL, "--job", ML_AD, "--job-text", "x")[0] == 2  # two ads
    assert run("scan", TWO_COL, "--job", ML_AD, "--format", "xml")[0] == 2
    assert run("scan", TWO_COL, "--job-text", "   ")[0] == 2  # empty ad


def test_bad_taxonomy_option_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category,aliases,flags\nThing,Not Snake,,\n", encoding="utf-8")
    code, _, err = run("scan", TWO_COL, "--job", ML_AD, "--taxonomy", str(bad))
    assert code == 2 and "cvscan taxonomy check" in err


def test_taxonomy_option_adds_a_term(tmp_path: Path) -> None:
    extra = tmp_path / "extra.csv"
    extra.write_text("term,category,aliases,flags\nHalcyon Freight Labs,company,,\n", encoding="utf-8")
    code, out, _ = run("scan", TWO_COL, "--job", ML_AD, "--taxonomy", str(extra), "--format", "json")
    assert code == 0
    terms = {m["term"]: m["category"] for m in json.loads(out)["keywords"]["missing"]}
    assert terms.get("Halcyon Freight Labs") == "company"


def test_taxonomy_check_lists_problems_with_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("term,category,aliases,flags\nOk,mlops,,\n,mlops,,\nX,mlops,,weird\n", encoding="utf-8")
    code, out, err = run("taxonomy", "check", str(bad))
    assert code == 2
    assert f"{bad}:3:" in out and f"{bad}:4:" in out and "2 problem(s)" in err
    good = tmp_path / "good.csv"
    good.write_text("term,category,aliases,flags\nOk Tool,mlops,oktool,\n", encoding="utf-8")
    assert run("taxonomy", "check", str(good))[:2] == (0, f"{good}: OK\n")


def test_taxonomy_show_counts_terms() -> None:
    code, out, _ = run("taxonomy", "show")
    assert code == 0 and "soft_skills" in out and out.strip().splitlines()[-1].startswith("total")


def test_demo_runs_on_the_bundled_sample() -> None:
    code, out, _ = run("demo", "--format", "json")
    assert code == 0
    data = json.loads(out)
    jsonschema.validate(data, report_schema())
    assert data["score"] > 50


def _commands(group: click.Group, prefix: str = "") -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    for name, cmd in group.commands.items():
        out.append((prefix + name, cmd))
        if isinstance(cmd, click.Group):
            out += _commands(cmd, prefix + name + " ")
    return out


@pytest.mark.parametrize(("name", "cmd"), _commands(main))
def test_every_command_has_help(name: str, cmd: click.Command) -> None:
    assert cmd.help and len(cmd.help.strip()) > 10, name
    code, out, _ = run(*name.split(), "--help")
    assert code == 0 and "Usage:" in out


def test_python_dash_m_runs_the_same_cli() -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "scanner", "--help"], capture_output=True, text=True, check=False)
    assert r.returncode == 0 and "Usage: cvscan" in r.stdout


def test_as_of_fixes_what_present_means(tmp_path: Path) -> None:
    import scanner

    cv, ad = str(FIXTURES / "cv_plain.txt"), str(FIXTURES / "job_ml_engineer.txt")
    code, out, _ = run("scan", cv, "--job", ad, "--format", "json", "--as-of", "2030-01")
    assert code == 0
    settings = scanner.ScanSettings(today=(2030, 1))
    assert json.loads(out) == scanner.to_dict(scanner.scan(cv, ad, settings=settings))
    assert json.loads(out) != json.loads(run("scan", cv, "--job", ad, "--format", "json", "--as-of", "2026-11")[1])
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "cv_plain.txt").write_bytes(Path(cv).read_bytes())
    code, table, _ = run("batch", str(folder), "--job", ad, "--format", "json", "--as-of", "2030-01", "--jobs", "1")
    assert code == 0
    result = json.loads(table)["results"][0]
    assert result["breakdown"] == json.loads(out)["breakdown"]
    for bad in ("2030-13", "30-01", "January"):
        code, _, err = run("scan", cv, "--job", ad, "--as-of", bad)
        assert code == 2 and "YYYY-MM" in err
