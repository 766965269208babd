"""Suggested rewrites of a CV's own lines, ranked by their likely effect; they never invent facts.

:func:`suggest` reads the CV's lines (as :class:`~scanner.records.Document.lines`), its structure, the job ad
and the keyword matches, and returns :class:`~scanner.records.Suggestion` records. Each quotes one real line
of the CV (stripped) and offers a rewrite that keeps the candidate's own words, numbers and names: whatever
the rewrite needs and the line does not say is a ``[placeholder]`` in square brackets. Missing keywords are
placed in a bracket too, with "add only if true" when no line shows related work.

Line rules (one suggestion per line, all its problems fixed together): weak openers, passive voice, first
person, buzzwords and bot phrases, vague adjectives, mixed UK/US spelling, present tense in a finished job,
over-long bullets and bullets without a measurable result. For machine-learning roles also: production
signals the CV never gives (deployment, serving figures, monitoring, retraining, rollback, product impact)
and lines listing many architectures without a served model.
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from importlib import resources

from .matching import find_terms, join_wrapped
from .normalize import IRREGULAR_PAST, key_words, lacks_words, line_cache, word_runs
from .records import CVStructure, Document, JobPosting, KeywordHit, LogicalLine, MissingKeyword, Suggestion
from .scoring import WEIGHTS
from .taxonomy import SOFT, Taxonomy, load_taxonomy

#: Expected effect of each kind of suggestion on how a reader (and the score) sees the CV; suggestions are
#: ranked by these (a line's kinds add up), missing keywords by the score points they could add.
KIND_EFFECT: Mapping[str, float] = {
    "production_signal": 6.0,
    "bot_phrase": 4.0,
    "architecture_list": 4.0,
    "weak_opener": 3.5,
    "no_result": 3.0,
    "buzzword": 2.5,
    "passive_voice": 2.0,
    "first_person": 2.0,
    "vague_adjective": 2.0,
    "mixed_tense": 1.5,
    "long_bullet": 1.5,
    "spelling_mix": 1.0,
}
KINDS: tuple[str, ...] = (*KIND_EFFECT, "missing_keyword")

ML_CATEGORIES = frozenset({"dl_frameworks", "classical_ml", "llm_genai", "serving_inference", "mlops",
                           "ml_concepts", "optimization", "evaluation", "monitoring"})
# Categories that show work on a model itself (monitoring and evaluation terms also describe plain software).
_MODEL_CATEGORIES = frozenset({"dl_frameworks", "classical_ml", "llm_genai", "serving_inference", "mlops",
                               "ml_concepts"})
_ML_TITLE = re.compile(r"\b(machine learning|ml|mlops|ai|deep learning|data scien\w*|computer vision|nlp|"
                       r"applied scientist|research scientist)\b", re.I)
MIN_ML_TERMS = 4  # an ad naming this many ML terms is an ML role even when its title does not say so
MAX_MISSING = 8
MAX_SUGGESTIONS = 30  # the rest are lower-ranked repeats of the same advice
MAX_SIGNALS = 3  # placeholders added to one line; the reason names every missing signal
LONG_WORDS = 35
MIN_BULLET_WORDS = 4
_BULLET_SECTIONS = frozenset({"experience", "projects"})
_PROSE_SECTIONS = frozenset({"experience", "projects", "summary"})
_BULLET = re.compile(r"^(?:[•·▪●◦‣■□➢➤►*–-]|\d{1,2}[.)])\s+")
_WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")
_NUMBER = re.compile(r"\d")
_NUMBER_WORDS = frozenset({
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
    "twenty", "thirty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million", "millions",
    "billion", "dozen", "dozens", "double", "doubled", "half", "halved", "tripled", "percent",
})  # fmt: skip
# Buzzwords that are ordinary technical words outside a summary ("dynamic pricing", "diverse datasets").
_SUMMARY_ONLY = frozenset({"dynamic", "disruptive", "diverse", "visionary"})
# Common CV verbs that are not in action_verbs.txt, so that tense fixes know their past form.
_EXTRA_PAST = ("Prepared", "Communicated", "Ensured", "Arranged", "Provided", "Supported", "Assisted",
               "Handled", "Processed", "Served", "Answered", "Greeted", "Tracked", "Scheduled", "Updated",
               "Reported", "Worked", "Helped", "Participated", "Answered", "Ordered", "Received", "Created",
               "Collected", "Prepared", "Responded", "Assessed", "Promoted", "Used", "Operated", "Oversaw",
               "Taught", "Answered", "Explained", "Followed", "Verified", "Checked", "Cleaned", "Filed",
               "Attended", "Participated", "Contributed", "Wrote", "Read", "Maintained", "Posted", "Applied")
# Verbs whose past tense is spelt like the present: a bullet starting with one is not a tense slip.
_SAME_PAST = frozenset({"forecast", "cut", "set", "put", "read", "spread", "broadcast", "cast", "hit", "shut",
                        "lead"})
_PARTICIPLES = frozenset({"built", "run", "led", "written", "made", "done", "given", "taken", "chosen",
                          "shown", "grown", "kept", "sent", "held", "brought", "taught", "driven", "rebuilt"})
# Passive forms that are normal on a CV: honours and facts about the candidate, not hidden actions.
_PASSIVE_OK = frozenset({"awarded", "promoted", "selected", "invited", "nominated", "recognized", "recognised",
                         "named", "elected", "based", "located", "required", "expected", "born", "accepted",
                         "admitted", "certified", "licensed", "licenced", "shortlisted", "granted", "funded",
                         "published", "featured", "interested", "involved", "tasked", "supposed"})
_PASSIVE = re.compile(r"^(?P<subj>[^,;:]{2,60}?)\s+(?:was|were|has been|have been|had been|got)\s+"
                      r"(?P<pp>[A-Za-z]+)\b(?P<rest>.*)$")
_ARTICLE = re.compile(r"^(?:The|A|An|All|Our|My|Each|Every|Both|These|This|Those|That)\b")
_PLACEHOLDER = re.compile(r"\[[^\[\]]*\]")
_LABEL = re.compile(r"^[^:]{1,30}:\s")  # "Tools: ..." opens a list, not an achievement
_ML_MODEL = re.compile(r"(?<!role )(?<!business )(?<!operating )\bmodels?\b", re.I)
_RESULT = "[result with a number: by X% / for N users / in N days]"


# --- data -------------------------------------------------------------------------------------------------


def _data_lines(name: str) -> list[str]:
    src = resources.files("scanner.keyword_lists") / name
    return [ln.rstrip("\n") for ln in src.read_text(encoding="utf-8").splitlines()
            if ln.strip() and not ln.startswith("#")]


def _csv_rows(name: str) -> list[list[str]]:
    rows = list(csv.reader(_data_lines(name)))
    return rows[1:]  # header


@functools.cache
def weak_phrases() -> dict[str, tuple[str, str]]:
    """phrase -> (kind, advice) from weak_phrases.csv."""
    return {r[0].strip().lower(): (r[1].strip(), r[2].strip()) for r in _csv_rows("weak_phrases.csv") if len(r) >= 3}


@functools.cache
def phrase_rewrites() -> dict[str, str]:
    """phrase -> plain replacement from phrase_rewrites.csv ('' deletes the phrase)."""
    return {r[0].strip().lower(): (r[1].strip() if len(r) > 1 else "") for r in _csv_rows("phrase_rewrites.csv")}


@functools.cache
def action_verbs() -> frozenset[str]:
    """The strong past-tense verbs of action_verbs.txt, lower case."""
    return frozenset(v.strip().lower() for v in _data_lines("action_verbs.txt"))


@functools.cache
def _past_of() -> dict[str, str]:
    """Base and third-person forms of known verbs -> their past tense (lower case)."""
    table: dict[str, str] = {}
    for past in sorted(action_verbs() | {v.lower() for v in _EXTRA_PAST}):
        if past.endswith("ied"):
            bases = [past[:-3] + "y"]
        elif past.endswith("ed"):
            bases = [past[:-1], past[:-2]]
            if len(past) > 4 and past[-3] == past[-4]:
                bases.append(past[:-3])
        else:
            continue
        for base in bases:
            table.setdefault(base, past)
    table.update(IRREGULAR_PAST)
    third = {}
    for base, past in table.items():
        if base.endswith("y") and base[-2:-1] not in "aeiou":
            third[base[:-1] + "ies"] = past
        elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
            third[base + "es"] = past
        else:
            third[base + "s"] = past
    return {**third, **table}


@functools.cache
def _uk_us() -> tuple[dict[str, str], dict[str, str]]:
    pairs = [r.split("\t") for r in _data_lines("spelling_uk_us.tsv")][1:]
    uk_to_us = {p[0].strip(): p[1].strip() for p in pairs if len(p) >= 2}
    # US forms that are also correct UK words in another sense prove nothing (see keyword_lists/README.md).
    ambiguous = {"program", "programs", "license", "licenses", "licensed", "licensing", "meter", "meters",
                 "analog", "check", "checks", "draft", "drafts", "tire", "tires", "curb", "story", "stories"}
    us_to_uk = {us: uk for uk, us in uk_to_us.items() if us not in ambiguous and us not in uk_to_us}
    return uk_to_us, us_to_uk


@functools.cache
def _signal_cues() -> dict[str, tuple[str, ...]]:
    """signal -> its cues as written in ml_production_signals.csv, lower case (a trailing ``*``: any ending)."""
    out: dict[str, list[str]] = {}
    for row in _csv_rows("ml_production_signals.csv"):
        out.setdefault(row[0].strip(), []).append(row[1].strip().lower())
    return {k: tuple(v) for k, v in out.items()}


@functools.cache
def _signal_pattern(signal: str) -> re.Pattern[str]:
    """Any cue of the signal: one pass over a text instead of one per cue."""
    bodies = (re.escape(cue.rstrip("*")) + (r"\w*" if cue.endswith("*") else "") for cue in _signal_cues()[signal])
    return re.compile(rf"(?<![\w/])(?:{'|'.join(bodies)})(?![\w/])", re.I)


@functools.cache
def _architectures() -> re.Pattern[str]:
    names = sorted(_data_lines("ml_architectures.txt"), key=len, reverse=True)
    alt = "|".join(re.escape(n) for n in names)
    return re.compile(rf"(?<![\w-])(?:{alt})s?(?![\w-])", re.I)


@functools.cache
def _architecture_words() -> frozenset[str] | None:
    return key_words(_data_lines("ml_architectures.txt"), plural=True)  # the pattern allows a plural "s"


@functools.cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.I)


@functools.cache
def _phrase_key(phrase: str) -> str | None:
    """The word of a phrase that :func:`~scanner.normalize.lacks_words` looks for (None: the phrase is not
    ASCII, so it is always searched)."""
    words = key_words((phrase,))
    return next(iter(words)) if words else None


@functools.cache
def _phrases_by_key(kinds: frozenset[str], in_summary: bool) -> dict[str, tuple[re.Pattern[str], ...]] | None:
    """The patterns of the weak phrases of these kinds by their key word; None when one has none."""
    by_key: dict[str, list[re.Pattern[str]]] = {}
    for phrase, _, _, pattern in _phrases_of(kinds, in_summary):
        key = _phrase_key(phrase)
        if key is None:
            return None
        by_key.setdefault(key, []).append(pattern)
    return {key: tuple(patterns) for key, patterns in by_key.items()}


def _has_phrase(kinds: frozenset[str], in_summary: bool, text: str) -> bool:
    """Whether a weak phrase of these kinds occurs in the text.

    In ASCII text a phrase can occur only where its key word is a whole word (see
    :func:`~scanner.normalize.lacks_words`): most lines hold no phrase's key word and need no search, and the
    rest are searched for the few phrases whose key word they hold, not with the long pattern of them all.
    """
    by_key = _phrases_by_key(kinds, in_summary)
    if by_key is None or not text.isascii():
        return _any_phrase(kinds, in_summary).search(text) is not None
    return any(p.search(text) for key in by_key.keys() & word_runs(text) for p in by_key[key])


def _may_have(phrase: str, text: str, runs: frozenset[str] | None) -> bool:
    """False when the phrase surely does not occur in the text (``runs``: its :func:`_runs_if_ascii`)."""
    key = _phrase_key(phrase)
    return runs is None or key is None or key in runs


def _runs_if_ascii(text: str) -> frozenset[str] | None:
    """The text's :func:`word_runs` as a set (a long text gives a list, and each phrase asks about it), or None
    when the text is not ASCII."""
    return frozenset(word_runs(text)) if text.isascii() else None


@functools.cache
def _any_phrase(kinds: frozenset[str], in_summary: bool) -> re.Pattern[str]:
    """Matches where any weak phrase of these kinds would: most lines have none, and one search of the line
    tells so instead of one search per phrase."""
    phrases = sorted((phrase for phrase, _, _, _ in _phrases_of(kinds, in_summary)), key=len, reverse=True)
    if not phrases:
        return re.compile(r"(?!)")
    return re.compile(rf"(?<![\w-])(?:{'|'.join(re.escape(p) for p in phrases)})(?![\w-])", re.I)


# --- helpers ----------------------------------------------------------------------------------------------


def placeholders(text: str) -> list[str]:
    """The ``[placeholder]`` spans of a rewrite."""
    return _PLACEHOLDER.findall(text)


def without_placeholders(text: str) -> str:
    """A rewrite with its placeholders removed: what it states as the candidate's own facts."""
    return _PLACEHOLDER.sub(" ", text)


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _keep_case(old: str, new: str) -> str:
    if not new or new.startswith("["):
        return new
    if old.isupper() and len(old) > 1:
        return new.upper()
    return _cap(new) if old[:1].isupper() else new


