"""Resolution time as the number of entities grows: kg.resolve against the
resolver before the index (issue 9), both on the same synthetic extractions
in the same run. Not a test: a measurement.

The names are invented at run time: stems drawn with Zipf-like reuse (a few
names come back often, most rarely), with near-duplicates ("Zicrax Cloud",
"Zicrax Clouds", "Zicrax Cloud Inc."), names that differ in a number and a
few in other scripts. Each article names ten of them and relates each to the
next, so every entity is needed where it is named.

Run:  python bench/bench_resolve.py [--sizes 1000 3000 10000] [--baseline 74ee1d4] [--repeat 3]

``--baseline`` is the commit whose kg/resolve.py is the all-pairs resolver
(read with ``git show``, loaded beside the current one). Both must give the
same resolution; the bench stops if they do not.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import astuple, dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(HERE))

from kg.resolve import resolve  # noqa: E402
from kg.schema import Evidence, Mention, Relation  # noqa: E402

SYLLABLES = ["zi", "crax", "brum", "vel", "or", "van", "ta", "que", "lix", "tan", "drel", "mo", "ra", "ko", "sen",
             "dy", "na", "mix", "ter", "plo"]
SECOND = ["Cloud", "Systems", "Labs", "Motors", "Bank", "Dynamics", "Robotics", "Health", "Energy", "Capital"]
VARIANTS = ["{}", "{}", "{}", "{}s", "{} Inc.", "{}'s", "{} 2", "{}-32B", "{} Group"]
MENTIONS_PER_ARTICLE = 10


@dataclass(frozen=True)
class Extraction:
    """What resolve reads of kg.extract's Extraction."""

    mentions: tuple
    relations: tuple = ()
    measurements: tuple = ()


def stem(rng: random.Random) -> str:
    word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
    if rng.random() < 0.03:
        word = rng.choice(["Zürich", "Ωmega", "深圳"]) + word
    return f"{word} {rng.choice(SECOND)}"


def extractions(n_keys: int, seed: int = 9) -> list[Extraction]:
    """``n_keys`` mentions in articles of ten; stems reused Zipf-like."""
    rng = random.Random(seed)
    stems = [stem(rng) for _ in range(n_keys // 2)]
    weights = [1 / (rank + 1) for rank in range(len(stems))]
    names = [rng.choice(VARIANTS).format(s) for s in rng.choices(stems, weights, k=n_keys)]
    out = []
    for a in range(0, n_keys, MENTIONS_PER_ARTICLE):
        article = f"a{a // MENTIONS_PER_ARTICLE}"
        mentions = []
        for i, name in enumerate(names[a:a + MENTIONS_PER_ARTICLE]):
            ev = Evidence(article, i * 100, i * 100 + 50, f"{name} said so.", "bench", 0.8)
            mentions.append((Mention(name, "Organization", i * 100, i * 100 + len(name), key=name, source="ner"), ev))
        relations = tuple(Relation(m, "partnerOf", n, ev) for (m, ev), (n, _) in zip(mentions, mentions[1:]))
        out.append(Extraction(tuple(mentions), relations))
    return out


def baseline_resolve(commit: str):
    """kg.resolve.resolve as it was at ``commit``, loaded as kg._resolve_baseline."""
    source = subprocess.run(["git", "-C", str(HERE), "show", f"{commit}:kg/resolve.py"], check=True,
                            capture_output=True, text=True).stdout
    path = Path(tempfile.mkdtemp()) / "resolve_baseline.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("kg._resolve_baseline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module.resolve


def timed(fn, arg, repeat: int):
    """The best of ``repeat`` runs (the least disturbed by other work), after
    a full collection so that earlier runs' garbage is not charged to it."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = fn(arg)
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000], help="mention keys per run")
    ap.add_argument("--baseline", default="74ee1d4", help="commit with the all-pairs resolver")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    before = baseline_resolve(args.baseline)
    print("| mention keys | entities | indexed (s) | all-pairs (s) | all-pairs / indexed |")
    print("|---:|---:|---:|---:|---:|")
    times = {}
    for n in args.sizes:
        exs = extractions(n)
        indexed_s, now = timed(resolve, exs, args.repeat)
        all_pairs_s, then = timed(before, exs, args.repeat)
        if astuple(now) != astuple(then):  # two Resolution classes, one per module
            sys.exit(f"the resolutions differ at {n} mention keys")
        entities = len(now.entities)
        del exs, now, then
        times[n] = (indexed_s, all_pairs_s)
        print(f"| {n:,} | {entities:,} | {indexed_s:.2f} | {all_pairs_s:.2f} | {all_pairs_s / indexed_s:.0f}× |",
              flush=True)
    small, large = min(times), max(times)
    print(f"\nfrom {small:,} to {large:,} mention keys ({large / small:.0f}×): indexed "
          f"{times[large][0] / times[small][0]:.1f}×, all-pairs {times[large][1] / times[small][1]:.1f}×")


if __name__ == "__main__":
    main()
