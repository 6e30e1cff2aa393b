"""A private Virtuoso for tests: `virtuoso` starts one on free loopback ports and stops it at the end.

Registered from conftest.py. The Debian package's virtuoso.ini is copied into a temporary folder
with the database files, both ports and the allowed folders moved there, so the test server never
touches a system Virtuoso or its data. Installed by `make system`.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from livesite import free_port

SYSTEM_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
SYSTEM_DB = "/var/lib/virtuoso-opensource-7/db"
START_SECONDS = 90  # a fresh database takes ~6 s to create; a busy test machine much longer


@dataclass(frozen=True)
class Virtuoso:
    sparql: str  # the query endpoint
    gsp: str  # the authenticated Graph Store Protocol endpoint
    user: str
    password: str
    folder: Path  # database, ini and log
    sql_port: int = 1111  # for isql-vt (bulk loading)


Tuning = Mapping[str, Mapping[str, object]]  # ini section → key → value


def override(text: str, tuning: Tuning) -> str:
    """The ini text with each section's keys set to the tuning's values: lines replaced, or added to the section."""
    lines = text.splitlines()
    pending = {section: dict(keys) for section, keys in tuning.items()}
    out: list[str] = []
    section = None

    def flush() -> None:  # the keys of the section just left that it did not have
        for key, value in pending.pop(section, {}).items() if section is not None else ():
            while out and not out[-1].strip():
                out.pop()
            out.extend([f"{key} = {value}", ""])

    for line in lines:
        header = re.match(r"^\[([^\]]+)\]\s*$", line)
        if header:
            flush()
            section = header[1]
            out.append(line)
            continue
        key = re.match(r"^([A-Za-z_][\w.]*)\s*=", line)
        if section in tuning and key and key[1] in tuning[section]:
            out.append(f"{key[1]} = {tuning[section][key[1]]}")
            pending.get(section, {}).pop(key[1], None)
            continue
        out.append(line)
    flush()
    for name, keys in pending.items():  # sections the ini does not have
        if keys:
            out.extend(["", f"[{name}]", *(f"{k} = {v}" for k, v in keys.items())])
    return "\n".join(out) + "\n"


def configure(folder: Path, sql_port: int, http_port: int, tuning: Tuning | None = None) -> Path:
    """A copy of the system virtuoso.ini with its files in `folder` and its ports on 127.0.0.1.

    `tuning` (section → key → value) overrides or adds settings; none by default (the package's ini as is).
    """
    text = SYSTEM_INI.read_text(encoding="utf-8").replace(SYSTEM_DB, str(folder))
    text, sql = re.subn(
        r"(?m)^ServerPort(\s*)=\s*1111\b", rf"ServerPort\g<1>= 127.0.0.1:{sql_port}", text
    )
    text, http = re.subn(
        r"(?m)^ServerPort(\s*)=\s*8890\b", rf"ServerPort\g<1>= 127.0.0.1:{http_port}", text
    )
    text, dirs = re.subn(
        r"(?m)^DirsAllowed(\s*)=\s*(.*)$", rf"DirsAllowed\g<1>= \g<2>, {folder}", text
    )
    if (sql, http, dirs) != (1, 1, 1):
        raise RuntimeError(
            f"{SYSTEM_INI} no longer has the ServerPort / DirsAllowed lines this fixture rewrites"
        )
    if tuning:
        text = override(text, tuning)
    ini = folder / "virtuoso.ini"
    ini.write_text(text, encoding="utf-8")
    return ini


def answers(url: str, proc: subprocess.Popen, seconds: float) -> bool:
    """Wait until the SPARQL endpoint answers a query, or the process exits, or time runs out."""
    probe = url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


@contextmanager
def running(folder: Path, tuning: Tuning | None = None) -> Iterator[Virtuoso]:
    """A private Virtuoso with its files in `folder`, on free loopback ports, stopped on exit.

    RuntimeError if it cannot start. The benchmarks (bench/peers.py) start theirs with this too,
    with `tuning` (ini section → key → value, see `configure`); the tests use the package's ini as is.
    """
    binary = shutil.which("virtuoso-t")
    if binary is None or not SYSTEM_INI.exists():
        raise RuntimeError(
            "Virtuoso is not installed: run `make system` (Debian package virtuoso-opensource)"
        )
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = configure(folder, sql_port, http_port, tuning)
    log = (folder / "console.log").open("wb")
    proc = subprocess.Popen(
        [binary, "+configfile", str(ini), "+foreground"],
        cwd=folder,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{http_port}"
    try:
        if not answers(base + "/sparql", proc, START_SECONDS):
            raise RuntimeError(
                f"Virtuoso did not start:\n{(folder / 'console.log').read_text(errors='replace')[-3000:]}"
            )
        yield Virtuoso(
            base + "/sparql", base + "/sparql-graph-crud-auth", "dba", "dba", folder, sql_port
        )
    finally:
        proc.terminate()  # Virtuoso checkpoints and exits on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory) -> Iterator[Virtuoso]:
    """A Virtuoso of the test session's own, on free loopback ports; dba/dba as a fresh database has."""
    try:
        with running(tmp_path_factory.mktemp("virtuoso")) as server:
            yield server
    except RuntimeError as e:
        pytest.fail(str(e))
