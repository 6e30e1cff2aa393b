"""Fuzzing: whatever a client sends, the answer is below 500 (or 503 with Retry-After), explains
itself, leaks no traceback and comes in time (the property in tests/fuzz/oracle.py).

Hypothesis drives the app through the test client with grammar-made and mutated SPARQL, odd
text and bytes, every target in tests/fuzz/targets.py and every header table; the examples are
derandomized so a run is reproducible. A bounded atheris run (tests/fuzz/fuzz_app.py) then
mutates the committed seed corpus; `make fuzz` runs it for longer.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from fuzz import grammar, oracle
from fuzz.codec import CORPUS, decode, encode, request
from fuzz.targets import BY_NAME, TARGETS, Probe, available, probe, send
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sipkg.store import sparqltext
from sipkg.store.query import QueryRefused
from sipkg.web import create_app

HARNESS = Path(__file__).parent / "fuzz" / "fuzz_app.py"
WARM_UP = [
    "/",
    "/explore",
    "/explore/path?from=a&to=b",
    "/timeline",
    "/statistics",
    "/practices",
    "/review",
    "/search?q=园区",
    "/sparql?query=ASK%7B%7D",
    "/doc/org/sip-administrative-committee",
]
FUZZ = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def fuzz_app(paths):
    app = create_app(oracle.app_config(paths.store))
    client = app.test_client()
    for (
        path
    ) in WARM_UP:  # caches built before the clock starts: the time bound is for answers, not set-up
        client.get(path)
    yield app
    app.extensions["sipkg"].close()


@pytest.fixture(scope="module")
def fuzz_client(fuzz_app):
    return fuzz_app.test_client()


def check(client, p: Probe) -> None:
    response, body, seconds = send(client, p)
    found = oracle.problems(p, response.status_code, response.headers, body, seconds)
    assert not found, oracle.report(p, response.status_code, body, found)


# ---------------------------------------------------------------- pure readers of SPARQL text


@settings(FUZZ, max_examples=500)
@given(text=st.one_of(grammar.queries(), grammar.mutated_examples(), grammar.ODD_TEXT))
def test_sparqltext_reads_any_text_without_crashing(text):
    """The endpoint reads every query's tokens before it runs: that reading must never raise, only refuse."""
    list(sparqltext.tokens(text))
    sparqltext.query_form(text)
    try:
        sparqltext.refuse_remote(text)
    except QueryRefused as e:
        assert str(e)


# ---------------------------------------------------------------- the endpoint

SPARQL_TARGETS = st.sampled_from(
    [BY_NAME["sparql-get"], BY_NAME["sparql-form"], BY_NAME["sparql-direct"]]
)


@settings(FUZZ, max_examples=600)
@given(
    target=SPARQL_TARGETS,
    variant=grammar.VARIANTS,
    headers=grammar.HEADERS,
    query=grammar.queries(),
)
def test_generated_queries_get_a_clear_answer(fuzz_client, target, variant, headers, query):
    check(fuzz_client, probe(target, variant, headers, query.encode("utf-8", "surrogatepass")))


@settings(FUZZ, max_examples=400)
@given(
    target=SPARQL_TARGETS,
    variant=grammar.VARIANTS,
    headers=grammar.HEADERS,
    query=grammar.mutated_examples(),
)
def test_mutated_example_queries_get_a_clear_answer(fuzz_client, target, variant, headers, query):
    check(fuzz_client, probe(target, variant, headers, grammar.to_bytes(query)))


# ---------------------------------------------------------------- every target


@settings(FUZZ, max_examples=1000)
@given(
    name=grammar.TARGET_NAMES,
    variant=grammar.VARIANTS,
    headers=grammar.HEADERS,
    payload=grammar.PAYLOADS,
)
def test_any_request_to_any_target_gets_a_clear_answer(
    fuzz_app, fuzz_client, name, variant, headers, payload
):
    if name not in available(fuzz_app):
        return  # a surface not built yet: its table entry waits for it
    check(fuzz_client, probe(BY_NAME[name], variant, headers, payload))


def test_every_target_is_in_the_app_or_known_to_be_coming(fuzz_app):
    """A renamed route would silently drop out of the fuzzing; only surfaces still being built may be missing."""
    assert {t.name for t in TARGETS} - available(fuzz_app) <= {"download", "reconcile"}


# ---------------------------------------------------------------- what fuzzing found, kept

