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

import ctypes
import fcntl
import glob
import hashlib
import json
import itertools
import os
import re
import secrets
import shutil
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache, partial
from pathlib import Path
from typing import BinaryIO
from urllib.parse import unquote, urlsplit, urlunsplit

import pyoxigraph as ox
from rdflib import RDFS, Dataset, Graph, Literal  # noqa: F401 - RDFS and KG serve the doctests
from rdflib.plugins.serializers.nt import _quoteLiteral

from .model import KG, PREFIXES, TRIPLES_DIR, bind_prefixes  # noqa: F401
from .schema import RELATIONS

__all__ = [
    "FORMATS",
    "suffix_format",
    "save_graph",
    "append_ntriples",
    "save_ntriples_as",
    "add_to_graph",
    "load_graph",
    "default_graph_path",
    "ontology_path",
    "Term",
    "SelectResult",
    "AskResult",
    "GraphResult",
    "Store",
    "GraphStore",
    "ServerStore",
    "ServerStoreError",
    "DATA_GRAPH",
    "is_store_url",
    "server_endpoints",
    "select_values",
    "select_rows",
    "iri_list",
    "SUMMARY_GRAPH",
    "summary_update",
    "fill_summary",
    "has_summary",
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


def save_graph(graph: Graph, path: str | Path) -> Path:
    """Write ``graph`` to ``path`` atomically, in the format its extension
    names, as a build writes its graph (:func:`save_ntriples_as`): every graph
    file kg writes comes from one serialiser, so the same triples give the
    same bytes however they were made.

    The bytes go to a temporary file in the same folder, which then replaces
    the target: an interrupted write never leaves half a graph behind, and
    the temporary file of a killed write is removed by the next one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", suffix=".nt", dir=path.parent) as folder:
        triples = Path(folder) / "graph.nt"
        with triples.open("wb") as out:
            append_ntriples(graph, out)
        return save_ntriples_as(triples, path)


def _ntriples(graph: Graph) -> bytes:
    """``graph`` as N-Triples, to load into a store (order does not matter there)."""
    return graph.serialize(format="nt", encoding="utf-8")


def append_ntriples(triples: Graph | Iterable[tuple], out: BinaryIO) -> None:
    """Append a graph, or triples of rdflib terms as they come
    (:func:`kg.model.graph_triples`), to an open N-Triples file: one step of a
    streaming write, where lines may repeat (a set of triples loaded from
    the file has each once). Each line is the one rdflib's N-Triples
    serialiser writes for the triple."""
    for subject, predicate, obj in triples:
        out.write(f"{_nt_term(subject)} {_nt_term(predicate)} {_nt_term(obj)} .\n".encode())


@lru_cache(maxsize=1 << 16)  # the same predicates, classes and entities come back in every article's triples
def _nt_term(term) -> str:
    """A term as rdflib's N-Triples serialiser writes it (its ``_nt_row``, a term at a time)."""
    return _quoteLiteral(term) if isinstance(term, Literal) else term.n3()


#: rdflib format name (:data:`FORMATS`) -> Oxigraph's
_OX_FORMATS = {"longturtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "nt": ox.RdfFormat.N_TRIPLES,
               "nquads": ox.RdfFormat.N_QUADS, "json-ld": ox.RdfFormat.JSON_LD}


def save_ntriples_as(source: str | Path, path: str | Path) -> Path:
    """Write the graph in the N-Triples file ``source`` to ``path``, atomically,
    in the format its extension names, without holding the graph in memory:
    Oxigraph's bulk loader reads it into an on-disk store next to ``path``
    (removed afterwards) and Oxigraph's serialiser writes it out. Oxigraph
    writes in the order of its index, so the same triples always give the
    same bytes, however the lines of ``source`` were ordered or repeated.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "g.nt").write_bytes(b'<https://w3id.org/kg-news/entity/a> <http://www.w3.org/2000/01/rdf-schema#label> "A" .\\n' * 2)
    >>> [line for line in save_ntriples_as(folder / "g.nt", folder / "g.trig").read_text().splitlines()
    ...  if not line.startswith("@prefix")]
    ['entity:a rdfs:label "A" .']
    """
    path = Path(path)
    suffix_format(path)  # an unknown extension fails before any work
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{path.name}.", suffix=".store", dir=path.parent) as folder:
        store = ox.Store(folder)
        try:
            _bulk_load(store, Path(source))
            return _dump(store, path)
        finally:
            del store  # closes the database before its folder is removed
            _give_back_freed_memory()


def _dump(store: ox.Store, path: Path) -> Path:
    """Write every triple of ``store`` to ``path``, atomically, in the format its extension names."""
    fmt = _OX_FORMATS[suffix_format(path)]
    prefixes = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    graph = None if fmt.supports_datasets else ox.DefaultGraph()
    return _write_atomically(path, lambda fh: store.dump(fh, fmt, from_graph=graph, prefixes=prefixes))


def add_to_graph(graph_path: str | Path, triples: str | Path, store_dir: str | Path) -> Path:
    """Add the N-Triples file ``triples`` to the graph file ``graph_path``
    and return the graph's new store (in :func:`cache_dir`, as
    :func:`build_store` would make it). ``store_dir`` is the graph's store
    before: a copy of it is given only the triples it does not hold yet,
    and its summary graph refreshed in the rows those touch
    (:func:`_refresh_summary_rows`); the same triples are appended to the
    graph file, so that neither the graph nor its store is read or written
    again whole.

    Appended as N-Triples lines, which are Turtle, TriG and N-Quads of the
    default graph alike: the file then parses to what a rewrite would
    write, though not in the order of a rewrite (a full build sorts; compare
    graphs as RDF). A JSON-LD file, or new triples with blank nodes (which
    a line appended to a file cannot name apart from the file's own), have
    the graph written whole from the copy instead.

    The copy holds the ontology too, which the file must not; no triple of
    the graph is the ontology's (no subject in common, and the graph has no
    blank nodes), so none of the new triples can be already there because
    of it.
    """
    graph_path, ontology = Path(graph_path), ontology_path()
    if not _is_store(Path(store_dir)):  # gone with a cleared cache: made again from the graph file first
        store_dir = build_store(graph_path)
    stores = cache_dir() / "stores"
    stores.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".adding-", dir=stores) as folder:
        copy = Path(folder) / "store"
        with _reading(Path(store_dir)) as before:
            before.backup(str(copy))  # hard links to the files of the store, not a copy of its triples
        store = ox.Store(str(copy))
        try:
            new = [quad for quad in dict.fromkeys(ox.parse(path=str(triples), format=ox.RdfFormat.N_TRIPLES))
                   if quad not in store]
            store.extend(new)
            blank = any(isinstance(term, ox.BlankNode) for quad in new for term in (quad.subject, quad.object))
            if blank:
                fill_summary(store)
            else:
                _refresh_summary_rows(store, new)
            store.flush()
            if blank or _OX_FORMATS[suffix_format(graph_path)] is ox.RdfFormat.JSON_LD:
                store.backup(str(Path(folder) / "graph"))
                _dump_graph_only(Path(folder) / "graph", ontology, graph_path)
            elif new:
                _append_lines(graph_path, new)
        finally:
            del store
        target = stores / _store_key(graph_path, ontology)
        with _writing(target):
            if not _is_store(target):
                version = _new_version(target)
                os.replace(copy, version)
                _switch(target, version)
    return target


