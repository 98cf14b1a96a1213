"""`kg build` end to end on a corpus of bad input made at test time (issue 8):
every file is in the graph or named on stderr with a reason, the good ones
still build, and the exit code says whether an input failed. Loads the
trained spaCy pipeline."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kg.model import KG
from kg.store import load_graph

pytestmark = [pytest.mark.issue(8), pytest.mark.model]

ROOT = Path(__file__).resolve().parents[2]
GOOD = "Zorvex Robotics Opens Ohio Plant\nMarch 3, 2025\nZorvex Robotics opened a plant in Ohio. Its revenue rose 12% in 2025.\n"
MONTHS = "January February March April May June July August September October November December".split()


def kg_build(src: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kg", "build", str(src), "-o", str(out), "-q", *args],
                          capture_output=True, text=True, cwd=ROOT, timeout=600)


def built_files(out: Path) -> set[str]:
    return {str(name) for name in load_graph(out).objects(None, KG.fileName)}


def fuzz_file(rnd: random.Random, n: int) -> tuple[str, bytes]:
    """One made-up file: random bytes, a text in a random encoding, a random date, or random JSON Lines."""
    kind = rnd.choice(["bytes", "encoded", "date", "jsonl"])
    body = f"Quillon Labs {n} said sales rose {rnd.randint(1, 90)}% in 2025.\n"
    if kind == "bytes":
        return f"fuzz{n}.{rnd.choice(['txt', 'md', 'html'])}", rnd.randbytes(rnd.randint(0, 400))
    if kind == "encoded":
        return f"fuzz{n}.txt", body.encode(rnd.choice(["utf-8", "utf-8-sig", "utf-16", "utf-32", "latin-1"]))
    if kind == "date":
        line = f"{rnd.choice(MONTHS)} {rnd.randint(0, 40)}, {rnd.randint(0, 9999)}"
        return f"fuzz{n}.md", f"Quillon Labs Report {n}\n{line}\n{body}".encode()
    rows = [json.dumps({"text": f"Marrow Foods {n}.{i} grew {i}%.", "date": rnd.choice(["2025-02-30", "2025-03-01", 7, None])})
            if rnd.random() < 0.7 else rnd.choice(["{broken", '{"title": "no text"}', "[]", ""]) for i in range(4)]
    return f"fuzz{n}.jsonl", "\n".join(rows).encode()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("bad-input")
    (src / "good.txt").write_text(GOOD, encoding="utf-8")
    (src / "bad-date.txt").write_text(GOOD.replace("March 3, 2025", "February 30, 2025").replace("Ohio", "Utah"),
                                      encoding="utf-8")
    (src / "utf16.txt").write_bytes("Quillon Labs hired Jane Roe as chief executive.\n".encode("utf-16"))
    (src / "wire.jsonl").write_text("\n".join([
        json.dumps({"text": "Marrow Foods opened a plant in Texas.", "date": "2025-03-01"}),
        json.dumps({"text": "Marrow Foods sold its unit.", "date": "2025-02-30"}),
        "{broken",
        json.dumps({"title": "no text"}),
        json.dumps({"text": "Tessel Bank partnered with Marrow Foods.", "date": 20250301}),
        json.dumps({"text": "Tessel Bank opened an office in Spain."}),
    ]) + "\n", encoding="utf-8")
    (src / "late-nul.txt").write_bytes(b"Tessel Bank grew. " * 600 + b"\x00")
    (src / "long.md").write_text("Tessel Bank grew again. " * 300, encoding="utf-8")  # 7,200 characters
    (src / "z-copy.txt").write_text(GOOD, encoding="utf-8")
    (src / "loop.md").symlink_to(src / "loop.md")
    if hasattr(os, "mkfifo"):
        os.mkfifo(src / "pipe.txt")
    rnd = random.Random(8)
    for n in range(8):
        name, data = fuzz_file(rnd, n)
        (src / name).write_bytes(data)
    return src


@pytest.fixture(scope="module")
def build(corpus, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "g.trig"
    return kg_build(corpus, out, "--max-chars", "5000"), out


@pytest.mark.parametrize("name, reason", [
    ("wire.jsonl:2", "has a \"date\" '2025-02-30' that is no calendar date"),
    ("wire.jsonl:3", "is not valid JSON"),
    ("wire.jsonl:4", 'has no "text" field'),
    ("wire.jsonl:5", 'has a "date" 20250301 that is not a string'),
    ("late-nul.txt", "looks binary (a NUL character at offset 10800), not text"),
    ("long.md", "is 7,200 characters long; the limit for one article is 5,000"),
    ("loop.md", "is a loop of symbolic links"),
    pytest.param("pipe.txt", "is a FIFO (named pipe), not a regular file",
                 marks=pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")),
    ("z-copy.txt", "is a duplicate of"),
])
def test_each_bad_input_is_named_with_its_reason(corpus, build, name, reason):
    result, _ = build
    assert f"skipped {corpus / name}: {reason}" in result.stderr


def test_the_others_build_and_the_exit_code_says_some_failed(corpus, build):
    result, out = build
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    files = built_files(out)
    assert {"good.txt", "bad-date.txt", "utf16.txt", "wire.jsonl:1", "wire.jsonl:6"} <= files
    assert not {"z-copy.txt", "late-nul.txt", "long.md", "wire.jsonl:2"} & files
    # every file of the fuzz corpus is built or reported by name
    for path in corpus.iterdir():
        if path.name.startswith("fuzz"):
            assert path.name in files or any(f.startswith(path.name + ":") for f in files) \
                or f"skipped {path}" in result.stderr, path.name
    assert result.stdout.startswith(f"wrote {out}: ")
    assert ", 1 duplicate read once" in result.stdout


def test_a_bad_date_in_the_text_builds_without_a_date(build):
    from rdflib.namespace import SDO  # here: pytest's collection trips over the closed namespace

    _, out = build
    graph = load_graph(out)
    dates = {str(graph.value(a, KG.fileName)): graph.value(a, SDO.datePublished) for a in graph.subjects(KG.fileName, None)}
    assert dates["bad-date.txt"] is None and str(dates["good.txt"]) == "2025-03-03"


def test_duplicates_alone_do_not_fail_the_build(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(GOOD, encoding="utf-8")
    (src / "b.txt").write_text(GOOD, encoding="utf-8")
    result = kg_build(src, tmp_path / "g.ttl")
    assert result.returncode == 0, result.stderr
    assert f"skipped {src / 'b.txt'}: is a duplicate of {src / 'a.txt'}" in result.stderr
    assert built_files(tmp_path / "g.ttl") == {"a.txt"}
