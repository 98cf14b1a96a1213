"""`kg add` and `kg remove` (issue 9, "Incremental"): a graph changed
article by article equals the graph built from its articles at once.

The first tests need no spaCy model: they write a journal of hand-made
extractions and let `remove_articles` resolve it again. Those marked
`model` build and add the five articles of ../shared/articles."""

from __future__ import annotations

import itertools
import sqlite3
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import RDF, RDFS
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kg.cli import cli
from kg.curate import Decision
from kg.curation_rdf import save_decisions
from kg.extract import Extraction
from kg.journal import Journal, JournalError, Settings, journal_path_for
from kg.model import KG, entity_iri
from kg.pipeline import UnknownArticleError, add_articles, build_graph, remove_articles, save_build
from kg.schema import Article, Entity, Evidence, Mention, Relation
from kg.store import SUMMARY_GRAPH, build_store, load_graph, open_store

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "articles"

pytestmark = pytest.mark.issue(9)

SETTINGS = Settings(extractors=("kg.rules.v1",), catalogue=None, scorer=None, quotes=True, max_chars=10_000)


def _extraction(article_id: str, sentence: str, names: list[tuple[str, str]],
                relations: list[tuple[int, str, int]] = ()) -> Extraction:
    """An article of one sentence naming ``names`` (name, class), stating ``relations`` (subject, predicate, object)."""
    article = Article(article_id, sentence, f"/news/{article_id}.txt")
    ev = Evidence(article_id, 0, len(sentence), sentence, "kg.rules.v1", 0.8)
    mentions = [Mention(name, label, sentence.index(name), sentence.index(name) + len(name)) for name, label in names]
    return Extraction(article, tuple((m, ev) for m in mentions),
                      tuple(Relation(mentions[s], p, mentions[o], ev) for s, p, o in relations), ())


#: Two spellings of one company in two articles: the one read first names it.
ACME_1 = _extraction("a1", "ACME Holdings supplies Globex.", [("ACME Holdings", "Organization"), ("Globex", "Organization")],
                     [(0, "supplies", 1)])
ACME_2 = _extraction("a2", "Acme Holdings' supplies Globex again.",
                     [("Acme Holdings", "Organization"), ("Globex", "Organization")], [(0, "supplies", 1)])
INITECH = _extraction("a3", "Initech competes with Globex.", [("Initech", "Organization"), ("Globex", "Organization")],
                      [(0, "competesWith", 1)])


def _graph_from_journal(path: Path, extractions: list[Extraction], **kwargs):
    """Write a journal of ``extractions`` (in this order) and a graph from it, by removing a stand-in article."""
    graph = path / "news.nt"
    stand_in = _extraction("zz", "Hooli grew.", [("Hooli", "Organization")])
    with Journal.create(journal_path_for(graph), SETTINGS) as journal:
        for extraction in [*extractions, stand_in]:
            journal.put(extraction)
    return graph, remove_articles(graph, ["zz"], **kwargs)


def _iri(label: str):
    return entity_iri(Entity("", label, "Organization"))


def test_resolution_does_not_depend_on_the_order_articles_arrive_in(tmp_path):
    (tmp_path / "one").mkdir(), (tmp_path / "two").mkdir()
    one, _ = _graph_from_journal(tmp_path / "one", [ACME_1, ACME_2, INITECH])
    two, _ = _graph_from_journal(tmp_path / "two", [INITECH, ACME_2, ACME_1])
    assert one.read_bytes() == two.read_bytes()
    assert (_iri("ACME Holdings"), KG.supplies, _iri("Globex")) in load_graph(one)  # a1's spelling: a1 comes first


def test_remove_keeps_a_relation_with_other_sources_and_drops_one_without(tmp_path):
    graph, _ = _graph_from_journal(tmp_path, [ACME_1, ACME_2, INITECH])

    def supplies_evidence(g) -> int:
        (statement,) = g.subjects(RDF.predicate, KG.supplies)
        return len(list(g.objects(statement, KG.evidence)))

    assert supplies_evidence(load_graph(graph)) == 2
    change = remove_articles(graph, ["a1.txt", "a3"])  # by file name and by id
    assert sorted(e.id for e in change.removed) == ["a1", "a3"]
    g = load_graph(graph)
    assert (_iri("Acme Holdings"), KG.supplies, _iri("Globex")) in g  # named now by a2, its one source left
    assert supplies_evidence(g) == 1
    assert not list(g.triples((None, KG.competesWith, None)))  # a3 was its only source
    assert [str(name) for name in g.objects(None, KG.fileName)] == ["a2.txt"]


