"""The scan pipeline: extraction → job-ad analysis and CV structure → matching → score → report."""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field

from .advice import line_categories, logical_lines, sections_by_line, suggest
from .checks import run_checks
from .errors import EmptyFileError, SettingsError
from .extract import PDF_ENGINES, Limits, PdfEngine, extract
from .extract.limits import time_limit, timeout_error
from .extract.pdfium import check_engine
from .jobad import PHRASE_CATEGORY, analyze_job
from .matching import FuzzySearch, Occurrence, best_kind, find_terms
from .normalize import forget_lines, word_keys
from .records import (
    CVAnalysis,
    CVStructure,
    Document,
    JobPosting,
    JobSummary,
    KeywordHit,
    LogicalLine,
    MissingKeyword,
    Report,
)
from .scoring import score_components, total
from .similarity import cv_vector, vector_similarity
from .structure import parse_structure
from .structure.contact import is_contact_line
from .taxonomy import Taxonomy, Term, load_taxonomy

# Where a term's evidence is most convincing, best first (sections named by CVStructure).
_EVIDENCE_RANK = {"experience": 0, "projects": 1, "summary": 2, None: 3}
_EVIDENCE_CHARS = 240


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """Options of a scan; each is checked when the settings are made."""

    max_file_bytes: int = 10 * 1024 * 1024
    fuzzy_threshold: float = 90.0
    taxonomy_path: str | None = None
    ocr: bool = False  # OCR image-only PDF pages (scans) instead of failing; needs the ``ocr`` extra
    pdf_engine: PdfEngine = "auto"  # pdfium (extra ``fast``), pypdf, or auto: pdfium when installed
    limits: Limits = field(default_factory=Limits)  # safety bounds on each file (archive, pages, objects, text, time)
    today: tuple[int, int] | None = None  # (year, month) that "Present" in a CV stands for; None: the current month

    def __post_init__(self) -> None:
        if self.pdf_engine not in PDF_ENGINES:
            raise SettingsError(f"pdf_engine must be one of {', '.join(PDF_ENGINES)}, not {self.pdf_engine!r}.")
        check_engine(self.pdf_engine)  # asking for pdfium without the ``fast`` extra fails here, early
        if not isinstance(self.limits, Limits):
            raise SettingsError(f"limits must be a scanner.extract.Limits, not {type(self.limits).__name__}.")
        if not 1 <= self.max_file_bytes <= 1024**3:
            raise SettingsError(f"max_file_bytes must be between 1 and 1 GiB, not {self.max_file_bytes}.")
        if self.today is not None and not (isinstance(self.today, tuple) and len(self.today) == 2
                                           and 1900 <= self.today[0] <= 9999 and 1 <= self.today[1] <= 12):
            raise SettingsError(f"today must be a (year, month) pair such as (2026, 11), not {self.today!r}.")
        if not 75.0 <= self.fuzzy_threshold <= 100.0:
            raise SettingsError(
                f"fuzzy_threshold must be between 75 and 100, not {self.fuzzy_threshold}; "
                "lower values match unrelated words.")


def job_from_text(text: str, *, taxonomy: Taxonomy | None = None, source: str = "job ad") -> JobPosting:
    """Analyse a job ad given as text."""
    if not text.strip():
        raise EmptyFileError("the job ad is empty.", path=source, fix="give the job ad's text.")
    return analyze_job(text, taxonomy or load_taxonomy(), source=source)


def load_job(path: str | os.PathLike[str], *, taxonomy: Taxonomy | None = None,
             settings: ScanSettings | None = None) -> JobPosting:
    """Read a job ad from a file (text, Markdown, PDF or DOCX) and analyse it."""
    settings = settings or ScanSettings()
    doc = extract(path, max_bytes=settings.max_file_bytes, ocr=settings.ocr, engine=settings.pdf_engine,
                  limits=settings.limits)
    return job_from_text(doc.full_text, taxonomy=taxonomy, source=str(path))


def _evidence(occs: Sequence[Occurrence], lines: Sequence[str], sections: Sequence[str | None]) -> Occurrence:
    def rank(o: Occurrence) -> tuple[int, int, int]:
        section = sections[o.line] if o.line < len(sections) else None
        # Among equally placed lines prefer a sentence (several words) to a list entry.
        words = len(lines[o.line].split())
        return (_EVIDENCE_RANK.get(section, 3), 0 if words >= 6 else 1, o.line)

    return min(occs, key=rank)


