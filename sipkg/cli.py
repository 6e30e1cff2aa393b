"""The `sipkg` command: parse, call, print — no logic of its own."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from . import store
from .build import BuildError, BuildReport, Paths, assemble, build, check
from .yamlfile import InputError

INPUT_ERRORS = (BuildError, InputError)


def paths_option(f):
    f = click.option("--data", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Folder with sources/, registry.yaml and curation/ (default: the project's data/).")(f)
    f = click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Folder for the store and dumps (default: var/ in the project, or $SIPKG_HOME).")(f)
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
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str) if as_json else report.to_text())


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
    from .namespaces import BASE

    handle, info = _open(make_paths(data, home))
    click.echo(f"version {info.version}, built {info.built}, {info.quads} quads, at {info.path}")
    graphs = store.run_query(handle, "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } "
                                     "GROUP BY ?graph ORDER BY ?graph")
    _print_table(*graphs.rows())
    _print_table(*store.run_query(handle, STATS % {"base": BASE}).rows())


@main.command("query")
@click.argument("query", required=False)
@click.option("-f", "--file", "file", type=click.File("r", encoding="utf-8"), help="Read the query from a file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json"]), default="table",
              help="How to print the results.")
@paths_option
def query_cmd(query, file, fmt, data, home) -> None:
    """Run a SPARQL query (argument, --file, or standard input) against the local store."""
    text = query or (file.read() if file else sys.stdin.read())
    handle, _ = _open(make_paths(data, home))
    try:
        result = store.run_query(handle, text)
    except store.QuerySyntaxError as e:
        raise click.ClickException(f"SPARQL syntax error: {e}") from None
    if fmt == "json" and result.kind != "graph":
        click.echo(result.serialize("application/sparql-results+json").decode())
        return
    variables, rows = result.rows()
    if fmt in ("csv", "tsv"):
        writer = csv.writer(sys.stdout, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        writer.writerows([["" if c is None else c for c in row] for row in rows])
    else:
        _print_table(variables, rows)


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default answers only this machine; use 0.0.0.0 to publish it.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes (each has its own store handle).")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per worker.")
@paths_option
def serve_cmd(host, port, workers, threads, data, home) -> None:
    """Serve the store in service over HTTP with a production WSGI server (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    from .web import create_app

    paths = make_paths(data, home)
    _open(paths)
    app = create_app({"STORE": paths.store})

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": "gthread", "accesslog": "-"}.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    click.echo(f"sipkg serving {paths.store} on http://{host}:{port}/  (SPARQL: http://{host}:{port}/sparql)")
    Server().run()


def _open(paths: Paths):
    try:
        return store.open_read_only(paths.store)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from None


def _print_table(variables: list[str], rows: list[list[str | None]]) -> None:
    cells = [["" if c is None else c for c in row] for row in rows]
    widths = [max([len(v), *(len(r[i]) for r in cells)]) for i, v in enumerate(variables)]
    click.echo("  ".join(v.ljust(w) for v, w in zip(variables, widths)))
    click.echo("  ".join("-" * w for w in widths))
    for row in cells:
        click.echo("  ".join(c.ljust(w) for c, w in zip(row, widths)))
    click.echo(f"({len(cells)} rows)")
