"""What a data consumer fetches first: the dataset's VoID + DCAT-AP description and its dumps.

`/.well-known/void` (alias `/void`) serves the description stored with the build in service, plus
the size and SHA-256 of each dump from the build's manifest (see sipkg/store/dumps.py): Turtle by
default, TriG, N-Triples, JSON-LD, RDF/XML by Accept or suffix, an HTML summary for browsers and
its JSON twin. `/download` lists the dumps of every build kept on disk; `/download/{version}/{file}`
serves only files a manifest lists, streamed from disk.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
    send_file,
)

from sipkg import jsonld, namespaces
from sipkg.namespaces import BASE, DCAT_NS, DCT_NS, VCARD_NS, VOID_NS
from sipkg.store import builds, dumps
from sipkg.store.query import StoreError
from sipkg.store.results import GRAPH_FORMATS
from sipkg.web.twin import PAGE_MEDIA, answer, json_suffix, negotiate

bp = Blueprint("downloads", __name__)

RDF_MEDIA = {
    "text/turtle": GRAPH_FORMATS["text/turtle"],
    "application/trig": ox.RdfFormat.TRIG,
    **{m: f for m, f in GRAPH_FORMATS.items() if m != "text/turtle"},
}  # Turtle first: the default
VOID_MEDIA = [*RDF_MEDIA, *PAGE_MEDIA]
SUFFIXES = {
    "ttl": "text/turtle",
    "trig": "application/trig",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "html": "text/html",
    "json": "application/json",
}
STORED = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{namespaces.VOID_GRAPH}> {{ ?s ?p ?o }} }}"
IMMUTABLE = "public, max-age=31536000, immutable"  # a versioned file never changes


def not_found(message: str) -> Response:
    return Response(f"404 Not Found: {message}\n", 404, mimetype="text/plain")


# ---------------------------------------------------------------- builds on disk


def kept_builds() -> list[dict]:
    """Builds on disk with a dump manifest, the one in service first: what /download lists."""
    root = Path(current_app.config["STORE"])
    try:
        in_service = builds.current(root).path.resolve()
    except StoreError:
        in_service = None
    listed = []
    for b in builds.builds(root):
        manifest = dumps.read_manifest(b.path)
        if manifest is None:
            continue
        files = [{**f, "url": f"/download/{b.version}/{f['name']}"} for f in manifest["files"]]
        listed.append(
            {
                "version": b.version,
                "built": b.built,
                "current": b.path == in_service,
                "path": b.path,
                "files": files,
            }
        )
    return listed


def build_of(version: str) -> dict | None:
    return next((b for b in kept_builds() if b["version"] == version), None)


# ---------------------------------------------------------------- the description


def description() -> list[ox.Triple]:
    """The served description of the dataset in service, made once per dataset version."""
    svc = current_app.extensions["sipkg"]

    def make() -> list[ox.Triple]:
        build = build_of(svc.version)
        return dumps.served(
            svc.graph(STORED), dumps.read_manifest(build["path"]) if build else None
        )

    return located(svc.per_version("void", make), request.host_url.rstrip("/"))


# where the description says the data can be fetched (the dataset's IRIs are names, these addresses)
LOCATIONS = {
    VOID_NS + "sparqlEndpoint",
    VOID_NS + "dataDump",
    DCAT_NS + "downloadURL",
    DCAT_NS + "accessURL",
    DCAT_NS + "endpointURL",
    DCAT_NS + "endpointDescription",
    DCAT_NS + "landingPage",
    VCARD_NS + "hasURL",
}


def located(triples: list[ox.Triple], host: str) -> list[ox.Triple]:
    """The description with its endpoint, dumps and pages at `host`, the server that answers.

    Served from somewhere other than the base IRI's host (a local instance, a mirror, a test
    deployment), the IRIs of the dataset stay what they are, and the addresses that would send a
    client to the base host move to where this server can actually be fetched from.
    """
    if host == BASE:
        return triples
    return [
        ox.Triple(t.subject, t.predicate, ox.NamedNode(host + t.object.value[len(BASE) :]))
        if t.predicate.value in LOCATIONS
        and isinstance(t.object, ox.NamedNode)
        and (t.object.value + "/").startswith(BASE + "/")
        else t
        for t in triples
    ]


@bp.route("/.well-known/void")
@bp.route("/void")
@bp.route("/void.<suffix>")
def void(suffix: str | None = None) -> Response:
    if suffix is not None and suffix not in SUFFIXES:
        abort(404)
    media = negotiate(VOID_MEDIA, SUFFIXES.get(suffix))
    triples = description()
    if not triples:
        return not_found(
            f"the store in service has no dataset description (graph <{namespaces.VOID_GRAPH}>); "
            "rebuild with `sipkg build`"
        )
    if media in RDF_MEDIA:
        fmt = RDF_MEDIA[media]
        data = (
            [
                ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(namespaces.VOID_GRAPH))
                for t in triples
            ]
            if fmt.supports_datasets and fmt != ox.RdfFormat.JSON_LD
            else triples  # JSON-LD in the default graph: a JSON-LD reader that takes triples gets them
        )
        response = Response(jsonld.serialize(data, fmt, dumps.DESCRIPTION_PREFIXES), mimetype=media)
        response.vary.add("Accept")
        response.headers["Access-Control-Allow-Origin"] = "*"
        return response
    data = summary(triples)
    alternates = [(m, f"/void.{ext}") for ext, m in SUFFIXES.items() if m in RDF_MEDIA]
    return answer(
        "downloads/void.html",
        data,
        media=media,
        json_url="/void.json",
        v=data,
        alternates=alternates,
        curie=curie,
    )


def curie(iri: str) -> str:
    """`sip:Programme` for an IRI in a known namespace, else the IRI."""
    for prefix, ns in sorted(dumps.DESCRIPTION_PREFIXES.items(), key=lambda x: -len(x[1])):
        if iri.startswith(ns) and "/" not in iri[len(ns) :]:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def local(url: str) -> str:
    """Our own IRIs as paths on this server (a local instance serves its own data)."""
    return url[len(BASE) :] if url.startswith(BASE + "/") else url


def summary(triples: list[ox.Triple]) -> dict:
    """The description as the HTML page and its JSON twin show it: figures, partitions, subsets, dumps."""
    about: dict = defaultdict(lambda: defaultdict(list))
    for t in triples:
        about[t.subject.value][t.predicate.value].append(t.object)

    def one(node: str, p: str, default=None):
        values = about[node][p]
        return values[0].value if values else default

    def number(node: str, p: str) -> int:
        return int(one(node, p, 0))

    def langs(node: str, p: str) -> dict[str, str]:
        return {(lit.language or "").split("-")[0]: lit.value for lit in about[node][p]}

    V, D = namespaces.VOID_NS, namespaces.DCAT_NS
    ds = dumps.DATASET
    subsets = [s.value for s in about[ds][V + "subset"]]
    linksets = [s for s in subsets if ox.NamedNode(V + "Linkset") in about[s][namespaces.RDF_TYPE]]
    distributions = []
    for dist in sorted(o.value for o in about[ds][D + "distribution"]):
        checksum = about[dist][namespaces.SPDX_NS + "checksum"]
        distributions.append(
            {
                "iri": dist,
                "title": langs(dist, DCT_NS + "title"),
                "download_url": one(dist, D + "downloadURL"),
                "href": local(one(dist, D + "downloadURL", "")),
                "media_type": one(dist, D + "mediaType", "").rsplit("media-types/", 1)[-1],
                "format": one(dist, DCT_NS + "format"),
                "bytes": int(one(dist, D + "byteSize", 0)) or None,
                "sha256": one(checksum[0].value, namespaces.SPDX_NS + "checksumValue")
                if checksum
                else None,
            }
        )
    period = one(ds, DCT_NS + "temporal")
    return {
        "dataset": ds,
        "title": langs(ds, DCT_NS + "title"),
        "description": langs(ds, DCT_NS + "description"),
        "version": one(ds, namespaces.OWL_NS + "versionInfo"),
        "modified": one(ds, DCT_NS + "modified"),
        "license": one(ds, DCT_NS + "license"),
        "temporal": {"start": one(period, D + "startDate"), "end": one(period, D + "endDate")}
        if period
        else None,
        "triples": number(ds, V + "triples"),
        "entities": number(ds, V + "entities"),
        "distinct_subjects": number(ds, V + "distinctSubjects"),
        "distinct_objects": number(ds, V + "distinctObjects"),
        "properties": number(ds, V + "properties"),
        "classes": number(ds, V + "classes"),
        "sparql_endpoint": one(ds, V + "sparqlEndpoint"),
        "uri_space": one(ds, V + "uriSpace"),
        "example_resources": sorted(o.value for o in about[ds][V + "exampleResource"]),
        "vocabularies": sorted(o.value for o in about[ds][V + "vocabulary"]),
        "class_partitions": sorted(
            (
                {"class": one(p.value, V + "class"), "entities": number(p.value, V + "entities")}
                for p in about[ds][V + "classPartition"]
            ),
            key=lambda x: (-x["entities"], x["class"]),
        ),
        "property_partitions": sorted(
            (
                {
                    "property": one(p.value, V + "property"),
                    "triples": number(p.value, V + "triples"),
                }
                for p in about[ds][V + "propertyPartition"]
            ),
            key=lambda x: (-x["triples"], x["property"]),
        ),
        "subsets": sorted(
            (
                {
                    "graph": s,
                    "triples": number(s, V + "triples"),
                    "title": langs(s, DCT_NS + "title"),
                    "source": one(s, DCT_NS + "source"),
                }
                for s in subsets
                if s not in linksets
            ),
            key=lambda x: x["graph"],
        ),
        "linksets": sorted(
            (
                {
                    "iri": s,
                    "predicate": one(s, V + "linkPredicate"),
                    "triples": number(s, V + "triples"),
                    "target": one(one(s, V + "objectsTarget"), V + "uriSpace"),
                    "target_title": one(one(s, V + "objectsTarget"), DCT_NS + "title"),
                }
                for s in linksets
            ),
            key=lambda x: x["iri"],
        ),
        "distributions": distributions,
    }


# ---------------------------------------------------------------- downloads


@bp.route("/download")
@bp.route("/download.json")
def downloads() -> Response:
    media = negotiate(PAGE_MEDIA, json_suffix())
    listed = kept_builds()
    data = {
        "builds": [{k: v for k, v in b.items() if k != "path"} for b in listed],
        "latest": {f.ext: f"/download/latest/{f.ext}" for f in dumps.DUMP_FORMATS}
        if listed
        else {},
    }
    formats = {f.ext: f for f in dumps.DUMP_FORMATS}
    return answer(
        "downloads/downloads.html",
        data,
        media=media,
        json_url="/download.json",
        builds=listed,
        formats=formats,
    )


@bp.route("/download/latest/<ext>")
def latest(ext: str) -> Response:
    """The current build's dump in a format: a temporary redirect, since "latest" moves with each build."""
    current = next((b for b in kept_builds() if b["current"]), None)
    if ext not in dumps.BY_EXT or current is None:
        return not_found(f"no current dump as {ext!r}; formats: {', '.join(dumps.BY_EXT)}")
    name = dumps.dump_name(current["version"], dumps.BY_EXT[ext])
    return redirect(f"/download/{current['version']}/{name}", 302)