def test_remove_then_compare_with_a_graph_that_never_had_the_article(tmp_path):
    (tmp_path / "one").mkdir(), (tmp_path / "two").mkdir()
    removed, _ = _graph_from_journal(tmp_path / "one", [ACME_1, ACME_2, INITECH])
    remove_articles(removed, ["a2"])
    never, _ = _graph_from_journal(tmp_path / "two", [ACME_1, INITECH])
    assert removed.read_bytes() == never.read_bytes()


def test_json_lines_articles_are_named_by_their_id_or_by_their_file(tmp_path):
    def line(extraction: Extraction, n: int, key: str) -> Extraction:
        return replace(extraction, article=replace(extraction.article, source=f"/feeds/day.jsonl:{n}", key=key))

    graph, _ = _graph_from_journal(tmp_path, [line(ACME_1, 1, "story-1"), line(ACME_2, 2, "story-2"), INITECH])
    assert [e.key for e in remove_articles(graph, ["story-2"]).removed] == ["story-2"]
    assert [e.id for e in remove_articles(graph, ["day.jsonl"]).removed] == ["a1"]
    assert [str(name) for name in load_graph(graph).objects(None, KG.fileName)] == ["a3.txt"]


def test_an_unknown_article_is_an_error_and_changes_nothing(tmp_path):
    graph, _ = _graph_from_journal(tmp_path, [ACME_1, INITECH])
    before = graph.read_bytes(), journal_path_for(graph).read_bytes()
    with pytest.raises(UnknownArticleError, match=r"no article in .* is called 'a9.txt'.*a1\.txt"):
        remove_articles(graph, ["a1", "a9.txt"])
    assert (graph.read_bytes(), journal_path_for(graph).read_bytes()) == before
    result = CliRunner().invoke(cli, ["remove", "a9.txt", "--from", str(graph)])
    assert result.exit_code == 1 and "Error: no article in" in result.output and "Traceback" not in result.output


