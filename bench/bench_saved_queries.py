"""How the saved queries grow with the graph (issue 9): not a test, a
measurement with its baseline (the shipped graph) taken in the same run.

The bigger graphs are made at run time, never committed: the shipped graph
(five articles) is copied N times, each copy's articles, evidence, facts and
statements under IRIs of their own (and file names ``cN_...``), while the
entities and the ontology stay shared, as in real news where many articles
name the same companies. So ``--articles 1000`` is 200 copies of the shipped
graph, about 1.45 million triples.

Each saved query runs through ``kg.query.run_query`` (what ``kg query`` and
``kg serve`` do: parameters resolved and bound, every row read), in a forked
process of its own, cut off after ``--timeout`` seconds; the time is the
best of ``--repeat`` runs.

Run:  python bench/bench_saved_queries.py [--articles 1000 10000] [--write bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import multiprocessing
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402
from sections import write_section  # noqa: E402 - bench/sections.py, beside this script

from kg.query import check_query, run_query, saved_queries  # noqa: E402
from kg.store import GraphStore, default_graph_path, fill_summary, ontology_path, open_store  # noqa: E402

__all__ = ["SAMPLES", "copies_ntriples", "write_copies", "copies_store", "time_query", "main"]

BASE = "https://w3id.org/kg-news/"
ARTICLES_IN_SHIPPED_GRAPH = 5
HEADING = "## Saved queries as the graph grows"

# One sample of parameters per saved query (first file of the shipped graph for `article`).
SAMPLES = {
    "all-relations": {"entity": "Alibaba Group"},
    "article": {"file": "000_1266da3b6364bda1.txt"},
    "competitors": {"company": "Alibaba Group"},
    "conflicting-facts": {},
    "customers": {"company": "Nvidia"},
    "entities-by-sources": {},
    "facts-between": {"entity": "Alibaba Group", "from": "2025-07-01", "until": "2025-09-30"},
    "facts": {"entity": "Alibaba Group"},
    "leaders": {},
    "partners": {"company": "Alibaba Group"},
    "products": {},
    "suppliers": {"company": "Alibaba Group"},
    "supply-chains": {},
    "upstream": {"company": "Alibaba Group"},
}


def _template(graph: Path) -> str:
    """The shipped graph as N-Triples, with ``{C}`` where a copy's own IRIs and names differ."""
    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.TRIG)
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8")
    shared = ("entity/", "ontology")
    text = re.sub(re.escape("<" + BASE) + r"(?!" + "|".join(map(re.escape, shared)) + ")",
                  lambda m: "<" + BASE + "{C}", text)
    text = re.sub(r"(_:)(\w+)", r"\1\2{C}", text)
    return re.sub(r'(<https://w3id.org/kg-news/ontology#fileName> ")', r"\1{C}", text)


def copies_ntriples(graph: Path, copies: int) -> Iterator[str]:
    """``copies`` copies of ``graph``, each as N-Triples text (the first is ``graph`` itself)."""
    template = _template(graph)
    for i in range(copies):
        yield template.replace("{C}", "" if i == 0 else f"c{i}_")


