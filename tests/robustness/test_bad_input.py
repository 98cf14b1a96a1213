"""Bad input never ends a build (issue 8, items 2-5): each case is reported by
name with a reason, and what else was given is still read. Every text here is
invented; nothing loads a trained spaCy pipeline."""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

from kg.extract.facts import period_phrases
from kg.extract.nlp import blank_pipeline
from kg.ingest import DuplicateArticle, IngestError, article_from_text, read_articles, read_path
from kg.model import KG

pytestmark = pytest.mark.issue(8)

GOOD = "Zorvex Robotics opened a plant in Ohio. Its revenue rose 12% in 2025.\n"


def read_all(*paths, **kw):
    """(articles, errors) of read_articles with errors collected."""
    errors: list[IngestError] = []
    articles = list(read_articles(paths, on_error=errors.append, **kw))
    return articles, errors


# ---------------------------------------------------------------- 2. dates

def test_impossible_date_in_the_text_is_no_date():
    a = article_from_text("Zorvex Opens A Plant\nFebruary 30, 2025\n" + GOOD, "a.txt")
    assert a.published is None
    b = article_from_text("Zorvex Opens A Plant\nFebruary 30, 2025, updated March 2, 2025\n" + GOOD, "b.txt")
    assert b.published == "2025-03-02"


def test_period_phrases_pass_over_impossible_dates():
    assert period_phrases("Zorvex said on February 30, 2025 that sales rose", 2025) == []
    # an impossible publication date gives no weekday to count back from, and raises nothing
    assert period_phrases("Zorvex said on Tuesday that sales rose", 2025, "2025-02-30") == []
    assert [p for *_, p in period_phrases("on Tuesday", 2025, "2025-08-06")] == ["2025-08-05"]


@pytest.mark.parametrize("date, reason", [
    ("2025-02-30", "is no calendar date"),
    ("2025-13", "is no calendar date"),
    (20250301, "is not a string"),
    (["2025-03-01"], "is not a string"),
])
def test_jsonl_bad_date_is_that_lines_error(tmp_path, date, reason):
    p = tmp_path / "wire.jsonl"
    p.write_text("\n".join(json.dumps(row) for row in (
        {"text": "Zorvex Robotics grew.", "date": "2025-03-01"},
        {"text": "Quillon Labs grew.", "date": date},
        {"text": "Marrow Foods grew.", "date": "2025-03"},
    )), encoding="utf-8")
    errors = []
    arts = read_path(p, on_error=errors.append)
    assert [(a.source, a.published) for a in arts] == [(f"{p}:1", "2025-03-01"), (f"{p}:3", "2025-03")]
    (err,) = errors
    assert err.path == f"{p}:2" and '"date"' in err.reason and reason in err.reason


# ---------------------------------------------------------------- 3. size

def test_article_over_the_size_limit_is_reported_and_skipped(tmp_path):
    (tmp_path / "long.txt").write_text("Zorvex grew. " * 100, encoding="utf-8")  # 1,300 characters
    (tmp_path / "short.txt").write_text(GOOD, encoding="utf-8")
    arts, errors = read_all(tmp_path, max_chars=1000)
    assert [Path(a.source).name for a in arts] == ["short.txt"]
    (err,) = errors
    assert err.path == str(tmp_path / "long.txt")
    assert err.reason == "is 1,300 characters long; the limit for one article is 1,000"


def test_file_far_over_the_limit_is_not_read(tmp_path, monkeypatch):
    p = tmp_path / "huge.md"
    p.write_text("x" * 4001, encoding="utf-8")
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail("read a file over 4 bytes a character"))
    with pytest.raises(IngestError, match="is 4,001 bytes long; the limit for one article is 1,000 characters"):
        read_path(p, max_chars=1000)


def test_jsonl_line_over_the_limit_is_that_lines_error(tmp_path):
    p = tmp_path / "wire.jsonl"
    p.write_text(json.dumps({"text": "Zorvex grew. " * 100}) + "\n" + json.dumps({"text": GOOD}) + "\n", encoding="utf-8")
    arts, errors = read_all(p, max_chars=1000)
    assert [a.source for a in arts] == [f"{p}:2"]
    assert [e.path for e in errors] == [f"{p}:1"] and "characters long" in errors[0].reason


# ---------------------------------------------------------------- 4. JSON Lines

