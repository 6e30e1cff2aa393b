"""Writes the committed seed corpus (tests/fuzz/corpus/): real requests for libFuzzer to start from.

    .venv/bin/python tests/fuzz/seeds.py

Seeds: every queries/*.rq (by GET, form and direct POST in turn), searches, IRI routes with
each suffix, pages with their parameters, explorer pickers, OpenRefine-shaped reconciliation
requests and a few tricky paths. Each file is named `{target}-{what}`.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fuzz.codec import CORPUS, encode
from fuzz.grammar import EXAMPLES, QUERIES
from fuzz.targets import Headers

KEEP = (0, 0, 0)
JSON_ACCEPT = Headers(accept=4)
SPARQL_JSON = Headers(accept=5)

SEARCHES = {
    "admin-committee": "管委会",
    "pinyin": "guanweihui",
    "english": "Administrative Committee",
    "traditional": "園區",
    "probe": "<fz-probe>",
    "empty": "",
}
LINKED = {  # name: (variant, path payload); variant % 10 picks the prefix, >> 7 the suffix
    "id-org": (9, "sip-administrative-committee"),
    "doc-org-json": (3 + (2 << 7), "sip-administrative-committee"),
    "doc-org-ttl": (3 + (3 << 7), "sip-administrative-committee"),
    "def-class": (8, "Organisation"),
    "sentence-nt": (7 + (5 << 7), "3"),
    "kind": (5, "programme"),
    "review": (6, "f193373a2751c50a"),
    "dotdot": (1 + (1 << 4), "../../etc/passwd"),
    "percent": (1 + (1 << 4), "org/%2e%2e%2f%00%ff"),
    "document-rdf": (4 + (6 << 7), "f193373a2751c50a"),
}
PAGES = {  # name: (index into targets.PAGES, query string)
    "entity-page": (16, "page=2&rel=x&lang=en"),
    "entity-page-zero": (16, "page=0"),
    "explore-depth": (2, "entity=%E7%AE%A1%E5%A7%94%E4%BC%9A&depth=3"),
    "home-lang": (0, "lang=en"),
    "search-long": (18, "q=" + "%E5%9B%AD" * 201),
    "statistics": (9, "lang=zh&lang=en"),
}
RECONCILE = {  # name: (index into targets.RECONCILE, payload)
    "manifest": (0, ""),
    "queries": (
        2,
        json.dumps(
            {
                "q0": {"query": "管委会", "type": "org", "limit": 3},
                "q1": {
                    "query": "Suzhou Industrial Park",
                    "properties": [{"pid": "rdfs:label", "v": "园区"}],
                },
            },
            ensure_ascii=False,
        ),
    ),
    "queries-get": (1, json.dumps({"q0": {"query": "社工委"}}, ensure_ascii=False)),
    "extend": (
        3,
        json.dumps(
            {
                "ids": ["https://data.sipac.gov.cn/id/org/sip-administrative-committee"],
                "properties": [{"id": "rdfs:label"}, {"id": "sip:modelledOn"}],
            }
        ),
    ),
    "suggest-entity": (6, "管委"),
    "suggest-type": (7, "org"),
    "suggest-property": (8, "label"),
    "preview": (9, "https://data.sipac.gov.cn/id/org/sip-administrative-committee"),
    "propose": (10, "https://data.sipac.gov.cn/def/sip#Organisation"),
    "callback": (5, "callback=jsonp"),
}


def seeds() -> dict[str, bytes]:
    out = {}
    for i, (path, text) in enumerate(zip(QUERIES, EXAMPLES)):
        target = ["sparql-get", "sparql-form", "sparql-direct"][i % 3]
        out[f"{target}-{path.stem}"] = encode(target, 0, SPARQL_JSON, KEEP, text.encode())
    out["sparql-get-service"] = encode(
        "sparql-get",
        0,
        SPARQL_JSON,
        KEEP,
        b"SELECT * { SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } }",
    )
    out["sparql-direct-latin1"] = encode(
        "sparql-direct", 0, Headers(charset=4), KEEP, 'ASK { ?s ?p "é" }'.encode("latin-1")
    )
    out["sparql-get-nested"] = encode(
        "sparql-get", 0, SPARQL_JSON, (6, 0, 3000), b"SELECT * WHERE { ?s ?p ?o }"
    )
    out["sparql-get-escape"] = encode(
        "sparql-get", 0, SPARQL_JSON, KEEP, b'SELECT * WHERE { ?s ?p "\\U0010FFFF" }'
    )
    out["sparql-form-update"] = encode("sparql-form", 2, Headers(), KEEP, b"CLEAR ALL")
    out["sparql-get-etag"] = encode("sparql-get", 0, Headers(accept=5, etag=7), KEEP, b"ASK {}")
    out["store-graph"] = encode(
        "store", 0, Headers(), KEEP, b"https://data.sipac.gov.cn/data/registry"
    )
    for name, text in SEARCHES.items():
        out[f"search-{name}"] = encode("search", 1, JSON_ACCEPT, KEEP, text.encode())
    for name, (variant, text) in LINKED.items():
        out[f"linked-data-{name}"] = encode("linked-data", variant, Headers(), KEEP, text.encode())
    for name, (variant, text) in PAGES.items():
        out[f"page-parameters-{name}"] = encode(
            "page-parameters", variant, Headers(), KEEP, text.encode()
        )
    out["explore-path"] = encode("explore", 1, JSON_ACCEPT, KEEP, "园区".encode())
    out["explore-entity"] = encode("explore", 0 + (2 << 3), Headers(), KEEP, "社工委".encode())
    out["download-latest"] = encode("download", 0, Headers(), KEEP, b"nq.gz")
    out["download-version"] = encode(
        "download", 1 + (1 << 2), Headers(), KEEP, b"2026-01-01/sipkg.ttl"
    )
    out["download-listing"] = encode("download", 3 << 2, JSON_ACCEPT, KEEP, b"lang=en")
    out["page-parameters-void"] = encode("page-parameters", 24, Headers(accept=9), KEEP, b"")
    for name, (variant, text) in RECONCILE.items():
        out[f"reconcile-{name}"] = encode("reconcile", variant, JSON_ACCEPT, KEEP, text.encode())
    return out


def main() -> None:
    CORPUS.mkdir(exist_ok=True)
    written = seeds()
    for old in CORPUS.iterdir():
        if old.name not in written:
            old.unlink()
    for name, data in written.items():
        (CORPUS / name).write_bytes(data)
    print(f"wrote {len(written)} seeds to {CORPUS}")


if __name__ == "__main__":
    main()
