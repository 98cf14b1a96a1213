"""Reading and writing graphs: format by file extension, deterministic and
atomic output.

>>> suffix_format("out/news.trig"), suffix_format("g.jsonld")
('trig', 'json-ld')
"""

from __future__ import annotations

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
    if fmt == "nt":
        # rdflib writes N-Triples in hash order: sort the lines so that the
        # same graph always gives the same bytes.
        lines = graph.serialize(format="nt").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    if fmt == "trig":
        dataset = Dataset()
        bind_prefixes(dataset)
        for triple in graph:
            dataset.add(triple)
        return dataset.serialize(format="trig").encode("utf-8")
    if fmt == "json-ld":
        return graph.serialize(format="json-ld", sort_keys=True, indent=1).encode("utf-8")
    return graph.serialize(format=fmt).encode("utf-8")


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
