"""python -m bench: generate, load, measure and report in one run (see bench/README.md)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .run import RESULTS, Settings, log, run

DEFAULT_SIZES = "10000,100000,1000000"
HUGE = 10_000_000


@click.command()
@click.option(
    "--sizes",
    default=lambda: os.environ.get("BENCH_SIZES") or DEFAULT_SIZES,
    show_default=DEFAULT_SIZES,
    help="Comma-separated graph sizes in quads (or $BENCH_SIZES).",
)
@click.option(
    "--seconds",
    type=float,
    default=lambda: float(os.environ.get("BENCH_SECONDS") or 10),
    show_default="10",
    help="Seconds per throughput measurement (or $BENCH_SECONDS).",
)
@click.option(
    "--reps", type=int, default=3, show_default=True, help="Timed rounds per query and system."
)
@click.option(
    "--huge", is_flag=True, help="Add 10^7 quads (needs a quiet machine, much memory and an hour)."
)
@click.option(
    "--quick", is_flag=True, help="A smoke run: 10^4 quads, 2 s per throughput point, one round."
)
@click.option(
    "--rdflib-max",
    type=int,
    default=10_000,
    show_default=True,
    help="Largest size rdflib-endpoint is loaded at (at 10^5 some competency queries take minutes).",
)
@click.option("--no-virtuoso", is_flag=True, help="Leave Virtuoso (and ours in front of it) out.")
@click.option(
    "--resume", is_flag=True, help="Keep sizes an earlier run finished (from results/raw.json)."
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=RESULTS,
    show_default=True,
    help="Folder for report.md, the CSV figures, raw.json and latency.png.",
)
def main(sizes, seconds, reps, huge, quick, rdflib_max, no_virtuoso, resume, out) -> None:
    """Benchmark sipkg against the Oxigraph server, rdflib-endpoint and Virtuoso on generated graphs."""
    try:
        chosen = [int(float(s)) for s in sizes.split(",") if s.strip()]
    except ValueError:
        raise click.BadParameter(
            f"not a list of numbers: {sizes!r}", param_hint="--sizes"
        ) from None
    if quick:
        chosen, seconds, reps = [10_000], min(seconds, 2.0), 1
    if huge and HUGE not in chosen:
        chosen.append(HUGE)
    settings = Settings(
        sorted(chosen),
        seconds,
        reps,
        rdflib_max=rdflib_max,
        virtuoso=not no_virtuoso,
        resume=resume,
        out=out,
    )
    try:
        report = run(settings)
    except KeyboardInterrupt:
        log("interrupted: every server started was stopped; partial results are in " + str(out))
        sys.exit(130)
    log(f"report: {report}")


if __name__ == "__main__":
    main()
