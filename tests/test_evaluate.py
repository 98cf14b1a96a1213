"""kg.evaluate: gold TSV reading and P/R/F1 with known answers."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.evaluate import Score, evaluate, read_gold, read_records
from kg.model import ArticleRecord
from rdflib.namespace import SDO


@pytest.fixture
def gold(data_dir):
    return read_gold(data_dir / "gold-cases" / "acme-news.tsv")


@pytest.fixture
def record():
    """What a (pretend) graph says about acme-news.txt."""
    return ArticleRecord(
        "acme-news.txt",
        entities={
            "Acme Corporation": ("Organization", frozenset({"Acme Corporation", "ACME'S FLAGSHIP UNIT"})),
            "Globex": ("Organization", frozenset({"Globex"})),
            "Roe": ("Organization", frozenset({"Roe"})),  # right name, wrong class
            "Initech": ("Organization", frozenset({"Initech"})),  # not in gold
        },
        relations={
            ("Globex", "partnerOf", "Acme Corporation"),  # gold has it the other way round
            ("Roe", "ceoOf", "Acme Corporation"),
            ("Acme Corporation", "supplies", "Initech"),  # wrong
            ("Acme Corporation", "develops", "Widget-7"),  # an ambiguous gold row
        },
        facts={
            ("Acme Corporation", "revenue", Decimal("1E+10"), "USD", "2025"),
            ("Acme Corporation", "revenueGrowth", Decimal("12.0"), "percent", "2025"),  # period differs
            ("Globex", "revenue", Decimal("5"), "USD", None),
        },
    )


def counts(score: Score) -> tuple[int, int, int]:
    return score.tp, score.fp, score.fn


def test_score_arithmetic():
    s = Score(3, 1, 2)
    assert (s.precision, s.recall, s.f1) == (0.75, 0.6, round(2 * 0.75 * 0.6 / 1.35, 4))
    assert (Score().precision, Score().recall, Score().f1) == (0.0, 0.0, 0.0)
    s.add(Score(1, 1, 1))
    assert counts(s) == (4, 2, 3)


def test_read_gold(gold):
    assert gold.name == "acme-news"
    assert set(gold.entities) == {"Acme Corp", "Globex", "Jane Roe", "Widget-7"}
    assert gold.entities["Acme Corp"] == ("Organization", frozenset({"acme corp", "acme", "acme's flagship unit"}))
    assert gold.relations == {
        ("Jane Roe", "ceoOf", "Acme Corp"): False,
        ("Acme Corp", "partnerOf", "Globex"): False,  # symmetric: stored in name order
        ("Acme Corp", "develops", "Widget-7"): True,
        ("Globex", "supplies", "Acme Corp"): True,
    }
    assert gold.facts == {
        ("Acme Corp", "revenue", Decimal("10000000000"), "USD", "2025"): False,
        ("Acme Corp", "revenueGrowth", Decimal("12"), "percent", "2025-01/2025-03"): False,
    }


def test_label_of_folds_case_and_apostrophes(gold):
    assert gold.label_of(["ACME’S  Flagship unit"]) == "Acme Corp"
    assert gold.label_of(["acme's flagship unit"]) == "Acme Corp"
    assert gold.label_of(["Hooli"]) is None


def test_entities(gold, record):
    ev = evaluate({"acme-news.txt": record}, [gold])
    assert ev.articles == 1
    assert counts(ev.entities) == (2, 2, 2)
    assert (ev.entities.precision, ev.entities.recall, ev.entities.f1) == (0.5, 0.5, 0.5)
    assert counts(ev.entities_untyped) == (3, 1, 1)
    assert ev.entities_untyped.f1 == 0.75
    wrong = [text for _, kind, text in ev.wrong if kind == "entity"]
    assert "Roe (Organization) ~ gold Jane Roe (Person)" in wrong
    assert "Initech (Organization)" in wrong
    missed = sorted(text for _, kind, text in ev.missed if kind == "entity")
    assert missed == ["Jane Roe (Person)", "Widget-7 (Product)"]


def test_entities_per_class(gold, record):
    ev = evaluate({"acme-news.txt": record}, [gold])
    # the mistyped Roe counts against the class it was given and the one it has in gold
    assert counts(ev.per_class["Organization"]) == (2, 2, 0)
    assert counts(ev.per_class["Person"]) == (0, 0, 1)
    assert counts(ev.per_class["Product"]) == (0, 0, 1)
    assert "  Person  " in ev.report(details=0)
    assert ev.as_dict()["per_class"]["Organization"]["precision"] == 0.5


def test_relations_keep_ambiguous(gold, record):
    ev = evaluate({"acme-news.txt": record}, [gold])
    assert counts(ev.relations) == (3, 1, 1)
    assert (ev.relations.precision, ev.relations.recall, ev.relations.f1) == (0.75, 0.75, 0.75)
    assert counts(ev.per_relation["partnerOf"]) == (1, 0, 0)  # the other direction counts
    assert counts(ev.per_relation["ceoOf"]) == (1, 0, 0)  # matched through the entity mapping
    assert counts(ev.per_relation["develops"]) == (1, 0, 0)
    assert counts(ev.per_relation["supplies"]) == (0, 1, 1)
    assert ("acme-news", "relation", "Globex supplies Acme Corp [ambiguous]") in ev.missed
    assert ("acme-news", "relation", "Acme Corp supplies Initech") in ev.wrong


def test_relations_drop_ambiguous(gold, record):
    ev = evaluate({"acme-news.txt": record}, [gold], drop_ambiguous=True)
    # the predicted ambiguous row is no TP, the missed ambiguous row is no FN
    assert counts(ev.relations) == (2, 1, 0)
    assert "develops" not in ev.per_relation
    assert counts(ev.per_relation["supplies"]) == (0, 1, 0)
    assert not [m for m in ev.missed if m[1] == "relation"]


def test_symmetric_relation_counts_once():
    from kg.evaluate import Gold

    g = Gold("x", entities={"A": ("Organization", frozenset({"a"})), "B": ("Organization", frozenset({"b"}))},
             relations={("A", "competesWith", "B"): False})
    rec = ArticleRecord("x.txt", entities={"A": ("Organization", frozenset({"A"})), "B": ("Organization", frozenset({"B"}))},
                        relations={("A", "competesWith", "B"), ("B", "competesWith", "A")})
    ev = evaluate({"x.txt": rec}, [g])
    assert counts(ev.relations) == (1, 0, 0)


def test_facts_lenient_and_strict(gold, record):
    ev = evaluate({"acme-news.txt": record}, [gold])
    assert counts(ev.facts_lenient) == (2, 1, 0)
    assert counts(ev.facts_strict) == (1, 2, 1)
    assert ev.facts_lenient.precision == pytest.approx(2 / 3)
    assert ev.facts_strict.recall == 0.5


def test_article_missing_from_graph_is_all_misses(gold):
    ev = evaluate({}, [gold])
    assert counts(ev.entities) == (0, 0, 4)
    assert counts(ev.relations) == (0, 0, 4)
    assert counts(ev.facts_strict) == (0, 0, 2)
    assert ev.entities.f1 == 0.0


def test_report_and_dict(gold, record):
    ev = evaluate({"dir/acme-news.txt": record}, [gold])  # paired by stem
    d = ev.as_dict()
    assert d["articles"] == 1
    assert d["entities"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 2, "fp": 2, "fn": 2}
    assert d["relations"]["f1"] == 0.75
    assert set(d["per_relation"]) == {"ceoOf", "develops", "partnerOf", "supplies"}
    text = ev.report(details=1)
    assert "1 articles" in text
    assert "entities" in text and "facts (strict)" in text
    assert "first 1" in text
    assert "missed" not in ev.report(details=0)


def test_examples_graph_against_gold(examples_graph, data_dir):
    ev = evaluate(read_records(examples_graph), [read_gold(data_dir / "gold" / "example-1.tsv")])
    assert ev.articles == 1
    assert counts(ev.entities) == (7, 1, 1)  # AI infrastructure extra, Springfield missed
    assert counts(ev.relations) == (6, 1, 1)  # investsIn extra, headquarteredIn missed; competesWith once
    assert counts(ev.facts_lenient) == (3, 0, 0)
    assert counts(ev.facts_strict) == (2, 1, 1)  # period 2025-01/2025-03 vs gold 2025



@pytest.mark.issue(9)
def test_records_from_the_store_equal_those_of_the_file(examples_graph, examples_dir, tmp_path):
    """kg eval reads its store, and only the articles the gold names."""
    from kg.store import build_store, open_store

    store = open_store(build_store(examples_dir / "valid.ttl", tmp_path / "store"))
    everything = read_records(examples_graph)
    assert set(everything) == {"example-1.txt", "example-2.txt"}
    assert read_records(store) == everything
    assert read_records(store, ["example-2"]) == {"example-2.txt": everything["example-2.txt"]}
    assert read_records(store, ["no-such-article"]) == {}

@pytest.mark.issue(7)
def test_jsonl_articles_are_named_by_their_id(tmp_path):
    """A gold file a01.tsv scores the JSON Lines article whose "id" is a01."""
    from kg.ingest import read_path
    from kg.model import to_graph
    from kg.schema import Entity

    wire = tmp_path / "wire.jsonl"
    wire.write_text('{"id": "a01", "text": "Acme buys Globex."}\n{"id": "a02", "text": "Globex rises."}\n', encoding="utf-8")
    articles = read_path(wire)
    assert [a.key for a in articles] == ["a01", "a02"]
    graph = to_graph(articles, [Entity("acme", "Acme", "Organization", frozenset({"Acme"}))])
    assert {str(a) for a in graph.objects(None, SDO.identifier)} == {"a01", "a02"}
    records = {"a01": ArticleRecord("a01", entities={"Acme": ("Organization", frozenset({"Acme"}))})}
    gold = tmp_path / "a01.tsv"
    gold.write_text("kind\tsubject\trelation\tobject\nent\tAcme\tOrganization\t\n", encoding="utf-8")
    assert evaluate(records, [read_gold(gold)]).entities.tp == 1


def test_select_gold_by_names_and_split_file(tmp_path):
    from kg.evaluate import select_gold

    paths = [tmp_path / f"{n}.tsv" for n in ("a01", "a02", "b01")]
    assert [p.stem for p in select_gold(paths, "b01, a01")] == ["b01", "a01"]
    splits = tmp_path / "splits.toml"
    splits.write_text('tune = ["a02"]\ncheck = ["b01"]\n', encoding="utf-8")
    assert [p.stem for p in select_gold(paths, f"{splits}:check")] == ["b01"]
    with pytest.raises(KeyError, match="tune, check"):
        select_gold(paths, f"{splits}:other")
    with pytest.raises(ValueError, match="zz9"):
        select_gold(paths, "a01,zz9")
