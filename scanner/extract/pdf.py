"""PDF text in reading order, with layout facts, from pypdf's positioned text fragments."""

from __future__ import annotations

import io
import logging
import math
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from pypdf import PageObject, PasswordType, PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, DictionaryObject

from ..errors import CorruptDocumentError, EmptyFileError, EncryptedDocumentError, NoTextLayerError
from ..records import Document, PageFacts
from ._layout import Fragment, group_rows, visible_chars
from .limits import Limits, brief, over_limit
from .pdfbounds import pypdf_limit_error, pypdf_limits
from .pdfdoc import REEXPORT, SUBSET, Page, assemble, no_page_read, unread_page

# Helvetica advance widths for ASCII 32-126 (AFM, 1/1000 em): for the standard fonts, which PDFs may use
# without a /Widths array. Other faces are scaled from it.
_HELVETICA = (
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
)  # fmt: skip


@contextmanager
def quiet_pypdf() -> Iterator[None]:
    """Silence pypdf's warnings and log messages about damaged files; we report problems ourselves."""
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)


@dataclass(slots=True)
class _FontMetrics:
    widths: dict[int, float]  # character code → width (1/1000 em)
    default: float
    name: str | None


def _metrics(font: DictionaryObject | None) -> _FontMetrics:
    if font is None:
        return _FontMetrics({}, 500.0, None)
    base = font.get("/BaseFont")
    name = SUBSET.sub("", str(base)[1:]) if isinstance(base, str) and str(base).startswith("/") else None
    widths: dict[int, float] = {}
    default = 0.0
    try:
        raw = font.get("/Widths")
        raw = raw.get_object() if raw is not None else None
        if isinstance(raw, ArrayObject):
            first = int(font.get("/FirstChar", 0))
            widths = {first + i: float(w) for i, w in enumerate(raw) if isinstance(w, (int, float)) and w > 0}
        elif font.get("/Subtype") == "/Type0":
            descendants: Any = font["/DescendantFonts"].get_object()
            descendant = descendants[0].get_object()
            cid_widths = descendant.get("/W")
            values = [
                float(v)
                for item in (cid_widths.get_object() if cid_widths is not None else [])
                for v in (item if isinstance(item, ArrayObject) else [])
                if isinstance(v, (int, float)) and v > 0
            ]
            default = sum(values) / len(values) if values else float(descendant.get("/DW", 1000)) * 0.5
    except Exception:  # damaged width arrays only cost precision
        widths = {}
    if widths:
        default = sum(widths.values()) / len(widths)
    elif not default:
        lowered = (name or "").lower()
        scale = 0.0 if "courier" in lowered or "mono" in lowered else (0.9 if "times" in lowered else 1.0)
        if "bold" in lowered:
            scale *= 1.05
        if scale == 0.0:
            widths, default = {}, 600.0
        else:
            widths = {32 + i: w * scale for i, w in enumerate(_HELVETICA)}
            default = 556.0 * scale
    return _FontMetrics(widths, default, name)


def _mult(m: list[float], n: list[float]) -> tuple[float, float, float, float, float, float]:
    return (
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    )


