"""Reading order from positioned text fragments: lines, columns, repeated headers and footers.

Pure geometry, independent of pypdf, so it can be tested with hand-made fragments. Coordinates are PDF user
space: x grows to the right, y grows upwards, baselines in points.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

#: A gutter between columns must be at least this wide (points) ...
MIN_GUTTER = 12.0
#: ... run beside at least this many rows ...
MIN_COLUMN_ROWS = 6
#: ... and over at least this share of the page body's height.
MIN_COLUMN_HEIGHT = 0.35
#: Header/footer rows are among the first/last rows of a page, inside this share of the page height.
BAND = 0.15
BAND_ROWS = 2


@dataclass(slots=True)
class Fragment:
    """A piece of text drawn at one place."""

    text: str
    x0: float
    x1: float
    y: float  # baseline
    size: float  # font size in user space
    continued: bool = False  # drawn where the previous fragment ended (same text position)


@dataclass(slots=True)
class Row:
    """Fragments on one baseline, split into segments where the gap is too wide to be a word space."""

    y: float
    size: float
    segments: list[list[Fragment]] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(_join(segment) for segment in self.segments)


def _join(fragments: list[Fragment]) -> str:
    first = fragments[0]
    if len(fragments) == 1:
        return first.text
    parts = [first.text]
    spaced = first.text.endswith(" ")  # whether the text so far ends with a space
    prev = first
    for frag in itertools.islice(fragments, 1, None):
        text = frag.text
        gap = frag.x0 - prev.x1
        size = frag.size if frag.size < prev.size else prev.size  # min(prev.size, frag.size)
        # A piece drawn where the previous one ended continues its word. Otherwise widths are estimates:
        # touching pieces are one word, and pieces overlapping by much are separate (text over text).
        glued = frag.continued or -0.15 * size < gap < 0.12 * size
        if not glued and not spaced and not text.startswith(" "):
            parts.append(" ")
            spaced = True
        if text:
            parts.append(text)
            spaced = text.endswith(" ")
        prev = frag
    return "".join(parts)


_X1: Callable[[Fragment], float] = operator.attrgetter("x1")
_BY_X0: Callable[[Fragment], float] = operator.attrgetter("x0")


def _x0(segment: list[Fragment]) -> float:
    return segment[0].x0


def _x1(segment: list[Fragment]) -> float:
    return max(map(_X1, segment))


def visible_chars(*texts: str) -> int:
    """Characters other than white space in the texts (a page's text-layer size, for both engines): the words'
    lengths, as str.split splits at exactly the characters str.isspace calls white space."""
    return sum(len(word) for text in texts for word in text.split())


def group_rows(fragments: list[Fragment]) -> list[Row]:
    """Group fragments into rows by baseline, top to bottom; each row's segments left to right."""
    rows: list[Row] = []
    members: list[list[Fragment]] = []
    row: Row | None = None
    for frag in sorted(fragments, key=lambda f: -f.y):
        size = frag.size
        if row is not None:
            height = row.size
            if row.y - frag.y <= 0.3 * (size if size < height else height):  # min(row.size, frag.size)
                members[-1].append(frag)
                if size > height:
                    row.size = size
                continue
        row = Row(frag.y, size)
        rows.append(row)
        members.append([frag])
    for row, frags in zip(rows, members, strict=True):
        frags.sort(key=_BY_X0)
        height = row.size
        seen: set[tuple[str, int, int]] = set()
        segment: list[Fragment] = []
        right = 0.0  # _x1(segment), kept as fragments join it
        for frag in frags:
            key = (frag.text, round(frag.x0), round(frag.y))
            if key in seen:  # text drawn twice on the spot (fake bold, shadows)
                continue
            seen.add(key)
            if segment:
                size = frag.size
                wide = 0.8 * (height if height < size else size)  # max(0.8 * min(frag.size, row.size), 4.0)
                if frag.x0 - right > (4.0 if wide < 4.0 else wide):
                    row.segments.append(segment)
                    segment = []
            if not segment or frag.x1 > right:
                right = frag.x1
            segment.append(frag)
        if segment:
            row.segments.append(segment)
    return [row for row in rows if row.segments]


# --- columns ----------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Split:
    start: int
    end: int  # exclusive
    gutter: float  # x of the gutter's left edge


def _find_split(rows: list[Row], body_height: float) -> _Split | None:
    """The gutter beside the most rows, if one runs long enough to be a column break."""
    if len(rows) < MIN_COLUMN_ROWS:
        return None
    spans = [[(_x0(s), _x1(s)) for s in row.segments] for row in rows]
    candidates = sorted({round(x1) + 1.0 for row_spans in spans for _, x1 in row_spans})
    # The rows each candidate gutter crosses (a span from x0 to x1 crosses the gutters with x0 < g + MIN_GUTTER
    # and x1 > g): found per span by bisection, instead of testing every span against every gutter.
    crossing: list[list[int]] = [[] for _ in candidates]
    for index, row_spans in enumerate(spans):
        hit: set[int] = set()
        for x0, x1 in row_spans:
            lo = bisect.bisect_left(candidates, x0 - MIN_GUTTER)
            while lo > 0 and x0 < candidates[lo - 1] + MIN_GUTTER:
                lo -= 1
            while lo < len(candidates) and not x0 < candidates[lo] + MIN_GUTTER:
                lo += 1
            hi = bisect.bisect_left(candidates, x1)
            while hi < len(candidates) and x1 > candidates[hi]:
                hi += 1
            while hi > 0 and not x1 > candidates[hi - 1]:
                hi -= 1
            hit.update(range(lo, hi))
        for k in hit:
            crossing[k].append(index)
    # Each row's leftmost and rightmost segment end, NaN left out: a row has a segment ending at or left of a
    # gutter exactly when its leftmost end is, and one ending right of it when its rightmost end is.
    ends = []
    for row_spans in spans:
        x1s = [x1 for _, x1 in row_spans if x1 == x1]
        ends.append((min(x1s), max(x1s)) if x1s else (math.inf, -math.inf))
    best: _Split | None = None
    best_rows = 0
    for gutter, crossed in zip(candidates, crossing, strict=True):
        start = 0
        for index in (*crossed, len(rows)):  # rows were added in order
            if index - start >= max(MIN_COLUMN_ROWS, best_rows + 1) and _is_column_run(
                rows, ends, start, index, gutter, body_height
            ):
                best, best_rows = _Split(start, index, gutter), index - start
            start = index + 1
    return best


def _is_column_run(
    rows: list[Row],
    ends: list[tuple[float, float]],
    start: int,
    end: int,
    gutter: float,
    body_height: float,
) -> bool:
    """Whether rows ``start`` to ``end`` read as two columns either side of ``gutter`` (``ends``: each row's
    leftmost and rightmost segment end)."""
    if rows[start].y - rows[end - 1].y < MIN_COLUMN_HEIGHT * body_height:
        return False
    # Per row: whether a segment ends at or left of the gutter, and whether one ends right of it.
    sides = [(lo <= gutter, hi > gutter) for lo, hi in itertools.islice(ends, start, end)]
    left = sum(1 for l_, _ in sides if l_)
    right = sum(1 for _, r in sides if r)
    both = sum(1 for l_, r in sides if l_ and r)
    if min(left, right) < 3:
        return False
    if both >= 0.9 * len(sides):
        return False  # every row has both sides: a table, read row by row
    # A date column beside entries (moderncv and the like) is row-structured: each of its sparse rows sits
    # on the baseline of an entry's first row. Reading it as a column would separate dates from jobs.
    return not (_row_structured(sides, 0, both) or _row_structured(sides, 1, both))


def _row_structured(sides: list[tuple[bool, bool]], side: int, both: int) -> bool:
    """Whether one side's rows come in short blocks, each beside the first rows of an entry on the other."""
    count = sum(1 for s in sides if s[side])
    if both < 0.8 * count:
        return False
    blocks: list[int] = []
    previous = False
    for s in sides:
        if s[side]:
            if previous:
                blocks[-1] += 1
            else:
                blocks.append(1)
        previous = s[side]
    blocks.sort()
    return len(blocks) >= 3 and blocks[len(blocks) // 2] <= 3


def _side(rows: list[Row], gutter: float, left: bool) -> list[Row]:
    out: list[Row] = []
    for row in rows:
        segments = [s for s in row.segments if (_x1(s) <= gutter) == left]
        if segments:
            out.append(Row(row.y, row.size, segments))
    return out


def _headline_end(rows: list[Row], split: _Split) -> int:
    """Where the column run really starts: a large name or headline over the main column only, above the
    sidebar's first row, is read before the sidebar."""
    run = rows[split.start : split.end]
    sizes = sorted(row.size for row in run)
    median = sizes[len(sizes) // 2]
    end = split.start
    for index, row in enumerate(run):
        if any(_x1(s) <= split.gutter for s in row.segments):
            break
        if row.size >= 1.2 * median:
            end = split.start + index + 1
    return end


def order_rows(rows: list[Row], body_height: float, depth: int = 0) -> tuple[list[Row], int]:
    """Rows in reading order (column by column where a gutter splits the page) and the column count."""
    split = _find_split(rows, body_height) if depth < 4 else None
    if split is None:
        return rows, 1
    start = _headline_end(rows, split)
    above, above_cols = order_rows(rows[:start], body_height, depth + 1)
    run = rows[start : split.end]
    left, left_cols = order_rows(_side(run, split.gutter, True), body_height, depth + 1)
    right, right_cols = order_rows(_side(run, split.gutter, False), body_height, depth + 1)
    below, below_cols = order_rows(rows[split.end :], body_height, depth + 1)
    return [*above, *left, *right, *below], max(above_cols, left_cols + right_cols, below_cols)


# --- headers and footers ----------------------------------------------------------------------------------

_DIGITS = re.compile(r"\d+")
_BLANKS = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]{3}")


def _norm(text: str) -> str:
    return _BLANKS.sub(" ", _DIGITS.sub("#", text.lower())).strip()


def _band_rows(rows: list[Row], top: float, bottom: float) -> list[int]:
    """Indexes of rows in the top and bottom bands of a page."""
    height = top - bottom
    picked = [i for i in range(min(BAND_ROWS, len(rows))) if rows[i].y >= top - BAND * height]
    tail = range(max(len(rows) - BAND_ROWS, 0), len(rows))
    picked += [i for i in tail if i not in picked and rows[i].y <= bottom + BAND * height]
    return picked


def _key(row: Row, top: float, bottom: float) -> tuple[bool, str, int]:
    # Running headers sit at the same height on every page; a list item repeated at page breaks does not.
    return row.y > (top + bottom) / 2, _norm(row.text), round((row.y - bottom) / 8)


def split_headers_footers(
    pages: list[list[Row]], bounds: list[tuple[float, float]]
) -> tuple[list[list[Row]], list[str], list[str]]:
    """Move rows repeated in the top/bottom band of two or more pages out of the body.

    Returns the pages without those rows, and the header and footer lines (one copy each).
    """
    if len(pages) < 2:
        return pages, [], []
    counts: Counter[tuple[bool, str, int]] = Counter()
    for rows, (top, bottom) in zip(pages, bounds, strict=True):
        counts.update({_key(rows[i], top, bottom) for i in _band_rows(rows, top, bottom)})
    # Repeated on at least half the pages, in the same band: a running header or footer, not a list item
    # that happens to sit at a page break twice.
    needed = max(2, (len(pages) + 1) // 2)
    repeated = {key for key, n in counts.items() if n >= needed and _LETTERS.search(key[1])}
    if not repeated:
        return pages, [], []
    headers: dict[str, str] = {}
    footers: dict[str, str] = {}
    kept_pages: list[list[Row]] = []
    for rows, (top, bottom) in zip(pages, bounds, strict=True):
        drop: set[int] = set()
        for i in _band_rows(rows, top, bottom):
            key = _key(rows[i], top, bottom)
            if key in repeated:
                drop.add(i)
                (headers if key[0] else footers).setdefault(key[1], rows[i].text)
        kept_pages.append([row for i, row in enumerate(rows) if i not in drop])
    return kept_pages, list(headers.values()), list(footers.values())
