#!/usr/bin/env python3
"""Build keyword_lists/general_skills.csv from ESCO skills and O*NET technology examples.

Maintainer script, never imported by cvscan. Run from the project root (it uses
``scanner.normalize.phrase_key`` so that collisions are judged exactly as the matcher judges them)
with the ``wordfreq`` package installed (``pip install wordfreq==3.1.1``; used to recognise ordinary
English words):

    python keyword_lists/tools/build_general.py ESCO_SKILLS_EN.csv ONET_TECHNOLOGY_SKILLS.tsv \
        -o keyword_lists/general_skills.csv

ESCO_SKILLS_EN.csv has the columns ``preferredLabel,altLabels,skillType`` (altLabels newline-separated);
ONET_TECHNOLOGY_SKILLS.tsv is O*NET's "Technology Skills" file (``O*NET-SOC Code, Example, Commodity
Code, Commodity Title, Hot Technology, In Demand``). Forms of ``ml_engineer.csv`` keep priority: a
general term whose name is also a form of the ML list is left out, and an alias that is one is dropped.
See keyword_lists/README.md for the filters and the attribution.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))

from scanner.normalize import phrase_key  # noqa: E402

try:
    from wordfreq import zipf_frequency
except ImportError:  # pragma: no cover - maintainer tool
    sys.exit("build_general.py needs the 'wordfreq' package: pip install wordfreq==3.1.1")

MAX_NAME_WORDS = 4  # canonical names
MAX_ALIAS_WORDS = 5
COMMON = 3.0  # Zipf frequency from which a word counts as ordinary English
VERY_COMMON = 4.0

# Vendor prefixes of O*NET examples: "Autodesk AutoCAD" is also written "AutoCAD".
VENDORS = (
    "The MathWorks", "Microsoft", "Oracle", "IBM", "Autodesk", "Adobe Systems", "Adobe", "SAP", "Sage",
    "Apache", "Apple", "Google", "Siemens", "ESRI", "RockWare", "LexisNexis", "Bentley", "Cadence",
    "Corel", "Trimble", "Cisco", "SunGard", "Symantec", "Infor", "Amazon", "Avid", "McKesson",
    "Mentor Graphics", "PTC", "Synopsys", "Intuit", "Atlassian", "Dassault Systemes", "SAS",
    "Thomson Reuters", "Thomson", "Salesforce", "Epic Systems", "Bloomberg", "Hewlett Packard", "HP",
    "Minitab", "Wolfram Research", "National Instruments", "Ansys", "ANSYS", "Schlumberger", "Novell",
    "Quest Software", "Blackbaud", "Cerner", "Allscripts", "Kronos", "Workday", "Zoho", "Meta",
)
# Bare product names that are ordinary words but, capitalised, almost always mean the product.
CASE_SHORT = {"Microsoft Word": "Word", "Microsoft Outlook": "Outlook", "Microsoft Teams": "Teams",
              "Apple Numbers": None, "Microsoft Project": None, "Microsoft Access": None}
# Vendor-less remainders that are not names on their own.
SHORT_DENY = {"Docs", "Sheets", "Slides", "Drive", "Forms", "Sites", "Keep", "Analytics", "Dynamics", "Notes",
              "Publisher", "Premiere", "Bridge", "Animate", "Audition", "Stock", "Fonts", "Connect", "Live",
              "Edge", "Photos", "Maps", "Mail", "Calendar", "Contacts", "Pages", "Numbers", "Keynote",
              "Classroom", "Meet", "Chat", "Groups", "Earth", "Translate", "Ads", "Search", "Cloud", "Store"}
# Extra aliases for frequent tools (CV spellings that the source does not list).
EXTRA_ALIASES = {
    "Microsoft Office": ["MS Office", "Microsoft Office Suite", "MS Office Suite", "Office 365", "Microsoft 365"],
    "Microsoft PowerPoint": ["MS PowerPoint", "PowerPoint", "Power Point"],
    "Microsoft Word": ["MS Word"],
    "Microsoft Outlook": ["MS Outlook"],
    "Microsoft Access": ["MS Access"],
    "Microsoft Project": ["MS Project"],
    "Microsoft Visio": ["MS Visio", "Visio"],
    "Microsoft SharePoint": ["MS SharePoint", "SharePoint"],
    "Microsoft Windows": ["MS Windows"],
    "Intuit QuickBooks": ["QuickBooks", "Quick Books"],
}
# ESCO single-word forms that are too vague on their own in a CV or an ad.
STOP_SINGLE = {
    "management", "business", "administration", "design", "planning", "security", "service", "services",
    "communication", "communications", "education", "history", "law", "music", "art", "arts", "sales",
    "research", "analysis", "development", "production", "operations", "training", "teaching", "support",
    "organisation", "organization", "care", "quality", "safety", "health", "engineering", "science",
    "technology", "software", "hardware", "media", "marketing", "finance", "economics", "logistics",
    "maintenance", "cleaning", "cooking", "driving", "writing", "reading", "speaking", "listening",
    "report", "reporting", "present", "presentation", "presentations", "plan", "lead", "manage",
    "control", "monitoring", "inspection", "testing", "coordination", "supervision", "leadership",
    "programming", "computing", "statistics", "mathematics", "networking", "networks", "printing",
    "packaging", "storage", "delivery", "transport", "construction", "installation", "repair",
    "assembly", "manufacturing", "processing", "handling", "selling", "buying", "purchasing",
    "negotiation", "negotiate", "innovate", "innovation", "decide", "choose", "cooperate", "schedule",
    "scheduling", "help", "guide", "mentor", "coach", "teach", "train", "inform", "advise", "assist",
    "respect", "trust", "honesty", "patience", "attention", "accuracy", "precision", "flexibility",
    "motivation", "commitment", "responsibility", "creativity", "initiative", "empathy", "consideration",
    "courtesy", "ethics", "diversity", "culture", "cultures", "environment", "materials", "equipment",
    "tools", "machinery", "products", "product", "customers", "clients", "people", "staff", "team",
    "teams", "documents", "documentation", "records", "data", "information", "content", "language",
    "languages", "english", "literature", "geography", "sport", "sports", "fitness", "nutrition", "food",
    "wine", "beer", "coffee", "tea", "animals", "plants", "water", "energy", "electricity", "light",
    "sound", "colour", "color", "fashion", "style", "photography", "film", "theatre", "dance", "games",
    "gaming", "advertising", "journalism", "policy", "policies", "regulations", "legislation", "standards",
    "procedures", "principles", "techniques", "methods", "theory", "practice", "practices", "process",
    "processes", "systems", "system", "operation", "hygiene", "first", "aid", "observe", "measure",
    "calculate", "evaluate", "assess", "investigate", "analyze", "analyse", "organise", "organize",
    "prepare", "create", "build", "make", "produce", "maintain", "clean", "cook", "drive", "write",
    "read", "speak", "listen", "sell", "buy", "pack", "load", "unload", "deliver", "install", "test",
    "check", "inspect", "record", "file", "type", "print", "copy", "sort", "store", "serve", "welcome",
    "greet", "count", "pay", "cash", "money", "banking", "insurance", "tax", "taxes", "audit", "budget",
    "budgets", "cost", "costs", "price", "prices", "pricing", "trade", "retail", "wholesale", "export",
    "import", "legal", "contracts", "medicine", "nursing", "pharmacy", "surgery", "therapy",
    "psychology", "sociology", "philosophy", "politics", "religion", "theology", "biology", "chemistry",
    "physics", "geology", "astronomy", "ecology", "botany", "zoology", "anatomy", "physiology",
    "pathology", "genetics", "pharmacology", "toxicology", "epidemiology", "agriculture", "forestry",
    "fishing", "farming", "gardening", "horticulture", "mining", "drilling", "welding", "plumbing",
    "carpentry", "masonry", "painting", "drawing", "sculpture", "singing", "acting", "recruitment",
    "recruiting", "hiring", "payroll", "accounting", "bookkeeping", "sanitation",
    # odd or misleading on their own (hobbies, beliefs, plain nouns)
    "casts", "abstracts", "politic", "reflexion", "spellings", "energies", "surgeries", "patents", "sensors",
    "morality", "obesity", "allergies", "consultations", "medicines", "crafting", "coining", "similitude",
    "typology", "electrics", "autism", "explosives", "petroleum", "graphite", "skiing", "snowboard",
    "ice-skating", "astrology", "numerology", "occultism", "spiritualism", "islamism", "judaism", "hinduism",
    "buddhism", "quran", "torah", "monasticism", "childbirth", "beeswax", "bristles", "surtitles",
    "self-promote", "olfaction", "obedience", "camouflage", "metaphysics", "lasers", "trademarks",
}
# Specialist single words worth keeping although they appear in STOP_SINGLE's spirit: school
# subjects and trades are real skill keywords. (Kept: they are precise in CVs and ads.)
KEEP_SINGLE = {
    "biology", "chemistry", "physics", "geology", "astronomy", "ecology", "botany", "zoology", "anatomy",
    "physiology", "pathology", "genetics", "pharmacology", "toxicology", "epidemiology", "agriculture",
    "forestry", "horticulture", "welding", "plumbing", "carpentry", "masonry", "bookkeeping", "accounting",
    "payroll", "psychology", "sociology", "philosophy", "theology", "recruitment", "journalism",
    "photography", "nursing", "pharmacy", "economics", "statistics", "mathematics", "logistics",
    "advertising", "marketing", "auditing", "nutrition", "sanitation",
}

# ESCO transversal items that are soft skills: preferred label -> canonical name (None = keep the label).
SOFT = {
    "show initiative": "initiative", "act reliably": "reliability", "adapt to change": "adaptability",
    "adapt to changing situations": None, "exercise self-control": "self-control",
    "show professional responsibility": "professional responsibility", "work in teams": "teamwork",
    "cooperate with colleagues": None, "apply conflict management": "conflict management",
    "show confidence": "self-confidence", "solve problems": "problem solving",
    "exercise self-reflection": "self-reflection", "demonstrate curiosity": "curiosity",
    "exercise patience": "patience", "approach challenges positively": "positive attitude",
    "cope with stress": "working under pressure", "lead others": "leadership", "show empathy": "empathy",
    "think critically": "critical thinking", "demonstrate willingness to learn": "willingness to learn",
    "manage time": "time management", "listen actively": "active listening",
    "think creatively": "creative thinking", "show entrepreneurial spirit": "entrepreneurial spirit",
    "work independently": "working independently", "attend to detail": "attention to detail",
    "make decisions": "decision making", "demonstrate trustworthiness": "trustworthiness",
    "motivate others": None, "show intercultural awareness": "intercultural awareness",
    "work efficiently": None, "meet commitments": None, "meet deadlines": None,
    "use communication techniques": "communication techniques", "negotiate compromises": None,
    "build team spirit": "team building", "develop professional network": "professional networking",
    "show commitment": None, "build business relationships": "business relationships",
    "think analytically": "analytical thinking", "think proactively": "proactive thinking",
    "react calmly in stressful situations": None, "encourage teambuilding": None,
    "present arguments persuasively": "persuasion", "work in an organised manner": "organizational skills",
    "establish daily priorities": "prioritization", "communicate with customers": None,
    "communicate with stakeholders": None, "manage feedback": None, "coach employees": "employee coaching",
    "motivate employees": None, "give live presentation": "presentation skills",
    "assume responsibility": None, "show self-awareness": None, "report facts": None,
}

LIGHT_VERBS = {"perform", "use", "apply", "carry", "out", "conduct", "undertake", "execute", "practise",
               "practice", "utilise", "employ", "have", "demonstrate", "show", "exercise", "provide", "make"}

_LANG_SKILL = re.compile(
    r"^(?:understand spoken|understand written|write|interact verbally in) ([A-Z][\w' -]+)$")


def zipf(word: str) -> float:
    return zipf_frequency(word.lower(), "en")


def words(text: str) -> list[str]:
    return text.split()


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u2019", "'")).strip()


def key(text: str) -> tuple[str, ...]:
    return phrase_key(text)


def stems(text: str) -> set[str]:
    return {k[:5] for k in key(text) if len(k) > 3}


@dataclass
class Entry:
    name: str
    category: str
    aliases: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    rank: int = 0  # lower first within a category
    note: str = ""


# ---------------------------------------------------------------------------------------- ordinary words
class Vocab:
    """Lower-case words seen in running English (ESCO labels): a word both frequent in wordfreq and
    written lower-case in ESCO is an ordinary word, not only a product name."""

    def __init__(self, labels: list[str]) -> None:
        self.lower: set[str] = set()
        for label in labels:
            for w in re.findall(r"[A-Za-z]+", label):
                if w.islower():
                    self.lower.add(w)

    def ordinary(self, word: str) -> bool:
        w = word.lower()
        if not w.isalpha():
            return False
        return zipf(w) >= COMMON and (w in self.lower or zipf(w) >= VERY_COMMON)


# ---------------------------------------------------------------------------------------- O*NET
_ACRONYM_TAIL = re.compile(r"^(?P<long>.+?) (?P<acr>[A-Z][A-Z0-9/&+.-]{1,9})$")


def _initials_match(long: str, acr: str) -> bool:
    """The acronym's letters occur in order in the long form, the first one starting a word."""
    a = re.sub(r"[^A-Z0-9]", "", acr).lower()
    text = long.lower()
    if len(a) < 2 or not re.search(r"\b" + re.escape(a[0]), text):
        return False
    pos = text.find(a[0])
    for ch in a[1:]:
        pos = text.find(ch, pos + 1)
        if pos < 0:
            return False
    return True


