"""Score floors on real news (issue 7), measured by `kg eval` on the whole
graph of each set, every gold row counted.

- the check half of ../shared/news (tests/data/splits.toml): never tuned on,
  so its score is the honest estimate for news kg has never seen;
- the tune half, whose texts and errors the rules were developed on;
- the five articles with an empty entity catalogue: what the rules find
  without knowing any name in advance;
- the ten rounds of invented development articles in tests/data/invented
  (round 10's errors not read: a second honest estimate).

The floors sit a little under the scores measured when they were set. The
check half reaches the issue's goals for relations (0.45) and facts (0.50:
its floor is the goal, which it meets exactly, 17 facts found of 41 with 10
wrong); its floor for entities is below the goal (0.88), not reached yet.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.evaluate import evaluate, read_gold, read_records, select_gold
from kg.store import load_graph

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEWS = SHARED / "news"
SPLITS = ROOT / "tests" / "data" / "splits.toml"

pytestmark = [pytest.mark.model, pytest.mark.issue(7)]


def _build(tmp_path_factory, sources, *extra):
    from kg.extract.nlp import load_pipeline

    try:
        load_pipeline()
    except OSError as exc:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(str(exc))
    if not all(Path(s).exists() for s in sources):
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"no {sources}")
    out = tmp_path_factory.mktemp("news") / "g.trig"
    run = subprocess.run([sys.executable, "-m", "kg", "build", *map(str, sources), "-o", str(out), "-q", *extra],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    return read_records(load_graph(out))


@pytest.fixture(scope="module")
def news(tmp_path_factory):
    return _build(tmp_path_factory, [NEWS / "news.jsonl"])


def score(records, gold_dir, only=None):
    paths = sorted(Path(gold_dir).glob("*.tsv"))
    if only:
        paths = select_gold(paths, only)
    return evaluate(records, [read_gold(p) for p in paths])


def test_the_split_keeps_two_articles_of_each_sector_in_each_half():
    import tomllib

    halves = tomllib.loads(SPLITS.read_text(encoding="utf-8"))
    assert not set(halves["tune"]) & set(halves["check"])
    for half in ("tune", "check"):
        assert sorted(x[0] for x in halves[half]) == ["a", "a", "b", "b", "c", "c", "d", "d"]


def test_check_half_floors(news):
    result = score(news, NEWS / "gold", f"{SPLITS}:check")
    # only the aggregate numbers: a failing assertion must not print the check half's errors
    articles, entities, relations, facts = (result.articles, result.entities.f1, result.relations.f1,
                                            result.facts_lenient.f1)
    assert articles == 8
    assert entities >= 0.81
    assert relations >= 0.55
    assert facts >= 0.50


def test_tune_half_floors(news):
    result = score(news, NEWS / "gold", f"{SPLITS}:tune")
    assert result.entities.f1 >= 0.91
    assert result.relations.f1 >= 0.62
    assert result.facts_lenient.f1 >= 0.68


def test_five_articles_with_an_empty_catalogue(tmp_path_factory):
    empty = tmp_path_factory.mktemp("catalogue") / "empty.ttl"
    empty.write_text("@prefix kg: <https://w3id.org/kg-news/ontology#> .\n", encoding="utf-8")
    result = score(_build(tmp_path_factory, [SHARED / "articles"], "--catalogue", str(empty)), SHARED / "gold")
    assert result.entities.f1 >= 0.83
    assert result.relations.f1 >= 0.63
    assert result.facts_lenient.f1 >= 0.77


@pytest.mark.parametrize("round_, floors", [("round1", (0.91, 0.69, 0.85)), ("round2", (0.86, 0.66, 0.76)),
                                           ("round3", (0.90, 0.64, 0.84)), ("round4", (0.93, 0.66, 0.75)),
                                           ("round5", (0.89, 0.58, 0.72)), ("round6", (0.91, 0.60, 0.59)),
                                           ("round7", (0.87, 0.56, 0.68)), ("round8", (0.90, 0.59, 0.59)),
                                           ("round9", (0.86, 0.52, 0.65)),
                                           ("round10", (0.86, 0.48, 0.57))])
def test_invented_development_rounds(tmp_path_factory, round_, floors):
    folder = ROOT / "tests" / "data" / "invented" / round_
    result = score(_build(tmp_path_factory, [folder / "articles"]), folder / "gold")
    assert result.articles == 10
    scores = (result.entities.f1, result.relations.f1, result.facts_lenient.f1)
    assert all(got >= floor for got, floor in zip(scores, floors)), scores
