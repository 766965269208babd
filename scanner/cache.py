"""An opt-in on-disk cache of extracted documents, keyed by the file's bytes and the extractor's version.

A second batch over the same files skips extraction (the slow part of a scan) and the part of scoring that
does not depend on the ad. Entries are JSON of the :class:`~scanner.records.Document` record and, beside it,
of its :class:`~scanner.records.CVAnalysis` (structure, checks, TF-IDF vector; keyed also by the file's name,
what "Present" means and a fingerprint of all of cvscan's code and keyword lists), never pickle: a cache
directory may be shared, and unpickling runs code. Each entry is written to a temporary file and moved into place with :func:`os.replace`, so parallel
writers never leave a half-written entry; an entry that cannot be read back is ignored and rebuilt.

Privacy: entries hold the CVs' text. The cache is only used when asked for (``--cache DIR``), lives only in that
directory, and its files are created readable by their owner only.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import os
import tempfile
import types
import typing
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from .records import Check, CVAnalysis, CVStructure, Document, LogicalLine

#: Bumped when the layout of an entry changes.
CACHE_FORMAT = "1"


@functools.lru_cache(maxsize=1)
def extractor_version() -> str:
    """A fingerprint of the extraction code, its libraries and the Document record's fields.

    Any change to the extractors (even in a development checkout where the package version stays the same)
    gives new cache keys, so stale text is never served.
    """
    from importlib import metadata  # about 10 ms to import: only for a batch that uses the cache

    h = hashlib.sha256(CACHE_FORMAT.encode())
    sources = resources.files("scanner.extract")
    for entry in sorted(sources.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".py"):
            h.update(entry.name.encode())
            h.update(entry.read_bytes())
    for dist in ("pypdf", "python-docx", "pypdfium2"):
        try:
            h.update(f"{dist}={metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist}=none".encode())
    h.update(repr(_fields_fingerprint(Document)).encode())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def analysis_version() -> str:
    """A fingerprint of all of cvscan's code and keyword lists, for :class:`CVAnalysis` entries: structure,
    checks and TF-IDF weights come from most of the package, so any change to it gives new keys."""
    h = hashlib.sha256(f"{extractor_version()}\0".encode())
    # Installed, the keyword lists are a folder of the package; in a checkout they sit beside it: each once.
    stack = [resources.files("scanner"), resources.files("scanner.keyword_lists")]
    seen: set[str] = set()
    while stack:
        folder = stack.pop()
        if str(folder) in seen:
            continue
        seen.add(str(folder))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name):
            if entry.is_dir():
                if entry.name != "__pycache__":
                    stack.append(entry)
            elif entry.name.endswith((".py", ".csv", ".txt", ".tsv")):
                h.update(entry.name.encode())
                h.update(entry.read_bytes())
    return h.hexdigest()[:16]


def _fields_fingerprint(cls: type) -> tuple[Any, ...]:
    out: list[Any] = []
    for f in dataclasses.fields(cls):
        out.append((f.name, str(f.type)))
    return tuple(out)


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    return value


@functools.cache
def _hints(cls: type) -> tuple[frozenset[str], dict[str, Any]]:
    # typing.get_type_hints evaluates every annotation string: once per record type, not once per record.
    return frozenset(f.name for f in dataclasses.fields(cls)), typing.get_type_hints(cls)


def _from_json(tp: Any, value: Any) -> Any:
    """Rebuild a value of type ``tp`` from its JSON form; raises ValueError when it does not fit."""
    return _decoder(tp)(value)


_Decoder = Callable[[Any], Any]


@functools.cache
def _decoder(tp: Any) -> _Decoder:
    """The function that rebuilds a value of type ``tp`` (a record, tuple, literal, union or scalar type) from its
    JSON form, raising ValueError when it does not fit: made once per type, so reading an entry does not work
    out its types again for each of its thousands of values."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        names, hints = _hints(tp)
        fields = tuple((f.name, _decoder(hints[f.name])) for f in dataclasses.fields(tp))
        record_type = tp

        def record(value: Any) -> Any:
            if not isinstance(value, dict):
                raise ValueError(f"expected an object for {record_type.__name__}")
            if value.keys() != names:
                raise ValueError(f"fields of {record_type.__name__} differ")
            return record_type(**{name: decode(value[name]) for name, decode in fields})
        return record
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])

            def homogeneous(value: Any) -> Any:
                if not isinstance(value, list):
                    raise ValueError("expected a list")
                return tuple(map(item, value))
            return homogeneous
        items = tuple(_decoder(a) for a in args)

        def fixed(value: Any) -> Any:
            if not isinstance(value, list):
                raise ValueError("expected a list")
            if len(items) != len(value):
                raise ValueError("tuple length differs")
            return tuple(decode(v) for decode, v in zip(items, value, strict=True))
        return fixed
    if origin is typing.Literal:
        allowed = typing.get_args(tp)

        def literal(value: Any) -> Any:
            if value not in allowed:
                raise ValueError(f"unexpected value {value!r}")
            return value
        return literal
    if origin in (typing.Union, types.UnionType):
        members = tuple(_decoder(arg) for arg in typing.get_args(tp))

        def union(value: Any) -> Any:
            for decode in members:
                try:
                    return decode(value)
                except ValueError:
                    continue
            raise ValueError(f"no member of {tp} fits")
        return union
    if tp is type(None):
        def none(value: Any) -> Any:
            if value is not None:
                raise ValueError("expected null")
            return None
        return none
    if tp is float:
        def number(value: Any) -> Any:
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError("expected a number")
            return float(value)
        return number
    if tp in (int, str, bool):
        def scalar(value: Any) -> Any:
            if type(value) is not tp:
                raise ValueError(f"expected {tp.__name__}")
            return value
        return scalar
    raise ValueError(f"unsupported type {tp}")


