"""The ``kg`` command line: a thin click shell over the library. Each
command parses its arguments and calls one library function."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build, query, analyse and draw a knowledge graph of news articles."""


def _graph_argument(required: bool = False):
    return click.argument("graph", required=required, type=click.Path(dir_okay=False, path_type=Path))


def _load(graph: Path | None):
    from .store import default_graph_path, load_graph

    path = graph or default_graph_path()
    if not path.exists():
        raise click.ClickException(f"no graph at {path}: build one with `kg build SRC -o {path}`")
    try:
        return load_graph(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a parser's error on a broken file
        raise click.ClickException(f"cannot parse {path}: {exc}") from None


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("out/news.trig"),
              show_default=True, help="Graph file to write; its extension picks the format (.trig .ttl .nt .jsonld).")
@click.option("--no-quotes", is_flag=True, help="Leave sentence text out of the evidence (offsets only).")
@click.option("--strict", is_flag=True, help="Stop at the first unreadable file instead of skipping it.")
@click.option("-x", "--extractor", "extractors", multiple=True, metavar="NAME",
              help="Registered extractor to run (repeatable; default: all built-in). See `kg extractors`.")
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Entity catalogue (Turtle); default triples/catalogue.ttl.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def build(sources, output, no_quotes, strict, extractors, catalogue, quiet):
    """Read the articles in SOURCES (files or folders) and write their graph.

    Text, Markdown, HTML and JSON Lines files are read. Unreadable files are
    reported by name and skipped; the exit code is then 1.
    """
    from tqdm import tqdm

    from .extract import DEFAULT_EXTRACTORS
    from .ingest import IngestError
    from .pipeline import build_graph
    from .store import save_graph, suffix_format

    try:
        suffix_format(output)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--output") from None
    for src in sources:
        if not src.exists():
            raise click.BadParameter(f"{src} does not exist", param_hint="SOURCES")

    def report(err: IngestError) -> None:
        click.echo(f"skipped {err}", err=True)

    def progress(items):
        return tqdm(items, desc="extracting", unit="article", disable=quiet or None, file=sys.stderr)

    try:
        result = build_graph(sources, extractors=extractors or DEFAULT_EXTRACTORS, catalogue=catalogue,
                             quotes=not no_quotes, strict=strict, on_error=report, progress=progress)
    except IngestError as err:
        raise click.ClickException(f"{err} (stopped: --strict)") from None
    except (KeyError, OSError) as err:
        raise click.ClickException(str(err).strip("'\"")) from None
    if result.stats.articles == 0:
        raise click.ClickException("no articles were read: nothing to build")
    save_graph(result.graph, output)
    click.echo(f"wrote {output}: {result.stats.summary()}")
    if result.stats.errors:
        sys.exit(1)


@cli.command(name="eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold .tsv files (SCHEMA.md format).")
@_graph_argument()
@click.option("--drop-ambiguous", is_flag=True, help="Neither require nor penalise rows marked '# ambiguous'.")
@click.option("--details", default=25, show_default=True, help="How many misses and errors to list (0: none).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
def eval_command(gold_dir, graph, drop_ambiguous, details, as_json):
    """Score GRAPH (default: the shipped graph) against gold annotations:
    precision, recall and F1 for entities, relations and facts."""
    from .evaluate import evaluate, read_gold
    from .model import read_records

    golds = [read_gold(p) for p in sorted(gold_dir.glob("*.tsv"))]
    if not golds:
        raise click.ClickException(f"no .tsv gold files in {gold_dir}")
    result = evaluate(read_records(_load(graph)), golds, drop_ambiguous=drop_ambiguous)
    click.echo(json.dumps(result.as_dict(), indent=2) if as_json else result.report(details=details))


@cli.command()
@_graph_argument()
def validate(graph):
    """Check GRAPH (default: the shipped graph) against triples/shapes.ttl.

    Exit code 0: conforms; 1: does not conform; 2: the graph cannot be read.
    """
    from .validate import validate as run

    try:
        g = _load(graph)
    except click.ClickException as exc:
        click.echo(f"Error: {exc.message}", err=True)
        sys.exit(2)
    report = run(g)
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


@cli.command()
def extractors():
    """List the registered extractors (built-in and plug-ins)."""
    from .extract import DEFAULT_EXTRACTORS
    from .extract import extractors as registry

    for name in sorted(registry.get_all()):
        click.echo(f"{name}{'  (default)' if name in DEFAULT_EXTRACTORS else ''}")
