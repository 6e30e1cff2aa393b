"""The benchmark code cannot rot: the generator's shape, the workload's skew, one short run against two servers."""

from __future__ import annotations

import json
from collections import Counter

import pyoxigraph as ox
import pytest

from bench import generate, peers, report, run, workload
from bench.client import hammer
from sipkg.namespaces import BASE, sparql_prologue
from sipkg.store import builds


@pytest.fixture(scope="module")
def seed_dump(paths):
    return builds.current(paths.store).path / "dumps" / "sipkg.nq"


def count(handle, where: str) -> int:
    rows = list(handle.query(sparql_prologue() + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"))
    return int(rows[0]["n"].value)


def test_generated_graph_has_the_size_asked_and_our_shape(seed_dump, tmp_path):
    shared, park = generate.read_seed(seed_dump)
    size = len(shared) + 2 * len(park) + 500  # two whole parks and part of a third
    written = generate.write(seed_dump, size, tmp_path / "g.nq")
    assert abs(written - size) < 200
    real, big = ox.Store(), ox.Store()
    real.bulk_load(path=str(seed_dump), format=ox.RdfFormat.N_QUADS)
    big.bulk_load(path=str(tmp_path / "g.nq"), format=ox.RdfFormat.N_QUADS)
    assert len(big) == written  # no copy collapses into another: every park mints its own IRIs
    for shape in (
        "?s a sip:FactStatement",
        "?e a sip:Evidence",
        "?o a qb:Observation",
        "?s oa:hasSelector ?sel",
        f'?s skos:altLabel ?a FILTER(STRSTARTS(STR(?s), "{BASE}/id/"))',
        f"GRAPH <{BASE}/graph/inferred> {{ ?s ?p ?o }}",
    ):
        assert 2 * count(real, shape) <= count(big, shape) <= 3 * count(real, shape), shape
    assert (
        count(big, f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{BASE}/graph/source/"))')
        > 0
    )

    def sources(handle) -> set[str]:
        return {
            g.value for g in handle.named_graphs() if g.value.startswith(f"{BASE}/graph/source/")
        }

    assert len(sources(big)) >= 2 * len(
        sources(real)
    )  # each park's documents have their own graphs
    park_one = [
        q
        for q in big.quads_for_pattern(
            ox.NamedNode(f"{BASE}/id/org/sip-administrative-committee-p1"),
            ox.NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"),
            None,
        )
    ]
    assert park_one and all("1" in q.object.value for q in park_one)  # labels name their park


def test_zipf_draws_favour_popular_entities():
    params = {
        t.name: [f"http://example.org/{t.name}/{i}" for i in range(200)] for t in workload.TEMPLATES
    }

    def top_share(skewed: bool) -> float:
        draw = workload.Draw(params, skewed=skewed, seed=3)
        hits = Counter(draw.next().text.count("/0>") > 0 for _ in range(2000))
        return hits[True] / 2000

    assert top_share(True) > 5 * top_share(False)
    first = [workload.Draw(params, skewed=True, seed=9).next().text for _ in range(3)]
    assert len(set(first)) == 1  # seeded: the same stream for every system


@pytest.mark.integration
def test_short_run_against_ours_and_the_oxigraph_server(seed_dump, tmp_path):
    nq = tmp_path / "graph.nq"
    shared, park = generate.read_seed(seed_dump)
    generate.write(
        seed_dump, len(shared) + len(park), nq
    )  # one whole park: every template has parameters
    home, logs = tmp_path / "home", tmp_path / "logs"
    load = peers.make_home(nq, home, "bench-test")
    params = workload.parameters(builds.current(home / "store").path / "oxigraph")
    assert all(params[t.name] for t in workload.TEMPLATES)
    with peers.Fleet() as fleet:
        servers = {
            "ours": fleet.add(
                peers.ours("ours", home, logs, load, "--cache", "0", "--workers", "1")
            ),
            "oxigraph": fleet.add(peers.oxigraph(nq, tmp_path / "oxigraph", logs)),
        }
        queries = workload.competency()[:3] + run.template_sample(params, per_template=1)
        latency = run.latency(servers, queries, reps=1)
        assert latency["failures"] == {"ours": {}, "oxigraph": {}}
        urls = {"entity": workload.page_urls(params)["entity"]}
        pages = run.pages(servers, urls, workload.page_queries(home, urls), reps=1)
        assert pages["seconds"]["ours"]["entity"] and pages["seconds"]["oxigraph"]["entity"]
        loads = {
            name: hammer(s.sparql, lambda i: workload.Draw(params, skewed=True, seed=i), 4, 1.0)
            for name, s in servers.items()
        }
    assert all(
        p.poll() is not None for s in servers.values() for p in s.procs
    )  # stopped at the end
    assert all(t["ok"] > 0 and t["errors"] == 0 for t in loads.values())
    raw = {
        "build_seconds": 12.0,
        "machine": run.machine(),
        "sizes": {
            "10000": {
                "quads": 10_000,
                "latency": latency,
                "pages": pages,
                "throughput": {"zipf": {"4": loads}},
            }
        },
    }
    written = report.write(raw, tmp_path / "results")
    text = written.read_text(encoding="utf-8")
    assert "vs Oxigraph: geometric-mean latency ≤ 1.2×" in text and "| 10^4 ours/oxigraph |" in text
    assert "the real graph built from the sources in under 30 s | build: 12.0 s | met" in text
    assert (tmp_path / "results" / "latency.png").stat().st_size > 1000
    rows = (tmp_path / "results" / "latency.csv").read_text().splitlines()
    assert rows[0].startswith("size,quads,system") and len(rows) > len(queries)
    json.dumps(raw)  # what run.py writes to raw.json
