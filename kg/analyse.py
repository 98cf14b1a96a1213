"""Structural questions about the graph, answered with networkx: who is
central, which entities cluster, how two entities are connected, what the
graph holds, and how an entity's measured facts move and disagree.

Everything starts from :func:`project`, which turns the RDF graph (an rdflib
Graph, or the SPARQL store of a graph of any size: it reads both with the
same queries) into a networkx ``MultiDiGraph``: one node per entity (keyed
by its label), one edge per relation triple (keyed by the relation's name),
carrying the evidence that states it. Every other function returns plain Python data
(dicts, lists, numbers) so that it can be tested against known answers.

>>> G = project(example_graph())
>>> G.number_of_nodes(), G.number_of_edges()
(10, 11)
>>> G.nodes["Acme Corp"]["cls"], sorted(G["Globex"]["Initech"])
('Organization', ['supplies'])

This module never imports matplotlib: pictures live in :mod:`kg.draw`.
"""

from __future__ import annotations

import calendar
import functools
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import Any, NamedTuple
from urllib.parse import unquote

import networkx as nx
from .model import KG, TRIPLES_DIR
from .schema import CLASSES, RELATIONS, plain_decimal
from .store import SUMMARY_GRAPH, has_summary, iri_list, literal_list, load_graph, select_rows

__all__ = [
    "MEASURES",
    "ROUNDING_TOLERANCE",
    "USD_RATES",
    "RATE_TOLERANCE",
    "EntityNotFound",
    "example_graph",
    "project",
    "Projection",
    "projection",
    "find_entity",
    "centrality",
    "rank",
    "communities",
    "community",
    "components",
    "neighbourhood",
    "most_connected",
    "subgraph",
    "undirected",
    "connections",
    "paths",
    "shortest_path_graph",
    "with_evidence",
    "evidence",
    "stats",
    "period_bounds",
    "facts",
    "compare_values",
    "conflicts",
]

#: The centrality measures :func:`centrality` and :func:`rank` know.
MEASURES = ("degree", "pagerank", "betweenness")

#: Two figures in the same unit whose relative difference is at most this
#: are the same figure rounded differently ("US$52 billion" and "about $53
#: billion" differ by 1.9%); above it they disagree (26% and 34% differ by 24%).
ROUNDING_TOLERANCE = Decimal("0.025")
#: Metrics that only mean something for a span of time.
PERIODIC_METRICS = frozenset({"revenue", "revenueGrowth", "profit", "operatingProfit", "profitGrowth",
                              "sharepriceChange", "capex", "count"})

#: Approximate units of each currency per US dollar (2024-2025 levels), only
#: to tell "one amount in two currencies" from two different amounts.
USD_RATES = {"USD": 1.0, "CNY": 7.2, "HKD": 7.8, "EUR": 0.92, "GBP": 0.79, "JPY": 150.0, "INR": 84.0}

#: How far an implied exchange rate may stray from the reference and still
#: count as a conversion (the yuan moved between 6.9 and 7.35 per dollar in 2023-2025).
RATE_TOLERANCE = 0.10


def example_graph():
    """The small hand-made graph shipped for tests, docs and notebooks.

    >>> len(example_graph()) > 100
    True
    """
    return load_graph(TRIPLES_DIR / "examples" / "valid.ttl")


class EntityNotFound(LookupError):
    """No entity has this name; ``suggestions`` holds the closest labels."""

    def __init__(self, name: str, suggestions: list[str]):
        self.name, self.suggestions = name, suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"no entity is called {name!r}{hint}")


# ------------------------------------------------------------ reading RDF
#
# Each table is one SPARQL query, read through kg.store.select_rows: the same
# text runs on an rdflib Graph parsed from a file and on the Oxigraph store of
# a graph of any size, which reads only what the query names.

#: Any source :func:`select_values` reads: an rdflib Graph or a :class:`kg.store.GraphStore`.
Source = Any


def _local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _articles(source: Source, among: Iterable[str] | None = None) -> dict[str, dict]:
    """Article IRI -> its file name, headline and date (of the IRIs ``among`` only, if given)."""
    table = {}
    named = "" if among is None else f"VALUES ?article {{ {iri_list(among)} }}"
    for article, file, headline, day in select_rows(source, f"""
            SELECT ?article ?file ?headline ?date WHERE {{
              # the articles named first: Oxigraph then starts from them (4× faster for 900 of 10,000)
              {named}
              ?article a kg:Article .
              OPTIONAL {{ ?article kg:fileName ?file }}
              OPTIONAL {{ ?article schema:headline ?headline }}
              OPTIONAL {{ ?article schema:datePublished ?date }}
            }}"""):
        table.setdefault(article, {"file": file or _local_name(article), "headline": headline, "date": day})
    return table


def _entities(source: Source, among: Iterable[str] | None = None) -> dict[str, dict]:
    """IRI -> node attributes; a label shared by two IRIs gets the IRI's
    local name appended so that labels stay unique node keys. ``among``:
    only these IRIs (their labels made unique against every entity's)."""
    among = None if among is None else sorted(set(among))
    if among == []:
        return {}
    summarised = _summarised_names(source) if among is None and has_summary(source) else None
    kinds, names = summarised or _names(source, among)
    found = {}
    for node in sorted(kinds):
        labels = sorted(names[node]["label"])
        label = labels[0] if labels else _local_name(node)
        qids = sorted(names[node]["wikidata"])
        found[node] = {"label": label, "cls": max(kinds[node], key=CLASSES.index), "iri": node,
                       "aliases": sorted(names[node]["altLabel"] | set(labels[1:])), "wikidata": qids[0] if qids else ""}
    counts = Counter(attrs["label"] for attrs in found.values())
    if among is not None:
        counts.update(_labels_of_others(source, {attrs["label"] for attrs in found.values()}, set(found)))
    for node, attrs in found.items():
        if counts[attrs["label"]] > 1:
            attrs["label"] = f"{attrs['label']} ({_local_name(node)})"
    return found


def _names(source: Source, among: list[str] | None) -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]]]:
    """The classes (of :data:`kg.schema.CLASSES`) of each entity (of the IRIs ``among`` only, if
    given), and its ``label``, ``altLabel`` and ``wikidata`` values, read from the graph."""
    # among some, they are named first (a VALUES), and only their names are read
    named = "" if among is None else f"VALUES ?node {{ {iri_list(among)} }}"
    kinds = defaultdict(set)
    # a query per class, which then is not read back with each of its entities (the reading, not the
    # matching, is what a store's answer costs: 14,167 entities on 10,000 articles)
    for cls in CLASSES:
        for node, in select_rows(source, f"SELECT ?node WHERE {{ {named} ?node a kg:{cls} }}"):
            kinds[node].add(cls)
    names = defaultdict(lambda: defaultdict(set))
    # one pattern a query, joined here: Oxigraph reads a single pattern several times faster than a join
    for name, prop in (("label", "rdfs:label"), ("altLabel", "skos:altLabel"), ("wikidata", "kg:wikidata")):
        for node, value in select_rows(source, f"SELECT ?node ?value WHERE {{ {named} ?node {prop} ?value }}"):
            if node in kinds:
                names[node][name].add(str(value))
    return kinds, names


def _summarised_names(source: Source) -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]]] | None:
    """What :func:`_names` reads of every entity, as the summary graph of a store holds it: one string
    an entity (kg:names of ``triples/summary.ru``: its classes, labels, other labels and Wikidata ids),
    16,372 of them read in 0.15 s at 10,000 articles where their 39,400 triples took 0.25 s. None
    where it holds none (filled by an older kg)."""
    classes = {str(KG[cls]): cls for cls in CLASSES}
    kinds, names = {}, {}
    for node, text in select_rows(source, f"""
            SELECT ?node ?names WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?node kg:names ?names }} }}"""):
        typed, *values = text.split("\t")
        if kind := {classes[cls] for cls in typed.split("\n") if cls in classes}:
            kinds[node] = kind
            # each value after a "|", percent-encoded where it holds a tab, a line break or "%"
            names[node] = {name: {unquote(value[1:]) for value in field.split("\n")} if field else set()
                           for name, field in zip(("label", "altLabel", "wikidata"), values)}
    return (kinds, names) if kinds else None


def _labels_of_others(source: Source, labels: set[str], known: set[str]) -> list[str]:
    """The labels among ``labels`` that entities other than ``known`` go by,
    once per entity (each entity has one rdfs:label): what makes a label
    shared when only some entities are read."""
    others = defaultdict(set)
    for node, value in select_rows(source, f"SELECT ?node ?value WHERE {{ VALUES ?value {{ {literal_list(sorted(labels))} }} "
                                           f"?node rdfs:label ?value }}") if labels else ():
        if node not in known:
            others[node].add(str(value))
    class_iris = {f"{KG}{cls}" for cls in CLASSES}  # (an entity is of one of the classes)
    typed = {node for node, cls in select_rows(source, f"SELECT ?node ?cls WHERE {{ VALUES ?node {{ {iri_list(others)} }} "
                                                       f"?node a ?cls }}") if cls in class_iris} if others else set()
    return [min(others[node]) for node in typed]


