"""What each build changed: a build of the corpus, one after ingesting a document, one after
removing it again, all into a fresh home. The change records say which facts each brought or
took away, per document, with their quotes; a mirror that applies the patches to the first
build's quads holds each next build's graphs; /changes, its JSON twin, the Atom feed and
`sipkg diff` show the same."""

from __future__ import annotations

import gzip
import shutil
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import isomorphic

from sipkg.build.ingest import content_key, ingest, read_input, remove
from sipkg.build.stages import Paths, build
from sipkg.cli import main
from sipkg.namespaces import SOURCE_GRAPHS
from sipkg.store import builds, changes
from sipkg.web import create_app

NOTICE = Path(__file__).parent / "fixtures" / "ingest" / "lakeside-notice.txt"
TITLE = "湖西社工委召开年中工作推进会"


@pytest.fixture(scope="module")
def history(paths, tmp_path_factory):
    """Three builds: the corpus, + the lakeside notice, - the notice; each build's quads."""
    root = tmp_path_factory.mktemp("changes")
    data = root / "data"
    shutil.copytree(paths.data, data)
    home = Paths(data=data, home=root / "home")
    quads, versions = [], []
    for step in ("corpus", "ingest", "remove"):
        if step == "ingest":
            ingest(
                home,
                NOTICE,
                title=TITLE,
                published="2024-07-12",
                source="https://example.org/news/lakeside",
                language="zh",
            )
        if step == "remove":
            remove(home, content_key(read_input(NOTICE)[0]))
        report = build(home)
        versions.append(report.version)
        quads.append(changes.read_quads(builds.current(home.store).path))
    return home, versions, quads, content_key(read_input(NOTICE)[0])


def as_graphs(quads: list[ox.Quad]) -> dict[str, list[ox.Quad]]:
    out: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        out[q.graph_name.value].append(q)
    return out


def assert_same_graphs(mine: list[ox.Quad], theirs: list[ox.Quad]) -> None:
    """Equal as RDF datasets: the same named graphs, each isomorphic (ground graphs: equal sets)."""
    a, b = as_graphs(mine), as_graphs(theirs)
    assert sorted(a) == sorted(b)
    for name in a:
        blank = any(
            isinstance(t, ox.BlankNode) for q in a[name] + b[name] for t in (q.subject, q.object)
        )
        if not blank:
            assert set(a[name]) == set(b[name]), name
            continue
        ga, gb = (
            rdflib.Graph().parse(
                data=ox.serialize(
                    [ox.Triple(q.subject, q.predicate, q.object) for q in g],
                    format=ox.RdfFormat.N_TRIPLES,
                ).decode(),
                format="nt",
            )
            for g in (a[name], b[name])
        )
        assert isomorphic(ga, gb), name


def test_every_build_records_its_change_newest_first(history):
    home, versions, quads, _ = history
    records = changes.history(home.store)
    assert [r["version"] for r in records] == versions[::-1]
    assert [r["previous"] for r in records] == [versions[1], versions[0], None]
    first = records[-1]
    assert first["quads_added"] == len(quads[0]) and first["quads_removed"] == 0


def test_ingesting_a_document_adds_its_facts_with_their_quotes(history):
    home, versions, _, key = history
    record = changes.load(home.store, versions[1])
    docs = {d["document"]: d for d in record["documents"]}
    new = docs[key]
    assert new["status"] == "added" and new["title"] == TITLE
    assert new["facts_added"] and not new["facts_removed"]
    text = read_input(NOTICE)[0]
    for fact in new["facts_added"]:
        assert fact["evidence"], fact
        assert all(e["quote"] in text for e in fact["evidence"]), fact
    assert record["graphs"][f"{SOURCE_GRAPHS}{key}"]["removed"] == 0


def test_removing_it_takes_the_same_facts_away(history):
    home, versions, _, key = history
    added = {d["document"]: d for d in changes.load(home.store, versions[1])["documents"]}[key]
    removed = {d["document"]: d for d in changes.load(home.store, versions[2])["documents"]}[key]
    assert removed["status"] == "removed" and not removed["facts_added"]
    facts = lambda d, k: {(f["subject"], f["predicate"], str(f["object"])) for f in d[k]}
    assert facts(removed, "facts_removed") == facts(added, "facts_added")
    net = changes.between(home.store, versions[0], versions[2])
    assert key not in {d["document"] for d in net["documents"]}, (
        "added, then removed: no net change"
    )
    assert net["builds"] == 2


def test_a_mirror_applying_the_patches_holds_each_new_build(history):
    home, versions, quads, _ = history
    mirror = quads[0]
    for version, expected in zip(versions[1:], quads[1:]):
        mirror = changes.apply(mirror, *changes.patch(home.store, version))
        assert_same_graphs(mirror, expected)


def test_a_wrong_patch_is_caught_by_the_comparison(history):
    home, versions, quads, _ = history
    cleared, removed, added = changes.patch(home.store, versions[1])
    with pytest.raises(AssertionError):
        assert_same_graphs(changes.apply(quads[0], cleared, removed, added[1:]), quads[1])


def test_changes_page_json_twin_and_atom_feed(history):
    home, versions, _, key = history
    app = create_app({"STORE": home.store, "TESTING": True})
    try:
        client = app.test_client()
        html = client.get("/changes").get_data(as_text=True)
        assert TITLE in html and 'href="/changes.atom"' in html and "/changes.json" in html
        data = client.get("/changes.json").get_json()
        assert [b["version"] for b in data["builds"]] == versions[::-1]
        feed = ET.fromstring(client.get("/changes.atom").data)
        atom = "{http://www.w3.org/2005/Atom}"
        entries = feed.findall(f"{atom}entry")
        assert [e.find(f"{atom}id").text.rsplit("/", 1)[-1] for e in entries] == versions[::-1]
        assert TITLE in entries[1].find(f"{atom}summary").text
        patch = client.get(f"/changes/{versions[1]}/added.nq.gz")
        assert patch.status_code == 200 and key in gzip.decompress(patch.data).decode()
        assert client.get("/changes/000000000000.json").status_code == 404
    finally:
        app.extensions["sipkg"].close()


def test_sipkg_diff_prints_the_same(history):
    home, versions, _, key = history
    run = lambda *a: CliRunner().invoke(
        main, [*a, "--home", str(home.home), "--data", str(home.data)]
    )
    latest = run("diff")
    assert latest.exit_code == 0 and f"{versions[1]} -> {versions[2]}" in latest.output
    assert f"{key} (removed)" in latest.output
    one = run("diff", versions[1])
    assert f"{key} (added)" in one.output and "« " in one.output
    both = run("diff", versions[0], versions[2])
    assert both.exit_code == 0 and key not in both.output
    assert run("diff", "nope").exit_code != 0
