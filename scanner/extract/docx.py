"""DOCX text in document order (paragraphs, tables, text boxes), headers and footers apart, layout facts."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

import docx

from ..errors import CorruptDocumentError
from ..records import Document, LayoutFacts
from .limits import brief
from .text import clean_text, estimate_pages

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "v": "urn:schemas-microsoft-com:vml",
}


def _q(tag: str) -> str:
    prefix, local = tag.split(":")
    return f"{{{_NS[prefix]}}}{local}"


P, TBL, TR, TC, R, T, TAB, BR, CR = (
    _q(t) for t in ("w:p", "w:tbl", "w:tr", "w:tc", "w:r", "w:t", "w:tab", "w:br", "w:cr")
)
SDT, SDT_CONTENT, CUSTOM_XML, HYPERLINK, FLD_SIMPLE = (
    _q(t) for t in ("w:sdt", "w:sdtContent", "w:customXml", "w:hyperlink", "w:fldSimple")
)
INSTR, NB_HYPHEN, SOFT_HYPHEN, DEL, TXBX = (
    _q(t) for t in ("w:instrText", "w:noBreakHyphen", "w:softHyphen", "w:del", "w:txbxContent")
)
ALTERNATE, CHOICE, FALLBACK = _q("mc:AlternateContent"), _q("mc:Choice"), _q("mc:Fallback")
R_ID, R_EMBED, R_LINK = _q("r:id"), _q("r:embed"), _q("r:link")
W_INSTR = _q("w:instr")
PPR, NUM_PR, PSTYLE, VAL, STYLE, STYLE_ID = (
    _q(t) for t in ("w:pPr", "w:numPr", "w:pStyle", "w:val", "w:style", "w:styleId")
)
_FONT_ATTRS = tuple(_q(f"w:{a}") for a in ("ascii", "hAnsi", "cs", "eastAsia"))
_FIELD_URL = re.compile(r'HYPERLINK\s+"([^"]+)"')
_PAGES = re.compile(rb"<(?:\w+:)?Pages>\s*(\d+)\s*</(?:\w+:)?Pages>")
_REEXPORT = "open it in Word or LibreOffice and save it again as .docx, or export it as PDF."


@dataclass(slots=True)
class _Walker:
    """Collects lines and facts while walking one part (body, header or footer)."""

    rels: Any  # the part's relationships
    list_styles: frozenset[str] = frozenset()  # paragraph style ids that carry list numbering
    lines: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    tables: int = 0
    cells: int = 0
    text_boxes: int = 0
    box_lines: list[str] = field(default_factory=list)

    def blocks(self, parent: Any) -> None:
        for child in parent:
            tag = child.tag
            if tag == P:
                self.paragraph(child)
            elif tag == TBL:
                self.table(child)
            elif tag in (SDT, SDT_CONTENT, CUSTOM_XML):
                self.blocks(child)
            elif tag == ALTERNATE:
                self.blocks(_choose(child))

    def paragraph(self, p: Any) -> None:
        parts: list[str] = []
        boxes: list[Any] = []
        self._inline(p, parts, boxes)
        text = "".join(parts)
        if text.strip() and self._is_list_item(p):
            text = "• " + text.lstrip()
        self.lines.extend(text.split("\n"))
        for box in boxes:
            self.text_boxes += 1
            start = len(self.lines)
            self.blocks(box)
            self.box_lines += [line for line in self.lines[start:] if line.strip()]

    def _is_list_item(self, p: Any) -> bool:
        ppr = p.find(PPR)
        if ppr is None:
            return False
        if ppr.find(NUM_PR) is not None:
            return True
        style = ppr.find(PSTYLE)
        return style is not None and style.get(VAL) in self.list_styles

    def _inline(self, parent: Any, parts: list[str], boxes: list[Any]) -> None:
        for child in parent:
            tag = child.tag
            if tag == T:
                parts.append(child.text or "")
            elif tag == TAB:
                parts.append("\t")
            elif tag in (BR, CR):
                parts.append("\n")
            elif tag == NB_HYPHEN:
                parts.append("-")
            elif tag == TXBX:
                boxes.append(child)
            elif tag in (DEL, P, TBL):
                continue  # deleted text; nested blocks are reached through text boxes only
            elif tag == ALTERNATE:
                self._inline(_choose(child), parts, boxes)
            else:
                if tag == HYPERLINK:
                    self._link(child.get(R_ID))
                elif tag == FLD_SIMPLE:
                    self._field(child.get(W_INSTR) or "")
                elif tag == INSTR:
                    self._field(child.text or "")
                    continue
                self._inline(child, parts, boxes)

    def _link(self, rid: str | None) -> None:
        if rid is None:
            return
        try:
            rel = self.rels[rid]
            target = rel.target_ref if rel.is_external else None
        except Exception:  # a dangling relationship id only loses the link
            target = None
        if target:
            self.links.append(str(target))

    def _field(self, instruction: str) -> None:
        self.links += _FIELD_URL.findall(instruction)

    def table(self, tbl: Any) -> None:
        self.tables += 1
        for tr in tbl.iter(TR):
            if _nearest(tr, TBL) is not tbl:
                continue
            cells = [tc for tc in tr if tc.tag == TC]
            self.cells += len(cells)
            texts: list[list[str]] = []
            for tc in cells:
                sub = _Walker(self.rels, self.list_styles)
                sub.blocks(tc)
                self.links += sub.links
                self.tables += sub.tables
                self.cells += sub.cells
                self.text_boxes += sub.text_boxes
                self.box_lines += sub.box_lines
                texts.append([line for line in sub.lines if line.strip()])
            if all(len(t) <= 1 for t in texts):
                # A row of short cells reads as one line, like a table row in a plain-text ATS view.
                row = " | ".join(t[0].strip() for t in texts if t)
                if row:
                    self.lines.append(row)
            else:
                # A layout table (sidebar and main column in cells): read it cell by cell.
                for t in texts:
                    self.lines.extend(t)


def _choose(alternate: Any) -> Any:
    """The mc:Choice branch of an mc:AlternateContent (the fallback repeats it), else the fallback."""
    for child in alternate:
        if child.tag == CHOICE:
            return child
    for child in alternate:
        if child.tag == FALLBACK:
            return child
    return alternate


def _nearest(element: Any, tag: str) -> Any:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _count_outside_fallback(root: Any, tag: str) -> int:
    return sum(1 for el in root.iter(tag) if _nearest(el, FALLBACK) is None)


def _fonts(elements: list[Any], theme_xml: bytes | None) -> list[str]:
    names: set[str] = set()
    for root in elements:
        for rfonts in root.iter(_q("w:rFonts")):
            names.update(v for a in _FONT_ATTRS if (v := rfonts.get(a)))
    if theme_xml:
        names.update(
            m.decode("utf-8", "replace")
            for m in re.findall(rb"<a:(?:major|minor)Font>\s*<a:latin typeface=\"([^\"]+)\"", theme_xml)
        )
    return sorted(n for n in names if n.strip())


def _page_count(archive: zipfile.ZipFile) -> int | None:
    try:
        match = _PAGES.search(archive.read("docProps/app.xml"))
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def extract_docx(data: bytes, name: str) -> Document:
    """Extract a DOCX's body text in document order, with headers/footers and layout facts."""
    try:
        document = docx.Document(io.BytesIO(data))
        body_part = document.part
        body = document.element.body
        walker = _Walker(body_part.rels, _list_styles(document.styles.element))
        walker.blocks(body)
        headers, footers, extra_roots = _headers_footers(document, walker)
        roots = [body, *extra_roots]
        images = sum(
            _count_outside_fallback(r, _q("a:blip")) + _count_outside_fallback(r, _q("v:imagedata"))
            for r in roots
        )
        style_roots = [document.styles.element]
        theme_xml = _theme(document)
        fonts = _fonts([body, *style_roots], theme_xml)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            pages = _page_count(archive)
    except Exception as exc:  # python-docx, lxml and zipfile raise many types for damaged files
        raise CorruptDocumentError(
            f"the .docx cannot be parsed ({brief(exc)}).", path=name, fix=_REEXPORT
        ) from exc
    # Empty paragraphs are spacing, as in a PDF's text; keep only lines with text.
    text = clean_text("\n".join(line for line in walker.lines if line.strip()))
    layout = LayoutFacts(
        page_count=pages or estimate_pages(text),
        tables=walker.tables,
        table_cells=walker.cells,
        header_text=tuple(headers),
        footer_text=tuple(footers),
        images=images,
        text_boxes=walker.text_boxes,
        text_box_text=tuple(clean_text(line) for line in walker.box_lines),
        fonts=tuple(fonts),
        hyperlinks=tuple(walker.links),
    )
    return Document(source=name, format="docx", text=text, layout=layout, size_bytes=len(data))


