"""Ranked tables of batch results, and their renderers (JSON, CSV, Markdown, HTML).

A batch's JSON output follows ``scanner/schemas/batch.schema.json`` (:func:`batch_schema`)::

    {"schema_version": "1", "job": {"file", "title", "years_required", "degree_required"},
     "results": [report (as scanner.to_dict) + "rank", ...],   # best first
     "errors": [{"file", "error", "message"}, ...], "interrupted": false}

:class:`BatchSink` streams: each report's JSON is written to a temporary spool file as it arrives and only its
score, file name and spool position stay in memory; the JSON output is streamed from the spool in rank order, so
the parent's memory hardly grows with the number of files.
"""

from __future__ import annotations

import io
import json
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import IO, TYPE_CHECKING, Any, TextIO

from .batch import DEFAULT_TIMEOUT, BatchFailure, BatchResult, ReportText, iter_report_texts
from .errors import SettingsError
from .extract import extract
from .html_render import batch_to_html
from .pipeline import ScanSettings, analyse_cv, load_job, scan_document
from .records import JobPosting, JobSummary, Report
from .render import (
    SCHEMA_VERSION,
    compact_json,
    dumps,
    load_schema,
    output_error,
    report_schema,
    to_dict,
    write_atomic,
)
from .taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    import pandas

BATCH_FORMATS = ("json", "csv", "md", "html")
TOP_MISSING = 5


@dataclass(frozen=True, slots=True)
class BatchRow:
    """One line of the ranked table: a report's headline figures."""

    file: str
    score: float
    components: tuple[tuple[str, float], ...]
    missing: tuple[str, ...]  # the most important missing keywords
    failing_checks: tuple[str, ...]  # ids of checks that failed
    name: str | None = None  # the candidate's, as the CV gives it (None where not found)
    email: str | None = None


def row_from_dict(data: dict[str, Any]) -> BatchRow:
    """The row of a report given in the JSON contract's layout."""
    missing = sorted(data["keywords"]["missing"], key=lambda m: (-m["weight"], m["term"]))
    contact = data.get("contact") or {}  # outputs written before reports had it (--resume) have none
    return BatchRow(
        file=data["file"],
        score=float(data["score"]),
        components=tuple((c["component"], float(c["score"])) for c in data["breakdown"]),
        missing=tuple(m["term"] for m in missing[:TOP_MISSING]),
        failing_checks=tuple(c["id"] for c in data["checks"] if c["status"] == "fail"),
        name=contact.get("name"),
        email=contact.get("email"),
    )


def row_from_report(report: Report) -> BatchRow:
    """The row of a report."""
    missing = sorted(report.missing, key=lambda m: (-m.weight, m.term))
    return BatchRow(
        file=report.file,
        score=report.score,
        components=tuple((c.component, c.score) for c in report.breakdown),
        missing=tuple(m.term for m in missing[:TOP_MISSING]),
        failing_checks=tuple(c.id for c in report.checks if c.status == "fail"),
        name=report.contact.name,
        email=report.contact.email,
    )


def _order(row: BatchRow) -> tuple[float, str]:
    return (-row.score, row.file)


def select(rows: Iterable[BatchRow], *, top: int | None = None, min_score: float | None = None) -> list[BatchRow]:
    """Rows ranked best first (ties by file), keeping those scoring at least ``min_score``, at most ``top``."""
    ranked = sorted(rows, key=_order)
    if min_score is not None:
        ranked = [r for r in ranked if r.score >= min_score]
    return ranked[:top] if top is not None else ranked


def same_candidate(ranked: Sequence[BatchRow]) -> list[int | None]:
    """For each ranked row, the rank of the first row above it with the same e-mail address (the same candidate
    sending a second CV, or the same CV in another format), else None."""
    first: dict[str, int] = {}
    out: list[int | None] = []
    for rank, row in enumerate(ranked, 1):
        seen = first.setdefault(row.email.casefold(), rank) if row.email else rank
        out.append(seen if seen != rank else None)
    return out


