"""The registered extractors match the checked-in snapshot (as spaCy's
factory registrations do), and unknown names fail with the known ones."""

import json
from pathlib import Path

import pytest

from kg.extract import extractors, get_extractor


def test_builtin_extractors_match_snapshot():
    snapshot = json.loads((Path(__file__).parent / "data" / "extractors.json").read_text())
    assert sorted(extractors.get_all()) == snapshot


def test_unknown_extractor_lists_known_names():
    with pytest.raises(KeyError, match="kg.rules.v1"):
        get_extractor("nope.v1")


def test_plugin_extractor_is_found_by_name():
    @extractors.register("test.loopback.v1")
    def make():
        return lambda parsed: iter(())

    try:
        assert list(get_extractor("test.loopback.v1")(None)) == []
    finally:
        extractors.get_all().pop("test.loopback.v1", None)
        import catalogue
        catalogue.REGISTRY.pop(("kg", "extractors", "test.loopback.v1"), None)


def test_the_word_rules_reading_turned_round_gives_way_to_the_grammar_rules():
    """One sentence read both ways round: the parse's reading stands."""
    import catalogue

    from kg.extract.base import run_extractors
    from kg.schema import Evidence, Mention, Relation

    tarn, marlow = Mention("Tarn", "Organization", 0, 4), Mention("Marlow", "Organization", 22, 28)

    def reading(extractor, subject, obj):
        return Relation(subject, "investsIn", obj, Evidence("a", 0, 40, "Tarn was bought by Marlow.", extractor))

    @extractors.register("test.both-ways.v1")
    def make():
        return lambda parsed: iter([reading("kg.patterns.v1", marlow, tarn), reading("kg.rules.v1", tarn, marlow),
                                    reading("kg.rules.v1", marlow, tarn)])

    try:
        relations, _ = run_extractors(None, ["test.both-ways.v1"])
        assert {(r.subject.name, r.object.name, r.evidence.extractor) for r in relations} == {
            ("Marlow", "Tarn", "kg.patterns.v1"), ("Marlow", "Tarn", "kg.rules.v1")}
    finally:
        extractors.get_all().pop("test.both-ways.v1", None)
        catalogue.REGISTRY.pop(("kg", "extractors", "test.both-ways.v1"), None)
