"""HTML renderers: a report, a letter report or a batch ranking as one self-contained page.

Pages come from Jinja2 templates shipped in ``scanner/templates`` (loaded through :mod:`importlib.resources`,
so they work from any install). Every value is autoescaped: CV and job-ad text is untrusted and can never add
markup. A page has no external assets (styles inline, a Content-Security-Policy that forbids loading anything)
and reads fully without JavaScript; the only script is the optional column sort of a batch table.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from importlib import resources
from typing import TYPE_CHECKING, Any

from .records import LetterReport, Report

if TYPE_CHECKING:
    import jinja2

    from .batch import BatchFailure
    from .ranking import BatchRow

#: Templates a caller may render with :func:`render_page` (the others are parts of these).
PAGES = ("report.html", "letter.html", "batch.html", "upload.html", "error.html")

_GAUGE_CIRCUMFERENCE = 2 * math.pi * 52  # the gauge circle's radius in report templates


def _load(name: str) -> str | None:
    item = resources.files("scanner") / "templates" / name
    return item.read_text(encoding="utf-8") if item.is_file() else None


def _tone(score: float) -> str:
    return "good" if score >= 75 else "fair" if score >= 50 else "poor"


def _verdict(score: float) -> str:
    return {"good": "Strong match", "fair": "Partial match", "poor": "Weak match"}[_tone(score)]


def _clamp(score: float) -> float:
    return min(max(float(score), 0.0), 100.0)


def _arc(score: float) -> float:
    return _clamp(score) / 100 * _GAUGE_CIRCUMFERENCE


def _label(name: object) -> str:
    return str(name).replace("_", " ")


def _years(value: float) -> str:
    return f"{value:g}"


@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of cvscan's templates: autoescaping on for every template, strict undefined."""
    import jinja2  # imported on first use: a text or JSON scan should not pay for it

    from .render import contact_line  # render imports this module

    env = jinja2.Environment(
        loader=jinja2.FunctionLoader(_load),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters.update(tone=_tone, verdict=_verdict, clamp=_clamp, arc=_arc, label=_label, years=_years,
                       contact=contact_line)
    env.globals.update(dict=dict, app=None)
    return env


def render_page(name: str, **context: Any) -> str:
    """Render one of :data:`PAGES` with ``context``."""
    if name not in PAGES:
        raise ValueError(f"unknown page {name!r}; one of {', '.join(PAGES)}")
    return environment().get_template(name).render(**context)


def to_html(report: Report) -> str:
    """A CV report as a self-contained HTML page (score gauge, breakdown, keywords, checks, suggestions)."""
    return render_page("report.html", report=report)


def letter_to_html(report: LetterReport) -> str:
    """A cover-letter report as a self-contained HTML page."""
    return render_page("letter.html", report=report)


def batch_to_html(job: Mapping[str, Any], rows: Sequence[BatchRow], errors: Sequence[BatchFailure], *,
                  interrupted: bool = False, reports: Sequence[Report] = (), heading: str | None = None,
                  intro: str | None = None, candidates: bool = True) -> str:
    """A ranked batch table as a self-contained HTML page; sortable by column where JavaScript runs.

    ``rows`` must come ranked (best first). ``reports``, when given in the same order as ``rows``, are shown
    below the table with each file name linking to its report. ``heading`` and ``intro`` replace the title
    and the line about the job ad, and ``candidates=False`` leaves out the name, e-mail and "same as" columns (for
    one CV against several ads, where every row is the same candidate).
    """
    from .ranking import same_candidate  # ranking imports this module

    components: list[str] = []
    for row in rows:
        for name, _ in row.components:
            if name not in components:
                components.append(name)
    return render_page("batch.html", job=job, rows=rows, errors=errors, interrupted=interrupted,
                       components=components, reports=reports, links=bool(reports), heading=heading,
                       intro=intro, candidates=candidates, same=same_candidate(rows) if candidates else [])
