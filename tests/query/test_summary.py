"""The summary graph (issue 9): saved queries that aggregate the whole graph
read answers computed when the store is loaded or updated, and those answers
are what the aggregate gives on the graph as it is."""

from __future__ import annotations

import random
import re

import pyoxigraph as ox
import pytest
from rdflib.compare import isomorphic

from kg.model import TRIPLES_DIR
from kg.query import PREFIXES, run_query
from kg.store import (SUMMARY_GRAPH, add_to_graph, apply_update, build_store, load_graph, open_store,
                      save_ntriples_as, summary_update)

pytestmark = pytest.mark.issue(9)

NEWS = TRIPLES_DIR / "news.trig"


def _aggregates() -> list[str]:
    """The SELECTs inside the summary update, in order: first what each saved
    query once ran itself, then the counts kg.analyse reads (tests/test_analyse_store.py)."""
    return re.findall(r"WHERE \{\n(  SELECT .*?)\n\}", summary_update(), re.S)


def _values(rows) -> list[tuple]:
    return [tuple(None if term is None else term.value for term in row) for row in rows]


def _saved(store, name: str, params: dict | None = None) -> list[tuple]:
    return _values(run_query(store, name, params or {}))


@pytest.fixture(scope="module")
def store():
    opened = open_store(NEWS)
    yield opened
    opened.close()


def test_the_update_holds_one_aggregate_per_saved_query_then_the_analysis_counts():
    found = _aggregates()
    assert len(found) == 10
    assert "AS ?sources" in found[0] and "AS ?claims" in found[1]


def test_entities_by_sources_are_the_live_counts(store):
    live = {(entity, cls.rsplit("#", 1)[-1], int(n))
            for entity, cls, n in _values(store.query(_aggregates()[0], prefixes=PREFIXES))}
    saved = _saved(store, "entities-by-sources")
    assert len(live) > 50 and {(e, t, int(n)) for e, t, n in saved} == live
    assert [int(row[2]) for row in saved] == sorted((int(row[2]) for row in saved), reverse=True)
    people = _saved(store, "entities-by-sources", {"class": "Person"})
    assert people and {(e, t, int(n)) for e, t, n in people} == {row for row in live if row[1] == "Person"}


def test_conflicting_facts_are_the_live_groups(store):
    live = _values(store.query(_aggregates()[1], prefixes=PREFIXES))
    saved = _saved(store, "conflicting-facts")
    assert live and sorted(saved) == sorted(live)


def test_the_neighbours_of_each_entity_are_those_it_is_related_to(store):
    """kg:neighbours counts, for each entity, the entities it is related to by any of the sixteen relations
    (the degree kg draw ranks by): the path of summary.ru names each relation both ways."""
    from kg.analyse import connections
    from kg.schema import RELATIONS

    path = re.search(r"\?node ((?:\^?kg:\w+\|\s*)+\^?kg:\w+) \?other", summary_update())[1].split()
    assert "".join(path).split("|") == [step for name in RELATIONS for step in (f"kg:{name}", f"^kg:{name}")]
    listed = re.search(r"\?relation IN \((.*?)\)", summary_update(), re.S)[1].split()  # (the triples from each node)
    assert "".join(listed).split(",") == [f"kg:{name}" for name in RELATIONS]
    U = connections(store)
    degrees = {U.nodes[n]["iri"]: d for n, d in U.degree() if d}
    saved = {node: int(n) for node, n in store.query(
        f"SELECT ?node ?n WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?node kg:neighbours ?n }} }}", prefixes=PREFIXES).values()}
    assert len(degrees) > 50 and saved == degrees


def test_the_summary_is_no_part_of_the_graph(store):
    from kg.store import open as open_graph

    assert len(open_graph(store.path)) == len(store)


def test_an_update_refreshes_the_summary(tmp_path):
    folder = build_store(NEWS, tmp_path / "store")

    def nvidia_sources() -> int:
        opened = open_store(folder)
        try:
            return next(int(n) for entity, _, n in _saved(opened, "entities-by-sources") if entity == "Nvidia")
        finally:
            opened.close()

    before = nvidia_sources()
    apply_update(folder, """INSERT DATA {
        <https://w3id.org/kg-news/mention/new> a kg:Mention ; kg:denotes entity:nvidia ;
            kg:evidence <https://w3id.org/kg-news/evidence/new> .
        <https://w3id.org/kg-news/evidence/new> prov:wasDerivedFrom article:new-one .
    }""", prefixes=PREFIXES)
    assert nvidia_sources() == before + 1


def _summary_rows(location) -> list[tuple]:
    """The rows of a store's summary graph: each a sorted tuple of its predicates and objects (a row that is a
    triple, kg:factsStated or one of a node's, with its subject). What an aggregate joins is compared as sets:
    GROUP_CONCAT joins in whatever order the engine met them."""
    rows: dict[str, list[tuple[str, str]]] = {}
    with open_store(location) as opened:
        for s, p, o in opened.query(f"SELECT ?s ?p ?o WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?s ?p ?o }} }}"):
            name = p.value.rsplit("#", 1)[-1]
            value = o.value if o.kind == "bnode" else _in_order(name, o.value) if name in _JOINED else o.n3()
            rows.setdefault(s.value if s.kind == "bnode" else s.n3(), []).append((p.n3(), value))
    return sorted(((key,) if key.startswith("<") else ("",)) + tuple(sorted(cells))
                  for key, cells in rows.items())


#: The strings of the summary that join what an aggregate met (the local names of their predicates)
_JOINED = frozenset({"articles", "claims", "names", "relationsFrom", "edgesFrom"})


