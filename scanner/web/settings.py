"""Limits of the local web app, checked when the settings are made."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from ..errors import SettingsError
from ..extract import PDF_ENGINES, PdfEngine
from ..pipeline import ScanSettings

MIB = 1024 * 1024


def _default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True, slots=True)
class WebSettings:
    """Limits and options of ``cvscan serve``; each is checked when the settings are made.

    ``workers``: scanning processes (0 scans in threads of the server process, without a hard stop at the
    time limit; meant for tests and tiny machines).
    """

    max_file_bytes: int = 10 * MIB  # per uploaded file
    max_files: int = 20  # per request
    max_ad_chars: int = 100_000  # the job ad's text
    time_limit: float = 60.0  # seconds per request, queueing included
    workers: int = field(default_factory=_default_workers)
    pdf_engine: PdfEngine = "auto"
    taxonomy_path: str | None = None

    def __post_init__(self) -> None:
        if not 1 <= self.max_file_bytes <= 1024 * MIB:
            raise SettingsError(f"max_file_bytes must be between 1 byte and 1 GiB, not {self.max_file_bytes}.")
        if not 1 <= self.max_files <= 1000:
            raise SettingsError(f"max_files must be between 1 and 1000, not {self.max_files}.")
        if not 1 <= self.max_ad_chars <= 1_000_000:
            raise SettingsError(f"max_ad_chars must be between 1 and 1000000, not {self.max_ad_chars}.")
        if not 0 < self.time_limit <= 3600:
            raise SettingsError(f"time_limit must be more than 0 and at most 3600 seconds, not {self.time_limit}.")
        if not 0 <= self.workers <= 64:
            raise SettingsError(f"workers must be between 0 and 64, not {self.workers}.")
        if self.pdf_engine not in PDF_ENGINES:
            raise SettingsError(f"pdf_engine must be one of {', '.join(PDF_ENGINES)}, not {self.pdf_engine!r}.")

    @property
    def max_body_bytes(self) -> int:
        """The largest request body accepted: every file at its limit, the ad (4 bytes a character) and framing."""
        return self.max_files * (self.max_file_bytes + 4096) + 4 * self.max_ad_chars + 64 * 1024

    def scan_settings(self) -> ScanSettings:
        """The settings of each scan."""
        return ScanSettings(max_file_bytes=self.max_file_bytes, pdf_engine=self.pdf_engine,
                            taxonomy_path=self.taxonomy_path)
