"""spaCy's ``DependencyMatcher``, with the same matches in the same order,
at a small part of its cost on kg's rules.

spaCy's matcher spent more time on the rules than spaCy spent parsing the
text: it runs a token ``Matcher`` with one pattern per pattern node (557 for
the relation rules, 220 of them different), whose set tests (``"LEMMA":
{"IN": [...]}``) are a Python call per token and test; it climbs from every
matched token to its root through ``Token`` objects; and it tries every
combination of the nodes' candidates in a sentence before checking a single
edge. Here each different node is tested once per document on arrays of
token attributes, and a pattern's matches grow node by node along its edges
(every edge goes from an earlier node to a later one), so a failed edge
prunes what follows it; the order is still spaCy's (patterns in the order
added, sentences in the order their first candidate token comes, each
pattern's matches in increasing token order). A node test outside what the
arrays can answer (``"_"``, ``"REGEX"``, comparisons, ``"OP"`` ...) goes to a
spaCy ``Matcher``; the edges' operators are spaCy's own
(``DependencyMatcher._ops``), and so is the checking of each pattern, by the
spaCy matcher kept beside this one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import numpy as np
from spacy.attrs import DEP, HEAD, IDS, LEMMA, MORPH, POS, TAG
from spacy.errors import Errors
from spacy.matcher import DependencyMatcher, Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = ["TreeMatcher"]

#: token attributes whose value is a string, compared by its id
_STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LEMMA", "POS", "TAG", "DEP",
                           "ENT_TYPE", "ENT_ID", "ENT_KB_ID"})
#: token attributes that are true or false
_FLAG_ATTRS = frozenset({"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_UPPER",
                         "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT",
                         "IS_RIGHT_PUNCT", "IS_CURRENCY"})
#: what the pipeline must have set for a test on these to mean anything (spaCy's Matcher refuses the document otherwise)
_ANNOTATED = {TAG: "tagger", POS: "morphologizer or tagger+attribute_ruler", MORPH: "morphologizer or tagger+attribute_ruler",
              LEMMA: "lemmatizer", DEP: "parser"}

_Test = tuple[int, str, object]  # (attribute id, "eq" | "in" | "not_in", value id or array of ids)


def _array_tests(attrs: dict, strings) -> list[_Test] | None:
    """A node's token test as tests on attribute arrays, or None when it
    needs spaCy's Matcher. A string is compared by the id spaCy's Matcher
    gives it (``StringStore.add`` for a value, ``get_string_id`` in a set)."""
    tests: list[_Test] = []
    for name, value in attrs.items():
        name = name.upper() if isinstance(name, str) else name
        if name in _STRING_ATTRS and isinstance(value, str):
            tests.append((IDS["ORTH" if name == "TEXT" else name], "eq", np.uint64(strings.add(value))))
        elif name in _FLAG_ATTRS and isinstance(value, bool):
            tests.append((IDS[name], "eq", np.uint64(value)))
        elif (name in _STRING_ATTRS and isinstance(value, dict) and value
              and all(k in ("IN", "NOT_IN") and isinstance(v, list) and v and all(isinstance(s, str) for s in v)
                      for k, v in value.items())):
            for k, v in value.items():
                ids = np.array(sorted({get_string_id(s) for s in v}), dtype=np.uint64)
                tests.append((IDS["ORTH" if name == "TEXT" else name], k.lower(), ids))
        else:
            return None
    return tests


class TreeMatcher:
    """Dependency patterns (spaCy's ``DependencyMatcher`` format) matched
    the way spaCy's matcher does: ``matcher(doc)`` is the list of
    ``(key id, [token index per node])`` spaCy's would return."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._spacy = DependencyMatcher(vocab)
        #: key id -> [(node keys, (left node index, operator) per node after the first)]
        self._patterns: dict[int, list[tuple[tuple[str, ...], tuple[tuple[int, str], ...]]]] = {}
        self._tests: dict[str, list[_Test]] = {}  # node key -> its tests on arrays
        self._others = Matcher(vocab)  # node key -> its test, for the nodes the arrays cannot test
        self._other_keys: set[str] = set()
        self._annotated: set[int] = set()

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        """Add ``patterns`` under ``key``; a malformed one is spaCy's ValueError."""
        self._spacy.add(key, patterns)
        compiled = self._patterns.setdefault(self.vocab.strings.add(key), [])
        for pattern in patterns:
            index = {node["RIGHT_ID"]: i for i, node in enumerate(pattern)}
            nodes = tuple(self._node(node["RIGHT_ATTRS"]) for node in pattern)
            edges = tuple((index[node["LEFT_ID"]], node["REL_OP"]) for node in pattern[1:])
            compiled.append((nodes, edges))

    def _node(self, attrs: dict) -> str:
        """The key of a node's token test, added once however many nodes share it."""
        key = json.dumps(attrs, sort_keys=True)
        if key in self._tests or key in self._other_keys:
            return key
        tests = _array_tests(attrs, self.vocab.strings)
        if tests is None:
            self._others.add(key, [[attrs]])
            self._other_keys.add(key)
        else:
            self._tests[key] = tests
            self._annotated |= {attr for attr, kind, _ in tests if kind == "eq" and attr in _ANNOTATED}
        return key

    def _candidates(self, doc: Doc) -> dict[str, list[int]]:
        """Node key -> the tokens that pass its test, in increasing order."""
        for attr in sorted(self._annotated):
            if not doc.has_annotation(attr):
                raise ValueError(Errors.E155.format(pipe=_ANNOTATED[attr], attr=self.vocab.strings[attr]))
        attrs = sorted({attr for tests in self._tests.values() for attr, _, _ in tests})
        columns = dict(zip(attrs, doc.to_array(attrs).reshape(len(doc), len(attrs)).T)) if attrs else {}
        passed: dict[tuple, np.ndarray] = {}  # one test, shared by many nodes: computed once
        out: dict[str, list[int]] = {}
        for key, tests in self._tests.items():
            mask = np.ones(len(doc), dtype=bool)
            for attr, kind, value in tests:
                test = (attr, kind, value.tobytes())
                if test not in passed:
                    column = columns[attr]
                    if kind == "eq":
                        passed[test] = column == value
                    else:  # the sorted ids at the place each token's value would go (np.isin is slower on short arrays)
                        found = value[np.searchsorted(value, column).clip(max=len(value) - 1)] == column
                        passed[test] = found if kind == "in" else ~found
                mask &= passed[test]
            out[key] = np.flatnonzero(mask).tolist()
        for key in self._other_keys:
            out[key] = []
        if self._other_keys:
            for match_id, start, _ in self._others(doc):
                out[self.vocab.strings[match_id]].append(start)
        return out

    def __call__(self, doc: Doc) -> list[tuple[int, list[int]]]:
        if not len(doc) or not self._patterns:
            return []
        candidates = self._candidates(doc)
        # the root of each token's tree (heads halved in number of steps each round)
        heads = doc.to_array(HEAD).astype(np.int64) + np.arange(len(doc))
        roots = heads
        for _ in range(len(doc).bit_length() + 1):
            further = roots[roots]
            if np.array_equal(further, roots):
                break
            roots = further
        root = roots.tolist()
        # trees in the order of their first token that some node's test passes
        matched = sorted({i for tokens in candidates.values() for i in tokens})
        rank: dict[int, int] = {}
        for i in matched:
            rank.setdefault(root[i], len(rank))
        sets = {key: set(tokens) for key, tokens in candidates.items()}
        related: dict[tuple[int, str], list[int]] = {}
        ops = self._spacy._ops

        def relatives(i: int, op: str) -> list[int]:
            if (i, op) not in related:
                related[i, op] = sorted({t.i for t in ops[op](doc, i)})
            return related[i, op]

        def grow(nodes, edges, tree: int, chosen: list[int]) -> Iterator[list[int]]:
            n = len(chosen)
            if n == len(nodes):
                yield list(chosen)
                return
            left, op = edges[n - 1]
            allowed = sets[nodes[n]]
            for i in relatives(chosen[left], op):
                if i in allowed and root[i] == tree:
                    chosen.append(i)
                    yield from grow(nodes, edges, tree, chosen)
                    chosen.pop()

        out = []
        for key, patterns in self._patterns.items():
            for nodes, edges in patterns:
                for first in sorted(candidates[nodes[0]], key=lambda i: (rank[root[i]], i)):
                    out.extend((key, tokens) for tokens in grow(nodes, edges, root[first], [first]))
        return out
