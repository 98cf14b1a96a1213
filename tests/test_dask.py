"""`kg build --scheduler`: the batches run on a real dask.distributed cluster
(a scheduler and two worker processes on loopback, one for the module) and
the output is the local build's, byte for byte (issue 9). A failing article
on a worker is that article's error; a scheduler that cannot be reached or
has no workers, an address of another scheme, Dask missing, or -j beside
--scheduler, is a clear error. ``run_on_cluster`` itself, with small
functions of this module: order, a dead worker's batch, a failed set-up,
and no set-up left on the cluster after a run."""

import os
import socket
import sys
from pathlib import Path

import dask
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

import kg.pipeline
from kg.cli import cli
from kg.cluster import ClusterError, run_on_cluster

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = ROOT.parent / "shared" / "articles"

pytestmark = pytest.mark.issue(9)


def _build(out: Path, *options: str, sources=(ARTICLES,)):
    return CliRunner().invoke(cli, ["build", *map(str, sources), "-o", str(out), "-q", *options])


@pytest.fixture(scope="module")
def cluster():
    """A scheduler in this process and two single-threaded worker processes, on loopback.
    A worker that dies is not retried (allowed-failures 0), so that a lost batch shows at once."""
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), \
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                         dashboard_address=":0") as local:
        yield local


