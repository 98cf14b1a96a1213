"""Issue 7's sentences, tried as a new user would: names no catalogue entry
knows, found from structure, with relations in the right direction."""

from __future__ import annotations

import pytest

from kg.extract.base import extract_article
from kg.ingest import article_from_text

pytestmark = [pytest.mark.model, pytest.mark.issue(7)]

TEXT = ("Pfizer agreed to acquire Seagen for $43 billion. "
        "Ericsson, the Swedish telecom equipment maker, competes with Nokia. "
        "Novartis has invested $1.2 billion in Legend Biotech. "
        "Tesla, which is a major customer of Panasonic, ordered 20,000 battery packs from CATL.")


@pytest.fixture(scope="module")
def extraction(trained_nlp):
    from kg.extract.mentions import Gazetteer

    return extract_article(article_from_text(TEXT, "new.txt"), trained_nlp, Gazetteer([]))  # no catalogue at all


def test_relations_without_a_catalogue(extraction):
    got = {(r.subject.name, r.predicate, r.object.name) for r in extraction.relations}
    assert {("Pfizer", "investsIn", "Seagen"), ("Seagen", "subsidiaryOf", "Pfizer"),
            ("Ericsson", "competesWith", "Nokia"), ("Ericsson", "headquarteredIn", "Sweden"),
            ("Novartis", "investsIn", "Legend Biotech"),
            ("Panasonic", "supplies", "Tesla"), ("CATL", "supplies", "Tesla")} <= got
    assert ("Seagen", "investsIn", "Novartis") not in got


def test_the_deal_price_is_the_buyers_investment(extraction):
    got = {(m.subject.name, m.metric, str(m.value), m.unit) for m in extraction.measurements}
    assert ("Pfizer", "investment", "43000000000", "USD") in got
    assert ("Novartis", "investment", "1200000000", "USD") in got
