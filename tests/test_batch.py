"""Batch scoring: discovery, ranking, error isolation, time limits, resume, cache, Dask, many ads per CV."""

from __future__ import annotations

import dataclasses
import gc
import io
import json
import os
import shutil
import signal
import sys
import time
import tracemalloc
from pathlib import Path

import cloudpickle
import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, fixture_generator

import scanner
from scanner.batch import (
    BatchFailure,
    BatchResult,
    _Context,
    _ForkPool,
    _LokyPool,
    _run,
    _scan_file,
    cache_variant,
    discover,
    rank_reports,
    run_batch,
)
from scanner.cache import DocumentCache, document_from_json, document_to_json
from scanner.cli import main
from scanner.extract import Limits, extract
from scanner.ranking import BatchSink, batch_schema, iter_batch_file, row_from_dict
from scanner.records import JobSummary

ML_AD = str(FIXTURES / "job_ml_engineer.txt")
DS_AD = str(FIXTURES / "job_data_scientist.txt")
GOOD = ["cv_ml_two_column.pdf", "cv_data_scientist.docx", "cv_java_developer.txt", "cv_markdown.md"]
BAD = ["corrupt.pdf", "cv_encrypted.pdf", "empty.pdf"]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A folder of CVs: four good ones and three broken ones, plus files discovery must skip."""
    d = tmp_path / "cvs"
    d.mkdir()
    for name in GOOD + BAD:
        shutil.copy(FIXTURES / name, d / name)
    shutil.copy(FIXTURES / "cv_plain.txt", d / ".hidden.txt")
    shutil.copy(FIXTURES / "image.png", d / "image.png")
    (d / "sub").mkdir()
    shutil.copy(FIXTURES / "cv_plain.txt", d / "sub" / "cv_plain.txt")
    return d


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def job() -> scanner.JobPosting:
    return scanner.load_job(ML_AD)


# --- discovery --------------------------------------------------------------------------------------------


def test_discovery_is_sorted_skips_hidden_and_other_suffixes(folder: Path) -> None:
    flat = discover([str(folder)])
    assert [Path(p).name for p in flat] == sorted(GOOD + BAD)
    assert all(p.startswith(str(folder) + os.sep) for p in flat)
    deep = discover([str(folder)], recursive=True)
    assert deep == [*flat, str(folder / "sub" / "cv_plain.txt")]
    # Files named on the command line are kept as given, once, whatever their suffix.
    png = str(folder / "image.png")
    assert discover([png, str(folder), png]) == [png, *flat]



@pytest.mark.skipif(not hasattr(os, "symlink") or os.name != "posix", reason="symbolic links")
def test_links_to_folders_are_followed_once_and_a_loop_of_links_ends(tmp_path: Path) -> None:
    top = tmp_path / "cvs"
    (top / "2026" / "march").mkdir(parents=True)
    shutil.copy(FIXTURES / "cv_plain.txt", top / "2026" / "march" / "a.txt")
    shutil.copy(FIXTURES / "cv_markdown.md", top / "2026" / "b.md")
    (top / "2026" / "march" / "up").symlink_to("..", target_is_directory=True)  # back up the tree
    (top / "latest").symlink_to("2026", target_is_directory=True)  # a second name for a folder
    (top / "x").symlink_to("x")  # a link to itself
    (top / "gone.pdf").symlink_to("nowhere.pdf")  # a dangling link is no CV file
    names = [os.path.relpath(p, top) for p in discover([str(top)], recursive=True)]
    assert names == [os.path.join("2026", "b.md"), os.path.join("2026", "march", "a.txt")]
    # A folder with no CVs of its own is searched through its subfolders, and links alike.
    assert [os.path.relpath(p, top) for p in discover([str(top)])] == names
    linked = discover([str(top / "latest"), str(top)], recursive=True)  # the same folder under two names
    assert [os.path.relpath(p, top) for p in linked] == [os.path.join("latest", "b.md"),
                                                         os.path.join("latest", "march", "a.txt")]
    code, _, err = run("batch", str(top), "-r", "--job", ML_AD, "--format", "json")
    assert code == 0 and "2 ranked, 0 failed" in err


def test_a_folder_without_cvs_of_its_own_is_searched_through_its_subfolders(tmp_path: Path) -> None:
    # CVs kept in one subfolder per role: pointing at the top folder must not find nothing.
    top = tmp_path / "applicants"
    for role, name in [("data", "cv_data_scientist.docx"), ("ml", "cv_ml_two_column.pdf"), ("ml/old", "cv_plain.txt")]:
        (top / role).mkdir(parents=True, exist_ok=True)
        shutil.copy(FIXTURES / name, top / role / name)
    (top / "notes.png").write_bytes(b"not a CV")
    expected = [str(top / "data" / "cv_data_scientist.docx"), str(top / "ml" / "cv_ml_two_column.pdf"),
                str(top / "ml" / "old" / "cv_plain.txt")]
    assert discover([top]) == discover([top], recursive=True) == expected
    # A folder with CVs of its own keeps to them unless asked.
    assert discover([top / "ml"]) == [str(top / "ml" / "cv_ml_two_column.pdf")]
    assert discover([tmp_path / "nothing"]) == [str(tmp_path / "nothing")]  # named, so reported as missing

# --- the CLI batch: ranking, filters, errors, formats -----------------------------------------------------


def test_batch_json_ranks_reports_isolates_errors_and_validates(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    code, _, err = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--out", str(out), "--jobs", "2")
    assert code == 0, err
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, batch_schema())
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    assert [r["rank"] for r in data["results"]] == list(range(1, len(GOOD) + 1))
    assert {Path(r["file"]).name for r in data["results"]} == set(GOOD)
    # The ML CV (as a two-column PDF and as Markdown) first against the ML ad; equal scores in file-name order.
    assert {Path(r["file"]).name for r in data["results"][:2]} == {"cv_ml_two_column.pdf", "cv_markdown.md"}
    order = [(-r["score"], r["file"]) for r in data["results"]]
    assert order == sorted(order)
    errors = {Path(e["file"]).name: e for e in data["errors"]}
    assert set(errors) == set(BAD)
    assert errors["corrupt.pdf"]["error"] == "CorruptDocument"
    assert errors["cv_encrypted.pdf"]["error"] == "EncryptedDocument"
    assert errors["empty.pdf"]["error"] == "EmptyFile"
    assert all(e["message"].startswith(e["file"]) for e in data["errors"])
    # Each result is exactly the scan report plus its rank.
    single = scanner.to_dict(scanner.scan(str(folder / "cv_java_developer.txt"), ML_AD))
    java = next(r for r in data["results"] if r["file"].endswith("cv_java_developer.txt"))
    assert {k: v for k, v in java.items() if k != "rank"} == single
    assert "4 ranked, 3 failed" in err


def test_top_and_min_score(folder: Path) -> None:
    code, out, _ = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--top", "2", "--jobs", "2")
    assert code == 0
    top = json.loads(out)
    assert [r["rank"] for r in top["results"]] == [1, 2]
    assert len(top["errors"]) == len(BAD)  # filters never hide failures
    _, out, _ = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--jobs", "2")
    every = json.loads(out)["results"]
    cut = (every[1]["score"] + every[2]["score"]) / 2
    _, out, _ = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--min-score", f"{cut}", "--jobs", "2")
    kept = json.loads(out)["results"]
    assert [r["file"] for r in kept] == [r["file"] for r in every[:2]]
    assert top["results"][1]["file"] == every[1]["file"]


def test_csv_markdown_and_html_tables(folder: Path, tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / "out.csv"
    assert run("batch", str(folder), "--job", ML_AD, "--out", str(out), "--jobs", "2")[0] == 0
    table = pd.read_csv(out, keep_default_na=False)
    assert list(table.columns[:7]) == ["file", "name", "email", "same_as", "rank", "score", "hard_skills"]
    assert {"missing", "failing_checks", "error", "message"} <= set(table.columns)
    ranked = table[table["error"] == ""]
    assert list(ranked["rank"].astype(int)) == [1, 2, 3, 4]
    # Each candidate as the CV gives them (the same contact details a scan reports); none for failed files.
    for _, row in ranked.iterrows():
        contact = json.loads(run("scan", row["file"], "--job", ML_AD, "--format", "json")[1])["contact"]
        assert (row["name"], row["email"]) == (contact["name"] or "", contact["email"] or "")
    assert "Leena Varghese" in set(ranked["name"]) and "leena.varghese@example.com" in set(ranked["email"])
    assert set(table[table["error"] != ""]["name"]) == {""}
    assert set(table[table["error"] != ""]["error"]) == {"CorruptDocument", "EncryptedDocument", "EmptyFile"}
    code, md, _ = run("batch", str(folder), "--job", ML_AD, "--format", "md", "--jobs", "2")
    assert code == 0 and "| file | name | email | same as | rank | score |" in md and "## Errors" in md
    assert "| Leena Varghese | leena.varghese@example.com |" in md
    code, page, _ = run("batch", str(folder), "--job", ML_AD, "--format", "html", "--jobs", "2")
    assert code == 0 and page.startswith("<!doctype html>") and page.count("<tr>") == 1 + 4 + 1 + 3
    # Self-contained: nothing loaded from anywhere; the one script (column sorting) is inline.
    assert "<script src" not in page and page.count("<script>") == 1 and "http" not in page.split("</style>")[1]


def test_csv_cells_that_read_as_formulas_stay_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import pandas as pd

    # File names come from whoever sent the CVs: a spreadsheet would run "=..." or "+..." as a formula.
    monkeypatch.chdir(tmp_path)
    shutil.copy(FIXTURES / "cv_plain.txt", "=HYPERLINK(1).txt")
    shutil.copy(FIXTURES / "corrupt.pdf", "+SUM(1).pdf")
    shutil.copy(FIXTURES / "cv_markdown.md", "@cv.md")
    code, out, _ = run("batch", "=HYPERLINK(1).txt", "+SUM(1).pdf", "@cv.md", "--job", ML_AD)
    assert code == 0
    table = pd.read_csv(io.StringIO(out), keep_default_na=False)
    assert sorted(table["file"]) == ["'+SUM(1).pdf", "'=HYPERLINK(1).txt", "'@cv.md"]
    failed = table[table["error"] != ""]
    assert failed["message"].tolist() == ["'+SUM(1).pdf: " + failed["message"].iloc[0].split(": ", 1)[1]]
    assert "Leena Varghese" in set(table["name"])  # other cells as they are
    # Only the CSV, which spreadsheets open: JSON and Markdown keep the names as they are.
    code, md, _ = run("batch", "=HYPERLINK(1).txt", "--job", ML_AD, "--format", "md")
    assert "| =HYPERLINK(1).txt |" in md


def test_the_same_candidate_twice_points_to_their_best_ranked_cv(tmp_path: Path) -> None:
    import pandas as pd

    # One CV in three formats (one e-mail address, written in other cases in one copy) and another candidate.
    folder = tmp_path / "cvs"
    folder.mkdir()
    for name in ("cv_ml_single_column.pdf", "cv_markdown.md", "cv_data_scientist.docx"):
        shutil.copy(FIXTURES / name, folder / name)
    text = (FIXTURES / "cv_plain.txt").read_text(encoding="utf-8")
    (folder / "cv_plain.txt").write_text(text.replace("leena.varghese@", "Leena.Varghese@"), encoding="utf-8")
    out = tmp_path / "out.csv"
    assert run("batch", str(folder), "--job", ML_AD, "--out", str(out))[0] == 0
    table = pd.read_csv(out, keep_default_na=False).set_index("file")
    leena = [str(folder / n) for n in ("cv_ml_single_column.pdf", "cv_markdown.md", "cv_plain.txt")]
    first = min(int(table.loc[f, "rank"]) for f in leena)
    assert sorted(map(str, table.loc[leena, "same_as"])) == ["", str(first), str(first)]
    assert table.loc[str(folder / "cv_data_scientist.docx"), "same_as"] == ""
    # The HTML table says the same, as "#rank".
    code, page, _ = run("batch", str(folder), "--job", ML_AD, "--format", "html")
    assert code == 0 and page.count(f">#{first}</td>") == 2


def test_a_report_without_contact_gives_empty_name_and_email() -> None:
    # As in outputs written before reports carried a contact, which --resume reads.
    report = json.loads(run("scan", str(FIXTURES / "cv_plain.txt"), "--job", ML_AD, "--format", "json")[1])
    del report["contact"]
    row = row_from_dict(report)
    assert (row.name, row.email) == (None, None) and row.score == report["score"]


def test_scan_many_dataframe(folder: Path) -> None:
    frame = scanner.scan_many([folder], ML_AD, jobs=2)
    assert len(frame) == len(GOOD) + len(BAD)
    assert list(frame["rank"][: len(GOOD)]) == [1, 2, 3, 4]
    assert frame["rank"][len(GOOD):].isna().all()
    assert frame["score"].iloc[0] >= frame["score"].iloc[3]
    assert set(frame["error"][len(GOOD):]) == {"CorruptDocument", "EncryptedDocument", "EmptyFile"}
    assert list(frame.columns[:6]) == ["file", "name", "email", "same_as", "rank", "score"]
    by_file = frame.set_index(frame["file"].map(lambda f: Path(f).name))
    assert by_file.loc["cv_data_scientist.docx", ["name", "email"]].tolist() == [
        "Marcus Oyelaran", "marcus.oyelaran@example.com"]
    assert by_file.loc["corrupt.pdf", ["name", "email"]].isna().all()


def test_run_batch_result_renders_like_the_cli(folder: Path, job: scanner.JobPosting) -> None:
    result = run_batch(discover([folder]), job, jobs=2)
    assert [r.score for r in result.reports] == sorted((r.score for r in result.reports), reverse=True)
    assert len(result.errors) == len(BAD) and not result.interrupted
    data = json.loads(scanner.render_batch(result, "json"))
    jsonschema.validate(data, batch_schema())
    assert [r["file"] for r in data["results"]] == [r.file for r in result.reports]


# --- the parent's sink: reports spooled, output streamed --------------------------------------------------


def _reports(job: scanner.JobPosting) -> list[scanner.Report]:
    return [scanner.scan(str(FIXTURES / name), job) for name in GOOD]


def test_sink_output_is_the_ranked_reports_exactly(job: scanner.JobPosting, tmp_path: Path) -> None:
    reports = _reports(job)
    # A resumed result (from an earlier output, with its rank) and a non-ASCII file name.
    resumed = {**scanner.to_dict(dataclasses.replace(reports[0], file="Zoë/cv.pdf")), "rank": 7}
    failure = BatchFailure("broken.pdf", "CorruptDocument", "broken.pdf: the PDF cannot be parsed.")
    sink = BatchSink(JobSummary(job.title, job.years_required, job.degree_required), job.source,
                     spool_dir=str(tmp_path))
    try:
        sink.add_dict(resumed)
        for outcome in [*reversed(reports), failure]:
            sink.add(outcome)
        assert len(sink) == len(GOOD) + 2 and sink.files == {r.file for r in reports} | {"Zoë/cv.pdf", "broken.pdf"}
        every = [*reports, dataclasses.replace(reports[0], file="Zoë/cv.pdf")]
        result = BatchResult(job=JobSummary(job.title, job.years_required, job.degree_required),
                             job_file=job.source, reports=tuple(rank_reports(every)), errors=(failure,))
        for fmt, options in [("json", {}), ("json", {"top": 2}), ("json", {"min_score": result.reports[2].score}),
                             ("csv", {}), ("md", {"top": 3}), ("html", {})]:
            out = io.StringIO()
            sink.write(out, fmt, **options)  # type: ignore[arg-type]
            assert out.getvalue() == scanner.render_batch(result, fmt, **options), (fmt, options)  # type: ignore[arg-type]
        out = io.StringIO()
        sink.write(out, "json")
    finally:
        sink.close()
    data = json.loads(out.getvalue())
    jsonschema.validate(data, batch_schema())
    # Each result is the report's own JSON text with its rank as the last key, one per line.
    lines = [line.strip().rstrip(",") for line in out.getvalue().splitlines() if line.startswith("    {")]
    assert lines[: len(every)] == [json.dumps({**scanner.to_dict(r), "rank": rank}, ensure_ascii=False)
                                   for rank, r in enumerate(result.reports, 1)]
    assert [r["rank"] for r in data["results"]] == list(range(1, len(every) + 1))
    assert data["errors"] == [{"file": "broken.pdf", "error": "CorruptDocument",
                               "message": "broken.pdf: the PDF cannot be parsed."}]


def test_sink_keeps_no_report_in_memory(job: scanner.JobPosting, tmp_path: Path) -> None:
    # A batch of 10,000 files must not hold 10,000 reports in the parent: each report's JSON goes to the spool
    # file and only its score, name and spool position stay (a few hundred bytes; a report is ~10 kB of JSON).
    report = _reports(job)[0]
    assert len(json.dumps(scanner.to_dict(report))) > 4000
    sink = BatchSink(JobSummary(job.title, job.years_required, job.degree_required), job.source,
                     spool_dir=str(tmp_path))
    try:
        copies = [dataclasses.replace(report, file=f"cvs/cv_{i:05d}.pdf") for i in range(300)]
        gc.collect()
        tracemalloc.start()
        try:
            before = tracemalloc.get_traced_memory()[0]
            for copy in copies:
                sink.add(copy)
            gc.collect()
            kept = tracemalloc.get_traced_memory()[0] - before
        finally:
            tracemalloc.stop()
        assert kept / len(copies) < 600
        out = io.StringIO()
        sink.write(out, "json")
        assert len(json.loads(out.getvalue())["results"]) == len(copies)
    finally:
        sink.close()


# --- failures inside workers ------------------------------------------------------------------------------


def test_an_unexpected_exception_becomes_an_internal_row(job: scanner.JobPosting) -> None:
    broken = _Context(job=job, taxonomy=scanner.load_taxonomy(), settings=None, timeout=None,  # type: ignore[arg-type]
                      cache_dir=None)
    outcome = _scan_file(str(FIXTURES / "cv_plain.txt"), broken)
    assert isinstance(outcome, BatchFailure)
    assert outcome.error == "internal" and "AttributeError" in outcome.message


def test_a_slow_file_is_stopped_at_the_time_limit(folder: Path, tmp_path: Path) -> None:
    # ~900,000 characters, just under the text limit: over 2 s to scan here; the others take some 50 ms, so a
    # 1 s limit leaves them room on a busy machine (forked workers start with everything loaded).
    fixture_generator().make_long_cv(folder / "cv_long.txt", copies=300)
    out = tmp_path / "out.json"
    t = time.monotonic()
    code, _, _ = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--out", str(out),
                     "--timeout", "1", "--jobs", "2")
    assert code == 0
    assert time.monotonic() - t < 30
    data = json.loads(out.read_text(encoding="utf-8"))
    errors = {Path(e["file"]).name: e for e in data["errors"]}
    assert errors["cv_long.txt"]["error"] == "ScanTimeout"
    assert "1 s limit" in errors["cv_long.txt"]["message"]
    assert len(data["results"]) == len(GOOD)


# Test-only worker functions for the runner's machinery, shipped to the workers by value.
def _stuck_or_quick(path: str) -> scanner.Report | BatchFailure:
    if "hang" in path:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # as if stuck in C code: no alarm gets in
        time.sleep(600)
    if "die" in path:
        os._exit(3)
    return BatchFailure(path, "ok", str(os.getpid()))


cloudpickle.register_pickle_by_value(sys.modules[__name__])


POOLS = [_LokyPool, pytest.param(_ForkPool, marks=pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers start by fork on Linux only"))]


@pytest.mark.parametrize("pool_class", POOLS)
def test_a_hanging_worker_is_killed_and_replaced(job: scanner.JobPosting, pool_class: type[_LokyPool]) -> None:
    ctx = _Context(job=job, taxonomy=scanner.load_taxonomy(), settings=scanner.ScanSettings(), timeout=0.5,
                   cache_dir=None)
    pool = pool_class(ctx, 2, fn=_stuck_or_quick)
    # "hang" comes after the first files in flight (two per worker), so it starts once the workers are up and its
    # limit has no start-up grace.
    paths = ["a", "b", "c", "d", "hang", "e"]
    t = time.monotonic()
    outcomes = {o.file: o for o in _run(pool, paths, 0.5, None, startup_grace=10.0)}  # type: ignore[union-attr]
    assert time.monotonic() - t < 40
    assert set(outcomes) == set(paths)
    assert isinstance(outcomes["hang"], BatchFailure) and outcomes["hang"].error == "ScanTimeout"
    assert all(isinstance(outcomes[p], BatchFailure) and outcomes[p].error == "ok" for p in "abcde")


@pytest.mark.parametrize("pool_class", POOLS)
def test_a_dying_worker_is_replaced_and_the_file_named(job: scanner.JobPosting, pool_class: type[_LokyPool]) -> None:
    ctx = _Context(job=job, taxonomy=scanner.load_taxonomy(), settings=scanner.ScanSettings(), timeout=None,
                   cache_dir=None)
    outcomes = {o.file: o for o in _run(pool_class(ctx, 2, fn=_stuck_or_quick), ["a", "die", "b", "c"], None, None)}  # type: ignore[union-attr]
    assert set(outcomes) == {"a", "die", "b", "c"}
    assert isinstance(outcomes["die"], BatchFailure) and outcomes["die"].error == "internal"
    assert "died" in outcomes["die"].message
    assert all(isinstance(outcomes[p], BatchFailure) and outcomes[p].error == "ok" for p in "abc")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers start by fork on Linux only")
def test_forked_and_loky_workers_give_the_same_reports(folder: Path, job: scanner.JobPosting) -> None:
    ctx = _Context(job=job, taxonomy=scanner.load_taxonomy(), settings=scanner.ScanSettings(pdf_engine="pypdf"),
                   timeout=30.0, cache_dir=None)
    paths = discover([folder])
    by_pool = []
    for pool in (_ForkPool(ctx, 2), _LokyPool(ctx, 2)):
        outcomes = sorted(_run(pool, paths, 30.0, None), key=lambda o: o.file)
        by_pool.append([scanner.to_json(o) if isinstance(o, scanner.Report) else o for o in outcomes])
    assert by_pool[0] == by_pool[1]
    assert sum(isinstance(o, str) for o in by_pool[0]) == len(GOOD)


def _pid_and_sigint(path: str) -> BatchFailure:
    return BatchFailure(path, "ok", f"{os.getpid()} {signal.getsignal(signal.SIGINT) == signal.SIG_IGN}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers start by fork on Linux only")
def test_forked_workers_leave_ctrl_c_to_the_parent(job: scanner.JobPosting) -> None:
    ctx = _Context(job=job, taxonomy=scanner.load_taxonomy(), settings=scanner.ScanSettings(), timeout=None,
                   cache_dir=None)
    outcomes = list(_run(_ForkPool(ctx, 2, fn=_pid_and_sigint), ["a", "b", "c", "d"], None, None))
    pids = {o.message.split()[0] for o in outcomes}  # type: ignore[union-attr]
    assert str(os.getpid()) not in pids and len(pids) <= 2
    assert all(o.message.endswith("True") for o in outcomes)  # type: ignore[union-attr]


def test_ctrl_c_keeps_what_finished(folder: Path, job: scanner.JobPosting, tmp_path: Path) -> None:
    def interrupt_after_two(done: int, total: int) -> None:
        if done == 2:
            raise KeyboardInterrupt

    result = run_batch(discover([folder]), job, jobs=1, progress=interrupt_after_two)
    assert result.interrupted and len(result.reports) + len(result.errors) == 2
    out = tmp_path / "out.json"
    done = scanner.ranking.write_batch(discover([folder]), job, fmt="json", out=str(out), jobs=1,
                                       progress=interrupt_after_two)
    assert done.interrupted and done.results + done.errors == 2
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, batch_schema())
    assert data["interrupted"] is True and len(data["results"]) + len(data["errors"]) == 2
    assert not list(tmp_path.glob(".out.json.*"))  # no temporary file left behind


# --- resume and cache -------------------------------------------------------------------------------------


def test_resume_skips_files_already_in_the_output(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    (folder / "cv_markdown.md").rename(tmp_path / "later.md")
    assert run("batch", str(folder), "--job", ML_AD, "--format", "json", "--out", str(out), "--jobs", "2")[0] == 0
    first = json.loads(out.read_text(encoding="utf-8"))
    # Mark an earlier result: resuming must keep it as it is, not scan that file again.
    first["results"][0]["score"] = 1.5
    out.write_text(json.dumps(first), encoding="utf-8")
    (tmp_path / "later.md").rename(folder / "cv_markdown.md")
    code, _, err = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--out", str(out),
                       "--resume", "--jobs", "2")
    assert code == 0
    assert f"{len(GOOD) - 1 + len(BAD)} skipped" in err
    data = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(data, batch_schema())
    files = [r["file"] for r in data["results"]]
    assert len(files) == len(GOOD) and str(folder / "cv_markdown.md") in files
    assert data["results"][-1]["score"] == 1.5 and data["results"][-1]["rank"] == len(GOOD)
    assert len(data["errors"]) == len(BAD)
    entries = list(iter_batch_file(str(out)))
    assert sum(isinstance(e, dict) for e in entries) == len(GOOD)
    assert sum(isinstance(e, BatchFailure) for e in entries) == len(BAD)


def test_resume_refuses_an_output_scored_against_another_ad(folder: Path, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out.json"
    assert run("batch", str(folder / GOOD[2]), "--job", ML_AD, "--format", "json", "--out", str(out))[0] == 0
    before = out.read_text(encoding="utf-8")
    code, _, err = run("batch", str(folder), "--job", DS_AD, "--format", "json", "--out", str(out), "--resume")
    assert code == 2 and f"cannot resume from {out}: it was scored against another job ad" in err
    assert "job_ml_engineer.txt" in err and "resume with that ad" in err
    assert out.read_text(encoding="utf-8") == before
    # The same ad named another way (relative to another folder) resumes.
    monkeypatch.chdir(FIXTURES)
    code, _, err = run("batch", str(folder), "--job", "job_ml_engineer.txt", "--format", "json", "--out", str(out),
                       "--resume")
    assert code == 0 and "1 skipped" in err


def test_resume_needs_json_output(folder: Path) -> None:
    code, _, err = run("batch", str(folder), "--job", ML_AD, "--resume")
    assert code == 2 and "--format json and --out" in err


def _batch_output(job: scanner.JobPosting) -> dict[str, object]:
    """An earlier batch's output: the fixture reports (one under a non-ASCII name), ranked, and two errors."""
    reports = _reports(job)
    reports.append(dataclasses.replace(reports[0], file="Zoë/cv.pdf"))
    results = [{**scanner.to_dict(r), "rank": rank} for rank, r in enumerate(rank_reports(reports), 1)]
    errors = [{"file": "broken.pdf", "error": "CorruptDocument", "message": "broken.pdf: the PDF cannot be parsed."},
              {"file": "slow.pdf", "error": "ScanTimeout", "message": "slow.pdf: stopped after 60 s."}]
    return {"schema_version": "1", "job": {"file": ML_AD, "title": job.title}, "results": results,
            "errors": errors, "interrupted": False}


