"""Running batches of work on a Dask cluster's workers (``kg build --scheduler``).

The cluster runs the same batches a local pool of processes would: each
worker process is set up once, by a :class:`distributed.WorkerPlugin` (kg's
extraction loads the spaCy pipeline there), the batches are submitted in
order, and their outcomes come back in that order whichever worker ran
them. Dask's ``distributed`` package is an optional dependency
(``pip install 'kg[cluster]'``); only this module imports it.

An address that is no Dask address fails at once, naming it:

>>> next(run_on_cluster("http://127.0.0.1:8786", [[1]], pow, print, None))
Traceback (most recent call last):
...
kg.cluster.ClusterError: http://127.0.0.1:8786 is not a Dask scheduler address (unknown address scheme 'http' ...
"""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError
from contextlib import suppress
from typing import Any

import dask
from dask.utils import parse_timedelta
from distributed import Client, KilledWorker, WorkerPlugin, get_worker
from distributed.comm import connect

from .errors import KgError

__all__ = ["ClusterError", "run_on_cluster"]


class ClusterError(KgError):
    """The cluster cannot be reached, has no workers, cannot set them up, or was lost."""


def run_on_cluster(address: str, batches: Iterable[Sequence], work: Callable[[Sequence, Any], list],
                   start: Callable[[Any], None], args: Any) -> Iterator[list]:
    """``work(batch, args)`` for each of ``batches`` on the workers of the Dask
    scheduler at ``address``, in the order of ``batches``.

    ``start(args)`` runs once in each worker process (and in a worker that
    joins later) before it runs any batch. ``work`` returns one outcome per
    item of its batch, a string for an item that failed; a batch whose
    worker died, however often Dask retried it, gives each of its items
    such a string. The functions must be importable on the workers (Dask
    pickles them by name). How long to wait for the scheduler, and for its
    first worker, is Dask's ``distributed.comm.timeouts.connect`` (30 s
    unless ``DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT`` says otherwise).
    """
    timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")
    _reach(address, timeout)
    with Client(address, timeout=timeout, set_as_default=False) as client:
        try:
            client.wait_for_workers(1, timeout=timeout)
        except TimeoutError:
            raise ClusterError(f"the Dask scheduler at {address} has no workers after {timeout:g} s: "
                               f"start some with `dask worker {address}`") from None
        # a name of its own: two builds sharing a cluster keep their own setups
        name = f"kg-{uuid.uuid4().hex}"
        pending: deque = deque()
        try:
            try:
                client.register_plugin(_WorkerSetup(start, work, args), name=name)
            except Exception as exc:
                raise ClusterError(f"a worker of the Dask cluster at {address} could not be set up: "
                                   f"{type(exc).__name__}: {exc}") from None
            pending.extend((batch, client.submit(_run, name, batch, pure=False)) for batch in batches)
            while pending:
                batch, future = pending.popleft()  # dropped once read: the cluster may forget its result
                try:
                    yield future.result()
                except KilledWorker as exc:
                    yield [f"KilledWorker: {exc}"] * len(batch)
                except CancelledError:
                    raise ClusterError(f"lost the Dask scheduler at {address} during the build") from None
        finally:
            client.cancel([future for _, future in pending])  # a stop (--strict) leaves the rest undone
            if client.status == "running":
                # gone from the scheduler too, which would set up every worker that joins later
                with suppress(ValueError):  # never registered: the plugin did not reach the scheduler
                    client.unregister_worker_plugin(name)


def _reach(address: str, timeout: float) -> None:
    """Raise a :class:`ClusterError` naming ``address`` unless a Dask scheduler answers there within ``timeout``.

    Checked apart from the :class:`~distributed.Client`, which on failing to
    connect leaves an object whose clean-up prints a second error later; and
    with a time limit of its own, as Dask waits for ever on a port that
    accepts the connection but does not answer it (the dashboard's, 8787)."""
    async def knock() -> None:
        comm = await connect(address, timeout=timeout)
        await comm.close()

    try:
        asyncio.run(asyncio.wait_for(knock(), timeout))
    except ValueError as exc:
        raise ClusterError(f"{address} is not a Dask scheduler address ({exc}); "
                           "one looks like tcp://HOST:8786") from None
    except OSError:  # TimeoutError among them
        raise ClusterError(f"no Dask scheduler answers at {address} within {timeout:g} s: start one with "
                           "`dask scheduler` and give the address it logs as 'Scheduler at' (the dashboard's "
                           "port is not it), or wait longer with DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT=60s"
                           ) from None


class _WorkerSetup(WorkerPlugin):
    """Holds one run's ``work`` and ``args`` on each worker, after ``start(args)`` ran there."""

    def __init__(self, start: Callable[[Any], None], work: Callable[[Sequence, Any], list], args: Any):
        self.start, self.work, self.args = start, work, args

    async def setup(self, worker) -> None:
        # in a thread: loading a model takes seconds the worker's event loop must not miss
        await asyncio.to_thread(self.start, self.args)


#: A worker started with several threads runs this process's batches one at
#: a time: they share whatever ``start`` set up (kg: one spaCy pipeline),
#: which is not made to be used by two threads at once.
_ONE_AT_A_TIME = threading.Lock()


def _run(plugin: str, batch: Sequence) -> list:
    setup = get_worker().plugins[plugin]
    with _ONE_AT_A_TIME:
        return setup.work(batch, setup.args)
