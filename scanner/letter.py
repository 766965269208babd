"""Cover-letter checks: opening, targeting, length, evidence, closing, tone, and copying the CV.

:func:`check_letter` reads a letter (PDF, DOCX or text), the job ad and optionally the CV, and returns a
:class:`~scanner.records.LetterReport` with a 0-100 score made of weighted components (:data:`LETTER_WEIGHTS`),
one :class:`~scanner.records.Check` per id in :data:`LETTER_CHECK_IDS` and suggestions quoting the letter's own
lines. Render it with :mod:`scanner.letter_render`.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from .advice import clean_phrases, weak_phrases
from .extract import extract
from .matching import find_terms, join_wrapped
from .pipeline import ScanSettings, load_job
from .records import (
    Check,
    CheckStatus,
    Document,
    JobPosting,
    JobSummary,
    LetterReport,
    ScoreComponent,
    Suggestion,
)
from .taxonomy import Taxonomy, Term, load_taxonomy

#: Component -> (weight, the checks it averages). Without a CV, ``originality`` is left out and the other
#: weights are rescaled to sum to 1.
LETTER_WEIGHTS: Mapping[str, tuple[float, tuple[str, ...]]] = {
    "opening": (0.15, ("cliche_opening",)),
    "targeting": (0.25, ("company_named", "role_named", "generic")),
    "evidence": (0.20, ("achievements",)),
    "structure": (0.10, ("length",)),
    "closing": (0.10, ("call_to_action",)),
    "tone": (0.10, ("bot_phrases",)),
    "originality": (0.10, ("repeats_cv",)),
}
LETTER_CHECK_IDS: tuple[str, ...] = ("cliche_opening", "company_named", "role_named", "generic", "length",
                                     "achievements", "call_to_action", "bot_phrases", "repeats_cv")
MIN_WORDS, MAX_WORDS = 150, 450  # about one page
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 3, 4
COPY_RATIO = 85.0  # rapidfuzz token_sort_ratio at which a letter sentence copies a CV line
_STATUS_SCORE = {"pass": 100.0, "warn": 50.0, "fail": 0.0}
_SALUTATION = re.compile(r"^(?:dear|hello|hi|to whom|greetings)\b", re.I)
_SIGN_OFF = re.compile(r"^(?:(?:yours )?sincerely|(?:kind |best |warm )?regards|best( wishes)?|yours (?:truly|faithfully)|"
                       r"thank you,?$|thanks,?$|cheers)\b", re.I)
_CTA = re.compile(r"\b(?:look(?:ing)? forward|would welcome|would love to|happy to (?:discuss|talk|share)|"
                  r"glad to (?:discuss|talk)|available (?:for|to)|let'?s talk|(?:a |the )?(?:call|conversation|"
                  r"chat|interview|meeting)\b|discuss (?:how|what|the)|talk (?:about|through))", re.I)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“(])")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_SENIORITY = re.compile(r"\b(?:senior|sr|junior|jr|lead|principal|staff|head|chief|intern|i{1,3}|iv)\b\.?", re.I)
_COMPANY = r"(?P<c>[A-Z][\w&.'’-]*(?: (?:[A-Z][\w&.'’-]*|of|and|&|de)){0,4})"
_COMPANY_PATTERNS = (
    re.compile(rf"^About {_COMPANY}\s*$", re.M),
    re.compile(rf"{_COMPANY},? is an equal opportunit", re.M),
    re.compile(rf"\b(?:At|Join) {_COMPANY}[,!.]"),
    re.compile(rf"{_COMPANY} is (?:hiring|looking|seeking|growing)"),
    re.compile(rf"^Company:\s*{_COMPANY}", re.M),
)
_NOT_COMPANY = frozenset({"we", "us", "the", "our", "you", "this", "it", "about", "the role", "the team"})


@dataclass(frozen=True, slots=True)
class _Para:
    lines: tuple[int, ...]  # indexes into Document.lines
    text: str


def company_name(job: JobPosting) -> str | None:
    """The employer's name as the ad states it, or None when it cannot be told."""
    for pat in _COMPANY_PATTERNS:
        for m in pat.finditer(job.text):
            name = m.group("c").strip(" .,'’")
            name = re.sub(r"^(?:At|Join|About)\s+", "", name)
            if name.lower() not in _NOT_COMPANY and not name.lower().startswith(("we ", "our ")):
                return name
    return None


