"""PDF text in reading order, with layout facts, from PDFium (pypdfium2): the fast engine, extra ``fast``.

PDFium gives each character of a page's text layer with its origin and advance. Characters are cut into the
same :class:`~._layout.Fragment` runs the pypdf engine builds (a run ends where PDFium had to insert a space
or line break itself, i.e. where the text jumps), so rows, columns, reading order and running headers come
from the shared geometry in :mod:`._layout`, and both engines agree on text and layout facts.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import functools
import importlib
import importlib.util
import itertools
import operator
import os
import re
import struct
import threading
import warnings
from collections.abc import Callable, Iterable
from functools import cache
from types import ModuleType
from typing import Any, Literal, NamedTuple, cast

from ..errors import (
    CorruptDocumentError,
    EmptyFileError,
    EncryptedDocumentError,
    NoTextLayerError,
    SettingsError,
)
from ..records import Document, PageFacts
from ._layout import Fragment, group_rows, visible_chars
from .limits import Limits, brief, over_limit
from .pdfdoc import REEXPORT, SUBSET, Page, assemble, no_page_read, unread_page

PdfEngine = Literal["auto", "pypdf", "pdfium"]
#: The values ``engine`` takes, for option parsers.
PDF_ENGINES: tuple[str, ...] = ("auto", "pypdf", "pdfium")

# The optional C loops for the per-character calls (scanner/_speedups.c, built by setup.py where a compiler is
# at hand); CVSCAN_PURE_PYTHON=1 leaves them out, to compare or to rule them out.
_speedups: ModuleType | None = None
if not os.environ.get("CVSCAN_PURE_PYTHON"):
    with contextlib.suppress(ImportError):
        _speedups = importlib.import_module("scanner._speedups")

_SPACE = re.compile(r"\s")
_TEXT = re.compile(r"\S")
_LOCK = threading.RLock()
_FORM_DEPTH = 5  # form XObjects nested deeper than this are not searched for images (as in the pypdf engine)


@cache
def _pdfium() -> tuple[ModuleType, ModuleType] | None:
    """pypdfium2 and its raw bindings, or None when the extra is not installed (or cannot load)."""
    if importlib.util.find_spec("pypdfium2") is None:
        return None
    try:
        return importlib.import_module("pypdfium2"), importlib.import_module("pypdfium2.raw")
    except Exception:  # a broken install (missing shared library ...) counts as not installed
        return None


def available() -> bool:
    """Whether the PDFium engine can be used (``pip install 'cvscan[fast]'``)."""
    return _pdfium() is not None


def check_engine(engine: str) -> None:
    """Raise the SettingsError :func:`resolve_engine` would, without loading PDFium where no answer needs it: an
    unknown engine, or ``pdfium`` when it is not installed. ``auto`` and ``pypdf`` are always usable (``auto``
    resolves when a PDF is read), so a DOCX or text scan never loads PDFium."""
    if engine == "pdfium" or engine not in PDF_ENGINES:
        resolve_engine(engine)


def resolve_engine(engine: str) -> Literal["pypdf", "pdfium"]:
    """The PDF engine to use: ``auto`` is PDFium when it is installed, else pypdf."""
    if engine == "pypdf":
        return "pypdf"
    if engine == "auto":
        return "pdfium" if available() else "pypdf"
    if engine == "pdfium":
        if not available():
            raise SettingsError(
                "the PDF engine 'pdfium' is not installed.",
                fix="install it with `pip install 'cvscan[fast]'`, or use the engine 'pypdf' or 'auto'.",
            )
        return "pdfium"
    raise SettingsError(f"the PDF engine must be one of {', '.join(PDF_ENGINES)}, not {engine!r}.")


# --- one page ---------------------------------------------------------------------------------------------


def _unchecked(function: Any, *, result: bool = True) -> Any:
    """The same PDFium function without ctypes' per-call argument conversion (its declared ``argtypes``), called
    with the GIL held; without ``result``, its result is not converted either (returned as None).

    A page has thousands of characters and each takes a few calls, so the conversion was half of their cost.
    Callers pass only ``c_void_p`` handles, ``int`` indexes and ``byref`` out-parameters, which ctypes passes
    unconverted exactly as declared. These functions only read the text page and return at once (PDFium runs
    under this module's lock anyway), so releasing and taking back the GIL around each call, a tenth of its
    cost, buys nothing.
    """
    address = ctypes.cast(function, ctypes.c_void_p).value
    if not address:  # pypdfium2 resolves every symbol as it loads the library: only a broken install gets here
        raise ImportError(f"PDFium's {getattr(function, '__name__', 'function')} is not loaded")
    # Without a result type ctypes skips a table search and an int object per call; the function's int result
    # comes back in a register (on every platform PDFium ships for), which a caller expecting none just ignores.
    return ctypes.PYFUNCTYPE(function.restype if result else None)(address)


class _Chars:
    """Per-character queries on one PDFium text page: in C loops where scanner._speedups is built, else through
    ctypes, with the out-parameters allocated once."""

    def __init__(self, raw: ModuleType, textpage: Any) -> None:
        self.c = raw
        self.tp = textpage
        self._handle = ctypes.c_void_p(ctypes.cast(textpage, ctypes.c_void_p).value)
        fast = _fast_bindings(raw)
        self._generated, self._origin, self._box, self._get_matrix, self._size, self._font_info = fast
        self._x = ctypes.c_double()
        self._y = ctypes.c_double()
        self._xy = ctypes.byref(self._x), ctypes.byref(self._y)
        self._matrix = raw.FS_MATRIX()
        self._matrix_ref = ctypes.byref(self._matrix)
        self._font = ctypes.create_string_buffer(256)
        self._font_args = ctypes.byref(self._font), len(self._font), ctypes.byref(ctypes.c_int())
        self._names: dict[bytes, str] = {}

    def text(self, count: int) -> str:
        """The page's characters, one per index (PDFium's own text, outside the BMP too)."""
        buffer = (ctypes.c_ushort * (count + 1))()
        written = self.c.FPDFText_GetText(self.tp, 0, count, buffer)
        text = bytes(buffer)[: max(written - 1, 0) * 2].decode("utf-16-le", errors="replace")
        if len(text) == count:
            return text
        unicode = self.c.FPDFText_GetUnicode  # surrogate pairs or dropped characters: one call each
        return "".join(chr(u) if 0 < u < 0x110000 and not 0xD800 <= u < 0xE000 else "\ufffd"
                       for u in (unicode(self.tp, i) for i in range(count)))

    def generated(self, count: int) -> Callable[[int], int]:
        """Whether the character at an index is PDFium's own (a space or line break it put in): 1 if so."""
        if _speedups is not None:  # the same calls, made by one C loop
            flags: bytes = _speedups.generated_flags(_addresses(self.c).generated, self._handle.value, count)
            return flags.__getitem__
        return functools.partial(self._generated, self._handle)

    def run_facts(self, starts: list[int]) -> tuple[Iterable[tuple[float, ...]], list[bytes | None]]:
        """For the character at each index, its matrix (a, b, c, d; the identity where PDFium has none), font
        size and origin's y, and its font's name (None where PDFium gives none, or one too long to hold)."""
        if _speedups is not None:  # the same calls, made by one C loop
            packed: bytes
            names: list[bytes | None]
            packed, names = _speedups.run_facts(*_addresses(self.c).run, self._handle.value, starts)
            return struct.iter_unpack("6d", packed), names
        handle, m, matrix_ref, font, font_args = self._handle, self._matrix, self._matrix_ref, self._font, self._font_args
        room = len(font)
        facts: list[tuple[float, ...]] = []
        fonts: list[bytes | None] = []
        for start in starts:
            a, b, c, d = (m.a, m.b, m.c, m.d) if self._get_matrix(handle, start, matrix_ref) else (1.0, 0.0, 0.0, 1.0)
            size = float(self._size(handle, start))
            self._origin(handle, start, *self._xy)
            facts.append((a, b, c, d, size, self._y.value))
            fonts.append(font.value if 0 < self._font_info(handle, start, *font_args) <= room else None)
        return facts, fonts

    def origin(self, index: int) -> tuple[float, float]:
        self._origin(self._handle, index, *self._xy)
        return self._x.value, self._y.value

    def boxes(self, count: int) -> tuple[list[float], list[float], list[float]]:
        """Lefts, rights and bottoms of the loose boxes of the page's first ``count`` characters (a box spans
        origin to origin + advance).

        A page has thousands of characters: ``map`` makes the calls from C, each into its own slot of a shared
        buffer, and the buffer is read back as one list of floats, so no Python code runs per character.
        """
        if _speedups is not None:  # the same calls, made by one C loop
            boxes: bytes = _speedups.char_boxes(_addresses(self.c).box, self._handle.value, count)
            floats = cast(list[float], memoryview(boxes).cast("f").tolist())  # left, top, right, bottom each
            return floats[0::4], floats[2::4], floats[3::4]
        refs, view = _box_buffer(self.c)
        lefts: list[float] = []
        rights: list[float] = []
        bottoms: list[float] = []
        for first in range(0, count, _CHUNK):
            n = min(_CHUNK, count - first)
            _drain(map(self._box, itertools.repeat(self._handle, n), range(first, first + n), refs))
            values = view[: 4 * n].tolist()  # left, top, right, bottom of each character in turn
            lefts += values[0::4]
            rights += values[2::4]
            bottoms += values[3::4]
        return lefts, rights, bottoms