def _statements(source: Source, predicates: Iterable[str],
                among: Iterable[str] | None = None) -> tuple[dict[tuple, set[str]], dict[str, dict], dict[str, dict]]:
    """The evidence ids of each reified (subject, predicate, object) of these
    predicates (between the entity IRIs ``among`` only, if given), the
    details of each of those evidence nodes, in one read, and the articles
    (:func:`_articles`: all of them, or among entities those of the evidence
    read). Evidence the shapes reject (no article, offsets or extractor) is left out."""
    stated, table = defaultdict(set), {}
    # among entities, the statements named first: in one query with the entities, Oxigraph joined
    # the evidence of the whole graph (2× slower for the 8 entities of a path on 10,000 articles)
    named = "" if among is None else f"VALUES ?statement {{ {iri_list(_statement_nodes(source, predicates, among))} }}"
    rows = list(select_rows(source, f"""
            SELECT ?s ?p ?o ?ev ?article ?start ?end ?extractor ?confidence ?quote WHERE {{
              {named}
              ?statement rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; a rdf:Statement ; kg:evidence ?ev .
              # what the shapes require of evidence is joined, not OPTIONAL: Oxigraph
              # joins faster (3× on 36,000 evidence nodes), and kg validate checks it
              ?ev a kg:Evidence ; prov:wasDerivedFrom ?article ; kg:start ?start ; kg:end ?end ;
                  kg:extractor ?extractor .
              OPTIONAL {{ ?ev kg:confidence ?confidence }}
              OPTIONAL {{ ?ev kg:quote ?quote }}
              # VALUES last: rdflib's engine joins them first otherwise, 13× slower on the shipped graph
              VALUES ?p {{ {iri_list(predicates)} }}
            }}"""))
    # among entities, only the articles their evidence names (all 10,000 took 0.5 s for a path)
    articles = _articles(source, None if among is None else {row[4] for row in rows})
    for s, p, o, ev, article, start, end, extractor, conf, quote in rows:
        stated[(s, p, o)].add(ev)
        if ev in table:
            continue
        meta = articles.get(article, {"file": _local_name(article), "headline": None, "date": None})
        table[ev] = {
            "id": ev,
            "article": article,
            "file": meta["file"],
            "headline": meta["headline"],
            "date": meta["date"],
            "start": int(start),
            "end": int(end),
            "quote": None if quote is None else str(quote),
            "extractor": str(extractor),
            "confidence": None if conf is None else float(conf),
        }
    return stated, table, articles


def _statement_nodes(source: Source, predicates: Iterable[str], among: Iterable[str]) -> list[str]:
    """The reified statements of these predicates between the entity IRIs ``among``."""
    return [statement for statement, in select_rows(source, f"""
            SELECT ?statement WHERE {{
              # the entities first: Oxigraph then starts from them (17× faster on 10,000 articles)
              {_among(among)}
              ?statement rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o ; a rdf:Statement .
              VALUES ?p {{ {iri_list(predicates)} }}
            }}""")]


def _among(among: Iterable[str] | None) -> str:
    """The pattern that keeps rows whose ?s and ?o are both among these IRIs (nothing for None): the
    subjects first, so that the engine starts from them, the objects as a filter (a second VALUES made
    Oxigraph read every row, 4× slower on 1,000 articles)."""
    if among is None:
        return ""
    among = list(among)
    return f"VALUES ?s {{ {iri_list(among)} }} FILTER(?o IN ({', '.join(f'<{iri}>' for iri in among)}))"


def _relation_triples(source: Source, predicates: Iterable[str],
                      among: Iterable[str] | None = None) -> set[tuple[str, str, str]]:
    """The relation triples of these predicates (between the entity IRIs ``among`` only, if given); of
    a store, those between IRIs, from the strings of its summary graph where it has them
    (:func:`_summarised_relation_triples`)."""
    predicates = list(predicates)
    summarised = _summarised_relation_triples(source, predicates, among) if has_summary(source) else None
    return summarised or set(select_rows(
        source, f"SELECT ?s ?p ?o WHERE {{ {_among(among)} VALUES ?p {{ {iri_list(predicates)} }} ?s ?p ?o }}"))


def _summarised_relation_triples(source: Source, predicates: list[str],
                                 among: Iterable[str] | None = None) -> set[tuple[str, str, str]] | None:
    """The relation triples of these predicates from an IRI to an IRI (between the IRIs ``among`` only,
    if given), as the summary graph of a store holds them: the triples from each node as one string
    (kg:relationsFrom of ``triples/summary.ru``), a relation and its object a line (0.1 s at 10,000
    articles where reading the triples took 0.55 s; 0.01 s for 60 entities, 0.18 s). None where it
    holds none of them (a summary filled by an older kg holds none)."""
    wanted, ends = set(predicates), None if among is None else set(among)
    named = "" if ends is None else f"VALUES ?node {{ {iri_list(ends)} }}"
    return {(node, relation, target) for node, lines in select_rows(source, f"""
                SELECT ?node ?relations WHERE {{
                  {named} GRAPH <{SUMMARY_GRAPH}> {{ ?node kg:relationsFrom ?relations }} }}""")
            for relation, target in (line.split(" ") for line in lines.split("\n"))
            if relation in wanted and (ends is None or target in ends)} or None


def _edge_key(s: str, p: str, o: str) -> tuple[str, str, str]:
    """A relation triple as an edge: a symmetric relation from the smaller IRI."""
    return (o, p, s) if _symmetric(p) and s > o else (s, p, o)


@functools.cache
def _symmetric(predicate: str) -> bool:
    """Whether the predicate names a symmetric relation (asked of each of 70,171 triples at 10,000 articles)."""
    name = _local_name(predicate)
    return name in RELATIONS and RELATIONS[name].symmetric


def _described(ids: Iterable[str], table: dict[str, dict]) -> dict:
    """What an edge carries from its evidence ids: one per sentence, the
    articles they come from, how many, and the best confidence."""
    evidence_ids = _one_per_sentence(set(ids), table)
    evs = [table[ev] for ev in evidence_ids if ev in table]
    files = sorted({ev["file"] for ev in evs if ev["file"]})
    confidences = [ev["confidence"] for ev in evs if ev["confidence"] is not None]
    return {"sources": len(files), "articles": files, "evidence": evidence_ids,
            "confidence": max(confidences) if confidences else None}


def _summarised(source: Source) -> bool:
    """Whether ``source`` holds the counts of ``triples/summary.ru`` that the
    analysis reads: a store does (one that an older kg filled does not, and is
    then counted from its evidence, slowly: a summary without its total of
    facts, or whose rows of edges lack the string of the edges from each
    node, kg:edgesFrom); a graph parsed from a file never."""
    if not has_summary(source) or not any(select_rows(source, f"""
            SELECT ?row WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?row a kg:FactCount }} }} LIMIT 1""")):
        return False
    first = next(iter(select_rows(source, f"""
            SELECT ?edges WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
              ?row kg:edgeSubject ?node OPTIONAL {{ ?node kg:edgesFrom ?edges }} }} }} LIMIT 1""")), None)
    return first is None or first[0] is not None


def _counted_from_evidence(source: Source, predicates: list[str]) -> dict[tuple, tuple[dict, Counter]]:
    """Per edge (:func:`_edge_key`) of these predicates, what :func:`_described`
    finds, and its sentences by extractor: what a store's summary graph holds."""
    stated, table, _ = _statements(source, predicates)
    both_ways = defaultdict(set)
    for (s, p, o), ids in stated.items():
        both_ways[_edge_key(s, p, o)] |= ids
    counted = {}
    for key, ids in both_ways.items():
        described = _described(ids, table)
        counted[key] = (described, Counter(table[ev]["extractor"] for ev in described["evidence"]))
    return counted


def _edge_counts(source: Source, predicates: Iterable[str], among: Iterable[str] | None = None) -> dict[tuple, dict]:
    """Per edge (:func:`_edge_key`) of these predicates (between the entity
    IRIs ``among`` only, if given): its ``sources``, ``articles`` and best
    ``confidence``, as :func:`_described` finds them. A store has them in its
    summary graph (``triples/summary.ru``), one row per edge whatever the
    evidence behind it; a graph parsed from a file is counted from its evidence."""
    predicates = list(predicates)
    if not _summarised(source):
        return {key: {k: described[k] for k in ("sources", "articles", "confidence")}
                for key, (described, _) in _counted_from_evidence(source, predicates).items()}
    # the rows of the edges from each node as one string (kg:edgesFrom), a line an edge: one term a
    # node to read where the five of each of the 59,355 rows of 10,000 articles took 1.9 s (and 0.15 s
    # for the 30 entities drawn, against 0.01 s); among some, they are named first
    ends = None if among is None else set(among)
    named = "" if ends is None else f"VALUES ?node {{ {iri_list(ends)} }}"
    counts, wanted = {}, set(predicates)
    for s, lines in select_rows(source, f"""
            SELECT ?node ?edges WHERE {{ {named} GRAPH <{SUMMARY_GRAPH}> {{ ?node kg:edgesFrom ?edges }} }}"""):
        for line in lines.split("\n"):
            p, o, confidence, joined = line.split(" ", 3)
            if p not in wanted or (ends is not None and o not in ends):
                continue
            files = sorted(set(filter(None, unquote(joined).split("/"))))  # "/": in no file name
            # -1: none of the edge's evidence has a confidence
            counts[(s, p, o)] = {"sources": len(files), "articles": files,
                                 "confidence": None if float(confidence) < 0 else float(confidence)}
    return counts


