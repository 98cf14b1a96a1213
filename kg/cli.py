"""The ``kg`` command line: a thin click shell over the library."""

from __future__ import annotations

import sys

import click

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build, query, analyse and draw a knowledge graph of news articles."""


class _BadQuery(click.ClickException):
    """A query that cannot run: exit code 2, like a usage error, no traceback."""

    exit_code = 2


def _parse_params(ctx, param, values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", ctx, param)
        params[name] = value
    return params


def _open(graph):
    from .store import open_store

    try:
        return open_store(graph)
    except (FileNotFoundError, ValueError, SyntaxError) as error:
        raise click.ClickException(str(error)) from None


@cli.command("query")
@click.argument("query", required=False)
@click.option("-g", "--graph", type=click.Path(exists=True), help="Graph file or store folder [default: triples/news.trig].")
@click.option("-p", "--param", "params", multiple=True, callback=_parse_params, metavar="NAME=VALUE",
              help="Give a query parameter a value (repeatable). <iri> is an IRI, numbers are numbers.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "rdfxml"]),
              help="Output format [default: table on a terminal, else csv; turtle for graphs].")
@click.option("--max-rows", type=click.IntRange(min=0), help="Print at most this many rows.")
@click.option("-l", "--list", "list_queries", is_flag=True, help="List the saved queries and their parameters.")
def query_command(query, graph, params, fmt, max_rows, list_queries) -> None:
    """Answer QUERY: the name of a saved query, an .rq file, or SPARQL text.

    The prefixes kg, rdf, rdfs, owl, xsd, skos, prov, schema, wd, entity and
    article are bound already.

    \b
      kg query --list
      kg query partners --param company="Alibaba Group"
      kg query 'SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }' --format json
    """
    from .query import QueryError, format_result, run_query, saved_queries
    from .store import GraphResult, QuerySyntaxError

    if list_queries:
        for saved in saved_queries().values():
            params_text = " ".join(f"--param {name}=..." for name in saved.params)
            click.echo(f"{saved.name:<22} {saved.title}" + (f"\n{'':<22} {params_text}" if params_text else ""))
        return
    if not query:
        raise click.UsageError("give a QUERY (a saved query's name or SPARQL), or --list")
    store = _open(graph)
    try:
        result = run_query(store, query, params)
        if fmt is None:
            fmt = "turtle" if isinstance(result, GraphResult) else "table" if sys.stdout.isatty() else "csv"
        output = format_result(result, fmt, max_rows=max_rows)
    except QuerySyntaxError as error:
        raise _BadQuery(f"malformed query: {error}") from None
    except QueryError as error:
        raise _BadQuery(str(error)) from None
    click.echo(output, nl=False)


@cli.command("serve")
@click.argument("graph", required=False, type=click.Path(exists=True))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Seconds a query may run; longer ones are cancelled and answered 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Rows (or triples) per answer; the rest are cut off and flagged in X-KG-Truncated.")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(min=1),
              help="Bytes a request body may have (413 beyond).")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(min=1),
              help="Queries that may run at once (one process each).")
@click.option("--write-token", envvar="KG_WRITE_TOKEN",
              help="Allow SPARQL Update for requests bearing this token [env: KG_WRITE_TOKEN].")
def serve_command(graph, host, port, timeout, max_rows, max_body, workers, write_token) -> None:
    """Serve GRAPH (default: the shipped graph) as a read-only SPARQL endpoint
    at /sparql, with a browser explorer at /.

    \b
      kg serve --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
           http://127.0.0.1:7878/sparql
    """
    from .server import Limits, serve

    limits = Limits(timeout=timeout, max_rows=max_rows, max_body=max_body, workers=workers)
    try:
        serve(graph, limits, host=host, port=port, write_token=write_token, announce=click.echo)
    except (FileNotFoundError, OSError) as error:
        raise click.ClickException(str(error)) from None