_CHUNK = 4096  # characters whose boxes are fetched at a time
# Runs an iterator to its end, keeping nothing.
_drain: Callable[[Iterable[Any]], None] = collections.deque(maxlen=0).extend


class _Addresses(NamedTuple):
    """Where PDFium's per-character functions are, for scanner._speedups: its three loops' arguments."""

    generated: int  # FPDFText_IsGenerated
    run: tuple[int, int, int, int]  # FPDFText_GetMatrix, GetFontSize, GetFontInfo, GetCharOrigin
    box: int  # FPDFText_GetLooseCharBox


@cache
def _addresses(raw: ModuleType) -> _Addresses:
    def address(function: Any) -> int:
        found = ctypes.cast(function, ctypes.c_void_p).value
        if not found:  # pypdfium2 resolves every symbol as it loads the library: only a broken install
            raise ImportError(f"PDFium's {getattr(function, '__name__', 'function')} is not loaded")
        return found

    return _Addresses(address(raw.FPDFText_IsGenerated),
                      (address(raw.FPDFText_GetMatrix), address(raw.FPDFText_GetFontSize),
                       address(raw.FPDFText_GetFontInfo), address(raw.FPDFText_GetCharOrigin)),
                      address(raw.FPDFText_GetLooseCharBox))


@cache
def _box_buffer(raw: ModuleType) -> tuple[list[Any], memoryview[float]]:
    """A pointer to each of ``_CHUNK`` rectangles, and their floats (made once per process, used under this
    module's lock; the pointers and the view keep the buffer alive)."""
    rects = (raw.FS_RECTF * _CHUNK)()
    size = ctypes.sizeof(raw.FS_RECTF)
    return [ctypes.byref(rects, i * size) for i in range(_CHUNK)], memoryview(rects).cast("B").cast("f")


