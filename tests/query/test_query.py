"""`kg query`: saved queries, parameters, formats, errors and exit codes."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import cli
from kg.model import to_graph
from kg.query import QUERIES_DIR, RemoteAccessError, remote_access, run_query, saved_queries


@pytest.fixture
def kg_query(example_graph):
    """Run `kg query --graph <example> ARGS...` and return the click Result."""
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(cli, ["query", "--graph", str(example_graph), *args])

    return invoke


def test_the_issue_example_with_prebound_prefixes(kg_query):
    result = kg_query('SELECT ?partner WHERE { ?a rdfs:label "Acme Corp" ; kg:partnerOf ?p . ?p rdfs:label ?partner }')
    assert result.exit_code == 0
    assert result.stdout_bytes == b"partner\r\nGlobex\r\n"  # SPARQL CSV: CRLF lines


def test_saved_query_with_a_parameter_as_csv(kg_query):
    result = kg_query("suppliers", "--param", "company=Initech", "--format", "csv")
    assert result.exit_code == 0
    assert result.output == "supplier,sources\nGlobex,1\n"


def test_list_names_every_saved_query_and_its_parameters():
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    for name, saved in saved_queries().items():
        assert name in result.output
        for param in saved.params:
            assert f"--param {param}=" in result.output


def test_every_saved_query_has_a_header():
    queries = saved_queries()
    assert len(queries) >= 11
    for saved in queries.values():
        assert saved.title and saved.description, saved.name
        for param in saved.params:
            assert f"?{param}" in saved.text, (saved.name, param)


# Known answers on the example graph: query, parameters, first column of the rows.
KNOWN_ANSWERS = [
    ("partners", {"company": "Acme"}, ["Globex"]),
    ("suppliers", {"company": "Initech"}, ["Globex"]),
    ("customers", {"company": "Globex"}, ["Initech"]),
    ("competitors", {"company": "Acme Corp"}, ["Initech"]),
    ("supply-chains", {}, ["Acme Cloud → Globex → Initech → Umbrella"]),
    ("supply-chains", {"company": "Globex"}, ["Globex → Initech → Umbrella"]),
    ("upstream", {"company": "Umbrella"}, ["Initech", "Acme Cloud", "Globex"]),
    ("leaders", {}, ["Jane Roe"]),
    ("leaders", {"organization": "Globex"}, []),
    ("products", {"developer": "Acme"}, ["Acme Corp"]),
    ("facts", {"entity": "Acme Cloud", "metric": "revenue"}, ["revenue", "revenue"]),
    ("facts-between", {"entity": "Acme Cloud", "from": "2025-04-01"}, ["revenue", "revenueGrowth", "revenueGrowth"]),
    ("conflicting-facts", {}, ["Acme Cloud"]),
    ("entities-by-sources", {"class": "<https://w3id.org/kg-news/ontology#Person>"}, ["Jane Roe"]),
    ("article", {"file": "example-2.txt"}, ["0"] * 4 + ["50"] * 2 + ["120"] * 2),
    ("all-relations", {"entity": "Jane Roe"}, ["Jane Roe"]),
]


@pytest.mark.parametrize(("name", "params", "expected"), KNOWN_ANSWERS)
def test_saved_queries_give_known_answers(store, name, params, expected):
    rows = list(run_query(store, name, params))
    assert [row[0].value for row in rows] == expected


@pytest.fixture(scope="module")
def dated_store(tmp_path_factory):
    """Facts of Acme over periods of every precision, one that is no date, and one of Globex."""
    from decimal import Decimal

    from kg.schema import Entity, Evidence, Fact
    from kg.store import open_store, save_graph

    acme, globex = (Entity(name.lower(), name, "Organization", frozenset({name})) for name in ("Acme", "Globex"))
    periods = ["2024", "2023/2025", "2025-04/2025-06", "2025-07/2025-09", "2025-09-12", "2025-02-30", "2026"]
    facts = [Fact(acme, "revenue", Decimal(n), "USD", period, (Evidence("a1", n, n + 1, "", "kg.test.v1", 0.8),))
             for n, period in enumerate(periods)]
    facts.append(Fact(globex, "revenue", Decimal(9), "USD", "2025", (Evidence("a1", 9, 10, "", "kg.test.v1", 0.8),)))
    path = save_graph(to_graph([], [acme, globex], facts=facts), tmp_path_factory.mktemp("dated") / "dated.ttl")
    opened = open_store(path)
    yield opened
    opened.close()


@pytest.mark.parametrize(("window", "periods"), [
    # every dated fact, earliest start first; "2025-02-30" is no date and has no start
    ({}, ["2023/2025", "2024", "2025-04/2025-06", "2025-07/2025-09", "2025-09-12", "2026"]),
    # a year or a quarter overlaps a window that starts or ends inside it
    ({"from": "2025-06-15", "until": "2025-09-01"}, ["2023/2025", "2025-04/2025-06", "2025-07/2025-09"]),
    ({"from": "2025-09-13"}, ["2023/2025", "2025-07/2025-09", "2026"]),
    ({"until": "2024-06-30"}, ["2023/2025", "2024"]),
    ({"from": "2025-09-12", "until": "2025-09-12"}, ["2023/2025", "2025-07/2025-09", "2025-09-12"]),
])
def test_facts_between_two_dates(dated_store, window, periods):
    rows = list(run_query(dated_store, "facts-between", {"entity": "Acme", **window}))
    assert [row[1].value for row in rows] == periods

@pytest.mark.issue(10)
@pytest.mark.parametrize("value", ["Person", "person", "kg:Person", "<https://w3id.org/kg-news/ontology#Person>"])
def test_a_class_parameter_takes_a_local_name_or_label(kg_query, value):
    result = kg_query("entities-by-sources", "-p", f"class={value}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["Jane Roe,Person,1"]


@pytest.mark.issue(10)
@pytest.mark.parametrize("value", ["Globex", "globex", "entity:globex", "<https://w3id.org/kg-news/entity/globex>"])
def test_an_entity_parameter_takes_a_local_name_iri_or_label(kg_query, value):
    result = kg_query("customers", "-p", f"company={value}", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:] == ["Initech,1"]


@pytest.mark.issue(10)
def test_a_parameter_that_names_nothing_says_so(kg_query):
    result = kg_query("entities-by-sources", "-p", "class=Company", "--format", "csv")
    assert result.exit_code == 2
    assert "no class is named 'Company'; the classes: Entity, Organization, Person" in result.output


def test_relations_come_with_their_sentence(store):
    rows = list(run_query(store, "all-relations", {"entity": "Roe"}))
    assert [(r[1].value, r[2].value, r[4].value) for r in rows] == [
        ("ceoOf", "Acme Corp", "Acme CEO Jane Roe said Acme Cloud will supply Globex.")]


def test_a_parameter_is_data_never_query_text(kg_query):
    result = kg_query("article", "--param", 'file=x" } ?x ?y ?z { "', "--format", "csv")
    assert result.exit_code == 0
    assert result.output == "start,subject,says,object,quote\n"
    # an entity parameter is looked up as data too: nothing has that name
    result = kg_query("partners", "--param", 'company=Acme" } ?x ?y ?z { "', "--format", "csv")
    assert result.exit_code == 2
    assert "no entity is named 'Acme\" } ?x ?y ?z { \"'" in result.output


@pytest.mark.parametrize(("fmt", "check"), [
    ("tsv", lambda out: out == "?supplier\t?sources\n\"Globex\"\t1\n"),
    ("json", lambda out: json.loads(out)["results"]["bindings"][0]["supplier"] == {"type": "literal", "value": "Globex"}),
    ("xml", lambda out: ET.fromstring(out).find(".//{http://www.w3.org/2005/sparql-results#}literal").text == "Globex"),
    ("table", lambda out: out.splitlines() == ["supplier  sources", "--------  -------", "Globex    1"]),
])
def test_select_formats(kg_query, fmt, check):
    result = kg_query("suppliers", "-p", "company=Initech", "-f", fmt)
    assert result.exit_code == 0 and check(result.output), result.output


def test_construct_gives_turtle_by_default(kg_query):
    result = kg_query("CONSTRUCT WHERE { ?s kg:supplies ?o }")
    assert result.exit_code == 0
    assert len(Graph().parse(data=result.output, format="turtle")) == 3


def test_ask(kg_query):
    result = kg_query("ASK { ?s kg:restricts ?o }", "-f", "json")
    assert result.exit_code == 0 and json.loads(result.output) == {"head": {}, "boolean": False}


def test_max_rows(kg_query):
    result = kg_query("SELECT ?s WHERE { ?s a kg:Evidence }", "--max-rows", "2", "-f", "csv")
    assert result.exit_code == 0 and result.output.count("\n") == 3


def test_malformed_query_exits_2_with_line_and_column(kg_query):
    result = kg_query("SELECT ?x WHERE {\n  ?x ?y }")
    assert result.exit_code == 2
    assert "malformed query: error at 2:" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(("args", "message"), [
    (["no-such-query"], "no saved query named 'no-such-query'; known: all-relations"),
    (["partners", "-p", "firm=Acme"], "takes no parameter firm; its parameters: company"),
    (["partners", "-p", "company"], "'company' is not NAME=VALUE"),
    (["CONSTRUCT WHERE { ?s ?p ?o }", "-f", "csv"], "a CONSTRUCT or DESCRIBE answer is a graph"),
    (["SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"], "SERVICE is not allowed"),
    ([], "give a QUERY"),
])
def test_user_mistakes_exit_2_without_traceback(kg_query, args, message):
    result = kg_query(*args)
    assert result.exit_code == 2 and message in result.output and "Traceback" not in result.output


def test_no_graph_means_the_shipped_graph(monkeypatch, example_graph):
    monkeypatch.setattr("kg.store.default_graph_path", lambda: example_graph)
    result = CliRunner().invoke(cli, ["query", "partners", "-p", "company=Globex", "-f", "csv"])
    assert result.exit_code == 0 and result.output == "partner,sources\nAcme Corp,1\n"


def test_a_missing_graph_is_a_clear_error():
    result = CliRunner().invoke(cli, ["query", "--graph", "nowhere.trig", "partners"])
    assert result.exit_code == 2 and "does not exist" in result.output


@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { service <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * FROM NAMED <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "INSERT { ?s ?p ?o } USING <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }",
])
def test_remote_access_is_detected(sparql):
    assert remote_access(sparql) is not None


@pytest.mark.parametrize("sparql", [
    'SELECT ?service ?load WHERE { ?service rdfs:label "SERVICE <http://x/>" } # LOAD <http://x/>',
    "SELECT * WHERE { ?s kg:from ?o ; <http://x/service> ?load }",
])
def test_keywords_in_names_strings_and_comments_are_not_remote_access(sparql):
    assert remote_access(sparql) is None


def test_run_query_refuses_remote_access(store):
    with pytest.raises(RemoteAccessError):
        run_query(store, "SELECT * FROM <http://127.0.0.1:9/g> WHERE { ?s ?p ?o }")


def test_queries_dir_is_in_triples():
    assert QUERIES_DIR.name == "queries" and (QUERIES_DIR / "partners.rq").is_file()