def onet_tools(path: Path, vocab: Vocab) -> list[Entry]:
    occ: dict[str, set[str]] = defaultdict(set)
    hot: Counter[str] = Counter()
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            ex = clean(row["Example"])
            occ[ex].add(row["O*NET-SOC Code"])
            if row.get("Hot Technology", "").strip() == "Y":
                hot[ex] += 1
    out: list[Entry] = []
    for ex in sorted(occ, key=lambda e: (-hot[e] > 0, -len(occ[e]), e.lower())):
        e = _tool_entry(ex, vocab)
        if e is None:
            continue
        e.rank = (0 if hot[ex] else 1, -len(occ[ex]))
        e.note = "hot" if hot[ex] else ""
        out.append(e)
    out.sort(key=lambda e: (e.rank, e.name.lower()))
    return out


def _is_brand(tok: str, vocab: Vocab) -> bool:
    core = re.sub(r"[^A-Za-z0-9]", "", tok)
    if not core:
        return False
    if any(c.isdigit() for c in core) or any(c.isupper() for c in core[1:]):
        return True
    if core.lower() in vocab.lower:
        return False  # written lower-case in ESCO: a word ("Bookkeeping software"), not a brand
    return not vocab.ordinary(core) and zipf(core) < COMMON


def _tool_entry(ex: str, vocab: Vocab) -> Entry | None:
    name = ex
    aliases: list[str] = []
    flags: set[str] = set()
    if "," in name or "(" in name or len(name) > 60 or len(name.split()) > 6:
        return None
    generic_suffix = name.endswith(" software")
    if generic_suffix:
        name = name[: -len(" software")].strip()
    toks = name.split()
    if not toks:
        return None
    # "Structured query language SQL" -> SQL, alias "structured query language"
    m = _ACRONYM_TAIL.match(name)
    if m and _initials_match(m["long"], m["acr"]):
        long, acr = m["long"], m["acr"]
        first = long.split()[0]
        long_l = long[0].lower() + long[1:] if first[1:].islower() and all(
            t[:1].islower() for t in long.split()[1:]) else long
        if vocab.ordinary(acr) or len(re.sub(r"[^A-Za-z0-9]", "", acr)) < 3:
            # "ACT", "AI": ambiguous as a bare token; keep the long form with the acronym appended
            return Entry(f"{long_l} {acr}".strip(), "tool", [long_l], {"nofuzzy"})
        flags = {"nofuzzy"} | ({"case"} if zipf(acr) >= 2.5 else set())
        return Entry(acr, "tool", [long_l, f"{long_l} {acr}"] if "case" not in flags else [long, f"{long} {acr}"], flags)
    if generic_suffix and len(toks) >= 2 and toks[0][1:].islower() and all(t.islower() for t in toks[1:]):
        return None  # "Accounts receivable software": a kind of software, not a product
    brand = [t for t in toks if _is_brand(t, vocab)]
    vendor = next((v for v in VENDORS if name.startswith(v + " ")), None)
    if not brand and vendor is None:
        # generic descriptions ("Accounting software", "Web browser software"), or a product named
        # with ordinary words only ("Time Matters"): the latter is kept case-sensitively when it is
        # capitalised and not a description of a kind of software.
        return None  # "Accounting software", and "Front Desk"/"Time Matters": ordinary words only
    if len(toks) == 1:
        core = re.sub(r"[^A-Za-z]", "", name)
        if vocab.ordinary(core) or (core and core.lower() == core):
            if name.isupper() or zipf(core) >= VERY_COMMON:
                return None  # FEAR, HARVEST, Square, Route ... as bare words: too ambiguous
            flags.add("case")
        elif name.isupper() and zipf(core) >= 2.5:
            flags.add("case")  # SAP, not sap
    if vendor:
        rest = name[len(vendor) + 1:].strip()
        if vendor == "Microsoft":
            aliases.append(f"MS {rest}")
        rest_toks = rest.split()
        if name in CASE_SHORT:
            short = CASE_SHORT[name] or ""
            if short:
                flags.add("case")
        else:
            short = rest
            if len(rest_toks) == 1:
                z, inner_caps = zipf(rest), any(c.isupper() for c in rest[1:])
                if (len(rest) < 3 or (rest.isupper() and len(rest) < 4) or rest in SHORT_DENY
                        or vocab.ordinary(rest) or (z >= VERY_COMMON and not inner_caps)):
                    short = ""  # "Google Docs" -> "Docs", "Adobe Premiere" -> "Premiere": too common alone
                elif z >= COMMON and not inner_caps:
                    flags.add("case")  # "Illustrator", "Acrobat" capitalised
            elif all(not _is_brand(t, vocab) for t in rest_toks):
                short = ""  # "Oracle Database" -> "Database": not a name on its own
        if short:
            aliases.append(short)
    aliases.extend(EXTRA_ALIASES.get(name, []))
    if len(re.sub(r"[^A-Za-z0-9]", "", name)) <= 5 or name.isupper():
        flags.add("nofuzzy")
    return Entry(name, "tool", aliases, flags)


