"""Faults on real processes: killed builds, a killed query process, a broken store, SIGTERM.

Each test copies the session's build into its own home, so what it breaks is its own.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil
import pytest
from livesite import SCREENSHOTS, answers, free_port, serve

from bench.loaddriver import server_pid
from sipkg.paths import Paths
from sipkg.store import builds

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
SMALL = (
    "SELECT ?l WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # every triple, cubed
FIGURES = SCREENSHOTS.parent / "faults.json"


def record(name: str, value) -> None:
    """Keep a measured figure in tests/artifacts/faults.json (for the README)."""
    figures = json.loads(FIGURES.read_text()) if FIGURES.exists() else {}
    figures[name] = value
    FIGURES.parent.mkdir(parents=True, exist_ok=True)
    FIGURES.write_text(json.dumps(figures, indent=2))


@pytest.fixture()
def home(paths, tmp_path) -> Paths:
    """A copy of the session's build in a home of this test's own."""
    shutil.copytree(paths.store, tmp_path / "home" / paths.store.name, symlinks=True)
    return Paths(data=paths.data, home=tmp_path / "home")


def ask(base: str, query: str) -> tuple[int, str, dict]:
    request = urllib.request.Request(
        base + "/sparql?query=" + urllib.parse.quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.read().decode(), dict(r.headers)
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), dict(e.headers)


def served(base: str) -> tuple[str, int]:
    """(dataset version, quads) the server answers with."""
    status, body, headers = ask(base, COUNT)
    assert status == 200, body
    return headers["X-Dataset-Version"], int(
        json.loads(body)["results"]["bindings"][0]["n"]["value"]
    )


def on_disk(paths: Paths) -> tuple[str, int]:
    """(version, quads) of the store in service, opened read-only and counted."""
    info = builds.check(paths.store)
    return info.version, info.quads


def tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def gone(processes: list[psutil.Process]) -> bool:
    def dead(p: psutil.Process) -> bool:
        try:
            return p.status() == psutil.STATUS_ZOMBIE
        except psutil.NoSuchProcess:
            return True

    return all(dead(p) for p in processes)


# ---------------------------------------------------------------- 1. killing a build


def start_build(paths: Paths) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sipkg",
            "build",
            "--home",
            str(paths.home),
            "--data",
            str(paths.data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def new_folder(paths: Paths, before: set[str], inside: str | None) -> bool:
    """Whether a build folder not in `before` has appeared (holding `inside`, if given)."""
    for folder in (paths.store / "builds").iterdir():
        if folder.name not in before and (inside is None or (folder / inside).exists()):
            return True
    return False


def kill_build(
    paths: Paths, *, after: float = 0.0, stage: str | None = None, limit: float = 300
) -> str:
    """Start a build and SIGKILL it `after` seconds, or once its folder holds `stage` ("" for the folder itself)."""
    before = {f.name for f in (paths.store / "builds").iterdir()}
    build = start_build(paths)
    started = time.monotonic()
    try:
        while build.poll() is None and time.monotonic() - started < limit:
            if stage is None and time.monotonic() - started >= after:
                break
            if stage is not None and new_folder(paths, before, stage or None):
                break
            time.sleep(0.005)
    finally:
        build.kill()
        build.wait()
    moment = (
        f"once {stage or 'its folder'!r} appeared" if stage is not None else f"after {after:.1f} s"
    )
    return f"{moment} (killed at {time.monotonic() - started:.1f} s)"


@pytest.mark.integration
def test_killing_a_build_at_any_point_leaves_the_previous_store_serving_and_intact(home):
    started = time.monotonic()
    assert (
        start_build(home).wait(600) == 0
    )  # a second complete build: the one a rollback would need
    duration = time.monotonic() - started
    previous = (home.store / builds.CURRENT).resolve()
    expected = on_disk(home)
    moments = []
    with serve(home, "--workers", "1") as base:
        answered = served(base)
        assert answered[0] == expected[0]
        plans = [
            {"after": 0.2},
            *({"after": duration * f} for f in (0.15, 0.3, 0.45, 0.6, 0.75)),
            {"stage": ""},
            {"stage": "oxigraph"},
            {"stage": "build.json"},
        ]
        for plan in plans:
            moment = kill_build(home, **plan)
            in_service = (home.store / builds.CURRENT).resolve()
            if (
                in_service != previous
            ):  # killed after it published: its build (a new version) serves now
                assert (in_service / builds.PUBLISHED).is_file() and (
                    in_service / "build.json"
                ).is_file()
                moment += ", after it published"
                previous, expected, answered = in_service, on_disk(home), served(base)
            moments.append(moment)
            assert served(base) == answered, moment
            assert on_disk(home) == expected, moment
        leftovers = {f.name for f in (home.store / "builds").iterdir()} - {previous.name}
        assert len(leftovers) > 1, (
            moments
        )  # the complete build before, and at least one orphan of a killed build

        assert start_build(home).wait(600) == 0  # a normal build succeeds and publishes
        now = (home.store / builds.CURRENT).resolve()
        assert now != previous and (now / builds.PUBLISHED).is_file()
        assert {f.name for f in (home.store / "builds").iterdir()} == {now.name, previous.name}
        assert (
            served(base)[0]
            == on_disk(home)[0]
            == json.loads((now / "build.json").read_text())["version"]
        )
    record(
        "killed_builds",
        {
            "build_seconds": round(duration, 1),
            "kills": moments,
            "orphans_removed_by_the_next_build": len(leftovers) - 1,
        },
    )


def test_pruning_keeps_the_previous_complete_build_not_the_newer_orphans(tmp_path):
    root = tmp_path / "store"

    def folder(name: str, *files: str) -> Path:
        path = root / "builds" / name
        path.mkdir(parents=True)
        for file in files:
            (path / file).write_text("{}")
        return path

    oldest = folder("20260101T000000-1", "build.json", builds.PUBLISHED)
    previous = folder(
        "20260102T000000-2", "build.json"
    )  # in service, but its builder died before marking it
    (root / builds.CURRENT).symlink_to(previous.relative_to(root))
    half_written = folder(
        "20260103T000000-3", "build.json", builds.BUILDING
    )  # killed before publishing
    empty = folder(
        f"20260103T000001-{os.getpid()}"
    )  # killed early; its pid is alive again (reused)
    running = builds.new_build_dir(root)  # a build still running holds its lock: not ours to touch
    new = folder("20260104T000000-4", "build.json")
    try:
        builds.publish(root, new)
        left = {p.name for p in (root / "builds").iterdir()}
    finally:
        builds.discard(running)
    assert left == {new.name, previous.name, running.name}
    assert not {oldest.name, half_written.name, empty.name} & left
    assert (root / builds.CURRENT).resolve() == new and (previous / builds.PUBLISHED).is_file()


# ---------------------------------------------------------------- 2. killing a query process


def pool_children(master: int) -> list[psutil.Process]:
    return [
        p
        for p in psutil.Process(master).children(recursive=True)
        if "sipkg.store.pool" in " ".join(p.cmdline())
    ]


def busiest(processes: list[psutil.Process]) -> psutil.Process:
    """The process using the CPU (the one running the long query)."""
    before = {p.pid: sum(p.cpu_times()[:2]) for p in processes}
    time.sleep(0.5)
    return max(processes, key=lambda p: sum(p.cpu_times()[:2]) - before[p.pid])


@pytest.mark.integration
def test_killing_a_query_process_fails_only_its_query_and_the_pool_replaces_it(home):
    with serve(
        home, "--workers", "1", "--threads", "4", "--timeout", "60", "--client-queries", "4"
    ) as base:
        master = server_pid(base)
        long_query: dict = {}
        thread = threading.Thread(
            target=lambda: long_query.update(zip(("status", "body"), ask(base, RUNAWAY)))
        )
        thread.start()
        time.sleep(1.0)
        victim = busiest(pool_children(master))
        others: list[int] = []
        meanwhile = threading.Thread(
            target=lambda: others.extend(ask(base, SMALL)[0] for _ in range(10))
        )
        meanwhile.start()
        victim.kill()
        thread.join(60)
        meanwhile.join(60)
        assert long_query["status"] == 503 and "died" in long_query["body"]
        assert others == [200] * 10
        assert [ask(base, q)[0] for q in (SMALL, COUNT, "ASK {}")] == [200, 200, 200]
        pids = {p.pid for p in pool_children(master)}
        assert pids and victim.pid not in pids


# ---------------------------------------------------------------- 3. a missing or broken store


def break_no_build(paths: Paths) -> None:
    shutil.rmtree(paths.store)


def break_garbage(paths: Paths) -> None:
    for file in (paths.store / builds.CURRENT / "oxigraph").iterdir():
        file.write_bytes(os.urandom(4096))


def break_no_build_json(paths: Paths) -> None:
    (paths.store / builds.CURRENT / "build.json").unlink()


def break_dangling_link(paths: Paths) -> None:
    shutil.rmtree((paths.store / builds.CURRENT).resolve())


def break_count(paths: Paths) -> None:
    meta = paths.store / builds.CURRENT / "build.json"
    info = json.loads(meta.read_text())
    meta.write_text(json.dumps({**info, "quads": info["quads"] + 1}))


@pytest.mark.integration
@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (break_no_build, "no store at"),
        (break_garbage, "cannot open the store"),
        (break_no_build_json, "has no readable build.json"),
        (break_dangling_link, "which is gone"),
        (break_count, "it is damaged"),
    ],
)
def test_serve_on_a_missing_or_broken_store_exits_at_once_saying_what_to_do(home, damage, said):
    damage(home)
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sipkg",
            "serve",
            "--port",
            str(free_port()),
            "--home",
            str(home.home),
            "--data",
            str(home.data),
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and time.monotonic() - started < 30
    message = result.stderr.strip()
    assert "\n" not in message and message.startswith("Error: ") and said in message, result.stderr
    assert "sipkg build" in message and "Booting worker" not in result.stdout + result.stderr


@pytest.mark.integration
def test_a_server_process_that_cannot_open_the_store_stops_the_server_instead_of_respawning(home):
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sipkg",
            "serve",
            "--port",
            str(free_port()),
            "--home",
            str(home.home),
            "--data",
            str(home.data),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert proc.stdout.readline().startswith("sipkg serving")  # the start-up check passed
        break_count(
            home
        )  # broken before the server processes boot: each finds it so on its own check
        output, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0 and "Worker failed to boot" in output
    assert output.count("Booting worker") <= 2  # no crash loop: each of the 2 processes booted once


# ---------------------------------------------------------------- 4. SIGTERM


def start_server(paths: Paths) -> tuple[subprocess.Popen, str]:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sipkg",
            "serve",
            "--port",
            str(port),
            "--home",
            str(paths.home),
            "--data",
            str(paths.data),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    assert answers(base + "/sparql?query=ASK%7B%7D", proc)
    return proc, base


def terminate(proc: subprocess.Popen) -> tuple[int, float, list[psutil.Process]]:
    """SIGTERM the server; (exit status, seconds to exit, processes of its tree still there)."""
    processes = tree(proc.pid)
    started = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    status = proc.wait(30)
    seconds = time.monotonic() - started
    time.sleep(0.1)
    return status, seconds, [p for p in processes if not gone([p])]


@pytest.mark.integration
def test_sigterm_stops_an_idle_server_promptly_even_with_a_kept_alive_connection(home):
    import http.client

    proc, base = start_server(home)
    connection = http.client.HTTPConnection(urllib.parse.urlsplit(base).netloc)
    connection.request("GET", "/sparql?query=ASK%7B%7D")
    assert connection.getresponse().read()  # kept alive: gunicorn would wait 2 s for it
    assert len(pool_children(proc.pid)) >= 1
    status, seconds, left = terminate(proc)
    connection.close()
    assert status == 0 and not left and seconds < 1.5, (status, seconds, left)
    record("sigterm_idle_keepalive_s", round(seconds, 2))


@pytest.mark.integration
def test_sigterm_stops_the_server_within_its_grace_while_a_long_query_runs(home):
    from sipkg.web.server import GRACE

    proc, base = start_server(home)
    long_query: dict = {}
    thread = threading.Thread(
        target=lambda: long_query.update(zip(("status", "body"), ask(base, RUNAWAY)))
    )
    thread.start()
    time.sleep(1.0)
    status, seconds, left = terminate(proc)
    thread.join(30)
    assert status == 0 and not left and seconds < GRACE + 1.5, (status, seconds, left)
    assert long_query["status"] == 503  # answered, not dropped: its query was stopped
    record("sigterm_long_query_s", round(seconds, 2))
