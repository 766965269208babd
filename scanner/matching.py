"""The matching engine: taxonomy terms found in text through a token index, then conservative fuzzy matches.

Exact, alias, spelling and plural matches all come from one dictionary lookup per token n-gram (longest
match first), so the cost does not grow with the number of phrases in the taxonomy. Case-sensitive terms
("R", "Go") must match their exact surface as a standalone token; "R&D" and "Go-to" are not matches.
Fuzzy matching (rapidfuzz) is tried only for job terms still missing, only for long forms, and never
against text that is itself another known term ("Airflow" is not a misspelt "MLflow").
"""

from __future__ import annotations

import collections
import functools
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from .normalize import Token, fold, line_cache, normalize_line, tokenize, us_spelling, word_key
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
    name_tokens = line_tokens(term.name)
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


# "Others" in a skill ("mentor others", "train others") is whoever a CV names: a word for people at most three
# words after the verb, in the same clause, with no preposition or conjunction between ("mentored two junior
# engineers", "trained the new hires"; not "trained models for engineers").
_PEOPLE = (
    "others", "colleagues", "engineers", "developers", "juniors", "interns", "students", "trainees", "apprentices",
    "graduates", "hires", "members", "teammates", "peers", "staff", "employees", "scientists", "analysts",
    "researchers", "people", "reports", "team", "teams", "mentees", "newcomers", "contributors", "volunteers",
    "learners", "pupils", "children", "individuals", "clients", "customers", "stakeholders", "managers")
_PEOPLE_GAP = 3
_PEOPLE_STOPS = _JOINERS - {"the", "a", "an", "of"}  # "trained the new hires", "mentoring of juniors"
_CLAUSE_ENDS = frozenset(",;:.()|/")


@functools.cache
def _people_keys() -> frozenset[str]:
    # Keyed at first use, not at import: keys need the spelling table, which importing the package does not load.
    return frozenset(word_key(w) for w in _PEOPLE)


def find_terms(lines: Sequence[str], taxonomy: Taxonomy) -> dict[str, list[Occurrence]]:
    """Every occurrence of every taxonomy term in the lines, keyed by term name (longest match wins); a term
    whose object is "others" also where a line names the people (see :attr:`Taxonomy.people_phrases`)."""
    found: dict[str, list[Occurrence]] = {}
    index = taxonomy.index
    starts = index.spans  # the first tokens of keys: most tokens start none, and are passed over here
    people = taxonomy.people_phrases
    verbs = {key[0] for key in people}
    longest = max(map(len, people), default=0)
    get = index.get
    for ln, line in enumerate(lines):
        if not line.strip():
            continue
        toks = line_tokens(line)
        keys = [t.key for t in toks]
        norm = normalize_line(line)
        count = len(keys)
        i = 0
        while i < count:
            key = keys[i]
            if key not in starts:
                i += 1
                continue
            step = 1
            # Only n-grams as long as some key that starts with this token can match: most tokens start none.
            for n in range(min(index.span(key, keys[i + 1] if i + 1 < count else None), count - i), 0, -1):
                entries = get(tuple(keys[i : i + n]))
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
        if verbs and not verbs.isdisjoint(keys):
            _people_objects(found, people, longest, ln, toks, keys, norm)
    return found


def _people_objects(found: dict[str, list[Occurrence]], people: Mapping[tuple[str, ...], tuple[Term, ...]],
                    longest: int, ln: int, toks: Sequence[Token], keys: Sequence[str], norm: str) -> None:
    """Add the line's "<verb> <people>" occurrences of terms whose object is "others", once per term and line
    (a line that says "mentor others" itself has its occurrence already); ``longest``: the longest key's length."""
    for i in range(len(keys)):
        for n in range(min(longest, len(keys) - i), 0, -1):
            terms = people.get(tuple(keys[i : i + n]))
            if terms:
                break
        else:
            continue
        last = _people_word(toks, keys, norm, i + n)
        if last is None:
            continue
        surface = line_surface(norm, toks[i : last + 1])
        for term in terms:
            occs = found.setdefault(term.name, [])
            if not any(o.line == ln for o in occs):
                occs.append(Occurrence(term, ln, "alias", surface))


def _people_word(toks: Sequence[Token], keys: Sequence[str], norm: str, first: int) -> int | None:
    """The index of the word for people that the verb ending before token ``first`` takes as its object, if any."""
    people = _people_keys()
    for j in range(first, min(first + _PEOPLE_GAP + 1, len(keys))):
        if not _CLAUSE_ENDS.isdisjoint(norm[toks[j - 1].end : toks[j].start]):
            return None
        if keys[j] in people:
            return j
        if keys[j] in _PEOPLE_STOPS:
            return None
    return None


def line_surface(norm_line: str, span: Sequence[Token]) -> str:
    """The text a span of tokens covers, as written (``norm_line`` is ``normalize_line(line)``)."""
    return norm_line[span[0].start : span[-1].end]


