"""Linearity of reading and extraction in an article's length: the time per
character of a made-up article of 4N characters against one of N, for kg's
ingest, kg's extract_article and raw spaCy parsing (the baseline). A ratio
near 1 is linear; quadratic work shows as a ratio near 4. Ratios, not
seconds, so that the figures compare across machines. Not a test: a
measurement.

Run:  python bench/bench_long_article.py [--chars 75000] [--repeat 2] [--kg-root DIR]

``--kg-root`` measures another checkout of kg (an older commit, say).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent

# Invented companies, people and places; sentences of the kinds the rules read.
COMPANIES = ["Zorvex Robotics", "Quillon Labs", "Marrow Foods", "Tessel Bank", "Orrin Holdings", "Vantrel Cloud"]
PEOPLE = ["Jane Roe", "John Doe", "Mara Quill"]
PLACES = ["Ohio", "Germany", "Japan", "Texas", "Brazil"]
SENTENCES = [
    "{a} said on Tuesday that revenue rose {p}% year-on-year to ${n} billion in the second quarter of 2025.",
    "{a} chief executive {person} said the company will partner with {b} to build data centres in {place}.",
    "{b} agreed to buy a {p}% stake in {a} for ${n} million, the companies said on March {d}, 2025.",
    "The unit, a subsidiary of {a}, supplies chips to {b}.",
    "{a} competes with {b} in cloud services.",
    "Its profit fell {p}% to ${n} million in the six months to June 30.",
]


def made_up_article(chars: int, seed: int = 0) -> str:
    rnd = random.Random(seed)
    lines = ["Vantrel Cloud Expands Across Markets", "March 4, 2025", ""]
    size = 0
    while size < chars:
        paragraph = " ".join(rnd.choice(SENTENCES).format(
            a=rnd.choice(COMPANIES), b=rnd.choice(COMPANIES), person=rnd.choice(PEOPLE), place=rnd.choice(PLACES),
            p=rnd.randint(1, 90), n=rnd.randint(1, 900), d=rnd.randint(1, 28)) for _ in range(rnd.randint(2, 5)))
        lines += [paragraph, ""]
        size += len(paragraph) + 2
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chars", type=int, default=75_000, help="N: the short article's length (the long one is 4N)")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--kg-root", type=Path, default=HERE, help="the kg checkout to measure (default: this one)")
    args = ap.parse_args()
    sys.path.insert(0, str(args.kg_root))

    import kg
    from kg.extract import Gazetteer, extract_article, load_pipeline
    from kg.ingest import article_from_text
    from kg.model import load_catalogue

    entries = load_catalogue(None)
    gazetteer = Gazetteer(entries)
    keep = [a for e in entries for a in e.aliases]
    nlp = load_pipeline()
    nlp.max_length = max(nlp.max_length, 8 * args.chars)
    extract_article(article_from_text(made_up_article(2000), "warm.txt", keep=keep), nlp, gazetteer)  # warm caches

    def best(fn) -> float:
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    rows = {}
    for size in (args.chars, 4 * args.chars):
        text = made_up_article(size)
        article = article_from_text(text, "long.txt", keep=keep)
        rows[size] = (best(lambda: article_from_text(text, "long.txt", keep=keep)),
                      best(lambda: nlp(article.clean)), best(lambda: extract_article(article, nlp, gazetteer)))
    small, big = rows[args.chars], rows[4 * args.chars]
    print(f"kg package: {Path(kg.__file__).parent}")
    print(f"articles: {args.chars:,} and {4 * args.chars:,} characters (made up), best of {args.repeat}")
    print(f"{'':24}{'N':>9}{'4N':>9}   time per character, 4N / N")
    for (name, a, b) in zip(("kg ingest", "raw spaCy nlp(text)", "kg extract_article"), small, big):
        print(f"{name:24}{a:8.2f}s{b:8.2f}s   {b / a / 4:.2f}")


if __name__ == "__main__":
    main()
