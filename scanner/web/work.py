"""The scanning done for the web app, in worker processes (or threads): no web framework imported here.

Every function returns a record or a :class:`~scanner.batch.BatchFailure`, never raises a ScannerError,
so nothing but plain dataclasses crosses the process boundary. Nothing here logs document text.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterator
from contextlib import contextmanager

from ..batch import BatchFailure
from ..errors import ScannerError, ScanTimeoutError
from ..extract import extract_bytes
from ..extract.limits import time_limit
from ..pipeline import ScanSettings, forget_documents, job_from_text, scan_document
from ..records import JobPosting, JobSummary, Report
from ..taxonomy import load_taxonomy

#: The name a job ad typed into the form goes by in reports and errors.
AD_SOURCE = "job_text"


def warm(taxonomy_path: str | None = None) -> None:
    """Load the taxonomy once when a worker starts, so the first request does not pay for it."""
    load_taxonomy(taxonomy_path)


@functools.lru_cache(maxsize=16)
def _job(ad_text: str, taxonomy_path: str | None) -> JobPosting:
    # Many CVs are scanned against the same ad: analyse each ad once per worker.
    return job_from_text(ad_text, taxonomy=load_taxonomy(taxonomy_path), source=AD_SOURCE)


def _timeout(name: str, seconds: float) -> ScanTimeoutError:
    return ScanTimeoutError(
        f"the request took longer than the {seconds:g} s limit and was stopped.",
        path=name,
        fix="try a smaller or simpler document, fewer files at once, or start the server with a longer "
            "--time-limit.",
    )


@contextmanager
def _deadline(deadline: float, limit: float, name: str) -> Iterator[None]:
    """Raise ScanTimeoutError at the wall-clock ``deadline``; a hard stop only in a process's main thread.

    In a thread the server's own timer answers the request; the scan finishes in the background.
    """
    left = deadline - time.time()
    if left <= 0:
        raise _timeout(name, limit)
    with time_limit(left, lambda: _timeout(name, limit)):
        yield


def analyse_ad(ad_text: str, settings: ScanSettings, deadline: float, limit: float) -> JobSummary | BatchFailure:
    """The job ad's title and asks, or why it cannot be used."""
    try:
        with _deadline(deadline, limit, AD_SOURCE):
            job = _job(ad_text, settings.taxonomy_path)
        return JobSummary(job.title, job.years_required, job.degree_required)
    except ScannerError as exc:
        return BatchFailure(AD_SOURCE, exc.kind, str(exc))
    except Exception as exc:  # a bug must become an error response, not a dead worker
        return BatchFailure(AD_SOURCE, "internal", f"cvscan failed on the job ad ({type(exc).__name__}).")


def scan_upload(name: str, data: bytes, ad_text: str, settings: ScanSettings, deadline: float,
                limit: float) -> Report | BatchFailure:
    """Scan one uploaded CV (its bytes, held in memory) against the ad's text."""
    try:
        with _deadline(deadline, limit, name):
            job = _job(ad_text, settings.taxonomy_path)
            doc = extract_bytes(data, name, max_bytes=settings.max_file_bytes, engine=settings.pdf_engine)
            return scan_document(doc, job, taxonomy=load_taxonomy(settings.taxonomy_path), settings=settings)
    except ScannerError as exc:
        return BatchFailure(name, exc.kind, str(exc))
    except Exception as exc:
        return BatchFailure(name, "internal", f"{name}: cvscan failed on this file ({type(exc).__name__}).")
    finally:
        forget_documents()  # no line of this CV stays in the worker's caches after the request
