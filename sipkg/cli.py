"""The `sipkg` command: parse, call, print — no logic of its own."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from sipkg import settings
from sipkg.build.stages import BuildError, BuildReport, Paths, assemble, build, check
from sipkg.store import builds, results
from sipkg.store.query import QueryResult, QuerySyntaxError, StoreError, run_query
from sipkg.yamlfile import InputError

INPUT_ERRORS = (BuildError, InputError)


def paths_option(f):
    f = click.option(
        "--data",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder with sources/, registry.yaml and curation/ (default: the project's data/).",
    )(f)
    f = click.option(
        "--home",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Folder for the store and dumps (default: var/ in the project, or $SIPKG_HOME).",
    )(f)
    return f


def make_paths(data: Path | None, home: Path | None) -> Paths:
    defaults = Paths()
    return Paths(data=data or defaults.data, home=home or defaults.home)


@click.group()
@click.version_option(package_name="sipkg")
def main() -> None:
    """The Suzhou Industrial Park (苏州工业园区) knowledge graph."""


@main.command("build")
@paths_option
@click.option("--json", "as_json", is_flag=True, help="Print the build report as JSON.")
def build_cmd(data, home, as_json) -> None:
    """Build the graph from the sources and put it in service (the old store serves until then)."""
    try:
        report = build(make_paths(data, home))
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
        if as_json
        else report.to_text()
    )


@main.command("validate")
@paths_option
def validate_cmd(data, home) -> None:
    """Run the pipeline, SHACL and HermiT without touching the store; exit 1 on any violation."""
    report = BuildReport()
    try:
        assembled = assemble(make_paths(data, home), report)
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    validation = check(assembled.dataset, assembled.ontology, report)
    click.echo(validation.to_text())
    if not validation.ok:
        sys.exit(1)


STATS = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?entities) WHERE {
  GRAPH <%(base)s/graph/registry> { ?s a ?class }
  FILTER(STRSTARTS(STR(?s), "%(base)s/id/"))
} GROUP BY ?class ORDER BY DESC(?entities) ?class"""


@main.command("stats")
@paths_option
def stats_cmd(data, home) -> None:
    """Print what the store in service holds: version, quads, graphs, entities by class."""
    from sipkg.namespaces import BASE

    handle, info = _open(make_paths(data, home))
    click.echo(f"version {info.version}, built {info.built}, {info.quads} quads, at {info.path}")
    graphs = run_query(
        handle,
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } "
        "GROUP BY ?graph ORDER BY ?graph",
    )
    _print_table(*graphs.rows())
    _print_table(*run_query(handle, STATS % {"base": BASE}).rows())


@main.command("query")
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from a file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    help="How to print the results.",
)
@click.option(
    "--endpoint",
    default=None,
    metavar="URL",
    help="Ask this SPARQL endpoint (any SPARQL 1.1 server) instead of the local store.",
)
@paths_option
def query_cmd(query, file, fmt, endpoint, data, home) -> None:
    """Run a SPARQL query (argument, --file, or standard input) against the local store or an endpoint."""
    text = query or (file.read() if file else sys.stdin.read())
    try:
        result = (
            _remote_query(endpoint, text)
            if endpoint
            else run_query(_open(make_paths(data, home))[0], text)
        )
    except QuerySyntaxError as e:
        raise click.ClickException(f"SPARQL syntax error: {e}") from None
    if fmt == "json" and result.kind != "graph":
        click.echo(results.answer(result.value, results.JSON).body.decode())
        return
    variables, rows = result.rows()
    if fmt in ("csv", "tsv"):
        writer = csv.writer(
            sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n"
        )
        writer.writerow(variables)
        writer.writerows([["" if c is None else c for c in row] for row in rows])
    else:
        _print_table(variables, rows)


def _remote_query(endpoint: str, text: str) -> QueryResult:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

    from sipkg.store import remote

    try:
        return remote.ask_endpoint(endpoint, text)
    except QueryBadFormed as e:
        raise QuerySyntaxError(str(e).split("Response:", 1)[-1].strip()) from None
    except (SPARQLWrapperException, OSError) as e:
        raise click.ClickException(f"the endpoint {endpoint} did not answer: {e}") from None