def _dump_graph_only(folder: Path, ontology: Path, path: Path) -> None:
    """Write the graph of the store in ``folder`` to ``path``: without its
    summary graph and ontology, whose triples are taken out of it first."""
    store = ox.Store(str(folder))
    try:
        store.remove_graph(ox.NamedNode(SUMMARY_GRAPH))
        # the ontology's triples: about what it names, and the blank nodes it describes them with
        about = {quad.subject for quad in ox.parse(path=str(ontology), format=_rdf_format(ontology))
                 if not isinstance(quad.subject, ox.BlankNode)}
        while about:
            for quad in list(store.quads_for_pattern(about.pop(), None, None, ox.DefaultGraph())):
                store.remove(quad)
                if isinstance(quad.object, ox.BlankNode):
                    about.add(quad.object)
        _dump(store, path)
    finally:
        del store


def _append_lines(path: Path, quads: Sequence[ox.Quad]) -> None:
    """Append ``quads`` (of the default graph) to the graph file ``path`` as
    N-Triples lines. A write that fails leaves the file as it was; one cut
    short by a kill leaves it longer than the journal's record of it
    (:class:`kg.pipeline._Written`), so the next change rewrites it whole."""
    text = "".join(f"{quad.subject} {quad.predicate} {quad.object} .\n" for quad in quads).encode("utf-8")
    with path.open("r+b") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size:
            fh.seek(size - 1)
            if fh.read(1) != b"\n":
                text = b"\n" + text
        try:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        except BaseException:
            fh.truncate(size)
            raise


#: Lines of an N-Triples or N-Quads file that Oxigraph's bulk loader is given
#: at once: it holds what it is given in memory (about 0.8 KB a triple), so a
#: whole file would make its memory grow with the graph.
LOAD_CHUNK = 100_000


def _bulk_load(store: ox.Store, path: Path) -> None:
    """Load a graph file with Oxigraph's bulk loader; one of lines (N-Triples,
    N-Quads) a chunk of lines at a time, so memory stays the same however
    large the file (:data:`LOAD_CHUNK`)."""
    fmt = _rdf_format(path)
    _give_back_freed_memory()  # what the stages before freed (the resolution's state, a closed store)
    if fmt not in (ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS):
        store.bulk_load(path=str(path), format=fmt)
        return
    with path.open("rb") as fh:
        while chunk := b"".join(itertools.islice(fh, LOAD_CHUNK)):
            store.bulk_load(input=chunk, format=fmt)
            _give_back_freed_memory()


try:  # glibc's; elsewhere there is nothing to call
    _malloc_trim = ctypes.CDLL(None).malloc_trim
except (AttributeError, OSError):
    _malloc_trim = None


