"""Entity identity and literals under odd names (issue 8, items 6 and 7):
names with quotes, backslashes, angle brackets, '#', emoji, right-to-left
text or 10,000 characters stay distinct entities, and every output format
reads back, in rdflib and in Oxigraph, as the graph that was written."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SDO, XSD

from kg.cli import cli
from kg.extract import Extraction
from kg.model import ENTITY, KG, date_literal, entity_iri, to_graph
from kg.resolve import resolve
from kg.schema import Article, Evidence, Mention, Relation, name_characters, slugify
from kg.store import FORMATS, load_graph, save_graph

TRIPLES = Path(__file__).resolve().parents[2] / "triples"

# Invented names, each a different company.
ODD_NAMES = [
    "C Holdings",
    "C++ Holdings",
    "C# Holdings",
    "חברה Holdings",  # Hebrew
    "شركة Holdings",  # Arabic
    "Zicrax 🚀 Labs",
    "Zicrax 🛰 Labs",
    'Brumvel "Quoted" Systems',
    "Brumvel \\ Backslash Systems",
    "<Orvanta> Angle Works",
    "Quelix #1 Motors",
    "Quelix #2 Motors",
    "Tandrel " + "Bank" * 2500,
    "Tandrel " + "Trust" * 2000,
    "Tandrel\u202eReversed\u202c Trust",
]


def odd_extraction() -> Extraction:
    article = Article("odd", "", "odd.txt")
    mentions = [Mention(name, "Organization", 100 * n, 100 * n + 10) for n, name in enumerate(ODD_NAMES)]
    evidence = [Evidence(article.id, m.start, m.end, m.text, "kg.test.v1") for m in mentions]
    relations = [Relation(a, "partnerOf", b, Evidence(article.id, a.start, b.end, f"{a.text} and {b.text}", "kg.test.v1"))
                 for a, b in zip(mentions, mentions[1:])]
    return Extraction(article, tuple(zip(mentions, evidence)), tuple(relations), ())


@pytest.fixture(scope="module")
def odd_graph() -> Graph:
    resolution = resolve([odd_extraction()])
    return to_graph([odd_extraction().article], resolution.entities, resolution.references, resolution.statements)


def test_distinct_names_stay_distinct_entities(odd_graph):
    resolution = resolve([odd_extraction()])
    assert sorted(e.label for e in resolution.entities) == sorted(ODD_NAMES)
    iris = {entity_iri(e) for e in resolution.entities}
    assert len(iris) == len(ODD_NAMES)
    assert len(set(odd_graph.subjects(RDFS.label, None))) == len(ODD_NAMES)
    assert all(re.fullmatch(r"[a-z0-9-]+", iri.removeprefix(str(ENTITY))) for iri in iris)


def test_accents_and_case_still_name_one_entity():
    article = Article("acc", "", "acc.txt")
    mentions = [Mention(name, "Organization", 10 * n, 10 * n + 5) for n, name in
                enumerate(["Société Générale", "Societe Generale", "SOCIETE GENERALE SA"])]
    resolution = resolve([Extraction(article, tuple((m, Evidence("acc", m.start, m.end, m.text, "kg.test.v1"))
                                                    for m in mentions), (), ())])
    assert [e.label for e in resolution.entities] == ["Société Générale"]


def test_ascii_names_keep_their_iris():
    """The catalogue and the shipped graph name entities by the IRIs kg mints."""
    for path in ("catalogue.ttl", "news.trig"):
        graph = load_graph(TRIPLES / path)
        for node, label in graph.subject_objects(RDFS.label):
            if node.startswith(str(ENTITY)):
                assert node == ENTITY[slugify(str(label))], path


@given(st.text(max_size=40), st.text(max_size=40))
def test_slugs_of_names_with_different_characters_differ(a, b):
    if name_characters(a) != name_characters(b) and (name_characters(a) or name_characters(b)):
        assert slugify(a) != slugify(b)
    assert re.fullmatch(r"[a-z0-9-]+", slugify(a))


def _terms(triples) -> set[tuple]:
    """Triples as plain tuples, comparable between rdflib and Oxigraph (the graph has no blank nodes)."""
    def term(t):
        if isinstance(t, (URIRef, ox.NamedNode)):
            return ("iri", str(t) if isinstance(t, URIRef) else t.value)
        if isinstance(t, Literal):
            return ("literal", str(t), str(t.datatype or XSD.string), t.language)
        if isinstance(t, ox.Literal):
            return ("literal", t.value, t.datatype.value, t.language)
        raise AssertionError(f"unexpected term {t!r}")
    return {tuple(term(x) for x in triple) for triple in triples}


@pytest.mark.parametrize("ext", sorted(FORMATS))
def test_every_format_reads_back_in_rdflib_and_oxigraph(odd_graph, tmp_path, ext):
    assert not any(isinstance(t, BNode) for triple in odd_graph for t in triple)
    path = save_graph(odd_graph, tmp_path / f"odd{ext}")
    expected = _terms(odd_graph)
    assert _terms(load_graph(path)) == expected
    fmt = {"longturtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
           "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}[FORMATS[ext]]
    quads = ox.parse(path=str(path), format=fmt)
    assert _terms((q.subject, q.predicate, q.object) for q in quads) == expected


@given(st.from_regex(r"\A[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z"))
def test_date_literals_are_never_ill_typed(text):
    literal = date_literal(text)
    assert literal.ill_typed is not True
    if literal.datatype == XSD.gYearMonth:
        assert 1 <= int(text[5:]) <= 12


def test_kg_validate_reports_an_ill_typed_date(tmp_path):
    graph = load_graph(TRIPLES / "examples" / "valid.ttl")
    article = next(graph.subjects(KG.fileName, None))
    graph.set((article, SDO.datePublished, Literal("2025-10", datatype=XSD.date)))
    path = save_graph(graph, tmp_path / "g.nt")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    assert "datePublished" in result.output
