"""Suggested rewrites: each rule on positive and negative lines, ranking, and the never-invent rule."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from conftest import FIXTURES
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scanner import Document, load_job, scan
from scanner.advice import KINDS, action_verbs, is_ml_role, phrase_rewrites, suggest, without_placeholders
from scanner.normalize import us_spelling
from scanner.pipeline import job_from_text, match_keywords
from scanner.records import JobPosting
from scanner.structure import parse_structure
from scanner.taxonomy import load_taxonomy

CVS = ["cv_ml_single_column.pdf", "cv_ml_two_column.pdf", "cv_plain.txt", "cv_markdown.md",
       "cv_data_scientist.docx", "cv_textbox.docx", "cv_java_developer.txt"]
JOBS = ["job_ml_engineer.txt", "job_data_scientist.txt", "job_store_manager.txt"]
# Plain words the rewrites put in place of weak phrases ("delve into" -> "examine"): generic, never facts.
_TEMPLATE_WORDS = {w.casefold() for v in phrase_rewrites().values() for w in re.findall(r"\w+", v)}


@pytest.fixture(scope="module")
def ml_job() -> JobPosting:
    return load_job(FIXTURES / "job_ml_engineer.txt")


def cv_doc(*lines: str, summary: str = "Engineer building services.") -> Document:
    text = "\n".join(["Ana Example", "ana@example.com", "", "Summary", summary, "", "Experience",
                      "Data Engineer", "Acme Ltd | Jan 2019 - Dec 2020", *lines, "", "Skills",
                      "Python, SQL, Docker"])
    return Document(source="cv.txt", format="text", text=text)


def advise(doc: Document, job: JobPosting) -> list:
    structure = parse_structure(doc, today=(2025, 1))
    matched, missing = match_keywords(doc, structure, job, load_taxonomy())
    return list(suggest(doc, structure, job, matched, missing))


def numbers(text: str) -> list[str]:
    return re.findall(r"\d+(?:[.,]\d+)*", text)


def assert_invents_nothing(original: str, rewrite: str) -> None:
    """Every number and capitalised name outside placeholders comes from the original line."""
    stated = without_placeholders(rewrite)
    orig_numbers = set(numbers(original))
    for n in numbers(stated):
        assert n in orig_numbers, (n, original, rewrite)
    orig_words = {w.casefold() for w in re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", original)}
    orig_words |= {us_spelling(w) for w in orig_words}  # a spelling fix changes the spelling, not the fact
    for w in re.findall(r"[^\W_]+(?:['’-][^\W_]+)*", stated):
        if w[:1].isupper():
            assert (w.casefold() in orig_words or us_spelling(w.casefold()) in orig_words or w.casefold() in action_verbs() or w.casefold() in _TEMPLATE_WORDS
                    or w.casefold() in {v[:-1] for v in action_verbs()}), (w, original, rewrite)


# --- one rule at a time: (line, expected kind or None, text the rewrite must contain) ----------------------
CASES = [
    ("• Responsible for maintaining the data pipelines for 3 teams.", "weak_opener", "Maintained the data pipelines"),
    ("• Worked on the billing service migration to 4 regions.", "weak_opener", "[your own action"),
    ("• Maintained the data pipelines for 3 teams.", None, ""),
    ("• Helped reports for 3 teams.", "weak_opener", "[your own action"),  # a noun, not "Reported"
    ("• The ingestion pipeline was rebuilt in Go for 5 markets.", "passive_voice", "Rebuilt the ingestion pipeline"),
    ("• Was awarded the 2020 engineering prize for 2 launches.", None, ""),
    # A clause is not a subject: no "Examined Followed checklists to verify that all parts ..." rewrite.
    ("• Followed checklists to verify that all 40 parts were examined.", None, ""),
    ("• Built the reporting API used by finance.", "no_result", "[result with a number"),
    ("• Built the reporting API used by 40 analysts.", None, ""),
    ("• Built various dashboards for 12 teams.", "vague_adjective", "[N] dashboards"),
    ("• Built a synergy dashboard for 12 teams.", "buzzword", "Built a dashboard for 12 teams"),
    ("• Built ETL jobs and delve into logs for 12 teams.", "bot_phrase", "examine"),
    ("• I built the ETL jobs for 12 teams.", "first_person", "Built the ETL jobs"),
    ("• Built the ETL jobs for 12 teams.", None, ""),
    ("• Built ETL jobs in Python and SQL for 12 teams across finance, sales and operations; we moved every nightly "
     "batch to hourly runs, added data quality checks, wrote runbooks and trained the on-call rota for all of them.",
     "long_bullet", "•"),
]


@pytest.mark.parametrize(("line", "kind", "expect"), CASES)
def test_each_line_rule(line: str, kind: str | None, expect: str, ml_job: JobPosting) -> None:
    store = load_job(FIXTURES / "job_store_manager.txt")  # no ML rules, so only the line rules speak
    got = [s for s in advise(cv_doc(line), store) if s.original == line]
    if kind is None:
        assert got == [], got
        return
    assert len(got) == 1, got
    s = got[0]
    assert s.kind == kind, s
    assert expect in s.suggestion, s.suggestion
    assert s.section == "experience"
    assert_invents_nothing(line, s.suggestion)


@pytest.mark.parametrize(("text", "removed"), [
    ("I built the ETL jobs for 12 teams.", True),
    ("Led 3 teams; since then I have been leading 2 more.", False),
])
def test_first_person_reason_says_what_was_done(text: str, removed: bool) -> None:
    from scanner.advice import _Draft, _first_person

    d = _Draft(line=None, text=text)  # type: ignore[arg-type]
    _first_person(d)
    assert d.kinds == ["first_person"]
    assert (" I " not in f" {d.text} ") == removed
    assert ("rephrase" in d.reasons[0]) != removed


def test_role_model_is_not_ml_work(ml_job: JobPosting) -> None:
    doc = cv_doc("• Acted as a role model for 6 junior staff across 2 shifts.",
                 "• Trained a PyTorch churn model for 3 markets.")
    lines = {s.original for s in advise(doc, ml_job) if s.kind in ("missing_production_signal", "production_signal")}
    assert "• Acted as a role model for 6 junior staff across 2 shifts." not in lines


def test_rule_kinds_are_named_in_the_reason() -> None:
    store = load_job(FIXTURES / "job_store_manager.txt")
    s = next(s for s in advise(cv_doc("• Responsible for various reports for the finance team."), store)
             if s.original == "• Responsible for various reports for the finance team.")
    assert s.kind == "weak_opener"
    assert "'responsible for'" in s.why and "'various'" in s.why and "no measurable result" in s.why


def test_mixed_tense_in_a_finished_job() -> None:
    store = load_job(FIXTURES / "job_store_manager.txt")
    doc = cv_doc("• Built the stock system for 30 stores.", "• Manage the rota for 12 staff.")
    got = {s.original: s for s in advise(doc, store)}
    assert got["• Manage the rota for 12 staff."].suggestion == "Managed the rota for 12 staff."
    assert "• Built the stock system for 30 stores." not in got


def test_mixed_spelling_follows_the_majority() -> None:
    store = load_job(FIXTURES / "job_store_manager.txt")
    doc = cv_doc("• Optimised the rota for 12 staff.", "• Organised stock counts for 30 stores.",
                 "• Analyzed sales for 30 stores.")
    got = {s.original: s for s in advise(doc, store)}
    fix = got["• Analyzed sales for 30 stores."]
    assert fix.kind == "spelling_mix" and fix.suggestion == "Analysed sales for 30 stores."
    assert "• Optimised the rota for 12 staff." not in got


def test_ml_role_gets_production_signals_and_architecture_lists(ml_job: JobPosting) -> None:
    assert is_ml_role(ml_job)
    assert not is_ml_role(load_job(FIXTURES / "job_store_manager.txt"))
    doc = cv_doc("• Trained PyTorch models for churn prediction on 2 years of data.",
                 "• Trained CNN, LSTM and BERT models on 3 datasets.")
    got = advise(doc, ml_job)
    prod = [s for s in got if s.kind == "production_signal"]
    assert len(prod) == 1 and "[deployed to production" in prod[0].suggestion and "served" in prod[0].why
    arch = [s for s in got if s.kind == "architecture_list"]
    assert [s.original for s in arch] == ["• Trained CNN, LSTM and BERT models on 3 datasets."]
    # The same CV against a non-ML ad: neither rule.
    kinds = {s.kind for s in advise(doc, load_job(FIXTURES / "job_store_manager.txt"))}
    assert not kinds & {"production_signal", "architecture_list"}


def test_production_signals_quiet_when_the_cv_shows_them(ml_job: JobPosting) -> None:
    got = scan(FIXTURES / "cv_plain.txt", ml_job).suggestions
    prod = [s for s in got if s.kind == "production_signal"]
    assert len(prod) == 1 and "retrained" in prod[0].why  # the CV shows everything but retraining
    assert "served" not in prod[0].why


def test_missing_keywords_are_placed_or_marked_add_only_if_true(ml_job: JobPosting) -> None:
    r = scan(FIXTURES / "cv_java_developer.txt", ml_job)
    miss = [s for s in r.suggestions if s.kind == "missing_keyword"]
    assert miss
    skills = [s for s in miss if s.section == "skills"]
    assert skills and all("add only if true" in s.suggestion for s in skills)
    # The first placement carries the ad's weightiest missing term.
    top = max(r.missing, key=lambda m: m.weight).term
    assert any(top in s.suggestion for s in skills)
    r2 = scan(FIXTURES / "cv_data_scientist.docx", ml_job)
    near = [s for s in r2.suggestions if s.kind == "missing_keyword" and s.section == "experience"]
    assert near and all("if you used" in s.suggestion and "related" in s.why for s in near)


def test_ranked_by_effect(ml_job: JobPosting) -> None:
    r = scan(FIXTURES / "cv_java_developer.txt", ml_job)
    assert r.suggestions[0].kind == "missing_keyword"  # five required terms: the biggest score gain
    kinds = [s.kind for s in r.suggestions]
    assert set(kinds) <= set(KINDS)


@pytest.mark.parametrize("cv", CVS)
@pytest.mark.parametrize("job_name", JOBS)
def test_every_fixture_suggestion_quotes_a_real_line_and_invents_nothing(cv: str, job_name: str) -> None:
    from scanner import extract
    doc = extract(FIXTURES / cv)
    r = scan(doc, load_job(FIXTURES / job_name))
    lines = {ln.strip() for ln in doc.lines}
    for s in r.suggestions:
        assert s.original in lines
        assert_invents_nothing(s.original, s.suggestion)


WORDS = st.sampled_from(["the", "data", "pipeline", "service", "for", "with", "team", "reports", "models",
                         "Acme", "Zorblax", "Kubernetes", "PyTorch", "London", "various", "significant",
                         "responsible for", "helped", "worked on", "was", "built", "I", "my", "synergy",
                         "team player", "optimised", "analyzed", "CNN", "LSTM", "BERT", "and", "3", "40%",
                         "2,500", "ms", "users", "delve into", "passionate about AI"])
LINES = st.lists(WORDS, min_size=2, max_size=40).map(lambda ws: "• " + " ".join(ws).strip() + ".")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(LINES, min_size=1, max_size=6), st.sampled_from(JOBS))
def test_generated_cvs_never_get_invented_facts(lines: list[str], job_name: str) -> None:
    job = _JOBS.get(job_name) or _JOBS.setdefault(job_name, load_job(FIXTURES / job_name))
    doc = cv_doc(*lines, summary="Passionate about AI, I am a team player with various skills.")
    real = {ln.strip() for ln in doc.lines}
    for s in advise(doc, job):
        assert s.original in real
        assert_invents_nothing(s.original, s.suggestion)


_JOBS: dict[str, JobPosting] = {}


def test_job_from_text_ml_by_terms() -> None:
    job = job_from_text("Engineer\nRequirements\n- PyTorch, MLflow, model serving, drift detection, Kubeflow\n")
    assert is_ml_role(job)


def test_report_json_lists_all_and_text_shows_ten(ml_job: JobPosting) -> None:
    from scanner import to_dict, to_text
    r = scan(FIXTURES / "cv_plain.txt", ml_job)
    assert len(to_dict(r)["suggestions"]) == len(r.suggestions) > 0
    assert to_text(r).count("      before: ") == min(10, len(r.suggestions))
    assert Path(r.file).name == "cv_plain.txt"


_PHRASE_KINDS = [frozenset({"weak_opener"}), frozenset({"bot_phrase", "buzzword"}), frozenset({"vague_adjective"})]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a lot of", "Results-Driven", "results", "driven", "LOT", "best-in-class",
                                 "class", "-", " ", "/", "Bést", "İnnovative", "innovative", "dynamic", "_x",
                                 "helped", "assisted with", "team", "2019", "\u212a"]), max_size=8),
       st.sampled_from(_PHRASE_KINDS), st.booleans())
def test_phrase_prefilter_agrees_with_the_phrase_regex(parts: list[str], kinds: frozenset[str],
                                                       in_summary: bool) -> None:
    # The word-set shortcut may only skip texts where the phrase regex finds nothing.
    from scanner.advice import _any_phrase, _has_phrase

    text = "".join(parts)
    assert _has_phrase(kinds, in_summary, text) == bool(_any_phrase(kinds, in_summary).search(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["BERT", "berts", "ResNets", "U-Net", "net", "nets", "LSTMs", "GPT-4", "-", " ",
                                 "/", "Bért", "ıi", "transformer", "Transformers", "x", "_"]), max_size=8))
def test_architecture_prefilter_skips_only_lines_without_one(parts: list[str]) -> None:
    from scanner.advice import _architecture_words, _architectures
    from scanner.normalize import lacks_words

    text = "".join(parts)
    if lacks_words(_architecture_words(), text):
        assert _architectures().search(text) is None


def test_advice_keeps_no_whole_cv_in_its_caches(ml_job: JobPosting) -> None:
    # The rule caches live as long as the process (a web worker serves many people): lines may stay, a whole
    # CV's text may not. Each line cache is looked for the CV's text after a full scan.
    from scanner.normalize import line_caches

    doc = cv_doc("Built a recommender used by 2M users.", "Optimised the ETL jobs.")
    advise(doc, ml_job)
    for cache in line_caches():
        before = cache.cache_info().hits
        cache(doc.text)  # a hit would mean the scan left the whole text in the cache
        assert cache.cache_info().hits == before, cache
        cache.cache_clear()


@pytest.mark.parametrize("name", CVS)
def test_logical_lines_are_the_matchers_lines_and_drive_the_rewrites(name: str, ml_job: JobPosting) -> None:
    # A scan works the logical lines out once (CVAnalysis.logical, cached with it) and hands them to both the
    # matcher and the rewrites: they must be the wrapped lines both used to join for themselves.
    from scanner.advice import cv_lines, logical_lines
    from scanner.extract import extract
    from scanner.matching import join_wrapped

    doc = extract(FIXTURES / name)
    structure = parse_structure(doc, today=(2025, 1))
    logical = logical_lines(doc, structure)
    joined = join_wrapped(doc.lines, breaks={s.start_line for s in structure.sections})
    assert [(ll.first, ll.text) for ll in logical] == joined
    experience = {i for s in structure.sections if s.name in ("experience", "projects")
                  for i in range(s.start_line, s.end_line)}
    assert all(ll.first in experience for ll in logical if ll.bullet)
    if name.endswith(".pdf"):
        assert any(ll.bullet for ll in logical)
    assert cv_lines(doc, structure, logical) == cv_lines(doc, structure)
    matched, missing = match_keywords(doc, structure, ml_job, load_taxonomy())
    assert (matched, missing) == match_keywords(doc, structure, ml_job, load_taxonomy(), logical=logical)
    assert suggest(doc, structure, ml_job, matched, missing, logical=logical) == suggest(
        doc, structure, ml_job, matched, missing)
    # And they are what the rewrites read: a bullet said to be no bullet gets no bullet-only rule.
    bullet_only = {"no_result", "passive_voice", "long_bullet", "production_signal"}
    plain = tuple(dataclasses.replace(ll, bullet=False) for ll in logical)
    assert not any(line.bullet for line in cv_lines(doc, structure, plain))
    assert not {s.kind for s in suggest(doc, structure, ml_job, matched, missing, logical=plain)} & bullet_only
    if name.endswith(".pdf"):
        assert {s.kind for s in suggest(doc, structure, ml_job, matched, missing)} & bullet_only


@pytest.mark.parametrize("name", CVS)
def test_line_categories_are_those_of_the_lines_the_rules_ask_about(name: str) -> None:
    # The reference restates, on the rewrites' own lines, which lines a rule asks about (the first line of a
    # one-line bullet, or a skills line) and searches them: line_categories finds the same from the logical
    # lines alone, without making those lines.
    from scanner.advice import cv_lines, line_categories, logical_lines
    from scanner.extract import extract
    from scanner.matching import find_terms

    doc = extract(FIXTURES / name)
    structure = parse_structure(doc, today=(2025, 1))
    logical = logical_lines(doc, structure)
    asked = [ln for ln in cv_lines(doc, structure, logical)
             if ln.first and (ln.section == "skills" or (ln.bullet and ln.single))]
    expected: dict[int, set[str]] = {}
    for occs in find_terms([ln.logical for ln in asked], load_taxonomy()).values():
        for o in occs:
            expected.setdefault(asked[o.line].index, set()).add(o.term.category)
    assert expected
    assert line_categories(doc, structure, logical, load_taxonomy()) == expected


def test_a_scan_uses_an_analysis_s_categories_only_under_its_own_taxonomy(ml_job: JobPosting) -> None:
    from scanner.extract import extract
    from scanner.pipeline import analyse_cv, scan_document

    doc = extract(FIXTURES / "cv_ml_two_column.pdf")
    fresh = scan_document(doc, ml_job)
    analysis = analyse_cv(doc)
    assert analysis.taxonomy == load_taxonomy().fingerprint and analysis.categories
    assert scan_document(doc, ml_job, analysis=analysis) == fresh
    # Categories that say every line is about everything: the rewrites take them when the taxonomy is the
    # same one, and not when the analysis was made with another (or an unknown) taxonomy.
    every = {t.category for t in load_taxonomy().terms}
    bogus = tuple((i, tuple(sorted(every))) for i, _ in analysis.categories)
    used = scan_document(doc, ml_job, analysis=dataclasses.replace(analysis, categories=bogus))
    assert used.suggestions != fresh.suggestions
    for other in (None, "builtin+0000000000000000"):
        assert scan_document(doc, ml_job, analysis=dataclasses.replace(analysis, categories=bogus, taxonomy=other)) == fresh
