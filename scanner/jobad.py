"""Job-ad analysis: the ad's weighted terms, its title, and the years and degree it asks for.

Terms come from two places: taxonomy hits, and the ad's own salient phrases (tools missing from the
taxonomy still count), found as technical-looking names and list items that are rare in the background
corpus of job ads. Each term's importance comes from where it occurs: under "Requirements" / "must have"
it is required; under "Nice to have" / "Bonus" / "preferred" it is preferred.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from .matching import find_terms
from .normalize import fold, tokenize, word_key
from .records import DEGREE_LEVELS, Importance, JobPosting, JobTerm
from .similarity import STOP_WORDS, idf, max_idf
from .taxonomy import Taxonomy

# Context of a stretch of the ad, and the weight a term gets there.
REQUIRED, NEUTRAL, PREFERRED, PERIPHERAL = "required", "neutral", "preferred", "peripheral"
CONTEXT_WEIGHT = {REQUIRED: 1.0, NEUTRAL: 0.8, PREFERRED: 0.5, PERIPHERAL: 0.3}
PHRASE_CATEGORY = "ad_phrase"
MAX_PHRASES = 12
# A term used in every kind of job still counts this much of a specific one.
# A term's weight is multiplied by its specificity squared (floored): an ad's generic tools ("Microsoft Excel",
# listed for most occupations) weigh a tenth of its specialist ones, so they barely move the score.
SPECIFICITY_POWER = 2.0
SPECIFICITY_FLOOR = 0.05

_HEADINGS: dict[str, tuple[str, ...]] = {
    REQUIRED: (
        "requirements", "required qualifications", "minimum qualifications", "basic qualifications",
        "qualifications", "required skills", "must have", "must-haves", "must haves", "what you'll need",
        "what you need", "what you will need", "what you'll bring", "what you bring", "what we're looking for",
        "what we are looking for", "who you are", "about you", "your profile", "you have", "you should have",
        "essential", "essential skills", "skills and experience", "experience", "required skills",
        "key skills", "skills", "required", "you'll have", "you will have", "the ideal candidate",
    ),
    PREFERRED: (
        "preferred qualifications", "preferred skills", "preferred experience", "nice to have",
        "nice-to-have", "nice to haves", "bonus points", "bonus", "pluses", "desirable", "desired skills",
        "good to have", "extra credit", "it's a plus if", "preferred", "ideally", "even better",
    ),
    NEUTRAL: (
        "responsibilities", "key responsibilities", "what you'll do", "what you will do", "the role",
        "about the role", "role overview", "your role", "duties", "the job", "job description",
        "what to expect", "day to day", "in this role", "about the job", "overview",
    ),
    PERIPHERAL: (
        "benefits", "what we offer", "perks", "about us", "who we are", "about the company", "our company",
        "compensation", "equal opportunity", "salary", "why join us", "pay range", "the team",
    ),
}
_SENTENCE_PREFERRED = re.compile(
    r"\b(nice to have|is a plus|a big plus|are a plus|a plus\b|preferred|bonus|ideally|desirable|"
    r"would be great|good to have|familiarity with|exposure to|not required)\b", re.I)
_SENTENCE_PERIPHERAL = re.compile(
    r"\b(headquartered|founded in|our customers|customers include|organizations? (?:worldwide|around the world)|"
    r"trusted by|fortune \d+|equal opportunity|without regard|race|religion|gender identity|sexual orientation|"
    r"veteran|disability|benefits|salary|compensation|pay range|insurance|401\(?k|paid time off|pto|"
    r"accommodation|visa sponsorship|background check)\b", re.I)
_SENTENCE_REQUIRED = re.compile(r"\b(must|required|requires|essential|mandatory|minimum of|at least)\b", re.I)

_HEADING_ALT = "|".join(
    sorted((re.escape(h).replace("'", "['’]") for hs in _HEADINGS.values() for h in hs), key=len, reverse=True)
)
_HEADING_AT = re.compile(rf"(?<![\w'’])({_HEADING_ALT})(?![\w'’])\s*:?", re.I)
_HEADING_OF = {fold(h): ctx for ctx, hs in _HEADINGS.items() for h in hs}
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])|\s*[•·▪●◦■]\s*|;\s+")

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15,
}
_YEARS = re.compile(
    r"\b(\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen)"
    r"\s*(?:\+|plus)?\s*(?:(?:-|–|to)\s*\d{1,2}\s*\+?\s*)?(?:\(\d{1,2}\)\s*)?(?:years?|yrs?)\b", re.I)
# (level, spelled-out forms matched in any case, acronyms matched case-sensitively: "MS" yes, "ms" no)
_DEGREES: tuple[tuple[str, re.Pattern[str], re.Pattern[str] | None], ...] = (
    ("phd", re.compile(r"\b(ph\.?\s?d|doctorate|doctoral degree|doctor of)\b", re.I), None),
    ("master", re.compile(r"\b(master'?s|masters|m\.s\.|m\.sc|mba|m\.eng|graduate degree)\b", re.I),
     re.compile(r"\b(MS|MSc|MA|MBA|MEng)\b(?!\s+(?:Office|Excel|Word|SQL|Project|Access|Teams|Dynamics))")),
    ("bachelor", re.compile(
        r"\b(bachelor'?s|bachelors|b\.s\.|b\.sc|b\.a\.|b\.eng|b\.tech|undergraduate degree|"
        r"4-year degree|four-year degree|college degree|university degree)\b", re.I),
     re.compile(r"\b(BS|BA|BSc|BEng|BTech)\b")),
    ("associate", re.compile(r"\b(associate'?s? degree|associate of)\b", re.I), None),
    ("high_school", re.compile(r"\b(high school|ged|secondary school)\b", re.I), None),
)
TITLE_NOUNS = frozenset(
    ["engineer", "engineers", "scientist", "scientists", "manager", "managers", "developer", "developers", "analyst", "analysts", "designer", "designers", "specialist", "specialists", "accountant", "accountants", "chef", "chefs", "cook", "cooks", "nurse", "nurses", "teacher", "teachers", "consultant", "consultants", "architect", "architects", "lead", "director", "directors", "officer", "officers", "coordinator", "coordinators", "administrator", "administrators", "technician", "technicians", "assistant", "assistants", "representative", "representatives", "associate", "intern", "writer", "writers", "editor", "editors", "planner", "planners", "advocate", "advocates", "attorney", "attorneys", "lawyer", "lawyers", "clerk", "clerks", "driver", "drivers", "operator", "operators", "agent", "agents", "executive", "executives", "instructor", "instructors", "trainer", "trainers", "therapist", "therapists", "pharmacist", "physician", "physicians", "mechanic", "mechanics", "electrician", "electricians", "supervisor", "supervisors", "head", "researcher", "researchers", "programmer", "programmers", "recruiter", "recruiters", "buyer", "buyers", "strategist", "strategists", "producer", "producers", "artist", "artists", "photographer", "pilot", "pilots", "auditor", "auditors", "controller", "economist", "statistician", "banker", "bankers", "cashier", "receptionist", "secretary", "paralegal", "counselor", "counsellor", "advisor", "adviser", "superintendent", "inspector", "inspectors", "installer", "installers", "worker", "workers", "aide", "aides", "owner", "expert", "practitioner"]
)
_TITLE_EXPLICIT = re.compile(r"^\s*(?:job title|title|position|role)\s*:\s*(.+)$", re.I | re.M)
_TITLE_SOUGHT = re.compile(
    r"(?:looking for|seeking|hiring|to hire|searching for|join us as)\s+(?:an?|the|our)?\s*(?:[a-z][\w-]*\s+){0,3}"
    r"((?:[A-Z][\w/+&.-]*\s+){0,6}?[A-Z][\w/+&.-]*)", re.M)
_CAPITALISED_RUN = re.compile(r"(?:[A-Z][\w/+&.-]*[\s,]+(?:and\s+|of\s+|&\s+)?){0,6}[A-Z][\w/+&.-]*")


@dataclass(frozen=True, slots=True)
class _Segment:
    text: str
    context: str


def _segments(text: str) -> list[_Segment]:
    """Split the ad into sentences, each labelled with the context its heading (or its own cue) sets."""
    out: list[_Segment] = []
    context = NEUTRAL
    for raw in text.split("\n"):
        line = raw.strip()
        if not line:
            continue
        pieces: list[tuple[int, str]] = []  # (position, heading context or "")
        for m in _HEADING_AT.finditer(line):
            words = m.group(1).split()
            at_start = line[: m.start()].strip(" -*#•·:>|") == ""
            whole_line = line[m.end() :].strip(" :.") == ""
            titled = all(w[:1].isupper() or w.lower() in {"to", "you", "a", "of", "we", "and", "the"} for w in words)
            inline_heading = titled and words[0][:1].isupper() and (len(words) > 1 or m.group(0).endswith(":"))
            if (at_start and (whole_line or m.group(0).endswith(":"))) or inline_heading:
                pieces.append((m.start(), _HEADING_OF.get(fold(m.group(1)).replace("’", "'"), NEUTRAL)))
                pieces.append((m.end(), ""))
        bounds = sorted({0, len(line), *(p for p, _ in pieces)})
        ctx_at = {p: c for p, c in pieces if c}
        for a, b in itertools.pairwise(bounds):
            if a in ctx_at:
                context = ctx_at[a]
                continue
            for sentence in _SENTENCE_SPLIT.split(line[a:b]):
                s = sentence.strip(" -*#:>|")
                if not s:
                    continue
                here = context
                if _SENTENCE_PERIPHERAL.search(s):
                    here = PERIPHERAL
                elif _SENTENCE_PREFERRED.search(s):
                    here = PREFERRED
                elif _SENTENCE_REQUIRED.search(s) and context in (NEUTRAL, PERIPHERAL):
                    here = REQUIRED
                out.append(_Segment(s, here))
    return out


def _years(segments: Sequence[_Segment]) -> float | None:
    best: dict[bool, float] = {}
    for seg in segments:
        for m in _YEARS.finditer(seg.text):
            tail = seg.text[m.end() : m.end() + 70].lower()
            head = seg.text[max(0, m.start() - 40) : m.start()].lower()
            if "experience" not in tail and "experience" not in head:
                continue
            if re.search(r"\b(old|ago|age|warranty|company|history|founded)\b", tail[:20]):
                continue
            word = m.group(1).lower()
            n = float(word) if word.isdigit() else float(_NUMBER_WORDS[word])
            if 0 < n <= 30:
                key = seg.context != PREFERRED
                best[key] = max(best.get(key, 0.0), n)
    if True in best:
        return best[True]
    return best.get(False)


def _degree(segments: Sequence[_Segment]) -> str | None:
    """The lowest degree the ad mentions: "BS or MS" means a bachelor's is enough."""
    levels = [
        DEGREE_LEVELS.index(level)
        for seg in segments
        for level, spelled, acronym in _DEGREES
        if spelled.search(seg.text) or (acronym is not None and acronym.search(seg.text))
    ]
    return DEGREE_LEVELS[min(levels)] if levels else None


