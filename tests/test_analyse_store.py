"""The analysis reads the SPARQL store as it reads a parsed file (issue 9):
on the shipped graph, every analysis gives the same answer from the
Oxigraph store as from the rdflib graph of the same file."""

from __future__ import annotations

import re
import subprocess
import sys

import networkx as nx
import pytest

from kg import analyse
from kg.model import KG, TRIPLES_DIR
from kg.query import PREFIXES
from kg.schema import RELATIONS
from kg.store import (SUMMARY_GRAPH, build_store, default_graph_path, iri_list, load_graph, open_store,
                      summary_update)

pytestmark = pytest.mark.issue(9)


@pytest.fixture(scope="module")
def sources():
    store = open_store(default_graph_path())
    yield load_graph(default_graph_path()), store
    store.close()


def _as_data(G: nx.MultiDiGraph) -> tuple:
    return (sorted(G.nodes(data=True)), sorted(G.edges(keys=True, data=True), key=lambda e: e[:3]), G.graph)


@pytest.mark.parametrize("filters", [{}, {"relations": ["partnerOf", "supplies"]}, {"classes": ["Organization"]},
                                     {"articles": ["000_1266da3b6364bda1.txt"]}, {"until": "2025-08-30"}])
def test_projection_is_the_same_from_the_store(sources, filters):
    rdf, store = sources
    from_file, from_store = analyse.project(rdf, **filters), analyse.project(store, **filters)
    assert from_store.number_of_edges() > 0
    assert _as_data(from_store) == _as_data(from_file)


def test_stats_facts_and_conflicts_are_the_same_from_the_store(sources):
    rdf, store = sources
    assert analyse.stats(store) == analyse.stats(rdf)
    assert analyse.facts(store) == analyse.facts(rdf)
    alibaba = analyse.facts(store, "alibaba")
    assert alibaba and {row["entity"] for row in alibaba} == {"Alibaba Group"}
    assert alibaba == analyse.facts(rdf, "alibaba")
    found = analyse.conflicts(store)
    assert found and found == analyse.conflicts(rdf)


def test_the_entities_of_some_iris_are_those_of_the_whole_table(sources, tmp_path):
    """``_entities(source, among=...)`` (what kg conflicts reads) gives the
    rows the whole table gives, a label two entities share made unique
    against the entity not asked for."""
    rdf, _ = sources
    whole = analyse._entities(rdf)
    some = sorted(whole)[::7]
    assert analyse._entities(rdf, among=some) == {iri: whole[iri] for iri in some}
    assert analyse._entities(rdf, among=[]) == {}
    graph = tmp_path / "twins.ttl"
    graph.write_text("""@prefix kg: <https://w3id.org/kg-news/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
<https://w3id.org/kg-news/entity/acme-1> a kg:Organization ; rdfs:label "Acme" .
<https://w3id.org/kg-news/entity/acme-2> a kg:Product ; rdfs:label "Acme" .
<https://w3id.org/kg-news/ontology#Acme> rdfs:label "Acme" .
""", encoding="utf-8")
    twins = load_graph(graph)
    asked = analyse._entities(twins, among=["https://w3id.org/kg-news/entity/acme-1"])
    assert [row["label"] for row in asked.values()] == ["Acme (acme-1)"]
    assert asked == {iri: row for iri, row in analyse._entities(twins).items() if iri in asked}


@pytest.mark.parametrize("filters", [{}, {"relations": ["partnerOf", "supplies"]}, {"classes": ["Organization"]}])
def test_edges_without_evidence_are_those_of_the_evidence(sources, filters):
    """Without the evidence, each edge still carries its sources, articles and
    best confidence (from the store's summary graph): what the evidence gives,
    so that a picture (kg draw) or a rank needs no evidence."""
    rdf, store = sources
    whole = analyse.project(rdf, **filters)
    expected = {(u, v, k): {a: x for a, x in d.items() if a != "evidence"}
                for u, v, k, d in whole.edges(keys=True, data=True)}
    for source in (store, rdf):
        light = analyse.project(source, evidence=False, **filters)
        assert sorted(light.nodes(data=True)) == sorted(whole.nodes(data=True))
        assert {(u, v, k): d for u, v, k, d in light.edges(keys=True, data=True)} == expected
    assert any(d["sources"] > 1 for d in expected.values()) and any(d["confidence"] for d in expected.values())


