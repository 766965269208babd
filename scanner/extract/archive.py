"""Checks on a DOCX package before python-docx opens it: zip bombs and XML entity attacks are refused.

A DOCX is a ZIP archive of XML parts. Before anything is inflated, the central directory's declared sizes are
held to :class:`~.limits.Limits` (entry count, total unpacked size, compression ratio). Declared sizes can lie,
so every member is then read in bounded chunks, counting what actually comes out. Each part python-docx will
parse as XML is searched for a DOCTYPE or ENTITY declaration (billion laughs, external entities such as
``SYSTEM "file:///etc/passwd"``): OOXML packages never contain one, so the file is refused before any XML
parser sees it. python-docx's own parser (lxml, ``resolve_entities=False``) stays a second line of defence.
"""

from __future__ import annotations

import io
import lzma
import re
import zipfile
import zlib
from pathlib import PurePosixPath

from lxml import etree

from ..errors import CorruptDocumentError, UnsafeDocumentError
from .limits import MIB, Limits, brief, over_limit

_CHUNK = 1 * MIB
_RATIO_FLOOR = 1 * MIB  # members smaller than this unpacked cannot hurt, whatever their ratio
_REEXPORT = "open it in Word or LibreOffice and save it again as .docx, or export it as PDF."
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
# ASCII-compatible encodings, in which a byte search for "<!DOCTYPE" is exact.
_ASCII_COMPATIBLE = frozenset({
    "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-latin-1",
    "windows-1252", "cp1252",
})
_CT_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_SAFE_PARSER = etree.XMLParser(resolve_entities=False, load_dtd=False, no_network=True, huge_tree=False)


def check_docx_package(data: bytes, name: str, limits: Limits) -> None:
    """Raise LimitExceededError, UnsafeDocumentError or CorruptDocumentError for a package not to be parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _corrupt(name, exc) from exc
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        _check_directory(members, name, limits)
        types = _content_types(archive, name, limits)
        unpacked = 0
        for info in members:
            data_ = _read(archive, info, name, limits, unpacked)
            unpacked += len(data_)
            if _parsed_as_xml(info.filename, types):
                check_xml(data_, f"{name} ({info.filename})")


def _check_directory(members: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """The central directory's declared sizes, before anything is inflated."""
    if len(members) > limits.max_zip_entries:
        raise over_limit(name, f"the .docx archive holds {len(members)} files", "max_zip_entries")
    declared = sum(info.file_size for info in members)
    if declared > limits.max_unpacked_bytes:
        raise over_limit(name, f"the .docx archive unpacks to {declared / MIB:,.0f} MiB (a zip bomb?)",
                         "max_unpacked_bytes")
    for info in members:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_FLOOR and ratio > limits.max_compression_ratio:
            raise over_limit(name, f"the member {info.filename!r} of the .docx archive inflates {ratio:,.0f} "
                             "times (a zip bomb?)", "max_compression_ratio")


def _read(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, limits: Limits, so_far: int) -> bytes:
    """One member, read in chunks and held to its declared size and to the archive's budget."""
    allowed = min(info.file_size, limits.max_unpacked_bytes - so_far)
    chunks: list[bytes] = []
    got = 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                got += len(chunk)
                if got > allowed:
                    raise over_limit(
                        name, f"the member {info.filename!r} of the .docx archive unpacks to more than its "
                        f"declared {info.file_size:,} bytes", "max_unpacked_bytes")
                chunks.append(chunk)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, OSError, EOFError, ValueError,
            RuntimeError, zlib.error, lzma.LZMAError) as exc:
        # damaged data, a bad CRC, an unknown compression method, an encrypted member
        raise _corrupt(name, exc) from exc
    return b"".join(chunks)


def _content_types(archive: zipfile.ZipFile, name: str, limits: Limits) -> dict[str, str]:
    """Part name (without the leading slash, lower case) or ``*.ext`` → content type, from [Content_Types].xml."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return {}  # python-docx will call the package damaged
    raw = _read(archive, info, name, limits, 0)
    check_xml(raw, f"{name} ([Content_Types].xml)")
    try:
        root = etree.fromstring(raw, _SAFE_PARSER)
    except etree.XMLSyntaxError:
        return {}
    types: dict[str, str] = {}
    for element in root:
        if element.tag == f"{_CT_NS}Default":
            types["*." + (element.get("Extension") or "").lower()] = element.get("ContentType") or ""
        elif element.tag == f"{_CT_NS}Override":
            types[(element.get("PartName") or "").lstrip("/").lower()] = element.get("ContentType") or ""
    return types


def _parsed_as_xml(member: str, types: dict[str, str]) -> bool:
    """Whether python-docx may parse the member as XML: every part except images (SVGs may carry a DTD)."""
    key = member.lower()
    content_type = types.get(key) or types.get("*." + PurePosixPath(key).suffix.lstrip("."), "")
    return not content_type.startswith("image/")


def check_xml(data: bytes, where: str) -> None:
    """Raise UnsafeDocumentError if the XML declares a DTD or entities, or is in an encoding we cannot search."""
    text = _searchable(data)
    if text is None:
        raise UnsafeDocumentError(
            "an XML part of the .docx is in an unusual encoding (not UTF-8 or UTF-16), which Word never "
            "writes; it is refused because it could hide entity declarations.",
            path=where, fix=_REEXPORT)
    if _DECLARATION.search(text):
        raise UnsafeDocumentError(
            "an XML part of the .docx declares a DTD or entities (<!DOCTYPE/<!ENTITY), which Word never "
            "writes and which can make a parser expand text without end or read local files; refused.",
            path=where, fix=_REEXPORT)


def _searchable(data: bytes) -> bytes | None:
    """The XML as ASCII-compatible bytes to search, or None for an encoding we do not accept."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) and not head.startswith((b"\xff\xfe\x00\x00",)):
        return data.decode("utf-16", "replace").encode("utf-8")
    if head in (b"<\x00?\x00", b"<\x00!\x00"):
        return data.decode("utf-16-le", "replace").encode("utf-8")
    if head in (b"\x00<\x00?", b"\x00<\x00!"):
        return data.decode("utf-16-be", "replace").encode("utf-8")
    if b"\x00" in head:
        return None  # UTF-32 or junk
    if head.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    declared = _ENCODING.match(data[:200])
    if declared and declared.group(1).decode("ascii").lower() not in _ASCII_COMPATIBLE:
        return None  # e.g. UTF-7, in which "<!DOCTYPE" need not be spelled with these bytes
    return data


def _corrupt(name: str, exc: BaseException) -> CorruptDocumentError:
    return CorruptDocumentError(
        f"the .docx archive is damaged ({brief(exc)}).", path=name, fix=_REEXPORT)
