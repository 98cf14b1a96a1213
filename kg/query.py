"""Asking the graph in SPARQL: pre-bound prefixes, saved queries with
parameters, and results as a table, CSV, TSV, JSON, XML or Turtle.

A saved query is one ``.rq`` file in ``triples/queries/`` whose comment
header says what it answers and which parameters it takes::

    # title: Partners of a company
    # description: Every organisation named as a partner of the company ...
    # param: company (entity) — the company's name or one of its aliases

>>> queries = saved_queries()
>>> queries["partners"].params
{'company': "the company's name or one of its aliases (or its local name or IRI)"}
>>> queries["partners"].param_kinds
{'company': 'entity'}

A parameter marked ``(entity)`` or ``(class)`` names something in the
graph, and its value may be given as a label, an alias, a local name or an
IRI (see :func:`resolve_params`): ``class=Organization`` and
``company=alibaba-group`` find what they mean.

Parameters become a ``VALUES`` block at the top of the query's WHERE
clause, written as escaped literals, so a value is always data and never
query text. (A sub-SELECT does not see them: SPARQL evaluates it first.)

>>> print(bind_values("SELECT ?p WHERE { ?c kg:partnerOf ?p }", {"company": 'Acme" }'}))
SELECT ?p WHERE { VALUES (?company) { ("Acme\\" }") } ?c kg:partnerOf ?p }

Running one on a store (see :mod:`kg.store`):

>>> import tempfile
>>> from kg.model import TRIPLES_DIR
>>> from kg.store import build_store, open_store
>>> store = open_store(build_store(TRIPLES_DIR / "examples" / "valid.ttl", Path(tempfile.mkdtemp()) / "store"))
>>> result = run_query(store, "partners", {"company": "Acme"})
>>> print(format_result(result, "table"), end="")
partner  sources
-------  -------
Globex   1
>>> store.close()
"""

from __future__ import annotations

import csv
import functools
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from .model import PREFIXES as _NAMESPACES
from .model import TRIPLES_DIR
from .store import AskResult, GraphResult, QuerySyntaxError, SelectResult, Store, Term

__all__ = [
    "PREFIXES",
    "QUERIES_DIR",
    "SELECT_FORMATS",
    "GRAPH_FORMATS",
    "SavedQuery",
    "QueryError",
    "RemoteAccessError",
    "lazily",
    "saved_queries",
    "resolve_query",
    "parse_param",
    "PARAM_KINDS",
    "param_kinds",
    "resolve_params",
    "bind_values",
    "unbound_syntax_error",
    "remote_access",
    "MAX_NESTING",
    "MAX_UNIONS",
    "check_query",
    "run_query",
    "run_sparql",
    "format_result",
]

#: Prefixes every query may use without declaring them.
PREFIXES: dict[str, str] = {prefix: str(ns) for prefix, ns in _NAMESPACES.items()}

#: Where the saved queries live.
QUERIES_DIR = TRIPLES_DIR / "queries"
_QUERIES_FOLDER = os.fspath(QUERIES_DIR)

#: Output formats for SELECT and ASK answers, and for CONSTRUCT/DESCRIBE ones.
SELECT_FORMATS = ("table", "csv", "tsv", "json", "xml")
GRAPH_FORMATS = ("turtle", "ntriples", "rdfxml")

_XSD = "http://www.w3.org/2001/XMLSchema#"


class QueryError(ValueError):
    """A query that cannot run as asked: unknown name, bad parameters."""


class RemoteAccessError(QueryError):
    """A query that would make the engine fetch something from the network."""


#: What a parameter may name in the graph, marked in its header line as ``# param: NAME (KIND) — meaning``.
PARAM_KINDS = ("entity", "class")


@dataclass(frozen=True)
class SavedQuery:
    """One ``.rq`` file: its name (the file stem), header and text."""

    name: str
    title: str
    description: str
    params: dict[str, str] = field(default_factory=dict)
    text: str = ""
    #: The kind (one of :data:`PARAM_KINDS`) of each parameter that names an entity or a class.
    param_kinds: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_file(cls, path: Path) -> SavedQuery:
        """Read the ``# title:``, ``# description:`` and ``# param:`` header lines."""
        text = path.read_text(encoding="utf-8")
        header = _header(text)
        params, kinds = _params(header["param"])
        return cls(path.stem, " ".join(header["title"]), " ".join(header["description"]), params, text, kinds)