@functools.lru_cache(maxsize=8)
def _job_terms_taxonomy(job: JobPosting, taxonomy: Taxonomy) -> Taxonomy:
    # A batch scores every CV against the same ad: its terms' index is made once.
    terms: list[Term] = []
    for jt in job.terms:
        known = taxonomy.get(jt.term) if jt.source == "taxonomy" else None
        terms.append(known or Term(jt.term, jt.category if jt.source == "taxonomy" else PHRASE_CATEGORY))
    return Taxonomy(terms)


def match_keywords(
    doc: Document,
    structure: CVStructure,
    job: JobPosting,
    taxonomy: Taxonomy,
    *,
    fuzzy_threshold: float = 90.0,
    logical: Sequence[LogicalLine] | None = None,
) -> tuple[tuple[KeywordHit, ...], tuple[MissingKeyword, ...]]:
    """The ad's terms found in the CV (with counts, match kind and evidence) and those missing; ``logical``:
    :func:`~scanner.advice.logical_lines` of the CV, if known."""
    if logical is None:
        logical = logical_lines(doc, structure)
    lines = [ll.text for ll in logical]
    count = len(doc.lines)  # the lines are made from the text at each use
    by_line = sections_by_line(structure, count)
    sections = [by_line[ll.first] if ll.first < count else None for ll in logical]
    first_section = min((s.start_line for s in structure.sections), default=count)
    # A contact line above the first section ("jane@x.org | linkedin.com/in/jane | GitHub") names profiles, not
    # skills: "LinkedIn" there must not match an ad's "LinkedIn" (some layouts print the word, others an icon).
    contact = {i for i, ll in enumerate(logical) if ll.first < first_section and is_contact_line(ll.text)}
    wanted = _job_terms_taxonomy(job, taxonomy)
    found = {name: kept for name, occs in find_terms(lines, wanted).items()
             if (kept := [o for o in occs if o.line not in contact])}
    matched: list[KeywordHit] = []
    missing: list[MissingKeyword] = []
    fuzzy = FuzzySearch(lines, taxonomy)
    for jt in job.terms:
        occs = found.get(jt.term)
        if not occs:
            term = wanted.get(jt.term)
            occs = fuzzy.find(term, threshold=fuzzy_threshold) if term else []
        if not occs:
            missing.append(MissingKeyword(jt.term, jt.category, jt.importance, jt.job_count, jt.weight))
            continue
        ev = _evidence(occs, lines, sections)
        matched.append(KeywordHit(
            term=jt.term,
            category=jt.category,
            importance=jt.importance,
            cv_count=len(occs),
            job_count=jt.job_count,
            match=best_kind([o.kind for o in occs]),
            evidence=" ".join(lines[ev.line].split())[:_EVIDENCE_CHARS],
            weight=jt.weight,
            section=sections[ev.line] if ev.line < len(sections) else None,
        ))
    return tuple(matched), tuple(missing)


# A file whose words and the ad's are nearly the same set is the ad itself: a copy in another format shares all
# of them (the ad's PDF and DOCX fixtures: 100% both ways), a CV written for the ad a third (the most ad-like
# CV of the fixtures and the 240 benchmark CVs: 32% of the ad's words, 30% of its own).
_SAME_WORDS = 0.9


@functools.lru_cache(maxsize=8)
def _ad_words(job: JobPosting) -> frozenset[str]:
    return frozenset(word_keys(job.text))


def is_job_ad(doc: Document, job: JobPosting) -> bool:
    """Whether ``doc`` holds the job ad's own text (at least 90% of the ad's distinct words are the document's,
    and of the document's the ad's) rather than a CV. A CV with the ad pasted into it holds words of its own."""
    text = doc.full_text  # a property that joins the header and footer text to the body: read once
    if not 0.5 <= len(text) / max(len(job.text), 1) <= 2.0:  # most CVs: no need to look at words
        return False
    ad, own = _ad_words(job), word_keys(text)
    shared = len(ad & own)
    return bool(ad) and shared >= _SAME_WORDS * len(ad) and shared >= _SAME_WORDS * len(own)


