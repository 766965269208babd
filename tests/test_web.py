"""The web app in-process (FastAPI TestClient): pages, the JSON API, every limit, bad files, privacy."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import scanner
from scanner.cli import main
from scanner.errors import SettingsError
from scanner.web import WebSettings

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'cvscan[web]'")
from fastapi.testclient import TestClient

from scanner.web import create_app

AD = (FIXTURES / "job_ml_engineer.txt").read_text(encoding="utf-8")
TWO_COL = FIXTURES / "cv_ml_two_column.pdf"
PLAIN = FIXTURES / "cv_plain.txt"
DOCX = FIXTURES / "cv_data_scientist.docx"
ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(range(256)) * 8  # a (fake) Linux executable
MZ = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(512)  # a (fake) Windows executable


@contextmanager
def client(**limits: object) -> Iterator[TestClient]:
    settings = WebSettings(**{"workers": 0, **limits})  # type: ignore[arg-type]
    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture(scope="module")
def web() -> Iterator[TestClient]:
    with client() as c:
        yield c


def upload(path: Path, name: str | None = None) -> tuple[str, tuple[str, bytes]]:
    return ("cv", (name or path.name, path.read_bytes()))


def expected_report(path: Path) -> dict[str, object]:
    """What `cvscan scan --format json` says of the file, named as uploaded."""
    job = scanner.job_from_text(AD, source="job_text")
    data = scanner.to_dict(scanner.scan(path, job))
    data["file"] = path.name
    return data


# --- pages ------------------------------------------------------------------------------------------------


def test_upload_page_is_self_contained_with_a_drop_zone(web: TestClient) -> None:
    r = web.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "default-src 'none'" in r.headers["content-security-policy"]
    page = r.text
    assert 'enctype="multipart/form-data"' in page and 'name="cvs"' in page and 'name="job_text"' in page
    assert 'id="drop"' in page and "dataTransfer" in page  # drag-and-drop, on top of a plain file input
    assert "<script src" not in page and "<link" not in page and "https://" not in page.split("</head>")[1]


def test_report_page_for_one_cv(web: TestClient) -> None:
    r = web.post("/report", files=[("cvs", (TWO_COL.name, TWO_COL.read_bytes()))], data={"job_text": AD})
    assert r.status_code == 200 and r.headers["cache-control"] == "no-store"
    report = expected_report(TWO_COL)
    assert f'data-testid="score">{report["score"]:.1f}<' in r.text
    assert "Missing keywords" in r.text and 'href="/"' in r.text


def test_ranking_page_for_several_cvs(web: TestClient) -> None:
    files = [("cvs", (p.name, p.read_bytes())) for p in (PLAIN, TWO_COL, DOCX)]
    files.append(("cvs", ("cv.pdf", ELF)))
    r = web.post("/report", files=files, data={"job_text": AD})
    assert r.status_code == 200
    page = r.text
    assert page.count('class="detail-report"') == 3 and "UnsupportedFormat" in page
    assert '<a href="#r1">' in page and "<script>" in page  # linked reports, sortable table
    scores = sorted((expected_report(p)["score"] for p in (PLAIN, TWO_COL, DOCX)), reverse=True)
    assert page.index(f"{scores[0]:.1f}") < page.index(f"{scores[2]:.1f}")


def test_error_page_escapes_the_file_name(web: TestClient) -> None:
    evil = '<img src=x onerror=alert(1)>.pdf'
    r = web.post("/report", files=[("cvs", (evil, ELF))], data={"job_text": AD})
    assert r.status_code == 415 and r.headers["content-type"].startswith("text/html")
    assert "&lt;img src=x onerror=alert(1)&gt;.pdf" in r.text and "<img" not in r.text
    assert "Not a CV file cvscan can read" in r.text and "export the CV as PDF" in r.text


def test_unknown_page_and_docs(web: TestClient) -> None:
    assert web.get("/nope").status_code == 404
    r = web.get("/api/nope")
    assert r.status_code == 404 and r.json()["error"] == "NotFound"
    assert web.get("/docs").status_code == 200
    paths = web.get("/openapi.json").json()["paths"]
    assert {"/api/scan", "/api/batch"} <= set(paths) and "/" not in paths


# --- JSON API ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [TWO_COL, DOCX, PLAIN], ids=lambda p: p.name)
def test_api_scan_gives_the_cli_json(web: TestClient, path: Path) -> None:
    r = web.post("/api/scan", files=[upload(path)], data={"job_text": AD})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    jsonschema.validate(data, scanner.report_schema())
    assert data == expected_report(path)


def test_api_scan_equals_the_cli_output(web: TestClient) -> None:
    cli = CliRunner().invoke(main, ["scan", str(TWO_COL), "--job-text", AD, "--format", "json"],
                             catch_exceptions=False)
    expected = json.loads(cli.stdout)
    r = web.post("/api/scan", files=[upload(TWO_COL)], data={"job_text": AD})
    # The same report but for the file's name (a path on the command line, the upload's name here) and the
    # ad's source, which the JSON does not carry.
    assert r.json() == {**expected, "file": TWO_COL.name}


def test_api_batch_ranks_and_lists_bad_files(web: TestClient) -> None:
    files = [("cvs", (p.name, p.read_bytes())) for p in (PLAIN, TWO_COL, DOCX)]
    files += [("cvs", ("setup.pdf", ELF)), ("cvs", ("corrupt.pdf", (FIXTURES / "corrupt.pdf").read_bytes())),
              ("cvs", ("encrypted.pdf", (FIXTURES / "cv_encrypted.pdf").read_bytes()))]
    r = web.post("/api/batch", files=files, data={"job_text": AD})
    assert r.status_code == 200
    data = r.json()
    jsonschema.validate(data, scanner.batch_schema())
    assert set(data) >= {"schema_version", "job", "results", "errors"}
    assert data["job"]["title"] == "Senior Machine Learning Engineer" and data["job"]["file"] == "job_text"
    assert [r["rank"] for r in data["results"]] == [1, 2, 3]
    scores = [r["score"] for r in data["results"]]
    assert scores == sorted(scores, reverse=True)
    for result in data["results"]:
        path = FIXTURES / result["file"]
        assert {k: v for k, v in result.items() if k != "rank"} == expected_report(path)
    assert {(e["file"], e["error"]) for e in data["errors"]} == {
        ("setup.pdf", "UnsupportedFormat"), ("corrupt.pdf", "CorruptDocument"),
        ("encrypted.pdf", "EncryptedDocument")}
    assert all(e["message"].startswith(e["file"]) for e in data["errors"])


def test_api_batch_renames_duplicate_names(web: TestClient) -> None:
    files = [("cvs", ("cv.txt", PLAIN.read_bytes())), ("cvs", ("cv.txt", PLAIN.read_bytes()))]
    data = web.post("/api/batch", files=files, data={"job_text": AD}).json()
    assert sorted(r["file"] for r in data["results"]) == ["cv (2).txt", "cv.txt"]


# --- bad files --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "status", "kind"), [
    ("cv.pdf", ELF, 415, "UnsupportedFormat"),  # a renamed executable: refused by its content
    ("cv.docx", MZ, 415, "UnsupportedFormat"),
    ("cv.pdf", (FIXTURES / "image.png").read_bytes(), 415, "UnsupportedFormat"),
    ("cv.doc", (FIXTURES / "legacy.doc").read_bytes(), 415, "UnsupportedFormat"),
    ("cv.pdf", (FIXTURES / "corrupt.pdf").read_bytes(), 422, "CorruptDocument"),
    ("cv.pdf", (FIXTURES / "cv_encrypted.pdf").read_bytes(), 422, "EncryptedDocument"),
    ("cv.pdf", b"", 422, "EmptyFile"),
    ("cv.pdf", (FIXTURES / "cv_scanned.pdf").read_bytes(), 422, "NoTextLayer"),
], ids=["elf", "exe", "png", "doc", "corrupt", "encrypted", "empty", "scanned"])
def test_bad_files_are_refused_with_a_clear_error(web: TestClient, name: str, content: bytes, status: int,
                                                  kind: str) -> None:
    r = web.post("/api/scan", files=[("cv", (name, content))], data={"job_text": AD})
    assert r.status_code == status
    body = r.json()
    assert body["error"] == kind and body["file"] == name and body["message"].startswith(name)
    assert "Fix:" in body["message"]


def test_missing_fields_and_empty_ad(web: TestClient) -> None:
    r = web.post("/api/scan", data={"job_text": AD})
    assert r.status_code == 400 and r.json()["error"] == "BadRequest" and "cv" in r.json()["message"]
    r = web.post("/api/scan", files=[upload(PLAIN)])
    assert r.status_code == 400 and "job_text" in r.json()["message"]
    r = web.post("/api/batch", files=[("cvs", (PLAIN.name, PLAIN.read_bytes()))], data={"job_text": "  \n "})
    assert r.status_code == 400 and "job ad is empty" in r.json()["message"]


# --- limits -----------------------------------------------------------------------------------------------


def test_file_size_limit() -> None:
    with client(max_file_bytes=4096) as c:
        assert c.post("/api/scan", files=[upload(PLAIN)], data={"job_text": AD}).status_code == 200
        r = c.post("/api/scan", files=[upload(TWO_COL)], data={"job_text": AD})  # 5.2 kB
        assert r.status_code == 413 and r.json()["error"] == "FileTooLarge" and r.json()["file"] == TWO_COL.name
        r = c.post("/api/batch", files=[("cvs", (TWO_COL.name, TWO_COL.read_bytes()))], data={"job_text": AD})
        assert r.status_code == 413 and r.json()["error"] == "FileTooLarge"


def test_number_of_files_limit() -> None:
    with client(max_files=2) as c:
        files = [("cvs", (f"cv{i}.txt", PLAIN.read_bytes())) for i in range(3)]
        r = c.post("/api/batch", files=files, data={"job_text": AD})
        assert r.status_code == 413 and r.json()["error"] == "TooManyFiles" and "limit of 2" in r.json()["message"]
        assert c.post("/api/batch", files=files[:2], data={"job_text": AD}).status_code == 200


def test_ad_length_limit() -> None:
    with client(max_ad_chars=500) as c:
        r = c.post("/api/scan", files=[upload(PLAIN)], data={"job_text": AD})
        assert r.status_code == 413 and r.json()["error"] == "RequestTooLarge" and "500" in r.json()["message"]


def test_whole_request_limit_declared_and_streamed() -> None:
    with client(max_file_bytes=10_000, max_files=1, max_ad_chars=100) as c:
        limit = WebSettings(max_file_bytes=10_000, max_files=1, max_ad_chars=100, workers=0).max_body_bytes
        big = b"x" * (limit + 1)
        r = c.post("/api/scan", content=big, headers={"content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413 and r.json()["error"] == "RequestTooLarge"

        def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
            for _ in range(limit // 8192 + 2):
                yield b"y" * 8192

        r = c.post("/report", content=chunks(), headers={"content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413 and "Too much to scan" in r.text


def test_time_limit_in_threads() -> None:
    with client(time_limit=0.001) as c:
        r = c.post("/api/scan", files=[upload(TWO_COL)], data={"job_text": AD})
        assert r.status_code == 504 and r.json()["error"] == "ScanTimeout" and "0.001 s limit" in r.json()["message"]
        # A PDF, not the plain-text CV: that one now scans in a few milliseconds, within one switch of Python's
        # threads, and a scan that is done when the timer fires is answered.
        r = c.post("/report", files=[("cvs", (TWO_COL.name, TWO_COL.read_bytes()))], data={"job_text": AD})
        assert r.status_code == 504 and "The scan took too long" in r.text


def test_worker_processes_scan_and_stop_at_the_time_limit() -> None:
    with client(workers=1, time_limit=60) as c:
        r = c.post("/api/scan", files=[upload(TWO_COL)], data={"job_text": AD})
        assert r.status_code == 200 and r.json() == expected_report(TWO_COL)
        r = c.post("/api/batch", files=[("cvs", (p.name, p.read_bytes())) for p in (PLAIN, DOCX)],
                   data={"job_text": AD})
        assert r.status_code == 200 and len(r.json()["results"]) == 2
    with client(workers=1, time_limit=0.05) as c:
        r = c.post("/api/scan", files=[upload(TWO_COL)], data={"job_text": AD})
        assert r.status_code == 504 and r.json()["error"] == "ScanTimeout"


# --- privacy and settings ---------------------------------------------------------------------------------


def test_no_cv_text_or_name_in_the_log_and_no_file_left(web: TestClient, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    secret = "Zebulon Quartermain-Fitzwilliam"
    cv = PLAIN.read_text(encoding="utf-8").replace("\n", f"\n{secret} ", 3).encode("utf-8")
    big = cv + b"\nfiller words for a long curriculum vitae line" * 30_000
    assert len(big) > 1024 * 1024  # Starlette spools a part this big to a temporary file
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with caplog.at_level(logging.DEBUG):
        r = web.post("/api/scan", files=[("cv", ("Zebulon_CV.txt", cv))], data={"job_text": AD})
        web.post("/api/scan", files=[("cv", ("Zebulon_CV.pdf", ELF))], data={"job_text": AD})
        web.post("/api/batch", files=[("cvs", ("Zebulon_CV.txt", big))], data={"job_text": AD})
    assert r.status_code == 200 and secret in json.dumps(r.json())  # the report itself may quote the CV
    assert sum(rec.name == "scanner.web" for rec in caplog.records) == 3
    assert secret not in caplog.text and "Zebulon" not in caplog.text
    assert list(tmp_path.iterdir()) == []  # nothing kept on disk after the requests


def test_a_request_leaves_no_line_of_the_cv_in_the_workers_caches(web: TestClient) -> None:
    from scanner.normalize import line_caches

    r = web.post("/api/scan", files=[upload(PLAIN)], data={"job_text": AD})
    assert r.status_code == 200 and r.json()["keywords"]["matched"]
    assert len(line_caches()) >= 6
    for cache in line_caches():
        assert cache.cache_info().currsize == 0, cache


def test_settings_check_themselves() -> None:
    for bad, field in [({"max_file_bytes": 0}, "max_file_bytes"), ({"max_files": 0}, "max_files"),
                       ({"time_limit": 0}, "time_limit"), ({"workers": -1}, "workers"),
                       ({"max_ad_chars": 0}, "max_ad_chars")]:
        with pytest.raises(SettingsError, match=field):
            WebSettings(**bad)  # type: ignore[arg-type]


def test_serve_without_the_extra_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a))
    result = CliRunner().invoke(main, ["serve"], catch_exceptions=False)
    assert result.exit_code == 2 and "pip install 'cvscan[web]'" in result.stderr and "fastapi" in result.stderr
    with pytest.raises(scanner.WebUnavailableError):
        create_app()
