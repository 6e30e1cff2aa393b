"""Validate a built graph: SHACL shapes (ontology/shapes.ttl) and OWL consistency -> one report."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass

import pyshacl
from rdflib import BNode, Dataset, Graph, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from sipkg.build.ontology import (
    ConsistencyResult,
    check_consistency,
    curie,
    ontology_base,
    read_ontology_file,
)
from sipkg.build.rdf import union as rdf_union

SHAPES_FILE = "shapes.ttl"


@dataclass(frozen=True)
class ShaclResult:
    """The outcome of SHACL validation, with one readable line per violation."""

    conforms: bool
    violations: int
    lines: list[str]
    seconds: float


@dataclass(frozen=True)
class ValidationReport:
    """SHACL and OWL consistency results for one graph, ready to print or serialise."""

    triples: int
    shacl: ShaclResult
    consistency: ConsistencyResult

    @property
    def ok(self) -> bool:
        """True when the shapes hold, the data is consistent and every class can have members."""
        return (
            self.shacl.conforms
            and self.consistency.consistent
            and not self.consistency.unsatisfiable
        )

    def to_text(self) -> str:
        """A multi-line report: what was checked, the counts, then every problem found."""
        shacl, owl = self.shacl, self.consistency
        verdict = "passed" if self.ok else "FAILED"
        lines = [
            f"Validation {verdict}: {self.triples} triples checked.",
            f"SHACL ({SHAPES_FILE}, {shacl.seconds:.1f} s): "
            + ("conforms." if shacl.conforms else f"{_count(shacl.violations, 'violation')}."),
            *(f"  {line}" for line in shacl.lines),
            f"OWL consistency ({owl.reasoner}, {owl.seconds:.1f} s): "
            + ("consistent." if owl.consistent else "INCONSISTENT."),
            *(f"  {line}" for line in owl.message.splitlines()),
            *(f"  unsatisfiable class: {iri}" for iri in owl.unsatisfiable),
        ]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The report as plain data (for JSON)."""
        return {"ok": self.ok, **asdict(self)}


def _count(n: int, noun: str) -> str:
    """'1 violation', '2 violations'."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def load_shapes(base: str | None = None) -> Graph:
    """The SHACL shapes of ontology/shapes.ttl, for the configured (or given) base IRI."""
    return read_ontology_file(SHAPES_FILE, base)


def validate_shacl(
    data: Graph, shapes: Graph | None = None, ontology: Graph | None = None
) -> ShaclResult:
    """Check `data` against the shapes (SHACL Core, no inference) and describe each violation.

    With `ontology`, its class hierarchy is added to (a copy of) the data first, so that a
    shape targeting sip:Organisation also reaches an entity typed only sip:Bureau.
    """
    started = time.monotonic()
    if ontology is not None:
        data = _with_class_hierarchy(data, ontology)
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes if shapes is not None else load_shapes(),
        inference="none",
        advanced=False,
        allow_warnings=False,
    )
    lines = sorted(
        _describe(results, result) for result in results.subjects(RDF.type, SH.ValidationResult)
    )
    return ShaclResult(bool(conforms), len(lines), lines, time.monotonic() - started)


def _describe(results: Graph, result: Node) -> str:
    """'focus node — path — message — value' for one sh:ValidationResult."""
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    messages = sorted(str(m) for m in results.objects(result, SH.resultMessage))
    value = results.value(result, SH.value)
    parts = [
        curie(focus),
        _path_text(results, path) if path is not None else "(the node itself)",
        "; ".join(messages),
    ]
    if value is not None and value != focus:
        parts.append(curie(value))
    return " — ".join(parts)


def _path_text(graph: Graph, path: Node) -> str:
    """A SHACL property path in SPARQL-like notation: `oa:hasTarget/oa:hasSelector`, `^p`."""
    if isinstance(path, URIRef):
        return curie(path)
    if isinstance(path, BNode) and graph.value(path, RDF.first) is not None:
        return "/".join(_path_text(graph, step) for step in graph.items(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _path_text(graph, inverse)
    return str(path)


def _with_class_hierarchy(data: Graph, ontology: Graph) -> Graph:
    """A copy of `data` plus the ontology's rdfs:subClassOf axioms, so targets reach subclasses."""
    graph = Graph()
    for triple in data:
        graph.add(triple)
    for triple in ontology.triples((None, RDFS.subClassOf, None)):
        graph.add(triple)
    return graph


def validate(data: Graph | Dataset, ontology: Graph) -> ValidationReport:
    """Run the SHACL shapes and the HermiT consistency check on `data` (a graph or a dataset)."""
    union = rdf_union(data)
    shapes = load_shapes(ontology_base(ontology))
    shacl = validate_shacl(union, shapes, ontology)
    consistency = check_consistency([ontology, union])
    return ValidationReport(len(union), shacl, consistency)
