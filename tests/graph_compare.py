"""Comparing graphs that kg wrote with graphs made or written by hand."""

from __future__ import annotations

from rdflib import XSD, Graph, Literal

from kg.model import decimal_literal


def canonical_decimals(graph: Graph) -> Graph:
    """``graph`` with each xsd:decimal in its canonical form ("20.0" is "20"),
    the one kg writes and Oxigraph stores: a hand-written graph compared with
    what kg made of it differs in nothing else."""
    canonical = Graph()
    for s, p, o in graph:
        canonical.add((s, p, decimal_literal(o.toPython()) if isinstance(o, Literal) and o.datatype == XSD.decimal else o))
    assert len(canonical) == len(graph)  # nothing else changed
    return canonical
