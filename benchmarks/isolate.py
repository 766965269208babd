"""Run functions in forked children with a capped address space and a wall-clock limit; measure each.

Shared by ``fuzz_extract.py`` and ``bench_hostile.py``. The parent imports cvscan once; each case runs in a
fresh ``fork()`` of it (cheap, and a crash, hang or memory blow-up stays inside the child). The child caps its
address space with ``RLIMIT_AS``, runs the case, and writes a JSON result to a pipe; the parent reaps it with
``os.wait4``, which gives that child's own peak RSS, and kills it when it overruns the time limit (a hang).
POSIX only.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Outcome:
    """How one case ended: ``status`` is "done", "hang" (killed at the limit) or "crash" (died without a result)."""

    key: Any
    status: str
    result: dict[str, Any]
    seconds: float
    peak_mb: float
    detail: str = ""


def _child(case: Callable[[], dict[str, Any]], write_fd: int, memory_mb: int, quiet: bool) -> None:
    try:
        cap = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
        if quiet:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
        try:
            result = case()
        except BaseException as exc:  # everything: this is what the fuzzer looks for
            result = {"outcome": "uncaught", "type": type(exc).__name__,
                      "where": traceback.format_exc(limit=-3)[-1500:]}
        os.write(write_fd, json.dumps(result, default=str).encode("utf-8")[:60_000])
    finally:
        os._exit(0)


def run_isolated(cases: Iterable[tuple[Any, Callable[[], dict[str, Any]]]], *, timeout: float, memory_mb: int,
                 jobs: int = 1, quiet: bool = True) -> Iterator[Outcome]:
    """Run each (key, case) in its own forked child, ``jobs`` at a time; yield an Outcome per case as it ends."""
    pending = iter(cases)
    running: dict[int, tuple[Any, float, int]] = {}
    killed: set[int] = set()
    exhausted = False
    while running or not exhausted:
        while not exhausted and len(running) < jobs:
            item = next(pending, None)
            if item is None:
                exhausted = True
                break
            key, case = item
            read_fd, write_fd = os.pipe()
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                os.close(read_fd)
                _child(case, write_fd, memory_mb, quiet)
            os.close(write_fd)
            running[pid] = (key, time.monotonic(), read_fd)
        if not running:
            break
        pid, status, usage = os.wait4(-1, os.WNOHANG)
        now = time.monotonic()
        if pid == 0:
            for child, (_, started, _) in running.items():
                if now - started > timeout and child not in killed:
                    os.kill(child, signal.SIGKILL)  # reaped on a later turn, reported as a hang
                    killed.add(child)
            time.sleep(0.002)
            continue
        key, started, read_fd = running.pop(pid)
        raw = _drain(read_fd)
        seconds, peak = now - started, usage.ru_maxrss / 1024
        if pid in killed:
            killed.discard(pid)
            yield Outcome(key, "hang", {}, seconds, peak, f"killed after {timeout:g} s")
        elif raw:
            yield Outcome(key, "done", json.loads(raw), seconds, peak)
        else:
            how = f"signal {os.WTERMSIG(status)}" if os.WIFSIGNALED(status) else f"exit {os.WEXITSTATUS(status)}"
            yield Outcome(key, "crash", {}, seconds, peak, f"died ({how}) without a result")


def _drain(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    os.close(fd)
    return b"".join(chunks)