# ---------------------------------------------------------------------------------------- ESCO
@dataclass
class Concept:
    pref: str
    alts: list[str]
    kind: str  # knowledge | skill/competence


def read_esco(path: Path) -> list[Concept]:
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            pref = clean(row["preferredLabel"])
            alts = [clean(a) for a in row["altLabels"].split("\n") if clean(a)]
            out.append(Concept(pref, alts, row["skillType"].strip()))
    return out


def _form_ok(form: str, max_words: int) -> bool:
    if not (3 <= len(form) <= 60) or len(words(form)) > max_words:
        return False
    if re.search(r"[(),;:\"?!]|\betc\b|\be\.g\b", form):
        return False
    return bool(key(form))


def esco_entries(concepts: list[Concept], vocab: Vocab, taken: set[tuple[str, ...]]) -> list[Entry]:
    verbs = Counter(words(c.pref)[0].lower() for c in concepts
                    if c.kind == "skill/competence" and len(words(c.pref)) >= 2)
    verbs = {v for v, n in verbs.items() if n >= 2 and not v.endswith("ing")}
    langs = _languages(concepts)
    lang_skill_prefs = {c.pref for c in concepts if (m := _LANG_SKILL.match(c.pref)) and m[1] in langs}

    entries: list[Entry] = []
    for c in concepts:
        if c.pref in langs or c.pref in lang_skill_prefs:
            continue
        if c.kind not in ("knowledge", "skill/competence") or key(c.pref) in taken:
            continue  # no type, or the same concept as a term of ml_engineer.csv
        pref_stems = stems(c.pref)
        forms: list[str] = []
        seen: set[tuple[str, ...]] = set()
        for f in [c.pref, *c.alts]:
            k = key(f)
            if k in seen or not _form_ok(f, MAX_ALIAS_WORDS):
                continue
            # true synonyms only: an alternative label must share a content word with the preferred one
            if f != c.pref and pref_stems and not _synonym(f, pref_stems):
                continue
            if len(k) == 1 and not _single_ok(f, verbs, vocab, c.pref in SOFT):
                continue
            seen.add(k)
            forms.append(f)
        if not forms:
            continue
        soft = c.pref in SOFT
        if soft:
            name = SOFT[c.pref] or c.pref
            category = "soft_skills"
        else:
            name = _canonical(c, forms, verbs)
            category = "knowledge" if c.kind == "knowledge" else "skill"
        if name is None or len(words(name)) > MAX_NAME_WORDS:
            continue
        aliases = [f for f in forms if key(f) != key(name)]
        flags: set[str] = set()
        if _looks_like_product(name):
            flags.add("nofuzzy")
        if len(key(name)) == 1 and name[:1].isupper() and zipf(name) >= COMMON:
            flags |= {"case", "nofuzzy"}  # "Groovy", "Vagrant", "Pascal": only as capitalised names
        rank = 0 if c.pref in forms and c.pref == name else 1
        entries.append(Entry(name, category, aliases, flags, rank))
    entries.extend(_language_entries(concepts, langs, vocab))
    return entries


