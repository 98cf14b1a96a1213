"""Writing one benchmark's own section of bench/RESULTS.md, leaving the others as they are.

>>> import tempfile
>>> path = Path(tempfile.mkdtemp()) / "RESULTS.md"
>>> write_section(path, "## A", "one\\n"); write_section(path, "## B", "two\\n"); write_section(path, "## A", "three\\n")
>>> print(path.read_text(encoding="utf-8"))
# Benchmark results
<BLANKLINE>
## A
<BLANKLINE>
three
<BLANKLINE>
## B
<BLANKLINE>
two
<BLANKLINE>
"""

from __future__ import annotations

import re
from pathlib import Path

__all__ = ["write_section"]


def write_section(path: Path, heading: str, body: str) -> None:
    """Put ``body`` under ``heading`` (a ``## `` line) in ``path``: in place of
    what was under that heading up to the next ``## ``, or at the end."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    section = f"{heading}\n\n{body.strip()}\n\n"
    pattern = re.compile(re.escape(heading) + r"\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
