"""Both stores behind one interface (issue 9): the embedded Oxigraph store and
a SPARQL 1.1 server (Virtuoso, at $KG_TEST_VIRTUOSO) load, answer, change and
drop graphs alike. The Virtuoso cases skip without a server, and fail in CI."""

from __future__ import annotations

import uuid

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef

from kg import analyse
from kg.cli import cli
from kg.model import KG, TRIPLES_DIR
from kg.query import PREFIXES
from kg.schema import RELATIONS
from kg.store import (DATA_GRAPH, AskResult, GraphResult, GraphStore, QuerySyntaxError, SelectResult, ServerStore,
                      ServerStoreError, build_store, load_graph, open, open_store)

pytestmark = pytest.mark.issue(9)

EXAMPLE = TRIPLES_DIR / "examples" / "valid.ttl"
PEOPLE = "SELECT ?name WHERE { ?e a kg:Person ; rdfs:label ?name } ORDER BY ?name"


@pytest.fixture(params=["embedded", "virtuoso"])
def store(request, tmp_path):
    """The example graph and the ontology in a store of each kind, for one test."""
    if request.param == "embedded":
        opened = open_store(build_store(EXAMPLE, tmp_path / "store"))
        yield opened
        opened.close()
        return
    url = request.getfixturevalue("virtuoso_url")
    opened = ServerStore(url, data_graph=f"urn:kg-test:{uuid.uuid4().hex}")
    opened.replace(EXAMPLE)
    yield opened
    opened.drop(opened.data_graph)
    opened.close()


def _values(result) -> list[str]:
    return [row[0].value for row in result]


def test_the_store_holds_the_graph_and_the_ontology(store):
    count = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(_values(count)[0]) == len(open(EXAMPLE))  # the graph file plus the ontology, blank nodes and all


def test_each_query_form_gives_its_result_type(store):
    people = store.query(PEOPLE, prefixes=PREFIXES)
    assert isinstance(people, SelectResult) and people.variables == ("name",)
    assert _values(people) == ["Jane Roe"]
    assert store.query("ASK { ?s a kg:Person }", prefixes=PREFIXES) == AskResult(True)
    assert store.query("ASK { ?s a kg:Nothing }", prefixes=PREFIXES) == AskResult(False)
    graph = store.query("CONSTRUCT { ?e rdfs:label ?name } WHERE { ?e a kg:Person ; rdfs:label ?name }",
                        prefixes=PREFIXES)
    assert isinstance(graph, GraphResult)
    assert [(s.value, o.value) for s, _, o in graph] == [("https://w3id.org/kg-news/entity/jane-roe", "Jane Roe")]


def test_bindings_give_a_variable_its_value(store):
    from kg.store import Term

    result = store.query("SELECT ?e ?name WHERE { ?e rdfs:label ?name }", prefixes=PREFIXES,
                         bindings={"name": Term("literal", "Jane Roe")})
    assert _values(result) == ["https://w3id.org/kg-news/entity/jane-roe"]


def test_a_malformed_query_is_a_syntax_error(store):
    with pytest.raises(QuerySyntaxError):
        store.query("SELECT * WHERE { ?s ?p ")


def test_an_update_changes_what_queries_read(store):
    store.update('INSERT DATA { <urn:kg-test:a> rdfs:label "added" }', prefixes=PREFIXES)
    assert _values(store.query("SELECT ?l WHERE { <urn:kg-test:a> rdfs:label ?l }", prefixes=PREFIXES)) == ["added"]
    store.update('DELETE WHERE { <urn:kg-test:a> ?p ?o }')
    assert store.query("ASK { <urn:kg-test:a> ?p ?o }") == AskResult(False)


def _triples(n: int) -> Graph:
    graph = Graph()
    for i in range(n):
        graph.add((URIRef(f"urn:kg-test:s{i}"), URIRef("urn:kg-test:p"), Literal(f"value {i}")))
    return graph


def test_the_analysis_counts_of_the_summary_graph_are_those_of_the_file(store):
    """kg stats, kg rank and kg draw read one row per edge and per article from
    the summary graph, which the standard update fills on either store."""
    rdf = load_graph(EXAMPLE)
    assert analyse.stats(store) == analyse.stats(rdf)
    whole = analyse.project(rdf)
    light = analyse.project(store, evidence=False)
    assert {(u, v, k): d for u, v, k, d in light.edges(keys=True, data=True)} == \
        {(u, v, k): {a: x for a, x in d.items() if a != "evidence"} for u, v, k, d in whole.edges(keys=True, data=True)}


