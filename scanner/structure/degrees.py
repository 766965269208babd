"""The highest degree a CV mentions, as one of ``DEGREE_LEVELS``."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..records import DEGREE_LEVELS

# Words after "MS"/"MA"/"BS"/"BA" that make it software or a place, not a degree ("MS Office", "Boston, MA").
_FALSE_FRIENDS = (
    r"(?!\s*(?:Office|Excel|Word|Access|Outlook|PowerPoint|Power\s?Point|Project|Visio|Windows|SQL|Dynamics|"
    r"Teams|DOS|Paint|Publisher|Exchange|Azure|Edge|SharePoint|Navision|CRM|Works|Money|Sans|Mincho)\b)"
)
# A bare abbreviation counts when followed by a field ("BS in Biology", "MS, Computer Science", "BA:
# History"), when it stands in brackets, or when it is the whole line or starts an education-section line.
_FIELD = r"(?=\s*(?:in|of)\s+\w|\s*[,:–-]?\s*[A-Z][a-z]|\s*\)|\s*$)"

_PATTERNS: dict[str, tuple[re.Pattern[str], ...]] = {
    "phd": (
        re.compile(r"\bP[hH]\.?\s?D\b\.?|\bM\.D\.|\bD\.?Phil\b|\bDoctor(?:ate)?\s+(?:of|in)\b|\bDoctorate\b|\bDoctoral\s+degree\b"
                   r"|\bJuris\s+Doctor\b|\bEd\.?D\b\.?|\bDBA\s+in\b|\bSc\.D\b\.?"),
    ),
    "master": (
        re.compile(r"(?<!scrum\s)\bMasters?'?(?:’s)?\s+(?:of|in|degree|program|studies)\b(?!\s+ceremonies)", re.IGNORECASE),
        re.compile(r"\bMaster'?’?s\b(?=\s+(?:\w+\s+){0,3}degree)", re.IGNORECASE),
        re.compile(r"\bM\.?\s?Sc\b\.?|\bM\.S\.|\bM\.A\.|\bM\.?B\.?A\b\.?|\bM\.?\s?Eng\b\.?|\bM\.?Phil\b|\bM\.?P\.?H\b"
                   r"|\bM\.?F\.?A\b|\bM\.?S\.?W\b|\bM\.?Ed\b\.?|\bLL\.?M\b\.?|\bM\.?P\.?A\b|\bM\.?Tech\b|\bMRes\b"),
        re.compile(r"(?<![,/]\s)(?<![,/])\b(?:MS|MA)\b" + _FALSE_FRIENDS + _FIELD),
    ),
    "bachelor": (
        re.compile(r"\bBachelor'?’?s?\b", re.IGNORECASE),
        re.compile(r"\bB\.?\s?Sc\b\.?|\bB\.S\.|\bB\.A\.|\bB\.?\s?Eng\b\.?|\bB\.?\s?Tech\b\.?|\bB\.?B\.?A\b\.?|\bB\.?Com\b"
                   r"|\bB\.?F\.?A\b|\bB\.?Ed\b\.?|\bLL\.?B\b\.?|\bB\.?S\.?N\b|\bB\.?A\.?Sc\b"),
        re.compile(r"(?<![,/]\s)(?<![,/])\b(?:BS|BA)\b" + _FALSE_FRIENDS + _FIELD),
    ),
    "associate": (
        re.compile(r"\bAssociate(?:'s|’s|s)?\s+(?:of|in)\s+(?:Applied\s+)?[A-Z]"),
        re.compile(r"\bassociate(?:'s|’s|s)?\s+degree\b", re.IGNORECASE),
        re.compile(r"\bA\.A\.S?\.?|\bA\.S\.|\bA\.?A\.?S\b(?=\s+(?:in|degree))"),
    ),
    "high_school": (
        re.compile(r"\bHigh\s+School\s+(?:Diploma|Graduate|Graduation|Certificate)\b|\bGED\b|\bG\.E\.D\b"
                   r"|\bGCSEs?\b|\bA[- ]Levels?\b|\bSecondary\s+School\s+(?:Diploma|Certificate)\b", re.IGNORECASE),
    ),
}  # fmt: skip
# Inside the education section a school name is evidence enough.
_SCHOOL = re.compile(r"\bHigh\s+School\b", re.IGNORECASE)


# Any degree pattern at all (each keeps its own flags): most lines name none, and one search tells so. Every
# pattern starts at a word boundary (after its look-behinds), so the search tries them only where one is.
_ANY = re.compile(r"\b(?=" + "|".join(f"(?{'i' if p.flags & re.IGNORECASE else ''}:{p.pattern})"
                                       for patterns in _PATTERNS.values() for p in patterns) + ")")


def _level(lines: Sequence[str], *, education: bool) -> str | None:
    best = -1
    for line in lines:
        for name, patterns in _PATTERNS.items() if _ANY.search(line) else ():
            rank = DEGREE_LEVELS.index(name)
            if rank > best and any(p.search(line) for p in patterns):
                best = rank
        if education and best < 0 and _SCHOOL.search(line):
            best = DEGREE_LEVELS.index("high_school")
    return DEGREE_LEVELS[best] if best >= 0 else None


def highest_degree(lines: Sequence[str], education: Sequence[Sequence[str]]) -> str | None:
    """Highest degree in the education section(s); the whole text when they name none."""
    found = [lvl for sec in education if (lvl := _level(sec, education=True)) is not None]
    if found:
        return max(found, key=DEGREE_LEVELS.index)
    return _level(lines, education=False)
