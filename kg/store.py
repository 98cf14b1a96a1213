"""Reading and writing graphs: format by file extension, deterministic and
atomic output.

>>> suffix_format("out/news.trig"), suffix_format("g.jsonld")
('trig', 'json-ld')
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import Dataset, Graph

from .model import TRIPLES_DIR, bind_prefixes

__all__ = ["FORMATS", "suffix_format", "save_graph", "load_graph", "default_graph_path"]

#: File extension -> rdflib serializer name.
FORMATS = {
    ".ttl": "longturtle",
    ".turtle": "longturtle",
    ".trig": "trig",
    ".nt": "nt",
    ".ntriples": "nt",
    ".nq": "nquads",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
_PARSE = {"longturtle": "turtle"}


def suffix_format(path: str | Path) -> str:
    """The rdflib format for ``path``'s extension; ValueError lists the known ones."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise ValueError(f"cannot tell the RDF format of {str(path)!r}: use one of {known}")
    return FORMATS[suffix]


def default_graph_path() -> Path:
    """The graph shipped in triples/, built from the five articles."""
    return TRIPLES_DIR / "news.trig"


def _serialize(graph: Graph, fmt: str) -> bytes:
    if fmt in ("nt", "nquads"):
        # rdflib writes lines in hash order: sort them so that the same graph
        # always gives the same bytes. Split on "\n" only: str.splitlines()
        # also breaks at U+2028 and friends, which may sit inside literals.
        source = graph if fmt == "nt" else _as_dataset(graph)
        lines = source.serialize(format=fmt).split("\n")
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "trig":
        return _as_dataset(graph).serialize(format="trig").encode("utf-8")
    if fmt == "json-ld":
        # sort_keys orders keys but not the @graph list: sort that by @id.
        doc = json.loads(graph.serialize(format="json-ld"))
        nodes = doc.get("@graph", doc) if isinstance(doc, dict) else doc
        if isinstance(nodes, list):
            nodes.sort(key=lambda node: json.dumps(node, sort_keys=True))
        return json.dumps(doc, sort_keys=True, indent=1, ensure_ascii=False).encode("utf-8")
    return graph.serialize(format=fmt).encode("utf-8")


def _as_dataset(graph: Graph) -> Dataset:
    dataset = Dataset()
    bind_prefixes(dataset)
    for triple in graph:
        dataset.add(triple)
    return dataset


def save_graph(graph: Graph, path: str | Path) -> Path:
    """Write ``graph`` to ``path`` atomically, in the format its extension names.

    The bytes go to a temporary file in the same folder, which then replaces
    the target: an interrupted write never leaves half a graph behind.
    """
    path = Path(path)
    data = _serialize(graph, suffix_format(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 is for the temporary name only
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_graph(path: str | Path | None = None) -> Graph:
    """Parse a graph file (default: the shipped graph) into one rdflib Graph."""
    path = Path(path) if path else default_graph_path()
    fmt = _PARSE.get(suffix_format(path), suffix_format(path))
    if fmt in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(str(path), format=fmt)
        graph = bind_prefixes(Graph())
        for s, p, o, _ in dataset.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    return bind_prefixes(Graph()).parse(str(path), format=fmt)
