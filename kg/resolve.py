"""Resolution: one entity per real thing across mentions and articles.

Mentions are filed under keys (the extractor's name for what they denote).
Keys resolve through the catalogue, then through a normal form that ignores
case, punctuation, possessives and legal suffixes ("Qwen-3-Max-Preview" and
"Qwen3-Max-Preview" are one), then through fuzzy matching of what is left.
Within an article, a part of a person's name ("Wu", "Wu Yongming") resolves
to the full name it belongs to ("Eddie Wu Yongming").

>>> normal_form("Alibaba Group Holding Ltd.'s")
'alibabagroupholding'
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from decimal import Decimal

from rapidfuzz import fuzz, process

from .schema import (RELATIONS, Entity, Evidence, Fact, Mention, Reference, Statement, name_characters, plain_decimal,
                     slugify)

__all__ = ["Resolution", "Keyed", "Resolver", "resolve", "merge_parts", "normal_form", "unique_evidence"]

_LEGAL = re.compile(r"\b(?:inc|ltd|limited|corp|corporation|co|plc|llc|sa|ag|nv|se)\b\.?", re.IGNORECASE)
# "Lufthansa Group" is Lufthansa ("Novo Holdings" is not Novo Nordisk's short name "Novo")
_GROUP = re.compile(r"(?<=\w)\s+group$", re.IGNORECASE)
_TRUST = {"name": 0, "pattern": -1, "structure": -1, "gazetteer": 0, "description": 1, "ner": 3, "anaphor": 4, "demonym": 4, "topic": 0}
# Surface forms that are not names of the entity ("the company", "Chinese").
_NOT_ALIASES = {"anaphor", "demonym"}


@lru_cache(maxsize=1 << 18)  # a name comes back in mention after mention
def normal_form(name: str) -> str:
    """The name's characters (:func:`~kg.schema.name_characters`) without a
    possessive, a legal suffix or a last word "Group": letters of every
    script and symbols count, so "C++ Holdings" is not "C Holdings".

    >>> normal_form("Lufthansa Group") == normal_form("Lufthansa") == normal_form("Lufthansa AG")
    True
    """
    return name_characters(_GROUP.sub("", _LEGAL.sub("", re.sub(r"['’]s?$", "", name.strip())).strip()))


def _acronyms(name: str) -> set[str]:
    """The words of ``name`` in capitals, legal suffixes aside: "ZT" of "ZT Systems", none of "Comerzbank AG"."""
    return {word for word in re.findall(r"\b[A-Z]{2,}\b", name) if not _LEGAL.fullmatch(word)}


def _fixed_parts(form: str) -> list[str]:
    """What fuzzy matching must not change in a normal form: numbers ("X-32B"
    is not "X-72B"), symbols and letters beyond a-z (another script)."""
    return re.sub(r"[a-z]+", " ", form).split()


@dataclass(frozen=True, slots=True)
class Resolution:
    entities: tuple[Entity, ...]
    references: tuple[Reference, ...]
    statements: tuple[Statement, ...]
    facts: tuple[Fact, ...]


class _Index:
    """Keys to clusters: catalogue first, then normal forms, then fuzzy.

    Each form is known from the article that gave it first (its id and the
    form's place in it; the catalogue's come before every article), and an
    article sees only the forms of articles whose ids do not come after its
    own: an article resolved after others whose ids come later decides as it
    would have in id order (:meth:`Resolver.insert`).

    Fuzzy candidates come from an index, not from every known form. Ratio
    94 allows insertions and deletions up to 6% of both lengths together,
    which is under 13% of the known form's length (the other form is at most
    that much longer): at most ``len // 7`` edits. Cut the known form into
    ``len // 7 + 1`` pieces and one of them is untouched: it stands in the
    new form as it is. Pieces are filed with the form's fixed parts, which
    must be equal anyway."""

    _FUZZY_MIN = 6  # shorter forms match only exactly

    def __init__(self, catalogue: Iterable[Entity]):
        self.catalogue = {e.label: e for e in catalogue}
        self.by_form: dict[str, str] = {}
        #: form -> (id of the article that gave it first, its place there)
        self.order: dict[str, tuple[str, int]] = {}
        # (fixed parts, piece) -> the forms cut into it (a tuple: copies of the index share it)
        self._pieces: dict[tuple[tuple[str, ...], str], tuple[str, ...]] = {}
        self._piece_lengths: set[int] = set()
        self.article = ""  # the article being resolved ("": the catalogue)
        #: the forms the article being resolved gave (new to it), with their keys and places
        self.given: list[tuple[str, str, tuple[str, int]]] = []
        self._places = 0
        for e in self.catalogue.values():
            for alias in e.aliases | {e.label}:
                form = normal_form(alias)
                if form not in self.by_form:
                    self._remember(form, e.label)

    def copy(self) -> _Index:
        """An index that knows the same forms, whose additions leave this one as it is."""
        other = object.__new__(_Index)
        other.__dict__.update(self.__dict__)
        other.by_form, other.order = dict(self.by_form), dict(self.order)
        other._pieces = dict(self._pieces)
        other._piece_lengths, other.given = set(self._piece_lengths), list(self.given)
        return other

    def start(self, article_id: str) -> None:
        """Resolve the names of the article ``article_id`` from now on."""
        self.article, self.given = article_id, []

    def known(self, form: str) -> str | None:
        """The key ``form`` resolves to, if an article not after this one gave it."""
        order = self.order.get(form)
        return self.by_form[form] if order is not None and order[0] <= self.article else None

    def _remember(self, form: str, canon: str) -> None:
        place = (self.article, self._places)
        self._places += 1
        self.given.append((form, canon, place))
        if form in self.order:
            return  # an article after this one gave it too: see Resolver.insert
        self.by_form[form] = canon
        self.order[form] = place
        if len(form) < self._FUZZY_MIN:
            return
        fixed = tuple(_fixed_parts(form))
        count = len(form) // 7 + 1
        bounds = [len(form) * i // count for i in range(count + 1)]
        for start, end in zip(bounds, bounds[1:]):
            key = (fixed, form[start:end])
            self._pieces[key] = (*self._pieces.get(key, ()), form)
            self._piece_lengths.add(end - start)

    def claim(self, form: str, place: tuple[str, int]) -> None:
        """Make the article being resolved the first to give ``form``, which
        an article after it gave with the same key: in id order it comes first."""
        self.order[form] = place

    def _candidates(self, form: str) -> set[str]:
        """Forms given by any article that may be within ratio 94 of ``form`` and have its fixed parts."""
        fixed = tuple(_fixed_parts(form))
        found: set[str] = set()
        for size in self._piece_lengths:
            for start in range(len(form) - size + 1):
                found.update(self._pieces.get((fixed, form[start:start + size]), ()))
        return found

    def close_later(self, form: str) -> bool:
        """Whether an article after this one gave a form within ratio 94 of
        ``form`` (other than ``form``), which may have resolved otherwise had
        ``form`` been known."""
        if len(form) < self._FUZZY_MIN:
            return False  # matched only exactly
        later = [other for other in self._candidates(form) if other != form and self.order[other][0] > self.article]
        return bool(process.extract(form, later, scorer=fuzz.ratio, processor=None, score_cutoff=94, limit=1))

    def canonical(self, key: str, label: str) -> str:
        form = normal_form(key)
        if not form:
            return key
        hit = self.known(form)
        if hit is not None:
            cat = self.catalogue.get(hit)
            # "Phoenix" (the city) is not "Phoenix Group", though their normal forms agree: only a
            # catalogue name itself makes a place something else (the mentions' stage checked that)
            if cat is not None and label == "Place" and cat.type != label \
                    and key.casefold() not in {name.casefold() for name in (cat.label, *cat.aliases)}:
                return key
            return hit
        if len(form) >= self._FUZZY_MIN:
            # in the order the forms became known in id order, those of articles after this one left out
            candidates = sorted((other for other in self._candidates(form) if self.known(other) is not None),
                                key=self.order.__getitem__)
            # the first known form that is close enough and of the same type wins, as it did when every form was tried
            for other_form, _, _ in sorted(process.extract(form, candidates, scorer=fuzz.ratio, processor=None,
                                                           score_cutoff=94, limit=None), key=lambda hit: hit[2]):
                canon = self.by_form[other_form]
                if _acronyms(key) != _acronyms(canon):
                    continue  # an acronym is no misspelling: "SBC Communications" is not "SBA Communications"
                cat = self.catalogue.get(canon)
                if cat is None or cat.type == label:
                    self._remember(form, canon)
                    return canon
        self._remember(form, key)
        return key


@lru_cache(maxsize=4)
def _catalogue_index(catalogue: tuple[Entity, ...]) -> _Index:
    """The index of the catalogue's names alone, made once per catalogue:
    a notebook, the server or a benchmark builds many times with one, and
    its thousands of names took a build a fifth of its time after the parse
    to index. Each resolver indexes its articles' names in a :meth:`~_Index.copy`."""
    return _Index(catalogue)


