"""Pictures of the graph: static figures (PNG, SVG, PDF) with matplotlib, a
timeline of an entity's facts, a self-contained interactive HTML view, and
exports for other tools (GraphML, GEXF, CSV).

Every function takes what :mod:`kg.analyse` returns (a projected
``MultiDiGraph``, or for facts the graph itself: an rdflib Graph or a
:class:`kg.store.GraphStore`) and writes one file.
matplotlib and pyvis are imported inside the functions that need them, so
importing :mod:`kg.draw` stays cheap.

>>> from kg.analyse import example_graph, project
>>> import tempfile, pathlib
>>> out = pathlib.Path(tempfile.mkdtemp()) / "example.png"
>>> draw_graph(project(example_graph()), out).stat().st_size > 10_000
True
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
import textwrap
from collections import Counter, defaultdict
from collections.abc import Collection
from datetime import date, timedelta
from importlib.resources import files
from pathlib import Path
from xml.sax.saxutils import escape

import networkx as nx

from . import analyse
from .schema import CLASSES, RELATIONS

__all__ = [
    "CLASS_COLOURS",
    "RELATION_FAMILIES",
    "RELATION_STYLES",
    "FAMILY_OF",
    "describe",
    "graph_figure",
    "FIGURE_FORMATS",
    "EXPORT_FORMATS",
    "TOP",
    "NAMED_SOURCES",
    "LABEL_PIXELS",
    "draw_graph",
    "draw_timeline",
    "write_html",
    "export",
    "export_rows",
]

#: One colour per entity class, shared by the static and the HTML views.
CLASS_COLOURS = {
    "Organization": "#4c72b0",
    "Person": "#dd8452",
    "Product": "#55a868",
    "Place": "#c44e52",
    "Topic": "#8172b3",
}

#: Relations grouped into families, one colour each, so that a reader tells
#: kinds of tie apart at a glance; within a family each relation has its own
#: dash pattern, and the legend names it under its family.
RELATION_FAMILIES = {
    "ownership": ("#6a3d9a", ("subsidiaryOf", "investsIn")),
    "commerce": ("#e66100", ("supplies", "partnerOf")),
    "competition": ("#d62728", ("competesWith", "restricts")),
    "people": ("#8c564b", ("ceoOf", "founderOf", "chairOf", "boardMemberOf", "worksFor")),
    "products": ("#1b9e77", ("develops", "uses", "basedOn")),
    "places": ("#1f78b4", ("headquarteredIn", "operatesIn")),
}
# dash patterns (on, off, ... in points), told apart in this order within a family; () is a solid line
_DASHES = ((), (6, 3), (1.5, 2), (6, 2, 1.5, 2), (6, 2, 1.5, 2, 1.5, 2))
#: Relation -> (colour, dash pattern): the colour is its family's, the dash
#: pattern (on/off lengths in points, empty for a solid line) its own.
RELATION_STYLES = {relation: (colour, _DASHES[i])
                   for colour, relations in RELATION_FAMILIES.values() for i, relation in enumerate(relations)}
assert set(RELATION_STYLES) == set(RELATIONS), "every relation needs a family"
#: Relation -> the name of its family.
FAMILY_OF = {relation: family for family, (_, relations) in RELATION_FAMILIES.items() for relation in relations}

#: Extensions :func:`draw_graph` and :func:`draw_timeline` can write.
FIGURE_FORMATS = (".png", ".svg", ".pdf")
#: Extensions :func:`export` writes; anything else is a folder for CSV files.
EXPORT_FORMATS = (".graphml", ".gexf")


def _style(relation: str) -> tuple[str, tuple]:
    """Colour and dash pattern of a relation; grey and solid for names outside the schema."""
    return RELATION_STYLES.get(relation, ("#999999", ()))


def _linestyle(dashes: tuple):
    """A dash pattern as matplotlib writes a line style."""
    return (0, dashes) if dashes else "solid"


def _save(fig, path: Path) -> Path:
    """Write and close a figure; bbox "tight" keeps legends and long labels inside the picture."""
    import matplotlib
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    svg = path.suffix.lower() == ".svg"
    # no creation date and fixed element ids: the same graph gives the same SVG bytes
    with matplotlib.rc_context({"svg.hashsalt": "kg"}):
        fig.savefig(path, dpi=110, bbox_inches="tight", metadata={"Date": None} if svg else None)
    plt.close(fig)
    return path


def _check_format(path: Path) -> None:
    if path.suffix.lower() not in FIGURE_FORMATS:
        raise ValueError(f"cannot draw to {path.name!r}: use one of {', '.join(FIGURE_FORMATS)}")


#: A picture or page names its source articles when there are at most this
#: many, and counts them otherwise: more names cannot be read (and the 10,000
#: of a big graph took matplotlib two minutes to lay out in the footer).
NAMED_SOURCES = 8


def _sources(G: nx.MultiDiGraph) -> list[str]:
    return sorted({file for _, _, files_ in G.edges(data="articles") for file in files_ or ()})


def _footer(G: nx.MultiDiGraph, size_by: str, width: int) -> str:
    sources = _sources(G)
    named = ": " + (", ".join(sources) if sources else "none") if len(sources) <= NAMED_SOURCES else ""
    return textwrap.fill(
        f"Sources ({len(sources):,} articles){named}. {G.number_of_nodes()} entities, "
        f"{G.number_of_edges()} relations; node size: {size_by} centrality.", width)


# ------------------------------------------------------------ layout

def _sorted_graph(U: nx.Graph) -> nx.Graph:
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(U))
    ordered.add_edges_from(sorted(tuple(sorted(edge)) for edge in U.edges()))
    return ordered


def _layout(U: nx.Graph, seed: int) -> dict:
    """Kamada-Kawai per connected component (it spreads hubs evenly:
    :func:`_path_length_layout`), the components then packed left to right in
    rows, largest first, by their real extent, so that small islands sit
    below the main picture."""
    # components rebuilt in sorted order: node order seeds the layout, and set order varies between runs
    parts = sorted((_sorted_graph(U.subgraph(c)) for c in nx.connected_components(U)),
                   key=lambda c: (-len(c), min(c)))
    positions, x, y, row_height = {}, 0.0, 0.0, 0.0
    width = 2.4 * math.sqrt(len(parts[0])) if parts else 1.0
    for part in parts:
        scale = 1.1 * math.sqrt(len(part)) if len(part) > 2 else 0.45 * len(part)
        if len(part) == 1:
            local = {next(iter(part)): (0.0, 0.0)}
        else:
            local = _path_length_layout(part, nx.spring_layout(part, seed=seed), scale)
        xs, ys = [p[0] for p in local.values()], [p[1] for p in local.values()]
        w, h = max(xs) - min(xs), max(ys) - min(ys)
        if x > 0 and x + w > width:
            x, y, row_height = 0.0, y - row_height - 1.2, 0.0
        for node, (px, py) in local.items():
            positions[node] = (px - min(xs) + x, py - max(ys) + y)
        x += w + 1.6
        row_height = max(row_height, h)
    return positions


def _path_length_layout(part: nx.Graph, start: dict, scale: float) -> dict:
    """Positions of the connected graph ``part``, from ``start``, at which the distance between two
    entities is as near as can be to the length of the shortest path between them: the minimum of
    Kamada and Kawai's energy (the squared differences over the squared lengths) that networkx's
    ``kamada_kawai_layout`` finds with scipy's optimiser, found by stress majorization (SMACOF),
    which needs numpy alone: importing scipy's optimiser took 0.2-0.45 s of a 3 s picture, its use
    0.02 s. Rescaled as networkx rescales its layouts, to at most ``scale`` from the centre."""
    import numpy as np

    nodes = list(part)
    hops = dict(nx.all_pairs_shortest_path_length(part))
    lengths = np.array([[hops[a][b] for b in nodes] for a in nodes], dtype=float)
    weights = np.divide(1, lengths ** 2, out=np.zeros_like(lengths), where=lengths > 0)
    inverse = np.linalg.pinv(np.diag(weights.sum(axis=1)) - weights)  # of the weights' Laplacian
    positions = np.array([start[node] for node in nodes], dtype=float)
    stress = np.inf
    for _ in range(500):  # each step lowers the energy; stopped when it no longer does by a millionth
        apart = np.linalg.norm(positions[:, None] - positions[None], axis=2)
        pull = -np.divide(weights * lengths, apart, out=np.zeros_like(apart), where=apart > 0)
        pull[np.diag_indices_from(pull)] = -pull.sum(axis=1)
        positions = inverse @ pull @ positions
        before, stress = stress, (weights * (np.linalg.norm(positions[:, None] - positions[None], axis=2)
                                             - lengths) ** 2).sum()
        if before - stress <= 1e-6 * stress:
            break
    return dict(zip(nodes, nx.rescale_layout(positions, scale=scale)))


def _edge_arcs(G: nx.MultiDiGraph) -> dict[tuple, float]:
    """A curvature per edge so that several relations between one pair fan out."""
    by_pair = defaultdict(list)
    for u, v, key in G.edges(keys=True):
        by_pair[frozenset((u, v))].append((u, v, key))
    arcs = {}
    for edges in by_pair.values():
        for i, edge in enumerate(sorted(edges)):
            arcs[edge] = 0.0 if i == 0 else (0.18 * ((i + 1) // 2) * (1 if i % 2 else -1))
    return arcs


def _edge_curves(G: nx.MultiDiGraph, pos: dict) -> list[tuple[str, str, str, tuple]]:
    """Each edge (subject, object, relation) with its curve: a quadratic Bezier curve from the
    subject's position to the object's, as (start, control point, end) in data coordinates. The
    control point is where matplotlib's "arc3" connection puts it: off the middle of the line,
    across it by the edge's curvature (:func:`_edge_arcs`) times its length."""
    curves = []
    for (u, v, relation), rad in sorted(_edge_arcs(G).items()):
        (x0, y0), (x1, y1) = pos[u], pos[v]
        control = ((x0 + x1) / 2 + rad * (y1 - y0), (y0 + y1) / 2 - rad * (x1 - x0))
        curves.append((u, v, relation, ((x0, y0), control, (x1, y1))))
    return curves


