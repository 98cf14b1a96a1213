"""Reading and writing graphs (format by file extension, deterministic and
atomic output) and the embedded SPARQL store every query command opens.

>>> suffix_format("out/news.trig"), suffix_format("g.jsonld")
('trig', 'json-ld')

The store is an on-disk Oxigraph (pyoxigraph) database holding the graph and
the ontology. It is built once per graph file and cached under a key made of
the file's hash, so repeated commands open it instead of re-parsing
(:func:`open_store` of a graph file), or built into a chosen folder.

A store folder is a symbolic link to one version of the database (in a
hidden ``.NAME.versions`` folder next to it). A rebuild or an update writes
a new version and switches the link atomically; a reader keeps the version
it opened until it opens the store again, and holds a shared lock on it so
that no writer deletes it meanwhile. Writers take an exclusive lock
(``.NAME.lock``), one at a time; each removes the versions no reader holds
any more, and what a killed writer left behind.

>>> import tempfile
>>> folder = build_store(TRIPLES_DIR / "examples" / "valid.ttl", Path(tempfile.mkdtemp()) / "store")
>>> store = open_store(folder)
>>> result = store.query("SELECT ?name WHERE { ?e a kg:Person ; rdfs:label ?name }",
...                      prefixes={"kg": str(KG), "rdfs": str(RDFS)})
>>> result.variables, [row[0].value for row in result]
(('name',), ['Jane Roe'])
>>> store.close()
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import RDFS, Dataset, Graph, Literal  # noqa: F401 - RDFS and KG serve the doctests

from .model import KG, TRIPLES_DIR, bind_prefixes  # noqa: F401

__all__ = [
    "FORMATS",
    "suffix_format",
    "save_graph",
    "load_graph",
    "default_graph_path",
    "ontology_path",
    "Term",
    "SelectResult",
    "AskResult",
    "GraphResult",
    "GraphStore",
    "select_values",
    "SUMMARY_GRAPH",
    "summary_update",
    "QuerySyntaxError",
    "cache_dir",
    "apply_update",
    "copy_store",
    "build_store",
    "open_store",
    "open",
]

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
        # sort_keys orders keys but not lists: sort the @graph list and each
        # node's values (a set in RDF, listed in the order they were added).
        doc = json.loads(graph.serialize(format="json-ld"))
        nodes = doc.get("@graph", doc) if isinstance(doc, dict) else doc
        if isinstance(nodes, list):
            for node in nodes:
                for values in node.values():
                    if isinstance(values, list):
                        values.sort(key=lambda value: json.dumps(value, sort_keys=True))
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
    the target: an interrupted write never leaves half a graph behind, and
    the temporary file of a killed write is removed by the next one.
    """
    path = Path(path)
    data = _serialize(graph, suffix_format(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = _locked_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(fd, 0o666 & ~umask)  # mkstemp's 0600 is for the temporary name only
            os.replace(tmp, path)  # while the lock still says the file is being written
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# A temporary file is locked (flock) while written: one that nobody holds
# locked is what a killed writer left.
def _locked_temporary(path: Path) -> tuple[int, str]:
    while True:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        fcntl.flock(fd, fcntl.LOCK_EX)
        if os.fstat(fd).st_nlink:
            return fd, tmp
        os.close(fd)  # another writer took it for a leftover before the lock: take another


def _remove_stale_temporaries(path: Path) -> None:
    for tmp in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        try:
            fh = tmp.open("rb")
        except FileNotFoundError:
            continue
        with fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # being written
            tmp.unlink(missing_ok=True)


def load_graph(path: str | Path | None = None) -> Graph:
    """Parse a graph file (default: the shipped graph) into one rdflib Graph."""
    path = Path(path) if path else default_graph_path()
    fmt = _PARSE.get(suffix_format(path), suffix_format(path))
    if fmt in ("trig", "nquads"):
        return _merge_graphs(Dataset().parse(str(path), format=fmt))
    return bind_prefixes(Graph()).parse(str(path), format=fmt)


def _merge_graphs(dataset: Dataset) -> Graph:
    graph = bind_prefixes(Graph())
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph


# ---------------------------------------------------------------- the store


def ontology_path() -> Path:
    """The ontology that is loaded into every store next to the graph."""
    return TRIPLES_DIR / "ontology.ttl"


#: The named graph of every store that holds what is computed from the graph
#: when it is loaded or updated (:func:`summary_update`), not part of it.
SUMMARY_GRAPH = "https://w3id.org/kg-news/summary"


def summary_update() -> str:
    """The SPARQL 1.1 Update (``triples/summary.ru``) that fills
    :data:`SUMMARY_GRAPH` anew from the graph and the ontology: the answers of
    the saved queries that aggregate the whole graph, so that they stay fast
    as it grows. Run after every load and update of a store."""
    return (TRIPLES_DIR / "summary.ru").read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class Term:
    """One RDF term of a query result, free of any library's types.

    ``kind`` is ``"uri"``, ``"bnode"``, ``"literal"`` or ``"triple"`` (the
    names of the SPARQL JSON results format).

    >>> Term("literal", "Acme", language="en").n3()
    '"Acme"@en'
    >>> Term("literal", "42", "http://www.w3.org/2001/XMLSchema#integer").n3()
    '"42"^^<http://www.w3.org/2001/XMLSchema#integer>'
    """

    kind: str
    value: str
    datatype: str | None = None
    language: str | None = None

    def n3(self) -> str:
        """The term in N-Triples syntax (as TSV results and Turtle write it)."""
        if self.kind == "uri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.kind == "triple":
            return f"<< {self.value} >>"
        text = '"' + _escape_string(self.value) + '"'
        if self.language:
            return f"{text}@{self.language}"
        if self.datatype and self.datatype != _XSD_STRING:
            return f"{text}^^<{self.datatype}>"
        return text


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _escape_string(text: str) -> str:
    return text.translate(_ESCAPES)


def _to_term(node) -> Term | None:
    if node is None:
        return None
    if isinstance(node, ox.NamedNode):
        return Term("uri", node.value)
    if isinstance(node, ox.BlankNode):
        return Term("bnode", node.value)
    if isinstance(node, ox.Literal):
        return Term("literal", node.value, node.datatype.value, node.language)
    return Term("triple", str(node))


def _from_term(term: Term):
    if term.kind == "uri":
        return ox.NamedNode(term.value)
    if term.kind == "literal":
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype or _XSD_STRING))
    raise ValueError(f"cannot bind a {term.kind} as a query parameter")


