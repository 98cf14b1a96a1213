"""Shared fixtures for kg's unit tests.

Nothing here loads a trained spaCy pipeline: the graphs are either the
shipped hand-made example (triples/examples/valid.ttl) or built from
hand-made dataclasses.
"""

from __future__ import annotations

import os
import shutil
import socketserver
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import settings

from kg.model import TRIPLES_DIR
from kg.schema import Article, Entity, Evidence, Fact, Mention, Reference, Statement

# tests/data/make_examples.py rewrites triples/examples/valid.ttl when it is
# imported: keep --doctest-modules from importing it.
collect_ignore = ["data/make_examples.py"]

# No example database; a fixed, modest budget so that the whole suite stays
# well under a minute (--hypothesis-profile=kg-thorough for a deeper run).
settings.register_profile("kg", database=None, max_examples=60, deadline=None)
settings.register_profile("kg-thorough", database=None, max_examples=2000, deadline=None)  # --hypothesis-profile
settings.load_profile("kg")

DATA = Path(__file__).resolve().parent / "data"
EXAMPLES = TRIPLES_DIR / "examples"


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture
def examples_graph():
    """The shipped hand-made graph (valid.ttl), freshly parsed."""
    from kg.store import load_graph

    return load_graph(EXAMPLES / "valid.ttl")


@pytest.fixture
def tmp_articles(tmp_path) -> Path:
    """A writable copy of tests/data/articles."""
    dest = tmp_path / "articles"
    shutil.copytree(DATA / "articles", dest)
    return dest


# ---------------------------------------------------------------- hand-made objects

def _evidence(article_id: str, start: int, quote: str, confidence: float = 0.8,
              extractor: str = "kg.test.v1") -> Evidence:
    return Evidence(article_id, start, start + len(quote), quote, extractor, confidence)


def _entity(label: str, type_: str, *aliases: str, qid: str | None = None) -> Entity:
    return Entity(label.lower().replace(" ", "-"), label, type_, frozenset({label, *aliases}),
                  frozenset({qid}) if qid else frozenset())


@dataclass
class Small:
    """A small resolved world built by hand (invented companies and sentences)."""

    articles: list[Article]
    entities: dict[str, Entity]
    evidence: dict[str, Evidence]
    statements: list[Statement]
    facts: list[Fact]
    references: list[Reference]


@pytest.fixture
def small() -> Small:
    art1 = Article(id="t000000000000001", text="", source="dir/acme-news.txt", title="Acme Grows",
                   url="https://news.example.com/acme", published="2025-03-01")
    art2 = Article(id="t000000000000002", text="", source="globex-news.md", title="Globex Deal")
    ents = {
        "acme": _entity("Acme Corp", "Organization", "Acme"),
        "globex": _entity("Globex", "Organization", "Globex Corporation", qid="Q999999"),
        "initech": _entity("Initech", "Organization"),
        "jane": _entity("Jane Roe", "Person", "Roe"),
        "widget": _entity("Widget-7", "Product"),
    }
    evs = {
        "s1": _evidence(art1.id, 0, "Acme chief executive Jane Roe said Acme will partner with Globex."),
        "s2": _evidence(art1.id, 70, "Acme builds the Widget-7 and competes with Initech."),
        "s3": _evidence(art2.id, 0, "Globex and Acme deepened their partnership."),
        "s4": _evidence(art2.id, 50, "Acme again named Globex as a partner.", 0.6),
        "s5": _evidence(art1.id, 130, "Acme revenue rose 12% to 2.5 billion dollars in 2025."),
    }
    statements = [
        Statement(ents["jane"], "ceoOf", ents["acme"], (evs["s1"],)),
        Statement(ents["acme"], "partnerOf", ents["globex"], (evs["s1"], evs["s3"], evs["s4"])),
        Statement(ents["acme"], "develops", ents["widget"], (evs["s2"],)),
        Statement(ents["acme"], "competesWith", ents["initech"], (evs["s2"],)),
    ]
    facts = [
        Fact(ents["acme"], "revenue", Decimal("2500000000"), "USD", "2025", (evs["s5"],)),
        Fact(ents["acme"], "revenueGrowth", Decimal("12.5"), "percent", None, (evs["s5"],)),
    ]
    references = [
        Reference(ents["acme"], "Acme", evs["s1"]),
        Reference(ents["jane"], "Jane Roe", evs["s1"]),
        Reference(ents["globex"], "Globex", evs["s3"]),
    ]
    return Small([art1, art2], ents, evs, statements, facts, references)


