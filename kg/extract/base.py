"""Extractors: named, versioned plug-ins that turn a parsed article into
relations and measurements, and the one function that runs them.

Built-in extractors are registered below; a third-party package adds its own
under the entry-point group ``kg_extractors``.

>>> sorted(extractors.get_all())
['kg.facts.v1', 'kg.patterns.v1', 'kg.rules.v1']
"""

from __future__ import annotations

import re
from functools import lru_cache
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

import catalogue
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import UnknownExtractorError
from ..schema import RELATIONS, Article, Evidence, Measurement, Mention, Relation
from .context import Clause, clauses
from .facts import find_measurements, period_of
from .mentions import ANAPHOR_NOUNS, Found, Gazetteer, find_mentions, main_company
from .patterns import load_rules, match_rules
from .places import DATELINE
from .scorer import Scorer
from .relations import apply_rules, name_parts

__all__ = ["Extractor", "Parsed", "Extraction", "extractors", "get_extractor", "extract_article", "run_extractors",
           "parse_article", "DEFAULT_EXTRACTORS"]

extractors = catalogue.create("kg", "extractors", entry_points=True)
DEFAULT_EXTRACTORS = ("kg.patterns.v1", "kg.rules.v1", "kg.facts.v1")


@dataclass
class Parsed:
    """An article after NLP: what every extractor reads."""

    article: Article
    doc: Doc
    mentions: list[Found]
    clauses: list[Clause]
    year: int | None

    def evidence(self, clause: Clause, extractor: str, confidence: float, rule: str = "") -> Evidence:
        start, end = self.article.raw_span(clause.sent.start_char, clause.sent.end_char)
        quote = " ".join(self.article.text[start:end].split())
        return Evidence(self.article.id, start, end, quote, extractor, confidence, rule)

    def mention(self, f: Found) -> Mention:
        start, end = self.article.raw_span(f.start, f.end)
        return Mention(f.text, f.label, start, end, key=f.key, source=f.kind)


class Extractor(Protocol):
    name: str

    def __call__(self, parsed: Parsed) -> Iterable[Relation | Measurement]: ...


@dataclass(frozen=True, slots=True)
class Extraction:
    """What the extractors found in one article."""

    article: Article
    mentions: tuple[tuple[Mention, Evidence], ...]
    relations: tuple[Relation, ...]
    measurements: tuple[Measurement, ...]


class RuleRelations:
    """Relations from the lexical and dependency rules of :mod:`kg.extract.relations`."""

    name = "kg.rules.v1"

    def __call__(self, parsed: Parsed) -> Iterable[Relation]:
        restrictor = None
        for clause in parsed.clauses:
            # the body that restricts, carried to the sentences after it ("... was levied on X")
            clause.extra["last_restrictor"] = clause.extra.get("last_restrictor") or restrictor
            for (s, rel, o, conf), rule in apply_rules(clause):
                yield Relation(parsed.mention(s), rel, parsed.mention(o), parsed.evidence(clause, self.name, conf, rule))
            restrictor = clause.extra.get("restrictor") or restrictor
        for clause, (s, rel, o, conf) in name_parts(parsed.clauses):
            yield Relation(parsed.mention(s), rel, parsed.mention(o),
                           parsed.evidence(clause, self.name, conf, "regex.name-parts"))


class _Context:
    """What "it" and "the company" stand for at a point of the article: the
    subject of the sentence before, else the article's main company."""

    anaphor_nouns = frozenset(ANAPHOR_NOUNS.split("|"))

    def __init__(self, clauses: list[Clause]):
        self.starts = [c.sent.start_char for c in clauses]
        self.clauses = clauses

    def clause(self, offset: int) -> Clause | None:
        n = bisect_right(self.starts, offset) - 1
        return self.clauses[n] if n >= 0 else None

    def about(self, offset: int) -> Found | None:
        c = self.clause(offset)
        return None if c is None else c.previous or c.main


