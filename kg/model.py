"""Turn resolved entities, statements and facts into RDF (rdflib), and read
the entity catalogue back out of RDF.

This module and :mod:`kg.store` are the only ones that know rdflib's types;
it is also the only one that mints IRIs.

>>> from kg.schema import Entity
>>> entity_iri(Entity("x", "Alibaba Group", "Organization"))
rdflib.term.URIRef('https://w3id.org/kg-news/entity/alibaba-group')
"""

from __future__ import annotations

import re

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import PROV, SDO

from .resolve import Resolution, unique_evidence
from .schema import (CLASSES, RELATIONS, Article, Entity, Evidence, Fact, Reference, Statement, plain_decimal, slugify,
                     stable_id)

__all__ = [
    "KG",
    "date_literal",
    "period_start_end",
    "decimal_literal",
    "BASE",
    "WD",
    "TRIPLES_DIR",
    "bind_prefixes",
    "entity_iri",
    "article_iri",
    "to_graph",
    "graph_triples",
    "load_catalogue",
    "ArticleRecord",
    "GraphContent",
    "read_content",
]

BASE = "https://w3id.org/kg-news/"


class _Vocabulary(Namespace):
    """A namespace whose terms are made once each: an rdflib Namespace makes
    (and checks) a new URIRef on every access, and the ontology's terms come
    back in every triple a build writes."""

    def __new__(cls, value: str) -> _Vocabulary:
        vocabulary = super().__new__(cls, value)
        vocabulary._terms = {}
        return vocabulary

    def term(self, name: str) -> URIRef:
        made = self._terms.get(name)
        if made is None:
            made = self._terms[name] = super().term(name)
        return made

    def __getattr__(self, name: str) -> URIRef:
        made = super().__getattr__(name)
        # an attribute from now on (Python asks here only for a name that is no attribute)
        self.__dict__[name] = made
        return made


KG = _Vocabulary(BASE + "ontology#")
WD = Namespace("http://www.wikidata.org/entity/")
ENTITY = Namespace(BASE + "entity/")
ARTICLE = Namespace(BASE + "article/")
STATEMENT = Namespace(BASE + "statement/")
EVIDENCE = Namespace(BASE + "evidence/")
FACT = Namespace(BASE + "fact/")
MENTION = Namespace(BASE + "mention/")

#: Where the RDF the project ships lives (ontology, shapes, catalogue, graph).
TRIPLES_DIR = Path(__file__).resolve().parent.parent / "triples"

PREFIXES = {
    "kg": KG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "schema": SDO,
    "wd": WD,
    "entity": ENTITY,
    "article": ARTICLE,
}


def bind_prefixes(graph: Graph) -> Graph:
    """Bind the project's prefixes on ``graph`` and return it."""
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
    return graph


def entity_iri(entity: Entity) -> URIRef:
    return ENTITY[slugify(entity.label)]


def article_iri(article_id: str) -> URIRef:
    return ARTICLE[article_id]


def decimal_literal(value: Decimal) -> Literal:
    """An xsd:decimal in its canonical form (XSD 1.1: no exponent, no
    trailing zeros, no ".0"), the one Oxigraph stores and writes, so that a
    graph and the file it is saved to are isomorphic.

    >>> [str(decimal_literal(Decimal(v))) for v in ("5.0", "0.750", "3.98E+10")]
    ['5', '0.75', '39800000000']
    """
    return _decimal(format(plain_decimal(value), "f"))


@lru_cache(maxsize=1 << 12)  # a few confidences and amounts come back in every evidence node
def _decimal(text: str) -> Literal:
    return Literal(text, datatype=XSD.decimal)


@lru_cache(maxsize=1 << 12, typed=True)  # (typed: True is no 1)
def _literal(value: str | int) -> Literal:
    """A plain or integer literal, made once: the evidence nodes of one
    sentence's mentions, relations and facts repeat its offsets and quote."""
    return Literal(value)


