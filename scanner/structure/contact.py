"""Contact details: name, email, phone, location and profile links."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping, Sequence

from ..normalize import key_words, lacks_words
from ..records import Contact
from .sections import heading_section, is_heading
from .titles import looks_like_title

_FIELDS = ("name", "email", "phone", "location", "links")
TOP_LINES = 8  # name and location are looked for in the first non-empty lines only

_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b"
)
# Phone numbers: international ("+44 20 7946 0958", "+1-415-555-0100"), US ("(415) 555-0100",
# "415.555.0100") and UK ("020 7946 0958", "07700 900123"); anything else only after a label ("Tel: 5551234").
_GAP = r"[ \t.-]?"
_PHONE = re.compile(
    r"(?<![\w/.,$€£+-])(?:"
    rf"(?:\+|00)\d{{1,3}}{_GAP}(?:\(0?\d{{1,4}}\){_GAP})?\d{{1,4}}(?:{_GAP}\d{{2,4}}){{1,4}}"
    rf"|(?:\(\d{{3}}\)[ \t]?|\d{{3}}[ \t.-])\d{{3}}[ \t.-]\d{{4}}"
    rf"|0\d{{2,4}}[ \t-]?\d{{3,4}}[ \t-]?\d{{3,4}}"
    r")(?![\w/]|[.,-]\d)"
)
_PHONE_LABEL_WORDS = ("phone", "tel", "telephone", "mobile", "mob", "cell", "ph")
_LABELLED_PHONE = re.compile(
    rf"\b(?:{'|'.join(_PHONE_LABEL_WORDS)})\b\.?[ \t]*:?[ \t]*(?P<num>\+?[\d(][\d ().-]{{5,}}\d)",
    re.IGNORECASE,
)
_YEARISH = re.compile(r"^(?:19[5-9]\d|20\d\d)$")
_DATE_LIKE = re.compile(r"^\d{1,2}[./-]\d{1,2}[./-]\d{2,4}$|^\d{4}[./-]\d{1,2}[./-]\d{1,2}$")
_URL = re.compile(
    r"(?<![\w@.-])(?:https?://)?(?:www\.)?"
    r"(?:linkedin\.com/(?:in|pub|company)/[\w%.-]+|github\.com/[\w.-]+|gitlab\.com/[\w.-]+"
    r"|[\w-]+\.github\.io(?:/[\w./%-]*)?)/?",
    re.IGNORECASE,
)
_WEB = re.compile(r"(?<![\w@.-])(?:https?://|www\.)[^\s,;|<>()\"']+", re.IGNORECASE)
# A bare domain is only taken near the top, in lower case, with a TLD that personal sites use.
_BARE_DOMAIN = re.compile(
    r"(?<![\w@.-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|io|dev|me|net|org|app|page|site|xyz|ai|co|"
    r"co\.uk|info|design|tech|online|blog)(?:/[\w./%-]*)?(?![\w@])"
)
_US_STATES = frozenset(
    str.split(
        "AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH "
        "OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR ON BC AB QC NS MB SK NB NL PE"
    )
)
_COUNTRIES = frozenset(
    s.casefold()
    for s in (
        "USA", "U.S.A.", "US", "United States", "UK", "U.K.", "United Kingdom", "England", "Scotland", "Wales",
        "Ireland", "Canada", "Australia", "New Zealand", "India", "Germany", "France", "Spain", "Italy",
        "Netherlands", "Belgium", "Switzerland", "Austria", "Sweden", "Norway", "Denmark", "Finland", "Poland",
        "Portugal", "Greece", "Türkiye", "Turkey", "Israel", "UAE", "United Arab Emirates", "Singapore",
        "Japan", "China", "Hong Kong", "South Korea", "Korea", "Brazil", "Mexico", "Argentina", "Chile",
        "Colombia", "South Africa", "Nigeria", "Kenya", "Egypt", "Pakistan", "Bangladesh", "Philippines",
        "Indonesia", "Malaysia", "Vietnam", "Thailand", "Czech Republic", "Czechia", "Romania", "Hungary",
        "Ukraine", "Estonia", "Luxembourg",
    )
)  # fmt: skip
_PLACE = r"[A-Z][a-zà-ÿ'’.-]+(?:[ -](?:[A-Z][a-zà-ÿ'’.-]+|upon|on|am|de|la|del))*"
_LOCATION = re.compile(
    rf"(?:(?i:location|address|based in)\s*:?\s*)?(?P<city>{_PLACE}),[ \t]*(?P<region>[A-Z]{{2}}\b|{_PLACE}|U\.S\.A?\.|U\.K\.)(?:\s+\d{{5}}(?:-\d{{4}})?)?"
)
_EDGE_JUNK = re.compile(r"^[^\w(]+|[^\w).]+$")
# Fields of a contact line are set apart by bullets, bars, wide gaps, dashes, or icon-font glyphs (private use).
_PARTS = re.compile(r"\s*(?:[|•·◆♦▪■●◦⋅\ue000-\uf8ff]|\s{2,}|\s[–—-]\s|;)\s*")
_NAME_WORD = re.compile(
    r"^(?:[A-ZÀ-Þ][a-zà-ÿ'’]+(?:-[A-ZÀ-Þ][a-zà-ÿ'’]+)?|[A-ZÀ-Þ]{2,}(?:-[A-ZÀ-Þ]{2,})?|[A-Z]\.)$"
)
_NAME_PARTICLES = frozenset(
    {"van", "von", "de", "der", "den", "da", "di", "du", "del", "la", "le", "al", "bin", "ibn"}
)
_NOT_NAME = frozenset(
    {"curriculum", "vitae", "resume", "résumé", "cv", "page", "contact", "updated", "address", "email", "phone",
     "profile", "confidential", "street", "road", "avenue", "city", "state", "company", "name"}
)  # fmt: skip


def _plausible_phone(cand: str) -> bool:
    digits = re.sub(r"\D", "", cand)
    if not 7 <= len(digits) <= 15:
        return False
    groups = re.findall(r"\d+", cand)
    return not (all(_YEARISH.match(g) for g in groups) or _DATE_LIKE.match(cand))  # "2019 - 2021"


_PHONE_LABELS = key_words(_PHONE_LABEL_WORDS)
_PROFILE_SITE_WORDS = ("linkedin", "github", "gitlab")  # one of them is in every _URL match
_PROFILE_SITES = key_words(_PROFILE_SITE_WORDS)


def _phone(text: str) -> str | None:
    for m in _LABELLED_PHONE.finditer(text) if not lacks_words(_PHONE_LABELS, text) else ():
        if _plausible_phone(m.group("num")):
            return m.group("num").strip()
    for m in _PHONE.finditer(text):
        if _plausible_phone(m.group(0)):
            return m.group(0).strip()
    return None


_PROFILE_WORD = re.compile(rf"\b(?:{'|'.join(_PROFILE_SITE_WORDS)})\b", re.IGNORECASE)


def is_contact_line(text: str) -> bool:
    """A line of contact details: e-mail, phone, web address or profile link, or the bare label of one
    ("LinkedIn | GitHub", where a layout shows the link as an icon)."""
    return bool(_email(text) or _phone(text) or _WEB.search(text) or _URL.search(text) or _PROFILE_WORD.search(text))


def _email(text: str) -> str | None:
    m = _EMAIL.search(text) if "@" in text else None
    return m.group(0) if m else None


def _links(text: str, top: Sequence[str]) -> tuple[str, ...]:
    links: list[str] = []
    # An e-mail address covers whole words, so blanking it out takes words away and adds none.
    if not lacks_words(_PROFILE_SITES, text):
        links += (m.group(0) for m in _URL.finditer(_EMAIL.sub(" ", text)))
    # Other sites count as a portfolio only in the contact block; further down they are employers' sites.
    for line in top:
        line = _EMAIL.sub(" ", line)
        links.extend(m.group(0) for m in _WEB.finditer(line))
        links.extend(m.group(0) for m in _BARE_DOMAIN.finditer(line))
    out: list[str] = []
    seen: set[str] = set()
    for link in links:
        link = link.rstrip(".,;:)/")
        key = re.sub(r"^(?:https?://)?(?:www\.)?", "", link.casefold())
        if key not in seen and not any(key in s or s in key for s in seen):
            seen.add(key)
            out.append(link)
    return tuple(out)


def _location(top: Sequence[str]) -> str | None:
    """A "City, ST" / "City, Country" segment of its own on a line near the top."""
    for line in top:
        for part in _PARTS.split(line):
            m = _LOCATION.fullmatch(_EDGE_JUNK.sub("", part))
            if m and (m.group("region") in _US_STATES or m.group("region").casefold() in _COUNTRIES):
                return m.group(0)[m.start("city") - m.start() :].strip()
    return None


def looks_like_name(line: str, headings: Mapping[str, str]) -> bool:
    """2–4 capitalised words, no digits, not a heading and not a job title."""
    text = line.strip()
    if not text or any(c.isdigit() for c in text) or "@" in text or len(text) > 50:
        return False
    words = text.replace(",", " ").split()
    if not 2 <= len(words) <= 4:
        return False
    if any(w.casefold() in _NOT_NAME for w in words) or is_heading(text, headings):
        return False
    if not all(_NAME_WORD.match(w) or w.casefold() in _NAME_PARTICLES for w in words):
        return False
    return not looks_like_title(text)


def _name(top: Sequence[str], headings: Mapping[str, str]) -> str | None:
    for line in top[:4]:
        if looks_like_name(line, headings):
            return line.strip()
    return None


def _top(text: str, headings: Mapping[str, str]) -> list[str]:
    """The contact block: the first few non-empty lines, up to the first section heading other than a
    "Contact" one (a sidebar's "CONTACT" below the name holds the details themselves)."""
    top: list[str] = []
    for line in text.split("\n"):
        if line.strip():
            if len(top) >= TOP_LINES:
                break
            if top and (section := heading_section(line, headings)) is not None:
                if section != "contact":
                    break
                continue
            top.append(line.strip())
    return top


def _scan(text: str, headings: Mapping[str, str]) -> Contact:
    top = _top(text, headings)
    top_text = "\n".join(top)
    # A name-like line counts only beside contact details: CVs without a name often open with a title.
    has_contact = bool(_email(top_text) or _phone(top_text) or _links(top_text, top))
    return Contact(
        name=_name(top, headings) if has_contact else None,
        email=_email(text),
        phone=_phone(text),
        location=_location(top),
        links=_links(text, top),
    )


def find_contact(body: str, header_footer: Sequence[str], headings: Mapping[str, str]) -> Contact:
    """Contact details from the body; fields found only in headers/footers are filled and marked as such."""
    found = _scan(body, headings)
    if not any(s.strip() for s in header_footer):
        return found
    extra = _scan("\n".join(header_footer), headings)
    only = tuple(f for f in _FIELDS if not getattr(found, f) and getattr(extra, f))
    return dataclasses.replace(found, **{f: getattr(extra, f) for f in only}, in_header_footer_only=only)
