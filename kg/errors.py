"""Errors kg raises for things a user can fix; each message says what to do.

>>> str(UnknownExtractorError("nope.v1", ["kg.facts.v1", "kg.rules.v1"]))
"unknown extractor 'nope.v1'; available: kg.facts.v1, kg.rules.v1"
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["KgError", "UnknownExtractorError", "ModelNotFoundError"]


class KgError(Exception):
    """Base class of kg's user-facing errors."""


class UnknownExtractorError(KgError, KeyError):
    def __init__(self, name: str, known: Iterable[str]):
        super().__init__(f"unknown extractor {name!r}; available: {', '.join(sorted(known))}")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class ModelNotFoundError(KgError, OSError):
    """No spaCy English pipeline is installed."""
