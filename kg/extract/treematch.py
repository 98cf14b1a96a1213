"""spaCy's ``DependencyMatcher``, with the same matches in the same order,
at a small part of its cost on kg's rules.

spaCy's matcher spent more time on the rules than spaCy spent parsing the
text: it runs a token ``Matcher`` with one pattern per pattern node (557 for
the relation rules, 220 of them different), whose set tests (``"LEMMA":
{"IN": [...]}``) are a Python call per token and test; it climbs from every
matched token to its root through ``Token`` objects; and it tries every
combination of the nodes' candidates in a sentence before checking a single
edge. Here every node is tested at once on arrays of the document's token
attributes, and a pattern's matches grow node by node along its edges
(every edge goes from an earlier node to a later one), so a failed edge
prunes what follows it. The order is still spaCy's: patterns in the order
added, sentences in the order of their first token that some node's test
passes, each pattern's matches in increasing token order.

A ``"REGEX"`` on a string or a comparison on ``"LENGTH"``, which spaCy's
Matcher makes with a Python call per token, is decided here once per
distinct value of the attribute. A node test the arrays cannot answer
(``"_"``, ``"OP"`` ...) goes to a spaCy ``Matcher``. The operators that look at the
sentence (``.``, ``;``, ``.*``, ``;*``: spaCy climbs to the root for each
token it asks about), ``<`` and ``>`` are read here from the heads, with
spaCy's meaning; the others are spaCy's own (``DependencyMatcher._ops``). Each
pattern is also added to the spaCy matcher kept beside this one, which
checks it as spaCy does.
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass, field

import numpy as np
from spacy.attrs import DEP, HEAD, IDS, LEMMA, MORPH, POS, SENT_START, TAG
from spacy.errors import Errors
from spacy.matcher import DependencyMatcher, Matcher
from spacy.strings import get_string_id
from spacy.tokens import Doc

__all__ = ["TreeMatcher", "FLAG_ATTRS"]

#: token attributes whose value is a string, compared by its id
_STRING_ATTRS = frozenset({"ORTH", "TEXT", "LOWER", "NORM", "SHAPE", "PREFIX", "SUFFIX", "LEMMA", "POS", "TAG", "DEP",
                           "ENT_TYPE", "ENT_ID", "ENT_KB_ID"})
#: token attributes that are true or false
FLAG_ATTRS = frozenset({"IS_ALPHA", "IS_ASCII", "IS_DIGIT", "IS_LOWER", "IS_PUNCT", "IS_SPACE", "IS_TITLE", "IS_UPPER",
                         "LIKE_URL", "LIKE_NUM", "LIKE_EMAIL", "IS_STOP", "IS_BRACKET", "IS_QUOTE", "IS_LEFT_PUNCT",
                         "IS_RIGHT_PUNCT", "IS_CURRENCY"})
#: what the pipeline must have set for a test on these to mean anything (spaCy's Matcher refuses the document otherwise)
_ANNOTATED = {TAG: "tagger", POS: "morphologizer or tagger+attribute_ruler", MORPH: "morphologizer or tagger+attribute_ruler",
              LEMMA: "lemmatizer", DEP: "parser"}

_Test = tuple[int, frozenset[int], bool]  # (attribute id, value ids, whether a token passes when its value is *not* one)

#: spaCy's Matcher's comparisons
_COMPARISONS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt}


@dataclass(frozen=True)
class _Check:
    """A test of a token's value that is no set of values: ``"REGEX"`` on
    a string attribute (searched in the value's string, as spaCy's Matcher
    does) or a comparison on a number. Each value is decided once, the first
    time a document has it."""

    attr: int
    op: str
    operand: str | int | float
    decided: dict[int, bool] = field(default_factory=dict, compare=False, hash=False, repr=False)

    def __call__(self, column: np.ndarray, strings) -> np.ndarray:
        """Which tokens pass, given their values of the attribute."""
        values, where = np.unique(column, return_inverse=True)
        return np.array([self._passes(value, strings) for value in values.tolist()], dtype=bool)[where]

    def _passes(self, value: int, strings) -> bool:
        if value not in self.decided:
            self.decided[value] = (re.search(self.operand, strings[value]) is not None if self.op == "REGEX"
                                   else _COMPARISONS[self.op](value, self.operand))
        return self.decided[value]


def _array_tests(attrs: dict, strings) -> list[_Test | _Check] | None:
    """A node's token test as tests on attribute arrays, or None when it
    needs spaCy's Matcher. A string is compared by the id spaCy's Matcher
    gives it (``StringStore.add`` for a value, ``get_string_id`` in a set)."""
    tests: list[_Test | _Check] = []
    for name, value in attrs.items():
        name = name.upper() if isinstance(name, str) else name
        attr = IDS.get("ORTH" if name == "TEXT" else name)
        if name in _STRING_ATTRS and isinstance(value, str):
            tests.append((attr, frozenset({strings.add(value)}), False))
        elif name in FLAG_ATTRS and isinstance(value, bool):
            tests.append((attr, frozenset({int(value)}), False))
        elif name == "IS_SENT_START" and isinstance(value, bool):
            # spaCy's Matcher reads it as SENT_START == 1 (the array holds 1, -1 or 0)
            tests.append((SENT_START, frozenset({1}), not value))
        elif (name in _STRING_ATTRS and isinstance(value, dict) and value
              and all(k in ("IN", "NOT_IN") and isinstance(v, list) and v and all(isinstance(s, str) for s in v)
                      for k, v in value.items())):
            tests += [(attr, frozenset(get_string_id(s) for s in v), k == "NOT_IN") for k, v in value.items()]
        elif name in _STRING_ATTRS and isinstance(value, dict) and list(value) == ["REGEX"] and isinstance(value["REGEX"], str):
            tests.append(_Check(attr, "REGEX", value["REGEX"]))
        elif (name == "LENGTH" and isinstance(value, dict) and value
              and all(k in _COMPARISONS and isinstance(v, int | float) and not isinstance(v, bool) for k, v in value.items())):
            tests += [_Check(attr, k, v) for k, v in value.items()]
        else:
            return None
    return tests


class _Tests:
    """Every array test of the nodes, run on a document in a few array
    operations: per attribute, where each token's value sits among the
    values the tests name (and which values pass the checks), then per
    node, whether all its tests pass."""

    def __init__(self, nodes: dict[str, list[_Test | _Check]]):
        everything = {t for node in nodes.values() for t in node}
        tests = sorted((t for t in everything if not isinstance(t, _Check)), key=lambda t: (t[0], sorted(t[1]), t[2]))
        checks = sorted((t for t in everything if isinstance(t, _Check)), key=lambda c: (c.attr, c.op, repr(c.operand)))
        self.attrs = sorted({attr for attr, _, _ in tests} | {c.attr for c in checks})
        column = {attr: k for k, attr in enumerate(self.attrs)}
        number = {t: n for n, t in enumerate([*tests, *checks])}  # the tests' columns, then the checks'
        #: per attribute that sets test: its column, the sorted values its tests name, and which test each value passes
        self.tables = []
        for attr in sorted({attr for attr, _, _ in tests}):
            mine = [t for t in tests if t[0] == attr]
            values = sorted(set().union(*(ids for _, ids, _ in mine)))
            member = np.array([[v in ids for _, ids, _ in mine] for v in values], dtype=bool)
            self.tables.append((column[attr], np.array(values, dtype=np.uint64), member))
        self.checks = [(column[c.attr], c) for c in checks]
        self.negated = np.array([negated for _, _, negated in tests] + [False] * len(checks), dtype=bool)
        #: nodes grouped by their number of tests: (node keys, test numbers, one row per node)
        self.groups = []
        for size in sorted({len(node) for node in nodes.values()}):
            keys = [key for key, node in nodes.items() if len(node) == size]
            self.groups.append((keys, np.array([[number[t] for t in nodes[key]] for key in keys], dtype=np.intp)
                                .reshape(len(keys), size)))

    def __call__(self, doc: Doc) -> tuple[list[str], np.ndarray]:
        """The node keys and, for each, which tokens pass (one column per node)."""
        n = len(doc)
        columns = doc.to_array(self.attrs).reshape(n, len(self.attrs)) if self.attrs else np.zeros((n, 0), np.uint64)
        blocks = []
        for k, values, member in self.tables:
            column = columns[:, k]
            at = np.searchsorted(values, column).clip(max=len(values) - 1)
            blocks.append(member[at] & (values[at] == column)[:, None])
        blocks += [check(columns[:, k], doc.vocab.strings)[:, None] for k, check in self.checks]
        passed = (np.concatenate(blocks, axis=1) if blocks else np.zeros((n, 0), bool)) ^ self.negated
        keys, masks = [], []
        for group, numbers in self.groups:
            keys += group
            masks.append(passed[:, numbers].all(axis=2))  # (tokens, nodes, tests): all tests pass
        return keys, np.concatenate(masks, axis=1) if masks else np.zeros((n, 0), bool)


class TreeMatcher:
    """Dependency patterns (spaCy's ``DependencyMatcher`` format) matched
    the way spaCy's matcher does: ``matcher(doc)`` is the list of
    ``(key id, [token index per node])`` spaCy's would return."""

    def __init__(self, vocab):
        self.vocab = vocab
        self._spacy = DependencyMatcher(vocab)
        #: key id -> [(node keys, (left node index, operator) per node after the first)]
        self._patterns: dict[int, list[tuple[tuple[str, ...], tuple[tuple[int, str], ...]]]] = {}
        self._nodes: dict[str, list[_Test | _Check]] = {}  # node key -> its tests on arrays
        self._tests: _Tests | None = None  # made from _nodes when first needed
        self._others = Matcher(vocab)  # node key -> its test, for the nodes the arrays cannot test
        self._other_keys: set[str] = set()
        self._annotated: set[int] = set()

    def __len__(self) -> int:
        """The number of keys, as spaCy's matcher counts."""
        return len(self._patterns)

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
        if key in self._nodes or key in self._other_keys:
            return key
        tests = _array_tests(attrs, self.vocab.strings)
        if tests is None:
            self._others.add(key, [[attrs]])
            self._other_keys.add(key)
        else:
            self._nodes[key] = tests
            self._tests = None
            # (spaCy's Matcher asks only of the attributes given a plain value, not a set)
            self._annotated |= {IDS.get(name.upper()) for name, value in attrs.items()
                                if not isinstance(value, dict)} & _ANNOTATED.keys()
        return key

    def _candidates(self, doc: Doc) -> tuple[dict[str, list[int]], list[int]]:
        """Node key -> the tokens that pass its test, in increasing order;
        and every token that passes some node's test."""
        for attr in sorted(self._annotated):
            if not doc.has_annotation(attr):
                raise ValueError(Errors.E155.format(pipe=_ANNOTATED[attr], attr=self.vocab.strings[attr]))
        if self._tests is None:
            self._tests = _Tests(self._nodes)
        keys, passed = self._tests(doc)
        nodes, tokens = passed.T.nonzero()  # by node, then by token
        bounds = np.searchsorted(nodes, np.arange(len(keys) + 1)).tolist()
        tokens = tokens.tolist()
        out = {key: tokens[bounds[n]:bounds[n + 1]] for n, key in enumerate(keys)}
        matched = set(passed.any(axis=1).nonzero()[0].tolist())
        if self._other_keys:
            for key in self._other_keys:
                out[key] = []
            for match_id, start, _ in self._others(doc):
                out[self.vocab.strings[match_id]].append(start)
                matched.add(start)
        return out, sorted(matched)

    def __call__(self, doc: Doc) -> list[tuple[int, list[int]]]:
        if not len(doc) or not self._patterns:
            return []
        candidates, matched = self._candidates(doc)
        # the root of each token's tree (heads halved in number of steps each round)
        head = doc.to_array(HEAD).astype(np.int64) + np.arange(len(doc))
        roots = head
        for _ in range(len(doc).bit_length() + 1):
            further = roots[roots]
            if np.array_equal(further, roots):
                break
            roots = further
        # each token's children, in increasing order (spaCy's Token.children, without a Token per child):
        # by_head[child_start[i]:child_start[i + 1]], read only for the tokens a pattern asks (a list per token cost more)
        by_head = np.argsort(head, kind="stable")
        child_start = np.searchsorted(head[by_head], np.arange(len(doc) + 1)).tolist()
        by_head = by_head.tolist()
        root, head = roots.tolist(), head.tolist()
        # trees in the order of their first token that some node's test passes
        rank: dict[int, int] = {}
        for i in matched:
            rank.setdefault(root[i], len(rank))
        allowed: dict[str, set[int]] = {}
        related: dict[tuple[int, str], list[int]] = {}
        edges_of: dict[int, tuple[int, int]] = {}  # root -> the first and last token of its sentence, as spaCy reads it
        ops = self._spacy._ops

        def sentence(i: int) -> tuple[int, int]:
            top = root[i]
            if top not in edges_of:
                edges_of[top] = doc[top].left_edge.i, doc[top].right_edge.i
            return edges_of[top]

        def relatives(i: int, op: str) -> list[int]:
            """The tokens ``op`` relates to token ``i``, in increasing order."""
            if (i, op) in related:
                return related[i, op]
            if op == "<":
                found = [head[i]] if head[i] != i else []
            elif op == ">":
                found = [child for child in by_head[child_start[i]:child_start[i + 1]] if child != i]
            elif op in (".", ";", ".*", ";*"):
                first, last = sentence(i)
                if op == ".":
                    found = [i + 1] if first <= i + 1 <= last else []
                elif op == ";":
                    found = [i - 1] if i > 0 and first <= i - 1 <= last else []
                else:
                    found = list(range(i + 1, last + 1)) if op == ".*" else list(range(first, i))
            else:
                found = sorted({t.i for t in ops[op](doc, i)})
            related[i, op] = found
            return found

        out: list[tuple[int, list[int]]] = []

        def grow(key: int, nodes: tuple[str, ...], edges, tree: int, chosen: list[int]) -> None:
            """Every match that begins with ``chosen``, its nodes taken in order."""
            n = len(chosen)
            if n == len(nodes):
                out.append((key, list(chosen)))
                return
            left, op = edges[n - 1]
            if nodes[n] not in allowed:
                allowed[nodes[n]] = set(candidates[nodes[n]])
            passes = allowed[nodes[n]]
            for i in relatives(chosen[left], op):
                if i in passes and root[i] == tree:
                    chosen.append(i)
                    grow(key, nodes, edges, tree, chosen)
                    chosen.pop()

        for key, patterns in self._patterns.items():
            for nodes, edges in patterns:
                if not all(candidates[node] for node in nodes):
                    continue  # a node no token passes: no match (most patterns, in most articles)
                for first in sorted(candidates[nodes[0]], key=lambda i: (rank[root[i]], i)):
                    grow(key, nodes, edges, root[first], [first])
        return out