class PatternRelations:
    """Relations from the data rules in ``kg/extract/rules/`` (:mod:`kg.extract.patterns`)."""

    name = "kg.patterns.v1"

    def __call__(self, parsed: Parsed) -> Iterable[Relation | Measurement]:
        context = _Context(parsed.clauses)
        relations, numbers = match_rules(parsed.doc, parsed.mentions, context, text=parsed.article.nlp_text)
        for m in relations:
            clause = context.clause(m.sentence)
            yield Relation(parsed.mention(m.subject), m.relation, parsed.mention(m.object),
                           parsed.evidence(clause, self.name, m.confidence, m.rule))
        for n in numbers:
            clause = context.clause(n.sentence)
            yield Measurement(parsed.mention(n.subject), n.metric, n.value, n.unit, period_of(clause, n.start, parsed.year),
                              parsed.evidence(clause, self.name, n.confidence, n.rule))


class RuleFacts:
    """Measured facts from :mod:`kg.extract.facts`."""

    name = "kg.facts.v1"

    def __call__(self, parsed: Parsed) -> Iterable[Measurement]:
        period, since = None, -10
        for n, clause in enumerate(parsed.clauses):
            # A reporting period ("the quarter ended June 30") carries to the
            # next two sentences of its paragraph and to the bullets under it,
            # never out of a table or past a heading.
            if clause.header or clause.heading == clause.text.strip() or (n - since > 2 and clause.lead is None):
                period = None
            clause.extra["published"] = parsed.article.published
            clause.extra["last_period"] = period
            for subject, metric, value, unit, found, conf in find_measurements(clause, parsed.year):
                if (found and not clause.header and not re.search(r"\d{4}-\d{2}-\d{2}", found)
                        and metric not in {"sharepriceChange", "shareprice"}):
                    period, since = found, n
                    clause.extra["last_period"] = found
                yield Measurement(parsed.mention(subject), metric, value, unit, found,
                                  parsed.evidence(clause, self.name, conf, f"regex.fact.{metric}"))


@extractors.register("kg.rules.v1")
def make_rule_relations() -> Extractor:
    return RuleRelations()


@extractors.register("kg.patterns.v1")
def make_pattern_relations() -> Extractor:
    return PatternRelations()


@extractors.register("kg.facts.v1")
def make_rule_facts() -> Extractor:
    return RuleFacts()


def get_extractor(name: str) -> Extractor:
    """The extractor registered as ``name``; :class:`UnknownExtractorError`
    (a KeyError) lists the known names."""
    return _factory(name)()


@lru_cache(maxsize=None)
def _factory(name: str):
    # looked up once per name: the registry reads the installed packages'
    # entry points on every look-up, which is several times an article
    try:
        return extractors.get(name)
    except catalogue.RegistryError:
        raise UnknownExtractorError(name, extractors.get_all()) from None


_FORWARD_YEAR = re.compile(r"\b(?:by|until|through|before|to)\s+(20\d\d)\b|\b(20\d\d)\s+(?:outlook|forecast|guidance|target|plan)s?\b")


def _year(article: Article) -> int | None:
    """The year the article was written: its date, else the latest year it
    speaks of in the past or present, else the year before the first one it
    looks ahead to ("our 2026 outlook")."""
    if article.published and re.match(r"\d{4}", article.published):
        return int(article.published[:4])
    text = article.nlp_text
    forward = {int(y) for m in _FORWARD_YEAR.finditer(text) for y in m.groups() if y}
    spans = [m.span() for m in _FORWARD_YEAR.finditer(text)]
    stated = [int(m.group()) for m in re.finditer(r"\b20\d\d\b", text)
              if not any(a <= m.start() < b for a, b in spans)]
    if stated:
        return max(stated)
    return min(forward) - 1 if forward else None