def batch_frame(rows: Iterable[BatchRow], errors: Iterable[BatchFailure] = ()) -> pandas.DataFrame:
    """The ranked table as a DataFrame; failed files last, without rank or score."""
    import pandas as pd

    ranked = select(rows)
    components: list[str] = []
    for row in ranked:
        for name, _ in row.components:
            if name not in components:
                components.append(name)
    records: list[dict[str, Any]] = []
    for rank, (row, same) in enumerate(zip(ranked, same_candidate(ranked), strict=True), 1):
        parts = dict(row.components)
        records.append({"file": row.file, "name": row.name, "email": row.email, "same_as": same, "rank": rank,
                        "score": row.score, **{c: parts.get(c, math.nan) for c in components},
                        "missing": "; ".join(row.missing), "failing_checks": "; ".join(row.failing_checks),
                        "error": "", "message": ""})
    for err in sorted(errors, key=lambda e: e.file):
        records.append({"file": err.file, "name": None, "email": None, "same_as": None, "rank": None,
                        "score": math.nan, **{c: math.nan for c in components},
                        "missing": "", "failing_checks": "", "error": err.error, "message": err.message})
    columns = ["file", "name", "email", "same_as", "rank", "score", *components, "missing", "failing_checks",
               "error", "message"]
    frame = pd.DataFrame.from_records(records, columns=columns)
    frame["rank"] = frame["rank"].astype("Int64")
    frame["same_as"] = frame["same_as"].astype("Int64")
    return frame


def batch_schema() -> dict[str, Any]:
    """The JSON Schema of a batch's JSON output, with the report schema bundled in (self-contained)."""
    schema = load_schema("batch.schema.json")
    report = report_schema()
    report.pop("$schema", None)
    schema["$defs"]["report"] = report
    return schema


# --- rendering --------------------------------------------------------------------------------------------

_Loader = Callable[[], dict[str, Any]]


def _job_dict(job: JobSummary, job_file: str) -> dict[str, Any]:
    return {"file": job_file, "title": job.title, "years_required": job.years_required,
            "degree_required": job.degree_required}


def _error_dict(err: BatchFailure) -> dict[str, str]:
    return {"file": err.file, "error": err.error, "message": err.message}


def _write_json(fh: TextIO, job: dict[str, Any], ranked: Iterable[str],
                errors: Sequence[BatchFailure], interrupted: bool) -> None:
    """``ranked``: each report's :func:`~scanner.render.compact_json` text, best first; streamed, so any number fits in memory."""
    head = f'{{\n  "schema_version": {json.dumps(SCHEMA_VERSION)},\n  "job": {json.dumps(job, ensure_ascii=False)},'
    fh.write(head + '\n  "results": [')
    rank = 0
    for text in ranked:
        rank += 1
        # The same text as json.dumps(data | {"rank": rank}): the rank is the last key.
        fh.write(("\n    " if rank == 1 else ",\n    ") + f'{text[:-1]}, "rank": {rank}}}')
    fh.write("\n  ],\n  \"errors\": [" if rank else "],\n  \"errors\": [")
    for i, err in enumerate(errors):
        fh.write(("\n    " if i == 0 else ",\n    ") + json.dumps(_error_dict(err), ensure_ascii=False))
    fh.write("\n  ],\n" if errors else "],\n")
    fh.write(f'  "interrupted": {json.dumps(interrupted)}\n}}\n')


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _fmt(value: object) -> str:
    """A Markdown cell's text; missing values come as None (see _write_markdown)."""
    if isinstance(value, float):
        return f"{value:.1f}"
    return "" if value is None else str(value)


_TEXT_COLUMNS = ("file", "name", "email", "missing", "failing_checks")
_FORMULA = ("=", "+", "-", "@", "\t", "\r")  # what makes a spreadsheet read a cell as a formula