def _ad_profile(job: JobPosting) -> str:
    # The title is the ad's most telling line: counted twice, its words weigh as the ad's main subject.
    return f"{job.title}\n{job.text}" if job.title else job.text


def forget_documents() -> None:
    """Empty the caches that remember lines and words of the documents scanned so far.

    A scan keeps recent lines in memory (their tokens, rule results, heading keys), which speeds up a batch:
    CVs share headings and boilerplate. A server that scans other people's CVs calls this after each request,
    so no line of a CV outlives the request that brought it. Every such cache is made with
    :func:`scanner.normalize.line_cache`, which registers it here.
    """
    forget_lines()


def analyse_cv(doc: Document, settings: ScanSettings | None = None, *,
               taxonomy: Taxonomy | None = None) -> CVAnalysis:
    """The ad-independent part of a scan of ``doc`` (``settings.today`` fixes what "Present" means), with the
    taxonomy the scans will use (default: ``settings.taxonomy_path``'s)."""
    settings = settings or ScanSettings()
    taxonomy = taxonomy or load_taxonomy(settings.taxonomy_path)
    structure = parse_structure(doc, today=settings.today)
    logical = logical_lines(doc, structure)
    categories = line_categories(doc, structure, logical, taxonomy)
    return CVAnalysis(structure, run_checks(doc, structure), cv_vector(doc.full_text), logical,
                      tuple((index, tuple(sorted(c))) for index, c in sorted(categories.items())),
                      taxonomy.fingerprint)


def scan_document(doc: Document, job: JobPosting, *, taxonomy: Taxonomy | None = None,
                  settings: ScanSettings | None = None, analysis: CVAnalysis | None = None) -> Report:
    """Score an extracted CV against an analysed job ad; ``analysis``: :func:`analyse_cv` of it, if known."""
    settings = settings or ScanSettings()
    taxonomy = taxonomy or load_taxonomy(settings.taxonomy_path)
    analysis = analysis or analyse_cv(doc, settings, taxonomy=taxonomy)
    structure, checks = analysis.structure, analysis.checks
    # The analysis's term categories hold for this scan only if they were found with this very taxonomy.
    known = analysis.taxonomy is not None and analysis.taxonomy == taxonomy.fingerprint
    categories = {index: frozenset(c) for index, c in analysis.categories} if known else None
    matched, missing = match_keywords(doc, structure, job, taxonomy, fuzzy_threshold=settings.fuzzy_threshold,
                                      logical=analysis.logical)
    components = score_components(job, matched, missing, structure, doc.full_text,
                                  vector_similarity(analysis.vector, _ad_profile(job)), checks)
    return Report(
        file=doc.source,
        score=total(components),
        breakdown=components,
        job=JobSummary(job.title, job.years_required, job.degree_required),
        matched=matched,
        missing=missing,
        checks=checks,
        suggestions=suggest(doc, structure, job, matched, missing, taxonomy=taxonomy, logical=analysis.logical,
                            categories=categories),
        contact=structure.contact,
    )


def scan(cv: str | os.PathLike[str] | Document, job: str | os.PathLike[str] | JobPosting, *,
         taxonomy: Taxonomy | None = None, settings: ScanSettings | None = None) -> Report:
    """Scan a CV (a path or an extracted Document) against a job ad (a path or an analysed JobPosting).

    Reading and scoring the CV is held to ``settings.limits.max_seconds`` (in a process's main thread).
    """
    settings = settings or ScanSettings()
    taxonomy = taxonomy or load_taxonomy(settings.taxonomy_path)
    posting = job if isinstance(job, JobPosting) else load_job(job, taxonomy=taxonomy, settings=settings)
    seconds = settings.limits.max_seconds
    name = cv.source if isinstance(cv, Document) else os.fspath(cv)
    with time_limit(seconds, lambda: timeout_error(name, seconds or 0.0)):
        doc = cv if isinstance(cv, Document) else extract(cv, max_bytes=settings.max_file_bytes, ocr=settings.ocr,
                                                          engine=settings.pdf_engine, limits=settings.limits)
        return scan_document(doc, posting, taxonomy=taxonomy, settings=settings)