def _header(text: str) -> dict[str, list[str]]:
    """The ``# title:``, ``# description:`` and ``# param:`` lines before the query's first line."""
    header: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    for line in text.splitlines():
        match = re.match(r"#\s*(title|description|param):\s*(.*)", line)
        if match:
            header[match[1]].append(match[2].strip())
        elif line.strip() and not line.startswith("#"):
            break
    return header


def _params(entries: list[str]) -> tuple[dict[str, str], dict[str, str]]:
    params, kinds = {}, {}
    for entry in entries:
        name, *meaning = re.split(r"\s+[—–-]+\s+", entry, maxsplit=1)
        marked = re.fullmatch(r"(.*?)\s*\((\w+)\)", name.strip())
        name, kind = marked.groups() if marked else (name.strip(), None)
        params[name] = meaning[0].strip() if meaning else ""
        if kind in PARAM_KINDS:
            kinds[name] = kind
    return params, kinds


def param_kinds(sparql: str) -> dict[str, str]:
    """The kinds its ``# param:`` header gives to a query's parameters; a
    query written in the explorer keeps the header of the saved query it
    started from, so its parameters are read the same way.

    >>> param_kinds("# param: class (class) — a class\\n# param: n — a number\\nSELECT * WHERE {}")
    {'class': 'class'}
    """
    return _params(_header(sparql)["param"])[1]


def saved_queries(directory: str | Path | None = None) -> dict[str, SavedQuery]:
    """The saved queries, by name, read from ``directory`` (default triples/queries)."""
    directory = Path(directory) if directory else QUERIES_DIR
    return {path.stem: SavedQuery.from_file(path) for path in sorted(directory.glob("*.rq"))}


def resolve_query(name_or_sparql: str, directory: str | Path | None = None) -> tuple[str, SavedQuery | None]:
    """The SPARQL text for a saved query's name, an ``.rq`` file, or SPARQL itself.

    >>> resolve_query("ASK { ?s ?p ?o }")
    ('ASK { ?s ?p ?o }', None)
    >>> resolve_query("no-such-query")
    Traceback (most recent call last):
    ...
    kg.query.QueryError: no saved query named 'no-such-query'; known: all-relations, ...
    """
    # On every query: plain os calls and one stat, no pathlib (this runs per request).
    folder = os.fspath(directory) if directory else _QUERIES_FOLDER
    candidates = []
    if _SAVED_NAME.fullmatch(name_or_sparql):
        candidates.append(os.path.join(folder, name_or_sparql + ".rq"))
    if name_or_sparql.endswith(".rq"):
        candidates.append(name_or_sparql)
    for path in candidates:
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            continue
        saved = _read_saved_query(path, mtime)
        return saved.text, saved
    if re.fullmatch(r"[\w.-]+", name_or_sparql):
        raise QueryError(f"no saved query named {name_or_sparql!r}; known: {', '.join(saved_queries(directory))}")
    return name_or_sparql, None


_SAVED_NAME = re.compile(r"[\w.-]+")


@functools.lru_cache(maxsize=256)
def _read_saved_query(path: str, mtime_ns: int) -> SavedQuery:
    # keyed by modification time too, so an edited .rq file is read again
    return SavedQuery.from_file(Path(path))


def parse_param(value: str) -> Term:
    """The RDF term a ``--param`` value stands for: ``<iri>`` is an IRI, an
    integer or decimal number is typed so, anything else is a string.

    >>> parse_param("China Unicom").n3(), parse_param("3").n3(), parse_param("<http://x/y>").n3()
    ('"China Unicom"', '"3"^^<http://www.w3.org/2001/XMLSchema#integer>', '<http://x/y>')
    """
    if re.fullmatch(r"<[^<>\"{}|^`\\\x00-\x20]+>", value):
        return Term("uri", value[1:-1])
    if re.fullmatch(r"[+-]?\d+", value):
        return Term("literal", value, _XSD + "integer")
    try:
        if re.fullmatch(r"[+-]?\d*\.\d+", value) and Decimal(value).is_finite():
            return Term("literal", value, _XSD + "decimal")
    except InvalidOperation:
        pass
    return Term("literal", value)


