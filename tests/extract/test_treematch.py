"""kg.extract.treematch finds what spaCy's DependencyMatcher finds, in the
same order: on kg's own rules, and on patterns that use every operator and
every kind of token test spaCy knows (those the arrays answer and those
left to spaCy's Matcher)."""

import pytest
from spacy.matcher import DependencyMatcher

from kg.extract.base import parse_article
from kg.extract.nlp import blank_pipeline
from kg.extract.patterns import _merged, load_rules
from kg.extract.treematch import TreeMatcher
from kg.ingest import article_from_text

RULES = load_rules()
OPERATORS = ["<", ">", "<<", ">>", ".", ".*", ";", ";*", "$+", "$-", "$++", "$--", ">+", ">-", ">++", ">--",
             "<+", "<-", "<++", "<--"]
TESTS = [
    {},
    {"POS": "VERB"},
    {"DEP": "nsubj", "POS": {"IN": ["PROPN", "NOUN"]}},
    {"LOWER": {"IN": ["the", "a", "its"]}},
    {"LEMMA": {"NOT_IN": ["be", "have"]}, "POS": "VERB"},
    {"TEXT": "and"},
    {"IS_TITLE": True, "IS_SENT_START": False},  # (spaCy's Matcher reads the second as SENT_START == 1)
    {"IS_SENT_START": True, "TAG": {"REGEX": "^NN"}},
    {"LIKE_NUM": True},
    {"ENT_TYPE": "Organization"},
    {"_": {"kg": "Organization"}},
    {"LOWER": {"REGEX": "^a"}},
    {"LENGTH": {">=": 5}},
    {"LENGTH": {"<": 4, "!=": 2}},
    {"LEMMA": {"IN": ["acquire", "buy"]}, "DEP": {"NOT_IN": ["ROOT"]}},
]


def _patterns() -> list[list[dict]]:
    """Two- and three-node patterns: every operator from a verb, and every
    test under a verb's subject, object or neighbour."""
    out = [[{"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "VERB"}},
            {"LEFT_ID": "a", "REL_OP": op, "RIGHT_ID": "b", "RIGHT_ATTRS": {}}] for op in OPERATORS]
    for test in TESTS:
        for op in (">", ".", ";*", "<<"):
            out.append([{"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "AUX"]}}},
                        {"LEFT_ID": "a", "REL_OP": op, "RIGHT_ID": "b", "RIGHT_ATTRS": test},
                        {"LEFT_ID": "a", "REL_OP": ">", "RIGHT_ID": "c", "RIGHT_ATTRS": {"DEP": "dobj"}}])
        out.append([{"RIGHT_ID": "a", "RIGHT_ATTRS": test}])
    return out


@pytest.fixture(scope="module")
def docs(trained_nlp, shipped_gazetteer):
    """The rules' own example sentences, parsed, and their copy in which
    mentions and titles are one token each (what the relation rules read)."""
    text = "\n\n".join(ex.text for rule in (*RULES.relation_rules, *RULES.entity_rules) for ex in rule.examples)
    # sentences that end on their verb, or on the token after it, with and without a full stop, and one
    # that begins with its verb
    text += "\n\nAcme grew. Globex, which Acme bought, rose 5% as its shares climbed\nInitech fell. Acquire it now!"
    parsed = parse_article(article_from_text(text, "t.txt"), trained_nlp, shipped_gazetteer)
    return [parsed.doc, _merged(parsed.doc, parsed.mentions, RULES)]


def _both(vocab, keyed: dict[str, list[list[dict]]]) -> tuple[TreeMatcher, DependencyMatcher]:
    ours, spacys = TreeMatcher(vocab), DependencyMatcher(vocab)
    for key, patterns in keyed.items():
        ours.add(key, patterns)
        spacys.add(key, patterns)
    return ours, spacys


@pytest.mark.model
@pytest.mark.parametrize("kind", ["relation_rules", "entity_rules"])
def test_the_rules_match_as_in_spacy(docs, kind):
    keyed = {f"{rule.id}#{n}": [pattern] for rule in getattr(RULES, kind) for n, pattern in enumerate(rule.patterns)}
    ours, spacys = _both(docs[0].vocab, keyed)
    assert len(ours) == len(spacys) == len(keyed)
    for doc in docs:
        expected = spacys(doc)
        assert expected, "the examples must give matches for the comparison to mean something"
        assert ours(doc) == expected


@pytest.mark.model
def test_every_operator_and_test_match_as_in_spacy(docs):
    patterns = _patterns()
    # one key holding many patterns, and keys added again after others: spaCy's order by key
    keyed = {"one": patterns[:5], **{f"p{n}": [p] for n, p in enumerate(patterns[5:], 5)}}
    ours, spacys = _both(docs[0].vocab, keyed)
    ours.add("one", patterns[5:8])
    spacys.add("one", patterns[5:8])
    for doc in docs:
        expected = spacys(doc)
        assert {key for key, _ in expected} >= {docs[0].vocab.strings[k] for k in ("one", "p10", "p40")}
        assert ours(doc) == expected


def test_a_malformed_pattern_is_spacys_error():
    with pytest.raises(ValueError):
        TreeMatcher(blank_pipeline().vocab).add("bad", [[{"RIGHT_ATTRS": {"POS": "VERB"}}, {"LEFT_ID": "x"}]])


def test_a_test_the_document_cannot_answer_is_refused_as_spacy_refuses_it():
    nlp = blank_pipeline()
    ours = TreeMatcher(nlp.vocab)
    ours.add("verb", [[{"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "VERB", "LOWER": "buys"}}]])
    with pytest.raises(ValueError, match="POS"):
        ours(nlp("Acme buys Globex."))
