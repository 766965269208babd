"""cvscan: an offline CV (resume) ATS scanner and keyword-gap analyser.

>>> import scanner
>>> report = scanner.scan("cv.pdf", "job.txt")          # doctest: +SKIP
>>> print(scanner.to_text(report))                      # doctest: +SKIP
"""

from .errors import (
    CorruptDocumentError,
    EmptyFileError,
    EncryptedDocumentError,
    FileMissingError,
    FileTooLargeError,
    InputError,
    NoTextLayerError,
    ScannerError,
    SettingsError,
    TaxonomyError,
    UnsupportedFormatError,
)
from .extract import extract
from .jobad import analyze_job
from .pipeline import ScanSettings, job_from_text, load_job, match_keywords, scan, scan_document
from .records import (
    Check,
    CVStructure,
    Document,
    JobPosting,
    JobTerm,
    KeywordHit,
    LayoutFacts,
    MissingKeyword,
    Report,
    ScoreComponent,
    Suggestion,
)
from .render import report_schema, to_dict, to_json, to_markdown, to_text
from .scoring import WEIGHTS
from .structure import parse_structure
from .taxonomy import Taxonomy, Term, check_taxonomy, load_taxonomy

__all__ = [
    "CVStructure",
    "Check",
    "CorruptDocumentError",
    "Document",
    "EmptyFileError",
    "EncryptedDocumentError",
    "FileMissingError",
    "FileTooLargeError",
    "InputError",
    "JobPosting",
    "JobTerm",
    "KeywordHit",
    "LayoutFacts",
    "MissingKeyword",
    "NoTextLayerError",
    "Report",
    "ScanSettings",
    "ScannerError",
    "ScoreComponent",
    "SettingsError",
    "Suggestion",
    "Taxonomy",
    "TaxonomyError",
    "Term",
    "UnsupportedFormatError",
    "WEIGHTS",
    "analyze_job",
    "check_taxonomy",
    "extract",
    "job_from_text",
    "load_job",
    "load_taxonomy",
    "match_keywords",
    "parse_structure",
    "report_schema",
    "scan",
    "scan_document",
    "to_dict",
    "to_json",
    "to_markdown",
    "to_text",
]