def _synonym(form: str, pref_stems: set[str]) -> bool:
    """An alternative label is kept when it covers at least half of the preferred label's content
    words and is not merely a part of it ("work site" for "monitor work site" is broader)."""
    need = pref_stems - {v[:5] for v in LIGHT_VERBS}
    have = stems(form)
    if not need:
        return bool(have & pref_stems)
    if have < need:
        return False
    return len(have & need) * 2 >= len(need)


def _single_ok(form: str, verbs: set[str], vocab: Vocab, soft: bool) -> bool:
    w = form.lower()
    k = key(form)[0]
    if k != w and k not in KEEP_SINGLE and (k in STOP_SINGLE or zipf(k) >= VERY_COMMON):
        return False
    if w in KEEP_SINGLE:
        return True
    if form[:1].isupper() or any(ch.isdigit() for ch in form):
        return not vocab.ordinary(form) and zipf(w) < VERY_COMMON  # names: "Drupal"; not "Absorb"
    if w in STOP_SINGLE or w in verbs or len(w) < 4:
        return False
    return zipf(w) < VERY_COMMON and not soft


def _canonical(c: Concept, forms: list[str], verbs: set[str]) -> str | None:
    """Prefer a noun phrase made of the preferred label's own words ("bookkeeping" for "perform
    bookkeeping"); else the preferred label when short enough; else the shortest form."""
    pref_keys = set(key(c.pref))

    def is_verb_phrase(f: str) -> bool:
        w = words(f)
        return len(w) >= 2 and w[0].lower() in verbs

    if c.pref in forms and not is_verb_phrase(c.pref) and len(words(c.pref)) <= MAX_NAME_WORDS:
        return c.pref
    # a noun phrase saying the same thing: every content word of the preferred label (light verbs
    # such as "perform" aside) is in it, and it adds nothing: "perform bookkeeping" -> "bookkeeping",
    # "manage budgets" -> "budget management"; "plan youth programmes" keeps its verb.
    need = {k[:5] for k in pref_keys if len(k) > 3 and k not in LIGHT_VERBS}
    def same_meaning(f: str) -> bool:
        s = {k[:5] for k in key(f) if len(k) > 3}
        return s == need and len(words(f)) <= MAX_NAME_WORDS and f[:1].islower() == c.pref[:1].islower()
    nouns = [f for f in forms if not is_verb_phrase(f) and same_meaning(f)]
    if nouns:
        return min(nouns, key=lambda f: (words(f)[0].lower().endswith("ing"), len(key(f)), len(f)))
    if c.pref in forms and len(words(c.pref)) <= MAX_NAME_WORDS:
        return c.pref
    # long preferred label: a short form that keeps all but at most one of its content words
    short = [f for f in forms if 2 <= len(words(f)) <= MAX_NAME_WORDS
             and len({k[:5] for k in key(f) if len(k) > 3} & need) >= max(1, len(need) - 1)]
    return min(short, key=lambda f: (len(words(f)), len(f))) if short else None


