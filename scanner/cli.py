"""The ``cvscan`` command line: parses options, calls the library, renders the result."""

from __future__ import annotations

import os
import sys
from dataclasses import replace
from importlib import resources

import click

from .batch import DEFAULT_TIMEOUT, SCHEDULER_ENV, discover
from .checks import ats_text
from .errors import ScannerError
from .extract import PDF_ENGINES, PdfEngine, extract
from .letter import check_letter
from .letter_render import render_letter
from .pipeline import ScanSettings, job_from_text, load_job, scan
from .ranking import ADS_RENDERERS, BATCH_FORMATS, ProgressBar, scan_against_ads, write_batch
from .records import Report
from .render import FORMATS, render, write_atomic
from .taxonomy import check_taxonomy, load_taxonomy


class CLIError(click.ClickException):
    """A ScannerError shown to the user: exit code 2, like other unusable input."""

    exit_code = 2


def _write(text: str, out: str | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    try:
        write_atomic(out, lambda fh: fh.write(text))
    except ScannerError as exc:  # e.g. the folder does not exist
        raise CLIError(str(exc)) from exc
    click.echo(f"wrote {out}", err=True)


def _emit(report: Report, fmt: str, out: str | None) -> None:
    color = fmt == "text" and out is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    _write(render(report, fmt, color=color), out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cvscan", prog_name="cvscan")
def main() -> None:
    """cvscan: score a CV against a job ad the way an ATS would, offline."""


def _month(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    """--as-of YYYY-MM as (year, month)."""
    if value is None:
        return None
    year, sep, month = value.partition("-")
    if not (sep and year.isdigit() and month.isdigit() and len(year) == 4 and 1 <= int(month) <= 12):
        raise click.BadParameter(f"{value!r} is not a month written YYYY-MM, e.g. 2026-11.")
    return int(year), int(month)


_AS_OF_HELP = "The month that 'Present' in a CV stands for, YYYY-MM [default: this month]: same years next year."


@main.command("scan")
@click.argument("cv", type=click.Path(dir_okay=False, path_type=str))
@click.option("--job", "job_path", metavar="AD", multiple=True,
              help="The job ad: .txt, .md, .pdf or .docx file, or - for stdin. Repeat to rank several ads.")
@click.option("--job-text", metavar="TEXT", help="The job ad's text, instead of --job.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), help="Write the report to FILE.")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False, path_type=str),
              help="A CSV of extra or overriding terms (see `cvscan taxonomy check`).")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="N",
              help="Exit with status 1 when the score is below N.")
@click.option("--ocr", is_flag=True,
              help="Read scanned (image-only) PDF pages with Tesseract OCR; needs pip install 'cvscan[ocr]'.")
@click.option("--show-text", is_flag=True,
              help="Print the text as an ATS reads it, then what an ATS may lose; no job ad needed.")
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), default="auto", show_default=True,
              help="PDF reader: pdfium (fast; pip install 'cvscan[fast]'), pypdf, or auto (pdfium when installed).")
@click.option("--as-of", "today", metavar="YYYY-MM", callback=_month, help=_AS_OF_HELP)
def scan_command(cv: str, job_path: tuple[str, ...], job_text: str | None, fmt: str, out: str | None,
                 taxonomy_path: str | None, fail_under: float | None, ocr: bool, show_text: bool,
                 pdf_engine: PdfEngine, today: tuple[int, int] | None) -> None:
    """Score the CV file CV (PDF, DOCX, text or Markdown) against a job ad.

    Exit status: 0 done, 1 score below --fail-under, 2 bad usage or unreadable input.
    """
    if show_text:
        try:
            text = ats_text(extract(cv, ocr=ocr, engine=pdf_engine))
        except ScannerError as exc:
            raise CLIError(str(exc)) from exc
        _write(text, out)
        return
    if bool(job_path) == (job_text is not None):
        raise click.UsageError("give the job ad with exactly one of --job AD or --job-text TEXT.")
    if len(job_path) > 1:
        _scan_ads(cv, job_path, fmt, out, taxonomy_path, fail_under, ocr, pdf_engine, today)
        return
    try:
        settings = ScanSettings(taxonomy_path=taxonomy_path, ocr=ocr, pdf_engine=pdf_engine, today=today)
        tax = load_taxonomy(taxonomy_path)
        if job_text is not None:
            job = job_from_text(job_text, taxonomy=tax, source="--job-text")
        elif job_path[0] == "-":
            job = job_from_text(sys.stdin.read(), taxonomy=tax, source="stdin")
        else:
            job = load_job(job_path[0], taxonomy=tax, settings=settings)
        report = scan(cv, job, taxonomy=tax, settings=settings)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    _emit(report, fmt, out)
    if fail_under is not None and report.score < fail_under:
        click.echo(f"score {report.score:.1f} is below --fail-under {fail_under:g}", err=True)
        sys.exit(1)