class QuerySyntaxError(ValueError):
    """A query the SPARQL parser rejects; the message names line and column.

    The parser lists every token it would have accepted, character classes
    included; the first line, cut at 160 characters, says enough.

    >>> str(QuerySyntaxError.from_parser("error at 2:9: expected one of " + "x, " * 100 + "\\n| more"))[:40]
    'error at 2:9: expected one of x, x, x, x'
    >>> len(str(QuerySyntaxError.from_parser("error at 2:9: expected one of " + "x, " * 100)))
    161
    """

    @classmethod
    def from_parser(cls, message: str) -> QuerySyntaxError:
        first = message.splitlines()[0] if message else "syntax error"
        return cls(first if len(first) <= 160 else first[:160] + "…")

    @property
    def position(self) -> tuple[int, int] | None:
        """(line, column) where the parser stopped, as the message gives
        them: both from 1, the column in characters.

        >>> QuerySyntaxError("error at 2:9: expected one of x").position
        (2, 9)
        """
        match = re.match(r"error at (\d+):(\d+)", str(self))
        return (int(match[1]), int(match[2])) if match else None


@dataclass
class SelectResult:
    """The answer to a SELECT query: variable names and a lazy stream of rows.

    Each row is a tuple of :class:`Term` (``None`` where a variable is unbound).
    Rows are read from the engine as they are iterated, so a caller that
    stops early (a row limit) does not pay for the rest.
    """

    variables: tuple[str, ...]
    _solutions: Iterator
    #: Set by a reader that stopped at a row limit with rows left unread.
    truncated: bool = False

    def __iter__(self) -> Iterator[tuple[Term | None, ...]]:
        for solution in self._solutions:
            yield tuple(_to_term(node) for node in solution)


@dataclass
class AskResult:
    """The answer to an ASK query."""

    value: bool


@dataclass
class GraphResult:
    """The answer to a CONSTRUCT or DESCRIBE query: a lazy stream of triples."""

    _triples: Iterator
    #: Set by :meth:`serialize` when it stopped at its limit with triples left.
    truncated: bool = False

    def __iter__(self) -> Iterator[tuple[Term, Term, Term]]:
        for triple in self._triples:
            yield _to_term(triple.subject), _to_term(triple.predicate), _to_term(triple.object)

    def serialize(self, fmt: str = "turtle", *, prefixes: Mapping[str, str] | None = None,
                  limit: int | None = None) -> bytes:
        """The triples as ``"turtle"``, ``"ntriples"`` or ``"rdfxml"``, at most ``limit`` of them."""
        if fmt not in _GRAPH_SERIALIZERS:
            raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(_GRAPH_SERIALIZERS)}")
        triples = list(self._triples if limit is None else _take(self._triples, limit + 1))
        if limit is not None and len(triples) > limit:
            triples, self.truncated = triples[:limit], True
        return ox.serialize(triples, format=_GRAPH_SERIALIZERS[fmt], prefixes=dict(prefixes or {}))


