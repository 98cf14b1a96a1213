"""A read-only SPARQL 1.1 Protocol endpoint over the store, and the browser
page that explores it.

Besides the protocol, ``/sparql`` takes ``param-NAME=VALUE`` fields that
bind ``?NAME`` exactly as ``kg query --param`` does (the browser page's
parameter boxes use them), and ``/queries`` lists the saved queries.

The endpoint is a WSGI application built on Werkzeug (request parsing,
content negotiation, body limits) and served by Werkzeug's threaded server;
any WSGI server can host :class:`SparqlApp` instead.

Queries run in a small pool of worker processes, each with the store open
read-only. A query that outlives the time limit is cancelled by ending its
worker, which is then replaced: the engine cannot be interrupted from
inside, and a process can always be stopped.

>>> negotiate("application/sparql-results+xml, application/rdf+xml")
('xml', 'rdfxml')
>>> negotiate("text/csv")
('csv', 'turtle')
>>> negotiate("*/*")
('json', 'turtle')
"""

from __future__ import annotations

import hmac
import json
import pickle
import queue
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_accept_header
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from .query import PREFIXES, QueryError, bind_values, format_result, remote_access, saved_queries
from .store import GraphResult, GraphStore, QuerySyntaxError, apply_update, copy_store, open_store

__all__ = ["Limits", "QueryPool", "SparqlApp", "negotiate", "make_app", "running_server", "serve", "MEDIA_TYPES"]

#: Result format name -> media type, for SELECT/ASK and for CONSTRUCT/DESCRIBE.
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
}
_SELECT_FORMATS = ("json", "xml", "csv", "tsv")
_GRAPH_FORMATS = ("turtle", "ntriples", "rdfxml")
_WEB_FILES = {"/": ("index.html", "text/html"), "/app.js": ("app.js", "text/javascript"),
              "/style.css": ("style.css", "text/css")}


@dataclass(frozen=True)
class Limits:
    """What one request may cost."""

    #: Seconds a query may run before it is cancelled and answered 503.
    timeout: float = 10.0
    #: Rows (or triples) of an answer; more are cut off and flagged.
    max_rows: int = 10_000
    #: Bytes of a request body.
    max_body: int = 1 << 20
    #: Worker processes, i.e. queries that run at the same time.
    workers: int = 4


class QueryTimeout(Exception):
    """The query ran past the time limit and was cancelled."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


def _worker_main(store_path: str) -> None:
    """Body of a worker process: answer pickled jobs on stdin until it closes.

    The worker is started as ``python -m kg.server STORE`` rather than by
    multiprocessing, which would re-run the ``kg`` command line in the child.
    """
    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the channel
    store = GraphStore(store_path)
    pickle.dump(("ready",), channel_out)
    channel_out.flush()
    while True:
        try:
            sparql, select_fmt, graph_fmt, max_rows = pickle.load(channel_in)
        except EOFError:
            return
        try:
            result = store.query(sparql, prefixes=PREFIXES)
            fmt = graph_fmt if isinstance(result, GraphResult) else select_fmt
            content = format_result(result, fmt, max_rows=max_rows)
            if isinstance(content, str):
                content = content.encode("utf-8")
            answer = ("ok", fmt, content, getattr(result, "truncated", False))
        except QuerySyntaxError as error:
            answer = ("syntax", str(error))
        except Exception as error:  # the engine's own errors become a 500 with its message
            answer = ("error", f"{type(error).__name__}: {error}")
        pickle.dump(answer, channel_out)
        channel_out.flush()


class _Worker:
    def __init__(self, store_path: Path):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.server", str(store_path)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)
        self.started = False

    def _receive(self, timeout: float) -> tuple | None:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return pickle.load(self.process.stdout) if ready else None

    def wait_started(self, timeout: float = 60.0) -> None:
        """Block until the worker has opened the store (it says so once)."""
        if not self.started:
            if self._receive(timeout) != ("ready",):
                raise RuntimeError("a query worker did not start")
            self.started = True

    def ask(self, job: tuple, timeout: float) -> tuple | None:
        """The worker's answer to ``job``, or None if it took longer than ``timeout``."""
        self.wait_started()
        pickle.dump(job, self.process.stdin)
        self.process.stdin.flush()
        return self._receive(timeout)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()
        self.process.stdin.close()
        self.process.stdout.close()


