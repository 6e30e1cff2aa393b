"""Per-client throttling: the buckets with a fake clock, the app's 429s, and a greedy client on a real server."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse

import pytest
from livesite import SCREENSHOTS, serve

from sipkg.web import create_app
from sipkg.web.throttle import PAGE, QUERY, Limits, Throttle, kind_of

LIMITS = Limits(page_rate=5.0, page_burst=10, concurrent=2, query_seconds=6.0)


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture()
def clock():
    return Clock()


@pytest.fixture()
def throttle(clock):
    return Throttle(LIMITS, clock=clock)


def admit_query(throttle: Throttle, client: str = "a", seconds: float = 0.0):
    """Admit one query and finish it after `seconds`."""
    refusal = throttle.admit(client, QUERY)
    if refusal is None:
        throttle.done(client, QUERY, seconds)
    return refusal


def test_queries_one_after_another_are_never_refused(clock):
    """With the default budget (60 s a minute) a client running one query at a time cannot use
    query time faster than it comes back, however many queries it sends."""
    throttle = Throttle(
        Limits(page_rate=5.0, page_burst=10, concurrent=2, query_seconds=60.0), clock
    )
    refused = []
    for seconds in [0.005] * 3000 + [2.0] * 100:
        refused.append(admit_query(throttle, seconds=seconds))
        clock.now += seconds + 0.001  # the client waits for each answer, then sends the next
    assert refused == [None] * 3100


def test_one_client_s_hogging_leaves_another_client_untouched(throttle):
    assert throttle.admit("greedy", QUERY) is None and throttle.admit("greedy", QUERY) is None
    assert admit_query(throttle, "greedy") is not None
    assert admit_query(throttle, "polite") is None


def test_a_client_may_run_only_so_many_queries_at_once(throttle):
    assert throttle.admit("a", QUERY) is None and throttle.admit("a", QUERY) is None
    refusal = throttle.admit("a", QUERY)
    assert (
        refusal is not None and refusal.retry_after == 1 and "at most 2 at once" in refusal.reason
    )
    throttle.done("a", QUERY, 0.1)
    assert throttle.admit("a", QUERY) is None


def test_query_time_is_charged_to_a_per_minute_budget(throttle, clock):
    assert throttle.admit("a", QUERY) is None
    throttle.done("a", QUERY, 9.0)  # 3 s past the 6 s budget, which refills at 0.1 s per second
    refusal = throttle.admit("a", QUERY)
    assert (
        refusal is not None
        and refusal.retry_after == 30
        and "6 seconds of query time" in refusal.reason
    )
    clock.now += 31
    assert admit_query(throttle) is None


def test_pages_have_their_own_looser_bucket(throttle):
    assert [throttle.admit("a", PAGE) for _ in range(10)] == [None] * 10
    assert throttle.admit("a", PAGE) is not None
    assert admit_query(throttle) is None  # pages spent no query tokens


def test_clients_with_nothing_to_remember_are_forgotten(throttle, clock):
    admit_query(throttle, "once")
    throttle.admit("running", QUERY)
    clock.now += 120
    admit_query(throttle, "now")
    assert set(throttle.clients) == {"running", "now"}


@pytest.mark.parametrize(
    ("method", "path", "args", "kind"),
    [
        ("GET", "/static/site.css", {}, None),
        ("GET", "/static/vendor/yasgui/yasgui.min.js", {}, None),
        ("GET", "/sparql", {"query": "ASK {}"}, QUERY),
        ("POST", "/sparql", {}, QUERY),
        ("GET", "/sparql/", {"query": "ASK {}"}, QUERY),
        ("GET", "/sparql", {}, PAGE),  # the editor, or the service description
        ("GET", "/doc/org/sip-administrative-committee", {}, PAGE),
        ("GET", "/search.json", {"q": "管委会"}, PAGE),
    ],
)
def test_what_kind_of_request_it_is(method, path, args, kind):
    assert kind_of(method, path, args) == kind


# ---------------------------------------------------------------- in the app (Flask test client)


@pytest.fixture()
def throttled(paths):
    app = create_app(
        {
            "STORE": paths.store,
            "TESTING": True,
            "THROTTLE": True,
            "THROTTLE_PAGE_BURST": 2,
            "THROTTLE_PAGE_RATE": 0.1,
        }
    )
    yield app.test_client()
    app.extensions["sipkg"].close()


def hold_queries(client, address: str = "127.0.0.1") -> None:
    """Leave as many queries of `address` running as it may have at once."""
    throttle = client.application.extensions["sipkg.throttle"]
    for _ in range(throttle.limits.concurrent):
        assert throttle.admit(address, QUERY) is None


def test_the_endpoint_answers_429_in_plain_text_with_retry_after(throttled):
    url = "/sparql?query=" + urllib.parse.quote("ASK {}")
    assert [throttled.get(url).status_code for _ in range(300)] == [200] * 300
    hold_queries(throttled)
    r = throttled.get(url)
    assert r.status_code == 429 and r.mimetype == "text/plain"
    assert r.headers["Retry-After"] == "1" and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Too Many Requests" in r.get_data(as_text=True) and "127.0.0.1" in r.get_data(
        as_text=True
    )


def test_a_json_twin_gets_its_429_as_json_and_static_files_are_never_throttled(throttled):
    for _ in range(2):
        assert throttled.get("/search.json?q=x").status_code == 200
    r = throttled.get("/search.json?q=x")
    assert (
        r.status_code == 429
        and r.get_json()["retry_after"] == 10
        and "Retry after 10 s" in r.get_json()["error"]
    )
    assert all(throttled.get("/static/site.css").status_code == 200 for _ in range(5))


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(paths):
    def statuses(config):
        app = create_app(
            {
                "STORE": paths.store,
                "TESTING": True,
                "THROTTLE": True,
                "THROTTLE_PAGE_BURST": 1,
                "THROTTLE_PAGE_RATE": 0.1,
                **config,
            }
        )
        client = app.test_client()
        try:
            return [
                client.get("/search.json", headers={"X-Forwarded-For": f"10.0.0.{i}"}).status_code
                for i in range(3)
            ]
        finally:
            app.extensions["sipkg"].close()

    assert statuses({}) == [200, 429, 429]  # spoofed headers do not make new clients
    assert statuses({"TRUST_PROXY": 1}) == [
        200,
        200,
        200,
    ]  # behind one proxy, each forwarded client is its own


def test_the_holder_of_the_write_token_is_not_throttled(paths, tmp_path):
    app = create_app(
        {
            "STORE": paths.store,
            "TESTING": True,
            "THROTTLE": True,
            "WRITABLE": tmp_path / "own",
            "TOKEN": "s3cret",
        }
    )
    client = app.test_client()
    try:
        url = "/sparql?query=" + urllib.parse.quote("ASK {}")
        assert client.get(url).status_code == 200
        hold_queries(client)
        owner = [
            client.get(url, headers={"Authorization": "Bearer s3cret"}).status_code
            for _ in range(3)
        ]
        stranger = [
            client.get(url, headers={"Authorization": "Bearer guess"}).status_code for _ in range(2)
        ]
    finally:
        app.extensions["sipkg"].close()
    assert owner == [200, 200, 200] and stranger == [429, 429]


# ---------------------------------------------------------------- a real server: greedy and polite clients

SMALL = (
    "SELECT ?l WHERE { <https://data.sipac.gov.cn/id/org/sip-administrative-committee> "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
)


def ask(netloc: str, source: str, query: str = SMALL) -> tuple[int, str | None, float]:
    """(status, Retry-After, seconds) of one query sent from the given loopback address."""
    host, port = netloc.split(":")
    started = time.monotonic()
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    try:
        connection.request(
            "GET",
            "/sparql?query=" + urllib.parse.quote(query),
            headers={"Accept": "application/sparql-results+json"},
        )
        response = connection.getresponse()
        body = response.read()
        if response.status == 200:
            assert "苏州工业园区管理委员会" in body.decode()
        return response.status, response.getheader("Retry-After"), time.monotonic() - started
    finally:
        connection.close()


@pytest.mark.integration
def test_a_greedy_client_gets_429s_while_a_polite_one_from_elsewhere_is_served(paths):
    with serve(paths, "--workers", "1", "--threads", "4", "--client-queries", "1") as base:
        netloc = urllib.parse.urlsplit(base).netloc
        greedy: list[tuple[int, str | None, float]] = []
        polite: list[tuple[int, str | None, float]] = []
        stop = threading.Event()

        def flood():
            while not stop.is_set():
                greedy.append(ask(netloc, "127.0.0.1"))

        flooders = [threading.Thread(target=flood) for _ in range(3)]
        for t in flooders:
            t.start()
        time.sleep(0.5)
        for _ in range(12):
            polite.append(ask(netloc, "127.0.0.2"))
            time.sleep(0.25)
        stop.set()
        for t in flooders:
            t.join()

        refused = [g for g in greedy if g[0] == 429]
        assert refused and all(g[0] in (200, 429) for g in greedy)
        assert all(g[1] is not None and int(g[1]) >= 1 for g in refused)
        assert [p[0] for p in polite] == [200] * len(polite)
        latencies = sorted(p[2] for p in polite)
        assert latencies[len(latencies) // 2] < 0.5, latencies

        time.sleep(
            max(int(g[1]) for g in refused)
        )  # wait as told: the greedy client is served again
        assert ask(netloc, "127.0.0.1")[0] == 200
        SCREENSHOTS.parent.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS.parent / "throttle.json").write_text(
            json.dumps(
                {
                    "greedy_requests": len(greedy),
                    "greedy_served": len(greedy) - len(refused),
                    "greedy_429": len(refused),
                    "polite_requests": len(polite),
                    "polite_served": sum(p[0] == 200 for p in polite),
                    "polite_median_s": round(latencies[len(latencies) // 2], 3),
                    "polite_max_s": round(latencies[-1], 3),
                },
                indent=2,
            )
        )


@pytest.mark.integration
def test_a_polite_researcher_sending_300_small_queries_one_after_another_is_never_refused(paths):
    with serve(paths, "--workers", "1", "--threads", "4") as base:
        netloc = urllib.parse.urlsplit(base).netloc
        statuses = [ask(netloc, "127.0.0.3")[0] for _ in range(300)]
    assert statuses.count(429) == 0 and statuses == [200] * 300
