"""Keyword taxonomies: the built-in lists shipped as package data, user overrides, and validation.

A taxonomy file is CSV with the header ``term,category,aliases,flags`` (see keyword_lists/README.md):
aliases and flags are ``|``-separated; flags are ``case`` (match case-sensitively as a standalone token),
``nofuzzy`` (never fuzzy-match) and ``off`` (remove a built-in term). Lines starting with ``#`` are comments.
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import FileMissingError, TaxonomyError, TaxonomyProblem
from .normalize import fold, phrase_key, tokenize

HEADER = ("term", "category", "aliases", "flags")
FLAGS = frozenset({"case", "nofuzzy", "off"})
SOFT = "soft_skills"
BUILTIN_FILES = ("ml_engineer.csv",)
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


class Taxonomy:
    """A set of terms with a token index for fast phrase lookup (no regex loop over phrases)."""

    def __init__(self, terms: Iterable[Term]) -> None:
        self.terms: tuple[Term, ...] = tuple(terms)
        self._by_name: dict[str, Term] = {fold(t.name): t for t in self.terms}
        index: dict[tuple[str, ...], list[IndexEntry]] = {}
        for term in self.terms:
            for form in term.forms:
                key = phrase_key(form)
                if not key:
                    continue
                surface = tuple(t.surface for t in tokenize(form)) if term.case_sensitive else None
                index.setdefault(key, []).append(IndexEntry(term, form, form == term.name, surface))
        self.index: Mapping[tuple[str, ...], tuple[IndexEntry, ...]] = {k: tuple(v) for k, v in index.items()}
        self.max_tokens = max((len(k) for k in self.index), default=1)

    def __len__(self) -> int:
        return len(self.terms)

    def get(self, name: str) -> Term | None:
        return self._by_name.get(fold(name))

    def categories(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.terms:
            counts[t.category] = counts.get(t.category, 0) + 1
        return dict(sorted(counts.items()))

    def merged(self, overrides: Iterable[Term], removed: Iterable[str] = ()) -> Taxonomy:
        """A new taxonomy: overrides replace terms of the same name; ``removed`` names are dropped."""
        drop = {fold(n) for n in removed}
        new = {fold(t.name): t for t in overrides}
        kept = [t for t in self.terms if fold(t.name) not in drop and fold(t.name) not in new]
        return Taxonomy([*kept, *new.values()])


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
                for entry in base.index.get(key, ()):
                    if fold(entry.term.name) != folded and base.get(name) is None:
                        problems.append(TaxonomyProblem(
                            line, f"{form!r} already names the built-in term {entry.term.name!r}; "
                            f"override {entry.term.name!r} instead"))
        if len(problems) == bad:
            terms.append(Term(name, category, aliases, "case" in flags, "nofuzzy" not in flags))
    if not header_seen:
        problems.append(TaxonomyProblem(1, f"the file is empty; it needs the header {','.join(HEADER)}"))
    return ParsedFile(tuple(terms), tuple(removed), tuple(problems))


@functools.cache
def builtin_taxonomy() -> Taxonomy:
    """The taxonomy shipped with the package (loaded once per process)."""
    terms: list[Term] = []
    for name in BUILTIN_FILES:
        text = (resources.files("scanner.keyword_lists") / name).read_text(encoding="utf-8")
        parsed = parse_taxonomy(text)
        if parsed.problems:
            raise TaxonomyError(f"package data {name}", parsed.problems)
        terms.extend(parsed.terms)
    return Taxonomy(terms)


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
    parsed = parse_taxonomy(_read(path), base=base)
    if parsed.problems:
        raise TaxonomyError(path, parsed.problems)
    return base.merged(parsed.terms, parsed.removed)


def load_taxonomy(path: str | os.PathLike[str] | None = None) -> Taxonomy:
    """The built-in taxonomy, with the terms of a user file added or overriding built-in ones."""
    if path is None:
        return builtin_taxonomy()
    p = Path(path)
    if not p.is_file():
        _read(p)  # raises FileMissingError
    return _load_cached(str(p), p.stat().st_mtime_ns)