@pytest.fixture(scope="module")
def local_build(tmp_path_factory, model_and_articles) -> Path:
    out = tmp_path_factory.mktemp("local") / "news.trig"
    result = _build(out, "-j", "1")
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.model
def test_a_cluster_build_writes_the_local_build_bytes(cluster, local_build, tmp_path):
    out = tmp_path / "news.trig"
    result = _build(out, "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 0, result.output
    assert "5 articles" in result.output
    assert out.read_bytes() == local_build.read_bytes()


@pytest.mark.model
def test_kg_add_on_a_cluster_writes_the_local_build_graph(cluster, local_build, tmp_path):
    first, *rest = sorted(ARTICLES.glob("*.txt"))
    out = tmp_path / "news.trig"
    assert _build(out, "-j", "1", sources=(first,)).exit_code == 0
    result = CliRunner().invoke(cli, ["add", *map(str, rest), "--into", str(out), "-q",
                                      "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert f"added {len(rest)} articles" in result.output
    # (an add appends its new triples to the file: the same graph as the build's, not its bytes)
    assert _quads(out) == _quads(local_build)


def _quads(graph: Path) -> list[str]:
    import pyoxigraph as ox

    return sorted(str(quad) for quad in ox.parse(path=str(graph), format=ox.RdfFormat.TRIG))


def _fail_on_quillon(article, *args, **kwargs):
    if "Quillon" in article.text:
        raise ValueError(f"broken in process {os.getpid()}")
    return _real_extract_article(article, *args, **kwargs)


_real_extract_article = kg.pipeline.extract_article


def _patch_extraction(patched: bool) -> None:
    kg.pipeline.extract_article = _fail_on_quillon if patched else _real_extract_article


@pytest.mark.model
def test_an_article_failing_on_a_worker_is_reported_and_the_rest_builds(cluster, local_build, tmp_path):
    bad = tmp_path / "in" / "bad.txt"
    bad.parent.mkdir()
    bad.write_text("Quillon Labs grew.", encoding="utf-8")
    out = tmp_path / "news.trig"
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        client.run(_patch_extraction, True)  # in the worker processes (this module is importable there)
        try:
            result = _build(out, "--scheduler", cluster.scheduler_address, sources=(ARTICLES, bad.parent))
        finally:
            client.run(_patch_extraction, False)
    assert result.exit_code == 1
    prefix = f"skipped {bad}: failed in extraction (ValueError: broken in process "
    (line,) = [line for line in result.output.splitlines() if line.startswith("skipped")]
    assert line.startswith(prefix)
    assert int(line[len(prefix):].rstrip(")")) != os.getpid()  # it failed on a worker, not here
    assert "5 articles" in result.output and "1 skipped" in result.output
    assert out.read_bytes() == local_build.read_bytes()


@pytest.fixture
def one_article(tmp_path) -> Path:
    """A one-line article, for the errors that come before any extraction."""
    article = tmp_path / "in" / "a.txt"
    article.parent.mkdir()
    article.write_text("Quillon Labs grew.", encoding="utf-8")
    return article


@pytest.fixture(params=["nothing listens", "listens, never answers"])
def unanswered_address(request):
    """A loopback address where no Dask scheduler answers: a closed port, or one
    that accepts connections and says nothing (as a Dask dashboard's port does)."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
        if request.param == "nothing listens":
            server.close()
        yield f"tcp://127.0.0.1:{port}"


def test_an_unreachable_scheduler_is_named_in_the_error(unanswered_address, one_article, tmp_path):
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        result = _build(tmp_path / "out.trig", "--scheduler", unanswered_address, sources=(one_article,))
    assert result.exit_code == 1
    assert f"Error: no Dask scheduler answers at {unanswered_address} within 1 s: start one with `dask scheduler`" \
        in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.trig").exists()


def test_a_scheduler_without_workers_is_a_clear_error(one_article, tmp_path):
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), \
            LocalCluster(n_workers=0, host="127.0.0.1", dashboard_address=":0") as empty:
        result = _build(tmp_path / "out.trig", "--scheduler", empty.scheduler_address, sources=(one_article,))
    assert result.exit_code == 1
    assert (f"Error: the Dask scheduler at {empty.scheduler_address} has no workers after 1 s: "
            f"start some with `dask worker {empty.scheduler_address}`") in result.output


def test_a_scheduler_address_of_another_scheme_is_refused(one_article, tmp_path):
    result = _build(tmp_path / "out.trig", "--scheduler", "http://127.0.0.1:8786", sources=(one_article,))
    assert result.exit_code == 1
    assert "Error: http://127.0.0.1:8786 is not a Dask scheduler address (unknown address scheme 'http'" \
        in result.output


def test_without_dask_the_error_says_how_to_install_it(one_article, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if not installed: importing it fails
    monkeypatch.delitem(sys.modules, "kg.cluster")
    result = _build(tmp_path / "out.trig", "--scheduler", "tcp://127.0.0.1:8786", sources=(one_article,))
    assert result.exit_code == 1
    assert "Error: building on a Dask cluster needs Dask's distributed package" in result.output
    assert result.output.rstrip().endswith("pip install 'kg[cluster]'")


def test_jobs_and_scheduler_together_are_refused(tmp_path):
    result = _build(tmp_path / "out.trig", "-j", "2", "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2
    assert "-j and --scheduler exclude each other" in result.output


def _square_unless_negative(batch, offset):
    if any(n < 0 for n in batch):
        os._exit(1)  # the worker process dies with the batch
    return [n * n + offset for n in batch]


def _no_setup(offset):
    pass


def test_batches_come_back_in_order(cluster):
    batches = [[1, 2], [3], [4], [5, 6], [7]]
    outcomes = list(run_on_cluster(cluster.scheduler_address, batches, _square_unless_negative, _no_setup, 10))
    assert outcomes == [[11, 14], [19], [26], [35, 46], [59]]
    assert not _kg_plugins(cluster)


def test_a_stop_part_way_leaves_no_setup_on_the_cluster(cluster):
    outcomes = run_on_cluster(cluster.scheduler_address, [[1], [2], [3]], _square_unless_negative, _no_setup, 0)
    assert next(outcomes) == [1]
    outcomes.close()  # as a --strict build stops at a failed article
    assert not _kg_plugins(cluster)


def test_a_batch_whose_worker_dies_is_each_items_failure(cluster):
    # alone: a batch waiting on the same worker would die with it (allowed-failures 0)
    (outcomes,) = run_on_cluster(cluster.scheduler_address, [[-1, 4]], _square_unless_negative, _no_setup, 0)
    assert len(outcomes) == 2 and all(o.startswith("KilledWorker: ") for o in outcomes)


def test_a_worker_that_cannot_be_set_up_is_a_cluster_error(cluster):
    with pytest.raises(ClusterError, match="could not be set up: ValueError: math domain error"):
        next(run_on_cluster(cluster.scheduler_address, [[1]], _square_unless_negative, _math_error, 0))
    assert not _kg_plugins(cluster)  # a worker that joins later is not set up to fail


def _kg_plugins(cluster) -> list[str]:
    """The worker plugins kg left registered on the (in-process) scheduler."""
    return [name for name in cluster.scheduler.worker_plugins if name.startswith("kg-")]


def _math_error(args):
    import math

    math.sqrt(-1)
