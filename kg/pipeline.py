"""The only place that knows the order of the stages:
ingest → extract → resolve → curate → model (RDF).

The build streams: an article is read, parsed and extracted, and only what
resolution filed under its keys (:class:`~kg.resolve.Keyed`: no text, no
parse) goes on, to a temporary file. Once every article was seen, each one's
share of the graph is written, one after the other, as N-Triples; no whole
graph, corpus or list of extractions is ever held in memory (but with
curation decisions, which rewrite the resolution as a whole). Resolution
keeps per-entity state only (:class:`~kg.resolve.Resolver`).

>>> from kg.pipeline import BuildStats
>>> BuildStats(articles=5).articles
5
"""

from __future__ import annotations

import itertools
import multiprocessing
import pickle
import tempfile
import time
from collections import deque
from contextlib import closing
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from functools import cached_property
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
from .model import GraphContent, load_catalogue, to_graph
from .resolve import Keyed, Resolution, Resolver, merge_parts
from .schema import Article, Entity
from .store import append_ntriples, load_graph, save_ntriples_as

__all__ = ["BuildStats", "BuildResult", "ExtractionError", "build_graph"]


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
    (removed with this object), its numbers and what curation did."""

    #: the graph's triples, one a line (a line may repeat); see :meth:`save` and :attr:`graph`
    triples: Path
    stats: BuildStats
    #: what the curation decisions did (None when there were none)
    curation: Curated | None
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
    """
    if scheduler is not None and jobs > 1:
        raise ValueError(f"jobs={jobs} and a scheduler exclude each other: the cluster's workers do the work")
    started = time.perf_counter()
    for name in extractors:
        get_extractor(name)  # fail early, naming the known extractors
    rater = load_scorer(scorer) if scorer is not None else None
    entries = load_catalogue(catalogue)
    gazetteer = Gazetteer(entries)
    keep = [alias for e in entries for alias in e.aliases]
    stats = BuildStats()

    def failed(err: InputError) -> None:
        if isinstance(err, DuplicateArticle):
            stats.duplicates.append(err)
        elif strict:
            raise err
        else:
            stats.errors.append(err)
        if on_error is not None:
            on_error(err)

    read = read_articles(paths, keep=keep, max_chars=max_chars, on_error=failed)
    if scheduler is None:  # (a cluster's workers load their own)
        _pipeline(model, max_chars)  # loaded here first: a missing model fails once, and forked workers inherit it
    resolver = Resolver(entries)
    folder = tempfile.TemporaryDirectory(prefix="kg-build-")
    spill = Path(folder.name) / "keyed.pickle"
    # closing: a --strict stop ends the worker processes there and then
    with closing(_extract_all(read, jobs, (model, max_chars, gazetteer, tuple(extractors), rater), scheduler)) as outcomes, \
            spill.open("wb") as out:
        for article, outcome in progress(outcomes) if progress else outcomes:
            if isinstance(outcome, str):  # this article's failure, not the build's
                failed(ExtractionError(article.source, f"failed in extraction ({outcome})"))
                continue
            # the article's text and offset map end here: its metadata and keyed extraction go on
            pickle.dump((replace(article, text="", clean="", offsets=()), resolver.add(outcome)), out)
            stats.articles += 1
    entities = resolver.entities()
    shares = ((article, *resolver.part(keyed, entities)) for article, keyed in _unspill(spill))
    triples = Path(folder.name) / "graph.nt"
    with triples.open("wb") as out:
        curation = _write(out, shares, resolver, entities, quotes, decisions, stats)
    spill.unlink()
    stats.seconds = time.perf_counter() - started
    return BuildResult(triples, stats, curation, folder)


def _unspill(path: Path) -> Iterator[tuple[Article, Keyed]]:
    with path.open("rb") as fh:
        while True:
            try:
                yield pickle.load(fh)
            except EOFError:
                return


def _write(out: BinaryIO, shares: Iterable[tuple[Article, Resolution, frozenset[str]]], resolver: Resolver,
           entities: dict[str, Entity], quotes: bool, decisions: Sequence[Decision], stats: BuildStats) -> Curated | None:
    """Write each article's share of the graph, then the entities, to ``out``
    (N-Triples), and count them in ``stats``. Decisions need the whole
    resolution: with some, the shares are merged in memory, curated and
    written at once."""
    used: set[str] = set()
    held: list[tuple[Article, Resolution]] = []  # with decisions only
    # each statement and fact once, however many articles state it: a hash each, not the thing
    statements: set[int] = set()
    facts: set[int] = set()
    for article, part, part_used in shares:
        used |= part_used
        if decisions:
            held.append((article, part))
            continue
        append_ntriples(to_graph([article], (), part.references, part.statements, part.facts, quotes=quotes), out)
        statements.update(hash((st.subject.label, st.relation, st.object.label)) for st in part.statements)
        facts.update(hash((f.subject.label, f.metric, f.value, f.unit, f.period)) for f in part.facts)
        stats.sources += bool(part.statements or part.facts)
    kept = resolver.kept(entities, used)
    if not decisions:
        append_ntriples(to_graph((), kept, quotes=quotes), out)
        stats.entities, stats.relations, stats.facts = len(kept), len(statements), len(facts)
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
