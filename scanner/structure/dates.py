"""Employment and study date ranges: "Jan 2021 – Present", "2019-2021", "03/2020 to 05/2022", ..."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from ..records import DateRange

_MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4, "april": 4,
    "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8, "sep": 9, "sept": 9,
    "september": 9, "oct": 10, "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}  # fmt: skip
_FULL_NAMES = frozenset({"january", "february", "march", "april", "june", "july", "august", "september",
                         "october", "november", "december"})  # fmt: skip
_MON = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
# One date: "Jan 2021", "January, 2021", "Mar. 2018", "03/2020", "3-2020", "03/20", "2019".
_DATE = (
    rf"(?:(?P<{{p}}mon>{_MON})\.?,?\s*(?P<{{p}}my>\d{{{{4}}}})"
    rf"|(?P<{{p}}mm>\d{{{{1,2}}}})\s*[/.-]\s*(?P<{{p}}ny>\d{{{{4}}}}|\d{{{{2}}}})"
    rf"|(?P<{{p}}y>\d{{{{4}}}}))"
)
_PRESENT = r"(?P<present>present|current(?:ly)?|now|today|to\s+date|date|ongoing)"
# "ï¼" is the fullwidth hyphen "－" decoded with the wrong code page, common in PDFs exported from the web.
_SEP = r"\s*(?:[-‐‑‒–—―~－～]+|ï¼[\u200b\x8d]?|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b)\s*"
_RANGE = re.compile(
    r"(?<![\w/.])(?<!\d[-.])"
    + _DATE.format(p="s_")
    + _SEP
    + r"(?:"
    + _DATE.format(p="e_")
    + "|"
    + _PRESENT
    + r")(?![\w/]|[.-]\d)",
    re.IGNORECASE,
)
# A line ending in a date, maybe with a separator: the rest of the range may sit on the next lines
# (PDF exporters often put "05/2012", "to", "05/2015" on lines of their own).
_TAIL = re.compile(r"(?<![\w/.])" + _DATE.format(p="s_") + r"(?:" + _SEP + r")?\s*$", re.IGNORECASE)
_SEASON = re.compile(r"(?:spring|summer|fall|autumn|winter)\s*$", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_MAX_JOIN = 3  # following lines a split range may span
_MIN_YEAR = 1950


def _part(m: re.Match[str], p: str, today_year: int) -> tuple[int, int | None, str] | None:
    """(year, month, style) of one side of a range, or None when it is no date."""
    if m.group(p + "mon"):
        word = m.group(p + "mon").lower()
        style = "Month YYYY" if word in _FULL_NAMES else "Mon YYYY"
        return int(m.group(p + "my")), _MONTHS[word], style
    if m.group(p + "mm"):
        month = int(m.group(p + "mm"))
        year_text = m.group(p + "ny")
        if len(year_text) == 2:
            yy = int(year_text)
            return (2000 + yy if yy <= today_year % 100 + 1 else 1900 + yy), month, "MM/YY"
        return int(year_text), month, "MM/YYYY"
    return int(m.group(p + "y")), None, "YYYY"


def _valid(year: int, month: int | None, today: tuple[int, int]) -> bool:
    return _MIN_YEAR <= year <= today[0] + 1 and (month is None or 1 <= month <= 12)


def _to_range(m: re.Match[str], text: str, line: int, today: tuple[int, int]) -> DateRange | None:
    start = _part(m, "s_", today[0])
    if start is None or not _valid(start[0], start[1], today):
        return None
    if _SEASON.search(m.string, 0, m.start()):
        return None
    style = start[2]
    if m.group("present"):
        if (start[0], start[1] or 1) > today:
            return None
        return DateRange(text=text, start=(start[0], start[1]), end=None, style=style, line=line)
    end = _part(m, "e_", today[0])
    if end is None or not _valid(end[0], end[1], today):
        return None
    if (start[2] == "MM/YY") != (end[2] == "MM/YY"):
        return None  # "03/20 - 2021": not one consistent format, likely something else
    if (end[0], end[1] or 12) < (start[0], start[1] or 1):
        return None
    if start[0] == end[0] and start[1] is None and end[1] is None:
        return None  # "2019 - 2019" says nothing
    if style == "Mon YYYY" and end[2] == "Month YYYY" and m.group("s_mon").lower() == "may":
        style = "Month YYYY"  # "May 2019 - September 2021": "May" is both
    return DateRange(text=text, start=(start[0], start[1]), end=(end[0], end[1]), style=style, line=line)


def _squash(text: str) -> str:
    return " ".join(text.split())


def parse_date_ranges(lines: Sequence[str], *, today: tuple[int, int]) -> tuple[DateRange, ...]:
    """Date ranges in ``lines``, in order; ``today`` (year, month) is what "Present" means."""
    found: list[DateRange] = []
    for i, line in enumerate(lines):
        if not _DIGIT.search(line):
            continue  # every date has a digit, and a range that goes on below starts with one on this line
        last_end = 0
        for m in _RANGE.finditer(line):
            rng = _to_range(m, _squash(m.group(0)), i, today)
            if rng is not None:
                found.append(rng)
                last_end = m.end()
        joined = _joined_range(lines, i, last_end, today)
        if joined is not None:
            found.append(joined)
    return tuple(found)


def _joined_range(lines: Sequence[str], i: int, offset: int, today: tuple[int, int]) -> DateRange | None:
    """A range that starts at the end of line ``i`` and continues on the next few short lines."""
    tail = _TAIL.search(lines[i], offset)
    if tail is None:
        return None
    parts = [tail.group(0).strip()]
    for nxt in _following(lines, i):
        if len(nxt.split()) > 3:
            break
        parts.append(nxt)
        candidate = " ".join(parts)
        m = _RANGE.match(candidate)
        if m is not None and m.end() > len(parts[0]):
            return _to_range(m, _squash(m.group(0)), i, today)
    return None


def _following(lines: Sequence[str], i: int) -> Iterable[str]:
    taken = 0
    for line in lines[i + 1 :]:
        text = line.strip()
        if not text:
            continue
        yield text
        taken += 1
        if taken >= _MAX_JOIN:
            return


def month_span(rng: DateRange, today: tuple[int, int]) -> tuple[int, int]:
    """The range as a half-open interval of month numbers (year * 12 + month - 1)."""
    s_year, s_month = rng.start
    a = s_year * 12 + (s_month - 1 if s_month else 0)
    if rng.end is None:
        b = today[0] * 12 + today[1]
    else:
        e_year, e_month = rng.end
        # A year-only end means "by that year"; only a same-year range covers the whole year.
        b = e_year * 12 + (e_month or (12 if e_year == s_year else 0))
    return a, max(a, b)


def total_years(ranges: Iterable[DateRange], today: tuple[int, int]) -> float | None:
    """Years covered by ``ranges`` with overlaps merged; None when there are none."""
    spans = sorted(month_span(r, today) for r in ranges)
    if not spans:
        return None
    months = 0
    cur_a, cur_b = spans[0]
    for a, b in spans[1:]:
        if a <= cur_b:
            cur_b = max(cur_b, b)
        else:
            months += cur_b - cur_a
            cur_a, cur_b = a, b
    months += cur_b - cur_a
    return round(months / 12, 1)
