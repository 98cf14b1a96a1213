"""The only place that knows the order of the stages:
ingest → extract → resolve → curate → model (RDF).

The build streams: an article is read, parsed and extracted, and its
extraction (no text, no parse) goes into the graph's journal
(:mod:`kg.journal`, an SQLite file) as soon as it arrives. Resolution then
reads the journal in article-id order, so the graph does not depend on the
order the articles were read or added in; what it filed under its keys
(:class:`~kg.resolve.Keyed`) goes to a temporary file, and once every article
was seen, each one's share of the graph is written, one after the other, as
N-Triples. No whole graph, corpus or list of extractions is ever held in
memory (but with curation decisions, which rewrite the resolution as a
whole). Resolution keeps per-entity state only (:class:`~kg.resolve.Resolver`).

``kg add`` and ``kg remove`` change the journal (extracting only the new
articles) and go through the same resolution and writing from it; ``kg
add`` first tries to resolve only the new articles, from what the last
resolution kept in the journal, and to add only their share of the graph
(see :func:`add_articles`).

>>> from kg.pipeline import BuildStats
>>> BuildStats(articles=5).articles
5
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import pickle
import shutil
import tempfile
import time
from collections import defaultdict, deque
from contextlib import closing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import BinaryIO

from rdflib import Graph
from spacy.tokens import Doc

from .errors import InputError, KgError
from .curate import Curated, Decision
from .curation_rdf import curate_graph
from .extract import DEFAULT_EXTRACTORS, Extraction, Gazetteer, extract_article, get_extractor, load_pipeline
from .extract.scorer import Scorer, load_scorer
from .ingest import MAX_CHARS, DuplicateArticle, read_articles
from .model import GraphContent, graph_triples, load_catalogue
from .journal import Entry, Journal, Settings, journal_path_for
from .resolve import Keyed, Resolution, Resolver, merge_parts
from .schema import Article, Entity, Evidence, Reference
from .store import add_to_graph, append_ntriples, build_store, load_graph, save_ntriples_as

__all__ = ["BuildStats", "BuildResult", "ExtractionError", "build_graph", "save_build", "Change", "UnknownArticleError",
           "add_articles", "remove_articles"]


class ExtractionError(InputError):
    """An article that was read but could not be extracted; the message names
    its file and the exception."""


@dataclass
class BuildStats:
    articles: int = 0
    entities: int = 0
    relations: int = 0
    facts: int = 0
    sources: int = 0
    seconds: float = 0.0
    #: inputs left out of the graph: unreadable files and lines, articles that failed in extraction
    errors: list[InputError] = field(default_factory=list)
    #: articles read a second time (from another file or line) and left out as repeats
    duplicates: list[DuplicateArticle] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.articles} articles, {self.entities} entities, {self.relations} relations, "
                f"{self.facts} facts, {self.sources} sources, {self.seconds:.1f} s")
        if self.errors:
            text += f", {len(self.errors)} skipped"
        if self.duplicates:
            text += f", {len(self.duplicates)} duplicate{'s' if len(self.duplicates) > 1 else ''} read once"
        return text


@dataclass
class BuildResult:
    """What a build made: the graph as an N-Triples file in a temporary folder
    (removed with this object), its journal, its numbers and what curation did."""

    #: the graph's triples: an N-Triples file, one a line (a line may repeat), or the graph file itself
    #: when kg add wrote only the new articles' triples into it; see :meth:`save` and :attr:`graph`
    triples: Path
    stats: BuildStats
    #: what the curation decisions did (None when there were none)
    curation: Curated | None
    #: the journal of each article's extraction (:mod:`kg.journal`); :func:`save_build` puts it beside the graph
    journal: Path
    _folder: tempfile.TemporaryDirectory = field(repr=False)

    def save(self, path: str | Path) -> Path:
        """Write the graph to ``path`` in the format its extension names,
        through Oxigraph (:func:`~kg.store.save_ntriples_as`): it is never
        held in memory whole."""
        return save_ntriples_as(self.triples, path)

    @cached_property
    def graph(self) -> Graph:
        """The graph as one in-memory rdflib Graph, parsed on first use (for
        a notebook or a test; a large graph wants :meth:`save` and the store)."""
        return load_graph(self.triples)


def build_graph(
    paths: Iterable[str | Path],
    *,
    extractors: Sequence[str] = DEFAULT_EXTRACTORS,
    catalogue: str | Path | None = None,
    quotes: bool = True,
    strict: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    model: str | None = None,
    scorer: str | Path | None = None,
    max_chars: int = MAX_CHARS,
    decisions: Sequence[Decision] = (),
    jobs: int = 1,
    scheduler: str | None = None,
) -> BuildResult:
    """Read the articles under ``paths`` and build their knowledge graph.

    ``extractors`` are registered names (see ``kg extractors``); unknown names
    fail before any text is read. An input that fails, whatever the reason
    (a file or JSON Lines line that cannot be read, an article longer than
    ``max_chars`` characters, an article whose extraction raises), is passed
    to ``on_error`` and left out, or raises its :class:`~kg.errors.InputError`
    when ``strict``. A repeated article is passed to ``on_error`` as a
    :class:`~kg.ingest.DuplicateArticle` and read once, strict or not.
    ``quotes=False`` leaves the sentence text out of the evidence.
    ``progress`` wraps the stream of articles as they are extracted (a tqdm bar, for instance).
    ``scorer`` is a model file from ``kg train``: relations it rates under
    its threshold are dropped (a ValueError when the file is no such model).
    ``decisions`` (read from a curation file) are applied to what resolution
    gives, and recorded in the graph.
    ``jobs`` processes parse and extract the articles (each loads the
    pipeline once); the result is the same whatever their number.
    ``scheduler``, the address of a Dask scheduler (``tcp://HOST:8786``),
    sends the same batches to its workers instead, with the same result
    (a :class:`~kg.cluster.ClusterError` when it cannot be reached); it
    excludes ``jobs`` above 1.

    Each article's extraction goes into a journal as it arrives; resolution
    reads the journal by article id, so the graph is the same whatever order
    the articles come in. :func:`save_build` puts the journal beside the graph.
    """
    if scheduler is not None and jobs > 1:
        raise ValueError(f"jobs={jobs} and a scheduler exclude each other: the cluster's workers do the work")
    started = time.perf_counter()
    entries, setup = _prepare(extractors, catalogue, scorer, model, max_chars)
    stats = BuildStats()
    failed = _failures(stats, strict, on_error)
    settings = Settings(tuple(extractors), catalogue and str(Path(catalogue).resolve()),
                        scorer and str(Path(scorer).resolve()), quotes, max_chars)
    read = read_articles(paths, keep=_names(entries), max_chars=max_chars, on_error=failed)
    folder = tempfile.TemporaryDirectory(prefix="kg-build-")
    with Journal.create(Path(folder.name) / "build.journal.sqlite", settings) as journal:
        for _ in _extract_into(journal, read, jobs, setup, progress, failed, scheduler):
            pass
        triples, curation = _resolve_and_write(journal, entries, decisions, stats, Path(folder.name))
    stats.seconds = time.perf_counter() - started
    return BuildResult(triples, stats, curation, journal.path, folder)


def _prepare(extractors: Sequence[str], catalogue: str | Path | None, scorer: str | Path | None,
             model: str | None, max_chars: int) -> tuple[list[Entity], _Setup]:
    """The catalogue's entries and what extraction needs; unknown extractors fail here, before any text is read."""
    for name in extractors:
        get_extractor(name)  # fail early, naming the known extractors
    rater = load_scorer(scorer) if scorer is not None else None
    entries = load_catalogue(catalogue)
    return entries, (model, max_chars, _gazetteer(tuple(entries)), tuple(extractors), rater)


@lru_cache(maxsize=4)
def _gazetteer(entries: tuple[Entity, ...]) -> Gazetteer:
    """The catalogue's gazetteer, made once per catalogue (it is only read):
    a notebook, the server or a benchmark builds many times with one."""
    return Gazetteer(entries)


def _names(entries: Sequence[Entity]) -> list[str]:
    """The catalogue's names, which cleaning keeps whole."""
    return [alias for e in entries for alias in e.aliases]


def _failures(stats: BuildStats, strict: bool,
              on_error: Callable[[InputError], None] | None) -> Callable[[InputError], None]:
    """What to do with an input that fails: note it in ``stats``, raise it when ``strict``, pass it to ``on_error``."""
    def failed(err: InputError) -> None:
        if isinstance(err, DuplicateArticle):
            stats.duplicates.append(err)
        elif strict:
            raise err
        else:
            stats.errors.append(err)
        if on_error is not None:
            on_error(err)

    return failed


def _extract_into(journal: Journal, articles: Iterable[Article], jobs: int, setup: _Setup,
                  progress: Callable[[Iterable], Iterable] | None, failed: Callable[[InputError], None],
                  scheduler: str | None = None) -> Iterator[Entry]:
    """Extract ``articles`` as they are read and put each extraction into
    ``journal`` as soon as it arrives; yield the entry of each article put
    (a failure goes to ``failed`` instead). No article: no model is loaded."""
    articles = iter(articles)
    first = next(articles, None)
    if first is None:
        return
    if scheduler is None:  # (a cluster's workers load their own)
        _pipeline(setup[0], setup[1])  # loaded here first: a missing model fails once, and forked workers inherit it
    # closing: a --strict stop ends the worker processes there and then
    with closing(_extract_all(itertools.chain([first], articles), jobs, setup, scheduler)) as outcomes:
        for article, outcome in progress(outcomes) if progress else outcomes:
            if isinstance(outcome, str):  # this article's failure, not the build's
                failed(ExtractionError(article.source, f"failed in extraction ({outcome})"))
                continue
            journal.put(outcome)  # the article's text, offset map and parse end here
            yield _entry(article)


def _resolve_and_write(journal: Journal, entries: Sequence[Entity], decisions: Sequence[Decision],
                       stats: BuildStats, folder: Path) -> tuple[Path, Curated | None]:
    """Resolve every article of ``journal`` and write the graph to
    ``folder``/graph.nt (N-Triples); count it in ``stats``. What build, add
    and remove share.

    Resolution reads the articles by id: where it must choose (the first
    spelling of a name names the entity, a tie between classes), the choice
    depends on which articles there are, not on the order they were read or
    added in. Only what it filed under its keys (:class:`~kg.resolve.Keyed`)
    is kept, in a temporary file, until every article was seen."""
    resolved = _Resolved(Resolver(entries))
    spill = folder / "keyed.pickle"
    with spill.open("wb") as out:
        for extraction in journal.extractions():  # by article id
            pickle.dump((extraction.article, resolved.resolver.add(extraction)), out)
            resolved.articles += 1
    resolver = resolved.resolver
    entities = resolver.entities()
    shares = ((article, keyed, *resolver.part(keyed, entities)) for article, keyed in _unspill(spill))
    triples = folder / "graph.nt"
    with triples.open("wb") as out:
        curation = _write(out, shares, resolved, entities, journal.settings.quotes, decisions, stats)
    spill.unlink()
    if not decisions:  # (a curated graph is changed as a whole: kg add resolves it again)
        journal.keep(_RESOLVED, resolved)
    return triples, curation


#: The name under which a graph's journal keeps its :class:`_Resolved`.
_RESOLVED = "resolution"
#: The name under which it keeps the :class:`_Written` graph file of its articles.
_WRITTEN = "graph"


@dataclass
class _Resolved:
    """What a resolution of all the journal's articles leaves for the next
    ``kg add`` (kept in the journal): the resolver, the keys some relation
    or fact uses, the statements and facts of the graph (by keys) and the
    counts of :class:`BuildStats`."""

    resolver: Resolver
    used: set[str] = field(default_factory=set)
    statements: set[tuple] = field(default_factory=set)
    facts: set[tuple] = field(default_factory=set)
    #: key -> the references (surface text, evidence) of an entity so far only described, left out of the graph
    withheld: dict[str, list[tuple[str, Evidence]]] = field(default_factory=lambda: defaultdict(list))
    articles: int = 0
    sources: int = 0
    entities: int = 0

    def count(self, keyed: Keyed, part: Resolution, part_used: frozenset[str], entities: dict[str, Entity]) -> None:
        """Count one article's share of the graph in."""
        for key, text, ev in self.resolver.withheld(keyed, entities, part_used):
            self.withheld[key].append((text, ev))
        self.used |= part_used
        self.statements.update((st.subject.label, st.relation, st.object.label) for st in part.statements)
        self.facts.update((f.subject.label, f.metric, f.value, f.unit, f.period) for f in part.facts)
        self.sources += bool(part.statements or part.facts)

    def fill(self, stats: BuildStats) -> None:
        stats.articles, stats.sources, stats.entities = self.articles, self.sources, self.entities
        stats.relations, stats.facts = len(self.statements), len(self.facts)


@dataclass(frozen=True)
class _Written:
    """The graph file written from the journal's articles (its size and
    time, which tell whether it is still that file) and its store."""

    size: int
    mtime_ns: int
    store: str

    @classmethod
    def of(cls, graph_path: str | Path, store: str | Path) -> _Written:
        status = os.stat(graph_path)
        return cls(status.st_size, status.st_mtime_ns, str(store))

    def describes(self, graph_path: str | Path) -> bool:
        try:
            return self == _Written.of(graph_path, self.store)
        except FileNotFoundError:
            return False


def _unspill(path: Path) -> Iterator[tuple[Article, Keyed]]:
    with path.open("rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


def _write(out: BinaryIO, shares: Iterable[tuple[Article, Keyed, Resolution, frozenset[str]]], resolved: _Resolved,
           entities: dict[str, Entity], quotes: bool, decisions: Sequence[Decision], stats: BuildStats) -> Curated | None:
    """Write each article's share of the graph, then the entities, to ``out``
    (N-Triples), and count them in ``resolved`` and ``stats``. Decisions
    need the whole resolution: with some, the shares are merged in memory,
    curated and written at once."""
    held: list[tuple[Article, Resolution]] = []  # with decisions only
    for article, keyed, part, part_used in shares:
        resolved.count(keyed, part, part_used, entities)
        if decisions:
            held.append((article, part))
            continue
        append_ntriples(graph_triples([article], (), part.references, part.statements, part.facts, quotes=quotes), out)
    kept = resolved.resolver.kept(entities, resolved.used)
    resolved.entities = len(kept)
    resolved.fill(stats)
    if not decisions:
        append_ntriples(graph_triples((), kept, quotes=quotes), out)
        return None
    whole = merge_parts(kept, (part for _, part in held))
    graph, curation = curate_graph(GraphContent(tuple(article for article, _ in held), whole, quotes), decisions)
    append_ntriples(graph, out)
    r = curation.resolution
    stats.entities, stats.relations, stats.facts = len(r.entities), len(r.statements), len(r.facts)
    stats.sources = len({ev.article_id for x in (*r.statements, *r.facts) for ev in x.evidence})
    return curation


#: What every article's extraction needs: model name, max_chars, gazetteer, extractor names, scorer.
_Setup = tuple[str | None, int, Gazetteer, tuple[str, ...], Scorer | None]


def _pipeline(model: str | None, max_chars: int):
    nlp = load_pipeline(model)
    nlp.max_length = max(nlp.max_length, max_chars)  # the limit was checked on reading
    return nlp


def _extract(article: Article, setup: _Setup, doc: Doc | None) -> Extraction | str:
    """The article's extraction, or what went wrong in it (a string, which
    crosses a process boundary where an arbitrary exception may not pickle)."""
    model, max_chars, gazetteer, extractors, rater = setup
    try:
        return extract_article(article, _pipeline(model, max_chars), gazetteer, extractors, rater, doc=doc)
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


def _extract_batch(articles: Sequence[Article], setup: _Setup) -> list[Extraction | str]:
    """The outcome of each article (see :func:`_extract`), parsed together by ``nlp.pipe``."""
    nlp = _pipeline(setup[0], setup[1])
    try:
        docs: Sequence[Doc | None] = list(nlp.pipe(a.nlp_text for a in articles))
    except Exception:  # one text spoils the batch: parsed one by one, each failure is its own article's
        docs = [None] * len(articles)
    return [_extract(article, setup, doc) for article, doc in zip(articles, docs)]


_worker_setup: _Setup | None = None  # set once in each worker process by _start_worker


def _start_worker(setup: _Setup) -> None:
    global _worker_setup
    _worker_setup = setup
    _pipeline(setup[0], setup[1])  # load the model now, not inside the first batch's timing


def _extract_in_worker(articles: Sequence[Article]) -> list[Extraction | str]:
    return _extract_batch(articles, _worker_setup)


#: Articles that nlp.pipe parses together. The batches are the same whatever
#: the number of processes (so are the parses, and the output); small, as
#: articles differ in length by a hundredfold and a large batch would leave
#: a process idle at the end.
BATCH = 4


def _extract_all(articles: Iterable[Article], jobs: int, setup: _Setup,
                 scheduler: str | None = None) -> Iterator[tuple[Article, Extraction | str]]:
    """Each article with its outcome (see :func:`_extract`), in the order of
    ``articles``: here, in ``jobs`` local processes, which read the articles
    as they are needed (a few batches ahead of the processes, never all of
    them), or on the Dask cluster at ``scheduler``."""
    batches = _batches(articles)
    if scheduler is not None:
        try:
            from .cluster import run_on_cluster
        except ImportError as exc:
            raise KgError(f"building on a Dask cluster needs Dask's distributed package ({exc}): "
                          "pip install 'kg[cluster]'") from None
        batches = list(batches)  # the cluster takes them all at once
        for batch, outcomes in zip(batches, run_on_cluster(scheduler, batches, _extract_batch, _start_worker, setup)):
            yield from zip(batch, outcomes)
        return
    ahead = list(itertools.islice(batches, 2 * jobs))  # tells whether there is work for more than one process
    jobs = min(jobs, len(ahead))
    if jobs <= 1:
        for batch in itertools.chain(ahead, batches):
            yield from zip(batch, _extract_batch(batch, setup))
        return
    # fork where there is one: workers inherit the loaded pipeline and the
    # parent's hash seed; elsewhere each worker loads the model in _start_worker.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(setup,)) as pool:
        pending: deque = deque()
        try:
            for batch in itertools.chain(ahead, batches):
                pending.append((batch, pool.submit(_extract_in_worker, batch)))
                if len(pending) >= 2 * jobs:  # each process has one batch at work and one waiting
                    batch, future = pending.popleft()
                    yield from zip(batch, future.result())
            while pending:
                batch, future = pending.popleft()
                yield from zip(batch, future.result())
        finally:
            pool.shutdown(cancel_futures=True)  # a --strict stop leaves the rest unparsed


def _batches(articles: Iterable[Article]) -> Iterator[list[Article]]:
    it = iter(articles)
    while batch := list(itertools.islice(it, BATCH)):
        yield batch


# ---------------------------------------------------------------- daily additions

def save_build(result: BuildResult, path: str | Path, store: str | None = None) -> None:
    """Put a build's journal (which ``kg add`` and ``kg remove`` need) beside
    ``path``, then write the graph file and load its SPARQL store. The journal
    first: a build killed between the two leaves the old graph with the new
    journal, which the next ``kg add`` or ``kg remove`` turns into the new
    graph, never the other way. ``store``: the URL of a server store to load
    instead of the embedded one."""
    journal = journal_path_for(path)
    journal.parent.mkdir(parents=True, exist_ok=True)
    # named as Journal.create names a journal being made: one a killed build leaves is removed by the next
    copying = journal.with_name(f".{journal.name}.{os.getpid()}.tmp")
    shutil.copyfile(result.journal, copying)
    os.replace(copying, journal)
    location = _save(result, path, store)
    if store is None:
        with Journal.open(journal, path) as kept:
            kept.keep(_WRITTEN, _Written.of(path, location))


def _save(result: BuildResult, path: str | Path, store: str | None) -> Path | str:
    """Write the graph file and load its store (the one kg query and kg serve open); the store's location."""
    result.save(path)
    return build_store(path, store, triples=None if store else result.triples)


class UnknownArticleError(KgError, LookupError):
    """A name given to ``kg remove`` that names no article of the graph."""

    def __str__(self) -> str:  # LookupError would quote the message
        return str(self.args[0])


@dataclass
class Change:
    """What :func:`add_articles` or :func:`remove_articles` did to a graph."""

    stats: BuildStats
    added: tuple[Entry, ...] = ()
    removed: tuple[Entry, ...] = ()
    #: articles given to add that the graph has already (the same content id): left as they are
    present: tuple[Entry, ...] = ()
    #: the graph as written; None when nothing changed and nothing was written
    result: BuildResult | None = None
    #: whether only the added articles were resolved and written (else every article was: see add_articles)
    in_place: bool = False


def add_articles(
    graph_path: str | Path,
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    decisions: Sequence[Decision] = (),
    jobs: int = 1,
    scheduler: str | None = None,
    store: str | None = None,
) -> Change:
    """Add the articles under ``paths`` to the graph at ``graph_path``, built
    by :func:`build_graph` and :func:`save_build`: only those whose content id
    is new are extracted (as the graph's were, see :class:`~kg.journal.Settings`,
    in ``jobs`` processes or on the Dask cluster at ``scheduler``) and put
    into the journal as they arrive. Then, from what the last resolution of
    the graph's articles left in the journal, only the new articles are
    resolved and their share of the graph added to the graph file and a copy
    of its store (:func:`~kg.store.add_to_graph`): the cost of an addition
    does not grow with the resolution. Every article is resolved again from
    the journal, as :func:`build_graph` resolves, and the graph file and its
    store rewritten, when a new article may change what was decided for
    others (:meth:`~kg.resolve.Resolver.insert`: a name it spells first, a
    class it changes), when there are ``decisions`` (applied to the whole
    graph), a server ``store``, or the graph file is not the one written
    last. Either way the graph equals the one a build of all its articles
    gives. Nothing is written when no article is new. Inputs that fail are
    handled as in :func:`build_graph`.

    Raises :class:`~kg.journal.JournalError` when the graph has no journal.
    ``store``: the URL of a server store to load instead of the embedded one.
    """
    if scheduler is not None and jobs > 1:
        raise ValueError(f"jobs={jobs} and a scheduler exclude each other: the cluster's workers do the work")
    started = time.perf_counter()
    with Journal.open(journal_path_for(graph_path), graph_path) as journal:
        settings = journal.settings
        entries, setup = _prepare(settings.extractors, settings.catalogue, settings.scorer, None, settings.max_chars)
        stats = BuildStats()
        failed = _failures(stats, strict, on_error)
        known = {entry.id for entry in journal.entries()}
        present: list[Entry] = []

        def new(articles: Iterable[Article]) -> Iterator[Article]:
            for article in articles:
                if article.id in known:
                    present.append(_entry(article))
                else:
                    yield article

        # what the last resolution left, read before the new articles make the journal forget it
        in_place = not decisions and store is None
        resolved, written = (journal.kept(_RESOLVED), journal.kept(_WRITTEN)) if in_place else (None, None)
        read = read_articles(paths, keep=_names(entries), max_chars=settings.max_chars, on_error=failed)
        added = tuple(_extract_into(journal, new(read), jobs, setup, progress, failed, scheduler))
        if not added:
            return Change(stats, present=tuple(present))
        result = None
        if resolved is not None and written is not None and written.describes(graph_path):
            result = _add_in_place(journal, graph_path, added, resolved, written, stats, started)
        in_place = result is not None
        if result is None:
            result = _rewrite(journal, graph_path, entries, decisions, stats, started, store)
    return Change(stats, added=added, present=tuple(present), result=result, in_place=in_place)


def remove_articles(graph_path: str | Path, names: Iterable[str], *, decisions: Sequence[Decision] = (),
                    store: str | None = None) -> Change:
    """Take the articles ``names`` names (an article's id, the name of the
    file it was read from, or its JSON Lines ``id``) out of the graph at
    ``graph_path``: every article left is resolved again from the journal,
    so a relation or fact whose last source is gone disappears and one with
    other sources keeps those. ``decisions`` are applied; the graph file and
    its store are rewritten.

    Raises :class:`UnknownArticleError`, and changes nothing, when a name
    names no article; :class:`~kg.journal.JournalError` when the graph has
    no journal.
    """
    started = time.perf_counter()
    with Journal.open(journal_path_for(graph_path), graph_path) as journal:
        known = journal.entries()
        removed: dict[str, Entry] = {}
        for name in names:
            found = [entry for entry in known if entry.is_named(name)]
            if not found:
                near = ", ".join(sorted({entry.key or entry.file_name for entry in known})[:5])
                raise UnknownArticleError(f"no article in {graph_path} is called {name!r} (give an article's id, "
                                          f"file name or JSON Lines id; its articles include {near})")
            removed |= {entry.id: entry for entry in found}
        journal.delete(removed)
        result = _rewrite(journal, graph_path, load_catalogue(journal.settings.catalogue), decisions, BuildStats(),
                          started, store)
    return Change(result.stats, removed=tuple(removed.values()), result=result)


def _rewrite(journal: Journal, graph_path: str | Path, entries: Sequence[Entity], decisions: Sequence[Decision],
             stats: BuildStats, started: float, store: str | None) -> BuildResult:
    """Resolve the journal's articles and write the graph file and its store,
    as a build does; the journal's changes are kept only once they are written."""
    folder = tempfile.TemporaryDirectory(prefix="kg-rewrite-")
    triples, curation = _resolve_and_write(journal, entries, decisions, stats, Path(folder.name))
    stats.seconds = time.perf_counter() - started
    result = BuildResult(triples, stats, curation, journal.path, folder)
    location = _save(result, graph_path, store)
    if store is None:
        journal.keep(_WRITTEN, _Written.of(graph_path, location))
    return result


def _add_in_place(journal: Journal, graph_path: str | Path, added: Sequence[Entry], resolved: _Resolved,
                  written: _Written, stats: BuildStats, started: float) -> BuildResult | None:
    """Add the articles ``added`` (in ``journal`` already) to the graph file
    and store that ``written`` describes, from what the last resolution of
    the others left (``resolved``): only their shares of the graph and the
    entities they name are written, into the graph file and a copy of its
    store. That is what resolving every article again gives, unless an
    article may change what was decided for others (see
    :meth:`Resolver.insert`); then nothing is written and None returned."""
    resolver = resolved.resolver
    inserted: list[tuple[Article, Keyed]] = []
    conditional: dict[str, bool | None] = {}  # each key named, as it was before: see Resolver.insert
    for entry in added:
        extraction = journal.extraction(entry.id)
        outcome = resolver.insert(extraction)
        if outcome is None:
            return None
        keyed, before = outcome
        inserted.append((extraction.article, keyed))
        for key, was in before.items():
            conditional.setdefault(key, was)
    was_kept = sum(was is not None and (key in resolved.used or not was) for key, was in conditional.items())
    entities = {key: resolver.entity(key) for key in conditional}
    folder = tempfile.TemporaryDirectory(prefix="kg-add-")
    triples = Path(folder.name) / "added.nt"
    quotes = journal.settings.quotes
    with triples.open("wb") as out:
        for article, keyed in inserted:
            part, part_used = resolver.part(keyed, entities)
            resolved.count(keyed, part, part_used, entities)
            append_ntriples(graph_triples([article], (), part.references, part.statements, part.facts, quotes=quotes), out)
        # an entity so far only described that they name otherwise: what other articles said of it joins the graph
        named = [key for key, was in conditional.items() if was and not resolver.conditional(key)]
        append_ntriples(graph_triples((), (), [Reference(entities[key], text, ev) for key in named
                                          for text, ev in resolved.withheld.pop(key, ())], quotes=quotes), out)
        kept = resolver.kept(entities, resolved.used)  # (their class is as before: only aliases are new)
        append_ntriples(graph_triples((), kept, quotes=quotes), out)
    resolved.articles += len(inserted)
    resolved.entities += len(kept) - was_kept
    resolved.fill(stats)
    journal.keep(_RESOLVED, resolved)
    store = add_to_graph(graph_path, triples, written.store)
    journal.keep(_WRITTEN, _Written.of(graph_path, store))
    stats.seconds = time.perf_counter() - started
    return BuildResult(Path(graph_path), stats, None, journal.path, folder)


def _entry(article: Article) -> Entry:
    return Entry(article.id, article.source, article.key)
