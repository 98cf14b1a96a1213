"""Curation: a user's decisions about the graph, applied to resolved entities,
relations and facts.

A decision merges two entities, splits a name off a wrongly merged one,
fixes a class, drops a relation or a fact, or adds an alias. Decisions name
entities by label and are applied in the order they were made. Applying
one twice changes nothing the second time, so the same decisions apply to a
fresh build and to a graph that already has them (:mod:`kg.curation_rdf`
keeps them in a Turtle file and in the graph).

>>> from datetime import datetime, timezone
>>> d = Decision("merge", "Volvo Car", by="ana", at=datetime(2026, 12, 1, tzinfo=timezone.utc), into="Volvo Cars")
>>> d.describe()
"merge 'Volvo Car' into 'Volvo Cars'"
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from .errors import KgError
from .resolve import Resolution, normal_form, unique_evidence
from .schema import (CLASSES, METRICS, RELATIONS, Entity, Evidence, Fact, Reference, Statement, plain_decimal, slugify,
                     stable_id)

__all__ = ["ACTIONS", "Decision", "Curated", "UnknownEntityError", "apply_decisions", "find_entity",
           "curation_path_for"]

#: Each action and the fields it needs besides ``entity``, ``by`` and ``at``.
ACTIONS: dict[str, tuple[str, ...]] = {
    "merge": ("into",),
    "split": ("alias", "label", "type"),
    "retype": ("type",),
    "drop-relation": ("relation", "object"),
    "drop-fact": ("metric", "value"),
    "alias": ("alias",),
}


@dataclass(frozen=True, slots=True)
class Decision:
    """One curation decision: ``action`` on the entity labelled ``entity``,
    made by ``by`` at ``at`` (a time with its zone).

    - merge: ``entity`` becomes ``into`` (its names become aliases, its
      relations, facts and mentions move);
    - split: the name ``alias`` of ``entity`` belongs to the entity labelled
      ``label`` of class ``type`` (made if there is none), with the mentions,
      relations and facts read from sentences that name ``entity`` only so;
    - retype: ``entity`` is of class ``type``;
    - drop-relation: ``entity`` does not stand in ``relation`` to ``object``;
    - drop-fact: ``entity`` has no ``metric`` of ``value`` (in ``unit``, for
      ``period``, where these are given);
    - alias: ``entity`` is also called ``alias``.

    ``why`` is the curator's reason, if given.
    """

    action: str
    entity: str
    by: str
    at: datetime
    into: str | None = None
    alias: str | None = None
    label: str | None = None
    type: str | None = None
    relation: str | None = None
    object: str | None = None
    metric: str | None = None
    value: Decimal | None = None
    unit: str | None = None
    period: str | None = None
    why: str | None = None

    def __post_init__(self) -> None:
        if not self.entity.strip() or not self.by.strip():
            raise ValueError("a decision names an entity and who made it")
        if self.action not in ACTIONS:
            raise ValueError(f"unknown curation action {self.action!r}; known: {', '.join(ACTIONS)}")
        missing = [name for name in ACTIONS[self.action] if getattr(self, name) is None]
        if missing:
            raise ValueError(f"a {self.action} decision needs {', '.join(missing)}")
        if self.type is not None and self.type not in CLASSES:
            raise ValueError(f"unknown class {self.type!r}; known: {', '.join(CLASSES)}")
        if self.relation is not None and self.relation not in RELATIONS:
            raise ValueError(f"unknown relation {self.relation!r}; known: {', '.join(RELATIONS)}")
        if self.metric is not None and self.metric not in METRICS:
            raise ValueError(f"unknown metric {self.metric!r}; known: {', '.join(METRICS)}")
        if self.at.tzinfo is None:
            raise ValueError("a decision's time needs its time zone")
        if self.value is not None:  # 5E+9 and 5000000000.0 are one value: one id, one description
            object.__setattr__(self, "value", plain_decimal(self.value))

    @property
    def id(self) -> str:
        """A short id made of everything the decision says: the same decision has the same id."""
        return stable_id(self.action, self.entity, self.by, self.at.isoformat(), self.into, self.alias, self.label,
                         self.type, self.relation, self.object, self.metric, self.value, self.unit, self.period,
                         length=12)

    def describe(self) -> str:
        """What the decision does, in words (without the reason)."""
        return {
            "merge": lambda: f"merge {self.entity!r} into {self.into!r}",
            "split": lambda: f"split {self.alias!r} off {self.entity!r} as {self.label!r} ({self.type})",
            "retype": lambda: f"retype {self.entity!r} as {self.type}",
            "drop-relation": lambda: f"drop {self.entity!r} {self.relation} {self.object!r}",
            "drop-fact": lambda: " ".join(["drop fact", repr(self.entity), self.metric, f"{self.value:f}",
                                           *filter(None, (self.unit, self.period))]),
            "alias": lambda: f"add alias {self.alias!r} to {self.entity!r}",
        }[self.action]()


@dataclass(frozen=True, slots=True)
class Curated:
    """A resolution with decisions applied."""

    resolution: Resolution
    #: the decisions that changed something, in order
    applied: tuple[Decision, ...]
    #: the decisions that found nothing to change (already applied, or their entities are gone)
    idle: tuple[Decision, ...]
    #: relations left out because a retype, merge or split gave them classes they cannot link
    unfit: tuple[Statement, ...] = ()


class UnknownEntityError(KgError, LookupError):
    """A name that is no entity's label or alias; the message lists near names."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


