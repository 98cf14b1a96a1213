"""Rules as data: spaCy ``DependencyMatcher`` patterns with ids, roles and
examples, and the small interpreter that applies them.

The rules live in ``kg/extract/rules/*.json``; the word lists they name
(``"$acquire_verbs"``) in ``kg/extract/rules/words.json``. A relation rule
looks like this::

    {"id": "acquisition.buy-verb",
     "doc": "A buys, acquires or purchases B",
     "patterns": [[{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LEMMA": {"IN": "$acquire_verbs"}}},
                   {"LEFT_ID": "verb", "REL_OP": ">", "RIGHT_ID": "target",
                    "RIGHT_ATTRS": {"DEP": "dobj", "_": {"kg": "Organization"}}}]],
     "yields": [["investsIn", "subject verb", "target"]],
     "confidence": 0.8,
     "examples": [{"text": "Acme agreed to buy Globex.", "expect": [["Acme", "investsIn", "Globex"]]},
                  {"text": "Acme bought shares.", "expect": []}]}

Patterns run on a copy of the parsed article in which every mention is one
token whose entity type (``ENT_TYPE``, and ``._.kg``) is its class
(``Organization``, ``Person``, ...) and every job title ("chief executive
officer", "founder and CEO") is one token whose entity type is ``Title``. A role in ``yields`` is a pattern node,
or a node read through one of the argument finders below, written once for
every rule:

- ``NODE``: the mention at that token; through a relative pronoun to what it
  stands for ("X, which ..."), through "it"/"the company" to the company
  the text is about, through an apposition ("its parent, X"), and over a
  coordinated list ("A, B and C"; "Lewisville, Texas").
- ``subject NODE``: the grammatical subject of a verb or of a noun's verb,
  climbing "agreed to buy", "X announced it will buy", "X's purchase of".
- ``agent NODE``: the "by X" of a passive verb or a noun.
- ``actor NODE``: the agent of a passive verb or of a noun, else the
  subject: who pays in "X was bought by Y for $5 billion" (Y).
- ``owner NODE``: the possessor of a noun ("X's unit", "its unit") or the
  name written before it ("Acme CEO").
- ``maker NODE``: the organisation a product is named after ("Airbus
  A350-1000") or that modifies the goods ("Boeing jets").
- ``dealer NODE``: for "the deal" as a clause's subject, the buyer of the
  deal the rules read last ("X agreed to buy Y. The deal is valued at ...").
- ``main NODE``: the company the text is about there ("Rivals X and Y":
  its rivals).

A relation is ``"role NODE"`` to take the relations a title token stands for
(``ceoOf`` for "boss", ``founderOf`` and ``ceoOf`` for "founder and CEO").

Two optional keys say more about the nodes: ``"asserts": [NODE, ...]``, the
nodes whose class the pattern settles over the statistical model's ("the
confectioner behind Nutella": a product), and ``"alone": [ROLE, ...]``, the
roles that stand for their own name and not for the list it is in
("Australian miner X and Canada's Y": only X is Australian). ``"joint":
true`` marks a rule whose partners make their deal together, which stands
where the same sentence calls them rivals. ``"untitled": true`` marks a rule
that reads a role with no title named ("Jane Roe of Acme": worksFor), which
gives way where the same sentence names one for the pair ("CEO Jane Roe of Acme").

Entity rules (``"label"`` instead of ``"yields"``) find organisations that
the statistical model misses: the proper noun at node ``name`` becomes a
mention of that class. A full name the model calls a person stays one
("people have shares too") unless the rule says ``"overrules_people": true``
(nothing but a company is "the division, X"). A rule with ``"lowercase_names": true``
also takes a lower-case word at ``name`` as the whole name (a generic drug's).

>>> rules = load_rules()
>>> rules.get("acquisition.buy-verb").yields[0]
('investsIn', 'subject verb', 'target')
"""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from spacy.attrs import DEP, IS_LOWER, LEMMA, ORTH, TAG
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token

from ..schema import METRICS, RELATIONS
from .facts import parse_amount
from .mentions import CALENDAR_WORDS, DEMONYMS, LEGISLATION, NOT_NAMES, PERSON_DESCRIPTORS, ROLE_WORDS, TITLE_WORDS, Found, Mentions, firm_not_goods, is_heading, line_at, names_a_law, lower_case_words
from .places import is_region_or_capital
from .treematch import TreeMatcher
from .words import load_words

__all__ = ["RULES_DIR", "Example", "RelationRule", "EntityRule", "RuleSet", "load_rules", "Match", "FactMatch",
           "match_relations", "match_rules", "find_entities"]

RULES_DIR = Path(__file__).with_name("rules")

# ._.kg: the class of the mention (or "Title") a merged token is; the
# matcher compares strings, so "no class" is "" rather than None
for _name, _default in (("kg", ""), ("kg_mention", None), ("kg_roles", None)):
    if not Token.has_extension(_name):
        Token.set_extension(_name, default=_default)

_PRONOUNS = {"it", "its", "they", "their", "them", "itself"}
_RELATIVE = {"which", "who", "that", "whose", "whom"}
_LIST_WORDS = {",", ";", "and", "or", "&", "as", "well"}
# the words of a share written before its holder: "40% by X", "40 per cent by X"
_SHARE_WORDS = {"%", "percent", "per", "cent"}


# "X agreed a deal to buy Y", "X made an offer to acquire Y": X still does it
_PLAN_NOUNS = {"deal", "agreement", "plan", "offer", "bid", "move", "step", "decision", "proposal", "pact", "effort",
               "talk", "negotiation", "discussion"}


def _is_share(token: Token) -> bool:
    """A word of a share: "%", "percent", or a percentage the pipeline keeps as one token ("40%")."""
    return token.lower_ in _SHARE_WORDS or token.text.endswith("%")
# the argument finders a role may name ("subject verb"): methods of _Arguments
_FINDERS = {"subject", "agent", "actor", "owner", "maker", "dealer", "main"}
_PERCENT_METRICS = {"stake", "marketShare", "revenueGrowth", "profitGrowth", "sharepriceChange"}


@dataclass(frozen=True, slots=True)
class Example:
    """A sentence of the rule author's own, and what the rule must find in
    it: ``(subject, relation, object)`` names for a relation rule, names for an
    entity rule; empty for a negative example."""

    text: str
    expect: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class RelationRule:
    id: str
    doc: str
    patterns: tuple
    yields: tuple[tuple[str, str, str], ...]  # (relation, subject role, object role)
    confidence: float
    examples: tuple[Example, ...]
    #: (metric, whose role, amount node[, unit node]): a count takes its
    #: unit from the noun it counts ("50 sites")
    facts: tuple[tuple[str, ...], ...] = ()
    #: nodes whose class the pattern settles ("X's drug, Y": Y is a product),
    #: over what the statistical model said
    asserts: frozenset[str] = frozenset()
    #: roles that stand for one name, not the list it is in: in "Australian
    #: miner X and Canada's Y", "Australian" says where X is, not Y
    alone: frozenset[str] = frozenset()
    #: a deal its two parties make together: it stands where the same sentence
    #: calls them rivals ("A and B, longtime rivals, agreed to license ... to each other")
    joint: bool = False
    #: a role read with no title named: it gives way to a titled role the same sentence gives the pair
    untitled: bool = False