def _swap(new: str, m: re.Match[str]) -> str:
    return _keep_case(m.group(), new)


_TIDY = tuple((re.compile(pattern), repl) for pattern, repl in (
    (r"\s+([,.;:!?)])", r"\1"), (r"([,;:])\1+", r"\1"), (r"\(\s*\)", ""), (r"^[,;:.\s-]+", "")))


@line_cache(maxsize=1024)  # a rewrite is tidied by its rule and again when lines are compared
def _tidy(text: str) -> str:
    text = " ".join(text.split())
    for pattern, repl in _TIDY:
        # Most lines need none of these: a search (all in C) tells so, where sub with a template such as
        # r"\1" first runs Python code to read the template on every call.
        if pattern.search(text):
            text = pattern.sub(repl, text)
    return _cap(text)


@line_cache(maxsize=2048)
def _words(text: str) -> tuple[str, ...]:
    # Several rules count the words of the same line. Lines only: the cache outlives the scan.
    return tuple(_WORD.findall(text))


def _has_number(text: str) -> bool:
    return bool(_NUMBER.search(text)) or not _NUMBER_WORDS.isdisjoint(map(str.lower, _words(text)))


def _past(word: str) -> str | None:
    return _past_of().get(word.lower())


def _gerund_past(word: str) -> str | None:
    w = word.lower()
    if not w.endswith("ing") or len(w) < 6:
        return None
    stem = w[:-3]
    for base in (stem, stem + "e", stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else ""):
        if base and base in _past_of() and not base.endswith("s"):
            return _past_of()[base]
    return None