def _looks_like_product(name: str) -> bool:
    return any(ch.isupper() for ch in name[1:]) or any(ch.isdigit() for ch in name)


def _languages(concepts: list[Concept]) -> set[str]:
    """Language names: knowledge items whose label is a name that also has ESCO language skills."""
    skill_langs = {m[1] for c in concepts if (m := _LANG_SKILL.match(c.pref))}
    return {c.pref for c in concepts if c.kind == "knowledge" and c.pref in skill_langs}


def _language_entries(concepts: list[Concept], langs: set[str], vocab: Vocab) -> list[Entry]:
    by_lang: dict[str, list[str]] = defaultdict(list)
    for c in concepts:
        m = _LANG_SKILL.match(c.pref)
        lang = c.pref if c.pref in langs else (m[1] if m and m[1] in langs else None)
        if lang is None:
            continue
        for f in [c.pref, *c.alts]:
            if lang in f and f != lang and _form_ok(f, 3) and f.split()[0] in ("speak", "write", "read", "speaking", "writing", "reading", "written", "spoken"):
                by_lang[lang].append(f)
    out = []
    for lang in sorted(langs):
        aliases = [f"{lang} language", f"fluent in {lang}", f"fluent {lang}", f"native {lang}"]
        aliases += by_lang[lang]
        flags = {"nofuzzy"}
        if vocab.ordinary(lang):
            flags.add("case")  # "Polish" the language, not "polish" the verb
        out.append(Entry(lang, "language_skill", aliases, flags))
    return out