def write_copies(graph: Path, copies: int, folder: Path) -> int:
    """An Oxigraph store in ``folder`` holding ``copies`` copies of ``graph``, the ontology and the
    summary graph; returns how many quads it holds."""
    store = ox.Store(str(folder))
    batch = []
    for i, copy in enumerate(copies_ntriples(graph, copies)):
        batch.append(copy)
        if len(batch) == 50 or i == copies - 1:
            store.bulk_load(input="".join(batch).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
            batch = []
    store.bulk_load(path=str(ontology_path()), format=ox.RdfFormat.TURTLE)
    fill_summary(store)  # as kg.store does after every load
    store.optimize()
    size = len(store)
    del store
    return size


def copies_store(graph: Path, articles: int, stores: Path) -> tuple[Path, int]:
    """The store of ``articles`` articles' worth of copies of ``graph`` in the
    folder ``stores`` (made there unless a run before left it), and its size."""
    folder = stores / f"x{max(1, articles // ARTICLES_IN_SHIPPED_GRAPH)}"
    if not (folder / "CURRENT").is_file():
        shutil.rmtree(folder, ignore_errors=True)
        start = time.perf_counter()
        size = write_copies(graph, max(1, articles // ARTICLES_IN_SHIPPED_GRAPH), folder)
        print(f"{articles} articles: {size:,} quads loaded in {time.perf_counter() - start:.0f} s", flush=True)
    store = GraphStore(folder)
    size = len(store)
    store.close()
    return folder, size


def _run(folder: str, name: str, params: dict, repeat: int, pipe) -> None:
    store = open_store(folder)
    best, rows = float("inf"), 0
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            rows = sum(1 for _ in run_query(store, name, params))
            best = min(best, time.perf_counter() - start)
    except Exception as error:  # the engine refused or failed the query: said, not timed
        pipe.send(("failed", str(error)))
        return
    pipe.send((best, rows))


def time_query(folder: Path | str, name: str, params: dict, repeat: int, timeout: float) -> tuple[float | None, int]:
    """(best seconds or None if cut off, rows) for one saved query on the store in ``folder`` (or at a URL).
    RuntimeError with the engine's message if the query fails."""
    ctx = multiprocessing.get_context("fork")
    ours, theirs = ctx.Pipe()
    process = ctx.Process(target=_run, args=(str(folder), name, params, repeat, theirs))
    process.start()
    if ours.poll(timeout):
        result = ours.recv()
        process.join()
        if result[0] == "failed":
            raise RuntimeError(result[1])
        return result
    process.kill()
    process.join()
    return None, 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument("--graph", type=Path, default=default_graph_path())
    parser.add_argument("--write", type=Path, help="put the table under its own heading in this Markdown file")
    parser.add_argument("--stores", type=Path, help="keep the copied stores in this folder and reuse them "
                                                    "(default: a temporary folder, removed)")
    args = parser.parse_args(argv)

    for saved in saved_queries().values():  # rdflib's parser, imported once here, is inherited by each fork
        check_query(saved.text)
    sizes = [ARTICLES_IN_SHIPPED_GRAPH] + [n for n in args.articles if n > ARTICLES_IN_SHIPPED_GRAPH]
    times: dict[int, dict[str, tuple[float | None, int]]] = {}
    triples: dict[int, int] = {}
    work = args.stores or Path(tempfile.mkdtemp(prefix="kg-bench-saved-"))
    try:
        for articles in sizes:
            folder, triples[articles] = copies_store(args.graph, articles, work)
            times[articles] = {}
            for name, params in SAMPLES.items():
                times[articles][name] = time_query(folder, name, params, args.repeat, args.timeout)
                seconds, rows = times[articles][name]
                print(f"  {name:20} {'cut off' if seconds is None else f'{seconds * 1000:9.1f} ms'}  {rows} rows",
                      flush=True)
    finally:
        if not args.stores:
            shutil.rmtree(work, ignore_errors=True)

    table = _markdown(sizes, triples, times, args.timeout)
    print(table)
    if args.write:
        _write_section(args.write, table)
    return 0


def _cell(result: tuple[float | None, int], timeout: float) -> str:
    seconds, rows = result
    return f"> {timeout:.0f} s" if seconds is None else f"{seconds * 1000:,.1f} ms ({rows:,} rows)"


def _markdown(sizes, triples, times, timeout) -> str:
    head = "| query | " + " | ".join(f"{n:,} articles ({triples[n]:,} triples)" for n in sizes) + " |"
    lines = [head, "|---" * (len(sizes) + 1) + "|"]
    for name in SAMPLES:
        lines.append(f"| `{name}` | " + " | ".join(_cell(times[n][name], timeout) for n in sizes) + " |")
    return "\n".join(lines) + "\n"


def _write_section(path: Path, table: str) -> None:
    """This benchmark's own section of ``path`` (bench/sections.py), the others as they are."""
    intro = (f"`python bench/bench_saved_queries.py --write {path}` "
             f"({time.strftime('%Y-%m-%d', time.gmtime())}, 2 shared cores). Each saved query through "
             "`kg.query.run_query`, every row read, best of the runs; the first column is the shipped graph, "
             "the baseline of the same run; the bigger graphs are copies of it made at run time (articles, "
             "evidence, facts and statements copied, entities shared).\n\n")
    write_section(path, HEADING, intro + table)


if __name__ == "__main__":
    sys.exit(main())