def test_a_store_without_the_analysis_counts_is_counted_from_its_evidence(sources, tmp_path, monkeypatch):
    """A store whose summary graph an older kg filled (the saved queries'
    answers only) is counted from its evidence rather than read as zeros."""
    rdf, _ = sources
    older_summary = summary_update().split("# The counts behind kg.analyse")[0].rstrip().removesuffix(";")
    monkeypatch.setattr("kg.store.summary_update", lambda: older_summary)
    older = open_store(build_store(default_graph_path(), tmp_path / "store"))
    try:
        def rows(kind: str) -> int:
            return len(list(older.query(f"SELECT ?row WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?row a kg:{kind} }} }}",
                                        prefixes=PREFIXES)))

        assert rows("SourceCount") > 50 and rows("EdgeCount") == 0
        assert analyse.stats(older) == analyse.stats(rdf)
        assert analyse.rank(analyse.project(older, evidence=False), "pagerank") == \
            analyse.rank(analyse.project(rdf), "pagerank")
    finally:
        older.close()


def test_the_strings_of_each_node_hold_what_its_triples_and_rows_of_edges_hold(sources):
    """A store's summary holds, for each node, its names (kg:names), the relation triples from it
    (kg:relationsFrom) and the rows of the edges from it (kg:edgesFrom) as one string each, which the
    analysis reads in place of those triples and rows: what they hold."""
    _, store = sources
    kinds, names = analyse._summarised_names(store)
    read_kinds, read_names = analyse._names(store, None)
    assert len(kinds) > 50 and kinds == read_kinds
    assert names == {node: {name: read_names[node][name] for name in ("label", "altLabel", "wikidata")}
                     for node in read_kinds}
    predicates = [str(KG[name]) for name in RELATIONS]
    triples = {(s, p, o) for s, p, o in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {iri_list(predicates)} }} "
                                                     "?s ?p ?o }").values()}
    assert len(triples) > 50 and analyse._summarised_relation_triples(store, predicates) == triples
    some = sorted(kinds)[::3]
    assert analyse._summarised_relation_triples(store, predicates, among=some) == {
        (s, p, o) for s, p, o in triples if s in some and o in some}
    rows = {(s, p, o): (articles, confidence) for s, p, o, articles, confidence in store.query(f"""
        SELECT ?s ?p ?o ?articles ?confidence WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{
          ?row kg:edgeSubject ?s ; kg:edgeRelation ?p ; kg:edgeObject ?o ; kg:articles ?articles ;
               kg:confidence ?confidence }} }}""", prefixes=PREFIXES).values()}
    counts = analyse._edge_counts(store, predicates)
    assert len(counts) > 50 and counts == {key: {
        "sources": len(articles.split("/")), "articles": sorted(articles.split("/")),
        "confidence": None if confidence < 0 else float(confidence)} for key, (articles, confidence) in rows.items()}
    assert analyse._edge_counts(store, predicates, among=some) == {
        (s, p, o): edge for (s, p, o), edge in counts.items() if s in some and o in some}


def test_the_part_drawn_of_a_store_reads_no_relation_triple_nor_row_of_an_edge(sources, monkeypatch):
    """The part of a store drawn (its most connected entities, the relations among them and their
    counts) is read from the strings of each node of the summary graph, not from the triples or the
    rows of edges."""
    _, store = sources
    asked = []
    select_rows = analyse.select_rows
    monkeypatch.setattr(analyse, "select_rows", lambda source, sparql: asked.append(sparql) or select_rows(source, sparql))
    assert analyse.shown_part(store, 30, counts=True).number_of_edges() > 2
    assert asked and not [sparql for sparql in asked if "?s ?p ?o" in sparql or "kg:edgeObject" in sparql]


