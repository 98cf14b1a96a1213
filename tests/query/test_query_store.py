"""The persistent store: building, caching, contents, and kg.open."""

from __future__ import annotations

import shutil

import pytest
from rdflib import Graph

import kg
from kg.model import KG
from kg.store import build_store, load_graph, ontology_path, open_store


def test_open_store_builds_once_and_reuses_the_cached_store(example_graph, tmp_path):
    graph = tmp_path / "g.ttl"
    shutil.copy(example_graph, graph)
    first = open_store(graph)
    marker = first.path / "CURRENT"
    built_at = marker.stat().st_mtime_ns
    first.close()
    second = open_store(graph)
    assert second.path == first.path and marker.stat().st_mtime_ns == built_at
    second.close()


def test_a_changed_graph_file_gets_a_new_store(example_graph, tmp_path):
    graph = tmp_path / "g.ttl"
    shutil.copy(example_graph, graph)
    before = open_store(graph)
    graph.write_text(graph.read_text() + "\n<urn:x> <urn:y> <urn:z> .\n")
    after = open_store(graph)
    assert after.path != before.path and len(after) == len(before) + 1


def test_a_graph_files_digest_is_read_once_per_version_of_the_file(example_graph, tmp_path):
    """Opening a graph hashes the file once; later opens of the same unchanged
    file read its digest from the cache (a 10,000-article graph is 240 MB)."""
    import hashlib

    from kg.store import cache_dir

    graph = tmp_path / "g.ttl"
    shutil.copy(example_graph, graph)
    open_store(graph).close()
    digest = hashlib.sha256(graph.read_bytes()).hexdigest()
    memos = [m for m in (cache_dir() / "digests").glob("*") if m.read_text() == digest]
    assert memos
    for memo in memos:
        memo.write_text("0" * 64)  # what the cache says counts while the file is unchanged
    first = open_store(graph)
    for memo in memos:
        memo.write_text(digest)
    second = open_store(graph)
    assert first.path != second.path
    first.close()
    second.close()


def test_build_store_into_a_folder_holds_the_graph_and_the_ontology(example_graph, tmp_path):
    folder = build_store(example_graph, tmp_path / "store")
    store = open_store(folder)
    expected = load_graph(example_graph) + Graph().parse(ontology_path())
    assert len(store) == len(expected)
    store.close()


def test_one_query_reaches_relation_evidence_and_ontology(store):
    result = store.query(
        """SELECT ?label ?quote WHERE {
             ?st rdf:subject ?s ; rdf:predicate ?p ; rdf:object ?o ; kg:evidence/kg:quote ?quote .
             ?s rdfs:label "Globex" . ?o rdfs:label "Initech" . ?p rdfs:label ?label }""",
        prefixes={"rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
                  "rdfs": "http://www.w3.org/2000/01/rdf-schema#", "kg": str(KG)})
    assert [(label.value, quote.value) for label, quote in result] == [
        ("supplies", "Globex supplies Initech and partners with Acme.")]


def test_open_store_names_what_is_missing(tmp_path):
    with pytest.raises(FileNotFoundError, match="no graph file or store at"):
        open_store(tmp_path / "missing.trig")


def test_kg_open_gives_an_rdflib_graph_from_a_file_or_a_store(example_graph, store):
    from_file = kg.open(example_graph)
    from_store = kg.open(store.path)
    assert isinstance(from_file, Graph) and len(from_file) == len(from_store) == len(store)
    assert (None, KG.partnerOf, None) in from_file
