"""The result cache: repeated queries answered from memory, never across dataset versions; and
values derived from the data, made once per version."""

from __future__ import annotations

import threading
import time

import pytest

from sipkg.store.cache import ENTRY_OVERHEAD, Key, PerVersion, ResultCache, cacheable
from sipkg.store.query import QuerySyntaxError
from sipkg.store.results import JSON, Answer
from sipkg.store.service import Service
from sipkg.web import create_app


def answer(body: bytes = b"{}", truncated: bool = False) -> Answer:
    return Answer("solutions", JSON, body, 1, truncated)


class CountingBackend:
    """A backend that counts the queries that reach it; its version can be changed like a new build."""

    def __init__(self):
        self.version = "v1"
        self.calls = 0
        self.fail = False

    def execute(
        self, query, *, default_graphs=(), named_graphs=(), media, limit, timeout, base_iri=None
    ):
        self.calls += 1
        if self.fail:
            raise QuerySyntaxError("broken")
        return answer(f"{self.version}:{query}:{limit}".encode(), truncated=limit < 10)

    def close(self):
        pass


@pytest.fixture()
def service():
    return Service(CountingBackend(), timeout=5, cache=ResultCache(1_000_000))


def run(service, query="SELECT * WHERE { ?s ?p ?o }", limit=100, **kw):
    return service.execute(query, media=JSON, limit=limit, **kw)


def test_second_identical_query_is_a_hit(service):
    first, second = run(service), run(service)
    assert second is first
    assert service.backend.calls == 1
    assert service.cache.stats()["hits"] == 1 and service.cache.stats()["misses"] == 1


@pytest.mark.parametrize(
    "change",
    [
        {"query": "ASK { ?s ?p ?o }"},
        {"limit": 5},
        {"default_graphs": ["http://example.org/g"]},
        {"named_graphs": ["http://example.org/g"]},
        {"base_iri": "http://example.org/"},
    ],
)
def test_anything_the_answer_depends_on_is_in_the_key(service, change):
    run(service)
    run(service, **change)
    assert service.backend.calls == 2


def test_new_dataset_version_is_never_answered_from_the_old_one(service):
    old = run(service)
    service.backend.version = "v2"
    new = run(service)
    assert new.body.startswith(b"v2:") and old.body.startswith(b"v1:")
    assert service.backend.calls == 2
    assert len(service.cache) == 1  # the old version's answers are dropped


def test_truncated_answer_is_cached_with_its_flag(service):
    first = run(service, limit=3)
    again = run(service, limit=3)
    assert first.truncated and again.truncated
    assert service.backend.calls == 1


def test_errors_are_not_cached(service):
    service.backend.fail = True
    for _ in range(2):
        with pytest.raises(QuerySyntaxError):
            run(service)
    assert service.backend.calls == 2 and len(service.cache) == 0


def test_byte_bound_evicts_least_recently_used():
    cache = ResultCache(4 * (1000 + len("q0") + ENTRY_OVERHEAD))  # room for exactly four entries
    keys = [Key("v1", f"q{i}", JSON, 10) for i in range(6)]
    for key in keys[:4]:
        cache.put(key, answer(b"x" * 1000))
    cache.get(keys[0])  # recently used: survives
    for key in keys[4:]:
        cache.put(key, answer(b"x" * 1000))
    assert cache.size <= cache.max_bytes
    assert cache.get(keys[0]) is not None
    assert cache.get(keys[1]) is None
    assert cache.evictions >= 1


def test_an_answer_too_big_for_its_share_is_not_kept():
    cache = ResultCache(10_000)
    cache.put(Key("v1", "q", JSON, 10), answer(b"x" * 5_000))
    assert len(cache) == 0


@pytest.mark.parametrize(
    "query, expected",
    [
        ("SELECT * WHERE { ?s ?p ?o }", True),
        ("SELECT (NOW() AS ?t) WHERE {}", False),
        ("SELECT (rand() AS ?r) WHERE {}", False),
        ("SELECT (STRUUID() AS ?u) WHERE {}", False),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", False),
    ],
)
def test_only_queries_the_store_alone_answers_are_cacheable(query, expected):
    assert cacheable(query) is expected


def test_endpoint_with_cache_answers_repeats_from_memory(paths):
    app = create_app(
        {"STORE": paths.store, "TESTING": True, "RESULT_CACHE_MB": 1, "RESULT_LIMIT": 2}
    )
    try:
        client = app.test_client()
        query = {"query": "SELECT ?s WHERE { ?s a ?c }"}
        first = client.get("/sparql", query_string=query, headers={"Accept": JSON})
        second = client.get("/sparql", query_string=query, headers={"Accept": JSON})
        assert first.status_code == second.status_code == 200
        assert second.data == first.data
        assert second.headers["X-Result-Truncated"] == "true"
        assert app.extensions["sipkg"].cache.stats()["hits"] >= 1
    finally:
        app.extensions["sipkg"].close()


def test_cache_is_off_unless_configured(app):
    assert app.extensions["sipkg"].cache is None


def test_a_refused_query_stays_refused_when_repeated(service):
    from sipkg.store.query import QueryRefused

    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):
        with pytest.raises(QueryRefused):
            run(service, query)
    assert service.backend.calls == 0


def test_a_derived_value_is_made_once_per_dataset_version(service):
    made = []

    def make():
        made.append(service.version)
        return object()

    first, again = service.per_version("x", make), service.per_version("x", make)
    service.backend.version = "v2"
    new = service.per_version("x", make)
    assert first is again and new is not first
    assert made == ["v1", "v2"]


def test_threads_asking_at_once_wait_for_one_maker():
    derived, made, values = PerVersion(), [], []

    def make():
        made.append(1)
        time.sleep(0.05)
        return object()

    threads = [
        threading.Thread(target=lambda: values.append(derived.get("x", "v1", make)))
        for _ in range(8)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(made) == 1 and len({id(v) for v in values}) == 1


def test_one_value_being_made_does_not_hold_up_another():
    derived, started, release = PerVersion(), threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(5)
        return "slow"

    maker = threading.Thread(target=lambda: derived.get("slow", "v1", slow))
    maker.start()
    started.wait(5)
    assert derived.get("quick", "v1", lambda: "quick") == "quick"
    release.set()
    maker.join()
    assert derived.get("slow", "v1", slow) == "slow"