@cache
def _fast_bindings(raw: ModuleType) -> tuple[Any, ...]:
    """The per-character functions of :class:`_Chars`, unchecked (made once per process); the origin and box
    functions' results (whether the index was valid: the indexes asked for always are) are not wanted."""
    return (_unchecked(raw.FPDFText_IsGenerated), _unchecked(raw.FPDFText_GetCharOrigin, result=False),
            _unchecked(raw.FPDFText_GetLooseCharBox, result=False), _unchecked(raw.FPDFText_GetMatrix),
            _unchecked(raw.FPDFText_GetFontSize), _unchecked(raw.FPDFText_GetFontInfo))


def _runs(chars: _Chars, text: str) -> list[tuple[int, int]]:
    """Index ranges of the page's text runs: PDFium's own spaces and line breaks mark where text jumps.

    A run starts at its first character that is not white space and ends at the break; the search visits only
    the white space (\\s is exactly str.isspace), as most of a page's characters are letters.
    """
    runs: list[tuple[int, int]] = []
    start = 0
    generated = chars.generated(len(text))
    search = _TEXT.search
    for found in _SPACE.finditer(text):
        index = found.start()
        if text[index] in "\r\n" or generated(index) == 1:
            first = search(text, start, index)
            if first is not None:
                runs.append((first.start(), index))
            start = index + 1
    first = search(text, start)
    if first is not None:
        runs.append((first.start(), len(text)))
    return runs