def _looks_like_title(words: Sequence[str]) -> bool:
    return bool(words) and words[-1].lower().strip(",.()") in TITLE_NOUNS


def _title(text: str) -> str | None:
    m = _TITLE_EXPLICIT.search(text)
    if m:
        return m.group(1).strip()[:120]
    lines = [ln.strip(" #*\t") for ln in text.split("\n") if ln.strip(" #*\t")]
    if lines:
        first = lines[0]
        words = first.split()
        plain = len(words) <= 10 and not first.endswith((".", "!", "?")) and fold(first) not in _HEADING_OF
        if plain and (any(w.lower().strip(",.()") in TITLE_NOUNS for w in words) or len(words) <= 6):
            return first[:120]
    head = text[:1500]
    for m in _TITLE_SOUGHT.finditer(head):
        words = m.group(1).split()
        while words and not _looks_like_title(words):
            words.pop()
        if words:
            return " ".join(words)
    for m in _CAPITALISED_RUN.finditer(head):
        words = m.group().replace(",", " ").split()
        for end in range(len(words), 0, -1):
            if _looks_like_title(words[:end]) and end >= 2:
                return " ".join(words[:end])
    return None


_CAPS = r"[A-Z][\w&.'’-]*"
_COMPANY = re.compile(
    rf"\b(?:[Aa]t|[Jj]oin|[Aa]bout|[Ww]ith)\s+({_CAPS}(?:\s+{_CAPS}){{0,3}})"
    rf"|\b({_CAPS}(?:\s+{_CAPS}){{0,3}})(?:['’]s\b|\s+(?:is|are)\s+(?:a|an|the|on|building|hiring)\b"
    rf"|,?\s+(?:Inc|Ltd|LLC|GmbH|plc|Corp)\b)")