def _paragraphs(doc: Document) -> list[_Para]:
    lines = doc.lines
    blocks: list[list[int]] = [[]]
    for i, raw in enumerate(lines):
        if raw.strip():
            blocks[-1].append(i)
        elif blocks[-1]:
            blocks.append([])
    blocks = [b for b in blocks if b]
    if len(blocks) <= 2 and len(lines) > 6:  # no blank lines (a PDF): rebuild paragraphs from wrapped lines
        logical = join_wrapped(lines)
        starts = [first for first, _ in logical] + [len(lines)]
        blocks = [[i for i in range(a, b) if lines[i].strip()] for a, b in itertools.pairwise(starts)]
        blocks = [b for b in blocks if b]
    return [_Para(tuple(b), " ".join(lines[i].strip() for i in b)) for b in blocks]


def _body(paras: Sequence[_Para]) -> list[_Para]:
    """Paragraphs between the salutation and the sign-off (the letter's header and signature left out)."""
    start = next((k + 1 for k, p in enumerate(paras) if _SALUTATION.match(p.text) and len(p.text.split()) <= 12),
                 None)
    body = list(paras[start:]) if start is not None else [p for p in paras if len(p.text.split()) >= 12]
    end = next((k for k, p in enumerate(body) if _SIGN_OFF.match(p.text)), len(body))
    return [p for p in body[:end] if len(p.text.split()) >= 4]


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.split(text) if s.strip()]


def _line_of(doc: Document, para: _Para, fragment: str) -> int:
    """The line of a paragraph on which a fragment of its text starts."""
    probe = fragment.split()[:3]
    for i in para.lines:
        if " ".join(probe) in " ".join(doc.lines[i].split()):
            return i
    head = fragment.split()[0] if fragment.split() else ""
    return next((i for i in para.lines if head and head in doc.lines[i]), para.lines[0])


def _check(cid: str, status: CheckStatus, message: str, fix: str) -> Check:
    return Check(cid, status, message, fix)


def _role_core(title: str) -> str:
    return " ".join(_SENIORITY.sub(" ", title).split()) or title


