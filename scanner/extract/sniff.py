"""Tell a file's format from its content (magic bytes), not from its name."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath

from ..errors import CorruptDocumentError, EmptyFileError, UnsafeDocumentError, UnsupportedFormatError
from ..records import DocumentFormat
from .limits import brief
from .text import japanese, utf16_without_bom

#: PDF readers accept junk before the header; so do we, up to this many bytes.
PDF_HEADER_WINDOW = 1024

_OLE2 = bytes.fromhex("D0CF11E0A1B11AE1")

# Binary formats people upload by mistake: (magic, what it is).
_BINARY_MAGICS: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"BM", "a BMP image"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "an ELF executable"),
    (b"MZ", "a Windows executable"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"%!PS", "a PostScript file"),
    (b"AT&TFORM", "a DjVu document"),
    (b"\x00\x00\x01\x00", "an icon file"),
)

_ZIP_KINDS: tuple[tuple[str, str], ...] = (
    ("xl/workbook.xml", "an Excel workbook (.xlsx)"),
    ("ppt/presentation.xml", "a PowerPoint presentation (.pptx)"),
    ("META-INF/container.xml", "an EPUB e-book"),
)

_ODF_KINDS = {
    "application/vnd.oasis.opendocument.text": "an OpenDocument text file (.odt)",
    "application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    "application/vnd.oasis.opendocument.presentation": "an OpenDocument presentation (.odp)",
}

_SAVE_AS = "save or export the CV as PDF or .docx (or paste it into a .txt file) and scan that."
_MARKDOWN_SUFFIXES = {".md", ".markdown"}


def sniff(data: bytes, name: str) -> DocumentFormat:
    """Return the format of ``data`` ("pdf", "docx", "text", "markdown") or raise UnsupportedFormatError."""
    if not data:
        raise EmptyFileError(
            "the file is empty (0 bytes).", path=name, fix="check that you picked the right file."
        )
    if b"%PDF-" in data[: PDF_HEADER_WINDOW + 5]:
        if _is_zip(data):
            raise UnsafeDocumentError(
                "the file is both a PDF and a ZIP archive (a polyglot), a trick to show one reader one "
                "document and another reader a different one; refused.",
                path=name,
                fix="export the CV again as a plain PDF or .docx from the program that made it.",
            )
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return _sniff_zip(data, name)
    if data.startswith(_OLE2):
        raise UnsupportedFormatError(
            "this is a legacy Word .doc (or other OLE file, such as an encrypted Office document), "
            "which cvscan cannot read.",
            path=name,
            fix="open it in Word or LibreOffice and save it as .docx or PDF (without a password).",
        )
    for magic, what in _BINARY_MAGICS:
        if data.startswith(magic):
            raise UnsupportedFormatError(
                f"this looks like {what}, not a CV document cvscan can read.", path=name, fix=_SAVE_AS
            )
    if not looks_like_text(data):
        raise UnsupportedFormatError(
            "this is binary data, not PDF, DOCX, text or Markdown.", path=name, fix=_SAVE_AS
        )
    return "markdown" if PurePath(name).suffix.lower() in _MARKDOWN_SUFFIXES else "text"


def _sniff_zip(data: bytes, name: str) -> DocumentFormat:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = (
                archive.read("mimetype")[:100].decode("ascii", "replace") if "mimetype" in names else ""
            )
    except Exception as exc:  # zipfile raises several types for damaged archives
        raise CorruptDocumentError(
            f"this looks like a ZIP-based file (such as .docx) but the archive is damaged ({brief(exc)}).",
            path=name,
            fix="re-save or re-export the document from the program that made it.",
        ) from exc
    if "word/document.xml" in names:
        return "docx"
    what = _ODF_KINDS.get(mimetype.strip())
    if what is None:
        what = next((kind for member, kind in _ZIP_KINDS if member in names), "a ZIP archive")
    raise UnsupportedFormatError(f"this is {what}, not a Word .docx document.", path=name, fix=_SAVE_AS)


def _is_zip(data: bytes) -> bool:
    """Whether the data holds a readable ZIP archive (an end-of-central-directory record near its end)."""
    if b"PK\x05\x06" not in data[-(65536 + 22):] and not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return len(archive.infolist()) > 0
    except Exception:  # not a ZIP after all
        return False


def looks_like_text(data: bytes) -> bool:
    """Guess whether ``data`` is text in some common encoding (UTF-8/16, cp1252, latin-1)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = data[:65536]
    if b"\x00" in sample:
        encoding = utf16_without_bom(sample)
        if encoding is None:
            return False
        text = sample.decode(encoding, "replace")
        return sum(1 for c in text if c < " " and c not in "\t\n\f\r") <= max(2, len(text) // 100)
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13)) + sample.count(0x7F)
    if controls > max(2, len(sample) // 100):
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut off at the sample's end is still UTF-8.
        if exc.start < len(sample) - 4:
            high = sum(1 for b in sample if b >= 0x80)
            return high <= len(sample) * 0.3 or japanese(sample) is not None
    return True
