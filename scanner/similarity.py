"""TF-IDF against a background corpus of job ads shipped with the package.

The background corpus (``keyword_lists/background_jobs.txt``) gives document frequencies, so words that
every ad uses ("team", "experience", "competitive salary") weigh little and an ad's own rare terms weigh
much. The weighting is scikit-learn's ``TfidfVectorizer(sublinear_tf=True)`` exactly (smooth idf, l2
norm; ``tests/test_similarity.py`` checks the two agree), computed here on sparse dicts because importing
scikit-learn takes longer (about 1.5 s) than the rest of a scan.

The corpus's document frequencies are shipped precomputed in ``keyword_lists/background_df.tsv`` (counting
them costs a quarter of a second per process); ``keyword_lists/tools/build_df.py`` rewrites that file after the
corpus changes, and a test fails when the two disagree.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections import Counter
from collections.abc import Container, Iterable, Mapping, Sequence
from importlib import resources

from .matching import line_tokens
from .taxonomy import tab_pairs

# scikit-learn's ENGLISH_STOP_WORDS plus contraction fragments and abbreviations.
_STOP = """a about above across after afterwards again against all almost alone along already also although
always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere are around as
at back be became because become becomes becoming been before beforehand behind being below beside besides
between beyond bill both bottom but by call can cannot cant co con could couldnt cry de describe detail do done
down due during each eg eight either eleven else elsewhere empty enough etc even ever every everyone everything
everywhere except few fifteen fifty fill find fire first five for former formerly forty found four from front
full further get give go had has hasnt have he hence her here hereafter hereby herein hereupon hers herself him
himself his how however hundred i ie if in inc indeed interest into is it its itself keep last latter latterly
least less ltd made many may me meanwhile might mill mine more moreover most mostly move much must my myself name
namely neither never nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once
one only onto or other others otherwise our ours ourselves out over own part per perhaps please put rather re
same see seem seemed seeming seems serious several she should show side since sincere six sixty so some somehow
someone something sometime sometimes somewhere still such system take ten than that the their them themselves
then thence there thereafter thereby therefore therein thereupon these they thick thin third this those though
three through throughout thru thus to together too top toward towards twelve twenty two un under until up upon us
very via was we well were what whatever when whence whenever where whereafter whereas whereby wherein whereupon
wherever whether which while whither who whoever whole whom whose why will with within without would yet you your
yours yourself yourselves s t ll ve d m e g"""
STOP_WORDS: frozenset[str] = frozenset(_STOP.split())

Vector = Mapping[str, float]


def analyze(text: str, vocabulary: Container[str] | None = None) -> list[str]:
    """Unigram and bigram keys of a text, stop words removed (the same keys the matcher uses).

    ``vocabulary``: the features of a corpus analysed by this function. Only its words are then kept, and only
    bigrams of two of its words are made (the corpus has no other: it made each bigram from two words it kept);
    the features left out are those a lookup in the corpus would not find, and the rest come in the same order.
    """
    feats: list[str] = []
    for line in text.split("\n"):
        keys = [t.key for t in line_tokens(line)]
        if vocabulary is None:
            keep = [k if (k not in STOP_WORDS and not k.isdigit() and len(k) > 1) else None for k in keys]
        else:
            keep = [k if k in vocabulary else None for k in keys]
        feats += filter(None, keep)
        feats += [f"{a} {b}" for a, b in itertools.pairwise(keep) if a and b]
    return feats


def background_documents() -> list[str]:
    src = resources.files("scanner.keyword_lists") / "background_jobs.txt"
    with src.open(encoding="utf-8") as fh:
        return [ln.strip() for ln in fh if ln.strip() and not ln.startswith("#")]


DF_FILE = "background_df.tsv"
# A term repeated more often than this in one document weighs no more (keyword stuffing).
TF_CAP = 4


def document_frequencies(documents: Iterable[str]) -> tuple[int, Counter[str]]:
    """Number of documents and, per feature, how many documents contain it."""
    df: Counter[str] = Counter()
    n = 0
    for doc in documents:
        df.update(set(analyze(doc)))
        n += 1
    return n, df


def format_frequencies(n: int, df: Mapping[str, int]) -> str:
    lines = [f"# document frequencies of background_jobs.txt; made by keyword_lists/tools/build_df.py\n#n\t{n}\n"]
    lines += [f"{f}\t{c}\n" for f, c in sorted(df.items())]
    return "".join(lines)


def _shipped_frequencies() -> tuple[int, dict[str, str]]:
    # Counts stay strings until a feature is looked up: a document needs a few thousand of 60,000. The header
    # lines start with "#" (no feature does); every line below them is "feature<TAB>count".
    text = (resources.files("scanner.keyword_lists") / DF_FILE).read_text(encoding="utf-8")
    n = header = 0
    while text.startswith("#"):
        line, _, text = text.partition("\n")
        header += 1
        if line.startswith("#n\t"):
            n = int(line[3:])
    return n, tab_pairs(text, DF_FILE, header + 1, "rebuild it with keyword_lists/tools/build_df.py")


class BackgroundModel:
    """Document frequencies of a background corpus and the TF-IDF weighting they give.

    ``frequencies``, when given instead of ``documents``, are counts as :func:`document_frequencies` makes them
    (as the shipped file holds): a vector is built from the corpus's own words, which is exact only when each
    bigram's two words are features too.
    """

    def __init__(self, documents: Iterable[str] | None = None, *,
                 frequencies: tuple[int, Mapping[str, int | str]] | None = None) -> None:
        if frequencies is None:
            frequencies = document_frequencies(documents or ())
        n, df = frequencies
        self.n_documents = n
        self._df = df
        self._idf: dict[str, float] = {}
        self.unseen_idf = math.log(1 + n) + 1.0

    def _known_idf(self, feature: str) -> float | None:
        """Smooth idf as scikit-learn's, ln((1 + n) / (1 + df)) + 1; None for a feature the corpus lacks.

        Only the corpus's own features are remembered: the cache stays within the corpus's size and holds no
        word of a CV that the corpus lacks (names, employers), however many CVs a process scans.
        """
        value = self._idf.get(feature)
        if value is None:
            count = self._df.get(feature)
            if count is None:
                return None
            value = self._idf[feature] = math.log((1 + self.n_documents) / (1 + int(count))) + 1.0
        return value

    def idf(self, feature: str) -> float:
        value = self._known_idf(feature)
        return self.unseen_idf if value is None else value

    def vector(self, text: str, *, tf_cap: int | None = TF_CAP) -> dict[str, float]:
        """l2-normalised sublinear TF-IDF vector; features unseen in the background are ignored.

        Counts above ``tf_cap`` count as ``tf_cap``, so repeating a keyword (stuffing) stops paying off;
        ``tf_cap=None`` gives scikit-learn's weighting exactly.
        """
        counts = Counter(analyze(text, self._df))
        cap = tf_cap or max(counts.values(), default=1)
        known, idf = self._idf.get, self._known_idf  # most features' idf is remembered: a lookup, not a call
        vec = {f: (1.0 + math.log(min(c, cap))) * w for f, c in counts.items()
               if (w := known(f) or idf(f)) is not None}
        norm = math.sqrt(sum(v * v for v in vec.values()))
        return {f: v / norm for f, v in vec.items()} if norm else {}


def cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b.get(f, 0.0) for f, v in a.items())


@functools.cache
def background_model() -> BackgroundModel:
    """The model of the shipped corpus (loaded once per process)."""
    return BackgroundModel(frequencies=_shipped_frequencies())


def idf(feature: str) -> float:
    """Inverse document frequency of a key (or "a b" bigram) in the background corpus."""
    return background_model().idf(feature)


def max_idf() -> float:
    return background_model().unseen_idf


@functools.lru_cache(maxsize=16)
def _cached_vector(text: str) -> Mapping[str, float]:
    # The job ad side: a batch compares one ad with every CV, so its vector is made once.
    return background_model().vector(text)


def text_similarity(a: str, b: str) -> float:
    """Cosine similarity (0-1) of a text ``a`` (a CV) and ``b`` (a job ad) under the background TF-IDF weighting."""
    return cosine(background_model().vector(a), _cached_vector(b))


def cv_vector(text: str) -> tuple[tuple[str, float], ...]:
    """The background TF-IDF vector of a CV's text as (feature, weight) pairs, in the order it was built."""
    return tuple(background_model().vector(text).items())


def vector_similarity(cv: Sequence[tuple[str, float]], b: str) -> float:
    """:func:`text_similarity` for a CV whose :func:`cv_vector` is already known (the same figure exactly)."""
    return cosine(dict(cv), _cached_vector(b))