# --- the lines of a CV ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CVLine:
    """One physical line of the CV, with the logical line (bullet) it belongs to."""

    index: int  # into Document.lines
    text: str  # the line stripped: what a suggestion quotes
    body: str  # without its bullet mark
    logical: str  # the whole bullet or sentence it starts or continues
    first: bool  # the first physical line of its logical line
    section: str | None
    bullet: bool  # looks like an achievement bullet (not a title, date or list line)

    @property
    def single(self) -> bool:
        """The bullet fits on this one physical line."""
        return _fits_one_line(self.logical, self.body)


def _fits_one_line(logical: str, body: str) -> bool:
    """Whether a logical line is all on its first physical line (``body``: that line without its bullet mark)."""
    return _BULLET.sub("", logical).strip() == body.strip()


def sections_by_line(structure: CVStructure, count: int) -> list[str | None]:
    """The section of each of a document's ``count`` lines (None before the first heading and outside
    sections)."""
    sections: list[str | None] = [None] * count
    for s in structure.sections:
        for i in range(s.start_line, min(s.end_line, len(sections))):
            sections[i] = s.name
    return sections


def logical_lines(doc: Document, structure: CVStructure) -> tuple[LogicalLine, ...]:
    """The CV's logical lines (:func:`~scanner.matching.join_wrapped`, a section heading always starting a new
    one), each with whether it reads as an achievement bullet. They depend on the CV alone: a scan works them
    out once (:func:`scanner.pipeline.analyse_cv`), for the matcher and for the rewrites."""
    lines = doc.lines  # made from the text at each use
    sections = sections_by_line(structure, len(lines))
    headings = {s.start_line for s in structure.sections}
    dated = {r.line for r in structure.date_ranges}
    titles = {t.casefold() for t in structure.titles}
    out: list[LogicalLine] = []
    for first, text in join_wrapped(lines, breaks=headings):
        words = _words(text)
        caps = sum(1 for w in words if w[:1].isupper())
        bullet = (sections[first] in _BULLET_SECTIONS and first not in headings and first not in dated
                  and len(words) >= MIN_BULLET_WORDS and "|" not in text and text.casefold() not in titles
                  and caps < 0.7 * len(words) and text[:1] not in "(["
                  and not _LABEL.match(_BULLET.sub("", text)))
        out.append(LogicalLine(first, text, bullet))
    return tuple(out)