@dataclass(frozen=True, slots=True)
class EntityRule:
    id: str
    doc: str
    patterns: tuple
    label: str
    examples: tuple[Example, ...]
    overrules_people: bool = False
    lowercase_names: bool = False


def _expand(value, words: dict[str, list[str]], where: str, seen: tuple[str, ...] = ()):
    """Replace every ``"$name"`` string in a pattern by the word list of that name
    (inside a list, by its words: ``["brand", "$product_range_nouns"]``; a word
    list may name others in turn)."""
    if _is_word_list(value):  # (not the "$--" sibling operator)
        if value[1:] not in words:
            raise ValueError(f"{where}: no word list {value!r} (known: {', '.join(sorted(words))})")
        if value in seen:
            raise ValueError(f"{where}: word list {value!r} names itself")
        return _expand(list(words[value[1:]]), words, where, (*seen, value))
    if isinstance(value, dict):
        return {k: _expand(v, words, where, seen) for k, v in value.items()}
    if isinstance(value, list):
        return [w for v in value for w in (_expand(v, words, where, seen) if _is_word_list(v) else [_expand(v, words, where, seen)])]
    return value


def _is_word_list(value) -> bool:
    return isinstance(value, str) and value.startswith("$") and value[1:].isidentifier()


def _titles(words: dict) -> dict[str, str]:
    """Title phrase (lower case) -> the relation it gives."""
    return {phrase.lower(): relation for relation, phrases in words["titles"].items() for phrase in phrases}


class RuleSet:
    """Every rule and word list of a rules folder, with the matchers built
    once per vocabulary."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.words: dict = load_words(folder / "words.json")
        self.relation_rules: list[RelationRule] = []
        self.entity_rules: list[EntityRule] = []
        for path in sorted(folder.glob("*.json")):
            if path.name == "words.json":
                continue
            for raw in json.loads(path.read_text(encoding="utf-8"))["rules"]:
                self._add(raw, path.name)
        self._by_id = {r.id: r for r in (*self.relation_rules, *self.entity_rules)}
        self.titles = _titles(self.words)
        #: words that describe a company and so are no part of its name
        self.common_nouns = frozenset(w.lower() for w in self.words.get("org_nouns", ()))
        #: groups of people a company has, who are not the company ("X's shareholders")
        self.people_nouns = frozenset(self.words.get("people_nouns", ()))
        # "Chevron's rival Exxon": a noun for another party than its owner
        self.counterpart_nouns = frozenset(self.words.get("counterpart_nouns", ()))
        # "a consortium including A and B": a noun for the firms it names
        self.group_nouns = frozenset(self.words.get("group_nouns", ()))
        self._matchers: dict[int, tuple] = {}

    def _add(self, raw: dict, file: str) -> None:
        where = f"{file}: rule {raw.get('id', '?')}"
        missing = {"id", "patterns", "examples"} - raw.keys()
        if missing or not ({"yields", "facts", "label"} & raw.keys()):
            raise ValueError(f"{where}: needs id, patterns, examples and yields, facts or label "
                             f"(missing {', '.join(sorted(missing))})")
        if any(r.id == raw["id"] for r in (*self.relation_rules, *self.entity_rules)):
            raise ValueError(f"{where}: the id is used twice")
        patterns = tuple(_expand(p, self.words, where) for p in raw["patterns"])
        examples = tuple(Example(e["text"], tuple(tuple(x) for x in e["expect"])) for e in raw["examples"])
        if "label" in raw:
            self.entity_rules.append(EntityRule(raw["id"], raw.get("doc", ""), patterns, raw["label"], examples,
                                                raw.get("overrules_people", False), raw.get("lowercase_names", False)))
            return
        yields = tuple(tuple(y) for y in raw.get("yields", ()))
        facts = tuple(tuple(f) for f in raw.get("facts", ()))
        nodes = {n["RIGHT_ID"] for p in patterns for n in p}
        for relation, *roles in yields:
            if relation not in RELATIONS and not relation.startswith("role "):
                raise ValueError(f"{where}: unknown relation {relation!r}")
            for role in roles + ([relation] if relation.startswith("role ") else []):
                if role.split()[-1] not in nodes:
                    raise ValueError(f"{where}: role {role!r} names no pattern node")
        for metric, whose, amount, *unit in facts:
            if metric not in METRICS:
                raise ValueError(f"{where}: unknown metric {metric!r} (known: {', '.join(METRICS)})")
            if whose.split()[-1] not in nodes or amount not in nodes or not set(unit) <= nodes:
                raise ValueError(f"{where}: fact {metric} names no pattern node")
        for role in [r for _, *roles in yields for r in roles] + [whose for _, whose, *_ in facts]:
            finder = role.rpartition(" ")[0]
            if finder and finder not in _FINDERS:
                raise ValueError(f"{where}: role {role!r}: no argument finder {finder!r} (known: {', '.join(sorted(_FINDERS))})")
        asserts, alone = frozenset(raw.get("asserts", ())), frozenset(raw.get("alone", ()))
        if not asserts <= nodes or not alone <= {role for _, *roles in yields for role in roles}:
            raise ValueError(f"{where}: asserts names no pattern node, or alone no role")
        self.relation_rules.append(RelationRule(raw["id"], raw.get("doc", ""), patterns, yields,
                                                float(raw.get("confidence", 0.6)), examples, facts, asserts, alone,
                                                bool(raw.get("joint", False)), bool(raw.get("untitled", False))))

    def get(self, rule_id: str) -> RelationRule | EntityRule:
        return self._by_id[rule_id]  # (looked up for every match the matchers find)

    def matchers(self, vocab) -> tuple[TreeMatcher, TreeMatcher, PhraseMatcher]:
        """(relation matcher, entity matcher, title matcher) for ``vocab``.
        Each pattern is added under ``"<rule id>#<n>"`` so that a match says
        which pattern's node order its tokens follow."""
        key = id(vocab)
        if key not in self._matchers:
            relations, entities = TreeMatcher(vocab), TreeMatcher(vocab)
            for matcher, rules in ((relations, self.relation_rules), (entities, self.entity_rules)):
                for rule in rules:
                    for n, pattern in enumerate(rule.patterns):
                        try:
                            matcher.add(f"{rule.id}#{n}", [pattern])
                        except ValueError as exc:
                            raise ValueError(f"rule {rule.id}, pattern {n}: {exc}") from None
            titles = PhraseMatcher(vocab, attr="LOWER")
            titles.add("title", list(_phrase_docs(vocab, self.titles)))
            self._matchers[key] = (relations, entities, titles)
        return self._matchers[key]


def _phrase_docs(vocab, phrases: Iterable[str]) -> Iterator[Doc]:
    for phrase in phrases:
        yield Doc(vocab, words=phrase.split())


