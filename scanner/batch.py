"""Batch scoring: many CVs against one job ad, in parallel processes or on a Dask cluster.

The parent analyses the ad and loads the taxonomy once; workers receive them once (loky: the executor's
initializer; Dask: one broadcast ``scatter``) and keep them. Each file becomes either a
:class:`~scanner.records.Report` or a :class:`BatchFailure` row, never a crash of the batch:

- a :class:`~scanner.errors.ScannerError` becomes a row with its ``kind`` and message;
- any other exception in a worker becomes an ``internal`` row;
- a file slower than the per-file time limit is stopped inside its worker (an alarm signal), and if the worker
  does not come back (stuck in C code) the parent kills the worker processes and replaces them, re-queueing the
  other files that were running; a worker that dies is replaced the same way, and the files it may have been
  scanning are retried one at a time so the one that kills it is named;
- Ctrl-C stops the batch; what has finished is kept.

Results stream out of :func:`iter_batch` as they finish; nothing holds every document in the parent.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .cache import DocumentCache, analysis_version
from .errors import NotACVError, ScannerError, ScanTimeoutError, SettingsError
from .extract import extract
from .extract.limits import time_limit
from .extract.pdfium import resolve_engine
from .pipeline import ScanSettings, analyse_cv, is_job_ad, scan_document
from .records import CVAnalysis, Document, JobPosting, JobSummary, Report
from .render import compact_json, to_dict
from .structure import current_month
from .taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    import pandas

#: Suffixes picked up when a folder is given (the format itself is still sniffed from the content).
SUFFIXES = frozenset({".pdf", ".docx", ".txt", ".md"})
DEFAULT_TIMEOUT = 60.0
SCHEDULER_ENV = "CVSCAN_SCHEDULER"

# Time allowed, beyond the per-file limit, for a fresh worker process to start and import cvscan.
_STARTUP_GRACE = 60.0


@dataclass(frozen=True, slots=True)
class BatchFailure:
    """A file of a batch that gave no report: ``error`` is the ScannerError kind, or ``internal``."""

    file: str
    error: str
    message: str


@dataclass(frozen=True, slots=True)
class ReportText:
    """A report as its compact JSON text (:func:`~scanner.render.compact_json`), made in the worker: a batch
    written to a file needs only that, and a string crosses between processes many times cheaper than the
    report's records (and leaves the parent, which shares the cores, almost nothing to do per file)."""

    file: str
    score: float
    text: str


