"""Renderers of a cover-letter check: a LetterReport as a JSON-ready dict, JSON, terminal text, Markdown or HTML.

The JSON layout is described by ``scanner/schemas/letter.schema.json``, shipped with the package.
"""

from __future__ import annotations

from typing import Any

from .html_render import letter_to_html
from .records import LetterReport
from .render import _check, _component, _md_cell, _suggestion, dumps, load_schema


def letter_to_dict(report: LetterReport) -> dict[str, Any]:
    """The letter report in the layout of its JSON Schema."""
    return {
        "schema_version": report.schema_version,
        "kind": "letter",
        "file": report.file,
        "score": report.score,
        "breakdown": [_component(c) for c in report.breakdown],
        "job": {"title": report.job.title, "years_required": report.job.years_required,
                "degree_required": report.job.degree_required},
        "company": report.company,
        "words": report.words,
        "paragraphs": report.paragraphs,
        "checks": [_check(c) for c in report.checks],
        "suggestions": [_suggestion(s) for s in report.suggestions],
    }


def letter_to_json(report: LetterReport) -> str:
    """The letter report as JSON text (stable key order, UTF-8, trailing newline)."""
    return dumps(letter_to_dict(report))


def letter_schema() -> dict[str, Any]:
    """The JSON Schema of :func:`letter_to_dict`'s output."""
    return load_schema("letter.schema.json")


def letter_to_text(report: LetterReport, *, color: bool = False, top: int = 8) -> str:
    """A terminal report; ANSI colour only when ``color`` is set."""
    import click

    def style(text: str, **kw: Any) -> str:
        return click.style(text, **kw) if color else text

    title = report.job.title or "the job ad"
    out = [style(f"cvscan letter: {report.file} against {title}", bold=True),
           f"Score {style(f'{report.score:.1f}', bold=True)} / 100  ({report.words} words, "
           f"{report.paragraphs} paragraphs)", "", style("Breakdown", bold=True)]
    out += [f"  {c.component:12s} {c.score:5.1f}  × {c.weight:.2f}  {c.detail}" for c in report.breakdown]
    out += ["", style("Checks", bold=True)]
    marks = {"pass": style("pass", fg="green"), "warn": style("warn", fg="yellow"), "fail": style("FAIL", fg="red")}
    for c in report.checks:
        out.append(f"  {marks[c.status]}  {c.id}: {c.message}")
        if c.status != "pass":
            out.append(f"        fix: {c.fix}")
    if report.suggestions:
        out += ["", style("Suggestions", bold=True)]
        for s in report.suggestions[:top]:
            out += [f"  • {s.why}", f"      before: {s.original}", f"      after:  {s.suggestion}"]
    return "\n".join(out) + "\n"


def letter_to_markdown(report: LetterReport) -> str:
    """A Markdown report."""
    out = [f"# cvscan letter report: {_md_cell(report.file)}", "",
           f"**Score: {report.score:.1f} / 100** against *{_md_cell(report.job.title or 'the job ad')}* "
           f"({report.words} words, {report.paragraphs} paragraphs)", "",
           "## Breakdown", "", "| component | score | weight | detail |", "|---|---:|---:|---|"]
    out += [f"| {c.component} | {c.score:.1f} | {c.weight:.2f} | {_md_cell(c.detail)} |" for c in report.breakdown]
    out += ["", "## Checks", "", "| check | status | message | fix |", "|---|---|---|---|"]
    out += [f"| {c.id} | {c.status} | {_md_cell(c.message)} | {_md_cell(c.fix)} |" for c in report.checks]
    if report.suggestions:
        out += ["", "## Suggestions", ""]
        for s in report.suggestions:
            out += [f"- **{_md_cell(s.kind)}**: {_md_cell(s.why)}", f"  - before: {_md_cell(s.original)}",
                    f"  - after: {_md_cell(s.suggestion)}"]
    return "\n".join(out) + "\n"


def render_letter(report: LetterReport, fmt: str, *, color: bool = False) -> str:
    """Render a letter report as ``text``, ``json``, ``md`` or ``html``."""
    if fmt == "html":
        return letter_to_html(report)
    if fmt == "json":
        return letter_to_json(report)
    if fmt == "md":
        return letter_to_markdown(report)
    return letter_to_text(report, color=color)