def resolve_params(store: Store, sparql: str, params: Mapping[str, str]) -> dict[str, str | Term]:
    """``params`` with the value of each ``(entity)`` or ``(class)``
    parameter of ``sparql`` (see :func:`param_kinds`) replaced by what the
    query compares it with: an entity's label, a class's IRI.

    An entity is found by its label or an alias as written, its IRI
    (``<...>`` or ``entity:local-name``), its local name, or else its label
    or an alias in any case; a class by its IRI, its local name or its
    label, in any case. Raises :class:`QueryError` for a value that names
    nothing, rather than let the query silently find nothing.
    """
    kinds = param_kinds(sparql)
    resolved: dict[str, str | Term] = dict(params)
    for name, value in params.items():
        if kinds.get(name) == "entity":
            resolved[name] = _entity_label(store, value)
        elif kinds.get(name) == "class":
            resolved[name] = _class_iri(store, value)
    return resolved


def _expand(value: str, default_namespace: str) -> str:
    """The IRI that ``<iri>``, ``prefix:local`` or a bare local name stands for."""
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    prefix, colon, local = value.partition(":")
    if colon and prefix in PREFIXES:
        return PREFIXES[prefix] + local
    return default_namespace + value


def _entity_label(store: Store, value: str) -> Term:
    name = Term("literal", value)
    if store.query(f"ASK {{ ?e rdfs:label|skos:altLabel {name.n3()} }}", prefixes=PREFIXES).value:
        return name  # the name as written, even when several entities share it: the query finds them all
    iri = _expand(value, PREFIXES["entity"])
    lookups = [f"SELECT ?label WHERE {{ ?e rdfs:label|skos:altLabel ?name ; rdfs:label ?label "
               f"FILTER(LCASE(STR(?name)) = LCASE({name.n3()})) }}"]
    if re.fullmatch(r"[^<>\"{}|^`\\\x00-\x20]+", iri):
        lookups.insert(0, f"SELECT ?label WHERE {{ <{iri}> rdfs:label ?label }}")
    for sparql in lookups:
        labels = {row[0].value for row in store.query(sparql, prefixes=PREFIXES)}
        if len(labels) == 1:
            return Term("literal", labels.pop())
        if labels:
            raise QueryError(f"{value!r} names several entities ({', '.join(sorted(labels))}): give one exactly")
    raise QueryError(f"no entity is named {value!r} (by label, alias, IRI or local name)")


def _class_iri(store: Store, value: str) -> Term:
    classes = {row[0].value: row[1].value if row[1] else "" for row in store.query(
        "SELECT ?class ?label WHERE { ?class rdfs:subClassOf* kg:Entity OPTIONAL { ?class rdfs:label ?label } }",
        prefixes=PREFIXES)}
    wanted = _expand(value, PREFIXES["kg"])
    for iri, label in classes.items():
        if wanted.casefold() == iri.casefold() or value.casefold() == label.casefold():
            return Term("uri", iri)
    known = ", ".join(sorted(iri.removeprefix(PREFIXES["kg"]) for iri in classes))
    raise QueryError(f"no class is named {value!r}; the classes: {known}")


# ------------------------------------------------------------ lexing SPARQL

# Enough of SPARQL's lexical grammar to find the WHERE clause's brace past
# strings, IRIs, comments and names; the engine does the real parsing.
_TOKEN = re.compile(
    r'''(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\''''
    r'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')'''
    r'''|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'''
    r'''|(?P<comment>\#[^\n]*)'''
    r'''|(?P<var>[?$]\w+)'''
    r'''|(?P<name>[^\W\d][\w.-]*(?::[\w.:%-]*)?|:[\w.:%-]*)'''
    r'''|(?P<other>\S)''',
    re.DOTALL,
)


def _unescape_codepoints(sparql: str) -> str:
    # SPARQL allows \uXXXX escapes anywhere in a query: look at the text
    # both as written and as a parser that expands them would see it.
    return re.sub(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})",
                  lambda m: chr(int(m[1] or m[2], 16)), sparql)


# ------------------------------------------------------------ what a query may fetch

# A keyword is a run of ASCII letters that no other letter touches. A text in
# which none of these words occurs cannot hold a keyword that fetches, however
# a parser splits it into tokens. The test over-matches on purpose (strings,
# comments and names too): a match only means "parse it and look".
_FETCH_WORD = re.compile(r"(?<![A-Za-z])(SERVICE|LOAD|FROM|USING)(?![A-Za-z])", re.IGNORECASE)


