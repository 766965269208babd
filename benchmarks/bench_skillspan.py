#!/usr/bin/env python3
"""Job-ad keyword extraction measured against SkillSpan's knowledge spans (Zhang et al., NAACL 2022).

Usage: python benchmarks/bench_skillspan.py --data PATH/TO/skillspan/dev.json [--taxonomy FILE]

SkillSpan is JSON lines: one job-posting sentence per line (``tokens``, ``tags_knowledge`` in BIO, ``idx`` the
posting). Sentences of one posting are joined into one ad, as cvscan sees ads.

Two extractors, measured in the same run on the same sentences:
  cvscan     ``scanner.analyze_job`` on the whole posting (taxonomy terms through aliases, spellings and
             plurals, plus the ad's own salient tool names), then every occurrence of those terms located
             in each sentence by cvscan's matcher;
  exact      a plain lookup: the canonical name of every taxonomy term, matched case-insensitively as a
             whole run of tokens, no aliases and no normalisation (what a simple keyword list does).

Both compare hard skills and tools only (soft skills are SkillSpan "skill" spans, not "knowledge"), and
SkillSpan's anonymisation placeholders ("<LOCATION>", "<CONTACT>") are blanked first: real ads have none.

Matching rule: a predicted span is correct when it overlaps a gold knowledge span by at least one token;
precision = correct predictions / predictions, recall = gold spans overlapped by a prediction / gold spans.
The strict variant (same first and last token) is printed too.
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

from scanner import analyze_job, load_taxonomy
from scanner.matching import find_terms
from scanner.pipeline import _job_terms_taxonomy
from scanner.taxonomy import SOFT, Taxonomy

Span = tuple[int, int]  # token start, end (exclusive)


def _blank(token: str) -> str:
    return "_" if token.startswith("<") and token.endswith(">") else token


def gold_spans(tags: Sequence[str]) -> list[Span]:
    spans: list[Span] = []
    start = None
    for i, tag in enumerate([*tags, "O"]):
        if tag == "B" or tag == "O" or (tag == "I" and start is None):
            if start is not None:
                spans.append((start, i))
            start = i if tag in ("B", "I") else None
    return spans


def char_to_token(tokens: Sequence[str]) -> list[int]:
    """Token index of each character of ' '.join(tokens) (spaces belong to the token before)."""
    out: list[int] = []
    for i, tok in enumerate(tokens):
        out.extend([i] * (len(tok) + 1))
    return out


def locate(sentence: str, tokens: Sequence[str], surfaces: Iterable[str]) -> list[Span]:
    """Token spans of the given surface strings in the sentence (every occurrence)."""
    index = char_to_token(tokens)
    spans: list[Span] = []
    for surface in set(surfaces):
        start = sentence.find(surface)
        while start >= 0:
            end = start + len(surface) - 1
            if end < len(index):
                spans.append((index[start], index[end] + 1))
            start = sentence.find(surface, start + 1)
    return spans


def cvscan_spans(sentences: Sequence[Sequence[str]], taxonomy: Taxonomy) -> list[list[Span]]:
    texts = [" ".join(toks) for toks in sentences]
    job = analyze_job("\n".join(texts), taxonomy)
    wanted = _job_terms_taxonomy(job, taxonomy)
    found = find_terms(texts, wanted)
    per_sentence: dict[int, list[str]] = defaultdict(list)
    for occs in found.values():
        for o in occs:
            if o.term.category == SOFT:
                continue
            per_sentence[o.line].append(o.surface)
    return [locate(texts[i], sentences[i], per_sentence.get(i, ())) for i in range(len(sentences))]


def exact_spans(sentences: Sequence[Sequence[str]], names: dict[tuple[str, ...], str], longest: int) -> list[list[Span]]:
    out: list[list[Span]] = []
    for toks in sentences:
        low = [t.lower() for t in toks]
        spans: list[Span] = []
        for i in range(len(low)):
            for n in range(min(longest, len(low) - i), 0, -1):
                if tuple(low[i : i + n]) in names:
                    spans.append((i, i + n))
                    break
        out.append(spans)
    return out


def score(pred: Sequence[Sequence[Span]], gold: Sequence[Sequence[Span]]) -> dict[str, float]:
    n_pred = sum(len(p) for p in pred)
    n_gold = sum(len(g) for g in gold)

    def overlaps(a: Span, b: Span) -> bool:
        return a[0] < b[1] and b[0] < a[1]

    tp_pred = sum(1 for p, g in zip(pred, gold, strict=True) for s in p if any(overlaps(s, x) for x in g))
    tp_gold = sum(1 for p, g in zip(pred, gold, strict=True) for x in g if any(overlaps(s, x) for s in p))
    strict_tp = sum(len(set(p) & set(g)) for p, g in zip(pred, gold, strict=True))
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    sp = strict_tp / n_pred if n_pred else 0.0
    sr = strict_tp / n_gold if n_gold else 0.0
    sf = 2 * sp * sr / (sp + sr) if sp + sr else 0.0
    return {"predicted": n_pred, "gold": n_gold, "precision": precision, "recall": recall, "f1": f1, "strict_f1": sf}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", required=True, type=Path, help="SkillSpan dev.json (JSON lines)")
    ap.add_argument("--taxonomy", help="a user taxonomy file to add, as with cvscan --taxonomy")
    args = ap.parse_args()
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    postings: dict[tuple[str, int], list[dict[str, list[str]]]] = defaultdict(list)
    for row in rows:
        postings[(row["source"], row["idx"])].append(row)
    taxonomy = load_taxonomy(args.taxonomy)
    names = {tuple(t.name.lower().split()): t.name for t in taxonomy.all_terms() if t.category != SOFT}
    longest = max(len(k) for k in names)
    gold: list[list[Span]] = []
    ours: list[list[Span]] = []
    exact: list[list[Span]] = []
    for sents in postings.values():
        toks = [[_blank(t) for t in r["tokens"]] for r in sents]
        gold += [gold_spans(r["tags_knowledge"]) for r in sents]
        ours += cvscan_spans(toks, taxonomy)
        exact += exact_spans(toks, names, longest)
    print(f"SkillSpan {args.data.name}: {len(rows)} sentences in {len(postings)} postings, "
          f"{sum(len(g) for g in gold)} knowledge spans; taxonomy of {len(taxonomy)} terms")
    for label, pred in (("cvscan", ours), ("exact ", exact)):
        s = score(pred, gold)
        print(f"{label}  P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  (strict F1 {s['strict_f1']:.3f}; "
              f"{s['predicted']:.0f} predicted)")


if __name__ == "__main__":
    main()