def _give_back_freed_memory() -> None:
    """Return the memory freed so far to the system. Oxigraph's loader and
    queries, a closed store and Python free what they held, but glibc's
    malloc keeps freed pages in its arenas, which the next stage does not
    reuse: the process then holds each stage's peak on top of the next (a
    closed store of 1,000 articles left 90 MB behind)."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _write_atomically(path: Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call ``write`` on a temporary file next to ``path`` that then replaces it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale_temporaries(path)
    fd, tmp = _locked_temporary(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
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


#: For each aggregate of ``triples/summary.ru``, in its order: the variables
#: of its inner SELECT whose VALUES restrict it to the rows of some keys
#: (none: it is computed whole). The rows of those keys are removed first
#: (:func:`_remove_summary_rows`).
_SUMMARY_KEYS = (("entity", "class"), ("entity",), ("statement",), ("statement",), ("node",), ("node",), ("node",),
                 ("node",), ("article",), ())


def _restricted_summary(values: dict[tuple[str, ...], Iterable[tuple[str, ...]]]) -> str:
    """The aggregates of ``triples/summary.ru`` as one SPARQL 1.1 Update that
    inserts only the rows of some keys: each aggregate's inner SELECT begins
    with a VALUES clause of ``values[its keys]`` (terms in SPARQL syntax),
    which its patterns are matched from (:data:`_SUMMARY_KEYS`)."""
    prologue, aggregates = _summary_inserts()
    if len(aggregates) != len(_SUMMARY_KEYS):
        raise ValueError(f"summary.ru has {len(aggregates)} aggregates where kg.store._SUMMARY_KEYS names the keys "
                         f"of {len(_SUMMARY_KEYS)}: give each its keys there, and its rows to _remove_summary_rows")
    inserts = []
    for statement, variables in zip(aggregates, _SUMMARY_KEYS):
        block = _values_block(variables, values[variables]) if variables else ""
        inserts.append(re.sub(r"(\bSELECT\b.*?\bWHERE \{)", lambda m: f"{m[1]}\n    {block}", statement,
                              count=1, flags=re.S))
    return prologue + " ;\n".join(inserts)


def _summary_inserts() -> tuple[str, list[str]]:
    """``triples/summary.ru`` cut in its parts: the PREFIX lines, and each
    INSERT on its own, without comment lines or the ";" between them."""
    text = summary_update()
    inserts = [re.sub(r"^\s*#.*\n", "", part, flags=re.M).rstrip().removesuffix(";").rstrip()
               for part in re.findall(r"^INSERT\b.*?(?=^INSERT\b|\Z)", text, re.S | re.M)]
    return "".join(re.findall(r"^PREFIX .*\n", text, re.M)), inserts


def _values_block(variables: Sequence[str], rows: Iterable[tuple[str, ...]]) -> str:
    """A VALUES clause of ``rows`` (terms in SPARQL syntax) for ``variables``.

    >>> _values_block(("a", "b"), [("<x>", '"y"')])
    'VALUES (?a ?b) { (<x> "y") }'
    """
    names = " ".join(f"?{name}" for name in variables)
    return f"VALUES ({names}) {{ {' '.join('(' + ' '.join(row) + ')' for row in rows)} }}"


_RDF, _RDFS, _PROV = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", str(RDFS), "http://www.w3.org/ns/prov#"
_TYPE, _LABEL = ox.NamedNode(_RDF + "type"), ox.NamedNode(_RDFS + "label")
_EVIDENCE, _DERIVED = ox.NamedNode(str(KG) + "evidence"), ox.NamedNode(_PROV + "wasDerivedFrom")
_STATED = tuple(ox.NamedNode(_RDF + name) for name in ("predicate", "subject", "object"))
#: what links a node of the graph to the entity it is about (as the source counts read it)
_ABOUT = (ox.NamedNode(str(KG) + "denotes"), ox.NamedNode(str(KG) + "subject"), _STATED[1], _STATED[2])
_RELATIONS = tuple(ox.NamedNode(str(KG) + name) for name in RELATIONS)
#: the rows of the summary graph that are a node's: a triple each, with the node as subject
_NODE_ROWS = tuple(ox.NamedNode(str(KG) + name) for name in ("neighbours", "names", "relationsFrom", "edgesFrom"))
#: what names an entity in its row kg:names: its classes, labels, other labels and Wikidata ids
_NAMING = (_TYPE, _LABEL, ox.NamedNode("http://www.w3.org/2004/02/skos/core#altLabel"),
           ox.NamedNode(str(KG) + "wikidata"))


def _refresh_summary_rows(store: ox.Store, added: Iterable[ox.Quad]) -> None:
    """Bring the summary graph of ``store`` up to date after the triples
    ``added`` were loaded into it (nothing taken out), as filling it whole
    by ``triples/summary.ru`` would: the rows those triples may change are
    removed and computed again by the aggregates of ``summary.ru``, each
    restricted to those rows (:func:`_restricted_summary`).

    The rows are found and removed through the store's indexes: Oxigraph
    matched a VALUES clause of thousands of nodes against the whole graph
    (20–30 s at 1,000 articles), where each lookup here takes microseconds.
    A row may change when a triple it reads is new: the nodes reached from
    the new triples' subjects (those, what has one as evidence, what has as
    evidence what was derived from one) and the entities they are about
    (their labels and classes), relation triples (their statements, both
    ways: the row of a symmetric one is keyed by the smaller IRI first),
    articles (whose facts the new triples touch: :func:`_articles_of_facts_changed`)
    and nodes whose relations, names or edges they may change (:func:`_nodes_changed`).
    """
    subjects, objects = partial(_subjects, store), partial(_objects, store)
    added = list(added)
    nodes = {quad.subject for quad in added}
    reached = set(nodes)
    for node in nodes:
        reached.update(subjects(_EVIDENCE, node))
        for evidence in subjects(_DERIVED, node):
            reached.update(subjects(_EVIDENCE, evidence))
    entities = reached | {entity for node in reached for about in _ABOUT for entity in objects(node, about)}
    entity_class = ox.NamedNode(str(KG) + "Entity")
    labelled = [(label, cls) for entity in entities for label in objects(entity, _LABEL)
                for cls in [*(c for c in objects(entity, _TYPE)
                              if ox.Quad(c, ox.NamedNode(_RDFS + "subClassOf"), entity_class) in store), None]]
    triples = {tuple(next(objects(node, part), None) for part in _STATED) for node in reached}
    triples = {(p, s, o) for p, s, o in triples if p is not None}
    statements = {statement for p, s, o in triples for a, b in ((s, o), (o, s)) for statement in subjects(_STATED[1], a)
                  if ox.Quad(statement, _STATED[2], b) in store and ox.Quad(statement, _STATED[0], p) in store}
    articles = set(_articles_of_facts_changed(store, added))
    keys = {("entity", "class"): {(label, cls) for label, cls in labelled if cls is not None},
            ("entity",): {(label,) for label, _ in labelled},
            ("statement",): {(statement,) for statement in statements},
            ("node",): {(node,) for node in _nodes_changed(store, added, triples)},
            ("article",): {(article,) for article in articles}}
    _remove_summary_rows(store, keys, {(p, a, b) for p, s, o in triples for a, b in ((s, o), (o, s))})
    store.update(_restricted_summary({variables: sorted(tuple(str(term) for term in row) for row in rows)
                                      for variables, rows in keys.items()}))


def _articles_of_facts_changed(store: ox.Store, added: Iterable[ox.Quad]) -> Iterator[ox.NamedNode]:
    """The articles whose count of facts stated (the per-article aggregate of
    ``triples/summary.ru``) the triples ``added`` may change: those a fact's
    evidence is newly derived from, and those of a fact given a new subject,
    class or value. Not those of every node the new triples reach: one more
    source of a statement that hundreds of articles made is no fact of theirs
    (recounting their facts took 5 s of adding one article at 10,000)."""
    fact = ox.NamedNode(str(KG) + "Fact")
    offsets = {ox.NamedNode(str(KG) + "start"), ox.NamedNode(str(KG) + "end")}
    for quad in added:
        if quad.predicate == _DERIVED:
            yield quad.object
        elif quad.predicate == _EVIDENCE:
            yield from _objects(store, quad.object, _DERIVED)
        elif quad.predicate in offsets:
            yield from _objects(store, quad.subject, _DERIVED)
        elif ox.Quad(quad.subject, _TYPE, fact) in store:
            for evidence in _objects(store, quad.subject, _EVIDENCE):
                yield from _objects(store, evidence, _DERIVED)


def _nodes_changed(store: ox.Store, added: Iterable[ox.Quad], stated: Iterable[tuple]) -> set:
    """The nodes whose rows (:data:`_NODE_ROWS` of ``triples/summary.ru``) the triples ``added`` may
    change: the two ends of a new relation triple, a node given a class (which makes it an entity,
    and a neighbour of those it is related to) with those, a node given a name, and the two ends of
    the relation triples ``stated`` (as (relation, subject, object)) whose rows of counts are
    computed again (the edges from one of them)."""
    nodes = {end for _, s, o in stated for end in (s, o)}
    for quad in added:
        if quad.predicate in _RELATIONS:
            nodes.update((quad.subject, quad.object))
        elif quad.predicate in _NAMING:
            nodes.add(quad.subject)
        if quad.predicate == _TYPE:
            nodes.update(other for relation in _RELATIONS for other in itertools.chain(
                _objects(store, quad.subject, relation), _subjects(store, relation, quad.subject)))
    return nodes


def _subjects(store: ox.Store, predicate: ox.NamedNode, obj) -> Iterator:
    """The subjects of the default graph's triples with this predicate and object, read through the index."""
    return (quad.subject for quad in store.quads_for_pattern(None, predicate, obj, ox.DefaultGraph()))


def _objects(store: ox.Store, subject, predicate: ox.NamedNode) -> Iterator:
    """The objects of the default graph's triples with this subject and predicate, read through the index."""
    return (quad.object for quad in store.quads_for_pattern(subject, predicate, None, ox.DefaultGraph()))