@lru_cache(maxsize=4)
def load_rules(folder: str | Path = RULES_DIR) -> RuleSet:
    """The rules in ``folder`` (cached). A malformed rule is a ValueError
    naming its file and id."""
    return RuleSet(Path(folder))


# ------------------------------------------------------------------ entities

def _name_span(token: Token, common: frozenset[str] = frozenset(), written_lower: frozenset[str] = frozenset()) -> Span:
    """The proper name a token ends: itself and the proper nouns (and "&")
    on its left, and words joined to it by hyphens without spaces
    ("Coca-Cola", "Rolls-Royce", "Net-a-Porter"); a capitalised word in ``common``
    ("Chipmaker Qorvex") describes the name rather than being part of it."""
    doc, start = token.doc, token.i
    while start > 0:
        prev = doc[start - 1]
        if prev.lower_ in common or prev.lower_.removesuffix("s") in common:  # "Rivals Novartis"
            break
        if prev.pos_ == "PROPN" and not prev._.kg or prev.text == "&" and start >= 2 and doc[start - 2].pos_ == "PROPN":
            start -= 1
        elif (prev.text in {"'", "’"} and start >= 2 and not doc[start - 2].whitespace_ and doc[start - 2].text.endswith("s")
              and doc[start - 2].pos_ == "PROPN"):
            start -= 2  # a plural's bare apostrophe inside the name: "Ontario Teachers' Pension Plan"
        elif prev.text == "-" and not prev.whitespace_ and start >= 2 and not doc[start - 2].whitespace_ \
                and (doc[start - 2].text[:1].isupper()
                     or doc[start - 2].is_alpha and start >= 4 and doc[start - 3].text == "-" and not doc[start - 4].whitespace_):
            start -= 2  # "Coca-Cola", "Net-a-Porter"
        elif (prev.text[:1].isupper() and prev.pos_ in {"ADJ", "NOUN"} and prev.dep_ in {"amod", "compound"}
              and prev.head.i == start and not prev._.kg and prev.text not in DEMONYMS
              # at a sentence's start only a word the article never writes in lower case ("Direct Line, whose ...")
              and (not prev.is_sent_start or written_lower and prev.lower_ not in written_lower)):
            start -= 1  # a capitalised word the tagger took for another part of speech: "Direct Line"
        else:
            break
    # and on its right, words joined by hyphens without spaces up to a
    # capitalised one ("Yoox Net-a-Porter", not "Marlow-owned")
    end = i = token.i + 1
    while i + 1 < len(doc) and doc[i].text == "-" and not doc[i - 1].whitespace_ and not doc[i].whitespace_ \
            and doc[i + 1].is_alpha:
        i += 2
        if doc[i - 1].text[:1].isupper():
            end = i
    # a plural's bare apostrophe inside a name: "Ontario Teachers' Pension Plan"
    if (end + 1 < len(doc) and doc[end].text in {"'", "’"} and not doc[end - 1].whitespace_
            and doc[end - 1].text.endswith("s") and doc[end + 1].pos_ == "PROPN" and doc[end + 1].text[:1].isupper()):
        end += 2
        while end < len(doc) and doc[end].pos_ == "PROPN" and doc[end].text[:1].isupper() and not doc[end]._.kg:
            end += 1
    return doc[start:end]




def _titled(token: Token) -> bool:
    """Whether a job title or a noun only a person is ("billionaire", "tycoon") names the
    person at ``token`` ("NextDC boss Craig Scroggie", "Craig Scroggie, chief executive",
    "controlled by billionaire Ravi Jaipuria"): a person, whatever role a rule wants there."""
    before = token.doc[token.i - 1] if token.i > 0 else None
    return (before is not None and (before._.kg == "Title" or before.lemma_.lower() in PERSON_DESCRIPTORS)
            or any(c._.kg == "Title" and c.dep_ in {"compound", "appos", "nmod"}
                   or c.lemma_.lower() in PERSON_DESCRIPTORS and c.dep_ in {"compound", "amod", "nmod"}
                   or c.dep_ == "appos" and _is_job(c)
                   for c in token.children)
            # "millionaires A and B own 29%": what the first of a list is called, each is
            or token.dep_ == "conj" and token.head.i < token.i and _titled(token.head))


#: a job title (mentions.ROLE_WORDS): "manager", "economist", "CEO"
_JOB = re.compile(ROLE_WORDS, re.IGNORECASE)
#: jobs firms have too (words.json firm_jobs): "Tencent, an investor in X"
_FIRM_JOBS = frozenset(load_words()["firm_jobs"])
#: what makes a manager a firm (words.json money_manager_words): "X, the Edinburgh-based fund manager"
_MONEY_MANAGER_WORDS = frozenset(load_words()["money_manager_words"])


def _is_job(noun: Token) -> bool:
    """Whether a noun in apposition is a person's job ("X, a Singapore-based analyst"), which
    no firm is (not "an investor", nor "the fund manager", which firms are too)."""
    return (_JOB.fullmatch(noun.text) is not None and noun.lower_ not in _FIRM_JOBS
            and not any(child.lower_ in _MONEY_MANAGER_WORDS for child in noun.children))


def _is_name(token: Token, common_words: frozenset[str] = frozenset()) -> bool:
    """A capitalised word that names something: a proper noun, or a
    capitalised word the tagger took for another part of speech, inside a
    sentence ("Ozempic maker") or at its start when the article never
    writes it in lower case (``common_words``: "Cartier owner X", not
    "Chip maker X" in an article about chips)."""
    if (not token.text[:1].isupper() or token.ent_type_ in {"DATE", "TIME", "MONEY", "PERCENT", "CARDINAL"}
            or token.lower_ in CALENDAR_WORDS or token.lower_ in NOT_NAMES):
        return False
    return token.pos_ == "PROPN" or token.pos_ in {"NOUN", "ADJ"} and not token.is_stop and (
        not token.is_sent_start or common_words and not {token.lower_, token.lemma_.lower()} & common_words)


_MARKET_SHARE_AFTER = re.compile(r"\s*(?:%|percent|per cent)?\s*(?:[\w-]+\s+)?market\s+share", re.I)
# a word that ends firms' names ("Securities", "Exchange"): "X and Y" around it is one name
_NAME_WORD = re.compile("|".join(load_words()["org_suffixes"]))


def _nationals(token: Token) -> bool:
    """"the Germans may raise their bid": a nationality's people, no firm."""
    return (token.text.endswith("s") and token.text[:-1] in DEMONYMS and token.i > 0
            and token.doc[token.i - 1].lower_ == "the")


def _hyphen_tail(token: Token) -> bool:
    """Whether ``token`` ends a hyphenated word ("tank" of "think-tank")."""
    doc, i = token.doc, token.i
    return i >= 2 and doc[i - 1].text == "-" and not doc[i - 1].whitespace_ and not doc[i - 2].whitespace_


def _job_at(nodes: dict[str, Token]) -> bool:
    """Whether a rule's noun is a job at a firm ("X, a football specialist at Y"): a person's
    description, though the same noun describes companies too ("X, the chip specialist")."""
    noun = nodes.get("noun")
    return noun is not None and any(child.dep_ == "prep" and child.lower_ == "at" for child in noun.children)


