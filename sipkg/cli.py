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
@click.option("--endpoint", default=None, metavar="URL",
              help="Ask this SPARQL endpoint (any SPARQL 1.1 server) instead of the local store.")
@paths_option
def query_cmd(query, file, fmt, endpoint, data, home) -> None:
    """Run a SPARQL query (argument, --file, or standard input) against the local store or an endpoint."""
    text = query or (file.read() if file else sys.stdin.read())
    try:
        result = _remote_query(endpoint, text) if endpoint else store.run_query(_open(make_paths(data, home))[0], text)
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


def _remote_query(endpoint: str, text: str) -> store.QueryResult:
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

    try:
        return store.ask_endpoint(endpoint, text)
    except QueryBadFormed as e:
        raise store.QuerySyntaxError(str(e).split("Response:", 1)[-1].strip()) from None
    except (SPARQLWrapperException, OSError) as e:
        raise click.ClickException(f"the endpoint {endpoint} did not answer: {e}") from None


@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default answers only this machine; use 0.0.0.0 to publish it.")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Server processes.")
@click.option("--threads", default=4, show_default=True, type=int,
              help="Request threads per server process; each may run one query in its own query process.")
@click.option("--timeout", default=10.0, show_default=True, type=float,
              help="Seconds a query may run; a longer one is stopped and answered with 503.")
@click.option("--result-limit", default=10_000, show_default=True, type=int,
              help="Rows (or triples) in one answer; more are cut and the answer says so (X-Result-Truncated).")
@click.option("--max-body", default=1_000_000, show_default=True, type=int,
              help="Largest request body in bytes; a bigger one is answered with 413.")
@click.option("--allow-service", multiple=True, metavar="URL",
              help="A SPARQL endpoint queries may call with SERVICE (repeat for more). None by default: "
                   "without it no query can make the server connect anywhere.")
@click.option("--endpoint", default=None, metavar="URL",
              help="Answer from this external SPARQL store (see `sipkg push`) instead of the embedded one.")
@click.option("--writable", default=None, type=click.Path(file_okay=False, path_type=Path),
              help="Local writable mode: serve a store of your own in this folder, written by SPARQL Update "
                   "and the Graph Store Protocol (/store). Needs --token; runs one server process.")
@click.option("--token", envvar="SIPKG_TOKEN", default=None,
              help="Bearer token that writes must carry (or $SIPKG_TOKEN).")
@click.option("--cache", "cache_mb", default=64.0, show_default=True, type=click.FloatRange(min=0),
              help="Megabytes of query answers each server process keeps, keyed by dataset version so a new "
                   "build is never answered from an old one; 0 turns the cache off.")
@click.option("--throttle/--no-throttle", default=True, show_default=True,
              help="Limit each client address (429 with Retry-After past a limit), so one client cannot starve "
                   "the rest. Limits count per server process; static files are never limited.")