def _person_parts(mentions: Sequence[Mention]) -> dict[str, str]:
    """Within one article, map partial names to the full name: "Wu" and "Wu
    Yongming" to "Eddie Wu Yongming", "Lilly" to "Eli Lilly" (an
    organisation's name that ends a longer one; a name that starts one, as
    "Alibaba" does "Alibaba Cloud", is another company, and no surname:
    "Howden" beside "Howden Group Holdings" and "David Howden")."""
    # Names in the order the article gives them (dict.fromkeys, not a set):
    # where a short name fits two full names, the first named wins on every run.
    orgs = dict.fromkeys(m.name for m in mentions
                         if m.label == "Organization" and m.source in {"name", "pattern", "ner"})
    mapping: dict[str, str] = {}
    for short in orgs:
        for long in orgs:
            if long != short and long.endswith(" " + short) and len(short) > 2:
                mapping.setdefault(short, long)
    full = sorted(dict.fromkeys(m.name for m in mentions if m.label == "Person" and len(m.name.split()) >= 2),
                  key=lambda k: -len(k.split()))
    # a one-word organisation that begins a longer one's name is no surname read as a company:
    # "Howden" of "Howden Group Holdings" beside its founder "David Howden"
    firms = {name.split()[0] for name in orgs if " " in name}
    # a surname follows its full name: the catalogue's "Ford", named before "chief executive Bill Ford", is
    # the firm (a headline may give the surname first: "CEO Witty steps down")
    first_seen: dict[str, int] = {}
    for m in mentions:
        first_seen[m.name] = min(first_seen.get(m.name, m.start), m.start)
    catalogue_names = {m.name for m in mentions if m.source == "name"}
    for m in mentions:
        words = set(m.name.split())
        if not words or m.source in _NOT_ALIASES:
            continue
        for name in full:
            if m.name != name and words < set(name.split()) and (m.label == "Person" or len(words) == 1 and m.name not in firms
                                                                  and not (m.name in catalogue_names and first_seen[m.name] < first_seen[name])):
                mapping[m.name] = mapping.get(name, name)
                break
    return mapping


