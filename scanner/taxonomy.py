"""Keyword taxonomies: the built-in lists shipped as package data, user overrides, and validation.

A taxonomy file is CSV with the header ``term,category,aliases,flags`` (see keyword_lists/README.md):
aliases and flags are ``|``-separated; flags are ``case`` (match case-sensitively as a standalone token),
``nofuzzy`` (never fuzzy-match) and ``off`` (remove a built-in term). Lines starting with ``#`` are comments.

The built-in taxonomy has two layers. The hand-curated ML-engineer list (plus a user's file) is the primary
layer and keeps priority: a form it knows is never read from the second layer, the general list derived from
ESCO and O*NET (about 17,000 terms, 70,000 forms). Normalising 70,000 forms costs most of a second, so the
general layer ships with a generated key index (``general_index.tsv``: normalised key, then the rows and
form numbers it names) and builds a :class:`Term` only for the keys a document actually contains.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import FileMissingError, TaxonomyError, TaxonomyProblem
from .normalize import fold, phrase_key, tokenize, verb_inflections, word_key

HEADER = ("term", "category", "aliases", "flags")
FLAGS = frozenset({"case", "nofuzzy", "off"})
SOFT = "soft_skills"
BUILTIN_FILES = ("ml_engineer.csv",)
GENERAL_FILE = "general_skills.csv"
GENERAL_INDEX_FILE = "general_index.tsv"
_CATEGORY = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True, slots=True)
class Term:
    """A canonical keyword with its aliases."""

    name: str
    category: str
    aliases: tuple[str, ...] = ()
    case_sensitive: bool = False
    fuzzy: bool = True

    @property
    def soft(self) -> bool:
        return self.category == SOFT

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


@dataclass(frozen=True, slots=True)
class IndexEntry:
    """One way of writing a term, as stored in the token index."""

    term: Term
    form: str  # the name or alias as written in the taxonomy
    is_name: bool
    surface: tuple[str, ...] | None  # exact token surfaces required (case-sensitive terms only)


def _entry(term: Term, form: str) -> IndexEntry:
    surface = tuple(t.surface for t in tokenize(form)) if term.case_sensitive else None
    return IndexEntry(term, form, form == term.name, surface)


def _term_from_row(row: list[str]) -> Term:
    name, category, alias_cell, flag_cell = (c.strip() for c in row)
    flags = {f.strip().lower() for f in flag_cell.split("|")}
    aliases = tuple(a.strip() for a in alias_cell.split("|") if a.strip())
    return Term(name, category, aliases, "case" in flags, "nofuzzy" not in flags)


def _data_lines(lines: Sequence[str]) -> list[tuple[int, str]]:
    """(physical line number, line) of each term row of a taxonomy CSV whose rows are one line each."""
    rows = [(n, ln) for n, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
    return rows[1:]


def _parse_line(line: str) -> list[str]:
    return next(csv.reader([line]))


def tab_pairs(body: str, source: str, first_line: int, fix: str) -> dict[str, str]:
    """The ``a<TAB>b`` lines of generated package data as a dictionary, in file order.

    Neither field holds a tab, so one pass turns the lines into a, b, a, b ... and the dictionary is built with
    no Python-level step per line (two thirds of the time of splitting each line; these files have 30,000-70,000
    lines and are read at every start). When the tabs and the lines do not pair up, the error names the first
    line without exactly one tab (``first_line``: the file's line number of the body's first line).
    """
    fields = body.replace("\t", "\n").split("\n") if body else []
    if body.endswith("\n"):
        fields.pop()  # the empty field after the last line break
    if len(fields) % 2 == 0 and body.count("\t") == len(fields) // 2:
        pairs = iter(fields)
        return dict(zip(pairs, pairs, strict=True))
    bad = next(n for n, line in enumerate(body.split("\n"), first_line) if line.count("\t") != 1)
    raise TaxonomyError(f"package data {source}", (TaxonomyProblem(bad, f"the line needs one tab; {fix}"),))


class GeneralLayer:
    """The general list behind the primary terms: looked up by precomputed key, Terms built on first hit.

    Loading splits the CSV into lines; the first lookup builds two dictionaries from the index: the key lines
    (``key<TAB>line:form,...``) and the span lines below ``#spans``; a term's CSV line is parsed only when one of
    its keys is hit.
    """

    def __init__(self, csv_text: str, index_text: str) -> None:
        self._lines = csv_text.splitlines()
        first, _, rest = index_text.partition("\n")
        head, _, value = first.partition("\t")
        body, found, spans = ("\n" + rest).partition(f"\n{SPANS_LINE}\n")
        if head != MAX_TOKENS_LINE or not found:
            raise TaxonomyError(f"package data {GENERAL_INDEX_FILE}", (TaxonomyProblem(
                1, f"the first line must be {MAX_TOKENS_LINE}<TAB>N and a line {SPANS_LINE} must follow the keys; "
                   "rebuild it with tools/build_general_index.py"),))
        self.max_tokens = int(value)
        self._index = body[1:]  # the "key<TAB>refs" lines, kept in one string until the first lookup
        self._span_lines = spans.splitlines()
        self._terms: dict[int, Term] = {}
        self._named: dict[str, Term] = {}

    def __len__(self) -> int:
        return len(self._rows)

    @functools.cached_property
    def _rows(self) -> list[tuple[int, str]]:
        return _data_lines(self._lines)

    @functools.cached_property
    def _name_lines(self) -> dict[str, int]:
        names: dict[str, int] = {}
        for number, line in self._rows:
            names.setdefault(fold(_parse_line(line)[0].strip()), number)
        return names

    @functools.cached_property
    def _keys(self) -> tuple[dict[str, str], dict[str, int]]:
        # Built on the first lookup: a scan looks up some 10,000 n-grams, and a dictionary answers each in a
        # fraction of bisecting the sorted index. The second map bounds the n-grams worth trying; it ships
        # precomputed, one line per length, as computing it from the keys took most of the loading time.
        refs = tab_pairs(self._index, GENERAL_INDEX_FILE, 2, "rebuild it with tools/build_general_index.py")
        spans: dict[str, int] = {}
        for line in self._span_lines:
            length, _, starts = line.partition("\t")
            spans.update(dict.fromkeys(starts.split("\t"), int(length)))
        return refs, spans

    def _refs(self, key: tuple[str, ...]) -> str | None:
        return self._keys[0].get(" ".join(key))

    def spans(self) -> Mapping[str, int]:
        """The most tokens of a key that starts so, by start (one token key, or two joined by a space)."""
        return self._keys[1]

    def term(self, line: int) -> Term:
        term = self._terms.get(line)
        if term is None:
            term = self._terms[line] = _term_from_row(_parse_line(self._lines[line]))
            self._named.setdefault(fold(term.name), term)
        return term

    def entries(self, key: tuple[str, ...]) -> list[IndexEntry]:
        refs = self._refs(key)
        if refs is None:
            return []
        out = []
        for ref in refs.split(","):
            line, _, form = ref.partition(":")
            term = self.term(int(line))
            out.append(_entry(term, term.forms[int(form)]))
        return out

    def __contains__(self, key: tuple[str, ...]) -> bool:
        return self._refs(key) is not None

    def named(self, name: str) -> Term | None:
        """The term of that name (the first lookup of a name never hit reads every name once)."""
        folded = fold(name)
        if folded in self._named:
            return self._named[folded]
        found = self._name_lines.get(folded)
        return None if found is None else self.term(found)

    def categories(self) -> Iterator[str]:
        return (_parse_line(line)[1].strip() for _, line in self._rows)

    def all_terms(self) -> Iterator[Term]:
        return (self.term(n) for n, _ in self._rows)


MAX_TOKENS_LINE = "#max_tokens"
SPANS_LINE = "#spans"


def general_index_text(csv_text: str) -> str:
    """The key index of a general list (the content of ``general_index.tsv``).

    A first line ``#max_tokens<TAB>N``, then one line per key, sorted: the :func:`phrase_key` of names and
    aliases, space-joined, a tab, and ``line:form`` pairs (the term's 0-based line in the CSV; 0 for its name,
    1, 2, ... for its aliases). Sorted lines make the file the same on every rebuild and allow bisection.
    Then a line ``#spans`` and, per key length N, a line ``N<TAB>start<TAB>start...``: the first tokens and
    first two tokens (space-joined) whose longest key has N tokens (see :meth:`TermIndex.span`).
    """
    refs: dict[str, list[str]] = {}
    for n, line in _data_lines(csv_text.splitlines()):
        for j, form in enumerate(_term_from_row(_parse_line(line)).forms):
            key = phrase_key(form)
            if key:
                refs.setdefault(" ".join(key), []).append(f"{n}:{j}")
    longest = max((k.count(" ") + 1 for k in refs), default=1)
    body = "".join(f"{key}\t{','.join(v)}\n" for key, v in sorted(refs.items()))
    spans: dict[str, int] = {}
    for joined in refs:
        _add_spans(spans, joined.split(" "))
    by_length: dict[int, list[str]] = {}
    for start, length in spans.items():
        by_length.setdefault(length, []).append(start)
    span_lines = "".join(f"{length}\t" + "\t".join(sorted(starts)) + "\n" for length, starts in sorted(by_length.items()))
    return f"{MAX_TOKENS_LINE}\t{longest}\n{body}{SPANS_LINE}\n{span_lines}"


def _add_spans(spans: dict[str, int], key: Sequence[str]) -> None:
    """Record a key's length under its first token and under its first two tokens."""
    for start in (key[0], " ".join(key[:2])) if len(key) > 1 else (key[0],):
        if spans.get(start, 0) < len(key):
            spans[start] = len(key)


