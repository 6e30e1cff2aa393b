"""results/raw.json -> README-ready markdown (goals, ratios), CSV figures and a PNG of latency against size.

Ratios are ours / peer: for latency lower is better (1.2× means ours takes 20 % longer), for
throughput higher is better. "ours" is compared with the Oxigraph server and rdflib-endpoint;
"ours→virtuoso" (sipkg serve --endpoint) with the same Virtuoso bare.
"""

from __future__ import annotations

import csv
import json
import math
import statistics
import sys
from pathlib import Path

PAIRS = [("ours", "oxigraph"), ("ours→virtuoso", "virtuoso"), ("ours", "rdflib")]
PLOTTED = ["ours", "oxigraph", "rdflib", "virtuoso", "ours→virtuoso"]


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v > 0]
    return math.exp(sum(map(math.log, values)) / len(values)) if values else None


def medians(size: dict, system: str) -> dict[str, float]:
    """Median seconds per query (failed queries left out) for one system at one size."""
    samples = size.get("latency", {}).get("seconds", {}).get(system, {})
    return {q: median(s) for q, s in samples.items() if s}


def ratios(size: dict, ours: str, peer: str) -> dict[str, float]:
    mine, theirs = medians(size, ours), medians(size, peer)
    return {q: mine[q] / theirs[q] for q in mine.keys() & theirs.keys() if theirs[q] > 0}


def template_ratio(r: dict[str, float]) -> dict[str, float]:
    return {q.removeprefix("template:"): v for q, v in r.items() if q.startswith("template:")}


def qps(size: dict, workload: str, clients: str, system: str) -> float | None:
    cell = size.get("throughput", {}).get(workload, {}).get(clients, {}).get(system)
    return cell["qps"] if cell else None


def throughput_ratio(size: dict, workloads: tuple[str, ...], ours: str, peer: str) -> float | None:
    """The lowest ours / peer throughput over the workloads and client counts measured."""
    found = []
    for w in workloads:
        for clients in size.get("throughput", {}).get(w, {}):
            a, b = qps(size, w, clients, ours), qps(size, w, clients, peer)
            if a is not None and b:
                found.append(a / b)
    return min(found) if found else None


# ---------------------------------------------------------------- goals


def goals(raw: dict) -> list[dict]:
    """Each goal of issue 8 with the figure measured at every size, and met / missed (by how much)."""
    sizes = {
        int(k): v
        for k, v in raw.get("sizes", {}).items()
        if v.get("latency") or v.get("throughput")
    }

    def each(fn):
        return {n: fn(s) for n, s in sorted(sizes.items()) if fn(s) is not None}

    at_most, at_least = (lambda limit: ("≤", limit)), (lambda limit: ("≥", limit))

    def errors_16(s):
        cells = [
            c
            for w in s.get("throughput", {}).values()
            for n, row in w.items()
            if int(n) >= 16
            for name, c in row.items()
            if name.startswith("ours")
        ]
        return sum(c["errors"] for c in cells) if cells else None

    def entity_page(s):
        samples = s.get("pages", {}).get("seconds", {}).get("ours", {}).get("entity")
        return median(samples) * 1000 if samples else None

    big = {n: v for n, v in each(entity_page).items() if n >= 1_000_000}
    rows = [
        (
            "vs Oxigraph: geometric-mean latency ≤ 1.2×",
            each(lambda s: geomean(list(ratios(s, "ours", "oxigraph").values()))),
            at_most(1.2),
            "×",
        ),
        (
            "vs Oxigraph: no template worse than 1.5×",
            each(
                lambda s: max(template_ratio(ratios(s, "ours", "oxigraph")).values(), default=None)
            ),
            at_most(1.5),
            "×",
        ),
        (
            "vs Oxigraph: throughput at 8 and 16 clients ≥ 1.0× (cache off)",
            each(lambda s: throughput_ratio(s, ("uniform", "zipf"), "ours", "oxigraph")),
            at_least(1.0),
            "×",
        ),
        (
            "vs Virtuoso: ours in front of it ≥ 0.9× its throughput (cache off)",
            each(lambda s: throughput_ratio(s, ("uniform", "zipf"), "ours→virtuoso", "virtuoso")),
            at_least(0.9),
            "×",
        ),
        (
            "vs Virtuoso: skewed workload with our result cache ≥ 1.5× its throughput",
            each(lambda s: throughput_ratio(s, ("zipf",), "ours→virtuoso+cache", "virtuoso")),
            at_least(1.5),
            "×",
        ),
        (
            "vs rdflib-endpoint: geometric-mean latency (reported)",
            each(lambda s: geomean(list(ratios(s, "ours", "rdflib").values()))),
            None,
            "×",
        ),
        (
            "no errors under 16 concurrent clients (our servers)",
            each(errors_16),
            at_most(0),
            " errors",
        ),
        ("entity pages under 30 ms median at 10^6 triples", big, at_most(30), " ms"),
        (
            "the real graph built from the sources in under 30 s",
            {"build": raw["build_seconds"]} if "build_seconds" in raw else {},
            at_most(30),
            " s",
        ),
    ]
    found = []
    for goal, figures, bound, unit in rows:
        if bound is None:
            verdict = "reported"
        elif not figures:
            verdict = "not measured"
        elif all(within(v, bound) for v in figures.values()):
            verdict = "met"
        else:
            verdict = "missed (" + miss_by(figures, bound, unit) + ")"
        found.append({"goal": goal, "figures": figures, "verdict": verdict, "unit": unit})
    return found


