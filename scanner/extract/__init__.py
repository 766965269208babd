"""Read a CV or job ad (PDF, DOCX, text, Markdown) into a :class:`~scanner.records.Document`.

The format comes from the content (magic bytes), not the file name; every failure is an
:class:`~scanner.errors.InputError` naming the file and saying what to do. Files come from strangers, so
each read is held to :class:`Limits` (see :mod:`.limits`): archive, page, object, stream, text and time bounds.
"""

from __future__ import annotations

import os
import stat

from ..errors import EmptyFileError, FileMissingError, FileTooLargeError, NoTextLayerError
from ..records import Document
from .limits import Limits, over_limit, time_limit, timeout_error
from .pdfium import PDF_ENGINES, PdfEngine, check_engine, extract_pdfium, resolve_engine
from .sniff import sniff
from .text import extract_text_document, has_words

__all__ = ["DEFAULT_MAX_BYTES", "PDF_ENGINES", "Limits", "PdfEngine", "extract", "extract_bytes", "sniff"]

_DEFAULT_LIMITS = Limits()

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def _too_large(size: int, max_bytes: int, name: str) -> FileTooLargeError:
    return FileTooLargeError(
        f"the file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:.1f} MB limit.",
        path=name,
        fix="compress the images or export a smaller PDF; a CV rarely needs more than 1-2 MB.",
    )


def extract(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False,
            engine: PdfEngine = "auto", limits: Limits | None = None) -> Document:
    """Read the file at ``path`` and return its text in reading order with layout facts.

    ``ocr``: read PDF pages that are only images (scans) with Tesseract instead of raising
    :class:`~scanner.errors.NoTextLayerError`; needs ``pip install 'cvscan[ocr]'`` and the tesseract program.
    ``engine``: the PDF reader: ``pdfium`` (fast, ``pip install 'cvscan[fast]'``), ``pypdf`` (always
    installed), or ``auto``, PDFium when it is installed.
    ``limits``: the safety bounds (:class:`Limits`; defaults that a real CV never reaches); a breach raises
    :class:`~scanner.errors.LimitExceededError`, a file slower than ``limits.max_seconds`` ScanTimeoutError.
    """
    name = os.fspath(path)
    try:
        info = os.stat(name)
    except OSError as exc:
        raise FileMissingError(
            f"no such file ({exc.strerror}).", path=name, fix="check the path and the file name."
        ) from exc
    if not stat.S_ISREG(info.st_mode):
        raise FileMissingError(
            "this is not a regular file.", path=name, fix="give the path of the CV file itself."
        )
    if info.st_size > max_bytes:
        raise _too_large(info.st_size, max_bytes, name)
    try:
        with open(name, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise FileMissingError(
            f"the file cannot be read ({exc.strerror}).", path=name, fix="check the file's permissions."
        ) from exc
    return extract_bytes(data, name, max_bytes=max_bytes, ocr=ocr, engine=engine, limits=limits)


def extract_bytes(data: bytes, name: str, *, max_bytes: int = DEFAULT_MAX_BYTES, ocr: bool = False,
                  engine: PdfEngine = "auto", limits: Limits | None = None) -> Document:
    """Like :func:`extract`, for content already in memory; ``name`` is used in messages and by sniffing."""
    check_engine(engine)  # a bad or missing engine fails for every file, not only for PDFs
    limits = limits or _DEFAULT_LIMITS
    if len(data) > max_bytes:
        raise _too_large(len(data), max_bytes, name)
    seconds = limits.max_seconds
    with time_limit(seconds, lambda: timeout_error(name, seconds or 0.0)):
        document = _extract_any(data, name, engine, ocr, limits)
    if not has_words(document.full_text):
        raise EmptyFileError(
            "the document holds no words.",
            path=name,
            fix="check that you picked the right file and that its text is not only in images.",
        )
    return document


def _extract_any(data: bytes, name: str, engine: str, ocr: bool, limits: Limits) -> Document:
    fmt = sniff(data, name)
    if fmt == "pdf":
        document = _extract_pdf(data, name, resolve_engine(engine), ocr, limits)
    elif fmt == "docx":
        # python-docx and lxml take some 30 ms to import: only for the DOCX files that need them.
        from .archive import check_docx_package
        from .docx import extract_docx

        check_docx_package(data, name, limits)
        document = extract_docx(data, name)
    else:
        document = extract_text_document(data, name, fmt)
    chars = len(document.text) + sum(len(t) for t in (*document.layout.header_text, *document.layout.footer_text))
    if chars > limits.max_text_chars:
        raise over_limit(name, f"the document holds {chars:,} characters of text", "max_text_chars",
                         fix="a CV needs a few thousand words: check that this is the right file, or raise "
                             "Limits.max_text_chars if it is genuine.")
    return document


def _extract_pdf(data: bytes, name: str, engine: str, ocr: bool, limits: Limits) -> Document:
    checked = False
    if engine == "pdfium":
        # Most PDFs need no parser before PDFium: their bytes are enough (see .pdfraw). pypdf takes about a
        # tenth of a second to import, in each batch worker, and a millisecond a file: only for the rest.
        from .pdfraw import preflight

        facts = preflight(data, name, limits)
        no_images: tuple[bool, ...] | bool
        if facts is None:
            no_images, checked = _check_pdf(data, name, limits, contents=True), True
        else:
            no_images = facts.no_images
        try:
            document = extract_pdfium(data, name, limits=limits, no_images=no_images)
        except NoTextLayerError:
            if not ocr:
                raise
        else:
            if not (ocr and document.layout.image_only_pages):
                return document
        # OCR reads the page images through pypdf: scanned pages take the pypdf engine.
    if not checked:
        _check_pdf(data, name, limits, contents=False)
    from .pdf import extract_pdf

    return extract_pdf(data, name, ocr=ocr, limits=limits)


def _check_pdf(data: bytes, name: str, limits: Limits, *, contents: bool) -> tuple[bool, ...]:
    """The pypdf preflight (see .pdfbounds), quiet."""
    from .pdf import quiet_pypdf
    from .pdfbounds import check_pdf

    with quiet_pypdf():
        return check_pdf(data, name, limits, contents=contents)
