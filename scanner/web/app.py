"""The FastAPI application of ``cvscan serve``; imported only through :func:`scanner.web.create_app`.

Pages: ``GET /`` (upload form), ``POST /report`` (the HTML report, or the ranking for several CVs). JSON API:
``POST /api/scan`` and ``POST /api/batch`` give exactly the JSON of ``cvscan scan --format json`` and of
``cvscan batch --format json``; errors are ``{"error", "message", "file"}`` with a meaningful status.

Privacy: uploads are read into memory (Starlette spools a part over 1 MB to an anonymous temporary file that
has no name on disk and is closed when the request ends); nothing is written anywhere else, and the log holds
counts, sizes, timings and status codes only, never file names or text.
"""

import asyncio
import functools
import logging
import multiprocessing
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from concurrent.futures import BrokenExecutor, Executor, ProcessPoolExecutor
from contextlib import asynccontextmanager
from typing import Annotated, Any, TypeVar

from fastapi import FastAPI, File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..batch import BatchFailure, BatchResult, rank_reports
from ..errors import ScannerError
from ..extract import sniff
from ..html_render import batch_to_html, render_page
from ..ranking import render_batch, row_from_report
from ..records import JobSummary, Report
from ..render import to_json
from . import work
from .settings import MIB, WebSettings

log = logging.getLogger("scanner.web")

T = TypeVar("T")

#: HTTP status of an error kind (a ScannerError kind or one of the web app's own); any other kind is 422.
STATUS = {"BadRequest": 400, "NotFound": 404, "MethodNotAllowed": 405, "FileTooLarge": 413,
          "TooManyFiles": 413, "RequestTooLarge": 413, "UnsupportedFormat": 415, "ScanTimeout": 504,
          "internal": 500}

