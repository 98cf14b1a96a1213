"""Generated news for the benchmarks of issue 9: N articles made at run time
from real ones, with their named organisations, people and products swapped
for invented names.

The templates are the articles of ``../shared/articles`` and the *tune* half
of ``../shared/news`` (``tests/data/splits.toml``; the check half is never
read). Every name of an organisation, person or product the entity catalogue
(``triples/catalogue.ttl``) knows, under any alias, is replaced wherever the
template says it; all its aliases become one invented name. Places and
topics stay: real news names the same countries again and again. Invented
names are drawn from a pool by a Zipf law (rank r with weight 1 / r^1.1), so
a few come back in many articles and most in few, and the graph grows as a
real one does: new entities all the time, at a falling rate.

Each article is a window of the template's paragraphs (all of them, or about
``words`` words from a paragraph drawn at random), with a title, a URL of its
own (so no two are the same article) and a date. The same seed gives the
same corpus. Generated text is never committed: write it to a temporary
folder.

>>> a, b = generate(3, seed=1), generate(3, seed=1)
>>> a == b, len(a), sorted(a[0])
(True, 3, ['date', 'id', 'text', 'title', 'url'])

Run:  python bench/corpus.py 1000 -o /tmp/corpus [--seed 0] [--words 150]
(writes /tmp/corpus/corpus.jsonl, which ``kg build`` reads).
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import json
import random
import re
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kg.model import load_catalogue  # noqa: E402

SHARED = ROOT.parent / "shared"
#: The classes whose names are swapped.
SWAPPED = ("Organization", "Person", "Product")
#: Zipf exponent and the number of names of each class in the pool.
ZIPF_S = 1.1
POOL_SIZE = 200_000

_SYLLABLES = ["zi", "crax", "brum", "vel", "or", "van", "ta", "que", "lix", "tan", "drel", "mo", "ra", "ko", "sen",
              "dy", "na", "mix", "ter", "plo", "ga", "rin", "sol", "bex", "um", "fa", "lo", "kin", "dor", "pe"]
_ORG_WORDS = ["Systems", "Labs", "Group", "Motors", "Technologies", "Robotics", "Networks", "Energy", "Semiconductor",
              "Cloud", "Capital", "Holdings", "Pharma", "Dynamics", "AI"]
_FIRST = ["Ana", "Wei", "Lars", "Priya", "Omar", "Chloe", "Kenji", "Marta", "Tunde", "Elena", "Ravi", "Sofia",
          "Jonas", "Mei", "Diego", "Amara", "Lucas", "Hana", "Ivan", "Nadia"]
_MODEL = ["X", "Pro", "Max", "Nova", "Ultra", "Edge", "Core", "Flash"]


@dataclass(frozen=True)
class Template:
    """A real article whose catalogue names are found: ``spans`` are (start,
    end, entity label, class) in ``text``, in order, never overlapping;
    ``title_spans`` the same in ``title``."""

    name: str
    title: str | None
    text: str
    spans: tuple[tuple[int, int, str, str], ...]
    title_spans: tuple[tuple[int, int, str, str], ...] = ()


def _word(rng: random.Random, low: int = 2, high: int = 3) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(low, high))).capitalize()


def invented_name(kind: str, rank: int, seed: int = 0) -> str:
    """The pool's name of class ``kind`` at ``rank`` (the same for the same
    arguments; names of different ranks may rarely coincide).

    >>> invented_name("Person", 0) == invented_name("Person", 0) != invented_name("Person", 1)
    True
    """
    rng = random.Random(f"{seed}/{kind}/{rank}")
    if kind == "Person":
        return f"{rng.choice(_FIRST)} {_word(rng)}"
    if kind == "Product":
        return f"{_word(rng, 2, 2)} {rng.choice(_MODEL)}-{rng.randint(2, 99)}"
    return f"{_word(rng)} {rng.choice(_ORG_WORDS)}"


@cache
def _cumulative(size: int, s: float) -> list[float]:
    return list(itertools.accumulate(1 / (r + 1) ** s for r in range(size)))


def zipf_rank(rng: random.Random, size: int = POOL_SIZE, s: float = ZIPF_S) -> int:
    """A rank in ``range(size)`` drawn with weight 1 / (rank + 1) ** s."""
    cum = _cumulative(size, s)
    return bisect.bisect_left(cum, rng.random() * cum[-1])


def _tune_ids() -> set[str]:
    with (ROOT / "tests" / "data" / "splits.toml").open("rb") as fh:
        return set(tomllib.load(fh)["tune"])


def _sources(shared: Path) -> Iterator[tuple[str, str | None, str]]:
    for path in sorted((shared / "articles").glob("*.txt")):
        yield path.name, None, path.read_text(encoding="utf-8")
    tune = _tune_ids()
    with (shared / "news" / "news.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            if record.get("id") in tune:  # the check half stays unread
                yield record["id"], record.get("title"), record["text"]


@cache
def _catalogue_names() -> tuple[re.Pattern, dict[str, tuple[str, str]]]:
    """A pattern that finds the catalogue's names to swap, and each name's (entity label, class)."""
    aliases = {alias: (e.label, e.type) for e in load_catalogue() if e.type in SWAPPED
               for alias in e.aliases if len(alias) > 2}
    # longest first: "Alibaba Cloud" before "Alibaba"
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(aliases, key=len, reverse=True))) + r")(?!\w)")
    return pattern, aliases


def _spans(text: str) -> tuple[tuple[int, int, str, str], ...]:
    pattern, aliases = _catalogue_names()
    return tuple((m.start(), m.end(), *aliases[m.group()]) for m in pattern.finditer(text))


@cache
def templates(shared: Path = SHARED) -> tuple[Template, ...]:
    """The real articles, with the spans of the names to swap."""
    return tuple(Template(name, title, text, _spans(text), _spans(title or "")) for name, title, text in _sources(shared))


def _window(rng: random.Random, template: Template, words: int | None) -> tuple[int, int]:
    """Where in the template the article's text starts and ends."""
    if words is None:
        return 0, len(template.text)
    breaks = [0, *(m.end() for m in re.finditer(r"\n\s*\n", template.text)), len(template.text)]
    first = rng.randrange(len(breaks) - 1)
    start = end = breaks[first]
    for end in breaks[first + 1:]:
        if len(template.text[start:end].split()) >= words:
            break
    return start, end