def remote_access(sparql: str, local_graphs: Iterable[str] = ()) -> str | None:
    """Why ``sparql`` (a query or an update) would make the engine fetch from
    the network, or None.

    The answer comes from the parsed query (rdflib's SPARQL 1.1 parser and
    algebra): SERVICE and LOAD anywhere are refused; FROM, FROM NAMED,
    USING and USING NAMED only for graphs already in the store. A query
    that spells none of these words needs no parsing; one that spells them
    but that rdflib cannot parse (an Oxigraph extension such as LATERAL, or
    a syntax error) is refused, since what it would do cannot be checked.

    >>> remote_access("SELECT * WHERE { SERVICE <http://127.0.0.1/sparql> { ?s ?p ?o } }")
    'SERVICE is not allowed: this endpoint never fetches from other servers'
    >>> remote_access('SELECT ?x WHERE { ?x ?p "x"@en.SERVICE <http://127.0.0.1/> { ?s ?p ?o } }')
    'SERVICE is not allowed: this endpoint never fetches from other servers'
    >>> remote_access('SELECT ?service WHERE { ?service rdfs:label "SERVICE" }') is None
    True
    >>> remote_access("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }")
    'FROM <http://example.org/g> is not a graph in this store; nothing is fetched'
    """
    words = tuple(sorted({m[1].upper() for text in (sparql, _unescape_codepoints(sparql))
                          for m in _FETCH_WORD.finditer(text)}))
    if not words:
        return None  # the common case, without parsing
    refusal, datasets = _parsed_remote_access(sparql, words)
    if refusal or not datasets:
        return refusal
    # the store's graphs are only listed for a query that names graphs (a server store lists them with a query)
    local_graphs = frozenset(local_graphs)
    for keyword, graph in datasets:
        if graph not in local_graphs:
            return f"{keyword} <{graph}> is not a graph in this store; nothing is fetched"
    return None


# Few entries: a query may be a megabyte long, and a cache entry keeps it.
@functools.lru_cache(maxsize=32)
def _parsed_remote_access(sparql: str, words: tuple[str, ...]) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """(why the query is refused whatever the store holds, or None; the
    (keyword, graph) of each FROM, FROM NAMED, USING and USING NAMED)."""
    try:
        fetching, datasets = _parse_for_fetching(sparql)
    except Exception as error:  # rdflib fails in many ways on text it does not read as SPARQL 1.1
        return (f"{words[0]} appears in a query that the fetch check cannot read as SPARQL 1.1 "
                f"({type(error).__name__}), so it is refused: this endpoint never fetches from other servers. "
                f"Write the query in SPARQL 1.1, or leave the word {words[0]} out (comments and strings too)"), ()
    if fetching:
        return f"{fetching[0]} is not allowed: this endpoint never fetches from other servers", ()
    return None, tuple((keyword + (" NAMED" if "named" in clause else ""),
                        str(clause["named"] if "named" in clause else clause["default"]))
                       for keyword, clause in datasets)


_FETCHING_NODES = {"ServiceGraphPattern": "SERVICE", "Load": "LOAD"}


def _parse_for_fetching(sparql: str) -> tuple[list[str], list[tuple[str, dict]]]:
    """(SERVICE or LOAD for each such node of the algebra, ("FROM" or
    "USING", dataset clause) pairs), from rdflib's parse of a query or update.

    (``dict.get``: a CompValue's own ``get`` answers a missing key with the key.)
    """
    # slow to import, and most queries never need it
    from pyparsing import ParseException
    from rdflib.plugins.sparql import algebra, parser
    from rdflib.plugins.sparql.parserutils import CompValue

    try:
        query = algebra.translateQuery(parser.parseQuery(sparql), initNs=PREFIXES).algebra
        operations, datasets = [query], [("FROM", clause) for clause in dict.get(query, "datasetClause") or ()]
    except ParseException:
        update = algebra.translateUpdate(parser.parseUpdate(sparql), initNs=PREFIXES).algebra
        operations = list(update)
        datasets = [("USING", clause) for operation in update for clause in dict.get(operation, "using") or ()]
    fetching: list[str] = []

    def visit(node):
        if isinstance(node, CompValue) and node.name in _FETCHING_NODES:
            fetching.append(_FETCHING_NODES[node.name])

    for operation in operations:
        algebra.traverse(operation, visitPre=visit)
    return fetching, datasets


