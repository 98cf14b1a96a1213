"""kg: a provenance-tracked knowledge graph of news articles.

``kg.open`` hands notebooks the graph as an rdflib Graph:

>>> import kg
>>> from kg.model import TRIPLES_DIR
>>> graph = kg.open(TRIPLES_DIR / "examples" / "valid.ttl")
>>> len(graph) > 200
True
"""

from .store import open

__all__ = ["open"]
