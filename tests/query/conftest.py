"""Fixtures for the query tests (issue 3): the example graph, its store, and a
running endpoint. A folder of their own keeps them apart from the other stages' fixtures."""

from __future__ import annotations

import pytest

from kg.model import TRIPLES_DIR


@pytest.fixture(scope="session", autouse=True)
def kg_cache(tmp_path_factory):
    """Keep the stores the tests build out of the user's cache."""
    patch = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("kg-cache")
    patch.setenv("KG_CACHE_DIR", str(path))
    yield path
    patch.undo()


@pytest.fixture(scope="session")
def example_graph():
    """The small hand-made graph in triples/examples (no article text)."""
    return TRIPLES_DIR / "examples" / "valid.ttl"


@pytest.fixture(scope="session")
def store(example_graph):
    from kg.store import open_store

    opened = open_store(example_graph)
    yield opened
    opened.close()


@pytest.fixture(scope="session")
def endpoint(example_graph):
    """Base URL of a read-only endpoint over the example graph, with small limits."""
    from kg.server import Limits, running_server

    limits = Limits(timeout=1.5, max_rows=50, max_body=4096, workers=2)
    with running_server(example_graph, limits) as url:
        yield url
