"""Each picture is produced and non-trivial; exports load back in networkx."""
import csv
import re

import matplotlib
import networkx as nx
import pytest
from analyse_graphs import news_graph

from kg import analyse, draw

matplotlib.use("Agg")


def _pixels_of(png, hex_colour: str) -> int:
    import matplotlib.image as mpimg
    import numpy as np

    image = mpimg.imread(png)[:, :, :3]
    rgb = np.array(matplotlib.colors.to_rgb(hex_colour))
    return int((np.abs(image - rgb).max(axis=2) < 0.02).sum())


def test_png_has_size_and_class_colours(G, tmp_path):
    import matplotlib.image as mpimg

    out = draw.draw_graph(G, tmp_path / "g.png", title="test graph")
    height, width = mpimg.imread(out).shape[:2]
    assert width >= 700 and height >= 500
    for cls in ("Organization", "Person", "Product", "Place"):
        assert _pixels_of(out, draw.CLASS_COLOURS[cls]) > 30, cls


def test_svg_and_pdf(G, tmp_path):
    svg = draw.draw_graph(G, tmp_path / "g.svg").read_text()
    assert "<svg" in svg and "Big Co" in svg and "partnerOf" in svg
    assert draw.CLASS_COLOURS["Organization"] in svg
    assert "Sources (3 articles): a1.txt, a2.txt, a3.txt" in svg
    assert draw.draw_graph(G, tmp_path / "g.pdf").read_bytes().startswith(b"%PDF")


def test_focus_relation_and_bad_format(news, G, tmp_path):
    near = analyse.neighbourhood(G, "China Unicom", 1)
    assert draw.draw_graph(near, tmp_path / "focus.png").stat().st_size > 10_000
    only = analyse.project(news, relations=["supplies"])
    assert draw.draw_graph(only, tmp_path / "supplies.png").stat().st_size > 5_000
    with pytest.raises(ValueError, match="use one of"):
        draw.draw_graph(G, tmp_path / "g.gif")
    with pytest.raises(ValueError, match="nothing to draw"):
        draw.draw_graph(nx.MultiDiGraph(), tmp_path / "empty.png")


def test_timeline_marks_disagreement(news, tmp_path):
    out = draw.draw_timeline(news, "Big Co", tmp_path / "t.png")
    assert _pixels_of(out, "red") > 30  # the 70% / 84% share-price pair
    calm = draw.draw_timeline(news, "Big Cloud", tmp_path / "calm.png")
    assert _pixels_of(calm, "red") == 0  # 26% and 34% are different periods; CNY/USD is a conversion
    with pytest.raises(ValueError, match="no measured facts"):
        draw.draw_timeline(news, "Apple", tmp_path / "none.png")


def test_html_is_self_contained_with_evidence_and_filters(G, tmp_path):
    html = draw.write_html(G, tmp_path / "g.html").read_text()
    assert re.findall(r"""<(?:script|link|img)[^>]*(?:src|href)=["']?https?:""", html) == []
    assert "new vis.Network" in html and len(html) > 400_000  # vis-network is inlined
    assert "Apple teams up with Big." in html
    assert draw.CLASS_COLOURS["Person"] in html
    assert 'boxes("relations"' in html and 'boxes("classes"' in html


@pytest.mark.parametrize("name", ["g.graphml", "g.gexf"])
def test_graphml_and_gexf_load_back(G, tmp_path, name):
    (out,) = draw.export(G, tmp_path / name)
    back = nx.read_graphml(out) if name.endswith("graphml") else nx.read_gexf(out)
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()
    assert back.nodes["Big Co"]["cls"] == "Organization"


def test_csv_export(G, tmp_path):
    nodes, edges = draw.export(G, tmp_path / "csv")
    node_rows = list(csv.DictReader(nodes.open()))
    edge_rows = list(csv.DictReader(edges.open()))
    assert len(node_rows) == 8 and len(edge_rows) == 7
    partner = next(r for r in edge_rows if r["relation"] == "partnerOf")
    assert partner["articles"] == "a1.txt|a2.txt" and partner["sources"] == "2"


def test_same_graph_gives_same_svg_whatever_the_hash_seed(tmp_path):
    """Set order changes with PYTHONHASHSEED; layout, communities and labels must not."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from kg.store import save_graph

    graph = save_graph(news_graph(), tmp_path / "news.ttl")
    root = Path(__file__).resolve().parents[1]
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"g{seed}.svg"
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(root)}
        subprocess.run([sys.executable, "-m", "kg", "draw", str(graph), "-o", str(out)], check=True, env=env, cwd=root,
                       capture_output=True)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
