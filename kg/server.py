"""A read-only SPARQL 1.1 Protocol endpoint over the store, and the browser
page that explores it.

Besides the protocol, ``/sparql`` takes ``param-NAME=VALUE`` fields that
bind ``?NAME`` exactly as ``kg query --param`` does (the browser page's
parameter boxes use them), and ``/queries`` lists the saved queries.

The endpoint is a WSGI application built on Werkzeug (request parsing,
content negotiation, body limits) and served by Werkzeug's threaded server;
any WSGI server can host :class:`SparqlApp` instead.

Queries run in a small pool of worker processes, each with the store open
read-only, a cap on its memory and, where the system allows it, no network
at all. A query that outlives the time limit or its worker's memory is
stopped by ending the worker, which is then replaced: the engine cannot be
interrupted from inside, and a process can always be stopped.

>>> negotiate("application/sparql-results+xml, application/rdf+xml")
('xml', 'rdfxml')
>>> negotiate("text/csv")
('csv', 'turtle')
>>> negotiate("*/*")
('json', 'turtle')
"""

from __future__ import annotations

import ctypes
import functools
import hmac
import importlib.util
import ipaddress
import json
import pickle
import queue
import re
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge
from werkzeug.http import parse_accept_header
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from .query import (PREFIXES, QueryError, RemoteAccessError, format_result, lazily, remote_access, run_sparql,
                    saved_queries)
from .store import GraphResult, QuerySyntaxError, ServerStore, apply_update, copy_store, is_store_url, open_store

__all__ = ["Limits", "QueryPool", "SparqlApp", "negotiate", "allowed_host_names", "host_is_allowed", "make_app",
           "running_server", "serve", "MEDIA_TYPES", "web_origin", "vis_network_folder"]

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
              "/common.js": ("common.js", "text/javascript"), "/entity.js": ("entity.js", "text/javascript"),
              "/style.css": ("style.css", "text/css")}
#: The page of one entity, ``/entity/<local name>``, is the same for every entity: its script reads the name.
_ENTITY_PAGE = re.compile(r"/entity/[^/]+")
#: vis-network, which draws the explorer's graph, is served from the pyvis package that carries it.
_VIS_FILES = {"/vis-network.min.js": "text/javascript", "/vis-network.css": "text/css"}
#: The explorer loads its own scripts, style sheets and answers, and nothing else. (A download of
#: the results is a blob: URL the page makes itself.)
EXPLORER_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
#: Headers of an answer that a page on the --cors origin may read.
_EXPOSED_HEADERS = "X-KG-Query-Seconds, X-KG-Truncated, X-KG-Error-Position"


@functools.cache
def vis_network_folder() -> Path:
    """The folder of the newest vis-network build in the installed pyvis
    package (found, not imported: importing pyvis is slow)."""
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pyvis, which carries vis-network for the explorer, is not installed")
    scripts = Path(spec.submodule_search_locations[0]).glob("lib/vis-*/vis-network.min.js")

    def version(script: Path) -> tuple[int, ...]:
        return tuple(int(part) for part in re.findall(r"\d+", script.parent.name))

    newest = max(scripts, key=version, default=None)
    if newest is None:
        raise RuntimeError("the installed pyvis carries no vis-network (lib/vis-*/vis-network.min.js)")
    return newest.parent


def web_origin(text: str) -> str:
    """``text`` as a web origin (scheme, host, optional port), the form a
    browser sends in its ``Origin`` header.

    >>> web_origin("https://yasgui.org/"), web_origin("HTTP://LocalHost:80"), web_origin("http://[::1]:8080")
    ('https://yasgui.org', 'http://localhost', 'http://[::1]:8080')
    >>> web_origin("yasgui.org")
    Traceback (most recent call last):
    ...
    ValueError: 'yasgui.org' is not an origin such as https://example.org or http://localhost:8080
    """
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/") \
            or parts.query or parts.fragment or parts.username:
        raise ValueError(f"{text!r} is not an origin such as https://example.org or http://localhost:8080")
    # as a browser writes it: lower case, without the scheme's default port
    default_port = {"http": 80, "https": 443}[parts.scheme]
    port = f":{parts.port}" if parts.port not in (None, default_port) else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}{port}"


