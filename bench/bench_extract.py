"""Extraction speed: kg's words per second against raw spaCy parsing of the
same texts in the same run (the baseline), so that the ratio is comparable
across machines. Not a test: a measurement.

The corpus is the five articles of ../shared/articles and the sixteen of
../shared/news (read, never copied). Each side runs ``--repeat`` times, the
rounds interleaved, and the best time counts (the least disturbed by other
work on the machine).

Run:  python bench/bench_extract.py [--repeat 3] [--kg-root DIR]

``--kg-root`` measures another checkout of kg (an older commit, say) with the
same baseline, for a before/after comparison.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
SHARED = HERE.parent / "shared"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--kg-root", type=Path, default=HERE, help="the kg checkout to measure (default: this one)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.kg_root))

    import kg
    from kg.extract import Gazetteer, extract_article, load_pipeline
    from kg.ingest import read_articles
    from kg.model import load_catalogue

    entries = load_catalogue(None)
    gazetteer = Gazetteer(entries)
    articles = list(read_articles([SHARED / "articles", SHARED / "news" / "news.jsonl"],
                                  keep=[a for e in entries for a in e.aliases]))
    words = sum(len((a.clean or a.text).split()) for a in articles)
    nlp = load_pipeline()
    extract_article(articles[0], nlp, gazetteer)  # warm caches (rules, gazetteers) outside the timing

    def timed(fn) -> float:
        start = time.perf_counter()
        fn()
        return time.perf_counter() - start

    # the rounds interleaved, so that a disturbance on the machine falls on both sides alike
    spacy_s = kg_s = float("inf")
    for _ in range(args.repeat):
        spacy_s = min(spacy_s, timed(lambda: [nlp(a.clean or a.text) for a in articles]))
        kg_s = min(kg_s, timed(lambda: [extract_article(a, nlp, gazetteer) for a in articles]))
    print(f"kg package: {Path(kg.__file__).parent}")
    print(f"corpus: {len(articles)} articles, {words} words")
    print(f"raw spaCy nlp(text):   {words / spacy_s:8.0f} words/s  ({spacy_s:.2f} s)")
    print(f"kg extract_article:    {words / kg_s:8.0f} words/s  ({kg_s:.2f} s)")
    print(f"ratio kg / raw spaCy:  {spacy_s / kg_s:.2f}")


if __name__ == "__main__":
    main()