@line_cache(maxsize=4096)
def line_tokens(line: str) -> tuple[Token, ...]:
    """``tokenize(line)``, remembered: a scan searches the same lines for the ad's terms, for every taxonomy
    term and for near misses, and a batch meets the same boilerplate lines again and again."""
    return tuple(tokenize(line))


class FuzzySearch:
    """Near-miss spellings (e.g. "Pytorh") of terms in a fixed set of lines, at a conservative threshold.

    Made once per document: the lines' n-grams, and whether each is a known term in its own right ("Airflow"
    is not a misspelt "MLflow"), are worked out once for all the terms searched, and each form is scored
    against the distinct n-grams of the whole document in one rapidfuzz call.
    """

    def __init__(self, lines: Sequence[str], taxonomy: Taxonomy) -> None:
        self._lines = lines
        self._index = taxonomy.index
        self._tokens = [line_tokens(line) for line in lines]
        self._folded = [[t.folded for t in toks] for toks in self._tokens]
        # A near miss starts with the form's own letter, so n-grams are made only from tokens with that letter.
        self._starts: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)
        for ln, folded in enumerate(self._folded):
            for i, word in enumerate(folded):
                self._starts[word[:1]].append((ln, i))
        # (n, letter) -> each distinct n-gram's folded text -> (line, first token) of its first place per line,
        # and those texts as a list (what rapidfuzz is given)
        self._grams: dict[tuple[int, str], tuple[dict[str, list[tuple[int, int]]], list[str]]] = {}
        self._known: dict[str, bool] = {}

    def _places(self, n: int, initial: str) -> tuple[dict[str, list[tuple[int, int]]], list[str]]:
        found = self._grams.get((n, initial))
        if found is None:
            places: dict[str, list[tuple[int, int]]] = {}
            for ln, i in self._starts.get(initial, ()):
                folded = self._folded[ln]
                if i + n > len(folded):
                    continue
                text = folded[i] if n == 1 else " ".join(folded[i : i + n])
                where = places.get(text)
                if where is None:
                    places[text] = [(ln, i)]
                elif where[-1][0] != ln:
                    where.append((ln, i))
            found = self._grams[(n, initial)] = places, list(places)
        return found

    def _is_known(self, text: str) -> bool:
        """Whether an n-gram is a term in its own right (its keys follow from its folded text alone)."""
        known = self._known.get(text)
        if known is None:
            known = self._known[text] = tuple(word_key(w) for w in text.split(" ")) in self._index
        return known

    def _best_per_line(self, target: str, n: int, threshold: float) -> dict[int, tuple[float, int]]:
        """Per line, the score and place of the n-gram nearest the target (the first of equals), for the
        n-grams that start with the target's letter, reach the threshold and are not known terms."""
        places, texts = self._places(n, target[:1])
        best: dict[int, tuple[float, int]] = {}
        if not places:
            return best
        for text, score, _ in process.extract(target, texts, scorer=fuzz.ratio, score_cutoff=threshold,
                                              limit=None):
            if self._is_known(text):
                continue
            for ln, i in places[text]:
                old = best.get(ln)
                if old is None or score > old[0] or (score == old[0] and i < old[1]):
                    best[ln] = (score, i)
        return best

    def find(self, term: Term, *, threshold: float) -> list[Occurrence]:
        """The lines with a near miss of the term: per line, the first of its forms that comes near, at the
        n-gram that comes nearest (the first of equals)."""
        if not term.fuzzy or term.case_sensitive:
            return []
        chosen: dict[int, tuple[int, int]] = {}  # line -> (n, first token) of the first form found there
        for form in term.forms:
            target = _fuzzy_target(form)
            if target is not None:
                n, text = target
                for ln, (_, i) in self._best_per_line(text, n, threshold).items():
                    chosen.setdefault(ln, (n, i))
        return [Occurrence(term, ln, "fuzzy", line_surface(normalize_line(self._lines[ln]),
                                                           self._tokens[ln][i : i + n]))
                for ln, (n, i) in sorted(chosen.items())]


@functools.lru_cache(maxsize=4096)
def _fuzzy_target(form: str) -> tuple[int, str] | None:
    """A term form's token count and folded text, as near misses are sought for it (None: too short to seek);
    the same for every CV, so worked out once (forms are the taxonomy's and the ad's, never a CV's words)."""
    tokens = line_tokens(form) if len(fold(form)) >= FUZZY_MIN_CHARS else ()
    return (len(tokens), " ".join(t.folded for t in tokens)) if tokens else None


def fuzzy_find(term: Term, lines: Sequence[str], taxonomy: Taxonomy, *, threshold: float) -> list[Occurrence]:
    """Near-miss spellings of a term (e.g. "Pytorh"), at a conservative threshold (see :class:`FuzzySearch`)."""
    return FuzzySearch(lines, taxonomy).find(term, threshold=threshold)