def _mentions(text: str, phrase: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", text, re.I) is not None


def letter_from_document(doc: Document, job: JobPosting, *, cv: Document | None = None) -> LetterReport:
    """Check an extracted cover letter against an analysed job ad (and the extracted CV, when given)."""
    paras = _paragraphs(doc)
    body = _body(paras)
    text = "\n".join(p.text for p in body)
    words = len(_WORD.findall(text))
    company = company_name(job)
    checks: dict[str, Check] = {}
    sugg: list[Suggestion] = []
    role = _role_core(job.title) if job.title else None
    at = f" at {company}" if company else ""
    role_text = f"the {job.title} role{at}" if job.title else f"this role{at}"

    # Opening.
    first = body[0] if body else None
    opening = _sentences(first.text)[0] if first else ""
    cliches = [p for p, (kind, _) in weak_phrases().items()
               if kind == "cliche_opening" or p in {"i am excited to apply", "passionate about ai", "ai enthusiast"}]
    hit = next((p for p in cliches if _mentions(opening, p)), None)
    if first is not None and hit:
        checks["cliche_opening"] = _check("cliche_opening", "fail", f"the letter opens with a cliché ('{hit}').",
                                          "open with your strongest result that matches the role.")
        i = _line_of(doc, first, opening)
        sugg.append(Suggestion("cliche_opening", doc.lines[i].strip(),
                               f"[your strongest result for this role, with a real figure] is why {role_text} "
                               "caught my attention: [one specific reason from the ad].",
                               f"'{hit}' is the opening recruiters skim past; lead with evidence instead.", "letter"))
    else:
        checks["cliche_opening"] = _check("cliche_opening", "pass" if first else "fail",
                                          "the opening is not a stock phrase." if first else "no letter body found.",
                                          "keep the first sentence about your fit for the role.")

    # Targeting: company, role, and whether the letter could go to any company.
    if company is None:
        checks["company_named"] = _check("company_named", "warn", "the company's name could not be read from the ad.",
                                         "make sure the letter names the company.")
        named = False
    else:
        named = _mentions(text, company)
        checks["company_named"] = _check("company_named", "pass" if named else "fail",
                                         f"the letter {'names' if named else 'never names'} {company}.",
                                         f"name {company} and say what draws you to it.")
    if role is None:
        checks["role_named"] = _check("role_named", "warn", "the ad's job title could not be read.",
                                      "name the role you apply for.")
    else:
        role_words = [w for w in _WORD.findall(role.lower()) if len(w) > 2]
        share = sum(1 for w in role_words if _mentions(text, w)) / max(1, len(role_words))
        status: CheckStatus = "pass" if _mentions(text, role) else "warn" if share >= 0.67 else "fail"
        checks["role_named"] = _check("role_named", status,
                                      f"the role '{role}' is {'named' if status == 'pass' else 'not named exactly'}.",
                                      f"name the role: {job.title}.")
    wanted = Taxonomy([Term(t.term, t.category) for t in job.terms])
    found = find_terms([p.text for p in body], wanted)
    n_terms = len(found)
    status = "pass" if (named or company is None) and n_terms >= 3 else "warn" if named or n_terms >= 2 else "fail"
    checks["generic"] = _check("generic", status,
                               f"the letter names {n_terms} of the ad's terms"
                               f"{' and the company' if named else ''}."
                               + (" It could go to any company." if status == "fail" else ""),
                               "tie the letter to this ad: its product, its team's problems, the tools it names.")

    # Length and paragraphs.
    pages = doc.layout.page_count
    n = len(body)
    if MIN_WORDS <= words <= MAX_WORDS and MIN_PARAGRAPHS <= n <= MAX_PARAGRAPHS and pages <= 1:
        status = "pass"
    elif 100 <= words <= 550 and 2 <= n <= 5 and pages <= 1:
        status = "warn"
    else:
        status = "fail"
    checks["length"] = _check("length", status, f"{words} words in {n} paragraph(s) on {pages} page(s).",
                              f"keep to one page: {MIN_WORDS}-{MAX_WORDS} words in {MIN_PARAGRAPHS} or "
                              f"{MAX_PARAGRAPHS} paragraphs.")

    # Achievements with figures.
    figures = [s for s in _sentences(text) if re.search(r"\d", s)]
    status = "pass" if len(figures) >= 2 else "warn" if figures else "fail"
    checks["achievements"] = _check("achievements", status, f"{len(figures)} sentence(s) give a figure.",
                                    "give one or two achievements with real numbers (latency, cost, users, %).")
    if not figures and len(body) > 1:
        mid = body[1]
        s0 = _sentences(mid.text)[0]
        i = _line_of(doc, mid, s0)
        line = doc.lines[i].strip()
        sugg.append(Suggestion("no_result", line, f"{line.rstrip(' .')}, [with a real figure: by X% / for N users]",
                               "a letter without figures reads like anyone's; add the number only if true.",
                               "letter"))

    # Closing call to action.
    last = body[-1] if body else None
    cta = bool(last and _CTA.search(last.text))
    checks["call_to_action"] = _check("call_to_action", "pass" if cta else "fail",
                                      "the letter ends by asking for a conversation." if cta
                                      else "the letter ends without a call to action.",
                                      "close by asking for a conversation about the role.")
    if last is not None and not cta:
        line = doc.lines[last.lines[-1]].strip()
        sugg.append(Suggestion("call_to_action", line,
                               f"{line.rstrip()} I would welcome a conversation about {role_text}.",
                               "end with a clear next step for the reader.", "letter"))

    # Bot phrases and buzzwords.
    flagged = 0
    for p in body:
        for i in p.lines:
            raw = doc.lines[i].strip()
            new, reasons = clean_phrases(raw, ("bot_phrase", "buzzword"))
            if reasons:
                flagged += len(reasons)
                sugg.append(Suggestion("bot_phrase", raw, new, "; ".join(r.rstrip(".") for r in reasons) + ".",
                                       "letter"))
    status = "pass" if not flagged else "warn" if flagged == 1 else "fail"
    checks["bot_phrases"] = _check("bot_phrases", status, f"{flagged} bot phrase(s) or buzzword(s).",
                                   "replace filler such as 'passionate about AI' with a concrete example.")

    # Copying the CV line by line.
    if cv is not None:
        cv_lines = [t for _, t in join_wrapped(cv.lines) if len(t.split()) >= 6]
        sentences = [s for s in _sentences(text) if len(s.split()) >= 6]
        copied = [s for s in sentences
                  if any(fuzz.token_sort_ratio(s.lower(), c.lower()) >= COPY_RATIO for c in cv_lines)]
        share = len(copied) / len(sentences) if sentences else 0.0
        status = "fail" if share >= 0.4 else "warn" if share >= 0.2 else "pass"
        checks["repeats_cv"] = _check("repeats_cv", status,
                                      f"{len(copied)} of {len(sentences)} sentences repeat CV lines.",
                                      "use the letter to explain why your results matter to this employer, "
                                      "not to list them again.")
        for s in copied[:3]:
            para = next(p for p in body if s in p.text)
            i = _line_of(doc, para, s)
            line = doc.lines[i].strip()
            sugg.append(Suggestion("repeats_cv", line,
                                   f"{line.rstrip(' .')}, [which matters to {company or 'the company'} because: "
                                   "one reason from the ad]",
                                   "this sentence repeats your CV; say why the result matters for this role.",
                                   "letter"))

    components: list[ScoreComponent] = []
    for name, (weight, ids) in LETTER_WEIGHTS.items():
        present = [checks[c] for c in ids if c in checks]
        if not present:
            continue
        score = sum(_STATUS_SCORE[c.status] for c in present) / len(present)
        detail = "; ".join(c.message for c in present)
        components.append(ScoreComponent(name, round(score, 1), weight, detail))
    total_w = sum(c.weight for c in components)
    components = [ScoreComponent(c.component, c.score, round(c.weight / total_w, 4), c.detail) for c in components]
    score = round(sum(c.score * c.weight for c in components), 1)
    order = {k: n for n, k in enumerate(("cliche_opening", "bot_phrase", "no_result", "repeats_cv", "call_to_action"))}
    sugg = list({(s.original, s.suggestion): s for s in sugg}.values())
    sugg.sort(key=lambda s: order.get(s.kind, 9))
    return LetterReport(
        file=doc.source, score=score, breakdown=tuple(components),
        job=JobSummary(job.title, job.years_required, job.degree_required), company=company, words=words,
        paragraphs=n, checks=tuple(checks[c] for c in LETTER_CHECK_IDS if c in checks), suggestions=tuple(sugg),
    )


def check_letter(letter: str | os.PathLike[str] | Document, job: str | os.PathLike[str] | JobPosting, *,
                 cv: str | os.PathLike[str] | Document | None = None, taxonomy: Taxonomy | None = None,
                 settings: ScanSettings | None = None) -> LetterReport:
    """Check a cover letter (a path or Document) against a job ad (a path or JobPosting), optionally the CV."""
    settings = settings or ScanSettings()
    posting = job if isinstance(job, JobPosting) else load_job(
        job, taxonomy=taxonomy or load_taxonomy(settings.taxonomy_path), settings=settings)
    doc = letter if isinstance(letter, Document) else extract(letter, max_bytes=settings.max_file_bytes)
    cv_doc = cv if cv is None or isinstance(cv, Document) else extract(cv, max_bytes=settings.max_file_bytes)
    return letter_from_document(doc, posting, cv=cv_doc)
