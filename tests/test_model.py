"""kg.model: dataclasses → RDF (to_graph), the catalogue, and RDF → per-article records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, XSD, Graph, Literal
from rdflib.namespace import PROV, SDO

from kg.evaluate import read_records
from kg.model import KG, WD, article_iri, entity_iri, load_catalogue, period_start_end, to_graph
from kg.schema import CLASSES, Entity, Statement


def iri(small, key):
    return entity_iri(small.entities[key])


def statements_for(graph, s, p, o):
    return set(graph.subjects(RDF.subject, s)) & set(graph.subjects(RDF.predicate, p)) & set(graph.subjects(RDF.object, o))


def test_entities_typed_and_labelled(small, small_graph):
    for e in small.entities.values():
        node = entity_iri(e)
        assert (node, RDF.type, KG[e.type]) in small_graph
        assert list(small_graph.objects(node, RDFS.label)) == [Literal(e.label)]
        assert set(map(str, small_graph.objects(node, SKOS.altLabel))) == set(e.aliases) - {e.label}
    g = iri(small, "globex")
    assert (g, KG.wikidata, Literal("Q999999")) in small_graph
    assert (g, OWL.sameAs, WD["Q999999"]) in small_graph


def test_plain_relation_triples(small, small_graph):
    assert (iri(small, "jane"), KG.ceoOf, iri(small, "acme")) in small_graph
    assert (iri(small, "acme"), KG.develops, iri(small, "widget")) in small_graph
    # a directed relation is not written backwards
    assert (iri(small, "acme"), KG.ceoOf, iri(small, "jane")) not in small_graph
    assert (iri(small, "widget"), KG.develops, iri(small, "acme")) not in small_graph


def test_symmetric_relations_written_both_ways(small, small_graph):
    for a, b, rel in (("acme", "globex", KG.partnerOf), ("acme", "initech", KG.competesWith)):
        assert (iri(small, a), rel, iri(small, b)) in small_graph
        assert (iri(small, b), rel, iri(small, a)) in small_graph


def test_one_statement_per_triple_one_evidence_per_sentence(small, small_graph):
    relation_triples = [(s, p, o) for s, p, o in small_graph if str(p).startswith(str(KG)) and p in
                        {KG.ceoOf, KG.partnerOf, KG.develops, KG.competesWith}]
    assert len(relation_triples) == 6  # 2 directed + 2 symmetric written twice
    for s, p, o in relation_triples:
        assert len(statements_for(small_graph, s, p, o)) == 1
    (st,) = statements_for(small_graph, iri(small, "acme"), KG.partnerOf, iri(small, "globex"))
    evidence = list(small_graph.objects(st, KG.evidence))
    assert len(evidence) == 3
    assert {int(small_graph.value(e, KG.start)) for e in evidence} == {0, 50}
    assert {str(small_graph.value(e, KG.quote)) for e in evidence} == {
        small.evidence[k].quote for k in ("s1", "s3", "s4")}
    for e in evidence:
        assert (e, RDF.type, KG.Evidence) in small_graph
        assert small_graph.value(e, PROV.wasDerivedFrom) in {article_iri("t000000000000001"),
                                                             article_iri("t000000000000002")}
        assert small_graph.value(e, KG.confidence).datatype == XSD.decimal
    n_statements = len(set(small_graph.subjects(RDF.type, RDF.Statement)))
    assert n_statements == 6


def test_same_sentence_two_relations_two_evidence_nodes(small, small_graph):
    (ceo,) = statements_for(small_graph, iri(small, "jane"), KG.ceoOf, iri(small, "acme"))
    (partner,) = statements_for(small_graph, iri(small, "acme"), KG.partnerOf, iri(small, "globex"))
    assert not set(small_graph.objects(ceo, KG.evidence)) & set(small_graph.objects(partner, KG.evidence))


def test_facts_are_nodes_with_decimal_values(small, small_graph):
    facts = set(small_graph.subjects(RDF.type, KG.Fact))
    assert len(facts) == 2
    got = {}
    for f in facts:
        value = small_graph.value(f, KG.value)
        assert value.datatype == XSD.decimal
        assert small_graph.value(f, KG.subject) == iri(small, "acme")
        assert len(list(small_graph.objects(f, KG.evidence))) == 1
        period = small_graph.value(f, KG.period)
        got[str(small_graph.value(f, KG.metric))] = (value.toPython(), str(small_graph.value(f, KG.unit)),
                                                     period and str(period))
    assert got == {"revenue": (Decimal("2500000000"), "USD", "2025"),
                   "revenueGrowth": (Decimal("12.5"), "percent", None)}


@pytest.mark.parametrize(("period", "start", "end"), [
    ("2024", ("2024", XSD.gYear), ("2024", XSD.gYear)),
    ("2023/2025", ("2023", XSD.gYear), ("2025", XSD.gYear)),
    ("2025-07/2025-09", ("2025-07", XSD.gYearMonth), ("2025-09", XSD.gYearMonth)),
    ("2024-11/2025-01", ("2024-11", XSD.gYearMonth), ("2025-01", XSD.gYearMonth)),  # across a new year
    ("2025-09-12", ("2025-09-12", XSD.date), ("2025-09-12", XSD.date)),
    ("2025-07/2025-09-30", ("2025-07", XSD.gYearMonth), ("2025-09-30", XSD.date)),
    ("2025-07/2025", ("2025-07", XSD.gYearMonth), ("2025", XSD.gYear)),  # ends in the year it starts
    ("2024-02-29", ("2024-02-29", XSD.date), ("2024-02-29", XSD.date)),  # a leap day
    ("2025-02-29", None, None),  # no leap day in 2025: not a date
    ("2025-13", None, None),
    ("2025-02-30/2025-03", None, ("2025-03", XSD.gYearMonth)),  # the valid end is kept
    ("2025/2023", None, None),  # ends before it starts
    ("2025-09/2025-07-31", None, None),
])
def test_period_start_and_end_are_typed_as_precisely_as_the_period(period, start, end):
    def typed(bound):
        return None if bound is None else (str(bound), bound.datatype)

    assert tuple(map(typed, period_start_end(period))) == (start, end)


def test_facts_carry_typed_period_start_and_end(small, small_graph):
    from kg.schema import Fact
    from kg.validate import validate

    (dated,) = small_graph.subjects(KG.period, Literal("2025"))
    assert small_graph.value(dated, KG.periodStart) == Literal("2025", datatype=XSD.gYear)
    assert small_graph.value(dated, KG.periodEnd) == Literal("2025", datatype=XSD.gYear)
    # a fact with no period has no bounds either
    assert len(set(small_graph.subjects(KG.periodStart, None))) == 1
    impossible = Fact(small.entities["acme"], "revenue", Decimal(1), "USD", "2025-02-30", (small.evidence["s5"],))
    graph = to_graph(small.articles, small.entities.values(), facts=[impossible])
    (node,) = graph.subjects(RDF.type, KG.Fact)
    assert graph.value(node, KG.period) == Literal("2025-02-30")  # the text kept, no date claimed
    assert graph.value(node, KG.periodStart) is None and graph.value(node, KG.periodEnd) is None
    assert validate(small_graph).conforms and validate(graph).conforms


def test_fact_value_survives_turtle(small_graph):
    again = Graph().parse(data=small_graph.serialize(format="longturtle"), format="turtle")
    values = {v.toPython() for v in again.objects(None, KG.value)}
    assert values == {Decimal("2500000000"), Decimal("12.5")}
    assert {v.datatype for v in again.objects(None, KG.value)} == {XSD.decimal}


def test_articles(small, small_graph):
    a1 = article_iri("t000000000000001")
    assert (a1, RDF.type, KG.Article) in small_graph
    assert small_graph.value(a1, KG.fileName) == Literal("acme-news.txt")  # file name, not path
    assert small_graph.value(a1, SDO.headline) == Literal("Acme Grows")
    assert small_graph.value(a1, SDO.url) == Literal("https://news.example.com/acme", datatype=XSD.anyURI)
    assert small_graph.value(a1, SDO.datePublished) == Literal("2025-03-01", datatype=XSD.date)
    a2 = article_iri("t000000000000002")
    assert small_graph.value(a2, SDO.datePublished) is None and small_graph.value(a2, SDO.url) is None


def test_mentions(small, small_graph):
    mentions = set(small_graph.subjects(RDF.type, KG.Mention))
    assert len(mentions) == 3
    assert {small_graph.value(m, KG.denotes) for m in mentions} == {iri(small, k) for k in ("acme", "jane", "globex")}
    for m in mentions:
        assert (small_graph.value(m, KG.evidence), RDF.type, KG.Evidence) in small_graph


def test_quotes_false_carries_no_text(small):
    g = to_graph(small.articles, small.entities.values(), small.references, small.statements, small.facts, quotes=False)
    assert not list(g.triples((None, KG.quote, None)))
    assert not list(g.triples((None, SDO.headline, None)))
    with_quotes = to_graph(small.articles, small.entities.values(), small.references, small.statements, small.facts)
    assert len(list(with_quotes.triples((None, KG.quote, None)))) > 0
    # everything else is the same
    assert len(with_quotes) - len(g) == (len(list(with_quotes.triples((None, KG.quote, None))))
                                         + len(list(with_quotes.triples((None, SDO.headline, None)))))


def test_to_graph_is_deterministic(small):
    a = to_graph(small.articles, small.entities.values(), small.references, small.statements, small.facts)
    b = to_graph(small.articles, small.entities.values(), small.references, small.statements, small.facts)
    assert set(a) == set(b)


def test_entity_iri_from_label():
    assert str(entity_iri(Entity("whatever", "Union Bancaire Privée", "Organization"))) == \
        "https://w3id.org/kg-news/entity/union-bancaire-privee"


def test_statement_with_two_sources_one_triple(make_entity, make_evidence):
    a, b = make_entity("Acme", "Organization"), make_entity("Globex", "Organization")
    e1 = make_evidence("art-one", 0, "Acme supplies Globex.")
    e2 = make_evidence("art-two", 10, "Globex buys from Acme.")
    g = to_graph([], [a, b], statements=[Statement(a, "supplies", b, (e1, e2))])
    assert len(list(g.triples((None, KG.supplies, None)))) == 1
    (st,) = g.subjects(RDF.type, RDF.Statement)
    assert {g.value(e, PROV.wasDerivedFrom) for e in g.objects(st, KG.evidence)} == {article_iri("art-one"),
                                                                                     article_iri("art-two")}


# ---------------------------------------------------------------- catalogue

def test_catalogue_entities():
    cat = load_catalogue()
    assert len(cat) > 100
    labels = [e.label for e in cat]
    assert len(labels) == len(set(labels))
    assert len({entity_iri(e) for e in cat}) == len(cat)
    owner: dict[str, str] = {}
    for e in cat:
        assert e.type in CLASSES
        assert e.label in e.aliases
        for alias in e.aliases:
            assert owner.setdefault(alias.lower(), e.label) == e.label, f"{alias!r} names two entities"
    by_label = {e.label: e for e in cat}
    assert "Alibaba" in by_label["Alibaba Group"].aliases
    assert by_label["Alibaba Group"].same_as == frozenset({"Q1359568"})


def test_catalogue_from_given_file(tmp_path):
    p = tmp_path / "cat.ttl"
    p.write_text("""@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<https://w3id.org/kg-news/entity/acme> a kg:Organization ; rdfs:label "Acme Corp" ; skos:altLabel "Acme" ; kg:wikidata "Q1" .