#: One relation filed under its keys: subject key, relation, object key, evidence.
KeyedRelation = tuple[str, str, str, Evidence]
#: One measurement filed under its subject's key: key, metric, value, unit, period, evidence.
KeyedMeasurement = tuple[str, str, Decimal, str, str | None, Evidence]


@dataclass(frozen=True, slots=True)
class Keyed:
    """One article's extraction with every name filed under the key it
    resolved to: all that is left of the article once :meth:`Resolver.add`
    has seen it (no text, no parse)."""

    references: tuple[tuple[str, str, Evidence], ...]  # key, surface text, evidence
    relations: tuple[KeyedRelation, ...]
    measurements: tuple[KeyedMeasurement, ...]


class Resolver:
    """Resolution one article at a time, keeping only per-entity state.

    :meth:`add` files an extraction's names under their keys (a key, once
    given to a name, stays: later articles cannot change it) and returns the
    :class:`Keyed` article, which a caller may keep or write away. Once every
    article was added, :meth:`entities` gives each key's entity (its class
    is the one most of its mentions gave), and :meth:`part` turns each keyed
    article, in any order, into its share of the graph. :func:`resolve` does
    all of it in memory.

    >>> from kg.extract import Extraction
    >>> from kg.schema import Article, Evidence, Mention
    >>> ev = Evidence("a1", 0, 5, "Nvidia grew.", "kg.test.v1")
    >>> resolver = Resolver()
    >>> keyed = resolver.add(Extraction(Article("a1", "Nvidia grew.", "a.txt"),
    ...                                 ((Mention("NVIDIA", "Organization", 0, 6), ev),), (), ()))
    >>> keyed.references[0][0], resolver.entities()["NVIDIA"].type
    ('NVIDIA', 'Organization')
    """

    def __init__(self, catalogue: Iterable[Entity] = ()):
        self._index = _catalogue_index(tuple(catalogue)).copy()
        self._labels: dict[str, Counter] = defaultdict(Counter)
        # (key, class) -> where a mention first gave the key that class (article id, place): ties go to the first
        self._first: dict[tuple[str, str], tuple[str, int]] = {}
        self._aliases: dict[str, set[str]] = defaultdict(set)
        self._sources: dict[str, set[str]] = defaultdict(set)
        # form of a lone first or last name left out -> the last article (by id) that left it out
        self._dropped: dict[str, str] = {}
        self._filed = 0  # names filed so far: the place of each

    def add(self, extraction) -> Keyed:
        """File the extraction's mentions, relations and measurements under their keys."""
        return self._add(extraction, None)

    def insert(self, extraction) -> tuple[Keyed, dict[str, bool | None]] | None:
        """:meth:`add` an article after articles whose ids may come after its
        own, when that changes nothing the resolution decided for them: the
        :class:`Keyed` article and each key it filed names under, with
        whether that key's entity was only conditionally kept before (see
        :meth:`kept`; None for a new key). None when it may have changed
        something: the article gives a form that an article after it gave
        with another key, or left out as a lone name, or one close enough
        to theirs to have been matched, or it changes the class of an entity;
        then this resolver is spoilt and the articles must be resolved again
        from the first.

        >>> from kg.extract import Extraction
        >>> from kg.schema import Article, Evidence, Mention
        >>> def article(id, name):
        ...     ev = Evidence(id, 0, 5, name, "kg.test.v1")
        ...     return Extraction(Article(id, name, "a.txt"), ((Mention(name, "Organization", 0, len(name)), ev),), (), ())
        >>> resolver = Resolver()
        >>> _ = resolver.add(article("b", "Globex"))
        >>> resolver.insert(article("a", "Initech"))[1], resolver.insert(article("a1", "Globex"))[1]
        ({'Initech': None}, {'Globex': False})
        >>> resolver.insert(article("a0", "GLOBEX")) is None  # first by id now: it would have named it "GLOBEX"
        True
        """
        before: dict[str, tuple[str, bool] | None] = {}
        keyed = self._add(extraction, before)
        index = self._index
        for form, canon, place in index.given:
            if self._dropped.get(form, "") > index.article or index.close_later(form):
                return None
            if index.order[form][0] > index.article:  # an article after this one gave it first
                if index.by_form[form] != canon:
                    return None
                index.claim(form, place)
        conditional: dict[str, bool | None] = {}
        for key, was in before.items():
            # (whether it is kept only where used can change but one way, as its sources only grow: see withheld)
            if was is not None and self._type(key) != was[0]:
                return None
            conditional[key] = None if was is None else was[1]
        return keyed, conditional

    def _add(self, extraction, before: dict[str, tuple[str, bool] | None] | None) -> Keyed:
        """:meth:`add`; ``before`` (when given) gets each key's class and
        conditional keeping before the article, None for a new key."""
        index, ex = self._index, extraction
        index.start(ex.article.id)
        parts = _person_parts([m for m, _ in ex.mentions])

        def key_of(m: Mention) -> str | None:
            key = parts.get(m.name, m.name)
            if key == m.name and m.label == "Person" and len(key.split()) == 1:
                form = normal_form(key)
                if index.known(form) is None:  # a lone first or last name that no full name in the article explains
                    self._dropped[form] = max(self._dropped.get(form, ""), ex.article.id)
                    return None
            canon = index.canonical(key, m.label)
            if before is not None and canon not in before:
                before[canon] = self._standing(canon) if canon in self._labels else None
            label = "Person" if key != m.name and m.label != "Organization" else m.label
            cat = index.catalogue.get(canon)
            weight = 10 if cat is not None else 4 - _TRUST.get(m.source, 3)
            label = cat.type if cat else label
            self._labels[canon][label] += weight
            place = (ex.article.id, self._filed)
            self._filed += 1
            first = self._first.get((canon, label))
            if first is None or place < first:
                self._first[(canon, label)] = place
            self._sources[canon].add(m.source)
            if m.source not in _NOT_ALIASES:
                self._aliases[canon].add(re.sub(r"['’]s?$", "", m.text.strip()))
            return canon

        refs, rels, meas = [], [], []
        for m, ev in ex.mentions:
            k = key_of(m)
            if k is not None:
                refs.append((k, m.text, ev))
        for r in ex.relations:
            s, o = key_of(r.subject), key_of(r.object)
            if s and o and s != o:
                rels.append((s, r.predicate, o, r.evidence))
        for x in ex.measurements:
            s = key_of(x.subject)
            if s:
                meas.append((s, x.metric, plain_decimal(x.value), x.unit, x.period, x.evidence))
        return Keyed(tuple(refs), tuple(rels), tuple(meas))

    def entities(self) -> dict[str, Entity]:
        """Every key's entity, as the articles added so far describe it."""
        return {key: self.entity(key) for key in self._labels}

    def _type(self, key: str) -> str:
        """The class most of the key's mentions give (by weight; a tie goes to the one given first in id order)."""
        labels = self._labels[key]
        if not labels:
            cat = self._index.catalogue.get(key)
            return cat.type if cat else "Organization"
        return min(labels, key=lambda label: (-labels[label], self._first[(key, label)]))

    def entity(self, key: str) -> Entity:
        """One key's entity, as the articles added so far describe it."""
        cat = self._index.catalogue.get(key)
        seen = frozenset(a for a in self._aliases[key] if a and a != key)
        return Entity(slugify(key), key, self._type(key), seen, cat.same_as if cat else frozenset())

    def kept(self, entities: Mapping[str, Entity], used: Iterable[str]) -> tuple[Entity, ...]:
        """The entities the graph keeps, given the keys some relation or fact
        ``used``: all but topics and things only described ("its chip
        unit"), which stay where a relation or fact needs them."""
        used = set(used)
        return tuple(sorted((e for k, e in entities.items() if k in used or not self._conditional(k, e.type)),
                            key=lambda e: (e.id, e.label)))

    def _conditional(self, key: str, type_: str) -> bool:
        return type_ == "Topic" or self._sources[key] <= {"description"}

    def conditional(self, key: str) -> bool:
        """Whether the key's entity is kept only where a relation or fact uses it (see :meth:`kept`)."""
        return self._standing(key)[1]

    def withheld(self, keyed: Keyed, entities: Mapping[str, Entity],
                 used: frozenset[str]) -> tuple[tuple[str, str, Evidence], ...]:
        """The references of ``keyed`` (whose article's relations and facts
        use the keys ``used``, see :meth:`part`) that its share leaves out
        only because their entity is so far just described ("its chip
        unit"): they belong to the graph once another article names it."""
        return tuple((k, text, ev) for k, text, ev in keyed.references
                     if k not in used and entities[k].type != "Topic" and self._conditional(k, entities[k].type))

    def _standing(self, key: str) -> tuple[str, bool]:
        """The key's class and whether its entity is kept only where used."""
        type_ = self._type(key)
        return type_, self._conditional(key, type_)

    def part(self, keyed: Keyed, entities: Mapping[str, Entity]) -> tuple[Resolution, frozenset[str]]:
        """One article's share of the resolution (no entities: :meth:`kept`
        gives those once for all), and the keys its relations and facts use.

        Its statements and facts hold only this article's evidence; the same
        statement from several articles is one in the graph, with the
        evidence of each (:func:`merge_parts` merges them in memory)."""
        statements: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
        for s, rel, o, ev in keyed.relations:
            spec = RELATIONS[rel]
            if not spec.accepts(entities[s].type, entities[o].type) or s == o:
                continue  # (two names of one entity: "Alibaba Cloud" that the catalogue knows as Alibaba's)
            if spec.symmetric and s > o:
                s, o = o, s
            statements[(s, rel, o)].append(ev)
        facts: dict[tuple, list[Evidence]] = defaultdict(list)
        for s, metric, value, unit, period, ev in keyed.measurements:
            facts[(s, metric, value, unit, period)].append(ev)

        # Topics stand for where money or effort goes, and products named only
        # by their owner ("Alibaba's AI chips") for what is used or supplied:
        # keep them, per article, only where a relation or fact needs them.
        used_in: dict[str, set[str]] = defaultdict(set)  # key -> articles where a relation or fact needs it
        for (s, _, o), evs in statements.items():
            for ev in evs:
                used_in[s].add(ev.article_id)
                used_in[o].add(ev.article_id)
        for f, evs in facts.items():
            used_in[f[0]].update(ev.article_id for ev in evs)
        part = Resolution(
            entities=(),
            references=tuple(Reference(entities[k], text, ev) for k, text, ev in keyed.references
                             if not self._conditional(k, entities[k].type) or ev.article_id in used_in.get(k, ())),
            statements=tuple(Statement(entities[s], rel, entities[o], unique_evidence(evs))
                             for (s, rel, o), evs in sorted(statements.items())),
            facts=tuple(Fact(entities[s], metric, value, unit, period, unique_evidence(evs))
                        for (s, metric, value, unit, period), evs in sorted(facts.items(), key=lambda kv: str(kv[0]))),
        )
        return part, frozenset(used_in)