def _remove_summary_rows(store: ox.Store, keys: dict[tuple[str, ...], set[tuple]], edges: set[tuple]) -> None:
    """Take out of the summary graph the rows of the entities (label and
    class, label, or IRI), articles and relation triples (``edges``, as
    (relation, subject, object)) in ``keys``, and the total of facts."""
    summary = ox.NamedNode(SUMMARY_GRAPH)

    def rows(predicate, obj, kind):
        for quad in store.quads_for_pattern(None, predicate, obj, summary):
            if ox.Quad(quad.subject, _TYPE, kind, summary) in store:
                yield quad.subject

    kg = str(KG)
    gone = set()
    for label, cls in keys[("entity", "class")]:
        gone.update(row for row in rows(_LABEL, label, ox.NamedNode(kg + "SourceCount"))
                    if ox.Quad(row, ox.NamedNode(kg + "class"), cls, summary) in store)
    for (label,) in keys[("entity",)]:
        gone.update(rows(_LABEL, label, ox.NamedNode(kg + "FactConflict")))
    for p, a, b in edges:
        for kind in ("EdgeCount", "ExtractorCount"):
            gone.update(row for row in rows(ox.NamedNode(kg + "edgeSubject"), a, ox.NamedNode(kg + kind))
                        if ox.Quad(row, ox.NamedNode(kg + "edgeObject"), b, summary) in store
                        and ox.Quad(row, ox.NamedNode(kg + "edgeRelation"), p, summary) in store)
    gone.update(quad.subject for quad in store.quads_for_pattern(None, _TYPE, ox.NamedNode(kg + "FactCount"), summary))
    taken = [quad for row in gone for quad in store.quads_for_pattern(row, None, None, summary)]
    taken += [quad for (article,) in keys[("article",)]
              for quad in store.quads_for_pattern(article, ox.NamedNode(kg + "factsStated"), None, summary)]
    taken += [quad for (node,) in keys[("node",)] for row in _NODE_ROWS
              for quad in store.quads_for_pattern(node, row, None, summary)]
    for quad in taken:
        store.remove(quad)


#: An INSERT of ``triples/summary.ru``: its template (the triples it puts
#: into :data:`SUMMARY_GRAPH`) and its WHERE clause.
_SUMMARY_INSERT = re.compile(r"^INSERT \{ GRAPH <" + re.escape(SUMMARY_GRAPH) + r"> \{(.*?)\} \}\s*WHERE \{(.*?)^\}",
                             re.MULTILINE | re.DOTALL)


#: Triples of a summary query given to the bulk loader at once: each is a
#: Python object as well as the loader's (at 10,000 articles an INSERT gives
#: 270,000; chunks of 100,000 held 45 MB more than chunks of 10,000).
_SUMMARY_CHUNK = 10_000


def fill_summary(store: ox.Store) -> None:
    """Fill :data:`SUMMARY_GRAPH` of an embedded store anew, as
    :func:`summary_update` does, one INSERT at a time: each is run as the
    CONSTRUCT query of its template and WHERE clause, whose triples go to
    the bulk loader a chunk at a time. Oxigraph runs an update in one
    transaction, through which the whole graph is read: at 10,000 articles
    the update held several hundred MB more than its queries do, and took
    minutes longer. An aggregate grouped by the relation (``?p``) is run
    one relation at a time: it then holds one relation's edges at once, not
    the graph's (at 10,000 articles 40–45 MB less, in the same time)."""
    prologue, statements = _summary_inserts()
    inserts = [_SUMMARY_INSERT.match(statement) for statement in statements]
    if not all(inserts):
        raise ValueError("an INSERT of the summary update is not INSERT { GRAPH <summary> { ... } } WHERE { ... }")
    graph = ox.NamedNode(SUMMARY_GRAPH)
    store.remove_graph(graph)  # (not summary.ru's DROP: in a copy of a store Oxigraph's DROP GRAPH leaves its triples)
    relations = [row[0] for row in store.query(f"{prologue}SELECT DISTINCT ?p WHERE {{ ?statement rdf:predicate ?p }}")]
    for template, where in (insert.groups() for insert in inserts):
        # (the first WHERE of the clause is its inner SELECT's, where a VALUES binds ?p before the aggregate)
        parts = ([where.replace("WHERE {", f"WHERE {{ VALUES ?p {{ {relation} }}", 1) for relation in relations]
                 if _BY_RELATION.search(where) else [where])
        for part in parts:
            triples = iter(store.query(f"{prologue}CONSTRUCT {{{template}}}\nWHERE {{{part}}}"))
            while chunk := [ox.Quad(t.subject, t.predicate, t.object, graph) for t in itertools.islice(triples, _SUMMARY_CHUNK)]:
                store.bulk_extend(chunk)
        _give_back_freed_memory()  # the query's


#: A summary query grouped by the relation of a statement
_BY_RELATION = re.compile(r"\bGROUP BY\b[^\n]*\?p\b")


def has_summary(source: Graph | Store) -> bool:
    """Whether ``source`` keeps :data:`SUMMARY_GRAPH`: every store does; an
    rdflib graph parsed from a file does not, so what reads it counts itself.

    >>> has_summary(load_graph(TRIPLES_DIR / "examples" / "valid.ttl"))
    False
    """
    return not isinstance(source, Graph)


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


def _plain_value(node):
    if node is None:
        return None
    if isinstance(node, ox.Literal):
        return _python_value("literal", node.value, node.datatype.value)
    if isinstance(node, (ox.NamedNode, ox.BlankNode)):
        return node.value
    return str(node)


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

    def values(self) -> Iterator[tuple]:
        """The rows as :func:`select_values` gives them, made straight from the engine's terms
        (no :class:`Term` between: a third less time on the 58,523 relation triples of a
        10,000-article graph)."""
        for solution in self._solutions:
            yield tuple(_plain_value(node) for node in solution)


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


