"""The store under concurrent readers and writers and SIGKILL (issue 8,
item 13): a reader keeps the version it opened; writers queue; a killed
build leaves the previous graph and store as they were, and its leftovers
are removed by the next build."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kg.store import apply_update, build_store, load_graph, open_store, save_graph

ROOT = Path(__file__).resolve().parents[2]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def count(store) -> int:
    (row,) = list(store.query(COUNT))
    return int(row[0].value)


def graph_file(folder: Path, name: str, triples: int) -> Path:
    """An invented graph of ``triples`` triples (no article text)."""
    lines = [f"<urn:kg-test:s{n}> <urn:kg-test:p> \"value {n}\" ." for n in range(triples)]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def leftovers(folder: Path) -> list[str]:
    """Everything in ``folder`` besides the store link, its lock and the versions it may keep."""
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith((".store.lock", ".store.versions"))
                  and p.name not in {"store", "small.nt", "large.nt"})


def test_a_reader_keeps_its_version_while_the_store_is_rebuilt(tmp_path):
    small, large = graph_file(tmp_path, "small.nt", 10), graph_file(tmp_path, "large.nt", 50)
    folder = build_store(small, tmp_path / "store")
    before = open_store(folder)
    n_before = count(before)
    build_store(large, folder)
    after = open_store(folder)
    assert count(before) == n_before  # the old version is still there, and still whole
    assert count(after) == n_before + 40
    before.close()
    build_store(large, folder)  # the next writer removes the version no one reads any more
    versions = list((tmp_path / ".store.versions").iterdir())
    assert len(versions) == 2  # the one `after` holds and the current one
    assert count(after) == n_before + 40
    after.close()


def test_an_update_goes_to_a_new_version(tmp_path):
    folder = build_store(graph_file(tmp_path, "small.nt", 10), tmp_path / "store")
    reader = open_store(folder)
    n = count(reader)
    apply_update(folder, "INSERT DATA { <urn:kg-test:a> <urn:kg-test:b> <urn:kg-test:c> }")
    assert count(reader) == n
    assert count(open_store(folder)) == n + 1


WRITER = """
import sys
from kg.store import apply_update, build_store
graph, folder, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
for n in range(rounds):
    build_store(graph, folder)
    apply_update(folder, "INSERT DATA { <urn:kg-test:w> <urn:kg-test:round> %d }" % n)
"""

READER = """
import sys
from kg.store import open_store
folder, rounds = sys.argv[1], int(sys.argv[2])
for _ in range(rounds):
    store = open_store(folder)
    (row,) = list(store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"))
    assert int(row[0].value) > 0
    store.close()
"""


def test_two_writers_and_a_reader_on_one_store_never_corrupt_it(tmp_path):
    small, large = graph_file(tmp_path, "small.nt", 10), graph_file(tmp_path, "large.nt", 50)
    folder = build_store(small, tmp_path / "store")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(graph), str(folder), "4"], env=env,
                              stderr=subprocess.PIPE, text=True) for graph in (small, large)]
    procs.append(subprocess.Popen([sys.executable, "-c", READER, str(folder), "40"], env=env,
                                  stderr=subprocess.PIPE, text=True))
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    store = open_store(folder)
    # the last writer's graph, its last update, and the ontology: one whole version
    rounds = list(store.query("SELECT ?n WHERE { <urn:kg-test:w> <urn:kg-test:round> ?n }"))
    assert [int(row[0].value) for row in rounds] == [3]
    store.close()
    assert leftovers(tmp_path) == []


STORE_LOOP = """
import sys
from kg.store import build_store
while True:
    build_store(sys.argv[1], sys.argv[2])
"""


def test_sigkill_while_the_store_is_built_keeps_the_previous_store(tmp_path):
    large = graph_file(tmp_path, "large.nt", 3000)
    folder = build_store(large, tmp_path / "store")
    expected = count(open_store(folder))
    rng = random.Random(13)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(5):
        proc = subprocess.Popen([sys.executable, "-c", STORE_LOOP, str(large), str(folder)], env=env)
        time.sleep(rng.uniform(0.3, 1.2))  # a random point of some build, not a timed assertion
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reader = open_store(folder)
        assert count(reader) == expected
        reader.close()
    build_store(large, folder)
    assert count(open_store(folder)) == expected
    assert [p.name for p in (tmp_path / ".store.versions").iterdir()] == [os.readlink(folder).rsplit("/", 1)[-1]]
    assert leftovers(tmp_path) == []


@pytest.mark.model
def test_sigkill_during_kg_build_keeps_the_previous_graph_and_store(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n, text in enumerate(["Zicrax Cloud signed a partnership with Brumvel Systems on Monday.",
                              "Orvanta Labs supplies chips to Quelix Motors, the companies said.",
                              "Tandrel Bank agreed to buy Orvanta Labs for $1.2 billion."]):
        (corpus / f"a{n}.txt").write_text(text + "\n", encoding="utf-8")
    out = tmp_path / "out" / "g.trig"
    env = {**os.environ, "KG_CACHE_DIR": str(tmp_path / "cache")}
    command = [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(out), "-q"]
    started = time.monotonic()
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    duration = time.monotonic() - started
    previous = out.read_bytes()
    expected = count(open_store(out))
    rng = random.Random(8)
    for _ in range(2):
        proc = subprocess.Popen(command, env=env, cwd=ROOT, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, duration))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert out.read_bytes() == previous
        assert count(open_store(out)) == expected
        assert len(load_graph(out)) > 0
    # what a write killed at its worst moment leaves (an unlocked temporary file), then the next
    # build: equal to an uninterrupted one, and nothing left over
    (out.parent / ".g.trig.x1y2z3.tmp").write_bytes(previous[:100])
    subprocess.run(command, check=True, env=env, cwd=ROOT, capture_output=True)
    assert out.read_bytes() == previous
    assert sorted(p.name for p in out.parent.iterdir()) == ["g.journal.sqlite", "g.trig"]


def test_save_graph_removes_a_dead_writers_temporary_but_not_a_live_ones(tmp_path):
    graph = load_graph(graph_file(tmp_path, "small.nt", 10))
    dead, live = tmp_path / ".g.nt.dead.tmp", tmp_path / ".g.nt.live.tmp"
    dead.write_text("half a graph")
    live.write_text("being written")
    with live.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the writer holds it
        save_graph(graph, tmp_path / "g.nt")
    assert not dead.exists() and live.exists()
    assert len(load_graph(tmp_path / "g.nt")) == 10