def _entries(data: dict[str, object]) -> list[object]:
    """What iter_batch_file must give for ``data``: its entries in the order of the text."""
    entries: list[object] = []
    for key in data:
        if key == "results":
            entries.extend(data["results"])  # type: ignore[arg-type]
        elif key == "errors":
            entries.extend(BatchFailure(e["file"], e["error"], e["message"]) for e in data["errors"])  # type: ignore[attr-defined]
    return entries


def test_an_earlier_output_is_read_the_same_in_any_layout_and_any_chunks(
        job: scanner.JobPosting, tmp_path: Path) -> None:
    data = _batch_output(job)
    written = tmp_path / "written.json"  # as cvscan writes it
    assert run("batch", str(FIXTURES / GOOD[0]), str(FIXTURES / BAD[0]), "--job", ML_AD, "--format", "json",
               "--out", str(written), "--jobs", "1")[0] == 0
    errors_first = {"interrupted": True, "errors": data["errors"], "job": data["job"], "results": data["results"],
                    "schema_version": "1"}
    layouts = {
        "cvscan": written.read_text(encoding="utf-8"),
        "compact": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
        "indented": json.dumps(data, indent=2),  # ASCII escapes
        "errors first": json.dumps(errors_first, indent="\t") + "\n\n",
        "empty": ' { "results" : [ ] , "errors":[]}',
    }
    for name, text in layouts.items():
        path = tmp_path / f"{name}.json"
        path.write_text(text, encoding="utf-8")
        expected = _entries(json.loads(text))
        assert expected or name == "empty"
        for chunk in (1, 2, 7, 100, 4096, 1 << 20):
            assert list(iter_batch_file(str(path), chunk=chunk)) == expected, (name, chunk)
    entries = list(iter_batch_file(str(tmp_path / "compact.json")))
    assert entries[: len(data["results"])] == data["results"]  # type: ignore[arg-type]
    assert [e.file for e in entries[len(data["results"]) :]] == ["broken.pdf", "slow.pdf"]  # type: ignore[arg-type, union-attr]


