"""Honest limits on a real server: a runaway query ends at the time-out, others are answered meanwhile."""

from __future__ import annotations

import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from livesite import SCREENSHOTS, serve

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # every triple, cubed
SMALL = (
    "SELECT ?l WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)
TIMEOUT = 3.0


def ask(base: str, query: str) -> tuple[int, str, float]:
    """(status, body, seconds) of one query."""
    started = time.monotonic()
    request = urllib.request.Request(
        base + "/sparql?query=" + urllib.parse.quote(query),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as r:
            return r.status, r.read().decode(), time.monotonic() - started
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(), time.monotonic() - started


def pool_processes() -> list[int]:
    """Query processes on this machine (they run `python -m sipkg.store.pool`)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if b"sipkg.store.pool" in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@pytest.fixture(scope="module")
def base(paths):
    with serve(paths, "--timeout", str(TIMEOUT), "--workers", "1", "--threads", "4") as url:
        yield url


@pytest.mark.integration
def test_a_runaway_query_ends_at_the_time_out_and_others_are_answered_meanwhile(base):
    runaway: dict = {}
    thread = threading.Thread(
        target=lambda: runaway.update(zip(("status", "body", "seconds"), ask(base, RUNAWAY)))
    )
    thread.start()
    time.sleep(0.5)  # the runaway is running now
    others = []
    while thread.is_alive() and len(others) < 20:
        others.append(ask(base, SMALL))
    answered_meanwhile = [o for o in others if o[0] == 200]
    thread.join()
    assert runaway["status"] == 503 and "time-out" in runaway["body"]
    assert TIMEOUT <= runaway["seconds"] < TIMEOUT + 10
    assert len(answered_meanwhile) >= 3 and all(o[0] == 200 for o in others)
    assert "苏州工业园区管理委员会" in answered_meanwhile[0][1]
    SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS.parent / "time-out.json").write_text(
        json.dumps(
            {
                "timeout_s": TIMEOUT,
                "runaway_status": runaway["status"],
                "runaway_s": round(runaway["seconds"], 2),
                "answered_meanwhile": len(answered_meanwhile),
                "their_median_s": round(
                    sorted(o[2] for o in answered_meanwhile)[len(answered_meanwhile) // 2], 3
                ),
            },
            indent=2,
        )
    )


@pytest.mark.integration
def test_after_a_time_out_the_server_is_healthy_and_nothing_runs_on(base):
    status, _, _ = ask(base, RUNAWAY)
    assert status == 503
    before = {pid: cpu_seconds(pid) for pid in pool_processes()}
    time.sleep(1.0)
    burning = [pid for pid, cpu in before.items() if cpu_seconds(pid) - cpu > 0.5]
    assert not burning, "a stopped query is still using the CPU"
    assert ask(base, SMALL)[0] == 200
    assert ask(base, "ASK {}")[0] == 200
