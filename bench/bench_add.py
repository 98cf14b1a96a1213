"""`kg add` of one article to an N-article graph against `kg build` of that
article alone, in the same run (issue 9: goal ≤ 2×). Not a test: a
measurement. Writes its section of bench/RESULTS.md (``--write``) or prints it.

The N-article graphs are not read by NLP (≈ 1,000 words/s would take hours):
the five articles of ../shared/articles are built once, and their journal's
extractions are copied N times with every name swapped for an invented one
(drawn Zipf-like from a pool that grows with N, so a few names recur often
and most rarely, and the graph grows like a real one) and with new article
ids. This is a stand-in at the level of extractions, made at run time and
never committed; the text-level generator in bench/corpus.py swaps names in
the articles themselves and needs NLP. The base graph is then written by
`kg remove` of one of the N + 1 copies (timed too: the cost of a removal),
and the real article 002 is added to it with `kg add`.

Every command runs as a fresh process through the CLI, model load
included, like a user's. At the largest N the time of `kg add` is also
split into its stages, in this process.

Run:  python bench/bench_add.py [--sizes 10 100 300] [--write]
"""

from __future__ import annotations

import argparse
import os
import pickle
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from itertools import accumulate
from pathlib import Path
from statistics import linear_regression, mean

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from kg.extract import Extraction  # noqa: E402
from kg.journal import Journal, journal_path_for  # noqa: E402
from kg.schema import Mention, stable_id  # noqa: E402
from sections import write_section  # noqa: E402 - bench/sections.py, beside this script

ARTICLES = HERE.parent / "shared" / "articles"
ADDED = ARTICLES / "002_893f16c0d21005b9.txt"
RESULTS = HERE / "bench" / "RESULTS.md"
HEADING = "## `kg add` of one article against building it alone"

SYLLABLES = ["zi", "crax", "brum", "vel", "or", "van", "ta", "que", "lix", "tan", "drel", "mo", "ra", "ko", "sen",
             "dy", "na", "mix", "ter", "plo"]
SECOND = {"Organization": ["Cloud", "Systems", "Labs", "Motors", "Bank", "Group", "Robotics", "Energy", "Capital"],
          "Product": ["One", "Pro", "X", "Max", "3", "Edge"], "Place": ["", "ia", "stan", " City"]}
#: names in the pool per article of the graph, per class: about as many entities per article as the five have
POOL_PER_ARTICLE = 8


class NamePool:
    """Invented names per class, drawn Zipf-like (rank r with weight 1 / (r + 1))."""

    def __init__(self, size: int, seed: int = 9):
        self.rng = random.Random(seed)
        self.size = size
        self.names: dict[str, list[str]] = {}
        self.cumulative: dict[str, list[float]] = {}

    def _invent(self, label: str) -> str:
        def word() -> str:
            return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 3))).capitalize()
        if label == "Person":
            return f"{word()} {word()}"
        if label == "Place":
            return word() + self.rng.choice(SECOND["Place"])
        return f"{word()} {self.rng.choice(SECOND.get(label, SECOND['Organization']))}"

    def draw(self, label: str) -> str:
        if label not in self.names:
            self.names[label] = list(dict.fromkeys(self._invent(label) for _ in range(self.size)))
            self.cumulative[label] = list(accumulate(1 / (rank + 1) for rank in range(len(self.names[label]))))
        return self.rng.choices(self.names[label], cum_weights=self.cumulative[label])[0]


def swapped(ex: Extraction, copy: int, pool: NamePool) -> Extraction:
    """``ex`` as article number ``copy``: a new id and file, every name but topics swapped, the same in the whole article."""
    article_id = stable_id("bench-add", copy)
    names: dict[str, str] = {}

    def mention(m: Mention) -> Mention:
        if m.label == "Topic":
            return m
        new = names.setdefault(m.name, pool.draw(m.label))
        return replace(m, text=m.text.replace(m.name, new) if m.name in m.text else new, key=new)

    def moved(item):
        return replace(item, evidence=replace(item.evidence, article_id=article_id))

    return Extraction(
        replace(ex.article, id=article_id, source=f"synthetic/{copy:06d}.txt", url=None, key=None),
        tuple((mention(m), replace(ev, article_id=article_id)) for m, ev in ex.mentions),
        tuple(moved(replace(r, subject=mention(r.subject), object=mention(r.object))) for r in ex.relations),
        tuple(moved(replace(x, subject=mention(x.subject))) for x in ex.measurements))


