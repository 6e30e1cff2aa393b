"""/.well-known/void and /download: the description by negotiation, the dumps listed and served safely."""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
import pytest
import rdflib

from sipkg import namespaces
from sipkg.store import builds, dumps
from sipkg.web import create_app

DATASET = rdflib.URIRef(dumps.DATASET)
SPDX = rdflib.Namespace(namespaces.SPDX_NS)
DCAT = rdflib.Namespace(namespaces.DCAT_NS)
VOID = rdflib.Namespace(namespaces.VOID_NS)
PROV = rdflib.PROV
DCTERMS = rdflib.DCTERMS


@pytest.fixture(scope="module")
def manifest(paths) -> dict:
    return dumps.read_manifest(builds.current(paths.store).path)


def file_of(manifest: dict, ext: str) -> dict:
    return next(f for f in manifest["files"] if f["format"] == ext)


# ---------------------------------------------------------------- /.well-known/void


def test_well_known_void_is_turtle_by_default_with_sizes_and_checksums(client, manifest):
    r = client.get("/.well-known/void", base_url=namespaces.BASE)
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=r.data, format="turtle")
    assert (DATASET, VOID.triples, None) in g
    for f in manifest["files"]:
        dist = g.value(
            predicate=DCAT.downloadURL,
            object=rdflib.URIRef(dumps.download_url(manifest["version"], f["name"])),
        )
        assert int(g.value(dist, DCAT.byteSize)) == f["bytes"]
        assert str(g.value(g.value(dist, SPDX.checksum), SPDX.checksumValue)) == f["sha256"]


def test_void_names_the_endpoint_and_dumps_where_this_server_answers(client, manifest):
    """Run somewhere other than the base IRI's host, the addresses are this server's; IRIs stay."""

    def described(base_url: str) -> rdflib.Graph:
        return rdflib.Graph().parse(
            data=client.get("/void.nt", base_url=base_url).data, format="nt"
        )

    here = "http://127.0.0.1:8123"
    local, public = described(here), described(namespaces.BASE)
    assert local.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(here + "/sparql")
    assert public.value(DATASET, VOID.sparqlEndpoint) == rdflib.URIRef(namespaces.BASE + "/sparql")
    dumps_here = {str(o) for o in local.objects(DATASET, VOID.dataDump)}
    assert len(dumps_here) == len(manifest["files"]) and all(
        d.startswith(here + "/download/") for d in dumps_here
    )
    assert all(str(o).startswith(here) for o in local.objects(None, DCAT.downloadURL))
    (service,) = local.subjects(DCAT.endpointURL, rdflib.URIRef(here + "/sparql"))
    assert str(service).startswith(namespaces.BASE)  # the service's name is the dataset's
    assert len(local) == len(public)  # nothing added or lost, only moved
    path = next(iter(dumps_here))[len(here) :]
    assert client.get(path).status_code == 200  # and the address answers


def test_void_says_whose_text_each_source_graph_quotes(client):
    g = rdflib.Graph().parse(data=client.get("/void.nt").data, format="nt")
    documents = set(g.objects(None, PROV.wasDerivedFrom))
    assert len(documents) == 18
    published = {d for d in documents if g.value(d, DCTERMS.publisher)}
    addressed = {d for d in documents if g.value(d, DCTERMS.source)}
    # all but the two seed documents, which came without their address (one names no publisher)
    assert len(addressed) == 16 and len(published) == 17
    for d in addressed:
        assert str(g.value(d, DCTERMS.source)).startswith("http")
    graphs = set(g.subjects(PROV.wasDerivedFrom, None))
    assert all(g.value(graph, DCTERMS.rights) for graph in graphs)