Outcome = Report | ReportText | BatchFailure


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Every report of a batch, ranked best first, and every file that failed."""

    job: JobSummary
    job_file: str
    reports: tuple[Report, ...]
    errors: tuple[BatchFailure, ...]
    interrupted: bool = False


# --- input discovery --------------------------------------------------------------------------------------


def discover(inputs: Iterable[str | os.PathLike[str]], *, recursive: bool = False) -> list[str]:
    """The files to scan: files given by name as they are, and PDF/DOCX/TXT/MD files found in folders.

    Hidden files and folders (names starting with a dot) are skipped; each folder's files come in sorted
    order; a file named twice is scanned once. Subfolders are searched when ``recursive`` is true, and also
    for a folder with no such file of its own (CVs kept in one subfolder per role or per month): pointing at
    it would otherwise find nothing. Symbolic links to folders are followed, but each folder is searched once,
    so a link back up the tree (or a second name for a folder) neither loops nor finds its files twice.
    """
    found: list[str] = []
    seen: set[str] = set()
    searched: set[tuple[int, int]] = set()  # (device, inode) of each folder searched

    def add(path: str) -> None:
        key = os.path.normpath(path)
        if key not in seen:
            seen.add(key)
            found.append(path)

    for item in inputs:
        name = os.fspath(item)
        if not os.path.isdir(name):
            add(name)
            continue
        paths = list(_walk(name, recursive, searched))
        if not paths and not recursive:
            if (key := _folder_key(name)) is not None:
                searched.discard(key)  # searched for files of its own only: now through its subfolders
            paths = list(_walk(name, True, searched))
        for path in paths:
            add(path)
    return found


def _folder_key(folder: str) -> tuple[int, int] | None:
    try:
        info = os.stat(folder)
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _walk(folder: str, recursive: bool, searched: set[tuple[int, int]]) -> Iterator[str]:
    key = _folder_key(folder)
    if key is None or key in searched:
        return
    searched.add(key)
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return
    subdirs: list[str] = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = os.path.join(folder, entry.name)
        try:
            is_dir = entry.is_dir()
            is_file = not is_dir and entry.is_file()
        except OSError:  # e.g. a symbolic link in a loop of links
            continue
        if is_dir:
            if recursive:
                subdirs.append(path)
        elif is_file and Path(entry.name).suffix.lower() in SUFFIXES:
            yield path
    for sub in subdirs:
        yield from _walk(sub, recursive, searched)


# --- the work done for one file ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Context:
    """What every worker needs, sent once per worker."""

    job: JobPosting
    taxonomy: Taxonomy
    settings: ScanSettings
    timeout: float | None
    cache_dir: str | None
    as_text: bool = False  # return each report as a ReportText


_worker_context: _Context | None = None


def _init_worker(ctx: _Context) -> None:
    global _worker_context
    _worker_context = ctx
    _tune_gc()


def _tune_gc() -> None:
    """Garbage collection for a worker that scans file after file.

    What is loaded by now (modules, the taxonomy, the ad's analysis) lives as long as the worker: frozen, the
    collector never walks it again (nor, in a forked worker, copies the parent's pages by touching them). And
    a scan allocates hundreds of thousands of short-lived objects (pypdf's above all): collecting the youngest
    every 10,000 allocations instead of Python's 700 cut a pypdf scan by about a tenth (137 against 152 ms per
    real CV, measured in one process).
    """
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def cache_variant(settings: ScanSettings) -> str:
    """The extraction options a cache entry depends on: engine, OCR, and the limits a file must pass.

    The engine "auto" resolves to what is installed, so the key names the engine actually used; the limits are
    in the key so a cached document never lets a file skip a stricter limit than the one it was read under.
    """
    limits = replace(settings.limits, max_seconds=None)
    return f"engine={resolve_engine(settings.pdf_engine)},ocr={settings.ocr},{limits!r}"


def _extract(path: str, ctx: _Context) -> tuple[Document, CVAnalysis | None]:
    """The file's document and, with a cache, its analysis (from the cache where it has them)."""
    s = ctx.settings
    limits = replace(s.limits, max_seconds=None)  # the batch's own per-file time limit is in charge
    if ctx.cache_dir is None:
        return extract(path, max_bytes=s.max_file_bytes, ocr=s.ocr, engine=s.pdf_engine, limits=limits), None
    cache = DocumentCache(ctx.cache_dir, variant=cache_variant(s))
    try:
        with open(path, "rb") as fh:
            data = fh.read(s.max_file_bytes + 1)
    except OSError:
        data = b""
    doc = cache.get(data, path) if data else None
    if doc is None:
        doc = extract(path, max_bytes=s.max_file_bytes, ocr=s.ocr, engine=s.pdf_engine,
                      limits=limits)  # the usual clear errors
        cache.put(data, doc)
    today = s.today or current_month()
    analysis = cache.get_analysis(doc, today)
    if analysis is None:
        analysis = analyse_cv(doc, replace(s, today=today), taxonomy=ctx.taxonomy)
        cache.put_analysis(doc, today, analysis)
    return doc, analysis


def _timeout_error(path: str, seconds: float) -> ScanTimeoutError:
    return ScanTimeoutError(
        f"scanning took longer than the {seconds:g} s limit per file and was stopped.",
        path=path,
        fix="check the file (a very large or malformed document?) or raise --timeout.",
    )


@contextmanager
def _time_limit(seconds: float | None, path: str) -> Iterator[None]:
    """Raise ScanTimeoutError in this thread after ``seconds``; only in a process's main thread on POSIX."""
    with time_limit(seconds, lambda: _timeout_error(path, seconds or 0.0)):
        yield


def _scan_file(path: str, ctx: _Context | None = None) -> Outcome:
    """Scan one file in a worker; every failure becomes a BatchFailure."""
    ctx = ctx or _worker_context
    if ctx is None:
        return BatchFailure(path, "internal", f"{path}: the worker was not initialised.")
    try:
        with _time_limit(ctx.timeout, path):
            doc, analysis = _extract(path, ctx)
            if is_job_ad(doc, ctx.job):  # a copy of the ad among the CVs would match every keyword and top the table
                raise NotACVError("the file holds the job ad's own text, not a CV, so it is not ranked.", path=path,
                                  fix="take the job ad out of the CVs' folder (give it only as --job).")
            report = scan_document(doc, ctx.job, taxonomy=ctx.taxonomy, settings=ctx.settings, analysis=analysis)
        if ctx.as_text:
            return ReportText(report.file, report.score, compact_json(to_dict(report)))
        return report
    except ScannerError as exc:
        return BatchFailure(path, exc.kind, str(exc))
    except Exception as exc:  # one file's bug must not stop the batch
        detail = str(exc)[:200]  # library messages describe structure, not the CV's text; bounded anyway
        return BatchFailure(path, "internal", f"{path}: internal error {type(exc).__name__}: {detail}")


# --- running the files ------------------------------------------------------------------------------------


class _Pool:
    """A concurrent.futures executor that can be killed and replaced."""

    capacity: int = 1
    kills_workers = False  # kill() stops stuck workers (and their siblings) and starts fresh ones

    def submit(self, path: str) -> cf.Future[Outcome]:
        raise NotImplementedError

    def kill(self) -> None:
        """Stop every running task (kill the worker processes where possible)."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _ProcessPool(_Pool):
    """Worker processes on this machine, each given the context once; a stuck one can be killed."""

    kills_workers = True

    def __init__(self, ctx: _Context, jobs: int,
                 fn: Callable[[str], Outcome] = _scan_file) -> None:
        self.ctx = ctx
        self.capacity = jobs
        self.fn = fn
        self._executor: Any = None


class _LokyPool(_ProcessPool):
    """Worker processes from joblib's loky; the context reaches each worker once through its initializer."""

    def _get(self) -> Any:
        if self._executor is None:
            from joblib.externals.loky import get_reusable_executor

            self._executor = get_reusable_executor(
                max_workers=self.capacity, initializer=_init_worker, initargs=(self.ctx,), reuse="auto")
        return self._executor

    def submit(self, path: str) -> cf.Future[Outcome]:
        future: cf.Future[Outcome] = self._get().submit(self.fn, path)
        return future

    def kill(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, kill_workers=True)
            self._executor = None

    def close(self) -> None:
        pass  # the reusable executor stays for the next batch of this process (its workers time out idle)


def _init_forked_worker(ctx: _Context) -> None:
    # Ctrl-C reaches the whole process group: the parent stops the batch and keeps what finished; a worker
    # that raised KeyboardInterrupt too would turn the file it was scanning into a spurious error.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _init_worker(ctx)


def fork_available() -> bool:
    """Whether workers can start by fork: Linux, and this process runs one thread (forking a process with other
    threads can copy a lock one of them holds, and the child would wait on it for ever)."""
    return (sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()
            and threading.active_count() == 1)


class _ForkPool(_ProcessPool):
    """Worker processes forked from this one: they start in milliseconds with everything the parent loaded
    (modules, the taxonomy, the ad's analysis and their caches) instead of importing cvscan afresh."""

    _executor: cf.ProcessPoolExecutor | None

    def _get(self) -> cf.ProcessPoolExecutor:
        if self._executor is None:
            # With fork, Python starts every worker up front, before the executor's own thread exists.
            self._executor = cf.ProcessPoolExecutor(
                max_workers=self.capacity, mp_context=multiprocessing.get_context("fork"),
                initializer=_init_forked_worker, initargs=(self.ctx,))
        return self._executor

    def submit(self, path: str) -> cf.Future[Outcome]:
        return self._get().submit(self.fn, path)

    def kill(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            processes = list(getattr(executor, "_processes", {}).values())  # no public way before Python 3.14
            for process in processes:
                with contextlib.suppress(OSError):
                    process.kill()
            executor.shutdown(wait=True, cancel_futures=True)

    def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)


class _DaskPool(_Pool):
    """Tasks on a Dask distributed cluster; the context is scattered to every worker once."""

    def __init__(self, ctx: _Context, scheduler: Any) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise SettingsError(
                "running on a Dask cluster needs the dask extra: pip install 'cvscan[dask]'.") from exc
        Client: Any = distributed.Client  # untyped library
        self._client: Any
        if isinstance(scheduler, Client):
            self._client, self._own = scheduler, False
        else:
            try:
                self._client, self._own = Client(str(scheduler), timeout=10, set_as_default=False), True
            except OSError as exc:
                raise SettingsError(f"cannot reach the Dask scheduler at {scheduler}: {exc}.") from exc
        self._ctx = self._client.scatter(ctx, broadcast=True, hash=False)
        self._executor = self._client.get_executor(pure=False)
        self.capacity = max(1, sum(self._client.nthreads().values()))

    def submit(self, path: str) -> cf.Future[Outcome]:
        future: cf.Future[Outcome] = self._executor.submit(_scan_file, path, self._ctx)
        return future

    def kill(self) -> None:
        pass  # a Dask worker's thread cannot be killed; its futures are cancelled by the caller

    def close(self) -> None:
        if self._own:
            self._client.close()


def _run(pool: _Pool, paths: Sequence[str], timeout: float | None,
         progress: Callable[[int, int], None] | None, *,
         startup_grace: float = _STARTUP_GRACE) -> Iterator[Outcome]:
    """Yield one outcome per path, as they finish, keeping ``pool.capacity`` files in flight (twice that for
    worker processes: a worker that finishes a file finds the next one waiting instead of idling while its
    result travels to this process and a new file back)."""
    total = len(paths)
    pending: collections.deque[str] = collections.deque(paths)
    isolate: collections.deque[str] = collections.deque()  # files running when a worker died, retried alone
    suspects: set[str] = set()
    running: dict[cf.Future[Outcome], tuple[str, float]] = {}
    # The in-worker alarm stops a slow file at `timeout`; this later deadline catches a worker that never returns.
    backstop = None if timeout is None else timeout + max(2.0, timeout)
    inflight = pool.capacity * (2 if pool.kills_workers else 1)
    fresh = True
    done = 0

    def deadline() -> float:
        if backstop is None:
            return float("inf")
        # A file beyond the workers' number waits for one of theirs, which its own limit ends at `timeout`.
        queued = timeout if timeout is not None and len(running) >= pool.capacity else 0.0
        return time.monotonic() + backstop + queued + (startup_grace if fresh else 0.0)

    try:
        while pending or isolate or running:
            if isolate:
                if not running:
                    path = isolate.popleft()
                    running[pool.submit(path)] = (path, deadline())
            else:
                while pending and len(running) < inflight:
                    path = pending.popleft()
                    running[pool.submit(path)] = (path, deadline())
            wait_for = None
            if backstop is not None:
                wait_for = max(0.0, min(d for _, d in running.values()) - time.monotonic())
            finished, _ = cf.wait(list(running), timeout=wait_for, return_when=cf.FIRST_COMPLETED)
            crashed: list[str] = []
            for future in finished:
                path, _ = running.pop(future)
                try:
                    outcome = future.result()
                except cf.CancelledError:
                    continue
                except Exception as exc:  # the worker process died (or the pool broke)
                    crashed.append(path)
                    detail = f"{type(exc).__name__}: {str(exc)[:200]}"
                    if path in suspects:
                        outcome = BatchFailure(path, "internal",
                                             f"{path}: the worker process died while scanning this file ({detail}).")
                    else:
                        continue
                fresh = False
                done += 1
                yield outcome  # before the progress call, so an interrupt there loses nothing
                if progress is not None:
                    progress(done, total)
            if crashed:
                # The pool is broken: every file still running is retried, one at a time.
                for path, _ in running.values():
                    crashed.append(path)
                pool.kill()
                running.clear()
                fresh = True
                for path in crashed:
                    if path not in suspects:
                        suspects.add(path)
                        isolate.append(path)
                continue
            now = time.monotonic()
            late = [f for f, (_, d) in running.items() if d <= now]
            if late:
                for future in late:
                    path, _ = running.pop(future)
                    future.cancel()
                    done += 1
                    assert timeout is not None
                    err = _timeout_error(path, timeout)
                    yield BatchFailure(path, err.kind, str(err))
                    if progress is not None:
                        progress(done, total)
                if pool.kills_workers:
                    # Killing the stuck process kills its siblings too; their files go back to the queue.
                    for path, _ in running.values():
                        pending.appendleft(path)
                    pool.kill()
                    running.clear()
                    fresh = True
    finally:
        if running:
            for future in running:
                future.cancel()
            pool.kill()
        pool.close()


def _check_options(jobs: int | None, timeout: float | None) -> int:
    if timeout is not None and not timeout > 0:
        raise SettingsError(f"timeout must be a positive number of seconds, not {timeout}.")
    n = (os.cpu_count() or 1) if jobs is None else jobs
    if n < 1:
        raise SettingsError(f"jobs must be 1 or more, not {jobs}.")
    return n


def iter_batch(
    paths: Sequence[str],
    job: JobPosting,
    *,
    taxonomy: Taxonomy | None = None,
    settings: ScanSettings | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[Report | BatchFailure]:
    """Scan each file against an analysed job ad, yielding a Report or a BatchFailure per file as they finish.

    ``jobs``: worker processes (default: the number of CPUs). ``timeout``: seconds per file (None: no limit).
    ``cache_dir``: keep extracted documents there (see :mod:`scanner.cache`); the PDF engine and OCR come
    from ``settings``. ``scheduler``: a Dask scheduler
    address (``tcp://host:port``) or a ``distributed.Client``, instead of local processes; files are read on
    the Dask workers, so the paths must be valid there. ``progress(done, total)`` is called after each file.
    """
    outcomes = _outcomes(paths, job, taxonomy=taxonomy, settings=settings, jobs=jobs, timeout=timeout,
                         cache_dir=cache_dir, scheduler=scheduler, progress=progress, as_text=False)
    return cast(Iterator[Report | BatchFailure], outcomes)


def iter_report_texts(
    paths: Sequence[str],
    job: JobPosting,
    *,
    taxonomy: Taxonomy | None = None,
    settings: ScanSettings | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> Iterator[ReportText | BatchFailure]:
    """Like :func:`iter_batch`, each report as its JSON text, rendered in the worker (for batch outputs)."""
    outcomes = _outcomes(paths, job, taxonomy=taxonomy, settings=settings, jobs=jobs, timeout=timeout,
                         cache_dir=cache_dir, scheduler=scheduler, progress=progress, as_text=True)
    return cast(Iterator[ReportText | BatchFailure], outcomes)


def _outcomes(paths: Sequence[str], job: JobPosting, *, taxonomy: Taxonomy | None, settings: ScanSettings | None,
              jobs: int | None, timeout: float | None, cache_dir: str | os.PathLike[str] | None, scheduler: Any,
              progress: Callable[[int, int], None] | None, as_text: bool) -> Iterator[Outcome]:
    settings = settings or ScanSettings()
    n = _check_options(jobs, timeout)
    ctx = _Context(job=job, taxonomy=taxonomy or load_taxonomy(settings.taxonomy_path), settings=settings,
                   timeout=timeout, cache_dir=None if cache_dir is None else os.fspath(cache_dir), as_text=as_text)
    if cache_dir is not None:
        try:
            Path(cache_dir).mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise SettingsError(f"cannot make the cache folder ({exc.strerror or exc}).", path=os.fspath(cache_dir),
                                fix="give --cache a folder you can write to (it is made if missing).") from exc
        analysis_version()  # worked out once here: forked workers inherit it
    pool: _Pool
    if scheduler is not None:
        pool = _DaskPool(ctx, scheduler)
    elif fork_available():
        pool = _ForkPool(ctx, n)
    else:
        pool = _LokyPool(ctx, n)
    return _run(pool, list(paths), timeout, progress)


def rank_reports(reports: Iterable[Report]) -> list[Report]:
    """Best score first; ties by file name, so the order is deterministic."""
    return sorted(reports, key=lambda r: (-r.score, r.file))


def run_batch(
    paths: Sequence[str],
    job: JobPosting,
    *,
    taxonomy: Taxonomy | None = None,
    settings: ScanSettings | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> BatchResult:
    """Like :func:`iter_batch`, collected into a ranked :class:`BatchResult`; Ctrl-C keeps what finished."""
    reports: list[Report] = []
    errors: list[BatchFailure] = []
    interrupted = False
    outcomes = iter_batch(paths, job, taxonomy=taxonomy, settings=settings, jobs=jobs, timeout=timeout,
                          cache_dir=cache_dir, scheduler=scheduler, progress=progress)
    try:
        for outcome in outcomes:
            (errors if isinstance(outcome, BatchFailure) else reports).append(outcome)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        interrupted = True
    return BatchResult(
        job=JobSummary(job.title, job.years_required, job.degree_required),
        job_file=job.source,
        reports=tuple(rank_reports(reports)),
        errors=tuple(sorted(errors, key=lambda e: e.file)),
        interrupted=interrupted,
    )


def scan_many(
    paths: Iterable[str | os.PathLike[str]],
    job: str | os.PathLike[str] | JobPosting,
    *,
    taxonomy: Taxonomy | None = None,
    settings: ScanSettings | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike[str] | None = None,
    scheduler: Any = None,
    recursive: bool = False,
) -> pandas.DataFrame:
    """Scan many CVs (files or folders) against one job ad: a ranked table, one row per file.

    Columns: file, rank, score, one per score component, missing (top missing keywords), failing_checks,
    error, message. Files that failed come last, with no rank or score and their error kind and message.
    """
    from .pipeline import load_job
    from .ranking import batch_frame, row_from_report

    settings = settings or ScanSettings()
    taxonomy = taxonomy or load_taxonomy(settings.taxonomy_path)
    posting = job if isinstance(job, JobPosting) else load_job(job, taxonomy=taxonomy, settings=settings)
    rows = []
    errors: list[BatchFailure] = []
    for outcome in iter_batch(discover(paths, recursive=recursive), posting, taxonomy=taxonomy,
                              settings=settings, jobs=jobs, timeout=timeout, cache_dir=cache_dir,
                              scheduler=scheduler):
        if isinstance(outcome, BatchFailure):
            errors.append(outcome)
        else:
            rows.append(row_from_report(outcome))
    return batch_frame(rows, errors)


def default_scheduler() -> str | None:
    """The Dask scheduler address from the environment (``CVSCAN_SCHEDULER``), if any."""
    return os.environ.get(SCHEDULER_ENV) or None