@click.option("--query-rate", default=10.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Queries per second one client may send to /sparql, sustained.")
@click.option("--query-burst", default=40, show_default=True, type=click.IntRange(min=1),
              help="Queries one client may send at once after a pause, above --query-rate.")
@click.option("--page-rate", default=20.0, show_default=True, type=click.FloatRange(min=0.01),
              help="Page requests per second one client may send, sustained.")
@click.option("--page-burst", default=200, show_default=True, type=click.IntRange(min=1),
              help="Page requests one client may send at once after a pause.")
@click.option("--client-queries", default=2, show_default=True, type=click.IntRange(min=1),
              help="Queries one client may have running at once; keep it below --threads so others get a turn.")
@click.option("--query-budget", default=60.0, show_default=True, type=click.FloatRange(min=0.1),
              help="Seconds of query time one client may use per minute (like the Wikidata Query Service).")
@click.option("--trust-proxy", default=0, show_default=True, type=click.IntRange(min=0), metavar="N",
              help="Number of proxies in front of the server whose X-Forwarded-For names the client. Leave 0 "
                   "unless there are: anyone can send that header to dodge the limits.")
@paths_option
def serve_cmd(host, port, workers, threads, timeout, result_limit, max_body, allow_service, endpoint, writable,
              token, cache_mb, throttle, query_rate, query_burst, page_rate, page_burst, client_queries,
              query_budget, trust_proxy, data, home) -> None:
    """Serve the store in service over HTTP with a production WSGI server (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    from .web import create_app

    paths = make_paths(data, home)
    if writable is not None and not token:
        raise click.ClickException("--writable needs --token (or $SIPKG_TOKEN): writes must be authorised")
    if writable is None and endpoint is None:
        _check(paths)
    config = {"STORE": paths.store, "QUERY_TIMEOUT": timeout, "RESULT_LIMIT": result_limit,
              "MAX_CONTENT_LENGTH": max_body, "SERVICE_ALLOW": tuple(allow_service), "ENDPOINT": endpoint,
              "WRITABLE": writable, "TOKEN": token, "QUERY_WORKERS": threads, "RESULT_CACHE_MB": cache_mb,
              "THROTTLE": throttle, "THROTTLE_QUERY_RATE": query_rate, "THROTTLE_QUERY_BURST": query_burst,
              "THROTTLE_PAGE_RATE": page_rate, "THROTTLE_PAGE_BURST": page_burst,
              "THROTTLE_CONCURRENT": client_queries, "THROTTLE_QUERY_SECONDS": query_budget,
              "TRUST_PROXY": trust_proxy}
    workers = 1 if writable is not None else workers  # one writer: the store's lock is per process

    class Server(BaseApplication):
        def load_config(self):
            for key, value in {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
                               "worker_class": _prompt_worker(), "accesslog": "-", "limit_request_line": 8190,
                               "graceful_timeout": GRACE, "timeout": max(30, int(timeout * 3))}.items():
                self.cfg.set(key, value)

        def load(self):  # in each server process, so each has its own store handles and query processes
            if writable is None and endpoint is None:
                store.check(paths.store)  # a worker that fails to boot stops the master: no crash loop
            return create_app(config)

    source = endpoint or writable or paths.store
    click.echo(f"sipkg serving {source} on http://{host}:{port}/  (SPARQL: http://{host}:{port}/sparql; "
               f"{workers} processes x {threads} threads, query time-out {timeout:g} s, "
               f"{'writable, token required' if writable else 'read-only'})")
    try:
        Server().run()
    except SystemExit as stop:  # the master and each forked worker end here
        _exit_now(stop.code)


@main.command("push")
@click.option("--endpoint", required=True, metavar="URL",
              help="The external store's SPARQL query endpoint; after the push it must serve the new version.")
@click.option("--gsp", default=None, metavar="URL",
              help="Its Graph Store Protocol endpoint, which the graphs are written to "
                   "(default for Virtuoso: the query endpoint's URL + '-graph-crud-auth').")
@click.option("--user", default=None, help="A user who may write graphs there (Virtuoso: dba).")
@click.option("--password", envvar="SIPKG_PUSH_PASSWORD", default=None,
              help="That user's password (or $SIPKG_PUSH_PASSWORD, which keeps it out of the shell history).")
@paths_option
def push_cmd(endpoint, gsp, user, password, data, home) -> None:
    """Copy the build in service into an external SPARQL store, for `sipkg serve --endpoint URL`."""
    from .remote import RemoteBackend, default_gsp

    try:
        info = store.current(make_paths(data, home).store)
        remote = RemoteBackend(endpoint, gsp=gsp or default_gsp(endpoint), user=user, password=password)
        report = remote.push(info.path / "dumps" / "sipkg.nq", version=info.version)
        served = remote.version
    except store.StoreError as e:
        raise click.ClickException(str(e)) from None
    _print_table(["graph", "triples"], [[g, str(n)] for g, n in report["graphs"].items()])
    click.echo(f"merged into the default graph: {report['union']} triples")
    for graph in report["removed"]:
        click.echo(f"removed {graph} (no longer in the build)")
    if served != info.version:
        raise click.ClickException(f"pushed version {info.version} to {remote.gsp}, but {endpoint} serves "
                                   f"{served}: are they the same store?")
    click.echo(f"version {info.version} pushed to {remote.gsp}; {endpoint} serves it")


@main.command("ingest")
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--title", required=True, help="The document's title, as the publisher gives it.")
@click.option("--published", required=True, help="Publication date, YYYY-MM-DD: relative dates (昨天, 年底) resolve against it.")
@click.option("--source", required=True, help="The URL it was taken from; a changed text from the same URL is a new version.")
@click.option("--language", required=True, type=click.Choice(["zh", "en"]), help="The language of the text.")
@click.option("--title-en", default=None, help="An English title, if there is one.")
@click.option("--publisher", default=None, help="Who published it.")
@paths_option
def ingest_cmd(file, title, published, source, language, title_en, publisher, data, home) -> None:
    """Add a plain-text or HTML document to the sources; the next `sipkg build` includes it."""
    from .ingest import ingest

    try:
        result = ingest(make_paths(data, home), file, title=title, published=published, source=source,
                        language=language, title_en=title_en, publisher=publisher)
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    click.echo(result.to_text())


@main.command("remove")
@click.argument("key")
@paths_option
def remove_cmd(key, data, home) -> None:
    """Take a document out with its metadata and the curation entries citing it."""
    from .ingest import remove
    from .review import what_goes

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
@click.option("--gold", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Folder of gold annotation files (default: tests/gold/ in the project).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--details", is_flag=True, help="Also list each miss and each false positive.")
@paths_option
def eval_cmd(gold, as_json, details, data, home) -> None:
    """Precision, recall and F1 of the pipeline against the hand-made gold, with and without curation."""
    from .evaluate import GOLD, evaluate

    try:
        result = evaluate(make_paths(data, home), gold or GOLD)
    except INPUT_ERRORS as e:
        raise click.ClickException(str(e)) from None
    click.echo(json.dumps(result.to_dict(details), ensure_ascii=False, indent=2) if as_json else result.to_text(details))


@main.command("review")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@paths_option
def review_cmd(key, as_json, data, home) -> None:
    """What a document brought into the graph in service: new entities, facts with evidence, conflicts."""
    from . import review

    paths = make_paths(data, home)
    _open(paths)
    try:
        report = review.review(review.local_select(paths.store), key)
    except review.UnknownDocument:
        raise click.ClickException(f"no document with key {key!r} in the graph (ingest it, then `sipkg build`)") from None
    click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2) if as_json else report.to_text())


GRACE = 3  # seconds a stopping server process has before gunicorn kills it
QUERY_GRACE = 2  # of which queries still running may use this much; then they are stopped (503)
IDLE_LINGER = 0.2  # seconds a stopping server keeps idle keep-alive connections (gunicorn's own: 2)
STALL = 10  # seconds a request's socket may make no progress (a body that stops arriving) before it ends


def _prompt_worker():
    """gunicorn's threaded worker, made to stop promptly on SIGTERM.

    Idle keep-alive connections close at once, and queries still running after QUERY_GRACE
    are stopped, so their requests end (503) and no query process is left behind.
    """
    import threading
    import time

    from gunicorn.workers.gthread import ThreadWorker

    from .pool import close_all

    class PromptWorker(ThreadWorker):
        def handle_exit(self, sig, frame):
            super().handle_exit(sig, frame)
            stopper = threading.Timer(QUERY_GRACE, close_all)
            stopper.daemon = True
            stopper.start()

        def _cap_keepalive(self, deadline):
            super()._cap_keepalive(min(deadline, time.monotonic() + IDLE_LINGER))

        def handle_request(self, req, conn):
            conn.sock.settimeout(STALL)  # else a client that announces a body and stops holds a thread for ever
            return super().handle_request(req, conn)

        def run(self):
            super().run()
            close_all()

    return PromptWorker


def _exit_now(code: int | str | None) -> None:
    """End a server process without the interpreter's teardown (a second of freeing caches, after a stop
    signal): its query processes are stopped first and its output flushed."""
    import os

    from .pool import close_all

    close_all()
    if isinstance(code, str):
        click.echo(code, err=True)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else (0 if code is None else 1))


def _check(paths: Paths):
    """The store in service, opened and counted, or a one-line error saying what to do."""
    from .engine import check_store

    try:
        return check_store(paths.store)
    except store.StoreError as e:
        raise click.ClickException(str(e)) from None


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