def _read_chars(chars: _Chars, text: str, fonts: set[str]) -> tuple[list[Fragment], list[str]]:
    """The page's upright text as fragments, and its rotated text.

    A run is cut where its characters do not follow one another (over-prints, baseline jumps, gaps that the
    shared geometry judges), and a space is put where a gap is wider than the run's usual one by a word space
    (PDFium sets words drawn apart side by side without a space of its own when the gap is small). Most runs
    have neither, and are one fragment: that case is worked out here, the rest by :func:`_cut`.
    """
    fragments: list[Fragment] = []
    rotated: list[str] = []
    page_lefts, page_rights, page_bottoms = chars.boxes(len(text))
    runs = _runs(chars, text)
    # The font, matrix, size and baseline a run starts in: a call per character would cost more time.
    facts, raw_names = chars.run_facts([start for start, _ in runs])
    names = chars._names
    add, sub, accumulate = fragments.append, operator.sub, itertools.accumulate
    for (start, end), (a, b, c, d, size, y), raw in zip(runs, facts, raw_names, strict=True):
        if raw is not None:
            name = names.get(raw)
            if name is None:
                name = names[raw] = SUBSET.sub("", raw.decode("latin-1").strip())
            if name:
                fonts.add(name)
        if not (a > 0 and d > 0 and abs(b) < 0.1 * a and abs(c) < 0.1 * d):
            rotated.append(text[start:end].strip())
            continue
        size = abs(size * d) or 1.0
        if end - start > 1:
            lefts, rights, bottoms = page_lefts[start:end], page_rights[start:end], page_bottoms[start:end]
            # The pen after each character; a ligature PDFium splits into letters ends at its widest letter's
            # edge. Nearly always the right edges never go back, and each pen is the character's own edge.
            pens = rights if _rising(rights) else list(accumulate(rights, max))
            steps = list(map(sub, lefts[1:], pens))  # each character's gap, while nothing is cut
            gaps = sorted(steps)
            usual = min(gaps[len(gaps) // 2], 0.0)
            if not (gaps[-1] <= 0.12 * size and gaps[-1] - usual <= 0.1 * size and gaps[0] >= -0.3 * size
                    and (bottoms.count(bottoms[0]) == len(bottoms)  # one baseline: no jump
                         or max(map(abs, map(sub, bottoms[1:], bottoms))) <= 0.3 * size)):
                _cut(fragments, chars, text, start, lefts, rights, bottoms, pens, usual, size)
                continue
            x1 = pens[-1]
        else:
            x1 = page_rights[start]
        # One fragment, the whole run (which starts at a character that is not white space).
        x0 = page_lefts[start]
        add(Fragment(text[start:end].rstrip(), x0, max(x0, x1), y, size))
    return fragments, rotated


def _cut(out: list[Fragment], chars: _Chars, text: str, start: int, lefts: list[float], rights: list[float],
         bottoms: list[float], pens: list[float], usual: float, size: float) -> None:
    """Add the fragments of a run that is cut or has a space put in (see :func:`_read_chars`); ``lefts``,
    ``rights`` and ``bottoms`` are its characters', ``pens`` the pen after each, ``usual`` its usual gap."""
    wide, overlap, jump, word = 0.12 * size, -0.3 * size, 0.3 * size, 0.1 * size
    first = 0
    parts: list[str] = [text[start]]
    for i in range(1, len(lefts)):
        gap = lefts[i] - pens[i - 1]
        if lefts[i] == lefts[i - 1] and rights[i] == rights[i - 1]:  # a letter of the same ligature glyph
            pass
        elif gap > wide or gap < overlap or abs(bottoms[i] - bottoms[i - 1]) > jump:
            _add(out, chars, "".join(parts), start + first, lefts[first], pens[i - 1], size)
            first, parts = i, []
            pens[i] = rights[i]
        elif gap - usual > word and not text[start + i].isspace() and not parts[-1].isspace():
            parts.append(" ")
        parts.append(text[start + i])
    _add(out, chars, "".join(parts), start + first, lefts[first], pens[-1], size)


def _rising(values: list[float]) -> bool:
    """Whether the values never go down, so each running maximum is the value itself (a sort of sorted
    values only checks them; NaN, which no sort can place, counts as going down)."""
    total = sum(values)
    return total == total and values == sorted(values)


def _add(out: list[Fragment], chars: _Chars, piece: str, index: int, x0: float, x1: float, size: float) -> None:
    text = piece.strip()
    if text:
        _, y = chars.origin(index + len(piece) - len(piece.lstrip()))
        out.append(Fragment(text, x0, max(x0, x1), y, size))


def _count_images(raw: ModuleType, parent: Any, form: bool, depth: int = 0) -> int:
    count_objects = raw.FPDFFormObj_CountObjects if form else raw.FPDFPage_CountObjects
    get_object = raw.FPDFFormObj_GetObject if form else raw.FPDFPage_GetObject
    images = 0
    for index in range(max(count_objects(parent), 0)):
        obj = get_object(parent, index)
        kind = raw.FPDFPageObj_GetType(obj) if obj else raw.FPDF_PAGEOBJ_UNKNOWN
        if kind == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
        elif kind == raw.FPDF_PAGEOBJ_FORM and depth < _FORM_DEPTH:
            images += _count_images(raw, obj, True, depth + 1)
    return images


def _hyperlinks(raw: ModuleType, document: Any, page: Any) -> list[str]:
    links: list[str] = []
    position = ctypes.c_int(0)
    link = raw.FPDF_LINK()
    while raw.FPDFLink_Enumerate(page, position, link):
        action = raw.FPDFLink_GetAction(link)
        if not action or raw.FPDFAction_GetType(action) != raw.PDFACTION_URI:
            continue
        length = raw.FPDFAction_GetURIPath(document, action, None, 0)
        if length <= 1:
            continue
        buffer = ctypes.create_string_buffer(length)
        raw.FPDFAction_GetURIPath(document, action, buffer, length)
        target = buffer.value.decode("latin-1").strip()
        if target:
            links.append(target)
    return links


def _read_page(pdf: Any, raw: ModuleType, number: int, fonts: set[str],
               no_images: bool) -> tuple[Page, list[str], bool]:
    """One page: its facts and rows, its hyperlinks, and whether it draws anything at all."""
    page = pdf.get_page(number - 1)
    try:
        left, bottom, right, top = page.get_mediabox()
        textpage = page.get_textpage()
        try:
            chars = _Chars(raw, textpage.raw)
            text = chars.text(textpage.count_chars())
            fragments, rotated = _read_chars(chars, text, fonts)
        finally:
            textpage.close()
        text_chars = visible_chars(*(f.text for f in fragments), *rotated)
        images = 0 if no_images else _count_images(raw, page.raw, False)
        drawn = raw.FPDFPage_CountObjects(page.raw) > 0
        links = _hyperlinks(raw, pdf.raw, page.raw)
    finally:
        page.close()
    facts = PageFacts(number, float(right - left), float(top - bottom), 1, text_chars, images)
    return Page(facts, group_rows(fragments), rotated, None, (float(top), float(bottom))), links, drawn


# --- the document -----------------------------------------------------------------------------------------


def _open(pdfium: ModuleType, raw: ModuleType, data: bytes, name: str) -> Any:
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) in (raw.FPDF_ERR_PASSWORD, raw.FPDF_ERR_SECURITY):
            raise EncryptedDocumentError(
                "the PDF is password-protected.",
                path=name,
                fix="remove the password: save or print an unprotected copy of the PDF and scan that.",
            ) from exc
        raise CorruptDocumentError(f"the PDF cannot be parsed ({brief(exc)}).", path=name, fix=REEXPORT) from exc


def extract_pdfium(data: bytes, name: str, *, limits: Limits | None = None,
                   no_images: tuple[bool, ...] | bool = ()) -> Document:
    """Extract a PDF's text in reading order with its layout facts, using PDFium (at most ``limits.max_pages``).

    ``no_images``: per page, whether it is known to draw no image (from the preflight: then its objects need no
    count), used only when it covers exactly the pages PDFium finds; or True when no page can draw one.
    """
    loaded = _pdfium()
    if loaded is None:
        resolve_engine("pdfium")  # raises the SettingsError that says how to install it
        raise AssertionError("unreachable")
    pdfium, raw = loaded
    # PDFium is not thread-safe (its last-error code is global: two threads opening a damaged and an encrypted
    # PDF at once could each be told the other's error), so threads take turns.
    with _LOCK, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PDFium's warnings are about forms and damage we report ourselves
        pdf = _open(pdfium, raw, data, name)
        try:
            return _extract(pdf, raw, data, name, limits or Limits(), no_images)
        finally:
            pdf.close()


def _extract(pdf: Any, raw: ModuleType, data: bytes, name: str, limits: Limits,
             no_images: tuple[bool, ...] | bool) -> Document:
    count = len(pdf)
    if count < 1:
        raise CorruptDocumentError("the PDF has no pages.", path=name, fix=REEXPORT)
    if count > limits.max_pages:
        raise over_limit(name, f"the PDF has {count:,} pages", "max_pages")
    fonts: set[str] = set()
    read: list[Page] = []
    links: list[str] = []
    drawn = False
    failures: list[Exception] = []
    if not isinstance(no_images, tuple):
        no_images = (no_images,) * count
    for number in range(1, count + 1):
        try:
            page, page_links, page_drawn = _read_page(pdf, raw, number, fonts,
                                                      len(no_images) == count and no_images[number - 1])
        except Exception as exc:  # one damaged page should not lose the others
            failures.append(exc)
            read.append(unread_page(number))
            continue
        read.append(page)
        links += page_links
        drawn = drawn or page_drawn
    if len(failures) == count:
        raise no_page_read(name, failures[0]) from failures[0]
    if all(p.facts.text_chars == 0 for p in read):
        if drawn:
            raise NoTextLayerError(
                "the PDF has no text layer: its pages are images (it looks scanned), so an ATS reads nothing.",
                path=name,
                fix="export the PDF from the original document instead of scanning it, or run with --ocr.",
            )
        raise EmptyFileError("the PDF's pages are blank: no text and no images.", path=name, fix=REEXPORT)
    return assemble(read, fonts, links, name, len(data))
