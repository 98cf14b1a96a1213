"""Known-answer tests for kg.analyse on small hand-built graphs."""
from datetime import date
from decimal import Decimal
from pathlib import Path

import networkx as nx
import pytest
from analyse_graphs import kite_graph

from kg import analyse


def test_project_nodes_carry_entity_attributes(G):
    assert G.number_of_nodes() == 8
    big = G.nodes["Big Co"]
    assert big["cls"] == "Organization"
    assert big["aliases"] == ["Big"]
    assert big["wikidata"] == "Q1"
    assert big["iri"] == "https://w3id.org/kg-news/entity/big-co"


def test_project_symmetric_relation_is_one_edge_with_both_sources(G):
    partner = [(u, v, d) for u, v, k, d in G.edges(keys=True, data=True) if k == "partnerOf"]
    assert len(partner) == 1
    (_, _, data), = partner
    assert data["sources"] == 2
    assert data["articles"] == ["a1.txt", "a2.txt"]
    assert data["symmetric"] is True
    assert len(data["evidence"]) == 2
    assert G.number_of_edges() == 7


def test_project_filters(news):
    supplies = analyse.project(news, relations=["supplies"])
    assert sorted(supplies.edges(keys=True)) == [("Big Co", "China Unicom", "supplies")]
    assert sorted(supplies) == ["Big Co", "China Unicom"]
    people = analyse.project(news, classes=["Person", "Organization"])
    assert "Chip-1" not in people and "China" not in people
    assert ("Pat Boss", "Big Co") in people.edges()
    art3 = analyse.project(news, articles=["a3.txt"])
    assert sorted(k for _, _, k in art3.edges(keys=True)) == ["develops", "supplies", "uses"]
    # the partnerOf edge keeps only the evidence from the article asked for
    art2 = analyse.project(news, articles=["a2.txt"])
    assert [d["articles"] for _, _, k, d in art2.edges(keys=True, data=True) if k == "partnerOf"] == [["a2.txt"]]
    dated = analyse.project(news, since="2025-02-01", until="2025-02-28")
    assert sorted(k for _, _, k in dated.edges(keys=True)) == ["partnerOf", "subsidiaryOf"]
    with pytest.raises(ValueError, match="unknown relation"):
        analyse.project(news, relations=["likes"])


def test_find_entity_matches_labels_and_aliases_ignoring_case(G):
    assert analyse.find_entity(G, "big") == "Big Co"
    assert analyse.find_entity(G, "china unicom") == "China Unicom"
    with pytest.raises(analyse.EntityNotFound) as err:
        analyse.find_entity(G, "China Unicon")
    assert "China Unicom" in err.value.suggestions


def test_centrality_on_krackhardt_kite():
    K = analyse.project(kite_graph())
    degree = analyse.centrality(K, "degree")
    betweenness = analyse.centrality(K, "betweenness")
    assert max(degree, key=degree.get) == "Diane"
    assert max(betweenness, key=betweenness.get) == "Heather"
    assert betweenness == pytest.approx(nx.betweenness_centrality(nx.relabel_nodes(
        nx.krackhardt_kite_graph(), dict(enumerate(sorted(K, key=["Andre", "Beverly", "Carol", "Diane", "Ed",
                                                                   "Fernando", "Garth", "Heather", "Ike",
                                                                   "Jane"].index))))))
    pagerank = analyse.centrality(K, "pagerank")
    assert sum(pagerank.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="unknown measure"):
        analyse.centrality(K, "closeness")


def test_rank_orders_and_cuts(G):
    rows = analyse.rank(G, "degree", top=2)
    assert [r["entity"] for r in rows] == ["Big Co", "China Unicom"]
    assert rows[0]["neighbours"] == 6
    assert [r["rank"] for r in rows] == [1, 2]


