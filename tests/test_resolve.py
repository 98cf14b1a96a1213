"""kg.resolve on hand-made extractions (no spaCy): one entity per real thing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kg.model import entity_iri, load_catalogue
from kg.resolve import normal_form, resolve
from kg.schema import Entity, Measurement, Mention, Relation, plain_decimal


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_parts_of_a_person_name_resolve_to_the_full_name(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Eddie Wu Yongming runs Acme; Wu said so, and Wu Yongming agreed.")
    full, wu, wy = mention("Eddie Wu Yongming", "Person", 0), mention("Wu", "Person", 30), mention("Wu Yongming", "Person", 46)
    acme = mention("Acme", "Organization", 23)
    ex = fake_extraction(((wu, ev), (wy, ev), (full, ev), (acme, ev)), (Relation(wu, "ceoOf", acme, ev),))
    r = resolve([ex])
    people = [e for e in r.entities if e.type == "Person"]
    assert [p.label for p in people] == ["Eddie Wu Yongming"]
    assert people[0].aliases == frozenset({"Wu", "Wu Yongming"})
    (st,) = r.statements
    assert (st.subject.label, st.relation, st.object.label) == ("Eddie Wu Yongming", "ceoOf", "Acme")
    assert {ref.entity.label for ref in r.references if ref.text in ("Wu", "Wu Yongming")} == {"Eddie Wu Yongming"}


def test_a_company_named_after_its_founder_stays_a_company(make_evidence, mention, fake_extraction):
    """"Howden" begins "Howden Group Holdings": no surname of "David Howden"."""
    ev = make_evidence("a1", 0, "Howden Group Holdings, led by founder David Howden, grew. Howden bought Baldwin.")
    group, founder = mention("Howden Group Holdings", "Organization", 0), mention("David Howden", "Person", 43)
    short, baldwin = mention("Howden", "Organization", 62), mention("Baldwin", "Organization", 76)
    ex = fake_extraction(((group, ev), (founder, ev), (short, ev), (baldwin, ev)), (Relation(short, "investsIn", baldwin, ev),))
    r = resolve([ex])
    assert {(e.label, e.type) for e in r.entities} >= {("David Howden", "Person"), ("Howden", "Organization")}
    (st,) = r.statements
    assert (st.subject.label, st.object.label) == ("Howden", "Baldwin")


def test_a_catalogue_firm_named_before_a_person_of_its_name_is_no_surname(make_evidence, mention, fake_extraction):
    """"Ford, the US car company, ... said chief executive Bill Ford": the catalogue's Ford, named
    before the full name, is the firm, here and after it (a surname follows its full name)."""
    ev = make_evidence("a1", 0, "Ford, the US car company, grew, said chief executive Bill Ford. Ford sold cars.")
    firm, person = mention("Ford", "Organization", 0), mention("Bill Ford", "Person", 50)
    later = mention("Ford", "Organization", 61)
    ex = fake_extraction(((firm, ev), (person, ev), (later, ev)), (Relation(person, "ceoOf", firm, ev),))
    r = resolve([ex])
    assert {(e.label, e.type) for e in r.entities} >= {("Bill Ford", "Person"), ("Ford", "Organization")}
    (st,) = r.statements
    assert (st.subject.label, st.relation, st.object.label) == ("Bill Ford", "ceoOf", "Ford")


def test_a_surname_after_its_full_name_or_one_the_model_read_first_is_the_persons(make_evidence, mention, fake_extraction):
    """A catalogue name given only after the full name ("Greg Abel ... Abel said") and the model's
    one-word name before it (a headline's "CEO Witty steps down") are the person's surname."""
    ev = make_evidence("a1", 0, "Witty quits. Chief Executive Andrew Witty left. Greg Abel runs it. Abel said so.")
    head, witty = mention("Witty", "Organization", 0, source="ner"), mention("Andrew Witty", "Person", 29)
    abel, later = mention("Greg Abel", "Person", 48), mention("Abel", "Organization", 67)
    ex = fake_extraction(((head, ev), (witty, ev), (abel, ev), (later, ev)))
    assert {(e.label, e.type) for e in resolve([ex]).entities} == {("Andrew Witty", "Person"), ("Greg Abel", "Person")}


def test_lone_surname_without_full_name_is_dropped(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Wu said Acme grew.")
    ex = fake_extraction(((mention("Wu", "Person"), ev), (mention("Acme", "Organization", 8), ev)))
    assert [e.label for e in resolve([ex]).entities] == ["Acme"]


def test_person_parts_stay_within_one_article(make_evidence, mention, fake_extraction):
    ev1, ev2 = make_evidence("a1", 0, "Eddie Wu Yongming spoke."), make_evidence("a2", 0, "Wu spoke.")
    one = fake_extraction(((mention("Eddie Wu Yongming", "Person"), ev1),))
    two = fake_extraction(((mention("Wu", "Person"), ev2),))
    r = resolve([one, two])
    assert [e.label for e in r.entities] == ["Eddie Wu Yongming"]
    assert [ref.evidence.article_id for ref in r.references] == ["a1"]


def test_catalogue_alias_gives_canonical_label(catalogue, make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Alibaba Group Holding Ltd.'s cloud unit grew.")
    ex = fake_extraction(((mention("Alibaba Group Holding Ltd.'s", "Organization", key="Alibaba Group Holding Ltd."), ev),
                         (mention("Alibaba", "Organization", 40), ev)))
    (e,) = resolve([ex], catalogue).entities
    assert e.label == "Alibaba Group"
    assert e.id == "alibaba-group"
    assert e.same_as == frozenset({"Q1359568"})
    assert "Alibaba" in e.aliases


def test_catalogue_class_wins_over_mention_label(catalogue, make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Alibaba grew.")
    (e,) = resolve([fake_extraction(((mention("Alibaba", "Person"), ev),))], catalogue).entities
    assert e.type == "Organization"


def test_spelling_variants_one_entity(make_evidence, mention, fake_extraction):
    ev1, ev2 = make_evidence("a1", 0, "Acme released Qwen-3-Max."), make_evidence("a2", 0, "Qwen3-Max is fast.")
    ex1 = fake_extraction(((mention("Qwen-3-Max", "Product", 14), ev1),))
    ex2 = fake_extraction(((mention("Qwen3-Max", "Product", 0), ev2),))
    (e,) = resolve([ex1, ex2]).entities
    assert e.label == "Qwen-3-Max"  # the first spelling seen names it
    assert e.aliases == frozenset({"Qwen3-Max"})
    assert {r.entity for r in resolve([ex1, ex2]).references} == {e}


@pytest.mark.parametrize("a, b", [("Qwen-3-Max", "Qwen3-Max"), ("Acme Corp.", "ACME"), ("Globex's", "Globex"),
                                  ("Initech Ltd", "initech"), ("Hooli, Inc.", "Hooli")])
def test_normal_form_equal(a, b):
    assert normal_form(a) == normal_form(b) != ""


def test_normal_form_differs():
    assert normal_form("Acme Cloud") != normal_form("Acme")


def test_relation_breaking_the_schema_is_dropped(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Jane Roe supplies Acme with Widget-7.")
    jane, acme, widget = mention("Jane Roe", "Person"), mention("Acme", "Organization", 18), mention("Widget-7", "Product", 28)
    ex = fake_extraction(((jane, ev), (acme, ev), (widget, ev)),
                        (Relation(jane, "supplies", acme, ev),  # Person supplies: wrong domain
                         Relation(acme, "ceoOf", jane, ev),  # Organization ceoOf Person: wrong both ways
                         Relation(acme, "develops", widget, ev),  # fine
                         Relation(acme, "partnerOf", widget, ev)))  # Product partner: wrong range
    r = resolve([ex])
    assert [(s.subject.label, s.relation, s.object.label) for s in r.statements] == [("Acme", "develops", "Widget-7")]


def test_place_may_restrict(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Freedonia restricts sales of Widget-7.")
    place, widget = mention("Freedonia", "Place"), mention("Widget-7", "Product", 29)
    ex = fake_extraction(((place, ev), (widget, ev)), (Relation(place, "restricts", widget, ev),))
    assert [s.relation for s in resolve([ex]).statements] == ["restricts"]


def test_self_relation_dropped(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Acme Corp, or Acme, partners with Acme.")
    a, b = mention("Acme Corp", "Organization"), mention("Acme Corp.", "Organization", 14)
    ex = fake_extraction(((a, ev), (b, ev)), (Relation(a, "partnerOf", b, ev),))
    assert resolve([ex]).statements == ()


def test_symmetric_relation_both_directions_one_statement(make_evidence, mention, fake_extraction):
    ev1 = make_evidence("a1", 0, "Acme partners with Globex.", 0.7)
    ev2 = make_evidence("a2", 5, "Globex and Acme are partners.", 0.9)
    acme, globex = mention("Acme", "Organization"), mention("Globex", "Organization", 19)
    ex1 = fake_extraction(((acme, ev1), (globex, ev1)), (Relation(acme, "partnerOf", globex, ev1),))
    ex2 = fake_extraction(((globex, ev2), (acme, ev2)), (Relation(globex, "partnerOf", acme, ev2),))
    (st,) = resolve([ex1, ex2]).statements
    assert st.relation == "partnerOf"
    assert {st.subject.label, st.object.label} == {"Acme", "Globex"}
    assert st.evidence == (ev1, ev2)


def test_directed_relation_both_directions_two_statements(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Acme supplies Globex and Globex supplies Acme.")
    acme, globex = mention("Acme", "Organization"), mention("Globex", "Organization", 14)
    ex = fake_extraction(((acme, ev), (globex, ev)),
                        (Relation(acme, "supplies", globex, ev), Relation(globex, "supplies", acme, ev)))
    assert len(resolve([ex]).statements) == 2


def test_same_sentence_twice_keeps_best_confidence(make_evidence, mention, fake_extraction):
    low = make_evidence("a1", 0, "Acme supplies Globex.", 0.4, "kg.rules.v1")
    high = make_evidence("a1", 0, "Acme supplies Globex.", 0.9, "kg.other.v1")
    acme, globex = mention("Acme", "Organization"), mention("Globex", "Organization", 14)
    ex = fake_extraction(((acme, low), (globex, low)),
                        (Relation(acme, "supplies", globex, low), Relation(acme, "supplies", globex, high)))
    (st,) = resolve([ex]).statements
    assert st.evidence == (high,)


def test_unused_topic_dropped_used_topic_kept(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Acme invests in AI infrastructure, not cloud gaming.")
    acme = mention("Acme", "Organization")
    used, unused = mention("AI infrastructure", "Topic", 16, source="topic"), mention("cloud gaming", "Topic", 39, source="topic")
    ex = fake_extraction(((acme, ev), (used, ev), (unused, ev)), (Relation(acme, "investsIn", used, ev),))
    r = resolve([ex])
    assert sorted(e.label for e in r.entities) == ["AI infrastructure", "Acme"]
    assert "cloud gaming" not in {ref.text for ref in r.references}


def test_measurements_become_facts(make_evidence, mention, fake_extraction):
    ev1, ev2 = make_evidence("a1", 0, "Acme revenue was 39.8 billion dollars."), make_evidence("a2", 0, "Acme made 39.8bn.")
    acme = mention("Acme", "Organization")
    ex1 = fake_extraction(((acme, ev1),), (), (Measurement(acme, "revenue", Decimal("3.98E+10"), "USD", "2025", ev1),))
    ex2 = fake_extraction(((acme, ev2),), (), (Measurement(acme, "revenue", Decimal("39800000000.00"), "USD", "2025", ev2),))
    (fact,) = resolve([ex1, ex2]).facts
    assert str(fact.value) == "39800000000"
    assert (fact.metric, fact.unit, fact.period, fact.evidence) == ("revenue", "USD", "2025", (ev1, ev2))


def test_anaphor_is_not_an_alias(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Acme grew. The company hired staff.")
    ex = fake_extraction(((mention("Acme", "Organization"), ev),
                         (mention("The company", "Organization", 11, key="Acme", source="anaphor"), ev)))
    (e,) = resolve([ex]).entities
    assert e.label == "Acme" and e.aliases == frozenset()


def test_entity_ids_follow_labels(catalogue, make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Globex, Initech and Hooli met.")
    ex = fake_extraction(tuple((mention(n, "Organization", i * 8), ev) for i, n in enumerate(("Globex", "Initech", "Hooli"))))
    r = resolve([ex], catalogue)
    assert [e.id for e in r.entities] == ["globex", "hooli", "initech"]


def test_accented_spelling_variants_one_entity(make_evidence, mention, fake_extraction):
    ev1, ev2 = make_evidence("a1", 0, "Acme opened an office in Zürich."), make_evidence("a2", 0, "Zurich is busy.")
    ex1 = fake_extraction(((mention("Zürich", "Place", 25), ev1),))
    ex2 = fake_extraction(((mention("Zurich", "Place"), ev2),))
    r = resolve([ex1, ex2])
    assert len({entity_iri(e) for e in r.entities}) == len(r.entities)
    assert len(r.entities) == 1


def test_mentions_without_key_resolve_by_text(make_evidence, fake_extraction):
    ev = make_evidence("a1", 0, "Acme supplies Globex.")
    acme, globex = Mention("Acme", "Organization", 0, 4), Mention("Globex", "Organization", 14, 20)
    r = resolve([fake_extraction(((acme, ev), (globex, ev)), (Relation(acme, "supplies", globex, ev),))])
    assert sorted(e.label for e in r.entities) == ["Acme", "Globex"]
    assert len(r.statements) == 1


def test_plain_decimal():
    assert str(plain_decimal(Decimal("3.98E+10"))) == "39800000000"
    assert str(plain_decimal(Decimal("33.50"))) == "33.5"
    assert str(plain_decimal(Decimal("1E+2"))) == "100"
    assert str(plain_decimal(Decimal("0.000"))) == "0"
    assert str(plain_decimal(Decimal("-2.500"))) == "-2.5"
    assert "E" not in str(plain_decimal(Decimal("1.5E+3")))


def test_resolution_is_order_independent_for_entities(make_evidence, mention, fake_extraction):
    ev = make_evidence("a1", 0, "Acme and Globex.")
    items = ((mention("Acme", "Organization"), ev), (mention("Globex", "Organization", 9), ev))
    a = resolve([fake_extraction(items)])
    b = resolve([fake_extraction(items[::-1])])
    assert a.entities == b.entities
    assert all(isinstance(e, Entity) for e in a.entities)


@pytest.mark.parametrize("a, b", [("Widget-2025-Pro-Edition", "Widget-2024-Pro-Edition"),
                                  ("Acme-VL-72B-Instruct", "Acme-VL-32B-Instruct")])
def test_names_differing_in_a_number_stay_apart(make_evidence, mention, fake_extraction, a, b):
    ev = make_evidence("a1", 0, f"Acme released {a} and {b}.")
    ex = fake_extraction(((mention(a, "Product", 14), ev), (mention(b, "Product", 19 + len(a)), ev)))
    assert sorted(e.label for e in resolve([ex]).entities) == sorted([a, b])


def test_fuzzy_matching_joins_small_typos(make_evidence, mention, fake_extraction):
    ev1, ev2 = make_evidence("a1", 0, "Umbrella Robotics grew."), make_evidence("a2", 0, "Umbrela Robotics grew.")
    ex = fake_extraction(((mention("Umbrella Robotics", "Organization"), ev1),
                          (mention("Umbrela Robotics", "Organization"), ev2)))
    assert [e.label for e in resolve([ex]).entities] == ["Umbrella Robotics"]


@pytest.mark.parametrize("first, second, merged", [
    ("SBA Communications", "SBC Communications", False),  # an acronym is no typo
    ("ZT Systems", "T-Systems", False),  # nor one's absence
    ("Commerzbank", "Comerzbank AG", True),  # a legal suffix in capitals is no acronym
])
def test_fuzzy_matching_changes_no_acronym(make_evidence, mention, fake_extraction, first, second, merged):
    """Names within ratio 94 of each other are one, unless their acronyms differ."""
    ev1, ev2 = make_evidence("a1", 0, f"{first} grew."), make_evidence("a2", 0, f"{second} grew.")
    ex = fake_extraction(((mention(first, "Organization"), ev1), (mention(second, "Organization"), ev2)))
    assert len(resolve([ex]).entities) == (1 if merged else 2)


def test_a_place_is_no_catalogue_organisation_whose_name_only_its_legal_suffix_adds(make_evidence, mention, fake_extraction):
    """'Phoenix' (the city) and the catalogue's 'Phoenix Group' share a normal form, which ignores
    'Group'; only the catalogue's own names make a place an organisation."""
    cat = [Entity("phoenix-group", "Phoenix Group", "Organization", frozenset({"Phoenix Group Holdings"}))]
    ev = make_evidence("a1", 0, "It supplies fabs in Phoenix. Phoenix Group sold bonds.")
    city, firm = mention("Phoenix", "Place"), mention("Phoenix Group", "Organization", 29)
    ents = resolve([fake_extraction(((city, ev), (firm, ev)))], cat).entities
    assert {(e.label, e.type) for e in ents} == {("Phoenix", "Place"), ("Phoenix Group", "Organization")}
