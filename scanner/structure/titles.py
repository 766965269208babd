"""Job titles: the headline under the name and the titles next to each job's dates."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from ..records import DateRange, Section

MAX_TITLES = 10
MAX_TITLE_WORDS = 8
_LOOK_UP = 12  # lines above a date range searched for its title (themes that put the dates last)

_TITLE_NOUNS = frozenset(
    str.split("""
accountant actuary adjuster administrator adviser advisor advocate agent aide analyst apprentice architect
artist assistant associate attendant attorney auditor author baker banker barista bartender biologist
bookkeeper broker buyer captain carpenter cashier caregiver ceo cfo chair chairman chef chemist cio
cleaner clerk clinician coach commander consultant controller cook coo coordinator copywriter counsel
counselor counsellor cto curator custodian dba dentist deputy designer developer dietitian director dispatcher
doctor driver economist editor educator electrician emt engineer entrepreneur epidemiologist estimator
evangelist executive expert fellow firefighter foreman founder co-founder cofounder generalist guard head
hostess housekeeper hygienist inspector instructor intern interpreter investigator journalist laborer labourer
lawyer lead leader lecturer librarian lieutenant machinist manager marketer mathematician mechanic mentor
merchandiser nurse nutritionist officer operator owner painter paralegal paramedic partner pharmacist
photographer physician physicist physiotherapist pilot planner plumber postdoc president principal producer
professor programmer psychologist receptionist recruiter representative researcher scientist secretary
sergeant server siteadmin soldier solicitor specialist statistician steward strategist superintendent
supervisor surgeon surveyor teacher technician technologist teller therapist trader trainee trainer translator
treasurer tutor underwriter vp waiter waitress welder worker writer
""")
)
_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?")
_SPLIT = re.compile(r"\s*(?:,|\||\s[–—-]\s|\s@\s|\sat\s|\(|\))\s*")
_BULLET = re.compile(r"^\s*[•◆♦▪■●◦⋅*·➢➤►-]\s")
_NOT_TITLE = re.compile(r"@|https?://|www\.|\.(?:com|org|io)\b|company name", re.IGNORECASE)
_DATE_FRAGMENT = re.compile(
    r"^(?:[-–—,－]|ï¼\W?|to|until|present|current|now|\d{1,2}/\d{2,4}|\d{4}|[A-Za-z]{3,9}\.?\s+\d{4})?\s*$",
    re.IGNORECASE,
)


def looks_like_title(text: str) -> bool:
    """A short capitalised phrase naming a role ("Senior Data Scientist", "Co-Founder & CTO")."""
    s = text.strip().strip(",;:-–— ")
    if not s or not s[0].isupper() or s.endswith(".") or _NOT_TITLE.search(s):
        return False
    words = s.split()
    if len(words) > MAX_TITLE_WORDS or sum(c.isdigit() for c in s) > 2:
        return False
    tokens = {t.casefold() for w in _WORD.findall(s) for t in (w, *w.split("-"))}
    return bool(tokens & _TITLE_NOUNS)


def _title_in(line: str) -> str | None:
    for part in _SPLIT.split(line):
        part = part.strip(" ,;:-–—")
        if looks_like_title(part):
            return part
    return None


def headline(lines: Sequence[str], name_line: int | None) -> str | None:
    """The title written under the name (or first, when the CV starts with it)."""
    start = 0 if name_line is None else name_line + 1
    seen = 0
    for line in lines[start:]:
        if not line.strip():
            continue
        title = _title_in(line)
        if title is not None:
            return title
        seen += 1
        if seen >= 2:
            return None
    return None


def _neighbours(lines: Sequence[str], i: int, stop: set[int]) -> Iterator[int]:
    """Lines to search for the title of the range on line ``i``, nearest first."""
    yield i
    below = [j for j in range(i + 1, min(len(lines), i + 6)) if lines[j].strip()]
    below = [j for j in below if not _DATE_FRAGMENT.match(lines[j].strip())]
    above = [j for j in range(i - 1, max(-1, i - 1 - _LOOK_UP), -1) if lines[j].strip()]
    cut = next((n for n, j in enumerate(above) if j in stop), len(above))
    above = [j for j in above[:cut] if not _BULLET.match(lines[j])]
    yield from above[:1]
    yield from below[:1]
    yield from above[1:]
    yield from below[1:2]


def job_titles(
    lines: Sequence[str],
    ranges: Sequence[DateRange],
    sections: Sequence[Section],
    today: tuple[int, int],
) -> list[str]:
    """Titles next to ``ranges`` (already limited to jobs), most recent job first."""
    heading_lines = {s.start_line for s in sections}
    range_lines = {r.line for r in ranges}
    used: set[int] = set()
    found: list[tuple[tuple[int, int], tuple[int, int], str]] = []
    for rng in ranges:
        for j in _neighbours(lines, rng.line, heading_lines | (range_lines - {rng.line})):
            if j in used or j in heading_lines:
                continue
            text = lines[j].replace(rng.text, " ") if j == rng.line else lines[j]
            title = _title_in(" ".join(text.split()))
            if title is not None:
                used.add(j)
                end = today if rng.end is None else (rng.end[0], rng.end[1] or 12)
                found.append((end, (rng.start[0], rng.start[1] or 1), title))
                break
    found.sort(key=lambda t: (t[0], t[1]), reverse=True)
    return [t for _, _, t in found]