<https://w3id.org/kg-news/entity/thing> rdfs:label "Not an entity" .
""")
    assert load_catalogue(p) == [Entity("acme-corp", "Acme Corp", "Organization", frozenset({"Acme", "Acme Corp"}),
                                        frozenset({"Q1"}))]



def test_a_changed_catalogue_file_is_read_again(tmp_path):
    head = ("@prefix kg: <https://w3id.org/kg-news/ontology#> .\n"
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n")
    p = tmp_path / "cat.ttl"
    p.write_text(head + '<https://w3id.org/kg-news/entity/acme> a kg:Organization ; rdfs:label "Acme Corp" .\n')
    assert [e.label for e in load_catalogue(p)] == ["Acme Corp"]
    assert load_catalogue(p) == load_catalogue(p)
    p.write_text(head + '<https://w3id.org/kg-news/entity/globex> a kg:Organization ; rdfs:label "Globex Holdings" .\n')
    assert [e.label for e in load_catalogue(p)] == ["Globex Holdings"]


# ---------------------------------------------------------------- records

def test_read_records_round_trip(small_graph):
    recs = read_records(small_graph)
    assert set(recs) == {"acme-news.txt", "globex-news.md"}
    one, two = recs["acme-news.txt"], recs["globex-news.md"]
    assert one.file_name == "acme-news.txt"
    assert one.relations == {
        ("Jane Roe", "ceoOf", "Acme Corp"), ("Acme Corp", "partnerOf", "Globex"), ("Globex", "partnerOf", "Acme Corp"),
        ("Acme Corp", "develops", "Widget-7"), ("Acme Corp", "competesWith", "Initech"),
        ("Initech", "competesWith", "Acme Corp")}
    assert two.relations == {("Acme Corp", "partnerOf", "Globex"), ("Globex", "partnerOf", "Acme Corp")}
    assert one.facts == {("Acme Corp", "revenue", Decimal("2500000000"), "USD", "2025"),
                         ("Acme Corp", "revenueGrowth", Decimal("12.5"), "percent", None)}
    assert two.facts == set()
    assert one.entities == {
        "Acme Corp": ("Organization", frozenset({"Acme Corp", "Acme"})),
        "Jane Roe": ("Person", frozenset({"Jane Roe", "Roe"})),
        "Globex": ("Organization", frozenset({"Globex", "Globex Corporation"})),
        "Widget-7": ("Product", frozenset({"Widget-7"})),
        "Initech": ("Organization", frozenset({"Initech"}))}
    assert set(two.entities) == {"Acme Corp", "Globex"}


def test_read_records_of_examples(examples_graph):
    recs = read_records(examples_graph)
    assert set(recs) == {"example-1.txt", "example-2.txt"}
    assert ("Widget-7", "basedOn", "Widget-6") in recs["example-1.txt"].relations
    assert ("Umbrella", "operatesIn", "China") in recs["example-2.txt"].relations
    assert ("Acme Cloud", "revenueGrowth", Decimal("20"), "percent", "2025-04/2025-06") in recs["example-2.txt"].facts