def kg(*args: str) -> float:
    """Seconds one `kg` command takes, as a fresh process."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "kg", *args], check=True, cwd=HERE, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def base_graph(folder: Path, n: int, five: list[Extraction], settings) -> tuple[Path, float]:
    """An N-article graph of swapped copies, written by `kg remove` of an (N + 1)th; the seconds that removal took."""
    graph = folder / f"base{n}.trig"
    pool = NamePool(POOL_PER_ARTICLE * n)
    with Journal.create(journal_path_for(graph), settings) as journal:
        for copy in range(n + 1):
            journal.put(swapped(five[copy % len(five)], copy, pool))
    graph.touch()  # kg remove rewrites a graph that exists
    return graph, kg("remove", f"{n:06d}.txt", "--from", str(graph))


def stages(graph: Path) -> tuple[dict[str, float], bool]:
    """Where the time of adding the article to ``graph`` goes, stage by stage, in this process (kg add's own
    path, kg.pipeline.add_articles, its steps timed where they are called); whether it was added in place."""
    import kg.pipeline
    import kg.store
    from kg.extract import load_pipeline

    spent: dict[str, float] = defaultdict(float)

    def timed(owner, name: str) -> None:
        original = getattr(owner, name)

        def clocked(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - start
        setattr(owner, name, clocked)

    for owner, name in ((Journal, "kept"), (Journal, "keep"), (kg.pipeline, "_add_in_place"),
                        (kg.pipeline, "add_to_graph"), (kg.store, "_refresh_summary_rows"), (kg.store, "_append_lines"),
                        (kg.store, "_store_key")):
        timed(owner, name)
    load_pipeline()  # the model is loaded in both commands alike: not a stage of adding
    start = time.perf_counter()
    change = kg.pipeline.add_articles(graph, [ADDED])
    total = time.perf_counter() - start
    times = {
        "read, parse and extract the article (and put it into the journal)":
            total - spent["kept"] - spent["_add_in_place"],
        "read what the last resolution kept in the journal": spent["kept"],
        "resolve the article and write its triples": spent["_add_in_place"] - spent["keep"] - spent["add_to_graph"],
        "keep the resolution in the journal": spent["keep"],
        "copy the store, load the triples it does not hold (and move the copy into place)":
            spent["add_to_graph"] - spent["_refresh_summary_rows"] - spent["_append_lines"] - spent["_store_key"],
        "refresh the rows of the summary graph the new triples touch": spent["_refresh_summary_rows"],
        "append the new triples to the graph file": spent["_append_lines"],
        "hash the graph file (the store's cache key)": spent["_store_key"],
    }
    return times, change.in_place


def in_place_share(graph: Path, n: int, five: list[Extraction], k: int) -> int:
    """Of ``k`` more swapped copies (the next articles of the stand-in corpus), how many `kg add` would add in
    place to ``graph``: each inserted on its own into the resolution its journal keeps."""
    from kg.pipeline import _RESOLVED

    with Journal.open(journal_path_for(graph)) as journal:
        kept = pickle.dumps(journal.kept(_RESOLVED).resolver)
    pool = NamePool(POOL_PER_ARTICLE * n)
    for copy in range(n + 1):  # the names the base graph drew
        swapped(five[copy % len(five)], copy, pool)
    return sum(pickle.loads(kept).insert(swapped(five[copy % len(five)], copy, pool)) is not None
               for copy in range(n + 1, n + 1 + k))


def resolution_cost(folder: Path, n: int, five: list[Extraction], settings) -> tuple[int, float, float, int, int]:
    """What `kg add` pays at N articles whatever writes the graph: reading the journal and resolving every
    article again (in this process): journal bytes, seconds for each, entities and relations."""
    from kg.model import load_catalogue
    from kg.resolve import resolve

    path = folder / f"resolve{n}.journal.sqlite"
    pool = NamePool(POOL_PER_ARTICLE * n)
    with Journal.create(path, settings) as journal:
        for copy in range(n):
            journal.put(swapped(five[copy % len(five)], copy, pool))
    entries = load_catalogue()
    start = time.perf_counter()
    with Journal.open(path) as journal:
        extractions = list(journal.extractions())
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    resolution = resolve(extractions, entries)
    resolve_s = time.perf_counter() - start
    size = path.stat().st_size
    path.unlink()
    return size, read_s, resolve_s, len(resolution.entities), len(resolution.statements)


def machine() -> str:
    load = os.getloadavg()[0]
    return (f"{os.cpu_count()} cores, {platform.system()} {platform.release()}, Python {platform.python_version()}; "
            f"load average {load:.1f} at the start (other work shares the cores)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 300], help="articles in the base graph")
    ap.add_argument("--resolve-sizes", type=int, nargs="*", default=[1000, 10000],
                    help="articles at which to time only reading the journal and resolving (in this process)")
    ap.add_argument("--trials", type=int, default=40,
                    help="more stand-in articles per size whose addition in place is tried (in this process)")
    ap.add_argument("--write", action="store_true", help="write the section into bench/RESULTS.md")
    args = ap.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kg-bench-add-"))
    os.environ["KG_CACHE_DIR"] = str(folder / "cache")  # the stores of the graphs go with them (here and in kg's)
    env_note = machine()
    try:
        kg("build", str(ARTICLES), "-o", str(folder / "five.trig"), "-q", "-j", "1")
        with Journal.open(journal_path_for(folder / "five.trig")) as journal:
            five, settings = list(journal.extractions()), journal.settings
        rows = []
        for n in args.sizes:
            graph, remove_s = base_graph(folder, n, five, settings)
            in_place = in_place_share(graph, n, five, args.trials)
            if n == max(args.sizes):  # a copy for the split into stages (its time as it was: the same file)
                for path in (graph, journal_path_for(graph)):
                    shutil.copy2(path, folder / path.name.replace(f"base{n}", "stages"))
            alone_s = kg("build", str(ADDED), "-o", str(folder / "alone.trig"), "-q", "-j", "1")
            add_s = kg("add", str(ADDED), "--into", str(graph), "-q", "-j", "1")
            size = graph.stat().st_size
            rows.append((n, size, journal_path_for(graph).stat().st_size, alone_s, add_s, remove_s, in_place))
            print(f"N={n}: alone {alone_s:.1f} s, add {add_s:.1f} s ({add_s / alone_s:.1f}×), remove {remove_s:.1f} s, "
                  f"{in_place} of {args.trials} more in place", file=sys.stderr, flush=True)
            if n != max(args.sizes):
                for path in folder.glob(f"*base{n}*"):
                    path.unlink() if path.is_file() else shutil.rmtree(path)
                shutil.rmtree(folder / "cache", ignore_errors=True)
        split = stages(folder / "stages.trig")
        resolving = []
        for n in args.resolve_sizes:
            resolving.append((n, *resolution_cost(folder, n, five, settings)))
            print(f"N={n}: read the journal {resolving[-1][2]:.1f} s, resolve {resolving[-1][3]:.1f} s",
                  file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    section = render(rows, split, resolving, env_note, args)
    if args.write:
        write_section(RESULTS, HEADING, section)  # bench/sections.py: this section only, the others as they are
    print(f"{HEADING}\n\n{section}")


def render(rows, split, resolving, env_note, args) -> str:
    sizes = args.sizes
    table = ["| articles in the graph | graph file (MB) | journal (MB) | `kg build` of the article alone (s) "
             f"| `kg add` of it (s) | add / alone | `kg remove` of one (s) | of {args.trials} more, added in place |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for n, size, journal, alone_s, add_s, remove_s, in_place in rows:
        table.append(f"| {n:,} | {size / 1e6:.1f} | {journal / 1e6:.1f} | {alone_s:.1f} | {add_s:.1f} "
                     f"| {add_s / alone_s:.1f}× | {remove_s:.1f} | {in_place} |")
    times, in_place = split
    total = sum(times.values())
    parts = [f"| {name} | {s:.2f} | {s / total:.0%} |" for name, s in times.items()]
    large = rows[-1]
    # seconds per article already in the graph: the slope of add's time over the sizes (least squares)
    growth = linear_regression([r[0] for r in rows], [r[4] for r in rows]).slope if len(rows) > 1 else 0.0
    at_10k = large[4] + growth * (10_000 - large[0])
    alone = mean(r[3] for r in rows)
    if len(rows) > 1 and growth > 0:
        trend = (f"`kg add` grows by about {growth * 1000:.1f} ms per article already in the graph (slope over "
                 f"{len(rows)} sizes, {rows[0][0]:,} to {large[0]:,} articles); on that line it takes about "
                 f"{at_10k:,.0f} s at 10,000 articles, {at_10k / alone:.1f}× building the article alone "
                 f"({alone:.1f} s on average here): "
                 + ("within the goal (≤ 2×)." if at_10k <= 2 * alone else "the goal (≤ 2×) is not met at that size."))
    else:
        trend = "No growth that this run's noise lets one measure."
    fallback = resolving[-1] if resolving else None
    return "\n".join([
        f"Regenerate this section: `python bench/bench_add.py --sizes {' '.join(map(str, sizes))} "
        f"--resolve-sizes {' '.join(map(str, args.resolve_sizes))} --trials {args.trials} --write`.",
        f"Machine: {env_note}. One run per size; each command is a fresh process through the CLI (model load "
        "included, as for a user). The base graphs are the five articles' extractions copied with invented, "
        "Zipf-drawn names (a stand-in made at run time, see the script's docstring), not articles read by NLP; "
        "the article added is ../shared/articles/002 (1 article, real NLP). The last column: of as many more "
        "stand-in articles (the next copies, names drawn from the same pool), how many `kg add` would add in "
        "place, each tried on its own against the resolution the graph's journal keeps "
        "(`Resolver.insert`); the others have every article resolved again.", "",
        *table, "",
        f"Where the time of adding it to the {max(sizes):,}-article graph goes, in one process "
        f"(`add_articles`, model loaded before; {'added in place' if in_place else 'every article resolved again'}):",
        "",
        "| stage | s | share |", "|---|---:|---:|", *parts, "",
        "`kg add` resolves only the new article, from the resolution the journal keeps (`Resolver.insert`, "
        "as if it had come in id order); of its share of the graph, the triples the store does not hold go "
        "into a copy of the store (hard links) and are appended to the graph file, and only the rows of the "
        "summary graph they touch are computed again (`kg.store._refresh_summary_rows`). What still grows with "
        "the graph: reading and keeping that resolution in the journal, hashing the whole graph file (the "
        "store's cache key), and the rows of an entity that many articles name (recounted whole when one more "
        f"names it). {trend}", "",
        "When a new article may change what was decided for the others (it spells a name first that a later "
        "article by id spelt otherwise, comes within fuzzy reach of a later one's name, changes an entity's "
        "class), `kg add` resolves every article again and rewrites the graph, as `kg remove` always does. "
        "What that costs beyond writing the graph, timed in one process on the same stand-in extractions "
        "(in memory, by `kg.resolve.resolve`; `kg add` streams the same reading):", "",
        "| articles | journal (MB) | read the journal (s) | resolve (s) | entities | relations |",
        "|---:|---:|---:|---:|---:|---:|",
        *[f"| {n:,} | {size / 1e6:.1f} | {read_s:.1f} | {resolve_s:.1f} | {entities:,} | {relations:,} |"
          for n, size, read_s, resolve_s, entities, relations in resolving], "",
        *([f"At {fallback[0]:,} articles these two take {fallback[2] + fallback[3]:.0f} s, "
           f"{(fallback[2] + fallback[3]) / alone:.1f}× building the article alone in this run."] if fallback else []),
    ])


if __name__ == "__main__":
    main()
