"""CV sections found by their headings, and the heading list they are matched against."""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from importlib import resources

from ..errors import FileMissingError, TaxonomyError, TaxonomyProblem
from ..normalize import line_cache
from ..records import Section

CANONICAL_SECTIONS: frozenset[str] = frozenset({
    "summary", "experience", "education", "skills", "projects", "certifications", "publications", "awards",
    "languages", "volunteering", "interests", "references", "contact", "training", "activities",
    "affiliations",
})  # fmt: skip
HEADINGS_FILE = "section_headings.csv"
MAX_HEADING_WORDS = 6

# When a heading is not in the list, its last word can still name a standard section: "Relevant
# Experience", "Technical Skills", "Research Projects". Only applied to short Title Case / ALL CAPS lines.
_HEAD_NOUNS: dict[str, str] = {
    "experience": "experience", "skills": "skills", "competencies": "skills", "qualifications": "skills",
    "strengths": "skills", "expertise": "skills",
    "certifications": "certifications", "certificates": "certifications", "licenses": "certifications",
    "projects": "projects", "publications": "publications", "awards": "awards", "honors": "awards",
    "honours": "awards", "achievements": "awards", "accomplishments": "awards", "languages": "languages",
    "interests": "interests", "hobbies": "interests", "references": "references", "summary": "summary",
    "profile": "summary", "objective": "summary", "affiliations": "affiliations", "memberships": "affiliations",
}  # fmt: skip
# "Experience" takes many modifiers that are topics, not headings ("CRM Experience", "Customer Experience"):
# only these make it a heading. ("Education" and "Training" are left to the list: "Elementary Education",
# "Patient Education", "AutoCAD Training" are fields and courses.)
_EXPERIENCE_MODIFIERS = frozenset({
    "relevant", "professional", "work", "military", "teaching", "research", "industry", "leadership",
    "volunteer", "related", "additional", "other", "previous", "prior", "international", "management",
    "clinical", "technical", "selected", "employment", "career", "project", "internship", "consulting",
    "engineering", "software", "freelance", "academic", "field", "practical", "overseas", "recent",
    "service", "job", "corporate", "startup", "industrial", "legal", "medical",
})  # fmt: skip
_HISTORY = {"work": "experience", "employment": "experience", "career": "experience",
            "professional": "experience", "job": "experience", "education": "education",
            "academic": "education", "educational": "education"}  # fmt: skip
