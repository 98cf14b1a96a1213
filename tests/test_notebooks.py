"""Every notebook runs top to bottom, offline, in under a minute, and is
committed with its outputs cleared (so none can be stale)."""
import os
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_five_notebooks():
    assert [n.name for n in NOTEBOOKS] == ["01_quickstart.ipynb", "02_sparql.ipynb", "03_network_analysis.ipynb",
                                           "04_facts_and_conflicts.ipynb", "05_the_news.ipynb"]


def test_the_news_graph_they_read_holds_no_article_text():
    """notebooks/news.trig is shipped built: no sentence, headline or URL (whose slug may repeat a headline)."""
    from rdflib.namespace import RDF, SDO

    from kg.model import KG
    from kg.store import load_graph

    graph = load_graph(ROOT / "notebooks" / "news.trig")
    assert len(set(graph.subjects(RDF.type, KG.Article))) == 21  # the 16 of ../shared/news and the 5 articles
    assert len(set(graph.subjects(predicate=KG.start))) > 300  # every evidence keeps its offsets
    for prop in (KG.quote, SDO.headline, SDO.url):
        assert next(graph.triples((None, prop, None)), None) is None, prop


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name}: clear the outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path, monkeypatch):
    from nbclient import NotebookClient

    # the kernel is a new process: give it the worktree, in case kg is not pip-installed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("MPLBACKEND", "Agg")
    notebook = nbformat.read(path, as_version=4)
    started = time.monotonic()
    NotebookClient(notebook, timeout=60, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    assert time.monotonic() - started < 60
    errors = [out for cell in notebook.cells for out in cell.get("outputs", []) if out.output_type == "error"]
    assert errors == []