def test_a_graph_without_a_journal_is_an_error_that_says_to_rebuild(tmp_path):
    graph = tmp_path / "old.trig"
    graph.write_text("", encoding="utf-8")
    with pytest.raises(JournalError, match="built by an older kg"):
        remove_articles(graph, ["a1"])
    for args in (["remove", "a1", "--from", str(graph)], ["add", str(tmp_path), "--into", str(graph)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1, result.output
        assert f"rebuild it with `kg build SOURCES -o {graph}`" in result.output


def test_a_journal_of_another_format_is_refused(tmp_path):
    graph, _ = _graph_from_journal(tmp_path, [ACME_1])
    with sqlite3.connect(journal_path_for(graph)) as db:
        db.execute("UPDATE meta SET value = '0' WHERE name = 'format'")
    with pytest.raises(JournalError, match="format 0.*rebuild it"):
        remove_articles(graph, ["a1"])


def test_curation_decisions_apply_after_remove(tmp_path):
    graph, _ = _graph_from_journal(tmp_path, [ACME_1, ACME_2, INITECH])
    decision = Decision("retype", "Initech", by="ana", at=datetime(2026, 12, 2, tzinfo=timezone.utc), type="Product")
    curation = tmp_path / "news.curation.ttl"
    save_decisions(curation, [decision])
    result = CliRunner().invoke(cli, ["remove", "a1", "--from", str(graph)])
    assert result.exit_code == 0, result.output
    assert f"applied 1 of 1 curation decisions from {curation}" in result.output
    assert (entity_iri(Entity("", "Initech", "Product")), None, KG.Product) in load_graph(graph)


def test_a_journal_without_quotes_keeps_no_sentence(tmp_path):
    path = tmp_path / "j.sqlite"
    with Journal.create(path, Settings(("kg.rules.v1",), None, None, quotes=False, max_chars=100)) as journal:
        journal.put(ACME_2)
    with Journal.open(path) as journal:
        (stored,) = journal.extractions()
    assert {ev.quote for _, ev in stored.mentions} == {""}
    assert stored.relations[0].evidence.quote == "" and stored.article.text == ""
    assert stored.relations[0].subject == ACME_2.relations[0].subject


# ---------------------------------------------------------------- the five articles, through NLP

@pytest.fixture(scope="module")
def five(model_and_articles) -> list[Path]:
    return sorted(ARTICLES.glob("*.txt"))


def _build(out: Path, sources: list[Path]) -> Path:
    save_build(build_graph(sources), out)
    return out


def _same_graph(a: Path, b: Path) -> None:
    ga, gb = load_graph(a), load_graph(b)
    if not isomorphic(ga, gb):
        _, only_a, only_b = graph_diff(to_isomorphic(ga), to_isomorphic(gb))
        pytest.fail(f"graphs differ:\nonly in {a}:\n{only_a.serialize(format='nt')[:3000]}\n"
                    f"only in {b}:\n{only_b.serialize(format='nt')[:3000]}")


def _lines(graph: Path) -> list[str]:
    """An N-Triples graph file as its sorted lines: without blank nodes, equal lines are equal graphs."""
    return sorted(graph.read_text(encoding="utf-8").splitlines())


@pytest.fixture(scope="module")
def all_at_once(five, tmp_path_factory) -> Path:
    return _build(tmp_path_factory.mktemp("all") / "news.nt", five)


@pytest.mark.model
@pytest.mark.parametrize("order", [(0, 1, 2, 3, 4), (4, 2, 0, 3, 1)])
def test_adding_one_by_one_equals_building_at_once(five, all_at_once, tmp_path, order):
    first, *rest = [five[i] for i in order]
    out = _build(tmp_path / "news.nt", [first])
    in_place = []
    for path in rest:
        change = add_articles(out, [path])
        assert [e.source for e in change.added] == [str(path)]
        in_place.append(change.in_place)
    assert any(in_place)  # (an article may change what was decided for others: then all are resolved again)
    _same_graph(out, all_at_once)
    assert _lines(out) == _lines(all_at_once)  # (kg add appends its triples: the same lines, not in the same order)


@pytest.mark.model
def test_re_adding_changes_nothing(five, all_at_once, tmp_path):
    out = tmp_path / "news.nt"
    out.write_bytes(all_at_once.read_bytes())
    journal_path_for(out).write_bytes(journal_path_for(all_at_once).read_bytes())
    before = out.stat().st_mtime_ns, journal_path_for(out).read_bytes()
    result = CliRunner().invoke(cli, ["add", str(five[1]), "--into", str(out), "-q"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"already in {out} (same content), not read again: {five[1]} ({_journal_ids(out)[1]})",
        f"nothing to add: {out} is unchanged"]
    assert (out.stat().st_mtime_ns, journal_path_for(out).read_bytes()) == before


def _journal_ids(graph: Path) -> dict[int, str]:
    with Journal.open(journal_path_for(graph)) as journal:
        by_name = {e.file_name: e.id for e in journal.entries()}
    return {i: by_name[p.name] for i, p in enumerate(sorted(ARTICLES.glob("*.txt")))}


@pytest.mark.model
def test_removing_an_article_equals_building_without_it(five, all_at_once, tmp_path):
    out = tmp_path / "news.nt"
    out.write_bytes(all_at_once.read_bytes())
    journal_path_for(out).write_bytes(journal_path_for(all_at_once).read_bytes())
    result = CliRunner().invoke(cli, ["remove", five[2].name, "--from", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"removed {five[2]} (")
    without = _build(tmp_path / "four" / "news.nt", [p for p in five if p != five[2]])
    _same_graph(out, without)


@pytest.mark.model
def test_a_build_resolves_articles_by_id_whatever_order_they_are_given_in(tmp_path, monkeypatch, model_and_articles):
    import kg.pipeline

    (tmp_path / "one.txt").write_text(ACME_1.article.text, encoding="utf-8")
    (tmp_path / "two.txt").write_text(ACME_2.article.text, encoding="utf-8")

    def extract(article, *args, **kwargs):  # the hand-made extraction of the article with that sentence
        made = ACME_1 if article.text == ACME_1.article.text else ACME_2
        return _extraction(article.id, article.text, [(m.text, m.label) for m, _ in made.mentions], [(0, "supplies", 1)])

    monkeypatch.setattr(kg.pipeline, "extract_article", extract)
    first, second = (build_graph([tmp_path / a, tmp_path / b], jobs=1).graph
                     for a, b in (("one.txt", "two.txt"), ("two.txt", "one.txt")))
    assert isomorphic(first, second)
    assert len(set(first.subjects(RDF.predicate, KG.supplies))) == 1


def test_a_journal_a_killed_build_left_half_made_is_removed_by_the_next(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    path = tmp_path / "news.journal.sqlite"
    abandoned = [tmp_path / f".news.journal.sqlite.{dead.stdout.strip()}.tmp{end}" for end in ("", "-journal")]
    for leftover in abandoned:
        leftover.write_bytes(b"half")
    with Journal.create(path, SETTINGS) as journal:
        journal.put(ACME_1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["news.journal.sqlite"]


# ---------------------------------------------------------------- adding only what is new

def _articles_in_id_order(folder: Path, sentences: list[str]) -> list[Path]:
    """A file for each sentence (a counter appended until it fits) whose article ids come in the sentences' order."""
    from kg.ingest import read_articles

    paths = []
    for i, sentence in enumerate(sentences):
        wanted = "0123456789abcdef"[16 * i // len(sentences):16 * (i + 1) // len(sentences)]
        for n in itertools.count():
            path = folder / f"{i}.txt"
            path.write_text(f"{sentence} Story {n}.", encoding="utf-8")
            (article,) = read_articles([path])
            if article.id[0] in wanted:
                break
        paths.append(path)
    return paths


@pytest.fixture
def hand_made(monkeypatch, model_and_articles, tmp_path):
    """Articles extracted by hand: a file's sentence "A supplies B." names two organisations, the first
    supplying the second. The stores of their graphs go to the test's own cache (the store kg add makes
    is then surely the one compared)."""
    import kg.pipeline

    monkeypatch.setenv("KG_CACHE_DIR", str(tmp_path / "cache"))

    def extract(article, *args, **kwargs):
        sentence = article.text.split(" Story ")[0]
        first, second = sentence.removesuffix(".").split(" supplies ")
        return _extraction(article.id, article.text, [(first, "Organization"), (second, "Organization")],
                           [(0, "supplies", 1)])

    monkeypatch.setattr(kg.pipeline, "extract_article", extract)


def _add_and_compare(tmp_path: Path, paths: list[Path], added: Path) -> tuple[bool, Path]:
    """Build from ``paths`` but ``added``, add it; whether that was done in place, and the graph
    (checked equal, line for line, to the build of all of them; added in place, it is the graph before with
    lines appended)."""
    out = tmp_path / "added" / "news.nt"
    save_build(build_graph([p for p in paths if p != added]), out)
    before = out.read_bytes()
    change = add_articles(out, [added])
    assert out.read_bytes().startswith(before) == change.in_place
    built = build_graph(paths)
    save_build(built, tmp_path / "at-once" / "news.nt")
    assert _lines(out) == _lines(tmp_path / "at-once" / "news.nt")
    counts = "articles", "entities", "relations", "facts", "sources"
    assert [getattr(change.stats, n) for n in counts] == [getattr(built.stats, n) for n in counts]
    # its store (the one kg query opens) holds what a store loaded from the file holds, summary graph included
    fresh = build_store(tmp_path / "at-once" / "news.nt", tmp_path / "fresh-store")
    assert _store_contents(out) == _store_contents(fresh)
    return change.in_place, out


def _store_contents(location: Path) -> tuple[int, list[str]]:
    """A store's triples outside the summary graph (how many), and the summary graph's predicates and objects
    (but blank nodes, which differ from store to store; the lines of a concatenated string in order, since
    SPARQL's GROUP_CONCAT keeps none, and kg.analyse reads them as sets)."""
    def in_order(value: str) -> str:
        return "\t".join("\n".join(sorted(field.split("\n"))) for field in value.split("\t"))

    with open_store(location) as store:
        summary = store.query(f"SELECT ?p ?o WHERE {{ GRAPH <{SUMMARY_GRAPH}> {{ ?s ?p ?o FILTER(!isBlank(?o)) }} }}")
        return len(store), sorted(f"{row[0].n3()} {in_order(row[1].value)}" for row in summary)


@pytest.mark.model
def test_an_article_whose_id_comes_first_is_added_in_place(tmp_path, hand_made):
    first, *others = _articles_in_id_order(tmp_path, ["Hooli supplies Initech.", "Globex supplies Umbrella.",
                                                      "Initech supplies Umbrella."])
    in_place, graph = _add_and_compare(tmp_path, [first, *others], first)
    assert in_place
    assert (_iri("Hooli"), KG.supplies, _iri("Initech")) in load_graph(graph)


@pytest.mark.model
def test_an_article_that_renames_an_entity_has_every_article_resolved_again(tmp_path, hand_made):
    first, later = _articles_in_id_order(tmp_path, ["ACME Holdings supplies Globex.", "Acme Holdings supplies Hooli."])
    in_place, graph = _add_and_compare(tmp_path, [first, later], first)
    assert not in_place
    g = load_graph(graph)
    assert {str(label) for label in g.objects(_iri("ACME Holdings"), RDFS.label)} == {"ACME Holdings"}  # first by id
    assert (_iri("ACME Holdings"), KG.supplies, _iri("Hooli")) in g


@pytest.mark.model
def test_an_article_that_merges_a_later_entity_into_its_own_has_every_article_resolved_again(tmp_path, hand_made):
    # "Quantumscape Technologie" is within fuzzy reach of the later "Quantumscape Technologies": in id order the
    # later name joins the earlier entity, where adding the earlier last would have made two
    first, later = _articles_in_id_order(tmp_path, ["Quantumscape Technologie supplies Globex.",
                                                    "Quantumscape Technologies supplies Hooli."])
    in_place, graph = _add_and_compare(tmp_path, [first, later], first)
    assert not in_place
    assert (_iri("Quantumscape Technologie"), KG.supplies, _iri("Hooli")) in load_graph(graph)


@pytest.mark.model
def test_an_article_that_changes_an_entitys_class_has_every_article_resolved_again(tmp_path, hand_made, monkeypatch):
    import kg.pipeline

    first, later = _articles_in_id_order(tmp_path, ["Zorblax supplies Globex.", "Globex supplies Hooli."])
    extract = kg.pipeline.extract_article

    def zorblax_a_product(article, *args, **kwargs):  # the first article says, with weight, that Globex is a product
        made = extract(article, *args, **kwargs)
        if "Zorblax" not in article.text:
            return made
        (globex, ev), = [(m, ev) for m, ev in made.mentions if m.text == "Globex"]
        more = tuple((replace(globex, label="Product", source="gazetteer"), ev) for _ in range(5))
        return replace(made, mentions=made.mentions + more)

    monkeypatch.setattr(kg.pipeline, "extract_article", zorblax_a_product)
    in_place, graph = _add_and_compare(tmp_path, [first, later], first)
    assert not in_place
    assert (entity_iri(Entity("", "Globex", "Product")), RDF.type, KG.Product) in load_graph(graph)


@pytest.mark.model
def test_an_article_that_names_what_others_only_described_adds_their_mentions_in_place(tmp_path, hand_made,
                                                                                          monkeypatch):
    import kg.pipeline

    first, later = _articles_in_id_order(tmp_path, ["Zorg Unit supplies Globex.", "Hooli supplies Initech."])
    extract = kg.pipeline.extract_article

    def described_later(article, *args, **kwargs):  # the later article speaks of "Zorg Unit" only as a description
        made = extract(article, *args, **kwargs)
        if "Hooli" not in article.text:
            return made
        described = Mention("Zorg Unit", "Organization", 0, 9, source="description")
        return replace(made, mentions=made.mentions + ((described, made.mentions[0][1]),))

    monkeypatch.setattr(kg.pipeline, "extract_article", described_later)
    in_place, graph = _add_and_compare(tmp_path, [first, later], first)
    assert in_place
    g = load_graph(graph)
    mentions = {str(g.value(node, KG.evidence)) for node in g.subjects(KG.denotes, _iri("Zorg Unit"))}
    assert len(mentions) == 2  # the later article's description too, now that the first names it