def cv_lines(doc: Document, structure: CVStructure,
             logical: Sequence[LogicalLine] | None = None) -> list[CVLine]:
    """The CV's non-empty lines with their section and logical line (``logical``: :func:`logical_lines` of the
    CV, if known)."""
    if logical is None:
        logical = logical_lines(doc, structure)
    lines = doc.lines
    sections = sections_by_line(structure, len(lines))
    headings = {s.start_line for s in structure.sections}
    out: list[CVLine] = []
    for k, ll in enumerate(logical):
        end = logical[k + 1].first if k + 1 < len(logical) else len(lines)
        for i in range(ll.first, end):
            raw = lines[i].strip()
            if not raw or i in headings:
                continue
            out.append(CVLine(i, raw, _BULLET.sub("", raw), ll.text, i == ll.first, sections[i], ll.bullet))
    return out


# --- line rules -------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Draft:
    line: CVLine
    text: str
    kinds: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def note(self, kind: str, reason: str) -> None:
        if kind not in self.kinds:
            self.kinds.append(kind)
            self.reasons.append(reason)


_WEAK_OPENER = frozenset({"weak_opener"})
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|me|my|myself)\b")


def _first_person(d: _Draft) -> None:
    text = d.text
    if not _FIRST_PERSON.search(text):
        return
    text = re.sub(r"^I(?:'m| am| have|'ve)?\s+(\w)", lambda m: m.group(1).upper(), text)
    text = re.sub(r"([.;!?]\s+)I(?:'m| am| have|'ve)?\s+(\w)", lambda m: m.group(1) + m.group(2).upper(), text)
    text = re.sub(r"(,|\band)\s+I(?:'m| am| have|'ve)?\s+", r"\1 ", text)
    text = re.sub(r"\b[Mm]y\b", "the", text)
    text = re.sub(r"\bmyself\b", "", text)
    d.text = _tidy(text)
    if re.search(r"\b(?:I|I'm|I've|me)\b", d.text):
        d.note("first_person", "CVs leave out 'I' and 'me': rephrase this line to start with the action")
    else:
        d.note("first_person", "CVs leave out 'I' and 'my': start with the action")