def test_names_and_file_names_of_any_character_are_read_from_the_strings_as_they_are(tmp_path):
    """The strings of each node join values by tabs, line breaks and slashes: a value that holds them,
    "%" (which encodes them) or nothing is read back as it is."""
    odd = "a\ttab, a\nline, 100%, %0A, |"
    graph = tmp_path / "odd.ttl"
    graph.write_text((TRIPLES_DIR / "examples" / "valid.ttl").read_text(encoding="utf-8")
                     .replace('kg:fileName "example-1.txt"', 'kg:fileName "example\\n1 at 50%.txt"')
                     + '\n<https://w3id.org/kg-news/entity/acme-corp> skos:altLabel "a\\ttab, a\\nline, 100%, %0A, |" , "" .\n'
                     + '<https://w3id.org/kg-news/entity/china> rdfs:label "" .\n', encoding="utf-8")
    rdf = load_graph(graph)
    store = open_store(build_store(graph, tmp_path / "store"))
    try:
        assert analyse._summarised_names(store) is not None and analyse._summarised(store)
        whole, light = analyse.project(rdf), analyse.project(store, evidence=False)
        assert list(light.nodes(data=True)) == list(whole.nodes(data=True))
        assert {odd, ""} <= set(light.nodes["Acme Corp"]["aliases"]) and "" in light
        assert list(light.edges(keys=True, data=True)) == [(u, v, k, {a: x for a, x in d.items() if a != "evidence"})
                                                           for u, v, k, d in whole.edges(keys=True, data=True)]
        assert any("example\n1 at 50%.txt" in d["articles"] for _, _, d in light.edges(data=True))
    finally:
        store.close()


def test_a_store_without_the_strings_of_each_node_reads_its_triples_and_rows(sources, tmp_path, monkeypatch):
    """A summary graph an older kg filled, without the rows of each node (kg:neighbours, kg:names,
    kg:relationsFrom, kg:edgesFrom), is not read as if the graph had no entities or edges: its part to
    draw is chosen on every pair, its entities and relation triples read from the graph, its edges
    counted from the evidence."""
    rdf, _ = sources
    older_summary = re.sub(r"\n# per (entity|node): .*?\} ;\n", "\n", summary_update(), flags=re.S)
    assert [name for name in ("neighbours", "names", "relationsFrom", "edgesFrom") if f"kg:{name}" in older_summary] \
        == [] and "kg:factsStated" in older_summary
    monkeypatch.setattr("kg.store.summary_update", lambda: older_summary)
    older = open_store(build_store(default_graph_path(), tmp_path / "store"))
    try:
        predicates = [str(KG[name]) for name in RELATIONS]
        assert analyse._most_connected_of_summary(older, 30) is None and analyse._summarised_names(older) is None
        assert analyse._summarised_relation_triples(older, predicates) is None and not analyse._summarised(older)
        light = analyse.project(older, evidence=False)
        assert list(light.nodes(data=True)) == list(analyse.project(rdf).nodes(data=True))
        assert sorted(light.edges(keys=True, data=True), key=lambda e: e[:3]) == sorted(
            ((u, v, k, {a: x for a, x in d.items() if a != "evidence"})
             for u, v, k, d in analyse.project(rdf).edges(keys=True, data=True)), key=lambda e: e[:3])
        whole = analyse.most_connected(analyse.project(rdf, evidence=False, counts=False), 30)
        part = analyse.shown_part(older, 30)
        assert list(part.nodes(data=True)) == list(whole.nodes(data=True)) and part.graph == whole.graph
    finally:
        older.close()