# ---------------------------------------------------------------------------------------- assembly
def ml_forms(path: Path) -> set[tuple[str, ...]]:
    taken: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r and not r[0].lstrip().startswith("#")]
    for row in rows[1:]:
        if len(row) != 4:
            continue
        for f in [row[0], *row[2].split("|")]:
            if f.strip():
                taken.add(key(f.strip()))
    return taken


def resolve(entries: list[Entry], taken: set[tuple[str, ...]]) -> list[Entry]:
    """Give every form to one term only: earlier entries win; a form claimed as an alias by several
    entries is dropped everywhere (it is ambiguous); a term whose name is taken is left out."""
    alias_claims: Counter[tuple[str, ...]] = Counter()
    for e in entries:
        if e.category == "tool":
            continue  # tools come first and keep their aliases; ambiguity is judged among ESCO labels
        for k in {key(a) for a in e.aliases} - {key(e.name)}:
            alias_claims[k] += 1
    names = Counter(key(e.name) for e in entries)
    out: list[Entry] = []
    owned = set(taken)
    for e in entries:
        nk = key(e.name)
        if not nk or nk in owned:
            continue
        owned.add(nk)
        kept: list[str] = []
        keys_here = {nk}
        for a in e.aliases:
            ak = key(a)
            if not ak:
                continue
            if ak in keys_here:
                if "case" in e.flags and a not in kept and a != e.name:
                    kept.append(a)  # another capitalisation of an own form
                continue
            if ak in owned or (e.category != "tool" and alias_claims[ak] > 1) or names[ak]:
                continue
            owned.add(ak)
            keys_here.add(ak)
            kept.append(a)
        e.aliases = kept
        out.append(e)
    return out


