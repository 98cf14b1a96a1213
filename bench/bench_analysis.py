"""How long the analysis commands take on big graphs, read from the store
(issue 9): not a test, a measurement with its baseline taken in the same run.

Each command runs as a user runs it, ``python -m kg COMMAND ... --graph
STORE`` in a fresh process, so Python's start-up and imports count; the time
is wall-clock, one run each (the graphs are big), cut off after
``--timeout`` seconds, with the lines it printed. The graphs are built from
generated news (bench/corpus.py: the articles of ../shared with their
names swapped for Zipf-drawn invented ones, about ``--words`` words each) as
``bench_memory.py --synthetic`` builds them, without NLP; generated text is
never kept. The entities asked about are picked in each graph: the most
connected one (``facts``, the start of ``path``) and one of the farthest
from it (the end of ``path``). ``eval`` scores the graph against
../shared/gold: the generated articles have no gold, so it measures finding
the gold's articles among all of them. ``--copies`` adds columns on copies
of the shipped graph (``bench_saved_queries.py``), a stress case only: every
statement is repeated once per copy, which no real graph does.

Baselines of the same run: ``kg --version`` (a process that starts and
stops: the floor of any command) and, at the sizes given to ``--rdflib``,
what every analysis command paid before it read the store: parsing the graph
file into rdflib (here an N-Triples dump of the store).

Run:  python bench/bench_analysis.py [--articles 1000 10000] [--words 80] [--copies 1000] [--stores DIR] [--write bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402
from bench_memory import extract_templates, peak_build  # noqa: E402
from bench_saved_queries import copies_store  # noqa: E402
from corpus import write_corpus  # noqa: E402
from sections import write_section  # noqa: E402 - bench/sections.py, beside this script

from kg.store import GraphStore, default_graph_path, fill_summary  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

__all__ = ["COMMANDS", "main"]

HEADING = "## Analysis commands from the store"

#: Each analysis command with sample arguments: {out} is a scratch folder, {hub} the most connected
#: entity of the graph, {far} one of the farthest from it, {gold} the gold folder of the five articles.
COMMANDS = {
    "path": ["path", "{hub}", "{far}"],
    "rank": ["rank"],
    "stats": ["stats"],
    "facts": ["facts", "{hub}"],
    "conflicts": ["conflicts"],
    "draw": ["draw", "-o", "{out}/graph.png"],
    "export": ["export", "-o", "{out}/graph.graphml"],
    "eval": ["eval", "--gold", "{gold}"],
}
#: Commands that take the graph as an argument rather than --graph.
POSITIONAL = {"draw", "export", "eval"}
GOLD = ROOT.parent / "shared" / "gold"


def synthetic_store(articles: int, words: int | None, seed: int, stores: Path) -> tuple[Path, int]:
    """The store of ``articles`` generated articles (bench/corpus.py, about ``words`` words each, all of
    each template with None) built as ``bench_memory.py --synthetic`` builds them (no NLP), in the folder
    ``stores`` (made there unless a run before left it), and its size."""
    folder = stores / f"synthetic-{articles}-{words or 'all'}-seed{seed}"
    if not _store_in(folder):
        pickled = stores / "templates.pickle"
        if not pickled.is_file():
            extract_templates(pickled)
        corpus = write_corpus(articles, folder / "corpus", seed=seed, words=words)
        mb, seconds, summary = peak_build(ROOT, corpus, folder / "out.trig",
                                          [str(pickled), str(seed), str(words or "all")])
        print(f"{articles} articles built in {seconds:.0f} s, {mb:,.0f} MB ({summary})", flush=True)
        corpus.unlink()  # generated text is not kept
    store = GraphStore(_store_in(folder))
    size = len(store)
    store.close()
    return _store_in(folder), size


def _store_in(folder: Path) -> Path | None:
    """The store a build in ``folder`` left in its cache (``peak_build`` points KG_CACHE_DIR there)."""
    return next((p for p in sorted((folder / "cache" / "stores").glob("*")) if (p / "CURRENT").is_file()), None)


def _timed(command: list[str], timeout: float) -> tuple[float | None, float, int]:
    """Wall-clock seconds of a command (None if it was cut off), its CPU seconds (user and system: what
    it costs on shared cores, where the wall clock also counts waiting for one) and the lines it printed;
    a failing command stops the bench."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(command, check=True, timeout=timeout, capture_output=True)
    except subprocess.TimeoutExpired:
        return None, 0.0, 0
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.stderr.decode()}") from None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, done.stdout.count(b"\n")