def document_to_json(doc: Document) -> str:
    """The document as JSON text (the cache's entry format)."""
    return json.dumps(_to_json(doc), ensure_ascii=False, separators=(",", ":"))


def document_from_json(text: str) -> Document:
    """The inverse of :func:`document_to_json`; raises ValueError on anything that is not a valid entry."""
    doc = _from_json(Document, json.loads(text))
    assert isinstance(doc, Document)
    return doc


_ANALYSIS_FIELDS = frozenset(f.name for f in dataclasses.fields(CVAnalysis))


def analysis_to_json(analysis: CVAnalysis) -> str:
    """An analysis as JSON text; its vector as one object, features in the order they were weighed."""
    data = {"structure": _to_json(analysis.structure), "checks": _to_json(analysis.checks),
            "vector": dict(analysis.vector), "logical": _to_json(analysis.logical),
            "categories": _to_json(analysis.categories), "taxonomy": analysis.taxonomy}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def analysis_from_json(text: str) -> CVAnalysis:
    """The inverse of :func:`analysis_to_json`; raises ValueError on anything that is not a valid entry."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.keys() != _ANALYSIS_FIELDS:
        raise ValueError("not an analysis entry")
    vector = data["vector"]
    # Thousands of (feature, weight) pairs: checked directly, not through the generic record decoder.
    if not isinstance(vector, dict) or not all(
            isinstance(v, float) or (isinstance(v, int) and not isinstance(v, bool)) for v in vector.values()):
        raise ValueError("the vector is not an object of numbers")
    return CVAnalysis(_from_json(CVStructure, data["structure"]), _from_json(tuple[Check, ...], data["checks"]),
                      tuple((k, float(v)) for k, v in vector.items()),
                      _from_json(tuple[LogicalLine, ...], data["logical"]),
                      _from_json(tuple[tuple[int, tuple[str, ...]], ...], data["categories"]),
                      _from_json(str | None, data["taxonomy"]))


class DocumentCache:
    """Extracted documents stored as ``DIR/<2 hex>/<key>.json``."""

    def __init__(self, directory: str | os.PathLike[str], *, variant: str = "") -> None:
        self.directory = Path(directory)
        self.variant = variant  # options that change extraction (engine, OCR)

    def key(self, data: bytes) -> str:
        h = hashlib.sha256()
        h.update(f"{extractor_version()}\0{self.variant}\0".encode())
        h.update(data)
        return h.hexdigest()

    def _path(self, key: str, suffix: str = ".json") -> Path:
        return self.directory / key[:2] / f"{key}{suffix}"

    def _analysis_key(self, doc: Document, today: tuple[int, int]) -> str:
        # Keyed by the document itself (its name included: the file-name and file-type checks quote it), so an
        # analysis always belongs to exactly the document it is used with.
        h = hashlib.sha256()
        h.update(f"{analysis_version()}\0{self.variant}\0{today[0]}-{today[1]}\0".encode())
        h.update(document_to_json(doc).encode())
        return h.hexdigest()

    def get_analysis(self, doc: Document, today: tuple[int, int]) -> CVAnalysis | None:
        """The cached analysis of this document, "Present" meaning ``today``; None if absent or unreadable."""
        try:
            text = self._path(self._analysis_key(doc, today), ".analysis.json").read_text(encoding="utf-8")
            return analysis_from_json(text)
        except (OSError, ValueError, TypeError, UnicodeDecodeError):
            return None

    def put_analysis(self, doc: Document, today: tuple[int, int], analysis: CVAnalysis) -> None:
        """Store an analysis; errors writing the cache never fail a scan."""
        self._write(self._path(self._analysis_key(doc, today), ".analysis.json"), analysis_to_json(analysis))

    def get(self, data: bytes, source: str) -> Document | None:
        """The cached document for these bytes, with ``source`` set to this file; None on a miss or a bad entry."""
        try:
            text = self._path(self.key(data)).read_text(encoding="utf-8")
            doc = document_from_json(text)
        except (OSError, ValueError, TypeError, UnicodeDecodeError):
            return None
        return dataclasses.replace(doc, source=source)

    def put(self, data: bytes, doc: Document) -> None:
        """Store a document; errors writing the cache never fail a scan."""
        self._write(self._path(self.key(data)), document_to_json(doc))

    def _write(self, target: Path, text: str) -> None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
        except OSError:
            return
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, target)
        except OSError:
            Path(tmp).unlink(missing_ok=True)