# Words that make a short capitalised line a list item rather than a heading ("Strong Communication Skills").
_NOT_HEADING_WORDS = frozenset({
    "strong", "excellent", "good", "great", "exceptional", "outstanding", "effective", "solid", "proven",
    "superior", "advanced", "basic", "keen", "highly", "very", "demonstrated", "interpersonal",
    "communication", "organizational", "organisational", "listening", "people", "soft", "years", "used",
})  # fmt: skip
_SMALL_WORDS = frozenset(
    {"of", "and", "&", "in", "for", "the", "to", "at", "on", "with", "a", "an", "/", "-"}
)
_LEADING_JUNK = re.compile(r"^(?:[^\w(]+|\(?\d{1,2}[.)]?(?=\s)|\(?[ivx]{1,4}[.)](?=\s)|\s+)+", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+\S")
# "Skills: Python, SQL" / "Languages | English, French" / "Skills — Python": heading plus content.
_INLINE = re.compile(r"^\s*(?P<head>[^:|–—]{2,40}?)\s*(?::|\||\s[–—-]\s)\s*(?P<rest>\S.*)$")
_SENTENCE_END = re.compile(r"[.,;!?]\s*$")


_LETTER_GAPS = re.compile(r"\s{2,}|\s*[|·•]\s*")


def _unspace(text: str) -> str:
    """Join letter-spaced words: "E X P E R I E N C E" -> "EXPERIENCE" (word gaps are 2+ spaces)."""
    groups = _LETTER_GAPS.split(text.strip())
    out = []
    for group in groups:
        tokens = group.split()
        if len(tokens) >= 3 and all(len(t) == 1 for t in tokens):
            out.append("".join(tokens))
        else:
            out.append(group)
    return " ".join(out)


@line_cache(maxsize=4096)  # a CV's lines are asked about by sections, contact details and titles
def heading_key(text: str) -> str:
    """Normalised heading text: case, bullets, numbering, punctuation, "&", letter spacing all ignored."""
    s = unicodedata.normalize("NFKC", text)
    s = _unspace(s).replace("&", " and ").replace("＆", " and ")
    s = _LEADING_JUNK.sub("", s.casefold())
    return _NON_WORD.sub(" ", s).strip()


def parse_section_headings(text: str, *, path: str = HEADINGS_FILE) -> dict[str, str]:
    """Heading key -> canonical section from CSV text with the header ``section,heading``."""
    problems: list[TaxonomyProblem] = []
    table: dict[str, str] = {}
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue  # blank lines and comments
        row = next(csv.reader([line]))
        if not header_seen:
            if [c.strip() for c in row] != ["section", "heading"]:
                raise TaxonomyError(path, [TaxonomyProblem(number, "the header must be `section,heading`")])
            header_seen = True
            continue
        if len(row) != 2:
            problems.append(TaxonomyProblem(number, f"expected 2 fields, found {len(row)}"))
            continue
        section, heading = row[0].strip(), heading_key(row[1])
        if section not in CANONICAL_SECTIONS:
            problems.append(TaxonomyProblem(number, f"unknown section {section!r}"))
        elif not heading:
            problems.append(TaxonomyProblem(number, "empty heading"))
        elif table.get(heading, section) != section:
            problems.append(TaxonomyProblem(number, f"heading {row[1]!r} already maps to {table[heading]!r}"))
        else:
            table[heading] = section
    if not header_seen:
        problems.append(TaxonomyProblem(1, "no header line `section,heading`"))
    if problems:
        raise TaxonomyError(path, problems)
    return table


@functools.cache
def load_section_headings() -> Mapping[str, str]:
    """Normalised heading text -> canonical section, from the packaged ``section_headings.csv``."""
    try:
        text = (resources.files("scanner.keyword_lists") / HEADINGS_FILE).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FileMissingError(
            f"the built-in heading list {HEADINGS_FILE} is missing from the installed package.",
            path=HEADINGS_FILE,
            fix="reinstall cvscan (`pip install --force-reinstall cvscan`).",
        ) from exc
    return parse_section_headings(text)


class _Index:
    """Heading lookup by key, and by key with spaces removed (for "W O R K E X P E R I E N C E")."""

    def __init__(self, headings: Mapping[str, str]) -> None:
        self.exact = dict(headings)
        self.compact = {k.replace(" ", ""): v for k, v in headings.items()}

    def lookup(self, key: str) -> str | None:
        if not key:
            return None
        return self.exact.get(key) or self.compact.get(key.replace(" ", ""))


def _words(text: str) -> list[str]:
    return _unspace(text).split()


def _capitalised(text: str) -> bool:
    """Title Case or ALL CAPS, ignoring small words."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’-]*", _unspace(text))]
    if not words:
        return False
    return all(w[0].isupper() or w.casefold() in _SMALL_WORDS for w in words) and words[0][0].isupper()


def _all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _head_noun_section(key: str, raw: str) -> str | None:
    words = key.split()
    if not 1 <= len(words) <= 4 or any(c.isdigit() or c in ".,;()" for c in raw.rstrip(":")):
        return None
    if not _capitalised(raw) or _NOT_HEADING_WORDS.intersection(words) or {"of", "in"}.intersection(words):
        return None
    if words[-1] == "history" and len(words) >= 2:
        return _HISTORY.get(words[-2])
    if words[-1] == "experience" and len(words) >= 2:
        return "experience" if set(words[:-1]) <= _EXPERIENCE_MODIFIERS | {"and"} else None
    return _HEAD_NOUNS.get(words[-1])


def heading_section(text: str, headings: Mapping[str, str]) -> str | None:
    """The standard section a line names as its heading (from the list or by its last word), or None."""
    key = heading_key(text)
    return _Index(headings).lookup(key) or _head_noun_section(key, text.strip())


def is_heading(text: str, headings: Mapping[str, str]) -> bool:
    """Whether a line reads as a standard section heading (from the list or by its last word)."""
    return heading_section(text, headings) is not None


def _prose_continues(lines: Sequence[str], i: int) -> bool:
    """Whether line ``i`` reads as the wrapped end of the sentence before it."""
    prev = next((s.strip() for s in reversed(lines[:i]) if s.strip()), "")
    first = lines[i].strip()[:1]
    return len(prev) >= 50 and prev[-1:] not in ".:!?" and first.islower()


def _next_content(lines: Sequence[str], i: int) -> str | None:
    return next((s.strip() for s in lines[i + 1 :] if s.strip()), None)


def find_sections(lines: Sequence[str], headings: Mapping[str, str]) -> tuple[Section, ...]:
    """Sections of ``lines`` by heading; each runs to the next heading."""
    index = _Index(headings)
    starts: list[tuple[int, str, str, bool]] = []  # line, name, heading as written, recognised
    unknown: list[tuple[int, str]] = []
    caps_votes = 0
    for i, line in enumerate(lines):
        raw = line.strip()
        if not raw or len(raw) > 80:
            continue
        key = heading_key(raw)
        n_words = len(_words(raw))
        standalone = n_words <= MAX_HEADING_WORDS and not _SENTENCE_END.search(raw)
        if standalone and not _prose_continues(lines, i):
            name = index.lookup(key)
            if name is None and _next_content(lines, i) is not None:
                name = _head_noun_section(key, raw)
            if name is not None:
                starts.append((i, name, raw, True))
                caps_votes += 1 if _all_caps(raw) else -1
                continue
            if _looks_like_unknown_heading(lines, i, raw, key):
                unknown.append((i, raw))
                continue
        inline = _INLINE.match(raw)
        if inline and len(inline.group("head").split()) <= 4:
            name = index.lookup(heading_key(inline.group("head")))
            if name is not None:
                starts.append((i, name, inline.group("head").strip(), True))
    if starts:
        first = starts[0][0]
        caps_style = caps_votes > 0
        for i, raw in unknown:
            markdown = bool(_MARKDOWN_HEADING.match(lines[i]))
            if i > first and (markdown or (caps_style and _all_caps(raw))):
                starts.append((i, "other", raw, False))
        starts.sort()
    sections = []
    for n, (i, name, heading, recognised) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        sections.append(
            Section(name=name, heading=heading, start_line=i, end_line=end, recognised=recognised)
        )
    return tuple(sections)


def _looks_like_unknown_heading(lines: Sequence[str], i: int, raw: str, key: str) -> bool:
    """A short capitalised line with no sentence punctuation, followed by content (a candidate only)."""
    if any(c.isdigit() for c in raw) or "@" in raw or "," in raw or not key or raw[:1] in "•·▪◦‣●■-*–":
        return False
    if len(key.split()) > 4 or len(key) < 4:
        return False
    nxt = _next_content(lines, i)
    if nxt is None or heading_key(nxt) == key:
        return False
    return bool(_MARKDOWN_HEADING.match(lines[i])) or _all_caps(raw)
