"""The ``kg`` command line: a thin click shell over the library. Each
command parses its arguments and calls one library function."""

from __future__ import annotations

import csv
import functools
import gc
import io
import json
import os
import sys
from pathlib import Path

import click

from .ingest import MAX_CHARS
from .schema import CLASSES, METRICS, RELATIONS

__all__ = ["cli"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="kg")
def cli() -> None:
    """Build, query, analyse and draw a knowledge graph of news articles."""


def _graph_argument(required: bool = False):
    return click.argument("graph", required=required, type=click.Path(dir_okay=False, path_type=Path))


def _store_url(ctx, param, value: str | None) -> str | None:
    from .store import is_store_url

    if value is not None and not is_store_url(value):
        raise click.BadParameter(f"{value!r} is not the http(s) URL of a SPARQL endpoint, "
                                 "e.g. http://127.0.0.1:8890/sparql-auth", ctx, param)
    return value


def store_option(command):
    """The ``--store URL`` option: the command works on the SPARQL 1.1 server at
    URL (see kg.store.ServerStore) instead of an embedded store; the command
    receives it as ``store_url`` (None without the option)."""
    return click.option(
        "--store", "store_url", metavar="URL", callback=_store_url,
        help="Use the SPARQL 1.1 server at URL (query endpoint, e.g. Virtuoso's http://HOST:8890/sparql-auth) "
             "as the store; credentials in the URL (http://USER:PASSWORD@HOST/...) or in $KG_STORE_USER and "
             "$KG_STORE_PASSWORD.")(command)


def _one_store(graph, store_url, graph_name: str = "GRAPH"):
    """``--store`` or the graph, not both."""
    if graph and store_url:
        raise click.UsageError(f"give {graph_name} or --store, not both")
    return store_url or graph


def _load(graph: str | Path | None):
    from .store import default_graph_path, load_graph

    path = Path(graph) if graph else default_graph_path()
    if not path.exists():
        raise click.ClickException(f"no graph at {path}: build one with `kg build SRC -o {path}`")
    try:
        return load_graph(path)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a parser's error on a broken file
        raise click.ClickException(f"cannot parse {path}: {exc}") from None


def _processes_options(command):
    """-j and --scheduler: where the articles are parsed and extracted (kg build, kg add)."""
    command = click.option("--scheduler", metavar="tcp://HOST:8786",
                           help="Parse and extract on the workers of this Dask scheduler instead of local processes "
                                "(excludes -j); the output is the same. Needs `pip install 'kg[cluster]'`.")(command)
    return click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1,
                        show_default="all cores",
                        help="Processes that parse and extract; the output is the same whatever their number.")(command)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=Path("out/news.trig"),
              show_default=True, help="Graph file to write; its extension picks the format (.trig .ttl .nt .jsonld).")
@click.option("--no-quotes", is_flag=True, help="Leave sentence text out of the evidence (offsets only).")
@click.option("--strict", is_flag=True, help="Stop at the first input that fails instead of skipping it.")
@click.option("--max-chars", type=click.IntRange(min=1), default=MAX_CHARS, show_default=True,
              help="Longest article read, in characters; a longer one is reported and skipped.")
@click.option("-x", "--extractor", "extractors", multiple=True, metavar="NAME",
              help="Registered extractor to run (repeatable; default: all built-in). See `kg extractors`.")
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Entity catalogue (Turtle); default triples/catalogue.ttl.")
@click.option("--scorer", metavar="FILE|none", default=None,
              help="Relation scorer trained by `kg train`: relations it rates under its threshold are dropped "
                   "(default: none).")
@click.option("--curation", metavar="FILE|none", default=None,
              help="Curation decisions (Turtle, from `kg curate`) to apply; default: OUTPUT's curation file "
                   "(out/news.curation.ttl for out/news.trig) where there is one.")
@_processes_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@store_option
def build(sources, output, no_quotes, strict, max_chars, extractors, catalogue, scorer, curation, jobs, scheduler,
          quiet, store_url):
    """Read the articles in SOURCES (files or folders) and write their graph.

    Text, Markdown, HTML and JSON Lines files are read. A file, JSON Lines
    line or article that fails (unreadable, too long, failing in extraction)
    is reported by name with the reason and skipped; the exit code is then 1.
    A repeated article is reported and read once. The graph is also loaded
    into the on-disk SPARQL store that `kg query GRAPH` opens, or with
    --store into the server's store (replacing the graph there).

    The decisions of `kg curate` are applied on every build: those in
    --curation, else in the curation file next to OUTPUT.

    Beside OUTPUT goes its journal (out/news.journal.sqlite for
    out/news.trig): what was found in each article, so that `kg add` and
    `kg remove` change the graph without extracting its articles again.
    """
    from .errors import InputError, KgError
    from .extract import DEFAULT_EXTRACTORS
    from .pipeline import build_graph, save_build
    from .store import ServerStoreError, suffix_format

    try:
        suffix_format(output)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--output") from None
    jobs = _checked_sources(sources, scheduler, jobs)

    curation_path, decisions = _decisions_for(output, curation)
    report, progress = _reporting(quiet)

    try:
        result = build_graph(sources, extractors=extractors or DEFAULT_EXTRACTORS, catalogue=catalogue,
                             quotes=not no_quotes, strict=strict, on_error=report, progress=progress,
                             scorer=None if scorer in (None, "none") else Path(scorer), max_chars=max_chars,
                             decisions=decisions, jobs=jobs, scheduler=scheduler)
    except InputError as err:
        raise click.ClickException(f"{err} (stopped: --strict)") from None
    except (KgError, ValueError) as err:
        raise click.ClickException(str(err)) from None
    if result.stats.articles == 0:
        raise click.ClickException("no articles were read: nothing to build")
    try:
        save_build(result, output, store_url)
    except ServerStoreError as err:
        raise click.ClickException(f"wrote {output}, but could not load it: {err}") from None
    click.echo(f"wrote {output}: {result.stats.summary()}")
    if store_url:
        click.echo(f"loaded into the store at {_without_credentials(store_url)}")
    _report_curation(result, decisions, curation_path)
    if result.stats.errors:
        sys.exit(1)


