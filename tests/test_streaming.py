"""The streaming build (issue 9): articles read as they are extracted, each
one's share of the graph written as it comes, and the graph the same as the
one resolution and :func:`kg.model.to_graph` make in memory. No trained
model: the blank pipeline and a made-up extractor stand in."""

from __future__ import annotations

import itertools
import random
import re
from decimal import Decimal

import pytest
from rdflib import Graph
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.extract.base import Extraction
from kg.extract.nlp import blank_pipeline
from kg.model import to_graph
from kg.schema import Article, Evidence, Measurement, Mention, Relation

pytestmark = pytest.mark.issue(9)

#: Made-up articles: companies that partner, a topic one invests in, a revenue.
TEXTS = {
    "a.txt": "Zorvex Robotics partners with Quillon Labs.\nZorvex Robotics invests in Robotics.\n",
    "b.txt": "Quillon Labs partners with Zorvex Robotics.\nQuillon Labs revenue was 5.0 billion.\n",
    "c.txt": "Marrow Foods partners with Quillon Labs.\nRobotics matters.\n",  # a topic no relation needs here
    "d.txt": "Zorvex Robotic partners with Marrow Foods.\n",  # a near-duplicate name: fuzzy resolution
}
_PAIR = re.compile(r"^(?P<s>[A-Z]\w+ [A-Z]\w+) (?P<verb>partners with|invests in|revenue was) (?P<o>[\w. ]+?)\.?$")


def made_up_extraction(article: Article, *args, **kwargs) -> Extraction:
    """One relation or fact per line, as a rule-based extractor would give."""
    mentions, relations, measurements = [], [], []
    offset = 0
    for line in article.text.splitlines(keepends=True):
        ev = Evidence(article.id, offset, offset + len(line.strip()), line.strip(), "kg.test.v1", 0.8)
        match = _PAIR.match(line.strip())
        offset += len(line)
        if line.strip() == "Robotics matters.":
            mentions.append((Mention("Robotics", "Topic", ev.start, ev.start + 8, source="topic"), ev))
        if not match:
            continue
        subject = Mention(match["s"], "Organization", ev.start, ev.start + len(match["s"]))
        mentions.append((subject, ev))
        if match["verb"] == "revenue was":
            measurements.append(Measurement(subject, "revenue", Decimal(match["o"].split()[0]) * 10 ** 9, "USD",
                                            "2025", ev))
            continue
        topic = match["verb"] == "invests in"
        obj = Mention(match["o"], "Topic" if topic else "Organization", ev.end - len(match["o"]) - 1, ev.end - 1,
                      source="topic" if topic else "name")
        mentions.append((obj, ev))
        relations.append(Relation(subject, "investsIn" if topic else "partnerOf", obj, ev))
    return Extraction(article, tuple(mentions), tuple(relations), tuple(measurements))


@pytest.fixture
def made_up(monkeypatch, tmp_path):
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "load_pipeline", lambda model=None: blank_pipeline())
    monkeypatch.setattr(kg.pipeline, "extract_article", made_up_extraction)
    for name, text in TEXTS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def assert_isomorphic(a: Graph, b: Graph) -> None:
    if not isomorphic(a, b):
        _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
        pytest.fail(f"only in the first:\n{only_a.serialize(format='nt')}\nonly in the second:\n"
                    f"{only_b.serialize(format='nt')}")


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_streamed_graph_is_the_one_made_in_memory(made_up, jobs):
    from kg.ingest import read_articles
    from kg.model import load_catalogue
    from kg.pipeline import build_graph
    from kg.resolve import resolve

    result = build_graph([made_up], jobs=jobs)
    articles = sorted(read_articles([made_up]), key=lambda a: a.id)  # resolution reads the journal by article id
    whole = resolve([made_up_extraction(a) for a in articles], load_catalogue())
    assert_isomorphic(result.graph, to_graph(articles, whole.entities, whole.references, whole.statements, whole.facts))
    stats = result.stats
    assert (stats.articles, stats.entities, stats.relations, stats.facts, stats.sources) == \
        (4, len(whole.entities), len(whole.statements), len(whole.facts), 4)
    # what makes the case worth testing: one statement from two articles, a topic kept where it is needed only
    assert any(len({ev.article_id for ev in st.evidence}) == 2 for st in whole.statements)
    assert "robotics" in {e.label for e in whole.entities}  # the catalogue's topic
    assert [r.evidence.article_id for r in whole.references if r.entity.label == "robotics"] == \
        [a.id for a in articles if a.source.endswith("a.txt")]