class TermIndex:
    """Lookup of normalised keys: the primary terms' own index first, the general layer only behind it."""

    def __init__(self, primary: Mapping[tuple[str, ...], tuple[IndexEntry, ...]], general: GeneralLayer | None,
                 hidden: frozenset[str]) -> None:
        self._primary = primary
        self._general = general
        self._hidden = hidden  # folded names the general layer must not answer for (overridden or removed)
        self._cache: dict[tuple[str, ...], tuple[IndexEntry, ...]] = {}

    @functools.cached_property
    def spans(self) -> dict[str, int]:
        """The most tokens of any key that starts so, by its first token key and by its first two joined by a
        space: an n-gram longer than that needs no lookup (see :meth:`span`)."""
        spans = dict(self._general.spans()) if self._general is not None else {}
        for key in self._primary:
            _add_spans(spans, key)
        return spans

    def span(self, first: str, second: str | None) -> int:
        """At most how many tokens, starting with the token keys ``first`` and ``second`` (None at the end of a
        line), a key can have: no longer n-gram there needs a lookup. 0: no key starts with ``first``."""
        spans = self.spans
        if first not in spans:
            return 0
        return max(1, spans.get(f"{first} {second}", 0)) if second is not None else 1

    def get(self, key: tuple[str, ...], default: tuple[IndexEntry, ...] | None = None) -> tuple[IndexEntry, ...] | None:
        found = self._primary.get(key)
        if found is not None:
            return found
        cached = self._cache.get(key)  # the general layer's answers, kept: asking it costs a join and two calls
        if cached is None:
            if self._general is None or key not in self._general:
                return default
            cached = self._cache[key] = tuple(
                e for e in self._general.entries(key) if fold(e.term.name) not in self._hidden)
        return cached or default

    def __getitem__(self, key: tuple[str, ...]) -> tuple[IndexEntry, ...]:
        found = self.get(key)
        if found is None:
            raise KeyError(key)
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self.get(key) is not None


