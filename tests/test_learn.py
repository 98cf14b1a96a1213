"""The learned relation scorer: the model file, training (seeded and
reproducible) and its use in a build."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.extract.scorer import FEATURES_VERSION, Scorer, load_scorer

HELDOUT = Path(__file__).parent / "data" / "heldout"


def test_probability_and_round_trip(tmp_path):
    s = Scorer({"rule=a": 2.0, "rel=x": -0.5}, bias=-1.0, threshold=0.4, meta={"seed": 3})
    assert s.probability({"rule=a": 1.0}) > 0.7 > s.probability({"rule=b": 1.0})
    s.save(tmp_path / "m.json")
    again = load_scorer(tmp_path / "m.json")
    assert again == s


def test_a_file_of_another_feature_set_is_refused(tmp_path):
    (tmp_path / "old.json").write_text(json.dumps({"features": "kg.scorer.v0", "weights": {}, "bias": 0, "threshold": 0}))
    with pytest.raises(ValueError, match=f"this kg reads '{FEATURES_VERSION}'"):
        load_scorer(tmp_path / "old.json")
    (tmp_path / "junk.json").write_text("not json")
    with pytest.raises(ValueError, match="not a kg scorer model"):
        load_scorer(tmp_path / "junk.json")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from kg.extract.nlp import load_pipeline

    try:
        load_pipeline()
    except OSError as exc:
        (pytest.fail if os.environ.get("CI") else pytest.skip)(str(exc))
    out = tmp_path_factory.mktemp("scorer")
    runner = CliRunner()
    results = []
    for name in ("a.json", "b.json"):
        r = runner.invoke(cli, ["train", str(HELDOUT / "articles"), "--gold", str(HELDOUT / "gold"),
                                "--skip", "106_novo_lilly_obesity", "-o", str(out / name), "--seed", "7", "-q"])
        results.append(r)
    return out, results


@pytest.mark.model
@pytest.mark.issue(7)
def test_training_is_seeded_and_reproducible(trained):
    out, results = trained
    assert all(r.exit_code == 0 for r in results), results[0].output
    assert "5 articles" in results[0].output and "cross-validated relation F1" in results[0].output
    assert (out / "a.json").read_bytes() == (out / "b.json").read_bytes()
    model = load_scorer(out / "a.json")
    assert model.meta["seed"] == 7 and "106_novo_lilly_obesity" not in model.meta["articles"]
    assert 0.0 <= model.threshold <= 1.0 and model.weights


@pytest.mark.model
@pytest.mark.issue(7)
def test_a_build_uses_the_scorer(trained, tmp_path):
    out, _ = trained
    runner = CliRunner()
    r = runner.invoke(cli, ["build", str(HELDOUT / "articles" / "106_novo_lilly_obesity.txt"), "-o",
                            str(tmp_path / "g.trig"), "--scorer", str(out / "a.json"), "-q"])
    assert r.exit_code == 0, r.output
    bad = runner.invoke(cli, ["build", str(HELDOUT / "articles"), "-o", str(tmp_path / "h.trig"),
                              "--scorer", str(tmp_path / "g.trig"), "-q"])
    assert bad.exit_code != 0 and "not a kg scorer model" in bad.output


def test_train_needs_gold_that_names_an_article(tmp_path):
    (tmp_path / "gold").mkdir()
    r = CliRunner().invoke(cli, ["train", str(HELDOUT / "articles"), "--gold", str(tmp_path / "gold"),
                                 "-o", str(tmp_path / "m.json"), "-q"])
    assert r.exit_code != 0 and "nothing to train on" in r.output


def test_train_reports_an_unreadable_input_and_goes_on(tmp_path):
    """A bad JSON Lines line is reported by name, as in kg build (issue 8)."""
    (tmp_path / "gold").mkdir()
    (tmp_path / "bad.jsonl").write_text('{"id": "x1", "text": "Acme bought Globex."}\n{broken\n')
    r = CliRunner().invoke(cli, ["train", str(tmp_path / "bad.jsonl"), "--gold", str(tmp_path / "gold"),
                                 "-o", str(tmp_path / "m.json"), "-q"])
    assert "skipped" in r.output and "bad.jsonl:2" in r.output
    assert "Traceback" not in r.output and "nothing to train on" in r.output
