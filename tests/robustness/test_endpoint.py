"""`kg serve` and `kg query` under attack (issue 8, items 9-12 and 14):
every refusal, each bypass that once worked (one regression test each, named
after it), the memory cap, the per-client limit, the Host check, HEAD, the
headers, and a short load test with a pathological client."""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import xml.dom.minidom
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.model import TRIPLES_DIR

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE_GRAPH = TRIPLES_DIR / "examples" / "valid.ttl"
SUPPLIERS = "SELECT ?s ?o WHERE { ?s kg:supplies ?o } ORDER BY ?s ?o"
# A cross product of the whole graph with itself four times: never finishes.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
# Sorting a cube of the graph needs far more memory than the tests' workers may have.
MEMORY_HOG = "SELECT ?a ?b ?c ?d ?e ?f WHERE { ?a ?x ?b . ?c ?y ?d . ?e ?z ?f } ORDER BY ?a ?b ?c ?d ?e ?f LIMIT 1"

pytestmark = pytest.mark.issue(8)


@pytest.fixture(scope="module", autouse=True)
def kg_cache(tmp_path_factory):
    """Keep the stores the tests build out of the user's cache."""
    patch = pytest.MonkeyPatch()
    patch.setenv("KG_CACHE_DIR", str(tmp_path_factory.mktemp("kg-cache")))
    yield
    patch.undo()


def request(base, method, path, *, body=None, headers=None, source="127.0.0.1"):
    """(status, headers, body) of one request sent from the loopback address ``source``."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=60, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8")
    finally:
        connection.close()


def ask(base, query, *, source="127.0.0.1", accept="application/sparql-results+json", **params):
    """A query POSTed as application/sparql-query (long ones do not fit in a URL)."""
    path = "/sparql" + ("?" + urllib.parse.urlencode(params) if params else "")
    return request(base, "POST", path, body=query.encode("utf-8"), source=source,
                   headers={"Content-Type": "application/sparql-query", "Accept": accept})


@pytest.fixture(scope="module")
def endpoint():
    """A read-only endpoint over the example graph with small limits:
    1.5 s per query, 1 query in flight per client, 768 MiB per worker."""
    from kg.server import Limits, running_server

    limits = Limits(timeout=1.5, max_rows=50, max_body=4096, workers=3, per_client=1, worker_memory=768 << 20)
    with running_server(EXAMPLE_GRAPH, limits, allow_hosts=["kg.test"]) as url:
        yield url


@pytest.fixture(scope="module")
def writable_endpoint():
    from kg.server import Limits, running_server

    with running_server(EXAMPLE_GRAPH, Limits(timeout=5, workers=1), write_token="s3cret") as url:
        yield url




# ------------------------------------------------------------ item 9: nothing is fetched

def _service_after(prefix: str, remote: str) -> str:
    # the object of a triple pattern, then SERVICE with no space: the old
    # lexer read "en.SERVICE" (or "true.SERVICE") as one word
    return f"SELECT * WHERE {{ ?s ?p {prefix}.SERVICE <{remote}/sparql> {{ ?a ?b ?c }} }}"


BYPASSES = {
    "language_tag": '"x"@en',
    "boolean": "true",
}


@pytest.mark.parametrize("kind", sorted(BYPASSES))
def test_service_after_language_tag_or_boolean_is_refused_by_the_endpoint(endpoint, loopback_listener, kind):
    remote, connections = loopback_listener
    status, _, body = ask(endpoint, _service_after(BYPASSES[kind], remote))
    assert status == 403 and "SERVICE is not allowed" in body
    assert connections == []


def test_service_after_language_tag_is_refused(loopback_listener):
    from kg.query import remote_access

    remote, _ = loopback_listener
    assert remote_access(_service_after('"x"@en', remote)).startswith("SERVICE is not allowed")


def test_service_after_boolean_is_refused(loopback_listener):
    from kg.query import remote_access

    remote, _ = loopback_listener
    assert remote_access(_service_after("true", remote)).startswith("SERVICE is not allowed")


@pytest.mark.parametrize("kind", sorted(BYPASSES))
def test_service_after_language_tag_or_boolean_is_refused_by_kg_query(loopback_listener, kind):
    remote, connections = loopback_listener
    result = CliRunner().invoke(cli, ["query", "--graph", str(EXAMPLE_GRAPH), _service_after(BYPASSES[kind], remote)])
    assert result.exit_code == 2 and "SERVICE is not allowed" in result.output
    assert connections == []


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{remote}/> { ?a ?b ?c } } }",
    "SELECT * WHERE { { SELECT * WHERE { SERVICE SILENT <{remote}/> { ?a ?b ?c } } } }",
    "SELECT * WHERE { ?s ?p 1e5 . \\u0053ERVICE <{remote}/> { ?a ?b ?c } }",
    "SELECT * FROM <{remote}/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{remote}/data.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "DESCRIBE <urn:x> FROM <{remote}/data.ttl>",
    # not SPARQL 1.1 (LATERAL is Oxigraph's): it cannot be checked, so it is refused
    "SELECT * WHERE { ?s ?p ?o LATERAL { SERVICE <{remote}/> { ?a ?b ?c } } }",
])
def test_every_query_that_could_fetch_is_refused(endpoint, loopback_listener, query):
    remote, connections = loopback_listener
    status, _, body = ask(endpoint, query.replace("{remote}", remote))
    assert status == 403 and "fetch" in body
    assert connections == []


@pytest.mark.parametrize("update", [
    "LOAD <{remote}/data.ttl>",
    "LOAD SILENT <{remote}/data.ttl> INTO GRAPH <urn:g>",
    "INSERT { ?s ?p ?o } USING <{remote}/g> WHERE { ?s ?p ?o }",
    "INSERT { ?s ?p ?o } WHERE { SERVICE <{remote}/> { ?s ?p ?o } }",
])
def test_every_update_that_could_fetch_is_refused(writable_endpoint, loopback_listener, update):
    remote, connections = loopback_listener
    status, _, body = request(writable_endpoint, "POST", "/sparql", body=update.replace("{remote}", remote).encode(),
                              headers={"Content-Type": "application/sparql-update",
                                       "Authorization": "Bearer s3cret"})
    assert status == 403 and "fetch" in body
    assert connections == []


@pytest.mark.parametrize("query", [
    'SELECT ?name WHERE { ?e rdfs:label ?name FILTER(?name != "services from Acme; LOAD, USING") }',
    "SELECT ?e WHERE { ?e prov:wasDerivedFrom ?a }",
])
def test_the_words_alone_are_no_reason_to_refuse(endpoint, query):
    assert ask(endpoint, query)[0] == 200


_CONNECT_AFTER_LEAVING = """
import socket, sys
from kg.server import _leave_the_network
if not _leave_the_network():
    print("no namespace")
    sys.exit()
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=5).close()
    print("connected")