def test_the_rows_of_each_node_are_read_as_the_file_on_either_store(store):
    """The summary's rows of each node (its names, relation triples, edges and number of neighbours),
    which kg export and kg draw read in place of the graph's triples, are filled by the standard
    update on either store and give what the file gives."""
    rdf = load_graph(EXAMPLE)
    assert analyse._summarised(store) and analyse._summarised_names(store) is not None
    assert analyse._summarised_relation_triples(store, [str(KG[name]) for name in RELATIONS]) is not None
    assert analyse._most_connected_of_summary(store, 3) is not None
    nodes, edges, _ = analyse.projection(store, evidence=False)
    whole = analyse.project(rdf)
    assert nodes == list(whole.nodes(data=True)) and len(edges) == whole.number_of_edges()
    part, cut = analyse.shown_part(store, 3), analyse.most_connected(analyse.project(rdf, counts=False), 3)
    assert list(part.nodes(data=True)) == list(cut.nodes(data=True)) and part.graph["cut"] == cut.graph["cut"]


def test_load_delete_and_drop_a_named_graph(store):
    named = f"urn:kg-test:named-{uuid.uuid4().hex}"
    store.load(_triples(30), graph=named)
    assert named in store.named_graphs()
    # rows counted here: Virtuoso 7.2 answers COUNT(*) of a GRAPH pattern with 1 where it matches nothing
    in_named = "SELECT ?s WHERE { GRAPH <%s> { ?s ?p ?o } }" % named
    assert len(_values(store.query(in_named))) == 30
    assert "urn:kg-test:s0" not in _values(store.query("SELECT ?s WHERE { ?s ?p ?o }"))  # not the default graph
    store.delete(_triples(10), graph=named)
    assert sorted(_values(store.query(in_named))) == sorted(f"urn:kg-test:s{i}" for i in range(10, 30))
    store.drop(named)
    assert named not in store.named_graphs()
    assert _values(store.query(in_named)) == []


def test_loaded_triples_join_the_graph_queries_read(store, tmp_path):
    store.load(_triples(3))
    assert _values(store.query("SELECT ?o WHERE { <urn:kg-test:s2> ?p ?o }")) == ["value 2"]
    as_file = tmp_path / "more.ttl"
    as_file.write_text('<urn:kg-test:t> <urn:kg-test:p> "from a file" .\n', encoding="utf-8")
    store.load(as_file)
    assert _values(store.query("SELECT ?o WHERE { <urn:kg-test:t> ?p ?o }")) == ["from a file"]
    store.delete(_triples(3))
    assert store.query("ASK { <urn:kg-test:s2> ?p ?o }") == AskResult(False)


def test_a_files_own_named_graphs_keep_their_names(store, tmp_path):
    named = f"urn:kg-test:file-graph-{uuid.uuid4().hex}"
    trig = tmp_path / "two.trig"
    trig.write_text('{ <urn:kg-test:d> <urn:kg-test:p> "in the default graph" }\n'
                    f'<{named}> {{ <urn:kg-test:n> <urn:kg-test:p> "in a named graph" . }}\n', encoding="utf-8")
    store.load(trig)
    try:
        assert _values(store.query("SELECT ?o WHERE { <urn:kg-test:d> ?p ?o }")) == ["in the default graph"]
        assert store.query("ASK { <urn:kg-test:n> ?p ?o }") == AskResult(False)
        assert _values(store.query(f"SELECT ?o WHERE {{ GRAPH <{named}> {{ ?s ?p ?o }} }}")) == ["in a named graph"]
    finally:
        store.drop(named)


def test_the_cached_store_of_a_graph_file_is_not_changed(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path))
    with open_store(EXAMPLE) as cached:
        assert isinstance(cached, GraphStore)
        with pytest.raises(ValueError, match="cached store"):
            cached.update('INSERT DATA { <urn:kg-test:a> <urn:kg-test:b> "c" }')


# ---------------------------------------------------------------- the server's own