_APP = {"home": "/"}  # tells the page templates they are served (a link back to the upload page)
_HTML_HEADERS = {
    # The pages load nothing from anywhere; inline styles and the small inline scripts only.
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
                               "img-src data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_JSON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


class WebError(Exception):
    """An error answered to the client: HTTP status, kind, message and the file it concerns."""

    def __init__(self, status: int, kind: str, message: str, *, file: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.file = file

    @classmethod
    def of(cls, failure: BatchFailure) -> "WebError":
        file = None if failure.file == work.AD_SOURCE else failure.file
        return cls(STATUS.get(failure.error, 422), failure.error, failure.message, file=file)

    @classmethod
    def from_scanner(cls, exc: ScannerError, file: str) -> "WebError":
        return cls(STATUS.get(exc.kind, 422), exc.kind, str(exc), file=file)


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _mb(n: int) -> str:
    return f"{n / MIB:g} MB"


def html_page(name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return HTMLResponse(render_page(name, app=_APP, **context), status_code=status_code, headers=_HTML_HEADERS)


def error_response(path: str, err: WebError) -> Response:
    """The error as JSON for the API, as a page for a browser."""
    if _is_api(path):
        return JSONResponse({"error": err.kind, "message": err.message, "file": err.file},
                            status_code=err.status, headers=_JSON_HEADERS)
    titles = {400: "Something is missing", 404: "No such page", 405: "Not allowed here", 413: "Too much to scan",
              415: "Not a CV file cvscan can read", 422: "This file cannot be scanned", 500: "cvscan failed",
              504: "The scan took too long"}
    return html_page("error.html", err.status, title=titles.get(err.status, "Error"), message=err.message,
                     fix=None, kind=err.kind, status=err.status)


class _BodyLimit:
    """Refuse a request body over ``max_bytes`` (413) before it is parsed or spooled, declared or streamed."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _error(self, scope: Scope) -> Response:
        return error_response(scope["path"], WebError(
            413, "RequestTooLarge",
            f"the upload is larger than this server accepts ({_mb(self.max_bytes)} per request in all).",))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await self._error(scope)(scope, receive, send)
            return
        seen = 0
        exceeded = False
        answered = False

        async def limited() -> Message:
            nonlocal seen, exceeded
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    exceeded = True
                    raise ValueError("request body over the limit")
            return message

        async def tracked(message: Message) -> None:
            nonlocal answered
            if exceeded:
                return  # whatever the app makes of the aborted body, the answer is 413
            answered = True
            await send(message)

        try:
            await self.app(scope, limited, tracked)
        except ValueError:
            if not exceeded:
                raise
        if exceeded and not answered:
            await self._error(scope)(scope, receive, send)


def _clean_name(filename: str | None, index: int) -> str:
    base = re.split(r"[\\/]", filename or "")[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()[:200]
    return base or f"upload-{index}"


class Scanner:
    """Reads uploads within the limits and runs the scans in worker processes (or threads)."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings
        self.scan_settings = settings.scan_settings()
        self._pool: ProcessPoolExecutor | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the worker processes and let them load the taxonomy before the first request."""
        pool = self._executor()
        if pool is not None:
            for _ in range(self.settings.workers):
                pool.submit(work.warm, self.settings.taxonomy_path)

    def _executor(self) -> Executor | None:
        if self.settings.workers == 0:
            return None
        with self._lock:
            if self._pool is None:
                # "spawn": a clean interpreter per worker; fork would copy the server's threads and locks.
                self._pool = ProcessPoolExecutor(self.settings.workers, mp_context=multiprocessing.get_context("spawn"))
            return self._pool

    def close(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._executor(), functools.partial(fn, *args))
        except BrokenExecutor as exc:
            self.close()  # a worker died (out of memory?): start afresh with the next request
            raise WebError(500, "internal", "a scanning process died; try again, or with a smaller file.") from exc

    async def _within(self, awaitable: Awaitable[T], deadline: float) -> T:
        try:
            return await asyncio.wait_for(awaitable, max(deadline - time.time(), 0.0))
        except TimeoutError as exc:
            raise WebError(504, "ScanTimeout",
                           f"the request took longer than the {self.settings.time_limit:g} s limit and was "
                           "stopped. Fix: try fewer or smaller files, or start the server with a longer "
                           "--time-limit.") from exc

    def check_ad(self, job_text: str) -> str:
        job_text = job_text.replace("\r\n", "\n").replace("\r", "\n")  # browsers send a textarea with CRLF
        if not job_text.strip():
            raise WebError(400, "BadRequest", "the job ad is empty. Fix: paste the job ad's text.")
        if len(job_text) > self.settings.max_ad_chars:
            raise WebError(413, "RequestTooLarge", f"the job ad has {len(job_text)} characters, over the "
                           f"{self.settings.max_ad_chars} limit. Fix: paste only the ad itself.")
        return job_text

    async def read(self, uploads: Sequence[UploadFile]) -> list[tuple[str, bytes]]:
        """Each upload's (clean, unique) name and bytes, or a WebError for a limit."""
        if not uploads:
            raise WebError(400, "BadRequest", "no CV file was uploaded. Fix: choose a PDF or DOCX file.")
        if len(uploads) > self.settings.max_files:
            raise WebError(413, "TooManyFiles", f"{len(uploads)} files were uploaded, over the limit of "
                           f"{self.settings.max_files} per request. Fix: send them in smaller groups.")
        limit = self.settings.max_file_bytes
        files: list[tuple[str, bytes]] = []
        seen: set[str] = set()
        for i, upload in enumerate(uploads, 1):
            name = _clean_name(upload.filename, i)
            if name in seen:
                stem, dot, ext = name.rpartition(".")
                name = f"{stem} ({i}).{ext}" if dot else f"{name} ({i})"
            seen.add(name)
            try:
                data = await upload.read(limit + 1)
            finally:
                await upload.close()
            if len(data) > limit:
                raise WebError(413, "FileTooLarge", f"{name}: the file is over the {_mb(limit)} limit per file. "
                               "Fix: export a smaller PDF; a CV rarely needs more than 1-2 MB.", file=name)
            files.append((name, data))
        return files

    async def scan(self, upload: UploadFile, job_text: str) -> Report:
        """One CV against the ad."""
        deadline = time.time() + self.settings.time_limit
        ad = self.check_ad(job_text)
        [(name, data)] = await self.read([upload])
        try:
            sniff(data, name)  # refuse what is not a document before it reaches a worker
        except ScannerError as exc:
            raise WebError.from_scanner(exc, name) from exc
        outcome = await self._within(self._run(work.scan_upload, name, data, ad, self.scan_settings, deadline,
                                               self.settings.time_limit), deadline)
        if isinstance(outcome, BatchFailure):
            raise WebError.of(outcome)
        return outcome

    async def batch(self, uploads: Sequence[UploadFile], job_text: str) -> tuple[BatchResult, list[Report]]:
        """Several CVs against the ad: the result (reports ranked, failures as rows) and the ranked reports."""
        deadline = time.time() + self.settings.time_limit
        ad = self.check_ad(job_text)
        files = await self.read(uploads)
        limit = self.settings.time_limit
        job = await self._within(self._run(work.analyse_ad, ad, self.scan_settings, deadline, limit), deadline)
        if isinstance(job, BatchFailure):
            raise WebError.of(job)
        failures: list[BatchFailure] = []
        tasks: list[Awaitable[Report | BatchFailure]] = []
        for name, data in files:
            try:
                sniff(data, name)
            except ScannerError as exc:
                failures.append(BatchFailure(name, exc.kind, str(exc)))
                continue
            tasks.append(self._run(work.scan_upload, name, data, ad, self.scan_settings, deadline, limit))
        outcomes = await self._within(asyncio.gather(*tasks), deadline)
        reports = [o for o in outcomes if isinstance(o, Report)]
        failures += [o for o in outcomes if isinstance(o, BatchFailure)]
        if any(f.error == "ScanTimeout" for f in failures):
            raise WebError(504, "ScanTimeout", f"the request took longer than the {limit:g} s limit and was stopped. "
                           "Fix: try fewer or smaller files, or start the server with a longer --time-limit.")
        ranked = rank_reports(reports)
        result = BatchResult(job=job, job_file=work.AD_SOURCE, reports=tuple(ranked),
                             errors=tuple(sorted(failures, key=lambda f: f.file)))
        return result, ranked


def _job_dict(job: JobSummary) -> dict[str, Any]:
    return {"file": work.AD_SOURCE, "title": job.title, "years_required": job.years_required,
            "degree_required": job.degree_required}


_CV_DOC = "The CV: PDF or DOCX (text and Markdown work too); the format is read from the content."
_CVS_DOC = "The CVs: PDF or DOCX files (text and Markdown work too)."
_AD_DOC = "The job ad's text."
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "A field is missing or empty"},
    413: {"description": "A file, the number of files, the ad or the whole request is over its limit"},
    415: {"description": "Not a PDF, DOCX, text or Markdown document (content sniffed, not the name)"},
    422: {"description": "The document cannot be read (corrupt, encrypted, scanned without text, empty)"},
    504: {"description": "The request took longer than the time limit"},
}


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """The web app with these limits; use it as an ASGI app (uvicorn) or with a TestClient (as a context)."""
    settings = settings or WebSettings()
    scanner = Scanner(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scanner.start()
        try:
            yield
        finally:
            scanner.close()

    app = FastAPI(title="cvscan", summary="Offline CV (résumé) ATS scanner", version="1",
                  lifespan=lifespan, redoc_url=None)
    app.state.scanner = scanner
    app.add_middleware(_BodyLimit, max_bytes=settings.max_body_bytes)

    @app.exception_handler(WebError)
    async def on_web_error(request: Request, exc: WebError) -> Response:
        log.info("%s %s -> %d %s", request.method, request.url.path, exc.status, exc.kind)
        return error_response(request.url.path, exc)

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()})
        err = WebError(400, "BadRequest", f"missing or invalid form field(s): {', '.join(fields)}. Fix: send a "
                       "multipart form with the CV file(s) and job_text.")
        return await on_web_error(request, err)

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException) -> Response:
        kinds = {404: "NotFound", 405: "MethodNotAllowed"}
        err = WebError(exc.status_code, kinds.get(exc.status_code, "BadRequest"), str(exc.detail))
        return await on_web_error(request, err)

    @app.exception_handler(Exception)
    async def on_bug(request: Request, exc: Exception) -> Response:
        log.error("%s %s -> 500 %s", request.method, request.url.path, type(exc).__name__)  # no message: may quote a CV
        return error_response(request.url.path, WebError(500, "internal", "cvscan failed on this request."))

    limits = {"max_files": settings.max_files, "max_mb": _mb(settings.max_file_bytes),
              "time_limit": f"{settings.time_limit:g}", "max_ad_chars": settings.max_ad_chars}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def upload_page() -> HTMLResponse:
        return html_page("upload.html", action="/report", limits=limits)

    @app.post("/report", response_class=HTMLResponse, include_in_schema=False)
    async def report_page(cvs: Annotated[list[UploadFile], File()],
                          job_text: Annotated[str, Form()]) -> HTMLResponse:
        start = time.monotonic()
        if len(cvs) == 1:
            report = await scanner.scan(cvs[0], job_text)
            log.info("report: 1 file, %.2f s", time.monotonic() - start)
            return html_page("report.html", report=report)
        result, ranked = await scanner.batch(cvs, job_text)
        log.info("report: %d files, %d failed, %.2f s", len(cvs), len(result.errors), time.monotonic() - start)
        page = batch_to_html(_job_dict(result.job), [row_from_report(r) for r in ranked], result.errors,
                             reports=ranked)
        return HTMLResponse(page, headers=_HTML_HEADERS)

    @app.post("/api/scan", summary="Scan one CV against a job ad", responses=_ERRORS,
              response_description="The report, exactly as `cvscan scan --format json` (report.schema.json)")
    async def api_scan(cv: Annotated[UploadFile, File(description=_CV_DOC)],
                       job_text: Annotated[str, Form(description=_AD_DOC)]) -> Response:
        start = time.monotonic()
        report = await scanner.scan(cv, job_text)
        log.info("api scan: 1 file, %.2f s", time.monotonic() - start)
        return Response(to_json(report), media_type="application/json", headers=_JSON_HEADERS)

    @app.post("/api/batch", summary="Rank several CVs against a job ad", responses=_ERRORS,
              response_description="The ranking, exactly as `cvscan batch --format json` (batch.schema.json); "
                                   "files that cannot be scanned are rows of `errors`")
    async def api_batch(cvs: Annotated[list[UploadFile], File(description=_CVS_DOC)],
                        job_text: Annotated[str, Form(description=_AD_DOC)]) -> Response:
        start = time.monotonic()
        result, _ = await scanner.batch(cvs, job_text)
        log.info("api batch: %d files, %d failed, %.2f s", len(cvs), len(result.errors), time.monotonic() - start)
        return Response(render_batch(result, "json"), media_type="application/json", headers=_JSON_HEADERS)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return app