@pytest.mark.parametrize("by", analyse.MEASURES)
@pytest.mark.parametrize("filters", [{}, {"relations": ["partnerOf", "supplies"]}, {"classes": ["Organization"]}])
def test_ranks_need_no_evidence(sources, by, filters):
    rdf, store = sources
    whole = analyse.rank(analyse.project(rdf, **filters), by, top=None)
    assert len(whole) > 5 and analyse.rank(analyse.project(store, evidence=False, **filters), by, top=None) == whole
    if by != "pagerank":  # the others count neighbours: the structure alone gives them (kg rank reads no more)
        assert analyse.rank(analyse.project(store, evidence=False, counts=False, **filters), by, top=None) == whole
    with pytest.raises(ValueError, match="need the evidence"):
        analyse.project(store, evidence=False, since="2025-01-01")


@pytest.mark.parametrize("filters", [{}, {"relations": ["partnerOf", "supplies"]}, {"classes": ["Organization"]},
                                     {"relations": ["worksFor", "ceoOf"], "classes": ["Person", "Organization"]}])
def test_connections_are_the_undirected_structure(sources, filters):
    """kg rank (by degree or betweenness) and kg path read who is connected to whom without projecting:
    the same nodes, attributes and edges, in the same order (which the order of ties and of paths follows)."""
    for source in sources:
        U = analyse.undirected(analyse.project(source, evidence=False, counts=False, **filters))
        C = analyse.connections(source, **filters)
        assert C.number_of_edges() > 2
        assert list(C.nodes(data=True)) == list(U.nodes(data=True))
        assert list(C.edges()) == list(U.edges())
        assert [list(C[n]) for n in C] == [list(U[n]) for n in U]


@pytest.mark.parametrize(("filters", "top"), [({}, 12), ({"relations": ["partnerOf", "supplies"]}, 4)])
def test_the_part_drawn_gets_the_evidence_of_the_whole_graph(sources, filters, top):
    """kg draw picks its part without the evidence and reads it for that part only."""
    rdf, store = sources
    whole = analyse.most_connected(analyse.project(rdf, **filters), top)
    part = analyse.with_evidence(store, analyse.most_connected(analyse.project(store, evidence=False, **filters), top))
    assert part.number_of_edges() > 2 and part.graph["cut"] == whole.graph["cut"]
    assert sorted(part.nodes(data=True)) == sorted(whole.nodes(data=True))
    assert sorted(part.edges(keys=True, data=True), key=lambda e: e[:3]) == \
        sorted(whole.edges(keys=True, data=True), key=lambda e: e[:3])
    shown = set(part.graph["evidence"])
    assert shown >= {ev for _, _, evs in whole.edges(data="evidence") for ev in evs}
    assert len(shown) < len(whole.graph["evidence"])  # the whole graph's, which the cut part keeps


@pytest.mark.parametrize(("filters", "top"), [({}, 12), ({"relations": ["partnerOf", "supplies"]}, 4)])
def test_the_part_drawn_gets_the_counts_of_the_whole_graph(sources, filters, top):
    """kg draw picks its part on the structure alone and reads the counts of that part only."""
    rdf, store = sources
    whole = analyse.most_connected(analyse.project(rdf, evidence=False, **filters), top)
    structure = analyse.project(store, evidence=False, counts=False, **filters)
    assert not any("sources" in data for _, _, data in structure.edges(data=True))
    part = analyse.with_evidence(store, analyse.most_connected(structure, top), evidence=False)
    assert part.number_of_edges() > 2 and part.graph["cut"] == whole.graph["cut"]
    assert sorted(part.nodes(data=True)) == sorted(whole.nodes(data=True))
    assert sorted(part.edges(keys=True, data=True), key=lambda e: e[:3]) == \
        sorted(whole.edges(keys=True, data=True), key=lambda e: e[:3])


