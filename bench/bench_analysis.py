"""How long the analysis commands take on big graphs, read from the store
(issue 9): not a test, a measurement with its baseline taken in the same run.

Each command runs as a user runs it, ``python -m kg COMMAND ... --graph
STORE`` in a fresh process, so Python's start-up and imports count; the time
is wall-clock, one run each (the graphs are big), cut off after
``--timeout`` seconds. The graphs are copies of the shipped one made at run
time (see ``bench_saved_queries.py``; never committed).

Baselines of the same run: ``kg --version`` (a process that starts and
stops: the floor of any command) and, at the sizes given to ``--rdflib``,
what every analysis command paid before it read the store: parsing the graph
file into rdflib (here an N-Triples dump of the copies; at 10,000 articles it
needs more memory than this machine has).

Run:  python bench/bench_analysis.py [--articles 1000 10000] [--stores DIR] [--write bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402
from bench_saved_queries import copies_store  # noqa: E402
from sections import write_section  # noqa: E402 - bench/sections.py, beside this script

from kg.store import default_graph_path, fill_summary  # noqa: E402

__all__ = ["COMMANDS", "main"]

HEADING = "## Analysis commands from the store"

#: Each analysis command with sample arguments; {out} is a scratch folder.
COMMANDS = {
    "path": ["path", "Alibaba Group", "Nvidia"],
    "rank": ["rank"],
    "stats": ["stats"],
    "facts": ["facts", "Alibaba Group"],
    "conflicts": ["conflicts"],
    "draw": ["draw", "-o", "{out}/graph.png"],
    "export": ["export", "-o", "{out}/graph.graphml"],
}
#: Commands that take the graph as an argument rather than --graph.
POSITIONAL = {"draw", "export"}


def _timed(command: list[str], timeout: float) -> float | None:
    """Wall-clock seconds of a command, or None if it was cut off; a failing command stops the bench."""
    start = time.perf_counter()
    try:
        subprocess.run(command, check=True, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as error:
        raise SystemExit(f"{' '.join(command)} failed:\n{error.stderr.decode()}") from None
    return time.perf_counter() - start


def time_command(name: str, store: Path, out: Path, timeout: float) -> float | None:
    args = [arg.format(out=out) for arg in COMMANDS[name]]
    graph = [str(store)] if name in POSITIONAL else ["--graph", str(store)]
    command = [sys.executable, "-m", "kg", *args[:1], *(graph if name in POSITIONAL else []), *args[1:],
               *([] if name in POSITIONAL else graph)]
    return _timed(command, timeout)


def time_summary(store: Path) -> float:
    """Seconds to refresh the store's summary graph (``triples/summary.ru``), which every load and
    update of a store runs (``kg build``, ``kg add``, ``kg remove``, ``kg serve`` writes)."""
    writable = ox.Store(str(store.resolve()))
    start = time.perf_counter()
    fill_summary(writable)
    seconds = time.perf_counter() - start
    writable.optimize()  # as kg.store leaves a store it built, for the commands timed next
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
        return _timed([sys.executable, "-c", code, str(dump)], timeout)
    finally:
        dump.unlink()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--rdflib", type=int, nargs="*", default=[1000],
                        help="sizes at which to time the rdflib parse of the file (default: 1000)")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--graph", type=Path, default=default_graph_path())
    parser.add_argument("--stores", type=Path, help="keep the copied stores in this folder and reuse them "
                                                    "(default: a temporary folder, removed)")
    parser.add_argument("--write", type=Path, help="put the table under its own heading in this Markdown file")
    args = parser.parse_args(argv)

    work = args.stores or Path(tempfile.mkdtemp(prefix="kg-bench-analysis-"))
    out = Path(tempfile.mkdtemp(prefix="kg-bench-analysis-out-"))
    floor = _timed([sys.executable, "-m", "kg", "--version"], args.timeout)
    print(f"kg --version: {floor:.2f} s", flush=True)
    sizes, times, parse, refresh = {}, {}, {}, {}
    try:
        for articles in args.articles:
            store, sizes[articles] = copies_store(args.graph, articles, work)
            refresh[articles] = time_summary(store)
            print(f"{articles} articles  summary refresh {refresh[articles]:.2f} s", flush=True)
            times[articles] = {}
            for name in COMMANDS:
                times[articles][name] = seconds = time_command(name, store, out, args.timeout)
                print(f"{articles} articles  {name:10} {'cut off' if seconds is None else f'{seconds:8.2f} s'}",
                      flush=True)
            if articles in args.rdflib:
                parse[articles] = time_rdflib_parse(store, out, args.timeout)
                print(f"{articles} articles  rdflib parse {parse[articles]}", flush=True)
    finally:
        shutil.rmtree(out, ignore_errors=True)
        if not args.stores:
            shutil.rmtree(work, ignore_errors=True)

    table = _markdown(args.articles, sizes, times, parse, refresh, floor, args.timeout)
    print(table)
    if args.write:
        _write_section(args.write, table, argv if argv is not None else sys.argv[1:])
    return 0


def _seconds(value: float | None, timeout: float) -> str:
    return f"> {timeout:.0f} s" if value is None else f"{value:,.2f} s"


def _ratio(value: float | None, base: float | None) -> str:
    return "" if value is None or not base else f" ({value / base:.2f}×)"


def _markdown(articles, sizes, times, parse, refresh, floor, timeout) -> str:
    lines = ["| command | " + " | ".join(f"{n:,} articles ({sizes[n]:,} triples)" for n in articles) + " |",
             "|---" * (len(articles) + 1) + "|"]
    for name in COMMANDS:
        cells = [_seconds(times[n][name], timeout) + _ratio(times[n][name], parse.get(n)) for n in articles]
        lines.append(f"| `kg {name}` | " + " | ".join(cells) + " |")
    lines.append("| summary refresh (`triples/summary.ru`, run by every load and update of the store) | "
                 + " | ".join(_seconds(refresh[n], timeout) for n in articles) + " |")
    lines.append("| baseline: rdflib parse of the file (what each command paid before) | "
                 + " | ".join(_seconds(parse[n], timeout) if n in parse else "not run" for n in articles) + " |")
    lines.append(f"| baseline: `kg --version` (start-up floor) | " + " | ".join(f"{floor:.2f} s" for _ in articles)
                 + " |")
    return "\n".join(lines) + "\n"


def _write_section(path: Path, table: str, argv: list[str]) -> None:
    """This benchmark's own section of ``path`` (bench/sections.py), the others as they are."""
    intro = (f"`python bench/bench_analysis.py {' '.join(argv)}` "
             f"({time.strftime('%Y-%m-%d', time.gmtime())}, 2 shared cores). Each command run once as "
             "`python -m kg COMMAND ... --graph STORE` in a new process (start-up included), on a store of "
             "copies of the shipped graph made at run time; in brackets, the time as a ratio of the rdflib "
             "parse of the same graph in the same run, which every analysis command paid before it started.\n\n")
    write_section(path, HEADING, intro + table)


if __name__ == "__main__":
    sys.exit(main())