def _evidence(ev: Evidence, quotes: bool, supports: URIRef) -> tuple[URIRef, list[tuple]]:
    """One evidence node per (supported node, sentence): a sentence that
    states two relations gives each its own evidence and confidence. The
    node and its triples."""
    node = EVIDENCE[stable_id(supports, ev.article_id, ev.start, ev.end, ev.extractor, *([ev.rule] if ev.rule else []))]
    out = [(node, RDF.type, KG.Evidence),
           (node, PROV.wasDerivedFrom, article_iri(ev.article_id)),
           (node, KG.start, _literal(ev.start)),
           (node, KG.end, _literal(ev.end)),
           (node, KG.extractor, _literal(ev.extractor))]
    if ev.rule:
        out.append((node, KG.rule, _literal(ev.rule)))
    out.append((node, KG.confidence, decimal_literal(Decimal(str(round(ev.confidence, 3))))))
    if quotes:
        out.append((node, KG.quote, _literal(ev.quote)))
    return node, out


def _entity_triples(entity: Entity) -> Iterator[tuple]:
    node = entity_iri(entity)
    yield node, RDF.type, KG[entity.type]
    yield node, RDFS.label, Literal(entity.label)
    # sorted: a graph fills in the order triples are added, and some formats write that order
    for alias in sorted(entity.aliases - {entity.label}):
        yield node, SKOS.altLabel, Literal(alias)
    for qid in sorted(entity.same_as):
        yield node, KG.wikidata, Literal(qid)
        yield node, OWL.sameAs, WD[qid]


# Only months that exist; whether a day exists is for _is_date to say.
_DATE_TYPES = ((re.compile(r"\d{4}-\d{2}-\d{2}"), XSD.date), (re.compile(r"\d{4}-(0[1-9]|1[0-2])"), XSD.gYearMonth),
               (re.compile(r"\d{4}"), XSD.gYear))


