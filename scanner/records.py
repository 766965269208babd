"""Typed records that cross module boundaries.

Each stage of the pipeline takes and returns these frozen dataclasses; dicts stay inside a module.
Extraction → :class:`Document`; job-ad analysis → :class:`JobPosting`; CV structure → :class:`CVStructure`;
matching → :class:`KeywordHit` / :class:`MissingKeyword`; scoring → :class:`ScoreComponent`;
checks and advice → :class:`Check` / :class:`Suggestion`; everything together → :class:`Report`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

DocumentFormat = Literal["pdf", "docx", "text", "markdown"]
Importance = Literal["required", "preferred"]
TermSource = Literal["taxonomy", "phrase"]
MatchKind = Literal["exact", "alias", "spelling", "stem", "fuzzy"]
CheckStatus = Literal["pass", "warn", "fail"]

#: Degree levels from lowest to highest; ``CVStructure.highest_degree`` and ``JobPosting.degree_required``
#: take one of these names.
DEGREE_LEVELS: tuple[str, ...] = ("high_school", "associate", "bachelor", "master", "phd")


# --- extraction -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageFacts:
    """What one PDF page looks like to a parser."""

    number: int  # 1-based
    width: float  # points
    height: float
    columns: int  # text columns found in the page body (1 = single column)
    text_chars: int  # characters in the page's text layer (0 = image-only / scanned)
    images: int  # images drawn on the page


@dataclass(frozen=True, slots=True)
class LayoutFacts:
    """Layout facts kept by the extractor for parseability checks."""

    page_count: int = 1
    pages: tuple[PageFacts, ...] = ()  # one per page for PDFs; empty for DOCX and text
    tables: int = 0
    table_cells: int = 0
    header_text: tuple[str, ...] = ()  # DOCX headers; PDF lines repeated at the top of pages
    footer_text: tuple[str, ...] = ()
    images: int = 0
    text_boxes: int = 0
    text_box_text: tuple[str, ...] = ()  # DOCX text-box lines (also in the body text)
    fonts: tuple[str, ...] = ()  # sorted, de-duplicated font names
    hyperlinks: tuple[str, ...] = ()  # link targets (mailto:, https:, ...) in document order

    @property
    def max_columns(self) -> int:
        return max((p.columns for p in self.pages), default=1)

    @property
    def image_only_pages(self) -> tuple[int, ...]:
        return tuple(p.number for p in self.pages if p.text_chars == 0)


@dataclass(frozen=True, slots=True)
class Document:
    """A CV or job ad as text in reading order, plus layout facts."""

    source: str  # the path or name it was read from
    format: DocumentFormat
    text: str  # body text in reading order, one line per "\n"
    layout: LayoutFacts = field(default_factory=LayoutFacts)
    size_bytes: int = 0
    ocr_pages: tuple[int, ...] = ()  # pages whose text came from OCR

    @property
    def full_text(self) -> str:
        """Body text plus header and footer text (which some ATS drop; see the checks)."""
        extra = [t for t in (*self.layout.header_text, *self.layout.footer_text) if t not in self.text]
        return "\n".join([self.text, *extra]) if extra else self.text

    @property
    def lines(self) -> tuple[str, ...]:
        return tuple(self.full_text.split("\n"))


# --- job ad -----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class JobTerm:
    """One keyword the job ad asks for."""

    term: str  # canonical name (taxonomy term) or the ad's own phrase
    category: str
    importance: Importance
    weight: float  # relative weight from importance and frequency; > 0
    job_count: int  # occurrences in the ad
    source: TermSource


@dataclass(frozen=True, slots=True)
class JobPosting:
    """A job ad analysed: its title, asks and weighted terms."""

    source: str
    title: str | None
    years_required: float | None
    degree_required: str | None  # one of DEGREE_LEVELS
    terms: tuple[JobTerm, ...]
    text: str


# --- CV structure -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Section:
    """A section of the CV, found by its heading."""

    name: str  # canonical: summary, experience, education, skills, projects, certifications, ...; "other"
    heading: str  # the heading as written
    start_line: int  # 0-based index into Document.lines of the heading
    end_line: int  # exclusive
    recognised: bool  # a heading an ATS maps to a standard section


@dataclass(frozen=True, slots=True)
class DateRange:
    """An employment or study date range found in the CV."""

    text: str  # as written
    start: tuple[int, int | None]  # (year, month or None)
    end: tuple[int, int | None] | None  # None = present / current
    style: str  # the date format, e.g. "Mon YYYY", "MM/YYYY", "YYYY"
    line: int  # 0-based line index


@dataclass(frozen=True, slots=True)
class Contact:
    """Contact details found in the CV."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    location: str | None = None
    links: tuple[str, ...] = ()  # LinkedIn, GitHub, portfolio URLs
    in_header_footer_only: tuple[str, ...] = ()  # fields found only in a header/footer: "email", ...


