"""The score: a weighted composite of parts that are each reported with a reason.

All weights live in :data:`WEIGHTS`; README.md explains them. Each component scores 0-100; the total is
the weighted sum, so a user can see which part costs them most.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rapidfuzz import fuzz

from .normalize import fold
from .records import (
    DEGREE_LEVELS,
    Check,
    CVStructure,
    JobPosting,
    KeywordHit,
    MissingKeyword,
    ScoreComponent,
)

WEIGHTS: Mapping[str, float] = {
    "hard_skills": 0.45,  # the ad's hard skills and tools, weighted by importance and frequency
    "soft_skills": 0.05,  # the ad's soft skills
    "job_title": 0.10,  # does the CV name the role (headline, past titles)?
    "experience": 0.10,  # years of experience against the years asked
    "education": 0.05,  # highest degree against the degree asked
    "text_similarity": 0.15,  # TF-IDF cosine of CV and ad over the background corpus
    "parseability": 0.10,  # can an ATS read the file (columns, tables, headers, scans ...)
}
assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9

SOFT = "soft_skills"
# Credit for a matched term by where its best evidence sits: used in a sentence about work counts more
# than a bare mention in a skills list.
EVIDENCE_CREDIT: Mapping[str, float] = {"experience": 1.0, "projects": 1.0, "summary": 0.9}
LIST_CREDIT = 0.85
FUZZY_CREDIT = 0.8
# Cosine similarities of real CV/ad pairs rarely pass 0.4; this maps [0, SIMILARITY_FULL] onto [0, 100].
SIMILARITY_FULL = 0.35
_SENIORITY = re.compile(r"\b(senior|sr|junior|jr|lead|principal|staff|head|chief|intern|i{1,3}|iv|[0-9])\b\.?", re.I)


def _credit(hit: KeywordHit) -> float:
    base = EVIDENCE_CREDIT.get(hit.section or "", LIST_CREDIT)
    return base * (FUZZY_CREDIT if hit.match == "fuzzy" else 1.0)


def _coverage(name: str, hits: Sequence[KeywordHit], missing: Sequence[MissingKeyword]) -> ScoreComponent:
    total = sum(h.weight for h in hits) + sum(m.weight for m in missing)
    label = name.replace("_", " ")
    if total == 0:
        return ScoreComponent(name, 100.0, WEIGHTS[name], f"the ad names no {label}")
    got = sum(h.weight * _credit(h) for h in hits)
    req_missing = [m.term for m in missing if m.importance == "required"][:5]
    detail = f"{len(hits)} of {len(hits) + len(missing)} {label} matched"
    if req_missing:
        detail += "; missing required: " + ", ".join(req_missing)
    return ScoreComponent(name, round(100.0 * got / total, 1), WEIGHTS[name], detail)


def _title(job: JobPosting, cv: CVStructure, cv_text: str) -> ScoreComponent:
    w = WEIGHTS["job_title"]
    if not job.title:
        return ScoreComponent("job_title", 100.0, w, "the ad states no job title")
    core = " ".join(_SENIORITY.sub(" ", job.title).split()) or job.title
    best = 0.0
    for title in cv.titles:
        best = max(best, fuzz.token_set_ratio(fold(core), fold(title)))
    if fold(core) in fold(cv_text):
        best = max(best, 90.0)
    best = max(best, 0.6 * fuzz.token_set_ratio(fold(core), fold(cv_text[:300])))
    detail = f"ad title {job.title!r}; " + (
        f"closest CV title {max(cv.titles, key=lambda t: fuzz.token_set_ratio(fold(core), fold(t)))!r}"
        if cv.titles else "no job titles found in the CV")
    if best < 70:
        detail += f": put {core!r} in your headline if it is true"
    return ScoreComponent("job_title", round(best, 1), w, detail)


def _experience(job: JobPosting, cv: CVStructure) -> ScoreComponent:
    w = WEIGHTS["experience"]
    if job.years_required is None:
        return ScoreComponent("experience", 100.0, w, "the ad asks for no number of years")
    if cv.experience_years is None:
        return ScoreComponent("experience", 50.0, w,
                              f"the ad asks for {job.years_required:g} years; no employment dates found in the CV")
    ratio = min(1.0, cv.experience_years / job.years_required) if job.years_required else 1.0
    return ScoreComponent("experience", round(100.0 * ratio, 1), w,
                          f"{cv.experience_years:g} years found, {job.years_required:g} asked")


def _education(job: JobPosting, cv: CVStructure) -> ScoreComponent:
    w = WEIGHTS["education"]
    if job.degree_required is None:
        return ScoreComponent("education", 100.0, w, "the ad asks for no degree")
    need = DEGREE_LEVELS.index(job.degree_required)
    if cv.highest_degree is None:
        return ScoreComponent("education", 30.0, w, f"the ad asks for {job.degree_required}; no degree found in the CV")
    have = DEGREE_LEVELS.index(cv.highest_degree)
    score = 100.0 if have >= need else max(0.0, 100.0 - 40.0 * (need - have))
    return ScoreComponent("education", score, w, f"{cv.highest_degree} found, {job.degree_required} asked")


def _similarity(cosine: float) -> ScoreComponent:
    score = round(100.0 * min(1.0, cosine / SIMILARITY_FULL), 1)
    return ScoreComponent("text_similarity", score, WEIGHTS["text_similarity"], f"TF-IDF cosine {cosine:.3f}")


def _parseability(checks: Sequence[Check]) -> ScoreComponent:
    w = WEIGHTS["parseability"]
    if not checks:
        return ScoreComponent("parseability", 100.0, w, "no parseability checks run")
    penalty = {"pass": 0.0, "warn": 0.5, "fail": 1.0}
    lost = sum(penalty[c.status] for c in checks)
    score = max(0.0, 100.0 - 100.0 * lost / max(4.0, len(checks) / 2))
    bad = [c.id for c in checks if c.status != "pass"]
    detail = f"{len(checks) - len(bad)} of {len(checks)} checks pass" + (f"; see {', '.join(bad[:4])}" if bad else "")
    return ScoreComponent("parseability", round(score, 1), w, detail)


def score_components(
    job: JobPosting,
    matched: Sequence[KeywordHit],
    missing: Sequence[MissingKeyword],
    cv: CVStructure,
    cv_text: str,
    cosine: float,
    checks: Sequence[Check] = (),
) -> tuple[ScoreComponent, ...]:
    """Every component of the score, in the order of :data:`WEIGHTS`."""
    hard = [h for h in matched if h.category != SOFT], [m for m in missing if m.category != SOFT]
    soft = [h for h in matched if h.category == SOFT], [m for m in missing if m.category == SOFT]
    return (
        _coverage("hard_skills", *hard),
        _coverage("soft_skills", *soft),
        _title(job, cv, cv_text),
        _experience(job, cv),
        _education(job, cv),
        _similarity(cosine),
        _parseability(checks),
    )


def total(components: Sequence[ScoreComponent]) -> float:
    """The 0-100 score: weighted sum of the components."""
    return round(sum(c.score * c.weight for c in components), 1)