@bp.route("/download/<version>/<path:name>")
def dump_file(version: str, name: str) -> Response:
    """A file a manifest lists, streamed; any other name (.., slashes, NUL, absolute paths) is 404."""
    build = build_of(version)
    entry = next((f for f in build["files"] if f["name"] == name), None) if build else None
    if entry is None or Path(entry["name"]).name != entry["name"]:
        return not_found(f"no dump {name!r} in build {version!r}; see /download")
    path = build["path"] / "dumps" / entry["name"]
    if not path.is_file():
        return not_found(f"the dump {name!r} of build {version!r} is listed but missing on disk")
    response = send_file(
        path,
        mimetype=entry["media_type"],
        as_attachment=True,
        download_name=entry["name"],
        etag=entry["sha256"],
        conditional=True,
        max_age=31536000,
    )
    response.headers["Cache-Control"] = IMMUTABLE
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.app_template_filter("filesize")
def filesize(n: int | None) -> str:
    """1762118 -> '1.7 MB': sizes people read at a glance (the exact bytes are in the JSON)."""
    if n is None:
        return "—"
    if n < 1024:
        return f"{n} B"
    size, unit = n / 1024, "KB"
    for bigger in ("MB", "GB"):
        if size < 1024:
            break
        size, unit = size / 1024, bigger
    return f"{size:.1f} {unit}"