def add_case_variants(e: Entry) -> None:
    """Case-sensitive terms match only as written: list the usual capitalisations of multiword forms."""
    if "case" not in e.flags:
        return
    extra = []
    for f in [e.name, *e.aliases]:
        if len(words(f)) > 1:
            for v in (f.lower(),):
                if v != f and v not in extra and v not in e.aliases and v != e.name:
                    extra.append(v)
    e.aliases.extend(extra)


HEADER_COMMENT = """\
# cvscan general skills list: skills, knowledge, languages, soft skills and tools for any occupation.
# GENERATED by tools/build_general.py from ESCO and O*NET (see README.md); do not edit by hand,
# change the script's filters and rebuild. ml_engineer.csv keeps priority over this list.
# Columns: term,category,aliases,flags  (aliases and flags are |-separated). Same format as ml_engineer.csv.
# Contains information from ESCO v1.1.1, (c) European Union, https://esco.ec.europa.eu/ , CC BY 4.0;
#   modified: filtered and re-labelled.
# This product includes information from O*NET 30 by the U.S. Department of Labor, Employment and
#   Training Administration (USDOL/ETA). Used under the CC BY 4.0 license. Modified: filtered, merged
#   and re-labelled. USDOL/ETA has not approved, endorsed, or tested these modifications.
# Licence of both sources: https://creativecommons.org/licenses/by/4.0/
"""

