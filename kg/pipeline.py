"""The only place that knows the order of the stages:
ingest → extract → resolve → model (RDF).

>>> from kg.pipeline import BuildStats
>>> BuildStats(articles=5).articles
5
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from .extract import DEFAULT_EXTRACTORS, Gazetteer, extract_article, get_extractor, load_pipeline
from .extract.scorer import load_scorer
from .ingest import IngestError, read_articles
from .model import load_catalogue, to_graph
from .resolve import Resolution, resolve

__all__ = ["BuildStats", "BuildResult", "build_graph"]


@dataclass
class BuildStats:
    articles: int = 0
    entities: int = 0
    relations: int = 0
    facts: int = 0
    sources: int = 0
    seconds: float = 0.0
    errors: list[IngestError] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.articles} articles, {self.entities} entities, {self.relations} relations, "
                f"{self.facts} facts, {self.sources} sources, {self.seconds:.1f} s")
        if self.errors:
            text += f", {len(self.errors)} unreadable"
        return text


@dataclass
class BuildResult:
    graph: Graph
    resolution: Resolution
    stats: BuildStats


def build_graph(
    paths: Iterable[str | Path],
    *,
    extractors: Sequence[str] = DEFAULT_EXTRACTORS,
    catalogue: str | Path | None = None,
    quotes: bool = True,
    strict: bool = False,
    on_error: Callable[[IngestError], None] | None = None,
    progress: Callable[[Iterable], Iterable] | None = None,
    model: str | None = None,
    scorer: str | Path | None = None,
) -> BuildResult:
    """Read the articles under ``paths`` and build their knowledge graph.

    ``extractors`` are registered names (see ``kg extractors``); unknown names
    fail before any text is read. Unreadable files are passed to ``on_error``
    and skipped, or raise :class:`~kg.ingest.IngestError` when ``strict``.
    ``quotes=False`` leaves the sentence text out of the evidence.
    ``progress`` wraps the list of articles (a tqdm bar, for instance).
    ``scorer`` is a model file from ``kg train``: relations it rates under
    its threshold are dropped (a ValueError when the file is no such model).
    """
    started = time.perf_counter()
    for name in extractors:
        get_extractor(name)  # fail early, naming the known extractors
    rater = load_scorer(scorer) if scorer is not None else None
    entries = load_catalogue(catalogue)
    gazetteer = Gazetteer(entries)
    keep = [alias for e in entries for alias in e.aliases]
    stats = BuildStats()

    def failed(err: IngestError) -> None:
        stats.errors.append(err)
        if on_error is not None:
            on_error(err)

    articles = list(read_articles(paths, keep=keep, on_error=None if strict else failed))
    nlp = load_pipeline(model)
    wrapped = progress(articles) if progress else articles
    extractions = [extract_article(a, nlp, gazetteer, extractors, rater) for a in wrapped]
    resolution = resolve(extractions, entries)
    graph = to_graph(articles, resolution.entities, resolution.references, resolution.statements,
                     resolution.facts, quotes=quotes)
    stats.articles = len(articles)
    stats.entities = len(resolution.entities)
    stats.relations = len(resolution.statements)
    stats.facts = len(resolution.facts)
    stats.sources = len({ev.article_id for st in resolution.statements for ev in st.evidence}
                        | {ev.article_id for f in resolution.facts for ev in f.evidence})
    stats.seconds = time.perf_counter() - started
    return BuildResult(graph, resolution, stats)
