"""Matching: aliases, spellings, plurals, false friends and fuzzy matches."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from scanner.extract import extract
from scanner.matching import find_terms, fuzzy_find
from scanner.normalize import (
    _DASHES,
    fold,
    normalize_line,
    phrase_key,
    singular,
    tokenize,
    us_spelling,
    verb_inflections,
    word_keys,
)
from scanner.taxonomy import Taxonomy, Term, builtin_taxonomy


def found(text: str, tax: Taxonomy | None = None) -> dict[str, list[str]]:
    hits = find_terms(text.split("\n"), tax or builtin_taxonomy())
    return {name: [o.kind for o in occs] for name, occs in hits.items()}


@pytest.mark.parametrize(("text", "term", "kind"), [
    ("Deployed on k8s clusters", "Kubernetes", "alias"),
    ("Served models with Triton", "Triton Inference Server", "alias"),
    ("Used quantisation and pruning", "quantization", "spelling"),
    ("Used quantizations and pruning", "quantization", "stem"),
    ("Used quantization and pruning", "quantization", "exact"),
    ("Built several LLMs", "large language models", "alias"),
    ("Using scikit learn and sklearn", "scikit-learn", "exact"),
    ("Ran A/B tests weekly", "A/B testing", "alias"),
    ("Tracked experiments in MLFlow", "MLflow", "exact"),
    ("Wrote PyTorch models", "PyTorch", "exact"),
    ("Pipelines in Apache Airflow", "Apache Airflow", "exact"),
    ("Programs in C++ and C#", "C++", "exact"),
    ("Programs in C++ and C#", "C#", "exact"),
    ("Skills: R, Python", "R", "exact"),
    ("Services written in Go and Rust", "Go", "exact"),
])
def test_finds_terms_with_their_match_kind(text: str, term: str, kind: str) -> None:
    hits = found(text)
    assert term in hits, hits
    assert kind in hits[term]


@pytest.mark.parametrize(("text", "term"), [
    ("Front end in JavaScript and TypeScript", "Java"),
    ("Led the R&D group", "R"),
    ("Known as the go-to person", "Go"),
    ("Go-to person for releases", "Go"),
    ("Go beyond the brief every time", "Go"),
    ("I have a great interest in going fast and a year ago", "Go"),
    ("This sparked my interest in data", "Apache Spark"),
    ("Read every RFC; the rr tool", "R"),
    ("Worked at a car factory", "R"),
])
def test_no_false_friends(text: str, term: str) -> None:
    assert term not in found(text)


def test_java_and_javascript_are_distinct() -> None:
    hits = found("Java, JavaScript")
    assert hits["Java"] == ["exact"] and hits["JavaScript"] == ["exact"]


def test_counts_every_occurrence() -> None:
    hits = found("PyTorch here\nand PyTorch there, pytorch again")
    assert len(hits["PyTorch"]) == 3


def test_longest_match_wins() -> None:
    hits = found("Deployed with Triton Inference Server")
    assert list(hits) == ["Triton Inference Server"]


def test_normalisation_helpers() -> None:
    assert us_spelling("optimised") == "optimized"
    assert us_spelling("organisation") == "organization"
    assert singular("pipelines") == "pipeline"
    assert singular("libraries") == "library"
    assert singular("class") == "class"
    assert phrase_key("Quantisations") == phrase_key("quantization")
    assert phrase_key("ﬁne-tuning") == phrase_key("fine tuning")  # ligature and hyphen


@pytest.mark.parametrize("line", [
    "plain ASCII - no change",
    "Led – and shipped — the ‘new’ API™ © 2024 Acme®",
    "non‑breaking hyphen: NFKC makes it U+2010, which becomes '-'",
    "ﬁne-tuning with ligatures, ① circled, fullＷidth",
    "• bullets and accents: café, Straße, İstanbul",
])
def test_normalize_line_unifies_only_where_the_table_applies(line: str) -> None:
    # The reference: translate every character, NFKC, translate again (what normalize_line did in one go).
    expected = line if line.isascii() else unicodedata.normalize("NFKC", line.translate(_DASHES)).translate(_DASHES)
    assert normalize_line(line) == expected
    assert fold(line) == expected.casefold()
    assert not any(chr(c) in normalize_line(line) for c in _DASHES)


def test_normalize_line_maps_what_nfkc_makes() -> None:
    assert normalize_line("e‑mail") == "e-mail"  # U+2011 -> (NFKC) U+2010 -> "-"
    assert normalize_line("Acme™ ©") == "Acme "


@pytest.mark.parametrize("text", [
    "C++, C# and F#; scikit-learn / sklearn",
    "İstanbul STRASSE Straße ﬁne-tuning – quantisations",
    "",
    "\n\n  \n",
])
def test_word_keys_are_the_keys_of_the_tokens(text: str) -> None:
    assert word_keys(text) == {t.key for t in tokenize(text)}


def test_word_keys_of_a_whole_cv(fixtures_dir: Path) -> None:
    text = extract(fixtures_dir / "cv_icons_ligatures.pdf").full_text
    assert len(text) > 500 and not text.isascii() and "\u2013" in text  # the dash table applies
    assert word_keys(text) == {t.key for t in tokenize(text.replace("\n", " "))}
    assert word_keys(text) == {t.key for line in text.split("\n") for t in tokenize(line)}


def test_fuzzy_finds_a_typo_but_not_another_tool() -> None:
    tax = Taxonomy([Term("Kubeflow", "mlops"), Term("MLflow", "mlops"), Term("Apache Airflow", "mlops", ("Airflow",))])
    kubeflow, mlflow = tax.get("Kubeflow"), tax.get("MLflow")
    assert kubeflow is not None and mlflow is not None
    hits = fuzzy_find(kubeflow, ["Orchestrated training in Kubeflw pipelines"], tax, threshold=85)
    assert [(h.kind, h.surface) for h in hits] == [("fuzzy", "Kubeflw")]
    # "Airflow" is a term of its own, so it is never taken for a misspelt "MLflow", however low the bar.
    assert fuzzy_find(mlflow, ["Scheduled jobs in Airflow"], tax, threshold=50) == []


def test_fuzzy_is_off_for_case_sensitive_and_short_terms() -> None:
    tax = Taxonomy([Term("Go", "languages", case_sensitive=True), Term("Keras", "dl_frameworks")])
    go, keras = tax.get("Go"), tax.get("Keras")
    assert go is not None and keras is not None
    assert fuzzy_find(go, ["Ga and Gp"], tax, threshold=50) == []
    assert fuzzy_find(keras, ["Kerass"], tax, threshold=75) == []  # shorter than the fuzzy minimum


def test_index_scales_by_lookup_not_by_phrase_count() -> None:
    big = Taxonomy([Term(f"tool{i} suite", "mlops") for i in range(20000)] + [Term("Needle", "mlops")])
    hits = find_terms(["we use needle and tool19999 suite daily"], big)
    assert set(hits) == {"Needle", "tool19999 suite"}


_MENTOR = Term("advise others", "skill", ("mentor others", "give advice to others"))


@pytest.mark.parametrize("text", [
    "Mentored two junior engineers on PyTorch.",
    "Mentoring the new hires.",
    "Mentors three data scientists",
    "Gave advice to junior colleagues",
    "Mentor others",
])
def test_a_skill_of_others_matches_where_the_cv_names_the_people(text: str) -> None:
    found = find_terms([text], Taxonomy([_MENTOR]))
    assert [(o.term.name, o.line) for o in found.get("advise others", [])] == [("advise others", 0)]


@pytest.mark.parametrize("text", [
    "Mentor to three engineers",  # a noun, with a preposition before the people
    "Mentored models for engineers",  # the people are not the object
    "Mentored projects, engineers later joined",  # another clause
    "Mentored five large new language models",  # no people within three words
    "Advised on pricing",
])
def test_a_skill_of_others_needs_people_as_its_object(text: str) -> None:
    assert "advise others" not in find_terms([text], Taxonomy([_MENTOR]))


def test_verb_inflections() -> None:
    assert {"mentors", "mentored", "mentoring"} <= set(verb_inflections("mentor"))
    assert {"advised", "advising", "advises"} <= set(verb_inflections("advise"))
    assert {"taught", "teaching"} <= set(verb_inflections("teach"))
    assert {"planned", "planning"} <= set(verb_inflections("plan"))
