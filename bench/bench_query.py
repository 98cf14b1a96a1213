"""Benchmark of the query stack: not a test, a measurement with its baseline
taken in the same run.

For the shipped graph and a synthetic graph of about a million triples in
the project's layout, it reports

* load time: rdflib parsing into memory vs building the Oxigraph store;
* every saved query through ``kg.query.run_query`` vs the raw pyoxigraph
  engine on the same store and the same (parameter-bound) text: the ratio is
  the overhead of kg's layer (goal: at most 1.5x);
* the same queries on rdflib's in-memory engine, the reference API (each in
  a forked process, cut off after ``--rdflib-timeout`` seconds);
* the endpoint's latency with 8 concurrent clients running the saved queries.

Run:  python bench/bench_query.py [--triples 1000000] [--graph triples/news.trig]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pyoxigraph as ox  # noqa: E402 - the raw engine is the baseline
from rdflib import Graph  # noqa: E402

from kg.query import PREFIXES, bind_values, run_query, saved_queries  # noqa: E402
from kg.server import Limits, running_server  # noqa: E402
from kg.store import build_store, default_graph_path, load_graph, ontology_path, open_store  # noqa: E402

__all__ = ["write_synthetic_graph", "main"]

KG = "https://w3id.org/kg-news/ontology#"
RDF_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
ALT = "<http://www.w3.org/2004/02/skos/core#altLabel>"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PROV_FROM = "<http://www.w3.org/ns/prov#wasDerivedFrom>"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/kg-news/"

# (relation, subject kind, object kind, symmetric)
RELATIONS = [
    ("partnerOf", "org", "org", True), ("supplies", "org", "org", False), ("competesWith", "org", "org", True),
    ("subsidiaryOf", "org", "org", False), ("investsIn", "org", "org", False), ("develops", "org", "product", False),
    ("uses", "org", "product", False), ("basedOn", "product", "product", False), ("ceoOf", "person", "org", False),
    ("founderOf", "person", "org", False), ("chairOf", "person", "org", False), ("boardMemberOf", "person", "org", False),
    ("worksFor", "person", "org", False), ("headquarteredIn", "org", "place", False), ("operatesIn", "org", "place", False),
]
KINDS = {"org": ("Organization", "Org"), "person": ("Person", "Person"), "product": ("Product", "Product"),
         "place": ("Place", "Place")}
METRICS = ["revenue", "profit", "revenueGrowth", "capex", "marketShare"]


def write_synthetic_graph(path: Path, triples: int, seed: int = 7) -> int:
    """Write an N-Triples graph of about ``triples`` triples in the project's
    layout (entities, reified relations with evidence, facts, mentions,
    articles). Popular entities are much more connected than the rest, as in
    news: ``Org 0`` is the hub. Returns the number of lines written."""
    rng = random.Random(seed)
    scale = triples / 1_000_000
    counts = {"org": int(8000 * scale) + 10, "person": int(3000 * scale) + 5, "product": int(3000 * scale) + 5,
              "place": int(300 * scale) + 3}
    articles = int(2000 * scale) + 2
    lines: list[str] = []
    add = lines.append

    def pick(kind: str) -> int:
        return int(counts[kind] * rng.random() ** 3)  # skewed towards low numbers

    def iri(kind: str, number: int) -> str:
        return f"<{BASE}entity/{kind}-{number}>"

    def evidence(sentence: str) -> str:
        node = f"<{BASE}evidence/{len(lines)}>"
        article = rng.randrange(articles)
        start = rng.randrange(5000)
        add(f'{node} {RDF_TYPE} <{KG}Evidence> .')
        add(f"{node} {PROV_FROM} <{BASE}article/a{article}> .")
        add(f'{node} <{KG}start> "{start}"^^<{XSD}integer> .')
        add(f'{node} <{KG}end> "{start + len(sentence)}"^^<{XSD}integer> .')
        add(f'{node} <{KG}extractor> "kg.synthetic.v1" .')
        add(f'{node} <{KG}confidence> "0.8"^^<{XSD}decimal> .')
        add(f'{node} <{KG}quote> "{sentence}" .')
        return node

    for number in range(articles):
        node = f"<{BASE}article/a{number}>"
        add(f"{node} {RDF_TYPE} <{KG}Article> .")
        add(f'{node} <{KG}fileName> "{number:05d}_synthetic.txt" .')
        add(f'{node} <https://schema.org/headline> "Synthetic article {number}" .')
        add(f'{node} <https://schema.org/datePublished> "2025-{1 + number % 12:02d}-01"^^<{XSD}date> .')
    for kind, size in counts.items():
        cls, name = KINDS[kind]
        for number in range(size):
            add(f"{iri(kind, number)} {RDF_TYPE} <{KG}{cls}> .")
            add(f'{iri(kind, number)} {LABEL} "{name} {number}" .')
            add(f'{iri(kind, number)} {ALT} "{name[0]}{number}" .')
    while len(lines) < triples * 0.62:
        relation, subject_kind, object_kind, symmetric = rng.choice(RELATIONS)
        s, o = iri(subject_kind, pick(subject_kind)), iri(object_kind, pick(object_kind))
        if s == o:
            continue
        ev = evidence(f"{s[-12:-1]} {relation} {o[-12:-1]}.")
        for a, b in [(s, o), (o, s)] if symmetric else [(s, o)]:
            statement = f"<{BASE}statement/{len(lines)}>"
            add(f"{a} <{KG}{relation}> {b} .")
            add(f"{statement} {RDF_TYPE} <{RDF}Statement> .")
            add(f"{statement} <{RDF}subject> {a} .")
            add(f"{statement} <{RDF}predicate> <{KG}{relation}> .")
            add(f"{statement} <{RDF}object> {b} .")
            add(f"{statement} <{KG}evidence> {ev} .")
    while len(lines) < triples * 0.85:
        subject = iri("org", pick("org"))
        fact = f"<{BASE}fact/{len(lines)}>"
        ev = evidence(f"{subject[-12:-1]} reported a number.")
        add(f"{fact} {RDF_TYPE} <{KG}Fact> .")
        add(f"{fact} <{KG}subject> {subject} .")
        add(f'{fact} <{KG}metric> "{rng.choice(METRICS)}" .')
        add(f'{fact} <{KG}value> "{rng.randrange(1, 100) * 10 ** rng.randrange(0, 10)}.0"^^<{XSD}decimal> .')
        add(f'{fact} <{KG}unit> "USD" .')
        add(f'{fact} <{KG}period> "{2020 + rng.randrange(6)}" .')
        add(f"{fact} <{KG}evidence> {ev} .")
    while len(lines) < triples:
        kind = rng.choice(list(KINDS))
        number = pick(kind)
        mention = f"<{BASE}mention/{len(lines)}>"
        ev = evidence(f"A sentence naming {KINDS[kind][1]} {number}.")
        add(f"{mention} {RDF_TYPE} <{KG}Mention> .")
        add(f"{mention} <{KG}denotes> {iri(kind, number)} .")
        add(f'{mention} <{KG}surfaceForm> "{KINDS[kind][1]} {number}" .')
        add(f"{mention} <{KG}evidence> {ev} .")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def params_for(store, saved) -> dict[str, str]:
    """Parameter values that give the saved query something to find: the
    organisation with the most sources, and the article with the most evidence."""
    top = next(iter(run_query(store, "entities-by-sources",
                              {"class": "<https://w3id.org/kg-news/ontology#Organization>"})))[0].value
    busiest = store.query(
        "SELECT ?file WHERE { ?ev prov:wasDerivedFrom ?a . ?a kg:fileName ?file } "
        "GROUP BY ?file ORDER BY DESC(COUNT(?ev)) LIMIT 1", prefixes=PREFIXES)
    file = next(iter(busiest))[0].value
    values = {"company": top, "entity": top, "file": file}
    return {name: values[name] for name in saved.params if name in values}


def timed_pair(ours, theirs, budget: float = 2.0, at_least: int = 5, at_most: int = 400) -> tuple[float, float]:
    """Median seconds of ``ours()`` and of ``theirs()``, called alternately so
    that caches, clock speed and garbage collection treat both alike."""
    samples: tuple[list[float], list[float]] = ([], [])
    started = time.perf_counter()
    while len(samples[0]) < at_least or (time.perf_counter() - started < budget and len(samples[0]) < at_most):
        for function, times in zip((ours, theirs), samples, strict=True):
            begin = time.perf_counter()
            function()
            times.append(time.perf_counter() - begin)
    return statistics.median(samples[0]), statistics.median(samples[1])


def _rdflib_worker(graph, sparql, answer) -> None:
    begin = time.perf_counter()
    try:
        list(graph.query(sparql, initNs=PREFIXES))
    except Exception as error:  # rdflib's engine fails on some valid queries: report, don't hang
        answer.put(f"fails ({type(error).__name__})")
        return
    answer.put(f"{(time.perf_counter() - begin) * 1000:.1f} ms")


def time_rdflib(graph: Graph, sparql: str, timeout: float) -> str:
    """rdflib's time for one query, in a forked child so that it can be cut off."""
    context = multiprocessing.get_context("fork")
    answer = context.Queue()
    child = context.Process(target=_rdflib_worker, args=(graph, sparql, answer))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return f">{timeout:.0f} s"
    return answer.get()