def _is_date(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def date_literal(text: str) -> Literal:
    """A date as precise as the text gives it: ``xsd:date``, ``xsd:gYearMonth``
    or ``xsd:gYear``; anything else, an impossible date too, stays a plain string.

    >>> [date_literal(t).datatype.rsplit("#")[-1] for t in ("2024-07-01", "2024-07", "2024")]
    ['date', 'gYearMonth', 'gYear']
    >>> [date_literal(t).datatype for t in ("2025-02-30", "2025-13", "May 2025")]
    [None, None, None]
    """
    for pattern, datatype in _DATE_TYPES:
        if pattern.fullmatch(text):
            # "2025-02-30" has a date's form but is none: an ill-typed literal breaks readers
            return Literal(text, datatype=datatype) if datatype != XSD.date or _is_date(text) else Literal(text)
    return Literal(text)


def period_start_end(period: str) -> tuple[Literal | None, Literal | None]:
    """The start and end of an ISO 8601 period (``2025``, ``2025-07/2025-09``,
    ``2025-09-12``) as typed literals, each as precise as the period gives it
    (see :func:`date_literal`). A bound that is no date (``2025-02-30``,
    ``2025-13``) is ``None``, as are both bounds of an interval that ends before
    it starts: neither may be written as a date.

    >>> [b.n3() for b in period_start_end("2025")]
    ['"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>', '"2025"^^<http://www.w3.org/2001/XMLSchema#gYear>']
    >>> [str(b) for b in period_start_end("2025-07/2025-09-30")]
    ['2025-07', '2025-09-30']
    >>> [b and str(b) for b in period_start_end("2025-02-30/2025-03")], period_start_end("2025/2023")
    ([None, '2025-03'], (None, None))
    """
    first, _, last = period.partition("/")
    start, end = (date_literal(part) for part in (first, last or first))
    start, end = (bound if bound.datatype else None for bound in (start, end))
    if start is not None and end is not None:
        # ISO 8601 text cut to the coarser precision orders in time: "2025-07" vs "2025" compares "2025" to "2025"
        n = min(len(start), len(end))
        if start[:n] > end[:n]:
            return None, None
    return start, end


def _article_triples(article: Article, quotes: bool) -> Iterator[tuple]:
    node = article_iri(article.id)
    yield node, RDF.type, KG.Article
    yield node, KG.fileName, Literal(Path(article.source).name)
    if article.key:
        yield node, SDO.identifier, Literal(article.key)
    if article.title and quotes:
        yield node, SDO.headline, Literal(article.title)
    if article.url:
        yield node, SDO.url, Literal(article.url, datatype=XSD.anyURI)
    if article.published:
        yield node, SDO.datePublished, date_literal(article.published)


def to_graph(
    articles: Iterable[Article],
    entities: Iterable[Entity],
    references: Iterable[Reference] = (),
    statements: Iterable[Statement] = (),
    facts: Iterable[Fact] = (),
    *,
    quotes: bool = True,
) -> Graph:
    """Build the RDF graph (SCHEMA.md, "How it looks in RDF"): the
    :func:`graph_triples` of the arguments in one rdflib Graph.

    >>> from kg.schema import Entity, Evidence, Statement
    >>> a, b = Entity("a", "Apple", "Organization"), Entity("b", "Alibaba Group", "Organization")
    >>> ev = Evidence("art1", 0, 20, "Apple partners with Alibaba.", "kg.rules.v1", 0.8)
    >>> g = to_graph([], [a, b], statements=[Statement(a, "partnerOf", b, (ev,))])
    >>> (entity_iri(b), KG.partnerOf, entity_iri(a)) in g
    True
    """
    graph = bind_prefixes(Graph())
    for triple in graph_triples(articles, entities, references, statements, facts, quotes=quotes):
        graph.add(triple)
    return graph


def graph_triples(
    articles: Iterable[Article],
    entities: Iterable[Entity],
    references: Iterable[Reference] = (),
    statements: Iterable[Statement] = (),
    facts: Iterable[Fact] = (),
    *,
    quotes: bool = True,
) -> Iterator[tuple]:
    """The triples (rdflib terms) of the graph of SCHEMA.md, "How it looks
    in RDF", one by one: a build writes them out as they come, without the
    cost of an rdflib Graph (a triple may come twice; a graph holds it once).

    Relations are plain triples; each has one reified ``rdf:Statement`` that
    points at one ``kg:Evidence`` per sentence stating it. Symmetric
    relations are written in both directions. With ``quotes=False`` the
    graph carries no article text: evidence has offsets but no sentence, and
    articles have no headline.
    """
    for article in articles:
        yield from _article_triples(article, quotes)
    for entity in entities:
        yield from _entity_triples(entity)
    for ref in references:
        node = MENTION[stable_id(entity_iri(ref.entity), ref.text, ref.evidence.article_id, ref.evidence.start)]
        ev, said = _evidence(ref.evidence, quotes, node)
        yield from said
        yield node, RDF.type, KG.Mention
        yield node, KG.denotes, entity_iri(ref.entity)
        yield node, KG.surfaceForm, Literal(ref.text)
        yield node, KG.evidence, ev
    for st in statements:
        pairs = [(st.subject, st.object)]
        if RELATIONS[st.relation].symmetric:
            pairs.append((st.object, st.subject))
        for subj, obj in pairs:
            s, p, o = entity_iri(subj), KG[st.relation], entity_iri(obj)
            yield s, p, o
            node = STATEMENT[stable_id(s, p, o)]
            yield node, RDF.type, RDF.Statement
            yield node, RDF.subject, s
            yield node, RDF.predicate, p
            yield node, RDF.object, o
            for evidence in st.evidence:
                ev, said = _evidence(evidence, quotes, node)
                yield from said
                yield node, KG.evidence, ev
    for fact in facts:
        node = FACT[stable_id(entity_iri(fact.subject), fact.metric, fact.value, fact.unit, fact.period)]
        yield node, RDF.type, KG.Fact
        yield node, KG.subject, entity_iri(fact.subject)
        yield node, KG.metric, Literal(fact.metric)
        yield node, KG.value, decimal_literal(fact.value)
        yield node, KG.unit, Literal(fact.unit)
        if fact.period:
            yield node, KG.period, Literal(fact.period)
            for prop, bound in zip((KG.periodStart, KG.periodEnd), period_start_end(fact.period), strict=True):
                if bound is not None:
                    yield node, prop, bound
        for evidence in fact.evidence:
            ev, said = _evidence(evidence, quotes, node)
            yield from said
            yield node, KG.evidence, ev


def load_catalogue(path: str | Path | None = None) -> list[Entity]:
    """Read the entity catalogue (``triples/catalogue.ttl``) into Entities.
    Oxigraph parses it (its extension names the format; Turtle otherwise):
    an rdflib Graph took longer than the rest of setting up a build.

    >>> any(e.label == "Alibaba Group" for e in load_catalogue())
    True
    """
    path = Path(path or TRIPLES_DIR / "catalogue.ttl")
    stat = path.stat()
    return list(_catalogue_entities(str(path.resolve()), stat.st_mtime_ns, stat.st_size))


@lru_cache(maxsize=4)
def _catalogue_entities(path: str, mtime_ns: int, size: int) -> tuple[Entity, ...]:
    """The catalogue file's entities, read again only when the file changes (its
    modification time and size are part of the key): a notebook, the server or a
    benchmark builds many times with one catalogue."""
    wanted = {str(RDF.type): 0, str(RDFS.label): 1, str(SKOS.altLabel): 2, str(KG.wikidata): 3}
    nodes: dict[str, tuple[list[str], ...]] = {}
    fmt = ox.RdfFormat.from_extension(Path(path).suffix.lstrip(".")) or ox.RdfFormat.TURTLE
    for triple in ox.parse(path=path, format=fmt):
        if triple.predicate.value in wanted:
            values = nodes.setdefault(triple.subject.value, ([], [], [], []))
            values[wanted[triple.predicate.value]].append(triple.object.value)
    entities = {node: _entity(*values) for node, values in nodes.items()}
    return tuple(e for _, e in sorted(entities.items()) if e is not None)


def _entity(types: Iterable[str], labels: Iterable[str], alt_labels: Iterable[str], qids: Iterable[str]) -> Entity | None:
    """The Entity a node of one of the five classes was written from, from
    its types, labels (the first counts; a label is one of the names an entry
    is found by), alternative labels and Wikidata ids; None for a node of no
    such class."""
    classes = sorted((_CLASS_OF[t] for t in types if t in _CLASS_OF), key=CLASSES.index)
    if not classes:
        return None
    label = str(next(iter(labels), None))
    return Entity(slugify(label), label, classes[0], frozenset(alt_labels) | {label}, frozenset(qids))


#: the IRI of each of the five classes -> its name
_CLASS_OF = {str(KG[c]): c for c in CLASSES}


def _read_entities(graph: Graph) -> dict[URIRef, Entity]:
    """Every node of one of the five classes, as the Entity it was written from
    (aliases without the label)."""
    entities = {}
    for node in set(graph.subjects(RDF.type, None)):
        entity = _entity(map(str, graph.objects(node, RDF.type)), [str(graph.value(node, RDFS.label))],
                         map(str, graph.objects(node, SKOS.altLabel)), map(str, graph.objects(node, KG.wikidata)))
        if entity is not None:
            entities[node] = entity
    return entities


@dataclass
class ArticleRecord:
    """What a graph says one article states, as plain data (for evaluation)."""

    file_name: str
    entities: dict[str, tuple[str, frozenset[str]]] = field(default_factory=dict)  # label -> (class, names)
    relations: set[tuple[str, str, str]] = field(default_factory=set)
    #: the rules (else extractors) whose evidence states each relation
    rules: dict[tuple[str, str, str], set[str]] = field(default_factory=lambda: defaultdict(set))
    facts: set[tuple[str, str, Decimal, str, str | None]] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class GraphContent:
    """What :func:`to_graph` writes: the articles, the resolved entities,
    mentions, relations and facts, and whether evidence quotes its sentence."""

    articles: tuple[Article, ...]
    resolution: Resolution
    quotes: bool = True


def _read_evidence(graph: Graph, node) -> Evidence:
    rule, quote, confidence = (graph.value(node, p) for p in (KG.rule, KG.quote, KG.confidence))
    return Evidence(str(graph.value(node, PROV.wasDerivedFrom)).removeprefix(str(ARTICLE)),
                    int(graph.value(node, KG.start)), int(graph.value(node, KG.end)), str(quote or ""),
                    str(graph.value(node, KG.extractor)), 1.0 if confidence is None else float(confidence),
                    str(rule or ""))


def read_content(graph: Graph) -> GraphContent:
    """Read back what :func:`to_graph` wrote, so that a graph built already can
    be changed and written again (curation): ``to_graph`` of the content gives
    the same graph, less any node it does not write.

    >>> from kg.store import load_graph
    >>> content = read_content(load_graph(TRIPLES_DIR / "examples" / "valid.ttl"))
    >>> len(content.articles) > 0, any(s.relation == "ceoOf" for s in content.resolution.statements)
    (True, True)
    """
    entities = _read_entities(graph)
    articles = tuple(sorted(
        (Article(id=str(node).removeprefix(str(ARTICLE)), text="", source=str(graph.value(node, KG.fileName)),
                 title=_text_or_none(graph.value(node, SDO.headline)), url=_text_or_none(graph.value(node, SDO.url)),
                 published=_text_or_none(graph.value(node, SDO.datePublished)),
                 key=_text_or_none(graph.value(node, SDO.identifier)))
         for node in graph.subjects(RDF.type, KG.Article)), key=lambda a: a.id))
    references = tuple(sorted(
        (Reference(entities[graph.value(m, KG.denotes)], str(graph.value(m, KG.surfaceForm)),
                   _read_evidence(graph, graph.value(m, KG.evidence)))
         for m in graph.subjects(RDF.type, KG.Mention) if graph.value(m, KG.denotes) in entities),
        key=lambda r: (r.evidence.article_id, r.evidence.start, r.entity.label, r.text)))
    statements: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for st in graph.subjects(RDF.type, RDF.Statement):
        s, p, o = (graph.value(st, q) for q in (RDF.subject, RDF.predicate, RDF.object))
        relation = str(p).removeprefix(str(KG))
        if relation not in RELATIONS or s not in entities or o not in entities:
            continue
        s, o = entities[s].label, entities[o].label
        if RELATIONS[relation].symmetric and s > o:  # written both ways, resolved once
            s, o = o, s
        statements[(s, relation, o)] += [_read_evidence(graph, ev) for ev in graph.objects(st, KG.evidence)]
    by_label = {e.label: e for e in entities.values()}
    facts = []
    for node in graph.subjects(RDF.type, KG.Fact):
        subject = entities.get(graph.value(node, KG.subject))
        if subject is not None:
            facts.append(Fact(subject, str(graph.value(node, KG.metric)),
                              plain_decimal(Decimal(str(graph.value(node, KG.value)))), str(graph.value(node, KG.unit)),
                              _text_or_none(graph.value(node, KG.period)),
                              unique_evidence(_read_evidence(graph, ev) for ev in graph.objects(node, KG.evidence))))
    resolution = Resolution(
        entities=tuple(sorted(entities.values(), key=lambda e: (e.id, e.label))),
        references=references,
        statements=tuple(Statement(by_label[s], rel, by_label[o], unique_evidence(evs))
                         for (s, rel, o), evs in sorted(statements.items())),
        facts=tuple(sorted(facts, key=lambda f: str((f.subject.label, f.metric, f.value, f.unit, f.period)))),
    )
    quotes = (None, KG.quote, None) in graph or (None, SDO.headline, None) in graph
    return GraphContent(articles, resolution, quotes)


def _text_or_none(node) -> str | None:
    return None if node is None else str(node)
