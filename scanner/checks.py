"""Parseability checks: what a real ATS parser (Workday, Taleo, iCIMS, Greenhouse ...) is likely to lose.

:func:`run_checks` returns one :class:`~scanner.records.Check` per id in :data:`CHECK_IDS`, always in that
order and always all of them (passes included), so JSON consumers see a stable list. :func:`ats_text` shows
the text as an ATS reads it and, apart, what a typical ATS may lose.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import PurePath

from .records import Check, CheckStatus, CVStructure, Document

#: Every check, in the order :func:`run_checks` returns them.
CHECK_IDS: tuple[str, ...] = (
    "file_type", "file_size", "file_name", "page_count", "word_count", "multi_column", "tables",
    "header_footer", "text_boxes", "images", "ocr_used", "mojibake", "private_use_glyphs", "ligatures",
    "contact_details", "section_headings", "date_formats",
)  # fmt: skip

MAX_PAGES = 2
WARN_BYTES = 2 * 1024 * 1024  # many upload forms stop at 2-5 MB
FAIL_BYTES = 5 * 1024 * 1024
MIN_WORDS_FAIL, MIN_WORDS_WARN, MAX_WORDS_WARN = 150, 300, 1200

_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
# Text decoded with the wrong code page: UTF-8 read as cp1252/latin-1 ("â€™", "Ã©", "Â·", "ï¼", BOM).
_MOJIBAKE = re.compile(r"â€[\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2010-\u203a\u20ac\u2122]?"
                       r"|Ã[\x80-\xbf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u2010-\u203a\u20ac\u2122]"
                       r"|Â[\xa1-\xbf]|ï¼|ï»¿|\ufffd")
_PRIVATE_USE = re.compile("[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]")
_ICON_FONTS = re.compile(r"awesome|fontawesome|icomoon|glyphicon|material.?icons|ionicons|academicons|"
                         r"wingding|webdings|fontello|octicon|simple.?icons|devicon|remixicon|nerd.?font", re.I)
_LIGATURE_CHARS = re.compile("[\ufb00-\ufb06]")
# A ligature glyph without a Unicode mapping comes out as its letters with spaces around: "con fi gure",
# "e ffi cient", "work fl ow". Only lower-case letters on both sides, so "Wi-Fi" or "FL 33101" never match.
_SPLIT_LIGATURE = re.compile(r"(?<=[a-z]) (?:ffi|ffl|ff|fi|fl) (?=[a-z])")
# "Page 2", "Page 2 of 3", "2 / 3", "- 2 -", a lone page number: running text with nothing to lose.
_PAGE_NUMBERING = re.compile(r"(?i)\bpage\s*\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?\b|\b\d{1,3}\s*(?:of|/)\s*\d{1,3}\b"
                             r"|^\W*\d{1,3}\W*$")
_GENERIC_NAME = re.compile(
    r"^(?:my|new|updated|latest|final|draft|copy|untitled|document|doc|file|scan|resume|résumé|cv|curriculum|"
    r"vitae|v\d+|version|rev|\d+|\(\d+\)|en|eng|pdf|docx)$", re.I)
_VERSION_MARK = re.compile(r"(?:^|[\s_.-])(?:v\d+|final|draft|copy|\(\d+\)|new|updated|latest|old)(?=$|[\s_.-])", re.I)
_SUFFIXES = {"pdf": (".pdf",), "docx": (".docx",), "text": (".txt", ".text"), "markdown": (".md", ".markdown")}


def _check(id_: str, status: CheckStatus, message: str, fix: str) -> Check:
    return Check(id_, status, message, fix if status != "pass" else "nothing to do.")


def _pages(numbers: Sequence[int]) -> str:
    return ("page " if len(numbers) == 1 else "pages ") + ", ".join(str(n) for n in numbers)


def _quote(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return f"“{text[:limit]}…”" if len(text) > limit else f"“{text}”"


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(c))


# --- file ------------------------------------------------------------------------------------------------


def check_file_type(doc: Document, structure: CVStructure) -> Check:
    suffix = PurePath(doc.source).suffix.lower()
    expected = _SUFFIXES[doc.format]
    label = {"pdf": "PDF", "docx": "DOCX", "text": "plain text", "markdown": "Markdown"}[doc.format]
    if suffix and suffix not in expected:
        return _check("file_type", "fail", f"the file is {label} but its name ends in {suffix!r}.",
                      f"rename it to end in {expected[0]}: upload forms and ATS pick the parser by the extension.")
    if doc.format in ("pdf", "docx"):
        return _check("file_type", "pass", f"{label}, a format every ATS accepts.", "")
    return _check("file_type", "warn", f"{label}: many upload forms accept only PDF or DOCX.",
                  "export the CV as DOCX or as a text-based PDF from your word processor.")


def check_file_size(doc: Document, structure: CVStructure) -> Check:
    mb = doc.size_bytes / 1048576
    if doc.size_bytes > FAIL_BYTES:
        return _check("file_size", "fail", f"the file is {mb:.1f} MB; many ATS upload forms reject files over 5 MB.",
                      "compress or remove images (photos, logos) and export again; a CV needs well under 1 MB.")
    if doc.size_bytes > WARN_BYTES:
        return _check("file_size", "warn", f"the file is {mb:.1f} MB; some upload forms stop at 2 MB.",
                      "compress or remove images (photos, logos) and export again.")
    return _check("file_size", "pass", f"the file is {doc.size_bytes / 1024:.0f} KB.", "")


def check_file_name(doc: Document, structure: CVStructure) -> Check:
    name = PurePath(doc.source).name
    stem = PurePath(doc.source).stem
    words = [w for w in re.split(r"[\s_.,()-]+", _fold(stem)) if w]
    person = structure.contact.name
    suggestion = (re.sub(r"\s+", "_", person.strip()) + "_CV" + PurePath(name).suffix) if person else None
    fix = f"name it after yourself, e.g. {suggestion!r}." if suggestion else \
        "name it after yourself, e.g. 'Firstname_Lastname_CV.pdf'."
    if person:
        parts = [p for p in re.split(r"[\s.-]+", _fold(person)) if len(p) >= 2]
        if any(p in words for p in parts) or any(p in _fold(stem) for p in parts if len(p) >= 4):
            version = _VERSION_MARK.search(stem)
            if version:
                return _check("file_name", "warn",
                              f"{name!r} holds your name but also a version mark ({version.group(0).strip(' _.-')!r}).",
                              f"drop the version mark: {suggestion!r}.")
            return _check("file_name", "pass", f"{name!r} contains your name.", "")
    if not words or all(_GENERIC_NAME.match(w) for w in words):
        return _check("file_name", "warn",
                      f"{name!r} is a generic name; recruiters see hundreds of files called like that.", fix)
    if _VERSION_MARK.search(stem):
        return _check("file_name", "warn", f"{name!r} carries a version mark a recruiter should not see.", fix)
    if person:
        return _check("file_name", "warn", f"{name!r} does not contain your name ({person}).", fix)
    return _check("file_name", "pass", f"{name!r} is not a generic name (no name was found in the CV to compare).", "")


def check_page_count(doc: Document, structure: CVStructure) -> Check:
    pages = doc.layout.page_count
    about = "" if doc.format in ("pdf", "docx") else "about "
    if pages <= MAX_PAGES:
        return _check("page_count", "pass", f"{about}{pages} page{'s' if pages > 1 else ''}.", "")
    status: CheckStatus = "warn" if pages == MAX_PAGES + 1 else "fail"
    return _check("page_count", status,
                  f"{about}{pages} pages; recruiters and ATS previews expect at most {MAX_PAGES}.",
                  "cut older roles to one line each and drop what the ad does not ask for; aim for 1-2 pages.")


def check_word_count(doc: Document, structure: CVStructure) -> Check:
    n = len(_WORD.findall(doc.full_text))
    if n < MIN_WORDS_FAIL:
        return _check("word_count", "fail", f"{n} words readable as text; too little for an ATS to match keywords.",
                      "describe each role with 3-5 results-focused bullets naming the tools you used (400-800 words).")
    if n < MIN_WORDS_WARN:
        return _check("word_count", "warn", f"{n} words; a thin CV matches few of the ad's keywords.",
                      "add results and the tools behind them to each role; 400-800 words is typical.")
    if n > MAX_WORDS_WARN:
        return _check("word_count", "warn", f"{n} words; long CVs bury the keywords that matter.",
                      "trim old roles and repeated skills; 400-800 words is typical for 1-2 pages.")
    return _check("word_count", "pass", f"{n} words.", "")


# --- layout ----------------------------------------------------------------------------------------------


def check_multi_column(doc: Document, structure: CVStructure) -> Check:
    multi = [p.number for p in doc.layout.pages if p.columns > 1]
    if not multi:
        what = "a single text column" if doc.layout.pages else "no column layout (not a PDF)"
        return _check("multi_column", "pass", f"{what}.", "")
    cols = max(p.columns for p in doc.layout.pages)
    return _check("multi_column", "warn",
                  f"{cols} text columns on {_pages(multi)}; many ATS read straight across the page and mix the "
                  "columns line by line.",
                  "use one column: put skills and contact details above or below the experience, not beside it.")


def check_tables(doc: Document, structure: CVStructure) -> Check:
    n = doc.layout.tables
    if n == 0:
        what = "no tables found" if doc.format != "pdf" else "no tables found (PDF tables are detected from text grids)"
        return _check("tables", "pass", f"{what}.", "")
    cells = f" with {doc.layout.table_cells} cells" if doc.layout.table_cells else ""
    return _check("tables", "warn",
                  f"{n} table{'s' if n > 1 else ''}{cells}; ATS parsers often merge or reorder table cells.",
                  "write skills as a plain comma-separated list and jobs as lines of text, not table cells.")


def _meaningful(lines: Sequence[str], name: str | None = None) -> list[str]:
    """Header/footer lines that hold more than page numbering (and the candidate's name, repeated)."""
    out = []
    for text in lines:
        rest = text.replace(name, " ") if name else text
        rest = _PAGE_NUMBERING.sub(" ", rest)
        rest = re.sub(r"[\W_]+", " ", rest).strip()
        if rest:
            out.append(text)
    return out


def check_header_footer(doc: Document, structure: CVStructure) -> Check:
    name = structure.contact.name
    header = _meaningful(doc.layout.header_text, name)
    footer = _meaningful(doc.layout.footer_text, name)
    if not header and not footer:
        extra = " (page numbers and your name aside)" if doc.layout.header_text or doc.layout.footer_text else ""
        return _check("header_footer", "pass", f"no text in page headers or footers{extra}.", "")
    parts = []
    if header:
        parts.append(f"header {_quote(' | '.join(header))}")
    if footer:
        parts.append(f"footer {_quote(' | '.join(footer))}")
    return _check("header_footer", "warn",
                  "text in the " + " and ".join(parts) + "; many ATS (Taleo, older Workday) drop headers and footers.",
                  "move this text into the body of the first page.")


def check_text_boxes(doc: Document, structure: CVStructure) -> Check:
    n = doc.layout.text_boxes
    if n == 0:
        return _check("text_boxes", "pass", "no text boxes.", "")
    shown = f": {_quote(' | '.join(doc.layout.text_box_text))}" if doc.layout.text_box_text else ""
    return _check("text_boxes", "fail",
                  f"{n} text box{'es' if n > 1 else ''}{shown}; many ATS skip text boxes and lose everything in them.",
                  "move the text out of the boxes into ordinary paragraphs (Word: cut the text, delete the box, paste).")


def check_images(doc: Document, structure: CVStructure) -> Check:
    scanned = [p.number for p in doc.layout.pages if p.text_chars == 0 and p.images]
    blank = [p.number for p in doc.layout.pages if p.text_chars == 0 and not p.images]
    n = doc.layout.images
    if scanned:
        return _check("images", "fail",
                      f"{_pages(scanned)} {'is an image' if len(scanned) == 1 else 'are images'} without a text "
                      "layer (scanned); an ATS reads nothing there.",
                      "export the PDF from the original document (Save as PDF), never print-scan it.")
    if blank:
        return _check("images", "warn",
                      f"{_pages(blank)} {'has' if len(blank) == 1 else 'have'} no text: blank, or text drawn as "
                      "shapes (outlined fonts, vector art) that an ATS cannot read.",
                      "delete blank pages; export text as text (do not convert fonts to outlines).")
    if n:
        return _check("images", "warn",
                      f"{n} image{'s' if n > 1 else ''} (photo, logo, icons or charts); ATS ignore images, so any "
                      "text or skill shown only in them is lost.",
                      "keep every word as text; drop photos, skill bars and logo-only employer names.")
    return _check("images", "pass", "no images.", "")


def check_ocr_used(doc: Document, structure: CVStructure) -> Check:
    if not doc.ocr_pages:
        return _check("ocr_used", "pass", "all text comes from the file's text layer; no OCR needed.", "")
    return _check("ocr_used", "warn",
                  f"text on {_pages(doc.ocr_pages)} came from OCR; an ATS without OCR sees nothing there, and one "
                  "with OCR may misread it.",
                  "export the CV from the original document so every page has a text layer.")


# --- characters ------------------------------------------------------------------------------------------


def check_mojibake(doc: Document, structure: CVStructure) -> Check:
    found = Counter(m.group(0) for m in _MOJIBAKE.finditer(doc.full_text))
    if not found:
        return _check("mojibake", "pass", "no garbled characters.", "")
    total = sum(found.values())
    shown = ", ".join(f"{s!r} ×{c}" if s != "\ufffd" else f"U+FFFD ×{c}" for s, c in found.most_common(4))
    return _check("mojibake", "fail",
                  f"{total} garbled character sequence{'s' if total > 1 else ''} ({shown}): text decoded with the "
                  "wrong encoding; an ATS stores and searches it that way.",
                  "export again as PDF from a word processor (not from a web page), or paste the text into a clean "
                  "document; replace curly quotes and dashes that come out garbled.")


def check_private_use_glyphs(doc: Document, structure: CVStructure) -> Check:
    chars = Counter(_PRIVATE_USE.findall(doc.full_text))
    icon_fonts = [f for f in doc.layout.fonts if _ICON_FONTS.search(f)]
    if not chars and not icon_fonts:
        return _check("private_use_glyphs", "pass", "no icon-font or private-use characters.", "")
    parts = []
    if chars:
        codes = ", ".join(f"U+{ord(c):04X}" for c, _ in chars.most_common(5))
        parts.append(f"{sum(chars.values())} private-use character{'s' if sum(chars.values()) > 1 else ''} ({codes})")
    if icon_fonts:
        parts.append("icon font" + ("s " if len(icon_fonts) > 1 else " ") + ", ".join(icon_fonts[:3]))
    return _check("private_use_glyphs", "warn",
                  " and ".join(parts) + "; icons come out as meaningless characters in an ATS.",
                  "replace icons with words ('Email:', 'Phone:', 'GitHub:'); never show a skill only as an icon.")


def check_ligatures(doc: Document, structure: CVStructure) -> Check:
    text = doc.full_text
    glyphs = Counter(_LIGATURE_CHARS.findall(text))
    splits = [m for m in _SPLIT_LIGATURE.finditer(text)]
    if not glyphs and not splits:
        return _check("ligatures", "pass", "no ligature characters or words split at ligatures.", "")
    parts = []
    if glyphs:
        parts.append(f"{sum(glyphs.values())} ligature character{'s' if sum(glyphs.values()) > 1 else ''} "
                     f"({' '.join(glyphs)}) that break words such as “con{next(iter(glyphs))}gure”")
    if splits:
        examples = []
        for m in splits[:3]:
            start = max(text.rfind(" ", 0, m.start()) + 1, m.start() - 12)
            end = text.find(" ", m.end())
            examples.append(_quote(text[start : end if end != -1 else len(text)], 30))
        parts.append(f"{len(splits)} word{'s' if len(splits) > 1 else ''} split at a ligature ({', '.join(examples)})")
    return _check("ligatures", "fail",
                  "; ".join(parts) + "; an ATS does not match those words as keywords.",
                  "turn off ligatures or use a font with proper Unicode mapping (LaTeX: \\usepackage[T1]{fontenc} and "
                  "\\input{glyphtounicode} with \\pdfgentounicode=1), then export again.")


# --- content --------------------------------------------------------------------------------------------


def check_contact_details(doc: Document, structure: CVStructure) -> Check:
    c = structure.contact
    hidden = [f for f in ("email", "phone") if f in c.in_header_footer_only]
    missing = [f for f in ("email", "phone") if getattr(c, f) is None]
    if hidden:
        where = "header/footer"
        return _check("contact_details", "fail",
                      f"your {' and '.join(hidden)} {'is' if len(hidden) == 1 else 'are'} only in the page {where}, "
                      "which many ATS drop: the recruiter gets a profile without them.",
                      "put e-mail and phone in the body, under your name at the top of page 1.")
    if missing:
        return _check("contact_details", "warn" if len(missing) == 1 else "fail",
                      f"no {' and no '.join('e-mail address' if f == 'email' else 'phone number' for f in missing)} "
                      "found in the text.",
                      "write them as plain text under your name (not in an image or icon), e.g. 'name@example.com | "
                      "+44 7700 900123'.")
    return _check("contact_details", "pass", "e-mail address and phone number found in the body text.", "")


def check_section_headings(doc: Document, structure: CVStructure) -> Check:
    names = {s.name for s in structure.sections if s.recognised}
    missing = [n for n in ("experience", "education", "skills") if n not in names]
    unknown = [s.heading for s in structure.sections if not s.recognised]
    found = ", ".join(_quote(s.heading, 30) for s in structure.sections if s.recognised) or "none"
    if len(missing) >= 2 or ("experience" in missing and not structure.sections):
        return _check("section_headings", "fail",
                      f"no {' / '.join(missing)} section heading found (recognised headings: {found}); an ATS "
                      "cannot file your history under the right fields.",
                      "use standard headings on lines of their own: 'Experience', 'Education', 'Skills'.")
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"no {' / '.join(missing)} section heading found")
        if unknown:
            parts.append(f"heading{'s' if len(unknown) > 1 else ''} {', '.join(_quote(h, 30) for h in unknown[:4])} "
                         "not recognised as a standard section")
        return _check("section_headings", "warn", "; ".join(parts) + f" (recognised: {found}).",
                      "name sections the standard way ('Experience', 'Education', 'Skills', 'Projects', "
                      "'Certifications') so the ATS maps them.")
    return _check("section_headings", "pass", f"standard sections found: {found}.", "")


