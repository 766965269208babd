"""The ``cvscan`` command line: parses options, calls the library, renders the result."""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from importlib import resources
from pathlib import Path

import click

from .errors import ScannerError
from .extract import extract
from .pipeline import ScanSettings, job_from_text, load_job, scan
from .records import Report
from .render import FORMATS, render
from .taxonomy import check_taxonomy, load_taxonomy


class CLIError(click.ClickException):
    """A ScannerError shown to the user: exit code 2, like other unusable input."""

    exit_code = 2


def _write(text: str, out: str | None) -> None:
    if out is None:
        click.echo(text, nl=False)
        return
    target = Path(out)
    fd, tmp = tempfile.mkstemp(dir=target.parent or Path("."), prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    click.echo(f"wrote {target}", err=True)


def _emit(report: Report, fmt: str, out: str | None) -> None:
    color = fmt == "text" and out is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    _write(render(report, fmt, color=color), out)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cvscan", prog_name="cvscan")
def main() -> None:
    """cvscan: score a CV against a job ad the way an ATS would, offline."""


@main.command("scan")
@click.argument("cv", type=click.Path(dir_okay=False, path_type=str))
@click.option("--job", "job_path", metavar="AD", help="The job ad: .txt, .md, .pdf or .docx file, or - for stdin.")
@click.option("--job-text", metavar="TEXT", help="The job ad's text, instead of --job.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=str), help="Write the report to FILE.")
@click.option("--taxonomy", "taxonomy_path", type=click.Path(dir_okay=False, path_type=str),
              help="A CSV of extra or overriding terms (see `cvscan taxonomy check`).")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="N",
              help="Exit with status 1 when the score is below N.")
def scan_command(cv: str, job_path: str | None, job_text: str | None, fmt: str, out: str | None,
                 taxonomy_path: str | None, fail_under: float | None) -> None:
    """Score the CV file CV (PDF, DOCX, text or Markdown) against a job ad.

    Exit status: 0 done, 1 score below --fail-under, 2 bad usage or unreadable input.
    """
    if (job_path is None) == (job_text is None):
        raise click.UsageError("give the job ad with exactly one of --job AD or --job-text TEXT.")
    try:
        settings = ScanSettings(taxonomy_path=taxonomy_path)
        tax = load_taxonomy(taxonomy_path)
        if job_text is not None:
            job = job_from_text(job_text, taxonomy=tax, source="--job-text")
        elif job_path == "-":
            job = job_from_text(sys.stdin.read(), taxonomy=tax, source="stdin")
        else:
            job = load_job(str(job_path), taxonomy=tax, settings=settings)
        report = scan(cv, job, taxonomy=tax, settings=settings)
    except ScannerError as exc:
        raise CLIError(str(exc)) from exc
    _emit(report, fmt, out)
    if fail_under is not None and report.score < fail_under:
        click.echo(f"score {report.score:.1f} is below --fail-under {fail_under:g}", err=True)
        sys.exit(1)


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
