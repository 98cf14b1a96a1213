"""Each picture is produced and non-trivial; exports load back in networkx."""
import csv
import itertools
import json
import re
import subprocess
import sys

import matplotlib
import networkx as nx
import numpy as np
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


def test_many_sources_are_counted_not_named(tmp_path):
    """A big graph's picture says how many articles it comes from: their names could not be read."""
    many = nx.MultiDiGraph()
    many.add_nodes_from([("Big Co", {"cls": "Organization"}), ("Small Co", {"cls": "Organization"})])
    files = [f"a{i}.txt" for i in range(draw.NAMED_SOURCES + 1)]
    many.add_edge("Big Co", "Small Co", key="supplies", relation="supplies", sources=len(files), articles=files)
    svg = draw.draw_graph(many, tmp_path / "many.svg").read_text()
    assert f"Sources ({len(files)} articles). 2 entities" in svg and "a0.txt" not in svg
    many["Big Co"]["Small Co"]["supplies"]["articles"] = files[:-1]
    assert "a0.txt" in draw.draw_graph(many, tmp_path / "few.svg").read_text()


def test_focus_relation_and_bad_format(news, G, tmp_path):
    near = analyse.neighbourhood(G, "China Unicom", 1)
    assert draw.draw_graph(near, tmp_path / "focus.png").stat().st_size > 10_000
    only = analyse.project(news, relations=["supplies"])
    assert draw.draw_graph(only, tmp_path / "supplies.png").stat().st_size > 5_000
    with pytest.raises(ValueError, match="use one of"):
        draw.draw_graph(G, tmp_path / "g.gif")
    with pytest.raises(ValueError, match="nothing to draw"):
        draw.draw_graph(nx.MultiDiGraph(), tmp_path / "empty.png")


def _labels(fig) -> set[str]:
    """The entity labels drawn on a graph figure (every text on the axes but the note of what was left out)."""
    return {t.get_text() for t in fig.axes[0].texts if not t.get_text().startswith("showing ")}


def _notes(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("showing ")]


def test_a_graph_too_large_draws_its_most_connected_part_and_says_what_it_left_out(G):
    fig = draw.graph_figure(G, top=3)
    assert _labels(fig) == {"Big Co", "China Unicom", "Chip-1"}  # 6, 2 and 2 neighbours; the rest have 1 or 0
    assert _notes(fig) == ["showing 3 of 8 entities (the most connected); 5 left out"]
    assert fig.axes[0].get_title() == "Knowledge graph: 3 entities, 3 relations"
    whole = draw.graph_figure(G)  # 8 entities: under draw.TOP, nothing left out
    assert len(_labels(whole)) == 8 and _notes(whole) == []
    assert fig.axes[0].get_title() != whole.axes[0].get_title()


def test_titles_say_what_was_drawn(news, G):
    near = draw.graph_figure(analyse.neighbourhood(G, "China Unicom", 2, limit=4))
    assert near.axes[0].get_title() == "China Unicom within 2 hops: 4 entities, 4 relations"
    # the nearest first (China Unicom, Big Co, Chip-1), then the most connected of those two hops away
    assert _labels(near) == {"China Unicom", "Big Co", "Chip-1", "Apple"}
    assert _notes(near) == ["showing 4 of 7 entities (the nearest to China Unicom, then the most connected); "
                            "3 left out"]
    supplies = draw.graph_figure(analyse.project(news, relations=["supplies"]))
    assert supplies.axes[0].get_title() == "Relation supplies: 2 entities, 1 relation"
    community = draw.graph_figure(analyse.community(G, 2))
    assert community.axes[0].get_title() == "Community 2 of 3: 2 entities, 1 relation"
    assert draw.graph_figure(G, title="Mine").axes[0].get_title() == "Mine"


def test_relations_are_grouped_in_families_and_the_legend_names_each():
    colours = {family: colour for family, (colour, _) in draw.RELATION_FAMILIES.items()}
    assert len(set(colours.values())) == len(colours) == 6
    for family, (colour, members) in draw.RELATION_FAMILIES.items():
        assert {draw.RELATION_STYLES[r][0] for r in members} == {colour}, family
        assert len({draw.RELATION_STYLES[r][1] for r in members}) == len(members), family  # dashes tell them apart