@dataclass(slots=True)
class _PageCollector:
    """Visitor state for one page: fragments, rotated text, images drawn, fonts used."""

    fonts: dict[int, tuple[DictionaryObject | None, _FontMetrics]]
    image_names: set[str]
    fragments: list[Fragment] = field(default_factory=list)
    rotated: list[str] = field(default_factory=list)
    images: int = 0
    chars: int = 0
    _last_matrix: tuple[float, ...] = ()
    _last_end: float = 0.0

    def text(self, text: Any, cm: Any, tm: Any, font: Any, size: Any) -> None:
        if not isinstance(text, str):
            return
        # pypdf prefixes a space for a gap it saw; the fragment's position is that of its first glyph.
        text = text.replace("\n", " ").strip(" ")
        if not text.strip():
            return
        self.chars += visible_chars(text)
        metrics = self._font(font)
        try:
            m = _mult(tm, cm)
            font_size = float(size)
        except (TypeError, ValueError, IndexError):
            self.rotated.append(text)
            return
        upright = m[0] > 0 and m[3] > 0 and abs(m[1]) < 0.1 * m[0] and abs(m[2]) < 0.1 * m[3]
        if not upright:
            self.rotated.append(text)
            return
        height = abs(font_size * m[3]) or 1.0
        advance = sum(metrics.widths.get(ord(c), metrics.default) for c in text) / 1000.0
        width = advance * abs(font_size * m[0])
        x0 = m[4]
        continued = m == self._last_matrix
        if continued:
            # pypdf does not move the text matrix over shown glyphs: after a font change on the same line
            # the next piece reports the line's start. It continues where the previous piece ended.
            x0 = self._last_end
        else:
            self._last_matrix = m
        if not (math.isfinite(x0) and math.isfinite(m[5]) and math.isfinite(width)):
            self.rotated.append(text)
            return
        self._last_end = x0 + width
        self.fragments.append(Fragment(text, x0, x0 + width, m[5], height, continued))

    def operand(self, operator: Any, operands: Any, cm: Any, tm: Any) -> None:
        if operator == b"Do":
            if operands and str(operands[0]) in self.image_names:
                self.images += 1
        elif operator == b"INLINE IMAGE":
            self.images += 1

    def _font(self, font: Any) -> _FontMetrics:
        key = id(font)
        cached = self.fonts.get(key)
        if cached is None:
            cached = (font, _metrics(font if isinstance(font, DictionaryObject) else None))
            self.fonts[key] = cached  # keeps the dict alive, so its id stays unique
        return cached[1]


def _image_names(resources: Any, depth: int = 0) -> set[str]:
    """Names of image XObjects in the resources, and in the resources of form XObjects they hold."""
    names: set[str] = set()
    try:
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return names
        for key, ref in xobjects.get_object().items():
            obj = ref.get_object()
            subtype = obj.get("/Subtype")
            if subtype == "/Image":
                names.add(str(key))
            elif subtype == "/Form" and depth < 5:
                names |= _image_names(obj.get("/Resources"), depth + 1)
    except Exception:  # a damaged resource dictionary only costs the image count
        pass
    return names


def _hyperlinks(page: PageObject) -> list[str]:
    links: list[str] = []
    try:
        annots = page.get("/Annots")
        for ref in annots.get_object() if annots is not None else []:
            annot = ref.get_object()
            action = annot.get("/A")
            action = action.get_object() if action is not None else None
            uri = action.get("/URI") if isinstance(action, DictionaryObject) else None
            if uri is not None:
                uri = uri.get_object()
                target = uri.decode("latin-1") if isinstance(uri, bytes) else str(uri)
                if target.strip():
                    links.append(target.strip())
    except Exception:  # damaged annotations only cost the link list
        pass
    return links


def _read_page(
    page: PageObject, number: int, fonts: dict[int, tuple[DictionaryObject | None, _FontMetrics]]
) -> Page:
    box = page.mediabox
    width, height = float(box.width), float(box.height)
    bounds = (float(box.top), float(box.bottom))
    collector = _PageCollector(fonts, _image_names(page.get("/Resources")))
    plain = page.extract_text(visitor_text=collector.text, visitor_operand_before=collector.operand)
    rows = group_rows(collector.fragments)
    use_plain = (not rows and not collector.rotated and plain.strip() != "") or (
        len(rows) == 1 and plain.count("\n") >= 3
    )
    chars = collector.chars or visible_chars(plain)
    facts = PageFacts(number, width, height, 1, chars, collector.images)
    return Page(facts, [] if use_plain else rows, collector.rotated, plain if use_plain else None, bounds)


