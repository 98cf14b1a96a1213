"""The RDF layer of curation: decisions (:mod:`kg.curate`) as Turtle in a
curation file and as nodes in the graph, and a graph file curated in place.

Each decision is a ``kg:Decision`` (a ``prov:Entity``) of one subclass per
action (``kg:Merge``, ``kg:Split``, ``kg:Retype``, ``kg:DropRelation``,
``kg:DropFact``, ``kg:AddAlias``), attributed (``prov:wasAttributedTo``) to
the ``prov:Agent`` who made it, with the time it was made
(``prov:generatedAtTime``). The curation file holds these nodes; a curated
graph holds them too, so a query can ask who changed what and when.

>>> from datetime import datetime, timezone
>>> d = Decision("retype", "Widget-7", by="ana", at=datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc), type="Product")
>>> graph = decisions_graph([d])
>>> sorted(str(p).rsplit("#", 1)[-1] for p in graph.predicates(DECISION[d.id]))
['curatedEntity', 'generatedAtTime', 'newClass', 'type', 'wasAttributedTo']
"""

from __future__ import annotations

import fcntl
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from rdflib import RDF, RDFS, Graph, Literal, Namespace
from rdflib.namespace import PROV, XSD

from .curate import Curated, Decision, apply_decisions
from .errors import KgError
from .model import BASE, KG, GraphContent, bind_prefixes, decimal_literal, to_graph
from .schema import slugify
from .store import build_store, save_graph

__all__ = ["NothingToChange", "decisions_graph", "read_decisions", "save_decisions", "curate_graph",
           "record_decision", "apply_curation_file"]

DECISION = Namespace(BASE + "decision/")
CURATOR = Namespace(BASE + "curator/")

_CLASSES = {"merge": KG.Merge, "split": KG.Split, "retype": KG.Retype, "drop-relation": KG.DropRelation,
            "drop-fact": KG.DropFact, "alias": KG.AddAlias}
_ACTIONS = {cls: action for action, cls in _CLASSES.items()}
#: Decision fields written as plain literals
_TEXTS = {"entity": KG.curatedEntity, "into": KG.mergedInto, "alias": KG.alias, "label": KG.newLabel,
          "object": KG.droppedObject, "metric": KG.droppedMetric, "unit": KG.droppedUnit, "period": KG.droppedPeriod,
          "why": RDFS.comment}
#: Decision fields that name a term of the ontology (a class, a relation)
_TERMS = {"type": KG.newClass, "relation": KG.droppedRelation}


class NothingToChange(KgError):
    """A decision that would change nothing in the graph (and is not recorded)."""


def decisions_graph(decisions: Iterable[Decision]) -> Graph:
    """The decisions as RDF: one node per decision, and one per curator."""
    graph = bind_prefixes(Graph())
    graph.bind("decision", DECISION)
    for d in decisions:
        node, curator = DECISION[d.id], CURATOR[slugify(d.by)]
        graph.add((node, RDF.type, _CLASSES[d.action]))
        graph.add((node, PROV.wasAttributedTo, curator))
        graph.add((node, PROV.generatedAtTime, Literal(d.at.isoformat(), datatype=XSD.dateTime)))
        graph.add((curator, RDF.type, PROV.Agent))
        graph.add((curator, RDFS.label, Literal(d.by)))
        for name, prop in _TEXTS.items():
            if getattr(d, name) is not None:
                graph.add((node, prop, Literal(getattr(d, name))))
        for name, prop in _TERMS.items():
            if getattr(d, name) is not None:
                graph.add((node, prop, KG[getattr(d, name)]))
        if d.value is not None:
            graph.add((node, KG.droppedValue, decimal_literal(d.value)))
    return graph


def read_decisions(path: str | Path) -> list[Decision]:
    """The decisions in a curation file, oldest first. A file that is no
    Turtle, or a decision that lacks what its action needs, is a ValueError
    naming the file."""
    try:
        graph = Graph().parse(str(path), format="turtle")
    except Exception as exc:  # the parser's own error types
        raise ValueError(f"cannot read the curation file {path}: {exc}") from None
    decisions = []
    for cls, action in _ACTIONS.items():
        for node in graph.subjects(RDF.type, cls):
            fields = {name: str(value) for name, prop in _TEXTS.items()
                      if (value := graph.value(node, prop)) is not None}
            fields |= {name: str(value).removeprefix(str(KG)) for name, prop in _TERMS.items()
                       if (value := graph.value(node, prop)) is not None}
            value, at = graph.value(node, KG.droppedValue), graph.value(node, PROV.generatedAtTime)
            by = graph.value(graph.value(node, PROV.wasAttributedTo), RDFS.label)
            try:
                decisions.append(Decision(action, by=str(by), at=at.toPython(),
                                          value=None if value is None else value.toPython(), **fields))
            except (TypeError, ValueError, AttributeError) as exc:
                raise ValueError(f"{path}: decision {node} cannot be read ({exc})") from None
    return sorted(decisions, key=lambda d: (d.at, d.id))


def save_decisions(path: str | Path, decisions: Iterable[Decision]) -> Path:
    """Write the curation file (Turtle), atomically."""
    return save_graph(decisions_graph(decisions), path)


def curate_graph(content: GraphContent, decisions: Sequence[Decision]) -> tuple[Graph, Curated]:
    """The graph of ``content`` with ``decisions`` applied, and their nodes in it."""
    curated = apply_decisions(content.resolution, decisions)
    r = curated.resolution
    graph = to_graph(content.articles, r.entities, r.references, r.statements, r.facts, quotes=content.quotes)
    graph += decisions_graph(decisions)
    return graph, curated


def record_decision(graph_path: str | Path, curation_path: str | Path, content: GraphContent,
                    decision: Decision) -> Curated:
    """Add ``decision`` to the curation file and apply the file to the graph
    file read as ``content``, rewriting it (and its SPARQL store).

    Raises :class:`NothingToChange`, and writes nothing, when the decision
    would change nothing.
    """
    curation_path = Path(curation_path)
    with _one_writer(curation_path):
        decisions = [*(read_decisions(curation_path) if curation_path.exists() else ()), decision]
        graph, curated = curate_graph(content, decisions)
        if decision not in curated.applied:
            raise NothingToChange(f"nothing to change: {decision.describe()} finds nothing to do in {graph_path}")
        save_decisions(curation_path, decisions)
        save_graph(graph, graph_path)
        build_store(graph_path)
    return curated


def apply_curation_file(graph_path: str | Path, curation_path: str | Path, content: GraphContent) -> Curated:
    """Apply every decision in the curation file to the graph file read as
    ``content`` (after the file was edited, or to a graph built without it)."""
    with _one_writer(Path(curation_path)):
        graph, curated = curate_graph(content, read_decisions(curation_path))
        save_graph(graph, graph_path)
        build_store(graph_path)
    return curated


@contextmanager
def _one_writer(curation_path: Path) -> Iterator[None]:
    """Hold the curation file's lock (a flock on a file next to it) while it and its graph are rewritten.

    Two curators at once then both keep their decision: the second reads the
    file after the first wrote it, and as every decision in the file is
    applied again, the graph it writes has both, even if it was read before.
    """
    lock = curation_path.with_name(f".{curation_path.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with lock.open("a+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield
