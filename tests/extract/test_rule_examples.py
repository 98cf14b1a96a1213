"""The data rules of kg/extract/rules/: they load, every rule carries
examples of its own, and every example gives what it says (with the trained
pipeline); the interpreter's argument finders on hand-built parses."""

from __future__ import annotations

import pytest
from spacy.tokens import Doc

from kg.extract.mentions import Found
from kg.extract.nlp import blank_pipeline
from kg.extract.patterns import load_rules, match_relations, match_rules

RULES = load_rules()


def test_rules_load_and_every_pattern_compiles():
    relations, entities, titles = RULES.matchers(blank_pipeline().vocab)
    assert len(relations) == sum(len(r.patterns) for r in RULES.relation_rules)
    assert len(entities) == sum(len(r.patterns) for r in RULES.entity_rules)
    assert {"ceoOf", "chairOf", "founderOf", "boardMemberOf", "worksFor"} == set(RULES.titles.values())


@pytest.mark.parametrize("rule", RULES.relation_rules + RULES.entity_rules, ids=lambda r: r.id)
def test_every_rule_has_positive_and_negative_examples(rule):
    assert len(rule.examples) >= 2
    assert any(e.expect for e in rule.examples), "no positive example"
    assert any(not e.expect for e in rule.examples), "no negative example"
    assert rule.doc