def _extractor_counts(source: Source, predicates: Iterable[str]) -> dict[tuple, Counter]:
    """Per edge (:func:`_edge_key`) of these predicates: its sentences by
    extractor, from the summary graph of a store (see :func:`_edge_counts`)."""
    predicates = list(predicates)
    if not _summarised(source):
        return {key: extractors for key, (_, extractors) in _counted_from_evidence(source, predicates).items()}
    counts = defaultdict(Counter)
    for s, p, o, extractor, sentences in select_rows(source, f"""
            SELECT ?s ?p ?o ?extractor ?sentences WHERE {{
              GRAPH <{SUMMARY_GRAPH}> {{ ?row a kg:ExtractorCount ; kg:edgeSubject ?s ; kg:edgeRelation ?p ;
                                           kg:edgeObject ?o ; kg:extractor ?extractor ; kg:sentences ?sentences }}
              VALUES ?p {{ {iri_list(predicates)} }}
            }}"""):
        counts[(s, p, o)][str(extractor)] += int(sentences)
    return counts


def _in_window(day: str | None, since: str | None, until: str | None) -> bool:
    if since is None and until is None:
        return True
    if not day:
        return False
    day = day[:10]
    return (since is None or day >= since) and (until is None or day <= until)


def project(source: Source, **options) -> nx.MultiDiGraph:
    """Project the RDF graph (an rdflib Graph or a :class:`kg.store.GraphStore`)
    onto a networkx ``MultiDiGraph``: the graph of its :func:`projection`.

    Nodes are entities keyed by label, with ``cls``, ``iri``, ``aliases``
    and ``wikidata``. Edges are relation triples keyed by relation name,
    with ``relation``, ``symmetric``, ``sources`` (distinct articles),
    ``articles`` (their file names), ``evidence`` (evidence ids) and
    ``confidence`` (the highest). A symmetric relation, written in both
    directions in RDF, becomes one edge. ``G.graph["evidence"]`` maps each
    evidence id to its article, offsets and sentence; ``G.graph["filters"]``
    holds the filters given, so that a picture can say what it shows.

    Filters: ``relations`` and ``classes`` (names from :mod:`kg.schema`)
    keep edges of those relations whose two ends are of those classes;
    ``articles`` (file names or article IRIs) and ``since``/``until``
    (ISO dates, inclusive, on the article's publication date) keep only the
    evidence from those articles, and drop edges left without any. With a
    relation, article or date filter, entities left without edges are
    dropped; with a class filter, entities of other classes are.
    ``entities`` (labels) keeps only those entities and the edges among
    them, and reads only their evidence. ``evidence=False`` reads the
    structure and one row per edge (its ``sources``, ``articles`` and
    ``confidence``, from a store's summary graph), which costs little on any
    graph: edges then have no ``evidence``, and ``graph["evidence"]`` is
    empty (:func:`shortest_path_graph` finds its way with it;
    :func:`with_evidence` adds the evidence of the part shown). With
    ``counts=False`` as well, the structure alone: edges have no ``sources``,
    ``articles`` or ``confidence`` either (what a rank by degree or
    betweenness, or the choice of a part to draw, needs; a graph of 10,000
    articles reads in a fraction of the time; :func:`with_evidence` with
    ``evidence=False`` adds the counts of the part shown). ``known``: the
    entities (IRI -> node attributes) when the caller has them already from
    a projection of the same source, which then are not read again.

    >>> G = project(example_graph(), relations=["supplies"])
    >>> sorted(G.edges())
    [('Acme Cloud', 'Globex'), ('Globex', 'Initech'), ('Initech', 'Umbrella')]
    >>> G["Acme Cloud"]["Globex"]["supplies"]["articles"]
    ['example-1.txt']
    >>> project(example_graph(), articles=["example-2.txt"]).number_of_edges()
    5
    >>> G.graph["filters"]
    {'relations': ['supplies']}
    """
    nodes, edges, graph = projection(source, **options)
    G = nx.MultiDiGraph(**graph)
    G.add_nodes_from(nodes)
    G.add_edges_from(edges)
    return G


class Projection(NamedTuple):
    """What :func:`project` makes its graph of, in its order: the ``nodes`` (label, attributes), the
    ``edges`` (subject's label, object's label, relation, attributes) and the ``graph``'s attributes."""

    nodes: list[tuple[str, dict]]
    edges: list[tuple[str, str, str, dict]]
    graph: dict


def projection(
    source: Source,
    *,
    relations: Iterable[str] | None = None,
    classes: Iterable[str] | None = None,
    articles: Iterable[str] | None = None,
    since: str | None = None,
    until: str | None = None,
    entities: Iterable[str] | None = None,
    evidence: bool = True,
    counts: bool = True,
    known: dict[str, dict] | None = None,
) -> Projection:
    """The nodes, edges and graph attributes :func:`project` (which takes the
    same options) makes its ``MultiDiGraph`` of, without the graph: what an
    export of a big graph writes as it is (building the graph of the 59,355
    edges of 10,000 articles took 0.65 s).

    >>> nodes, edges, graph = projection(example_graph(), relations=["supplies"])
    >>> edges[0][:3], nodes[0][1]["cls"]
    (('Acme Cloud', 'Globex', 'supplies'), 'Organization')
    """
    relations = _checked(relations, RELATIONS, "relation")
    classes = _checked(classes, CLASSES, "class")
    names = {str(KG[name]): name for name in relations or RELATIONS}
    wanted_articles = None if articles is None else set(articles)
    filtering = wanted_articles is not None or since is not None or until is not None
    if filtering and not evidence:
        raise ValueError("filters by article or date need the evidence: project with evidence=True")
    known = _entities(source) if known is None else known
    kept_entities = None if entities is None else set(entities)
    entities = {iri: attrs for iri, attrs in known.items() if kept_entities is None or attrs["label"] in kept_entities}
    stated, evidence_table, article_table = (
        _statements(source, names, None if kept_entities is None else entities) if evidence else ({}, {}, {}))
    counted = {} if evidence or not counts else _edge_counts(
        source, names, None if kept_entities is None else entities)

    def keep_evidence(ev_id: str) -> bool:
        ev = evidence_table.get(ev_id)
        if ev is None:
            return wanted_articles is None and since is None and until is None
        if wanted_articles is not None and not {ev["file"], ev["article"]} & wanted_articles:
            return False
        return _in_window(ev["date"], since, until)

    edge_data = {}
    for s, p, o in _edges(source, names, entities, classes, None if kept_entities is None else entities):
        name = names[p]
        spec = RELATIONS[name]
        if evidence:
            both_ways = stated.get((s, p, o), set()) | (stated.get((o, p, s), set()) if spec.symmetric else set())
            described = _described({ev for ev in both_ways if keep_evidence(ev)}, evidence_table)
            if filtering and not described["evidence"]:
                continue
        elif counts:
            described = counted.get((s, p, o)) or {"sources": 0, "articles": [], "confidence": None}
        else:
            described = {}
        edge_data[(s, p, o)] = {"relation": name, "symmetric": spec.symmetric, **described}

    # Built here rather than with rdflib's rdflib_to_networkx_multidigraph: that
    # one adds triples in hash order, which changes from run to run, and node
    # order steers both the seeded layouts and the seeded Louvain communities.
    label = {node: attrs["label"] for node, attrs in entities.items()}
    edges = sorted(((label[s], label[o], data["relation"], data) for (s, _, o), data in edge_data.items()),
                   key=itemgetter(0, 1, 2))
    linked = {end for u, v, _, _ in edges for end in (u, v)} if relations is not None or filtering else None
    chosen = {"relations": relations, "classes": classes, "articles": None if articles is None else sorted(articles),
              "since": since, "until": until}
    return Projection([(attrs["label"], attrs) for attrs in _nodes(entities, classes, linked)], edges,
                      {"evidence": evidence_table, "articles": article_table,
                       "filters": {name: value for name, value in chosen.items() if value}})


def _edges(source: Source, predicates: Iterable[str], entities: dict[str, dict], classes: list[str] | None,
           among: Iterable[str] | None = None) -> set[tuple[str, str, str]]:
    """The relation triples of these predicates between two of the ``entities`` (IRI -> node
    attributes), both of ``classes`` if given (between the IRIs ``among`` only, if given), each as
    its edge (:func:`_edge_key`): a symmetric relation written both ways once."""
    return {_edge_key(s, p, o) for s, p, o in _relation_triples(source, predicates, among)
            if _joins(entities, classes, s, o)}


def _joins(entities: dict[str, dict], classes: list[str] | None, s: str, o: str) -> bool:
    """Whether a relation from the IRI ``s`` to ``o`` joins two of the ``entities``, both of ``classes`` if given."""
    return s in entities and o in entities and not (
        classes and (entities[s]["cls"] not in classes or entities[o]["cls"] not in classes))