def asked_about(store: Path) -> dict[str, str]:
    """The entities the commands ask about in this graph: the most connected (ties by name) and, of
    the entities farthest from it, the first by name."""
    import networkx as nx

    from kg.analyse import project, undirected
    from kg.store import open_store

    U = undirected(project(open_store(store), evidence=False))
    hub = min(U, key=lambda n: (-U.degree(n), n))
    hops = nx.single_source_shortest_path_length(U, hub)
    return {"hub": hub, "far": min(hops, key=lambda n: (-hops[n], n))}


def time_command(name: str, store: Path, out: Path, timeout: float,
                 names: dict[str, str]) -> tuple[float | None, float, int]:
    args = [arg.format(out=out, gold=GOLD, **names) for arg in COMMANDS[name]]
    graph = [str(store)] if name in POSITIONAL else ["--graph", str(store)]
    return _timed([sys.executable, "-m", "kg", *args, *graph], timeout)


def time_summary(store: Path) -> float:
    """Seconds to refresh the store's summary graph (``triples/summary.ru``), which every load and
    update of a store runs (``kg build``, ``kg add``, ``kg remove``, ``kg serve`` writes)."""
    writable = ox.Store(str(store.resolve()))
    start = time.perf_counter()
    fill_summary(writable)
    seconds = time.perf_counter() - start
    # as kg.store leaves a store it built, for the commands timed next: its write-ahead log written
    # out (a reader opening the store otherwise replays it, 1.6 s for 1,000 articles) and compacted
    writable.flush()
    writable.optimize()
    del writable
    return seconds