_GRAPH_SERIALIZERS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}


def _take(items: Iterator, limit: int) -> Iterator:
    for count, item in enumerate(items):
        if count >= limit:
            return
        yield item


class GraphStore:
    """A read-only, on-disk SPARQL store (Oxigraph) holding a graph and the ontology.

    Many processes may open the same store at once (the endpoint's workers
    do). Open one with :func:`open_store`.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        folder, self._hold = _hold_version(self.path)
        self._store = ox.Store.read_only(str(folder))
        # read-only: the named graphs cannot change while the store is open
        self._named_graphs = frozenset(
            graph.value for graph in self._store.named_graphs() if isinstance(graph, ox.NamedNode))

    def __len__(self) -> int:
        """Triples of the graph and the ontology (not those of :data:`SUMMARY_GRAPH`)."""
        derived = sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(SUMMARY_GRAPH)))
        return len(self._store) - derived

    def __repr__(self) -> str:
        return f"GraphStore({str(self.path)!r})"

    def named_graphs(self) -> frozenset[str]:
        """The IRIs of the named graphs in the store (a TriG file may have some)."""
        return self._named_graphs

    def query(self, sparql: str, *, prefixes: Mapping[str, str] | None = None,
              bindings: Mapping[str, Term] | None = None) -> SelectResult | AskResult | GraphResult:
        """Run a SPARQL query; ``bindings`` give variables a value before it runs.

        Bindings are substituted by the engine (SPARQL SEP-0007), never pasted
        into the query text, so a value cannot change what the query means.
        """
        substitutions = {ox.Variable(name): _from_term(term) for name, term in (bindings or {}).items()}
        try:
            result = self._store.query(sparql, prefixes=dict(prefixes or {}), substitutions=substitutions)
        except SyntaxError as error:
            raise QuerySyntaxError.from_parser(str(error)) from None
        if isinstance(result, ox.QuerySolutions):
            return SelectResult(tuple(v.value for v in result.variables), result)
        if isinstance(result, ox.QueryBoolean):
            return AskResult(bool(result))
        return GraphResult(result)

    def close(self) -> None:
        """Release the database and its version (also done when the object is collected)."""
        del self._store
        if self._hold is not None:
            self._hold.close()


_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = frozenset(_XSD + name for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte"))


def _python_value(kind: str, value: str, datatype: str | None):
    """A result term as a plain value: integers as int, decimals as Decimal,
    doubles as float, anything else (IRIs included) as its text."""
    if kind == "literal" and datatype:
        if datatype in _INTEGERS:
            return int(value)
        if datatype == _XSD + "decimal":
            return Decimal(value)
        if datatype in (_XSD + "double", _XSD + "float"):
            return float(value)
    return value


def select_values(source: Graph | GraphStore, sparql: str) -> Iterator[tuple]:
    """The rows of a SELECT query as tuples of plain Python values (None where
    unbound), from either engine: an rdflib ``Graph`` answers with its own
    SPARQL engine, a :class:`GraphStore` with Oxigraph (only its default graph,
    as saved queries see it). The analysis reads graphs through this, so the
    same query text serves a file parsed in memory and a store of any size.

    >>> graph = load_graph(TRIPLES_DIR / "examples" / "valid.ttl")
    >>> query = "SELECT ?s ?n WHERE { ?s <https://w3id.org/kg-news/ontology#start> ?n } ORDER BY ?n LIMIT 1"
    >>> [(s.rsplit("/", 1)[0], n) for s, n in select_values(graph, query)]
    [('https://w3id.org/kg-news/evidence', 0)]
    """
    if isinstance(source, Graph):
        for row in source.query(sparql):
            yield tuple(None if term is None else _python_value(
                "literal" if isinstance(term, Literal) else "uri", str(term),
                str(term.datatype) if isinstance(term, Literal) and term.datatype else None) for term in row)
        return
    for row in source.query(sparql):
        yield tuple(None if term is None else _python_value(term.kind, term.value, term.datatype) for term in row)


def apply_update(store_dir: str | Path, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
    """Run a SPARQL Update on the store in ``store_dir``. Stores already open
    read-only keep their old view until they are opened again: the update
    goes to a copy that then becomes the store's current version (a folder
    that is no versioned store, such as one version itself, is changed in place)."""
    store_dir = Path(store_dir)
    if not store_dir.is_symlink():
        _update(store_dir, sparql, prefixes)
        return
    with _writing(store_dir):
        version = _new_version(store_dir)
        try:
            with _reading(store_dir) as current:
                current.backup(str(version))
            _update(version, sparql, prefixes)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        _switch(store_dir, version)


def _update(folder: Path, sparql: str, prefixes: Mapping[str, str] | None) -> None:
    store = ox.Store(str(folder))
    try:
        store.update(sparql, prefixes=dict(prefixes or {}))
        store.update(summary_update())
    except SyntaxError as error:
        raise QuerySyntaxError.from_parser(str(error)) from None
    finally:
        store.flush()
        del store


def copy_store(store_dir: str | Path, target: str | Path) -> Path:
    """A private copy of a store (to change without touching a cached one)."""
    with _reading(Path(store_dir)) as store:
        store.backup(str(target))
    return Path(target)


def cache_dir() -> Path:
    """Where stores built from graph files are kept: ``$KG_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/kg``, else ``~/.cache/kg``."""
    if os.environ.get("KG_CACHE_DIR"):
        return Path(os.environ["KG_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kg"


#: Bumped when the layout of a store changes, so old cached stores are not reused.
_STORE_VERSION = "3"  # 2: a link to versions; 3: the summary graph


def _store_key(graph_path: Path, ontology: Path) -> str:
    digest = hashlib.sha256(f"{_STORE_VERSION} {ox.__version__}".encode())
    for path in (graph_path, ontology, TRIPLES_DIR / "summary.ru"):
        with path.open("rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()[:24]


def _is_store(path: Path) -> bool:
    return path.is_dir() and (path / "CURRENT").is_file()


def build_store(graph_path: str | Path, store_dir: str | Path | None = None, *,
                ontology: str | Path | None = None) -> Path:
    """Load a graph file and the ontology into a persistent store; return its folder.

    ``store_dir`` defaults to a folder in :func:`cache_dir` named by the hash
    of both files, which :func:`open_store` finds again (and which is kept
    when it is there already: the same files give the same store). A store
    in a chosen ``store_dir`` is rebuilt as a new version; readers never see
    half a store, and keep the version they opened.
    """
    graph_path = Path(graph_path)
    ontology = Path(ontology) if ontology else ontology_path()
    if not graph_path.is_file():
        raise FileNotFoundError(f"no graph file at {graph_path}")
    if store_dir:
        return _build(graph_path, ontology, Path(store_dir), replace=True)
    cached = cache_dir() / "stores" / _store_key(graph_path, ontology)
    return cached if _is_store(cached) else _build(graph_path, ontology, cached, replace=False)


def _build(graph_path: Path, ontology: Path, target: Path, *, replace: bool) -> Path:
    with _writing(target):
        if not replace and _is_store(target):
            return target  # another process built it while this one waited
        version = _new_version(target)
        try:
            store = ox.Store(str(version))  # creates the folder
            for path in (graph_path, ontology):
                store.bulk_load(path=str(path), format=_rdf_format(path))
            store.update(summary_update())
            store.optimize()
            del store  # closes the database before readers may open it
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        _switch(target, version)
    return target


# ---------------------------------------------------------------- versions and locks

#: In each version: the file its readers hold a shared lock on.
_READERS = "kg-readers.lock"


def _versions(target: Path) -> Path:
    return target.parent / f".{target.name}.versions"


@contextmanager
def _writing(target: Path) -> Iterator[None]:
    """Hold the store's writer lock (waiting for another writer to finish);
    remove the versions no one reads before and after the write.

    The lock is an ``flock`` on a file that stays: the system drops it when
    its process ends, even by SIGKILL, so a dead writer never blocks the next.
    """
    target = target.absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    with _lock_file(target).open("a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        _remove_unused(target)
        _remove_abandoned(target.parent)
        yield
        _remove_unused(target)


def _lock_file(target: Path) -> Path:
    return target.parent / f".{target.name}.lock"


def _new_version(target: Path) -> Path:
    """A name for a new version of ``target``; the caller makes the folder."""
    versions = _versions(target)
    versions.mkdir(exist_ok=True)
    return versions / f"v-{secrets.token_hex(6)}"


def _switch(target: Path, version: Path) -> None:
    """Open ``version`` to readers and point ``target`` at it in one step
    (the rename of a new link over the old)."""
    (version / _READERS).touch()
    if target.exists() and not target.is_symlink():
        # a store folder of an older kg (a database, not a link), or an empty folder
        if not (_is_store(target) or not any(target.iterdir())):
            raise FileExistsError(f"{target} is a folder but no store: not replacing it")
        shutil.rmtree(target)
    link = target.parent / f".{target.name}.link-{version.name}"
    link.unlink(missing_ok=True)
    link.symlink_to(os.path.relpath(version, target.parent))
    os.replace(link, target)


def _remove_unused(target: Path) -> None:
    """Delete every version of ``target`` but the current one that no reader
    holds, and what a killed writer left; called with the writer lock held."""
    for link in target.parent.glob(f".{target.name}.link-*"):
        link.unlink()
    versions = _versions(target)
    if not versions.is_dir():
        return
    current = target.resolve() if target.is_symlink() else None
    for version in versions.iterdir():
        if version.resolve() == current or not version.is_dir():
            continue
        try:
            readers = (version / _READERS).open("rb")
        except FileNotFoundError:  # a build killed before it was switched to, or a removal cut short
            shutil.rmtree(version, ignore_errors=True)
            continue
        with readers:
            try:
                fcntl.flock(readers, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue  # still read: a later writer tries again
            # unlinked first: a reader that opened the file meanwhile sees it gone and looks again
            (version / _READERS).unlink()
            shutil.rmtree(version, ignore_errors=True)


def _remove_abandoned(folder: Path) -> None:
    """Clean the other stores in ``folder`` whose writer is not at work: a
    build killed before its store ever existed leaves versions that no
    later build of the same name may come to remove."""
    for versions in folder.glob(".*.versions"):
        target = folder / versions.name[1:].removesuffix(".versions")
        with _lock_file(target).open("a+b") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                continue
            _remove_unused(target)
            if not any(versions.iterdir()):
                versions.rmdir()


def _hold_version(path: Path) -> tuple[Path, BinaryIO | None]:
    """The database folder ``path`` leads to now, and an open file holding a
    shared lock on that version (None for a folder that is no version)."""
    while True:
        folder = path.resolve()
        try:
            readers = (folder / _READERS).open("rb")
        except FileNotFoundError:
            if path.is_symlink() and folder != path.resolve():
                continue  # switched and removed between the two steps: look again
            return folder, None
        fcntl.flock(readers, fcntl.LOCK_SH)
        if os.fstat(readers.fileno()).st_nlink:
            return folder, readers
        readers.close()  # removed while this reader waited for the lock


@contextmanager
def _reading(path: Path) -> Iterator[ox.Store]:
    """The store at ``path`` opened read-only, its version held while in use."""
    folder, hold = _hold_version(path)
    try:
        store = ox.Store.read_only(str(folder))
        yield store
        del store
    finally:
        if hold is not None:
            hold.close()


def _rdf_format(path: Path) -> ox.RdfFormat:
    fmt = _PARSE.get(suffix_format(path), suffix_format(path))
    formats = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}
    return formats[fmt]


def open_store(path: str | Path | None = None) -> GraphStore:
    """Open the store for ``path``: a store folder, or a graph file whose cached
    store is built on first use. With no path, the graph shipped in triples/.

    Raises FileNotFoundError (with what to do) when there is nothing at ``path``.
    """
    path = Path(path) if path else default_graph_path()
    if _is_store(path):
        return GraphStore(path)
    if not path.is_file():
        hint = " (run `kg build` to make it)" if path == default_graph_path() else ""
        raise FileNotFoundError(f"no graph file or store at {path}{hint}")
    return GraphStore(build_store(path))


def open(path: str | Path | None = None) -> Graph:  # noqa: A001 - the public name is kg.open
    """The graph at ``path`` (default: the shipped graph) plus the ontology, as
    an in-memory rdflib Graph, for notebooks that want rdflib's API.

    ``path`` may also be a store folder: its content is copied out.

    >>> graph = open(TRIPLES_DIR / "examples" / "valid.ttl")
    >>> (KG.partnerOf, RDFS.label, None) in graph
    True
    """
    path = Path(path) if path else default_graph_path()
    if _is_store(path):
        with _reading(path) as store:
            ntriples = b"".join(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                                for graph in [ox.DefaultGraph(), *store.named_graphs()]
                                if graph != ox.NamedNode(SUMMARY_GRAPH))
        return bind_prefixes(Graph()).parse(data=ntriples.decode("utf-8"), format="nt")
    graph = load_graph(path)
    graph.parse(str(ontology_path()), format="turtle")
    return graph
