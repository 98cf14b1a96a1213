"""The analysis commands of the CLI, on a small graph written to disk, and their CSV and JSON on the shipped graph."""
import csv
import io
import json
import re
from decimal import Decimal

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


@pytest.mark.issue(9)
def test_answers_that_grow_with_the_graph_are_cut_and_counted(graph_file):
    """--limit (--sentences for path) cuts what is printed, in every format, and says how much is left."""
    cut = run("conflicts", "--limit", "2", "--graph", graph_file)
    assert len(re.findall(r"^\S.* / .*: [A-Z]+ \(", cut.output, re.M)) == 2
    assert "... and 3 more pairs; --limit 0 for all" in cut.output
    assert cut.output.strip().endswith("1 disagreement, 1 rounding, 3 conversion")  # counted over all pairs
    as_csv = run("conflicts", "--limit", "2", "--format", "csv", "--graph", graph_file)
    assert len(list(csv.DictReader(io.StringIO(as_csv.stdout)))) == 2
    assert as_csv.stderr == "... and 3 more pairs; --limit 0 for all\n"
    assert len(json.loads(run("conflicts", "--limit", "0", "--format", "json", "--graph", graph_file).stdout)) == 5

    facts = run("facts", "big cloud", "--limit", "2", "--graph", graph_file)
    assert facts.output.splitlines()[0] == "Big Cloud: 5 facts"
    assert len(table_rows(facts.output, skip=1)) == 3  # two facts and the line saying what was left
    assert facts.output.endswith("... and 3 more facts; --limit 0 for all\n")

    stats = run("stats", "--limit", "1", "--graph", graph_file)
    assert "a1.txt" in stats.output and "a2.txt" not in stats.output
    assert "... and 2 more articles; --limit 0 for all" in stats.output

    path = run("path", "apple", "China Unicom", "--sentences", "1", "--graph", graph_file)
    assert path.output.count("(a2.txt [") + path.output.count("(a1.txt [") == 1
    assert "      ... and 1 more sentences; --sentences 0 for all" in path.output
    rows = json.loads(run("path", "apple", "China Unicom", "--sentences", "0", "--format", "json",
                          "--graph", graph_file).stdout)
    assert len(rows) == 3

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


def test_export_reads_evidence_ids_only_when_asked(graph_file, tmp_path):
    """Without --evidence an edge's counts come from one row an edge (a store's
    summary graph): the same as with it, less the evidence ids."""
    assert run("export", graph_file, "-o", tmp_path / "counts").exit_code == 0
    assert run("export", graph_file, "-o", tmp_path / "ev", "--evidence").exit_code == 0
    counts = list(csv.DictReader((tmp_path / "counts" / "edges.csv").open()))
    with_ids = list(csv.DictReader((tmp_path / "ev" / "edges.csv").open()))
    assert "evidence" not in counts[0] and all(row.pop("evidence") for row in with_ids)
    assert counts == with_ids and len(counts) == 7


@pytest.mark.parametrize("options", [[], ["--evidence"], ["--relation", "partnerOf", "--class", "Organization"],
                                     ["--article", "a3.txt"]])
@pytest.mark.parametrize("name", ["g.graphml", "csv"])
def test_export_writes_the_projection_without_a_graph(graph_file, tmp_path, monkeypatch, name, options):
    """kg export writes the rows of the projection as they are read, without building its networkx
    graph: the files written from the graph of the same projection."""
    from kg import analyse, draw
    from kg.store import open_store

    G = analyse.project(open_store(graph_file), evidence=True, **{
        "relations": ["partnerOf"] if "--relation" in options else None,
        "classes": ["Organization"] if "--class" in options else None,
        "articles": ["a3.txt"] if "--article" in options else None})
    if "--evidence" not in options:
        for _, _, data in G.edges(data=True):
            data.pop("evidence")
    expected = draw.export(G, tmp_path / "from-graph" / name)
    monkeypatch.setattr(analyse, "project", None)  # not called
    assert run("export", graph_file, "-o", tmp_path / "out" / name, *options).exit_code == 0
    assert G.number_of_edges() > 0
    for path in expected:
        assert (tmp_path / "out" / path.relative_to(tmp_path / "from-graph")).read_bytes() == path.read_bytes()