@pytest.mark.parametrize(("top", "options"), [
    (30, {}), (12, {"relations": ["partnerOf", "supplies"]}), (10, {"classes": ["Organization", "Place"]}),
    (8, {"focus": "alibaba", "depth": 2}), (None, {"focus": "Nvidia"}), (None, {"relations": ["ceoOf"]}),
    (5, {"focus": "Apple", "depth": 2, "relations": ["partnerOf", "supplies", "develops"]})])
def test_the_part_shown_is_read_as_the_whole_projection_would_cut_it(sources, top, options):
    """kg draw chooses its part on who neighbours whom and projects that part alone: the same nodes,
    edges, order and graph attributes as the part cut from the projection of the whole graph."""
    focus, depth = options.get("focus"), options.get("depth", 1)
    filters = {key: value for key, value in options.items() if key in ("relations", "classes")}
    for source in sources:
        whole = analyse.project(source, evidence=False, counts=False, **filters)
        if focus:
            whole = analyse.neighbourhood(whole, focus, depth, limit=top)
        whole = analyse.most_connected(whole, top) if top else whole
        part = analyse.shown_part(source, top, **options)
        assert part.number_of_edges() > 2 and (top != 30 or part.graph["cut"]["of"] > 30)
        assert list(part.nodes(data=True)) == list(whole.nodes(data=True))
        assert list(part.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
        assert part.graph == whole.graph
        # read with its counts, as they are added to it after
        counted, added = analyse.shown_part(source, top, counts=True, **options), \
            analyse.with_evidence(source, part, evidence=False)
        assert list(counted.edges(keys=True, data=True)) == list(added.edges(keys=True, data=True))
        assert list(counted.nodes(data=True)) == list(added.nodes(data=True)) and counted.graph == added.graph


def test_the_most_connected_part_of_a_store_is_chosen_without_every_entity_pair(sources, monkeypatch):
    """A store's summary counts each entity's neighbours (kg:neighbours): the most connected part is
    chosen on those and the links among the most connected, without reading who neighbours whom in the
    whole graph, and it is the part cut from the whole projection."""
    rdf, store = sources
    whole = analyse.most_connected(analyse.project(rdf, evidence=False, counts=False), 30)
    monkeypatch.setattr(analyse, "connections", None)  # not called
    part = analyse.shown_part(store, 30)
    assert part.graph["cut"]["of"] > 30 and part.number_of_edges() > 2
    assert list(part.nodes(data=True)) == list(whole.nodes(data=True))
    assert list(part.edges(keys=True, data=True)) == list(whole.edges(keys=True, data=True))
    assert part.graph == whole.graph


def _stories_graph(path, stories: dict[str, int], partners: tuple[str, str] | None = None, alone: int = 0):
    """A graph of hubs, each partner of as many firms of its own (``stories``: hub -> firms), two of them
    ``partners`` of each other if given, and ``alone`` firms with no relation."""
    lines = ["@prefix kg: <https://w3id.org/kg-news/ontology#> .",
             "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
             "@prefix e: <https://w3id.org/kg-news/entity/> ."]
    for hub, firms in stories.items():
        lines.append(f'e:{hub} a kg:Organization ; rdfs:label "{hub}" .')
        lines += [f'e:{hub}-{i} a kg:Organization ; rdfs:label "{hub} {i}" . e:{hub} kg:partnerOf e:{hub}-{i} .'
                  for i in range(firms)]
    if partners:
        lines.append(f"e:{partners[0]} kg:partnerOf e:{partners[1]} .")
    lines += [f'e:alone-{i} a kg:Organization ; rdfs:label "Alone {i}" .' for i in range(alone)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("graph", "top", "summarised"), [
    # four hubs crowd out their stories: the next entities are read, among them two partners
    ({"stories": {**{f"hub{i}": 20 - i for i in range(4)}, "p": 15, "q": 15, **{f"mid{i}": 15 - i for i in range(10)}},
      "partners": ("p", "q")}, 2, True),
    ({"stories": {f"hub{i}": 12 - i for i in range(8)}}, 3, True),  # no story kept: every entity read
    ({"stories": {"big": 5, "small": 1}, "alone": 6}, 9, False)])  # the part takes firms with no neighbour
def test_the_most_connected_part_chosen_on_the_summary_is_the_one_of_every_pair(tmp_path, graph, top, summarised):
    """Chosen on the entities with most neighbours (kg:neighbours) when those tell, on every entity pair
    when the part takes entities with no neighbour: the part of the whole projection either way."""
    graph = _stories_graph(tmp_path / "stories.ttl", **graph)
    store = open_store(build_store(graph, tmp_path / "store"))
    try:
        assert (analyse._most_connected_of_summary(store, top) is not None) == summarised
        whole = analyse.most_connected(analyse.project(load_graph(graph), evidence=False, counts=False), top)
        part = analyse.shown_part(store, top)
        assert list(part.nodes(data=True)) == list(whole.nodes(data=True)) and part.graph == whole.graph
        assert list(part.edges(keys=True)) == list(whole.edges(keys=True))
    finally:
        store.close()


@pytest.mark.parametrize(("a", "b"), [("Alibaba Group", "Nvidia"), ("Nvidia", "China"), ("Apple", "Alibaba Cloud")])
def test_paths_read_only_for_the_hops_are_the_paths_of_the_whole_graph(sources, a, b):
    rdf, store = sources
    whole = analyse.paths(analyse.project(rdf), a, b, limit=3)
    near = analyse.shortest_path_graph(store, a, b, limit=3)
    assert whole and analyse.paths(near, a, b, limit=3) == whole
    assert near.number_of_nodes() < analyse.project(rdf).number_of_nodes()


@pytest.mark.parametrize("args", [["path", "Alibaba Group", "Nvidia"], ["rank"], ["stats"], ["facts", "Alibaba"],
                                  ["conflicts"], ["export", "-o", "{tmp}/g.graphml"]])
def test_analysis_commands_do_not_import_spacy(args, tmp_path):
    """Start-up counts in an analysis command's time: it reads the store
    with networkx at hand, and never loads the NLP pipeline or the server."""
    code = ("import sys, kg.cli\n"
            "kg.cli.cli.main(sys.argv[1:], standalone_mode=False)\n"
            "print(sorted(m for m in ('spacy', 'thinc', 'kg.pipeline', 'kg.extract', 'kg.server') if m in sys.modules))")
    command = [sys.executable, "-c", code, *(arg.format(tmp=tmp_path) for arg in args)]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_stats_of_a_store_counts_what_it_shows_as_the_projection_does(tmp_path):
    """`kg stats` counts a store with aggregates and reads only the articles it
    shows: the same counts as the projection of the parsed file, an entity of
    two classes once (under the later class), and the first articles by file name."""
    graph = tmp_path / "two-classes.ttl"
    graph.write_text((TRIPLES_DIR / "examples" / "valid.ttl").read_text()
                     + "\n<https://w3id.org/kg-news/entity/acme-corp> a kg:Product .\n")
    rdf = load_graph(graph)
    store = open_store(build_store(graph, tmp_path / "store"))
    try:
        whole, example = analyse.stats(rdf), analyse.stats(analyse.example_graph())
        assert whole["entities"] == example["entities"]
        assert whole["classes"]["Organization"] == example["classes"]["Organization"] - 1
        assert whole["classes"]["Product"] == example["classes"]["Product"] + 1
        assert analyse.stats(store) == whole
        first = analyse.stats(store, articles=1)
        assert first == analyse.stats(rdf, articles=1)
        assert first["articles"] == dict(list(whole["articles"].items())[:1])
        assert first["article_count"] == len(whole["articles"]) == 2
    finally:
        store.close()