class Store(ABC):
    """What every store does, embedded (:class:`GraphStore`) or on a server
    (:class:`ServerStore`): answer queries, take updates, bulk-load a graph
    file or graph into a graph, delete triples, drop a named graph, name its
    named graphs. :func:`open_store` opens the one its argument names.

    A graph given as ``graph=None`` is the one the queries read: the default
    graph of the embedded store, the data graph (:data:`DATA_GRAPH`) of a
    server store.
    """

    @abstractmethod
    def query(self, sparql: str, *, prefixes: Mapping[str, str] | None = None,
              bindings: Mapping[str, Term] | None = None) -> SelectResult | AskResult | GraphResult:
        """Run a SPARQL query; ``bindings`` give variables a value."""

    @abstractmethod
    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Run a SPARQL Update."""

    @abstractmethod
    def load(self, source: str | Path | Graph, graph: str | None = None) -> None:
        """Add the triples of ``source`` (a graph file, or an rdflib Graph) to
        ``graph``; a file's own named graphs keep their names."""

    @abstractmethod
    def delete(self, triples: Graph, graph: str | None = None) -> None:
        """Remove ``triples`` (an rdflib Graph) from ``graph``."""

    @abstractmethod
    def drop(self, graph: str) -> None:
        """Remove the named graph ``graph`` and all its triples (nothing if there is none)."""

    @abstractmethod
    def named_graphs(self) -> frozenset[str]:
        """The IRIs of the named graphs in the store."""

    def close(self) -> None:
        """Let go of what the store holds open."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class GraphStore(Store):
    """An on-disk SPARQL store (Oxigraph) holding a graph and the ontology.

    Many processes may open the same store at once (the endpoint's workers
    do); each reads the version it opened. A change (update, load, delete,
    drop) writes a new version, which this store then reads. Open one with
    :func:`open_store`.
    """

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._open()

    def _open(self) -> None:
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

    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        self._change(lambda store: _run_update(store, sparql, prefixes))

    def load(self, source: str | Path | Graph, graph: str | None = None) -> None:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        if isinstance(source, Graph):
            data = _ntriples(source)
            self._change(lambda store: store.bulk_load(input=data, format=ox.RdfFormat.N_TRIPLES, to_graph=target))
        else:
            path = Path(source)
            self._change(lambda store: store.bulk_load(path=str(path), format=_rdf_format(path), to_graph=target))

    def delete(self, triples: Graph, graph: str | None = None) -> None:
        target = ox.NamedNode(graph) if graph else ox.DefaultGraph()
        quads = [ox.Quad(quad.subject, quad.predicate, quad.object, target)
                 for quad in ox.parse(_ntriples(triples), format=ox.RdfFormat.N_TRIPLES)]

        def remove(store: ox.Store) -> None:
            for quad in quads:
                store.remove(quad)

        self._change(remove)

    def drop(self, graph: str) -> None:
        self._change(lambda store: store.remove_graph(ox.NamedNode(graph)))

    def _change(self, change) -> None:
        """Apply ``change`` (a function of an ox.Store) as a new version, then read that version."""
        if self.path.resolve().is_relative_to((cache_dir() / "stores").resolve()):
            raise ValueError(f"{self.path} is the cached store of a graph file, which it must keep matching: "
                             "change a store folder of your own (kg build, or build_store(graph, folder))")
        self.close()
        try:
            _change_store(self.path, change)
        finally:
            self._open()

    def close(self) -> None:
        """Release the database and its version (also done when the object is collected)."""
        if hasattr(self, "_store"):
            del self._store
        if self._hold is not None:
            self._hold.close()
            self._hold = None


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
    yield from source.query(sparql).values()


_SPARQL_PREFIXES = "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in PREFIXES.items())


def select_rows(source: Graph | GraphStore, sparql: str) -> Iterator[tuple]:
    """:func:`select_values` of a query written with the project's prefixes
    (``kg:``, ``rdf:``, ``rdfs:``, ``skos:``, ``prov:``, ``schema:``, ...: :data:`kg.model.PREFIXES`),
    which it declares: how the analysis and the evaluation read a graph."""
    return select_values(source, _SPARQL_PREFIXES + sparql)


def iri_list(iris: Iterable[str]) -> str:
    """IRIs as SPARQL terms, separated by spaces: the inside of a VALUES block.

    >>> iri_list(["https://w3id.org/kg-news/entity/a"])
    '<https://w3id.org/kg-news/entity/a>'
    """
    return " ".join(f"<{iri}>" for iri in iris)


def literal_list(texts: Iterable[str]) -> str:
    r"""Strings as SPARQL string literals, separated by spaces: the inside of a VALUES block.

    >>> print(literal_list(['Acme "Cloud"', "a\\b"]))
    "Acme \"Cloud\"" "a\\b"
    """
    escapes = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
    return " ".join(f'"{text.translate(escapes)}"' for text in texts)


def apply_update(store_dir: str | Path, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
    """Run a SPARQL Update on the store in ``store_dir`` (or at a server's URL).
    Stores already open read-only keep their old view until they are opened
    again: the update goes to a copy that then becomes the store's current
    version (a folder that is no versioned store, such as one version itself,
    is changed in place)."""
    if is_store_url(store_dir):
        with ServerStore(str(store_dir)) as server:
            server.update(sparql, prefixes=prefixes)
        return
    _change_store(Path(store_dir), lambda store: _run_update(store, sparql, prefixes))


def _change_store(store_dir: Path, change) -> None:
    """Apply ``change`` (a function of an ox.Store) to a copy of the store in
    ``store_dir`` that then becomes its current version."""
    if not store_dir.is_symlink():
        _change_folder(store_dir, change)
        return
    with _writing(store_dir):
        version = _new_version(store_dir)
        try:
            with _reading(store_dir) as current:
                current.backup(str(version))
            _change_folder(version, change)
        except BaseException:
            shutil.rmtree(version, ignore_errors=True)
            raise
        _switch(store_dir, version)


def _change_folder(folder: Path, change) -> None:
    store = ox.Store(str(folder))
    try:
        change(store)
    finally:
        store.flush()
        del store


def _run_update(store: ox.Store, sparql: str, prefixes: Mapping[str, str] | None) -> None:
    try:
        store.update(sparql, prefixes=dict(prefixes or {}))
        fill_summary(store)
    except SyntaxError as error:
        raise QuerySyntaxError.from_parser(str(error)) from None


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
    """The cached store of a graph file: named by the files' contents, so a
    rebuild that writes the same bytes finds its store again."""
    digest = hashlib.sha256(f"{_STORE_VERSION} {ox.__version__} {_file_digest(graph_path)}".encode())
    for path in (ontology, TRIPLES_DIR / "summary.ru"):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


def _file_digest(path: Path) -> str:
    """The SHA-256 of a file's bytes, remembered in the cache under its path,
    size and modification time: every command that opens a graph asks, and
    reading a 10,000-article graph's 240 MB again each time took 0.2 s of a
    command's 2 s (2 s at 100,000 articles)."""
    stat = path.stat()
    seen = f"{path.resolve()} {stat.st_size} {stat.st_mtime_ns} {stat.st_ino}"
    memo = cache_dir() / "digests" / hashlib.sha256(seen.encode()).hexdigest()[:32]
    try:
        return memo.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError):
        pass
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        partial = memo.with_suffix(f".{os.getpid()}")
        partial.write_text(digest.hexdigest(), encoding="ascii")
        partial.replace(memo)  # (whole or not at all, whoever else asks at once)
    except OSError:
        pass  # an unwritable cache: the digest is read again next time
    return digest.hexdigest()