def find_entity(entities: Iterable[Entity], name: str) -> Entity:
    """The entity called ``name``: by label, else by label or alias ignoring
    case, punctuation and legal suffixes (:func:`~kg.resolve.normal_form`).

    >>> find_entity([Entity("ibm", "IBM", "Organization", frozenset({"Big Blue"}))], "big blue").label
    'IBM'
    """
    entities = list(entities)
    for entity in entities:
        if entity.label == name:
            return entity
    form = normal_form(name)
    by_label = [e for e in entities if normal_form(e.label) == form]
    found = by_label or [e for e in entities if any(normal_form(a) == form for a in e.aliases)]
    if len(found) == 1:
        return found[0]
    if found:
        raise UnknownEntityError(f"{name!r} names {len(found)} entities: "
                                 f"{', '.join(sorted(repr(e.label) for e in found))}; give the label")
    near = sorted(e.label for e in entities if form and form[:4] in normal_form(e.label))[:5]
    raise UnknownEntityError(f"no entity is called {name!r}" + (f"; near: {', '.join(map(repr, near))}" if near else ""))


def curation_path_for(graph: str | Path) -> Path:
    """Where a graph's curation file sits by default: next to it, named after it.

    >>> curation_path_for("out/news.trig").as_posix()
    'out/news.curation.ttl'
    """
    graph = Path(graph)
    return graph.with_name(f"{graph.stem}.curation.ttl")


# ---------------------------------------------------------------- applying


@dataclass
class _Rows:
    """A resolution taken apart to one row per piece of evidence, entities by label,
    so that a decision may move some sentences of a relation and not others."""

    entities: dict[str, Entity]
    references: list[tuple[str, str, Evidence]]
    statements: list[tuple[str, str, str, Evidence]]
    facts: list[tuple[str, str, Decimal, str, str | None, Evidence]]

    @classmethod
    def of(cls, resolution: Resolution) -> _Rows:
        return cls(
            {e.label: e for e in resolution.entities},
            [(r.entity.label, r.text, r.evidence) for r in resolution.references],
            [(s.subject.label, s.relation, s.object.label, ev) for s in resolution.statements for ev in s.evidence],
            [(f.subject.label, f.metric, f.value, f.unit, f.period, ev) for f in resolution.facts for ev in f.evidence],
        )

    def move(self, old: str, new: str, where: Callable[[Evidence], bool] = lambda ev: True) -> None:
        """Give ``new`` the relations, facts and mentions of ``old`` read from the sentences ``where`` picks."""
        def label(name: str, ev: Evidence) -> str:
            return new if name == old and where(ev) else name

        self.references = [(label(e, ev), text, ev) for e, text, ev in self.references]
        self.statements = [(label(s, ev), rel, label(o, ev), ev) for s, rel, o, ev in self.statements]
        self.facts = [(label(s, ev), *rest, ev) for s, *rest, ev in self.facts]

    def resolution(self) -> tuple[Resolution, tuple[Statement, ...]]:
        """The resolution again, and the relations whose classes no longer fit."""
        ents = self.entities
        grouped: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
        for s, rel, o, ev in self.statements:
            if s == o:
                continue  # a merge made it a relation of an entity with itself
            if RELATIONS[rel].symmetric and s > o:
                s, o = o, s
            grouped[(s, rel, o)].append(ev)
        fits, unfit = [], []
        for (s, rel, o), evs in sorted(grouped.items()):
            statement = Statement(ents[s], rel, ents[o], unique_evidence(evs))
            (fits if RELATIONS[rel].accepts(ents[s].type, ents[o].type) else unfit).append(statement)
        facts: dict[tuple, list[Evidence]] = defaultdict(list)
        for *key, ev in self.facts:
            facts[tuple(key)].append(ev)
        resolution = Resolution(
            entities=tuple(sorted(ents.values(), key=lambda e: (e.id, e.label))),
            references=tuple(Reference(ents[e], text, ev) for e, text, ev in self.references),
            statements=tuple(fits),
            facts=tuple(Fact(ents[s], metric, value, unit, period, unique_evidence(evs))
                        for (s, metric, value, unit, period), evs in sorted(facts.items(), key=lambda kv: str(kv[0]))),
        )
        return resolution, tuple(unfit)