@dataclass(frozen=True)
class Limits:
    """What one request may cost."""

    #: Seconds a query may run before it is cancelled and answered 503.
    timeout: float = 10.0
    #: Rows (or triples) of an answer; more are cut off and flagged.
    max_rows: int = 10_000
    #: Bytes of a request body (413 beyond, also for a chunked body).
    max_body: int = 1 << 20
    #: Worker processes, i.e. queries that run at the same time.
    workers: int = 4
    #: Bytes of address space a query may add to a ready worker (its memory
    #: cap); a query that needs more stops its worker and is answered 503.
    worker_memory: int = 1536 << 20
    #: Queries one client (IP address) may have in flight; more are answered 429.
    per_client: int = 2
    #: Seconds the server waits for a client to send (or take) data; slower
    #: connections are closed.
    read_timeout: float = 30.0


class QueryTimeout(Exception):
    """The query ran past the time limit and was cancelled."""


class PoolBusy(Exception):
    """No worker became free within the time limit."""


class WorkerStopped(Exception):
    """The query ended its worker: it needed more memory than the cap (or
    more stack than a process has, for a query nested very deeply)."""


def _leave_the_network() -> bool:
    """Move this process into a network namespace of its own, which has no
    interface but a loopback that is down: the engine can then reach no
    server, whatever a query asks. Needs root or unprivileged user
    namespaces (Linux); True if it worked. Called while the process has a
    single thread, as a new user namespace requires."""
    new_user, new_net = 0x10000000, 0x40000000  # CLONE_NEWUSER, CLONE_NEWNET from <sched.h>
    try:
        unshare = ctypes.CDLL(None, use_errno=True).unshare
    except (OSError, AttributeError):
        return False
    return unshare(new_net) == 0 or unshare(new_user | new_net) == 0


def _worker_main(store_path: str, memory_cap: int) -> None:
    """Body of a worker process: answer pickled jobs on stdin until it closes.

    The worker is started as ``python -m kg.server STORE BYTES`` rather than
    by multiprocessing, which would re-run the ``kg`` command line in the child.
    """
    channel_in, channel_out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must not corrupt the channel
    # a server store is reached through the network: its workers stay on it
    offline = not is_store_url(store_path) and _leave_the_network()
    store = open_store(store_path)
    # the fetch check parses a suspicious query with rdflib's SPARQL parser:
    # load it now, not within the time limit of the first such query
    import rdflib.plugins.sparql.algebra  # noqa: F401
    import rdflib.plugins.sparql.parser  # noqa: F401
    ready = _cap_memory(memory_cap)
    pickle.dump(("ready", offline), channel_out)
    channel_out.flush()
    while True:
        try:
            sparql, params, select_fmt, graph_fmt, max_rows = pickle.load(channel_in)
        except EOFError:
            return
        try:
            # in the worker, under its time limit and memory cap: checking a
            # hostile query, or looking up its parameters, can take long too
            result = run_sparql(store, sparql, params)  # the store's own named graphs, listed once if needed
            fmt = graph_fmt if isinstance(result, GraphResult) else select_fmt
            content = format_result(result, fmt, max_rows=max_rows)
            if isinstance(content, str):
                content = content.encode("utf-8")
            answer = ("ok", fmt, content, getattr(result, "truncated", False))
        except QuerySyntaxError as error:
            answer = ("syntax", str(error))
        except RemoteAccessError as error:
            answer = ("remote", str(error))
        except QueryError as error:
            answer = ("bad", str(error))
        except MemoryError:
            answer = ("memory", "")
        except Exception as error:  # the engine's own errors become a 500 with its message
            answer = ("error", f"{type(error).__name__}: {error}")
        # a worker that kept more than half its cap after a query is replaced:
        # the next query must find the room the cap promises
        retire = _address_space() > ready + memory_cap // 2
        pickle.dump((answer, retire), channel_out)
        channel_out.flush()


