"""CV structure: sections, contact details, date ranges, years of experience, degree and job titles.

Everything works on ``Document.lines`` (body text plus header/footer text) and never logs CV text.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence

from ..records import CVStructure, DateRange, Document, Section
from .contact import find_contact, looks_like_name
from .dates import parse_date_ranges, total_years
from .degrees import highest_degree
from .sections import find_sections, heading_key, load_section_headings, parse_section_headings
from .titles import MAX_TITLES, headline, job_titles

__all__ = [
    "current_month",
    "heading_key",
    "load_section_headings",
    "parse_date_ranges",
    "parse_section_headings",
    "parse_structure",
]

# Sections whose date ranges are studies or courses, never jobs.
_NOT_JOBS = frozenset({"education", "training", "certifications"})


def _section_of(line: int, sections: Sequence[Section]) -> Section | None:
    return next((s for s in sections if s.start_line <= line < s.end_line), None)


def _job_ranges(ranges: Sequence[DateRange], sections: Sequence[Section]) -> list[DateRange]:
    """Ranges in experience sections; without one, every range outside education-like sections."""
    if any(s.name == "experience" for s in sections):
        return [
            r
            for r in ranges
            if (sec := _section_of(r.line, sections)) is not None and sec.name == "experience"
        ]
    return [r for r in ranges if (sec := _section_of(r.line, sections)) is None or sec.name not in _NOT_JOBS]


def current_month() -> tuple[int, int]:
    """(year, month) of today: what "Present" in a CV means unless told otherwise."""
    now = datetime.date.today()
    return now.year, now.month


def parse_structure(
    doc: Document,
    *,
    headings: Mapping[str, str] | None = None,
    today: tuple[int, int] | None = None,
) -> CVStructure:
    """Sections, contact details, date ranges, years of experience, highest degree and titles of a CV.

    ``headings`` maps normalised heading text (see :func:`heading_key`) to a canonical section; default:
    the built-in list. ``today`` (year, month) is what "Present" means; default: the current month.
    """
    if today is None:
        today = current_month()
    table = load_section_headings() if headings is None else {heading_key(k): v for k, v in headings.items()}
    lines = doc.lines
    sections = find_sections(lines, table)
    ranges = parse_date_ranges(lines, today=today)
    jobs = _job_ranges(ranges, sections)
    education = [lines[s.start_line : s.end_line] for s in sections if s.name == "education"]
    body_top = [ln for ln in lines if ln.strip()][:4]
    name_line = next((lines.index(ln) for ln in body_top if looks_like_name(ln, table)), None)
    first_section = sections[0].start_line if sections else len(lines)
    head = headline(lines[:first_section], name_line)
    titles = ([head] if head else []) + job_titles(lines, jobs, sections, today)
    unique: list[str] = []
    for title in titles:
        if title.casefold() not in {t.casefold() for t in unique}:
            unique.append(title)
    return CVStructure(
        sections=sections,
        contact=find_contact(doc.text, (*doc.layout.header_text, *doc.layout.footer_text), table),
        date_ranges=ranges,
        experience_years=total_years(jobs, today),
        highest_degree=highest_degree(lines, education),
        titles=tuple(unique[:MAX_TITLES]),
    )