def test_legend_lists_relations_under_their_family(G):
    fig = draw.graph_figure(G)
    classes, relations = fig.legends
    assert [t.get_text() for t in classes.get_texts()] == ["Organization", "Person", "Product", "Place"]
    assert [t.get_text() for t in relations.get_texts()] == [
        "ownership", "subsidiaryOf", "commerce", "supplies", "partnerOf", "people", "ceoOf",
        "products", "develops", "uses", "places", "headquarteredIn"]
    bold = [t.get_text() for t in relations.get_texts() if t.get_fontweight() == "bold"]
    assert bold == ["ownership", "commerce", "people", "products", "places"]
    lines = {t.get_text(): h for t, h in zip(relations.get_texts(), relations.legend_handles, strict=True)}
    assert lines["develops"].get_color() == lines["uses"].get_color() == draw.RELATION_FAMILIES["products"][0]
    assert lines["develops"].get_linestyle() != lines["uses"].get_linestyle()


def test_labels_of_a_crowded_picture_cover_no_other_label():
    """30 long names, 100 relations: each label finds a place of its own (adjustText's 120 rounds
    of pushing left four pairs over each other here)."""
    linked = nx.gnm_random_graph(30, 100, seed=3)
    crowded = nx.MultiDiGraph()
    crowded.add_nodes_from((f"Company {n} Holdings", {"cls": "Organization"}) for n in linked)
    crowded.add_edges_from((f"Company {u} Holdings", f"Company {v} Holdings", "supplies", {"relation": "supplies"})
                           for u, v in linked.edges())
    fig = draw.graph_figure(crowded)
    fig.canvas.draw()  # (a label's box takes its place when drawn)
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_bbox_patch().get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) == 30
    assert [(a.bounds, b.bounds) for a, b in itertools.combinations(boxes, 2) if a.overlaps(b)] == []


def _kamada_kawai_energy(U: nx.Graph, pos: dict) -> float:
    """Kamada and Kawai's energy of a layout of ``U`` at its best scale: the squared differences of
    distance and path length, over the squared lengths."""
    nodes = list(U)
    hops = dict(nx.all_pairs_shortest_path_length(U))
    lengths = np.array([[hops[a][b] for b in nodes] for a in nodes], dtype=float)
    weights = np.divide(1, lengths ** 2, out=np.zeros_like(lengths), where=lengths > 0)
    at = np.array([pos[n] for n in nodes])
    apart = np.linalg.norm(at[:, None] - at[None], axis=2)
    scale = (weights * apart * lengths).sum() / (weights * apart ** 2).sum()
    return float((weights * (scale * apart - lengths) ** 2).sum() / 2)


@pytest.mark.parametrize("U", [nx.gnm_random_graph(30, 60, seed=1), nx.balanced_tree(2, 3), nx.path_graph(2)])
def test_the_layout_is_at_the_minimum_networkx_kamada_kawai_finds(U):
    start = nx.spring_layout(U, seed=42)
    found = draw._path_length_layout(U, start, scale=2.0)
    assert max(np.abs(xy).max() for xy in found.values()) == pytest.approx(2.0)  # rescaled as networkx does
    best = _kamada_kawai_energy(U, nx.kamada_kawai_layout(U, pos=start))
    assert _kamada_kawai_energy(U, found) <= best * 1.001 + 1e-9


def test_a_picture_imports_no_scipy(tmp_path):
    """Importing scipy's optimiser (for networkx's Kamada-Kawai layout) took longer than drawing."""
    code = ("import sys\nfrom kg import analyse, draw\n"
            "draw.draw_graph(analyse.project(analyse.example_graph()), sys.argv[1])\n"
            "print(sorted(m for m in ('scipy', 'adjustText') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "g.png")], capture_output=True, text=True,
                            check=True)
    assert result.stdout.strip() == "[]"


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