def _weak_opener(d: _Draft) -> None:
    if not _has_phrase(_WEAK_OPENER, True, d.text):
        return
    runs = _runs_if_ascii(d.text)
    for phrase, _, advice, pattern in _phrases_of(_WEAK_OPENER, True):
        m = pattern.search(d.text) if _may_have(phrase, d.text, runs) else None
        if not m:
            continue
        before, after = d.text[: m.start()], d.text[m.end():].lstrip()
        at_start = not before.strip()
        nxt = after.split(" ", 1)
        past = _gerund_past(nxt[0]) if nxt[0] else None
        helped = re.match(r"^(?:to\s+)?(\w+)\b(.*)$", after) if phrase == "helped" else None
        if helped and helped.group(1).lower().endswith("s") and not helped.group(1).lower().endswith("ss"):
            helped = None  # "helped" takes a bare verb ("helped build"); "helped reports" names a thing
        team = re.match(r"^(?P<who>.{2,40}?)\s+(?:with|on|in)\s+(?P<what>.+?)[.]?$", after)
        if (phrase in {"helped", "worked with", "assisted"} and at_start and team
                and not (helped and _past(helped.group(1)))):
            link = "with" if phrase == "worked with" else "for"
            d.text = _tidy(f"[your own part: e.g. built, ran, automated] {team.group('what')} {link} {team.group('who')}")
            d.note("weak_opener", f"'{phrase}' hides what you did. {advice}")
            return
        if past:
            verb, rest = past, nxt[1] if len(nxt) > 1 else ""
        elif helped and _past(helped.group(1)) and helped.group(1).lower() not in {"the", "a", "an"}:
            verb, rest = _past(helped.group(1)) or "", helped.group(2)
        else:
            verb, rest = "[your own action: e.g. built, ran, improved]", after
        new = f"{before}{_cap(verb) if at_start else verb} {rest}"
        d.text = _tidy(new)
        d.note("weak_opener", f"'{phrase}' hides what you did. {advice}")
        return


def _passive(d: _Draft) -> None:
    m = _PASSIVE.match(d.text)
    if not m:
        return
    pp = m.group("pp")
    low = pp.lower()
    if (low in _PASSIVE_OK or not (low.endswith("ed") or low in _PARTICIPLES)
            or re.match(r"(?i)^(?:under|in|at|during|with|by|after|for|from|on|as|when|while)\b", m.group("subj"))):
        return
    # The subject must be a short noun phrase, not a clause ("Followed checklists to verify that all parts").
    if len(m.group("subj").split()) > 6 or re.search(r"(?i)\b(?:that|which|who|whom|whose|where|to|if|because)\b",
                                                     m.group("subj")):
        return
    subj = m.group("subj")
    if _ARTICLE.match(subj):
        subj = subj[0].lower() + subj[1:]
    rest = re.sub(r"\s+by\s+(?:me|myself)\b", "", m.group("rest"))
    d.text = _tidy(f"{_cap(pp)} {subj}{rest}")
    d.note("passive_voice", "passive voice hides who did the work: start with your verb")


@functools.cache
def _phrases_of(kinds: frozenset[str], in_summary: bool) -> tuple[tuple[str, str, str, re.Pattern[str]], ...]:
    """The weak phrases of these kinds, in the list's order, each with its kind, advice and pattern."""
    return tuple((phrase, kind, advice, _phrase_pattern(phrase)) for phrase, (kind, advice) in weak_phrases().items()
                 if kind in kinds and (in_summary or phrase not in _SUMMARY_ONLY))


def _phrases(d: _Draft, kinds: Iterable[str], in_summary: bool) -> None:
    wanted = frozenset(kinds)
    seen, runs = None, None  # the text last looked at (the rewrites below change it) and its word runs
    for phrase, kind, advice, pat in _phrases_of(wanted, in_summary) if _has_phrase(wanted, in_summary, d.text) else ():
        if d.text is not seen:
            seen, runs = d.text, _runs_if_ascii(d.text)
        if not _may_have(phrase, d.text, runs) or not pat.search(d.text):
            continue
        repl = phrase_rewrites().get(phrase, "")
        if repl:
            d.text = _tidy(pat.sub(functools.partial(_swap, repl), d.text))
        else:
            # A deleted adjective can leave "a engineer" or "an data scientist": fix the article before it.
            gone = re.compile(rf"(?:\b(?P<art>[Aa]n?)\s+)?{pat.pattern}\s*(?P<next>\w?)", re.I)

            def drop(m: re.Match[str]) -> str:
                art, nxt = m.group("art"), m.group("next")
                if not art:
                    return nxt
                vowel = nxt.lower() in {"a", "e", "i", "o"}
                return (art[0] + ("n" if vowel else "")) + " " + nxt

            d.text = _tidy(gone.sub(drop, d.text))
        d.note(kind, f"'{phrase}': {advice}")
    example = "[one concrete example with a number]"
    if d.kinds and example not in d.text and len(_words(without_placeholders(d.text))) < 3:
        d.text = _tidy(f"{d.text} {example}")


def _spelling(d: _Draft, swap: Mapping[str, str], target: str) -> None:
    if swap.keys().isdisjoint(map(str.lower, _words(d.text))):
        return  # no word of the line to respell (most lines): the substitution below would change nothing
    changed: list[str] = []

    def repl(m: re.Match[str]) -> str:
        word = m.group()
        new = swap.get(word.lower())
        if new is None:
            return word
        changed.append(word)
        return _keep_case(word, new)

    d.text = _WORD.sub(repl, d.text)
    if changed:
        d.note("spelling_mix", f"the CV mixes UK and US spelling; most of it is {target}: "
               + ", ".join(sorted(set(changed))))