def parse_article(article: Article, nlp: Language, gazetteer: Gazetteer, doc: Doc | None = None) -> Parsed:
    """``doc`` is the article's text already parsed by ``nlp`` (in a batch of
    ``nlp.pipe``); without it the text is parsed here."""
    text = article.nlp_text
    doc = nlp(text) if doc is None else doc
    found = find_mentions(doc, gazetteer, text)
    main = main_company(found)
    cls = list(clauses(doc, found, main, text))
    # Carry what a sentence names to the sentences after it: the topic just
    # invested in ("this sector") and the country that restricts ("are
    # restricted from sale").
    last_topic = last_restrictor = None
    places = sorted({f.key for f in found if f.label == "Place"}, key=lambda name: (-len(name), name))  # longest first; a total order
    for c in cls:
        c.extra["places"] = places
        c.extra["last_topic"] = last_topic
        c.extra["last_restrictor"] = last_restrictor
        topics = c.of("Topic")
        if topics:
            last_topic = topics[-1]
        named = [p for p in c.of("Place") if p.kind == "name"]
        if named and re.search(r"\b(?:ban|sanction|restrict|export control|curb)", c.text, re.I):
            last_restrictor = named[0]
    return Parsed(article, doc, found, cls, _year(article))


_ROLES = {"ceoOf", "chairOf", "founderOf", "boardMemberOf", "worksFor"}


def _grammar_fills(relations: list[Relation], predicates, slot_and_filler, named=False) -> list[Relation]:
    """``relations`` without the word rules' ones of ``predicates`` whose slot
    (``slot_and_filler(r)[0]``, within one sentence) a grammar rule filled
    with something else (``named``: with a name, not a pronoun's guess)."""
    filled: dict[tuple, set[str]] = {}
    for r in relations:
        if (r.evidence.extractor == PatternRelations.name and r.predicate in predicates
                and not (named and "anaphor" in (r.subject.source, r.object.source))):
            slot, filler = slot_and_filler(r)
            filled.setdefault((r.evidence.start, slot), set()).add(filler)
    kept = []
    for r in relations:
        slot, filler = slot_and_filler(r)
        if (r.evidence.extractor == PatternRelations.name or r.predicate not in predicates
                or filler in filled.get((r.evidence.start, slot), {filler})):
            kept.append(r)
    return kept


def _untitled(relation: Relation) -> bool:
    """Whether a pattern rule marked ``"untitled"`` read ``relation``: a role with no title named."""
    return (relation.predicate in _ROLES and relation.evidence.extractor == PatternRelations.name
            and load_rules().get(relation.evidence.rule).untitled)


def _is_dateline(sentence: str) -> bool:
    """Whether ``sentence`` is a wire dateline alone, which the parse keeps apart from the story after it."""
    sentence = sentence.strip()
    dateline = DATELINE.match(sentence + " ")  # (a dateline's dash has the story after it)
    return dateline is not None and dateline.end() == len(sentence)


