"""queries/federation/*.rq join our graph with a partner SPARQL endpoint; SERVICE stays safe.

A second endpoint, the `oxigraph` server from PyPI, serves queries/federation/partner.ttl on a
free loopback port; `sipkg serve --allow-service` lets our queries call it. The queries name the
partner at its documented default address (DEFAULT_PARTNER); the tests point them at the port
they started. Then the refusals: no allow-list, an endpoint off the list, a partner that is down
or never answers.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from livesite import answers, free_port, serve
from SPARQLWrapper import JSON, SPARQLWrapper

from sipkg.namespaces import BASE
from sipkg.paths import PROJECT

pytestmark = pytest.mark.integration

FEDERATION = PROJECT / "queries" / "federation"
DEFAULT_PARTNER = (
    "http://127.0.0.1:7878/query"  # what the queries say; README.md tells users to serve it there
)
OXIGRAPH = Path(sys.executable).with_name("oxigraph")


@pytest.fixture(scope="module")
def partner(tmp_path_factory) -> Iterator[str]:
    """The example partner data set behind its own Oxigraph server; yields its query endpoint."""
    if not OXIGRAPH.exists():
        pytest.fail(f"{OXIGRAPH} is missing: install the test extra (pip install -e '.[test]')")
    location = tmp_path_factory.mktemp("partner") / "db"
    subprocess.run(
        [
            str(OXIGRAPH),
            "load",
            "--location",
            str(location),
            "--file",
            str(FEDERATION / "partner.ttl"),
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}/query"
    proc = subprocess.Popen(
        [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        if not answers(endpoint + "?query=" + urllib.parse.quote("ASK {}"), proc):
            pytest.fail("the partner Oxigraph server did not start")
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=15)


@pytest.fixture(scope="module")
def federated(paths, partner) -> Iterator[str]:
    """Our server, allowed to call the partner and nothing else; yields its base URL."""
    with serve(paths, "--allow-service", partner) as base:
        yield base


def federation_query(name: str, partner: str) -> str:
    """A query of queries/federation/ as written, pointed at the partner the test started."""
    text = (FEDERATION / name).read_text(encoding="utf-8")
    assert DEFAULT_PARTNER in text, f"{name} should name the partner at its documented address"
    return text.replace(DEFAULT_PARTNER, partner)


def rows(base: str, query: str) -> list[dict[str, str]]:
    """A SELECT through our /sparql with SPARQLWrapper, as a user would run it; values as plain strings."""
    client = SPARQLWrapper(base + "/sparql")
    client.setQuery(query)
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    return [{var: b[var]["value"] for var in b} for b in bindings]


def get(base: str, query: str) -> tuple[int, str]:
    """Status and body of GET /sparql?query=…, errors included."""
    url = base + "/sparql?" + urllib.parse.urlencode({"query": query})
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def test_every_federation_query_opens_with_its_question_in_chinese_and_english():
    files = sorted(FEDERATION.glob("*.rq"))
    assert len(files) >= 2
    for path in files:
        head = path.read_text(encoding="utf-8").splitlines()[:2]
        assert head[0].startswith("# 问题") and head[1].startswith("# Question"), path.name


def test_the_partner_data_says_it_is_example_data():
    header = (FEDERATION / "partner.ttl").read_text(encoding="utf-8").splitlines()[0]
    assert "EXAMPLE DATA" in header and "NOT FACTS ABOUT THE REAL WORLD" in header


def test_our_wikidata_links_join_with_the_partners_data_about_those_items(federated, partner):
    found = rows(federated, federation_query("01-partner-records-about-our-places.rq", partner))
    got = [
        (r["place"].removeprefix(f"{BASE}/id/"), r["item"], int(r["records"]), r.get("placeZh"))
        for r in found
    ]
    assert got == [
        ("place/china", "http://www.wikidata.org/entity/Q148", 5, "中国"),
        ("place/suzhou", "http://www.wikidata.org/entity/Q42622", 3, "苏州市"),
        ("place/jiangsu", "http://www.wikidata.org/entity/Q16963", 2, "江苏省"),
    ]  # Singapore: no partner records; Q90: none of our places links to it


def test_the_partners_records_about_our_iris_join_with_our_names(federated, partner):
    found = rows(federated, federation_query("02-partner-records-naming-our-bodies.rq", partner))
    got = {(r["record"], r["organisation"].removeprefix(f"{BASE}/id/"), r["nameZh"]) for r in found}
    assert got == {
        (
            "http://partner.example/record/1",
            "org/sip-administrative-committee",
            "苏州工业园区管理委员会",
        ),
        (
            "http://partner.example/record/2",
            "org/community-work-committees",
            "苏州工业园区社区工作委员会",
        ),
    }  # record 3 names an IRI we never minted


def test_a_federation_query_is_refused_by_a_server_without_an_allow_list(live_server, partner):
    status, body = get(
        live_server, federation_query("01-partner-records-about-our-places.rq", partner)
    )
    assert status == 403
    assert partner in body and "allow-list" in body


def test_a_service_off_the_allow_list_is_refused_naming_it(federated, partner):
    elsewhere = f"http://127.0.0.1:{free_port()}/query"
    status, body = get(
        federated, federation_query("01-partner-records-about-our-places.rq", elsewhere)
    )
    assert status == 403
    assert elsewhere in body and partner in body  # what was refused, and what is allowed


def test_a_partner_that_is_down_is_a_502_with_the_reason(paths):
    down = f"http://127.0.0.1:{free_port()}/query"  # allowed, but nothing listens there
    with serve(paths, "--allow-service", down) as base:
        started = time.monotonic()
        status, body = get(base, federation_query("01-partner-records-about-our-places.rq", down))
    assert status == 502 and "failed while running" in body
    assert time.monotonic() - started < 10


def test_a_partner_that_never_answers_is_stopped_by_the_time_out(paths):
    with socket.socket() as silent:  # accepts connections, never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        mute = f"http://127.0.0.1:{silent.getsockname()[1]}/query"
        with serve(paths, "--allow-service", mute, "--timeout", "2") as base:
            started = time.monotonic()
            status, body = get(
                base, federation_query("01-partner-records-about-our-places.rq", mute)
            )
            waited = time.monotonic() - started
    assert status == 503 and "time-out" in body
    assert waited < 15
