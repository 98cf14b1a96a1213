"""The word lists of ``kg/extract/rules/words.json``: cue words the rules and
the fact reader share (trigger verbs, role nouns, titles, count nouns...).
A new cue word goes into that file, not into code.

>>> "acquire" in word_list("acquire_verbs")
True
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

__all__ = ["WORDS_FILE", "load_words", "word_list"]

WORDS_FILE = Path(__file__).with_name("rules") / "words.json"


@lru_cache(maxsize=4)
def load_words(path: str | Path = WORDS_FILE) -> dict:
    """Every word list in ``path`` (cached)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def word_list(name: str, path: str | Path = WORDS_FILE) -> tuple[str, ...]:
    """One word list; a KeyError names the lists there are."""
    words = load_words(path)
    if name not in words:
        raise KeyError(f"no word list {name!r} in {path} (known: {', '.join(sorted(words))})")
    return tuple(words[name])