def _in_order(name: str, text: str) -> str:
    """A string of the summary that joins what an aggregate met (the object of kg:``name``), with what it
    joins in one order: GROUP_CONCAT joins in whatever order the engine met them."""
    if name == "articles":
        return "/".join(sorted(text.split("/")))
    if name == "claims":
        return " | ".join(sorted(text.split(" | ")))
    if name == "names":  # classes, labels, other labels, Wikidata ids: each a line a value
        return "\t".join("\n".join(sorted(field.split("\n"))) for field in text.split("\t"))
    if name == "edgesFrom":  # a line an edge: relation, object, confidence, articles
        return "\n".join(sorted(" ".join([*line.split(" ", 3)[:3], _in_order("articles", line.split(" ", 3)[3])])
                                for line in text.split("\n")))
    return "\n".join(sorted(text.split("\n")))  # relationsFrom: a line a relation and object


KG_NS, RDF_NS = "https://w3id.org/kg-news/ontology#", "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _random_share(quads: list, seed: int, share: float) -> tuple[list, set]:
    rng = random.Random(seed)
    return quads, {quad for quad in quads if rng.random() < share}


def _article_nodes(quads: list) -> tuple[list, set]:
    """The triples of the articles themselves (their file names): the rows of the evidence derived from them change."""
    return quads, {quad for quad in quads if "/article/" in quad.subject.value}


def _reversed_symmetric(quads: list) -> tuple[list, set]:
    """Of a competesWith relation stated both ways (two statements, as kg writes a symmetric one), the way
    from the larger IRI, given the evidence of another article instead of its own: its row is keyed from the
    smaller IRI, by the other way, and counts the articles of both."""
    derived = {q.subject: q.object for q in quads if q.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"}

    def value(node, name):
        return next(q.object for q in quads if q.subject == node and q.predicate.value == name)

    stated = {(value(q.subject, RDF_NS + "subject"), value(q.subject, RDF_NS + "object")): q.subject for q in quads
              if q.predicate.value == RDF_NS + "predicate" and q.object.value == KG_NS + "competesWith"}
    later = next(statement for (s, o), statement in sorted(stated.items(), key=str) if s.value > o.value)
    evidence = ox.NamedNode(KG_NS + "evidence")
    own = {derived[q.object] for q in quads if q.subject == later and q.predicate == evidence}
    other = next(q.object for q in sorted(quads, key=str) if q.predicate == evidence and derived[q.object] not in own)
    changed = [q for q in quads if not (q.subject == later and q.predicate == evidence)] + [ox.Quad(later, evidence, other)]
    return changed, {q for q in changed if q.subject == later}


@pytest.mark.parametrize(("part", "ext"), [(lambda q: _random_share(q, 1, 0.02), "trig"),
                                           (lambda q: _random_share(q, 2, 0.3), "nt"),
                                           (lambda q: _random_share(q, 3, 0.7), "ttl"),
                                           (_article_nodes, "nq"), (_reversed_symmetric, "trig"),
                                           (lambda q: _random_share(q, 4, 0.1), "jsonld")])  # (written whole)
def test_adding_triples_refreshes_the_rows_they_touch_as_the_whole_summary_would(tmp_path, monkeypatch, part, ext):
    """Triples added to a store of a graph (kg add adds an article's share, a part of what makes the whole)
    give the summary graph that filling it whole from the graph gives; and the graph file, appended to,
    parses to the whole graph."""
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))
    quads, added = part(list(ox.parse(path=str(NEWS), format=ox.RdfFormat.TRIG)))
    whole = _ntriples(tmp_path / "whole.nt", quads)
    base = tmp_path / f"base.{ext}"
    save_ntriples_as(_ntriples(tmp_path / "base.nt", [q for q in quads if q not in added]), base)
    lines = sorted(added, key=str)
    store = add_to_graph(base, _ntriples(tmp_path / "part.nt", lines[:50] + lines), build_store(base))  # lines repeat
    assert _summary_rows(store) == _summary_rows(build_store(whole, tmp_path / "whole"))
    assert isomorphic(load_graph(base), load_graph(whole))
    assert store == build_store(base)  # the store kg add made is the one the file's cache key names


def _ntriples(path, quads):
    ox.serialize([ox.Triple(q.subject, q.predicate, q.object) for q in quads], output=str(path),
                 format=ox.RdfFormat.N_TRIPLES)
    return path


def _summary_graph(store: ox.Store):
    from rdflib import Graph

    lines = "".join(f"{q.subject} {q.predicate} {_object_in_order(q)} .\n"
                    for q in store.quads_for_pattern(None, None, None, ox.NamedNode(SUMMARY_GRAPH)))
    return Graph().parse(data=lines, format="nt")


def _object_in_order(quad: ox.Quad):
    """The object of a triple of the summary, what a string joins in one order (:func:`_in_order`)."""
    name = quad.predicate.value.rsplit("#", 1)[-1]
    return ox.Literal(_in_order(name, quad.object.value)) if name in _JOINED else quad.object


def test_the_summary_filled_a_query_and_a_relation_at_a_time_is_what_the_update_gives():
    from kg.store import fill_summary, ontology_path

    def loaded() -> ox.Store:
        store = ox.Store()
        store.load(path=str(NEWS), format=ox.RdfFormat.TRIG)
        store.load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
        return store

    filled, updated = loaded(), loaded()
    fill_summary(filled)
    updated.update(summary_update())
    edges = _summary_graph(filled)
    assert len(edges) > 1000
    assert isomorphic(edges, _summary_graph(updated))