def _tense(d: _Draft) -> None:
    m = re.match(r"^(\w+)(\s+(?:and|&)\s+(\w+))?\b", d.text)
    if not m:
        return
    past = _past(m.group(1))
    if not past:
        return
    second = m.group(3)
    joined = ""
    if second:
        past2 = _past(second)
        joined = f" {m.group(2).split()[0]} {past2 or second}"
    d.text = _cap(past) + joined + d.text[m.end():]
    d.note("mixed_tense", "this job has ended and your other bullets use the past tense: use it here too")


def _long(d: _Draft) -> None:
    words = len(_words(d.line.logical))
    if words <= LONG_WORDS:
        return
    if d.line.single:
        text = d.text
        cuts = [m.end() for m in re.finditer(r";\s+|,\s+(?:and|which|while|including)\s+|\.\s+(?=[A-Z])", text)]
        if cuts:
            mid = len(text) / 2
            cut = min(cuts, key=lambda c: abs(c - mid))
            a, b = text[:cut].rstrip(" ,;."), text[cut:]
            b = re.sub(r"^(?:and|which|while|including)\s+", "", b)
            d.text = f"{a}. • {_cap(b)}"
        else:
            d.text = f"{text} [split into two bullets of under 25 words]"
    else:
        d.text = f"{d.text} [split this bullet into two of under 25 words]"
    d.note("long_bullet", f"{words} words: recruiters skim; keep a bullet under about 25 words")


def _no_result(d: _Draft) -> None:
    if _has_number(d.line.logical) or _has_number(d.text):
        return
    continues = not d.line.single
    base = d.text.rstrip(" .;")
    d.text = f"{base} … {_RESULT}" if continues else f"{base}, {_RESULT}"
    d.note("no_result", "no measurable result: say what changed and by how much (fill in only real figures)")


# --- document-level facts ---------------------------------------------------------------------------------


def _spelling_plan(doc: Document, job: JobPosting) -> tuple[dict[str, str], str]:
    """Words to change so the CV uses one spelling, and which one it is; empty when not mixed."""
    uk_to_us, us_to_uk = _uk_us()
    words = list(map(str.lower, _WORD.findall(doc.text)))  # not _words: its cache must never hold a whole CV
    uk = sum(map(uk_to_us.__contains__, words))
    us = sum(map(us_to_uk.__contains__, words))
    if not uk or not us:
        return {}, ""
    if uk == us:
        ad = [w.lower() for w in _words(job.text)]
        uk, us = sum(1 for w in ad if w in uk_to_us), sum(1 for w in ad if w in us_to_uk)
    if uk > us:
        return dict(us_to_uk), "UK"
    return dict(uk_to_us), "US"


def _tense_lines(lines: Sequence[CVLine], structure: CVStructure) -> set[int]:
    """First lines of bullets in a finished job that start in the present tense, when the CV also uses past."""
    starts = {ln.index: _words(ln.body)[:1] for ln in lines if ln.bullet and ln.first}

    def is_past(w: str) -> bool:
        lw = w.lower()
        return lw in action_verbs() or lw in IRREGULAR_PAST.values() or (lw.endswith("ed") and len(lw) > 4)

    def is_present(w: str) -> bool:
        lw = w.lower()
        return lw in _past_of() and not is_past(w) and w[:1].isupper() and lw not in _SAME_PAST

    if not any(is_past(w[0]) for w in starts.values() if w):
        return set()
    ranges = sorted(structure.date_ranges, key=lambda r: r.line)
    out: set[int] = set()
    for idx, first in starts.items():
        if not first or not is_present(first[0]):
            continue
        job = [r for r in ranges if r.line < idx]
        if job and job[-1].end is not None:
            out.add(idx)
    return out


def is_ml_role(job: JobPosting) -> bool:
    """An ML role: by its title, or by how many ML terms the ad names."""
    if job.title and _ML_TITLE.search(job.title):
        return True
    return sum(1 for t in job.terms if t.source == "taxonomy" and t.category in ML_CATEGORIES) >= MIN_ML_TERMS


# --- suggestions ------------------------------------------------------------------------------------------


def _line_suggestions(lines: Sequence[CVLine], doc: Document, structure: CVStructure,
                      job: JobPosting) -> list[tuple[float, int, Suggestion]]:
    swap, target = _spelling_plan(doc, job)
    tense = _tense_lines(lines, structure)
    out: list[tuple[float, int, Suggestion]] = []
    for ln in lines:
        if ln.section not in _PROSE_SECTIONS:
            continue
        d = _Draft(ln, ln.body)
        if ln.first:
            _weak_opener(d)
        _first_person(d)
        if ln.first and ln.bullet:
            _passive(d)
        _phrases(d, ("bot_phrase", "buzzword"), ln.section == "summary")
        _phrases(d, ("vague_adjective",), ln.section == "summary")
        if swap:
            _spelling(d, swap, target)
        if ln.index in tense and "weak_opener" not in d.kinds:
            _tense(d)
        if ln.first and ln.bullet:
            _long(d)
            _no_result(d)
        if not d.kinds or _tidy(d.text) == _tidy(ln.body):
            continue
        if not ln.first and ln.body[:1].islower():
            d.text = d.text[:1].lower() + d.text[1:]
        kinds = sorted(d.kinds, key=lambda k: -KIND_EFFECT[k])
        effect = sum(KIND_EFFECT[k] for k in d.kinds)
        out.append((effect, ln.index, Suggestion(kinds[0], ln.text, d.text, "; ".join(
            r.rstrip(".") for _, r in sorted(zip(d.kinds, d.reasons, strict=True), key=lambda kr: -KIND_EFFECT[kr[0]]))
            + ".", ln.section)))
    return out