@pytest.mark.parametrize("command", [["export", "-o", "{tmp}/g.graphml"], ["draw", "-o", "{tmp}/g.png"]])
def test_export_and_draw_run_without_collecting_cycles(graph_file, tmp_path, monkeypatch, command):
    """kg export and kg draw pause Python's cycle collector while they read and write (their many rows
    hold no cycles), and resume it after."""
    import gc

    from kg import analyse

    collecting = []
    projection = analyse.projection
    monkeypatch.setattr(analyse, "projection", lambda *a, **k: collecting.append(gc.isenabled()) or projection(*a, **k))
    assert gc.isenabled() and run(*[arg.format(tmp=tmp_path) for arg in command], graph_file).exit_code == 0
    assert collecting and not any(collecting) and gc.isenabled()


def test_filters_by_article_and_date(graph_file, tmp_path):
    by_article = run("export", graph_file, "-o", tmp_path / "a3", "--article", "a3.txt")
    assert (tmp_path / "a3" / "edges.csv").read_text().count("\n") == 4  # header + develops, supplies, uses
    by_date = run("rank", "--since", "2025-02-01", "--until", "2025-02-28", "--top", "0", "--graph", graph_file)
    assert by_article.exit_code == 0 and by_date.exit_code == 0
    names = sorted(re.split(r"\s{2,}", line)[1] for line in by_date.output.splitlines()[2:])
    assert names == ["Apple", "Big Cloud", "Big Co"]  # only a2.txt (published 2025-02-01) is in the window


# ------------------------------------------------ --format csv|json, on the shipped graph (the default)

def cell(value) -> str:
    """A JSON value as the CSV output writes it: a list's items joined by " | ", nothing for null."""
    if value is None:
        return ""
    return " | ".join(map(str, value)) if isinstance(value, list) else str(value)


def machine_rows(*args) -> list[dict]:
    """The rows of an analysis command as JSON, after checking that its CSV holds the same rows cell for cell."""
    as_json, as_csv = run(*args, "--format", "json"), run(*args, "--format", "csv")
    assert as_json.exit_code == 0 and as_csv.exit_code == 0, as_json.output + as_csv.output
    records = json.loads(as_json.stdout)  # the whole of stdout is one document
    assert isinstance(records, list) and records
    assert list(csv.DictReader(io.StringIO(as_csv.stdout))) == [{k: cell(v) for k, v in r.items()} for r in records]
    return records


def table_rows(output: str, skip: int = 0) -> list[list[str]]:
    """The cells of a printed table (after ``skip`` title lines, its header and the dashes under it)."""
    return [re.split(r"\s{2,}", line) for line in output.splitlines()[skip + 2:]]


def amount(text: str) -> tuple[Decimal, str]:
    """ "247.8 billion CNY" -> (247800000000, "CNY"); "34%" -> (34, "percent")."""
    if text.endswith("%"):
        return Decimal(text[:-1]), "percent"
    number, scale, unit = re.fullmatch(r"(-?[\d.]+)(?: (trillion|billion|million))?(?: (.*))?", text).groups()
    return Decimal(number).scaleb({"trillion": 12, "billion": 9, "million": 6}.get(scale, 0)), unit or ""


@pytest.mark.parametrize("by", ["degree", "pagerank"])
def test_rank_as_csv_and_json(by):
    records = machine_rows("rank", "--by", by, "--top", "0")
    table = table_rows(run("rank", "--by", by, "--top", "0").stdout)
    assert len(records) == len(table) > 50
    assert [[str(r["rank"]), r["entity"], r["class"], f"{r[by]:.4f}", str(r["neighbours"])] for r in records] == table


def test_facts_as_csv_and_json():
    records = machine_rows("facts", "alibaba group")
    table = table_rows(run("facts", "alibaba group").stdout, skip=1)
    assert len(records) == len(table) > 10
    assert {r["entity"] for r in records} == {"Alibaba Group"}
    assert [[r["metric"], r["period"] or "-", (Decimal(str(r["value"])), r["unit"]), ", ".join(r["sources"])]
            for r in records] == [[metric, period, amount(value), sources] for metric, period, value, sources in table]
    assert isinstance(records[0]["value"], int | float)