def _scan_ads(cv: str, job_paths: tuple[str, ...], fmt: str, out: str | None, taxonomy_path: str | None,
              fail_under: float | None, ocr: bool, pdf_engine: PdfEngine, today: tuple[int, int] | None) -> None:
    """One CV against several ads: the ads ranked for this CV."""
    if "-" in job_paths:
        raise click.UsageError("with several --job ads, give each as a file (- for stdin works for one ad only).")
    try:
        settings = ScanSettings(taxonomy_path=taxonomy_path, ocr=ocr, pdf_engine=pdf_engine, today=today)
        ranked = scan_against_ads(cv, job_paths, taxonomy=load_taxonomy(taxonomy_path), settings=settings)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    _write(ADS_RENDERERS[fmt](cv, ranked), out)
    best = ranked[0][1].score
    if fail_under is not None and best < fail_under:
        click.echo(f"best score {best:.1f} is below --fail-under {fail_under:g}", err=True)
        sys.exit(1)


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=str))
@click.option("--job", "job_path", required=True, metavar="AD", help="The job ad: .txt, .md, .pdf or .docx file.")
@click.option("--format", "fmt", type=click.Choice(BATCH_FORMATS), default="csv", show_default=True,
              help="Output format (json follows scanner/schemas/batch.schema.json).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), help="Write the table to FILE (atomically).")
@click.option("--jobs", "n_jobs", type=click.IntRange(min=1), metavar="N", help="Worker processes [default: CPUs].")
@click.option("--top", type=click.IntRange(min=1), metavar="N", help="Keep the N best CVs.")
@click.option("--min-score", type=click.FloatRange(0, 100), metavar="S", help="Keep CVs scoring S or more.")
@click.option("--recursive", "-r", is_flag=True,
              help="Look for CVs in subfolders too (always done for a folder with no CVs of its own).")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop a file that takes longer (0: no limit).")
@click.option("--resume", is_flag=True, help="Skip files already in the --out JSON of an earlier run; keep them.")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False, path_type=str), metavar="DIR",
              help="Keep each CV's extracted text and ad-independent analysis in DIR, so a re-run (against any "
                   "ad) skips them (holds CV text: opt-in).")
@click.option("--scheduler", envvar=SCHEDULER_ENV, metavar="tcp://HOST:PORT",
              help=f"Run on this Dask scheduler (needs pip install 'cvscan[dask]'); also ${SCHEDULER_ENV}.")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False, path_type=str),
              help="A CSV of extra or overriding terms.")
@click.option("--ocr", is_flag=True, help="OCR scanned PDF pages; needs pip install 'cvscan[ocr]'.")
@click.option("--pdf-engine", type=click.Choice(PDF_ENGINES), default="auto", show_default=True,
              help="PDF reader: pdfium, pypdf, or auto (pdfium when installed).")
@click.option("--as-of", "today", metavar="YYYY-MM", callback=_month, help=_AS_OF_HELP)
def batch_command(inputs: tuple[str, ...], job_path: str, fmt: str, out: str | None, n_jobs: int | None,
                  top: int | None, min_score: float | None, recursive: bool, timeout: float, resume: bool,
                  cache_dir: str | None, scheduler: str | None, taxonomy_path: str | None, ocr: bool,
                  pdf_engine: PdfEngine, today: tuple[int, int] | None) -> None:
    """Score every CV in the folders or files INPUTS against one job ad: a ranked table.

    Folders give their .pdf, .docx, .txt and .md files (hidden ones skipped). A file that cannot be scored
    becomes a row of "errors", never a failure of the batch. Exit status: 0 done, 2 bad usage or unreadable
    job ad, 130 interrupted (what finished is written).
    """
    try:
        settings = ScanSettings(taxonomy_path=taxonomy_path, ocr=ocr, pdf_engine=pdf_engine, today=today)
        tax = load_taxonomy(taxonomy_path)
        job = load_job(job_path, taxonomy=tax, settings=settings)
        # The ad and the output may sit in the CVs' folder (a table as .md): neither is a CV to rank.
        own = {_same_path(p): what for p, what in ((out, "output"), (job_path, "job ad")) if p}
        paths = []
        for path in discover(inputs, recursive=recursive):
            what = own.get(_same_path(path))
            if what is None:
                paths.append(path)
            else:
                click.echo(f"skipped {path}: it is the {what}", err=True)
        if not paths:
            click.echo(f"warning: no CVs in {', '.join(inputs)} (cvscan batch reads .pdf, .docx, .txt and .md "
                       "files; hidden ones are skipped)", err=True)
        done = write_batch(
            paths, job, fmt=fmt, out=out, top=top, min_score=min_score,
            resume=resume, taxonomy=tax, settings=settings, jobs=n_jobs, timeout=timeout or None,
            cache_dir=cache_dir, scheduler=scheduler or None,
            progress=ProgressBar(sys.stderr) if sys.stderr.isatty() else None)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    skipped = f", {done.skipped} skipped (already in {out})" if done.skipped else ""
    where = f" to {out}" if out else ""
    click.echo(f"{done.results} ranked, {done.errors} failed{skipped}; written{where}", err=True)
    if done.interrupted:
        click.echo("interrupted: the output holds the files that finished", err=True)
        sys.exit(130)