def _nodes(entities: dict[str, dict], classes: list[str] | None, linked: set[str] | None) -> list[dict]:
    """The attributes of the entities a projection keeps, by label: those of ``classes`` if given,
    and of those the labels ``linked`` by an edge if given (a filter by relation, article or date
    drops the entities it leaves without edges)."""
    return [attrs for attrs in sorted(entities.values(), key=lambda a: a["label"])
            if not (classes and attrs["cls"] not in classes) and (linked is None or attrs["label"] in linked)]


def connections(source: Source, *, relations: Iterable[str] | None = None,
                classes: Iterable[str] | None = None) -> nx.Graph:
    """Who is related to whom, and not how: the :func:`undirected` graph of
    ``project(source, relations=..., classes=..., evidence=False, counts=False)``,
    its nodes (with their attributes) and edges in the same order, but with no
    weight on the edges, and read without building the projection (what a rank
    by degree or betweenness and the search for a path need, in a fraction of
    the time on a big store).

    >>> U = connections(example_graph(), relations=["supplies"])
    >>> sorted(U.edges()), U.nodes["Globex"]["cls"]
    ([('Acme Cloud', 'Globex'), ('Globex', 'Initech'), ('Initech', 'Umbrella')], 'Organization')
    """
    relations = _checked(relations, RELATIONS, "relation")
    classes = _checked(classes, CLASSES, "class")
    entities = _entities(source)
    label = {node: attrs["label"] for node, attrs in entities.items()}
    names = relations or list(RELATIONS)
    pairs = set()
    # the pairs alone, not the relation joining them: two terms a row where the triples have three
    # (reading the answer is what a store's query costs), made distinct here (Oxigraph's DISTINCT
    # took 0.6 s where the set takes 0.4 s for the 70,000 rows of 10,000 articles); a symmetric
    # relation from the smaller IRI, as _edge_key writes its edge
    for symmetric in (False, True):
        predicates = [str(KG[name]) for name in names if RELATIONS[name].symmetric == symmetric]
        for s, o in select_rows(source, f"SELECT ?s ?o WHERE {{ VALUES ?p {{ {iri_list(predicates)} }} "
                                        "?s ?p ?o }") if predicates else ():
            if _joins(entities, classes, s, o):
                pairs.add((label[min(s, o)], label[max(s, o)]) if symmetric else (label[s], label[o]))
    # in the order undirected() adds a projection's edges: by the labels of their two ends as written
    pairs = sorted(pairs)
    U = nx.Graph()
    U.add_nodes_from((attrs["label"], attrs) for attrs in _nodes(
        entities, classes, {end for pair in pairs for end in pair} if relations is not None else None))
    U.add_edges_from((u, v) for u, v in pairs if u != v)
    return U


def shortest_path_graph(source: Source, a: str, b: str, limit: int = 5) -> nx.MultiDiGraph:
    """The projected graph of the entities on the first ``limit`` shortest
    paths between ``a`` and ``b`` (names as :func:`find_entity` takes them),
    with their evidence. The way is found on the structure of the whole graph;
    only the evidence of the entities on it is read, so a big store answers
    quickly. :func:`paths` on it gives what it gives on the whole projection.

    >>> G = shortest_path_graph(example_graph(), "Jane Roe", "Globex")
    >>> sorted(G), G["Jane Roe"]["Acme Corp"]["ceoOf"]["sources"]
    (['Acme Corp', 'Globex', 'Jane Roe'], 1)
    """
    U = connections(source)  # the paths are counted in hops, not sources
    start, end = find_entity(U, a), find_entity(U, b)
    if start == end:
        raise ValueError(f"{a!r} and {b!r} are the same entity")
    try:
        found = list(itertools.islice(nx.all_shortest_paths(U, start, end), limit))
    except nx.NetworkXNoPath:
        found = [[start, end]]  # no way: the two alone, unconnected
    return project(source, entities={node for path in found for node in path}, known=_known(U))


def with_evidence(source: Source, G: nx.MultiDiGraph, evidence: bool = True) -> nx.MultiDiGraph:
    """``G`` (a projection with ``evidence=False``, or a part of one, as
    :func:`most_connected` cuts it) with the ``articles`` and ``evidence`` of
    its edges, read for its entities only: what is shown of a big graph
    costs what it shows. Its nodes, edges and graph attributes stay.
    ``evidence=False`` reads the counts of its edges alone (``sources``,
    ``articles``, ``confidence``: for a projection with ``counts=False``).

    >>> G = most_connected(project(example_graph(), evidence=False), 3)
    >>> shown = with_evidence(example_graph(), G)
    >>> shown["Globex"]["Initech"]["supplies"]["articles"], shown.graph["cut"]["of"]
    (['example-2.txt'], 10)
    >>> part = most_connected(project(example_graph(), evidence=False, counts=False), 3)
    >>> counted = with_evidence(example_graph(), part, evidence=False)
    >>> counted["Globex"]["Initech"]["supplies"]["sources"]
    1
    """
    filters = G.graph.get("filters", {})
    read = project(source, relations=filters.get("relations"), classes=filters.get("classes"), entities=set(G),
                   evidence=evidence, known=_known(G))
    shown = nx.MultiDiGraph(**{**G.graph, "evidence": read.graph["evidence"], "articles": read.graph["articles"]})
    shown.add_nodes_from(G.nodes(data=True))
    shown.add_edges_from((u, v, key, read[u][v][key]) for u, v, key in G.edges(keys=True))
    return shown


def _known(G: nx.MultiDiGraph | nx.Graph) -> dict[str, dict]:
    """The entities of a projection (or of its :func:`connections`) as :func:`_entities` read them (IRI -> node attributes)."""
    return {attrs["iri"]: attrs for _, attrs in G.nodes(data=True)}


def _one_per_sentence(ids: set[str], table: dict[str, dict]) -> list[str]:
    """Sorted evidence ids, keeping one per (article, span, extractor): the two
    directions of a symmetric relation may each carry a node for one sentence."""
    kept = {}
    for ev in sorted(ids):
        meta = table.get(ev)
        key = (meta["article"], meta["start"], meta["end"], meta["extractor"]) if meta else ev
        kept.setdefault(key, ev)
    return sorted(kept.values())


def _checked(names: Iterable[str] | None, known, what: str) -> list[str] | None:
    if names is None:
        return None
    names = list(names)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown {what} {', '.join(unknown)}: use one of {', '.join(known)}")
    return names


# ------------------------------------------------------------ names

def find_entity(G: nx.MultiDiGraph | nx.Graph, name: str) -> str:
    """The node whose label or alias is ``name``, ignoring case.

    >>> G = project(example_graph())
    >>> find_entity(G, "acme"), find_entity(G, "ROE")
    ('Acme Corp', 'Jane Roe')
    >>> find_entity(G, "Globx")
    Traceback (most recent call last):
    ...
    kg.analyse.EntityNotFound: no entity is called 'Globx'; did you mean 'Globex'?
    """
    wanted = name.casefold().strip()
    names = {}
    for node, attrs in G.nodes(data=True):
        for alias in [node, attrs.get("label", node), *attrs.get("aliases", [])]:
            names.setdefault(alias.casefold(), node)
    if wanted in names:
        return names[wanted]
    from rapidfuzz import fuzz, process

    matches = process.extract(name, list(G.nodes), scorer=fuzz.WRatio, limit=5, score_cutoff=75)
    raise EntityNotFound(name, [match for match, _, _ in matches])


# ------------------------------------------------------------ structure

def undirected(G: nx.MultiDiGraph) -> nx.Graph:
    """One undirected edge per connected pair, weighted by its sources.

    >>> U = undirected(project(example_graph()))
    >>> U.number_of_edges(), U["Acme Corp"]["AI infrastructure"]["weight"]
    (11, 2)
    """
    U = nx.Graph()
    U.add_nodes_from(sorted(G.nodes(data=True), key=lambda node: node[0]))
    for u, v, data in sorted(G.edges(data=True), key=lambda edge: edge[:2]):
        if u == v:
            continue
        weight = max(data.get("sources", 1), 1)
        if U.has_edge(u, v):
            U[u][v]["weight"] += weight
        else:
            U.add_edge(u, v, weight=weight)
    return U


def centrality(G: nx.MultiDiGraph, by: str = "degree") -> dict[str, float]:
    """Node -> centrality score, for ``by`` in :data:`MEASURES`.

    ``degree`` and ``betweenness`` are computed on the undirected graph
    (a pair counts once, however many relations join it); ``pagerank``
    follows relation directions, both ways for symmetric relations, with
    edges weighted by their number of sources.

    >>> G = project(example_graph())
    >>> scores = centrality(G, "betweenness")
    >>> max(scores, key=scores.get)
    'Acme Corp'
    """
    return _centrality(G, undirected(G), by)


