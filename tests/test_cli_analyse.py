"""The analysis commands of the CLI, on a small graph written to disk."""
import re

import networkx as nx
import pytest
from analyse_graphs import news_graph
from click.testing import CliRunner

from kg.cli import cli
from kg.store import save_graph


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory):
    return str(save_graph(news_graph(), tmp_path_factory.mktemp("g") / "news.ttl"))


def run(*args):
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result


def test_path_prints_hops_relations_and_sentences(graph_file):
    result = run("path", "apple", "China Unicom", "--graph", graph_file)
    assert result.exit_code == 0
    assert "Apple -> China Unicom: 1 shortest path(s) of 2 hop(s)" in result.output
    assert "Apple <--partnerOf--> Big Co  (2 sources)" in result.output
    assert "Big Co --supplies--> China Unicom  (1 source)" in result.output
    assert '"Big sells chips to China Unicom." (a3.txt [0:32])' in result.output


def test_path_errors_are_clean(graph_file):
    unknown = run("path", "Apple", "China Unicon", "--graph", graph_file)
    assert unknown.exit_code == 1
    assert "no entity is called 'China Unicon'; did you mean 'China Unicom'" in unknown.output
    assert "Traceback" not in unknown.output
    apart = run("path", "Apple", "Rival Inc", "--graph", graph_file)
    assert apart.exit_code == 1 and "not connected" in apart.output
    missing = run("stats", "--graph", "/nonexistent/g.trig")
    assert missing.exit_code == 1 and "no graph at /nonexistent/g.trig" in missing.output


def test_rank(graph_file):
    result = run("rank", "--by", "betweenness", "--top", "2", "--graph", graph_file)
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["#", "entity", "class", "betweenness", "neighbours"]
    assert lines[2].startswith("1  Big Co")
    assert len(lines) == 4


def test_stats(graph_file):
    result = run("stats", "--graph", graph_file)
    assert result.exit_code == 0
    assert "8 entities, 7 relations (symmetric pairs once), 12 facts" in result.output
    assert "triples with more than one source: 14.3%" in result.output
    assert "a3.txt" in result.output and "partnerOf" in result.output


def test_facts_time_series(graph_file):
    result = run("facts", "big cloud", "--graph", graph_file)
    assert result.exit_code == 0
    rows = [line.split() for line in result.output.splitlines()[3:]]
    assert [r[:2] for r in rows] == [["revenue", "2025-04/2025-06"], ["revenue", "2025-07/2025-09"],
                                     ["revenue", "2025-07/2025-09"], ["revenueGrowth", "2025-07/2025-09"],
                                     ["revenueGrowth", "-"]]
    assert "39.8 billion CNY" in result.output and "34%" in result.output


def test_conflicts_kinds(graph_file):
    result = run("conflicts", "--graph", graph_file)
    assert result.exit_code == 0
    assert "Big Co / investment / no period: ROUNDING" in result.output
    assert "Big Co / sharepriceChange / 2025: DISAGREEMENT" in result.output
    assert "Big Cloud / revenue / 2025-07/2025-09: CONVERSION" in result.output
    assert "revenueGrowth" not in result.output  # 26% and 34% belong to different periods
    assert result.output.strip().endswith("1 disagreement, 1 rounding, 3 conversion")
    only = run("conflicts", "--kind", "disagreement", "--graph", graph_file)
    assert "ROUNDING" not in only.output and "84%  from a3.txt" in only.output


@pytest.mark.parametrize("name, options", [
    ("whole.png", []),
    ("focus.svg", ["--focus", "Big", "--depth", "1"]),
    ("supplies.pdf", ["--relation", "supplies"]),
    ("community.png", ["--community", "1"]),
    ("timeline.png", ["--timeline", "Big Cloud"]),
    ("view.html", ["--size-by", "pagerank"]),
])
def test_draw_writes_each_kind(graph_file, tmp_path, name, options):
    result = run("draw", graph_file, "-o", tmp_path / name, *options)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).stat().st_size > 5_000
    assert f"wrote {tmp_path / name}" in result.output


def test_draw_titles_say_what_was_drawn_and_what_was_left_out(graph_file, tmp_path):
    def svg(*options):
        out = tmp_path / "x.svg"
        assert run("draw", graph_file, "-o", out, *options).exit_code == 0
        return out.read_text()

    focus = svg("--focus", "China Unicom", "--depth", "2", "--top", "4")
    assert "China Unicom within 2 hops: 4 entities, 4 relations" in focus
    assert "showing 4 of 7 entities (the nearest to China Unicom, then the most connected); 3 left out" in focus
    assert "Relation supplies: 2 entities, 1 relation" in svg("--relation", "supplies")
    assert "Community 1 of 3: 5 entities, 4 relations" in svg("--community", "1")
    top = svg("--top", "3")
    assert "showing 3 of 8 entities (the most connected); 5 left out" in top and "Pat Boss" not in top
    assert "left out" not in svg() and "Pat Boss" in svg()


def test_draw_errors(graph_file, tmp_path):
    assert "there are" in run("draw", graph_file, "-o", tmp_path / "x.png", "--community", "99").output
    assert "unknown relation likes" in run("draw", graph_file, "-o", tmp_path / "x.png", "--relation", "likes").output
    assert "use one of .png" in run("draw", graph_file, "-o", tmp_path / "x.gif").output


@pytest.mark.parametrize("name, read", [("g.graphml", nx.read_graphml), ("g.gexf", nx.read_gexf)])
def test_export_loads_back(graph_file, tmp_path, name, read):
    result = run("export", graph_file, "-o", tmp_path / name)
    assert result.exit_code == 0
    assert read(tmp_path / name).number_of_edges() == 7


def test_export_csv(graph_file, tmp_path):
    result = run("export", graph_file, "-o", tmp_path / "csv", "--relation", "partnerOf")
    assert result.exit_code == 0
    assert (tmp_path / "csv" / "edges.csv").read_text().count("\n") == 2


def test_filters_by_article_and_date(graph_file, tmp_path):
    by_article = run("export", graph_file, "-o", tmp_path / "a3", "--article", "a3.txt")
    assert (tmp_path / "a3" / "edges.csv").read_text().count("\n") == 4  # header + develops, supplies, uses
    by_date = run("rank", "--since", "2025-02-01", "--until", "2025-02-28", "--top", "0", "--graph", graph_file)
    assert by_article.exit_code == 0 and by_date.exit_code == 0
    names = sorted(re.split(r"\s{2,}", line)[1] for line in by_date.output.splitlines()[2:])
    assert names == ["Apple", "Big Cloud", "Big Co"]  # only a2.txt (published 2025-02-01) is in the window
