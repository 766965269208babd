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
    """Decode bytes as UTF-8 (BOM or not), UTF-16 (BOM or not), Shift-JIS or EUC-JP Japanese, UTF-8 with a
    few bad bytes, else cp1252, else latin-1; never fails."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8", "replace")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", "replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    encoding = utf16_without_bom(data) or japanese(data)
    if encoding:
        return data.decode(encoding, "replace")
    if mostly_utf8(data):
        return data.decode("utf-8", "replace")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def utf16_without_bom(data: bytes) -> str | None:
    """"utf-16-le" or "utf-16-be" for UTF-16 text without a byte-order mark (mostly Latin script: every other
    byte is zero), else None."""
    sample = data[:65536]
    if len(sample) < 4 or len(sample) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    zeros_even, zeros_odd = even.count(0), odd.count(0)
    half = len(sample) // 2
    if zeros_odd >= 0.4 * half and zeros_even <= 0.05 * half:
        return "utf-16-le"
    if zeros_even >= 0.4 * half and zeros_odd <= 0.05 * half:
        return "utf-16-be"
    return None


_KANA = re.compile(r"[\u3040-\u30ff]")
_CJK = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]")


def japanese(data: bytes) -> str | None:
    """"cp932" (Shift-JIS) or "euc_jp" when ``data`` decodes cleanly to Japanese text (kana among mostly CJK
    characters), else None."""
    sample = data[:65536]
    for encoding in ("cp932", "euc_jp"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            continue
        wide = sum(1 for c in text if ord(c) > 127)
        cjk = len(_CJK.findall(text))
        if len(_KANA.findall(text)) >= 2 and cjk >= 0.8 * wide:
            return encoding
    return None


def mostly_utf8(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 with a few damaged bytes: its valid multi-byte characters outnumber the bad
    bytes two to one (Latin-1 or cp1252 text holds next to no valid UTF-8 sequences)."""
    text = data.decode("utf-8", "replace")
    bad = text.count("\ufffd")
    good = sum(1 for c in text if ord(c) > 127) - bad
    return good > 0 and good >= 2 * bad


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters, collapse runs of spaces, trim each line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _CONTROL.sub("", text.replace("\f", "\n").replace("\v", "\n")).replace("\u00a0", " ")
    # A line without two spaces in a row has nothing to collapse (most lines): no regex call for it.
    lines = [(_SPACES.sub(" ", line) if "  " in line else line).strip(" ") for line in text.split("\n")]
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