def _centrality(G: nx.MultiDiGraph, U: nx.Graph, by: str) -> dict[str, float]:
    """:func:`centrality` given ``U``, the :func:`undirected` graph of ``G`` (built once for a rank)."""
    if by not in MEASURES:
        raise ValueError(f"unknown measure {by!r}: use one of {', '.join(MEASURES)}")
    if G.number_of_nodes() == 0:
        return {}
    if by == "pagerank":
        D = nx.DiGraph()
        D.add_nodes_from(G)
        for u, v, data in G.edges(data=True):
            for a, b in ((u, v), (v, u)) if data.get("symmetric") else ((u, v),):
                weight = max(data.get("sources", 1), 1)
                D.add_edge(a, b, weight=D[a][b]["weight"] + weight if D.has_edge(a, b) else weight)
        return nx.pagerank(D, weight="weight")
    if by == "degree":
        return nx.degree_centrality(U)
    return nx.betweenness_centrality(U)


def rank(G: nx.MultiDiGraph | nx.Graph, by: str = "degree", top: int | None = 10) -> list[dict]:
    """The ``top`` entities by a centrality measure, best first (ties by name).
    ``G``: a projection, or for ``degree`` and ``betweenness``, which measure
    the undirected graph alone, its :func:`connections` (read faster).

    >>> [row["entity"] for row in rank(project(example_graph()), "degree", top=2)]
    ['Acme Corp', 'Globex']
    >>> rank(connections(example_graph()), "degree", top=2) == rank(project(example_graph()), "degree", top=2)
    True
    """
    if not G.is_directed() and by == "pagerank":
        raise ValueError("pagerank follows the relations' directions and sources: rank a projection")
    U = undirected(G) if G.is_directed() else G
    scores = _centrality(G, U, by)
    degree = dict(U.degree())
    order = sorted(scores, key=lambda n: (-scores[n], n))
    return [
        {"rank": i, "entity": n, "class": U.nodes[n].get("cls"), by: scores[n], "neighbours": degree[n]}
        for i, n in enumerate(order[:top] if top else order, start=1)
    ]