def find_entities(doc: Doc, found: Mentions, rules: RuleSet | None = None,
                  written_lower: frozenset[str] | None = None, text: str | None = None) -> list[Found]:
    """Mentions of organisations (or other classes) that the entity rules
    find from structure, for proper nouns no other source named: the
    subject of "acquire", the name after "shares of", a name in apposition
    with "the ... maker". A mention the statistical model gave another class
    takes the rule's class. ``written_lower`` is :func:`lower_case_words`
    of ``doc`` and ``text`` its text where the caller has them already."""
    rules = rules or load_rules()
    if not rules.entity_rules or not doc.has_annotation("DEP"):
        return []  # the rules read a dependency parse; a blank pipeline has none
    _, matcher, _ = rules.matchers(doc.vocab)
    text = doc.text if text is None else text
    written_lower = lower_case_words(doc) if written_lower is None else written_lower
    out: list[Found] = []
    taken: set[int] = set()  # the characters ``out`` covers
    for match_id, tokens in matcher(doc):
        key = doc.vocab.strings[match_id]
        rule_id, n = key.rsplit("#", 1)
        rule = rules.get(rule_id)
        nodes = {node["RIGHT_ID"]: doc[i] for node, i in zip(rule.patterns[int(n)], tokens)}
        if "noun" in nodes and (_hyphen_tail(nodes["noun"]) or firm_not_goods(nodes["noun"])):
            continue  # "think-tank" is no tank, an "investment vehicle" no car
        # the name, and the names listed with it: "brands such as Cilacar and Nicardia"
        # (not the halves of one name: "Securities and Exchange")
        name = nodes["name"]
        for token in (name, *(t for t in name.conjuncts if t.pos_ == "PROPN" and not _NAME_WORD.fullmatch(t.text))):
            # a proper noun, or a capitalised word the tagger took for a noun
            # that a possessive marks as a name ("Wing's chief executive")
            possessor = token.dep_ == "poss" and token.is_title and token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "POS"
            lowercase = rule.lowercase_names and token.is_lower  # a generic drug name: "semaglutide"
            if (token.lower_ in CALENDAR_WORDS or token.lower_ in NOT_NAMES or token.lower_ in LEGISLATION
                    or _nationals(token)) or not (
                    token.pos_ == "PROPN" and token.text[:1].isupper() or possessor or lowercase):
                continue
            span = doc[token.i:token.i + 1] if lowercase else _name_span(token, rules.common_nouns, written_lower)
            if rule.label == "Product":  # a model's number is part of its name: "Mirex 5", "Skyranger 30"
                end = span.end
                while (end < len(doc) and doc[end].like_num and doc[end].dep_ == "nummod"
                       and doc[end].head in (token.head, token)):  # ("the Skyhawk 200": the number is the name's)
                    end += 1
                span = doc[span.start:end]
            start, end = span.start_char, span.end_char
            last = span[-1]
            if re.fullmatch(r"[A-Z]\.", last.text) and last.i > span.start and (last.is_sent_end or last.i + 1 == len(doc)):
                end -= 1  # the sentence's full stop, which the tokenizer joined to a letter: "... and Oral-B."
            if is_heading(line_at(text, start)) or TITLE_WORDS.search(span.text) or names_a_law(span):
                continue  # the parser reads headings badly; "Network EVP Chris Sambar": a title; a law
            known = next(iter(found.overlapping(start, end)), None)
            if known is not None:
                # the statistical model's guess gives way (its class, or a span
                # that took in a word before the name: "Chipmaker Qorvex"),
                # except for a person's full name: people have shares too
                # (a nationality word inside a longer name gives way too: "Anglo American")
                longer = known.kind == "demonym" and (known.start, known.end) != (start, end)
                # (and so does its cut of a longer name: "Halvard Teachers" in "Halvard Teachers' Pension Plan")
                # (not a person's: "introduced Dr Greenspan" launches nothing)
                within = (known.kind == "ner" and start <= known.start and known.end <= end and end - start > known.end - known.start
                          and (known.label != "Person" or rule.overrules_people))
                if not within and (known.kind != "ner" and not longer or known.label == rule.label
                                   or known.label == "Person" and " " in span.text and (not rule.overrules_people or _job_at(nodes))):
                    continue
                found.remove(known)
            if not taken.isdisjoint(range(start, end)):
                continue
            out.append(Found(start, end, text[start:end], rule.label, text[start:end], "structure"))
            taken.update(range(start, end))
    return out


# ----------------------------------------------------------------- relations

@dataclass(frozen=True, slots=True)
class Match:
    """One relation a rule read in a sentence."""

    subject: Found
    relation: str
    object: Found
    rule: str
    confidence: float
    sentence: int  # start offset of the sentence in the parsed text


@dataclass(frozen=True, slots=True)
class FactMatch:
    """One number a rule gave an owner: "Pfizer agreed to buy Seagen for
    $43 billion" is Pfizer's investment."""

    subject: Found
    metric: str
    value: Decimal
    unit: str
    rule: str
    confidence: float
    sentence: int
    start: int  # where the number is, for its period


def _amount(token: Token, ent: Span | None, unit: Token | None = None,
            percent: bool = False) -> tuple[Decimal, str, int] | None:
    """The amount of money, the percentage or (with a ``unit`` noun) the
    count ``token`` heads: ``ent``, the statistical entity it is in, else its
    own words ("$4.7 billion" the model did not mark)."""
    if unit is not None:
        text = ent.text if ent is not None and ent.label_ == "CARDINAL" else token.text
        parsed = parse_amount(text)
        if parsed is None or parsed[1]:
            return None
        return parsed[0], unit.lower_, (ent or token).start_char if ent is not None else token.idx
    # ("3.7 billion pound takeover": the model calls some sums a quantity)
    if ent is None or ent.label_ not in {"MONEY", "PERCENT", "QUANTITY"}:
        ent = token.doc[token.left_edge.i:token.i + 1]  # "$ 4.7 billion": the words up to the head
        if parse_amount(ent.text) is None:
            ent = token.doc[token.left_edge.i:token.right_edge.i + 1]  # "RUB 34 billion": a currency word heads it
        if len(ent) > 6:
            return None
    parsed = parse_amount(ent.text)
    if parsed is None or percent != (parsed[1] == "percent") or not parsed[1]:
        return None
    if re.match(r"(?:per|a)\s+(?:share|unit)\b", token.doc[ent.end:ent.end + 2].text):
        return None  # "$229 per share" is an offer's terms, not what the deal is worth
    return parsed[0], parsed[1], ent.start_char


#: words that put a title in the past (words.json past_role_words): "a former operations chief"
_PAST_ROLE = frozenset(load_words()["past_role_words"])