def test_communities_are_seeded_and_repeat():
    two = nx.MultiDiGraph([("a", "b"), ("b", "c"), ("c", "a"), ("x", "y"), ("y", "z"), ("z", "x"), ("c", "x")])
    assert analyse.communities(two) == [["a", "b", "c"], ["x", "y", "z"]]
    K = analyse.project(kite_graph())
    assert analyse.communities(K, seed=7) == analyse.communities(K, seed=7)
    assert sorted(sum(analyse.communities(K), [])) == sorted(K)


def test_components_and_neighbourhood(news):
    G = analyse.project(news)
    assert analyse.components(G) == [sorted(n for n in G if n != "Rival Inc"), ["Rival Inc"]]
    near = analyse.neighbourhood(G, "china unicom", depth=1)
    assert sorted(near) == ["Big Co", "China Unicom", "Chip-1"]
    assert near.graph["focus"] == "China Unicom"
    assert len(analyse.neighbourhood(G, "China Unicom", depth=2)) == 7


def test_paths_give_hops_with_relation_and_sentence(G):
    found = analyse.paths(G, "Apple", "China Unicom")
    assert len(found) == 1
    first, second = found[0]
    assert (first["from"], first["to"]) == ("Apple", "Big Co")
    assert [r["relation"] for r in first["relations"]] == ["partnerOf"]
    assert sorted(e["quote"] for e in first["relations"][0]["evidence"]) == ["Apple teams up with Big.",
                                                                              "Big and Apple partner."]
    assert second["relations"][0]["subject"] == "Big Co"
    assert second["relations"][0]["evidence"][0]["file"] == "a3.txt"
    assert analyse.paths(G, "Apple", "Rival Inc") == []
    with pytest.raises(ValueError, match="same entity"):
        analyse.paths(G, "Big", "Big Co")


def test_stats_counts(news):
    s = analyse.stats(news)
    assert (s["entities"], s["relations"], s["facts"]) == (8, 7, 12)
    assert s["classes"] == {"Organization": 5, "Person": 1, "Place": 1, "Product": 1}
    assert s["relation_types"]["partnerOf"] == 1
    assert s["sources"] == {1: 6, 2: 1}
    assert s["multi_source"] == pytest.approx(1 / 7)
    assert s["articles"]["a3.txt"] == {"relations": 3, "facts": 3}
    assert s["extractors"] == {"kg.test.v1": 8}


def test_period_bounds():
    assert analyse.period_bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert analyse.period_bounds("2023/2025") == (date(2023, 1, 1), date(2025, 12, 31))
    assert analyse.period_bounds("2025-09-12") == (date(2025, 9, 12), date(2025, 9, 12))
    assert analyse.period_bounds(None) == (None, None)


def test_facts_are_a_time_series_with_undated_last(news):
    rows = analyse.facts(news, "big cloud")
    assert [(r["metric"], r["period"], r["unit"], r["value"]) for r in rows] == [
        ("revenue", "2025-04/2025-06", "CNY", Decimal("30000000000")),
        ("revenue", "2025-07/2025-09", "CNY", Decimal("39800000000")),
        ("revenue", "2025-07/2025-09", "USD", Decimal("5600000000")),
        ("revenueGrowth", "2025-07/2025-09", "percent", Decimal("34")),
        ("revenueGrowth", None, "percent", Decimal("26")),
    ]
    assert rows[0]["sources"] == ["a2.txt"]
    assert rows[0]["evidence"] == ["Cloud made 30 billion yuan."]
    with pytest.raises(analyse.EntityNotFound):
        analyse.facts(news, "Nobody")


@pytest.mark.parametrize("a, unit_a, b, unit_b, kind", [
    ("52e9", "USD", "53e9", "USD", "rounding"),
    ("39.8", "CNY", "39.75", "CNY", "rounding"),
    ("26", "percent", "34", "percent", "disagreement"),
    ("20", "percent", "21", "percent", "disagreement"),
    ("380e9", "CNY", "52e9", "USD", "conversion"),
    ("380e9", "CNY", "3.2e9", "USD", "disagreement"),
    ("100", "XYZ", "1", "USD", "conversion"),
    ("4", "quarters", "4", "percent", "disagreement"),
])
def test_compare_values(a, unit_a, b, unit_b, kind):
    assert analyse.compare_values(Decimal(a), unit_a, Decimal(b), unit_b)["kind"] == kind