@pytest.mark.parametrize("words, rule, message", [
    ('{"verbs": ["buy"]}',
     '"patterns": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": {"IN": "$nouns"}}}]], "yields": [["investsIn", "subject v", "v"]]',
     r"bad.json: rule x.bad: no word list '\$nouns'"),
    ("{}", '"patterns": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": "buy"}}]], "facts": [["investment", "buyer v", "v"]]',
     r"rule x.bad: role 'buyer v': no argument finder 'buyer' \(known: actor, agent"),
    ('{"verbs": ["buy", "$verbs"]}',
     '"patterns": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": {"LEMMA": {"IN": "$verbs"}}}]], "yields": [["investsIn", "subject v", "v"]]',
     r"bad.json: rule x.bad: word list '\$verbs' names itself"),
], ids=["unknown word list", "unknown finder", "word list naming itself"])
def test_a_malformed_rule_is_named(tmp_path, words, rule, message):
    from kg.extract.patterns import RuleSet

    (tmp_path / "words.json").write_text(words, encoding="utf-8")
    (tmp_path / "bad.json").write_text(f'{{"rules": [{{"id": "x.bad", {rule}, "examples": []}}]}}', encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        RuleSet(tmp_path)


def test_a_word_list_may_name_other_lists(tmp_path):
    from kg.extract.patterns import RuleSet

    words = '{"deal_nouns": ["deal", "$unit_nouns"], "unit_nouns": ["unit", "arm"], "titles": {}}'
    (tmp_path / "words.json").write_text(words, encoding="utf-8")
    (tmp_path / "r.json").write_text('{"rules": [{"id": "x.deal", "patterns": [[{"RIGHT_ID": "v", "RIGHT_ATTRS": '
                                     '{"LEMMA": {"NOT_IN": "$deal_nouns"}}}]], "yields": [["investsIn", "subject v", "v"]], '
                                     '"examples": []}]}', encoding="utf-8")
    assert RuleSet(tmp_path).get("x.deal").patterns[0][0]["RIGHT_ATTRS"]["LEMMA"] == {"NOT_IN": ["deal", "unit", "arm"]}


class _About:
    anaphor_nouns = frozenset({"company"})

    def __init__(self, found):
        self.found = found

    def about(self, offset):
        return self.found


def _doc(words, heads, deps, pos, lemmas, sent_starts=None):
    vocab = blank_pipeline().vocab
    tags = {"VERB": "VB", "PROPN": "NNP", "NOUN": "NN"}
    return Doc(vocab, words=words, heads=heads, deps=deps, pos=pos, lemmas=lemmas,
               tags=[tags.get(p, p) for p in pos], sent_starts=sent_starts or [True] + [False] * (len(words) - 1))


def test_subject_climbs_agreed_to_and_reads_the_object_list():
    """No trained model: a hand-built parse of "Acme agreed to acquire Globex and Initech ."."""
    words = ["Acme", "agreed", "to", "acquire", "Globex", "and", "Initech", "."]
    doc = _doc(words, [1, 1, 3, 1, 3, 4, 4, 1], ["nsubj", "ROOT", "aux", "xcomp", "dobj", "cc", "conj", "punct"],
               ["PROPN", "VERB", "PART", "VERB", "PROPN", "CCONJ", "PROPN", "PUNCT"],
               ["Acme", "agree", "to", "acquire", "Globex", "and", "Initech", "."])
    found = [Found(0, 4, "Acme", "Organization", "Acme"), Found(26, 32, "Globex", "Organization", "Globex"),
             Found(37, 44, "Initech", "Organization", "Initech")]
    got = {(m.subject.key, m.relation, m.object.key, m.rule) for m in match_relations(doc, found, _About(None))}
    assert ("Acme", "investsIn", "Globex", "acquisition.buy-verb") in got
    assert ("Acme", "investsIn", "Initech", "acquisition.buy-verb") in got
    assert ("Initech", "subsidiaryOf", "Acme", "acquisition.buy-verb") in got


def test_a_pronoun_subject_is_the_company_the_text_is_about():
    """"It will buy Globex ." after a sentence about Acme."""
    doc = _doc(["It", "will", "buy", "Globex", "."], [2, 2, 2, 2, 2], ["nsubj", "aux", "ROOT", "dobj", "punct"],
               ["PRON", "AUX", "VERB", "PROPN", "PUNCT"], ["it", "will", "buy", "Globex", "."])
    acme = Found(0, 4, "Acme", "Organization", "Acme")
    found = [Found(12, 18, "Globex", "Organization", "Globex")]
    got = {(m.subject.key, m.relation, m.object.key) for m in match_relations(doc, found, _About(acme))}
    assert ("Acme", "investsIn", "Globex") in got


def _deal_doc(first_verb: str, first_lemma: str) -> Doc:
    """"Acme <verb> Globex . The deal is valued at $ 5 billion .", two sentences."""
    return _doc(["Acme", first_verb, "Globex", ".", "The", "deal", "is", "valued", "at", "$", "5", "billion", "."],
               [1, 1, 1, 1, 5, 7, 7, 7, 7, 11, 11, 8, 7],
               ["nsubj", "ROOT", "dobj", "punct", "det", "nsubjpass", "auxpass", "ROOT", "prep", "quantmod", "compound",
                "pobj", "punct"],
               ["PROPN", "VERB", "PROPN", "PUNCT", "DET", "NOUN", "AUX", "VERB", "ADP", "SYM", "NUM", "NUM", "PUNCT"],
               ["Acme", first_lemma, "Globex", ".", "the", "deal", "be", "value", "at", "$", "5", "billion", "."],
               [True, False, False, False, True] + [False] * 8)


def test_the_deal_of_a_later_sentence_is_the_last_buyers():
    """No trained model: "The deal is valued at $5 billion" after "Acme bought Globex" is Acme's investment;
    after a sentence that reads no deal, it is no one's."""
    found = [Found(0, 4, "Acme", "Organization", "Acme"), Found(12, 18, "Globex", "Organization", "Globex")]
    _, numbers = match_rules(_deal_doc("bought", "buy"), found, _About(None))
    assert [(n.subject.key, n.metric, n.value, n.unit, n.rule) for n in numbers] == [
        ("Acme", "investment", 5_000_000_000, "USD", "price.deal-noun")]
    _, numbers = match_rules(_deal_doc("praised", "praise"), found, _About(None))
    assert numbers == []


def test_a_blank_pipeline_reads_no_relations():
    doc = blank_pipeline()("Acme agreed to acquire Globex.")
    assert match_relations(doc, [Found(0, 4, "Acme", "Organization", "Acme")], _About(None)) == []


EXAMPLES = [(rule, n, ex) for rule in RULES.relation_rules for n, ex in enumerate(rule.examples)]


@pytest.mark.model
@pytest.mark.parametrize("rule,n,example", EXAMPLES, ids=[f"{r.id}-{n}" for r, n, _ in EXAMPLES])
def test_relation_rule_examples(read, rule, n, example):
    got, _ = read(example.text)
    mine = {row[:-1] for row in got if row[-1] == rule.id}
    for expected in example.expect:
        assert tuple(expected) in mine, f"{rule.id} missed {expected} in {example.text!r}: read {sorted(mine)}"
    if not example.expect:
        assert not mine, f"{rule.id} read {sorted(mine)} in its negative example {example.text!r}"


ENTITY_EXAMPLES = [(rule, n, ex) for rule in RULES.entity_rules for n, ex in enumerate(rule.examples)]


@pytest.mark.model
@pytest.mark.parametrize("rule,n,example", ENTITY_EXAMPLES, ids=[f"{r.id}-{n}" for r, n, _ in ENTITY_EXAMPLES])
def test_entity_rule_examples(read, rule, n, example):
    _, mentions = read(example.text)
    orgs = {m.text for m in mentions if m.label == rule.label}
    for (name,) in example.expect:
        assert name in orgs, f"{rule.id}: {name!r} is not an {rule.label} in {example.text!r}: {orgs}"
    if not example.expect:
        assert not {m.text for m in mentions if m.kind == "structure"}
