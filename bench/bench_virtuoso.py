"""A server store against the embedded one (issue 9): not a test, a
measurement of Virtuoso as a ratio to embedded Oxigraph in the same run.

For the shipped graph and bigger copies of it (made at run time by
bench_saved_queries.copies_ntriples, never committed): the time to load the
graph file and the ontology (``build_store`` into a folder: Oxigraph's bulk
loader; into the server: Graph Store Protocol POSTs), then each saved query
through ``kg.query.run_query`` on both, every row read, best of ``--repeat``
runs in a forked process cut off after ``--timeout`` seconds. Both stores
must give the same number of rows.

Needs a Virtuoso: ``--store URL`` or ``$KG_TEST_VIRTUOSO`` (``eval $(.ci/virtuoso
start DIR)`` starts one); its data graph is replaced, then dropped.

Run:  python bench/bench_virtuoso.py [--articles 1000] [--write bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_saved_queries import SAMPLES, copies_ntriples, time_query  # noqa: E402
from sections import write_section  # noqa: E402

from kg.query import check_query, saved_queries  # noqa: E402
from kg.store import DATA_GRAPH, ServerStore, build_store, default_graph_path, open_store  # noqa: E402

HEADING = "## A server store: Virtuoso against embedded Oxigraph (issue 9)"
ARTICLES_IN_SHIPPED_GRAPH = 5
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(location: str | Path) -> int:
    with open_store(location) as store:
        return int(next(iter(store.query(COUNT)))[0].value)


def measure(graph_file: Path, folder: Path, url: str, repeat: int, timeout: float) -> dict:
    """Load ``graph_file`` into both stores and time every saved query on each."""
    start = time.perf_counter()
    build_store(graph_file, folder)
    embedded_load = time.perf_counter() - start
    start = time.perf_counter()
    build_store(graph_file, url)  # the server's data graph replaced by the file and the ontology
    server_load = time.perf_counter() - start
    triples = _count(folder)
    if _count(url) != triples:
        raise SystemExit(f"Virtuoso holds {_count(url):,} triples where Oxigraph holds {triples:,}")
    queries = {}
    for name, params in SAMPLES.items():
        embedded = time_query(folder, name, params, repeat, timeout)
        try:
            server = time_query(url, name, params, repeat, timeout)
        except RuntimeError as error:  # a limit of the server's: reported in the table
            server = (None, re.sub(r"^.*?: (Virtuoso )?", "", str(error)))
        if None not in (embedded[0], server[0]) and embedded[1] != server[1]:
            raise SystemExit(f"{name}: Virtuoso gives {server[1]} rows where Oxigraph gives {embedded[1]}")
        queries[name] = (embedded, server)
        print(f"  {name:20} oxigraph {_ms(embedded[0])}  virtuoso {_ms(server[0])}  ({embedded[1]} rows) {server[1]}",
              flush=True)
    return {"triples": triples, "load": (embedded_load, server_load), "queries": queries}


def _ms(seconds: float | None) -> str:
    return "cut off" if seconds is None else f"{seconds * 1000:,.1f} ms"


def _ratio(embedded: float | None, server: float | None, timeout: float, failure: str | None = None) -> str:
    if failure:
        return f"{_ms(embedded)} / fails: {failure}"
    if embedded is None and server is None:
        return f"both > {timeout:.0f} s"
    if server is None:
        return f"{_ms(embedded)} / > {timeout:.0f} s"
    if embedded is None:
        return f"> {timeout:.0f} s / {_ms(server)}"
    return f"{_ms(embedded)} / {_ms(server)} (**×{server / embedded:.2f}**)"


def _markdown(results: dict[int, dict], timeout: float) -> str:
    sizes = list(results)
    head = "| | " + " | ".join(f"{n:,} articles ({results[n]['triples']:,} triples)" for n in sizes) + " |"
    lines = [head, "|---" * (len(sizes) + 1) + "|"]
    lines.append("| load (file + ontology) | " + " | ".join(
        _ratio(*results[n]["load"], timeout) for n in sizes) + " |")
    for name in SAMPLES:
        cells = []
        for n in sizes:
            embedded, server = results[n]["queries"][name]
            failure = server[1] if isinstance(server[1], str) else None
            cells.append(_ratio(embedded[0], server[0], timeout, failure) + f", {embedded[1]:,} rows")
        lines.append(f"| `{name}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="*", default=[1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--store", default=os.environ.get("KG_TEST_VIRTUOSO"),
                        help="the Virtuoso's query endpoint [default: $KG_TEST_VIRTUOSO]")
    parser.add_argument("--write", type=Path, help="put the table under its own heading in this Markdown file")
    args = parser.parse_args(argv)
    if not args.store:
        parser.error("give --store URL or set KG_TEST_VIRTUOSO (eval $(.ci/virtuoso start DIR) starts one)")

    for saved in saved_queries().values():  # rdflib's parser, imported once here, is inherited by each fork
        check_query(saved.text)
    sizes = [ARTICLES_IN_SHIPPED_GRAPH] + [n for n in args.articles if n > ARTICLES_IN_SHIPPED_GRAPH]
    results = {}
    work = Path(tempfile.mkdtemp(prefix="kg-bench-virtuoso-"))
    try:
        for articles in sizes:
            copies = max(1, articles // ARTICLES_IN_SHIPPED_GRAPH)
            graph_file = work / f"x{copies}.nt"
            with graph_file.open("w", encoding="utf-8") as out:
                out.writelines(copies_ntriples(default_graph_path(), copies))
            print(f"{articles} articles:", flush=True)
            results[articles] = measure(graph_file, work / f"x{copies}", args.store, args.repeat, args.timeout)
            embedded, server = results[articles]["load"]
            print(f"  loaded {results[articles]['triples']:,} triples: oxigraph {embedded:.1f} s, "
                  f"virtuoso {server:.1f} s", flush=True)
            shutil.rmtree(work / f"x{copies}", ignore_errors=True)
            graph_file.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)
        with ServerStore(args.store) as server:
            server.drop(DATA_GRAPH)

    table = _markdown(results, args.timeout)
    print(table)
    if args.write:
        intro = (f"`python bench/bench_virtuoso.py --write {args.write}` ({time.strftime('%Y-%m-%d', time.gmtime())}, "
                 "2 shared cores, Debian's Virtuoso 7.2.5 as `.ci/virtuoso` starts it, on the same machine). "
                 "Each cell: embedded Oxigraph / Virtuoso, and the ratio Virtuoso ÷ Oxigraph of the same run. "
                 "Load: `build_store` of the graph file and the ontology (Oxigraph's bulk loader into a folder; "
                 "the Graph Store Protocol into the server). Queries: `kg.query.run_query`, every row read "
                 "(through HTTP and SPARQL JSON for Virtuoso), best of the runs; both stores give the same rows. "
                 "The bigger graph is copies of the shipped one made at run time (see the section above).")
        write_section(args.write, HEADING, intro + "\n\n" + table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