def run_extractors(parsed: Parsed, names: Sequence[str] = DEFAULT_EXTRACTORS) -> tuple[list[Relation], list[Measurement]]:
    """The relations and measurements the named extractors read in ``parsed``."""
    relations, measurements = [], []
    for name in names:
        for item in get_extractor(name)(parsed):
            (relations if isinstance(item, Relation) else measurements).append(item)
    # Where a grammar rule fills a slot in a sentence, the word rules' other
    # guesses for it there give way: a person's employer ("AstraZeneca chief
    # executive Pascal Soriot" after a sentence about Eli Lilly), a product's
    # maker ("a boost for Rivian, as the company brings its R2 SUV to market").
    # A wire dateline ("SEOUL/FRANKFURT (Reuters) -") says where the reporter was: no relation.
    relations = [r for r in relations if not _is_dateline(r.evidence.quote)]
    relations = _grammar_fills(relations, _ROLES, lambda r: (r.subject.key, r.object.key))
    # a role read without its title ("Jane Roe of Globex") gives way where the sentence names one for the pair
    # ("CEO Jane Roe of Globex": ceoOf; "president Jane Roe of Globex" keeps its worksFor, the president's)
    titled = {(r.evidence.start, r.subject.key, r.object.key) for r in relations
              if r.predicate in _ROLES and not _untitled(r)}
    relations = [r for r in relations if not (_untitled(r) and (r.evidence.start, r.subject.key, r.object.key) in titled)]
    # ... and a job the sentence reads beside the pair's ceoOf is that job, no other (SCHEMA: worksFor is any *other*
    # role; "chairman and president X" keeps both)
    heads = {(r.evidence.start, r.subject.key, r.object.key) for r in relations if r.predicate == "ceoOf"}
    relations = [r for r in relations if r.predicate != "worksFor" or (r.evidence.start, r.subject.key, r.object.key) not in heads]
    relations = _grammar_fills(relations, {"develops"}, lambda r: (r.object.key, r.subject.key))
    # ... and a company's buyer ("Chevron's rival Exxon agreed to buy Pioneer": not Chevron; a
    # field many invest in is each one's slot)
    relations = _grammar_fills(relations, {"investsIn"}, lambda r: (
        r.object.key if r.object.label == "Organization" else (r.object.key, r.subject.key), r.subject.key), named=True)
    # ... and who is present in a place ("Aviva would cut roles at Direct Line's head office in Bromley":
    # Direct Line's office, not Aviva's)
    relations = _grammar_fills(relations, {"operatesIn"}, lambda r: (r.object.key, r.subject.key), named=True)
    # Where a grammar rule reads a relation one way round in a sentence, the
    # word rules' reading of it the other way round there gives way ("Tarn
    # was bought by Marlow": the parse knows who bought whom).
    read = {(r.evidence.start, r.predicate, r.subject.name, r.object.name) for r in relations
            if r.evidence.extractor == PatternRelations.name}
    relations = [r for r in relations if r.evidence.extractor == PatternRelations.name or RELATIONS[r.predicate].symmetric
                 or (r.evidence.start, r.predicate, r.object.name, r.subject.name) not in read]
    # Two firms a sentence calls rivals are not partners there: "Ares competes
    # for such deals with Blackstone" is no deal with Blackstone.
    rivals = {(r.evidence.start, frozenset((r.subject.key, r.object.key))) for r in relations
              if r.predicate == "competesWith"}
    # Nor is a firm the partner of its parent there: "X, its joint venture with Y" is Y's, no partner of Y.
    owned = {(r.evidence.start, frozenset((r.subject.key, r.object.key))) for r in relations
             if r.predicate == "subsidiaryOf" and r.evidence.extractor == PatternRelations.name}
    # (a deal a rule marks "joint", the two as one subject of it, stands: "A and B, longtime rivals,
    # agreed to license traits to each other", "... formed a joint venture")
    relations = [r for r in relations if r.predicate != "partnerOf"
                 or (r.evidence.start, frozenset((r.subject.key, r.object.key))) not in owned
                 and ((r.evidence.start, frozenset((r.subject.key, r.object.key))) not in rivals
                      or r.evidence.extractor == PatternRelations.name and load_rules().get(r.evidence.rule).joint)]
    # A number a rule gave an owner ("X agreed to buy Y for $5 billion": X's
    # investment) replaces the same number read from the words around it.
    ruled = {m for m in measurements if m.evidence.extractor == PatternRelations.name}
    # (the same number, whatever unit the words gave it: "350 aircraft" a rule read, "350 jets" a guess)
    owned = {(m.evidence.start, m.value) for m in ruled}
    measurements = [m for m in measurements if m in ruled or (m.evidence.start, m.value) not in owned]
    return relations, measurements


def extract_article(article: Article, nlp: Language, gazetteer: Gazetteer,
                    names: Sequence[str] = DEFAULT_EXTRACTORS, scorer: Scorer | None = None,
                    doc: Doc | None = None) -> Extraction:
    """Parse ``article`` (unless ``doc`` is its parse already) and run the
    named extractors on it; a ``scorer`` keeps only the relations it rates at
    its threshold or above."""
    parsed = parse_article(article, nlp, gazetteer, doc)
    relations, measurements = run_extractors(parsed, names)
    if scorer is not None:
        relations = scorer.rescore(relations, parsed)
    mentions = []
    for c in parsed.clauses:
        for f in c.mentions:
            mentions.append((parsed.mention(f), parsed.evidence(c, "kg.mentions.v1", 1.0)))
    return Extraction(article, tuple(mentions), tuple(relations), tuple(measurements))