def test_compare_equal_values_is_no_conflict():
    assert analyse.compare_values(Decimal("5"), "USD", Decimal("5.0"), "USD") is None


def test_conflicts_classify_and_never_compare_other_periods(news):
    found = {(c["entity"], c["metric"], c["period"], str(c["a"]["value"]), str(c["b"]["value"])): c["kind"]
             for c in analyse.conflicts(news)}
    assert found == {
        ("Big Cloud", "revenue", "2025-07/2025-09", "39800000000", "5600000000"): "conversion",
        ("Big Co", "investment", None, "380000000000", "52000000000"): "conversion",
        ("Big Co", "investment", None, "380000000000", "53000000000"): "conversion",
        ("Big Co", "investment", None, "52000000000", "53000000000"): "rounding",
        ("Big Co", "sharepriceChange", "2025", "70", "84"): "disagreement",
    }
    only = analyse.conflicts(news, kinds=["disagreement"])
    assert [(c["a"]["sources"], c["b"]["sources"]) for c in only] == [(["a1.txt"], ["a3.txt"])]


def test_analyse_never_imports_matplotlib():
    import subprocess
    import sys

    code = "import sys, kg.analyse, kg.draw; print('matplotlib' in sys.modules)"
    root = Path(__file__).resolve().parents[1]
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root)
    assert result.stdout.strip() == "False"


def test_one_evidence_per_sentence_even_when_both_directions_carry_a_node(news):
    """A symmetric pair written with its own evidence node per direction
    (same article, span and extractor) still counts the sentence once."""
    from rdflib import RDF, Graph, URIRef

    from kg.model import KG

    graph = Graph()
    for triple in news:
        graph.add(triple)
    apple, big = (URIRef(f"https://w3id.org/kg-news/entity/{slug}") for slug in ("apple", "big-co"))
    reverse = next(st for st in graph.subjects(RDF.subject, big)
                   if graph.value(st, RDF.predicate) == KG.partnerOf and graph.value(st, RDF.object) == apple)
    original = next(iter(graph.objects(reverse, KG.evidence)))
    twin = URIRef("https://w3id.org/kg-news/evidence/twin")
    for p, o in graph.predicate_objects(original):
        graph.add((twin, p, o))
    graph.add((reverse, KG.evidence, twin))
    G = analyse.project(graph)
    (data,) = G.get_edge_data("Apple", "Big Co").values()
    assert len(data["evidence"]) == 2 and data["sources"] == 2


def test_undated_growth_rates_are_not_conflicts_but_undated_pledges_are():
    """Two undated growth rates may be two quarters; two undated pledges are one pledge."""
    from decimal import Decimal

    from kg.analyse import conflicts
    from kg.model import to_graph
    from kg.schema import Article, Entity, Evidence, Fact

    a = Article(id="a1", text="", source="a.txt")
    b = Article(id="b1", text="", source="b.txt")
    co = Entity("co", "Big Co", "Organization")

    def ev(article):
        return (Evidence(article.id, 0, 10, "x", "kg.test.v1"),)

    graph = to_graph([a, b], [co], facts=[
        Fact(co, "revenueGrowth", Decimal(26), "percent", None, ev(a)),
        Fact(co, "revenueGrowth", Decimal(13), "percent", None, ev(b)),
        Fact(co, "investment", Decimal(52e9), "USD", None, ev(a)),
        Fact(co, "investment", Decimal(53e9), "USD", None, ev(b)),
    ])
    assert [(c["metric"], c["kind"]) for c in conflicts(graph)] == [("investment", "rounding")]