def bench_graph(title: str, graph_path: Path, *, rdflib_timeout: float, clients: int, requests_each: int) -> None:
    print(f"\n## {title}: {graph_path.name}\n")
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        store_dir = build_store(graph_path, Path(folder) / "store")
        oxigraph_load = time.perf_counter() - started
        started = time.perf_counter()
        reference = load_graph(graph_path)
        reference.parse(str(ontology_path()))
        rdflib_load = time.perf_counter() - started
        store = open_store(store_dir)
        raw = ox.Store.read_only(str(store_dir))
        print(f"{len(store)} triples in the store (graph + ontology)")
        print(f"load: Oxigraph store built in {oxigraph_load:.2f} s, rdflib parsed in {rdflib_load:.2f} s\n")
        print("| query | rows | kg.query | raw pyoxigraph | ratio | rdflib in memory |")
        print("|---|---:|---:|---:|---:|---:|")
        ratios = []
        jobs = []
        for name, saved in saved_queries().items():
            params = params_for(store, saved)
            sparql = bind_values(saved.text, params)
            jobs.append((saved.text, params))
            rows = len(list(run_query(store, name, params)))
            ours, engine = timed_pair(lambda: list(run_query(store, name, params)),  # noqa: B023 - called here
                                      lambda: list(raw.query(sparql, prefixes=PREFIXES)))  # noqa: B023
            ratios.append(ours / engine)
            print(f"| {name} | {rows} | {ours * 1000:.2f} ms | {engine * 1000:.2f} ms | {ours / engine:.2f}x "
                  f"| {time_rdflib(reference, sparql, rdflib_timeout)} |")
        print(f"\nkg.query vs raw engine: median ratio {statistics.median(ratios):.2f}x, "
              f"worst {max(ratios):.2f}x (goal <= 1.5x)")
        del reference
        bench_endpoint(store_dir, jobs, clients=1, requests_each=len(jobs))
        bench_endpoint(store_dir, jobs, clients=clients, requests_each=requests_each)
        store.close()