def _inert(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (names and
    file names come from the CVs, which anyone can write; OWASP's advice against CSV injection)."""
    return "'" + value if isinstance(value, str) and value.startswith(_FORMULA) else value


def _write_markdown(fh: TextIO, job: dict[str, Any], frame: pandas.DataFrame, interrupted: bool) -> None:
    ok = frame[frame["error"] == ""]
    bad = frame[frame["error"] != ""]
    cols = [c for c in ok.columns if c not in ("error", "message")]
    fh.write(f"# cvscan batch: {_cell(job['title'] or 'the job ad')}\n\n")
    fh.write(f"Job ad: `{_cell(job['file'])}`; {len(ok)} ranked, {len(bad)} failed"
             f"{' (interrupted: partial results)' if interrupted else ''}.\n\n")
    fh.write("| " + " | ".join(c.replace("_", " ") for c in cols) + " |\n")
    fh.write("|" + "|".join("---" if c in _TEXT_COLUMNS else "---:" for c in cols) + "|\n")
    shown = ok[cols].astype(object)
    for rec in shown.where(shown.notna(), None).itertuples(index=False):  # missing values (NaN, NA) as None
        fh.write("| " + " | ".join(_cell(_fmt(v)) for v in rec) + " |\n")
    if len(bad):
        fh.write("\n## Errors\n\n| file | error | message |\n|---|---|---|\n")
        for rec in bad[["file", "error", "message"]].itertuples(index=False):
            fh.write("| " + " | ".join(_cell(v) for v in rec) + " |\n")


def _write(fh: TextIO, fmt: str, job: dict[str, Any], ranked: Sequence[tuple[BatchRow, _Loader]],
           errors: Sequence[BatchFailure], interrupted: bool) -> None:
    if fmt == "json":
        _write_json(fh, job, (compact_json(load()) for _, load in ranked), errors, interrupted)
        return
    if fmt == "html":
        fh.write(batch_to_html(job, [row for row, _ in ranked], errors, interrupted=interrupted))
        return
    frame = batch_frame([row for row, _ in ranked], errors)
    if fmt == "csv":
        for column in (*_TEXT_COLUMNS, "error", "message"):
            frame[column] = frame[column].map(_inert)
        frame.to_csv(fh, index=False, float_format="%.1f", lineterminator="\n")
    elif fmt == "md":
        _write_markdown(fh, job, frame, interrupted)
    else:
        raise ValueError(f"unknown batch format {fmt!r}; one of {', '.join(BATCH_FORMATS)}")


def render_batch(result: BatchResult, fmt: str = "json", *, top: int | None = None,
                 min_score: float | None = None) -> str:
    """A batch result in one of :data:`BATCH_FORMATS`."""
    by_file = {r.file: r for r in result.reports}
    rows = select((row_from_report(r) for r in result.reports), top=top, min_score=min_score)
    ranked = [(row, (lambda f=row.file: to_dict(by_file[f]))) for row in rows]
    out = io.StringIO()
    _write(out, fmt, _job_dict(result.job, result.job_file), ranked, result.errors, result.interrupted)
    return out.getvalue()


class BatchSink:
    """Collects a batch's outcomes as they stream in, spooling each report's JSON to a temporary file.

    Only the score, file name and spool position of each report stay in memory (about 200 bytes, whatever the
    report's size); :meth:`write` sorts those and reads the reports back in rank order (the JSON output is
    streamed; a table format rebuilds one :class:`BatchRow` per ranked report).
    """

    def __init__(self, job: JobSummary, job_file: str, *, spool_dir: str | None = None) -> None:
        self.job = _job_dict(job, job_file)
        self._spool: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115 - lives until close()
            dir=spool_dir, prefix=".cvscan-spool-")
        self._end = 0
        self._entries: list[tuple[float, str, int, int]] = []  # (score, file, offset, length)
        self.errors: list[BatchFailure] = []
        self.files: set[str] = set()

    def __len__(self) -> int:
        return len(self._entries) + len(self.errors)

    def add(self, outcome: Report | ReportText | BatchFailure) -> None:
        if isinstance(outcome, BatchFailure):
            self.add_error(outcome)
        elif isinstance(outcome, ReportText):
            self._add(outcome.score, outcome.file, outcome.text)
        else:
            self._add(outcome.score, outcome.file, compact_json(to_dict(outcome)))

    def add_error(self, error: BatchFailure) -> None:
        self.errors.append(error)
        self.files.add(error.file)

    def add_dict(self, data: dict[str, Any]) -> None:
        """Add a report given in the JSON layout (a result of an earlier run, when resuming)."""
        self._add(float(data["score"]), data["file"], compact_json(data))

    def _add(self, score: float, file: str, text: str) -> None:
        blob = text.encode("utf-8")
        self._spool.seek(self._end)
        self._spool.write(blob)
        self._entries.append((score, file, self._end, len(blob)))
        self._end += len(blob)
        self.files.add(file)

    def _read(self, offset: int, length: int) -> str:
        self._spool.seek(offset)
        return self._spool.read(length).decode("utf-8")

    def _loader(self, offset: int, length: int) -> _Loader:
        def load() -> dict[str, Any]:
            data: dict[str, Any] = json.loads(self._read(offset, length))
            return data
        return load

    def write(self, fh: TextIO, fmt: str, *, top: int | None = None, min_score: float | None = None,
              interrupted: bool = False) -> None:
        """Render the ranked results and the errors to ``fh`` (ranked as :func:`select` does)."""
        ranked = sorted(self._entries, key=lambda e: (-e[0], e[1]))
        if min_score is not None:
            ranked = [e for e in ranked if e[0] >= min_score]
        if top is not None:
            del ranked[top:]
        errors = sorted(self.errors, key=lambda e: e.file)
        if fmt == "json":
            _write_json(fh, self.job, (self._read(offset, length) for _, _, offset, length in ranked), errors,
                        interrupted)
            return
        rows = [(row_from_dict(load()), load) for load in (self._loader(o, n) for _, _, o, n in ranked)]
        _write(fh, fmt, self.job, rows, errors, interrupted)

    def close(self) -> None:
        self._spool.close()


class _JsonStream:
    """A JSON text read in chunks and decoded one value at a time (``json``'s ``raw_decode``): a batch output of
    10,000 reports (some 180 MB) is read in the memory of a chunk and its largest report, where ``json.load``
    would hold all of them as Python objects (about five times the text)."""

    def __init__(self, fh: TextIO, chunk: int = 1 << 20) -> None:
        self._fh = fh
        self._chunk = chunk
        self._buf = ""
        self._pos = 0
        self._eof = False
        # For the place of an error: the characters before the buffer, their line breaks, the last one's index.
        self._base = 0
        self._lines = 0
        self._last_break = -1
        self._decoder = json.JSONDecoder()

    def _more(self) -> bool:
        """Read on (at least as much again as the part not yet decoded, so a long value is read in a few steps)."""
        if self._eof:
            return False
        self._lines += self._buf.count("\n", 0, self._pos)
        if (brk := self._buf.rfind("\n", 0, self._pos)) >= 0:
            self._last_break = self._base + brk
        self._base += self._pos
        rest = self._buf[self._pos :]
        data = self._fh.read(max(self._chunk, len(rest)))
        self._eof = not data
        self._buf, self._pos = rest + data, 0
        return bool(data)

    def peek(self) -> str:
        """The next character that is not JSON white space; '' at the end of the text."""
        while True:
            self._pos = _JSON_SPACE.match(self._buf, self._pos).end()  # type: ignore[union-attr]  # always matches
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if not self._more():
                return ""

    def error(self, message: str, pos: int) -> ValueError:
        """``message`` with the line and column of ``pos`` (in the buffer), counted in the whole text."""
        line = self._lines + self._buf.count("\n", 0, pos) + 1
        brk = self._buf.rfind("\n", 0, pos)
        column = pos - brk if brk >= 0 else self._base + pos - self._last_break
        return ValueError(f"{message} at line {line}, column {column}")

    def expect(self, char: str) -> None:
        found = self.peek()
        if found != char:
            raise self.error(f"expected {char!r}, found {found or 'the end of the file'!r},", self._pos)
        self._pos += 1

    def value(self) -> Any:
        self.peek()
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                offset = exc.pos - self._pos  # from the value's start, which reading on moves to the buffer's
                if self._more():
                    continue  # the value goes on past what has been read
                raise self.error(exc.msg, self._pos + offset) from None
            if end == len(self._buf) and self._more():
                continue  # a number may go on in the next chunk
            self._pos = end
            return value

    def items(self, close: str) -> Iterator[Any]:
        """The values of an array or the keys of an object just opened, up to ``close``."""
        if self.peek() == close:
            self.expect(close)
            return
        while True:
            yield self.value()
            if self.peek() != ",":
                self.expect(close)
                return
            self.expect(",")


_JSON_SPACE = re.compile(r"[ \t\n\r]*")


def _check_same_job(earlier: Any, job: dict[str, Any]) -> None:
    """Raise ValueError unless an earlier output's job is this run's ad: the same title, years and degree, from
    a file of the same name (the path may be given another way, or from another folder)."""
    if not isinstance(earlier, dict) or not isinstance(earlier.get("file"), str):
        raise ValueError("its \"job\" is not a job ad's summary")
    same = all(earlier.get(k) == job[k] for k in ("title", "years_required", "degree_required")) and (
        os.path.basename(earlier["file"]) == os.path.basename(job["file"]))
    if not same:
        raise ValueError(f"it was scored against another job ad ({earlier.get('title')!r}, {earlier['file']}), "
                         f"not {job['title']!r} ({job['file']}); resume with that ad, or write to another --out")


def iter_batch_file(path: str, *, chunk: int = 1 << 20,
                    job: dict[str, Any] | None = None) -> Iterator[dict[str, Any] | BatchFailure]:
    """The results (as dicts) and errors of an earlier batch's JSON output, one at a time (for resuming), in the
    order of the file, reading ``chunk`` characters at a time; raises ValueError (or KeyError, TypeError) if it is
    not one, or, given the ``job`` of this run (as the output's "job" holds it), if the file's is another ad."""
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        stream = _JsonStream(fh, chunk)
        stream.expect("{")
        for key in stream.items("}"):
            if not isinstance(key, str):
                raise ValueError("an object key is not a string")
            stream.expect(":")
            if key == "job" and job is not None:
                _check_same_job(stream.value(), job)
                continue
            if key not in ("results", "errors"):
                stream.value()
                continue
            if key in seen:
                raise ValueError(f"{key!r} appears twice")
            seen.add(key)
            stream.expect("[")
            for item in stream.items("]"):
                if not isinstance(item, dict):
                    raise ValueError(f"an entry of {key!r} is not an object")
                yield item if key == "results" else BatchFailure(item["file"], item["error"], item["message"])
        if stream.peek():
            raise ValueError("text after the end of the JSON object")
    if len(seen) < 2:
        raise ValueError("not a cvscan batch JSON output")


# --- one CV against many ads ------------------------------------------------------------------------------


def rank_ads(reports: Sequence[tuple[str, Report]]) -> list[tuple[str, Report]]:
    """(job file, report) pairs, best score first; ties by job file."""
    return sorted(reports, key=lambda p: (-p[1].score, p[0]))


def ads_to_dict(cv: str, reports: Sequence[tuple[str, Report]]) -> dict[str, Any]:
    """One CV against many ads, in the JSON layout: ``{"schema_version", "file", "ads": [{rank, job_file, report}]}``."""
    return {"schema_version": SCHEMA_VERSION, "file": cv,
            "ads": [{"rank": i, "job_file": job_file, "report": to_dict(report)}
                    for i, (job_file, report) in enumerate(rank_ads(reports), 1)]}


def ads_to_json(cv: str, reports: Sequence[tuple[str, Report]]) -> str:
    return dumps(ads_to_dict(cv, reports))


def ads_to_text(cv: str, reports: Sequence[tuple[str, Report]]) -> str:
    lines = [f"cvscan: {cv} against {len(reports)} job ads, best first", ""]
    lines.append(f"{'rank':>4}  {'score':>5}  {'ad':40s}  top missing keywords")
    for i, (job_file, report) in enumerate(rank_ads(reports), 1):
        row = row_from_report(report)
        title = f"{report.job.title or '?'} ({os.path.basename(job_file)})"
        lines.append(f"{i:>4}  {report.score:5.1f}  {title[:40]:40s}  {', '.join(row.missing[:3])}")
    return "\n".join(lines) + "\n"


def ads_to_markdown(cv: str, reports: Sequence[tuple[str, Report]]) -> str:
    out = [f"# cvscan: {_cell(cv)} against {len(reports)} job ads", "",
           "| rank | score | ad | file | top missing keywords |", "|---:|---:|---|---|---|"]
    for i, (job_file, report) in enumerate(rank_ads(reports), 1):
        row = row_from_report(report)
        out.append(f"| {i} | {report.score:.1f} | {_cell(report.job.title or '?')} | {_cell(job_file)} | "
                   f"{_cell(', '.join(row.missing))} |")
    return "\n".join(out) + "\n"


def ads_to_html(cv: str, reports: Sequence[tuple[str, Report]]) -> str:
    ranked = rank_ads(reports)
    rows = [replace(row_from_report(report), file=f"{report.job.title or '?'} ({job_file})")
            for job_file, report in ranked]
    return batch_to_html({"file": cv, "title": None}, rows, (), reports=[r for _, r in ranked],
                         heading=f"{cv} against {len(reports)} job ads",
                         intro="The ads ranked for this CV, best match first.", candidates=False)


ADS_RENDERERS: dict[str, Callable[[str, Sequence[tuple[str, Report]]], str]] = {
    "text": ads_to_text, "json": ads_to_json, "md": ads_to_markdown, "html": ads_to_html}


# --- progress ---------------------------------------------------------------------------------------------


class ProgressBar:
    """``done/total, files/s, time left`` on one line of a terminal; call with (done, total)."""

    def __init__(self, stream: TextIO | None = None, *, width: int = 24, every: float = 0.1) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self.every = every
        self.start = time.monotonic()
        self._last = 0.0

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - self._last < self.every:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-9)
        rate = done / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        full = round(self.width * done / total) if total else self.width
        bar = "#" * full + "." * (self.width - full)
        self.stream.write(f"\r[{bar}] {done}/{total} files  {rate:.1f} files/s  "
                          f"{int(left) // 60}:{int(left) % 60:02d} left ")
        if done >= total:
            self.stream.write("\n")
        self.stream.flush()