def communities(G: nx.MultiDiGraph, seed: int = 42, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities on the undirected, source-weighted graph; the same
    seed gives the same answer. Largest first, members sorted.

    >>> two_triangles = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"),
    ...                                  ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> communities(two_triangles)
    [['a', 'b', 'c'], ['x', 'y', 'z']]
    """
    found = nx.community.louvain_communities(undirected(G), weight="weight", resolution=resolution, seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c))


def community(G: nx.MultiDiGraph, number: int, seed: int = 42) -> nx.MultiDiGraph:
    """The subgraph of Louvain community ``number`` (1 = the largest, as
    :func:`communities` orders them); ``graph["community"]`` says which of
    how many it is.

    >>> two_triangles = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"),
    ...                                  ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    >>> part = community(two_triangles, 2)
    >>> sorted(part), part.graph["community"]
    (['x', 'y', 'z'], (2, 2))
    """
    groups = communities(G, seed=seed)
    if not 1 <= number <= len(groups):
        raise ValueError(f"there are {len(groups)} communities: pick one from 1 to {len(groups)}")
    sub = subgraph(G, groups[number - 1])
    sub.graph["community"] = (number, len(groups))
    return sub


def components(G: nx.MultiDiGraph) -> list[list[str]]:
    """Connected components (ignoring direction), largest first.

    >>> components(project(example_graph(), relations=["supplies", "operatesIn"]))
    [['Acme Cloud', 'China', 'Globex', 'Initech', 'Umbrella']]
    """
    return sorted((sorted(c) for c in nx.connected_components(undirected(G))), key=lambda c: (-len(c), c))


def neighbourhood(G: nx.MultiDiGraph, name: str, depth: int = 1, limit: int | None = None) -> nx.MultiDiGraph:
    """The subgraph of entities within ``depth`` hops of ``name`` (either direction).

    With ``limit``, at most that many entities: the nearest first and, at
    the same distance, those with most neighbours (ties by name), so that
    two hops around a hub do not take the whole graph.
    ``graph["focus"]`` and ``graph["depth"]`` say what was asked, and
    ``graph["cut"]`` what was left out (see :func:`most_connected`).

    >>> G = project(example_graph())
    >>> sorted(neighbourhood(G, "Umbrella", 1))
    ['China', 'Initech', 'Umbrella']
    >>> near = neighbourhood(G, "Acme Corp", 2, limit=4)
    >>> sorted(near), near.graph["cut"]["of"]
    (['Acme Cloud', 'Acme Corp', 'Globex', 'Initech'], 9)
    """
    kept, chosen = _nearest(undirected(G), find_entity(G, name), depth, limit)
    sub = subgraph(G, kept)
    sub.graph.update(chosen)
    return sub


def _nearest(U: nx.Graph, centre: str, depth: int, limit: int | None) -> tuple[list[str], dict]:
    """The entities :func:`neighbourhood` keeps of the undirected graph ``U`` around ``centre``, and
    the graph attributes that say so (``focus``, ``depth``, and ``cut`` if some were left out)."""
    hops = nx.single_source_shortest_path_length(U, centre, cutoff=depth)
    nearest = sorted(hops, key=lambda n: (hops[n], -U.degree(n), n))
    kept = nearest[:limit] if limit else nearest
    chosen = {"focus": centre, "depth": depth}
    if len(nearest) > len(kept):
        chosen["cut"] = {"of": len(nearest), "rule": f"the nearest to {centre}, then the most connected"}
    return kept, chosen


def most_connected(G: nx.MultiDiGraph, top: int) -> nx.MultiDiGraph:
    """The subgraph of the ``top`` entities with most neighbours (ties by
    name), each linked to another one kept, always keeping ``graph["focus"]``
    if there is one; ``G`` itself when it is no larger.

    An entity none of whose neighbours makes the cut would be a lone dot
    (the hub of another story, drawn without its story), so the next
    entities by degree take its place; lone entities fill the part only
    when no linked one is left.

    ``graph["cut"]`` then holds how many entities the part was cut ``of``
    and the ``rule`` that chose it, so that a picture can say what it left
    out.

    >>> part = most_connected(project(example_graph()), 3)
    >>> sorted(part), part.graph["cut"]
    (['Acme Corp', 'Globex', 'Initech'], {'of': 10, 'rule': 'the most connected'})
    >>> two_stories = nx.MultiDiGraph([("hub", "a"), ("hub", "b"), ("hub", "c"), ("other", "x"), ("other", "y")])
    >>> sorted(most_connected(two_stories, 3))  # "other" has more neighbours than "a", but none of them is kept
    ['a', 'b', 'hub']
    """
    if G.number_of_nodes() <= top:
        return G
    kept, chosen = _most_connected(undirected(G), top, G.graph.get("focus"))
    sub = subgraph(G, kept)
    sub.graph.update(chosen)
    return sub


def _most_connected(U: nx.Graph, top: int, focus: str | None) -> tuple[list[str], dict]:
    """The entities :func:`most_connected` keeps of the undirected graph ``U`` (of more than ``top``),
    and the graph attribute that says what it left out (``cut``)."""
    ranked = sorted(U, key=lambda n: (n != focus, -U.degree(n), n))
    return _linked_first(U, ranked, top, focus), {"cut": {"of": U.number_of_nodes(), "rule": "the most connected"}}


def _linked_first(U: nx.Graph, ranked: list[str], top: int, focus: str | None = None,
                  whole: bool = True) -> list[str] | None:
    """The ``top`` entities :func:`most_connected` keeps of ``ranked``, the nodes of ``U`` best first: the
    first ones, an entity with no neighbour among those kept (but ``focus``) giving its place to the
    next, and entities left alone filling the part only when no other is left. ``whole=False``: ``ranked``
    is only the first of the ranking (``U`` the links among them); None where they are too few to tell."""
    kept, waiting, lone = ranked[:top], ranked[top:], []
    while True:
        members = set(kept)
        alone = [n for n in kept if n != focus and not any(m in members for m in U[n])]
        if not whole and len(waiting) < len(alone):  # the whole ranking would give places to those after
            return None
        if not alone or not waiting:
            break
        lone += alone
        kept = [n for n in kept if n not in alone] + waiting[:len(alone)]
        waiting = waiting[len(alone):]
    kept += sorted(lone, key=ranked.index)[:top - len(kept)]
    return kept


def _most_connected_of_summary(source: Source, top: int) -> tuple[list[str], dict, dict[str, dict]] | None:
    """What :func:`_most_connected` keeps of the :func:`connections` of a whole store, its ``cut``, and
    the entities it considered (IRI -> node attributes), chosen on the neighbours the store's summary
    graph counts for each entity (kg:neighbours of ``triples/summary.ru``): the entities with most
    neighbours are read with the links among them alone, twice as many as ``top`` first, then more
    while the entities alone among them call for more (at 10,000 articles, 0.85 s to read every
    entity and entity pair). None where the summary has no such counts (filled by an older kg), the
    graph no more than ``top`` entities, or the part would take entities with no neighbour."""
    if not has_summary(source):
        return None
    entities = next(iter(select_rows(source, f"""SELECT (COUNT(DISTINCT ?node) AS ?n) WHERE {{
                  VALUES ?class {{ {iri_list(str(KG[cls]) for cls in CLASSES)} }} ?node a ?class }}""")))[0]
    if entities <= top:
        return None
    wanted = 2 * top
    while True:
        neighbours = _most_neighbours(source, wanted)
        if len(neighbours) < top:
            return None
        known = _entities(source, among=neighbours)
        label = {node: attrs["label"] for node, attrs in known.items()}
        U = nx.Graph()
        U.add_nodes_from(label.values())
        U.add_edges_from((label[s], label[o]) for s, _, o in _relation_triples(
            source, [str(KG[name]) for name in RELATIONS], among=known) if s != o)
        ranked = sorted(known, key=lambda node: (-neighbours[node], label[node]))
        # (every entity read, each with a neighbour: the whole ranking)
        kept = _linked_first(U, [label[node] for node in ranked], top, whole=len(neighbours) == entities)
        if kept is not None:
            return kept, {"cut": {"of": entities, "rule": "the most connected"}}, known
        if len(neighbours) < wanted:  # every entity with a neighbour was read: the part takes some with none
            return None
        wanted *= 4


def _most_neighbours(source: Source, wanted: int) -> dict[str, int]:
    """The ``wanted`` entities with most neighbours as the summary graph of a store counts them, with
    those of as many as the last (IRI -> neighbours); every entity with a neighbour when there are fewer."""
    fewest = next(iter(select_rows(source, f"""
            SELECT ?neighbours WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?node kg:neighbours ?neighbours }} }}
            ORDER BY DESC(?neighbours) OFFSET {wanted - 1} LIMIT 1""")), (1,))[0]
    return {node: int(n) for node, n in select_rows(source, f"""
            SELECT ?node ?neighbours WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?node kg:neighbours ?neighbours }}
              FILTER(?neighbours >= {int(fewest)}) }}""")}


def shown_part(source: Source, top: int | None, *, focus: str | None = None, depth: int = 1,
               relations: Iterable[str] | None = None, classes: Iterable[str] | None = None,
               counts: bool = False) -> nx.MultiDiGraph:
    """The part of the graph a picture shows, read from ``source`` for that part
    only: what ``most_connected(neighbourhood(G, focus, depth, limit=top), top)``
    (``most_connected(G, top)`` with no ``focus``; no cut with no ``top``) gives of
    ``G = project(source, relations=..., classes=..., evidence=False, counts=counts)``,
    its entities chosen on :func:`connections` (the most connected of a whole
    store on the neighbours its summary graph counts) and then projected alone
    (:func:`with_evidence` adds their evidence, or their counts to a part read
    without).

    >>> part = shown_part(example_graph(), 3)
    >>> sorted(part), part.graph["cut"]
    (['Acme Corp', 'Globex', 'Initech'], {'of': 10, 'rule': 'the most connected'})
    """
    # the most connected of the whole graph, chosen on the counts of the store's summary where it has them
    summarised = None if focus or relations is not None or classes is not None or not top else \
        _most_connected_of_summary(source, top)
    if summarised:
        kept, chosen, known = summarised
    else:
        U = connections(source, relations=relations, classes=classes)
        known = _known(U)
        # chosen on who neighbours whom alone, as those two choose (no more than ``top`` near the focus
        # leaves most_connected nothing to cut)
        if focus:
            kept, chosen = _nearest(U, find_entity(U, focus), depth, top)
        elif top and U.number_of_nodes() > top:
            kept, chosen = _most_connected(U, top, None)
        else:
            kept, chosen = list(U), {}
    read = project(source, relations=relations, classes=classes, entities=set(kept), evidence=False, counts=counts,
                   known=known)
    part = subgraph(read, kept)
    part.graph.update(chosen)
    return part


def subgraph(G: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """A copy of ``G`` induced on ``nodes``, in sorted order, so that what is
    drawn or exported from it does not depend on set iteration order.

    >>> sorted(subgraph(project(example_graph()), ["Globex", "Initech"]).edges(keys=True))
    [('Globex', 'Initech', 'supplies')]
    """
    keep = set(nodes)
    sub = nx.MultiDiGraph(**G.graph)
    sub.add_nodes_from((n, G.nodes[n]) for n in sorted(keep) if n in G)
    sub.add_edges_from(sorted(((u, v, k, d) for u, v, k, d in G.edges(keys=True, data=True)
                               if u in keep and v in keep), key=lambda edge: edge[:3]))
    return sub


def evidence(G: nx.MultiDiGraph, ids: Iterable[str]) -> list[dict]:
    """Details (article file, offsets, sentence if stored) of evidence ids.

    >>> G = project(example_graph())
    >>> [ev["file"] for ev in evidence(G, G["Globex"]["Initech"]["supplies"]["evidence"])]
    ['example-2.txt']
    """
    table = G.graph.get("evidence", {})
    return [table[i] for i in ids if i in table]


def paths(G: nx.MultiDiGraph, source: str, target: str, limit: int = 5) -> list[list[dict]]:
    """Up to ``limit`` shortest connecting paths, each a list of hops.

    A hop says which entity it goes ``from`` and ``to`` and lists every
    relation joining the two (with its written direction and evidence);
    direction is ignored when searching. No path gives ``[]``.

    >>> G = project(example_graph())
    >>> [(h["from"], h["to"], [r["relation"] for r in h["relations"]]) for h in paths(G, "Jane Roe", "Globex")[0]]
    [('Jane Roe', 'Acme Corp', ['ceoOf']), ('Acme Corp', 'Globex', ['partnerOf'])]
    """
    a, b = find_entity(G, source), find_entity(G, target)
    if a == b:
        raise ValueError(f"{source!r} and {target!r} are the same entity")
    U = undirected(G)
    try:
        found = list(itertools.islice(nx.all_shortest_paths(U, a, b), limit))
    except nx.NetworkXNoPath:
        return []
    return [[_hop(G, u, v) for u, v in itertools.pairwise(path)] for path in found]


def _hop(G: nx.MultiDiGraph, u: str, v: str) -> dict:
    joined = []
    for s, o in ((u, v), (v, u)):
        for key, data in (G.get_edge_data(s, o) or {}).items():
            joined.append({"subject": s, "relation": key, "object": o, "symmetric": data.get("symmetric", False),
                           "sources": data.get("sources", 0),
                           "evidence": evidence(G, data.get("evidence", []))})
    return {"from": u, "to": v, "relations": sorted(joined, key=lambda r: (r["relation"], r["subject"]))}


# ------------------------------------------------------------ counts

def _fact_counts(source: Source) -> tuple[Counter, int]:
    """The facts each article file states, and the number of facts, counted from the facts (a graph
    with no summary; a store has them in its summary graph)."""
    fact_rows = _fact_rows(source, _entities(source))
    return Counter(file for row in fact_rows for file in row["sources"]), len(fact_rows)


def stats(source: Source, articles: int | None = None) -> dict:
    """Counts by class, relation, article, number of sources, and extractor
    (evidence sentences behind the relation triples).

    ``multi_source`` is the fraction of relation triples (a symmetric pair
    once) stated by more than one article. ``articles``: how many of the
    graph's articles (first by file name) to count relations and facts of,
    all with None; ``article_count`` says how many there are. A store is
    counted with SPARQL aggregates on its summary graph (``triples/summary.ru``),
    reading a few rows whatever its size; a graph parsed from a file from its
    projection.

    >>> s = stats(example_graph())
    >>> s["entities"], s["relations"], s["facts"], s["classes"]["Organization"]
    (10, 11, 4, 5)
    >>> s["sources"], s["multi_source"], s["extractors"]
    ({1: 10, 2: 1}, 0.09090909090909091, {'kg.example.v1': 12})
    >>> s["articles"]["example-2.txt"], s["article_count"]
    ({'relations': 5, 'facts': 2}, 2)
    """
    files = _article_files(source)
    shown = sorted(files)[:articles] if articles is not None else sorted(files)
    counted = _summary_counts if _summarised(source) else _projected_counts
    counts, per_article = counted(source, {file: files[file] for file in shown})
    edges = counts["relations"]
    return {
        **counts,
        "articles": {file: per_article[file] for file in shown},
        "article_count": len(files),
        "multi_source": sum(n for k, n in counts["sources"].items() if k > 1) / edges if edges else 0.0,
    }


def _article_files(source: Source) -> dict[str, set[str]]:
    """File name (else the IRI's last part) -> the IRIs of the graph's articles called so: two
    single-pattern reads, several times faster in Oxigraph than one with an OPTIONAL."""
    named = dict(select_rows(source, "SELECT ?article ?file WHERE { ?article kg:fileName ?file }"))
    files = defaultdict(set)
    for article, in select_rows(source, "SELECT ?article WHERE { ?article a kg:Article }"):
        files[named.get(article) or _local_name(article)].add(article)
    return files


def _projected_counts(source: Source, shown: dict[str, set[str]]) -> tuple[dict, dict[str, dict]]:
    """:func:`stats`' counts from the projection of the whole graph and its evidence (a graph with no
    summary): the counts of the articles in ``shown`` (file -> IRIs)."""
    G = project(source, evidence=False)
    facts_by_article, fact_count = _fact_counts(source)
    per_article = {file: {"relations": 0, "facts": facts_by_article[file]} for file in shown}
    for _, _, data in G.edges(data=True):
        for file in data["articles"]:
            if file in per_article:
                per_article[file]["relations"] += 1
    by_edge = _extractor_counts(source, [str(KG[name]) for name in RELATIONS])
    extractors = Counter()
    for u, v, key in G.edges(keys=True):
        extractors.update(by_edge.get((G.nodes[u]["iri"], str(KG[key]), G.nodes[v]["iri"]), {}))
    return {
        "entities": G.number_of_nodes(),
        "relations": G.number_of_edges(),
        "facts": fact_count,
        "classes": dict(sorted(Counter(c for _, c in G.nodes(data="cls")).items())),
        "relation_types": dict(sorted(Counter(k for _, _, k in G.edges(keys=True)).items())),
        "sources": dict(sorted(Counter(data["sources"] for _, _, data in G.edges(data=True)).items())),
        "extractors": dict(sorted(extractors.items())),
    }, per_article


def _summary_counts(source: Source, shown: dict[str, set[str]]) -> tuple[dict, dict[str, dict]]:
    """:func:`stats`' counts of a store, as SPARQL aggregates (Oxigraph counts rows far faster than
    it hands them to Python: 0.04 s to count 58,523 relation triples, 0.8 s to read them): relation
    triples by relation (a symmetric pair once), the summary graph's rows by number of sources and
    by extractor, and the relations and facts of the articles in ``shown`` (file -> IRIs) alone."""
    classes = {str(KG[c]): c for c in CLASSES}
    typed = f"VALUES ?class {{ {iri_list(classes)} }} ?node a ?class"
    by_class = Counter({classes[c]: int(n) for c, n in select_rows(
        source, f"SELECT ?class (COUNT(*) AS ?n) WHERE {{ {typed} }} GROUP BY ?class")})
    entities = sum(by_class.values())
    # an entity of several classes counts once, under the last of CLASSES (as a projection's node)
    for joined, in select_rows(source, f"SELECT (GROUP_CONCAT(STR(?class); separator=\" \") AS ?classes) WHERE {{ {typed} }} "
                                       "GROUP BY ?node HAVING (COUNT(*) > 1)"):
        kinds = [classes[c] for c in str(joined).split()]
        entities -= len(kinds) - 1
        by_class.subtract(k for k in kinds if k != max(kinds, key=CLASSES.index))
    symmetric = [str(KG[name]) for name, spec in RELATIONS.items() if spec.symmetric]
    directed = [str(KG[name]) for name, spec in RELATIONS.items() if not spec.symmetric]
    by_relation = Counter()
    for p, n in itertools.chain(
            select_rows(source, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {iri_list(directed)} }} "
                                "?s ?p ?o } GROUP BY ?p"),
            # a symmetric pair once: the triple from the smaller IRI, or the only one
            select_rows(source, f"SELECT ?p (COUNT(*) AS ?n) WHERE {{ VALUES ?p {{ {iri_list(symmetric)} }} ?s ?p ?o "
                                "FILTER NOT EXISTS { ?o ?p ?s FILTER(STR(?o) < STR(?s)) } } GROUP BY ?p")):
        by_relation[_local_name(p)] += int(n)
    edges = sum(by_relation.values())
    sources = Counter()
    # the articles of an edge are joined by "/": one more file than slashes
    for n, counted in select_rows(source, f"""
            SELECT ?n (COUNT(*) AS ?edges) WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?row kg:articles ?articles }}
              BIND(STRLEN(?articles) - STRLEN(REPLACE(?articles, "/", "")) + 1 AS ?n) }} GROUP BY ?n"""):
        sources[int(n)] += int(counted)
    if edges > sum(sources.values()):  # edges no evidence states
        sources[0] += edges - sum(sources.values())
    extractors = {str(e): int(n) for e, n in select_rows(source, f"""
            SELECT ?extractor (SUM(?sentences) AS ?n) WHERE {{
              GRAPH <{SUMMARY_GRAPH}> {{ ?row kg:extractor ?extractor ; kg:sentences ?sentences }} }}
            GROUP BY ?extractor""")}
    fact_count = sum(int(n) for n, in select_rows(source, f"""
            SELECT ?facts WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?row a kg:FactCount ; kg:facts ?facts }} }}"""))
    return {
        "entities": entities,
        "relations": edges,
        "facts": fact_count,
        "classes": dict(sorted((c, n) for c, n in by_class.items() if n)),
        "relation_types": dict(sorted(by_relation.items())),
        "sources": dict(sorted(sources.items())),
        "extractors": dict(sorted(extractors.items())),
    }, _article_counts(source, shown)


def _article_counts(source: Source, shown: dict[str, set[str]]) -> dict[str, dict]:
    """The relation triples (a symmetric pair once) and facts of the articles in ``shown`` (file ->
    IRIs), from their evidence as the summary graph counts it, and the facts the summary holds."""
    file_of = {article: file for file, articles in shown.items() for article in articles}
    per_article = {file: {"relations": 0, "facts": 0} for file in shown}
    if not file_of:
        return per_article
    edges = defaultdict(set)
    for article, s, p, o in select_rows(source, f"""
            SELECT DISTINCT ?article ?s ?p ?o WHERE {{
              VALUES ?article {{ {iri_list(file_of)} }}
              ?ev prov:wasDerivedFrom ?article ; a kg:Evidence ; kg:start ?start ; kg:end ?end ; kg:extractor ?x .
              ?statement kg:evidence ?ev ; a rdf:Statement ; rdf:predicate ?p ; rdf:subject ?s ; rdf:object ?o .
            }}"""):
        edges[file_of[article]].add(_edge_key(s, p, o))
    for file, keys in edges.items():
        per_article[file]["relations"] = len(keys)
    for article, stated in select_rows(source, f"""
            SELECT ?article ?facts WHERE {{ VALUES ?article {{ {iri_list(file_of)} }}
              GRAPH <{SUMMARY_GRAPH}> {{ ?article kg:factsStated ?facts }} }}"""):
        per_article[file_of[article]]["facts"] += int(stated)
    return per_article


# ------------------------------------------------------------ facts

def period_bounds(period: str | None) -> tuple[date | None, date | None]:
    """First and last day of an ISO 8601 period (``2025``, ``2025-07``,
    ``2025-09-12`` or a ``start/end`` interval of those); ``(None, None)``
    when it is missing or not understood.

    >>> period_bounds("2025-07/2025-09")
    (datetime.date(2025, 7, 1), datetime.date(2025, 9, 30))
    >>> period_bounds("2025"), period_bounds("soon")
    ((datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)), (None, None))
    """
    if not period:
        return None, None
    first, _, last = period.partition("/")
    try:
        return _day(first, end=False), _day(last or first, end=True)
    except ValueError:
        return None, None


def _day(text: str, end: bool) -> date:
    parts = [int(p) for p in text.strip().split("-")]
    if len(parts) == 3:
        return date(*parts)
    if len(parts) == 2:
        year, month = parts
        return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
    if len(parts) == 1:
        return date(parts[0], 12, 31) if end else date(parts[0], 1, 1)
    raise ValueError(text)


def _facts(source: Source, subject: str | None = None) -> dict[str, tuple]:
    """Each measured fact (or only those about the entity IRI ``subject``): its
    subject, metric, value, unit and period, without what states it."""
    # the subject written into the pattern, not as VALUES: Oxigraph then starts from it
    about = f"<{subject}>" if subject else "?subject"
    facts_found = {}
    for fact, subj, metric, value, unit, period in select_rows(source, f"""
            SELECT ?fact ({about} AS ?subj) ?metric ?value ?unit ?period WHERE {{
              ?fact kg:subject {about} ; a kg:Fact ; kg:value ?value .
              OPTIONAL {{ ?fact kg:metric ?metric_term }}
              OPTIONAL {{ ?fact kg:unit ?unit }}
              OPTIONAL {{ ?fact kg:period ?period }}
              # a metric written as an IRI is known by its local name
              BIND(IF(isIRI(?metric_term), REPLACE(STR(?metric_term), "^.*[#/]", ""), ?metric_term) AS ?metric)
            }}"""):
        facts_found.setdefault(fact, (subj, metric, value, unit, period))
    return facts_found


def _fact_rows(source: Source, entities: dict[str, dict], subject: str | None = None,
               facts_found: dict[str, tuple] | None = None) -> list[dict]:
    """Every measured fact (or only those about the entity IRI ``subject``, or
    those of ``facts_found`` as :func:`_facts` reads them, whose evidence alone
    is then read) with the files and sentences behind it."""
    about = f"<{subject}>" if subject else "?subject"
    # some facts: named last (rdflib's engine joins VALUES first otherwise), which Oxigraph reads in
    # half the time of all facts' evidence for the 43% of facts of 10,000 articles kg conflicts compares
    among = "" if facts_found is None else f"VALUES ?fact {{ {iri_list(facts_found)} }}"
    facts_found = _facts(source, subject) if facts_found is None else facts_found
    evidence_of = defaultdict(dict)
    for fact, ev, article, file, quote, start, end in select_rows(source, f"""
            SELECT ?fact ?ev ?article ?file ?quote ?start ?end WHERE {{
              ?fact kg:subject {about} ; a kg:Fact ; kg:evidence ?ev .
              ?ev prov:wasDerivedFrom ?article ; kg:start ?start ; kg:end ?end .
              OPTIONAL {{ ?article kg:fileName ?file }}
              OPTIONAL {{ ?ev kg:quote ?quote }}
              {among}
            }}""") if facts_found else ():
        file = file or (_local_name(article) if article else None)
        evidence_of[fact].setdefault(ev, (file, quote if quote is None else str(quote), start, end))
    rows = []
    for fact, (subj, metric, value, unit, period) in facts_found.items():
        files, quotes = set(), []
        for _, (file, quote, start, end) in sorted(evidence_of[fact].items()):
            if file:
                files.add(file)
            quotes.append(quote if quote is not None else f"{file} [{start}:{end}]")
        period = None if period is None else str(period)
        first, last = period_bounds(period)
        rows.append({
            "fact": fact,
            "entity": _subject_label(entities, subj),
            "metric": None if metric is None else str(metric),
            "value": plain_decimal(Decimal(str(value))),
            "unit": "" if unit is None else str(unit),
            "period": period,
            "start": first,
            "end": last,
            "sources": sorted(files),
            "evidence": quotes,
        })
    return rows


def _subject_label(entities: dict[str, dict], subject: str) -> str:
    """The name a fact's subject IRI goes by: its entity's label, else the IRI's last part."""
    return entities[subject]["label"] if subject in entities else _local_name(subject)