def _open(data: bytes, name: str) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except LimitReachedError as exc:
        raise pypdf_limit_error(name, exc) from exc
    except Exception as exc:
        raise CorruptDocumentError(f"the PDF cannot be parsed ({brief(exc)}).", path=name, fix=REEXPORT) from exc
    if encrypted:
        try:
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception as exc:  # e.g. AES without the optional crypto library
            raise EncryptedDocumentError(
                f"the PDF is encrypted and cvscan cannot open it ({brief(exc)}).",
                path=name,
                fix="remove the password: save or print an unprotected copy of the PDF and scan that.",
            ) from exc
        if not opened:
            raise EncryptedDocumentError(
                "the PDF is password-protected.",
                path=name,
                fix="remove the password: save or print an unprotected copy of the PDF and scan that.",
            )
    return reader


def extract_pdf(data: bytes, name: str, *, ocr: bool = False, limits: Limits | None = None) -> Document:
    """Extract a PDF's text in reading order with its layout facts; ``ocr`` reads image-only pages with
    Tesseract (see :mod:`scanner.extract.ocr`) instead of failing on a scan. pypdf's resource bounds come
    from ``limits``."""
    limits = limits or Limits()
    with quiet_pypdf(), pypdf_limits(limits):
        try:
            return _extract(data, name, ocr, limits)
        except LimitReachedError as exc:
            raise pypdf_limit_error(name, exc) from exc


def _extract(data: bytes, name: str, ocr: bool, limits: Limits) -> Document:
    reader = _open(data, name)
    try:
        pages = list(reader.pages)
    except LimitReachedError:
        raise
    except Exception as exc:
        raise CorruptDocumentError(
            f"the PDF's page tree cannot be read ({brief(exc)}).", path=name, fix=REEXPORT
        ) from exc
    if not pages:
        raise CorruptDocumentError("the PDF has no pages.", path=name, fix=REEXPORT)
    if len(pages) > limits.max_pages:
        raise over_limit(name, f"the PDF has {len(pages):,} pages", "max_pages")
    fonts: dict[int, tuple[DictionaryObject | None, _FontMetrics]] = {}
    read: list[Page] = []
    links: list[str] = []
    failures: list[Exception] = []
    for number, page in enumerate(pages, start=1):
        try:
            read.append(_read_page(page, number, fonts))
            links += _hyperlinks(page)
        except LimitReachedError:
            raise
        except Exception as exc:  # one damaged page should not lose the others
            failures.append(exc)
            read.append(unread_page(number))
    if len(failures) == len(pages):
        raise no_page_read(name, failures[0]) from failures[0]
    ocr_pages: list[int] = []
    if ocr:
        ocr_pages = _ocr(read, pages, name)
    if all(p.facts.text_chars == 0 for p in read) and not ocr_pages:
        _no_text(read, pages, name, ocr)
    return assemble(read, (m.name for _, m in fonts.values() if m.name), links, name, len(data), tuple(ocr_pages))


def _ocr(read: list[Page], pages: list[PageObject], name: str) -> list[int]:
    """OCR every page without a text layer that draws something; the numbers of pages that gave text."""
    from .ocr import ocr_page

    done: list[int] = []
    for page, obj in zip(read, pages, strict=True):
        if page.facts.text_chars or not (page.facts.images or _has_content(obj)):
            continue
        text = ocr_page(obj, name)
        if text.strip():
            page.plain, page.rows, page.rotated = text, [], []
            done.append(page.facts.number)
    return done


def _no_text(read: list[Page], pages: list[PageObject], name: str, ocr: bool) -> None:
    if any(p.facts.images for p in read) or any(_has_content(page) for page in pages):
        if ocr:
            raise NoTextLayerError(
                "the PDF has no text layer and OCR found no text in its images.",
                path=name,
                fix="export the PDF from the original document, or scan it again at 300 dpi or more.",
            )
        raise NoTextLayerError(
            "the PDF has no text layer: its pages are images (it looks scanned), so an ATS reads nothing.",
            path=name,
            fix="export the PDF from the original document instead of scanning it, or run with --ocr.",
        )
    raise EmptyFileError("the PDF's pages are blank: no text and no images.", path=name, fix=REEXPORT)


def _has_content(page: PageObject) -> bool:
    try:
        contents = page.get_contents()
        return contents is not None and len(contents.get_data().strip()) > 0
    except Exception:
        return True
