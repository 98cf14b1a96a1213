"""Extraction: from an :class:`~kg.schema.Article` to mentions, relations and
measurements (unresolved). The only stage that uses spaCy."""

from .base import DEFAULT_EXTRACTORS, Extraction, Extractor, extract_article, extractors, get_extractor
from .mentions import Gazetteer
from .nlp import load_pipeline

__all__ = ["DEFAULT_EXTRACTORS", "Extraction", "Extractor", "Gazetteer", "extract_article", "extractors",
           "get_extractor", "load_pipeline"]
