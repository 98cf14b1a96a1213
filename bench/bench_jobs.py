"""Multi-process building: `kg build` words per second at -j 1 and -j 2
against raw spaCy ``nlp.pipe`` with n_process=1 and 2 on the same texts in
the same run (the baseline), and the speed-up from one process to two of each.
Not a test: a measurement. Prints a Markdown section for bench/RESULTS.md.

The corpus is the five articles of ../shared/articles and the sixteen of
../shared/news (read, never copied). Each measurement runs ``--repeat`` times,
the rounds interleaved so that a disturbance on the machine falls on all of
them alike, and the best time counts. The kg side is ``build_graph`` whole
(read, parse, extract, resolve, RDF), worker start-up included; the model is
loaded once beforehand on both sides.

One more row measures the design -j did not take: spaCy's own n_process for
the parse, then extraction of each parsed Doc in the parent process.

Run:  python bench/bench_jobs.py [--repeat 3] [--batch-size N]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHARED = HERE.parent / "shared"
SOURCES = [SHARED / "articles", SHARED / "news" / "news.jsonl"]


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() \
        else platform.processor()
    import spacy

    return (f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}, spaCy {spacy.__version__}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--batch-size", type=int, default=None,
                    help="texts per raw nlp.pipe batch (default: kg's own, kg.pipeline.BATCH); spaCy hands "
                         "whole batches to its processes, so one as large as the corpus would keep one idle")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from kg.pipeline import BATCH, build_graph

    args.batch_size = args.batch_size or BATCH

    from kg.extract import Gazetteer, extract_article, load_pipeline
    from kg.ingest import read_articles
    from kg.model import load_catalogue

    entries = load_catalogue(None)
    gazetteer = Gazetteer(entries)
    articles = list(read_articles(SOURCES, keep=[a for e in entries for a in e.aliases]))
    texts = [a.clean or a.text for a in articles]
    words = sum(len(t.split()) for t in texts)
    nlp = load_pipeline()
    build_graph(SOURCES[:1], jobs=1)  # warm caches (rules, gazetteers) outside the timing

    def spacy_then_extract() -> None:
        docs = nlp.pipe(texts, n_process=2, batch_size=args.batch_size)
        for article, doc in zip(articles, docs):
            extract_article(article, nlp, gazetteer, doc=doc)

    runs = {  # name: (processes, run)
        "raw spaCy nlp.pipe, n_process=1": (1, lambda: list(nlp.pipe(texts, batch_size=args.batch_size))),
        "raw spaCy nlp.pipe, n_process=2": (2, lambda: list(nlp.pipe(texts, n_process=2, batch_size=args.batch_size))),
        "kg build -j 1": (1, lambda: build_graph(SOURCES, jobs=1)),
        "kg build -j 2": (2, lambda: build_graph(SOURCES, jobs=2)),
        "spaCy n_process=2, extraction in the parent": (2, spacy_then_extract),
    }
    best = dict.fromkeys(runs, float("inf"))
    load_before = os.getloadavg()[0]
    for _ in range(args.repeat):
        for name, (_, run) in runs.items():
            start = time.perf_counter()
            run()
            best[name] = min(best[name], time.perf_counter() - start)
    rate = {name: words / s for name, s in best.items()}
    spacy1, spacy2 = rate["raw spaCy nlp.pipe, n_process=1"], rate["raw spaCy nlp.pipe, n_process=2"]

    print("## `kg build -j N` against raw spaCy\n")
    print(f"Machine: {machine()}; load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after "
          f"(other work shares the cores). One run, best of {args.repeat} interleaved rounds; "
          f"corpus: {len(articles)} articles, {words:,} words; nlp.pipe batch size {args.batch_size}.\n")
    print("| run | words/s | vs raw spaCy, 1 process | vs raw spaCy, same processes |")
    print("|---|---:|---:|---:|")
    for name, r in rate.items():
        same = spacy1 if runs[name][0] == 1 else spacy2
        print(f"| {name} | {r:,.0f} | {r / spacy1:.2f}× | {r / same:.2f}× |")
    print(f"\nSpeed-up from 1 process to 2: raw spaCy {spacy2 / spacy1:.2f}×, "
          f"kg build {rate['kg build -j 2'] / rate['kg build -j 1']:.2f}×.")


if __name__ == "__main__":
    main()