@main.command("serve")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. The default answers only this machine; use 0.0.0.0 to publish it.",
)
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Server processes.")
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=int,
    help="Request threads per server process; each may run one query in its own query process.",
)
@click.option(
    "--get",
    "get_path",
    default=None,
    metavar="PATH",
    help="Print the response to one GET of PATH (e.g. /sparql?query=...) and exit, without a socket.",
)
@settings.options
@paths_option
def serve_cmd(host, port, workers, threads, get_path, data, home, **options) -> None:
    """Serve the store in service over HTTP with a production WSGI server (gunicorn)."""
    from sipkg.web import server

    paths = make_paths(data, home)
    config = {key.upper(): value for key, value in options.items()}
    config.update(
        STORE=paths.store, QUERY_WORKERS=threads, SERVICE_ALLOW=tuple(config["SERVICE_ALLOW"])
    )
    if config["WRITABLE"] is not None:
        config["WRITABLE"] = Path(config["WRITABLE"])
        if not config["TOKEN"]:
            raise click.ClickException(
                "--writable needs --token (or $SIPKG_TOKEN): writes must be authorised"
            )
    embedded = config["WRITABLE"] is None and config["ENDPOINT"] is None
    if embedded:
        _check(paths)
    if get_path is not None:
        status, body = server.get(config, get_path)
        sys.stdout.buffer.write(body)
        sys.exit(0 if status < 400 else 1)
    workers = (
        1 if config["WRITABLE"] is not None else workers
    )  # one writer: the store's lock is per process
    source = config["ENDPOINT"] or config["WRITABLE"] or paths.store
    click.echo(
        f"sipkg serving {source} on http://{host}:{port}/  (SPARQL: http://{host}:{port}/sparql; "
        f"{workers} processes x {threads} threads, query time-out {config['QUERY_TIMEOUT']:g} s, "
        f"{'writable, token required' if config['WRITABLE'] else 'read-only'})"
    )
    server.run(
        config,
        host=host,
        port=port,
        workers=workers,
        threads=threads,
        check=(lambda: builds.check(paths.store)) if embedded else None,
    )


@main.command("push")
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="The external store's SPARQL query endpoint; after the push it must serve the new version.",
)
@click.option(
    "--gsp",
    default=None,
    metavar="URL",
    help="Its Graph Store Protocol endpoint, which the graphs are written to "
    "(default for Virtuoso: the query endpoint's URL + '-graph-crud-auth').",
)
@click.option("--user", default=None, help="A user who may write graphs there (Virtuoso: dba).")
@click.option(
    "--password",
    envvar="SIPKG_PUSH_PASSWORD",
    default=None,
    help="That user's password (or $SIPKG_PUSH_PASSWORD, which keeps it out of the shell history).",
)
@paths_option
def push_cmd(endpoint, gsp, user, password, data, home) -> None:
    """Copy the build in service into an external SPARQL store, for `sipkg serve --endpoint URL`."""
    from sipkg.store.remote import RemoteBackend, default_gsp

    try:
        info = builds.current(make_paths(data, home).store)
        remote = RemoteBackend(
            endpoint, gsp=gsp or default_gsp(endpoint), user=user, password=password
        )
        report = remote.push(info.path / "dumps" / "sipkg.nq", version=info.version)
        served = remote.version
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    _print_table(["graph", "triples"], [[g, str(n)] for g, n in report["graphs"].items()])
    click.echo(f"merged into the default graph: {report['union']} triples")
    for graph in report["removed"]:
        click.echo(f"removed {graph} (no longer in the build)")
    if served != info.version:
        raise click.ClickException(
            f"pushed version {info.version} to {remote.gsp}, but {endpoint} serves "
            f"{served}: are they the same store?"
        )
    click.echo(f"version {info.version} pushed to {remote.gsp}; {endpoint} serves it")