def time_rdflib_parse(store: Path, out: Path, timeout: float) -> float | None:
    """Seconds to parse the store's graph, dumped as N-Triples, with kg.store.load_graph (rdflib)."""
    dump = out / "graph.nt"
    reader = ox.Store.read_only(str(store.resolve()))
    reader.dump(output=str(dump), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    del reader
    code = "import sys; from kg.store import load_graph; load_graph(sys.argv[1])"
    try:
        return _timed([sys.executable, "-c", code, str(dump)], timeout)[:2]
    finally:
        dump.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000],
                        help="sizes of the generated corpora (default: 1000 10000)")
    parser.add_argument("--words", type=int, default=80,
                        help="about this many words an article, 0 for whole articles (default: 80, as bench_memory)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--copies", type=int, nargs="*", default=[],
                        help="also these sizes of copies of the shipped graph (a stress case; default: none)")
    parser.add_argument("--rdflib", type=int, nargs="*", default=[1000],
                        help="sizes of generated graphs at which to time the rdflib parse of the file (default: 1000)")
    parser.add_argument("--no-refresh", dest="refresh", action="store_false",
                        help="do not time the summary refresh (minutes at 10,000 articles)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--graph", type=Path, default=default_graph_path(), help="the graph --copies copies")
    parser.add_argument("--stores", type=Path, help="keep the stores built in this folder and reuse them "
                                                    "(default: a temporary folder, removed)")
    parser.add_argument("--write", type=Path, help="put the table under its own heading in this Markdown file")
    args = parser.parse_args(argv)

    work = args.stores or Path(tempfile.mkdtemp(prefix="kg-bench-analysis-"))
    work.mkdir(parents=True, exist_ok=True)
    out = Path(tempfile.mkdtemp(prefix="kg-bench-analysis-out-"))
    floor = _timed([sys.executable, "-m", "kg", "--version"], args.timeout)[:2]
    print(f"kg --version: {floor[0]:.2f} s ({floor[1]:.2f} s CPU)", flush=True)
    columns = [(f"{n:,} articles", n, "generated") for n in args.articles] + \
              [(f"{n:,} articles' copies (stress)", n, "copies") for n in args.copies]
    sizes, times, parse, refresh, names = {}, {}, {}, {}, {}
    try:
        for column, articles, kind in columns:
            if kind == "generated":
                store, sizes[column] = synthetic_store(articles, args.words or None, args.seed, work)
            else:
                store, sizes[column] = copies_store(args.graph, articles, work)
            if args.refresh:
                refresh[column] = time_summary(store)
                print(f"{column}  summary refresh {refresh[column]:.2f} s", flush=True)
            names[column] = asked_about(store)
            print(f"{column}  asking about {names[column]}", flush=True)
            times[column] = {}
            for name in COMMANDS:
                times[column][name] = seconds, cpu, lines = time_command(name, store, out, args.timeout, names[column])
                print(f"{column}  {name:10} {_seconds((seconds, cpu), args.timeout)} {lines:7,} lines", flush=True)
            if kind == "generated" and articles in args.rdflib:
                parse[column] = time_rdflib_parse(store, out, args.timeout)
                print(f"{column}  rdflib parse {_seconds(parse[column], args.timeout)}", flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if not args.stores:
            shutil.rmtree(work, ignore_errors=True)

    table = _markdown([c for c, _, _ in columns], sizes, times, parse, refresh, names, floor, args.timeout)
    print(table)
    if args.write:
        _write_section(args.write, table, argv if argv is not None else sys.argv[1:], args.words)
    return 0


def _seconds(value: tuple[float | None, float], timeout: float) -> str:
    """Wall-clock and CPU seconds as a cell."""
    wall, cpu = value
    return f"> {timeout:.0f} s" if wall is None else f"{wall:,.2f} s ({cpu:,.2f} s CPU)"


def _ratio(value: float | None, base: tuple[float | None, float] | None) -> str:
    return "" if value is None or not base or not base[0] else f", {value / base[0]:.2f}× the parse"


def _markdown(columns, sizes, times, parse, refresh, names, floor, timeout) -> str:
    lines = ["| command | " + " | ".join(f"{c} ({sizes[c]:,} triples)" for c in columns) + " |",
             "|---" * (len(columns) + 1) + "|"]
    for name in COMMANDS:
        cells = [_seconds(times[c][name][:2], timeout) + _ratio(times[c][name][0], parse.get(c))
                 + f"; {times[c][name][2]:,} lines" for c in columns]
        lines.append(f"| `kg {name}` | " + " | ".join(cells) + " |")
    lines.append("| summary refresh (`triples/summary.ru`, run by every load and update of the store) | "
                 + " | ".join(f"{refresh[c]:,.2f} s" if c in refresh else "not run" for c in columns) + " |")
    lines.append("| baseline: rdflib parse of the file (what each command paid before) | "
                 + " | ".join(_seconds(parse[c], timeout) if c in parse else "not run" for c in columns) + " |")
    lines.append("| baseline: `kg --version` (start-up floor) | " + " | ".join(_seconds(floor, timeout) for _ in columns)
                 + " |")
    lines.append("| asked about (`{hub}`, `{far}`) | " + " | ".join(f"{names[c]['hub']}, {names[c]['far']}"
                                                                    for c in columns) + " |")
    return "\n".join(lines) + "\n"


def _write_section(path: Path, table: str, argv: list[str], words: int) -> None:
    """This benchmark's own section of ``path`` (bench/sections.py), the others as they are."""
    intro = (f"`python bench/bench_analysis.py {' '.join(argv)}` "
             f"({time.strftime('%Y-%m-%d', time.gmtime())}, 2 shared cores, load average "
             f"{os.getloadavg()[0]:.1f} at the end). Each command run once as `python -m kg COMMAND ... --graph STORE` "
             "in a new process (start-up included), with the lines it printed, on a store built from generated "
             f"news (bench/corpus.py, {f'about {words} words' if words else 'whole templates'} an article, "
             "built without NLP as `bench_memory.py --synthetic` builds it). A cell: the wall-clock time, the "
             "CPU time of the process in brackets (user and system), the wall-clock time as a ratio of the rdflib "
             "parse of the same graph in the same run (which every analysis command paid before it started), "
             "and the lines printed.\n\n")
    write_section(path, HEADING, intro + table)


if __name__ == "__main__":
    sys.exit(main())