def merge_parts(entities: Iterable[Entity], parts: Iterable[Resolution]) -> Resolution:
    """One resolution of the articles' parts (:meth:`Resolver.part`): a
    statement or fact stated in several articles becomes one, with the
    evidence of all."""
    references: list[Reference] = []
    statements: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    facts: dict[tuple, list[Evidence]] = defaultdict(list)
    by_label: dict[str, Entity] = {}
    for part in parts:
        references.extend(part.references)
        for st in part.statements:
            by_label.update({st.subject.label: st.subject, st.object.label: st.object})
            statements[(st.subject.label, st.relation, st.object.label)].extend(st.evidence)
        for f in part.facts:
            by_label[f.subject.label] = f.subject
            facts[(f.subject.label, f.metric, f.value, f.unit, f.period)].extend(f.evidence)
    return Resolution(
        entities=tuple(entities),
        references=tuple(references),
        statements=tuple(Statement(by_label[s], rel, by_label[o], unique_evidence(evs))
                         for (s, rel, o), evs in sorted(statements.items())),
        facts=tuple(Fact(by_label[s], metric, value, unit, period, unique_evidence(evs))
                    for (s, metric, value, unit, period), evs in sorted(facts.items(), key=lambda kv: str(kv[0]))),
    )


def resolve(
    extractions: Iterable,
    catalogue: Iterable[Entity] = (),
) -> Resolution:
    """Resolve every extraction's mentions, relations and measurements, in memory."""
    resolver = Resolver(catalogue)
    keyed = [resolver.add(ex) for ex in extractions]
    entities = resolver.entities()
    parts = [resolver.part(k, entities) for k in keyed]
    used = set().union(*(u for _, u in parts))
    return merge_parts(resolver.kept(entities, used), (p for p, _ in parts))


def unique_evidence(evidence: Iterable[Evidence]) -> tuple[Evidence, ...]:
    """One piece of evidence per sentence (the most confident), in article and offset order."""
    best: dict[tuple[str, int, int], Evidence] = {}
    for ev in evidence:
        key = (ev.article_id, ev.start, ev.end)
        if key not in best or ev.confidence > best[key].confidence:
            best[key] = ev
    return tuple(sorted(best.values(), key=lambda e: (e.article_id, e.start, e.extractor)))