def _merged(doc: Doc, found: list[Found], rules: RuleSet) -> Doc:
    """A copy of ``doc`` in which every mention and every job title is one token."""
    merged = doc.copy()
    spans: list[tuple[Span, dict]] = []
    taken: set[int] = set()
    for n, f in enumerate(found):
        span = merged.char_span(f.start, f.end, alignment_mode="expand")
        if span is None or taken & set(range(span.start, span.end)):
            continue
        taken |= set(range(span.start, span.end))
        spans.append((span, {"_": {"kg": f.label, "kg_mention": n}}))
    _, _, titles = rules.matchers(doc.vocab)
    title_spans = sorted(((s, e) for _, s, e in titles(merged)), key=lambda se: (se[0], -se[1]))
    groups: list[list[int]] = []
    for s, e in title_spans:
        if taken & set(range(s, e)):
            continue
        # "founder and CEO", "Chairman & Chief Executive Officer": one title group
        if groups and (s == groups[-1][1] + 1 and merged[groups[-1][1]].lower_ in {"and", "&", ","}
                       or s == groups[-1][1]):
            groups[-1][1] = e
        else:
            groups.append([s, e])
        taken |= set(range(s, e))
    for s, e in groups:
        # "market analyst", "a Halvex security manager": the words in lower case that say what of
        while (s > 0 and s - 1 not in taken and merged[s - 1].is_lower and merged[s - 1].is_alpha
               and merged[s - 1].pos_ in {"NOUN", "ADJ"} and merged[s - 1].dep_ in {"compound", "amod", "nmod"}
               and s <= merged[s - 1].head.i < e):
            s -= 1
        if merged[s].lower_ in _PAST_ROLE:
            continue  # "a former operations chief at Y": no role now
        span = merged[s:e]
        roles = sorted({rules.titles[t.lower()] for t in _title_phrases(span.text, rules.titles)})
        if roles:
            taken |= set(range(s, e))
            spans.append((span, {"_": {"kg": "Title", "kg_roles": tuple(roles)}, "POS": "NOUN"}))
    # Where each merged token lands (the merges before it took away tokens)
    # and its class: reading ._.kg back token by token cost more than the
    # rules' matching.
    classes: dict[int, str] = {}
    shift = 0
    for span, attrs in sorted(spans, key=lambda sa: sa[0].start):
        classes[span.start - shift] = attrs["_"]["kg"]
        shift += len(span) - 1
    with merged.retokenize() as retokenizer:
        for span, attrs in spans:
            retokenizer.merge(span, attrs=attrs)
    # "Albemarle and SQM, the Chilean producer": the model hangs a singular
    # description on the list's first name; it describes the last one
    # (only heads change here, so the dependency labels and tags read first still hold)
    labels = merged.to_array([DEP, TAG])
    appos = (labels[:, 0] == merged.vocab.strings["appos"]) & (labels[:, 1] == merged.vocab.strings["NN"])
    for i in appos.nonzero()[0].tolist():
        token = merged[i]
        if token.head.conjuncts:
            last = max(token.head.conjuncts, key=lambda t: t.i)
            if last.i < token.i and token.head.i < last.i:
                token.head = last
    # The class is also the token's entity type, which the matcher compares
    # in C; a ``_`` attribute costs a Python call per token and pattern node.
    classed = [Span(merged, i, i + 1, label=label) for i, label in sorted(classes.items())]
    kept = [e for e in merged.ents if classes.keys().isdisjoint(range(e.start, e.end))]
    merged.ents = sorted(classed + kept, key=lambda e: e.start)
    return merged


def _title_phrases(text: str, titles: dict[str, str]) -> list[str]:
    """The title phrases in a title group, longest first, without overlaps."""
    found, rest = [], " " + " ".join(text.lower().split()) + " "
    for phrase in sorted(titles, key=len, reverse=True):
        if f" {phrase} " in rest:
            found.append(phrase)
            rest = rest.replace(f" {phrase} ", " | ")
    return found


