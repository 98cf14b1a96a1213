"""`kg serve`: the SPARQL endpoint through real clients (SPARQLWrapper, curl,
rdflib's SPARQLStore), its refusals and its limits."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, POST, TSV, TURTLE, XML, SPARQLWrapper

from kg.cli import cli
from kg.model import ENTITY, KG
from kg.query import saved_queries

SUPPLIERS = "SELECT ?s ?o WHERE { ?s kg:supplies ?o } ORDER BY ?s ?o"
SUPPLY_PAIRS = [("acme-cloud", "globex"), ("globex", "initech"), ("initech", "umbrella")]
# A cross product of the whole graph with itself four times: never finishes.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def http(url, *, data=None, headers=None, method=None):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode("utf-8")


def get(endpoint, query, accept="application/sparql-results+json", **params):
    url = f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": query, **params})
    return http(url, headers={"Accept": accept})


def post_form(endpoint, fields, headers=None):
    return http(f"{endpoint}/sparql", data=urllib.parse.urlencode(fields).encode(), headers=headers or {})


# ------------------------------------------------------------ real clients


@pytest.mark.parametrize("method", ["GET", POST])
def test_sparqlwrapper_select_json(endpoint, method):
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery(SUPPLIERS)
    client.setReturnFormat(JSON)
    client.setMethod(method)
    bindings = client.queryAndConvert()["results"]["bindings"]
    assert [(b["s"]["value"], b["o"]["value"]) for b in bindings] == [
        (str(ENTITY[a]), str(ENTITY[b])) for a, b in SUPPLY_PAIRS]


@pytest.mark.parametrize(("fmt", "first_line"), [(CSV, b"s,o"), (TSV, b"?s\t?o")])
def test_sparqlwrapper_csv_and_tsv(endpoint, fmt, first_line):
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery(SUPPLIERS)
    client.setReturnFormat(fmt)
    assert client.queryAndConvert().splitlines()[0] == first_line


def test_sparqlwrapper_select_xml_and_ask(endpoint):
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setReturnFormat(XML)
    client.setQuery(SUPPLIERS)
    document = client.queryAndConvert()
    assert len(document.getElementsByTagName("result")) == 3
    client.setReturnFormat(JSON)
    client.setQuery("ASK { ?s kg:partnerOf ?o }")
    assert client.queryAndConvert()["boolean"] is True


@pytest.mark.parametrize("fmt", [TURTLE, XML])
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside SPARQLWrapper
def test_sparqlwrapper_construct(endpoint, fmt):
    client = SPARQLWrapper(f"{endpoint}/sparql")
    client.setQuery("CONSTRUCT WHERE { ?s kg:supplies ?o }")
    client.setReturnFormat(fmt)
    answer = client.queryAndConvert()
    graph = answer if isinstance(answer, Graph) else Graph().parse(data=answer, format="turtle")
    assert (ENTITY["globex"], KG.supplies, ENTITY["initech"]) in graph and len(graph) == 3


def test_rdflib_sparqlstore(endpoint):
    graph = Graph(store=SPARQLStore(f"{endpoint}/sparql"))
    rows = graph.query('SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }')
    assert [str(row.name) for row in rows] == ["Jane Roe"]
    assert (ENTITY["globex"], KG.supplies, ENTITY["initech"]) in graph
    assert set(graph.objects(ENTITY["acme-corp"], KG.develops)) == {ENTITY["widget-7"]}
    constructed = graph.query("CONSTRUCT WHERE { ?s kg:partnerOf ?o }").graph
    assert len(constructed) == 2


def curl(*args):
    if not shutil.which("curl"):
        if os.environ.get("CI"):
            pytest.fail("the endpoint test needs curl (apt-get install curl)")
        pytest.skip("needs curl")
    # bytes, decoded by hand: text mode would turn the CSV's CRLF into LF
    return subprocess.run(["curl", "-sS", "--max-time", "20", *args], capture_output=True, check=True).stdout.decode()


def test_curl_get_post_form_and_direct_post(endpoint):
    url = f"{endpoint}/sparql"
    expected = "s,o\r\n" + "".join(f"{ENTITY[a]},{ENTITY[b]}\r\n" for a, b in SUPPLY_PAIRS)
    assert curl("-G", "-H", "Accept: text/csv", "--data-urlencode", f"query={SUPPLIERS}", url) == expected
    assert curl("-H", "Accept: text/csv", "--data-urlencode", f"query={SUPPLIERS}", url) == expected
    assert curl("-H", "Accept: text/csv", "-H", "Content-Type: application/sparql-query",
                "--data-binary", SUPPLIERS, url) == expected


# ------------------------------------------------------------ negotiation and answers


@pytest.mark.parametrize(("accept", "media_type"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/html,*/*;q=0.8", "application/sparql-results+json"),
])
def test_select_content_negotiation(endpoint, accept, media_type):
    status, headers, _ = get(endpoint, SUPPLIERS, accept)
    assert status == 200 and headers.get_content_type() == media_type


@pytest.mark.parametrize(("accept", "media_type", "rdflib_format"), [
    ("text/turtle", "text/turtle", "turtle"),
    ("application/n-triples", "application/n-triples", "nt"),
    ("application/rdf+xml", "application/rdf+xml", "xml"),
])
def test_construct_and_describe_negotiation(endpoint, accept, media_type, rdflib_format):
    for query in ("CONSTRUCT WHERE { ?s kg:supplies ?o }", "DESCRIBE entity:globex"):
        status, headers, body = get(endpoint, query, accept)
        assert status == 200 and headers.get_content_type() == media_type
        assert len(Graph().parse(data=body, format=rdflib_format)) >= 3


def test_saved_query_parameters_as_param_fields(endpoint):
    text = saved_queries()["partners"].text
    status, _, body = post_form(endpoint, {"query": text, "param-company": "Acme"})
    assert status == 200
    assert [b["partner"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["Globex"]


def test_the_page_and_the_saved_query_list(endpoint):
    status, headers, body = http(f"{endpoint}/")
    assert status == 200 and headers.get_content_type() == "text/html" and 'id="query"' in body
    status, _, body = http(f"{endpoint}/queries")
    listing = json.loads(body)
    assert status == 200 and "partners" in {q["name"] for q in listing["queries"]}
    assert listing["prefixes"]["kg"] == str(KG)
    assert http(f"{endpoint}/nothing")[0] == 404


def test_malformed_query_is_400_with_line_and_column(endpoint):
    status, headers, body = get(endpoint, "SELECT ?x WHERE {\n ?x kg:partnerOf }")
    assert status == 400 and "error at 2:18" in body
    assert headers["X-KG-Error-Position"] == "2:18"  # the explorer marks it in the editor


@pytest.mark.issue(10)
def test_an_error_is_placed_in_the_query_as_sent_not_as_bound(endpoint):
    """A parameter's VALUES block goes into the query's first line; the
    place of an error after it is still counted in the text as sent."""
    query = "SELECT ?x WHERE { ?x kg:partnerOf ?company . ?x kg:partnerOf }"
    status, headers, body = get(endpoint, query, **{"param-company": "x"})
    assert status == 400 and headers["X-KG-Error-Position"] == f"1:{len(query)}" and f"error at 1:{len(query)}" in body


@pytest.mark.issue(10)
def test_saved_query_parameters_take_a_local_name_or_label(endpoint):
    text = saved_queries()["entities-by-sources"].text
    for value in ("Person", "person", "kg:Person"):
        status, _, body = post_form(endpoint, {"query": text, "param-class": value})
        assert status == 200
        assert [b["entity"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["Jane Roe"]
    status, _, body = post_form(endpoint, {"query": text, "param-class": "Company"})
    assert status == 400 and "no class is named 'Company'" in body


@pytest.mark.issue(10)
def test_colours_are_kg_draws_and_vis_network_comes_from_pyvis(endpoint):
    from kg.draw import CLASS_COLOURS, RELATION_STYLES
    from kg.server import vis_network_folder

    status, _, body = http(f"{endpoint}/colours.json")
    assert status == 200 and json.loads(body)["classes"] == CLASS_COLOURS
    assert json.loads(body)["relations"]["supplies"] == RELATION_STYLES["supplies"][0]
    assert "pyvis" in vis_network_folder().parts
    for name in ("vis-network.min.js", "vis-network.css"):
        status, headers, body = http(f"{endpoint}/{name}")
        assert status == 200 and body.encode("utf-8") == (vis_network_folder() / name).read_bytes()
        assert "script-src 'self'" in headers["Content-Security-Policy"]
    root = Path(__file__).resolve().parents[2]
    assert not [p for p in (root / "kg").rglob("vis-network*")], "vis-network is served from pyvis, never copied"


@pytest.mark.issue(10)
def test_every_entity_has_a_page(endpoint):
    status, headers, body = http(f"{endpoint}/entity/acme-corp")
    assert status == 200 and headers.get_content_type() == "text/html" and 'src="../entity.js"' in body
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert http(f"{endpoint}/entity/")[0] == 404


# ------------------------------------------------------------ CORS

YASGUI = "https://yasgui.example"


@pytest.fixture(scope="module")
def cors_endpoint(example_graph):
    """An endpoint that lets pages from YASGUI query it."""
    from kg.server import Limits, running_server

    with running_server(example_graph, Limits(timeout=5, workers=1), cors_origin=YASGUI) as url:
        yield url


def preflight(endpoint, origin):
    return http(f"{endpoint}/sparql", method="OPTIONS", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"})


def query_from(endpoint, origin):
    """A query as a page from ``origin`` sends it (browsers check the answer's CORS headers)."""
    return http(f"{endpoint}/sparql?" + urllib.parse.urlencode({"query": SUPPLIERS}), headers={"Origin": origin})


@pytest.mark.issue(10)
def test_cors_preflight_is_allowed_for_the_named_origin_only(cors_endpoint):
    status, headers, _ = preflight(cors_endpoint, YASGUI)
    assert status == 204 and headers["Access-Control-Allow-Origin"] == YASGUI
    assert "POST" in headers["Access-Control-Allow-Methods"]
    assert "content-type" in headers["Access-Control-Allow-Headers"].lower()
    status, headers, body = preflight(cors_endpoint, "https://evil.example")
    assert status == 403 and "Access-Control-Allow-Origin" not in headers and YASGUI in body

    status, headers, _ = query_from(cors_endpoint, YASGUI)
    assert status == 200 and headers["Access-Control-Allow-Origin"] == YASGUI and "Origin" in headers["Vary"]
    status, headers, _ = query_from(cors_endpoint, "https://evil.example")
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


@pytest.mark.issue(10)
def test_cors_is_off_by_default(endpoint):
    status, headers, _ = preflight(endpoint, YASGUI)
    assert status == 405 and "Access-Control-Allow-Origin" not in headers
    status, headers, _ = query_from(endpoint, YASGUI)
    assert status == 200 and "Access-Control-Allow-Origin" not in headers


@pytest.mark.issue(10)
def test_kg_serve_cors_wants_an_origin():
    result = CliRunner().invoke(cli, ["serve", "--cors", "yasgui.example"])
    assert result.exit_code == 2 and "is not an origin" in result.output


# ------------------------------------------------------------ refusals




@pytest.fixture(scope="module")
def writable_endpoint(example_graph):
    """An endpoint that accepts SPARQL Update bearing the token 's3cret'."""
    from kg.server import Limits, running_server

    with running_server(example_graph, Limits(timeout=5, workers=1), write_token="s3cret") as url:
        yield url


def test_update_is_refused_on_a_read_only_endpoint(endpoint):
    insert = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    status, _, body = post_form(endpoint, {"update": insert})
    assert status == 403 and "read-only" in body
    status, _, _ = http(f"{endpoint}/sparql", data=insert.encode(),
                        headers={"Content-Type": "application/sparql-update"})
    assert status == 403
    assert json.loads(get(endpoint, "ASK { <urn:a> ?p ?o }")[2])["boolean"] is False


def test_update_needs_the_write_token(writable_endpoint):
    insert = "INSERT DATA { entity:globex kg:partnerOf entity:umbrella }"
    assert post_form(writable_endpoint, {"update": insert})[0] == 403
    assert post_form(writable_endpoint, {"update": insert}, {"Authorization": "Bearer wrong"})[0] == 403
    status, _, _ = post_form(writable_endpoint, {"update": insert}, {"Authorization": "Bearer s3cret"})
    assert status == 204
    answer = get(writable_endpoint, "ASK { entity:globex kg:partnerOf entity:umbrella }")[2]
    assert json.loads(answer)["boolean"] is True


def test_updates_do_not_touch_the_cached_store(writable_endpoint, store):
    # the writable endpoint works on a copy: the session's cached store is unchanged
    assert not store.query("ASK { <https://w3id.org/kg-news/entity/globex> "
                           "<https://w3id.org/kg-news/ontology#partnerOf> "
                           "<https://w3id.org/kg-news/entity/umbrella> }").value


def test_nothing_is_fetched(endpoint, writable_endpoint, loopback_listener):
    remote, connections = loopback_listener
    attempts = [
        get(endpoint, f"SELECT * WHERE {{ SERVICE <{remote}/sparql> {{ ?s ?p ?o }} }}"),
        get(endpoint, f"SELECT * WHERE {{ SERVICE SILENT <{remote}/sparql> {{ ?s ?p ?o }} }}"),
        get(endpoint, f"SELECT * FROM <{remote}/data.ttl> WHERE {{ ?s ?p ?o }}"),
        get(endpoint, f"SELECT * FROM NAMED <{remote}/data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"),
        get(endpoint, "SELECT * WHERE { ?s ?p ?o }", **{"default-graph-uri": f"{remote}/data.ttl"}),
        post_form(writable_endpoint, {"update": f"LOAD <{remote}/data.ttl>"}, {"Authorization": "Bearer s3cret"}),
        post_form(writable_endpoint, {"update": f"LOAD SILENT <{remote}/data.ttl> INTO GRAPH <urn:g>"},
                  {"Authorization": "Bearer s3cret"}),
    ]
    assert [status for status, _, _ in attempts] == [403] * len(attempts)
    assert all("fetch" in body for _, _, body in attempts)
    time.sleep(0.3)
    assert connections == []


# ------------------------------------------------------------ limits


def test_a_slow_query_is_cancelled_and_the_server_stays_responsive(endpoint):
    started = time.monotonic()
    status, _, body = get(endpoint, ENDLESS)
    assert status == 503 and "cancelled" in body
    assert time.monotonic() - started < 5
    started = time.monotonic()
    assert get(endpoint, SUPPLIERS)[0] == 200
    assert time.monotonic() - started < 5


def test_results_are_cut_at_the_row_limit(endpoint):
    status, headers, body = get(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 50
    assert "50 rows" in headers["X-KG-Truncated"]
    assert "X-KG-Truncated" not in get(endpoint, SUPPLIERS)[1]


def test_an_oversized_body_is_413(endpoint):
    padding = "#" + "x" * 5000 + "\n"
    status, _, body = http(f"{endpoint}/sparql", data=(padding + SUPPLIERS).encode(),
                           headers={"Content-Type": "application/sparql-query"})
    assert status == 413 and "4096 bytes" in body
    assert post_form(endpoint, {"query": padding + SUPPLIERS})[0] == 413


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_kg_serve_command_serves_and_stops_on_a_signal(example_graph, stop_signal):
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(example_graph), "--port", "0", "--workers", "1"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, "PYTHONPATH": str(root)})
    try:
        banner = process.stdout.readline()
        assert banner.startswith("SPARQL endpoint: http://127.0.0.1:")
        base = banner.split()[2].removesuffix("/sparql")
        status, _, body = get(base, "SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }", "text/csv")
        assert status == 200 and body == "name\r\nJane Roe\r\n"
    finally:
        process.send_signal(stop_signal)
        assert process.wait(timeout=20) == 0


def test_kg_serve_help_names_every_limit():
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--port", "--timeout", "--max-rows", "--max-body", "--workers", "--worker-memory", "--per-client",
                   "--read-timeout", "--allow-host", "--write-token", "--cors"):
        assert option in result.output
