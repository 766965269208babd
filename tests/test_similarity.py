"""The background TF-IDF model agrees with scikit-learn's TfidfVectorizer."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import pytest
from conftest import FIXTURES
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics.pairwise import cosine_similarity

from scanner.similarity import STOP_WORDS, TF_CAP, BackgroundModel, analyze, background_model, text_similarity

DOCS = [
    "We are hiring a Machine Learning Engineer to build PyTorch models and serve them with Triton.",
    "Retail store manager: scheduling, inventory management and customer service for a busy store.",
    "Data scientist with SQL, Python, statistics and A/B testing; dashboards in Tableau.",
    "Chef de partie: prepare sauces, manage the pass, keep the kitchen clean and safe.",
]
PAIRS = [
    ("Built PyTorch models served on Triton with low latency", "Machine Learning Engineer, PyTorch, Triton serving"),
    ("Managed inventory and scheduling for a retail store", "Store manager: inventory, customer service"),
    ("Prepared sauces in a busy kitchen", "Data scientist, SQL and statistics"),
]


@pytest.mark.parametrize(("a", "b"), PAIRS)
def test_cosine_equals_scikit_learn(a: str, b: str) -> None:
    ours = BackgroundModel(DOCS)
    ref = TfidfVectorizer(analyzer=analyze, sublinear_tf=True, dtype=np.float64).fit(DOCS)
    m = ref.transform([a, b])
    expected = float(cosine_similarity(m[0], m[1])[0, 0])
    got = sum(v * ours.vector(b, tf_cap=None).get(f, 0.0) for f, v in ours.vector(a, tf_cap=None).items())
    assert got == pytest.approx(expected, abs=1e-9)
    names = ref.get_feature_names_out()
    for name, value in zip(names, ref.idf_, strict=True):
        assert ours.idf(name) == pytest.approx(value)


def test_background_model_weights_boilerplate_low_and_tools_high() -> None:
    model = background_model()
    assert model.n_documents > 1000
    assert model.idf("experience") < model.idf("pytorch") <= model.unseen_idf
    assert model.idf("team") < model.idf("kubernete")  # keys are singular: "kubernetes" -> "kubernete"


def test_similarity_ranks_related_texts_higher() -> None:
    ml = "Machine learning engineer: PyTorch, model serving, Kubernetes, MLflow, drift detection"
    assert text_similarity(ml, "Deployed PyTorch models on Kubernetes with MLflow tracking") > text_similarity(
        ml, "Managed a retail store team and weekly rotas")
    assert text_similarity("", ml) == 0.0


def test_shipped_frequencies_match_the_corpus() -> None:
    from scanner.similarity import _shipped_frequencies, background_documents, document_frequencies

    n, df = document_frequencies(background_documents())
    shipped_n, shipped = _shipped_frequencies()
    assert (shipped_n, {f: int(c) for f, c in shipped.items()}) == (n, dict(df)), "run keyword_lists/tools/build_df.py after editing the corpus"


def test_keyword_stuffing_stops_paying_off() -> None:
    ad = "Machine learning engineer: PyTorch, Kubernetes, MLflow, drift detection, model serving"
    honest = "Built PyTorch models. Served them on Kubernetes. Tracked runs in MLflow."
    stuffed = honest + " PyTorch" * 4
    very_stuffed = honest + " PyTorch" * 60
    assert text_similarity(stuffed, ad) == pytest.approx(text_similarity(very_stuffed, ad))


def test_the_idf_cache_keeps_only_corpus_features() -> None:
    # A worker scans thousands of CVs: words the corpus lacks (names, employers) must not pile up in memory.
    model = BackgroundModel(["python docker", "python kubernetes", "sales team"])
    first = model.vector("Ana Zebrowska python docker Zebrowska Consulting")
    assert set(first) == {"python", "docker", "python docker"}
    assert set(model._idf) == {"python", "docker", "python docker"}
    for i in range(200):
        model.vector(f"candidate{i} surname{i} python")
    assert set(model._idf) == {"python", "docker", "python docker"}
    assert model.vector("Ana Zebrowska python docker Zebrowska Consulting") == first
    assert model.idf("zebrowska") == model.unseen_idf


def _vector_of_every_feature(model: BackgroundModel, text: str) -> dict[str, float]:
    """The vector as analyze(text) defines it: every feature counted, the corpus's kept (no vocabulary)."""
    counts = Counter(analyze(text))
    vec = {f: (1.0 + math.log(min(c, TF_CAP))) * w for f, c in counts.items() if (w := model._known_idf(f)) is not None}
    norm = math.sqrt(sum(v * v for v in vec.values()))
    return {f: v / norm for f, v in vec.items()} if norm else {}


def test_the_shipped_corpus_makes_bigrams_only_of_its_own_words() -> None:
    # vector() leaves out words the corpus lacks before it makes bigrams: that is exact only because a corpus
    # analysed by analyze() makes each of its bigrams from two words it kept.
    model = background_model()
    features = model._df
    assert any(" " in f for f in features)
    assert all(w in features for f in features if " " in f for w in f.split(" "))
    assert not any(f in STOP_WORDS or f.isdigit() or len(f) < 2 for f in features if " " not in f)


@pytest.mark.parametrize("name", ["cv_plain.txt", "cv_java_developer.txt", "cv_markdown.md", "job_store_manager.txt"])
def test_vector_from_the_corpus_words_is_the_vector_of_every_feature(name: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    model = background_model()
    fast = model.vector(text)
    assert len(fast) > 20
    # The same features in the same order with the same weights, bit for bit (the reports stay the same).
    assert list(fast.items()) == list(_vector_of_every_feature(model, text).items())
    assert analyze(text, model._df) != analyze(text)  # the vocabulary did leave features out
