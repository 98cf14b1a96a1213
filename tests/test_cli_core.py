"""The kg command line, for the commands that need no spaCy model."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def run():
    def invoke(*args: str):
        return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return invoke


def test_help_lists_commands(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in ("build", "eval", "validate", "extractors"):
        assert f"  {command}" in result.output


@pytest.mark.parametrize("command", ["build", "eval", "validate", "extractors"])
def test_each_command_has_help(run, command):
    result = run(command, "--help")
    assert result.exit_code == 0
    assert f"Usage: cli {command}" in result.output or f"Usage: kg {command}" in result.output


def test_python_dash_m_kg():
    proc = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stderr
    assert "validate" in proc.stdout


def test_extractors(run):
    result = run("extractors")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "kg.rules.v1  (default)" in lines
    assert "kg.facts.v1  (default)" in lines


def test_validate_valid(run, examples_dir):
    result = run("validate", examples_dir / "valid.ttl")
    assert result.exit_code == 0
    assert result.output.startswith("conforms")


def test_validate_invalid(run, examples_dir):
    result = run("validate", examples_dir / "invalid.ttl")
    assert result.exit_code == 1
    assert "does not conform: 4 violation(s)" in result.output
    assert "[ceoOfShape]" in result.output


def test_validate_missing_file(run, tmp_path):
    result = run("validate", tmp_path / "nope.ttl")
    assert result.exit_code == 2
    assert "nope.ttl" in result.output


def test_validate_garbage_file(run, tmp_path):
    bad = tmp_path / "garbage.ttl"
    bad.write_text("this is { not turtle <<<\n")
    result = run("validate", bad)
    assert result.exit_code == 2
    assert "cannot parse" in result.output and "garbage.ttl" in result.output


def test_validate_unknown_extension(run, tmp_path):
    bad = tmp_path / "graph.xyz"
    bad.write_text("whatever")
    result = run("validate", bad)
    assert result.exit_code == 2
    assert ".trig" in result.output


def test_eval_prints_scores(run, data_dir, examples_dir):
    result = run("eval", "--gold", data_dir / "gold", examples_dir / "valid.ttl")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "1 articles"
    assert lines[1].split() == ["precision", "recall", "F1", "tp", "fp", "fn"]
    rows = {line[:22].strip(): line[22:].split() for line in lines[2:] if line[:22].strip()}
    assert rows["entities"] == ["0.875", "0.875", "0.875", "7", "1", "1"]
    assert rows["relations"] == ["0.857", "0.857", "0.857", "6", "1", "1"]
    assert rows["facts (lenient)"] == ["1.000", "1.000", "1.000", "3", "0", "0"]
    assert rows["facts (strict)"] == ["0.667", "0.667", "0.667", "2", "1", "1"]
    assert "example-1 relation Acme Corp headquarteredIn Springfield" in " ".join(result.output.split())


def test_eval_json(run, data_dir, examples_dir):
    result = run("eval", "--gold", data_dir / "gold", examples_dir / "valid.ttl", "--json")
    assert result.exit_code == 0
    scores = json.loads(result.output)
    assert scores["articles"] == 1
    assert scores["entities"] == {"precision": 0.875, "recall": 0.875, "f1": 0.875, "tp": 7, "fp": 1, "fn": 1}
    assert scores["per_relation"]["ceoOf"]["tp"] == 1


def test_eval_drop_ambiguous(run, data_dir, tmp_path, make_entity, make_evidence):
    from kg.model import to_graph
    from kg.schema import Article, Statement
    from kg.store import save_graph


    art = Article(id="t1", text="", source="acme-news.txt")
    acme, widget = make_entity("Acme Corp", "Organization", "Acme"), make_entity("Widget-7", "Product")
    ev = make_evidence("t1", 0, "Acme showed the Widget-7.")
    graph = save_graph(to_graph([art], [acme, widget], statements=[Statement(acme, "develops", widget, (ev,))]),
                       tmp_path / "g.nt")
    keep = json.loads(run("eval", "--gold", data_dir / "gold-cases", graph, "--json").output)
    drop = json.loads(run("eval", "--gold", data_dir / "gold-cases", graph, "--json", "--drop-ambiguous").output)
    assert (keep["relations"]["tp"], keep["relations"]["fn"]) == (1, 3)
    assert (drop["relations"]["tp"], drop["relations"]["fn"]) == (0, 2)


def test_eval_needs_gold_files(run, tmp_path, examples_dir):
    result = run("eval", "--gold", tmp_path, examples_dir / "valid.ttl")
    assert result.exit_code == 1
    assert "no .tsv gold files" in result.output


def test_eval_missing_graph(run, data_dir, tmp_path):
    result = run("eval", "--gold", data_dir / "gold", tmp_path / "none.trig")
    assert result.exit_code == 1
    assert "no graph at" in result.output and "none.trig" in result.output


def test_build_missing_source(run, tmp_path):
    result = run("build", "missing/dir", "-o", tmp_path / "out.trig")
    assert result.exit_code == 2
    assert "missing/dir" in result.output and "does not exist" in result.output
    assert not (tmp_path / "out.trig").exists()


def test_build_bad_output_extension(run, data_dir, tmp_path):
    result = run("build", data_dir / "articles", "-o", tmp_path / "out.xyz")
    assert result.exit_code == 2
    assert "out.xyz" in result.output
    for ext in (".trig", ".ttl", ".nt", ".jsonld"):
        assert ext in result.output
    assert not (tmp_path / "out.xyz").exists()


def test_build_needs_a_source(run):
    result = run("build")
    assert result.exit_code == 2
    assert "SOURCES" in result.output


def test_validate_defaults_to_shipped_graph(run):
    result = run("validate")
    assert result.exit_code == 0
    assert result.output.startswith("conforms")
