"""The score: a weighted composite of parts that are each reported with a reason.

All weights live in :data:`WEIGHTS`; README.md explains them. Each component scores 0-100; the total is
the weighted sum, so a user can see which part costs them most.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from .jobad import TITLE_NOUNS
from .normalize import tokenize, word_keys
from .records import (
    DEGREE_LEVELS,
    Check,
    CVStructure,
    JobPosting,
    KeywordHit,
    MissingKeyword,
    ScoreComponent,
)
from .similarity import STOP_WORDS

WEIGHTS: Mapping[str, float] = {
    "hard_skills": 0.45,  # the ad's hard skills and tools, weighted by importance and frequency
    "soft_skills": 0.05,  # the ad's soft skills
    "job_title": 0.10,  # does the CV name the role (headline, past titles)?
    "experience": 0.10,  # years of experience against the years asked
    "education": 0.05,  # highest degree against the degree asked
    "text_similarity": 0.20,  # TF-IDF cosine of CV and ad over the background corpus
    "parseability": 0.05,  # can an ATS read the file (columns, tables, headers, scans ...)
}
assert abs(sum(WEIGHTS.values()) - 1.0) < 1e-9

SOFT = "soft_skills"
# Credit for a matched term by where its best evidence sits: used in a sentence about work counts more
# than a bare mention in a skills list.
EVIDENCE_CREDIT: Mapping[str, float] = {"experience": 1.0, "projects": 1.0, "summary": 0.9}
LIST_CREDIT = 0.85
FUZZY_CREDIT = 0.8
# Total importance weight of hard skills at which they get their full share: about twenty specific required
# terms, as a detailed ad names. An ad naming a handful (or only generic office tools, which weigh little,
# see jobad.SPECIFICITY_POWER) hands most of that share to text similarity: coverage of three terms is luck.
HARD_SKILLS_FULL = 20.0
# Cosine similarities of real CV/ad pairs rarely pass 0.4: 100 * (1 - exp(-cos / 0.1)) gives 0.05 -> 39,
# 0.1 -> 63, 0.2 -> 86, 0.3 -> 95.
SIMILARITY_SCALE = 0.10
_SENIORITY = re.compile(r"\b(senior|sr|junior|jr|lead|principal|staff|head|chief|intern|i{1,3}|iv|[0-9])\b\.?", re.I)


def _credit(hit: KeywordHit) -> float:
    base = EVIDENCE_CREDIT.get(hit.section or "", LIST_CREDIT)
    return base * (FUZZY_CREDIT if hit.match == "fuzzy" else 1.0)


def _coverage(name: str, hits: Sequence[KeywordHit], missing: Sequence[MissingKeyword]) -> ScoreComponent:
    total = sum(h.weight for h in hits) + sum(m.weight for m in missing)
    label = name.replace("_", " ")
    if total == 0:
        return ScoreComponent(name, 100.0, 0.0, f"the ad names no {label}: not counted")
    got = sum(h.weight * _credit(h) for h in hits)
    req_missing = [m.term for m in missing if m.importance == "required"][:5]
    detail = f"{len(hits)} of {len(hits) + len(missing)} {label} matched"
    if req_missing:
        detail += "; missing required: " + ", ".join(req_missing)
    return ScoreComponent(name, round(100.0 * got / total, 1), WEIGHTS[name], detail)


def _title_alternatives(title: str) -> list[tuple[str, ...]]:
    """Content keys of each role the title names: "Chefs and Head Cooks" -> (chef,), (head, cook)."""
    core = " ".join(_SENIORITY.sub(" ", title).split()) or title
    parts = [p for p in re.split(r"\s*(?:,|/|&|\band\b|\bor\b)\s*", core) if p.strip()]
    if len(parts) < 2 or not all(p.split()[-1].lower() in TITLE_NOUNS for p in parts):
        parts = [core]
    alts = [tuple(t.key for t in tokenize(p) if t.key not in STOP_WORDS) for p in parts]
    return [a for a in alts if a]


def _overlap(alt: tuple[str, ...], keys: set[str]) -> float:
    # The role noun (last word) counts double: "Data Engineer" is nearer "Software Engineer" than "Data Analyst".
    weights = [2.0 if i == len(alt) - 1 else 1.0 for i in range(len(alt))]
    return sum(w for k, w in zip(alt, weights, strict=True) if k in keys) / sum(weights)


def _title(job: JobPosting, cv: CVStructure, cv_text: str) -> ScoreComponent:
    w = WEIGHTS["job_title"]
    alts = _title_alternatives(job.title) if job.title else []
    if not job.title or not alts:
        return ScoreComponent("job_title", 100.0, 0.0, "the ad states no job title: not counted")
    head = word_keys("\n".join(cv_text.split("\n")[:8]))  # tokens never span lines: the keys of the first 8
    body = word_keys(cv_text)
    best, closest = 0.0, ""
    for alt in alts:
        for title in cv.titles:
            score = 100.0 * _overlap(alt, word_keys(title))
            if score > best:
                best, closest = score, title
        best = max(best, 85.0 * _overlap(alt, head), 50.0 * _overlap(alt, body))
    detail = f"ad title {job.title!r}; " + (f"closest CV title {closest!r}" if closest else
                                               "no CV title names the role" if cv.titles else
                                               "no job titles found in the CV")
    if best < 70:
        detail += ": name the role in your headline if it is true"
    return ScoreComponent("job_title", round(best, 1), w, detail)


def _experience(job: JobPosting, cv: CVStructure) -> ScoreComponent:
    w = WEIGHTS["experience"]
    if job.years_required is None:
        return ScoreComponent("experience", 100.0, 0.0, "the ad asks for no number of years: not counted")
    if cv.experience_years is None:
        return ScoreComponent("experience", 50.0, w,
                              f"the ad asks for {job.years_required:g} years; no employment dates found in the CV")
    ratio = min(1.0, cv.experience_years / job.years_required) if job.years_required else 1.0
    return ScoreComponent("experience", round(100.0 * ratio, 1), w,
                          f"{cv.experience_years:g} years found, {job.years_required:g} asked")


def _education(job: JobPosting, cv: CVStructure) -> ScoreComponent:
    w = WEIGHTS["education"]
    if job.degree_required is None:
        return ScoreComponent("education", 100.0, 0.0, "the ad asks for no degree: not counted")
    need = DEGREE_LEVELS.index(job.degree_required)
    if cv.highest_degree is None:
        return ScoreComponent("education", 30.0, w, f"the ad asks for {job.degree_required}; no degree found in the CV")
    have = DEGREE_LEVELS.index(cv.highest_degree)
    score = 100.0 if have >= need else max(0.0, 100.0 - 40.0 * (need - have))
    return ScoreComponent("education", score, w, f"{cv.highest_degree} found, {job.degree_required} asked")


def _similarity(cosine: float) -> ScoreComponent:
    # Saturating but strictly increasing, so CVs stay ordered even among close matches.
    score = round(100.0 * (1.0 - math.exp(-cosine / SIMILARITY_SCALE)), 1)
    return ScoreComponent("text_similarity", score, WEIGHTS["text_similarity"], f"TF-IDF cosine {cosine:.3f}")


# Points a failed check costs (a warning costs half): checks where an ATS loses or garbles text cost 25,
# advice about presentation (file name, length, date style) costs 10. Four lost-text failures reach 0.
CHECK_COST: Mapping[str, float] = {
    "file_name": 10.0, "file_size": 10.0, "page_count": 10.0, "word_count": 10.0, "date_formats": 10.0,
}  # fmt: skip
DEFAULT_CHECK_COST = 25.0


def _parseability(checks: Sequence[Check]) -> ScoreComponent:
    w = WEIGHTS["parseability"]
    if not checks:
        return ScoreComponent("parseability", 100.0, w, "no parseability checks run")
    penalty = {"pass": 0.0, "warn": 0.5, "fail": 1.0}
    lost = sum(penalty[c.status] * CHECK_COST.get(c.id, DEFAULT_CHECK_COST) for c in checks)
    score = max(0.0, 100.0 - lost)
    costly = sorted((c for c in checks if c.status != "pass"),
                    key=lambda c: (c.status != "fail", -CHECK_COST.get(c.id, DEFAULT_CHECK_COST)))
    bad = [c.id for c in costly]
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
    components = (
        _coverage("hard_skills", *hard),
        _coverage("soft_skills", *soft),
        _title(job, cv, cv_text),
        _experience(job, cv),
        _education(job, cv),
        _similarity(cosine),
        _parseability(checks),
    )
    hard_total = sum(h.weight for h in hard[0]) + sum(m.weight for m in hard[1])
    return _rebalance(components, hard_total)


def _rebalance(components: Sequence[ScoreComponent], hard_total: float) -> tuple[ScoreComponent, ...]:
    """Final weights: the one rule that adapts :data:`WEIGHTS` to the ad.

    Hard skills weigh in full once the ad names about :data:`HARD_SKILLS_FULL` worth of them (twenty specific
    terms); an ad naming fewer gives their share to text similarity, since coverage of one or two terms is
    mostly luck. Components the ad does not ask about arrive with weight 0; the rest are scaled to sum to 1.
    """
    weights = {c.component: c.weight for c in components}
    confidence = min(1.0, hard_total / HARD_SKILLS_FULL)
    if weights["hard_skills"] > 0:
        weights["text_similarity"] += weights["hard_skills"] * (1.0 - confidence)
        weights["hard_skills"] *= confidence
    norm = sum(weights.values())
    final = {k: round(w / norm, 4) for k, w in weights.items()}
    # Rounding must not break "weights sum to 1": the largest weight takes the rounding remainder.
    largest = max(final, key=lambda k: (final[k], k))
    final[largest] = round(final[largest] + 1.0 - sum(final.values()), 4)
    return tuple(replace(c, weight=final[c.component]) for c in components)


def total(components: Sequence[ScoreComponent]) -> float:
    """The 0-100 score: weighted sum of the components."""
    return round(sum(c.score * c.weight for c in components), 1)
