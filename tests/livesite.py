"""Real servers and real headless Chromium for tests: `live_server`, `browser`, `page`, `screenshot`.

Registered from conftest.py. The browser is the system's Chromium driven by Playwright (never a
downloaded one); every page may only talk to 127.0.0.1, and a test fails if anything else was asked
for or if a script on the page threw an uncaught error.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from sipkg.paths import PROJECT, Paths

CHROMIUM = Path(os.environ.get("SIPKG_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = PROJECT / "tests" / "artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str, proc: subprocess.Popen, seconds: float = 30) -> bool:
    """Wait until `url` answers, or the process exits, or time runs out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=1)
            return True
        except OSError:
            time.sleep(0.2)
    return False


@contextmanager
def serve(paths: Paths, *options: str) -> Iterator[str]:
    """`sipkg serve` on a free loopback port for the given build (extra CLI options passed on); yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "sipkg",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--home",
        str(paths.home),
        "--data",
        str(paths.data),
        *options,
    ]
    with (
        tempfile.TemporaryFile() as log
    ):  # a file, not a pipe: a full pipe would stall the server's access log
        proc = subprocess.Popen(
            command,
            env={**os.environ, "SIPKG_HOME": str(paths.home)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            if not answers(base + "/sparql?query=" + urllib.parse.quote("ASK {}"), proc):
                proc.kill()
                proc.wait()
                log.seek(0)
                pytest.fail(f"sipkg serve did not start:\n{log.read().decode(errors='replace')}")
            yield base
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.fixture(scope="session")
def live_server(paths) -> Iterator[str]:
    """The real server on the session's build; yields its base URL, e.g. http://127.0.0.1:PORT."""
    with serve(paths) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """Headless system Chromium, shared by the session's tests."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `make system` (installs Debian chromium and fonts-wqy-zenhei)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_FLAGS
        )
        yield chromium
        chromium.close()


def is_local(url: str) -> bool:
    """Whether a request stays on this machine (data: and blob: URLs never leave the page)."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in LOCAL_HOSTS


@pytest.fixture()
def page(browser):
    """A fresh page in its own context (no shared cookies or storage); outside requests are aborted and fail the test."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 900})
    outside: list[str] = []
    errors: list[str] = []

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    new_page = context.new_page()
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    context.close()
    if outside:
        pytest.fail("the page asked for something outside 127.0.0.1:\n" + "\n".join(outside))
    if errors:
        pytest.fail("a script on the page threw:\n" + "\n".join(errors))


def save_screenshot(page, name: str) -> Path:
    """The whole page as tests/artifacts/screenshots/<name>.png (gitignored), for the README and for review."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    return target


@pytest.fixture()
def screenshot():
    """`screenshot(page, name)` saves a PNG under tests/artifacts/screenshots/ and returns its path."""
    return save_screenshot