class Taxonomy:
    """A set of terms with a token index for fast phrase lookup (no regex loop over phrases).

    ``terms`` are the primary terms; ``general`` an optional second layer they take priority over.
    ``fingerprint`` names the content of a loaded taxonomy (:func:`load_taxonomy` gives one: the shipped
    lists, or those with a user file's terms), so work derived from it can be kept and recognised later; a
    taxonomy made from terms in code has none.
    """

    def __init__(self, terms: Iterable[Term], *, general: GeneralLayer | None = None,
                 removed: Iterable[str] = (), fingerprint: str | None = None) -> None:
        self.fingerprint = fingerprint
        self.terms: tuple[Term, ...] = tuple(terms)
        self._by_name: dict[str, Term] = {fold(t.name): t for t in self.terms}
        self._general = general
        self._removed = frozenset(fold(n) for n in removed)
        index: dict[tuple[str, ...], list[IndexEntry]] = {}
        for term in self.terms:
            for form in term.forms:
                key = phrase_key(form)
                if key:
                    index.setdefault(key, []).append(_entry(term, form))
        primary = {k: tuple(v) for k, v in index.items()}
        self.index = TermIndex(primary, general, self._removed | frozenset(self._by_name))
        self.max_tokens = max([*(len(k) for k in primary), general.max_tokens if general is not None else 1])

    @functools.cached_property
    def people_phrases(self) -> Mapping[tuple[str, ...], tuple[Term, ...]]:
        """Keys of the verb phrases of the primary terms' forms whose object is "others" ("mentor others",
        "give advice to others"), one per inflection of the verb ("mentored", "mentoring" ...), with their terms.

        A CV names the people: "mentored two junior engineers" is "mentor others" (see
        :func:`~scanner.matching.find_terms`). The general layer's terms are not searched this way: an ad's
        own terms (the primary terms of the taxonomy a CV is matched with) are.
        """
        phrases: dict[tuple[str, ...], dict[Term, None]] = {}
        for term in self.terms:
            for form in term.forms:
                key = phrase_key(form)
                if len(key) < 2 or key[-1] != "other" or term.case_sensitive:
                    continue
                verb = fold(form).split()[0]
                for inflected in verb_inflections(verb):
                    phrases.setdefault((word_key(inflected), *key[1:-1]), {})[term] = None
        return {k: tuple(v) for k, v in phrases.items()}

    def __bool__(self) -> bool:
        return True  # never empty in the sense that matters, and len() of the general layer is not free

    @functools.cached_property
    def _size(self) -> int:
        if self._general is None:
            return len(self.terms)
        # General terms named like a primary term or removed by a user file do not count twice, or at all.
        hidden = sum(1 for name in self._removed | frozenset(self._by_name) if self._general.named(name) is not None)
        return len(self.terms) + len(self._general) - hidden

    def __len__(self) -> int:
        return self._size

    def get(self, name: str) -> Term | None:
        key = fold(name)
        term = self._by_name.get(key)
        if term is not None or self._general is None or key in self._removed:
            return term
        return self._general.named(name)

    def all_terms(self) -> Iterator[Term]:
        """Every term of both layers (builds all general terms: for tools and reports, not for scans)."""
        yield from self.terms
        if self._general is not None:
            hidden = self._removed | frozenset(self._by_name)
            yield from (t for t in self._general.all_terms() if fold(t.name) not in hidden)

    def categories(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        general = self._general.categories() if self._general else iter(())
        for category in (*(t.category for t in self.terms), *general):
            counts[category] = counts.get(category, 0) + 1
        return dict(sorted(counts.items()))

    def merged(self, overrides: Iterable[Term], removed: Iterable[str] = (), *,
               fingerprint: str | None = None) -> Taxonomy:
        """A new taxonomy: overrides replace terms of the same name; ``removed`` names are dropped."""
        drop = {fold(n) for n in removed}
        new = {fold(t.name): t for t in overrides}
        kept = [t for t in self.terms if fold(t.name) not in drop and fold(t.name) not in new]
        return Taxonomy([*kept, *new.values()], general=self._general, removed=self._removed | drop,
                        fingerprint=fingerprint)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    terms: tuple[Term, ...]
    removed: tuple[str, ...]
    problems: tuple[TaxonomyProblem, ...]


def parse_taxonomy(text: str, *, base: Taxonomy | None = None) -> ParsedFile:
    """Parse taxonomy CSV text, collecting every problem with its line number instead of stopping."""
    problems: list[TaxonomyProblem] = []
    terms: list[Term] = []
    removed: list[str] = []
    seen_names: dict[str, int] = {}
    seen_forms: dict[tuple[str, ...], tuple[str, int]] = {}
    header_seen = False
    reader = csv.reader(io.StringIO(text))
    for row in reader:
        line = reader.line_num
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in row]
        if not header_seen:
            header_seen = True
            if tuple(c.lower() for c in cells) != HEADER:
                problems.append(TaxonomyProblem(line, f"the first row must be the header {','.join(HEADER)}"))
                if cells[0].lower() == "term":
                    continue
            else:
                continue
        if len(cells) != len(HEADER):
            problems.append(TaxonomyProblem(line, f"expected 4 columns (term,category,aliases,flags), found {len(cells)}"))
            continue
        name, category, alias_cell, flag_cell = cells
        flags = {f.strip().lower() for f in flag_cell.split("|") if f.strip()}
        aliases = tuple(a.strip() for a in alias_cell.split("|") if a.strip())
        bad = len(problems)
        if not name:
            problems.append(TaxonomyProblem(line, "the term is empty"))
        elif not phrase_key(name):
            problems.append(TaxonomyProblem(line, f"the term {name!r} has no letters or digits"))
        if not _CATEGORY.match(category):
            problems.append(TaxonomyProblem(line, f"category {category!r} must be lower_snake_case, e.g. mlops"))
        for flag in sorted(flags - FLAGS):
            problems.append(TaxonomyProblem(line, f"unknown flag {flag!r} (allowed: {', '.join(sorted(FLAGS))})"))
        if "" in (a for a in alias_cell.split("|")) and alias_cell.strip():
            problems.append(TaxonomyProblem(line, "an alias is empty (two '|' in a row, or a trailing '|')"))
        folded = fold(name)
        if name and folded in seen_names:
            problems.append(TaxonomyProblem(line, f"the term {name!r} is already defined on line {seen_names[folded]}"))
        if name:
            seen_names[folded] = line
        if "off" in flags:
            if base is not None and base.get(name) is None:
                problems.append(TaxonomyProblem(line, f"flag 'off' removes a built-in term, but {name!r} is not one"))
            if len(problems) == bad:
                removed.append(name)
            continue
        for form in (name, *aliases):
            key = phrase_key(form)
            if not key:
                if form != name:
                    problems.append(TaxonomyProblem(line, f"the alias {form!r} has no letters or digits"))
                continue
            other = seen_forms.get(key)
            if other and other[0] != folded:
                problems.append(TaxonomyProblem(line, f"{form!r} also names {other[0]!r} (line {other[1]})"))
            seen_forms[key] = (folded, line)
            if base is not None:
                for entry in base.index.get(key) or ():
                    if fold(entry.term.name) != folded and base.get(name) is None:
                        problems.append(TaxonomyProblem(
                            line, f"{form!r} already names the built-in term {entry.term.name!r}; "
                            f"override {entry.term.name!r} instead"))
        if len(problems) == bad:
            terms.append(Term(name, category, aliases, "case" in flags, "nofuzzy" not in flags))
    if not header_seen:
        problems.append(TaxonomyProblem(1, f"the file is empty; it needs the header {','.join(HEADER)}"))
    return ParsedFile(tuple(terms), tuple(removed), tuple(problems))