_PLACE = re.compile(r"\b(?:in|at|near|from|based in|located in|across)\s+$", re.I)
_STRONG = re.compile(r"[a-z][A-Z]|[A-Za-z]\d|\d[A-Za-z]|[+#]$")


@functools.cache
def not_skills() -> frozenset[str]:
    """Capitalised words that are never a skill (keyword_lists/not_skills.txt), as matching keys."""
    text = (resources.files("scanner.keyword_lists") / "not_skills.txt").read_text(encoding="utf-8")
    return frozenset(word_key(w.strip().casefold()) for w in text.splitlines() if w.strip() and not w.startswith("#"))


def _is_strong(surface: str) -> bool:
    """Looks like a product or tool name by its shape: CamelCase, letters with digits, C++/C#."""
    return bool(_STRONG.search(surface)) and sum(c.isalpha() for c in surface) >= 2


def _salient_phrases(segments: Sequence[_Segment], taken: set[str], title: str | None,
                     ) -> dict[tuple[str, ...], tuple[str, list[str]]]:
    """Names of tools and skills in the ad that the taxonomy does not know.

    A candidate is a run of capitalised tokens (at most three) that does not open a sentence and is rare in
    the background corpus. Shape-evident names (CamelCase, digits, C++) count anywhere; plain capitalised
    words and acronyms count only inside a list ("Tools: Alteryx, Epic, Tableau") or when the ad repeats
    them, since a lone capitalised word is as likely a place, a company or a heading. Returns key ->
    (display form, context of each occurrence).
    """
    text = "\n".join(s.text for s in segments)
    companies = {t.key for m in _COMPANY.finditer(text) for x in m.groups() if x for t in tokenize(x)}
    blocked = taken | companies | not_skills() | {t.key for t in tokenize(title or "")}
    rare = max_idf() * 0.55
    found: dict[tuple[str, ...], tuple[str, list[str], bool]] = {}
    for seg in segments:
        if seg.context == PERIPHERAL:
            continue
        toks = tokenize(seg.text)
        i = 0
        while i < len(toks):
            tok = toks[i]
            starts_sentence = i == 0 or seg.text[toks[i - 1].end : tok.start].strip() in (".", ":", "!", "?")
            capital = tok.surface[:1].isupper() or _is_strong(tok.surface)
            if not capital or (starts_sentence and not _is_strong(tok.surface)):
                i += 1
                continue
            j = i + 1
            while (j < len(toks) and j - i < 3 and (toks[j].surface[:1].isupper() or _is_strong(toks[j].surface))
                   and seg.text[toks[j - 1].end : toks[j].start] in (" ", "-", ".")):
                j += 1
            span = toks[i:j]
            i = j
            keys = tuple(t.key for t in span)
            if any(k in blocked or k in STOP_WORDS for k in keys) or sum(c.isalpha() for c in keys[0]) < 2:
                continue
            before = seg.text[: span[0].start].rstrip()
            after = seg.text[span[-1].end :].lstrip()
            if _PLACE.search(seg.text[max(0, span[0].start - 12) : span[0].start]):
                continue
            strong = any(_is_strong(t.surface) for t in span)
            plain_word = len(span) == 1 and not strong and not span[0].surface.isupper()
            if plain_word and span[0].folded.endswith(("ing", "ed", "ly", "ive", "ful", "al")):
                continue  # a capitalised verb or adjective, not a name
            if max(idf(k) for k in keys) < rare:
                continue
            # A list item stands whole between separators: "Tools: Alteryx, Epic, Tableau".
            item = before.endswith((",", ":", "(", "/", ";")) or after.startswith((",", ")", "/", ";")) or (
                before.endswith((" and", " or")) and before[:-4].rstrip().endswith(tuple(",")))
            entry = found.setdefault(keys, (" ".join(t.surface for t in span), [], False))
            entry[1].append(seg.context)
            if strong or item:
                found[keys] = (entry[0], entry[1], True)
    return {k: (d, ctx) for k, (d, ctx, ok) in found.items() if ok or len(ctx) >= 2}


