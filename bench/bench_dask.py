"""Building on a Dask cluster: `kg build --scheduler` on two local workers
against `kg build -j 2` (the baseline) on the same texts in the same run,
in words per second, and the ratio. Not a test: a measurement.

The cluster is a ``distributed.LocalCluster`` on loopback: a scheduler in
this process and two worker processes of one thread each, so both sides
have two processes on the same cores. The corpus is the five articles of
../shared/articles and the tune half of ../shared/news (tests/data/
splits.toml; read, never copied). Each side is ``build_graph`` whole (read,
parse, extract, resolve, RDF). The workers load the model once, in the
first cluster build, which is timed apart ("first build"); the timed
rounds then use a cluster already set up, as a user's long-running one
is, while each -j 2 build forks its workers anew (they inherit the model
loaded in this process). The rounds interleave the two sides, so that a
disturbance on the machine falls on both alike; the best time counts.

Run:  python bench/bench_dask.py [--repeat 3] [--write bench/RESULTS.md]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"
HEADING = "## `kg build --scheduler`: a Dask cluster against `-j 2`"


def sources() -> list[Path]:
    """../shared/articles and the tune-half files of ../shared/news (never the check half)."""
    tune = tomllib.loads((ROOT / "tests" / "data" / "splits.toml").read_text(encoding="utf-8"))["tune"]
    return [SHARED / "articles", *(SHARED / "news" / "articles" / f"{name}.txt" for name in tune)]


def counts(result) -> tuple[int, ...]:
    """What a build made: two builds of the same texts must agree."""
    stats = result.stats
    return stats.articles, stats.entities, stats.relations, stats.facts, stats.sources


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--write", type=Path, help="put the section under its own heading in this Markdown file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from distributed import LocalCluster

    from bench_jobs import machine
    from sections import write_section

    from kg.extract import load_pipeline
    from kg.ingest import read_articles
    from kg.model import load_catalogue
    from kg.pipeline import build_graph

    paths = sources()
    keep = [alias for entry in load_catalogue(None) for alias in entry.aliases]
    words = sum(len((a.clean or a.text).split()) for a in read_articles(paths, keep=keep))
    load_pipeline()  # for -j 2's forked workers, as kg build loads it before forking
    load_before = os.getloadavg()[0]
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=":0") as cluster:
        runs = {
            "kg build -j 2": lambda: build_graph(paths, jobs=2),
            "kg build --scheduler (2 Dask workers)": lambda: build_graph(paths, scheduler=cluster.scheduler_address),
        }
        start = time.perf_counter()
        first = runs["kg build --scheduler (2 Dask workers)"]()
        first_seconds = time.perf_counter() - start
        best = dict.fromkeys(runs, float("inf"))
        for _ in range(args.repeat):
            for name, run in runs.items():
                start = time.perf_counter()
                result = run()
                best[name] = min(best[name], time.perf_counter() - start)
                assert counts(result) == counts(first), f"{name} built another graph: {result.stats.summary()}"
    rate = {name: words / seconds for name, seconds in best.items()}
    baseline = rate["kg build -j 2"]

    lines = [f"Regenerate this section: `python bench/bench_dask.py --repeat {args.repeat} --write bench/RESULTS.md`. "
             f"Measured on {time.strftime('%Y-%m-%d', time.gmtime())}. Machine: {machine()}; load average "
             f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after (other work shares the cores). One run, "
             f"best of {args.repeat} interleaved rounds; corpus: {first.stats.articles} articles, {words:,} words "
             "(../shared/articles and the tune half of ../shared/news). The cluster is a `LocalCluster` on "
             "loopback, two worker processes of one thread; the timed rounds use it after a first build in which "
             "the workers loaded the model.",
             "",
             "| run | words/s | vs `-j 2` |",
             "|---|---:|---:|"]
    lines += [f"| {name} | {r:,.0f} | {r / baseline:.2f}× |" for name, r in rate.items()]
    lines += ["", f"First cluster build, the workers loading the model: {first_seconds:.1f} s "
                  f"({words / first_seconds:,.0f} words/s, {words / first_seconds / baseline:.2f}× `-j 2`)."]
    body = "\n".join(lines) + "\n"
    print(f"{HEADING}\n\n{body}")
    if args.write:
        write_section(args.write, HEADING, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