class _Arguments:
    """Finds the mentions a matched token stands for (written once for every rule)."""

    def __init__(self, doc: Doc, found: list[Found], context, common: frozenset[str], people: frozenset[str],
                 counterparts: frozenset[str] = frozenset(), groups: frozenset[str] = frozenset()):
        self.doc, self.found, self.context, self.common, self.people = doc, found, context, common, people
        self.counterparts, self.groups = counterparts, groups
        # the words the article writes in lower case somewhere
        # (read from the token arrays: a Token object per word cost more)
        words = doc.to_array([IS_LOWER, ORTH, LEMMA])
        self.common_words = frozenset(doc.vocab.strings[h] for h in set(words[words[:, 0] == 1, 1:].ravel().tolist()))
        # the investments in companies the rules have read so far, in the
        # text's order ("the deal" points back to the last)
        self.deals: list[Match] = []
        self.sentence_starts = [s.start_char for s in doc.sents]

    def mention(self, token: Token) -> Found | None:
        n = token._.kg_mention
        return self.found[n] if n is not None else None

    def stand_in(self, token: Token, want: tuple[str, ...], settled: bool = False) -> Found | None:
        """The mention for one token: itself, what a relative pronoun or "it"
        refers to, or the name in apposition with a common noun. A proper
        noun no source named, or one the statistical model gave another
        class, is what the rule's role says it is (the subject of "acquire"
        is an organisation)."""
        m = self.mention(token)
        if m is not None and m.kind in {"description", "anaphor"} and token.dep_ == "appos" and token.head.pos_ == "PROPN":
            return self.stand_in(token.head, want, settled)  # "Quenca, the Chilean producer": Quenca
        named = next((c for c in token.children if c.dep_ == "appos" and c._.kg_mention is not None
                      and self.found[c._.kg_mention].kind not in {"description", "anaphor"}), None)
        if named is not None and (m is None or m.kind in {"description", "anaphor"}):
            return self.stand_in(named, want)  # "the unit, Cellnex Nordics, owns": the name, not what "the unit" points back to
        if m is not None and m.label == "Place" and "Place" not in want:
            # "Irvine, California-based Edwards agreed": the parser heads the phrase with the place
            named = next((c for c in token.children if c.dep_ == "appos" and c._.kg in want), None)
            if named is not None:
                return self.mention(named)
        if m is not None:
            # the statistical model's class gives way to "an organisation does
            # this" (the subject of "acquire", the object of "invest in"), not
            # to a product or person reading, which the roles tell less surely
            if (m.label not in want and m.kind in {"ner", "structure"} and (want[0] == "Organization" or settled)
                    and not (m.label == "Person" and _titled(token))
                    and not (m.label == "Place" and is_region_or_capital(m.text))):  # ("Lima's airport": Lima is a place)
                return Found(m.start, m.end, m.text, want[0], m.key, "structure")
            return m
        low = token.lower_
        if low in _RELATIVE:
            before = self.doc[token.i - 2] if token.i >= 2 and self.doc[token.i - 1].text == "," else None
            if low in {"which", "who"} and before is not None and before._.kg_mention is not None:
                return self.stand_in(before, want)  # "such as A and B, which closed its purchase": B, however parsed
            verb = token.head.head if low == "whose" else token.head  # "X, whose brands include": the clause's verb
            while verb.dep_ in {"prep", "pobj"} and verb.head.i != verb.i:
                verb = verb.head  # "X, in which Y will own a stake"
            return self.stand_in(verb.head, want) if verb.dep_ in {"relcl", "acl"} else None
        if token.dep_ == "appos" and token.pos_ == "NOUN":
            return self.stand_in(token.head, want)  # "X, the Singapore-based retailer": X
        # "it", "its"; "the company" only where it is what the sentence is
        # about (an object "the company" is as often the other party)
        if low in _PRONOUNS or (token.pos_ == "NOUN" and token.dep_ in {"nsubj", "nsubjpass", "poss"}
                                and any(c.lower_ in {"the", "this"} for c in token.children)
                                and low in self.context.anaphor_nouns):
            return self._antecedent(token)
        for child in token.children:  # "its Volaxin weight-loss drug": the name the noun is given
            named = self.mention(child) if child.dep_ in {"compound", "nmod"} else None
            if named is not None and named.label in want and named.label != "Organization":
                return named
        if _is_name(token, self.common_words):
            span = _name_span(token, self.common, self.common_words)
            if all(t._.kg == "" for t in span) and not names_a_law(span):
                return Found(span.start_char, span.end_char, span.text, want[0], self._fuller(span.text), "structure")
        return None

    def _fuller(self, name: str) -> str:
        """"Fusion" after "Fusion Pharmaceuticals": the one longer
        organisation name of the text that begins with ``name``, else itself
        (as the mention finder does for the names it finds)."""
        longer = {f.key for f in self.found if f.label == "Organization" and f.text.startswith(name + " ")}
        return longer.pop() if len(longer) == 1 else name

    def _antecedent(self, token: Token) -> Found | None:
        """"X sold its unit": a possessive is the clause's own subject; "X
        said it will ...": the subject of the verb the pronoun's clause
        reports to; else the company the text is about."""
        if token.dep_ == "poss" and token.lower_ in {"its", "their"}:
            verb = token.head
            while verb.pos_ not in {"VERB", "AUX"} and verb.dep_ in {"dobj", "pobj", "prep", "compound", "conj", "appos"}:
                verb = verb.head
            # the verb's own subject: "X sold its unit"; a participle's
            # ("..., integrating its model") is left to the context
            subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
            if subject is not None and subject._.kg == "Organization":
                return self.mention(subject)
            if subject is not None and subject.lower_ in _RELATIVE:  # "B, which closed its purchase of C": B
                named = self.stand_in(subject, ("Organization",))
                if named is not None and named.label == "Organization":
                    return named
            # "Its rival Boeing is struggling at its factory": the name the subject is in apposition with
            named = next((c for c in subject.children if c.dep_ == "appos" and c._.kg == "Organization"), None) if subject is not None else None
            if named is not None:
                return self.mention(named)
            if subject is not None and subject.pos_ == "PROPN":
                named = self.stand_in(subject, ("Organization",))  # "Taiwan ... Co (TSMC) makes ... at its plants"
                if named is not None and named.label == "Organization":
                    return named
            # "as the company prepares to bring its R2 SUV", "as the company
            # navigates the road ahead in bringing its R2 SUV": the subject of
            # the verb the infinitive or gerund depends on
            while subject is None and verb.dep_ in {"xcomp", "pcomp", "prep", "advmod", "dobj", "pobj"} and verb.head.i != verb.i:
                verb = verb.head
                subject = next((c for c in verb.children if c.dep_ == "nsubj"), None) if verb.pos_ in {"VERB", "AUX"} else None
                if subject is not None and subject._.kg == "Organization":
                    return self.mention(subject)
        verb = token.head
        while verb.dep_ in {"xcomp", "conj", "aux"} and verb.head.i != verb.i:
            verb = verb.head
        if verb.dep_ in {"ccomp", "advcl"}:
            reporting = verb.head
            # "X is buying ... and said it has ordered": the reporting verb shares the subject of the verb it is joined to
            while reporting.dep_ == "conj" and not any(c.dep_ == "nsubj" for c in reporting.children):
                reporting = reporting.head
            above = next((c for c in reporting.children if c.dep_ == "nsubj"), None)
            if above is not None and above._.kg_mention is not None:
                return self.mention(above)
        return self.main(token)

    @staticmethod
    def member(group: Token) -> Token | None:
        """The first firm a group names: "a consortium including (of, led by) A, B and C"."""
        for c in group.children:
            if c.dep_ in {"prep", "acl"} and c.lower_ in {"including", "of", "led", "comprising"}:
                heads = [c, *(g for g in c.children if g.dep_ == "agent")]  # "led by A"
                return next((g for h in heads for g in h.children if g.dep_ == "pobj" and g._.kg_mention is not None), None)
        return None

    def main(self, token: Token) -> Found | None:
        """The company the text is about where ``token`` is: what "it" stands
        for when nothing nearer does, whose rivals "Rivals X and Y" are."""
        ref = self.context.about(token.idx)
        if ref is None:
            return None
        return Found(token.idx, token.idx + len(token.text), token.text, ref.label, ref.key, "anaphor")

    def expand(self, token: Token, want: tuple[str, ...], settled: bool = False) -> list[Found]:
        """The mentions for ``token``: itself and the members of its list."""
        first = self.stand_in(token, want, settled)
        if first is None:
            return []
        out = [first]
        if any(c.dep_ == "appos" and c.tag_ == "NN" and not _is_share(c)
               and (c._.kg_mention is None or self.found[c._.kg_mention].kind in {"description", "anaphor"})
               for c in token.children):  # (a name the parse hangs there is no description: "Napa Valley, ... Washington state")
            return out  # "X and Y, the Chilean producer": what is said of Y alone
        # "Paramount Skydance and Amazon's Prime Video": a possessive names
        # what its own noun and the members after it are, not those before
        # ("Microsoft's X-Box and Nintendo's Game Cube": nor a member with its own possessive)
        owned = any(c.dep_ == "poss" for c in token.children)
        for other in token.conjuncts:
            if owned and (other.i < token.i or any(c.dep_ == "poss" for c in other.children)):
                continue
            m = self.stand_in(other, want, settled)  # a list's members are what its first is
            if m is not None and m.label == first.label:
                out.append(m)
        # "include Tarvik Auto and Marlow Cars", parsed as one name that "Tarvik Auto and" modifies
        for child in token.lefts:
            if (child.dep_ in {"nmod", "compound"} and child.i + 1 < token.i
                    and all(t.lower_ in _LIST_WORDS or t.dep_ == "conj" and t.head == child and t.pos_ == "PROPN"
                            for t in self.doc[child.i + 1:token.i])):
                m = self.stand_in(child, want, settled)
                if m is not None and m.label == first.label and not m.overlaps(first):
                    out.append(m)
        # "Anagni, Italy, Bloomington, Indiana and Brussels": a run of names of
        # one class joined by commas, semicolons and "and" (the parse of such
        # lists is unreliable, so they are read from the words), a name may
        # take "the" ("Mexico, the Dominican Republic and Jamaica"), and in a
        # list of holders each its share and its country's possessive
        # ("owned 40% by X, 35% by Y and 25% by Japan's Z")
        shares = (token.i >= 2 and self.doc[token.i - 1].lower_ == "by"  # ("40% by X", "45% owned by X")
                  and any(_is_share(t) for t in self.doc[max(token.i - 4, 0):token.i - 1]))
        i = token.i + 1
        while i + 1 < len(self.doc) and self.doc[i].lower_ in _LIST_WORDS:
            while i < len(self.doc) and self.doc[i].lower_ in _LIST_WORDS:
                i += 1
            if i + 1 < len(self.doc) and self.doc[i].lower_ == "the" and self.doc[i - 1].lower_ in {",", "and", "or"}:
                i += 1  # (not "Europe, as the Swiss group said")
            if shares:
                j = i
                while j < len(self.doc) and (self.doc[j].like_num or _is_share(self.doc[j])):
                    j += 1
                if i < j < len(self.doc) - 1 and self.doc[j].lower_ == "by":
                    i = j + 1
                place = self.mention(self.doc[i]) if i + 2 < len(self.doc) else None
                if place is not None and place.label == "Place" and self.doc[i + 1].lower_ in {"'s", "’s"}:
                    i += 2
            nxt = self.mention(self.doc[i]) if i < len(self.doc) else None
            if nxt is None or nxt.label != first.label:
                break
            out.append(nxt)
            i += 1
        return list({(m.start, m.key): m for m in out}.values())

    def subject(self, token: Token) -> Token | None:
        """The grammatical subject of a verb, or of the verb a noun depends
        on: "X, a unit of Y" (apposition), "X is a unit of Y", "X's unit",
        climbing "agreed to buy", "plans to", "is set to", conjoined verbs;
        "X's move" stands for X."""
        node = token
        for _ in range(6):
            if node.dep_ == "appos":
                return node.head
            if node.dep_ == "prep" and node.lower_ == "with" and node.head._.kg == "Organization":
                return node.head  # "X, with an office in Houston, ...": what X has
            if (node.pos_ in {"NOUN", "PROPN"} or node._.kg) and node.dep_ not in {"attr", "oprd"}:
                owner = self.owner(node)
                if owner is not None:
                    return owner
            # (a named subject first, the nearest: "Chevron's rival Exxon agreed", "Outside Spain, X runs" are
            # parsed with two)
            subject = next((c for c in reversed(list(node.lefts)) if c.dep_ in {"nsubj", "csubj"} and c._.kg_mention is not None), None) \
                or next((c for c in node.rights if c.dep_ in {"nsubj", "csubj"} and c._.kg_mention is not None), None) \
                or next((c for c in node.children if c.dep_ in {"nsubj", "csubj"}), None) \
                or next((c for c in node.children if c.dep_ == "nsubjpass"), None)
            if subject is not None:
                if subject.lower_ in _RELATIVE and node.dep_ in {"relcl", "acl"}:
                    subject = node.head  # "X's network, which includes 50 sites"
                if subject._.kg_mention is None and subject.pos_ == "NOUN":
                    if subject.lemma_ in self.people:
                        return None  # "X's shareholders will own 60%": not X
                    named = next((c for c in subject.children if c.dep_ == "appos" and c._.kg_mention is not None), None)
                    if named is None and subject.lemma_ in self.counterparts:
                        return None  # "Chevron's rival agreed": not Chevron
                    if named is None and subject.lemma_ in self.groups:
                        named = self.member(subject)  # "a consortium including A, B and C agreed": A (and the list)
                    return named or self.owner(subject) or subject  # "its parent company, X, agreed": X
                return subject
            if node.dep_ == "pcomp" and node.head.lower_ == "from":
                blocked = next((c for c in node.head.head.children if c.dep_ == "dobj"), None)
                if blocked is not None:
                    return blocked  # "sued to block X from buying Y": X would buy
            if node.dep_ in {"relcl", "acl"} and node.pos_ in {"VERB", "AUX"}:
                if node.head.lemma_ in _PLAN_NOUNS:
                    node = node.head  # "X agreed a deal to buy Y": the deal's maker buys
                    continue
                return node.head
            if node.dep_ in {"xcomp", "conj", "advcl", "dobj", "attr", "pobj", "prep", "ccomp", "pcomp",
                             "oprd", "acomp", "npadvmod", "dative"} and node.head.i != node.i:
                if (node.dep_ in {"xcomp", "advcl"} and node.tag_ != "VBG"
                        and any(c.dep_ == "dative" or c.dep_ == "dobj" and c.lemma_ not in _PLAN_NOUNS for c in node.head.children)):
                    # "C awarded A contracts to build B": who builds is not C ("agreed a deal to buy" is; so is
                    # a participle's: "X won the rights, beating Y")
                    return None
                node = node.head
                continue
            if node.i == token.i and node.pos_ == "NOUN" and node.dep_ in {"nsubj", "nsubjpass"}:
                return node  # "the Vevey-based maker of KitKat said": the noun is its own subject
            if node.i == token.i and node.dep_ in {"compound", "amod", "nmod"} and node.head.i != node.i:
                node = node.head  # "X agreed a merger with peer Y": a word that describes a name
                continue
            break
        return None

    def actor(self, token: Token) -> Token | None:
        """Who does what a verb or noun says: "X was bought by Y for $5
        billion", "the takeover of X by Y" (Y); else the subject (an active
        verb's "by" is no agent: "plans to invest $100 billion by 2025")."""
        passive = token.pos_ not in {"VERB", "AUX"} or any(c.dep_ in {"agent", "auxpass", "nsubjpass"} for c in token.children)
        return (self.agent(token) if passive else None) or self.subject(token)

    def agent(self, token: Token) -> Token | None:
        """"acquired by X", "the acquisition of Y by X"."""
        for child in token.children:
            if child.dep_ == "agent" or child.dep_ == "prep" and child.lower_ == "by":
                pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
                if pobj is not None:
                    return pobj
        return None

    def owner(self, token: Token) -> Token | None:
        """"X's unit", "its unit", "Acme CEO": the possessor or the name
        written right before."""
        for child in token.children:
            if child.dep_ == "poss":
                return child
        if token.dep_ in {"amod", "compound", "nmod"}:
            # "Samsung's rival Apple" is parsed with Samsung owning Apple
            poss = next((c for c in token.head.children if c.dep_ == "poss" and c.i < token.i), None)
            if poss is not None:
                return poss
        # "Acme CEO", "CTLT fill-finish sites": a name among the words before
        for child in token.lefts:
            for t in (child, *child.lefts):
                if t.dep_ in {"compound", "nmod"} and t._.kg not in ("", "Title", "Place"):  # ("U.S. peer X": no owner)
                    return t
        return None

    def maker(self, token: Token) -> Found | None:
        """"Airbus A350-1000", "Boeing jets": the organisation a product is
        named after, or that modifies the goods noun."""
        product = self.mention(token)
        if product is not None and product.label == "Product" and product.parent:
            # a maker-and-model name: the maker's words come before the code
            words = re.match(r"(?:[^\d\s]+\s)+", product.text + " ")
            if words:
                name = words.group().strip()
                return Found(product.start, product.start + len(name), name, "Organization", product.parent, "name")
        if product is not None and product.label == "Organization":
            return None  # "buy Arcadium Lithium": a company bought is no maker's goods
        if product is not None:
            prefixed = next((f for f in self.found if f.label == "Organization" and f.kind != "anaphor"
                             and product.text.startswith((f.text + " ", f.text + "'s ", f.text + "’s "))), None)
            if prefixed is not None:
                return prefixed
        # "Halvard's HX-30 system": goods a product names are goods too
        named = any(child.dep_ in {"compound", "nmod", "nummod"} and child._.kg == "Product" for child in token.children)
        for child in token.children:
            if child.dep_ in {"compound", "nmod"} and child._.kg == "Organization" \
                    or child.dep_ == "poss" and child._.kg == "Organization" and (product is not None or named):
                return self.mention(child)  # "Airbus jets", "Apple's iPhones" (not "Apple's business")
            if child.dep_ in {"compound", "nmod"} and child._.kg == "Product":
                return self.maker(child)  # "25 Airbus A350-1000 jets"
        return None

    def co_makers(self, token: Token, first: Found) -> list[Found]:
        """The other makers listed with ``first`` before the goods noun
        ``token``: "77 Airbus and Boeing jets" (the parser hangs each on the noun)."""
        makers = [c for c in token.children if c.dep_ in {"compound", "nmod"} and c._.kg == "Organization"]
        listed = [b for a, b in zip(makers, makers[1:]) if all(t.lower_ in _LIST_WORDS for t in self.doc[a.i + 1:b.i])]
        return [m for m in map(self.mention, listed) if m is not None and m.key != first.key]

    def dealer(self, token: Token) -> Found | None:
        """"X agreed to buy Y. The deal is valued at $5 billion": the buyer
        (or investor) of the deal the rules read last, in this sentence or the
        three before. Only "the deal" as a clause's subject points back; an
        object is a new deal ("signed a deal worth $5 billion")."""
        if (token.dep_ not in {"nsubj", "nsubjpass"} or any(c.dep_ == "poss" for c in token.children)
                or not any(c.dep_ == "det" and c.lower_ in {"the", "this", "that"} for c in token.children)):
            return None
        since = self.sentence_starts[max(bisect_right(self.sentence_starts, token.idx) - 4, 0)]
        deal = next((d for d in reversed(self.deals) if d.sentence >= since and d.subject.start < token.idx), None)
        return deal.subject if deal is not None else None

    def resolve(self, role: str, nodes: dict[str, Token], want: tuple[str, ...], settled: bool = False,
                alone: bool = False) -> list[Found]:
        finder, _, node = role.rpartition(" ")
        token = nodes.get(node)  # a rule's patterns need not all bind every role
        if token is not None and finder in {"maker", "dealer", "main"}:  # (these find a mention, not a token)
            found = getattr(self, finder)(token)
            if found is None:
                return []
            return [found, *self.co_makers(token, found)] if finder == "maker" else [found]
        if token is not None and finder:
            token = getattr(self, finder)(token)
        if token is None:
            return []
        if alone:
            found = self.stand_in(token, want, settled and not finder)
            return [found] if found is not None else []
        return self.expand(token, want, settled and not finder)


