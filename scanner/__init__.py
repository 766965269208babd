"""cvscan: an offline CV (resume) ATS scanner and keyword-gap analyser.

>>> import scanner
>>> report = scanner.scan("cv.pdf", "job.txt")          # doctest: +SKIP
>>> print(scanner.to_text(report))                      # doctest: +SKIP
"""

from .batch import BatchFailure, BatchResult, discover, iter_batch, run_batch, scan_many
from .checks import ats_text, run_checks
from .errors import (
    CorruptDocumentError,
    EmptyFileError,
    EncryptedDocumentError,
    FileMissingError,
    FileTooLargeError,
    InputError,
    LimitExceededError,
    NotACVError,
    NoTextLayerError,
    OcrUnavailableError,
    ScannerError,
    ScanTimeoutError,
    SettingsError,
    TaxonomyError,
    UnsafeDocumentError,
    UnsupportedFormatError,
    WebUnavailableError,
)
from .extract import Limits, extract
from .html_render import to_html
from .jobad import analyze_job
from .pipeline import (
    ScanSettings,
    analyse_cv,
    forget_documents,
    job_from_text,
    load_job,
    match_keywords,
    scan,
    scan_document,
)
from .ranking import BatchRow, batch_frame, batch_schema, render_batch
from .records import (
    Check,
    CVAnalysis,
    CVStructure,
    Document,
    JobPosting,
    JobTerm,
    KeywordHit,
    LayoutFacts,
    LogicalLine,
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
    "BatchFailure",
    "BatchResult",
    "BatchRow",
    "CVAnalysis",
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
    "LimitExceededError",
    "Limits",
    "LogicalLine",
    "MissingKeyword",
    "NoTextLayerError",
    "NotACVError",
    "OcrUnavailableError",
    "Report",
    "ScanSettings",
    "ScanTimeoutError",
    "ScannerError",
    "ScoreComponent",
    "SettingsError",
    "Suggestion",
    "Taxonomy",
    "TaxonomyError",
    "Term",
    "UnsafeDocumentError",
    "UnsupportedFormatError",
    "WEIGHTS",
    "WebUnavailableError",
    "analyse_cv",
    "analyze_job",
    "ats_text",
    "batch_frame",
    "batch_schema",
    "check_taxonomy",
    "discover",
    "extract",
    "forget_documents",
    "iter_batch",
    "job_from_text",
    "load_job",
    "load_taxonomy",
    "match_keywords",
    "parse_structure",
    "render_batch",
    "report_schema",
    "run_batch",
    "run_checks",
    "scan",
    "scan_document",
    "scan_many",
    "to_dict",
    "to_html",
    "to_json",
    "to_markdown",
    "to_text",
]