def bind_values(sparql: str, params: Mapping[str, str | Term]) -> str:
    """``sparql`` with a VALUES block that binds each parameter, placed as the
    first element of the WHERE clause so that its filters see the values."""
    if not params:
        return sparql
    terms = {name: value if isinstance(value, Term) else parse_param(value) for name, value in params.items()}
    for name in terms:
        if not re.fullmatch(r"\w+", name):
            raise QueryError(f"parameter names are letters, digits and _, not {name!r}")
    block = " VALUES ({}) {{ ({}) }}".format(
        " ".join(f"?{name}" for name in terms), " ".join(term.n3() for term in terms.values()))
    position = _where_brace(sparql)
    return sparql[:position + 1] + block + sparql[position + 1:]


def unbound_syntax_error(sparql: str, bound: str, error: QuerySyntaxError) -> QuerySyntaxError:
    """``error``, raised by the parser on ``bound`` (``sparql`` with
    parameters bound by :func:`bind_values`), told as a place in ``sparql``:
    the column moved back past the VALUES block where the block moved it.

    >>> text = 'SELECT ?p WHERE { ?c kg:partnerOf }'
    >>> bound = bind_values(text, {"company": "Acme"})
    >>> str(unbound_syntax_error(text, bound, QuerySyntaxError(f"error at 1:{len(bound)}: expected x")))
    'error at 1:35: expected x'
    """
    if error.position is None or len(bound) == len(sparql):
        return error
    line, column = error.position
    lines = bound.split("\n")
    if not 1 <= line <= len(lines):
        return error
    offset = sum(len(text) + 1 for text in lines[:line - 1]) + column - 1
    block_start = _where_brace(sparql) + 1
    if offset > block_start:
        offset = max(offset - (len(bound) - len(sparql)), block_start)
    line = sparql.count("\n", 0, offset) + 1
    column = offset - (sparql.rfind("\n", 0, offset) + 1) + 1
    return QuerySyntaxError(re.sub(r"^error at \d+:\d+", f"error at {line}:{column}", str(error)))


@functools.lru_cache(maxsize=512)
def _where_brace(sparql: str) -> int:
    """Offset of the brace that opens the WHERE clause: the first one after
    the WHERE keyword, else the first outside parentheses (WHERE is optional
    in SELECT and ASK). Lexes only as far as it must.

    >>> _where_brace("ASK { ?s ?p ?o }"), _where_brace('SELECT * # {\\nWHERE { ?s ?p "{" }')
    (4, 19)
    """
    seen_where = False
    first_free_brace = None
    depth = 0
    for match in _TOKEN.finditer(sparql):
        kind, word = match.lastgroup, match[0]
        if kind == "name" and word.upper() == "WHERE":
            seen_where = True
        elif kind == "other":
            if word == "{" and seen_where:
                return match.start()
            if word == "{" and depth == 0 and first_free_brace is None:
                first_free_brace = match.start()
            depth += (word == "(") - (word == ")")
    if first_free_brace is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    return first_free_brace


def run_query(store: Store, name_or_sparql: str, params: Mapping[str, str] | None = None,
              *, directory: str | Path | None = None) -> SelectResult | AskResult | GraphResult:
    """Run a saved query by name, an ``.rq`` file or SPARQL text on ``store``.

    A saved query accepts exactly the parameters its header names; those
    not given stay unbound (the queries treat them as "any"). Raises
    :class:`QueryError` for unknown queries or parameters,
    :class:`RemoteAccessError` for queries that would fetch, and
    :class:`kg.store.QuerySyntaxError` for queries the parser rejects.
    """
    params = dict(params or {})
    sparql, saved = resolve_query(name_or_sparql, directory)
    if saved is not None:
        unknown = sorted(set(params) - set(saved.params))
        if unknown:
            known = ", ".join(saved.params) or "none"
            raise QueryError(f"query {saved.name!r} takes no parameter {', '.join(unknown)}; its parameters: {known}")
    return run_sparql(store, sparql, params)


def run_sparql(store: Store, sparql: str, params: Mapping[str, str],
               local_graphs: Iterable[str] | None = None) -> SelectResult | AskResult | GraphResult:
    """Run SPARQL text with ``params`` resolved (:func:`resolve_params`) and
    bound (:func:`bind_values`), after :func:`check_query` (against
    ``local_graphs``, default the store's named graphs). A syntax error
    names its place in ``sparql`` as given."""
    # checked before binding: a VALUES block of escaped terms adds no keyword
    # and no nesting, and the unbound text of a saved query is the same on every call
    check_query(sparql, lazily(store.named_graphs) if local_graphs is None else local_graphs)
    bound = bind_values(sparql, resolve_params(store, sparql, params))
    try:
        return store.query(bound, prefixes=PREFIXES)
    except QuerySyntaxError as error:
        raise unbound_syntax_error(sparql, bound, error) from None


