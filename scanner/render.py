"""Renderers: a Report as a JSON-ready dict, JSON text, terminal text, Markdown or HTML (:mod:`scanner.html_render`).

The JSON layout is versioned (``schema_version``) and described by ``scanner/schemas/report.schema.json``,
which ships with the package.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Callable
from importlib import resources
from typing import Any, TextIO

from .errors import SettingsError
from .html_render import to_html
from .records import Check, Contact, KeywordHit, MissingKeyword, Report, ScoreComponent, Suggestion

SCHEMA_VERSION = "1"
FORMATS = ("text", "json", "md", "html")


def _hit(h: KeywordHit) -> dict[str, Any]:
    return {
        "term": h.term, "category": h.category, "importance": h.importance, "cv_count": h.cv_count,
        "job_count": h.job_count, "match": h.match, "evidence": h.evidence, "section": h.section,
        "weight": h.weight,
    }


def _missing(m: MissingKeyword) -> dict[str, Any]:
    return {"term": m.term, "category": m.category, "importance": m.importance, "job_count": m.job_count,
            "weight": m.weight}


def _component(c: ScoreComponent) -> dict[str, Any]:
    return {"component": c.component, "score": c.score, "weight": c.weight, "detail": c.detail}


def _check(c: Check) -> dict[str, Any]:
    return {"id": c.id, "status": c.status, "message": c.message, "fix": c.fix}


def _suggestion(s: Suggestion) -> dict[str, Any]:
    return {"kind": s.kind, "original": s.original, "suggestion": s.suggestion, "why": s.why, "section": s.section}


def _contact(c: Contact) -> dict[str, Any]:
    return {"name": c.name, "email": c.email, "phone": c.phone, "location": c.location, "links": list(c.links)}


def contact_line(c: Contact) -> str:
    """The contact details found, in one line (``name · e-mail · phone · location · links``)."""
    found = [value for value in (c.name, c.email, c.phone, c.location, *c.links) if value]
    return " · ".join(found) if found else "none found"


def to_dict(report: Report) -> dict[str, Any]:
    """The report in the layout of the JSON contract."""
    return {
        "schema_version": report.schema_version,
        "file": report.file,
        "contact": _contact(report.contact),
        "score": report.score,
        "breakdown": [_component(c) for c in report.breakdown],
        "job": {"title": report.job.title, "years_required": report.job.years_required,
                "degree_required": report.job.degree_required},
        "keywords": {"matched": [_hit(h) for h in report.matched], "missing": [_missing(m) for m in report.missing]},
        "checks": [_check(c) for c in report.checks],
        "suggestions": [_suggestion(s) for s in report.suggestions],
    }


def compact_json(data: dict[str, Any]) -> str:
    """A report's JSON (the :func:`to_dict` layout) on one line, as a batch output holds it, without a rank."""
    return json.dumps({k: v for k, v in data.items() if k != "rank"}, ensure_ascii=False)


def dumps(data: Any) -> str:
    """JSON text as every cvscan output writes it: stable key order, UTF-8, two-space indent, trailing newline."""
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def load_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped in ``scanner/schemas`` (package data)."""
    schema: dict[str, Any] = json.loads((resources.files("scanner.schemas") / name).read_text(encoding="utf-8"))
    return schema


def to_json(report: Report) -> str:
    """The report as JSON text (stable key order, UTF-8, trailing newline)."""
    return dumps(to_dict(report))


def report_schema() -> dict[str, Any]:
    """The JSON Schema of :func:`to_dict`'s output."""
    return load_schema("report.schema.json")


def _bar(score: float, width: int = 20) -> str:
    full = round(score / 100 * width)
    return "█" * full + "░" * (width - full)


def _label(name: str) -> str:
    return name.replace("_", " ")