@pytest.mark.parametrize(("text", "problem"), [
    ('{"results": [], "errors": []', "expected '}', found 'the end of the file', at line 1, column 29"),
    ('{"results": [\n  {"file": "a.pdf", "score": 1', "Expecting ',' delimiter at line 2, column 31"),
    ('{"results": [], "errors": []} {}', "text after the end"),
    ('[{"results": [], "errors": []}]', "expected '{', found '['"),
    ('{"results": []}', "not a cvscan batch"),
    ('{"results": [], "results": [], "errors": []}', "twice"),
    ('{"results": [7], "errors": []}', "not an object"),
    ('{"results": [], "errors": [{"file": "a.pdf"}]}', "error"),  # KeyError: 'error'
    ('{"results": []\n "errors": []}', "expected '}', found '\"', at line 2, column 2"),
    ('{"results": [], "errors": [], }', "Expecting value at line 1, column 31"),
    ('{"results": [], 1: []}', "not a string"),
    ("", "expected '{', found 'the end of the file'"),
])
def test_a_broken_earlier_output_is_refused(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "out.json"
    path.write_text(text, encoding="utf-8")
    for chunk in (3, 1 << 20):
        with pytest.raises((ValueError, KeyError)) as caught:
            list(iter_batch_file(str(path), chunk=chunk))
        assert problem in str(caught.value)


def test_resume_from_a_broken_output_names_it_and_writes_nothing(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    out.write_text('{"results": [{"file": "a.pdf", "score": 50.0}], "errors": [', encoding="utf-8")
    code, _, err = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--out", str(out), "--resume")
    assert code == 2 and f"cannot resume from {out}" in err and "drop --resume" in err
    assert out.read_text(encoding="utf-8").endswith('"errors": [')  # left as it was


def test_an_earlier_output_is_read_in_a_chunk_at_a_time(job: scanner.JobPosting, tmp_path: Path) -> None:
    # Resuming a batch of 10,000 files reads an output of some 180 MB: it must not be held in memory whole, nor
    # as Python objects (json.load of it takes about five times its size).
    report = {**scanner.to_dict(_reports(job)[0]), "rank": 1}
    path = tmp_path / "big.json"
    with path.open("w", encoding="utf-8") as fh:
        fh.write('{"results": [')
        fh.write(",".join(json.dumps({**report, "file": f"cvs/cv_{i:04d}.pdf"}) for i in range(200)))
        fh.write('], "errors": []}')
    size = path.stat().st_size
    assert size > 800_000

    def peak(read: object) -> int:
        gc.collect()
        tracemalloc.start()
        try:
            read()  # type: ignore[operator]
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    streamed = peak(lambda: sum(1 for _ in iter_batch_file(str(path), chunk=65_536)))
    whole = peak(lambda: json.loads(path.read_text(encoding="utf-8")))
    assert streamed < size / 4 < whole / 4


def test_an_output_that_cannot_be_written_is_refused_before_any_file_is_scanned(
        folder: Path, tmp_path: Path, job: scanner.JobPosting, monkeypatch: pytest.MonkeyPatch) -> None:
    def scanned(*args: object, **kwargs: object) -> None:
        raise AssertionError("files were scanned for an output that cannot be written")

    monkeypatch.setattr(scanner.ranking, "iter_report_texts", scanned)
    missing = tmp_path / "missing" / "out.csv"
    with pytest.raises(scanner.ScannerError, match="cannot write the output") as caught:
        scanner.ranking.write_batch(discover([str(folder)]), job, fmt="csv", out=str(missing))
    assert caught.value.path == str(missing)
    with pytest.raises(scanner.ScannerError, match="the output is a folder"):
        scanner.ranking.write_batch(discover([str(folder)]), job, fmt="csv", out=str(tmp_path))
    code, _, err = run("batch", str(folder), "--job", ML_AD, "--out", str(missing))
    assert code == 2 and "cannot write the output" in err and "Traceback" not in err


def test_the_ad_and_the_output_in_the_cvs_folder_are_not_ranked(tmp_path: Path) -> None:
    cvs = tmp_path / "cvs"
    cvs.mkdir()
    for name in ("cv_plain.txt", "cv_markdown.md", "job_ml_engineer.txt"):
        shutil.copy(FIXTURES / name, cvs / name)
    out, ad = cvs / "ranked.md", cvs / "job_ml_engineer.txt"
    for _ in range(2):  # the second run finds the first run's table beside the CVs
        code, _, err = run("batch", str(cvs), "--job", str(ad), "--format", "md", "--out", str(out))
        assert code == 0 and "2 ranked, 0 failed" in err and f"skipped {ad}: it is the job ad" in err
    assert f"skipped {out}: it is the output" in err
    ranked = [line.split(" | ")[0].lstrip("| ") for line in out.read_text(encoding="utf-8").splitlines()
              if line.startswith(f"| {cvs}")]
    assert sorted(ranked) == [str(cvs / "cv_markdown.md"), str(cvs / "cv_plain.txt")]


def test_a_batch_of_no_cvs_warns_and_writes_an_empty_table(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.png").write_bytes(b"not a CV")
    code, stdout, err = run("batch", str(empty), "--job", ML_AD)
    assert code == 0 and f"warning: no CVs in {empty}" in err and "0 ranked, 0 failed" in err
    assert stdout.splitlines() == ["file,name,email,same_as,rank,score,missing,failing_checks,error,message"]
    code, stdout, err = run("batch", str(FIXTURES / GOOD[2]), "--job", ML_AD)
    assert code == 0 and "warning" not in err and len(stdout.splitlines()) == 2


def test_document_json_round_trip() -> None:
    for name in ("cv_ml_two_column.pdf", "cv_data_scientist.docx", "cv_textbox.docx", "cv_markdown.md"):
        doc = extract(FIXTURES / name)
        assert document_from_json(document_to_json(doc)) == doc
    with pytest.raises(ValueError):
        document_from_json('{"source": "x"}')


@pytest.mark.parametrize(("path", "bad"), [
    (("format",), "odt"),  # a Literal's value outside it
    (("size_bytes",), "12"),  # an int given as text
    (("size_bytes",), True),  # a bool is no int here
    (("layout", "page_count"), 1.5),
    (("layout", "pages", 0, "width"), "wide"),  # a float inside a record inside a tuple
    (("layout", "pages", 0, "width"), False),
    (("layout", "pages"), {"0": 1}),  # an object where a list belongs
    (("layout", "fonts", 0), None),  # a str element of a tuple[str, ...]
    (("ocr_pages",), [1, "2"]),
])
def test_document_json_rejects_a_wrong_value_anywhere(path: tuple[str | int, ...], bad: object) -> None:
    data = json.loads(document_to_json(extract(FIXTURES / "cv_ml_two_column.pdf")))
    assert document_from_json(json.dumps(data)) == extract(FIXTURES / "cv_ml_two_column.pdf")
    inner = data
    for step in path[:-1]:
        inner = inner[step]
    inner[path[-1]] = bad
    with pytest.raises(ValueError):
        document_from_json(json.dumps(data))


def test_cache_hit_and_corrupt_entry_rebuilt(folder: Path, tmp_path: Path, job: scanner.JobPosting) -> None:
    cache = tmp_path / "cache"
    paths = discover([folder])
    first = run_batch(paths, job, jobs=2, cache_dir=cache)
    entries = sorted(p for p in cache.rglob("*.json") if not p.name.endswith(".analysis.json"))
    assert len(entries) == len(GOOD)  # failures are not cached
    assert len(list(cache.rglob("*.analysis.json"))) == len(GOOD)
    assert not list(cache.rglob("*.tmp"))
    second = run_batch(paths, job, jobs=2, cache_dir=cache)
    assert [(r.file, r.score) for r in second.reports] == [(r.file, r.score) for r in first.reports]
    # A hit: an entry edited on disk is what the scan sees.
    java = str(folder / "cv_java_developer.txt")
    data = Path(java).read_bytes()
    c = DocumentCache(cache, variant=cache_variant(scanner.ScanSettings()))
    entry = next(p for p in entries if p.stem == c.key(data))
    doc = json.loads(entry.read_text(encoding="utf-8"))
    doc["text"] = Path(FIXTURES / "cv_plain.txt").read_text(encoding="utf-8")
    entry.write_text(json.dumps(doc), encoding="utf-8")
    hit = run_batch([java], job, jobs=1, cache_dir=cache).reports[0]
    assert hit.score > next(r.score for r in first.reports if r.file == java) + 20
    # A corrupt entry is ignored, the file extracted again and the entry rewritten.
    entry.write_bytes(b"\x00not json{")
    rebuilt = run_batch([java], job, jobs=1, cache_dir=cache).reports[0]
    assert rebuilt.score == next(r.score for r in first.reports if r.file == java)
    assert document_from_json(entry.read_text(encoding="utf-8")).text == extract(java).text



def test_a_cached_analysis_gives_the_same_reports_and_follows_the_document(
        folder: Path, tmp_path: Path, job: scanner.JobPosting) -> None:
    cache = tmp_path / "cache"
    paths = discover([folder])
    settings = scanner.ScanSettings(pdf_engine="pypdf")
    fresh = run_batch(paths, job, settings=settings, jobs=1)
    run_batch(paths, job, settings=settings, jobs=1, cache_dir=cache)
    cached = run_batch(paths, job, settings=settings, jobs=1, cache_dir=cache)
    assert [scanner.to_json(r) for r in cached.reports] == [scanner.to_json(r) for r in fresh.reports]
    # The same bytes under another name: the document comes from the cache, its analysis does not (the
    # file-name check quotes the name), and neither does one made with "Present" meaning another month.
    renamed = tmp_path / "Jane_Doe_CV.txt"
    shutil.copy(folder / "cv_java_developer.txt", renamed)
    before = len(list(cache.rglob("*.analysis.json")))
    report = run_batch([str(renamed)], job, settings=settings, jobs=1, cache_dir=cache).reports[0]
    assert report == scanner.scan(renamed, job, settings=settings)
    later = scanner.ScanSettings(pdf_engine="pypdf", today=(2031, 1))
    assert run_batch([str(renamed)], job, settings=later, jobs=1, cache_dir=cache).reports[0] == scanner.scan(
        renamed, job, settings=later)
    assert len(list(cache.rglob("*.analysis.json"))) == before + 2
    # A damaged analysis entry is ignored and written again.
    for entry in cache.rglob("*.analysis.json"):
        entry.write_bytes(b"{not json")
    again = run_batch(paths, job, settings=settings, jobs=1, cache_dir=cache)
    assert [scanner.to_json(r) for r in again.reports] == [scanner.to_json(r) for r in fresh.reports]
    def readable(entry: Path) -> bool:
        try:
            return bool(json.loads(entry.read_text(encoding="utf-8")))
        except ValueError:
            return False

    # Rewritten for the folder's files; the two of the renamed copy were not used again.
    assert sum(readable(e) for e in cache.rglob("*.analysis.json")) == len(GOOD)


def test_an_analysis_entry_keeps_its_lines_and_categories_and_an_entry_without_them_is_refused() -> None:
    from scanner.cache import analysis_from_json, analysis_to_json
    from scanner.pipeline import analyse_cv

    analysis = analyse_cv(extract(FIXTURES / "cv_ml_two_column.pdf"), scanner.ScanSettings(today=(2025, 1)))
    assert any(ll.bullet for ll in analysis.logical) and any(not ll.bullet for ll in analysis.logical)
    assert analysis.categories and analysis.taxonomy == "builtin"
    assert analysis_from_json(analysis_to_json(analysis)) == analysis
    # An entry of the format before the logical lines were kept (or any other shape) is not an analysis: the
    # cache then ignores it and works the analysis out again.
    old = json.loads(analysis_to_json(analysis))
    del old["logical"]
    with pytest.raises(ValueError):
        analysis_from_json(json.dumps(old))
    wrong = json.loads(analysis_to_json(analysis))
    wrong["logical"][0]["bullet"] = "yes"
    with pytest.raises(ValueError):
        analysis_from_json(json.dumps(wrong))


def test_a_cache_folder_that_cannot_be_made_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder", encoding="utf-8")
    code, _, err = run("batch", str(FIXTURES / GOOD[2]), "--job", ML_AD, "--cache", str(blocker / "cache"))
    assert code == 2 and f"{blocker / 'cache'}: cannot make the cache folder" in err and "Traceback" not in err


def test_a_cached_document_does_not_skip_a_stricter_limit(tmp_path: Path, job: scanner.JobPosting) -> None:
    cache = tmp_path / "cache"
    path = str(FIXTURES / "cv_three_pages.pdf")
    assert run_batch([path], job, jobs=1, cache_dir=cache).reports  # cached under the default limits
    strict = scanner.ScanSettings(limits=Limits(max_pages=1))
    assert cache_variant(strict) != cache_variant(scanner.ScanSettings())
    result = run_batch([path], job, settings=strict, jobs=1, cache_dir=cache)
    assert [e.error for e in result.errors] == ["LimitExceeded"]
    # The time limit is the batch's own (--timeout): it does not split the cache.
    assert cache_variant(scanner.ScanSettings(limits=Limits(max_seconds=5))) == cache_variant(scanner.ScanSettings())

# --- Dask -------------------------------------------------------------------------------------------------


def test_dask_local_cluster_gives_the_same_ranking(folder: Path, job: scanner.JobPosting, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    local = run_batch(discover([folder]), job, jobs=2)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        address = cluster.scheduler_address
        assert address.startswith("tcp://127.0.0.1:")
        remote = run_batch(discover([folder]), job, scheduler=address, timeout=60)
        out = tmp_path / "out.json"
        code, _, err = run("batch", str(folder), "--job", ML_AD, "--format", "json", "--out", str(out),
                           "--scheduler", address)
        assert code == 0, err
    assert [(r.file, r.score) for r in remote.reports] == [(r.file, r.score) for r in local.reports]
    assert [e.error for e in remote.errors] == [e.error for e in local.errors]
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["file"] for r in data["results"]] == [r.file for r in local.reports]


# --- one CV against many ads ------------------------------------------------------------------------------


def test_one_cv_against_several_ads_is_ranked() -> None:
    cv = str(FIXTURES / "cv_ml_two_column.pdf")
    code, out, _ = run("scan", cv, "--job", DS_AD, "--job", ML_AD, "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert [a["job_file"] for a in data["ads"]] == [ML_AD, DS_AD]
    assert [a["rank"] for a in data["ads"]] == [1, 2]
    schema = scanner.report_schema()
    for ad in data["ads"]:
        jsonschema.validate(ad["report"], schema)
    single = json.loads(run("scan", cv, "--job", ML_AD, "--format", "json")[1])
    assert data["ads"][0]["report"] == single  # the same report as a one-ad scan
    code, text, _ = run("scan", cv, "--job", DS_AD, "--job", ML_AD)
    assert code == 0 and text.index("Senior Machine Learning Engineer") < text.index(Path(DS_AD).name)
    code, md, _ = run("scan", cv, "--job", DS_AD, "--job", ML_AD, "--format", "md")
    assert code == 0 and "| 1 |" in md and "| 2 |" in md
    code, page, _ = run("scan", cv, "--job", DS_AD, "--job", ML_AD, "--format", "html")
    table = page.split('id="ranking"')[1].split("</table>")[0]
    # One candidate in every row: no name and e-mail columns (the reports below the table show the contact).
    assert code == 0 and "<th data-sort=\"text\">file</th><th data-sort=\"num\">score</th>" in table
    assert "Leena Varghese" not in table and "Leena Varghese" in page
    code, _, err = run("scan", cv, "--job", DS_AD, "--job", ML_AD, "--fail-under", "99")
    assert code == 1 and "best score" in err


def test_a_copy_of_the_ad_among_the_cvs_is_an_error_row_not_the_best_candidate(tmp_path: Path) -> None:
    cvs = tmp_path / "cvs"
    cvs.mkdir()
    for name in ("cv_plain.txt", "cv_ml_single_column.pdf", "job_ml_engineer.pdf", "job_ml_engineer.docx"):
        shutil.copy(FIXTURES / name, cvs / name)
    # A CV with the whole ad pasted into it (keyword stuffing) is still a CV: it has words of its own.
    stuffed = (FIXTURES / "cv_plain.txt").read_text(encoding="utf-8") + "\n" + Path(ML_AD).read_text(encoding="utf-8")
    (cvs / "cv_stuffed.txt").write_text(stuffed, encoding="utf-8")
    out = tmp_path / "ranked.json"
    code, _, err = run("batch", str(cvs), "--job", ML_AD, "--format", "json", "--out", str(out))
    assert code == 0 and "3 ranked, 2 failed" in err
    data = json.loads(out.read_text(encoding="utf-8"))
    assert sorted(Path(r["file"]).name for r in data["results"]) == [
        "cv_ml_single_column.pdf", "cv_plain.txt", "cv_stuffed.txt"]
    assert [(Path(e["file"]).name, e["error"]) for e in data["errors"]] == [
        ("job_ml_engineer.docx", "NotACV"), ("job_ml_engineer.pdf", "NotACV")]
    assert all("the job ad's own text" in e["message"] and "out of the CVs' folder" in e["message"]
               for e in data["errors"])


def test_is_job_ad_tells_the_ad_from_cvs_written_for_it(job: scanner.JobPosting) -> None:
    from scanner.pipeline import is_job_ad

    assert is_job_ad(scanner.extract(FIXTURES / "job_ml_engineer.pdf"), job)
    assert is_job_ad(scanner.extract(FIXTURES / "job_ml_engineer.docx"), job)
    for name in ("cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_plain.txt", "job_data_scientist.txt"):
        assert not is_job_ad(scanner.extract(FIXTURES / name), job), name