def _draw_edge_lines(ax, curves: list[tuple[str, str, str, tuple]]) -> None:
    """The edges' curves, one collection a relation in its colour and dash pattern, each from the
    centre of a dot to the centre of the other (the dots, drawn over them, hide the ends).

    Not networkx's arrow patches: matplotlib clips each to its two dots by bisecting its curve, at
    every draw of the figure, which was most of the time of a picture of 500 edges."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as Curve

    by_relation = defaultdict(list)
    for _, _, relation, points in curves:
        by_relation[relation].append(Curve(points, [Curve.MOVETO, Curve.CURVE3, Curve.CURVE3]))
    for relation, paths in sorted(by_relation.items()):
        colour, dashes = _style(relation)
        ax.add_collection(PathCollection(paths, facecolors="none", edgecolors=colour, linewidths=1.6, alpha=0.8,
                                         linestyles=_linestyle(dashes), zorder=1))  # under the dots (2)


def _rim(size: float) -> float:
    """The radius in points of a dot of area ``size`` in points², as a scatter draws it."""
    return math.sqrt(size) / 2


#: An arrowhead's length and half its width, in points: about what matplotlib's "-|>" arrow of size
#: 11 drew, outlined 1.6 points wide, when networkx drew the edges.
_ARROWHEAD = (6.0, 3.0)


def _draw_arrowheads(ax, curves: list[tuple[str, str, str, tuple]], sizes: dict[str, float]) -> None:
    """A filled arrowhead on the curve of each edge of a directed relation, its tip where the
    curve meets the rim of the object's dot (of area ``sizes[object]``). Made in display units,
    once the axes have their place and limits, and kept in data coordinates, which the resolution
    of the file scales as it scales points."""
    import numpy as np
    from matplotlib.collections import PolyCollection

    directed = [(v, relation, points) for _, v, relation, points in curves
                if not (relation in RELATIONS and RELATIONS[relation].symmetric)]
    if not directed:
        return
    to_display = ax.transData
    start, control, end = (to_display.transform([points[i] for _, _, points in directed]) for i in range(3))

    def at(t: np.ndarray) -> np.ndarray:
        t = t[:, None]
        return (1 - t) ** 2 * start + 2 * (1 - t) * t * control + t ** 2 * end

    pixels = ax.figure.dpi / 72  # a point
    rims = np.array([_rim(sizes[v]) for v, _, _ in directed]) * pixels
    # the tip: the last point of the curve outside the dot, bisected (a curve that ends at the centre
    # of a dot enters it once)
    outside, inside = np.zeros(len(directed)), np.ones(len(directed))
    for _ in range(20):
        middle = (outside + inside) / 2
        within = np.linalg.norm(at(middle) - end, axis=1) < rims
        outside, inside = np.where(within, outside, middle), np.where(within, middle, inside)
    tip, t = at(outside), outside[:, None]
    heading = 2 * (1 - t) * (control - start) + 2 * t * (end - control)  # the curve's tangent there
    heading /= np.maximum(np.linalg.norm(heading, axis=1), 1e-9)[:, None]
    across = heading[:, ::-1] * (-1, 1)
    length, half_width = (points * pixels for points in _ARROWHEAD)
    base = tip - length * heading
    heads = np.stack([tip, base + half_width * across, base - half_width * across], axis=1)
    heads = to_display.inverted().transform(heads.reshape(-1, 2)).reshape(-1, 3, 2)
    colours = [_style(relation)[0] for _, relation, _ in directed]
    # opaque, unlike the lines: a line runs on under its head to the centre of the dot
    ax.add_collection(PolyCollection(heads, facecolors=colours, edgecolors=colours, linewidths=1.0, zorder=1),
                      autolim=False)


#: Where a label may sit against its dot: below, above, right, left, then at the corners (x, y)
_LABEL_SIDES = ((0, -1), (0, 1), (1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1))
#: How far from its dot a label may sit, in points: touching it, then further out
_LABEL_DISTANCES = (0, 8, 16, 28, 40, 56, 76)
#: Points kept free around a label.
_LABEL_GAP = 1.5


def _draw_labels(ax, shown: dict[str, tuple[float, tuple, float]]) -> None:
    """A label for each entity of ``shown`` (name -> its score as a fraction of the best, its
    position, the area of its dot), in a type the larger the more central, placed one after the
    other, the most central first, in the spot that covers least of the labels placed before and,
    of those, costs least: covering another dot (how deep, squared), being nearer another dot
    than its own (as much as covering a label its size), and each pixel it is moved away from its
    dot (as much as a strip twice the label's height). The spots, in the order that settles a
    tie: against its dot (:data:`_LABEL_SIDES`), on it if the dot shows above and below the
    label, then further out (:data:`_LABEL_DISTANCES`); those inside the axes if any is. A label
    away from its dot is tied to it by a line.

    Placed once, in display units, where the layout put the axes: adjustText pushed every label
    about for 120 rounds and drew the whole figure first to measure them."""
    import numpy as np
    from matplotlib.collections import LineCollection

    to_display, from_display = ax.transData, ax.transData.inverted()
    pixels = ax.figure.dpi / 72  # a point
    renderer = ax.figure.canvas.get_renderer()
    area = ax.get_window_extent(renderer)
    names = sorted(shown, key=lambda name: (-shown[name][0], name))
    centres = to_display.transform([shown[name][1] for name in names])
    rims = np.array([_rim(shown[name][2]) for name in names]) * pixels
    placed = np.empty((0, 4))  # the boxes (x0, y0, x1, y1) of the labels placed
    ties = []
    for index, ((x, y), rim, name) in enumerate(zip(centres, rims, names)):
        share, position, _ = shown[name]
        text = ax.text(*position, name, fontsize=8 + 6 * share, ha="center", va="center",
                       fontweight="bold" if share >= 0.5 else "normal", zorder=3 + share,
                       bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
        extent = text.get_window_extent(renderer)
        pad = (0.15 * text.get_fontsize() + _LABEL_GAP) * pixels  # the box around the text, and the gap
        width, height = extent.width / 2 + pad, extent.height / 2 + pad
        beside = [((x + dx * (rim + width + away * pixels), y + dy * (rim + height + away * pixels)), away * pixels)
                  for away in _LABEL_DISTANCES for dx, dy in _LABEL_SIDES]
        on_dot = [((x, y), 0.0)] if rim >= 1.5 * height else []
        touching, further = beside[:len(_LABEL_SIDES)], beside[len(_LABEL_SIDES):]
        near = len(on_dot) + len(touching)
        spots, away = map(np.array, zip(*touching, *on_dot, *further))
        boxes = np.column_stack([spots - (width, height), spots + (width, height)])
        nearest = np.clip(centres[None], boxes[:, None, :2], boxes[:, None, 2:])
        gaps = np.linalg.norm(nearest - centres[None], axis=2) - rims  # from each box to each dot's rim
        own, gaps[:, index] = gaps[:, index].copy(), np.inf
        shared = np.clip(np.minimum(boxes[:, None, 2:], placed[None, :, 2:])
                         - np.maximum(boxes[:, None, :2], placed[None, :, :2]), 0, None).prod(axis=2)
        cost = (4 * (np.clip(-gaps, 0, None) ** 2).sum(axis=1) + (gaps.min(axis=1) <= own) * 4 * width * height
                + away * 4 * height)
        outside = ((boxes[:, :2] < (area.x0, area.y0)) | (boxes[:, 2:] > (area.x1, area.y1))).any(axis=1)
        best = int(np.lexsort((cost, shared.sum(axis=1), outside))[0])  # (stable: a tie goes to the first spot)
        text.set_position(from_display.transform(spots[best]))
        placed = np.vstack([placed, boxes[best]])
        if best >= near:  # a line from the dot to the edge of the label's box
            offset = spots[best] - (x, y)
            ties.append(((x, y), spots[best] - offset * min(width / max(abs(offset[0]), 1e-9),
                                                            height / max(abs(offset[1]), 1e-9))))
    if ties:
        ax.add_collection(LineCollection([from_display.transform(tie) for tie in ties], colors="#555555",
                                         linewidths=0.8, zorder=1.5), autolim=False)  # over the edges, under the dots


# ------------------------------------------------------------ static figure

#: How many entities :func:`draw_graph` draws before it keeps only the most connected.
TOP = 30


def describe(G: nx.MultiDiGraph) -> tuple[str, str | None]:
    """A title saying what ``G`` shows, and a note of what was left out
    (None when nothing was).

    The title names the focus and depth (:func:`kg.analyse.neighbourhood`),
    the community (:func:`kg.analyse.community`) and the filters of
    :func:`kg.analyse.project`, then counts entities and relations; the note
    comes from ``graph["cut"]`` (:func:`kg.analyse.most_connected`).

    >>> from kg.analyse import example_graph, project, neighbourhood, most_connected
    >>> describe(neighbourhood(project(example_graph(), relations=["supplies"]), "Globex", 2, limit=3))
    ('Globex within 2 hops · relation supplies: 3 entities, 2 relations', \
'showing 3 of 4 entities (the nearest to Globex, then the most connected); 1 left out')
    >>> describe(most_connected(project(example_graph()), 4))
    ('Knowledge graph: 4 entities, 5 relations', 'showing 4 of 10 entities (the most connected); 6 left out')
    """
    parts = []
    focus = G.graph.get("focus")
    if focus:
        depth = G.graph.get("depth", 1)
        parts.append(f"{focus} within {depth} hop{'' if depth == 1 else 's'}")
    if "community" in G.graph:
        parts.append("community {} of {}".format(*G.graph["community"]))
    filters = G.graph.get("filters", {})
    for key, one, many in (("relations", "relation", "relations"), ("classes", "class", "classes"),
                           ("articles", "article", "articles")):
        if filters.get(key):
            parts.append(f"{one if len(filters[key]) == 1 else many} {', '.join(filters[key])}")
    if filters.get("since") or filters.get("until"):
        parts.append(f"articles of {filters.get('since') or '…'} to {filters.get('until') or '…'}")
    heading = " · ".join(parts) if parts else "knowledge graph"
    if not focus:  # the words are kg's own: capitalise them, never an entity's name
        heading = heading[0].upper() + heading[1:]
    title = f"{heading}: {_count(G.number_of_nodes(), 'entity', 'entities')}, " \
            f"{_count(G.number_of_edges(), 'relation', 'relations')}"
    cut = G.graph.get("cut")
    if not cut:
        return title, None
    shown = G.number_of_nodes()
    return title, f"showing {shown} of {cut['of']} entities ({cut['rule']}); {cut['of'] - shown} left out"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _relation_legend(relations: list[str]) -> list:
    """Legend handles: each family present as a heading, its relations under it."""
    from matplotlib.lines import Line2D

    handles = []
    for family, (_, members) in RELATION_FAMILIES.items():
        present = [r for r in members if r in relations]
        if present:
            handles.append(Line2D([], [], linestyle="none", label=family))
            handles += [Line2D([], [], color=_style(r)[0], linestyle=_linestyle(_style(r)[1]), linewidth=2,
                               label=r) for r in present]
    handles += [Line2D([], [], color=_style(r)[0], linewidth=2, label=r) for r in relations if r not in FAMILY_OF]
    return handles


def graph_figure(
    G: nx.MultiDiGraph,
    *,
    size_by: str = "degree",
    title: str | None = None,
    top: int | None = TOP,
    seed: int = 42,
):
    """Draw ``G`` as a matplotlib ``Figure`` (see :func:`draw_graph`), to show
    in a notebook or to read back what was drawn.

    >>> from kg.analyse import example_graph, project
    >>> fig = graph_figure(project(example_graph()), top=4)
    >>> fig.axes[0].get_title()
    'Knowledge graph: 4 entities, 5 relations'
    >>> sorted(t.get_text() for t in fig.axes[0].texts)[-1]
    'showing 4 of 10 entities (the most connected); 6 left out'
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    if G.number_of_nodes() == 0:
        raise ValueError("nothing to draw: the graph has no entities (check the filters)")
    if top:
        G = analyse.most_connected(G, top)
    heading, note = describe(G)
    U = analyse.undirected(G)
    scores = analyse.centrality(G, size_by)
    best = max(scores.values()) or 1.0
    pos = _layout(U, seed)
    n = G.number_of_nodes()
    side = min(max(7.0, 1.5 * math.sqrt(n)), 15.0)
    xs, ys = [p[0] for p in pos.values()], [p[1] for p in pos.values()]
    aspect = (max(ys) - min(ys) + 1) / (max(xs) - min(xs) + 1)  # the figure takes the layout's shape
    fig, ax = plt.subplots(figsize=(side * 1.2, min(max(side * aspect, 0.75 * side), side * 1.2)))

    nodes = list(G)
    sizes = {node: 80 + 1400 * scores[node] / best for node in nodes}
    curves = _edge_curves(G, pos)
    _draw_edge_lines(ax, curves)
    nx.draw_networkx_nodes(
        G, pos, nodelist=nodes, ax=ax, node_size=[sizes[x] for x in nodes], linewidths=0.8,
        node_color=[CLASS_COLOURS.get(G.nodes[x].get("cls"), "#bbbbbb") for x in nodes], edgecolors="white",
    )
    focus = G.graph.get("focus")
    if focus in G:
        nx.draw_networkx_nodes(G, pos, nodelist=[focus], ax=ax, node_size=sizes[focus] * 1.6,
                               node_color="none", edgecolors="black", linewidths=2.0)
    # the limits fixed here, the curves and dots inside them (a dot counts as its centre: room is
    # left around), for the labels and arrowheads placed last in display units
    ax.margins(0.1)
    ax.autoscale_view()
    ax.set_autoscale_on(False)
    classes = [c for c in CLASSES if any(G.nodes[x].get("cls") == c for x in G)]
    class_handles = [Line2D([], [], marker="o", linestyle="", markersize=10, markerfacecolor=CLASS_COLOURS[c],
                            markeredgecolor="white", label=c) for c in classes]
    relation_handles = _relation_legend(sorted({key for _, _, key in G.edges(keys=True)}))
    # figure legends in a column kept free on the right, so they never cover nodes
    fig.legend(handles=class_handles, title="Entity class", loc="upper left", bbox_to_anchor=(0.85, 0.95),
               frameon=False, fontsize=10)
    if relation_handles:
        legend = fig.legend(handles=relation_handles, title="Relation", loc="upper left",
                            bbox_to_anchor=(0.85, 0.95 - 0.045 * (len(classes) + 2)), frameon=False, fontsize=10)
        for text in legend.get_texts():
            if text.get_text() in RELATION_FAMILIES:
                text.set_fontweight("bold")
    ax.set_title(title or heading, fontsize=16, pad=22 if note else 6)
    if note:  # what the picture left out is part of what it says
        ax.text(0.5, 1.005, note, transform=ax.transAxes, ha="center", va="bottom", fontsize=11, color="#444444")
    # about 12 characters of 8-point text per inch of figure
    fig.text(0.01, 0.01, _footer(G, size_by, int(12 * side * 1.2)), fontsize=8, color="#444444", va="bottom")
    ax.axis("off")
    fig.tight_layout(rect=(0, 0.04, 0.84, 1))
    # last, where the layout put the axes: their sizes are in points, the positions in data coordinates
    _draw_labels(ax, {x: (scores[x] / best, pos[x], sizes[x]) for x in nodes})
    _draw_arrowheads(ax, curves, sizes)
    return fig


def draw_graph(
    G: nx.MultiDiGraph,
    path: str | Path,
    *,
    size_by: str = "degree",
    title: str | None = None,
    top: int | None = TOP,
    seed: int = 42,
) -> Path:
    """Draw ``G`` to a PNG, SVG or PDF file and return its path.

    A graph of more than ``top`` entities is drawn as its ``top`` most
    connected (:func:`kg.analyse.most_connected`; ``None`` or 0 draws all),
    and the figure says how many it left out. The title says what was
    drawn (:func:`describe`) unless ``title`` is given. Nodes are coloured
    by class and sized by ``size_by`` centrality (:data:`kg.analyse.MEASURES`);
    edges take their family's colour and their relation's dash pattern
    (:data:`RELATION_FAMILIES`), the legend lists each relation under its
    family; a label goes where it covers no dot and no other label if it
    can (:func:`_draw_labels`); the footer names the source articles
    (counts them when there are more than :data:`NAMED_SOURCES`). A
    ``focus`` in ``G.graph`` (set by :func:`kg.analyse.neighbourhood`) is
    drawn with a black ring.
    """
    path = Path(path)
    _check_format(path)
    return _save(graph_figure(G, size_by=size_by, title=title, top=top, seed=seed), path)


# ------------------------------------------------------------ timeline

_RING = {"disagreement": "red", "rounding": "orange"}

def _scale(values: list[float], unit: str) -> tuple[float, str]:
    biggest = max((abs(v) for v in values), default=0)
    for factor, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if biggest >= factor and unit != "percent":
            return factor, f"{unit} {word}"
    return 1.0, unit


def draw_timeline(graph, entity: str, path: str | Path) -> Path:
    """Chart one entity's facts over time: one panel per metric, one series
    per unit, each point at the middle of its period with a bar spanning
    the period; undated facts sit at the right, past a dotted line. A fact
    that another article contradicts gets a red ring, or an orange one
    when the two differ only by rounding (:func:`kg.analyse.conflicts`);
    currency conversions are not marked.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    path = Path(path)
    _check_format(path)
    rows = analyse.facts(graph, entity)
    if not rows:
        raise ValueError(f"{entity!r} has no measured facts")
    label = rows[0]["entity"]
    flagged = defaultdict(set)
    for c in analyse.conflicts(graph):
        if c["entity"] == label and c["kind"] != "conversion":
            for side in (c["a"], c["b"]):
                flagged[(c["metric"], c["period"], side["unit"], side["value"])].add(c["kind"])
    metrics = sorted({r["metric"] for r in rows})
    dated = [r for r in rows if r["start"]]
    if dated:
        first, last = min(r["start"] for r in dated), max(r["end"] for r in dated)
    else:
        first = last = date.today()
    step = timedelta(days=max(12, (last - first).days // 15))
    undated_x = last + 4 * step
    undated_count = max(Counter(r["metric"] for r in rows if not r["start"]).values(), default=1)
    fig, axes = plt.subplots(len(metrics), 1, figsize=(10, 2.8 * len(metrics) + 0.8), squeeze=False,
                             sharex=True)
    for ax, metric in zip(axes[:, 0], metrics, strict=True):
        by_unit = defaultdict(list)
        for r in rows:
            if r["metric"] == metric:
                by_unit[r["unit"]].append(r)
        undated_slot = 0  # undated points side by side, so equal-ish values do not hide each other
        for i, (unit, series) in enumerate(sorted(by_unit.items())):
            factor, unit_label = _scale([float(r["value"]) for r in series], unit)
            colour = f"C{i}"
            spans = []
            for r in series:
                y = float(r["value"]) / factor
                if r["start"]:
                    x = r["start"] + (r["end"] - r["start"]) / 2
                    ax.errorbar(x, y, xerr=[[x - r["start"]], [r["end"] - x]], fmt="o", color=colour,
                                capsize=3, markersize=6)
                    spans.append((r["start"], r["end"], x, y))
                else:
                    x = undated_x + step * undated_slot
                    undated_slot += 1
                    ax.plot(x, y, marker="D", color=colour, markersize=6)
                kinds = flagged.get((metric, r["period"], unit, r["value"]), set())
                if kinds:
                    ring = _RING["disagreement" if "disagreement" in kinds else "rounding"]
                    ax.plot(x, y, marker="o", markersize=15, markerfacecolor="none", markeredgecolor=ring,
                            markeredgewidth=1.8)
                ax.annotate(f"{y:g}", (x, y), textcoords="offset points", xytext=(8, -3), fontsize=8)
            # join a series only across periods that follow each other: a year and a day inside it are no trend
            spans.sort()
            for (_, end, x0, y0), (start, _, x1, y1) in itertools.pairwise(spans):
                if start > end:
                    ax.plot([x0, x1], [y0, y1], color=colour, alpha=0.4)
            ax.plot([], [], marker="o", color=colour, linestyle="", label=unit_label)
        ax.axvline(undated_x - 2 * step, color="#999999", linestyle=":", linewidth=1)
        ax.set_ylabel(metric)
        ax.legend(loc="upper left", fontsize=8, frameon=False)
        ax.grid(axis="y", alpha=0.3)
        ax.margins(y=0.3)
    axes[-1, 0].xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    axes[-1, 0].set_xlim(first - 2 * step, undated_x + step * (undated_count + 3))
    # dates are meaningless right of the dotted line, where the undated facts sit
    boundary = mdates.date2num(undated_x - 2 * step)
    axes[-1, 0].set_xticks([t for t in axes[-1, 0].get_xticks() if t < boundary])
    axes[0, 0].text(undated_x - step, 1.02, "undated", transform=axes[0, 0].get_xaxis_transform(), ha="left",
                    va="bottom", fontsize=8, color="#666666")
    sources = sorted({s for r in rows for s in r["sources"]})
    fig.suptitle(f"{label}: measured facts by period", fontsize=13)
    fig.text(0.01, 0.005, textwrap.fill(f"Sources: {', '.join(sources)}. Another article gives a different "
                                        "figure for the same period: red ring, a real disagreement; orange "
                                        "ring, a rounding difference (kg conflicts).", 150), fontsize=7,
             color="#444444", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 0.97))
    return _save(fig, path)


# ------------------------------------------------------------ HTML

def _evidence_lines(G: nx.MultiDiGraph, ids: list[str], limit: int = 5) -> list[str]:
    lines = []
    for ev in analyse.evidence(G, ids[:limit]):
        where = f"{ev['file']} [{ev['start']}:{ev['end']}]"
        lines.append(f"• {ev['quote']} ({where})" if ev["quote"] else f"• {where}")
    if len(ids) > limit:
        lines.append(f"… and {len(ids) - limit} more")
    return lines


def _vis_data(G: nx.MultiDiGraph, size_by: str) -> tuple[list[dict], list[dict]]:
    scores = analyse.centrality(G, size_by)
    top = max(scores.values(), default=0) or 1.0
    nodes = []
    for node, attrs in G.nodes(data=True):
        tip = [node, f"class: {attrs.get('cls')}", f"{size_by}: {scores.get(node, 0):.3f}"]
        if attrs.get("aliases"):
            tip.append("also: " + ", ".join(attrs["aliases"]))
        if attrs.get("wikidata"):
            tip.append(f"Wikidata: {attrs['wikidata']}")
        nodes.append({"id": node, "label": node, "cls": attrs.get("cls"), "aliases": list(attrs.get("aliases", [])),
                      "title": "\n".join(tip),
                      "color": CLASS_COLOURS.get(attrs.get("cls"), "#bbbbbb"),
                      "size": 10 + 30 * scores.get(node, 0) / top})
    edges = []
    for i, (u, v, key, data) in enumerate(G.edges(keys=True, data=True)):
        colour, dashes = _style(key)
        sources = data.get("sources", 0)
        tip = [f"{u} {key} {v}", f"{sources} source{'s' if sources != 1 else ''}",
               *_evidence_lines(G, data.get("evidence", []))]
        # the same colour on hover and selection: vis-network would grey the edge out
        edges.append({"id": i, "from": u, "to": v, "relation": key, "title": "\n".join(tip),
                      "color": {"color": colour, "highlight": colour, "hover": colour},
                      "dashes": list(dashes) or False, "width": 1 + sources,
                      "arrows": "" if data.get("symmetric") else "to"})
    return nodes, edges


#: Size in screen pixels of every label in the HTML view, whatever the zoom.
LABEL_PIXELS = 14

_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<style>{css}
body {{ font-family: sans-serif; margin: 0; display: flex; height: 100vh; }}
#side {{ width: 260px; padding: 10px; overflow-y: auto; border-right: 1px solid #ddd; font-size: 13px; }}
#graph {{ flex: 1; position: relative; }}
#search {{ width: 100%; box-sizing: border-box; font-size: 14px; padding: 4px; }}
#found {{ color: #666; min-height: 1.2em; }}
.swatch {{ display: inline-block; width: 12px; height: 12px; border-radius: 6px; margin-right: 4px; }}
.line {{ display: inline-block; width: 22px; height: 0; margin-right: 4px; vertical-align: middle; }}
.family {{ font-weight: bold; margin-top: 6px; }}
/* a tooltip never taller or wider than the view, so vis-network can keep it inside */
.vis-tooltip {{ white-space: pre-wrap; max-width: min(480px, 40vw); max-height: 60vh; overflow: hidden; }}
</style>
<script>{js}</script></head>
<body><div id="side"><h3>{title}</h3><p>{summary}</p>
<label for="search"><b>Find an entity</b></label>
<input id="search" type="search" list="names" placeholder="name or alias, then Enter" autocomplete="off">
<datalist id="names"></datalist><div id="found"></div>
<h4>Classes</h4><div id="classes"></div><h4>Relations</h4><div id="relations"></div>
<p style="color:#666">Hover a node or an edge for details and evidence; scroll to zoom, drag to pan.</p></div>
<div id="graph"></div>
<script>
const DATA = {data};
const shown = {{cls: new Set(DATA.classes.map(c => c[0])), rel: new Set(DATA.relations.map(r => r[0]))}};
const LABEL_PIXELS = {label_pixels};
const nodes = new vis.DataSet(DATA.nodes.map(n => ({{...n, title: tip(n.title)}})));
const edges = new vis.DataSet(DATA.edges.map(e => ({{...e, title: tip(e.title)}})));
function tip(text) {{ const el = document.createElement("div"); el.innerText = text; return el; }}
const nodeView = new vis.DataView(nodes, {{filter: n => shown.cls.has(n.cls)}});
const edgeView = new vis.DataView(edges, {{filter: e => shown.rel.has(e.relation)}});
const network = new vis.Network(document.getElementById("graph"), {{nodes: nodeView, edges: edgeView}}, {{
  nodes: {{shape: "dot", font: {{size: LABEL_PIXELS, strokeWidth: 4, strokeColor: "#ffffff"}}}},
  edges: {{smooth: {{type: "dynamic"}}}},
  physics: {{stabilization: {{iterations: 300, fit: false}}, barnesHut: {{gravitationalConstant: -6000, springLength: 140}}}},
  interaction: {{hover: true, tooltipDelay: 100, navigationButtons: false}}
}});
// labels keep LABEL_PIXELS on screen at every zoom: readable when the whole graph is in view
function readableLabels() {{
  network.setOptions({{nodes: {{font: {{size: Math.round(LABEL_PIXELS / network.getScale())}}}}}});
}}
// the first view frames the largest connected part, where the relations are, not every lone entity
network.once("stabilizationIterationsDone", () => {{ network.fit({{nodes: DATA.core}}); readableLabels(); }});
network.on("zoom", readableLabels);
network.on("animationFinished", readableLabels);
const byName = new Map();
for (const n of DATA.nodes) for (const name of [n.label, ...n.aliases]) byName.set(name.toLowerCase(), n.id);
const names = document.getElementById("names");
for (const n of [...DATA.nodes].sort((a, b) => a.label.localeCompare(b.label)))
  names.append(new Option(n.label));
function find(text) {{
  const wanted = text.trim().toLowerCase();
  if (!wanted) return null;
  if (byName.has(wanted)) return byName.get(wanted);
  const partial = DATA.nodes.find(n => n.label.toLowerCase().includes(wanted));
  return partial ? partial.id : null;
}}
document.getElementById("search").addEventListener("change", event => {{
  const id = find(event.target.value), found = document.getElementById("found");
  if (id === null || !nodeView.get(id)) {{ found.textContent = "no entity shown by that name"; return; }}
  found.textContent = "";
  network.selectNodes([id]);
  network.focus(id, {{scale: 1.2, animation: {{duration: 500}}}});
}});
function boxes(id, items, set, swatch) {{
  const box = document.getElementById(id);
  let family = null;
  for (const [name, colour, dashes, group] of items) {{
    if (group && group !== family) {{
      family = group;
      const heading = document.createElement("div");
      heading.className = "family"; heading.textContent = group; box.append(heading);
    }}
    const label = document.createElement("label");
    const input = document.createElement("input");
    input.type = "checkbox"; input.checked = true;
    input.onchange = () => {{
      input.checked ? set.add(name) : set.delete(name);
      nodeView.refresh(); edgeView.refresh();
    }};
    const mark = document.createElement("span");
    if (swatch) {{ mark.className = "swatch"; mark.style.background = colour; }}
    else {{ mark.className = "line"; mark.style.borderTop = `3px ${{dashes ? "dashed" : "solid"}} ${{colour}}`; }}
    label.append(input, mark, name); box.append(label, document.createElement("br"));
  }}
}}
boxes("classes", DATA.classes, shown.cls, true);
boxes("relations", DATA.relations, shown.rel, false);
</script></body></html>
"""


def write_html(G: nx.MultiDiGraph, path: str | Path, *, title: str | None = None,
               size_by: str = "degree") -> Path:
    """Write an interactive view of ``G`` as one self-contained HTML file.

    It uses vis-network, whose JavaScript and CSS come bundled with pyvis
    and are inlined, so the page works offline and loads nothing from a
    CDN. Same colours and relation families as :func:`draw_graph`, and the
    same title and note of what was left out (:func:`describe`) unless
    ``title`` is given. Labels keep :data:`LABEL_PIXELS` on screen at any
    zoom; a search box finds an entity by name or alias and centres it;
    tooltips (the entity's aliases, each relation's evidence) fit inside the
    view; checkboxes filter by class and relation.
    """
    import pyvis  # noqa: F401  (imported to fail early, with a clear message, when it is missing)

    lib = files("pyvis") / "templates" / "lib" / "vis-9.1.2"
    nodes, edges = _vis_data(G, size_by)
    classes = [[c, CLASS_COLOURS[c], False, None] for c in CLASSES if any(n["cls"] == c for n in nodes)]
    present = {e["relation"] for e in edges}
    order = [r for r in FAMILY_OF if r in present] + sorted(present - set(FAMILY_OF))
    relations = [[r, _style(r)[0], bool(_style(r)[1]), FAMILY_OF.get(r, "other")] for r in order]
    # JSON inside <script>: with <, > and & as \u escapes no label can close
    # the element or open a comment (<!--<script> would swallow the page)
    core = analyse.components(G)[0] if nodes else []
    data = json.dumps({"nodes": nodes, "edges": edges, "classes": classes, "relations": relations, "core": core},
                      ensure_ascii=False).translate(_SCRIPT_SAFE)
    heading, note = describe(G)
    sources = _sources(G)
    named = f": {', '.join(sources)}" if len(sources) <= NAMED_SOURCES else ""
    summary = (f"{note}. " if note else "") + (
        f"{G.number_of_nodes()} entities, {G.number_of_edges()} relations from {len(sources)} "
        f"articles{named}. The first view frames the largest connected part ({len(core)} entities). "
        f"Node size: {size_by} centrality.")
    html = _HTML.format(title=_escape(title or heading), summary=_escape(summary), data=data,
                        label_pixels=LABEL_PIXELS,
                        css=(lib / "vis-network.css").read_text(encoding="utf-8"),
                        js=(lib / "vis-network.min.js").read_text(encoding="utf-8"))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(html, encoding="utf-8")
    return path


_SCRIPT_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ------------------------------------------------------------ exports

def _flat(value):
    """A value as GraphML, GEXF and CSV hold it (no lists, no None): a list's items joined with
    "|", None as ""."""
    return "|".join(map(str, value)) if isinstance(value, (list, tuple)) else ("" if value is None else value)


def _flat_graph(nodes: Collection[tuple[str, dict]],
                edges: Collection[tuple[str, str, str, dict]]) -> nx.MultiDiGraph:
    """The graph of these nodes and edges (as :func:`export_rows` takes them), its attributes :func:`_flat`."""
    F = nx.MultiDiGraph()
    F.add_nodes_from((n, {k: _flat(v) for k, v in a.items()}) for n, a in nodes)
    F.add_edges_from((u, v, key, {k: _flat(x) for k, x in a.items()}) for u, v, key, a in edges)
    return F


def export(G: nx.MultiDiGraph, path: str | Path) -> list[Path]:
    """Write ``G`` for other tools and return the files written: ``.graphml``
    (Cytoscape, Gephi, yEd), ``.gexf`` (Gephi) or, for any other path, a
    folder with ``nodes.csv`` and ``edges.csv`` (an ``evidence`` column when
    the edges carry their evidence ids). List attributes are joined with "|".

    >>> from kg.analyse import example_graph, project
    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "g.graphml"
    >>> G = nx.read_graphml(export(project(example_graph()), out)[0])
    >>> G.number_of_nodes(), G.nodes["Acme Corp"]["cls"]
    (10, 'Organization')
    """
    return export_rows(G.nodes(data=True), G.edges(keys=True, data=True), path)


def export_rows(nodes: Collection[tuple[str, dict]], edges: Collection[tuple[str, str, str, dict]],
                path: str | Path) -> list[Path]:
    """What :func:`export` writes of a graph, written from its ``nodes``
    (node, attributes) and ``edges`` (source, target, key, attributes), as
    :func:`kg.analyse.projection` gives them: an export of a big graph needs
    no graph (at 10,000 articles, building it took 0.65 s and its flat copy
    0.4 s). GraphML and CSV are written as the rows are read; GEXF from a
    graph, by networkx.

    >>> from kg.analyse import example_graph, projection
    >>> import tempfile, pathlib
    >>> nodes, edges, _ = projection(example_graph())
    >>> [p.name for p in export_rows(nodes, edges, pathlib.Path(tempfile.mkdtemp()) / "csv")]
    ['nodes.csv', 'edges.csv']
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in EXPORT_FORMATS:
        path.parent.mkdir(parents=True, exist_ok=True)
        if suffix == ".graphml":
            _write_graphml(nodes, edges, path)
        else:
            nx.write_gexf(_flat_graph(nodes, edges), path)
        return [path]
    path.mkdir(parents=True, exist_ok=True)
    node_keys = ["label", "cls", "aliases", "wikidata", "iri"]
    edge_keys = ["relation", "symmetric", "sources", "articles", "confidence"]
    if any("evidence" in data for _, _, _, data in edges):
        edge_keys.append("evidence")
    written = []
    # the rows flattened as they are written: a flat copy of the graph took 0.4 s of 10,000 articles' 3 s
    for name, header, rows in (
        ("nodes.csv", ["id", *node_keys], ([n, *(_flat(a.get(k)) for k in node_keys)] for n, a in nodes)),
        ("edges.csv", ["source", "target", *edge_keys],
         ([u, v, *(_flat(a.get(k)) for k in edge_keys)] for u, v, _, a in edges)),
    ):
        with open(path / name, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            writer.writerows(rows)
        written.append(path / name)
    return written


#: The types of value :func:`_flat` makes a string of
_FLATTENED = frozenset({list, tuple, type(None)})
#: GraphML's name of the type of each flat value (:func:`_flat`), as networkx's writer names it
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
#: What lxml writes as a character reference beyond &, < and >, in text and in a value in double quotes
_TEXT_REFERENCES = {"\r": "&#13;"}
_ATTRIBUTE_REFERENCES = {'"': "&quot;", "\t": "&#9;", "\n": "&#10;", "\r": "&#13;"}
#: A character XML 1.0 cannot hold (its production Char), which lxml refuses
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: A character text is written otherwise than as it is: escaped, or refused
_SPECIAL = re.compile(f"[&<>\r]|{_NOT_XML.pattern}")
_GRAPHML_START = ("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">')


def _write_graphml(nodes: Collection[tuple[str, dict]], edges: Collection[tuple[str, str, str, dict]],
                   path: Path) -> None:
    """GraphML of these nodes and edges, the bytes networkx's ``write_graphml`` writes of their graph
    (with lxml: a key per attribute, type and scope, numbered as first met, listed last first; each
    node and edge indented as lxml prints it), made from the rows: networkx took 1.4 s of the 59,355
    edges of 10,000 articles, and lxml alone 0.7 s to make their elements. The values are escaped by
    the standard library (xml.sax.saxutils) as lxml escapes them; one XML cannot hold is refused."""
    ids = {str(node): _xml_attribute(str(node)) for node, _ in nodes}
    relations = {key: _xml_attribute(key) for key in {str(key) for _, _, key, _ in edges}}
    keys = {}
    elements = _graphml_elements("node", [f"<node id={ids[str(node)]}" for node, _ in nodes],
                                 [attributes for _, attributes in nodes], keys)
    elements += _graphml_elements("edge", [f"<edge source={ids[str(u)]} target={ids[str(v)]} id={relations[str(key)]}"
                                           for u, v, key, _ in edges], [attributes for *_, attributes in edges], keys)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(_GRAPHML_START)
        fh.writelines(f'<key id="{key}" for="{scope}" attr.name={_xml_attribute(name)} '
                      f'attr.type="{_GRAPHML_TYPES[kind]}"/>\n' for (scope, name, kind), key in reversed(keys.items()))
        fh.write('<graph edgedefault="directed">')
        fh.writelines(elements)
        fh.write("</graph></graphml>")


def _graphml_elements(scope: str, starts: list[str], attributes: list[dict], keys: dict) -> list[str]:
    """Each node or edge (``scope``) from the start of its tag and its attributes, and in ``keys`` the
    key of each attribute name, type and scope met ((scope, name, type) -> id), numbered on from those
    there as networkx numbers them: in the order it meets them, element after element. Made a column
    of values at a time, for each set of attribute names (from a projection, one for all), where
    element after element took twice as long (0.36 s for the 59,355 edges of 10,000 articles)."""
    groups = defaultdict(list)  # attribute names (in order) -> the elements that have them
    for element, names in enumerate(map(tuple, attributes)):
        groups[names].append(element)
    columns, met = {}, {}
    for names, members in groups.items():
        columns[names] = [_graphml_column([attributes[member][name] for member in members]) for name in names]
        for position, (name, column) in enumerate(zip(names, columns[names])):
            kinds = list(map(type, column))
            for kind in dict.fromkeys(kinds):
                first = (members[kinds.index(kind)], position)
                met[scope, name, kind] = min(met.get((scope, name, kind), first), first)
    for key in sorted(met, key=met.get):
        keys.setdefault(key, f"d{len(keys)}")
    written = [""] * len(starts)
    for names, members in groups.items():
        shapes = list(zip(*(map(type, column) for column in columns[names]))) if names else [()] * len(members)
        templates = {shape: _graphml_template(scope, names, shape, keys) for shape in set(shapes)}
        for member, text in zip(members, map(str.format, [templates[shape] for shape in shapes],
                                             [starts[member] for member in members], *columns[names])):
            written[member] = text
    return written


def _graphml_column(values: list) -> list:
    """The values of one attribute as GraphML holds them: flat (:func:`_flat`) and escaped as text
    (most columns hold nothing to flatten or escape, which is looked at once for the column)."""
    kinds = set(map(type, values))
    if not kinds.isdisjoint(_FLATTENED):
        values = [_flat(value) for value in values]
        kinds = set(map(type, values))
    if str in kinds and _SPECIAL.search("".join(values if kinds == {str} else
                                                [value for value in values if type(value) is str])):
        values = [_xml_text(value) if type(value) is str else value for value in values]
    return values


def _graphml_template(scope: str, names: tuple[str, ...], kinds: tuple[type, ...], keys: dict) -> str:
    """A node or edge with attributes of these names and (flat) types, to fill with the start of its
    tag and their values, as lxml prints it."""
    data = "".join(f'  <data key="{keys[scope, name, kind]}">{{}}</data>\n' for name, kind in zip(names, kinds))
    return f"{{}}>\n{data}</{scope}>\n" if data else "{}/>\n"


def _xml_text(value: str) -> str:
    """A value as lxml writes it as text: escaped, or refused where XML holds no such character (most
    values have nothing to escape: looking costs a third of escaping)."""
    return _xml_escaped(value, _TEXT_REFERENCES) if _SPECIAL.search(value) else value


def _xml_attribute(value: str) -> str:
    """A value in double quotes, escaped as lxml writes an attribute's value."""
    return f'"{_xml_escaped(value, _ATTRIBUTE_REFERENCES)}"'


def _xml_escaped(value: str, references: dict[str, str]) -> str:
    """``value`` escaped by the standard library with these character references beyond &, < and >;
    a character XML cannot hold is refused, as lxml refuses it."""
    if found := _NOT_XML.search(value):
        raise ValueError(f"cannot write {found[0]!r} in GraphML, which holds no such character: {value[:80]!r}")
    return escape(value, references)