def test_credentials_come_from_the_url_and_never_show(virtuoso_url, monkeypatch):
    import os
    from urllib.parse import urlsplit

    password = os.environ["KG_STORE_PASSWORD"]
    monkeypatch.delenv("KG_STORE_USER", raising=False)
    monkeypatch.delenv("KG_STORE_PASSWORD", raising=False)
    with pytest.raises(ServerStoreError, match="asks for credentials"):
        ServerStore(virtuoso_url)
    parts = urlsplit(virtuoso_url)
    with_user = parts._replace(netloc=f"dba:{password}@{parts.netloc}").geturl()
    with ServerStore(with_user) as store:
        assert password not in store.url and password not in repr(store)
        assert store.query("ASK {}") == AskResult(True)
    wrong = parts._replace(netloc=f"dba:wrong-{password}@{parts.netloc}").geturl()
    with pytest.raises(ServerStoreError) as refused:
        ServerStore(wrong).query("ASK {}")
    assert "refused" in str(refused.value) and password not in str(refused.value)


def test_a_server_that_is_not_there_is_one_clear_error():
    with pytest.raises(ServerStoreError, match=r"cannot reach the store at http://127\.0\.0\.1:9/sparql: .*refused"):
        ServerStore("http://127.0.0.1:9/sparql")


@pytest.fixture
def news_in_virtuoso(virtuoso_url):
    """The shipped example loaded as kg build --store loads it (the default data graph)."""
    assert build_store(EXAMPLE, virtuoso_url) == virtuoso_url
    yield virtuoso_url
    with ServerStore(virtuoso_url) as store:
        store.drop(DATA_GRAPH)


def test_kg_query_store_prints_what_kg_query_graph_prints(news_in_virtuoso):
    runner = CliRunner()
    for args in (["partners", "-p", "company=Acme"], ["leaders"], [PEOPLE]):
        local = runner.invoke(cli, ["query", *args, "-g", str(EXAMPLE), "-f", "csv"])
        remote = runner.invoke(cli, ["query", *args, "--store", news_in_virtuoso, "-f", "csv"])
        assert local.exit_code == 0 and remote.exit_code == 0, remote.output
        assert remote.output == local.output and local.output.count("\n") > 1


def test_kg_serve_store_answers_from_the_server(news_in_virtuoso):
    import urllib.parse
    import urllib.request

    from kg.server import Limits, running_server

    with running_server(news_in_virtuoso, Limits(workers=1)) as url:
        body = urllib.parse.urlencode({"query": PREFIXES_TEXT + PEOPLE}).encode()
        request = urllib.request.Request(f"{url}/sparql", data=body, headers={"Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.read().decode().split() == ["name", "Jane", "Roe"]


PREFIXES_TEXT = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in PREFIXES.items())


def test_the_store_option_wants_a_url_and_not_a_graph_too():
    runner = CliRunner()
    bad = runner.invoke(cli, ["query", "leaders", "--store", "triples/news.trig"])
    assert bad.exit_code == 2 and "is not the http(s) URL of a SPARQL endpoint" in bad.output
    both = runner.invoke(cli, ["query", "leaders", "--store", "http://127.0.0.1:9/sparql", "-g", str(EXAMPLE)])
    assert both.exit_code == 2 and "not both" in both.output
    gone = runner.invoke(cli, ["query", "leaders", "--store", "http://127.0.0.1:9/sparql"])
    assert gone.exit_code == 1 and "cannot reach the store at http://127.0.0.1:9/sparql" in gone.output


@pytest.mark.model
def test_kg_build_store_loads_what_it_writes(virtuoso_url, model_and_articles, data_dir, tmp_path):
    out = tmp_path / "news.trig"
    runner = CliRunner()
    try:
        built = runner.invoke(cli, ["build", str(data_dir / "articles" / "01_acme_results.txt"), "-o", str(out),
                                    "-q", "-j", "1", "--store", virtuoso_url])
        assert built.exit_code == 0, built.output
        assert f"loaded into the store at {virtuoso_url}" in built.output
        remote = runner.invoke(cli, ["query", "entities-by-sources", "--store", virtuoso_url, "-f", "csv"])
        local = runner.invoke(cli, ["query", "entities-by-sources", "-g", str(out), "-f", "csv"])
        assert remote.exit_code == 0 and local.output.count("\n") > 2
        assert sorted(remote.output.splitlines()) == sorted(local.output.splitlines())
    finally:
        with ServerStore(virtuoso_url) as store:
            store.drop(DATA_GRAPH)