def _is_store(path: Path) -> bool:
    return path.is_dir() and (path / "CURRENT").is_file()


def build_store(graph_path: str | Path, store_dir: str | Path | None = None, *,
                ontology: str | Path | None = None, triples: str | Path | None = None) -> Path | str:
    """Load a graph file and the ontology into a persistent store; return its
    folder (or its URL: ``store_dir`` may name a server store, whose data graph
    then holds the two files and nothing else).

    ``triples`` is the same graph as an N-Triples file (a build has one), to
    load instead of parsing ``graph_path``: loaded a chunk of lines at a
    time, its memory does not grow with the graph.

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
    if is_store_url(store_dir):
        with ServerStore(store_dir) as server:
            server.replace(graph_path, ontology)
        return store_dir
    source = Path(triples) if triples else graph_path
    if store_dir:
        return _build(source, ontology, Path(store_dir), replace=True)
    cached = cache_dir() / "stores" / _store_key(graph_path, ontology)
    return cached if _is_store(cached) else _build(source, ontology, cached, replace=False)


def _build(graph_path: Path, ontology: Path, target: Path, *, replace: bool) -> Path:
    with _writing(target):
        if not replace and _is_store(target):
            return target  # another process built it while this one waited
        version = _new_version(target)
        try:
            store = ox.Store(str(version))  # creates the folder
            _bulk_load(store, graph_path)
            # in one transaction: the bulk loader's files cost a small file
            # like the ontology more than its triples (0.09 s of each build)
            store.load(path=str(ontology), format=_rdf_format(ontology))
            fill_summary(store)
            store.flush()
            store.optimize()
            del store  # closes the database before readers may open it
            # opened once more, writable: opening replays the write-ahead log the update left into the
            # store's files, which every reader and every copy `kg add` makes would otherwise replay again
            # (417 MB, 7 s for each analysis command at 10,000 articles; 6 s for each copy at 3,000)
            reopened = ox.Store(str(version))
            del reopened
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


def open_store(path: str | Path | None = None) -> Store:
    """Open the store for ``path``: a store folder, or a graph file whose cached
    store is built on first use, or the URL of a server store
    (:class:`ServerStore`). With no path, the graph shipped in triples/.

    Raises FileNotFoundError (with what to do) when there is nothing at ``path``.
    """
    if is_store_url(path):
        return ServerStore(path)
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


# ---------------------------------------------------------------- a store on a server

#: The graph of a server store that holds kg's graph and the ontology, as the
#: embedded store's default graph does; queries read it as their default graph.
DATA_GRAPH = "https://w3id.org/kg-news/graph/data"


def is_store_url(location: object) -> bool:
    """Whether ``location`` names a server store (an http(s) URL) rather than a file or folder.

    >>> is_store_url("http://127.0.0.1:8890/sparql"), is_store_url("triples/news.trig")
    (True, False)
    """
    return isinstance(location, str) and location.startswith(("http://", "https://"))


class ServerStoreError(RuntimeError):
    """A server store that cannot be reached, or that refuses or fails a request
    for another reason than the syntax of a query."""


class ServerStore(Store):
    """A store on a SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, ...) at ``url``.

    Queries and updates go through the SPARQL 1.1 Protocol, loads through the
    Graph Store Protocol (one HTTP POST of N-Triples per graph, the server's
    bulk path). Queries read the data graph (:data:`DATA_GRAPH` unless told
    otherwise) as their default graph (``default-graph-uri``) and the server's
    other graphs as named graphs (``named-graph-uri``, sent with a query that
    says GRAPH); an update that names no graph of its own (no ``WITH`` or
    ``USING``) reads and writes the data graph (``using-graph-uri``).

    Credentials come from the URL (``http://user:password@host/sparql``), else
    from ``$KG_STORE_USER`` and ``$KG_STORE_PASSWORD``; the server's challenge
    says whether to send them as Basic or Digest. They never appear in
    :attr:`url` nor in an error.

    ``url`` is the query endpoint; the update and graph store endpoints are
    found from it (:func:`server_endpoints`). ``data_graph`` is the graph
    that plays the default graph (several kg graphs may share a server).
    """

    #: Seconds to wait for a connection; the server itself limits how long a query runs.
    connect_timeout = 10.0

    def __init__(self, url: str, *, data_graph: str = DATA_GRAPH):
        import requests

        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"{ServerStore.without_userinfo(url)!r} is not a store URL: give http(s)://HOST[:PORT]/PATH")
        self._user = unquote(parts.username) if parts.username else os.environ.get("KG_STORE_USER")
        password = unquote(parts.password) if parts.password else os.environ.get("KG_STORE_PASSWORD")
        self._password = password or ""
        #: The endpoint's URL, without credentials.
        self.url = ServerStore.without_userinfo(url)
        self.data_graph = data_graph
        self._named_graphs: frozenset[str] | None = None  # known until this store changes them
        self.update_url, self.graph_store_url = server_endpoints(self.url, authenticated=bool(self._user))
        self._session = requests.Session()
        self._session.headers["User-Agent"] = "kg (SPARQL 1.1 protocol client)"
        # one small query: is there a server, and does it want credentials (and how)?
        challenge = self._request("GET", self.url, "a test query", params={"query": "ASK {}"}, authenticate=False)
        if challenge is not None:
            self._authenticate(challenge)

    def __repr__(self) -> str:
        return f"ServerStore({self.url!r})"

    @staticmethod
    def without_userinfo(url: str) -> str:
        """``url`` with no credentials in it.

        >>> ServerStore.without_userinfo("http://dba:secret@127.0.0.1:8890/sparql-auth")
        'http://127.0.0.1:8890/sparql-auth'
        """
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, parts.fragment))

    def __len__(self) -> int:
        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        return int(next(iter(result))[0].value)

    @property
    def path(self) -> str:
        """Where the store is (its URL), as :attr:`GraphStore.path` says for a folder."""
        return self.url

    def _authenticate(self, challenge: str) -> None:
        from requests.auth import HTTPBasicAuth, HTTPDigestAuth

        if not self._user:
            raise ServerStoreError(f"the store at {self.url} asks for credentials: give them in the URL "
                                   "(http://USER:PASSWORD@HOST/...) or in $KG_STORE_USER and $KG_STORE_PASSWORD")
        digest = challenge.strip().lower().startswith("digest")
        self._session.auth = (HTTPDigestAuth if digest else HTTPBasicAuth)(self._user, self._password)

    def _request(self, method: str, url: str, what: str, *, authenticate: bool = True, **kwargs):
        """The server's answer; raises ServerStoreError (QuerySyntaxError for a
        400) with the server's reason. With ``authenticate=False``, a 401 gives
        the challenge (WWW-Authenticate) instead, and anything else None."""
        import requests

        try:
            response = self._session.request(method, url, timeout=(self.connect_timeout, None), **kwargs)
        except requests.RequestException as error:
            raise ServerStoreError(f"cannot reach the store at {self.url}: {self._reason_of(error)}") from None
        if response.status_code == 401 and not authenticate:
            return response.headers.get("WWW-Authenticate", "Basic")
        if response.status_code < 300:
            if response.headers.get("X-SQL-State") == "S1TAT":
                # Virtuoso's "anytime query": what it found by its time limit, sent as if it were all
                raise ServerStoreError(f"the store at {self.url} stopped {what} at its time limit "
                                       "(MaxQueryExecutionTime) and sent part of the answer: refused")
            return None if not authenticate else response
        reason = self._scrub(_first_lines(response.text)) or response.reason
        if response.status_code == 400 and what in ("the query", "the update"):
            raise QuerySyntaxError(f"the store at {self.url} refused {what}: {reason}")
        if response.status_code in (401, 403):
            whose = f"user {self._user!r}" if self._user else "anonymous access"
            raise ServerStoreError(f"the store at {self.url} refused {what} ({response.status_code}, {whose}): {reason}")
        raise ServerStoreError(f"the store at {self.url} failed {what} ({response.status_code}): {reason}")

    def _reason_of(self, error: Exception) -> str:
        # requests' messages nest the cause deep in a repr: keep its last words
        text = str(error)
        match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
        return self._scrub(match[1].strip() if match else type(error).__name__)

    def _scrub(self, text: str) -> str:
        return text.replace(self._password, "***") if self._password else text

    def query(self, sparql: str, *, prefixes: Mapping[str, str] | None = None,
              bindings: Mapping[str, Term] | None = None) -> SelectResult | AskResult | GraphResult:
        """Run a SPARQL query on the server. ``bindings`` become a VALUES
        clause after the query (the protocol has no other way to send them):
        the same as the embedded store's substitution unless a sub-query or
        aggregate hides the variable."""
        text = _escaped(_prologue(prefixes) + sparql + _values_clause(bindings))
        form = _query_form(sparql)
        graph_form = form in ("CONSTRUCT", "DESCRIBE")
        accept = "application/n-triples" if graph_form else "application/sparql-results+json"
        data = {"query": text, "default-graph-uri": self.data_graph}
        if re.search(r"\bGRAPH\b", _code_of(sparql), re.I):
            data["named-graph-uri"] = sorted(self.named_graphs() - {self.data_graph})
        response = self._request("POST", self.url, "the query", headers={"Accept": accept}, data=data)
        media_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if media_type in ("application/sparql-results+json", "application/json"):
            result = ox.parse_query_results(_valid_blank_nodes(response.content), format=ox.QueryResultsFormat.JSON)
            if isinstance(result, ox.QueryBoolean):
                return AskResult(bool(result))
            if form == "ASK":  # Virtuoso 7 answers ASK with one row of one column, __ASK_RETVAL, 1 or 0
                row = next(iter(result), None)
                return AskResult(row is not None and row[0] is not None and row[0].value in ("1", "true"))
            return SelectResult(tuple(v.value for v in result.variables), result)
        rdf_format = ox.RdfFormat.from_media_type(media_type)
        if rdf_format is None:
            raise ServerStoreError(f"the store at {self.url} answered in {media_type or 'no format'}, "
                                   f"not the {accept} asked for")
        quads = ox.parse(response.content, format=rdf_format)
        return GraphResult(ox.Triple(quad.subject, quad.predicate, quad.object) for quad in quads)

    def update(self, sparql: str, *, prefixes: Mapping[str, str] | None = None) -> None:
        """Run ``sparql``, then refresh :data:`SUMMARY_GRAPH` (as the embedded store does)."""
        self._update(sparql, prefixes)
        self.refresh_summary()

    def refresh_summary(self) -> None:
        """Compute :data:`SUMMARY_GRAPH` anew from this store's data graph. A
        server has one summary graph: where several kg graphs share a server
        (``data_graph=``), it holds the one of the graph refreshed last. The
        update reads the summary graph as a named graph too: the strings of
        the edges from each node join the rows of edges it made before."""
        self._update(summary_update(), None, named=(SUMMARY_GRAPH,))

    def _update(self, sparql: str, prefixes: Mapping[str, str] | None, named: Sequence[str] = ()) -> None:
        """Run an update on the data graph; ``named``: the graphs its GRAPH patterns may read (none
        where the update names its own graph, with ``WITH`` or ``USING``)."""
        data = {"update": _escaped(_prologue(prefixes) + sparql)}
        if not re.search(r"\b(WITH|USING)\b", _code_of(sparql), re.I):
            data["using-graph-uri"] = self.data_graph
            if named:
                data["using-named-graph-uri"] = list(named)
        self._named_graphs = None
        self._request("POST", self.update_url, "the update", data=data)

    def load(self, source: str | Path | Graph, graph: str | None = None) -> None:
        """Add a graph file or rdflib Graph through the Graph Store Protocol:
        each graph in it converted to N-Triples in a temporary file, then
        POSTed (streamed) to the server, which parses and stores it in one go."""
        target = graph or self.data_graph
        self._named_graphs = None
        with tempfile.TemporaryDirectory(prefix="kg-load-") as folder:
            if isinstance(source, Graph):
                (Path(folder) / "0.nt").write_bytes(_ntriples(source))
                files = {target: Path(folder) / "0.nt"}
            else:
                files = _split_by_graph(Path(source), Path(folder), target)
            for name, path in files.items():
                with path.open("rb") as body:
                    self._request("POST", self.graph_store_url, f"the load of {path.stat().st_size:,} bytes",
                                  params={"graph": name}, data=body,
                                  headers={"Content-Type": "application/n-triples"})

    def delete(self, triples: Graph, graph: str | None = None) -> None:
        """Remove ``triples`` with DELETE DATA, some thousands per request (no blank nodes:
        SPARQL cannot name one it did not make)."""
        lines = [line for line in _ntriples(triples).decode("utf-8").split("\n") if line]
        if any("_:" in line.split('"')[0] for line in lines):
            raise ValueError("cannot delete triples with blank nodes from a server store (DELETE DATA names none)")
        for start in range(0, len(lines), 5000):
            block = "\n".join(lines[start:start + 5000])
            self.update(f"DELETE DATA {{ GRAPH <{graph or self.data_graph}> {{\n{block}\n}} }}")

    def drop(self, graph: str) -> None:
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def named_graphs(self) -> frozenset[str]:
        """Every named graph on the server (not only kg's: a server may hold others)."""
        if self._named_graphs is None:
            self._named_graphs = self._list_graphs()
        return self._named_graphs

    def _list_graphs(self) -> frozenset[str]:
        response = self._request("POST", self.url, "the query", headers={"Accept": "application/sparql-results+json"},
                                 data={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"})
        solutions = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
        return frozenset(row[0].value for row in solutions if isinstance(row[0], ox.NamedNode))

    def replace(self, graph_path: str | Path, ontology: str | Path | None = None) -> None:
        """Make the data graph hold ``graph_path`` and the ontology, and nothing
        else (what :func:`build_store` does for a folder). Readers see the
        graph change while it loads."""
        self.drop(self.data_graph)
        self.load(graph_path)
        self.load(ontology or ontology_path())
        self.refresh_summary()

    def close(self) -> None:
        self._session.close()


def server_endpoints(url: str, *, authenticated: bool = False) -> tuple[str, str]:
    """(update endpoint, graph store endpoint) of the query endpoint ``url``,
    from the layout of the servers that do not serve all three at one URL.

    >>> server_endpoints("http://127.0.0.1:8890/sparql-auth", authenticated=True)  # Virtuoso
    ('http://127.0.0.1:8890/sparql-auth', 'http://127.0.0.1:8890/sparql-graph-crud-auth')
    >>> server_endpoints("http://localhost:3030/news/sparql")  # Fuseki
    ('http://localhost:3030/news/update', 'http://localhost:3030/news/data')
    >>> server_endpoints("http://localhost:7200/repositories/news")  # GraphDB, RDF4J
    ('http://localhost:7200/repositories/news/statements', 'http://localhost:7200/repositories/news/rdf-graphs/service')
    >>> server_endpoints("http://localhost:3030/news")  # one URL for all (Fuseki's dataset URL)
    ('http://localhost:3030/news', 'http://localhost:3030/news')
    """
    parts = urlsplit(url)
    path = parts.path.rstrip("/")

    def at(new_path: str) -> str:
        return urlunsplit((parts.scheme, parts.netloc, new_path, "", ""))

    if path in ("/sparql", "/sparql-auth"):  # Virtuoso: the graph store wants the same credentials
        return url, at("/sparql-graph-crud-auth" if authenticated else "/sparql-graph-crud")
    if re.fullmatch(r"/.+/(sparql|query)", path):  # Fuseki's service names under a dataset
        dataset = path.rsplit("/", 1)[0]
        return at(dataset + "/update"), at(dataset + "/data")
    if re.fullmatch(r"(/.*)?/repositories/[^/]+", path):
        return at(path + "/statements"), at(path + "/rdf-graphs/service")
    return url, url


def _first_lines(text: str, limit: int = 300) -> str:
    """The first paragraph of a server's error page, on one line (Virtuoso's
    names the error, then echoes the query)."""
    words = " ".join(re.sub(r"<[^>]+>", " ", text.strip().split("\n\n")[0]).split())
    return words if len(words) <= limit else words[:limit] + "…"


def _valid_blank_nodes(results: bytes) -> bytes:
    """SPARQL JSON results whose blank node labels are valid ones (Virtuoso
    writes them as ``nodeID://b10006``, which is no label).

    >>> _valid_blank_nodes(b'{"head": {"vars": ["b"]}, "results": {"bindings": [{"b": {"type": "bnode", "value": "nodeID://b1"}}]}}')
    b'{"head": {"vars": ["b"]}, "results": {"bindings": [{"b": {"type": "bnode", "value": "nodeID___b1"}}]}}'
    """
    if b'"bnode"' not in results:
        return results
    document = json.loads(results)
    for row in document.get("results", {}).get("bindings", []):
        for cell in row.values():
            if cell.get("type") == "bnode":
                cell["value"] = re.sub(r"[^A-Za-z0-9_]", "_", cell["value"])
    return json.dumps(document).encode("utf-8")


def _escaped(sparql: str) -> str:
    """``sparql`` in ASCII, each other character as a codepoint escape, which
    SPARQL reads before it parses: the same query. (Virtuoso reads a UTF-8
    string in a query as bytes, so that CONCAT(?label, " → ") gives "?".)

    >>> print(_escaped('SELECT ("é → 😀" AS ?x) {}'))
    SELECT ("\\u00e9 \\u2192 \\U0001f600" AS ?x) {}
    """
    return re.sub(r"[^\x00-\x7f]", lambda m: f"\\u{ord(m[0]):04x}" if ord(m[0]) < 0x10000 else f"\\U{ord(m[0]):08x}",
                  sparql)


def _prologue(prefixes: Mapping[str, str] | None) -> str:
    # on the first line, so that the server names the lines of an error as the caller numbers them
    return "".join(f"PREFIX {name}: <{iri}> " for name, iri in (prefixes or {}).items())


def _values_clause(bindings: Mapping[str, Term] | None) -> str:
    if not bindings:
        return ""
    for term in bindings.values():
        _from_term(term)  # refuses what cannot be bound (a blank node), as the embedded store does
    names = " ".join(f"?{name}" for name in bindings)
    return f"\nVALUES ({names}) {{ ({' '.join(term.n3() for term in bindings.values())}) }}"


#: IRIs, strings and comments: where a SPARQL keyword is not one.
_NOT_CODE = re.compile(r'<[^<>"{}|^`\\\s]*>|"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:[^"\\\n]|\\.)*"'
                       r"|'(?:[^'\\\n]|\\.)*'|#[^\n]*")


def _code_of(sparql: str) -> str:
    return _NOT_CODE.sub(" ", sparql)


def _query_form(sparql: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them outside IRIs, strings and comments.

    >>> _query_form('PREFIX ex: <http://ex/ask#> # CONSTRUCT\\nSELECT ("ASK" AS ?x) {}')
    'SELECT'
    """
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", _code_of(sparql), re.I)
    return match[1].upper() if match else None


def _split_by_graph(path: Path, folder: Path, default_target: str) -> dict[str, Path]:
    """The triples of a graph file as one N-Triples file per graph in ``folder``,
    the default graph's under ``default_target``."""
    if suffix_format(path) == "nt":
        return {default_target: path}  # as the server takes it
    files: dict[str, BinaryIO] = {}
    try:
        for quad in ox.parse(path=str(path), format=_rdf_format(path)):
            name = default_target if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name.value
            if name not in files:
                files[name] = (folder / f"{len(files)}.nt").open("wb")
            files[name].write(str(ox.Triple(quad.subject, quad.predicate, quad.object)).encode("utf-8") + b" .\n")
    finally:
        for fh in files.values():
            fh.close()
    return {name: Path(fh.name) for name, fh in files.items()}
