"""Taxonomy files: the built-in lists, user overrides and validation with line numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from scanner import TaxonomyError, load_taxonomy
from scanner.errors import FileMissingError
from scanner.taxonomy import Taxonomy, builtin_taxonomy, check_taxonomy, parse_taxonomy

REQUIRED_CATEGORIES = {
    "languages", "dl_frameworks", "classical_ml", "llm_genai", "serving_inference", "mlops",
    "data_feature_stores", "cloud_ml", "infrastructure", "monitoring", "optimization", "evaluation",
    "soft_skills",
}


def test_builtin_taxonomy_is_large_and_covers_every_category() -> None:
    tax = builtin_taxonomy()
    assert len(tax) >= 250
    counts = tax.categories()
    assert counts.keys() >= REQUIRED_CATEGORIES
    assert all(counts[c] >= 10 for c in REQUIRED_CATEGORIES)


@pytest.mark.parametrize("name", ["Triton Inference Server", "TorchServe", "vLLM", "ONNX Runtime", "TensorRT",
                                  "MLflow", "Kubeflow", "Apache Airflow", "DVC", "Apache Spark", "Apache Kafka",
                                  "Feast", "Tecton", "drift detection", "Evidently AI", "WhyLogs", "Prometheus",
                                  "quantization", "pruning", "knowledge distillation", "A/B testing", "PyTorch"])
def test_builtin_taxonomy_has_the_design_card_terms(name: str) -> None:
    assert builtin_taxonomy().get(name) is not None, name


def test_builtin_taxonomy_has_aliases_for_acronyms() -> None:
    tax = builtin_taxonomy()
    k8s = tax.index[("k8s",)]
    assert k8s[0].term.name == "Kubernetes"


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "extra.csv"
    p.write_text(text, encoding="utf-8")
    return p


def test_user_taxonomy_adds_and_overrides_terms(tmp_path: Path) -> None:
    p = write(tmp_path, "term,category,aliases,flags\n"
                        "Acme Flow,mlops,acmeflow|acme-flow,\n"
                        "Kubernetes,infrastructure,k8s|kube|kubes,\n"
                        "Feast,,,off\n".replace("Feast,,,off", "Feast,data_feature_stores,,off"))
    tax = load_taxonomy(p)
    assert tax.get("Acme Flow") is not None
    assert tax.get("Kubernetes") is not None and "kubes" in tax.get("Kubernetes").aliases  # type: ignore[union-attr]
    assert tax.get("Feast") is None
    assert len(tax) == len(builtin_taxonomy())  # one added, one replaced, one removed


def test_check_reports_every_problem_with_its_line(tmp_path: Path) -> None:
    p = write(tmp_path, "term,category,aliases,flags\n"
                        "# a comment line\n"
                        "Good Tool,mlops,gt,\n"
                        ",mlops,,\n"                        # line 4: empty term
                        "Other,Bad Category,,\n"           # line 5: category
                        "Third,mlops,,shiny\n"             # line 6: flag
                        "Good Tool,mlops,,\n"              # line 7: duplicate
                        "Fourth,mlops,k8s,\n"              # line 8: alias of a built-in term
                        "Fifth,mlops\n"                    # line 9: columns
                        "Sixth,mlops,a||b,\n")             # line 10: empty alias
    problems = check_taxonomy(p)
    lines = [pr.line for pr in problems]
    assert lines == [4, 5, 6, 7, 8, 9, 10]
    assert "empty" in problems[0].message
    assert "lower_snake_case" in problems[1].message
    assert "shiny" in problems[2].message
    assert "line 3" in problems[3].message
    assert "Kubernetes" in problems[4].message
    assert "4 columns" in problems[5].message


def test_load_refuses_a_file_with_problems_and_names_it(tmp_path: Path) -> None:
    p = write(tmp_path, "term,category\nx,y\n")
    with pytest.raises(TaxonomyError) as err:
        load_taxonomy(p)
    assert str(p) in str(err.value)
    assert "cvscan taxonomy check" in str(err.value)
    assert err.value.problems[0].line == 1


def test_missing_taxonomy_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(FileMissingError, match="no such taxonomy file"):
        load_taxonomy(tmp_path / "nope.csv")


def test_empty_file_is_a_problem() -> None:
    assert parse_taxonomy("").problems[0].line == 1


def test_off_flag_must_name_a_builtin_term(tmp_path: Path) -> None:
    p = write(tmp_path, "term,category,aliases,flags\nNot A Real Term,mlops,,off\n")
    problems = check_taxonomy(p)
    assert len(problems) == 1 and problems[0].line == 2


# The general layer: ESCO/O*NET terms behind the ML list, loaded through a generated key index.

def test_shipped_general_index_matches_a_rebuild() -> None:
    from scanner.taxonomy import GENERAL_FILE, GENERAL_INDEX_FILE, _package_text, general_index_text
    csv_text = _package_text(GENERAL_FILE)
    assert _package_text(GENERAL_INDEX_FILE) == general_index_text(csv_text), (
        "general_index.tsv is stale: run python keyword_lists/tools/build_general_index.py")
    parsed = parse_taxonomy(csv_text)
    assert parsed.problems == ()
    from scanner.taxonomy import general_layer
    assert len(general_layer()) == len(parsed.terms) > 15_000


def test_general_index_spans_bound_every_key_and_an_old_index_is_refused() -> None:
    from scanner.taxonomy import GeneralLayer, TaxonomyError, general_index_text
    csv_text = ("term,category,aliases,flags\nmachine learning operations,mlops,MLOps|ml ops platform,\n"
                "machine vision,ml,,\nrust,language,,\n")
    layer = GeneralLayer(csv_text, general_index_text(csv_text))
    spans = layer.spans()
    # The longest key under each first token, and under each first two tokens.
    assert spans["machine"] == 3 and spans["machine learning"] == 3 and spans["machine vision"] == 2
    assert spans["ml"] == 3 and spans["ml ops"] == 3 and spans["rust"] == 1 and "vision" not in spans
    assert ("machine", "vision") in layer and layer.entries(("rust",))[0].term.name == "rust"
    old = general_index_text(csv_text).split("#spans")[0]  # the format before the span lines
    with pytest.raises(TaxonomyError, match="build_general_index"):
        GeneralLayer(csv_text, old)


def test_general_terms_for_any_occupation_and_the_ml_list_keeps_priority() -> None:
    tax = builtin_taxonomy()
    assert len(tax) > 17_000
    for name in ("accounting", "Intuit QuickBooks", "first aid", "carpentry"):
        assert tax.get(name) is not None, name
    # "Excel" is a form of both lists: the hand-curated ML term answers, with its case-sensitive flag.
    (entry,) = tax.index[("excel",)]
    assert entry.term.category == "data_engineering" and entry.term.case_sensitive
    assert tax.get("PyTorch").category == "dl_frameworks"  # type: ignore[union-attr]
    assert ("quickbook",) in tax.index or ("quickbooks",) in tax.index


def test_a_user_file_overrides_and_removes_general_terms(tmp_path: Path) -> None:
    base = builtin_taxonomy()
    assert base.get("first aid") is not None and base.get("carpentry") is not None
    p = write(tmp_path, "term,category,aliases,flags\n"
                        "first aid,safety,CPR and first aid,\n"
                        "carpentry,skill,,off\n")
    tax = load_taxonomy(p)
    assert tax.get("first aid").category == "safety"  # type: ignore[union-attr]
    assert tax.get("carpentry") is None
    assert ("carpentry",) not in tax.index
    assert len(tax) == len(base) - 1


def test_general_terms_are_found_in_an_ad() -> None:
    from scanner.matching import find_terms
    lines = ["Keep the books with QuickBooks and run payroll.", "First aid certificate required."]
    found = find_terms(lines, builtin_taxonomy())
    assert "Intuit QuickBooks" in found and "first aid" in found


def test_all_terms_lists_both_layers_once() -> None:
    tax = builtin_taxonomy()
    names = [t.name for t in tax.all_terms()]
    assert len(names) == len(tax)
    assert "PyTorch" in names and "Intuit QuickBooks" in names


def test_tab_pairs_reads_generated_lines_and_names_a_broken_one() -> None:
    from scanner.taxonomy import TaxonomyError, tab_pairs
    assert tab_pairs("machine learning\t3:0\nrust\t7:0,9:1\n", "x.tsv", 2, "rebuild it") == {
        "machine learning": "3:0", "rust": "7:0,9:1"}
    assert tab_pairs("", "x.tsv", 2, "rebuild it") == {}
    for body, line in (("a\t1\nb\n", 3), ("a\t1\tx\nb\t2\n", 2), ("a\t1\n\n", 3)):
        with pytest.raises(TaxonomyError) as caught:
            tab_pairs(body, "x.tsv", 2, "rebuild it")
        assert caught.value.problems[0].line == line and "rebuild it" in str(caught.value)


def test_a_loaded_taxonomy_names_its_content(tmp_path: Path) -> None:
    # Work derived from a taxonomy (a cached analysis's term categories) is reused only under the same one.
    assert load_taxonomy().fingerprint == builtin_taxonomy().fingerprint == "builtin"
    first = load_taxonomy(write(tmp_path, "term,category,aliases,flags\nAcme Flow,mlops,acmeflow,\n"))
    again = load_taxonomy(tmp_path / "extra.csv")
    assert first.fingerprint is not None and first.fingerprint.startswith("builtin+")
    assert again.fingerprint == first.fingerprint
    other = tmp_path / "other" / "extra.csv"
    other.parent.mkdir()
    other.write_text("term,category,aliases,flags\nAcme Flow,mlops,acmeflow|acme-flow,\n", encoding="utf-8")
    assert load_taxonomy(other).fingerprint not in (None, first.fingerprint, "builtin")
    assert Taxonomy(builtin_taxonomy().terms).fingerprint is None