@pytest.mark.parametrize(
    "media, fmt",
    [
        ("text/turtle", ox.RdfFormat.TURTLE),
        ("application/trig", ox.RdfFormat.TRIG),
        ("application/n-triples", ox.RdfFormat.N_TRIPLES),
        ("application/ld+json", ox.RdfFormat.JSON_LD),
        ("application/rdf+xml", ox.RdfFormat.RDF_XML),
    ],
)
def test_the_description_parses_in_every_format_by_accept_and_by_suffix(client, media, fmt):
    by_accept = client.get("/.well-known/void", headers={"Accept": media})
    by_suffix = client.get(f"/void.{fmt.file_extension}")
    for r in (by_accept, by_suffix):
        assert r.status_code == 200 and r.mimetype == media
        parsed = list(ox.parse(r.data, format=fmt))
        assert any(
            t.subject == ox.NamedNode(dumps.DATASET)
            and t.predicate.value == namespaces.VOID_NS + "triples"
            for t in parsed
        )
        assert any(t.predicate.value == namespaces.DCAT_NS + "byteSize" for t in parsed)


def test_the_html_view_is_chinese_first_and_bilingual(client, manifest):
    zh = client.get("/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "数据集描述" in zh and "链接集" in zh and file_of(manifest, "ttl")["sha256"] in zh
    assert '<link rel="alternate" type="text/turtle" href="/void.ttl">' in zh
    en = client.get("/void?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "Dataset description" in en and "Linksets" in en and "sip:Programme" in en


def test_the_json_twin_gives_the_figures_the_rdf_gives(client):
    data = client.get("/void.json").get_json()
    g = rdflib.Graph().parse(data=client.get("/void.ttl").data, format="turtle")
    assert data["triples"] == int(g.value(DATASET, VOID.triples))
    assert data["entities"] == int(g.value(DATASET, VOID.entities))
    assert data["classes"] == len(data["class_partitions"]) == int(g.value(DATASET, VOID.classes))
    assert len(data["subsets"]) >= 2 and all(s["triples"] > 0 for s in data["subsets"])
    assert {d["media_type"] for d in data["distributions"]} == {
        "application/trig",
        "application/n-quads",
        "text/turtle",
        "application/ld+json",
    }
    assert data["sparql_endpoint"].endswith("/sparql")


def test_void_jsonld_puts_the_description_in_the_default_graph(client):
    g = rdflib.Graph().parse(data=client.get("/void.jsonld").data, format="json-ld")
    assert len(g) > 100 and (DATASET, VOID.triples, None) in g
    trig = rdflib.Dataset().parse(data=client.get("/void.trig").data, format="trig")
    assert (DATASET, VOID.triples, None) in trig.graph(rdflib.URIRef(namespaces.VOID_GRAPH))


def test_an_unknown_void_suffix_is_404(client):
    assert client.get("/void.exe").status_code == 404


def test_rdflib_reads_the_description_from_a_live_server(live_server):
    g = rdflib.Graph().parse(live_server + "/.well-known/void")
    assert int(g.value(DATASET, VOID.triples)) > 10_000
    assert len(list(g.objects(DATASET, DCAT.distribution))) == 4
    assert all(g.value(d, DCAT.byteSize) is not None for d in g.objects(DATASET, DCAT.distribution))


# ---------------------------------------------------------------- /download


def test_the_download_page_lists_the_current_build_first_and_marked(client, manifest):
    data = client.get("/download.json").get_json()
    current = data["builds"][0]
    assert current["current"] and current["version"] == manifest["version"]
    assert [f["name"] for f in current["files"]] == [f["name"] for f in manifest["files"]]
    assert all(f["url"] == f"/download/{manifest['version']}/{f['name']}" for f in current["files"])
    html = client.get("/download", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert (
        "当前" in html
        and file_of(manifest, "nq")["sha256"] in html
        and '<a href="/download" aria-current="page">下载</a>' in html
    )
    assert '<link rel="alternate" type="application/json" href="/download.json">' in html


@pytest.mark.parametrize("ext", ["trig", "nq", "ttl", "jsonld"])
def test_a_dump_is_served_whole_with_its_type_length_etag_and_name(client, manifest, ext):
    f = file_of(manifest, ext)
    r = client.get(f"/download/{manifest['version']}/{f['name']}")
    body = r.get_data()
    r.close()  # a file response holds its file until closed, as a WSGI server closes it
    assert r.status_code == 200 and r.mimetype == f["media_type"]
    assert int(r.headers["Content-Length"]) == f["bytes"] == len(body)
    assert hashlib.sha256(body).hexdigest() == f["sha256"]
    assert r.headers["ETag"] == f'"{f["sha256"]}"'
    assert r.headers["Content-Disposition"] == f"attachment; filename={f['name']}"
    again = client.get(
        f"/download/{manifest['version']}/{f['name']}", headers={"If-None-Match": r.headers["ETag"]}
    )
    again.close()
    assert again.status_code == 304


def test_latest_redirects_to_the_current_versions_file(client, manifest):
    r = client.get("/download/latest/ttl")
    assert r.status_code == 302
    assert (
        r.headers["Location"]
        == f"/download/{manifest['version']}/{file_of(manifest, 'ttl')['name']}"
    )
    assert client.get("/download/latest/exe").status_code == 404


@pytest.mark.parametrize(
    "name",
    [
        "../build.json",
        "..%2Fbuild.json",
        "%2e%2e%2fbuild.json",
        "..%2F..%2F..%2Fetc%2Fpasswd",
        "/etc/passwd",
        "%2Fetc%2Fpasswd",
        "manifest.json",
        "sipkg.nq",
        "sipkg-x.nq%00.ttl",
        "%00",
        "..",
        "oxigraph/CURRENT",
        "..%5c..%5cbuild.json",
    ],
)
def test_only_files_a_manifest_lists_are_served(client, manifest, name):
    r = client.get(f"/download/{manifest['version']}/{name}", follow_redirects=True)
    assert r.status_code == 404
    assert client.get(f"/download/../{name}", follow_redirects=True).status_code == 404


def test_an_unknown_version_is_404(client, manifest):
    assert (
        client.get(f"/download/000000000000/{file_of(manifest, 'nq')['name']}").status_code == 404
    )


# ---------------------------------------------------------------- builds on disk, remote backend


def fake_build(root, name: str, built: str, files: list[dict]) -> None:
    folder = root / "builds" / name
    (folder / "dumps").mkdir(parents=True)
    (folder / "build.json").write_text(
        json.dumps({"version": name, "built": built, "quads": 1}), encoding="utf-8"
    )
    (folder / builds.PUBLISHED).write_text("x", encoding="utf-8")
    (folder / "dumps" / dumps.MANIFEST).write_text(
        json.dumps({"version": name, "files": files}), encoding="utf-8"
    )


def remote_app(root):
    return create_app({"STORE": root, "ENDPOINT": "http://127.0.0.1:9/sparql", "TESTING": True})


def test_with_a_remote_store_and_no_local_builds_the_page_says_there_are_none(tmp_path):
    app = remote_app(tmp_path / "store")
    html = (
        app.test_client()
        .get("/download?lang=en", headers={"Accept": "text/html"})
        .get_data(as_text=True)
    )
    assert "no builds with dumps" in html
    assert app.test_client().get("/download.json").get_json() == {"builds": [], "latest": {}}


def test_the_page_escapes_what_manifests_and_builds_say(tmp_path):
    root = tmp_path / "store"
    evil = "<script>alert(1)</script>"
    fake_build(
        root,
        "abc",
        f"2026-01-01{evil}",
        [
            {
                "name": f"x{evil}.ttl",
                "format": "ttl",
                "bytes": 3,
                "media_type": "text/turtle",
                "triples": 1,
                "sha256": evil,
            }
        ],
    )
    app = remote_app(root)
    html = (
        app.test_client().get("/download", headers={"Accept": "text/html"}).get_data(as_text=True)
    )
    assert evil not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    # listed, but a name that is not a plain file name is never opened
    assert app.test_client().get(f"/download/abc/x{evil}.ttl").status_code == 404
