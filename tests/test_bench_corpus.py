"""bench/corpus.py, the generated news of the benchmarks (issue 9):
deterministic for a seed, catalogue names swapped, invented names drawn by a
Zipf law. Reads ../shared (the templates), no model."""

from __future__ import annotations

import importlib.util
import re
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.issue(9)


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_the_same_seed_gives_the_same_corpus(corpus, tmp_path):
    assert corpus.generate(30, seed=5) == corpus.generate(30, seed=5)
    assert corpus.generate(30, seed=5) != corpus.generate(30, seed=6)
    a = corpus.write_corpus(30, tmp_path / "a", seed=5, words=80).read_bytes()
    assert a == corpus.write_corpus(30, tmp_path / "b", seed=5, words=80).read_bytes()
    assert len({article["id"] for article in corpus.generate(30, seed=5)}) == 30


def test_catalogue_names_are_swapped_and_the_rest_kept(corpus):
    templates = corpus.templates()
    assert len(templates) == 5 + 8  # ../shared/articles and the tune half of ../shared/news
    swapped = {t.text[start:end] for t in templates for start, end, _, _ in t.spans}
    assert {"Alibaba", "Nvidia"} <= swapped
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, sorted(swapped, key=len, reverse=True))) + r")(?!\w)")
    for article in corpus.generate(40, seed=1):
        assert not pattern.findall(article["text"]), article["id"]
    whole = corpus.generate(40, seed=1)
    template_words = {w for t in templates for w in t.text.split()}
    kept = sum(w in template_words for a in whole for w in a["text"].split())
    assert kept / sum(len(a["text"].split()) for a in whole) > 0.8  # the text around the names is the templates'


def test_invented_names_follow_a_zipf_law(corpus):
    import random

    rng = random.Random(3)
    ranks = Counter(corpus.zipf_rank(rng) for _ in range(20_000))
    # weight 1 / r ** 1.1: rank 1 comes about 2.1 times as often as rank 2, 12.6 times as often as rank 10
    assert 1.8 < ranks[0] / ranks[1] < 2.5
    assert 9 < ranks[0] / ranks[9] < 17
    # a long tail: most names drawn come once, and new ones keep coming
    assert sum(1 for c in ranks.values() if c == 1) > len(ranks) / 2
    first, second = (len(set(corpus.zipf_rank(rng) for _ in range(n))) for n in (10_000, 20_000))
    assert first < second < 2 * first
