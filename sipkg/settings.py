"""The service's settings, in one table: each one's config key, default, `sipkg serve` option and help.

`create_app()` starts from `defaults()`; `sipkg serve` makes one command-line option of each setting
that has one, so a default is written once and means the same wherever it is read.
"""

from __future__ import annotations

from dataclasses import dataclass

import click


@dataclass(frozen=True)
class Setting:
    key: str  # the Flask config key
    default: object
    help: str
    option: str | None = None  # the `sipkg serve` option, if the setting is one
    type: object = None  # its click type (default: guessed from the default)
    multiple: bool = False


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "QUERY_TIMEOUT",
        10.0,
        "Seconds a query may run; a longer one is stopped and answered with 503.",
        "--timeout",
        float,
    ),
    Setting(
        "RESULT_LIMIT",
        10_000,
        "Rows (or triples) in one answer; more are cut and the answer says so "
        "(X-Result-Truncated).",
        "--result-limit",
        int,
    ),
    Setting(
        "MAX_CONTENT_LENGTH",
        1_000_000,
        "Largest request body in bytes; a bigger one is answered with 413.",
        "--max-body",
        int,
    ),
    Setting(
        "SERVICE_ALLOW",
        (),
        "A SPARQL endpoint queries may call with SERVICE (repeat for more). None by "
        "default: without it no query can make the server connect anywhere.",
        "--allow-service",
        str,
        multiple=True,
    ),
    Setting(
        "ENDPOINT",
        None,
        "Answer from this external SPARQL store (see `sipkg push`) instead of the embedded one.",
        "--endpoint",
        str,
    ),
    Setting(
        "WRITABLE",
        None,
        "Local writable mode: serve a store of your own in this folder, written by SPARQL "
        "Update and the Graph Store Protocol (/store). Needs --token; runs one server process.",
        "--writable",
        click.Path(file_okay=False),
    ),
    Setting(
        "TOKEN", None, "Bearer token that writes must carry (or $SIPKG_TOKEN).", "--token", str
    ),
    Setting(
        "QUERY_WORKERS",
        4,
        "Query processes per server process (`sipkg serve` uses --threads).",
        None,
    ),
    Setting(
        "RESULT_CACHE_MB",
        0,
        "Megabytes of query answers each server process keeps, keyed by dataset version "
        "so a new build is never answered from an old one; 0 turns the cache off.",
        "--cache",
        click.FloatRange(min=0),
    ),
    Setting(
        "THROTTLE",
        False,
        "Limit each client address (429 with Retry-After past a limit), so one client cannot "
        "starve the rest. Limits count per server process; static files are never limited.",
        "--throttle/--no-throttle",
    ),
    Setting(
        "THROTTLE_PAGE_RATE",
        20.0,
        "Page requests per second one client may send, sustained.",
        "--page-rate",
        click.FloatRange(min=0.01),
    ),
    Setting(
        "THROTTLE_PAGE_BURST",
        200,
        "Page requests one client may send at once after a pause.",
        "--page-burst",
        click.IntRange(min=1),
    ),
    Setting(
        "THROTTLE_CONCURRENT",
        2,
        "Queries one client may have running at once; keep it below --threads so "
        "others get a turn.",
        "--client-queries",
        click.IntRange(min=1),
    ),
    Setting(
        "THROTTLE_QUERY_SECONDS",
        60.0,
        "Seconds of query time one client may use per minute (like the Wikidata Query Service); "
        "with --client-queries the only limits on queries, so fast ones sent one after another "
        "are never refused.",
        "--query-budget",
        click.FloatRange(min=0.1),
    ),
    Setting(
        "TRUST_PROXY",
        0,
        "Number of proxies in front of the server whose X-Forwarded-For names the client. "
        "Leave 0 unless there are: anyone can send that header to dodge the limits.",
        "--trust-proxy",
        click.IntRange(min=0),
    ),
)

# What `sipkg serve` turns on that an app made in a test or a script leaves off.
SERVE_DEFAULTS = {"THROTTLE": True, "RESULT_CACHE_MB": 64.0}


def defaults() -> dict:
    """The config every app starts from."""
    return {s.key: s.default for s in SETTINGS}


def options(f):
    """Decorate a click command with one option per setting that has one, defaults as `sipkg serve` runs."""
    for s in reversed(SETTINGS):
        if s.option is None:
            continue
        default = SERVE_DEFAULTS.get(s.key, s.default)
        kwargs = {
            "default": list(default) if s.multiple else default,
            "help": s.help,
            "show_default": not s.multiple,
        }
        if s.type is not None and "/" not in s.option:
            kwargs["type"] = s.type
        if s.multiple:
            kwargs["multiple"] = True
        if s.key == "TOKEN":
            kwargs["envvar"] = "SIPKG_TOKEN"
        f = click.option(s.option, s.key.lower(), **kwargs)(f)
    return f