def _cap_memory(memory_cap: int) -> int:
    """Let this process map ``memory_cap`` bytes more than it does now; the
    bytes it maps now. A worker is capped once started, so that the cap
    counts what a query adds: how much a ready worker maps varies by a few
    malloc arenas (64 MiB each) from one start to the next."""
    ready = _address_space()
    resource.setrlimit(resource.RLIMIT_AS, (ready + memory_cap, ready + memory_cap))
    return ready


def _address_space() -> int:
    """Bytes of address space this process maps (0 where /proc is not there)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * resource.getpagesize()
    except OSError:
        return 0


class _Worker:
    def __init__(self, store_path: Path, memory_cap: int):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "kg.server", str(store_path), str(memory_cap)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)
        self.started = False
        #: Whether the worker runs without network access (known once started).
        self.offline = False

    def _receive(self, timeout: float) -> tuple | None:
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return pickle.load(self.process.stdout) if ready else None

    def wait_started(self, timeout: float = 60.0) -> None:
        """Block until the worker has opened the store (it says so once)."""
        if not self.started:
            try:
                greeting = self._receive(timeout)
            except (EOFError, pickle.UnpicklingError):
                greeting = None
            if not greeting or greeting[0] != "ready":
                raise RuntimeError("a query worker did not start")
            self.started, self.offline = True, greeting[1]

    def ask(self, job: tuple, timeout: float) -> tuple[tuple, bool] | None:
        """(the worker's answer to ``job``, whether the worker should be
        replaced), or None if it took longer than ``timeout``."""
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
    """Worker processes that answer queries, each cancellable by the clock
    and capped to ``memory_cap`` bytes of address space."""

    def __init__(self, store_path: Path, size: int, memory_cap: int = Limits.worker_memory):
        self.store_path = store_path
        self.size = size
        self.memory_cap = memory_cap
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._start_all()
        #: Whether the workers run with no network access at all (see :func:`_leave_the_network`).
        self.offline = all(worker.offline for worker in self._idle.queue)

    def _start_all(self) -> None:
        workers = [_Worker(self.store_path, self.memory_cap) for _ in range(self.size)]
        try:
            for worker in workers:  # started together, awaited together: ready to serve on return
                worker.wait_started()
        except RuntimeError:
            for worker in workers:
                worker.stop()
            raise
        for worker in workers:
            self._idle.put(worker)

    def run(self, sparql: str, params: dict[str, str], select_fmt: str, graph_fmt: str, max_rows: int,
            timeout: float) -> tuple[str, bytes, bool]:
        """(format, content, truncated) of ``sparql`` with ``params`` bound.

        Raises QueryTimeout, PoolBusy, WorkerStopped, QuerySyntaxError,
        RemoteAccessError, QueryError (bad parameters), or RuntimeError with
        the engine's message.
        """
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise PoolBusy(f"all {self.size} workers stayed busy for {timeout:g} s") from None
        try:
            # the time limit counts from when the query starts, not from when it queued
            answer, retire = worker.ask((sparql, params, select_fmt, graph_fmt, max_rows), timeout) or (None, True)
        except (EOFError, OSError, RuntimeError, pickle.UnpicklingError):
            answer, retire = ("stopped", ""), True
        if retire or answer[0] == "memory":
            # cancel (or renew) by ending the process; a fresh one takes its place
            worker.stop()
            self._idle.put(_Worker(self.store_path, self.memory_cap))
        else:
            self._idle.put(worker)
        if answer is None:
            raise QueryTimeout(f"the query ran longer than {timeout:g} s and was cancelled")
        kind, *rest = answer
        if kind in ("stopped", "memory"):
            raise WorkerStopped(
                f"the query needed more than the {self.memory_cap >> 20} MiB a query worker may use "
                "(or more stack: a very deep expression) and was stopped; ask for less, e.g. with LIMIT")
        errors = {"syntax": QuerySyntaxError, "remote": RemoteAccessError, "bad": QueryError, "error": RuntimeError}
        if kind in errors:
            raise errors[kind](rest[0])
        return rest[0], rest[1], rest[2]

    def restart(self) -> None:
        """Replace every worker, once each is idle (after the store changed)."""
        old = [self._idle.get() for _ in range(self.size)]
        for worker in old:
            worker.stop()
        self._start_all()

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


_LOOPBACK_NAMES = ("localhost",)
_ANY_ADDRESS = ("", "0.0.0.0", "::")


def allowed_host_names(host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """The names a ``Host`` header may give for a server bound to ``host``:
    ``localhost``, the bound name itself when it is a name, and ``extra``.

    IP addresses are always accepted (see :func:`host_is_allowed`).

    >>> sorted(allowed_host_names("127.0.0.1", ["kg.example.org"]))
    ['kg.example.org', 'localhost']
    """
    names = {*_LOOPBACK_NAMES, *(name.lower().rstrip(".") for name in extra)}
    if host not in _ANY_ADDRESS and not _is_ip_address(host):
        names.add(host.lower())
    return frozenset(names)


def _is_ip_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def host_is_allowed(host_header: str | None, names: Iterable[str]) -> bool:
    """Whether a request's ``Host`` header names this server.

    A page that a browser loaded from an attacker's name which now resolves
    to this machine (DNS rebinding) sends that name; an IP address in the
    header cannot come from such a page, and a request without the header
    does not come from a browser.

    >>> names = allowed_host_names("127.0.0.1")
    >>> [host_is_allowed(h, names) for h in ("localhost:7878", "127.0.0.1:7878", "[::1]:80", "evil.example:7878")]
    [True, True, True, False]
    """
    if host_header is None:
        return True
    try:
        hostname = urlsplit(f"//{host_header}").hostname
    except ValueError:  # a port that is no number
        return False
    return bool(hostname) and (_is_ip_address(hostname) or hostname in names)


class _ClientSlots:
    """Counts each client's queries in flight, to refuse one more than allowed."""

    def __init__(self, per_client: int):
        self.per_client = per_client
        self._in_flight: Counter[str] = Counter()
        self._lock = threading.Lock()

    @contextmanager
    def claim(self, client: str) -> Iterator[bool]:
        """Yield whether ``client`` may run one more query now; while the
        block runs, that query counts as in flight."""
        with self._lock:
            granted = self._in_flight[client] < self.per_client
            if granted:
                self._in_flight[client] += 1
        try:
            yield granted
        finally:
            if granted:
                with self._lock:
                    self._in_flight[client] -= 1
                    if not self._in_flight[client]:
                        del self._in_flight[client]


