"""The one exception tree of cvscan.

Every error the library raises on purpose derives from :class:`ScannerError`; the CLI and batch mode catch
that root only. Each message says what happened, to which file, and what to do about it::

    ScannerError
    ├── InputError                  a CV or job ad that cannot be read
    │   ├── FileMissingError        no such file, or not a regular file
    │   ├── EmptyFileError          zero bytes, or no words at all
    │   ├── LimitExceededError      over one of the safety limits (``.limit`` names it; see extract.Limits)
    │   │   ├── FileTooLargeError   over the file-size limit
    │   │   └── ScanTimeoutError    a file slower than the per-file time limit
    │   ├── UnsafeDocumentError     built to attack a parser: XML entities or DTDs in a DOCX, a PDF+ZIP polyglot
    │   ├── UnsupportedFormatError  not PDF, DOCX, text or Markdown (legacy .doc included)
    │   ├── EncryptedDocumentError  password-protected PDF or DOCX
    │   ├── NoTextLayerError        a scanned PDF: pages are images without text
    │   └── CorruptDocumentError    the file claims a format but cannot be parsed
    ├── OcrUnavailableError         --ocr asked for, but pytesseract or the tesseract program is missing
    ├── WebUnavailableError         cvscan serve asked for, but the web extra (FastAPI, uvicorn) is missing
    ├── TaxonomyError               a keyword list with problems (each with its line number)
    └── SettingsError               an option out of range
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class ScannerError(Exception):
    """Root of every error cvscan raises on purpose."""

    def __init__(self, message: str, *, path: str | None = None, fix: str | None = None) -> None:
        self.path = path
        self.fix = fix
        self.reason = message
        text = f"{path}: {message}" if path else message
        if fix:
            text = f"{text} Fix: {fix}"
        super().__init__(text)

    @property
    def kind(self) -> str:
        """Short machine-readable name, used as the ``error`` field of batch error rows."""
        name = type(self).__name__
        return name[:-5] if name.endswith("Error") else name


class InputError(ScannerError):
    """A CV or job ad that cannot be read."""


class FileMissingError(InputError):
    """The path does not name a readable regular file."""


class EmptyFileError(InputError):
    """The file is empty or holds no words."""


class LimitExceededError(InputError):
    """The document goes over one of the safety limits; ``limit`` names it (a field of ``Limits``)."""

    default_limit = ""

    def __init__(self, message: str, *, path: str | None = None, fix: str | None = None,
                 limit: str | None = None) -> None:
        self.limit = limit or self.default_limit
        super().__init__(message, path=path, fix=fix)


class FileTooLargeError(LimitExceededError):
    """The file is larger than the configured limit."""

    default_limit = "max_file_bytes"


class UnsafeDocumentError(InputError):
    """The document holds constructs used to attack parsers (XML entity declarations, polyglots); refused."""


class UnsupportedFormatError(InputError):
    """The content is not a format cvscan reads."""


class EncryptedDocumentError(InputError):
    """The document is password-protected."""


class NoTextLayerError(InputError):
    """The PDF has pages without a text layer (a scan)."""


class CorruptDocumentError(InputError):
    """The file claims a format but cannot be parsed."""


class NotACVError(InputError):
    """The file is not a CV: in a batch, a copy of the job ad itself among the CVs."""


class ScanTimeoutError(LimitExceededError):
    """A file took longer than the per-file time limit and was stopped."""

    default_limit = "max_seconds"


class OcrUnavailableError(ScannerError):
    """OCR was asked for but cannot run (pytesseract or the tesseract program missing, or it timed out)."""


class WebUnavailableError(ScannerError):
    """The web app was asked for but a package of the ``web`` extra is not installed."""


@dataclass(frozen=True, slots=True)
class TaxonomyProblem:
    """One problem in a taxonomy file, with its 1-based line number."""

    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class TaxonomyError(ScannerError):
    """A taxonomy file with one or more problems."""

    def __init__(self, path: str, problems: Sequence[TaxonomyProblem]) -> None:
        self.problems = tuple(problems)
        listing = "; ".join(str(p) for p in self.problems[:5])
        more = f" (and {len(self.problems) - 5} more)" if len(self.problems) > 5 else ""
        super().__init__(
            f"{len(self.problems)} problem(s) in the taxonomy: {listing}{more}.",
            path=path,
            fix=f"run `cvscan taxonomy check {path}` to list every problem, then correct those lines.",
        )


class SettingsError(ScannerError):
    """An option with a value out of range."""