JSON = (("Accept", "application/sparql-results+json"),)
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # every quad, cubed
REGRESSIONS = [  # (name, request, status it must get, words its message must contain)
    # atheris: a \U escape past U+10FFFF made sparqltext.decode_escapes raise (chr() out of range): 500
    (
        "escape-past-unicode",
        Probe("GET", "/sparql", "query=" + quote('SELECT * { ?s ?p "\\UFFFFFFFF" }'), headers=JSON),
        400,
        "syntax error",
    ),
    (
        "escape-of-a-surrogate",
        Probe(
            "POST",
            "/sparql",
            body=b'ASK { ?s ?p "\\ud800" }',
            headers=(("Content-Type", "application/sparql-query"), *JSON),
        ),
        400,
        "syntax error",
    ),
    # atheris: named-graph-uri / default-graph-uri that is not an IRI raised ValueError in the engine: 500
    (
        "named-graph-not-an-iri",
        Probe("GET", "/sparql", "query=ASK%7B%7D&named-graph-uri=not%20an%20iri", headers=JSON),
        400,
        "named-graph-uri",
    ),
    (
        "empty-default-graph",
        Probe(
            "POST",
            "/sparql",
            body=b"query=ASK%7B%7D&default-graph-uri=",
            headers=(("Content-Type", "application/x-www-form-urlencoded"),),
        ),
        400,
        "default-graph-uri",
    ),
    # atheris: a query past the time-out was a 503 without Retry-After (the pages' 503 had one)
    (
        "time-out-says-when-to-retry",
        Probe("GET", "/sparql", "query=" + quote(RUNAWAY), headers=JSON),
        503,
        "time-out",
    ),
]


@pytest.mark.parametrize("name, p, status, words", REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_fuzz_finding_stays_fixed(fuzz_client, name, p, status, words):
    response, body, seconds = send(fuzz_client, p)
    assert (response.status_code, words in body.decode()) == (status, True), body[:300]
    assert not oracle.problems(p, response.status_code, response.headers, body, seconds)


@pytest.mark.parametrize(
    "text, decoded",
    [
        ("\\u0041\\U0001F600", "A\U0001f600"),
        ("\\UFFFFFFFF", "\\UFFFFFFFF"),
        ("\\U00110000", "\\U00110000"),
        ("\\ud800", "\\ud800"),
        ("\\U0010FFFF", "\U0010ffff"),
    ],
)
def test_escapes_that_name_no_character_stay_as_written(text, decoded):
    assert sparqltext.decode_escapes(text) == decoded


# ---------------------------------------------------------------- atheris


def test_seed_corpus_decodes_to_the_requests_it_was_written_for():
    """Each committed seed is a request to its target: the harness reads back what encode() wrote."""
    seeds = sorted(CORPUS.iterdir())
    assert len(seeds) >= 40
    named = {s.name.split("-")[0] for s in seeds}
    assert {"sparql", "search", "linked", "reconcile"} <= named
    for seed in seeds:
        data = seed.read_bytes()
        assert encode(*decode(data)) == data, seed.name


@pytest.mark.integration
def test_bounded_atheris_run_finds_nothing(paths, tmp_path):
    """libFuzzer-style mutation of the seed corpus for a bounded number of runs; a finding fails with its reproducer."""
    runs = int(os.environ.get("FUZZ_RUNS", "3000"))  # about 30 s here
    work = tmp_path / "corpus"
    work.mkdir()
    env = {**os.environ, "SIPKG_FUZZ_STORE": str(paths.store)}
    done = subprocess.run(
        [
            sys.executable,
            str(HARNESS),
            str(work),
            str(CORPUS),
            f"-runs={runs}",
            "-max_total_time=120",
            f"-dict={HARNESS.parent / 'sparql.dict'}",
            f"-artifact_prefix={tmp_path}/",
            "-print_final_stats=1",
            "-timeout=30",
            "-rss_limit_mb=4096",
        ],
        check=False,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    findings = sorted(tmp_path.glob("crash-*")) + sorted(tmp_path.glob("timeout-*"))
    detail = "\n".join(f"{f.name}:\n{request(f.read_bytes())[1].reproducer()}" for f in findings)
    assert done.returncode == 0 and not findings, f"{done.stderr[-6000:]}\n{detail}"
    assert "stat::number_of_executed_units" in done.stderr