class SparqlApp:
    """The WSGI application: ``/sparql`` (the protocol), ``/queries`` (the
    saved queries as JSON), ``/colours.json`` (the colours of the entity
    classes and relations, as ``kg draw`` draws them) and the browser pages: the explorer at ``/``, an entity at
    ``/entity/<local name>``.

    ``host_names`` are the names the ``Host`` header may give (IP addresses
    are always accepted; see :func:`host_is_allowed`); None accepts any.
    ``cors_origin`` is the one web origin (see :func:`web_origin`) whose
    pages may query ``/sparql`` from a browser; None allows none.
    """

    def __init__(self, store_path: Path | str, limits: Limits = Limits(), write_token: str | None = None,
                 host_names: Iterable[str] | None = None, cors_origin: str | None = None):
        self.store_path = store_path if is_store_url(store_path) else Path(store_path).resolve()
        self.limits = limits
        self.write_token = write_token
        self.host_names = None if host_names is None else frozenset(host_names)
        self.cors_origin = cors_origin
        self._write_lock = threading.Lock()
        self._clients = _ClientSlots(limits.per_client)
        self._graphs: frozenset[str] | None = None  # listed when first needed (a server store lists them by a query)
        self.pool = QueryPool(self.store_path, limits.workers, limits.worker_memory)

    def __call__(self, environ, start_response):
        request = Request(environ)
        # one byte over the limit is read, so that a chunked body (no
        # Content-Length) that is too large is told from one that fits
        request.max_content_length = self.limits.max_body + 1
        request.max_form_memory_size = self.limits.max_body
        try:
            response = self.dispatch(request)
        except RequestEntityTooLarge:
            response = self._too_large()
        except HTTPException as error:
            response = error.get_response(environ)
        response.headers["X-Content-Type-Options"] = "nosniff"
        if self.cors_origin and request.path == "/sparql":
            response.vary.add("Origin")
            if request.headers.get("Origin") == self.cors_origin:
                response.headers["Access-Control-Allow-Origin"] = self.cors_origin
                response.headers["Access-Control-Expose-Headers"] = _EXPOSED_HEADERS
        return response(environ, start_response)

    def _too_large(self) -> Response:
        return _error(413, f"the request body is larger than {self.limits.max_body} bytes")

    def dispatch(self, request: Request) -> Response:
        if self.host_names is not None and not host_is_allowed(request.headers.get("Host"), self.host_names):
            return _error(400, f"this server does not answer to the host name in 'Host: {request.headers['Host']}' "
                               "(start kg serve with --allow-host NAME to add a name)")
        if request.path == "/sparql":
            if request.method == "OPTIONS" and self.cors_origin:
                return self.preflight(request)
            return self.sparql(request)
        if request.path == "/queries":
            listing = [{"name": q.name, "title": q.title, "description": q.description,
                        "params": q.params, "param_kinds": q.param_kinds, "text": q.text}
                       for q in saved_queries().values()]
            return Response(json.dumps({"prefixes": PREFIXES, "queries": listing}), mimetype="application/json")
        if request.path == "/colours.json":
            # imported here: the query workers, which import this module, never need kg.draw
            from .draw import CLASS_COLOURS, RELATION_STYLES

            colours = {"classes": CLASS_COLOURS,
                       "relations": {relation: style[0] for relation, style in RELATION_STYLES.items()}}
            return Response(json.dumps(colours), mimetype="application/json")
        if request.method in ("GET", "HEAD"):
            if request.path in _WEB_FILES or _ENTITY_PAGE.fullmatch(request.path):
                name, mimetype = _WEB_FILES.get(request.path, ("entity.html", "text/html"))
                return self._page(resources.files("kg").joinpath("web", name).read_bytes(), mimetype)
            if request.path in _VIS_FILES:
                return self._page((vis_network_folder() / request.path[1:]).read_bytes(), _VIS_FILES[request.path])
        return _error(404, f"nothing at {request.path}: the endpoint is /sparql, the explorer is /")

    @staticmethod
    def _page(content: bytes, mimetype: str) -> Response:
        response = Response(content, mimetype=mimetype)
        response.headers["Content-Security-Policy"] = EXPLORER_CSP
        return response

    def preflight(self, request: Request) -> Response:
        """The answer to a CORS preflight: the --cors origin may GET and POST
        queries (no Authorization header: updates stay same-origin)."""
        origin = request.headers.get("Origin")
        if origin != self.cors_origin:
            return _error(403, f"pages from {origin or 'no origin'} may not query this endpoint "
                               f"(only {self.cors_origin}: kg serve --cors ORIGIN)")
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, POST"
        response.headers["Access-Control-Allow-Headers"] = "Accept, Content-Type"
        response.headers["Access-Control-Max-Age"] = "600"
        return response

    def _read_operation(self, request: Request) -> tuple[str | None, str | None]:
        """(query, update) from a GET (or HEAD), a form POST or a direct POST."""
        if request.method in ("GET", "HEAD"):
            return request.args.get("query"), request.args.get("update")
        if request.method != "POST":
            raise _Refused(405, "use GET, HEAD or POST")
        if len(request.get_data(cache=True)) > self.limits.max_body:
            raise RequestEntityTooLarge()
        content_type = request.mimetype
        if content_type == "application/x-www-form-urlencoded":
            return request.form.get("query"), request.form.get("update")
        try:
            body = request.get_data().decode("utf-8")
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
            return self._too_large()
        try:
            query, update = self._read_operation(request)
            for name in ("default-graph-uri", "named-graph-uri", "using-graph-uri", "using-named-graph-uri"):
                for graph in request.values.getlist(name):
                    if graph not in self._local_graphs():
                        raise _Refused(403, f"{name} {graph} is not a graph in this store; nothing is fetched")
                    raise _Refused(400, f"{name} is not supported: name the graph with GRAPH in the query")
            if update is not None:
                return self.update(request, update)
            if not query:
                raise _Refused(400, "no query: send ?query=... (GET), a query= form field, "
                                    "or an application/sparql-query body")
            params = {key.removeprefix("param-"): value for key, value in request.values.items()
                      if key.startswith("param-")}
            return self.query(query, params, request)
        except _Refused as refusal:
            return _error(refusal.status, refusal.message)

    def query(self, sparql: str, params: dict[str, str], request: Request) -> Response:
        select_fmt, graph_fmt = negotiate(request.headers.get("Accept", ""))
        started = time.perf_counter()
        with self._clients.claim(request.remote_addr or "") as granted:
            if not granted:
                response = _error(429, f"too many queries at once: each client may have {self.limits.per_client} "
                                       "in flight; wait for an answer before sending more")
                response.headers["Retry-After"] = "1"
                return response
            try:
                fmt, content, truncated = self.pool.run(
                    sparql, params, select_fmt, graph_fmt, self.limits.max_rows, self.limits.timeout)
            except QuerySyntaxError as error:
                response = _error(400, f"malformed query: {error}")
                if error.position:  # line and column in the query as sent, for the explorer to mark
                    response.headers["X-KG-Error-Position"] = "{}:{}".format(*error.position)
                return response
            except RemoteAccessError as error:
                return _error(403, str(error))
            except QueryError as error:
                return _error(400, str(error))
            except (QueryTimeout, PoolBusy, WorkerStopped) as error:
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
        credentials = request.authorization
        given = credentials.token if credentials and credentials.type == "bearer" else None
        if not given or not hmac.compare_digest(given.encode(), self.write_token.encode()):
            return _error(403, "SPARQL Update needs the write token: send 'Authorization: Bearer <token>'")
        reason = remote_access(sparql, lazily(self._local_graphs))
        if reason:
            return _error(403, reason)
        with self._write_lock:
            try:
                apply_update(self.store_path, sparql, prefixes=PREFIXES)
            except QuerySyntaxError as error:
                return _error(400, f"malformed update: {error}")
            self.pool.restart()
            self._graphs = None
        return Response(status=204)

    def _local_graphs(self) -> frozenset[str]:
        if self._graphs is None:
            with open_store(self.store_path) as store:
                self._graphs = store.named_graphs()
        return self._graphs

    def close(self) -> None:
        self.pool.close()