def _headers_footers(document: Any, body: _Walker) -> tuple[list[str], list[str], list[Any]]:
    """Lines of every distinct header and footer part, in section order; links and counts go to ``body``."""
    headers: dict[str, None] = {}
    footers: dict[str, None] = {}
    roots: list[Any] = []
    seen: set[str] = set()
    for section in document.sections:
        for reference in section._sectPr:
            kind = reference.tag.rsplit("}", 1)[-1]
            if kind not in ("headerReference", "footerReference"):
                continue
            rid = reference.get(R_ID)
            part = document.part.related_parts.get(rid) if rid else None
            if part is None or part.partname in seen:
                continue
            seen.add(part.partname)
            walker = _Walker(part.rels, body.list_styles)
            walker.blocks(part.element)
            body.links += walker.links
            body.tables += walker.tables
            body.cells += walker.cells
            body.text_boxes += walker.text_boxes
            roots.append(part.element)
            target = headers if kind == "headerReference" else footers
            for line in clean_text("\n".join(walker.lines)).split("\n"):
                if line.strip():
                    target.setdefault(line, None)
    return list(headers), list(footers), roots


def _list_styles(styles: Any) -> frozenset[str]:
    """Ids of paragraph styles whose own properties number the paragraph (List Bullet and the like)."""
    ids: set[str] = set()
    for style in styles.iter(STYLE):
        ppr = style.find(PPR)
        if ppr is not None and ppr.find(NUM_PR) is not None and style.get(STYLE_ID):
            ids.add(style.get(STYLE_ID))
    return frozenset(ids)


def _theme(document: Any) -> bytes | None:
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/theme") and not rel.is_external:
            blob: bytes = rel.target_part.blob
            return blob
    return None
