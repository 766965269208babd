"""PDF limits: pypdf's resource bounds set from :class:`~.limits.Limits`, and a preflight for either engine.

pypdf keeps its resource bounds (decoded stream sizes, page-tree size and depth, array lengths ...) in a
configuration held in a context variable; :func:`pypdf_limits` sets them for the current context only. The
preflight (:func:`check_pdf`) applies the limits neither engine applies by itself: the number of objects, the
declared page count, and, for PDFium (whose decoders cannot be bounded from Python), the decoded size of each
page's content streams.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pypdf
from pypdf import PdfReader
from pypdf.errors import LimitReachedError
from pypdf.generic import ArrayObject, StreamObject

from ..errors import CorruptDocumentError, InputError, LimitExceededError
from .limits import Limits, brief, over_limit
from .pdfdoc import REEXPORT
from .pdfraw import declared_objects, inline_image

# pypdf's bounds that hold one decoded stream.
_STREAM_FIELDS = (
    "maximum_declared_stream_length", "array_based_stream_maximum_output_length", "jbig2_maximum_output_length",
    "lzw_maximum_output_length", "run_length_maximum_output_length", "zlib_maximum_output_length",
    "brotli_maximum_output_length",
)


def _overwrites(limits: Limits) -> dict[str, Any]:
    wanted: dict[str, Any] = dict.fromkeys(_STREAM_FIELDS, limits.max_stream_bytes)
    # A page tree node per page and a few for the tree itself; far more means a hostile tree.
    wanted["page_tree_maximum_entries"] = 4 * limits.max_pages + 1_000
    configuration = getattr(pypdf, "Configuration", None)
    if configuration is None:
        return {}
    known = {f.name for f in dataclasses.fields(configuration)}
    return {key: value for key, value in wanted.items() if key in known}


@contextmanager
def pypdf_limits(limits: Limits) -> Iterator[None]:
    """Set pypdf's resource bounds from ``limits`` for this context (pypdf before 6.18 has only its fixed 75 MB bounds)."""
    apply = getattr(pypdf, "apply_configuration", None)
    if apply is None:
        yield
        return
    with apply(**_overwrites(limits)):
        yield


def pypdf_limit_error(name: str, exc: LimitReachedError) -> InputError:
    """A bound of pypdf's (set from Limits, or pypdf's own) reached while reading the PDF; pypdf reports
    reference cycles the same way, which are damage rather than size."""
    text = str(exc).lower()
    if any(word in text for word in ("cycl", "loop", "self reference")):
        return CorruptDocumentError(f"the PDF's objects refer to each other in a loop ({brief(exc)}).",
                                    path=name, fix=REEXPORT)
    if "page" in text:
        limit = "max_pages"
    elif any(word in text for word in ("decompress", "length", "size", "stream", "buffer")):
        limit = "max_stream_bytes"
    else:
        limit = "pypdf"
    return over_limit(name, f"the PDF goes over a parser bound ({brief(exc)})", limit)


def check_pdf(data: bytes, name: str, limits: Limits, *, contents: bool) -> tuple[bool, ...]:
    """Raise LimitExceededError for a PDF over the object or page limits (or, with ``contents``, whose page
    content streams decode to more than the stream limit). Damage is left to the engine to report.

    With ``contents``, returns for each page whether it cannot draw an image (no XObject in its resources and no
    inline image in its content), so the engine need not look through its objects; empty when unknown.
    """
    declared = declared_objects(data)
    if declared > limits.max_pdf_objects:
        raise over_limit(name, f"the PDF declares {declared:,} objects", "max_pdf_objects")
    no_images: list[bool] = []
    with pypdf_limits(limits):
        _check_reader(data, name, limits, contents, no_images)
    return tuple(no_images)


def _check_reader(data: bytes, name: str, limits: Limits, contents: bool, no_images: list[bool]) -> None:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        objects = sum(len(v) for v in reader.xref.values()) + len(reader.xref_objStm)
        if objects > limits.max_pdf_objects:
            raise over_limit(name, f"the PDF holds {objects:,} objects", "max_pdf_objects")
        if reader.is_encrypted:
            return  # the engine says so
        root: Any = reader.trailer["/Root"].get_object()
        count = root["/Pages"].get_object().get("/Count")
        if isinstance(count, int) and count > limits.max_pages:
            raise over_limit(name, f"the PDF declares {count:,} pages", "max_pages", fix=_PAGES_FIX)
        if not contents:
            return
        pages = reader.pages
        if len(pages) > limits.max_pages:
            raise over_limit(name, f"the PDF has {len(pages):,} pages", "max_pages", fix=_PAGES_FIX)
        for page in pages:
            free = False
            try:
                inline = _decode_contents(page.get("/Contents"))
                resources = page.get("/Resources")
                xobjects = resources.get_object().get("/XObject") if resources is not None else None
                free = not inline and not (xobjects is not None and len(xobjects.get_object()))
            except LimitReachedError:
                raise
            except Exception:  # a damaged page: the engine decides
                pass
            no_images.append(free)
    except LimitReachedError as exc:
        raise pypdf_limit_error(name, exc) from exc
    except LimitExceededError:
        raise
    except Exception:  # damaged: the engine reports it in its own words
        return


def _decode_contents(contents: Any) -> bool:
    """Decode a page's content streams (bounded); whether they may hold an inline image."""
    contents = contents.get_object() if contents is not None else None
    streams = contents if isinstance(contents, ArrayObject) else [contents]
    inline = False
    for item in streams:
        stream = item.get_object() if item is not None else None
        if isinstance(stream, StreamObject):
            data = stream.get_data()  # raises LimitReachedError past the stream bound
            inline = inline or inline_image(data)
    return inline


_PAGES_FIX = "a CV needs a few pages: send the CV alone, or raise Limits.max_pages if the file is genuine."
