"""The only place that knows the order of the stages:
ingest → extract → resolve → curate → model (RDF).

>>> from kg.pipeline import BuildStats
>>> BuildStats(articles=5).articles
5
"""

from __future__ import annotations

import multiprocessing
import time
from contextlib import closing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph
from spacy.tokens import Doc

from .errors import InputError, KgError
from .curate import Curated, Decision
from .curation_rdf import curate_graph
from .extract import DEFAULT_EXTRACTORS, Extraction, Gazetteer, extract_article, get_extractor, load_pipeline
from .extract.scorer import Scorer, load_scorer
from .ingest import MAX_CHARS, DuplicateArticle, read_articles
from .journal import Entry, Journal, Settings, journal_path_for
from .model import GraphContent, load_catalogue
from .resolve import Resolution, resolve
from .schema import Article, Entity
from .store import build_store, save_graph

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
    graph: Graph
    #: the entities, relations and facts in the graph (curated)
    resolution: Resolution
    stats: BuildStats
    #: what the curation decisions did (none applied when there were none)
    curation: Curated
    #: what was extracted from each article, by article id, and how: what the graph's journal keeps
    extractions: tuple[Extraction, ...] = ()
    settings: Settings | None = None


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
    ``progress`` wraps the list of articles (a tqdm bar, for instance).
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
    """
    if scheduler is not None and jobs > 1:
        raise ValueError(f"jobs={jobs} and a scheduler exclude each other: the cluster's workers do the work")
    started = time.perf_counter()
    entries, setup = _prepare(extractors, catalogue, scorer, model, max_chars)
    stats = BuildStats()
    failed = _failures(stats, strict, on_error)
    read = list(read_articles(paths, keep=_names(entries), max_chars=max_chars, on_error=failed))
    extractions = _extract_read(read, jobs, setup, progress, failed, scheduler)
    settings = Settings(tuple(extractors), catalogue and str(Path(catalogue).resolve()),
                        scorer and str(Path(scorer).resolve()), quotes, max_chars)
    return _result(extractions, entries, settings, decisions, stats, started)


def _prepare(extractors: Sequence[str], catalogue: str | Path | None, scorer: str | Path | None,
             model: str | None, max_chars: int) -> tuple[list[Entity], _Setup]:
    """The catalogue's entries and what extraction needs; unknown extractors fail here, before any text is read."""
    for name in extractors:
        get_extractor(name)  # fail early, naming the known extractors
    rater = load_scorer(scorer) if scorer is not None else None
    entries = load_catalogue(catalogue)
    return entries, (model, max_chars, Gazetteer(entries), tuple(extractors), rater)


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


def _extract_read(read: Sequence[Article], jobs: int, setup: _Setup, progress: Callable[[Iterable], Iterable] | None,
                  failed: Callable[[InputError], None], scheduler: str | None = None) -> list[Extraction]:
    """The extractions of the articles that did not fail (each failure goes to ``failed``)."""
    if not read:
        return []
    if scheduler is None:  # (a cluster's workers load their own)
        _pipeline(setup[0], setup[1])  # loaded here first: a missing model fails once, and forked workers inherit it
    extractions = []
    # closing: a --strict stop ends the worker processes there and then
    with closing(_extract_all(read, jobs, setup, scheduler)) as outcomes:
        for article in progress(read) if progress else read:
            # next() inside the loop: the bar counts an article once its outcome is in
            outcome = next(outcomes)
            if isinstance(outcome, str):  # this article's failure, not the build's
                failed(ExtractionError(article.source, f"failed in extraction ({outcome})"))
                continue
            extractions.append(outcome)
    return extractions


def _result(extractions: Iterable[Extraction], entries: Sequence[Entity], settings: Settings,
            decisions: Sequence[Decision], stats: BuildStats, started: float) -> BuildResult:
    """Resolve, curate and model the extractions; fill in ``stats``.

    Resolution reads the articles by id: where it must choose (the first
    spelling of a name names the entity, a tie between classes), the choice
    depends on which articles there are, not on the order they were read or
    added in.
    """
    extractions = tuple(sorted(extractions, key=lambda ex: ex.article.id))
    articles = tuple(ex.article for ex in extractions)
    graph, curation = curate_graph(GraphContent(articles, resolve(extractions, entries), settings.quotes), decisions)
    resolution = curation.resolution
    stats.articles = len(articles)
    stats.entities = len(resolution.entities)
    stats.relations = len(resolution.statements)
    stats.facts = len(resolution.facts)
    stats.sources = len({ev.article_id for st in resolution.statements for ev in st.evidence}
                        | {ev.article_id for f in resolution.facts for ev in f.evidence})
    stats.seconds = time.perf_counter() - started
    return BuildResult(graph, resolution, stats, curation, extractions, settings)


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
        docs: Sequence[Doc | None] = list(nlp.pipe(a.clean or a.text for a in articles))
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


