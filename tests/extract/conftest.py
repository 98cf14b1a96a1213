"""Fixtures for extraction tests: a blank spaCy pipeline (no trained model)
and a small invented catalogue."""

import pytest

from kg.extract.base import extract_article, parse_article
from kg.extract.mentions import Gazetteer
from kg.extract.nlp import blank_pipeline
from kg.ingest import article_from_text
from kg.schema import Entity


def _entity(label, type_, *aliases):
    return Entity(label.lower(), label, type_, frozenset({label, *aliases}))


CATALOGUE = [
    _entity("Acme Group", "Organization", "Acme", "Acme Group Holding Ltd."),
    _entity("Acme Cloud", "Organization"),
    _entity("Globex", "Organization"),
    _entity("Initech", "Organization"),
    _entity("Umbrella", "Organization"),
    _entity("Hooli", "Organization"),
    _entity("Widget", "Product", "WidgetAI"),
    _entity("China", "Place"),
    _entity("United States", "Place", "U.S.", "US"),
    _entity("Brazil", "Place"),
    _entity("France", "Place"),
    _entity("Shenzhen", "Place"),
    _entity("Asia", "Place"),
    _entity("AI infrastructure", "Topic"),
    _entity("artificial intelligence", "Topic", "AI"),
]


@pytest.fixture(scope="session")
def nlp():
    return blank_pipeline()


@pytest.fixture(scope="session")
def gazetteer():
    return Gazetteer(CATALOGUE)


@pytest.fixture
def parse(nlp, gazetteer):
    """Parse invented text as an article: returns the Parsed object."""
    def run(text, published="2025-06-01"):
        return parse_article(article_from_text(text, "t.txt", published=published), nlp, gazetteer)
    return run


@pytest.fixture
def extract(nlp, gazetteer):
    """Run the default extractors on invented text."""
    def run(text, published="2025-06-01"):
        return extract_article(article_from_text(text, "t.txt", published=published), nlp, gazetteer)
    return run


@pytest.fixture
def triples(extract):
    """The (subject key, relation, object key) set extracted from text."""
    def run(text):
        return {(r.subject.key, r.predicate, r.object.key) for r in extract(text).relations}
    return run


@pytest.fixture
def trained_triples(trained_nlp, gazetteer):
    """The (subject key, relation, object key) set every extractor reads in
    text, with the trained pipeline and the invented catalogue."""
    def run(text):
        extraction = extract_article(article_from_text(text, "t.txt"), trained_nlp, gazetteer)
        return {(r.subject.key, r.predicate, r.object.key) for r in extraction.relations}
    return run


@pytest.fixture(scope="session")
def trained_nlp():
    """The trained English pipeline; skips on a laptop without it, fails under CI."""
    import os

    from kg.extract.nlp import load_pipeline

    try:
        return load_pipeline()
    except OSError as exc:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(str(exc))


@pytest.fixture(scope="session")
def shipped_gazetteer():
    from kg.model import load_catalogue

    return Gazetteer(load_catalogue(None))


@pytest.fixture
def read(trained_nlp, shipped_gazetteer):
    """Parse text with the trained pipeline and the shipped catalogue; returns
    the set of (subject, relation, object, rule) and (subject, metric, value,
    unit, rule) the pattern rules read, each name as both its surface form and
    its canonical key (both orders for a symmetric relation), and the mentions."""
    from kg.extract.base import PatternRelations
    from kg.schema import RELATIONS, Measurement

    def run(text):
        parsed = parse_article(article_from_text(text, "t.txt"), trained_nlp, shipped_gazetteer)
        got = set()
        for r in PatternRelations()(parsed):
            if isinstance(r, Measurement):
                for s in {r.subject.name, r.subject.text}:
                    got.add((s, r.metric, str(r.value), r.unit, r.evidence.rule))
                continue
            for s in {r.subject.name, r.subject.text}:
                for o in {r.object.name, r.object.text}:
                    got.add((s, r.predicate, o, r.evidence.rule))
                    if RELATIONS[r.predicate].symmetric:
                        got.add((o, r.predicate, s, r.evidence.rule))
        return got, parsed.mentions
    return run