# --- a batch straight to its output -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchOutcome:
    """What :func:`write_batch` did."""

    results: int  # reports in the output (resumed ones included)
    errors: int
    skipped: int  # files skipped because an earlier output had them (--resume)
    interrupted: bool


def write_batch(
    paths: Sequence[str],
    job: JobPosting,
    *,
    fmt: str = "json",
    out: str | None = None,
    top: int | None = None,
    min_score: float | None = None,
    resume: bool = False,
    taxonomy: Taxonomy | None = None,
    settings: ScanSettings | None = None,
    jobs: int | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | None = None,
    scheduler: Any = None,
    progress: Callable[[int, int], None] | None = None,
    stdout: TextIO | None = None,
) -> BatchOutcome:
    """Scan ``paths`` against ``job`` and write the ranked output to ``out`` (atomically) or ``stdout``.

    Reports stream to a spool file, so memory stays small however many files there are. ``resume``: files
    already in ``out`` (a JSON output of an earlier run, results or errors) are not scanned again and their
    entries are kept. Ctrl-C stops the scan and writes what finished (``interrupted`` is then true).
    """
    if fmt not in BATCH_FORMATS:
        raise SettingsError(f"format must be one of {', '.join(BATCH_FORMATS)}, not {fmt!r}.")
    if resume and (out is None or fmt != "json"):
        raise SettingsError("resuming needs the earlier JSON output: give --format json and --out FILE.")
    target_dir = os.path.dirname(os.path.abspath(out)) if out else None
    if out is not None and os.path.isdir(out):
        raise SettingsError("the output is a folder.", path=out, fix="give a file name for --out.")
    try:  # beside the output: a folder that cannot take it is found now, before any file is scanned
        sink = BatchSink(JobSummary(job.title, job.years_required, job.degree_required), job.source,
                         spool_dir=target_dir)
    except OSError as exc:
        raise output_error(out or tempfile.gettempdir(), exc) from exc
    skipped = 0
    interrupted = False
    try:
        if resume and out is not None and os.path.exists(out):
            try:
                # streamed: the earlier output may hold thousands of reports
                for entry in iter_batch_file(out, job=sink.job):
                    if isinstance(entry, BatchFailure):
                        sink.add_error(entry)
                    else:
                        sink.add_dict(entry)
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise SettingsError(f"cannot resume from {out}: {exc}.",
                                    fix="remove the file or drop --resume.") from exc
        todo = [p for p in paths if p not in sink.files]
        skipped = len(paths) - len(todo)
        try:
            for outcome in iter_report_texts(todo, job, taxonomy=taxonomy, settings=settings, jobs=jobs,
                                      timeout=timeout, cache_dir=cache_dir, scheduler=scheduler,
                                      progress=progress):
                sink.add(outcome)
        except KeyboardInterrupt:
            interrupted = True
        if out is None:
            sink.write(stdout or sys.stdout, fmt, top=top, min_score=min_score, interrupted=interrupted)
        else:
            write_atomic(out, lambda fh: sink.write(fh, fmt, top=top, min_score=min_score,
                                                     interrupted=interrupted))
        return BatchOutcome(results=len(sink) - len(sink.errors), errors=len(sink.errors), skipped=skipped,
                            interrupted=interrupted)
    finally:
        sink.close()


def scan_against_ads(cv: str | os.PathLike[str], job_paths: Sequence[str | os.PathLike[str]], *,
                     taxonomy: Taxonomy | None = None,
                     settings: ScanSettings | None = None) -> list[tuple[str, Report]]:
    """One CV against several job ads (the CV read once): (job file, report) pairs, best score first."""
    settings = settings or ScanSettings()
    taxonomy = taxonomy or load_taxonomy(settings.taxonomy_path)
    doc = extract(cv, max_bytes=settings.max_file_bytes, ocr=settings.ocr, engine=settings.pdf_engine)
    analysis = analyse_cv(doc, settings, taxonomy=taxonomy)  # what does not depend on the ad, worked out once
    pairs = []
    for path in job_paths:
        job = load_job(path, taxonomy=taxonomy, settings=settings)
        pairs.append((os.fspath(path), scan_document(doc, job, taxonomy=taxonomy, settings=settings,
                                                     analysis=analysis)))
    return rank_ads(pairs)