def _swap(text: str, offset: int, spans, names: dict[str, str]) -> str:
    out, at = [], 0
    for start, end, label, _ in spans:
        if start - offset >= at and end - offset <= len(text):
            out += [text[at:start - offset], names[label]]
            at = end - offset
    return "".join(out + [text[at:]])


@dataclass(frozen=True)
class Plan:
    """How article ``index`` is made: which template, the window of its text,
    and the invented name of each catalogue entity (by label) it names."""

    index: int
    template: Template
    start: int
    end: int
    names: dict[str, str]

    def swap(self, text: str) -> str:
        """``text`` (from the template) with the names this article swaps swapped.

        >>> p = plan(0)
        >>> label = next(iter(p.names))
        >>> p.swap(label) == p.names[label]
        True
        """
        return _swap(text, 0, [span for span in _spans(text) if span[2] in self.names], self.names)


def plan(index: int, *, seed: int = 0, words: int | None = None, shared: Path = SHARED) -> Plan:
    """The plan of article number ``index`` of the corpus of ``seed``."""
    rng = random.Random(f"{seed}:{index}")
    template = rng.choice(templates(shared))
    start, end = _window(rng, template, words)
    names: dict[str, str] = {}
    taken: set[str] = set()
    for _, _, label, kind in [*template.spans, *template.title_spans]:
        if label not in names:
            name = invented_name(kind, zipf_rank(rng), seed)
            while name in taken:  # two things of one article keep two names
                name = invented_name(kind, zipf_rank(rng), seed)
            names[label] = name
            taken.add(name)
    return Plan(index, template, start, end, names)


def generate_one(index: int, *, seed: int = 0, words: int | None = None, shared: Path = SHARED) -> dict:
    """Article number ``index`` of the corpus of ``seed`` (a JSON Lines record)."""
    p = plan(index, seed=seed, words=words, shared=shared)
    template = p.template
    spans = [span for span in template.spans if p.start <= span[0] and span[1] <= p.end]
    title = template.title and _swap(template.title, 0, template.title_spans, p.names)
    day = date(2025, 1, 1) + timedelta(days=index % 365)
    return {"id": f"gen-{seed}-{index}", "title": title, "url": f"https://news.invalid/{seed}/{index}",
            "date": day.isoformat(), "text": _swap(template.text[p.start:p.end], p.start, spans, p.names).strip()}


def generate(n: int, *, seed: int = 0, words: int | None = None, shared: Path = SHARED) -> list[dict]:
    """The first ``n`` articles of the corpus of ``seed``."""
    return [generate_one(i, seed=seed, words=words, shared=shared) for i in range(n)]


def write_corpus(n: int, folder: str | Path, *, seed: int = 0, words: int | None = None,
                 shared: Path = SHARED) -> Path:
    """Write ``n`` articles to ``folder/corpus.jsonl`` (one at a time) and return its path."""
    path = Path(folder) / "corpus.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps(generate_one(i, seed=seed, words=words, shared=shared), ensure_ascii=False) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="articles to make")
    parser.add_argument("-o", "--output", type=Path, required=True, help="folder for corpus.jsonl")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--words", type=int, default=None, help="about this many words an article (default: whole)")
    args = parser.parse_args()
    path = write_corpus(args.n, args.output, seed=args.seed, words=args.words)
    print(f"wrote {path}: {args.n} articles")


if __name__ == "__main__":
    main()
