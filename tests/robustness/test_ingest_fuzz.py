"""Properties of ingest on made-up hostile input (Hypothesis): random bytes,
encodings, dates, sizes and JSON Lines lines. Whatever the input, every file
(and every JSON Lines line) is either read or reported by name, reading never
raises, and a good file beside the bad ones is still read."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kg.extract.facts import period_phrases
from kg.ingest import SUFFIXES, IngestError, read_articles, read_path

pytestmark = pytest.mark.issue(8)

GOOD = "Zorvex Robotics opened a plant in Ohio on March 3, 2025.\n"
WORDS = st.sampled_from("Zorvex Quillon Marrow Labs grew sold bought 12% $5 billion in on the 2025 . , \n".split(" "))
TEXTS = st.lists(WORDS, min_size=1, max_size=30).map(" ".join)
# a date as a JSON value: mostly date-like strings, some impossible, some not strings at all
DATES = st.one_of(
    st.builds("{:04d}-{:02d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32)),
    st.builds("{:04d}-{:02d}".format, st.integers(0, 9999), st.integers(0, 13)),
    st.text(max_size=12), st.integers(), st.floats(allow_nan=True), st.booleans(), st.none(),
    st.lists(st.integers(), max_size=2),
)


def accounted(folder: Path, names: list[str]) -> tuple[list, list[IngestError]]:
    """Read ``folder``; check every file in ``names`` is read or reported."""
    errors: list[IngestError] = []
    articles = list(read_articles([folder], on_error=errors.append))
    for name in names:
        path = str(folder / name)
        read = [a for a in articles if a.source == path or a.source.startswith(path + ":")]
        reported = [e for e in errors if e.path == path or e.path.startswith(path + ":")]
        assert read or reported, f"{name} was neither read nor reported"
        assert all(e.reason for e in reported)
    return articles, errors


@given(files=st.lists(st.tuples(st.sampled_from(sorted(SUFFIXES)), st.binary(max_size=300)), max_size=6))
def test_random_bytes_are_read_or_reported_by_name(files):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "0_good.txt").write_text(GOOD, encoding="utf-8")
        names = ["0_good.txt"]
        for n, (suffix, data) in enumerate(files, 1):
            names.append(f"{n}_fuzz{suffix}")
            (folder / names[-1]).write_bytes(data)
        articles, _ = accounted(folder, names)
        assert articles[0].source == str(folder / "0_good.txt")
        assert all("\x00" not in a.text for a in articles)


@given(text=st.text(min_size=1, max_size=200), encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]))
def test_text_in_any_marked_encoding_reads_back(text, encoding):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "a.txt"
        p.write_bytes(text.encode(encoding, errors="surrogatepass"))
        try:
            (article,) = read_path(p)
        except IngestError as err:
            # only what is no text: blank, a NUL, a lone surrogate, a UTF-8 mark read as the text's start
            assert err.path == str(p)
            assert (not text.strip() or "\x00" in text or any(0xD800 <= ord(c) <= 0xDFFF for c in text)
                    or text.lstrip("\ufeff").strip() == "")
        else:
            assert article.text in (text, text.removeprefix("\ufeff"))


@given(size=st.integers(1, 400), limit=st.integers(1, 300))
def test_size_limit(size, limit):
    text = ("Zorvex grew in 2025. " * 20)[:size].rstrip() or "Z"
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "a.md"
        p.write_text(text, encoding="utf-8")
        try:
            (article,) = read_path(p, max_chars=limit)
        except IngestError as err:
            assert len(text) > limit and "the limit for one article is" in err.reason
        else:
            assert len(article.text) <= limit and len(article.clean) <= limit


LINES = st.one_of(
    st.fixed_dictionaries({"text": TEXTS}, optional={"date": DATES, "title": st.one_of(st.text(max_size=20), st.integers()),
                                                     "id": st.one_of(st.text(max_size=5), st.integers())}).map(json.dumps),
    st.text(max_size=40),  # anything at all, mostly broken JSON
    st.builds(json.dumps, st.one_of(st.integers(), st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))),
)


@given(lines=st.lists(LINES, max_size=12))
def test_jsonl_lines_are_each_read_or_reported(lines):
    with tempfile.TemporaryDirectory() as tmp:
        p = Path(tmp) / "wire.jsonl"
        content = "\n".join(lines + [json.dumps({"text": GOOD})])
        p.write_text(content, encoding="utf-8", newline="")
        errors: list[IngestError] = []
        articles = read_path(p, on_error=errors.append)
        read = {int(a.source.rsplit(":", 1)[1]) for a in articles}
        failed = {int(e.path.rsplit(":", 1)[1]) for e in errors}
        physical = content.split("\n")  # a generated line may hold line breaks of its own
        assert read | failed == {n for n, line in enumerate(physical, 1) if line.strip()} and not read & failed
        assert len(physical) in read  # the good last line
        for a in articles:  # a date kept is a string, and a calendar date where it looks like one
            assert a.published is None or isinstance(a.published, str)


@given(published=st.one_of(st.none(), DATES.filter(lambda d: isinstance(d, str))), day=st.integers(0, 99),
       month=st.sampled_from(["February", "April", "June", "September"]))
def test_period_phrases_never_raise_on_dates(published, day, month):
    phrases = period_phrases(f"Zorvex said on {month} {day}, 2025 and on Tuesday that sales rose this year", 2025,
                             published)
    for _, _, period in phrases:
        assert period and "-00" not in period