#: The deepest nesting of brackets, and the most UNIONs, a query may have.
#: The engine parses and plans recursively: at about 4,000 nested braces or
#: 8,000 UNIONs its stack overflows and the process ends.
MAX_NESTING = 1_000
MAX_UNIONS = 2_000


def lazily(items: Callable[[], Iterable[str]]) -> Iterator[str]:
    """What ``items()`` gives, asked for only when iterated: the fetch check
    lists the store's graphs only for a query that names one (a server store
    lists them with a query of its own, slow on a big graph)."""
    yield from items()


def check_query(sparql: str, local_graphs: Iterable[str] = ()) -> None:
    """Refuse a query before it runs: :class:`QueryError` if it nests deeper
    or has more UNIONs than the engine can take (see :data:`MAX_NESTING`),
    :class:`RemoteAccessError` if it would fetch (see :func:`remote_access`).

    >>> check_query("SELECT * WHERE " + "{" * 1001 + "}" * 1001)
    Traceback (most recent call last):
    ...
    kg.query.QueryError: the query nests brackets 1001 levels deep; at most 1000 are allowed
    """
    # first: rdflib's parser, which the fetch check may need, is slow on such queries
    reason = _too_deep(sparql)
    if reason:
        raise QueryError(reason)
    reason = remote_access(sparql, local_graphs)
    if reason:
        raise RemoteAccessError(reason)


def _too_deep(sparql: str) -> str | None:
    if "\\u" in sparql.lower():
        sparql = _unescape_codepoints(sparql)
    brackets = sum(sparql.count(c) for c in "({[")
    if brackets <= MAX_NESTING and sparql.upper().count("UNION") <= MAX_UNIONS:
        return None  # the common case, without lexing
    depth = deepest = unions = 0
    for match in _TOKEN.finditer(sparql):
        kind, word = match.lastgroup, match[0]
        if kind == "other":
            depth += (word in "({[") - (word in ")}]")
            deepest = max(deepest, depth)
        elif kind == "name" and word.upper() == "UNION":
            unions += 1
    if deepest > MAX_NESTING:
        return f"the query nests brackets {deepest} levels deep; at most {MAX_NESTING} are allowed"
    if unions > MAX_UNIONS:
        return f"the query has {unions} UNIONs; at most {MAX_UNIONS} are allowed (VALUES lists many alternatives)"
    return None


# ------------------------------------------------------------ formatting


def format_result(result: SelectResult | AskResult | GraphResult, fmt: str, *,
                  max_rows: int | None = None) -> str | bytes:
    """Write ``result`` in ``fmt``: one of :data:`SELECT_FORMATS` for SELECT
    and ASK, one of :data:`GRAPH_FORMATS` for CONSTRUCT and DESCRIBE.

    At most ``max_rows`` rows (or triples) are read from the engine.
    Graphs come back as bytes (UTF-8), everything else as text.
    """
    if isinstance(result, GraphResult):
        if fmt not in GRAPH_FORMATS:
            raise QueryError(f"a CONSTRUCT or DESCRIBE answer is a graph: use {' or '.join(GRAPH_FORMATS)}, not {fmt}")
        graph = result.serialize(fmt, prefixes=PREFIXES, limit=max_rows)
        if fmt == "rdfxml":  # the engine writes characters XML cannot hold as they are
            graph = _NOT_XML.sub("\ufffd", graph.decode("utf-8")).encode("utf-8")
        return graph
    if fmt not in SELECT_FORMATS:
        raise QueryError(f"a SELECT or ASK answer is a table: use one of {', '.join(SELECT_FORMATS)}, not {fmt}")
    if isinstance(result, AskResult):
        return _WRITE_ASK[fmt](result.value)
    rows = list(result) if max_rows is None else _first_rows(result, max_rows)
    return _WRITE_SELECT[fmt](result.variables, rows)


def _first_rows(result: SelectResult, max_rows: int) -> list:
    rows = []
    for row in result:
        if len(rows) == max_rows:
            result.truncated = True
            break
        rows.append(row)
    return rows


