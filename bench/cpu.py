"""CPU per request: ours and the Oxigraph server side by side on one store, over the template workload.

    .venv/bin/python -m bench.cpu                   # the real build in service (var/store)
    .venv/bin/python -m bench.cpu --size 100000     # a generated graph of 10^5 quads
    .venv/bin/python -m bench.cpu --zipf            # also ours with the cache on, Zipf-skewed
    .venv/bin/python -m bench.cpu --base ../main    # also `before`: sipkg from another checkout

One user sends the same seeded template queries to each system (rounds in rotated order) while
the CPU time of the system's whole process tree (server processes and query processes, from
/proc) is read before and after: CPU per request is what bounds throughput on 2 cores. Then 8
users for `--seconds` each give the throughput. Ratios are ours / the Oxigraph server.
"""

from __future__ import annotations

import math
import os
import shutil
import statistics
from pathlib import Path

import click

from sipkg.paths import PROJECT
from sipkg.store import builds

from . import generate, peers, workload
from .client import Client, hammer
from .run import WORK, log, rotated

TICK = os.sysconf("SC_CLK_TCK")


def tree(pid: int) -> list[int]:
    """pid and every process below it."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process tree, including children it has already reaped."""
    total = 0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])  # utime stime cutime cstime
    return total / TICK


def one_user(server: peers.Server, queries: list[workload.Query]) -> tuple[float, list[float]]:
    """CPU seconds the system spent on `queries`, and each answer's wall time."""
    client = Client(server.sparql)
    pid = server.procs[0].pid
    before = cpu_seconds(pid)
    times = []
    for q in queries:
        timed = client.sparql(q.text)
        if not timed.ok:
            raise RuntimeError(f"{server.name} answered {timed.status} to {q.name}")
        times.append(timed.seconds)
    spent = cpu_seconds(pid) - before
    client.close()
    return spent, times


def ours_from(checkout: Path, name: str, home: Path, logs: Path, *options: str) -> peers.Server:
    """`sipkg serve` with the code of another checkout (its server and query processes alike)."""
    saved, here = os.environ.get("PYTHONPATH"), Path.cwd()
    os.environ["PYTHONPATH"] = str(checkout.resolve())
    os.chdir(checkout)  # `python -m` puts the working folder first on the path
    try:
        return peers.ours(name, home, logs, 0, *options)
    finally:
        os.chdir(here)
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved


def graph(size: str) -> tuple[Path, Path]:
    """(N-Quads file, folder for stores) for the real build in service or a generated size."""
    seed = builds.current(PROJECT / "var" / "store").path / "dumps" / "sipkg.nq"
    folder = WORK / f"cpu-{size}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    if size == "real":
        return seed, folder
    nq = folder / "graph.nq"
    generate.write(seed, int(float(size)), nq)
    return nq, folder


@click.command()
@click.option("--size", default="real", show_default=True, help="`real`, or quads to generate.")
@click.option("--requests", default=600, show_default=True, help="Queries per round and system.")
@click.option("--rounds", default=3, show_default=True, help="Rounds (systems in rotated order).")
@click.option("--seconds", default=8.0, show_default=True, help="Seconds per throughput point.")
@click.option("--users", default=8, show_default=True, help="Users for the throughput point.")
@click.option("--zipf", is_flag=True, help="Also the Zipf workload: ours with its cache on.")
@click.option(
    "--base",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="A checkout of sipkg to measure beside this one as `before` (same store, same run).",
)
def main(size, requests, rounds, seconds, users, zipf, base) -> None:
    """Our CPU per request, latency and throughput against the Oxigraph server's, one run."""
    nq, folder = graph(size)
    logs = folder / "logs"
    with peers.Fleet() as fleet:
        home = folder / "home"
        load = peers.make_home(nq, home, f"cpu-{size}")
        params = workload.parameters(builds.current(home / "store").path / "oxigraph")
        servers = {
            "ours": fleet.add(peers.ours("ours", home, logs, load, "--cache", "0")),
        }
        if base is not None:
            servers["before"] = fleet.add(ours_from(base, "before", home, logs, "--cache", "0"))
        oxi = peers.oxigraph(nq, folder / "oxigraph", logs)
        for proc in oxi.procs:  # without its time-out, as the bench's throughput rounds run it
            peers.stop(proc)
        servers["oxigraph"] = fleet.add(
            peers.oxigraph_serve(folder / "oxigraph", logs, 0, timeout=False)
        )
        if zipf:
            servers["ours+cache"] = fleet.add(peers.ours("ours+cache", home, logs, load))
            if base is not None:
                servers["before+cache"] = fleet.add(ours_from(base, "before+cache", home, logs))
        draw = workload.Draw(params, skewed=False, seed=7)
        queries = [draw.next() for _ in range(requests)]
        cpu: dict = {n: [] for n in servers}
        wall: dict = {n: [] for n in servers}
        plain = [n for n in servers if not n.endswith("+cache")]
        for name in plain:
            one_user(servers[name], queries[:50])  # warm-up
        for r in range(rounds):
            for name in rotated(plain, r):
                spent, times = one_user(servers[name], queries)
                cpu[name].append(spent / len(queries))
                wall[name].extend(times)
        rows = {}
        for name in plain:
            rows[name] = {
                "cpu_us": 1e6 * statistics.median(cpu[name]),
                "latency_ms": 1e3 * math.exp(statistics.fmean(math.log(t) for t in wall[name])),
            }
        workloads = [("uniform", False, plain)]
        if zipf:
            workloads.append(("zipf", True, list(servers)))
        for label, skewed, names in workloads:
            for name in names:
                qps = hammer(
                    servers[name].sparql,
                    lambda i, skewed=skewed: workload.Draw(params, skewed=skewed, seed=1000 + i),
                    users,
                    seconds,
                )
                rows.setdefault(name, {})[f"{label}_qps"] = qps["qps"]
                log(f"{label} x{users} {name}: {qps['qps']:.0f} q/s, {qps['errors']} errors")
    print(f"\nsize {size}, {requests} template queries x {rounds} rounds, {users} users\n")
    print("| system | CPU µs/request | latency ms (geo mean) | uniform q/s | zipf q/s |")
    print("|---|--:|--:|--:|--:|")
    for name, row in rows.items():
        print(
            f"| {name} | {row.get('cpu_us', float('nan')):.0f} | "
            f"{row.get('latency_ms', float('nan')):.2f} | "
            f"{row.get('uniform_qps', float('nan')):.0f} | {row.get('zipf_qps', float('nan')):.0f} |"
        )
    ours, oxi = rows["ours"], rows["oxigraph"]
    print(
        f"\nours / oxigraph: CPU {ours['cpu_us'] / oxi['cpu_us']:.2f}×, latency "
        f"{ours['latency_ms'] / oxi['latency_ms']:.2f}×, throughput "
        f"{ours['uniform_qps'] / oxi['uniform_qps']:.2f}×"
    )
    if base is not None:
        before = rows["before"]
        print(
            f"before / oxigraph: CPU {before['cpu_us'] / oxi['cpu_us']:.2f}×, latency "
            f"{before['latency_ms'] / oxi['latency_ms']:.2f}×, throughput "
            f"{before['uniform_qps'] / oxi['uniform_qps']:.2f}×; CPU before / ours "
            f"{before['cpu_us'] / ours['cpu_us']:.2f}×"
        )
    for name in (n for n in rows if n.endswith("+cache")):
        print(f"{name} / oxigraph (zipf): {rows[name]['zipf_qps'] / oxi['zipf_qps']:.2f}×")


if __name__ == "__main__":
    main()