@dataclass(frozen=True, slots=True)
class CVStructure:
    """Sections, contact details, dates and degree of a CV."""

    sections: tuple[Section, ...] = ()
    contact: Contact = field(default_factory=Contact)
    date_ranges: tuple[DateRange, ...] = ()
    experience_years: float | None = None
    highest_degree: str | None = None  # one of DEGREE_LEVELS
    titles: tuple[str, ...] = ()  # job titles held / headline, most recent first

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


# --- matching, scoring, report ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class KeywordHit:
    """A job-ad keyword the CV matches."""

    term: str
    category: str
    importance: Importance
    cv_count: int
    job_count: int
    match: MatchKind
    evidence: str  # the CV line that shows it
    weight: float
    section: str | None = None  # the CV section of the evidence line


@dataclass(frozen=True, slots=True)
class MissingKeyword:
    """A job-ad keyword the CV lacks."""

    term: str
    category: str
    importance: Importance
    job_count: int
    weight: float


@dataclass(frozen=True, slots=True)
class ScoreComponent:
    """One weighted part of the score."""

    component: str
    score: float  # 0-100
    weight: float  # 0-1; weights of a report sum to 1
    detail: str


@dataclass(frozen=True, slots=True)
class Check:
    """A parseability or content check."""

    id: str
    status: CheckStatus
    message: str
    fix: str


@dataclass(frozen=True, slots=True)
class LogicalLine:
    """A bullet or sentence of the CV wrapped over several lines, made one line again
    (:func:`scanner.advice.logical_lines`)."""

    first: int  # index into Document.lines of its first physical line
    text: str
    bullet: bool  # reads as an achievement bullet (not a title, date or list line)


@dataclass(frozen=True, slots=True)
class CVAnalysis:
    """What a scan works out from the CV alone, whatever the ad: its structure, its parseability checks, its
    TF-IDF vector and its logical lines (:func:`scanner.pipeline.analyse_cv`). A batch's cache keeps it beside
    the document, so re-scoring a folder against another ad skips it too."""

    structure: CVStructure
    checks: tuple[Check, ...]
    vector: tuple[tuple[str, float], ...]  # similarity.cv_vector of the CV's full text
    logical: tuple[LogicalLine, ...]
    # advice.line_categories: the categories of the taxonomy terms on the lines the rewrites ask about, by line
    # index, found with the taxonomy whose fingerprint ``taxonomy`` is (None: unknown; a scan with another
    # taxonomy works them out again)
    categories: tuple[tuple[int, tuple[str, ...]], ...]
    taxonomy: str | None


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested change, quoting the CV's own line."""

    kind: str
    original: str
    suggestion: str
    why: str
    section: str | None = None


@dataclass(frozen=True, slots=True)
class JobSummary:
    title: str | None
    years_required: float | None
    degree_required: str | None


@dataclass(frozen=True, slots=True)
class Report:
    """The result of scanning one CV against one job ad."""

    file: str
    score: float
    breakdown: tuple[ScoreComponent, ...]
    job: JobSummary
    matched: tuple[KeywordHit, ...]
    missing: tuple[MissingKeyword, ...]
    checks: tuple[Check, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    schema_version: str = "1"
    contact: Contact = Contact()  # the CV's contact details as an ATS reads them (name, e-mail ...)


@dataclass(frozen=True, slots=True)
class LetterReport:
    """The result of checking one cover letter against one job ad (and, optionally, the CV)."""

    file: str
    score: float
    breakdown: tuple[ScoreComponent, ...]
    job: JobSummary
    company: str | None  # the employer as read from the ad, when it could be told
    words: int
    paragraphs: int
    checks: tuple[Check, ...] = ()
    suggestions: tuple[Suggestion, ...] = ()
    schema_version: str = "1"