_SIGNAL_TEXT = {
    "deployment": ("[deployed to production for N users]", "whether the model went to production"),
    "serving": ("[served at N req/s with p99 latency of N ms]", "how it is served (latency, throughput, cost)"),
    "monitoring": ("[monitored for drift, with alerts on a named metric]", "how it is monitored"),
    "retraining": ("[retrained every N weeks]", "how often it is retrained"),
    "rollback": ("[released by canary with rollback in N min]", "how a bad model is rolled back"),
    "product_impact": ("[lifting a product metric by X%]", "what it changed in the product"),
}


def _ml_line(lines: Sequence[CVLine], per_line: Mapping[int, AbstractSet[str]]) -> CVLine | None:
    def strength(ln: CVLine) -> int:
        # A bullet counts only with ML evidence from the taxonomy; the word "model" alone is not enough.
        ml = len(per_line.get(ln.index, set()) & _MODEL_CATEGORIES)
        if not ml:
            return 0
        # "model" as ML work, not "role model", "business model" or "data model" of a database.
        return ml + 2 if _ML_MODEL.search(ln.logical) else ml

    weak = _any_phrase(_WEAK_OPENER, True)
    cands = [ln for ln in lines if ln.bullet and ln.first and ln.single and strength(ln) > 0
             and not weak.match(ln.body)]
    return max(cands, key=lambda ln: (ln.section == "experience", strength(ln), len(ln.body), -ln.index),
               default=None)


def _ml_suggestions(lines: Sequence[CVLine], doc: Document,
                    per_line: Mapping[int, AbstractSet[str]]) -> list[tuple[float, int, Suggestion]]:
    out: list[tuple[float, int, Suggestion]] = []
    body = "\n".join(ln.logical for ln in lines if ln.first and ln.section in _PROSE_SECTIONS)
    folded = body.lower()
    # The cues are lower-case literals (some with a word ending): the regex runs only where one occurs at all.
    has = {sig: any(cue.rstrip("*") in folded for cue in cues) and bool(_signal_pattern(sig).search(body))
           for sig, cues in _signal_cues().items()}
    absent = [s for s in _SIGNAL_TEXT if not has.get(s, False)]
    best = _ml_line(lines, per_line)
    if absent and best is not None:
        add = " ".join(_SIGNAL_TEXT[s][0] for s in absent[:MAX_SIGNALS])
        asks = "; ".join(_SIGNAL_TEXT[s][1] for s in absent)
        out.append((KIND_EFFECT["production_signal"] + len(absent) * 0.5, best.index, Suggestion(
            "production_signal", best.text, f"{best.body.rstrip(' .')}, {add}",
            f"ML hiring managers look for a model put into production, not just trained; the CV never says {asks}."
            " Fill in only what is true; drop a bracket you cannot back up.", best.section)))
    arch = _architectures()
    for ln in lines:
        if ln.section not in _PROSE_SECTIONS and ln.section != "skills":
            continue
        if lacks_words(_architecture_words(), ln.text):
            continue  # no architecture named (fewer than three)
        names = {m.group().lower().rstrip("s") for m in arch.finditer(ln.text)}
        if len(names) < 3 or ("serving" in _signal_cues() and _signal_pattern("serving").search(ln.logical)):
            continue
        first = next(m.group() for m in arch.finditer(ln.text))
        out.append((KIND_EFFECT["architecture_list"], ln.index, Suggestion(
            "architecture_list", ln.text,
            f"{ln.body.rstrip(' .')} → lead with the one model you served: [which of these, e.g. {first}] model "
            "[served to N users at N ms p99, and what it changed]",
            f"lists {len(names)} architectures without saying which one reached production; ML hiring managers "
            "filter for one model served over many trained.", ln.section)))
    return out


def line_categories(doc: Document, structure: CVStructure, logical: Sequence[LogicalLine],
                    taxonomy: Taxonomy) -> dict[int, frozenset[str]]:
    """By the index of its first line, the categories of the taxonomy terms on each logical line that a rule
    asks about: the one-line bullets (where related work is) and the skills lines. Terms are found line by
    line, so the other lines need no search; they depend on the CV and the taxonomy, not on the ad."""
    lines = doc.lines  # made from the text at each use
    sections = sections_by_line(structure, len(lines))
    headings = {s.start_line for s in structure.sections}
    asked: list[LogicalLine] = []
    for ll in logical:
        if ll.first in headings:  # a heading line is no CVLine (cv_lines), so no rule asks about it
            continue
        if sections[ll.first] == "skills" or (ll.bullet and _fits_one_line(ll.text, _BULLET.sub("", lines[ll.first].strip()))):
            asked.append(ll)
    per: dict[int, set[str]] = {}
    for occs in find_terms([ll.text for ll in asked], taxonomy).values():
        for o in occs:
            per.setdefault(asked[o.line].first, set()).add(o.term.category)
    return {index: frozenset(categories) for index, categories in per.items()}