def _short(term: Term | None) -> str:
    """A term as a person reads it: prefixed IRIs, bare literal values."""
    if term is None:
        return ""
    if term.kind == "uri":
        for prefix, namespace in PREFIXES.items():
            if term.value.startswith(namespace) and re.fullmatch(r"[\w.-]*", term.value[len(namespace):]):
                return f"{prefix}:{term.value[len(namespace):]}"
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    return term.value


def _table(variables: tuple[str, ...], rows: list) -> str:
    cells = [[_short(term).replace("\n", " ") for term in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(variables)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(variables, widths, strict=True)),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _csv(variables: tuple[str, ...], rows: list) -> str:
    # SPARQL 1.1 CSV results: bare values, blank nodes as _:id, CRLF lines.
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow(["" if t is None else f"_:{t.value}" if t.kind == "bnode" else t.value for t in row])
    return out.getvalue()


_TURTLE_BARE = {_XSD + "integer": r"[+-]?\d+", _XSD + "decimal": r"[+-]?\d*\.\d+", _XSD + "boolean": "true|false"}


def _turtle(term: Term | None) -> str:
    """A term in Turtle syntax, numbers and booleans bare (as TSV results write them)."""
    if term is None:
        return ""
    pattern = _TURTLE_BARE.get(term.datatype or "") if term.kind == "literal" else None
    if pattern and re.fullmatch(pattern, term.value):
        return term.value
    return term.n3()


def _tsv(variables: tuple[str, ...], rows: list) -> str:
    # SPARQL 1.1 TSV results: terms in Turtle syntax.
    lines = ["\t".join(f"?{name}" for name in variables)]
    lines += ["\t".join(_turtle(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    data = {"type": term.kind, "value": term.value}
    if term.language:
        data["xml:lang"] = term.language
    elif term.kind == "literal" and term.datatype and term.datatype != _XSD + "string":
        data["datatype"] = term.datatype
    return data


def _json(variables: tuple[str, ...], rows: list) -> str:
    bindings = [{name: _json_term(t) for name, t in zip(variables, row, strict=True) if t is not None} for row in rows]
    return json.dumps({"head": {"vars": list(variables)}, "results": {"bindings": bindings}},
                      ensure_ascii=False, indent=1) + "\n"


# Characters XML 1.0 forbids even as character references: C0 controls but
# tab, newline and carriage return; lone surrogates; U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` escaped for XML, each character XML 1.0 cannot hold replaced
    by U+FFFD (the results stay well-formed; the replacement shows a loss).

    >>> _xml_text("a<b\x01")
    'a&lt;b\ufffd'
    """
    return xml_escape(_NOT_XML.sub("\ufffd", text))


def _xml_term(term: Term) -> str:
    tag = {"uri": "uri", "bnode": "bnode", "literal": "literal"}.get(term.kind, "literal")
    attributes = ""
    if term.language:
        attributes = f" xml:lang={quoteattr(term.language)}"
    elif term.kind == "literal" and term.datatype and term.datatype != _XSD + "string":
        attributes = f" datatype={quoteattr(term.datatype)}"
    return f"<{tag}{attributes}>{_xml_text(term.value)}</{tag}>"


_XML_HEAD = '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def _xml(variables: tuple[str, ...], rows: list) -> str:
    parts = [_XML_HEAD, "<head>", *(f"<variable name={quoteattr(n)}/>" for n in variables), "</head>\n<results>\n"]
    for row in rows:
        parts.append("<result>")
        parts += [f"<binding name={quoteattr(n)}>{_xml_term(t)}</binding>"
                  for n, t in zip(variables, row, strict=True) if t is not None]
        parts.append("</result>\n")
    parts.append("</results>\n</sparql>\n")
    return "".join(parts)


_WRITE_SELECT = {"table": _table, "csv": _csv, "tsv": _tsv, "json": _json, "xml": _xml}
_WRITE_ASK = {
    "table": lambda value: f"{str(value).lower()}\n",
    "csv": lambda value: f"_askResult\r\n{str(value).lower()}\r\n",
    "tsv": lambda value: f"?_askResult\n{str(value).lower()}\n",
    "json": lambda value: json.dumps({"head": {}, "boolean": value}) + "\n",
    "xml": lambda value: f"{_XML_HEAD}<head/>\n<boolean>{str(value).lower()}</boolean>\n</sparql>\n",
}
