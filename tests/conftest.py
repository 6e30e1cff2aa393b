"""Shared fixtures: one graph built per test session into a temporary home, an app, a client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from graphs import selector

from sipkg.build.stages import PROJECT, BuildReport, Paths, build
from sipkg.store import builds
from sipkg.web import create_app

pytest_plugins = [
    "livesite"
]  # live_server, browser, page, screenshot: real server and headless Chromium
pytest_plugins += [
    "virtuoso"
]  # virtuoso: a private Virtuoso on loopback for the remote-store tests


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory) -> Path:
    """A copy of the project's data/, so builds in tests never write into the checkout."""
    target = tmp_path_factory.mktemp("data") / "data"
    shutil.copytree(PROJECT / "data", target)
    return target


@pytest.fixture(scope="session")
def built(data_dir, tmp_path_factory) -> tuple[Paths, BuildReport]:
    paths = Paths(data=data_dir, home=tmp_path_factory.mktemp("home"))
    return paths, build(paths)


@pytest.fixture(scope="session")
def paths(built) -> Paths:
    return built[0]


@pytest.fixture(scope="session")
def report(built) -> BuildReport:
    return built[1]


@pytest.fixture(scope="session")
def graph(paths):
    """A read-only handle on the built store."""
    handle, _ = builds.open_read_only(paths.store)
    return handle


@pytest.fixture(scope="session")
def select(paths):
    """Run a SELECT (our prefixes preloaded) and return rows as dicts of plain strings."""
    return selector(paths.store)


@pytest.fixture()
def app(paths):
    app = create_app({"STORE": paths.store, "TESTING": True})
    yield app
    app.extensions["sipkg"].close()


@pytest.fixture()
def client(app):
    return app.test_client()