def _missing_suggestions(lines: Sequence[CVLine], missing: Sequence[MissingKeyword], matched: Sequence[KeywordHit],
                         per_line: Mapping[int, AbstractSet[str]]) -> list[tuple[float, int, Suggestion]]:
    """Where each missing keyword would go: a line with related work, else the skills ("add only if true")."""
    hard_total = sum(h.weight for h in matched if h.category != SOFT) + sum(
        m.weight for m in missing if m.category != SOFT)
    soft_total = sum(h.weight for h in matched if h.category == SOFT) + sum(
        m.weight for m in missing if m.category == SOFT)
    work = [ln for ln in lines if ln.bullet and ln.first and ln.single]
    skills = [ln for ln in lines if ln.section == "skills" and ln.first]
    listing = [ln for ln in skills if len(per_line.get(ln.index, ())) or "," in ln.text] or skills
    ranked = sorted(missing, key=lambda m: (m.importance != "required", -m.weight, m.term.lower()))
    groups: dict[tuple[int, bool], list[tuple[float, MissingKeyword]]] = {}
    where: dict[int, CVLine] = {}
    for m in ranked[:MAX_MISSING]:
        soft = m.category == SOFT
        total = soft_total if soft else hard_total
        points = 100 * WEIGHTS["soft_skills" if soft else "hard_skills"] * m.weight / total if total else 0.0
        related = [ln for ln in work if m.category in per_line.get(ln.index, set())]
        if related:
            ln = max(related, key=lambda x: (x.section == "experience", -x.index))
        else:
            same = [x for x in listing if m.category in per_line.get(x.index, set())]
            if not (same or listing):
                continue
            ln = (same or listing)[0]
        where[ln.index] = ln
        groups.setdefault((ln.index, bool(related)), []).append((points, m))
    out: list[tuple[float, int, Suggestion]] = []
    for (index, near), items in groups.items():
        ln = where[index]
        terms = ", ".join(m.term for _, m in items)
        asked = "; ".join(f"'{m.term}' is {m.importance} in the ad ({m.job_count}×)" for _, m in items)
        one = len(items) == 1
        if near:
            label = ", ".join(sorted({m.category.replace("_", " ") for _, m in items}))
            text = f"{ln.body.rstrip(' .')} [+ {terms}, if you used {'it' if one else 'them'} here]"
            why = (f"{asked} and not in the CV; this line already shows related {label} work, so it is the natural"
                   " place to name it. Add only if true.")
        else:
            text = f"{ln.body.rstrip(' .,')}, [{terms}: add only if true]"
            why = f"{asked} and not in the CV; no line shows related work: add only if true."
        out.append((sum(p for p, _ in items), index, Suggestion("missing_keyword", ln.text, text, why, ln.section)))
    return out


def suggest(doc: Document, structure: CVStructure, job: JobPosting, matched: Sequence[KeywordHit],
            missing: Sequence[MissingKeyword], *, taxonomy: Taxonomy | None = None,
            logical: Sequence[LogicalLine] | None = None,
            categories: Mapping[int, AbstractSet[str]] | None = None) -> tuple[Suggestion, ...]:
    """Suggested rewrites of the CV's own lines, best first; each quotes a real line and invents nothing.
    ``logical``: :func:`logical_lines` of the CV, and ``categories``: :func:`line_categories` of it with this
    taxonomy, if known."""
    taxonomy = taxonomy or load_taxonomy()
    if logical is None:
        logical = logical_lines(doc, structure)
    lines = cv_lines(doc, structure, logical)
    per_line = categories if categories is not None else line_categories(doc, structure, logical, taxonomy)
    ranked = _line_suggestions(lines, doc, structure, job)
    if is_ml_role(job):
        ranked += _ml_suggestions(lines, doc, per_line)
    ranked += _missing_suggestions(lines, missing, matched, per_line)
    ranked.sort(key=lambda t: (-t[0], t[1], t[2].kind))
    seen: set[tuple[str, str]] = set()
    out: list[Suggestion] = []
    for _, _, s in ranked:
        if (s.kind, s.suggestion) not in seen:
            seen.add((s.kind, s.suggestion))
            out.append(s)
    return tuple(out[:MAX_SUGGESTIONS])


def clean_phrases(text: str, kinds: Iterable[str] = ("bot_phrase", "buzzword")) -> tuple[str, list[str]]:
    """A text with the weak phrases of the given kinds rewritten plainly, and the reason for each change."""
    d = _Draft(CVLine(0, text, text, text, True, "summary", False), text)
    _phrases(d, kinds, True)
    return d.text, d.reasons