def within(value: float, bound: tuple[str, float]) -> bool:
    sign, limit = bound
    return value <= limit if sign == "≤" else value >= limit


def miss_by(figures: dict, bound: tuple[str, float], unit: str) -> str:
    """How far the worst figure is from the goal."""
    sign, limit = bound
    worst = max(figures.values()) if sign == "≤" else min(figures.values())
    if limit == 0:
        return f"worst {show(worst, unit)}"
    return f"worst {show(worst, unit)}, {abs(worst / limit - 1) * 100:.0f} % off"


def show(v: float, unit: str) -> str:
    if unit == " errors":
        return f"{v:.0f}{unit}"
    return f"{v:.2f}{unit}" if unit == "×" else f"{v:.1f}{unit}"


def size_name(n) -> str:
    if not isinstance(n, int):
        return str(n)
    exp = math.log10(n) if n > 0 else 0
    return f"10^{exp:.0f}" if abs(exp - round(exp)) < 0.05 else f"{n:,}"


# ---------------------------------------------------------------- writing


def write(raw: dict, out: Path) -> Path:
    """Write report.md, latency.csv, throughput.csv and latency.png into `out`; returns report.md's path."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = {int(k): v for k, v in raw.get("sizes", {}).items()}
    write_csv(sizes, out)
    plotted = plot(sizes, out / "latency.png")
    path = out / "report.md"
    path.write_text(markdown(raw, sizes, plotted), encoding="utf-8")
    return path


def write_csv(sizes: dict, out: Path) -> None:
    with (out / "latency.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["size", "quads", "system", "kind", "query", "median_ms", "p95_ms", "n"])
        for n, s in sorted(sizes.items()):
            for kind in ("latency", "pages"):
                for system, queries in s.get(kind, {}).get("seconds", {}).items():
                    for q, samples in sorted(queries.items()):
                        if samples:
                            w.writerow(
                                [
                                    n,
                                    s.get("quads"),
                                    system,
                                    "query" if kind == "latency" else "page",
                                    q,
                                    f"{median(samples) * 1000:.2f}",
                                    f"{p95(samples) * 1000:.2f}",
                                    len(samples),
                                ]
                            )
    with (out / "throughput.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["size", "workload", "clients", "system", "answers_per_s", "ok", "errors"])
        for n, s in sorted(sizes.items()):
            for workload, by_clients in s.get("throughput", {}).items():
                for clients, row in by_clients.items():
                    for system, c in row.items():
                        w.writerow(
                            [n, workload, clients, system, f"{c['qps']:.2f}", c["ok"], c["errors"]]
                        )


def common_queries(s: dict, systems: list[str]) -> set[str]:
    sets = [set(medians(s, x)) for x in systems if medians(s, x)]
    return set.intersection(*sets) if sets else set()


def plot(sizes: dict, target: Path) -> bool:
    """Latency (geometric mean of per-query medians) and throughput (16 users, uniform) against size."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is missing (pip install -e '.[bench]'): no plot", file=sys.stderr)
        return False
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for system in PLOTTED:
        xs, lat = [], []
        for n, s in sorted(sizes.items()):
            present = [x for x in PLOTTED if medians(s, x)]
            common = common_queries(s, present)
            m = medians(s, system)
            if m and common:
                xs.append(s.get("quads", n))
                lat.append(geomean([m[q] for q in common]) * 1000)
        if xs:
            left.plot(xs, lat, marker="o", label=system)
        xt = [
            (sizes[n].get("quads", n), qps(sizes[n], "uniform", "16", system))
            for n in sorted(sizes)
        ]
        xt = [(x, y) for x, y in xt if y]
        if xt:
            right.plot(*zip(*xt), marker="o", label=system)
    for ax, title, unit in (
        (left, "latency (geometric mean of medians)", "ms"),
        (right, "throughput, 16 users, uniform", "answers / s"),
    ):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("quads in the generated graph")
        ax.set_ylabel(unit)
        ax.set_title(title)
        ax.grid(True, which="both", alpha=0.3)
    left.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, dpi=110)
    plt.close(fig)
    return True