def _package_text(name: str) -> str:
    return (resources.files("scanner.keyword_lists") / name).read_text(encoding="utf-8")


@functools.cache
def general_layer() -> GeneralLayer:
    """The general ESCO/O*NET list with its key index (loaded once per process)."""
    return GeneralLayer(_package_text(GENERAL_FILE), _package_text(GENERAL_INDEX_FILE))


@functools.cache
def builtin_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package, both layers (loaded once per process)."""
    terms: list[Term] = []
    for name in BUILTIN_FILES:
        parsed = parse_taxonomy(_package_text(name))
        if parsed.problems:
            raise TaxonomyError(f"package data {name}", parsed.problems)
        terms.extend(parsed.terms)
    # The shipped lists are part of cvscan's code: its fingerprint (cache.analysis_version) covers them.
    return Taxonomy(terms, general=general_layer(), fingerprint="builtin")


def _read(path: str | os.PathLike[str]) -> str:
    p = Path(path)
    if not p.is_file():
        raise FileMissingError("no such taxonomy file.", path=str(path), fix="check the path given to --taxonomy.")
    return p.read_text(encoding="utf-8-sig")


def check_taxonomy(path: str | os.PathLike[str]) -> tuple[TaxonomyProblem, ...]:
    """Every problem in a user taxonomy file, each with its line number; empty when the file is fine."""
    return parse_taxonomy(_read(path), base=builtin_taxonomy()).problems


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int) -> Taxonomy:
    base = builtin_taxonomy()
    text = _read(path)
    parsed = parse_taxonomy(text, base=base)
    if parsed.problems:
        raise TaxonomyError(path, parsed.problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    return base.merged(parsed.terms, parsed.removed, fingerprint=f"builtin+{digest}")


def load_taxonomy(path: str | os.PathLike[str] | None = None) -> Taxonomy:
    """The built-in taxonomy, with the terms of a user file added or overriding built-in ones."""
    if path is None:
        return builtin_taxonomy()
    p = Path(path)
    if not p.is_file():
        _read(p)  # raises FileMissingError
    return _load_cached(str(p), p.stat().st_mtime_ns)
