"""End to end: ``cvscan serve`` in a subprocess, driven by Debian's Chromium (headless) through Playwright.

Never downloads a browser: Playwright launches the system's chromium binary. Skips only when chromium or
the playwright package is truly absent (CI installs both).
"""

from __future__ import annotations

import base64
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES

import scanner

CHROMIUM = next((p for p in (os.environ.get("CVSCAN_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"),
                             shutil.which("chromium-browser")) if p and os.path.exists(p)), None)
AD = (FIXTURES / "job_ml_engineer.txt").read_text(encoding="utf-8")
CV = FIXTURES / "cv_ml_two_column.pdf"
SHOT = Path("/tmp/cvscan_screenshot.png")
_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
          "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'cvscan[web]'")
    port = _free_port()
    # Run outside the checkout: from its root, "-m scanner" would import the source tree, not the installed package.
    proc = subprocess.Popen([sys.executable, "-m", "scanner", "serve", "--host", "127.0.0.1", "--port", str(port),
                             "--workers", "1"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=tmp_path_factory.mktemp("server"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read().decode() if proc.stderr else ""
                    pytest.fail(f"cvscan serve did not start: {err[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=_FLAGS)
        try:
            yield b
        finally:
            b.close()


def test_upload_by_drag_and_drop_then_read_the_report(server: str, browser: Any, tmp_path: Path) -> None:
    expected = scanner.scan(CV, scanner.job_from_text(AD, source="job_text"))
    page = browser.new_page(viewport={"width": 1200, "height": 1100})
    external: list[str] = []
    page.on("request", lambda req: external.append(req.url) if not req.url.startswith(server) else None)
    page.goto(server + "/")
    assert page.title() == "cvscan: scan a CV against a job ad"
    # Drop the PDF onto the drop zone, as a user dragging it from a file manager would.
    data = page.evaluate_handle(
        """([b64, name]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, {type: "application/pdf"}));
            return dt;
        }""", [base64.b64encode(CV.read_bytes()).decode(), CV.name])
    page.dispatch_event("#drop", "drop", {"dataTransfer": data})
    assert CV.name in page.inner_text("#files")
    assert page.eval_on_selector("#cvs", "el => el.files.length") == 1
    page.fill("#job_text", AD)
    page.screenshot(path=str(tmp_path / "upload.png"))
    with page.expect_navigation():
        page.click("#submit")
    score = page.inner_text('[data-testid="score"]')
    assert score == f"{expected.score:.1f}"
    missing = page.inner_text("#missing")
    assert f"Missing keywords ({len(expected.missing)})" in missing
    for keyword in expected.missing:
        assert keyword.term in missing
    assert page.is_visible("#breakdown") and page.is_visible("#suggestions")
    assert "\\r" not in page.inner_text("#breakdown")  # the form's CRLF line ends do not leak into the ad
    shot = tmp_path / "report.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    shutil.copyfile(shot, SHOT)
    page.screenshot(path=str(tmp_path / "report_full.png"), full_page=True)
    assert external == []  # the upload page and the report load nothing from elsewhere
    page.close()


def test_several_cvs_give_a_sortable_ranking(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(server + "/")
    files = [FIXTURES / "cv_plain.txt", CV, FIXTURES / "cv_data_scientist.docx"]
    page.set_input_files("#cvs", [str(f) for f in files])
    page.fill("#job_text", AD)
    with page.expect_navigation():
        page.click("#submit")
    assert page.inner_text("h1").startswith("Ranking against")

    def column(i: int) -> list[str]:
        return [c.strip() for c in page.eval_on_selector_all(
            f"#ranking tbody tr td:nth-child({i})", "cells => cells.map(c => c.textContent)")]

    ranked = [float(s) for s in column(6)]  # rank, file, name, e-mail, same as, score
    assert ranked == sorted(ranked, reverse=True) and len(ranked) == 3
    assert "Leena Varghese" in column(3) and "leena.varghese@example.com" in column(4)
    page.click("#ranking th:nth-child(2) button")  # by file name, A to Z
    assert column(2) == sorted(column(2), key=str.lower)
    page.click("#ranking th:nth-child(6) button")  # by score, best first
    assert [float(s) for s in column(6)] == ranked
    page.close()


def test_a_renamed_executable_gets_an_error_page(server: str, browser: Any, tmp_path: Path) -> None:
    fake = tmp_path / "cv.pdf"
    fake.write_bytes(b"MZ\x90\x00" + bytes(2048))
    page = browser.new_page()
    page.goto(server + "/")
    page.set_input_files("#cvs", str(fake))
    page.fill("#job_text", AD)
    with page.expect_navigation():
        page.click("#submit")
    assert "Not a CV file cvscan can read" in page.inner_text("h1")
    assert "Windows executable" in page.inner_text('[role="alert"]')
    page.close()