except OSError as error:
    print(type(error).__name__)
"""


def test_query_workers_have_no_network_where_the_system_allows_it(example_store_path, loopback_listener):
    from kg.server import QueryPool

    remote, connections = loopback_listener
    child = subprocess.run([sys.executable, "-c", _CONNECT_AFTER_LEAVING, remote.rsplit(":", 1)[1]],
                           capture_output=True, text=True, cwd=ROOT, check=True)
    if child.stdout.strip() == "no namespace":
        pytest.skip("this system gives a process no network namespace of its own")
    assert child.stdout.strip() == "OSError" and connections == []
    pool = QueryPool(example_store_path, 1)
    try:
        assert pool.offline
    finally:
        pool.close()


@pytest.fixture(scope="module")
def example_store_path():
    from kg.store import open_store

    return open_store(EXAMPLE_GRAPH).path


# ------------------------------------------------------------ item 10: memory cap

@pytest.fixture(scope="module")
def capped_endpoint():
    """Workers capped at 768 MiB and a timeout long enough that a slow
    machine reaches the cap before the clock."""
    from kg.server import Limits, running_server

    with running_server(EXAMPLE_GRAPH, Limits(timeout=120, workers=2, worker_memory=768 << 20)) as url:
        yield url


def test_a_query_over_the_memory_cap_is_503_and_the_pool_recovers(capped_endpoint):
    status, _, body = ask(capped_endpoint, MEMORY_HOG)
    assert status == 503 and "768 MiB" in body
    for _ in range(3):  # more than the workers: every one of them answers again
        assert ask(capped_endpoint, SUPPLIERS)[0] == 200


_ALLOCATE_UNDER_THE_CAP = """
import kg.server, rdflib.plugins.sparql.parser
kg.server._cap_memory(256 << 20)
block = bytearray(200 << 20)
print("allocated")
"""


def test_the_memory_cap_counts_from_the_ready_worker():
    """A ready worker maps some 400-560 MiB (its malloc arenas vary from one
    start to the next): its cap is what a query may add to that."""
    child = subprocess.run([sys.executable, "-c", _ALLOCATE_UNDER_THE_CAP], capture_output=True, text=True, cwd=ROOT)
    assert child.stdout.strip() == "allocated", child.stderr[-300:]


# ------------------------------------------------------------ item 11: per-client limit

def _in_background(fn, *args, **kwargs):
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("value", fn(*args, **kwargs)))
    thread.start()
    return thread, result


def _slow_and_quick_from_one_client(base, source):
    """(answer to a slow query, answers to quick ones sent from the same
    client until the slow one ended)."""
    slow, result = _in_background(ask, base, ENDLESS, source=source)
    time.sleep(0.2)  # let the slow one be sent first (if not, the attempt is repeated)
    answers = []
    while slow.is_alive():
        answers.append(ask(base, SUPPLIERS, source=source))
    return result["value"], answers


def test_a_second_query_in_flight_from_one_client_is_429(endpoint):
    for _ in range(5):
        slow, answers = _slow_and_quick_from_one_client(endpoint, "127.0.0.5")
        if slow[0] != 429:  # else a quick one was in flight when the slow one came
            break
    assert slow[0] == 503  # the slow one ran until the time limit
    refused = [answer for answer in answers if answer[0] == 429]
    assert refused, [answer[0] for answer in answers]
    status, headers, body = refused[0]
    assert "1 in flight" in body and headers["Retry-After"]


def test_four_slow_queries_from_one_client_do_not_block_another(endpoint):
    for _ in range(3):  # one query per worker: each worker that replaced a cancelled one has started
        assert ask(endpoint, SUPPLIERS, source="127.0.0.7")[0] == 200
    slow = [_in_background(ask, endpoint, ENDLESS, source="127.0.0.6") for _ in range(4)]
    while sum(thread.is_alive() for thread, _ in slow) > 1:  # three are refused at once
        time.sleep(0.01)
    status, _, _ = ask(endpoint, SUPPLIERS, source="127.0.0.7")
    answered_while_the_slow_one_ran = any(thread.is_alive() for thread, _ in slow)
    for thread, _ in slow:
        thread.join()
    assert status == 200 and answered_while_the_slow_one_ran
    assert sorted(result["value"][0] for _, result in slow) == [429, 429, 429, 503]


def test_a_client_that_sends_nothing_is_disconnected():
    from kg.server import Limits, running_server

    with running_server(EXAMPLE_GRAPH, Limits(workers=1, read_timeout=0.5)) as url:
        address = urllib.parse.urlsplit(url)
        with socket.create_connection((address.hostname, address.port), timeout=30) as idle:
            idle.sendall(b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\n")  # and never the rest
            assert idle.recv(1024) == b""  # the server closed the connection


# ------------------------------------------------------------ item 12: refusals and headers

def test_a_chunked_body_over_the_limit_is_413(endpoint):
    address = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    padding = "#" + "x" * 5000 + "\n"
    chunks = iter([padding.encode(), SUPPLIERS.encode()])
    connection.request("POST", "/sparql", body=chunks, encode_chunked=True,
                       headers={"Content-Type": "application/sparql-query"})
    response = connection.getresponse()
    assert response.status == 413 and b"4096 bytes" in response.read()
    connection.close()


def test_a_chunked_body_within_the_limit_is_answered(endpoint):
    address = urllib.parse.urlsplit(endpoint)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    connection.request("POST", "/sparql", body=iter([b"SELECT ?s ?o ", SUPPLIERS[12:].encode()]),
                       encode_chunked=True, headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
    response = connection.getresponse()
    assert response.status == 200 and response.read().count(b"\r\n") == 4
    connection.close()


@pytest.mark.parametrize("authorization", ["s3cret", "Basic s3cret", "Token s3cret", "Bearer", "Bearer wrong"])
def test_a_token_without_the_bearer_scheme_is_refused(writable_endpoint, authorization):
    status, _, body = request(writable_endpoint, "POST", "/sparql", body=b"INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                              headers={"Content-Type": "application/sparql-update", "Authorization": authorization})
    assert status == 403 and "Bearer" in body


@pytest.fixture(scope="module")
def roomy_endpoint():
    """One worker and the default body limit (10,000 UNIONs are 130 kB)."""
    from kg.server import Limits, running_server

    with running_server(EXAMPLE_GRAPH, Limits(timeout=5, workers=1)) as url:
        yield url


@pytest.mark.parametrize(("query", "message"), [
    ("SELECT * WHERE " + "{" * 100_000 + " ?s ?p ?o " + "}" * 100_000, "100000 levels deep"),
    ("SELECT * WHERE { FILTER(" + "(" * 100_000 + "1" + ")" * 100_000 + ") }", "100002 levels deep"),
    ("SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }", "9999 UNIONs"),
    ("SELECT * FROM <urn:x> WHERE " + "{" * 10_000 + " ?s ?p ?o " + "}" * 10_000, "10000 levels deep"),
    ("SELECT * WHERE { " + " UNION ".join(["{}"] * 100_000) + " }", "99999 UNIONs"),
], ids=["deep-braces", "deep-parentheses", "10000-unions", "deep-braces-and-from", "100000-unions"])
def test_deep_nesting_and_10000_unions_are_400(roomy_endpoint, query, message):
    status, _, body = ask(roomy_endpoint, query)
    assert status == 400 and message in body
    assert ask(roomy_endpoint, SUPPLIERS)[0] == 200


def test_kg_query_refuses_deep_nesting_without_crashing():
    result = CliRunner().invoke(cli, ["query", "--graph", str(EXAMPLE_GRAPH), "ASK " + "{" * 50_000 + "}" * 50_000])
    assert result.exit_code == 2 and "50000 levels deep" in result.output


def test_an_expression_too_deep_for_the_engine_is_503_and_the_pool_recovers(roomy_endpoint):
    # no brackets to count: the engine's stack overflows, which ends the worker
    status, _, body = ask(roomy_endpoint, "SELECT * WHERE { FILTER(" + "1+" * 300_000 + "1) }")
    assert status == 503 and "stopped" in body
    assert ask(roomy_endpoint, SUPPLIERS)[0] == 200


def test_xml_results_with_control_characters_are_well_formed(endpoint):
    query = 'SELECT ?x WHERE { VALUES ?x { "bell\\u0007 nul\\u0000 tab\\t ok" } }'
    status, _, body = ask(endpoint, query, accept="application/sparql-results+xml")
    assert status == 200
    literal = xml.dom.minidom.parseString(body.encode()).getElementsByTagName("literal")[0]
    assert literal.firstChild.data == "bell\ufffd nul\ufffd tab\t ok"


def test_rdf_xml_graphs_with_control_characters_are_well_formed(endpoint):
    query = 'CONSTRUCT { <urn:a> <urn:p> "bell\\u0007" } WHERE {}'
    status, _, body = ask(endpoint, query, accept="application/rdf+xml")
    assert status == 200
    xml.dom.minidom.parseString(body.encode())


def test_head_is_answered_like_get_without_a_body(endpoint):
    path = "/sparql?" + urllib.parse.urlencode({"query": SUPPLIERS})
    get_status, get_headers, get_body = request(endpoint, "GET", path, headers={"Accept": "text/csv"})
    head_status, head_headers, head_body = request(endpoint, "HEAD", path, headers={"Accept": "text/csv"})
    assert (head_status, head_headers["Content-Type"]) == (get_status, get_headers["Content-Type"]) == (200, "text/csv; charset=utf-8")
    assert head_body == "" and get_body
    assert request(endpoint, "HEAD", "/")[:1] == (200,)


def test_every_answer_says_nosniff_and_the_explorer_has_a_content_security_policy(endpoint):
    for path in ("/", "/app.js", "/queries", "/sparql?" + urllib.parse.urlencode({"query": SUPPLIERS}), "/nothing"):
        assert request(endpoint, "GET", path)[1]["X-Content-Type-Options"] == "nosniff"
    policy = request(endpoint, "GET", "/")[1]["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy


@pytest.mark.parametrize("host", ["evil.example", "evil.example:7878", "localhost.evil.example", "kg.test.evil.example"])
def test_a_host_name_the_server_was_not_started_for_is_refused(endpoint, host):
    status, _, body = request(endpoint, "GET", "/", headers={"Host": host})
    assert status == 400 and "--allow-host" in body
    assert ask(endpoint, SUPPLIERS)[0] == 200  # http.client sends Host: 127.0.0.1:PORT


@pytest.mark.parametrize("host", ["localhost", "localhost:7878", "LOCALHOST", "127.0.0.1:7878", "[::1]:7878",
                                  "10.1.2.3", "kg.test", "kg.test:80"])
def test_ip_addresses_localhost_and_allowed_names_are_answered(endpoint, host):
    assert request(endpoint, "GET", "/", headers={"Host": host})[0] == 200


def test_allowed_host_names_follow_the_bind_address():
    from kg.server import allowed_host_names

    assert allowed_host_names("127.0.0.1") == {"localhost"}
    assert allowed_host_names("0.0.0.0", ["Kg.Example.org."]) == {"localhost", "kg.example.org"}
    assert allowed_host_names("kg.local") == {"localhost", "kg.local"}


# ------------------------------------------------------------ item 14: kg draw, failed starts

def test_a_label_that_opens_a_comment_and_a_script_does_not_blank_the_page(tmp_path):
    import networkx as nx

    from kg.draw import write_html

    G = nx.MultiDiGraph()
    label = "<!--<script>alert(1)</script>&amp;"
    G.add_node(label, cls="Organization", aliases=[label])
    G.add_node("Globex", cls="Organization", aliases=[])
    G.add_edge(label, "Globex", key="partnerOf", sources=1, articles=["a.txt"])
    html = write_html(G, tmp_path / "x.html").read_text(encoding="utf-8")
    script = html[html.index("const DATA = "):]
    script = script[:script.index("</script>")]  # the first end tag is the script's own
    data, rest = script.removeprefix("const DATA = ").split(";\nconst shown", 1)
    assert "<" not in data and ">" not in data and "&" not in data
    assert label in {node["label"] for node in json.loads(data)["nodes"]}
    assert "DataSet" in rest  # the rest of the script is still there


def _kg_serve(*args):
    """Run `kg serve ARGS` with its own temporary folder; (exit code, stderr, folders it left behind)."""
    tmp = Path(tempfile.mkdtemp())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp)}
    process = subprocess.run([sys.executable, "-m", "kg", "serve", *args], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=120)
    return process.returncode, process.stderr, sorted(p.name for p in tmp.iterdir())


def test_serve_on_a_port_in_use_is_one_line_and_leaves_nothing_behind():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, stderr, left = _kg_serve(str(EXAMPLE_GRAPH), "--port", str(port), "--workers", "1",
                                       "--write-token", "x")
    assert code == 1 and "Traceback" not in stderr and stderr.count("\n") == 1
    assert "ddress already in use" in stderr
    assert left == []


def test_serve_of_a_graph_that_does_not_parse_is_one_line_and_leaves_nothing_behind(tmp_path):
    broken = tmp_path / "broken.ttl"
    broken.write_text("<urn:a> <urn:b> .\n", encoding="utf-8")
    code, stderr, left = _kg_serve(str(broken), "--port", "0", "--workers", "1", "--write-token", "x")
    assert code == 1 and "Traceback" not in stderr and stderr.count("\n") == 1
    assert f"cannot serve {broken}" in stderr
    assert left == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_draw_into_a_folder_that_cannot_be_written_is_one_line(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = CliRunner().invoke(cli, ["draw", str(EXAMPLE_GRAPH), "-o", str(locked / "x.html")])
    assert result.exit_code == 1 and "cannot write" in result.output and result.exception.__class__ is SystemExit


def test_draw_into_a_path_under_a_file_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    for output in ("x.html", "x.png"):
        result = CliRunner().invoke(cli, ["draw", str(EXAMPLE_GRAPH), "-o", str(tmp_path / "a-file" / output)])
        assert result.exit_code == 1 and "cannot write" in result.output
        assert isinstance(result.exception, SystemExit)


# ------------------------------------------------------------ load

def test_sixteen_clients_see_no_error_while_another_sends_pathological_queries(monkeypatch):
    from kg.server import Limits, running_server

    # the benchmark's own load, for 3 s instead of 60
    spec = importlib.util.spec_from_file_location("bench_serve_load", ROOT / "bench" / "bench_serve_load.py")
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, spec.name, bench)  # its dataclass looks itself up there
    spec.loader.exec_module(bench)
    with running_server(EXAMPLE_GRAPH, Limits(timeout=1.5, worker_memory=768 << 20)) as url:
        report = bench.run_load(url, clients=16, seconds=3)
    assert report.requests > 16 and not report.errors, report.summary()
    assert sum(report.pathological.values()) >= 1
    assert set(report.pathological) <= {400, 503}, report.summary()
