"""The matching engine: taxonomy terms found in text through a token index, then conservative fuzzy matches.

Exact, alias, spelling and plural matches all come from one dictionary lookup per token n-gram (longest
match first), so the cost does not grow with the number of phrases in the taxonomy. Case-sensitive terms
("R", "Go") must match their exact surface as a standalone token; "R&D" and "Go-to" are not matches.
Fuzzy matching (rapidfuzz) is tried only for job terms still missing, only for long forms, and never
against text that is itself another known term ("Airflow" is not a misspelt "MLflow").
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .normalize import Token, fold, normalize_line, tokenize, us_spelling
from .records import MatchKind
from .taxonomy import IndexEntry, Taxonomy, Term

_GLUE_BEFORE = "&'/-.@"  # a case-sensitive term glued to these is part of something else ("R&D", "Go-to")
_GLUE_AFTER = "&'’-@"
_KIND_ORDER: dict[MatchKind, int] = {"exact": 0, "spelling": 1, "stem": 2, "alias": 3, "fuzzy": 4}
FUZZY_MIN_CHARS = 6


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One place where a term occurs."""

    term: Term
    line: int  # index into the lines searched
    kind: MatchKind
    surface: str  # the text as written


_BULLET = re.compile(r"^\s*(?:[•·▪●◦‣■□➢➤►*–-]|\d{1,2}[.)])\s")
_JOINERS = frozenset(["and", "or", "with", "of", "to", "the", "in", "on", "for", "by", "from", "a", "an", "as", "at",
                      "into", "via", "using", "including"])


def join_wrapped(lines: Sequence[str], breaks: Collection[int] = ()) -> list[tuple[int, str]]:
    """Logical lines: a bullet or sentence wrapped over several lines becomes one line again.

    Returns (index of the first physical line, joined text). A line continues the previous one when it
    starts in lower case, when the previous one ends in a comma, a hyphen or a joining word, or when it
    carries on an unfinished bullet. A bullet, a blank line, a line in ``breaks`` (section headings) or a
    capitalised start after a finished sentence begins a new logical line.
    """
    out: list[tuple[int, str]] = []
    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if (out and out[-1][0] + len(out[-1][1].split("\n")) == i and not _BULLET.match(line)
                and i not in breaks):
            prev = out[-1][1].rsplit("\n", 1)[-1]
            last_word = prev.rsplit(None, 1)[-1].lower() if prev.split() else ""
            open_bullet = bool(_BULLET.match(out[-1][1])) and not prev.endswith((".", "!", "?", ":", ";"))
            if (line[0].islower() or prev.endswith((",", "-", "/", "&", "(")) or last_word in _JOINERS
                    or open_bullet):
                out[-1] = (out[-1][0], out[-1][1] + "\n" + line)
                continue
        out.append((i, line))
    return [(i, text.replace("-\n", "-").replace("\n", " ")) for i, text in out]


def best_kind(kinds: Sequence[MatchKind]) -> MatchKind:
    return min(kinds, key=_KIND_ORDER.__getitem__)


def _kind(tokens: Sequence[Token], term: Term) -> MatchKind:
    name_tokens = tokenize(term.name)
    if [t.folded for t in tokens] == [t.folded for t in name_tokens]:
        return "exact"
    if [t.key for t in tokens] == [t.key for t in name_tokens]:
        respelt = any(us_spelling(a.folded) != a.folded for a in tokens)
        return "spelling" if respelt else "stem"
    return "alias"


def _case_ok(entry: IndexEntry, tokens: Sequence[Token], line: str, all_tokens: Sequence[Token], i: int) -> bool:
    if entry.surface is None:
        return True
    if tuple(t.surface for t in tokens) != entry.surface:
        return False
    start, end = tokens[0].start, tokens[-1].end
    if start > 0 and line[start - 1] in _GLUE_BEFORE:
        return False
    if end < len(line) and line[end] in _GLUE_AFTER:
        return False
    # A short capitalised word opening a sentence ("Go beyond ...") is English, not the language.
    if len(entry.surface) == 1 and len(entry.surface[0]) <= 2:
        opens = i == 0 or line[: start].rstrip().endswith((".", "!", "?", ":"))
        nxt = all_tokens[i + 1] if i + 1 < len(all_tokens) else None
        if opens and nxt is not None and line[end:nxt.start].strip() == "" and nxt.surface[:1].islower():
            return False
    return True


def find_terms(lines: Sequence[str], taxonomy: Taxonomy) -> dict[str, list[Occurrence]]:
    """Every occurrence of every taxonomy term in the lines, keyed by term name (longest match wins)."""
    found: dict[str, list[Occurrence]] = {}
    index, longest = taxonomy.index, taxonomy.max_tokens
    for ln, line in enumerate(lines):
        if not line.strip():
            continue
        toks = tokenize(line)
        norm = normalize_line(line)
        i = 0
        while i < len(toks):
            step = 1
            for n in range(min(longest, len(toks) - i), 0, -1):
                entries = index.get(tuple(t.key for t in toks[i : i + n]))
                if not entries:
                    continue
                span = toks[i : i + n]
                hits = [e for e in entries if _case_ok(e, span, norm, toks, i)]
                if not hits:
                    continue
                surface = line_surface(norm, span)
                for term in dict.fromkeys(e.term for e in hits):
                    found.setdefault(term.name, []).append(Occurrence(term, ln, _kind(span, term), surface))
                step = n
                break
            i += step
    return found


def line_surface(norm_line: str, span: Sequence[Token]) -> str:
    """The text a span of tokens covers, as written (``norm_line`` is ``normalize_line(line)``)."""
    return norm_line[span[0].start : span[-1].end]


@functools.lru_cache(maxsize=4096)
def _line_tokens(line: str) -> tuple[Token, ...]:
    # fuzzy_find runs once per missing term over the same lines: tokenise each line once, not once per term.
    return tuple(tokenize(line))


def fuzzy_find(term: Term, lines: Sequence[str], taxonomy: Taxonomy, *, threshold: float) -> list[Occurrence]:
    """Near-miss spellings of a term (e.g. "Pytorh"), at a conservative threshold."""
    if not term.fuzzy or term.case_sensitive:
        return []
    forms = [f for f in term.forms if len(fold(f)) >= FUZZY_MIN_CHARS]
    if not forms:
        return []
    out: list[Occurrence] = []
    form_tokens = [_line_tokens(form) for form in forms]
    for ln, line in enumerate(lines):
        toks = _line_tokens(line)
        for ftoks in form_tokens:
            n = len(ftoks)
            if n == 0 or len(toks) < n:
                continue
            target = " ".join(t.folded for t in ftoks)
            grams: dict[str, tuple[int, int]] = {}
            for i in range(len(toks) - n + 1):
                span = toks[i : i + n]
                if span[0].folded[:1] != target[:1]:
                    continue
                if tuple(t.key for t in span) in taxonomy.index:
                    continue  # the text is a known term in its own right
                grams.setdefault(" ".join(t.folded for t in span), (i, i + n))
            if not grams:
                continue
            best = process.extractOne(target, list(grams), scorer=fuzz.ratio, score_cutoff=threshold)
            if best is not None:
                i, j = grams[best[0]]
                out.append(Occurrence(term, ln, "fuzzy", line_surface(normalize_line(line), toks[i:j])))
                break
    return out