_CURATION_OPTION = click.option(
    "--curation", metavar="FILE|none", default=None,
    help="Curation decisions to apply; default: the graph's curation file (out/news.curation.ttl for "
         "out/news.trig) where there is one.")


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--into", "graph", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The graph to add to, built by `kg build` (with its journal beside it).")
@click.option("--strict", is_flag=True, help="Stop at the first input that fails instead of skipping it.")
@_CURATION_OPTION
@_processes_options
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
@store_option
def add(sources, graph, strict, curation, jobs, scheduler, quiet, store_url):
    """Add the articles in SOURCES (files or folders) to the graph --into names.

    Only articles whose content (URL, else text) is new to the graph are
    read by NLP, with the extractors, catalogue and scorer it was built
    with; an article it has already changes nothing. The new articles are
    then resolved on their own and only their share of the graph is added
    to the graph file and its store, or, where one may change what was
    decided for the others (a name it spells first, a class it changes) or
    there are curation decisions, every article is resolved again from the
    graph's journal: either way the graph and its store are what `kg build`
    of all the articles would write.

    \b
      kg add today/ --into out/news.trig
    """
    from .errors import InputError, KgError
    from .pipeline import add_articles
    from .store import ServerStoreError

    jobs = _checked_sources(sources, scheduler, jobs)
    _built(graph)
    curation_path, decisions = _decisions_for(graph, curation)
    report, progress = _reporting(quiet)
    try:
        change = add_articles(graph, sources, strict=strict, on_error=report, progress=progress,
                              decisions=decisions, jobs=jobs, scheduler=scheduler, store=store_url)
    except InputError as err:
        raise click.ClickException(f"{err} (stopped: --strict)") from None
    except (KgError, ValueError, ServerStoreError) as err:
        raise click.ClickException(str(err)) from None
    if change.present:  # a day's folder read again holds every article of the days before: one line for them
        click.echo(f"already in {graph} (same content), not read again: {_articles(change.present)}")
    if change.result is None:
        click.echo(f"nothing to add: {graph} is unchanged")
    else:
        how = "only the new resolved" if change.in_place else "every article resolved again"
        click.echo(f"added {len(change.added)} article{'s' if len(change.added) != 1 else ''} ({how}); "
                   f"wrote {graph}: {change.stats.summary()}")
        if store_url:
            click.echo(f"loaded into the store at {_without_credentials(store_url)}")
        _report_curation(change.result, decisions, curation_path)
    if change.stats.errors:
        sys.exit(1)


