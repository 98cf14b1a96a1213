"""Load on `kg serve`: not a test, a measurement (tests/robustness runs a
few seconds of it and asserts only that nothing fails).

16 clients, each from its own loopback address (127.0.0.2, 127.0.0.3, ...,
so that the per-client limit sees 16 clients), send a saved query over and
over on one keep-alive connection, while one more client (127.0.1.1) sends
pathological queries: an endless cross product (cancelled at the time
limit), one that needs more memory than a worker may have and one too deep
for the engine's stack (each stops its worker, which is replaced), and
10,000 UNIONs (refused). It reports the requests and
errors of the normal clients, their latency (p50/p99) and the memory of the
server and its workers at start and end.

Linux only (the 127.x.y.z source addresses and /proc).

Run:  python bench/bench_serve_load.py [--seconds 60] [--clients 16] [--graph triples/news.trig]
"""

from __future__ import annotations

import argparse
import http.client
import logging
import os
import sys
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kg.server import Limits, running_server  # noqa: E402

__all__ = ["NORMAL_QUERY", "PATHOLOGICAL_QUERIES", "LoadReport", "run_load", "memory_mib", "main"]

#: What the normal clients ask: every labelled entity of a class (a small answer on any graph).
NORMAL_QUERY = "SELECT ?e ?name WHERE { ?e a kg:Organization ; rdfs:label ?name } ORDER BY ?name LIMIT 20"
#: What the other client asks, in turn.
PATHOLOGICAL_QUERIES = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }",
    "SELECT ?a ?b ?c ?d ?e ?f WHERE { ?a ?x ?b . ?c ?y ?d . ?e ?z ?f } ORDER BY ?a ?b ?c ?d ?e ?f LIMIT 1",
    "SELECT * WHERE { FILTER(" + "1+" * 300_000 + "1) }",
    "SELECT * WHERE { " + " UNION ".join(["{ ?s ?p ?o }"] * 10_000) + " }",
)


@dataclass
class LoadReport:
    """What the normal clients saw, and what the pathological one got."""

    seconds: float
    latencies: list[float] = field(default_factory=list)
    #: Status (or exception name) -> count, for the normal clients' failed requests.
    errors: Counter = field(default_factory=Counter)
    #: Status -> count, for the pathological client.
    pathological: Counter = field(default_factory=Counter)

    @property
    def requests(self) -> int:
        return len(self.latencies) + sum(self.errors.values())

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] if ordered else float("nan")

    def summary(self) -> str:
        return (f"{self.requests} requests in {self.seconds:.0f} s ({self.requests / self.seconds:.0f}/s), "
                f"{sum(self.errors.values())} errors {dict(self.errors) or ''}, "
                f"p50 {self.percentile(50) * 1000:.1f} ms, p99 {self.percentile(99) * 1000:.1f} ms; "
                f"pathological client: {dict(self.pathological)}")


def _ask(connection: http.client.HTTPConnection, query: str) -> int:
    # POSTed: 10,000 UNIONs are too long for a URL
    connection.request("POST", "/sparql", body=query.encode("utf-8"),
                       headers={"Accept": "application/sparql-results+json", "Content-Type": "application/sparql-query"})
    response = connection.getresponse()
    response.read()
    return response.status


def run_load(base_url: str, *, clients: int = 16, seconds: float = 60.0) -> LoadReport:
    """Drive the endpoint at ``base_url`` for ``seconds`` and report."""
    address = urllib.parse.urlsplit(base_url)
    report = LoadReport(seconds)
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def connect(source: str) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(address.hostname, address.port, timeout=120, source_address=(source, 0))

    def normal_client(source: str) -> None:
        connection = connect(source)
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status = _ask(connection, NORMAL_QUERY)
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
                connection = connect(source)
            with lock:
                if status == 200:
                    report.latencies.append(time.perf_counter() - started)
                else:
                    report.errors[status] += 1
        connection.close()

    def pathological_client() -> None:
        turn = 0
        while time.monotonic() < deadline:
            connection = connect("127.0.1.1")  # a fresh connection: an error answer may close it
            try:
                status = _ask(connection, PATHOLOGICAL_QUERIES[turn % len(PATHOLOGICAL_QUERIES)])
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
            finally:
                connection.close()
            with lock:
                report.pathological[status] += 1
            turn += 1

    threads = [threading.Thread(target=normal_client, args=(f"127.0.0.{n + 2}",)) for n in range(clients)]
    threads.append(threading.Thread(target=pathological_client))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return report


def memory_mib() -> float:
    """Resident memory of this process and its children (the query workers), in MiB."""
    pids = [os.getpid()]
    for task in Path("/proc/self/task").iterdir():
        pids += [int(pid) for pid in (task / "children").read_text().split()]
    total_kib = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except FileNotFoundError:  # a worker replaced meanwhile
            continue
        total_kib += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return total_kib / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--graph", help="graph file or store (default: the shipped graph)")
    parser.add_argument("--timeout", type=float, default=2.0, help="the endpoint's time limit per query")
    args = parser.parse_args(argv)
    limits = Limits(timeout=args.timeout, worker_memory=1024 << 20)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    with running_server(args.graph, limits) as url:
        start_memory = memory_mib()
        report = run_load(url, clients=args.clients, seconds=args.seconds)
        end_memory = memory_mib()
    print(f"{args.clients} clients for {args.seconds:g} s, {limits.workers} workers, time limit {args.timeout:g} s")
    print(report.summary())
    print(f"memory of server and workers: {start_memory:.0f} MiB at start, {end_memory:.0f} MiB at end")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
