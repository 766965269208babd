"""Text normalisation shared by the job-ad analyser and the matcher.

Both sides of a match go through the same steps, so "Quantisation", "quantization" and "quantizations"
all become the key ``("quantization",)``: Unicode NFKC (which also splits ligatures such as "ﬁ"), case
folding, UK→US spelling, and plural stripping. Inflections other than plurals are left alone on purpose:
"sparked" must not become "Spark".
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from importlib import resources
from typing import NamedTuple, TypeVar

_T = TypeVar("_T")
_LINE_CACHES: list[functools._lru_cache_wrapper[object]] = []


def line_cache(maxsize: int) -> Callable[[Callable[[str], _T]], functools._lru_cache_wrapper[_T]]:
    """``functools.lru_cache`` for a function of one line or word of a document, registered so that
    :func:`forget_lines` empties it: the caches outlive a scan, and a server must not keep a CV's lines."""
    def wrap(function: Callable[[str], _T]) -> functools._lru_cache_wrapper[_T]:
        cached = functools.lru_cache(maxsize=maxsize)(function)
        _LINE_CACHES.append(cached)
        return cached
    return wrap


def line_caches() -> tuple[functools._lru_cache_wrapper[object], ...]:
    """Every cache made by :func:`line_cache` (in the order the modules were imported)."""
    return tuple(_LINE_CACHES)


def forget_lines() -> None:
    """Empty every cache that remembers lines or words of the documents scanned so far."""
    for cache in _LINE_CACHES:
        cache.cache_clear()


# A token is a run of letters/digits, optionally followed by "+" or "#" (C++, C#, F#). Everything else
# (spaces, "-", "/", ".", "_", "&") separates tokens, so "scikit-learn" ~ "scikit learn" and
# "CI/CD" ~ "ci cd".
_TOKEN = re.compile(r"[^\W_]+(?:\+\+|\+|#)?", re.UNICODE)
_DASHES = str.maketrans({"‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "’": "'", "‘": "'",
                         "™": None, "®": None, "©": None})
_MAPPED = re.compile("[" + "".join(map(re.escape, map(chr, _DASHES))) + "]")  # the characters _DASHES changes


class Token(NamedTuple):
    """One token of a line: its matching key, its surface text and where it sits (a named tuple: a scan makes
    tens of thousands, and a tuple is made several times faster than a frozen dataclass)."""

    key: str  # folded, US spelling, singular
    folded: str  # folded only (case and NFKC)
    surface: str  # as written
    start: int  # character offsets in the line
    end: int


@functools.cache
def _spelling() -> dict[str, str]:
    table: dict[str, str] = {}
    src = resources.files("scanner.keyword_lists") / "spelling_uk_us.tsv"
    if not src.is_file():
        return table
    with src.open(encoding="utf-8") as fh:
        rows = csv.reader((ln for ln in fh if ln.strip() and not ln.startswith("#")), delimiter="\t")
        for row in rows:
            if len(row) >= 2 and row[0] != "uk":
                table[row[0].strip().lower()] = row[1].strip().lower()
    return table


