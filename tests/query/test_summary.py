"""The summary graph (issue 9): saved queries that aggregate the whole graph
read answers computed when the store is loaded or updated, and those answers
are what the aggregate gives on the graph as it is."""

from __future__ import annotations

import re

import pytest

from kg.model import TRIPLES_DIR
from kg.query import PREFIXES, run_query
from kg.store import apply_update, build_store, open_store, summary_update

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
    assert len(found) == 6
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
