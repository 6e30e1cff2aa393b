"""The W3C SPARQL 1.1 Protocol test suite, read from its manifest and run against a real server.

The server runs in the local writable mode (a store of its own, a bearer token), so the
update tests can run; each test's graph data is put in place through the Graph Store
Protocol first. Requests are sent exactly as the manifest writes them, with the token
added to every request (the suite assumes an endpoint that may be written to).
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pytest
from livesite import serve
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.collection import Collection

from sipkg.paths import PROJECT

SUITE = PROJECT.parent / "shared" / "w3c" / "sparql11-protocol"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
HTS = Namespace("http://www.w3.org/2011/http-statusCodes#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
TOKEN = "conformance-token"
# Tests this endpoint does not pass, each with its reason (README: "Protocol conformance").
EXCEPTIONS: dict[str, str] = {}


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[str]
    boolean: bool | None
    format: str | None


@dataclass
class Case:
    name: str
    label: str
    data: dict[str, Path] = field(default_factory=dict)  # graph name -> file
    requests: list[Request] = field(default_factory=list)


def load_suite() -> list[Case]:
    manifest = Graph().parse(
        SUITE / "manifest.ttl", format="turtle", publicID=(SUITE / "manifest.ttl").as_uri()
    )
    root = manifest.value(predicate=RDF.type, object=MF.Manifest)
    cases = []
    for test in Collection(manifest, manifest.value(root, MF.entries)):
        case = Case(str(test).rsplit("#", 1)[-1], str(manifest.value(test, MF.name)))
        for data in manifest.objects(test, UT.graphData):
            case.data[str(manifest.value(data, RDFS_LABEL))] = Path(
                urllib.parse.urlparse(str(manifest.value(data, UT.graph))).path
            )
        connection = manifest.value(test, MF.action)
        for node in Collection(manifest, manifest.value(connection, HT.requests)):
            headers = {
                str(manifest.value(h, HT.fieldName)): str(manifest.value(h, HT.fieldValue))
                for h in Collection(manifest, manifest.value(node, HT.headers) or URIRef(RDF.nil))
            }
            body_node = manifest.value(node, HT.body)
            body = None
            if body_node is not None:
                encoding = str(manifest.value(body_node, CNT.characterEncoding) or "UTF-8")
                body = str(manifest.value(body_node, CNT.chars)).encode(encoding)
            response = manifest.value(node, HT.resp)
            expected_boolean = manifest.value(response, MF.expectedBoolean)
            expected_format = manifest.value(response, MF.expectedFormat)
            case.requests.append(
                Request(
                    method=str(manifest.value(node, HT.methodName)),
                    path=str(manifest.value(node, HT.absolutePath)).replace(
                        "/sparql/", "/sparql", 1
                    ),
                    headers=headers,
                    body=body,
                    statuses={
                        str(s).rsplit("#", 1)[-1]
                        for s in manifest.objects(response, MF.expectedStatus)
                    },
                    boolean=None if expected_boolean is None else expected_boolean.toPython(),
                    format=None if expected_format is None else str(expected_format),
                )
            )
        cases.append(case)
    return cases


CASES = load_suite()


def test_the_suite_is_read_whole():
    assert len(CASES) == 34
    assert sum(len(c.requests) for c in CASES) == 39


@pytest.fixture(scope="module")
def endpoint(paths, tmp_path_factory):
    with serve(
        paths, "--writable", str(tmp_path_factory.mktemp("writable")), "--token", TOKEN
    ) as base:
        yield urllib.parse.urlparse(base).netloc


def send(netloc: str, method: str, path: str, headers: dict[str, str], body: bytes | None):
    connection = http.client.HTTPConnection(netloc, timeout=30)
    try:
        connection.request(
            method, path, body=body, headers={**headers, "Authorization": f"Bearer {TOKEN}"}
        )
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def put_graph_data(netloc: str, data: dict[str, Path]) -> None:
    status, _, body = send(
        netloc, "POST", "/sparql", {"Content-Type": "application/sparql-update"}, b"DROP ALL"
    )
    assert status == 200, body
    for name, file in data.items():
        status, _, body = send(
            netloc,
            "PUT",
            "/store?graph=" + urllib.parse.quote(name, safe=""),
            {"Content-Type": "application/n-triples"},
            (SUITE / file.name).read_bytes(),
        )
        assert status in (201, 204), body


def status_class(status: int) -> str:
    return f"StatusCode{status // 100}xx"


def check_body(request: Request, media: str, body: bytes) -> None:
    media = media.split(";")[0].strip()
    if request.format == "boolean" or request.boolean is not None:
        if "json" in media:
            value = json.loads(body)["boolean"]
        else:
            value = (
                ElementTree.fromstring(body)
                .find("{http://www.w3.org/2005/sparql-results#}boolean")
                .text
                == "true"
            )
        assert request.boolean is None or value == request.boolean
    elif request.format == "tabular":
        assert media in (
            "application/sparql-results+json",
            "application/sparql-results+xml",
            "text/csv",
            "text/tab-separated-values",
        )
    elif request.format == "RDF":
        formats = {
            "text/turtle": "turtle",
            "application/n-triples": "nt",
            "application/rdf+xml": "xml",
        }
        assert media in formats, media
        Graph().parse(data=body, format=formats[media])


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_protocol(endpoint, case):
    if case.name in EXCEPTIONS:
        pytest.xfail(EXCEPTIONS[case.name])
    put_graph_data(endpoint, case.data)
    for request in case.requests:
        status, media, body = send(
            endpoint, request.method, request.path, request.headers, request.body
        )
        assert status_class(status) in request.statuses, (status, body[:300])
        if status < 300:
            check_body(request, media, body)
