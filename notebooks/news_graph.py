"""Rebuild ``notebooks/news.trig``, the graph the notebooks explore.

It is the graph of the sixteen real articles of ``../shared/news`` and the
five of ``../shared/articles``, built as ``kg build --no-quotes`` builds it
(no sentence, no headline), and without the articles' URLs: a URL's slug
can spell out a headline that the article's text repeats. Article ids,
dates, file names and character offsets stay, so every triple still leads
back to its article. Run from the repository root, with ``../shared``
beside it::

    python notebooks/news_graph.py
"""

from pathlib import Path

from rdflib.namespace import SDO

from kg.pipeline import build_graph
from kg.store import save_graph

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUTPUT = ROOT / "notebooks" / "news.trig"


def main() -> None:
    result = build_graph([SHARED / "news" / "news.jsonl", SHARED / "articles"], quotes=False)
    result.graph.remove((None, SDO.url, None))
    save_graph(result.graph, OUTPUT)
    print(f"wrote {OUTPUT.relative_to(ROOT)}: {result.stats.summary()}")


if __name__ == "__main__":
    main()
