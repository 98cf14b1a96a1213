"""The resolver's fuzzy index decides as trying every known form did
(issue 9): the brute-force lookup it replaced lives here as the reference."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from kg.resolve import _fixed_parts, _Index, normal_form
from kg.schema import Entity


class AllPairsIndex:
    """The lookup before the index: every known form is tried, in the order
    it became known."""

    def __init__(self, catalogue):
        self.catalogue = {e.label: e for e in catalogue}
        self.by_form: dict[str, str] = {}
        for e in self.catalogue.values():
            for alias in e.aliases | {e.label}:
                self.by_form.setdefault(normal_form(alias), e.label)

    def canonical(self, key: str, label: str) -> str:
        form = normal_form(key)
        if not form:
            return key
        hit = self.by_form.get(form)
        if hit is not None:
            return hit
        fixed = _fixed_parts(form)
        for other_form, canon in self.by_form.items():
            if (len(form) >= 6 and len(other_form) >= 6 and _fixed_parts(other_form) == fixed
                    and fuzz.ratio(form, other_form) >= 94):
                cat = self.catalogue.get(canon)
                if cat is None or cat.type == label:
                    self.by_form[form] = canon
                    return canon
        self.by_form[form] = key
        return key


# Words that make near-duplicates ("Zicrax Cloud"/"Zicrax Clouds"), names
# that differ only in a number, other scripts and legal suffixes.
WORDS = ["Zicrax", "Cloud", "Clouds", "Brumvel", "Systems", "System", "Orvanta", "Labs", "Quelix", "Motors",
         "Tandrel", "Bank", "Dynamics", "International", "Technologies", "Qwen", "Max", "Preview", "32B", "72B",
         "3", "2025", "Zürich", "Ωmega", "深圳", "科技", "C++", "Inc.", "Ltd", "'s", "-"]
TYPES = ["Organization", "Product", "Person"]
word_lists = st.lists(st.sampled_from(WORDS), min_size=1, max_size=5)
letters = st.characters(codec="utf-8", categories=["L", "N"])


@st.composite
def names(draw):
    """A name from the word list, sometimes with one letter added, dropped
    or changed (a typo, an inflection)."""
    name = " ".join(draw(word_lists))
    edit = draw(st.sampled_from(["none", "insert", "delete", "replace"]))
    if edit != "none" and name:
        at = draw(st.integers(0, len(name) - 1))
        new = draw(letters)
        name = {"insert": name[:at] + new + name[at:], "delete": name[:at] + name[at + 1:],
                "replace": name[:at] + new + name[at + 1:]}[edit]
    return name


catalogues = st.lists(st.tuples(names(), st.sampled_from(TYPES), st.lists(names(), max_size=2)), max_size=6)
lookups = st.lists(st.tuples(names(), st.sampled_from(TYPES)), min_size=1, max_size=60)


@settings(max_examples=300, deadline=None)
@given(catalogues, lookups)
def test_indexed_lookup_decides_as_trying_every_form(catalogue, keys):
    entities = [Entity(f"e{i}", label, type_, frozenset(aliases)) for i, (label, type_, aliases) in enumerate(catalogue)]
    indexed, reference = _Index(entities), AllPairsIndex(entities)
    assert [indexed.canonical(k, t) for k, t in keys] == [reference.canonical(k, t) for k, t in keys]
    assert indexed.by_form == reference.by_form


def test_near_duplicates_in_a_large_name_set_match_as_before():
    """Hundreds of names sharing words, so the pieces of the index collide
    often; plus the numbered and misspelt variants that must (not) merge."""
    stems = [f"{a} {b}" for a in WORDS[:17] for b in WORDS[:17] if a != b]
    keys = [(name, "Organization") for stem in stems for name in (stem, stem + "s", stem + " 3", stem[:-1] + "x")]
    indexed, reference = _Index(()), AllPairsIndex(())
    got = [indexed.canonical(k, t) for k, t in keys]
    assert got == [reference.canonical(k, t) for k, t in keys]
    assert got[keys.index(("Zicrax Clouds", "Organization"))] == "Zicrax Cloud"  # the test sees real merges
    assert got[keys.index(("Zicrax Cloud 3", "Organization"))] == "Zicrax Cloud 3"  # and a number keeps apart


def test_the_first_known_of_two_close_forms_wins_not_the_closest():
    first, closest = "Brumvol Orvanta Quelix Tandrel Dynamice", "Brumvel Orvanta Quelix Tandrell Dynamics"
    name = "Brumvel Orvanta Quelix Tandrel Dynamics"
    assert fuzz.ratio(normal_form(first), normal_form(closest)) < 94  # two clusters
    assert 94 <= fuzz.ratio(normal_form(name), normal_form(first)) < fuzz.ratio(normal_form(name), normal_form(closest))
    for index in (_Index(()), AllPairsIndex(())):
        assert [index.canonical(k, "Organization") for k in (first, closest, name)] == [first, closest, first]