def _same_path(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


@main.command("letter")
@click.argument("letter", type=click.Path(dir_okay=False, path_type=str))
@click.option("--job", "job_path", required=True, metavar="AD", help="The job ad: .txt, .md, .pdf or .docx file.")
@click.option("--cv", "cv_path", type=click.Path(dir_okay=False, path_type=str),
              help="Your CV, to check that the letter does not just repeat it.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), help="Write the report to FILE.")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="N",
              help="Exit with status 1 when the score is below N.")
def letter_command(letter: str, job_path: str, cv_path: str | None, fmt: str, out: str | None,
                   fail_under: float | None) -> None:
    """Check the cover letter LETTER (PDF, DOCX or text) against a job ad.

    Exit status: 0 done, 1 score below --fail-under, 2 bad usage or unreadable input.
    """
    try:
        report = check_letter(letter, job_path, cv=cv_path)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    color = fmt == "text" and out is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    _write(render_letter(report, fmt, color=color), out)
    if fail_under is not None and report.score < fail_under:
        click.echo(f"score {report.score:.1f} is below --fail-under {fail_under:g}", err=True)
        sys.exit(1)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default (loopback) lets only this computer connect.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option("--max-file-mb", type=click.FloatRange(min=0.001, max=1024), default=10.0, show_default=True,
              metavar="MB", help="Largest upload accepted, per file.")
@click.option("--max-files", type=click.IntRange(1, 1000), default=20, show_default=True, metavar="N",
              help="Most CV files accepted in one request.")
@click.option("--time-limit", type=click.FloatRange(min=0.1, max=3600), default=60.0, show_default=True,
              metavar="SECONDS", help="Longest time a request may take; slower scans are stopped.")
@click.option("--workers", type=click.IntRange(0, 64), metavar="N",
              help="Scanning processes [default: CPUs, at most 4]; 0 scans in threads of the server.")
def serve_command(host: str, port: int, max_file_mb: float, max_files: int, time_limit: float,
                  workers: int | None) -> None:
    """Serve a local web app: upload CVs, paste a job ad, read the report; JSON API at /api, docs at /docs.

    Needs pip install 'cvscan[web]'. Uploads stay in memory and are discarded after each request; the log
    never holds CV text.
    """
    from .web import WebSettings, require_web, serve

    try:
        require_web()
        settings = WebSettings(max_file_bytes=round(max_file_mb * 1024 * 1024), max_files=max_files,
                               time_limit=time_limit)
        if workers is not None:
            settings = replace(settings, workers=workers)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: other computers may upload CVs to this server", err=True)
    serve(host, port, settings=settings)


@main.command()
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
def demo(fmt: str) -> None:
    """Scan a bundled sample CV against a bundled Machine Learning Engineer ad."""
    samples = resources.files("scanner.samples")
    try:
        with resources.as_file(samples / "sample_cv.pdf") as cv, resources.as_file(samples / "sample_job.txt") as ad:
            doc = replace(extract(cv), source="sample_cv.pdf (bundled sample)")
            report = scan(doc, ad)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    _emit(report, fmt, None)


@main.group()
def taxonomy() -> None:
    """Inspect and validate keyword taxonomies."""


@taxonomy.command("check")
@click.argument("file", type=click.Path(dir_okay=False, path_type=str))
def taxonomy_check(file: str) -> None:
    """Validate a taxonomy CSV and report every problem with its line number."""
    try:
        problems = check_taxonomy(file)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    for p in problems:
        click.echo(f"{file}:{p.line}: {p.message}")
    if problems:
        raise CLIError(f"{file}: {len(problems)} problem(s) found.")
    click.echo(f"{file}: OK")


@taxonomy.command("show")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False, path_type=str),
              help="Include a user taxonomy file.")
def taxonomy_show(taxonomy_path: str | None) -> None:
    """Count the terms of the taxonomy in use, by category."""
    try:
        tax = load_taxonomy(taxonomy_path)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    for category, count in tax.categories().items():
        click.echo(f"{category:24s} {count:6d}")
    click.echo(f"{'total':24s} {len(tax):6d}")