SECTIONS = [
    ("tool", "hot", "O*NET Hot Technologies, most widespread first"),
    ("tool", "", "other O*NET technology examples, most widespread first"),
    ("soft_skills", None, "ESCO transversal skills"),
    ("language_skill", None, "ESCO languages (spoken and written)"),
    ("knowledge", None, "ESCO knowledge"),
    ("skill", None, "ESCO skills and competences"),
]


def render(entries: list[Entry]) -> str:
    buf = io.StringIO()
    buf.write(HEADER_COMMENT)
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["term", "category", "aliases", "flags"])
    for cat, note, title in SECTIONS:
        rows = [e for e in entries if e.category == cat and (note is None or e.note == note)]
        if cat in ("knowledge", "skill", "soft_skills", "language_skill"):
            rows.sort(key=lambda e: e.name.lower())
        buf.write(f"# ---------------------------------------------------------------- {cat}: {title}\n")
        for e in rows:
            w.writerow([e.name, e.category, "|".join(e.aliases), "|".join(sorted(e.flags))])
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("esco", type=Path, help="ESCO skills CSV (preferredLabel,altLabels,skillType)")
    ap.add_argument("onet_tech", type=Path, help="O*NET Technology Skills TSV")
    ap.add_argument("-o", "--output", type=Path, default=HERE.parent / "general_skills.csv")
    ap.add_argument("--ml", type=Path, default=HERE.parent / "ml_engineer.csv",
                    help="taxonomy whose forms keep priority (default: ml_engineer.csv beside this folder)")
    args = ap.parse_args(argv)

    concepts = read_esco(args.esco)
    vocab = Vocab([c.pref for c in concepts] + [a for c in concepts for a in c.alts])
    tools = onet_tools(args.onet_tech, vocab)
    taken = ml_forms(args.ml)
    esco = esco_entries(concepts, vocab, taken)
    order = {"soft_skills": 0, "language_skill": 1, "knowledge": 2, "skill": 3}
    esco.sort(key=lambda e: (order[e.category], e.rank, len(words(e.name)), e.name.lower()))
    # a tool with any form in the ML list is that list's term already ("The MathWorks MATLAB")
    tools = [t for t in tools if not any(key(f) in taken for f in [t.name, *t.aliases])]
    entries = resolve(tools + esco, taken)
    for e in entries:
        add_case_variants(e)
    text = render(entries)
    args.output.write_text(text, encoding="utf-8")
    cats = Counter(e.category for e in entries)
    forms = sum(1 + len(e.aliases) for e in entries)
    print(f"{args.output}: {len(entries)} terms, {forms} forms; " +
          ", ".join(f"{c} {n}" for c, n in sorted(cats.items())), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