def test_saved_bytes_do_not_depend_on_jobs_or_a_second_run(made_up, tmp_path):
    from kg.pipeline import build_graph

    outputs = [build_graph([made_up], jobs=jobs).save(tmp_path / f"out-{n}.trig").read_bytes()
               for n, jobs in enumerate((1, 2, 1))]
    assert outputs[0] == outputs[1] == outputs[2]
    assert b"entity:quillon-labs" in outputs[0]


def test_articles_are_read_as_they_are_extracted():
    """The build pulls articles a few batches ahead of extraction, not the whole corpus first."""
    from kg.pipeline import BATCH, _extract_all

    pulled = 0

    def articles():
        nonlocal pulled
        for n in itertools.count():
            pulled += 1
            yield Article(f"id{n}", f"Zorvex Robotics grew {n}%.", f"{n}.txt")

    import kg.pipeline

    setup = (None, 10_000, None, (), None)
    original = kg.pipeline.load_pipeline, kg.pipeline.extract_article
    kg.pipeline.load_pipeline, kg.pipeline.extract_article = (lambda model=None: blank_pipeline()), made_up_extraction
    try:
        outcomes = _extract_all(articles(), 1, setup)
        for n, (article, outcome) in enumerate(itertools.islice(outcomes, 50)):
            assert outcome.article is article and article.id == f"id{n}"
            assert pulled <= n + 1 + 2 * BATCH
        outcomes.close()
    finally:
        kg.pipeline.load_pipeline, kg.pipeline.extract_article = original
    assert pulled < 50 + 3 * BATCH  # an endless stream of articles, and the build kept up with it


def test_each_extraction_goes_into_the_journal_as_it_arrives(made_up, monkeypatch):
    """The build keeps no list of extractions: each one is in the journal
    before the next article is pulled from the files, and the journal holds
    them all, in article-id order, once the build is done."""
    import kg.pipeline
    from kg.journal import Journal

    events: list[str] = []
    reading = kg.pipeline.read_articles

    def read(*args, **kwargs):
        for article in reading(*args, **kwargs):
            events.append(f"read {article.id}")
            yield article

    put = Journal.put
    monkeypatch.setattr(kg.pipeline, "read_articles", read)
    monkeypatch.setattr(Journal, "put", lambda self, ex: (events.append(f"put {ex.article.id}"), put(self, ex))[1])
    monkeypatch.setattr(kg.pipeline, "BATCH", 1)
    result = kg.pipeline.build_graph([made_up], jobs=1)
    ids = [e.split()[1] for e in events if e.startswith("read")]
    # one batch is extracted while the next two wait (2 * jobs ahead): a put comes before the fourth read
    assert events.index(f"put {ids[0]}") < events.index(f"read {ids[3]}")
    with Journal.open(result.journal) as journal:
        assert [e.id for e in journal.entries()] == sorted(ids)
        assert [ex.article.id for ex in journal.extractions()] == sorted(ids)
        assert {ex.article.text for ex in journal.extractions()} == {""}


def test_ntriples_saved_in_any_order_or_repeated_give_the_same_bytes(examples_graph, tmp_path):
    from kg.store import FORMATS, load_graph, save_ntriples_as

    lines = examples_graph.serialize(format="nt").strip().split("\n")
    shuffled = lines * 2
    random.Random(4).shuffle(shuffled)
    (tmp_path / "a.nt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "b.nt").write_text("\n".join(shuffled) + "\n", encoding="utf-8")
    for ext in sorted(set(FORMATS)):
        a = save_ntriples_as(tmp_path / "a.nt", tmp_path / f"a{ext}")
        b = save_ntriples_as(tmp_path / "b.nt", tmp_path / f"b{ext}")
        assert a.read_bytes() == b.read_bytes(), ext
        again = load_graph(a)
        assert len(again) == len(examples_graph), ext
    assert not list(tmp_path.glob(".*")), "no temporary store or file left behind"
