"""One run: time the real build, then per size generate, load every system, measure, write results.

Measurements alternate between systems (each round visits them in a rotated order), so drift on
a noisy machine hits all alike. Results are written after every phase to results/raw.json; a
system that fails to load or start is recorded as failed for that size (and said on stderr),
the others go on; `--resume` skips sizes already finished.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sipkg.paths import PROJECT
from sipkg.store import builds

from . import generate, peers, workload
from .client import Client, hammer

WORK = PROJECT / "var" / "bench"  # generated data, stores, logs (not committed)
RESULTS = PROJECT / "bench" / "results"  # committed


@dataclass
class Settings:
    sizes: list[int]
    seconds: float  # per throughput measurement
    reps: int  # latency rounds per query and system
    clients: tuple[int, ...] = (8, 16)
    rdflib_max: int = 10_000  # rdflib-endpoint above this size takes minutes per competency query
    virtuoso: bool = True
    resume: bool = False
    out: Path = RESULTS


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def rotated(items: list, k: int) -> list:
    k %= max(1, len(items))
    return items[k:] + items[:k]


# ---------------------------------------------------------------- the machine and the real build


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            int(line.split()[1])
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        0,
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem / 2**20, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions(),
    }


def versions() -> dict:
    from importlib.metadata import version

    found = {
        name: version(name) for name in ("sipkg", "pyoxigraph", "oxigraph", "gunicorn", "flask")
    }
    peers_python = peers.PEERS_VENV / "bin" / "python"
    if peers_python.exists():
        found["rdflib-endpoint"] = subprocess.run(
            [
                str(peers_python),
                "-c",
                "from importlib.metadata import version; print(version('rdflib-endpoint'))",
            ],
            check=False,
            capture_output=True,
            text=True,
        ).stdout.strip()
    if shutil.which("virtuoso-t"):
        out = subprocess.run(["virtuoso-t", "-?"], check=False, capture_output=True, text=True)
        line = next((s for s in (out.stdout + out.stderr).splitlines() if "Version" in s), "")
        found["virtuoso"] = line.strip()
    return found


def real_build(home: Path) -> tuple[float, Path]:
    """`sipkg build` of the real sources, timed; its dump is the seed of every generated graph."""
    began = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "sipkg", "build", "--home", str(home)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds = time.perf_counter() - began
    return seconds, builds.current(home / "store").path / "dumps" / "sipkg.nq"


# ---------------------------------------------------------------- measuring


def latency(servers: dict, queries: list[workload.Query], reps: int) -> dict:
    """Per system and query: seconds of each answer (one warm-up round first), and the status of its first failure."""
    names = list(servers)
    times: dict = {n: {} for n in names}
    failures: dict = {n: {} for n in names}
    clients = {n: Client(servers[n].sparql) for n in names}
    for rep in range(reps + 1):
        for name in rotated(names, rep):
            for q in queries:
                if q.name in failures[name]:
                    continue  # failed (a time-out: 10 s) once; sending it again would only repeat the wait
                timed = clients[name].sparql(q.text)
                if not timed.ok:
                    failures[name][q.name] = timed.status
                elif rep:
                    times[name].setdefault(q.name, []).append(timed.seconds)
    for c in clients.values():
        c.close()
    return {"seconds": times, "failures": failures}


def pages(
    servers: dict, urls: dict[str, str], sent: dict[str, list[workload.Query]], reps: int
) -> dict:
    """Our pages over HTTP; for the others, the same SPARQL our pages send, one query after another."""
    names = list(servers)
    times: dict = {n: {} for n in names}
    failures: dict = {n: {} for n in names}
    for rep in range(reps + 1):
        for name in rotated(names, rep):
            server = servers[name]
            client = Client(server.pages or server.sparql)
            for page, url in urls.items():
                if server.pages:
                    timed = client.get(url)
                    ok, seconds = timed.ok, timed.seconds
                else:
                    if not sent[page]:
                        continue  # answered from data our app derives once per version: nothing to send
                    answers = [client.sparql(q.text) for q in sent[page]]
                    ok, seconds = all(a.ok for a in answers), sum(a.seconds for a in answers)
                if not ok:
                    failures[name][page] = "failed"
                elif rep:
                    times[name].setdefault(page, []).append(seconds)
            client.close()
    return {
        "seconds": times,
        "failures": failures,
        "urls": urls,
        "queries": {p: len(qs) for p, qs in sent.items()},
    }


def throughput(servers: dict, params: dict, settings: Settings, cached: set[str]) -> dict:
    """Answers per second under concurrent users, uniform and Zipf-skewed; cached servers only on the skewed one."""
    found: dict = {}
    k = 0
    for name, skewed in (("uniform", False), ("zipf", True)):
        for clients in settings.clients:
            row = found.setdefault(name, {}).setdefault(str(clients), {})
            systems = [s for s in servers if skewed or s not in cached]
            for system in rotated(systems, k):
                row[system] = hammer(
                    servers[system].sparql,
                    lambda i, skewed=skewed: workload.Draw(params, skewed=skewed, seed=1000 + i),
                    clients,
                    settings.seconds,
                )
                log(
                    f"  {name} x{clients} {system}: {row[system]['qps']:.1f} q/s, {row[system]['errors']} errors"
                )
            k += 1
    return found


# ---------------------------------------------------------------- one size


def start(fleet: peers.Fleet, name: str, starter, errors: dict) -> peers.Server | None:
    """Start one system; a failure is recorded and said out loud, and the run goes on without it."""
    try:
        server = starter()
    except Exception as e:  # noqa: BLE001 — any failure of a peer is reported, not fatal to the others
        errors[name] = f"{type(e).__name__}: {e}"[:2000]
        log(f"  {name} FAILED: {errors[name]}")
        return None
    log(f"  {name} ready in {server.load_seconds:.1f} s at {server.sparql}")
    return fleet.add(server)


def measure_size(size: int, seed_dump: Path, settings: Settings, save) -> dict:
    folder = WORK / str(size)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    logs = folder / "logs"
    nq = folder / "graph.nq"
    quads = generate.write(seed_dump, size, nq)
    version = f"bench-{size}"
    result: dict = {"quads": quads, "load_seconds": {}, "errors": {}}
    log(f"size {size}: {quads} quads generated")
    with peers.Fleet() as fleet:
        servers: dict = {}
        pushed_virtuoso = None  # the Virtuoso behind ours→virtuoso, not queried on its own
        home = folder / "home"
        derive: dict = {}
        load = peers.make_home(nq, home, version, derive)
        result["derive_seconds"] = derive["derive"]
        log(f"  derived data for the pages in {derive['derive']:.1f} s")
        # write_store runs in this process: its high-water mark is the load's (generation streams)
        result["load_peak_rss_bytes"] = {
            "ours": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
        }
        params = workload.parameters(builds.current(home / "store").path / "oxigraph")
        result["parameters"] = {k: len(v) for k, v in params.items()}
        for name, starter in [
            ("ours", lambda: peers.ours("ours", home, logs, load, "--cache", "0")),
            ("ours+cache", lambda: peers.ours("ours+cache", home, logs, load)),
            ("oxigraph", lambda: peers.oxigraph(nq, folder / "oxigraph", logs)),
        ]:
            if (server := start(fleet, name, starter, result["errors"])) is not None:
                servers[name] = server
        if size <= settings.rdflib_max and (
            server := start(
                fleet, "rdflib", lambda: peers.rdflib_endpoint(nq, logs), result["errors"]
            )
        ):
            servers["rdflib"] = server
        if settings.virtuoso:
            try:
                v = fleet.enter_context(
                    peers.virtuoso(nq, folder / "virtuoso", version, pushed=False)
                )
                behind = fleet.enter_context(
                    peers.virtuoso(nq, folder / "virtuoso-pushed", version, pushed=True)
                )
            except Exception as e:  # noqa: BLE001 — reported; the run goes on without Virtuoso
                result["errors"]["virtuoso"] = f"{type(e).__name__}: {e}"[:2000]
                log(f"  virtuoso FAILED: {result['errors']['virtuoso']}")
            else:
                servers["virtuoso"] = v
                pushed_virtuoso = behind
                log(f"  virtuoso loaded in {v.load_seconds:.1f} s at {v.sparql}")
                for name, options in [
                    ("ours→virtuoso", ("--cache", "0")),
                    ("ours→virtuoso+cache", ()),
                ]:
                    if server := start(
                        fleet,
                        name,
                        lambda name=name, options=options: peers.ours(
                            name,
                            home,
                            logs,
                            behind.load_seconds,
                            "--endpoint",
                            behind.sparql,
                            *options,
                        ),
                        result["errors"],
                    ):
                        servers[name] = server
        result["load_seconds"] = {n: s.load_seconds for n, s in servers.items()}
        extra = {"virtuoso (pushed)": pushed_virtuoso} if pushed_virtuoso else {}
        result["resources"] = resources({**servers, **extra})
        save(result)
        cached = {n for n in servers if n.endswith("+cache")}
        plain = {n: s for n, s in servers.items() if n not in cached}
        queries = workload.competency() + template_sample(params)
        log(f"  latency: {len(queries)} queries x {settings.reps} rounds x {len(plain)} systems")
        result["latency"] = latency(plain, queries, settings.reps)
        save(result)
        urls = workload.page_urls(params)
        sent = workload.page_queries(home, urls)
        result["pages"] = pages(plain, urls, sent, settings.reps)
        save(result)
        if (
            "oxigraph" in servers
        ):  # the same store served again without its time-out: see peers.oxigraph_serve
            for proc in servers["oxigraph"].procs:
                peers.stop(proc)
            servers["oxigraph"] = fleet.add(
                peers.oxigraph_serve(
                    folder / "oxigraph", logs, servers["oxigraph"].load_seconds, timeout=False
                )
            )
        log("  throughput")
        result["throughput"] = throughput(servers, params, settings, cached)
        result["resources"] = resources({**servers, **extra})  # peaks over the whole size
        result["complete"] = True
        save(result)
    return result


def resources(servers: dict) -> dict:
    """Per system: its store's size on disk and the peak memory of its processes so far (loading
    included where the server loads its own data, as Virtuoso does), in bytes. Ours in front of
    Virtuoso answers from the pushed Virtuoso, listed on its own."""
    found = {
        name: {
            "store_bytes": None if name.startswith("ours→") else peers.disk_bytes(s.store),
            "peak_rss_bytes": peak,
        }
        for name, s in servers.items()
        if (peak := peers.peak_rss(s.pids())) is not None or s.store is not None
    }
    for name, figures in found.items():
        log(f"  {name}: {figures}")
    return found


def template_sample(params: dict, per_template: int = 3) -> list[workload.Query]:
    """A fixed few instances of each template for the latency table (named after the template)."""
    draw = workload.Draw(params, skewed=False, seed=7)
    by_name: dict[str, list[workload.Query]] = {}
    for _ in range(200):
        q = draw.next()
        if len(by_name.setdefault(q.name, [])) < per_template:
            by_name[q.name].append(workload.Query("template:" + q.name, q.text))
    return [q for qs in by_name.values() for q in qs]


def summarise(samples: list[float]) -> dict:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return {"median": statistics.median(ordered), "p95": p95, "n": len(ordered)}


# ---------------------------------------------------------------- the run


def run(settings: Settings) -> Path:
    settings.out.mkdir(parents=True, exist_ok=True)
    raw_path = settings.out / "raw.json"
    raw = json.loads(raw_path.read_text()) if settings.resume and raw_path.exists() else {}
    raw.setdefault("sizes", {})
    raw["machine"] = machine()
    raw["settings"] = {
        "sizes": settings.sizes,
        "seconds": settings.seconds,
        "reps": settings.reps,
        "clients": list(settings.clients),
        "rdflib_max": settings.rdflib_max,
    }

    def write() -> None:
        tmp = raw_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(raw, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, raw_path)

    log("timing `sipkg build` of the real sources")
    home = WORK / "real"
    shutil.rmtree(home, ignore_errors=True)
    raw["build_seconds"], seed_dump = real_build(home)
    log(f"built in {raw['build_seconds']:.1f} s")
    write()
    from . import report

    for size in settings.sizes:
        if raw["sizes"].get(str(size), {}).get("complete"):
            log(f"size {size}: done in an earlier run, skipped (--resume)")
            continue

        def save(result: dict, size: int = size) -> None:
            raw["sizes"][str(size)] = result
            write()

        try:
            measure_size(size, seed_dump, settings, save)
        except Exception as e:  # noqa: BLE001 — keep what the other sizes measured; say what broke
            raw["sizes"].setdefault(str(size), {})["failed"] = f"{type(e).__name__}: {e}"
            write()
            log(f"size {size} FAILED: {e}")
        report.write(raw, settings.out)
    return report.write(raw, settings.out)
