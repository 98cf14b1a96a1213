"""Checking a graph against the project's SHACL shapes (triples/shapes.ttl)
with pySHACL, the ontology mixed in so that subclasses count.

>>> from kg.store import load_graph
>>> validate(load_graph(TRIPLES_DIR / "examples" / "valid.ttl")).conforms
True
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph
from rdflib.namespace import SH

from .model import TRIPLES_DIR

__all__ = ["Violation", "Report", "validate"]


@dataclass(frozen=True, slots=True)
class Violation:
    focus: str
    path: str
    message: str
    shape: str


@dataclass
class Report:
    conforms: bool
    violations: list[Violation] = field(default_factory=list)

    def text(self) -> str:
        if self.conforms:
            return "conforms: the graph satisfies every shape"
        lines = [f"does not conform: {len(self.violations)} violation(s)"]
        lines += [f"- {v.focus} {v.path.rsplit('#', 1)[-1]}: {v.message}" + (f" [{v.shape}]" if v.shape else "")
                  for v in self.violations]
        return "\n".join(lines)


def _shape_name(results: Graph, result) -> str:
    """The named node shape a violation came from (property shapes are blank)."""
    shape = results.value(result, SH.sourceShape)
    return str(shape).rsplit("#", 1)[-1] if not isinstance(shape, BNode) else ""


def validate(graph: Graph) -> Report:
    """Validate ``graph`` against ``triples/shapes.ttl``."""
    import pyshacl  # imported here: only validation needs it

    shapes = Graph().parse(TRIPLES_DIR / "shapes.ttl")
    ontology = Graph().parse(TRIPLES_DIR / "ontology.ttl")
    conforms, results, _ = pyshacl.validate(graph, shacl_graph=shapes, ont_graph=ontology, inference="none",
                                            allow_warnings=True)
    violations = []
    for result in results.subjects(SH.resultSeverity, None):
        violations.append(Violation(
            focus=str(results.value(result, SH.focusNode)),
            path=str(results.value(result, SH.resultPath) or ""),
            message=str(results.value(result, SH.resultMessage) or ""),
            shape=_shape_name(results, result),
        ))
    return Report(bool(conforms), sorted(violations, key=lambda v: (v.focus, v.path, v.message)))