class _Refused(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def make_app(graph: str | Path | None = None, limits: Limits = Limits(), *,
             write_token: str | None = None, workdir: str | Path | None = None,
             host_names: Iterable[str] | None = None, cors_origin: str | None = None) -> SparqlApp:
    """The endpoint for ``graph`` (a graph file, store folder or server store's
    URL; default: the shipped graph).

    With a write token, updates go to the store itself when ``graph`` is a
    store folder or a server store, and otherwise to a private copy in
    ``workdir`` so that the cached store of a graph file keeps matching that file.
    """
    if is_store_url(graph):
        return SparqlApp(graph, limits, write_token, host_names, cors_origin)
    store_path = open_store(graph).path
    serving_a_cached_store = graph is None or Path(graph).resolve() != store_path.resolve()
    if write_token and serving_a_cached_store:
        store_path = copy_store(store_path, Path(workdir or tempfile.mkdtemp(prefix="kg-serve-")) / "store")
    return SparqlApp(store_path, limits, write_token, host_names, cors_origin)


def _request_handler(read_timeout: float) -> type[WSGIRequestHandler]:
    class TimedRequestHandler(WSGIRequestHandler):
        # socketserver sets this on each connection: a client that stops
        # sending (or reading) for this long is disconnected
        timeout = read_timeout

    return TimedRequestHandler


@contextmanager
def running_server(graph: str | Path | None = None, limits: Limits = Limits(), *, host: str = "127.0.0.1",
                   port: int = 0, write_token: str | None = None, allow_hosts: Iterable[str] = (),
                   cors_origin: str | None = None,
                   announce: Callable[[str], object] | None = None) -> Iterator[str]:
    """Serve in a background thread; yield the base URL; shut down on exit.

    Port 0 picks a free port (tests and benchmarks use this). The ``Host``
    header must name an IP address, ``localhost``, ``host`` or one of
    ``allow_hosts``. Pages from ``cors_origin`` may query it from a
    browser (see :class:`SparqlApp`). ``announce`` is told where the server listens once it
    does. Whatever fails on the way (a port in use, a graph that does not
    parse), nothing is left behind: no worker, no temporary folder.
    """
    with ExitStack() as cleanup:
        workdir = tempfile.mkdtemp(prefix="kg-serve-")
        cleanup.callback(shutil.rmtree, workdir, ignore_errors=True)
        app = make_app(graph, limits, write_token=write_token, workdir=workdir,
                       host_names=allowed_host_names(host, allow_hosts), cors_origin=cors_origin)
        cleanup.callback(app.close)
        # bound here, not by Werkzeug, which prints its own message and exits when the port is taken
        listener = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
        cleanup.callback(listener.close)
        server = make_server(host, port, app, threaded=True, request_handler=_request_handler(limits.read_timeout),
                             fd=listener.fileno())
        cleanup.callback(server.server_close)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        cleanup.callback(thread.join)
        cleanup.callback(server.shutdown)
        url_host = f"[{host}]" if ":" in host else host
        url = f"http://{url_host}:{listener.getsockname()[1]}"
        if announce:
            announce(f"SPARQL endpoint: {url}/sparql   explorer: {url}/   (Ctrl-C stops)")
            if is_store_url(graph):
                announce(f"queries go to the server store at {ServerStore.without_userinfo(graph)}; "
                         "SERVICE, LOAD and remote FROM are refused by reading each query")
            elif not app.pool.offline:
                announce("note: this system gives the query workers no network namespace of their own; "
                         "SERVICE, LOAD and remote FROM are refused by reading each query")
        yield url


def serve(graph: str | Path | None = None, limits: Limits = Limits(), *, host: str = "127.0.0.1",
          port: int = 7878, write_token: str | None = None, allow_hosts: Iterable[str] = (),
          cors_origin: str | None = None, announce=print) -> None:
    """Serve until interrupted (what ``kg serve`` runs)."""
    stop = threading.Event()
    if threading.current_thread() is threading.main_thread():
        # SIGTERM too, and SIGINT even where a shell started us with it ignored
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: stop.set())
    with running_server(graph, limits, host=host, port=port, write_token=write_token,
                        allow_hosts=allow_hosts, cors_origin=cors_origin, announce=announce):
        stop.wait()


if __name__ == "__main__":
    _worker_main(sys.argv[1], int(sys.argv[2]))
