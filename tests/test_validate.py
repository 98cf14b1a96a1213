"""kg.validate: the SHACL shapes accept the valid example and catch the invalid one."""

from __future__ import annotations

import pytest
from rdflib import RDF, RDFS, XSD, Literal

from kg.model import KG, to_graph
from kg.store import load_graph
from kg.validate import validate


@pytest.fixture(scope="module")
def invalid_report(examples_dir):
    return validate(load_graph(examples_dir / "invalid.ttl"))


def test_valid_example_conforms(examples_graph):
    report = validate(examples_graph)
    assert report.conforms
    assert report.violations == []
    assert report.text().startswith("conforms")


def test_built_graph_conforms(small_graph):
    assert validate(small_graph).conforms


def test_invalid_example_does_not_conform(invalid_report):
    assert not invalid_report.conforms
    assert len(invalid_report.violations) == 4
    assert invalid_report.text().startswith("does not conform: 4 violation(s)")


def test_ceo_shape(invalid_report):
    (v,) = [v for v in invalid_report.violations if v.shape == "ceoOfShape"]
    assert v.focus == "https://w3id.org/kg-news/entity/acme-corp"


def test_label_shape(invalid_report):
    (v,) = [v for v in invalid_report.violations if v.path == str(RDFS.label)]
    assert v.focus == "https://w3id.org/kg-news/entity/globex"
    assert "exactly one rdfs:label" in v.message


def test_fact_evidence_and_metric(invalid_report):
    on_fact = {v.path: v for v in invalid_report.violations if v.focus == "https://w3id.org/kg-news/fact/bad"}
    assert set(on_fact) == {str(KG.evidence), str(KG.metric)}
    assert "at least one sentence" in on_fact[str(KG.evidence)].message
    assert "happiness" in on_fact[str(KG.metric)].message


def test_report_lists_each_violation(invalid_report):
    text = invalid_report.text()
    assert "[ceoOfShape]" in text
    assert text.count("\n- ") == 4


def test_wrong_relation_range_caught(examples_graph):
    g = examples_graph
    jane = next(g.subjects(RDFS.label, Literal("Jane Roe")))
    china = next(g.subjects(RDFS.label, Literal("China")))
    g.add((china, KG.headquarteredIn, jane))  # a Place based in a Person
    report = validate(g)
    assert not report.conforms
    assert {v.shape for v in report.violations} >= {"headquarteredInShape"}


def test_ill_typed_period_bounds_caught(examples_graph):
    g = examples_graph
    fact = next(g.subjects(KG.period, None))
    g.set((fact, KG.periodStart, Literal("2025-02-30", datatype=XSD.date)))  # no such day
    g.set((fact, KG.periodEnd, Literal("2025-09-30")))  # a plain string, not a date
    report = validate(g)
    assert not report.conforms
    assert {v.path.rsplit("#")[-1] for v in report.violations if v.focus == str(fact)} == {"periodStart", "periodEnd"}


def test_statement_without_evidence_caught(make_entity):
    from kg.schema import Statement

    a, b = make_entity("Acme", "Organization"), make_entity("Globex", "Organization")
    g = to_graph([], [a, b], statements=[Statement(a, "supplies", b, ())])
    report = validate(g)
    assert not report.conforms
    assert any("at least one sentence" in v.message for v in report.violations)
    assert all(str(v.focus).startswith("https://w3id.org/kg-news/statement/") for v in report.violations)


def test_evidence_without_article_caught(make_entity, make_evidence):
    from kg.schema import Statement

    a, b = make_entity("Acme", "Organization"), make_entity("Globex", "Organization")
    ev = make_evidence("nowhere", 0, "Acme supplies Globex.")
    g = to_graph([], [a, b], statements=[Statement(a, "supplies", b, (ev,))])  # the article node is missing
    report = validate(g)
    assert not report.conforms
    assert any(v.focus.startswith("https://w3id.org/kg-news/evidence/") for v in report.violations)
    assert (None, RDF.type, KG.Article) not in g


def test_shipped_graph_conforms_and_carries_no_article_text():
    from rdflib.namespace import SDO

    from kg.store import default_graph_path

    graph = load_graph(default_graph_path())
    assert len(graph) > 100
    report = validate(graph)
    assert report.conforms, report.text()
    assert not list(graph.triples((None, KG.quote, None)))
    assert not list(graph.triples((None, SDO.headline, None)))


def test_same_article_in_two_files_is_read_once_and_conforms(tmp_path):
    from kg.ingest import read_articles

    (tmp_path / "a.txt").write_text("Acme Posts Results\nAcme grew 5% in 2025.\n")
    (tmp_path / "b.txt").write_text("Acme Posts Results\nAcme grew 5% in 2025.\n")
    errors = []
    articles = list(read_articles([tmp_path], on_error=errors.append))
    assert [a.source for a in articles] == [str(tmp_path / "a.txt")]
    assert len(errors) == 1 and "b.txt" in str(errors[0]) and "a.txt" in str(errors[0])
    assert validate(to_graph(articles, [])).conforms
