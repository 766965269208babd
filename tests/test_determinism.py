"""A scan needs no network and gives byte-identical output every run, in one process or in two."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURES

import scanner
from scanner.cli import main

CVS = ["cv_ml_two_column.pdf", "cv_data_scientist.docx", "cv_markdown.md"]
AD = FIXTURES / "job_ml_engineer.txt"


class NetworkUsed(AssertionError):
    pass


def _refuse(*args: object, **kwargs: object) -> None:
    raise NetworkUsed(f"a scan tried to open a socket: {args!r}")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket, "socket", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)


def test_the_guard_works(no_network: None) -> None:
    with pytest.raises(NetworkUsed):
        socket.create_connection(("example.com", 80))


@pytest.mark.parametrize("cv", CVS)
def test_two_scans_without_network_give_identical_json(cv: str, no_network: None) -> None:
    runs = []
    for _ in range(2):
        result = CliRunner().invoke(main, ["scan", str(FIXTURES / cv), "--job", str(AD), "--format", "json"],
                                    catch_exceptions=False)
        assert result.exit_code == 0, result.output
        runs.append(result.stdout.encode("utf-8"))
    assert runs[0] == runs[1]
    assert scanner.to_json(scanner.scan(FIXTURES / cv, AD)).encode("utf-8") in runs[0]


# Blocks sockets before cvscan is imported, then runs the CLI: the same check in a fresh process.
_OFFLINE = """
import socket, sys
def refuse(*a, **k):
    raise OSError("network use in an offline scan")
socket.socket = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from scanner.cli import main
sys.argv = ["cvscan", *sys.argv[1:]]
main()
"""


def test_separate_processes_with_different_hash_seeds_agree(tmp_path: Path) -> None:
    outputs = []
    for seed in ("1", "2"):
        done = subprocess.run(
            [sys.executable, "-c", _OFFLINE, "scan", str(FIXTURES / "cv_ml_two_column.pdf"), "--job", str(AD),
             "--format", "json"],
            capture_output=True, timeout=120, env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=tmp_path)  # outside the checkout, so the installed package is imported, not the source tree
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