def test_jsonl_broken_and_textless_lines_keep_the_others(tmp_path):
    p = tmp_path / "wire.jsonl"
    lines = [json.dumps({"text": "Zorvex Robotics grew.", "title": "Zorvex"}), "{not json", '{"title": "no text"}',
             '["a list"]', "", json.dumps({"text": "   "}), json.dumps({"text": "Quillon Labs grew.", "title": 7}),
             json.dumps({"text": "Marrow Foods grew.", "url": "https://news.example.com/marrow"})]
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    arts, errors = read_all(p)
    assert [a.source for a in arts] == [f"{p}:1", f"{p}:8"]
    assert [(e.path, e.reason) for e in errors] == [
        (f"{p}:2", "is not valid JSON (Expecting property name enclosed in double quotes)"),
        (f"{p}:3", 'has no "text" field'),
        (f"{p}:4", 'has no "text" field'),
        (f"{p}:6", "no text (the file is empty or blank)"),
        (f"{p}:7", 'has a "title" 7 that is not a string of text'),
    ]


def test_jsonl_without_on_error_raises_at_the_bad_line(tmp_path):
    p = tmp_path / "wire.jsonl"
    p.write_text(json.dumps({"text": "Zorvex grew."}) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(IngestError, match=f"{p}:2: is not valid JSON"):
        list(read_articles([p]))


def test_unexpected_failure_on_one_line_is_that_lines_error(tmp_path, monkeypatch):
    import kg.ingest

    real = kg.ingest.clean_text

    def fragile(text, **kw):
        if "Quillon" in text:
            raise RecursionError("maximum recursion depth exceeded")
        return real(text, **kw)

    monkeypatch.setattr(kg.ingest, "clean_text", fragile)
    p = tmp_path / "wire.jsonl"
    p.write_text("\n".join(json.dumps({"text": t}) for t in ("Zorvex grew.", "Quillon grew.", "Marrow grew.")), encoding="utf-8")
    (tmp_path / "q.txt").write_text("Quillon Labs opened an office.", encoding="utf-8")
    arts, errors = read_all(tmp_path)
    assert [a.source for a in arts] == [f"{p}:1", f"{p}:3"]
    assert [(e.path, e.reason) for e in errors] == [
        (str(tmp_path / "q.txt"), "could not be read (RecursionError: maximum recursion depth exceeded)"),
        (f"{p}:2", "could not be read (RecursionError: maximum recursion depth exceeded)"),
    ]


# ---------------------------------------------------------------- 5. files

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_text_with_a_byte_order_mark_is_decoded(tmp_path, encoding):
    text = "Zorvex Robotics opened a plant in Zürich — its first in Europe.\n"
    data = text.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # these codecs write no mark: add it
        data = "\ufeff".encode(encoding) + data
    p = tmp_path / "bom.txt"
    p.write_bytes(data)
    (a,) = read_path(p)
    assert a.text == text


def test_utf16_without_a_mark_is_reported_as_binary(tmp_path):
    p = tmp_path / "nomark.txt"
    p.write_bytes(GOOD.encode("utf-16-le"))
    with pytest.raises(IngestError, match="looks binary"):
        read_path(p)


def test_nul_in_a_jsonl_text_is_that_lines_error(tmp_path):
    p = tmp_path / "wire.jsonl"
    p.write_text("\n".join(json.dumps(row) for row in ({"text": "Zorvex\u0000 grew."}, {"text": GOOD}, {"text": "Marrow grew.", "title": "M\u0000"})), encoding="utf-8")
    arts, errors = read_all(p)
    assert [a.source for a in arts] == [f"{p}:2"]
    assert [(e.path, e.reason) for e in errors] == [
        (f"{p}:1", "looks binary (a NUL character at offset 6), not text"),
        (f"{p}:3", "has a \"title\" 'M\\x00' that is not a string of text")]


def test_nul_after_the_first_8_kib_is_rejected(tmp_path):
    p = tmp_path / "late-nul.txt"
    p.write_bytes(GOOD.encode() * 200 + b"\x00 tail")  # the NUL at byte 14,000
    with pytest.raises(IngestError, match=r"looks binary \(a NUL character at offset 14000\)"):
        read_path(p)


@pytest.fixture
def no_hang():
    """Fail, rather than hang, a test that would wait for ever."""
    def timeout(signum, frame):
        raise TimeoutError("reading waited for ever")
    old = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_is_reported_and_never_opened(tmp_path, no_hang):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    arts, errors = read_all(tmp_path)
    assert [Path(a.source).name for a in arts] == ["ok.txt"]
    assert [(Path(e.path).name, e.reason) for e in errors] == [("pipe.txt", "is a FIFO (named pipe), not a regular file")]


def test_fifo_named_on_the_command_line_is_reported(tmp_path, no_hang):
    os.mkfifo(tmp_path / "pipe.jsonl")
    with pytest.raises(IngestError, match="pipe.jsonl: is a FIFO"):
        read_path(tmp_path / "pipe.jsonl")


def test_symlink_loop_is_reported_not_skipped(tmp_path):
    (tmp_path / "a.txt").symlink_to(tmp_path / "b.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    (tmp_path / "gone.md").symlink_to(tmp_path / "missing.md")
    (tmp_path / "ok.txt").write_text(GOOD, encoding="utf-8")
    arts, errors = read_all(tmp_path)
    assert [Path(a.source).name for a in arts] == ["ok.txt"]
    assert [(Path(e.path).name, e.reason) for e in errors] == [
        ("a.txt", "is a loop of symbolic links"), ("b.txt", "is a loop of symbolic links"),
        ("gone.md", "is a symbolic link to nothing")]


def test_duplicate_is_reported_as_a_duplicate(tmp_path):
    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps({"text": GOOD}) + "\n", encoding="utf-8")
    arts, errors = read_all(tmp_path)
    assert [Path(a.source).name for a in arts] == ["a.txt"]
    assert all(isinstance(e, DuplicateArticle) for e in errors)
    assert [(Path(e.path).name, e.reason) for e in errors] == [
        ("b.md", f"is a duplicate of {tmp_path / 'a.txt'} (same text or URL); read once"),
        ("c.jsonl:1", f"is a duplicate of {tmp_path / 'a.txt'} (same text or URL); read once")]


# ---------------------------------------------------------------- the build

def fake_extraction(article, nlp, gazetteer, names, scorer, doc=None):
    if "Quillon" in article.text:
        raise ValueError("[E088] Text of length 2000001 exceeds maximum")
    from kg.extract.base import Extraction

    return Extraction(article, (), (), ())


@pytest.fixture
def no_model(monkeypatch):
    """build_graph with the blank pipeline and an extractor that fails on one article."""
    import kg.pipeline

    monkeypatch.setattr(kg.pipeline, "load_pipeline", lambda model=None: blank_pipeline())
    monkeypatch.setattr(kg.pipeline, "extract_article", fake_extraction)


def test_extraction_failure_is_that_articles_error(tmp_path, no_model):
    from kg.pipeline import ExtractionError, build_graph

    for name, text in (("a.txt", GOOD), ("b.txt", "Quillon Labs grew."), ("c.txt", "Marrow Foods grew.")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "d.txt").write_text(GOOD, encoding="utf-8")
    reported = []
    result = build_graph([tmp_path], on_error=reported.append)
    stats = result.stats
    assert stats.articles == 2
    (err,) = stats.errors
    assert isinstance(err, ExtractionError) and err.path == str(tmp_path / "b.txt")
    assert err.reason == "failed in extraction (ValueError: [E088] Text of length 2000001 exceeds maximum)"
    assert [type(d) for d in stats.duplicates] == [DuplicateArticle]
    assert reported == [*stats.duplicates, err]
    assert stats.summary().endswith(", 1 skipped, 1 duplicate read once")
    files = {str(o) for o in result.graph.objects(None, KG.fileName)}
    assert files == {"a.txt", "c.txt"}


def test_strict_stops_at_a_failure_but_not_at_a_duplicate(tmp_path, no_model):
    from kg.pipeline import ExtractionError, build_graph

    (tmp_path / "a.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.txt").write_text(GOOD, encoding="utf-8")
    assert build_graph([tmp_path], strict=True).stats.articles == 1
    (tmp_path / "c.txt").write_text("Quillon Labs grew.", encoding="utf-8")
    with pytest.raises(ExtractionError, match="c.txt: failed in extraction"):
        build_graph([tmp_path], strict=True)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_text_the_parser_fails_on_spoils_only_its_own_article(tmp_path, monkeypatch, jobs):
    """nlp.pipe parses four articles at once; when one text makes it raise,
    each of the four is parsed alone, and only that one is left out."""
    import kg.pipeline
    from spacy.language import Language

    @Language.component("kg_test_fails_on_quillon")
    def fails_on_quillon(doc):
        if "Quillon" in doc.text:
            raise ValueError("cannot parse Quillon")
        return doc

    def pipeline(model=None):
        nlp = blank_pipeline()
        nlp.add_pipe("kg_test_fails_on_quillon")
        return nlp

    monkeypatch.setattr(kg.pipeline, "load_pipeline", pipeline)  # the workers are forked: they have it too
    for n in range(6):  # two batches: one process each at -j 2
        text = "Quillon Labs grew." if n == 2 else f"Zorvex Robotics opened plant number {n} in Ohio.\n"
        (tmp_path / f"{n}.txt").write_text(text, encoding="utf-8")
    stats = kg.pipeline.build_graph([tmp_path], jobs=jobs).stats
    assert stats.articles == 5
    (err,) = stats.errors
    assert (err.path, err.reason) == (str(tmp_path / "2.txt"), "failed in extraction (ValueError: cannot parse Quillon)")
