"""A PDF preflight from the file's bytes alone, for the PDFium engine: no parser, so no pypdf.

PDFium cannot be told to stop decoding a stream, so a PDF whose streams decode to gigabytes must be refused
before PDFium opens it. Every stream PDFium could ever decode is in the file's bytes as a ``stream`` keyword
after its dictionary (a stream cannot sit inside an object stream), wherever the cross-reference table points:
so each occurrence of the keyword is checked, even one inside another stream's data. A Flate stream is inflated
up to the limit (zlib stops at the end of its data, as PDFium does, so no ``/Length`` is needed); an unfiltered
one is no bigger than the file.

:func:`preflight` answers only for the plain files nearly every CV is (Flate or no filter, not encrypted, one
page-tree node, few objects): for anything else it returns None and the caller runs the pypdf preflight
(:func:`~.pdfbounds.check_pdf`), which reads the document's structure. A stream that inflates past the limit
is refused here. Most CVs draw no image: when no stream is an image and no content holds an inline one, the
answer says so, and PDFium need not look through each page's objects.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from .limits import Limits, over_limit

_STREAM = re.compile(rb"stream")
_EOL = re.compile(rb"\r\n?|\n")
# A byte that is neither white space nor a delimiter continues a word: "upstream" is no keyword.
_REGULAR = frozenset(range(256)) - frozenset(b"\0\t\n\f\r ()<>[]{}/%")
_HEADER = re.compile(rb"\d{1,10}[ \t\r\n\f\0]+\d{1,5}[ \t\r\n\f\0]+\Z")  # "12 0 " just before "obj"
_FILTER = re.compile(rb"/Filter\s*(\[\s*)?/([A-Za-z0-9]+)\s*(\])?")
_FONT = re.compile(rb"/Length[123]\b|/Subtype\s*/(?:Type1C|CIDFontType0C|OpenType)\b")
_IMAGE = re.compile(rb"/Subtype\s*/Image\b")
_OBJECT_STREAM = re.compile(rb"/Type\s*/ObjStm\b")
_LENGTH = re.compile(rb"/Length\s+(\d{1,10})(?![\d\s]*R)")  # a length given directly, not by reference
_SIZE = re.compile(rb"/Size\s+(\d{1,20})")
_COUNT = re.compile(rb"/Count\s+(\d{1,20})")
_N = re.compile(rb"/N\s+(\d{1,20})")
_WHITE = frozenset(b" \t\n\r\f\v")  # what the bytes pattern \s matches
# Deflate turns a byte into at most 1,032 (258 bytes per 2-bit code): data shorter than the bound over this
# cannot inflate past it.
_RATIO = 1_100
_IMAGE_ONLY = frozenset((b"DCTDecode", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode"))
_DICT_WINDOW = 4096  # bytes before a ``stream`` keyword searched for its object's header


@dataclass(frozen=True, slots=True)
class RawFacts:
    """What the bytes tell: whether no page can draw an image."""

    no_images: bool


def preflight(data: bytes, name: str, limits: Limits) -> RawFacts | None:
    """Check a PDF's streams from its bytes; None when the file is not plain enough to answer for (see the
    module's notes). Raises LimitExceededError for a stream that inflates past ``limits.max_stream_bytes``."""
    if b"/Encrypt" in data:
        return None
    if declared_objects(data) > limits.max_pdf_objects:
        return None
    bound = limits.max_stream_bytes
    images = False
    structure = [data]  # the text the document's dictionaries are in: the file and its object streams
    objects = data.count(b"obj") // 2  # each object has "obj" and "endobj": at least the objects outside streams
    for found in _STREAM.finditer(data):
        # The keyword as PDFium reads it: a word of its own; its data start after the end of its line.
        keyword, after = found.span()
        if (keyword and data[keyword - 1] in _REGULAR) or (after < len(data) and data[after] in _REGULAR):
            continue  # "endstream", or part of a longer word
        eol = _EOL.search(data, after)
        if eol is None:
            return None
        start = eol.end()
        # The dictionary runs from the object's header to the keyword. Text that hides one (a string or a
        # comment holding "obj") or hides a filter or a type (an escaped name) is left to the parser.
        head = data.rfind(b"obj", max(0, keyword - _DICT_WINDOW), keyword)
        if head < 0 or not _HEADER.search(data, max(0, head - 32), head):
            return None
        dictionary = data[head:keyword]
        if b"(" in dictionary or b"%" in dictionary or b"#" in dictionary:
            return None
        is_image = _IMAGE.search(dictionary) is not None
        is_font = _FONT.search(dictionary) is not None
        images = images or is_image
        filters = _FILTER.search(dictionary)
        if filters is None:
            if b"/Filter" in dictionary:
                return None  # a filter given by reference
            if not (images or is_font):  # no bigger than the file; its content may draw an inline image
                images = inline_image(_unfiltered(data, dictionary, start))
            continue
        bracket, kind, close = filters.groups()
        if bool(bracket) != bool(close) or dictionary.count(b"/Filter") != 1:
            return None  # a chain of filters (or a form this does not know): the parser decides
        if kind in _IMAGE_ONLY and is_image:
            continue  # decoded only to draw the image, never to read text
        if kind != b"FlateDecode":
            return None
        is_structure = _OBJECT_STREAM.search(dictionary) is not None
        wanted = is_structure or not (images or is_font)
        if not wanted and (len(data) - start) * _RATIO <= bound:
            continue  # too short to inflate past the bound
        inflater = zlib.decompressobj()
        try:
            decoded = inflater.decompress(memoryview(data)[start:], bound + 1)
        except zlib.error:
            return None  # damaged: the parser and the engine say how
        if len(decoded) > bound:
            raise over_limit(name, f"a stream of the PDF decodes to more than {bound:,} bytes", "max_stream_bytes")
        if is_structure:
            structure.append(decoded)
            declared = _N.search(dictionary)
            objects += int(declared.group(1)) if declared else 0
        elif wanted:
            images = inline_image(decoded)
    if objects > limits.max_pdf_objects // 2:
        return None
    # One page-tree node, listing and declaring no more pages than the limit: others (deep, cyclic, lying or
    # just long trees) are for the parser to walk.
    trees = [text for text in structure if b"/Kids" in text]
    if len(trees) != 1 or trees[0].count(b"/Kids") != 1:
        return None
    kids = trees[0].index(b"/Kids")
    end = trees[0].find(b"]", kids)
    if end < 0 or trees[0].count(b"R", kids, end) > limits.max_pages:
        return None
    if max((int(m.group(1)) for text in structure for m in _COUNT.finditer(text)), default=0) > limits.max_pages:
        return None
    return RawFacts(no_images=not images)


def declared_objects(data: bytes) -> int:
    """The largest object count a cross-reference section of the PDF declares (its ``/Size``), 0 if none."""
    return max((int(m.group(1)) for m in _SIZE.finditer(data)), default=0)


def inline_image(content: bytes) -> bool:
    """Whether a content stream may draw an inline image: a ``BI`` operator between white space (text that reads
    "BI" only makes the engine look through the page's objects). A search for the letters, then a look at their
    neighbours, is several times faster than a pattern that starts with a character class."""
    at = content.find(b"BI")
    while at >= 0:
        if (at == 0 or content[at - 1] in _WHITE) and content[at + 2:at + 3] and content[at + 2] in _WHITE:
            return True
        at = content.find(b"BI", at + 2)
    return False


def _unfiltered(data: bytes, dictionary: bytes, start: int) -> bytes:
    """An unfiltered stream's data: its direct ``/Length`` of bytes, or up to the next ``endstream``."""
    length = _LENGTH.search(dictionary)
    if length is not None and start + int(length.group(1)) <= len(data):
        return data[start:start + int(length.group(1))]
    end = data.find(b"endstream", start)
    return data[start:end if end >= 0 else len(data)]
