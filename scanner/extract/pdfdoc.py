"""The Document that the pages read by either PDF engine make: reading order, headers and footers, layout facts.

Neither engine's library is imported here: the PDFium engine (and a scan that reads no PDF) need not load pypdf.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from ..errors import CorruptDocumentError
from ..records import Document, LayoutFacts, PageFacts
from ._layout import Row, order_rows, split_headers_footers
from .limits import brief
from .text import clean_text

REEXPORT = "export the CV again from the program that made it (Word, Google Docs, LaTeX ...)."
SUBSET = re.compile(r"^[A-Z]{6}\+")  # the tag of a subset font's name, as in "ABCDEF+Calibri"


@dataclass(slots=True)
class Page:
    """One page as an engine read it."""

    facts: PageFacts
    rows: list[Row]
    rotated: list[str]
    plain: str | None  # pypdf's own text, when the positions are unusable
    bounds: tuple[float, float]


def unread_page(number: int) -> Page:
    """The stand-in for a page that could not be read: no text, no rows, so the others keep their numbers."""
    return Page(PageFacts(number, 0.0, 0.0, 1, 0, 0), [], [], None, (0.0, 0.0))


def no_page_read(name: str, first: Exception) -> CorruptDocumentError:
    """The error for a PDF none of whose pages can be read (``first``: the first page's failure)."""
    return CorruptDocumentError(f"no page of the PDF can be read ({brief(first)}).", path=name, fix=REEXPORT)


def assemble(read: list[Page], font_names: Iterable[str], links: list[str], name: str, size: int,
             ocr_pages: tuple[int, ...] = ()) -> Document:
    """The document of the pages read, in order (a page that could not be read is an :func:`unread_page`)."""
    body, headers, footers = split_headers_footers([p.rows for p in read], [p.bounds for p in read])
    lines: list[str] = []
    facts: list[PageFacts] = []
    for page, rows in zip(read, body, strict=True):
        columns = 1
        if page.plain is not None:
            lines.append(page.plain)
        else:
            height = rows[0].y - rows[-1].y if rows else 0.0
            ordered, columns = order_rows(rows, height)
            lines += [row.text for row in ordered]
        lines += page.rotated
        f = page.facts
        facts.append(PageFacts(f.number, f.width, f.height, columns, f.text_chars, f.images))
    layout = LayoutFacts(
        page_count=len(read),
        pages=tuple(facts),
        header_text=tuple(clean_text(h) for h in headers),
        footer_text=tuple(clean_text(f) for f in footers),
        images=sum(f.images for f in facts),
        fonts=tuple(sorted(set(font_names))),
        hyperlinks=tuple(links),
    )
    return Document(
        source=name, format="pdf", text=clean_text("\n".join(lines)), layout=layout, size_bytes=size,
        ocr_pages=ocr_pages,
    )
