"""The score: weights, each component's rules, and the total."""

from __future__ import annotations

import pytest

from scanner.records import Check, CVStructure, JobPosting, KeywordHit, MissingKeyword
from scanner.scoring import WEIGHTS, score_components, total


def job(**kw: object) -> JobPosting:
    base: dict[str, object] = dict(source="ad", title="Machine Learning Engineer", years_required=5.0,
                                   degree_required="bachelor", terms=(), text="")
    base.update(kw)
    return JobPosting(**base)  # type: ignore[arg-type]


def hit(term: str, weight: float = 1.0, section: str | None = "experience", category: str = "mlops",
        match: str = "exact") -> KeywordHit:
    return KeywordHit(term, category, "required", 1, 1, match, f"used {term}", weight, section)  # type: ignore[arg-type]


def miss(term: str, weight: float = 1.0, category: str = "mlops") -> MissingKeyword:
    return MissingKeyword(term, category, "required", 1, weight)


def parts(**kw: object) -> dict[str, float]:
    args: dict[str, object] = dict(job=job(), matched=(), missing=(), cv=CVStructure(), cv_text="", cosine=0.0)
    args.update(kw)
    return {c.component: c.score for c in score_components(**args)}  # type: ignore[arg-type]


def test_weights_sum_to_one_and_every_component_is_reported() -> None:
    comps = score_components(job(), (), (), CVStructure(), "", 0.0)
    assert [c.component for c in comps] == list(WEIGHTS)
    assert sum(c.weight for c in comps) == pytest.approx(1.0)
    assert all(c.detail for c in comps)


def test_hard_skill_coverage_is_weighted_by_importance() -> None:
    heavy_hit = parts(matched=(hit("PyTorch", 2.0),), missing=(miss("Feast", 0.5),))["hard_skills"]
    light_hit = parts(matched=(hit("Feast", 0.5),), missing=(miss("PyTorch", 2.0),))["hard_skills"]
    assert heavy_hit == pytest.approx(80.0)
    assert light_hit == pytest.approx(20.0)


def test_evidence_in_experience_counts_more_than_a_skills_list() -> None:
    used = parts(matched=(hit("PyTorch", section="experience"),))["hard_skills"]
    listed = parts(matched=(hit("PyTorch", section="skills"),))["hard_skills"]
    fuzzy = parts(matched=(hit("PyTorch", section="experience", match="fuzzy"),))["hard_skills"]
    assert used == 100.0 and listed < used and fuzzy < used


def test_soft_skills_are_scored_apart() -> None:
    p = parts(matched=(hit("communication", category="soft_skills"),), missing=(miss("PyTorch"),))
    assert p["soft_skills"] == 100.0 and p["hard_skills"] == 0.0


@pytest.mark.parametrize(("asked", "have", "expected"), [(5.0, 5.0, 100.0), (5.0, 2.5, 50.0), (None, 1.0, 100.0),
                                                         (4.0, None, 50.0), (2.0, 10.0, 100.0)])
def test_experience_years(asked: float | None, have: float | None, expected: float) -> None:
    assert parts(job=job(years_required=asked), cv=CVStructure(experience_years=have))["experience"] == expected


@pytest.mark.parametrize(("asked", "have", "expected"), [("bachelor", "master", 100.0), ("master", "bachelor", 60.0),
                                                         ("phd", "bachelor", 20.0), (None, None, 100.0),
                                                         ("bachelor", None, 30.0)])
def test_degree(asked: str | None, have: str | None, expected: float) -> None:
    assert parts(job=job(degree_required=asked), cv=CVStructure(highest_degree=have))["education"] == expected


def test_job_title_match_ignores_seniority() -> None:
    same = parts(job=job(title="Senior Machine Learning Engineer"), cv=CVStructure(titles=("Machine Learning Engineer",)))
    other = parts(job=job(title="Senior Machine Learning Engineer"), cv=CVStructure(titles=("Pastry Chef",)))
    assert same["job_title"] >= 95 and other["job_title"] < 50


def test_similarity_is_rescaled_and_strictly_increasing() -> None:
    assert parts(cosine=0.0)["text_similarity"] == 0.0
    values = [parts(cosine=c)["text_similarity"] for c in (0.05, 0.1, 0.2, 0.35, 0.6)]
    assert values == sorted(values) and len(set(values)) == len(values)
    assert 55 < parts(cosine=0.1)["text_similarity"] < 70 and values[-1] <= 100


def test_weights_adapt_to_the_ad() -> None:
    def weights(**kw: object) -> dict[str, float]:
        args: dict[str, object] = dict(job=job(), matched=(), missing=(), cv=CVStructure(), cv_text="", cosine=0.1)
        args.update(kw)
        return {c.component: c.weight for c in score_components(**args)}  # type: ignore[arg-type]

    many = weights(missing=tuple(miss(f"t{i}") for i in range(8)))
    few = weights(missing=(miss("Excel"),))
    assert many["hard_skills"] > few["hard_skills"] > 0
    assert few["text_similarity"] > many["text_similarity"]
    not_asked = weights(job=job(years_required=None, degree_required=None, title=None))
    assert not_asked["experience"] == not_asked["education"] == not_asked["job_title"] == 0.0
    for w in (many, few, not_asked):
        assert sum(w.values()) == pytest.approx(1.0, abs=1e-3)


def test_parseability_falls_with_failed_checks() -> None:
    ok = parts(checks=(Check("a", "pass", "m", "f"),) * 4)["parseability"]
    bad = parts(checks=(Check("a", "fail", "m", "f"),) + (Check("b", "pass", "m", "f"),) * 3)["parseability"]
    assert ok == 100.0 and bad < ok


def test_total_is_the_weighted_sum() -> None:
    comps = score_components(job(), (hit("PyTorch"),), (miss("Feast"),), CVStructure(experience_years=5,
                             highest_degree="master", titles=("Machine Learning Engineer",)), "", 0.35)
    assert total(comps) == pytest.approx(sum(c.score * c.weight for c in comps), abs=0.05)
    assert 0 <= total(comps) <= 100