def specificity(term: str) -> float:
    """How specific a term is to few kinds of job, 0-1, from the background corpus's document frequencies.

    "Microsoft Excel" appears in most occupations and tells little about fit; "bookkeeping" or "PyTorch"
    tells much. The rarest of the term's words and word pairs decides.
    """
    keys = [t.key for t in tokenize(term)]
    feats = keys + [f"{a} {b}" for a, b in itertools.pairwise(keys)]
    if not feats:
        return 1.0
    return min(1.0, max(idf(f) for f in feats) / max_idf())


def _weight(contexts: Sequence[str], term: str) -> tuple[Importance, float]:
    best = max(CONTEXT_WEIGHT[c] for c in contexts)
    importance: Importance = "required" if best >= CONTEXT_WEIGHT[NEUTRAL] else "preferred"
    spec = max(SPECIFICITY_FLOOR, specificity(term) ** SPECIFICITY_POWER)
    return importance, round(best * (1.0 + 0.3 * math.log(len(contexts))) * spec, 4)


def analyze_job(text: str, taxonomy: Taxonomy, *, source: str = "job ad") -> JobPosting:
    """Analyse a job ad's text: weighted terms, title, years and degree asked."""
    segments = _segments(text)
    title = _title(text)
    lines = [s.text for s in segments]
    hits = find_terms(lines, taxonomy)
    terms: list[JobTerm] = []
    taken: set[str] = set()
    for name, occs in hits.items():
        term = occs[0].term
        importance, weight = _weight([segments[o.line].context for o in occs], name)
        terms.append(JobTerm(name, term.category, importance, weight, len(occs), "taxonomy"))
        for o in occs:
            taken.update(t.key for t in tokenize(o.surface))
    phrases = _salient_phrases(segments, taken, title)
    ranked = sorted(phrases.items(), key=lambda kv: (-len(kv[1][1]), -max(idf(k) for k in kv[0]), kv[1][0]))
    for _key, (display, contexts) in ranked[:MAX_PHRASES]:
        importance, weight = _weight(contexts, display)
        terms.append(JobTerm(display, PHRASE_CATEGORY, importance, round(weight * 0.6, 4), len(contexts), "phrase"))
    terms.sort(key=lambda t: (-t.weight, t.term.lower()))
    return JobPosting(
        source=source,
        title=title,
        years_required=_years(segments),
        degree_required=_degree(segments),
        terms=tuple(terms),
        text=text,
    )