_UK_SUFFIXES = (
    ("isations", "izations"),
    ("isation", "ization"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("iser", "izer"),
    ("isers", "izers"),
    ("yses", "yzes"),
    ("ysed", "yzed"),
    ("ysing", "yzing"),
    ("yse", "yze"),
)


def us_spelling(word: str) -> str:
    """US spelling of a folded word: the spelling table first, then the -isation/-ise family."""
    table = _spelling()
    if word in table:
        return table[word]
    if "is" not in word and "ys" not in word:
        return word
    for uk, us in _UK_SUFFIXES:
        if word.endswith(uk) and len(word) > len(uk) + 2:
            return word[: -len(uk)] + us
    return word


def singular(word: str) -> str:
    """Strip an English plural ending; conservative and applied to both sides alike."""
    if len(word) <= 3 or not word.isalpha():
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "xes", "ches", "shes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def fold(text: str) -> str:
    """NFKC, unified dashes and quotes, lower case."""
    return normalize_line(text).casefold()


@line_cache(maxsize=65536)
def word_key(folded_word: str) -> str:
    return singular(us_spelling(folded_word))


def normalize_line(line: str) -> str:
    """NFKC with unified dashes and quotes: the string that token offsets refer to."""
    if line.isascii():  # NFKC and the dash table leave ASCII as it is
        return line
    # translate() looks up every character of a non-ASCII string in the table, ten times slower than a search
    # for the few it maps: a whole CV's text (thousands of characters) is translated only where it needs it.
    if _MAPPED.search(line):
        line = line.translate(_DASHES)
    line = unicodedata.normalize("NFKC", line)
    return line.translate(_DASHES) if _MAPPED.search(line) else line  # NFKC makes U+2011 into U+2010


def tokenize(line: str) -> list[Token]:
    """Tokens of one line, with keys for matching and offsets into ``normalize_line(line)``."""
    norm = normalize_line(line)
    out: list[Token] = []
    new, key = tuple.__new__, word_key  # tuple.__new__ skips the named tuple's Python-level constructor
    for m in _TOKEN.finditer(norm):
        surface = m.group()
        folded = surface.casefold()
        out.append(new(Token, (key(folded), folded, surface, m.start(), m.end())))
    return out


def phrase_key(phrase: str) -> tuple[str, ...]:
    """Matching key of a taxonomy term or alias (the keys ``tokenize`` gives, without the Token objects)."""
    return tuple(word_key(w.casefold()) for w in _TOKEN.findall(normalize_line(phrase)))


# Verbs whose past tense is not made with -ed (the tense fixes of advice and the inflections below use it).
IRREGULAR_PAST = {
    "build": "built", "rebuild": "rebuilt", "lead": "led", "run": "ran", "write": "wrote", "drive": "drove",
    "win": "won", "teach": "taught", "grow": "grew", "cut": "cut", "oversee": "oversaw", "make": "made",
    "troubleshoot": "troubleshot", "take": "took", "give": "gave", "keep": "kept", "hold": "held",
    "bring": "brought", "send": "sent", "set": "set", "sell": "sold", "speak": "spoke", "meet": "met",
    "find": "found", "buy": "bought", "think": "thought", "begin": "began", "do": "did", "see": "saw",
}  # fmt: skip
# Past participles that differ from the past tense above, of the verbs of the taxonomy's "... others" skills.
_PARTICIPLE = {"give": "given", "speak": "spoken", "show": "shown", "take": "taken"}


def verb_inflections(verb: str) -> tuple[str, ...]:
    """A folded verb and the forms a CV writes it in ("mentor": "mentors", "mentored", "mentoring"). Regular
    forms are made by rule, with the doubled final consonant too ("plan": "planned"): a form no English word
    has matches nothing."""
    forms = [verb, verb + "s", verb + "es", *(f for f in (IRREGULAR_PAST.get(verb), _PARTICIPLE.get(verb)) if f)]
    if verb.endswith("e"):
        forms += [verb + "d", verb[:-1] + "ing"]
    elif len(verb) > 1 and verb[-1] == "y" and verb[-2] not in "aeiou":
        forms += [verb[:-1] + "ied", verb[:-1] + "ies", verb + "ing"]
    else:
        forms += [verb + "ed", verb + "ing", verb + verb[-1:] + "ed", verb + verb[-1:] + "ing"]
    return tuple(dict.fromkeys(forms))


def word_keys(text: str) -> set[str]:
    """The matching keys of the text's tokens: ``{t.key for t in tokenize(text)}`` without making the tokens
    (for a whole CV those cost about a tenth of a scan), each distinct word keyed once."""
    return {word_key(w.casefold()) for w in set(_TOKEN.findall(normalize_line(text)))}


def iter_lines(text: str) -> Iterator[tuple[int, str]]:
    for i, line in enumerate(text.split("\n")):
        if line.strip():
            yield i, line


# --- a cheap test before a long alternation ---------------------------------------------------------------

_RUN = re.compile(r"\w+")


def key_words(literals: Iterable[str], *, plural: bool = False) -> frozenset[str] | None:
    """One word of each literal (its longest; with ``plural``, also that word + "s"), in lower case, for
    :func:`lacks_words`; None unless every literal is ASCII with a word in it."""
    words: set[str] = set()
    for literal in literals:
        runs = _RUN.findall(literal.lower())
        if not literal.isascii() or not runs:
            return None
        words.add(key := max(runs, key=len))
        if plural:
            words.add(key + "s")
    return frozenset(words)


_SHORT = 400


@line_cache(maxsize=1024)
def _runs_of(text: str) -> frozenset[str]:
    return frozenset(_RUN.findall(text.lower()))


def lacks_words(words: frozenset[str] | None, text: str) -> bool:
    """Whether ``text`` surely holds none of the literals whose :func:`key_words` are ``words``, where a regex
    matches each case-blind and only between non-word characters (as ``(?<![\\w-])literal(?![\\w-])`` or
    ``\\bliteral\\b`` do). Each word of a literal is then a whole word of the text, and in ASCII text lower
    case is exactly what the case-blind match means: a text without any key word needs no regex search, which
    for a long alternation tried at every character costs far more than this test."""
    if words is None or not text.isascii():
        return False
    return words.isdisjoint(word_runs(text))


def word_runs(text: str) -> frozenset[str] | list[str]:
    """The lower-case runs of word characters in an ASCII text, for the tests of :func:`lacks_words`.
    Lines are remembered (rules ask about the same line in turn); a whole text (or block) is asked about once."""
    short = len(text) <= _SHORT and "\n" not in text
    return _runs_of(text) if short else _RUN.findall(text.lower())

