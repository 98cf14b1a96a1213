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