def check_date_formats(doc: Document, structure: CVStructure) -> Check:
    ranges = structure.date_ranges
    if not ranges:
        return _check("date_formats", "warn", "no date ranges found; an ATS cannot compute your years of experience.",
                      "give every job and degree a date range such as 'Jan 2021 – Present' or '03/2019 – 12/2020'.")
    named = {_date_style(r.style, r.text) for r in ranges} & {"Mon YYYY", "Month YYYY"}
    styles: dict[str, str] = {}  # style -> first example
    by_section: dict[str, set[str]] = {}
    for r in ranges:
        style = _date_style(r.style, r.text)
        if style == "May/June/July YYYY":  # full and short month names at once: follows the others
            style = next(iter(named)) if len(named) == 1 else "Mon YYYY"
        styles.setdefault(style, r.text)
        section = next((s.name for s in structure.sections if s.start_line <= r.line < s.end_line), "")
        by_section.setdefault(section, set()).add(style)
    # Year-only education next to month-dated jobs is normal; a section mixing formats, or two ways of
    # writing months in one CV, is not.
    mixed_sections = [name or "top" for name, found in by_section.items() if len(found) > 1]
    month_styles = [s for s in styles if s != "YYYY"]
    if not mixed_sections and len(month_styles) <= 1:
        listed = " and ".join(styles)
        return _check("date_formats", "pass", f"{len(ranges)} date ranges, written consistently ({listed}).", "")
    where = f" (mixed within {', '.join(mixed_sections)})" if mixed_sections else ""
    shown = "; ".join(f"{style} ({_quote(text, 24)})" for style, text in styles.items())
    return _check("date_formats", "warn",
                  f"{len(styles)} date formats in {len(ranges)} date ranges{where}: {shown}; mixed formats make ATS "
                  "date parsing and a recruiter's reading less reliable.",
                  "write every date the same way, with a month: 'Jan 2021 – Present' (or '01/2021 – Present').")