def _extract_all(articles: Sequence[Article], jobs: int, setup: _Setup,
                 scheduler: str | None = None) -> Iterator[Extraction | str]:
    """Each article's outcome (see :func:`_extract`), in the order of ``articles``:
    here, in ``jobs`` local processes, or on the Dask cluster at ``scheduler``."""
    batches = [articles[i:i + BATCH] for i in range(0, len(articles), BATCH)]
    if scheduler is not None:
        try:
            from .cluster import run_on_cluster
        except ImportError as exc:
            raise KgError(f"building on a Dask cluster needs Dask's distributed package ({exc}): "
                          "pip install 'kg[cluster]'") from None
        for outcomes in run_on_cluster(scheduler, batches, _extract_batch, _start_worker, setup):
            yield from outcomes
        return
    jobs = min(jobs, len(batches))
    if jobs <= 1:
        for batch in batches:
            yield from _extract_batch(batch, setup)
        return
    # fork where there is one: workers inherit the loaded pipeline and the
    # parent's hash seed; elsewhere each worker loads the model in _start_worker.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker, initargs=(setup,)) as pool:
        try:
            for outcomes in pool.map(_extract_in_worker, batches):
                yield from outcomes
        finally:
            pool.shutdown(cancel_futures=True)  # a --strict stop leaves the rest unparsed


# ---------------------------------------------------------------- daily additions

def save_build(result: BuildResult, path: str | Path, store: str | None = None) -> None:
    """Write a build's journal (which ``kg add`` and ``kg remove`` need),
    then its graph file and SPARQL store. The journal first: a build killed
    between the two leaves the old graph with the new journal, which the next
    ``kg add`` or ``kg remove`` turns into the new graph, never the other way.
    ``store``: the URL of a server store to load instead of the embedded one."""
    with Journal.create(journal_path_for(path), result.settings) as journal:
        for extraction in result.extractions:
            journal.put(extraction)
    _save(result.graph, path, store)


def _save(graph: Graph, path: str | Path, store: str | None) -> None:
    save_graph(graph, path)
    build_store(path, store)  # the SPARQL store that kg query and kg serve open


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


def add_articles(
    graph_path: str | Path,
    paths: Iterable[str | Path],
    *,
    strict: bool = False,
    on_error: Callable[[InputError], None] | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    decisions: Sequence[Decision] = (),
    jobs: int = 1,
    store: str | None = None,
) -> Change:
    """Add the articles under ``paths`` to the graph at ``graph_path``, built
    by :func:`build_graph` and :func:`save_build`: only those whose content id
    is new are extracted (as the graph's were, see :class:`~kg.journal.Settings`);
    then every article is resolved again from the journal, ``decisions`` are
    applied and the graph file and its store rewritten. The graph equals
    the one a build of all its articles gives. Nothing is written when no
    article is new. Inputs that fail are handled as in :func:`build_graph`.

    Raises :class:`~kg.journal.JournalError` when the graph has no journal.
    ``store``: the URL of a server store to load instead of the embedded one.
    """
    started = time.perf_counter()
    with Journal.open(journal_path_for(graph_path), graph_path) as journal:
        settings = journal.settings
        entries, setup = _prepare(settings.extractors, settings.catalogue, settings.scorer, None, settings.max_chars)
        stats = BuildStats()
        failed = _failures(stats, strict, on_error)
        known = {entry.id for entry in journal.entries()}
        read = list(read_articles(paths, keep=_names(entries), max_chars=settings.max_chars, on_error=failed))
        present = tuple(_entry(a) for a in read if a.id in known)
        extractions = _extract_read([a for a in read if a.id not in known], jobs, setup, progress, failed)
        if not extractions:
            return Change(stats, present=present)
        for extraction in extractions:
            journal.put(extraction)
        result = _result(journal.extractions(), entries, settings, decisions, stats, started)
        _save(result.graph, graph_path, store)
    return Change(stats, added=tuple(_entry(ex.article) for ex in extractions), present=present, result=result)


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
        result = _result(journal.extractions(), load_catalogue(journal.settings.catalogue), journal.settings,
                         decisions, BuildStats(), started)
        _save(result.graph, graph_path, store)
    return Change(result.stats, removed=tuple(removed.values()), result=result)


def _entry(article: Article) -> Entry:
    return Entry(article.id, article.source, article.key)