def _entity_names(entities: dict[str, dict]) -> nx.MultiDiGraph:
    """The entities alone, as :func:`find_entity` looks names up."""
    G = nx.MultiDiGraph()
    G.add_nodes_from((attrs["label"], attrs) for attrs in entities.values())
    return G


def facts(source: Source, entity: str | None = None) -> list[dict]:
    """Measured facts as a time series: by metric, then period start
    (undated last), then unit and value. ``entity`` (a label or alias,
    any case) keeps one entity's facts, and only those are read.
    ``value`` is a ``Decimal``.

    >>> [(f["metric"], f["period"], str(f["value"])) for f in facts(example_graph(), "acme cloud")]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('revenue', '2025-04/2025-06', '10000000000'), ('revenueGrowth', '2025-01/2025-03', '15'), ('revenueGrowth', '2025-04/2025-06', '20'), ('revenueGrowth', '2025-04/2025-06', '21')]
    """
    entities = _entities(source)
    subject = None
    if entity is not None:
        node = find_entity(_entity_names(entities), entity)
        subject = next(iri for iri, attrs in entities.items() if attrs["label"] == node)
    rows = _fact_rows(source, entities, subject)
    return sorted(rows, key=lambda r: (r["entity"], r["metric"], r["start"] is None, r["start"] or date.min,
                                       r["end"] or date.min, r["unit"], r["value"]))


