"""Errors kg raises for things a user can fix; each message says what to do.

>>> str(UnknownExtractorError("nope.v1", ["kg.facts.v1", "kg.rules.v1"]))
"unknown extractor 'nope.v1'; available: kg.facts.v1, kg.rules.v1"
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["KgError", "InputError", "UnknownExtractorError", "ModelNotFoundError"]


class KgError(Exception):
    """Base class of kg's user-facing errors."""


class InputError(KgError):
    """One input (a file, a line of a JSON Lines file, an article) that is
    left out of a build; the message names it and says why.

    >>> str(InputError("news/a.txt", "is empty"))
    'news/a.txt: is empty'
    """

    def __init__(self, path: object, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class UnknownExtractorError(KgError, KeyError):
    def __init__(self, name: str, known: Iterable[str]):
        super().__init__(f"unknown extractor {name!r}; available: {', '.join(sorted(known))}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ModelNotFoundError(KgError, OSError):
    """No spaCy English pipeline is installed."""