def to_text(report: Report, *, color: bool = False, top: int = 15) -> str:
    """A terminal report; ANSI colour only when ``color`` is set (the CLI sets it on a TTY)."""
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    def tone(score: float) -> str:
        return "green" if score >= 75 else "yellow" if score >= 50 else "red"

    out: list[str] = []
    title = report.job.title or "the job ad"
    out.append(style(f"cvscan: {report.file} against {title}", bold=True))
    out.append(f"Score {style(f'{report.score:.1f}', fg=tone(report.score), bold=True)} / 100  {_bar(report.score)}")
    out.append(f"Contact  {contact_line(report.contact)}")
    out.append("")
    out.append(style("Breakdown", bold=True))
    for c in report.breakdown:
        out.append(f"  {_label(c.component):16s} {style(f'{c.score:5.1f}', fg=tone(c.score))}  × {c.weight:.2f}  {c.detail}")
    out.append("")
    out.append(style(f"Matched keywords ({len(report.matched)})", bold=True))
    for h in report.matched[:top]:
        how = "" if h.match == "exact" else f" [{h.match}]"
        out.append(f"  {style('✓', fg='green')} {h.term}{how}  ({h.importance}; CV {h.cv_count}×, ad {h.job_count}×)")
        out.append(f"      “{h.evidence[:110]}”")
    if len(report.matched) > top:
        out.append(f"  … and {len(report.matched) - top} more (see --format json)")
    out.append("")
    out.append(style(f"Missing keywords ({len(report.missing)})", bold=True))
    for m in report.missing[:top]:
        out.append(f"  {style('✗', fg='red')} {m.term}  ({m.importance}; ad {m.job_count}×)")
    if len(report.missing) > top:
        out.append(f"  … and {len(report.missing) - top} more (see --format json)")
    if report.checks:
        out.append("")
        out.append(style("Checks", bold=True))
        marks = {"pass": style("pass", fg="green"), "warn": style("warn", fg="yellow"), "fail": style("FAIL", fg="red")}
        for check in report.checks:
            out.append(f"  {marks[check.status]}  {check.id}: {check.message}")
            if check.status != "pass":
                out.append(f"        fix: {check.fix}")
    if report.suggestions:
        out.append("")
        out.append(style("Suggestions", bold=True))
        for s in report.suggestions[:10]:
            out.append(f"  • {s.why}")
            out.append(f"      before: {s.original}")
            out.append(f"      after:  {s.suggestion}")
    return "\n".join(out) + "\n"


def _md_cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def to_markdown(report: Report) -> str:
    """A Markdown report."""
    out = [f"# cvscan report: {_md_cell(report.file)}", "",
           f"**Score: {report.score:.1f} / 100** against *{_md_cell(report.job.title or 'the job ad')}*", "",
           f"Contact: {_md_cell(contact_line(report.contact))}", "",
           "## Breakdown", "", "| component | score | weight | detail |", "|---|---:|---:|---|"]
    out += [f"| {_label(c.component)} | {c.score:.1f} | {c.weight:.2f} | {_md_cell(c.detail)} |" for c in report.breakdown]
    out += ["", f"## Matched keywords ({len(report.matched)})", "",
            "| term | importance | CV | ad | match | evidence |", "|---|---|---:|---:|---|---|"]
    out += [f"| {_md_cell(h.term)} | {h.importance} | {h.cv_count} | {h.job_count} | {h.match} | {_md_cell(h.evidence)} |"
            for h in report.matched]
    out += ["", f"## Missing keywords ({len(report.missing)})", "", "| term | category | importance | ad |",
            "|---|---|---|---:|"]
    out += [f"| {_md_cell(m.term)} | {m.category} | {m.importance} | {m.job_count} |" for m in report.missing]
    if report.checks:
        out += ["", "## Checks", "", "| check | status | message | fix |", "|---|---|---|---|"]
        out += [f"| {c.id} | {c.status} | {_md_cell(c.message)} | {_md_cell(c.fix)} |" for c in report.checks]
    if report.suggestions:
        out += ["", "## Suggestions", ""]
        for s in report.suggestions:
            out += [f"- **{_md_cell(s.kind)}**: {_md_cell(s.why)}", f"  - before: {_md_cell(s.original)}",
                    f"  - after: {_md_cell(s.suggestion)}"]
    return "\n".join(out) + "\n"


RENDERERS: dict[str, Callable[[Report], str]] = {"html": to_html, "json": to_json, "md": to_markdown, "text": to_text}


def render(report: Report, fmt: str, *, color: bool = False) -> str:
    """Render a report in one of :data:`FORMATS`."""
    if fmt == "text":
        return to_text(report, color=color)
    return RENDERERS[fmt](report)


def write_atomic(path: str | os.PathLike[str], write: Callable[[TextIO], object]) -> None:
    """Write a UTF-8 text file through ``write(fh)`` so that it is whole or absent: into a new file beside it,
    renamed over it once written. A new file gets the permissions ``open()`` would give it (the umask's), a file
    it replaces keeps its own; the text is written as given (no newline translation)."""
    target = os.fspath(path)
    try:
        mode: int | None = stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        mode = None
    try:
        fd, tmp = _create_beside(target)
    except OSError as exc:
        raise output_error(target, exc) from exc
    try:
        if mode is not None:
            os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            write(fh)
        os.replace(tmp, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise output_error(target, exc) from exc
        raise


def output_error(target: str, exc: OSError) -> SettingsError:
    """An output file that cannot be written, in words (not a traceback)."""
    return SettingsError(f"cannot write the output ({exc.strerror or exc}).", path=target,
                         fix="check that its folder exists, that you can write there and that the disk has room.")


def _create_beside(target: str) -> tuple[int, str]:
    """A new empty file in the target's folder, named after it and hidden; created as ``open()`` creates files
    (``tempfile.mkstemp`` makes them readable by their owner only, and the rename would keep that)."""
    directory, name = os.path.split(os.path.abspath(target))
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = os.path.join(directory, f".{name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"no free temporary name beside {target}")