def _is_currency(unit: str) -> bool:
    return len(unit) == 3 and unit.isalpha() and unit.isupper()


def _conversion(a: Decimal, unit_a: str, b: Decimal, unit_b: str) -> dict:
    """Classify two amounts in two currencies by their implied exchange rate."""
    if not a or not b:
        return {"kind": "disagreement", "difference": None, "rate": None,
                "reason": f"zero against non-zero in {unit_a} and {unit_b}"}
    # express the rate as "big per small" so it reads like a quoted rate (7.31 CNY per USD)
    (big, big_unit), (small, small_unit) = sorted([(a, unit_a), (b, unit_b)], key=lambda x: x[0], reverse=True)
    rate = float(big / small)
    said = f"implied rate {rate:.4g} {big_unit} per {small_unit}"
    if big_unit not in USD_RATES or small_unit not in USD_RATES:
        return {"kind": "conversion", "difference": None, "rate": rate,
                "reason": f"the same amount in {unit_a} and {unit_b}? {said}, not checked (no reference rate)"}
    expected = USD_RATES[big_unit] / USD_RATES[small_unit]
    off = abs(rate - expected) / expected
    if off <= RATE_TOLERANCE:
        return {"kind": "conversion", "difference": None, "rate": rate,
                "reason": f"the same amount in {unit_a} and {unit_b}: {said}, near the reference {expected:.4g}"}
    return {"kind": "disagreement", "difference": None, "rate": rate,
            "reason": f"{said} is {off:.0%} off the reference {expected:.4g}: not one amount converted"}


def compare_values(a: Decimal, unit_a: str, b: Decimal, unit_b: str) -> dict | None:
    """How two figures for the same subject, metric and period differ;
    ``None`` when they are equal.

    The rule, in order:

    1. ``conversion``: the units are two currencies (CNY and USD) and the
       implied exchange rate ``rate`` is within :data:`RATE_TOLERANCE` of
       the approximate reference in :data:`USD_RATES` (unchecked for
       currencies not listed there): one amount stated in two currencies,
       not a disagreement. Two currencies far off the reference rate
       (380 billion yuan against US$3.2 billion) are a ``disagreement``.
    2. ``rounding``: the same unit, and the figures differ by at most
       :data:`ROUNDING_TOLERANCE` of the larger (52 and "about 53" billion
       differ by 1.9%; 39.8 and 39.75 by 0.1%).
    3. ``disagreement``: anything else, including other unit mismatches.

    A rule on significant digits was tried and dropped: trailing zeros are
    ambiguous, so "20%" would count as one digit and swallow 21%.

    >>> compare_values(Decimal(52e9), "USD", Decimal(53e9), "USD")["kind"]
    'rounding'
    >>> compare_values(Decimal(26), "percent", Decimal(34), "percent")["kind"]
    'disagreement'
    >>> c = compare_values(Decimal("5.6e9"), "USD", Decimal("39.8e9"), "CNY")
    >>> c["kind"], round(c["rate"], 2)
    ('conversion', 7.11)
    >>> compare_values(Decimal("380e9"), "CNY", Decimal("3.2e9"), "USD")["kind"]
    'disagreement'
    """
    if unit_a == unit_b and a == b:
        return None
    if unit_a != unit_b:
        if _is_currency(unit_a) and _is_currency(unit_b):
            return _conversion(a, unit_a, b, unit_b)
        return {"kind": "disagreement", "difference": None, "rate": None,
                "reason": f"different units: {unit_a} and {unit_b}"}
    difference = abs(a - b) / max(abs(a), abs(b))
    if difference <= ROUNDING_TOLERANCE:
        return {"kind": "rounding", "difference": float(difference), "rate": None,
                "reason": f"differ by {difference:.1%}, within the {ROUNDING_TOLERANCE:.1%} rounding tolerance"}
    return {"kind": "disagreement", "difference": float(difference), "rate": None,
            "reason": f"differ by {difference:.1%}, more than rounding ({ROUNDING_TOLERANCE:.1%})"}


def _compared_within(entity: str, metric, period) -> tuple[str, str | None, str | None] | None:
    """The group of facts a fact is compared within: its entity (label), metric and period; None for a
    figure that belongs to a span of time (:data:`PERIODIC_METRICS`) stated with no period."""
    metric, period = None if metric is None else str(metric), None if period is None else str(period)
    return None if period is None and metric in PERIODIC_METRICS else (entity, metric, period)


def _side(row: dict) -> dict:
    return {key: row[key] for key in ("value", "unit", "sources", "evidence")}


def conflicts(source: Source, kinds: Iterable[str] | None = None) -> list[dict]:
    """Facts on the same subject, metric and period whose values differ
    between articles, one row per pair, classified by :func:`compare_values`.

    Facts are compared only when their periods are equal (a missing period
    only with a missing period) and the two are not stated by one article
    alone: figures inside one article are its own breakdown, not a conflict.
    Figures that belong to a span of time (revenue, growth, profit, price
    moves) are not compared when their period is unknown: two undated
    growth rates are as likely two quarters as a disagreement. Pledges,
    valuations and stakes are compared undated.
    ``kinds`` keeps some of ``conversion``, ``rounding``, ``disagreement``.

    >>> [(c["entity"], c["metric"], c["period"], c["kind"]) for c in conflicts(example_graph())]
    [('Acme Cloud', 'revenueGrowth', '2025-04/2025-06', 'disagreement')]
    """
    facts_found = _facts(source)
    group_of = {}
    for fact, (subject, metric, _, _, period) in facts_found.items():
        # (by IRI here: an entity's label is as much its own as its IRI)
        group = _compared_within(subject, metric, period)
        if group is not None:
            group_of[fact] = group
    sizes = Counter(group_of.values())
    # the evidence and the names (most of the time) are read only for the facts that have another
    # fact to be compared with
    compared = {fact: facts_found[fact] for fact, group in group_of.items() if sizes[group] > 1}
    entities = _entities(source, among={subject for subject, *_ in compared.values()})
    groups = defaultdict(list)
    for row in _fact_rows(source, entities, facts_found=compared):
        groups[_compared_within(row["entity"], row["metric"], row["period"])].append(row)
    found = []
    for (entity, metric, period), rows in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")):
        rows.sort(key=lambda r: (r["unit"], r["value"]))
        for a, b in itertools.combinations(rows, 2):
            if len(set(a["sources"]) | set(b["sources"])) < 2:
                continue
            verdict = compare_values(a["value"], a["unit"], b["value"], b["unit"])
            if verdict is None or (kinds is not None and verdict["kind"] not in kinds):
                continue
            found.append({"entity": entity, "metric": metric, "period": period, **verdict,
                          "a": _side(a), "b": _side(b)})
    return found
