"""Every saved query is standard SPARQL 1.1 (issue 9): rdflib's own SPARQL
engine, over the same graph and ontology the store loads, gives the rows the
Oxigraph store gives, parameters bound the same way; and so does a server
store on Virtuoso ($KG_TEST_VIRTUOSO: skipped without it, failing in CI)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

import pytest
from rdflib import BNode, Dataset, Literal, URIRef

from kg.model import TRIPLES_DIR
from kg.query import PREFIXES, bind_values, check_query, resolve_params, saved_queries
from kg.store import SUMMARY_GRAPH, ServerStore, ontology_path, open_store, summary_update

pytestmark = pytest.mark.issue(9)

NEWS = TRIPLES_DIR / "news.trig"
EXAMPLE = TRIPLES_DIR / "examples" / "valid.ttl"

# Sample parameters for each saved query, on the shipped news graph and on the example graph.
CASES = {
    "all-relations": [(NEWS, {"entity": "Alibaba Group"}), (NEWS, {"entity": "Nvidia"}),
                      (EXAMPLE, {"entity": "Jane Roe"})],
    "article": [(NEWS, {"file": "000_1266da3b6364bda1.txt"}), (NEWS, {"file": "003_58097a45caa298bb.txt"}),
                (EXAMPLE, {"file": "example-2.txt"})],
    "competitors": [(NEWS, {"company": "Alibaba Group"}), (EXAMPLE, {"company": "Acme Corp"})],
    "conflicting-facts": [(NEWS, {}), (EXAMPLE, {})],
    "customers": [(NEWS, {"company": "Nvidia"}), (EXAMPLE, {"company": "Globex"})],
    "entities-by-sources": [(NEWS, {}), (NEWS, {"class": "Organization"}), (EXAMPLE, {"class": "Person"})],
    "facts-between": [(NEWS, {"entity": "Alibaba Group"}),
                      (NEWS, {"entity": "Alibaba Group", "from": "2025-07-01", "until": "2025-09-30"}),
                      (EXAMPLE, {"entity": "Acme Cloud", "from": "2025-04-01"})],
    "facts": [(NEWS, {"entity": "Alibaba Group"}), (NEWS, {"entity": "Alibaba Group", "metric": "revenue"}),
              (EXAMPLE, {"entity": "Acme Cloud", "metric": "revenue"})],
    "leaders": [(NEWS, {}), (NEWS, {"organization": "Alibaba Group"}), (EXAMPLE, {})],
    "partners": [(NEWS, {"company": "Alibaba Group"}), (EXAMPLE, {"company": "Acme"})],
    "products": [(NEWS, {}), (NEWS, {"developer": "Alibaba Group"}), (EXAMPLE, {"developer": "Acme"})],
    "suppliers": [(NEWS, {"company": "Alibaba Group"}), (EXAMPLE, {"company": "Initech"})],
    "supply-chains": [(NEWS, {}), (NEWS, {"company": "Alibaba Group"}),
                      # rdflib (7.x) drops the nested OPTIONAL whenever its FILTER names a variable
                      # of the enclosing OPTIONAL, so it stops the chain after one step; Oxigraph
                      # follows SPARQL 1.1 (the filter is the left join's condition). Left open.
                      pytest.param(EXAMPLE, {}, marks=pytest.mark.xfail(strict=True, reason="rdflib nested OPTIONAL"))],
    "upstream": [(NEWS, {"company": "Alibaba Group"}), (EXAMPLE, {"company": "Umbrella"})],
}

_NUMERIC = {PREFIXES["xsd"] + name for name in ("integer", "decimal", "double", "float", "long", "int")}


@pytest.fixture(scope="module")
def engines():
    """For each graph: the Oxigraph store and an rdflib Dataset holding the graph and the ontology."""
    opened = {}
    for path in (NEWS, EXAMPLE):
        dataset = Dataset(default_union=True)
        dataset.parse(path, format="trig" if path.suffix == ".trig" else "turtle")
        dataset.parse(ontology_path(), format="turtle")
        dataset.update(summary_update())  # as every store is, after its load
        opened[path] = (open_store(path), dataset)
    yield opened
    for store, _ in opened.values():
        store.close()


@pytest.fixture(scope="module")
def virtuoso(virtuoso_url):
    """For each graph: a server store on Virtuoso holding it and the ontology, in a data graph of its own."""
    opened = {}
    for path in (NEWS, EXAMPLE):
        opened[path] = ServerStore(virtuoso_url, data_graph=f"urn:kg-test:{path.stem}-{uuid.uuid4().hex}")
        opened[path].replace(path)
    yield opened
    for store in opened.values():
        store.drop(store.data_graph)
        store.close()


# Rows are compared as sets with numbers (and booleans) by value and other terms by kind and text:
# how an engine writes a number's datatype (Virtuoso: xsd:int for a COUNT, 1 for true) and the
# order of rows the query leaves unordered are representation, not meaning.
def _value(kind: str, value: str, datatype: str | None):
    if kind == "literal" and datatype in _NUMERIC:
        return Decimal(value).normalize()
    if kind == "literal" and datatype == PREFIXES["xsd"] + "boolean":  # Virtuoso answers a boolean as 1 or 0
        return Decimal(value in ("true", "1"))
    return (kind, value)


def _oxigraph_value(term):
    return None if term is None else _value(term.kind, term.value, term.datatype)


def _rdflib_value(node):
    if node is None:
        return None
    if isinstance(node, Literal):
        return _value("literal", str(node), str(node.datatype) if node.datatype else None)
    return _value("uri" if isinstance(node, URIRef) else "bnode" if isinstance(node, BNode) else "?", str(node), None)


def _concatenated(sparql: str) -> dict[str, str]:
    """The columns a GROUP_CONCAT makes, with their separators: SPARQL leaves the order of the parts open.
    A query that reads the summary graph reads columns that its update made."""
    text = sparql + (summary_update() if SUMMARY_GRAPH in sparql else "")
    return {m[2]: m[1] for m in re.finditer(
        r'GROUP_CONCAT\([^;]*;\s*separator\s*=\s*"([^"]*)"\).*?\bAS\s+\?(\w+)', text, re.S)}


def _rows(variables, rows, to_value, concatenated):
    out = []
    for row in rows:
        cells = []
        for name, cell in zip(variables, row, strict=True):
            value = to_value(cell)
            if name in concatenated and isinstance(value, tuple) and value[1]:
                value = (value[0], tuple(sorted(value[1].split(concatenated[name]))))
            cells.append(value)
        out.append(tuple(cells))
    return sorted(out, key=repr)


def test_every_saved_query_has_sample_parameters():
    assert set(CASES) == set(saved_queries())
    for name, cases in CASES.items():
        for case in cases:
            params = case.values[1] if hasattr(case, "values") else case[1]
            assert set(params) <= set(saved_queries()[name].params), name


def test_the_separators_of_concatenated_columns_are_found():
    # the summary update's: the claims conflicting-facts reads, each edge's articles, and the strings
    # of each node's names, relation triples and edges, a line each (kg.analyse)
    assert _concatenated(saved_queries()["conflicting-facts"].text) == {
        "claims": " | ", "articles": "/", "names": "\\n", "relations": "\\n", "edges": "\\n"}
    assert _concatenated(saved_queries()["products"].text) == {"based_on": ", "}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_fetch_check_accepts_every_saved_query(name):
    check_query(saved_queries()[name].text)  # raises for what rdflib's SPARQL 1.1 parser cannot read


@pytest.mark.parametrize(("name", "graph", "params"),
                         [pytest.param(name, *case.values, marks=case.marks) if hasattr(case, "values")
                          else (name, *case) for name, cases in sorted(CASES.items()) for case in cases],
                         ids=lambda x: x.name if hasattr(x, "name") else None)
def test_a_saved_query_gives_the_same_rows_on_rdflib_and_oxigraph(engines, name, graph, params):
    store, dataset = engines[graph]
    sparql = saved_queries()[name].text
    bound = bind_values(sparql, resolve_params(store, sparql, params))
    concatenated = _concatenated(sparql)

    ox = store.query(bound, prefixes=PREFIXES)
    expected = _rows(ox.variables, ox, _oxigraph_value, concatenated)
    result = dataset.query(bound, initNs=PREFIXES)
    got = _rows(tuple(str(v) for v in result.vars), result, _rdflib_value, concatenated)

    assert got == expected
    assert expected, "a sample that finds nothing compares nothing"


# Virtuoso 7.2 counts a third step in a chain whose third step its nested OPTIONAL found and then
# dropped by its filter (BOUND(?n3) is true in the BIND, ?n3 unbound in the row): Nvidia → Alibaba
# Group → China Unicom comes out as three steps, "… → China Unicom → ". Left open. Whether it does
# depends on the plan Virtuoso picks for the data graph (one run answered right), so the mark is
# not strict; Oxigraph and rdflib are held to the right answer by the tests above.
_VIRTUOSO_WRONG = {("supply-chains", NEWS, ()): "Virtuoso's BOUND after a filtered nested OPTIONAL"}


def _virtuoso_cases():
    for name, cases in sorted(CASES.items()):
        for case in cases:
            graph, params = case.values if hasattr(case, "values") else case
            reason = _VIRTUOSO_WRONG.get((name, graph, tuple(params)))
            marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
            yield pytest.param(name, graph, params, marks=marks)


@pytest.mark.parametrize(("name", "graph", "params"), list(_virtuoso_cases()),
                         ids=lambda x: x.name if hasattr(x, "name") else None)
def test_a_saved_query_gives_the_same_rows_on_virtuoso_and_oxigraph(engines, virtuoso, name, graph, params):
    store, server = engines[graph][0], virtuoso[graph]
    sparql = saved_queries()[name].text
    concatenated = _concatenated(sparql)

    ox = store.query(bind_values(sparql, resolve_params(store, sparql, params)), prefixes=PREFIXES)
    expected = _rows(ox.variables, ox, _oxigraph_value, concatenated)
    server.refresh_summary()  # one summary per server: this module keeps two graphs on it
    result = server.query(bind_values(sparql, resolve_params(server, sparql, params)), prefixes=PREFIXES)
    got = _rows(result.variables, result, _oxigraph_value, concatenated)

    assert got == expected
    assert expected, "a sample that finds nothing compares nothing"