@pytest.fixture
def small_graph(small):
    from kg.model import to_graph

    return to_graph(small.articles, small.entities.values(), small.references, small.statements, small.facts)


# ---------------------------------------------------------------- fake extractions

@dataclass(frozen=True)
class FakeExtraction:
    """Quacks like kg.extract.base.Extraction without needing spaCy."""

    mentions: tuple = ()
    relations: tuple = ()
    measurements: tuple = ()
    #: one article for all (resolution orders articles by id)
    article: Article = Article("", "", "")


def _mention(text: str, label: str, start: int = 0, *, key: str | None = None, source: str = "name") -> Mention:
    return Mention(text, label, start, start + len(text), key=text if key is None else key, source=source)


# Helpers as fixtures (tests/extract/conftest.py shadows `import conftest`).

@pytest.fixture(scope="session")
def make_evidence():
    """make_evidence(article_id, start, quote, confidence=0.8, extractor="kg.test.v1") -> Evidence"""
    return _evidence


@pytest.fixture(scope="session")
def make_entity():
    """make_entity(label, type, *aliases, qid=None) -> Entity (aliases include the label)"""
    return _entity


@pytest.fixture(scope="session")
def mention():
    """mention(text, label, start=0, key=text, source="name") -> Mention"""
    return _mention


@pytest.fixture(scope="session")
def fake_extraction():
    """FakeExtraction(mentions=((Mention, Evidence), ...), relations=(...), measurements=(...))"""
    return FakeExtraction


@pytest.fixture(scope="session")
def news():
    """A small news-like graph with known answers (tests/analyse_graphs.py)."""
    from analyse_graphs import news_graph

    return news_graph()


@pytest.fixture(scope="session")
def G(news):
    """``news`` projected to networkx."""
    from kg import analyse

    return analyse.project(news)


@pytest.fixture
def loopback_listener():
    """A TCP listener on 127.0.0.1 that records every connection it gets
    (the endpoint tests show that nothing is fetched from it)."""
    connections = []

    class Record(socketserver.BaseRequestHandler):
        def handle(self):
            connections.append(self.request.recv(4096))

    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Record)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", connections
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def model_and_articles():
    """The trained spaCy pipeline and ``../shared/articles``, which the build
    tests need: a skip on a laptop without them, a failure when CI is set."""
    from kg.extract.nlp import load_pipeline

    try:
        load_pipeline()
    except OSError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"CI must have the spaCy model: {exc}")
        pytest.skip(str(exc))
    articles = Path(__file__).resolve().parents[2] / "shared" / "articles"
    if not articles.is_dir():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"no articles at {articles}")


@pytest.fixture(scope="session")
def virtuoso_url():
    """The Virtuoso endpoint the server-store tests use: ``$KG_TEST_VIRTUOSO``
    (with the dba credentials in ``$KG_STORE_USER``/``$KG_STORE_PASSWORD``),
    which ``.ci/virtuoso start DIR`` prints. A skip without it, a failure when CI is set."""
    url = os.environ.get("KG_TEST_VIRTUOSO")
    if not url:
        message = "KG_TEST_VIRTUOSO is not set: start one with `eval $(.ci/virtuoso start DIR)`"
        (pytest.fail if os.environ.get("CI") else pytest.skip)(message)
    return url