def test_path_as_csv_and_json():
    records = machine_rows("path", "Eddie Wu", "China Unicom")
    printed = []
    for line in run("path", "Eddie Wu", "China Unicom").stdout.splitlines():
        if match := re.fullmatch(r"path (\d+): (.+)", line):
            number, nodes = int(match[1]), match[2].split(" - ")
            hops = [{a, b} for a, b in zip(nodes, nodes[1:])]
        elif match := re.fullmatch(r"  (.+?) <?--(\w+)--> (.+?)  \((\d+) sources?\)", line):
            hop = hops.index({match[1], match[3]}) + 1
            relation = (number, hop, match[1], match[2], match[3], int(match[4]))
        elif match := re.fullmatch(r"      (\S+) \[(\d+):(\d+)\]", line):  # the shipped graph keeps no sentences
            printed.append((*relation, match[1], int(match[2]), int(match[3])))
    assert len(printed) == len(records) >= 2
    assert [(r["path"], r["hop"], r["subject"], r["relation"], r["object"], r["sources"], r["file"], r["start"],
             r["end"]) for r in records] == printed
    assert {r["quote"] for r in records} == {None}


def test_conflicts_as_csv_and_json():
    records = machine_rows("conflicts")
    printed = []
    for line in run("conflicts").stdout.splitlines():
        if match := re.fullmatch(r"(.+?) / (\w+) / (.+?): ([A-Z]+) \((.*)\)", line):
            printed.append({"head": match.groups(), "sides": []})
        elif match := re.fullmatch(r" {4}(\S.*?)  from (.+)", line):
            printed[-1]["sides"].append({"amount": amount(match[1]), "sources": match[2].split(", "), "evidence": []})
        elif line.startswith(" " * 8):
            printed[-1]["sides"][-1]["evidence"].append(line.strip())
    assert len(printed) == len(records) >= 3
    for record, shown in zip(records, printed, strict=True):
        assert (record["entity"], record["metric"], record["period"] or "no period", record["kind"].upper(),
                record["reason"]) == shown["head"]
        assert [{"amount": (Decimal(str(record[f"value_{s}"])), record[f"unit_{s}"]),
                 "sources": record[f"sources_{s}"], "evidence": record[f"evidence_{s}"]}
                for s in ("a", "b")] == shown["sides"]


def test_stats_as_csv_and_json():
    records = machine_rows("stats")
    output = run("stats").stdout
    totals = re.match(r"(\d+) entities, (\d+) relations \(symmetric pairs once\), (\d+) facts", output).groups()
    printed = [(what, None, None, int(n)) for what, n in zip(("entities", "relations", "facts"), totals, strict=True)]
    counted = {"class": [("entities", "class")], "relation": [("triples", "relation")],
               "article": [("relations", "article"), ("facts", "article")], "sources": [("triples", "sources")],
               "extractor": [("evidence", "extractor")]}
    for block in output.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("triples with more than one source")]
        header = lines[0].split()
        for line in lines[2:]:
            key, *counts = re.split(r"\s{2,}", line)
            printed += [(what, by, key, int(n)) for (what, by), n in zip(counted[header[0]], counts, strict=True)]
    assert [(r["what"], r["by"], r["key"], r["count"]) for r in records] == printed
    assert len(printed) > 30


def test_an_empty_answer_is_an_empty_array_or_a_header():
    assert json.loads(run("facts", "China Unicom", "--format", "json").stdout) == []
    assert run("facts", "China Unicom", "--format", "csv").stdout == "entity,metric,period,value,unit,sources\n"


def test_path_as_json_keeps_the_sentence_where_the_graph_does(graph_file):
    rows = json.loads(run("path", "apple", "China Unicom", "--graph", graph_file, "--format", "json").stdout)
    assert (rows[-1]["subject"], rows[-1]["relation"], rows[-1]["object"]) == ("Big Co", "supplies", "China Unicom")
    assert rows[-1]["quote"] == "Big sells chips to China Unicom."
    assert rows[-1]["symmetric"] is False and rows[0]["symmetric"] is True