def resources_line(s: dict) -> str:
    """Store size on disk and peak memory (VmHWM, summed over a server's processes), in MB."""

    def mb(n) -> str:
        return "—" if n is None else f"{n / 2**20:,.0f} MB"

    cells = [
        f"{name} {mb(r['store_bytes'])} on disk, peak {mb(r['peak_rss_bytes'])}"
        for name, r in s["resources"].items()
    ]
    if (load := s.get("load_peak_rss_bytes", {}).get("ours")) is not None:
        cells.append(f"writing our store: peak {mb(load)}")
    return "store and memory: " + "; ".join(cells)


def markdown(raw: dict, sizes: dict, plotted: bool) -> str:
    m = raw.get("machine", {})
    lines = ["# sipkg benchmark results", ""]
    lines += [
        (
            f"Machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB, "
            f"{m.get('os', '?')}, Python {m.get('python', '?')}."
        ),
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m.get("versions", {}).items()) + ".",
        f"Settings: {json.dumps(raw.get('settings', {}))}.",
        "",
    ]
    lines += ["## Goals", "", "| goal | measured | verdict |", "|---|---|---|"]
    for g in goals(raw):
        figures = (
            "; ".join(f"{size_name(n)}: {show(v, g['unit'])}" for n, v in g["figures"].items())
            or "—"
        )
        lines.append(f"| {g['goal']} | {figures} | {g['verdict']} |")
    lines += [""]
    if plotted:
        lines += ["![latency and throughput against graph size](latency.png)", ""]
    lines += ["## Load and throughput by size", ""]
    for n, s in sorted(sizes.items()):
        lines += [f"### {size_name(n)} ({s.get('quads', '?')} quads)", ""]
        if s.get("failed"):
            lines += [f"**This size failed:** {s['failed']}", ""]
        for system, error in s.get("errors", {}).items():
            lines += [f"- **{system} failed:** `{error.splitlines()[0][:300]}`"]
        loads = s.get("load_seconds", {})
        if loads:
            lines += ["", "load: " + ", ".join(f"{k} {v:.1f} s" for k, v in loads.items()), ""]
        if s.get("resources"):
            lines += [resources_line(s), ""]
        if "derive_seconds" in s:
            lines += [
                f"derived data for the pages (ours, once per build): {s['derive_seconds']:.1f} s",
                "",
            ]
        for workload, by_clients in s.get("throughput", {}).items():
            systems = sorted({x for row in by_clients.values() for x in row})
            lines += [
                f"throughput, {workload} (answers / s, errors):",
                "",
                "| users | " + " | ".join(systems) + " |",
                "|---" * (len(systems) + 1) + "|",
            ]
            for clients, row in by_clients.items():
                cells = [
                    f"{row[x]['qps']:.1f} ({row[x]['errors']})" if x in row else "—"
                    for x in systems
                ]
                lines.append(f"| {clients} | " + " | ".join(cells) + " |")
            lines.append("")
    lines += [
        "## Latency ratios by query (median ours / median peer; < 1 means ours is faster)",
        "",
    ]
    columns = [(n, a, b) for n in sorted(sizes) for a, b in PAIRS if ratios(sizes[n], a, b)]
    if columns:
        queries = sorted({q for n, a, b in columns for q in ratios(sizes[n], a, b)})
        lines += [
            "| query | " + " | ".join(f"{size_name(n)} {a}/{b}" for n, a, b in columns) + " |",
            "|---" * (len(columns) + 1) + "|",
        ]
        for q in queries:
            cells = [ratios(sizes[n], a, b).get(q) for n, a, b in columns]
            lines.append(
                f"| {q} | " + " | ".join("—" if c is None else f"{c:.2f}" for c in cells) + " |"
            )
        lines.append("")
    lines += [
        "## Pages (median ms; peers: the same SPARQL our page sends, one query after another)",
        "",
    ]
    for n, s in sorted(sizes.items()):
        p = s.get("pages", {})
        if not p.get("seconds"):
            continue
        systems = list(p["seconds"])
        lines += [
            f"{size_name(n)}:",
            "",
            "| page | queries | " + " | ".join(systems) + " |",
            "|---" * (len(systems) + 2) + "|",
        ]
        for page in p.get("urls", {}):
            cells = [p["seconds"][x].get(page) for x in systems]
            lines.append(
                f"| {page} | {p['queries'].get(page, 0)} | "
                + " | ".join("—" if not c else f"{median(c) * 1000:.1f}" for c in cells)
                + " |"
            )
        lines.append("")
    failures = {
        (n, x): f
        for n, s in sizes.items()
        for x, f in s.get("latency", {}).get("failures", {}).items()
        if f
    }
    if failures:
        lines += ["## Queries a system did not answer (HTTP status; 0: no answer)", ""]
        for (n, x), f in sorted(failures.items()):
            lines.append(
                f"- {size_name(n)} {x}: " + ", ".join(f"{q} ({st})" for q, st in sorted(f.items()))
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    """Re-write the report from a raw.json (python -m bench.report [results folder])."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "results"
    print(write(json.loads((out / "raw.json").read_text(encoding="utf-8")), out))


if __name__ == "__main__":
    main()
