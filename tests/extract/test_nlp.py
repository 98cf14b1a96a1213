"""kg's spaCy pipeline: its attribute ruler gives what spaCy's gives."""

import os

import pytest
import spacy
from spacy.pipeline import AttributeRuler

from kg.extract.nlp import TokenAttributeRuler, load_model, load_pipeline

# Patterns of every kind the table reads (one token: a value, IN, NOT_IN,
# REGEX, a flag, TEXT for ORTH, index -1) and of kinds left to spaCy's
# Matcher (two tokens, an operator, a LENGTH test, index 1), in an order where
# later patterns overwrite earlier ones on the same token.
PATTERNS = [
    {"patterns": [[{"IS_PUNCT": True}]], "attrs": {"POS": "PUNCT"}},
    {"patterns": [[{"LIKE_NUM": True}]], "attrs": {"POS": "NUM", "MORPH": "NumType=Card"}},
    {"patterns": [[{"LOWER": {"IN": ["buys", "bought", "acquires"]}}]], "attrs": {"POS": "VERB", "LEMMA": "buy"}},
    {"patterns": [[{"LOWER": "acquires"}]], "attrs": {"LEMMA": "acquire"}, "index": -1},
    {"patterns": [[{"TEXT": "Globex"}], [{"ORTH": "Initech"}]], "attrs": {"POS": "PROPN"}},
    {"patterns": [[{"LOWER": {"REGEX": "^n'?t$"}}]], "attrs": {"LEMMA": "not", "POS": "PART"}},
    {"patterns": [[{"IS_ALPHA": True, "LOWER": {"NOT_IN": ["the", "a", "buys", "bought", "acquires"]}}]],
     "attrs": {"NORM": "word"}},
    {"patterns": [[{"IS_SPACE": True}]], "attrs": {"POS": "SPACE"}},
    {"patterns": [[{"LOWER": "gon"}, {"LOWER": "na"}]], "attrs": {"LEMMA": "to"}, "index": 1},
    {"patterns": [[{"LOWER": "the"}, {"IS_ALPHA": True, "OP": "+"}]], "attrs": {"POS": "DET"}},
    {"patterns": [[{"LENGTH": 1, "IS_ALPHA": True}]], "attrs": {"POS": "X"}},
    {"patterns": [[{"NORM": "word", "LOWER": {"IN": ["globex"]}}]], "attrs": {"MORPH": "Number=Sing"}},
]

TEXTS = [
    "Globex bought Initech for $4.5 billion in 2024; the deal isn't done and I'm gonna wait.",
    "Acme acquires 12 start-ups.\n\nThe  board says it ain't so: a X-ray of Initech's books!",
    "",
    " ",
]


def _annotations(doc):
    return [(t.text, t.pos_, str(t.morph), t.lemma_, t.norm_) for t in doc]


def test_the_attribute_ruler_matches_and_annotates_as_spacys_own_does():
    nlp = spacy.blank("en")
    ours, spacys = TokenAttributeRuler(nlp.vocab), AttributeRuler(nlp.vocab)
    ours.add_patterns(PATTERNS)
    spacys.add_patterns(PATTERNS)
    # the one-token tests go to the table, the rest to spaCy's Matcher
    assert len(ours._specs) == 10 and len(ours._others) == 3
    for text in TEXTS * 2:  # twice: the second time from what the first worked out
        assert ours.match(nlp(text)) == spacys.match(nlp(text))
        assert _annotations(ours(nlp(text))) == _annotations(spacys(nlp(text)))
    assert ours.patterns == spacys.patterns


def test_the_attribute_ruler_forgets_what_it_worked_out_when_a_pattern_is_added():
    nlp = spacy.blank("en")
    ruler = TokenAttributeRuler(nlp.vocab)
    ruler.add_patterns(PATTERNS[:3])
    assert [t.lemma_ for t in ruler(nlp("Globex bought it"))] == ["", "buy", ""]
    ruler.add(patterns=[[{"LOWER": "bought"}]], attrs={"LEMMA": "purchase"})
    assert [t.lemma_ for t in ruler(nlp("Globex bought it"))] == ["", "purchase", ""]
    ruler.clear()
    assert ruler.match(nlp("Globex bought it")) == []


def test_the_attribute_ruler_saves_and_loads_its_patterns():
    nlp = spacy.blank("en")
    ruler = TokenAttributeRuler(nlp.vocab)
    ruler.add_patterns(PATTERNS)
    loaded = TokenAttributeRuler(nlp.vocab).from_bytes(ruler.to_bytes())
    assert loaded.patterns == ruler.patterns
    assert loaded.match(nlp(TEXTS[0])) == ruler.match(nlp(TEXTS[0]))


@pytest.fixture(scope="module")
def trained():
    try:
        return load_pipeline()
    except OSError as exc:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(str(exc))


def test_the_trained_pipeline_annotates_as_the_model_spacy_loads(trained):
    ruler = trained.get_pipe("attribute_ruler")
    assert isinstance(ruler, TokenAttributeRuler)
    stock = load_model()
    assert type(stock.get_pipe("attribute_ruler")) is AttributeRuler
    assert ruler.patterns == stock.get_pipe("attribute_ruler").patterns
    stock.add_pipe("kg_line_breaks", before="parser")  # kg's pipeline but for its attribute ruler
    texts = TEXTS + [
        "There's a gap: Acme's CEO said it'll buy 40% of Initech, which doesn't make chips, "
        "but let's see what they gotta do.",
        "Sales fell 12% to NT$452.3 billion (about $14bn) in the quarter ended June 30, 2024.\n\n- Capex: up",
    ]
    for ours, theirs in zip(trained.pipe(texts), stock.pipe(texts)):
        assert ruler.match(ours) == stock.get_pipe("attribute_ruler").match(ours)
        assert [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in ours] == \
            [(t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i) for t in theirs]
