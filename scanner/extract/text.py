"""Plain-text and Markdown documents: decoding, clean-up, Markdown markup removal."""

from __future__ import annotations

import codecs
import re

from ..records import Document, DocumentFormat, LayoutFacts

WORDS_PER_PAGE = 500

# C0/C1 controls except tab and newline; they confuse later regexes and terminals.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SPACES = re.compile(r" {2,}")
_WORD = re.compile(r"\w+")


def decode_text(data: bytes) -> str:
    """Decode bytes as UTF-8 (BOM or not), UTF-16 with a BOM, else cp1252, else latin-1; never fails."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1")


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters, collapse runs of spaces, trim each line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text.replace("\f", "\n").replace("\v", "\n")).replace("\u00a0", " ")
    lines = [_SPACES.sub(" ", line).strip(" ") for line in text.split("\n")]
    return "\n".join(lines).strip("\n")


def has_words(text: str) -> bool:
    return _WORD.search(text) is not None


def estimate_pages(text: str) -> int:
    return max(1, -(-len(_WORD.findall(text)) // WORDS_PER_PAGE))


# --- Markdown ---------------------------------------------------------------------------------------------

_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_LINK = re.compile(r"\[([^\]]+)\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_AUTOLINK = re.compile(r"<((?:https?|mailto|ftp):[^>\s]+)>")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_FENCE = re.compile(r"^\s{0,3}(```|~~~)")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_STRONG = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])([*_])(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_CODE = re.compile(r"`+([^`]*)`+")
_STRIKE = re.compile(r"~~(.+?)~~")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")


def markdown_to_text(markdown: str) -> tuple[str, tuple[str, ...], int]:
    """Strip Markdown markup, keeping the words; return (text, link targets in order, image count)."""
    links: list[str] = []
    images = 0
    out: list[str] = []
    in_fence = False
    for raw in markdown.split("\n"):
        if _FENCE.match(raw):
            in_fence = not in_fence
            continue
        if in_fence:
            out.append(raw)
            continue
        if _TABLE_RULE.match(raw) and "|" in raw:
            continue
        if _RULE.match(raw):
            continue
        if _SETEXT.match(raw) and out and out[-1].strip():
            continue  # underline of a setext heading
        line = _QUOTE.sub("", raw)
        heading = _HEADING.match(line)
        if heading:
            line = heading.group(1)
        line = _BULLET.sub(lambda m: m.group(1) + "• ", line)

        def image(match: re.Match[str]) -> str:
            nonlocal images
            images += 1
            return match.group(1)

        def link(match: re.Match[str]) -> str:
            links.append(match.group(2))
            return match.group(1)

        def autolink(match: re.Match[str]) -> str:
            links.append(match.group(1))
            return match.group(1)

        line = _IMAGE.sub(image, line)
        line = _LINK.sub(link, line)
        line = _AUTOLINK.sub(autolink, line)
        line = _CODE.sub(r"\1", line)
        line = _STRONG.sub(r"\2", line)
        line = _EMPHASIS.sub(r"\2", line)
        line = _STRIKE.sub(r"\1", line)
        line = _ESCAPE.sub(r"\1", line)
        out.append(line)
    return "\n".join(out), tuple(links), images


def extract_text_document(data: bytes, name: str, fmt: DocumentFormat) -> Document:
    """Build a Document from a plain-text or Markdown file."""
    text = clean_text(decode_text(data))
    links: tuple[str, ...] = ()
    images = 0
    if fmt == "markdown":
        text, links, images = markdown_to_text(text)
        text = clean_text(text)
    layout = LayoutFacts(page_count=estimate_pages(text), hyperlinks=links, images=images)
    return Document(source=name, format=fmt, text=text, layout=layout, size_bytes=len(data))