def bench_endpoint(store_dir: Path, jobs, *, clients: int, requests_each: int) -> None:
    latencies: list[float] = []
    statuses: list[int] = []
    lock = threading.Lock()
    # every client comes from 127.0.0.1: the per-client limit must let them all in
    with running_server(store_dir, Limits(timeout=60, max_rows=100_000, per_client=clients)) as url:
        def client(number: int) -> None:
            for index in range(requests_each):
                text, params = jobs[(number + index) % len(jobs)]
                fields = {"query": text, **{f"param-{k}": v for k, v in params.items()}}
                request = urllib.request.Request(f"{url}/sparql", data=urllib.parse.urlencode(fields).encode(),
                                                 headers={"Accept": "application/sparql-results+json"})
                begin = time.perf_counter()
                try:
                    with urllib.request.urlopen(request, timeout=300) as response:
                        response.read()
                        status = response.status
                except urllib.error.HTTPError as error:
                    status = error.code
                with lock:
                    latencies.append(time.perf_counter() - begin)
                    statuses.append(status)

        began = time.perf_counter()
        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
    latencies.sort()
    print(f"\nendpoint, {clients} concurrent client{'s' if clients > 1 else ''}, {len(latencies)} requests over the saved queries "
          f"({Limits().workers} worker processes, {os.cpu_count()} cores): "
          f"p50 {latencies[len(latencies) // 2] * 1000:.1f} ms, p95 {latencies[int(len(latencies) * 0.95)] * 1000:.1f} ms, "
          f"max {latencies[-1] * 1000:.1f} ms, {len(latencies) / elapsed:.1f} requests/s, "
          f"statuses: {dict(sorted(Counter(statuses).items()))}")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, default=default_graph_path(), help="the shipped graph")
    parser.add_argument("--triples", type=int, default=1_000_000, help="size of the synthetic graph (0: none)")
    parser.add_argument("--rdflib-timeout", type=float, default=30.0, help="seconds before an rdflib query is cut off")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=20, help="requests per client")
    args = parser.parse_args(argv)
    os.environ.setdefault("KG_CACHE_DIR", tempfile.mkdtemp(prefix="kg-bench-cache-"))
    print(f"# kg query benchmark (Python {sys.version.split()[0]}, pyoxigraph {ox.__version__}, {os.cpu_count()} cores)")
    if args.graph.is_file():
        bench_graph("shipped graph", args.graph, rdflib_timeout=args.rdflib_timeout,
                    clients=args.clients, requests_each=args.requests)
    else:
        print(f"\n(no shipped graph at {args.graph}; run `kg build` first)")
    if not args.triples:
        return
    with tempfile.TemporaryDirectory() as folder:
        synthetic = Path(folder) / f"synthetic-{args.triples}.nt"
        written = write_synthetic_graph(synthetic, args.triples)
        bench_graph(f"synthetic graph ({written} triples)", synthetic, rdflib_timeout=args.rdflib_timeout,
                    clients=args.clients, requests_each=args.requests)


if __name__ == "__main__":
    main()