class QueryPool:
    """Worker processes that answer queries, each cancellable by the clock."""

    def __init__(self, store_path: Path, size: int):
        self.store_path = store_path
        self.size = size
        self._idle: queue.Queue[_Worker] = queue.Queue()
        workers = [_Worker(store_path) for _ in range(size)]
        for worker in workers:  # started together, awaited together: ready to serve on return
            worker.wait_started()
            self._idle.put(worker)

    def run(self, sparql: str, select_fmt: str, graph_fmt: str, max_rows: int,
            timeout: float) -> tuple[str, bytes, bool]:
        """(format, content, truncated); raises QueryTimeout, PoolBusy or
        QuerySyntaxError, or RuntimeError with the engine's message."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} workers stayed busy for {timeout:g} s") from None
        try:
            # the time limit counts from when the query starts, not from when it queued
            answer = worker.ask((sparql, select_fmt, graph_fmt, max_rows), timeout)
            healthy = answer is not None
        except (EOFError, OSError, RuntimeError, pickle.UnpicklingError):
            answer, healthy = ("error", "the query worker died"), False
        if healthy:
            self._idle.put(worker)
        else:
            # cancel by ending the process; a fresh one takes its place
            worker.stop()
            self._idle.put(_Worker(self.store_path))
        if answer is None:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was cancelled")
        if answer[0] == "syntax":
            raise QuerySyntaxError(answer[1])
        if answer[0] == "error":
            raise RuntimeError(answer[1])
        return answer[1], answer[2], answer[3]

    def restart(self) -> None:
        """Replace every worker, once each is idle (after the store changed)."""
        old = [self._idle.get() for _ in range(self.size)]
        for worker in old:
            worker.stop()
        workers = [_Worker(self.store_path) for _ in range(self.size)]
        for worker in workers:
            worker.wait_started()
            self._idle.put(worker)

    def close(self) -> None:
        for _ in range(self.size):
            try:
                self._idle.get(timeout=5).stop()
            except queue.Empty:
                break


def negotiate(accept: str) -> tuple[str, str]:
    """The best (SELECT/ASK format, CONSTRUCT/DESCRIBE format) for an Accept
    header; JSON and Turtle when it accepts none of them."""
    accepted = parse_accept_header(accept or "*/*", MIMEAccept)
    by_type = {MEDIA_TYPES[f]: f for f in _SELECT_FORMATS + _GRAPH_FORMATS}
    by_type["application/json"] = "json"
    select = accepted.best_match([MEDIA_TYPES[f] for f in _SELECT_FORMATS] + ["application/json"])
    graph = accepted.best_match([MEDIA_TYPES[f] for f in _GRAPH_FORMATS])
    return by_type.get(select, "json"), by_type.get(graph, "turtle")


def _error(status: int, message: str) -> Response:
    return Response(message.rstrip() + "\n", status=status, mimetype="text/plain")


class SparqlApp:
    """The WSGI application: ``/sparql`` (the protocol), ``/queries`` (the
    saved queries as JSON) and the browser page at ``/``."""

    def __init__(self, store_path: Path, limits: Limits = Limits(), write_token: str | None = None):
        self.store_path = Path(store_path).resolve()
        self.limits = limits
        self.write_token = write_token
        self._write_lock = threading.Lock()
        self._local_graphs = GraphStore(self.store_path).named_graphs()
        self.pool = QueryPool(self.store_path, limits.workers)

    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = self.limits.max_body
        request.max_form_memory_size = self.limits.max_body
        try:
            response = self.dispatch(request)
        except RequestEntityTooLarge:
            response = _error(413, f"the request body is larger than {self.limits.max_body} bytes")
        except HTTPException as error:
            response = error.get_response(environ)
        return response(environ, start_response)

    def dispatch(self, request: Request) -> Response:
        if request.path == "/sparql":
            return self.sparql(request)
        if request.path == "/queries":
            listing = [{"name": q.name, "title": q.title, "description": q.description,
                        "params": q.params, "text": q.text} for q in saved_queries().values()]
            return Response(json.dumps({"prefixes": PREFIXES, "queries": listing}), mimetype="application/json")
        if request.path in _WEB_FILES and request.method in ("GET", "HEAD"):
            name, mimetype = _WEB_FILES[request.path]
            return Response(resources.files("kg").joinpath("web", name).read_bytes(), mimetype=mimetype)
        return _error(404, f"nothing at {request.path}: the endpoint is /sparql, the explorer is /")

    def _read_operation(self, request: Request) -> tuple[str | None, str | None]:
        """(query, update) from a GET, a form POST or a direct POST."""
        if request.method == "GET":
            return request.args.get("query"), request.args.get("update")
        if request.method != "POST":
            raise _Refused(405, "use GET or POST")
        content_type = request.mimetype
        if content_type == "application/x-www-form-urlencoded":
            return request.form.get("query"), request.form.get("update")
        try:
            body = request.get_data(cache=False).decode("utf-8")
        except UnicodeDecodeError:
            raise _Refused(400, "the request body is not UTF-8") from None
        if content_type == "application/sparql-query":
            return body, None
        if content_type == "application/sparql-update":
            return None, body
        raise _Refused(415, f"unsupported content type {content_type!r}: use application/sparql-query, "
                            "application/sparql-update or a form")

    def sparql(self, request: Request) -> Response:
        if request.content_length and request.content_length > self.limits.max_body:
            return _error(413, f"the request body is larger than {self.limits.max_body} bytes")
        try:
            query, update = self._read_operation(request)
            for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
                for graph in request.values.getlist(name):
                    if graph not in self._local_graphs:
                        raise _Refused(403, f"{name} {graph} is not a graph in this store; nothing is fetched")
                    raise _Refused(400, f"{name} is not supported: name the graph with GRAPH in the query")
            if update is not None:
                return self.update(request, update)
            if not query:
                raise _Refused(400, "no query: send ?query=... (GET), a query= form field, "
                                    "or an application/sparql-query body")
            params = {key.removeprefix("param-"): value for key, value in request.values.items()
                      if key.startswith("param-")}
            try:
                query = bind_values(query, params)
            except QueryError as error:
                raise _Refused(400, str(error)) from None
            reason = remote_access(query, self._local_graphs)
            if reason:
                raise _Refused(403, reason)
            return self.query(query, request)
        except _Refused as refusal:
            return _error(refusal.status, refusal.message)

    def query(self, sparql: str, request: Request) -> Response:
        select_fmt, graph_fmt = negotiate(request.headers.get("Accept", ""))
        started = time.perf_counter()
        try:
            fmt, content, truncated = self.pool.run(
                sparql, select_fmt, graph_fmt, self.limits.max_rows, self.limits.timeout)
        except QuerySyntaxError as error:
            return _error(400, f"malformed query: {error}")
        except (QueryTimeout, PoolBusy) as error:
            return _error(503, str(error))
        except RuntimeError as error:
            return _error(500, str(error))
        response = Response(content, content_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8")
        response.headers["X-KG-Query-Seconds"] = f"{time.perf_counter() - started:.4f}"
        if truncated:
            response.headers["X-KG-Truncated"] = f"only the first {self.limits.max_rows} rows were sent"
        return response

    def update(self, request: Request, sparql: str) -> Response:
        if request.method != "POST":
            return _error(405, "a SPARQL Update must be POSTed")
        if not self.write_token:
            return _error(403, "this endpoint is read-only: SPARQL Update is refused "
                               "(start kg serve with --write-token to allow it)")
        given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not hmac.compare_digest(given.encode(), self.write_token.encode()):
            return _error(403, "SPARQL Update needs the write token: send 'Authorization: Bearer <token>'")
        reason = remote_access(sparql, self._local_graphs)
        if reason:
            return _error(403, reason)
        with self._write_lock:
            try:
                apply_update(self.store_path, sparql, prefixes=PREFIXES)
            except QuerySyntaxError as error:
                return _error(400, f"malformed update: {error}")
            self.pool.restart()
            self._local_graphs = GraphStore(self.store_path).named_graphs()
        return Response(status=204)

    def close(self) -> None:
        self.pool.close()


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def make_app(graph: str | Path | None = None, limits: Limits = Limits(), *,
             write_token: str | None = None, workdir: str | Path | None = None) -> SparqlApp:
    """The endpoint for ``graph`` (a graph file or store folder; default: the
    shipped graph).

    With a write token, updates go to the store itself when ``graph`` is a
    store folder, and otherwise to a private copy in ``workdir`` so that the
    cached store of a graph file keeps matching that file.
    """
    store_path = open_store(graph).path
    serving_a_cached_store = graph is None or Path(graph).resolve() != store_path.resolve()
    if write_token and serving_a_cached_store:
        store_path = copy_store(store_path, Path(workdir or tempfile.mkdtemp(prefix="kg-serve-")) / "store")
    return SparqlApp(store_path, limits, write_token)


@contextmanager
def running_server(graph: str | Path | None = None, limits: Limits = Limits(), *, host: str = "127.0.0.1",
                   port: int = 0, write_token: str | None = None) -> Iterator[str]:
    """Serve in a background thread; yield the base URL; shut down on exit.

    Port 0 picks a free port (tests and benchmarks use this).
    """
    workdir = tempfile.mkdtemp(prefix="kg-serve-")
    app = make_app(graph, limits, write_token=write_token, workdir=workdir)
    server = make_server(host, port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        app.close()
        shutil.rmtree(workdir, ignore_errors=True)


def serve(graph: str | Path | None = None, limits: Limits = Limits(), *, host: str = "127.0.0.1",
          port: int = 7878, write_token: str | None = None, announce=print) -> None:
    """Serve until interrupted (what ``kg serve`` runs)."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        # SIGTERM too, and SIGINT even where a shell started us with it ignored
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    with running_server(graph, limits, host=host, port=port, write_token=write_token) as url:
        announce(f"SPARQL endpoint: {url}/sparql   explorer: {url}/   (Ctrl-C stops)")
        stop.wait()


if __name__ == "__main__":
    _worker_main(sys.argv[1])