@main.command("ingest")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The document's title, as the publisher gives it.")
@click.option(
    "--published",
    required=True,
    help="Publication date, YYYY-MM-DD, or YYYY-MM or YYYY when the page gives no day (the date is then "
    "marked approximate); relative dates (去年, 昨天) resolve against it at that precision.",
)
@click.option(
    "--approximate",
    is_flag=True,
    help="The full date given is approximate (a page with no date of its own: the latest date it mentions).",
)
@click.option(
    "--source",
    required=True,
    help="The URL it was taken from; a changed text from the same URL is a new version.",
)
@click.option(
    "--language", required=True, type=click.Choice(["zh", "en"]), help="The language of the text."
)
@click.option("--title-en", default=None, help="An English title, if there is one.")
@click.option("--publisher", default=None, help="Who published it: a name, as the page gives it.")
@click.option(
    "--rights",
    default=None,
    help="The licence or terms of reuse (CC BY-SA 4.0 …, or that no open licence is stated); shown on "
    "the document page and in the dataset description.",
)
@paths_option
def ingest_cmd(
    file, title, published, approximate, source, language, title_en, publisher, rights, data, home
) -> None:
    """Add a plain-text or HTML document to the sources; the next `sipkg build` includes it."""
    from sipkg.build.ingest import ingest

    try:
        result = ingest(
            make_paths(data, home),
            file,
            title=title,
            published=published,
            approximate=approximate,
            rights=rights,
            source=source,
            language=language,
            title_en=title_en,
            publisher=publisher,
        )
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    click.echo(result.to_text())


@main.command("remove")
@click.argument("key")
@paths_option
def remove_cmd(key, data, home) -> None:
    """Take a document out with its metadata and the curation entries citing it."""
    from sipkg.build.ingest import remove
    from sipkg.review import what_goes

    paths = make_paths(data, home)
    going = what_goes(paths.store, key)
    try:
        result = remove(paths, key)
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    click.echo(result.to_text())
    if going:
        click.echo(going)


@main.command("eval")
@click.option(
    "--gold",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of gold annotation files (default: tests/gold/ in the project).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="Also list each miss and each false positive.")
@click.option(
    "--split",
    type=click.Choice(["seeds", "dev", "test", "all"]),
    default="all",
    show_default=True,
    help="Which documents to score: the two seed documents, the corpus's development or test half "
    "(fixed in tests/gold/README.md), or all.",
)
@paths_option
def eval_cmd(gold, as_json, details, split, data, home) -> None:
    """Precision, recall and F1 of the pipeline against the hand-made gold, with and without curation."""
    from sipkg.build.evaluate import GOLD, evaluate

    try:
        result = evaluate(make_paths(data, home), gold or GOLD, split)
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        json.dumps(result.to_dict(details), ensure_ascii=False, indent=2)
        if as_json
        else result.to_text(details)
    )


@main.command("diff")
@click.argument("versions", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the difference as JSON.")
@paths_option
def diff_cmd(versions, as_json, data, home) -> None:
    """What builds changed, per source document: the facts added and removed, with their quotes.

    With no VERSIONS, the build in service against the one before it; with one, that build
    against its predecessor; with V1 V2, everything from build V1 to build V2 (see /changes).
    """
    from sipkg.store import changes

    root = make_paths(data, home).store
    try:
        if len(versions) > 2:
            raise click.UsageError("give at most two versions: sipkg diff [V1 V2]")
        if len(versions) == 2:
            found = changes.between(root, *versions)
        elif versions:
            found = changes.load(root, versions[0])
        else:
            records = changes.history(root)
            if not records:
                raise click.ClickException(f"no change records in {root}: run `sipkg build` first")
            found = records[0]
    except changes.ChangeError as e:
        raise click.ClickException(str(e)) from None
    click.echo(
        json.dumps(found, ensure_ascii=False, indent=2) if as_json else changes.to_text(found)
    )


@main.command("review")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@paths_option
def review_cmd(key, as_json, data, home) -> None:
    """What a document brought into the graph in service: new entities, facts with evidence, conflicts."""
    from sipkg import review

    paths = make_paths(data, home)
    _open(paths)
    try:
        report = review.review(review.local_select(paths.store), key)
    except review.UnknownDocument:
        raise click.ClickException(
            f"no document with key {key!r} in the graph (ingest it, then `sipkg build`)"
        ) from None
    click.echo(
        json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report.to_text()
    )


def _check(paths: Paths):
    """The store in service, opened and counted, or a one-line error saying what to do."""
    from sipkg.store.embedded import check_store

    try:
        return check_store(paths.store)
    except StoreError as e:
        raise click.ClickException(str(e)) from None


def _open(paths: Paths):
    try:
        return builds.open_read_only(paths.store)
    except StoreError as e:
        raise click.ClickException(str(e)) from None


def _print_table(variables: list[str], rows: list[list[str | None]]) -> None:
    cells = [["" if c is None else c for c in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    click.echo("  ".join(v.ljust(w) for v, w in zip(variables, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    click.echo(f"({len(cells)} rows)")
