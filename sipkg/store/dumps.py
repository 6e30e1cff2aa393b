"""What a build publishes besides its store: the dump files, their manifest, and the description served.

A dump cannot contain its own size and hash, so the description stored with the build has everything
but the distributions' `dcat:byteSize` and `spdx:checksum`; the description served at
/.well-known/void is the stored one plus those two, read from the build's `dumps/manifest.json`
(`served()`). The description itself is written at build time (`sipkg.build.describe`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from sipkg.namespaces import BASE, DCAT_NS, DCT_NS, PREFIXES, RDF_TYPE, SPDX_NS, VCARD_NS, XSD_NS

URI_SPACE = f"{BASE}/id/"
DESCRIPTION = f"{BASE}/void"  # the document; the things it describes are fragments of it
DATASET, CATALOG, SERVICE = (
    f"{DESCRIPTION}#dataset",
    f"{DESCRIPTION}#catalog",
    f"{DESCRIPTION}#sparql",
)
PUBLISHER, CONTACT, PERIOD = (
    f"{DESCRIPTION}#publisher",
    f"{DESCRIPTION}#contact",
    f"{DESCRIPTION}#period",
)
ENDPOINT = f"{BASE}/sparql"
DOWNLOADS = f"{BASE}/download"
MANIFEST = "manifest.json"
DESCRIPTION_PREFIXES = {
    **PREFIXES,
    "spdx": str(SPDX_NS),
    "vcard": str(VCARD_NS),
    "dcat": str(DCAT_NS),
}


@dataclass(frozen=True)
class DumpFormat:
    """A dump file kind: its extension, serialiser, and the IRIs DCAT-AP and VoID name it by."""

    ext: str
    rdf: ox.RdfFormat
    zh: str
    en: str
    file_type: str  # EU file-type authority code
    feature: str  # W3C format IRI, for void:feature

    @property
    def media_type(self) -> str:
        return self.rdf.media_type

    @property
    def merged(self) -> bool:
        """Whether the file holds the merged default graph (its statements are triples, not quads)."""
        return not self.rdf.supports_datasets


DUMP_FORMATS = (
    DumpFormat(
        "trig", ox.RdfFormat.TRIG, "TriG,全部命名图", "TriG, all named graphs", "RDF_TRIG", "TriG"
    ),
    DumpFormat(
        "nq",
        ox.RdfFormat.N_QUADS,
        "N-Quads,全部命名图",
        "N-Quads, all named graphs",
        "RDF_N_QUADS",
        "N-Quads",
    ),
    DumpFormat(
        "ttl",
        ox.RdfFormat.TURTLE,
        "Turtle,合并的默认图",
        "Turtle, the merged default graph",
        "RDF_TURTLE",
        "Turtle",
    ),
    DumpFormat(
        "jsonld",
        ox.RdfFormat.JSON_LD,
        "JSON-LD,全部命名图",
        "JSON-LD, all named graphs",
        "JSON_LD",
        "JSON-LD",
    ),
)

BY_EXT = {f.ext: f for f in DUMP_FORMATS}


def dump_name(version: str, fmt: DumpFormat) -> str:
    return f"sipkg-{version}.{fmt.ext}"


def download_url(version: str, name: str) -> str:
    return f"{DOWNLOADS}/{version}/{name}"


def distribution_iri(fmt: DumpFormat) -> str:
    return f"{DESCRIPTION}#dump-{fmt.ext}"


def as_stored(nquads: bytes) -> list[ox.Quad]:
    """The quads as the store will hold them: Oxigraph keeps literals in canonical form ("1.0" and "1.00"
    are one xsd:decimal), so counting them after a round trip through a store gives the store's numbers."""
    store = ox.Store()
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    return list(store)


def write_dumps(folder: Path, quads: list[ox.Quad], version: str) -> dict:
    """Write every dump format and `manifest.json` (name, media type, bytes, statements, SHA-256 per file).

    Files are named by version (`sipkg-{version}.trig`); `sipkg.trig` etc. link to them inside the build.
    """
    folder.mkdir(parents=True, exist_ok=True)
    store = ox.Store()
    store.bulk_extend(quads)
    merged = list(dict.fromkeys(ox.Triple(q.subject, q.predicate, q.object) for q in quads))
    files = []
    for fmt in DUMP_FORMATS:
        name = dump_name(version, fmt)
        if fmt.merged:
            ox.serialize(merged, str(folder / name), fmt.rdf, prefixes=DESCRIPTION_PREFIXES)
        else:
            store.dump(str(folder / name), fmt.rdf, prefixes=DESCRIPTION_PREFIXES)
        files.append(
            {
                "name": name,
                "format": fmt.ext,
                "media_type": fmt.media_type,
                "bytes": (folder / name).stat().st_size,
                "triples" if fmt.merged else "quads": len(merged) if fmt.merged else len(store),
                "sha256": sha256(folder / name),
            }
        )
        (folder / f"sipkg.{fmt.ext}").symlink_to(
            name
        )  # this build's dump, for scripts that don't know its version
    manifest = {"version": version, "files": files}
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(build: Path) -> dict | None:
    """A build's dump manifest, or None when it has none (a build from before manifests) or it is unreadable."""
    try:
        manifest = json.loads((build / "dumps" / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return (
        manifest if isinstance(manifest, dict) and isinstance(manifest.get("files"), list) else None
    )


def n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def integer(value: int, datatype: str = "integer") -> ox.Literal:
    return ox.Literal(str(value), datatype=n(XSD_NS + datatype))


def texts(zh: str, en: str) -> list[ox.Literal]:
    return [ox.Literal(zh, language="zh-Hans"), ox.Literal(en, language="en")]


class Description:
    """Triples of the description, written as (subject, predicate, object) with IRIs as strings."""

    def __init__(self):
        self.triples: list[ox.Triple] = []

    def add(self, s: str | ox.BlankNode, p: str, *objects) -> None:
        for o in objects:
            obj = n(o) if isinstance(o, str) else o
            subject = n(s) if isinstance(s, str) else s
            self.triples.append(ox.Triple(subject, n(p), obj))

    def titled(self, s: str, zh: str, en: str) -> None:
        self.add(s, DCT_NS + "title", *texts(zh, en))


def served(stored: Iterable[ox.Triple], manifest: dict | None) -> list[ox.Triple]:
    """The stored description plus each distribution's byte size and SHA-256 from the build's manifest."""
    triples = list(stored)
    if not manifest:
        return triples
    files = {download_url(manifest["version"], f["name"]): f for f in manifest["files"]}
    d = Description()
    for t in triples:
        if t.predicate.value == DCAT_NS + "downloadURL" and t.object.value in files:
            entry = files[t.object.value]
            checksum = ox.BlankNode(f"checksum-{entry['format']}")
            d.add(t.subject, DCAT_NS + "byteSize", integer(entry["bytes"], "nonNegativeInteger"))
            d.add(t.subject, SPDX_NS + "checksum", checksum)
            d.add(checksum, RDF_TYPE, SPDX_NS + "Checksum")
            d.add(checksum, SPDX_NS + "algorithm", SPDX_NS + "checksumAlgorithm_sha256")
            d.add(
                checksum,
                SPDX_NS + "checksumValue",
                ox.Literal(entry["sha256"], datatype=n(XSD_NS + "hexBinary")),
            )
    return triples + d.triples