def test_html_has_a_search_box_readable_labels_and_tooltips_inside_the_view(G, tmp_path):
    html = draw.write_html(G, tmp_path / "g.html").read_text()
    assert re.search(r'<input id="search" type="search" list="names"', html)
    assert 'document.getElementById("search").addEventListener("change"' in html and "network.focus(id" in html
    # labels: white halo, and a font size that keeps LABEL_PIXELS on screen at every zoom
    assert draw.LABEL_PIXELS >= 12 and f"const LABEL_PIXELS = {draw.LABEL_PIXELS};" in html
    assert "strokeWidth: 4" in html and "Math.round(LABEL_PIXELS / network.getScale())" in html
    assert 'network.on("zoom", readableLabels)' in html
    assert re.search(r"\.vis-tooltip \{[^}]*max-height: 60vh", html)
    data = json.loads(re.search(r"const DATA = (.*);\n", html).group(1))
    supplies = next(e for e in data["edges"] if e["relation"] == "supplies")
    colour = draw.RELATION_STYLES["supplies"][0]
    assert supplies["color"] == {"color": colour, "highlight": colour, "hover": colour}
    assert [r[0] for r in data["relations"]][:3] == ["subsidiaryOf", "supplies", "partnerOf"]  # by family
    assert data["core"] == ["Apple", "Big Cloud", "Big Co", "China", "China Unicom", "Chip-1", "Pat Boss"]
    assert "<h3>Knowledge graph: 8 entities, 7 relations</h3>" in html


@pytest.mark.parametrize("name", ["g.graphml", "g.gexf"])
def test_graphml_and_gexf_load_back(G, tmp_path, name):
    (out,) = draw.export(G, tmp_path / name)
    back = nx.read_graphml(out) if name.endswith("graphml") else nx.read_gexf(out)
    assert back.number_of_nodes() == G.number_of_nodes()
    assert back.number_of_edges() == G.number_of_edges()
    assert back.nodes["Big Co"]["cls"] == "Organization"


def _odd_graph() -> nx.MultiDiGraph:
    """Values GraphML must escape, a type that changes from one edge to another, a node with no attribute."""
    odd = nx.MultiDiGraph()
    odd.add_node('A & B <"co">', label='A & B <"co">', cls="Organization", aliases=["it's", "tab\there", "a\rb"])
    odd.add_node("ümlaut \U0001F600", label="line\nbreak > ]]>", cls="Person", aliases=[], wikidata="")
    odd.add_node("bare")
    odd.add_edge('A & B <"co">', "ümlaut \U0001F600", key="supplies", relation="supplies", symmetric=False, sources=2,
                 articles=["a 1.txt", "b&c.txt"], confidence=0.75)
    odd.add_edge("ümlaut \U0001F600", "bare", key='odd "key"\t', relation="uses", symmetric=True, sources=0,
                 articles=[], confidence=None, evidence=["e1", "e2"])
    return odd


def _mixed_graph() -> nx.MultiDiGraph:
    """Elements whose attributes differ in names, order and types, interleaved: keys first met in turn."""
    mixed = nx.MultiDiGraph()
    mixed.add_node("a", x=1, y="one")
    mixed.add_node("b", y=["two", "2"], x=2.5)
    mixed.add_node("c", x="three")
    mixed.add_node("d", x=4, y=None, z=True)
    mixed.add_edge("a", "b", key="k", w=1.0)
    mixed.add_edge("b", "c", key="k", v="x", w=None)
    mixed.add_edge("c", "d", key="k", w=2.0, v=["y"])
    return mixed


@pytest.mark.parametrize("graph", ["news", "odd", "mixed", "empty"])
def test_graphml_is_written_as_networkx_writes_it(G, tmp_path, graph):
    """GraphML is written from the rows, without networkx's writer: the bytes networkx writes (with lxml)
    of the same graph, its attributes flat."""
    H = {"news": G, "odd": _odd_graph(), "mixed": _mixed_graph(), "empty": nx.MultiDiGraph()}[graph]
    (out,) = draw.export(H, tmp_path / "g.graphml")
    nx.write_graphml(draw._flat_graph(H.nodes(data=True), H.edges(keys=True, data=True)), tmp_path / "nx.graphml")
    assert out.read_bytes() == (tmp_path / "nx.graphml").read_bytes()


def test_graphml_refuses_what_xml_cannot_hold(tmp_path):
    """A character XML 1.0 has no place for (a control character) is refused, as lxml refuses it."""
    bad = nx.MultiDiGraph()
    bad.add_node("bell\x07", label="bell\x07")
    with pytest.raises(ValueError, match="cannot write"):
        draw.export(bad, tmp_path / "g.graphml")
    with pytest.raises(ValueError, match="XML compatible"):
        nx.write_graphml(bad, tmp_path / "nx.graphml")


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