def _sentence(ev: Evidence) -> tuple[str, int, int]:
    return ev.article_id, ev.start, ev.end


def _merge(rows: _Rows, d: Decision) -> bool:
    gone, kept = rows.entities.get(d.entity), rows.entities.get(d.into)
    if gone is None or kept is None or gone is kept:
        return False
    rows.entities[kept.label] = replace(kept, aliases=(kept.aliases | gone.aliases | {gone.label}) - {kept.label},
                                        same_as=kept.same_as | gone.same_as)
    del rows.entities[gone.label]
    rows.move(gone.label, kept.label)
    return True


def _split(rows: _Rows, d: Decision) -> bool:
    source = rows.entities.get(d.entity)
    form = normal_form(d.alias)
    if source is None or d.label == source.label or form == normal_form(source.label):
        return False  # nothing to split off, or the entity's own name
    names = {a for a in source.aliases if normal_form(a) == form}
    # per sentence, whether each mention of the entity there uses the name split off
    uses: dict[tuple[str, int, int], set[bool]] = defaultdict(set)
    for entity, text, ev in rows.references:
        if entity == source.label:
            uses[_sentence(ev)].add(normal_form(text) == form)
    if not names and not any(True in found for found in uses.values()):
        return False
    target = rows.entities.get(d.label) or Entity(slugify(d.label), d.label, d.type)
    rows.entities[source.label] = replace(source, aliases=source.aliases - names)
    rows.entities[target.label] = replace(target, type=d.type, aliases=(target.aliases | names) - {target.label})
    only = {sentence for sentence, found in uses.items() if found == {True}}
    rows.move(source.label, target.label, lambda ev: _sentence(ev) in only)
    # the mentions by that name denote the other entity wherever they are
    rows.references = [(target.label if e == source.label and normal_form(text) == form else e, text, ev)
                       for e, text, ev in rows.references]
    return True


def _retype(rows: _Rows, d: Decision) -> bool:
    entity = rows.entities.get(d.entity)
    if entity is None or entity.type == d.type:
        return False
    rows.entities[entity.label] = replace(entity, type=d.type)
    return True


def _drop_relation(rows: _Rows, d: Decision) -> bool:
    pairs = {(d.entity, d.object)} | ({(d.object, d.entity)} if RELATIONS[d.relation].symmetric else set())
    kept = [row for row in rows.statements if not (row[1] == d.relation and (row[0], row[2]) in pairs)]
    dropped = len(kept) < len(rows.statements)
    rows.statements = kept
    return dropped


def _drop_fact(rows: _Rows, d: Decision) -> bool:
    def named(row) -> bool:
        subject, metric, value, unit, period, _ = row
        return ((subject, metric, value) == (d.entity, d.metric, d.value) and d.unit in (None, unit)
                and d.period in (None, period))

    kept = [row for row in rows.facts if not named(row)]
    dropped = len(kept) < len(rows.facts)
    rows.facts = kept
    return dropped


def _alias(rows: _Rows, d: Decision) -> bool:
    entity = rows.entities.get(d.entity)
    if entity is None or d.alias == entity.label or d.alias in entity.aliases:
        return False
    rows.entities[entity.label] = replace(entity, aliases=entity.aliases | {d.alias})
    return True


_STEPS: dict[str, Callable[[_Rows, Decision], bool]] = {
    "merge": _merge, "split": _split, "retype": _retype, "drop-relation": _drop_relation,
    "drop-fact": _drop_fact, "alias": _alias,
}


def apply_decisions(resolution: Resolution, decisions: Sequence[Decision]) -> Curated:
    """Apply ``decisions`` in order; each names entities by their label at the
    time it applies (after the decisions before it).

    A relation that a new class makes impossible (a Product as CEO) is left
    out, as resolution leaves it out, and listed in :attr:`Curated.unfit`.
    """
    rows = _Rows.of(resolution)
    applied, idle = [], []
    for decision in decisions:
        (applied if _STEPS[decision.action](rows, decision) else idle).append(decision)
    curated, unfit = rows.resolution()
    return Curated(curated, tuple(applied), tuple(idle), unfit)
