"""Safety limits for documents from strangers: size, archive, page, object, stream, text and time bounds.

CVs and job ads arrive from anyone. Every bound below is far above what a real CV or ad needs (a CV is 1-5
pages, tens of kilobytes of text, a few dozen PDF objects or DOCX parts), so a breach means a broken or
hostile file; it raises a :class:`~scanner.errors.LimitExceededError` naming the file and the limit. The
file-size limit itself is ``max_bytes`` of :func:`~scanner.extract.extract` (``ScanSettings.max_file_bytes``).
"""

from __future__ import annotations

import gc
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

from ..errors import LimitExceededError, ScannerError, ScanTimeoutError, SettingsError

MIB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds applied while reading one document; each is checked when the limits are made.

    ``max_seconds``: wall-clock time to read one file (None: no limit; enforced with an alarm signal, so only
    in a process's main thread on POSIX). ``max_text_chars``: characters of text after extraction.
    ``max_pages``: PDF pages. ``max_pdf_objects``: objects in a PDF's cross-reference table.
    ``max_stream_bytes``: one PDF stream, decoded. ``max_zip_entries``: files in a DOCX archive.
    ``max_unpacked_bytes``: a DOCX archive's total size once unpacked. ``max_compression_ratio``: unpacked to
    packed size of one DOCX member (members under 1 MiB unpacked are not held to it).
    """

    max_seconds: float | None = 30.0
    max_text_chars: int = 1_000_000
    max_pages: int = 100
    max_pdf_objects: int = 100_000
    max_stream_bytes: int = 32 * MIB
    max_zip_entries: int = 1_000
    max_unpacked_bytes: int = 64 * MIB
    max_compression_ratio: float = 100.0

    def __post_init__(self) -> None:
        if self.max_seconds is not None and not 0 < self.max_seconds <= 86_400:
            raise SettingsError(f"max_seconds must be None or between 0 and 86400 seconds, not {self.max_seconds}.")
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "max_seconds":
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 1:
                raise SettingsError(f"{f.name} must be a number of at least 1, not {value!r}.")
            if f.type == "int" and not isinstance(value, int):
                raise SettingsError(f"{f.name} must be a whole number, not {value!r}.")


def over_limit(name: str, what: str, limit: str, *, fix: str | None = None) -> LimitExceededError:
    """The error for a breach of ``limit`` (a field of :class:`Limits`); ``what`` says what was found."""
    return LimitExceededError(
        f"{what}, over the safety limit {limit}; the file looks broken or built to overload a parser.",
        path=name,
        fix=fix or f"re-export the document from the program that made it; if it is genuine, raise Limits.{limit}.",
        limit=limit,
    )


def timeout_error(name: str, seconds: float) -> ScanTimeoutError:
    """The error for a file that took longer than the per-file time limit."""
    return ScanTimeoutError(
        f"reading the file took longer than the {seconds:g} s limit per file and was stopped.",
        path=name,
        fix="re-export the document (it may be damaged or built to hang a parser); if it is genuine, "
            "raise Limits.max_seconds.",
    )


def brief(exc: BaseException, limit: int = 200) -> str:
    """An exception as one short line for a message: its type, then its text with whitespace collapsed."""
    text = " ".join(str(exc).split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


_collecting = [False]  # whether the garbage collector is running (its callbacks run finalisers)


def _on_gc(phase: str, info: dict[str, int]) -> None:
    _collecting[0] = phase == "start"


gc.callbacks.append(_on_gc)


def _in_finaliser(frame: Any) -> bool:
    """Whether the code running is a destructor or a weakref callback (the garbage collector runs them at any
    moment): an exception raised there is printed and dropped instead of stopping the scan."""
    if _collecting[0]:
        return True
    while frame is not None:
        code = frame.f_code
        if code.co_name == "__del__" or code.co_filename.endswith(("_weakrefset.py", "weakref.py")):
            return True
        frame = frame.f_back
    return False


@contextmanager
def time_limit(seconds: float | None, error: Callable[[], ScannerError]) -> Iterator[None]:
    """Raise ``error()`` in this thread after ``seconds`` (None: no limit).

    Uses SIGALRM, so it only acts in a process's main thread on POSIX; elsewhere it does nothing. Limits nest:
    an outer limit that ends sooner stays in charge, and an outer timer is restored (less the time spent) on
    the way out.
    """
    usable = (seconds is not None and hasattr(signal, "setitimer")
              and threading.current_thread() is threading.main_thread())
    if not usable:
        yield
        return
    assert seconds is not None
    outer_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if outer_left and outer_left <= seconds:
        yield  # the enclosing limit ends first
        return
    started = time.monotonic()

    def on_alarm(signum: int, frame: Any) -> None:
        if _in_finaliser(frame):
            return  # the next tick raises
        raise error()

    previous = signal.signal(signal.SIGALRM, on_alarm)
    # After the first alarm, again every 0.1 s until the limit is left: an exception raised while Python runs a
    # destructor or a weakref callback is printed and dropped, and the scan would otherwise go on unbounded.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.1)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if outer_left:
            # Past its end already: fire at once, so the outer limit still raises.
            signal.setitimer(signal.ITIMER_REAL, max(outer_left - (time.monotonic() - started), 1e-3))