@cli.command()
@click.argument("articles", nargs=-1, required=True)
@click.option("--from", "graph", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The graph to remove from, built by `kg build` (with its journal beside it).")
@_CURATION_OPTION
@store_option
def remove(articles, graph, curation, store_url):
    """Take ARTICLES out of the graph --from names. An article is named by
    its id, the name of the file it was read from, or its JSON Lines "id" (a
    JSON Lines file's name names all its articles).

    What only they said goes: a relation or fact whose last source is gone
    disappears, one with other sources keeps those. Nothing is extracted
    again; the other articles are resolved again from the graph's journal
    and the curation decisions applied. A name that names no article is an
    error, and then nothing changes.

    \b
      kg remove 004_4de3c01e73442037.txt --from out/news.trig
    """
    from .errors import KgError
    from .pipeline import remove_articles
    from .store import ServerStoreError

    _built(graph)
    curation_path, decisions = _decisions_for(graph, curation)
    try:
        change = remove_articles(graph, articles, decisions=decisions, store=store_url)
    except (KgError, ValueError, ServerStoreError) as err:
        raise click.ClickException(str(err)) from None
    click.echo(f"removed {_articles(change.removed)}")
    click.echo(f"wrote {graph}: {change.stats.summary()}")
    if store_url:
        click.echo(f"loaded into the store at {_without_credentials(store_url)}")
    _report_curation(change.result, decisions, curation_path)


def _articles(entries) -> str:
    """One article by file name and id; several by count."""
    if len(entries) == 1:
        return f"{entries[0].source} ({entries[0].id})"
    return f"{len(entries)} articles"


def _built(graph: Path) -> None:
    if not graph.is_file():
        raise click.ClickException(f"no graph at {graph}: build one with `kg build SOURCES -o {graph}`")


def _checked_sources(sources, scheduler: str | None, jobs: int) -> int:
    """Refuse missing SOURCES and -j beside --scheduler; the jobs to run here."""
    for src in sources:
        if not src.exists():
            raise click.BadParameter(f"{src} does not exist", param_hint="SOURCES")
    if scheduler is None:
        return jobs
    if click.get_current_context().get_parameter_source("jobs") is not click.core.ParameterSource.DEFAULT:
        raise click.BadParameter("-j and --scheduler exclude each other: the cluster's workers do the work",
                                 param_hint="-j/--jobs")
    return 1


def _decisions_for(graph: Path, curation: str | None):
    """The curation file --curation names, else the one next to ``graph``
    where there is one (None for "none"), and its decisions."""
    from .curate import curation_path_for
    from .curation_rdf import read_decisions

    path = None if curation == "none" else Path(curation) if curation else curation_path_for(graph)
    if path is None or not (curation or path.exists()):
        return path, []
    try:
        return path, read_decisions(path)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--curation") from None


def _reporting(quiet: bool):
    """How a build reports: each skipped input on stderr, and a progress bar over the articles it extracts."""
    from tqdm import tqdm

    def report(err) -> None:
        click.echo(f"skipped {err}", err=True)

    def progress(items):
        return tqdm(items, desc="extracting", unit="article", disable=quiet or None, file=sys.stderr)

    return report, progress


def _report_curation(result, decisions, curation_path) -> None:
    if decisions:
        click.echo(f"applied {len(result.curation.applied)} of {len(decisions)} curation decisions from {curation_path}")
        for decision in result.curation.idle:
            click.echo(f"no effect: {decision.id} {decision.describe()}", err=True)
        _report_unfit(result.curation)


@cli.command()
@click.argument("sources", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--gold", "gold_dirs", multiple=True, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold .tsv files (repeatable); an article trains only where one names it.")
@click.option("--skip", metavar="IDS|FILE.toml:KEY",
              help="Gold files never to train on, e.g. tests/data/splits.toml:check.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="Model file to write (JSON).")
@click.option("--seed", default=0, show_default=True, help="Random seed: the same seed gives the same model.")
@click.option("--catalogue", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Entity catalogue (Turtle); default triples/catalogue.ttl.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar.")
def train(sources, gold_dirs, skip, output, seed, catalogue, quiet):
    """Train the relation scorer on annotated articles: every relation the
    rules propose in SOURCES is a candidate, labelled by the article's gold
    file (matched by JSON Lines id or file name)."""
    from tqdm import tqdm

    from .learn import candidates, read_golds, train_scorer

    try:
        golds = read_golds(gold_dirs, skip)
    except (OSError, KeyError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None

    def progress(items):
        return tqdm(items, desc="reading", unit="article", disable=quiet or None, file=sys.stderr)

    def report(err):
        click.echo(f"skipped {err}", err=True)

    cands = candidates(sources, golds, catalogue=catalogue, progress=progress, on_error=report)
    if not cands:
        raise click.ClickException("no article under SOURCES has a gold file: nothing to train on")
    try:
        model = train_scorer(cands, golds, seed=seed)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    output.parent.mkdir(parents=True, exist_ok=True)
    model.save(output)
    meta = model.meta
    click.echo(f"wrote {output}: {len(meta['articles'])} articles, {meta['candidates']} candidates "
               f"({sum(c.label for c in cands)} confirmed by gold), threshold {model.threshold:.2f}; "
               f"cross-validated relation F1 {meta['cv_f1_without']:.3f} without the scorer, {meta['cv_f1']:.3f} with it")


@cli.command(name="eval")
@click.option("--gold", "gold_dir", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Folder of gold .tsv files (SCHEMA.md format).")
@click.argument("graph", required=False, type=click.Path())
@click.option("--drop-ambiguous", is_flag=True, help="Neither require nor penalise rows marked '# ambiguous'.")
@click.option("--details", default=25, show_default=True, help="How many misses and errors to list (0: none).")
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--only", metavar="IDS|FILE.toml:KEY",
              help="Score only these gold files: comma-separated names (a01,a02), or the list under KEY in a TOML "
                   "file (tests/data/splits.toml:check).")
@click.option("--by-rule", is_flag=True, help="Also print the precision of each rule that stated a relation.")
def eval_command(gold_dir, graph, drop_ambiguous, details, as_json, only, by_rule):
    """Score GRAPH (a graph file or store folder; default: the shipped graph) against gold annotations:
    precision, recall and F1 for entities, relations and facts.

    A gold file a01.tsv scores the article whose own id (a JSON Lines "id")
    is a01, else the article read from a file named a01.*."""
    from .evaluate import evaluate, read_gold, read_records, select_gold

    paths = sorted(gold_dir.glob("*.tsv"))
    if only:
        try:
            paths = select_gold(paths, only)
        except (OSError, KeyError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    golds = [read_gold(p) for p in paths]
    if not golds:
        raise click.ClickException(f"no .tsv gold files in {gold_dir}")
    # from the graph's store, the articles the gold names only
    result = evaluate(read_records(_read(graph), [gold.name for gold in golds]), golds, drop_ambiguous=drop_ambiguous)
    click.echo(json.dumps(result.as_dict(), indent=2) if as_json else result.report(details=details))
    if by_rule and not as_json:
        click.echo("\n" + result.rule_report())


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
# ------------------------------------------------------------ curation


def _report_unfit(curated) -> None:
    """Name the relations that curated classes no longer allow."""
    for st in curated.unfit:
        click.echo(f"left out: {st.subject.label} {st.relation} {st.object.label} (classes no longer fit)", err=True)


def _os_user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment or the password database
        raise click.UsageError("cannot tell who you are: give --by NAME") from None


def _curation_paths(command):
    """-g/--graph and --curation: the graph a decision changes and the file it is kept in."""
    command = click.option("--curation", type=click.Path(dir_okay=False, path_type=Path),
                           help="Curation file [default: next to the graph, GRAPH-NAME.curation.ttl].")(command)
    return click.option("-g", "--graph", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help="Graph file to curate [default: the shipped triples/news.trig].")(command)


def _decision_options(command):
    """--by and --why, and the paths: what every recording subcommand takes."""
    command = click.option("--why", help="Your reason, kept with the decision.")(command)
    command = click.option("--by", default=_os_user, show_default="your login name",
                           help="Who decides (recorded with the time).")(command)
    return _curation_paths(command)


def _paths(graph, curation) -> tuple[Path, Path]:
    from .curate import curation_path_for
    from .store import default_graph_path

    graph = graph or default_graph_path()
    return graph, curation or curation_path_for(graph)


def _record(graph, curation, decide) -> None:
    """Read the graph, make the decision with ``decide(find, now)`` (``find`` gives the entity a
    name names) and record it; a name that fits no entity, or a decision that changes nothing, is an error."""
    from datetime import datetime, timezone

    from .curate import UnknownEntityError, find_entity
    from .curation_rdf import NothingToChange, record_decision
    from .model import read_content

    graph, curation = _paths(graph, curation)
    content = read_content(_load(graph))
    entities = content.resolution.entities
    try:
        decision = decide(lambda name: find_entity(entities, name), datetime.now(timezone.utc))
        curated = record_decision(graph, curation, content, decision)
    except (UnknownEntityError, NothingToChange, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    r = curated.resolution
    click.echo(f"recorded {decision.id}: {decision.describe()} (by {decision.by}) in {curation}")
    click.echo(f"wrote {graph}: {len(r.entities)} entities, {len(r.statements)} relations, {len(r.facts)} facts")
    _report_unfit(curated)


@cli.group()
def curate():
    """Correct the graph: merge, split, retype, drop a relation or a fact, add an alias.

    Each decision is applied to the graph file (and its SPARQL store) at
    once, and kept with who made it and when in the graph's curation file
    (Turtle; out/news.curation.ttl for out/news.trig), which `kg build -o
    GRAPH` applies again on every rebuild. Entities are named by label or
    alias.

    \b
      kg curate merge "Volvo Car" "Volvo Cars" -g out/news.trig
      kg curate list -g out/news.trig
    """


@curate.command("merge")
@click.argument("entity")
@click.argument("into")
@_decision_options
def curate_merge(entity, into, graph, curation, by, why):
    """ENTITY becomes INTO: its names become aliases, its relations, facts and mentions move."""
    from .curate import Decision

    _record(graph, curation, lambda find, at: Decision("merge", find(entity).label, by, at, into=find(into).label,
                                                       why=why))


@curate.command("split")
@click.argument("entity")
@click.argument("alias")
@click.option("--label", help="Label of the entity ALIAS belongs to [default: ALIAS]; an existing one or a new one.")
@click.option("--class", "class_", type=click.Choice(CLASSES), help="Its class [default: as it is, else ENTITY's].")
@_decision_options
def curate_split(entity, alias, label, class_, graph, curation, by, why):
    """ALIAS, a name of ENTITY, belongs to another entity: the mentions so named
    move to it, with the relations and facts of sentences naming ENTITY only so."""
    from .curate import Decision, UnknownEntityError

    def decide(find, at):
        source = find(entity)
        target = label or alias
        try:
            existing = find(target)
        except UnknownEntityError:
            existing = None
        if existing is not None and existing != source:
            target = existing.label
        kind = class_ or (existing.type if existing is not None and existing != source else source.type)
        return Decision("split", source.label, by, at, alias=alias, label=target, type=kind, why=why)

    _record(graph, curation, decide)


@curate.command("retype")
@click.argument("entity")
@click.argument("class_", metavar="CLASS", type=click.Choice(CLASSES))
@_decision_options
def curate_retype(entity, class_, graph, curation, by, why):
    """ENTITY is of class CLASS; relations the class cannot take are left out."""
    from .curate import Decision

    _record(graph, curation, lambda find, at: Decision("retype", find(entity).label, by, at, type=class_, why=why))


@curate.command("drop-relation")
@click.argument("subject")
@click.argument("relation", type=click.Choice(list(RELATIONS)))
@click.argument("object_", metavar="OBJECT")
@_decision_options
def curate_drop_relation(subject, relation, object_, graph, curation, by, why):
    """SUBJECT does not stand in RELATION to OBJECT: drop that relation and its evidence."""
    from .curate import Decision

    _record(graph, curation, lambda find, at: Decision("drop-relation", find(subject).label, by, at,
                                                       relation=relation, object=find(object_).label, why=why))


def _decimal(ctx, param, value: str):
    from decimal import Decimal, InvalidOperation

    from .schema import plain_decimal

    try:
        return plain_decimal(Decimal(value))
    except InvalidOperation:
        raise click.BadParameter(f"{value!r} is not a number", ctx, param) from None


@curate.command("drop-fact")
@click.argument("entity")
@click.argument("metric", type=click.Choice(METRICS))
@click.argument("value", callback=_decimal)
@click.option("--unit", help="Only the fact in this unit (CNY, percent, ...).")
@click.option("--period", help="Only the fact for this period (2025, 2025-07/2025-09, ...).")
@_decision_options
def curate_drop_fact(entity, metric, value, unit, period, graph, curation, by, why):
    """ENTITY has no METRIC of VALUE (a plain number: 39800000000, 34): drop that fact."""
    from .curate import Decision

    _record(graph, curation, lambda find, at: Decision("drop-fact", find(entity).label, by, at, metric=metric,
                                                       value=value, unit=unit, period=period, why=why))


@curate.command("alias")
@click.argument("entity")
@click.argument("alias")
@_decision_options
def curate_alias(entity, alias, graph, curation, by, why):
    """ENTITY is also called ALIAS (a skos:altLabel)."""
    from .curate import Decision

    _record(graph, curation, lambda find, at: Decision("alias", find(entity).label, by, at, alias=alias, why=why))


@curate.command("list")
@_curation_paths
def curate_list(graph, curation):
    """List the decisions in the curation file: id, when, who, what."""
    from datetime import timezone

    from .curation_rdf import read_decisions

    graph, curation = _paths(graph, curation)
    if not curation.exists():
        click.echo(f"no curation decisions: there is no {curation}")
        return
    try:
        decisions = read_decisions(curation)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    _table([[d.id, d.at.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"), d.by, d.describe(), d.why or ""]
            for d in decisions], ["id", "made (UTC)", "by", "decision", "why"])


@curate.command("apply")
@_curation_paths
def curate_apply(graph, curation):
    """Apply the whole curation file to the graph again (after editing the file by hand)."""
    from .curation_rdf import apply_curation_file
    from .model import read_content

    graph, curation = _paths(graph, curation)
    if not curation.exists():
        raise click.ClickException(f"no curation file at {curation}")
    try:
        curated = apply_curation_file(graph, curation, read_content(_load(graph)))
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    r = curated.resolution
    click.echo(f"{len(curated.applied)} of {len(curated.applied) + len(curated.idle)} decisions in {curation} changed "
               f"the graph (the others were applied already or find nothing to do)")
    click.echo(f"wrote {graph}: {len(r.entities)} entities, {len(r.statements)} relations, {len(r.facts)} facts")
    _report_unfit(curated)


# ------------------------------------------------------------ analysis and pictures

def _graph_option(command):
    """``--graph PATH``: the graph to read, by default the shipped one."""
    return click.option("--graph", "graph_path", type=click.Path(), default=None,
                        help="Graph file or store folder to read (default: the shipped triples/news.trig).")(command)


def _filter_options(command):
    """--relation, --class, --article, --since, --until: which part of the graph to project."""
    for option in reversed([
        click.option("--relation", "relations", multiple=True, help="Keep only this relation (repeatable)."),
        click.option("--class", "classes", multiple=True, help="Keep only entities of this class (repeatable)."),
        click.option("--article", "articles", multiple=True,
                     help="Keep only evidence from this article file name (repeatable)."),
        click.option("--since", help="Keep only evidence from articles published on or after this ISO date."),
        click.option("--until", help="Keep only evidence from articles published on or before this ISO date."),
    ]):
        command = option(command)
    return command


def _read(graph: str | Path | None):
    """GRAPH's SPARQL store (a graph file's is built on first use and cached;
    a store folder is opened as it is) for the analysis commands: they read
    what they need from it instead of parsing the whole file."""
    from .store import default_graph_path, open_store

    path = Path(graph) if graph else default_graph_path()
    if not path.exists():
        raise click.ClickException(f"no graph at {path}: build one with `kg build SRC -o {path}`")
    try:
        return open_store(path)
    except (ValueError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # the store loader's error on a broken file
        raise click.ClickException(f"cannot parse {path}: {exc}") from None


def _project(source, relations, classes, articles, since, until, evidence=True, counts=True, rows=False):
    """The projection of ``source`` with these filters: its graph, or with ``rows`` its rows (analyse.projection)."""
    from .analyse import project, projection

    return _calling(projection if rows else project, source, relations=relations or None, classes=classes or None,
                    articles=articles or None, since=since, until=until, evidence=evidence, counts=counts)


def _cycles_uncollected(command):
    """``command`` run with Python's cycle collector paused: the analysis of a big graph makes many
    small containers (rows, the attributes of nodes and edges) and no cycles, which the collector
    would go through again and again as they grow (0.3-0.4 s of kg export's 2.4 s at 10,000 articles,
    0.05 s of kg draw's 1.8 s)."""
    @functools.wraps(command)
    def paused(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return command(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()
    return paused


def _calling(fn, *args, **kwargs):
    """Run a library call, turning user errors (unknown names, bad filters) into clean messages."""
    from .analyse import EntityNotFound

    try:
        return fn(*args, **kwargs)
    except (EntityNotFound, ValueError) as err:
        raise click.ClickException(str(err)) from None


def _table(rows: list[list], header: list[str]) -> None:
    cells = [[str(c) for c in row] for row in [header, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
    for n, row in enumerate(cells):
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            click.echo("  ".join("-" * w for w in widths))


def _where(ev: dict) -> str:
    place = f"{ev['file']} [{ev['start']}:{ev['end']}]"
    return f"\"{ev['quote']}\" ({place})" if ev.get("quote") else place


def _format_option(command):
    """``--format table|csv|json``: how an analysis command prints its rows."""
    return click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table",
                        show_default=True,
                        help="table to read; csv (with a header row) or json (one array of objects) for other "
                             "tools, with the same rows.")(command)


def _json_value(value):
    """What json cannot write itself: a fact's Decimal value, as a number (exact when whole)."""
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _emit(fmt: str, columns: list[str], rows: list[dict], print_table) -> None:
    """Print an analysis command's rows: as its own table (``print_table()``),
    or the same rows as CSV or one JSON array on stdout, for pipes.

    In CSV a list (the sources of a fact) is one cell, its items joined by
    " | ", and a missing value is an empty cell; JSON keeps both as they are."""
    if fmt == "table":
        print_table()
    elif fmt == "json":
        click.echo(json.dumps([{c: row[c] for c in columns} for row in rows], indent=2, ensure_ascii=False,
                              default=_json_value))
    else:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow(["" if row[c] is None else " | ".join(map(str, row[c])) if isinstance(row[c], list)
                             else row[c] for c in columns])
        click.echo(out.getvalue(), nl=False)


def _limit_option(default: int, what: str):
    """``--limit N``: an answer that grows with the graph is cut at N rows by default."""
    return click.option("--limit", type=click.IntRange(min=0), default=default, show_default=True,
                        help=f"Print at most this many {what} (0: all); the rest are counted.")


def _first(rows: list, limit: int) -> tuple[list, int]:
    """The first ``limit`` rows (all with 0) and how many are left out."""
    return (rows[:limit], len(rows) - limit) if limit and len(rows) > limit else (rows, 0)


def _more(left: int, fmt: str, what: str, option: str = "--limit") -> None:
    """Say what a limit left out: in the table, or on stderr beside CSV or JSON (which stay clean for pipes)."""
    if left:
        click.echo(f"... and {left:,} more {what}; {option} 0 for all", err=fmt != "table")


@cli.command()
@click.argument("source")
@click.argument("target")
@click.option("--limit", default=3, show_default=True, help="How many shortest paths to show.")
@click.option("--sentences", type=click.IntRange(min=0), default=3, show_default=True,
              help="Sentences to show for each relation of a hop (0: all); the rest are counted.")
@_format_option
@_graph_option
def path(source, target, limit, sentences, fmt, graph_path):
    """Show how SOURCE is connected to TARGET: each hop, its relation and the sentences it came from.

    As CSV or JSON: one row per sentence shown behind each relation of each hop."""
    from . import analyse

    G = _calling(analyse.shortest_path_graph, _read(graph_path), source, target, limit=limit)
    found = _calling(analyse.paths, G, source, target, limit=limit)
    a, b = analyse.find_entity(G, source), analyse.find_entity(G, target)
    if not found:
        raise click.ClickException(f"{a} and {b} are not connected")
    shown = {id(rel): _first(rel["evidence"], sentences) for hops in found for hop in hops for rel in hop["relations"]}
    # a triple that no sentence states (a hand-written graph) still gets its row, with no place
    rows = [{"path": i, "hop": n, **{k: rel[k] for k in ("subject", "relation", "object", "symmetric", "sources")},
             **{k: ev.get(k) for k in ("file", "start", "end", "quote")}}
            for i, hops in enumerate(found, start=1) for n, hop in enumerate(hops, start=1)
            for rel in hop["relations"] for ev in shown[id(rel)][0] or [{}]]

    def print_table():
        click.echo(f"{a} -> {b}: {len(found)} shortest path(s) of {len(found[0])} hop(s)")
        for i, hops in enumerate(found, start=1):
            click.echo(f"\npath {i}: " + " - ".join([hops[0]["from"], *(h["to"] for h in hops)]))
            for hop in hops:
                for rel in hop["relations"]:
                    plural = "s" if rel["sources"] != 1 else ""
                    arrow = f"<--{rel['relation']}-->" if rel["symmetric"] else f"--{rel['relation']}-->"
                    click.echo(f"  {rel['subject']} {arrow} {rel['object']}  ({rel['sources']} source{plural})")
                    evidence, left = shown[id(rel)]
                    for ev in evidence:
                        click.echo(f"      {_where(ev)}")
                    if left:
                        click.echo(f"      ... and {left:,} more sentences; --sentences 0 for all")

    _emit(fmt, ["path", "hop", "subject", "relation", "object", "symmetric", "sources", "file", "start", "end",
                "quote"], rows, print_table)
    _more(sum(left for _, left in shown.values()) if fmt != "table" else 0, fmt, "sentences", "--sentences")


@cli.command()
@click.option("--by", type=click.Choice(["degree", "pagerank", "betweenness"]), default="degree", show_default=True)
@click.option("--top", default=10, show_default=True, help="How many entities to list (0: all).")
@_filter_options
@_format_option
@_graph_option
def rank(by, top, relations, classes, articles, since, until, fmt, graph_path):
    """List the most central entities by a chosen measure."""
    from . import analyse

    # every measure reads the edges alone, unless the evidence picks the edges (by article or date);
    # pagerank weighs them by their sources and follows their directions; degree and betweenness need
    # only who is connected to whom
    picked = bool(articles or since or until)
    if picked or by == "pagerank":
        G = _project(_read(graph_path), relations, classes, articles, since, until, evidence=picked,
                     counts=by == "pagerank")
    else:
        G = _calling(analyse.connections, _read(graph_path), relations=relations or None, classes=classes or None)
    rows = analyse.rank(G, by, top=top or None)
    columns = ["rank", "entity", "class", by, "neighbours"]
    _emit(fmt, columns, rows, lambda: _table(
        [[r["rank"], r["entity"], r["class"], f"{r[by]:.4f}", r["neighbours"]] for r in rows],
        ["#", *columns[1:]]))


@cli.command()
@_limit_option(20, "articles in the count by article")
@_format_option
@_graph_option
def stats(limit, fmt, graph_path):
    """Count entities by class, relations by type, triples and facts by article, sources per triple, and
    evidence by extractor.

    As CSV or JSON: one row per count, saying what it counts (entities, relations, facts, triples,
    evidence), by what (class, relation, article, sources, extractor; empty for the totals) and for
    which key. The share of triples with more than one source follows from the counts by sources."""
    from . import analyse

    s = analyse.stats(_read(graph_path), articles=limit or None)
    articles, left = list(s["articles"].items()), s["article_count"] - len(s["articles"])
    rows = [
        *({"what": what, "by": None, "key": None, "count": s[what]} for what in ("entities", "relations", "facts")),
        *({"what": "entities", "by": "class", "key": k, "count": n} for k, n in s["classes"].items()),
        *({"what": "triples", "by": "relation", "key": k, "count": n} for k, n in s["relation_types"].items()),
        *({"what": what, "by": "article", "key": k, "count": v[what]} for k, v in articles
          for what in ("relations", "facts")),
        *({"what": "triples", "by": "sources", "key": str(k), "count": n} for k, n in s["sources"].items()),
        *({"what": "evidence", "by": "extractor", "key": k, "count": n} for k, n in s["extractors"].items()),
    ]

    def print_table():
        click.echo(f"{s['entities']} entities, {s['relations']} relations (symmetric pairs once), "
                   f"{s['facts']} facts\n")
        _table([[k, v] for k, v in s["classes"].items()], ["class", "entities"])
        click.echo()
        _table([[k, v] for k, v in s["relation_types"].items()], ["relation", "triples"])
        click.echo()
        _table([[k, v["relations"], v["facts"]] for k, v in articles], ["article", "relations", "facts"])
        _more(left, fmt, "articles")
        click.echo()
        _table([[k, v] for k, v in s["sources"].items()], ["sources", "triples"])
        click.echo(f"triples with more than one source: {s['multi_source']:.1%}\n")
        _table([[k, v] for k, v in s["extractors"].items()], ["extractor", "evidence"])

    _emit(fmt, ["what", "by", "key", "count"], rows, print_table)
    if fmt != "table":
        _more(left, fmt, "articles")


def _amount(value, unit: str) -> str:
    from decimal import Decimal

    for factor, word in ((Decimal("1e12"), "trillion"), (Decimal("1e9"), "billion"), (Decimal("1e6"), "million")):
        if abs(value) >= factor and unit != "percent":
            return f"{(value / factor).normalize():f} {word} {unit}"
    return f"{value.normalize():f} {unit}" if unit != "percent" else f"{value.normalize():f}%"


@cli.command()
@click.argument("entity")
@_limit_option(50, "facts")
@_format_option
@_graph_option
def facts(entity, limit, fmt, graph_path):
    """Print ENTITY's measured facts as a time series (by metric, then period)."""
    from . import analyse

    found = _calling(analyse.facts, _read(graph_path), entity)
    rows, left = _first(found, limit)

    def print_table():
        if not rows:
            click.echo(f"no measured facts about {entity}")
            return
        click.echo(f"{rows[0]['entity']}: {len(found)} facts")
        _table([[r["metric"], r["period"] or "-", _amount(r["value"], r["unit"]), ", ".join(r["sources"])]
                for r in rows], ["metric", "period", "value", "sources"])

    _emit(fmt, ["entity", "metric", "period", "value", "unit", "sources"], rows, print_table)
    _more(left, fmt, "facts")


@cli.command()
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["conversion", "rounding", "disagreement"]),
              help="Show only this kind (repeatable). Default: all.")
@_limit_option(20, "pairs")
@_format_option
@_graph_option
def conflicts(kinds, limit, fmt, graph_path):
    """List facts on the same subject, metric and period that differ across articles, with their sources.

    Each pair is a conversion (two currencies, plausible exchange rate), a
    rounding difference (at most 2.5% apart) or a real disagreement. As CSV
    or JSON: one row per pair, its two sides as value_a ... and value_b ..."""
    from . import analyse

    found = analyse.conflicts(_read(graph_path), kinds=kinds or None)
    shown, left = _first(found, limit)
    sides = ("value", "unit", "sources", "evidence")
    rows = [{**{k: c[k] for k in ("entity", "metric", "period", "kind", "reason")},
             **{f"{k}_{side}": c[side][k] for side in ("a", "b") for k in sides}} for c in shown]

    def print_table():
        if not found:
            click.echo("no conflicting facts")
            return
        for c in shown:
            click.echo(f"{c['entity']} / {c['metric']} / {c['period'] or 'no period'}: {c['kind'].upper()} "
                       f"({c['reason']})")
            for side in (c["a"], c["b"]):
                click.echo(f"    {_amount(side['value'], side['unit'])}  from {', '.join(side['sources'])}")
                for quote in side["evidence"]:
                    click.echo(f"        {quote}")
        _more(left, fmt, "pairs")
        counts = {k: sum(c["kind"] == k for c in found) for k in ("disagreement", "rounding", "conversion")}
        click.echo("\n" + ", ".join(f"{n} {k}" for k, n in counts.items() if n))

    _emit(fmt, ["entity", "metric", "period", "kind", "reason",
                *(f"{k}_{side}" for side in ("a", "b") for k in sides)], rows, print_table)
    if fmt != "table":
        _more(left, fmt, "pairs")


def _view(G, focus, depth, community, top, seed):
    """Narrow the projected graph to what `kg draw` was asked for."""
    from . import analyse

    if community is not None:
        G = _calling(analyse.community, G, community, seed=seed)
    if focus:
        G = _calling(analyse.neighbourhood, G, focus, depth, limit=top)
    return analyse.most_connected(G, top) if top else G


@cli.command()
@click.argument("graph", required=False, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Picture to write: .png, .svg, .pdf, or .html for the interactive view.")
@click.option("--focus", help="Draw only this entity's neighbourhood.")
@click.option("--depth", default=1, show_default=True, help="Hops around --focus.")
@_filter_options
@click.option("--community", type=int, help="Draw only community N (1 = largest; see the network notebook).")
@click.option("--top", type=click.IntRange(min=0),
              help="Draw at most N entities: the most connected, or with --focus the nearest; the picture says "
                   "what it left out. 0: all [default: 30 (kg.draw.TOP) in a picture, all in the HTML view].")
@click.option("--timeline", help="Instead of the graph, chart this entity's facts over time.")
@click.option("--size-by", type=click.Choice(["degree", "pagerank", "betweenness"]), default="degree",
              show_default=True, help="Centrality that sizes the nodes.")
@click.option("--title", help="Figure title [default: what was drawn].")
@click.option("--seed", default=42, show_default=True, help="Seed for layout and communities.")
@_cycles_uncollected
def draw(graph, output, focus, depth, relations, classes, articles, since, until, community, top, timeline, size_by,
         title, seed):
    """Draw the graph (GRAPH, default the shipped one) to a picture or an interactive HTML page."""
    from . import analyse
    from . import draw as drawing

    html = output.lower().endswith(".html")
    if top is None:
        top = 0 if html else drawing.TOP
    store = _read(graph)
    try:
        if timeline:
            written = _calling(drawing.draw_timeline, store, timeline, output)
        else:
            # the part drawn is chosen on the edges alone (communities weigh them by their sources); their
            # counts, and the evidence of the HTML view's tooltips, are read for that part only, unless the
            # evidence picks the edges (by article or date)
            picked = bool(articles or since or until)
            if (focus or top) and not picked and community is None:  # a part: read for itself alone
                # (a picture's counts with it: read apart, its relation triples were read twice)
                G = _calling(analyse.shown_part, store, top, focus=focus, depth=depth, relations=relations or None,
                             classes=classes or None, counts=not html)
                if html:
                    G = analyse.with_evidence(store, G)
            else:
                G = _view(_project(store, relations, classes, articles, since, until, evidence=picked,
                                   counts=community is not None), focus, depth, community, top, seed)
                if not picked:
                    G = analyse.with_evidence(store, G, evidence=html)
            if html:
                written = drawing.write_html(G, output, title=title, size_by=size_by)
            else:
                written = _calling(drawing.draw_graph, G, output, size_by=size_by, title=title, top=0, seed=seed)
    except OSError as error:  # an output folder that cannot be made or written to
        raise click.ClickException(f"cannot write {output}: {error.strerror or error}") from None
    click.echo(f"wrote {written}")


@cli.command()
@click.argument("graph", required=False, type=click.Path())
@click.option("-o", "--output", required=True, type=click.Path(),
              help="out.graphml, out.gexf, or a folder for nodes.csv and edges.csv.")
@_filter_options
@click.option("--evidence", is_flag=True,
              help="Also write each edge's evidence ids (reads all the evidence: slow on a big graph).")
@_cycles_uncollected
def export(graph, output, relations, classes, articles, since, until, evidence):
    """Export the entity graph (GRAPH, default the shipped one) for Gephi, Cytoscape or a spreadsheet."""
    from . import draw as drawing

    # an edge's sources, articles and confidence come from a store's summary graph, one row an edge;
    # its evidence ids only from the evidence itself, the size of the graph (30 s at 10,000 articles);
    # written from the projection's rows, without a graph
    picked = bool(articles or since or until)
    nodes, edges, _ = _project(_read(graph), relations, classes, articles, since, until, evidence=evidence or picked,
                               rows=True)
    if not evidence:
        for *_, data in edges:
            data.pop("evidence", None)
    for written in _calling(drawing.export_rows, nodes, edges, output):
        click.echo(f"wrote {written}")


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
    from .store import ServerStoreError, open_store

    try:
        return open_store(graph)
    except (FileNotFoundError, ValueError, SyntaxError, ServerStoreError) as error:
        raise click.ClickException(str(error)) from None


def _without_credentials(url: str) -> str:
    from .store import ServerStore

    return ServerStore.without_userinfo(url)


@cli.command("query")
@click.argument("query", required=False)
@click.option("-g", "--graph", type=click.Path(exists=True), help="Graph file or store folder [default: triples/news.trig].")
@click.option("-p", "--param", "params", multiple=True, callback=_parse_params, metavar="NAME=VALUE",
              help="Give a query parameter a value (repeatable). <iri> is an IRI, numbers are numbers; a parameter "
                   "marked (entity) or (class) also takes a label, alias or local name, e.g. class=Organization.")
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "rdfxml"]),
              help="Output format [default: table on a terminal, else csv; turtle for graphs].")
@click.option("--max-rows", type=click.IntRange(min=0), help="Print at most this many rows.")
@click.option("-l", "--list", "list_queries", is_flag=True, help="List the saved queries and their parameters.")
@store_option
def query_command(query, graph, params, fmt, max_rows, list_queries, store_url) -> None:
    """Answer QUERY: the name of a saved query, an .rq file, or SPARQL text.

    The prefixes kg, rdf, rdfs, owl, xsd, skos, prov, schema, wd, entity and
    article are bound already.

    \b
      kg query --list
      kg query partners --param company="Alibaba Group"
      kg query 'SELECT ?name WHERE { ?p a kg:Person ; rdfs:label ?name }' --format json
    """
    from .query import QueryError, format_result, run_query, saved_queries
    from .store import GraphResult, QuerySyntaxError, ServerStoreError

    if list_queries:
        for saved in saved_queries().values():
            params_text = " ".join(f"--param {name}=..." for name in saved.params)
            click.echo(f"{saved.name:<22} {saved.title}" + (f"\n{'':<22} {params_text}" if params_text else ""))
        return
    if not query:
        raise click.UsageError("give a QUERY (a saved query's name or SPARQL), or --list")
    store = _open(_one_store(graph, store_url, "--graph"))
    try:
        result = run_query(store, query, params)
        if fmt is None:
            fmt = "turtle" if isinstance(result, GraphResult) else "table" if sys.stdout.isatty() else "csv"
        output = format_result(result, fmt, max_rows=max_rows)
    except QuerySyntaxError as error:
        raise _BadQuery(f"malformed query: {error}") from None
    except QueryError as error:
        raise _BadQuery(str(error)) from None
    except ServerStoreError as error:
        raise click.ClickException(str(error)) from None
    click.echo(output, nl=False)


def _origin(ctx, param, value: str | None) -> str | None:
    from .server import web_origin

    try:
        return None if value is None else web_origin(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx, param) from None


@cli.command("serve")
@click.argument("graph", required=False, type=click.Path(exists=True))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port to listen on.")
@click.option("--allow-host", "allow_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header gives NAME (repeatable); IP addresses, localhost "
                   "and --host are always answered, any other name is refused (DNS rebinding).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Seconds a query may run; longer ones are cancelled and answered 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Rows (or triples) per answer; the rest are cut off and flagged in X-KG-Truncated.")
@click.option("--max-body", default=1 << 20, show_default=True, type=click.IntRange(min=1),
              help="Bytes a request body may have (413 beyond).")
@click.option("--workers", default=4, show_default=True, type=click.IntRange(min=1),
              help="Queries that may run at once (one process each).")
@click.option("--worker-memory", default=1536, show_default=True, type=click.IntRange(min=256), metavar="MIB",
              help="Address space a query may add to a ready worker, in MiB; a query that needs more is stopped "
                   "and answered 503.")
@click.option("--per-client", default=2, show_default=True, type=click.IntRange(min=1),
              help="Queries one client (IP address) may have in flight; more are answered 429.")
@click.option("--read-timeout", default=30.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds a client may take to send its request; slower connections are closed.")
@click.option("--write-token", envvar="KG_WRITE_TOKEN",
              help="Allow SPARQL Update for requests bearing this token [env: KG_WRITE_TOKEN].")
@click.option("--cors", "cors_origin", metavar="ORIGIN", callback=_origin,
              help="Let pages from ORIGIN (e.g. https://yasgui.org) query /sparql from a browser: answer its "
                   "CORS preflight and allow it, and no other origin. Off by default.")
@store_option
def serve_command(graph, host, port, allow_hosts, timeout, max_rows, max_body, workers, worker_memory, per_client,
                  read_timeout, write_token, cors_origin, store_url) -> None:
    """Serve GRAPH (default: the shipped graph), or the server store --store,
    as a read-only SPARQL endpoint at /sparql, with a browser explorer at /.

    \b
      kg serve --port 7878
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 3' \\
           http://127.0.0.1:7878/sparql
    """
    from .server import Limits, serve
    from .store import ServerStoreError

    source = _one_store(graph, store_url)
    limits = Limits(timeout=timeout, max_rows=max_rows, max_body=max_body, workers=workers,
                    worker_memory=worker_memory << 20, per_client=per_client, read_timeout=read_timeout)
    try:
        serve(source, limits, host=host, port=port, write_token=write_token, allow_hosts=allow_hosts,
              cors_origin=cors_origin, announce=click.echo)
    except (OSError, ValueError, SyntaxError, RuntimeError, ServerStoreError) as error:
        # a port in use, a graph that does not parse, a worker that cannot start: one line, no traceback
        reason = (getattr(error, "strerror", None) or str(error) or type(error).__name__).splitlines()[0]
        what = _without_credentials(store_url) if store_url else graph or "the shipped graph"
        raise click.ClickException(f"cannot serve {what} on {host}:{port}: {reason}") from None