_AMBIGUOUS_MONTHS = re.compile(r"(?i)\b(?:may|june|july)\b")
_MONTH_WORDS = re.compile(r"(?i)\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b")


def _date_style(style: str, text: str) -> str:
    """The range's style, with "May 2020" / "June 2021" (which are both Mon and Month) set apart."""
    if style in ("Mon YYYY", "Month YYYY"):
        words = _MONTH_WORDS.findall(text)
        if words and all(_AMBIGUOUS_MONTHS.fullmatch(w) for w in words):
            return "May/June/July YYYY"
    return style


_CHECKS: dict[str, Callable[[Document, CVStructure], Check]] = {
    "file_type": check_file_type, "file_size": check_file_size, "file_name": check_file_name,
    "page_count": check_page_count, "word_count": check_word_count, "multi_column": check_multi_column,
    "tables": check_tables, "header_footer": check_header_footer, "text_boxes": check_text_boxes,
    "images": check_images, "ocr_used": check_ocr_used, "mojibake": check_mojibake,
    "private_use_glyphs": check_private_use_glyphs, "ligatures": check_ligatures,
    "contact_details": check_contact_details, "section_headings": check_section_headings,
    "date_formats": check_date_formats,
}  # fmt: skip
assert tuple(_CHECKS) == CHECK_IDS