def _fits(relation: str, subject: Found, obj: Found) -> bool:
    spec = RELATIONS[relation]
    domain_ok = subject.label == spec.domain or relation == "restricts" and subject.label == "Place"
    return domain_ok and obj.label in spec.range and subject.key != obj.key


def match_relations(doc: Doc, found: list[Found], context, rules: RuleSet | None = None) -> list[Match]:
    """Every relation the rules read in ``doc`` whose mentions are ``found``
    (see :func:`match_rules`)."""
    return match_rules(doc, found, context, rules)[0]


def match_rules(doc: Doc, found: list[Found], context,
                rules: RuleSet | None = None, text: str | None = None) -> tuple[list[Match], list[FactMatch]]:
    """Every relation and every owned number the rules read in ``doc``
    whose mentions are ``found``. ``text`` is ``doc.text`` where the caller
    has it (spaCy joins it from every token on each access).

    ``context`` answers two questions the words alone cannot:
    ``about(offset)``, the company the text is about at that point (for
    "it", "the company"), and ``anaphor_nouns``, the nouns that stand for it.
    """
    rules = rules or load_rules()
    if not doc.has_annotation("DEP"):
        return [], []  # the rules read a dependency parse; a blank pipeline has none
    text = doc.text if text is None else text
    merged = _merged(doc, found, rules)
    matcher, _, _ = rules.matchers(doc.vocab)
    args = _Arguments(merged, found, context, rules.common_nouns, rules.people_nouns, rules.counterpart_nouns, rules.group_nouns)
    out: dict[tuple, Match] = {}
    numbers: dict[tuple, FactMatch] = {}
    # Doc.ents builds every entity span anew: look them up once per article, not once per number
    entity_at = {i: e for e in merged.ents for i in range(e.start, e.end)}
    for match_id, tokens in sorted(matcher(merged), key=lambda m: (m[1], doc.vocab.strings[m[0]])):
        rule_id, n = doc.vocab.strings[match_id].rsplit("#", 1)
        rule = rules.get(rule_id)
        nodes = {node["RIGHT_ID"]: merged[i] for node, i in zip(rule.patterns[int(n)], tokens)}
        sentence = merged[tokens[0]].sent.start_char
        if any(firm_not_goods(token) for token in nodes.values()):
            continue  # "their investment vehicle X": a firm, where a rule wants goods or reads a maker
        for relation, subject_role, object_role in rule.yields:
            relations = [relation]
            if relation.startswith("role "):
                relations = list(nodes[relation.split()[1]]._.kg_roles or ())
            for rel in relations:
                spec = RELATIONS[rel]
                subjects = args.resolve(subject_role, nodes, (spec.domain, "Place") if rel == "restricts" else (spec.domain,),
                                        subject_role in rule.asserts, subject_role in rule.alone)
                objects = args.resolve(object_role, nodes, spec.range, object_role in rule.asserts, object_role in rule.alone)
                for s in subjects:
                    for o in objects:
                        if _fits(rel, s, o) and (s.key, rel, o.key, sentence) not in out:
                            match = out[s.key, rel, o.key, sentence] = Match(s, rel, o, rule.id, rule.confidence, sentence)
                            if rel == "investsIn" and o.label == "Organization":
                                args.deals.append(match)
        for metric, whose, amount_node, *unit_node in rule.facts:
            unit_token = nodes.get(unit_node[0]) if unit_node else None
            amount = None
            if amount_node in nodes:
                token = nodes[amount_node]
                amount = _amount(token, entity_at.get(token.i), unit_token, metric in _PERCENT_METRICS)
            if amount is None:
                continue
            value, unit, start = amount
            if metric == "stake" and _MARKET_SHARE_AFTER.match(text, token.idx + len(token.text)):
                continue  # "holds a 30% market share": a share of a market, no stake
            for s in args.resolve(whose, nodes, ("Organization",)):
                if s.label == "Organization":
                    numbers.setdefault((start, metric), FactMatch(s, metric, value, unit, rule.id, rule.confidence,
                                                                  sentence, start))
    return list(out.values()), list(numbers.values())