def run_checks(doc: Document, structure: CVStructure) -> tuple[Check, ...]:
    """Every parseability check, in the order of :data:`CHECK_IDS` (passes included)."""
    return tuple(check(doc, structure) for check in _CHECKS.values())


def ats_text(doc: Document) -> str:
    """The CV's text as an ATS reads it (body, reading order), then what a typical ATS may lose."""
    rule = "=" * 72
    out = [rule, "What an ATS reads (body text in reading order)", rule, doc.text.rstrip(), "", rule,
           "What a typical ATS may lose", rule]
    lost = 0
    header, footer = _meaningful(doc.layout.header_text), _meaningful(doc.layout.footer_text)
    for label, lines in (("Page header text (dropped by many ATS):", header),
                         ("Page footer text (dropped by many ATS):", footer),
                         (f"Text-box text ({doc.layout.text_boxes} box(es); skipped by many ATS):",
                          list(doc.layout.text_box_text))):
        if lines:
            lost += 1
            out += [label, *(f"  {line}" for line in lines), ""]
    if doc.layout.text_boxes and not doc.layout.text_box_text:
        lost += 1
        out += [f"Text boxes: {doc.layout.text_boxes} (empty or unreadable).", ""]
    if doc.layout.image_only_pages:
        lost += 1
        how = (f"the text shown above for {_pages(doc.ocr_pages)} came from OCR" if doc.ocr_pages
               else "no text is shown for them")
        out += [f"Image-only {_pages(doc.layout.image_only_pages)} (scanned): an ATS without OCR reads nothing "
                f"there; {how}.", ""]
    elif doc.layout.images:
        lost += 1
        out += [f"Images: {doc.layout.images}; any words inside them are lost.", ""]
    if not lost:
        out.append("Nothing: no header/footer text, text boxes or images.")
    return "\n".join(out).rstrip("\n") + "\n"
