"""The ontology: load ontology/, materialise what it entails, check consistency with HermiT.

`materialise` is a small forward-chainer driven by the ontology's own axioms (subclass,
subproperty, inverse, symmetric, transitive): fast enough for the whole graph, and it never
emits the noisy types that rdfs:domain and rdfs:range would give. `check_consistency` hands
the ontology and the entity-level part of the data to HermiT through owlready2.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import owlready2
from rdflib import ConjunctiveGraph, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.parser import Parser
from rdflib.plugin import PluginException, get
from rdflib.term import Node

from sipkg import namespaces
from sipkg.namespaces import DEFAULT_BASE, PREFIXES

ONTOLOGY_DIR: Path = Path(__file__).resolve().parents[2] / "ontology"
ONTOLOGY_FILES: tuple[str, ...] = ("sip.ttl", "schemes.ttl")

Triple = tuple[Node, Node, Node]

# Entity-level data lives under these paths of the base; provenance nodes are left to SHACL.
_INSTANCE_PATHS = ("/id/", "/data/")
_PROVENANCE_PATHS = ("/id/doc/", "/data/statement/", "/data/evidence/")
_STRUCTURAL_NAMESPACES = (str(OWL), str(RDF), str(RDFS))
_EXPLAINED_CLASHES = 10
_DECLARATIONS = frozenset(
    (OWL.Ontology, OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
)


class ReasonerError(RuntimeError):
    """HermiT could not run (no java, or it rejected its input): not a verdict on the data."""


@dataclass(frozen=True)
class ConsistencyResult:
    """The verdict of the OWL reasoner on the ontology plus the entity-level data."""

    consistent: bool
    reasoner: str
    seconds: float
    message: str
    unsatisfiable: list[str]


def read_ontology_file(name: str, base: str | None = None) -> Graph:
    """Parse one Turtle file of ontology/, its IRIs moved to `base` (default: configured base)."""
    text = (ONTOLOGY_DIR / name).read_text(encoding="utf-8")
    wanted = (base or namespaces.base()).rstrip("/")
    if wanted != DEFAULT_BASE:
        text = _rebase(text, wanted)
    graph = Graph()
    graph.parse(data=text, format=_turtle_format())
    return graph


def load_ontology(base: str | None = None) -> Graph:
    """The ontology and its code lists (sip.ttl + schemes.ttl) as one graph, for `base`."""
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    for name in ONTOLOGY_FILES:
        graph += read_ontology_file(name, base)
    return graph


def _rebase(text: str, new_base: str) -> str:
    """Replace the default base in Turtle text, both as an IRI and as a regex in sh:pattern."""
    text = text.replace(_turtle_regex(DEFAULT_BASE), _turtle_regex(new_base))
    return text.replace(DEFAULT_BASE, new_base)


def _turtle_regex(iri: str) -> str:
    """How a regex matching `iri` literally is written inside a Turtle string."""
    return re.escape(iri).replace("\\", "\\\\")


def _turtle_format() -> str:
    """Oxigraph's fast Turtle parser when oxrdflib is installed, else rdflib's own."""
    try:
        get("ox-turtle", Parser)
    except PluginException:
        return "turtle"
    return "ox-turtle"


def ontology_base(ontology: Graph) -> str:
    """The base IRI an ontology graph was loaded for, read from its `{base}/def/sip` header."""
    return _base_from_headers(ontology.subjects(RDF.type, OWL.Ontology))


def _base_from_headers(ontologies: Iterable[Node]) -> str:
    """The base of the first `{base}/def/sip` ontology IRI, else the configured base."""
    for iri in sorted(str(o) for o in ontologies):
        if iri.endswith("/def/sip"):
            return iri[: -len("/def/sip")]
    return namespaces.base()


def curie(node: Node) -> str:
    """A short, readable name for a node: `sip:Bureau`, `id:org/x`, or the N-Triples form."""
    if isinstance(node, URIRef):
        text = str(node)
        matches = [(ns, p) for p, ns in PREFIXES.items() if text.startswith(ns)]
        if matches:
            namespace, prefix = max(matches, key=lambda m: len(m[0]))
            return f"{prefix}:{text[len(namespace) :]}"
        return f"<{text}>"
    if isinstance(node, Literal):
        return node.n3()
    return str(node)


# --------------------------------------------------------------------------- materialise


@dataclass(frozen=True)
class _Rules:
    """The ontology's entailment rules, precomputed as lookup tables."""

    superclasses: dict[Node, frozenset[Node]]
    superproperties: dict[Node, frozenset[Node]]
    inverses: dict[Node, frozenset[Node]]
    symmetric: frozenset[Node]
    transitive: frozenset[Node]


def _rules(ontology: Graph) -> _Rules:
    """Read subclass, subproperty, inverse, symmetric and transitive axioms from the ontology."""
    class_edges = _edges(ontology, RDFS.subClassOf, OWL.equivalentClass)
    property_edges = _edges(ontology, RDFS.subPropertyOf, OWL.equivalentProperty)
    inverses: dict[Node, set[Node]] = defaultdict(set)
    for p, q in _named_pairs(ontology, OWL.inverseOf):
        inverses[p].add(q)
        inverses[q].add(p)
    return _Rules(
        superclasses=_ancestors(class_edges),
        superproperties=_ancestors(property_edges),
        inverses={p: frozenset(qs) for p, qs in inverses.items()},
        symmetric=frozenset(ontology.subjects(RDF.type, OWL.SymmetricProperty)),
        transitive=frozenset(ontology.subjects(RDF.type, OWL.TransitiveProperty)),
    )


def _named_pairs(ontology: Graph, predicate: URIRef) -> Iterator[tuple[Node, Node]]:
    """(subject, object) pairs of `predicate` between named terms (no restrictions, no unions)."""
    for s, o in ontology.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef):
            yield s, o


def _edges(ontology: Graph, sub: URIRef, equivalent: URIRef) -> dict[Node, set[Node]]:
    """Direct 'is a specialisation of' edges; an equivalence counts in both directions."""
    edges: dict[Node, set[Node]] = defaultdict(set)
    for s, o in _named_pairs(ontology, sub):
        edges[s].add(o)
    for s, o in _named_pairs(ontology, equivalent):
        edges[s].add(o)
        edges[o].add(s)
    return edges


def _ancestors(edges: dict[Node, set[Node]]) -> dict[Node, frozenset[Node]]:
    """Transitive closure of `edges` for every node, excluding the node itself."""
    closure: dict[Node, frozenset[Node]] = {}
    for start in list(edges):
        seen: set[Node] = set()
        stack = list(edges[start])
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(edges.get(node, ()))
        seen.discard(start)
        closure[start] = frozenset(seen)
    return closure


class _Closure:
    """The data plus everything derived so far, indexed for the transitive rule."""

    def __init__(self, data: Iterable[Triple], rules: _Rules) -> None:
        self.rules = rules
        self.known: set[Triple] = set()
        self.inferred: set[Triple] = set()
        self.by_subject: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.by_object: dict[tuple[Node, Node], set[Node]] = defaultdict(set)
        self.queue: list[Triple] = []
        for triple in data:
            self._add(triple, inferred=False)

    def _add(self, triple: Triple, inferred: bool) -> None:
        """Record a triple once; index it if its property is transitive; queue it for the rules."""
        if triple in self.known:
            return
        self.known.add(triple)
        if inferred:
            self.inferred.add(triple)
        s, p, o = triple
        if p in self.rules.transitive:
            self.by_subject[(p, s)].add(o)
            self.by_object[(p, o)].add(s)
        self.queue.append(triple)

    def run(self) -> set[Triple]:
        """Apply the rules until nothing new follows; return what was derived."""
        while self.queue:
            for triple in self._consequences(self.queue.pop()):
                self._add(triple, inferred=True)
        return self.inferred

    def _consequences(self, triple: Triple) -> Iterator[Triple]:
        """What one triple entails, given everything known so far."""
        s, p, o = triple
        rules = self.rules
        if p == RDF.type:
            for c in rules.superclasses.get(o, ()):
                yield s, RDF.type, c
            return
        for q in rules.superproperties.get(p, ()):
            yield s, q, o
        if isinstance(o, Literal):
            return
        for q in rules.inverses.get(p, ()):
            yield o, q, s
        if p in rules.symmetric:
            yield o, p, s
        if p in rules.transitive:
            yield from ((x, p, o) for x in self.by_object[(p, s)] if x != o)
            yield from ((s, p, y) for y in self.by_subject[(p, o)] if y != s)


def materialise(data: Iterable[Triple], ontology: Graph) -> set[Triple]:
    """What the ontology entails from `data` that `data` does not already say.

    Super-classes of asserted types (rdfs:subClassOf, owl:equivalentClass, including the
    standard classes the ontology aligns to), super-properties, inverses, symmetric and
    transitive closure, to a fixpoint. Types from rdfs:domain/rdfs:range are not derived,
    nor the self-loops that transitivity over a symmetric pair would give.
    """
    return _Closure(data, _rules(ontology)).run()


# --------------------------------------------------------------------------- consistency


@dataclass(frozen=True)
class _ReasonerInput:
    """The triples given to HermiT, and what they cover."""

    graph: Graph
    individuals: int
    assertions: int


def _all_triples(graphs: Iterable[Graph]) -> Iterator[Triple]:
    """Every triple of the graphs; a dataset contributes the triples of all its named graphs."""
    for graph in graphs:
        if isinstance(graph, ConjunctiveGraph):
            yield from (quad[:3] for quad in graph.quads((None, None, None, None)))
        else:
            yield from graph


def _reasoner_input(graphs: Iterable[Graph]) -> _ReasonerInput:
    """Split the union into the ontology part (taken whole) and the entity-level ABox."""
    union = set(_all_triples(graphs))
    declared: dict[Node, set[Node]] = defaultdict(set)
    for s, p, o in union:
        if p == RDF.type and o in _DECLARATIONS:
            declared[o].add(s)
    root = _base_from_headers(declared[OWL.Ontology])
    instance = tuple(root + path for path in _INSTANCE_PATHS)
    provenance = tuple(root + path for path in _PROVENANCE_PATHS)
    classes = declared[OWL.Class]
    object_properties = declared[OWL.ObjectProperty]
    properties = (
        object_properties | declared[OWL.DatatypeProperty] | declared[OWL.AnnotationProperty]
    )

    def is_instance(node: Node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(instance)

    def is_provenance(node: Node) -> bool:
        return isinstance(node, URIRef) and str(node).startswith(provenance)

    kept = Graph()
    individuals: set[Node] = set()
    assertions = 0
    for s, p, o in union:
        if is_instance(s) or is_instance(o):
            if is_provenance(s) or is_provenance(o):
                continue
            if p == RDF.type and o in classes:
                individuals.add(s)
            elif p in object_properties and not isinstance(o, Literal):
                assertions += 1
            else:
                continue
        elif p == RDF.type and s in properties and not str(o).startswith(_STRUCTURAL_NAMESPACES):
            continue  # a property typed qb:DimensionProperty etc.: punning owlready2 cannot hold
        elif not (str(p).startswith(_STRUCTURAL_NAMESPACES) or p in properties):
            continue
        kept.add((s, p, o))
    return _ReasonerInput(kept, len(individuals), assertions)


def check_consistency(graphs: Iterable[Graph]) -> ConsistencyResult:
    """Run HermiT (owlready2) on the ontology plus the entity-level data of `graphs`.

    What is checked: every triple of the ontology and code lists (subjects outside
    `{base}/id/` and `{base}/data/`), plus, for entities and observations, their rdf:type
    assertions to classes the ontology declares and their object-property assertions.
    Left out, because they cannot contradict the ontology's axioms but would slow the
    reasoner or trip it on datatypes outside OWL 2 (xsd:gYear): literals of entities,
    source documents, paragraphs, sentences, evidence and fact statements. A verdict of
    "inconsistent" comes with the disjointness clashes that explain it, where there are any.
    """
    reasoner_input = _reasoner_input(graphs)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sipkg-hermit-") as tmp:
        path = Path(tmp) / "input.nt"
        reasoner_input.graph.serialize(path, format="nt", encoding="utf-8")
        world = owlready2.World()
        try:
            world.get_ontology(path.as_uri()).load(format="ntriples")
            consistent, unsatisfiable = _run_hermit(world)
        finally:
            world.close()
    seconds = time.monotonic() - started
    scope = (
        f"{len(reasoner_input.graph)} triples: the ontology and code lists, "
        f"{reasoner_input.individuals} individuals with their types and "
        f"{reasoner_input.assertions} object-property assertions"
    )
    if not consistent:
        reasons = _explain(reasoner_input.graph)
        message = f"HermiT found a contradiction in {scope}." + "".join(f"\n{r}" for r in reasons)
    elif unsatisfiable:
        message = f"HermiT found {len(unsatisfiable)} classes that can have no members in {scope}."
    else:
        message = f"HermiT found no contradiction in {scope}."
    return ConsistencyResult(consistent, "HermiT", seconds, message, unsatisfiable)


def _run_hermit(world: owlready2.World) -> tuple[bool, list[str]]:
    """(consistent, unsatisfiable class IRIs) from HermiT on `world`."""
    try:
        owlready2.sync_reasoner_hermit(world, infer_property_values=False, debug=0)
    except owlready2.OwlReadyInconsistentOntologyError:
        return False, []
    except owlready2.OwlReadyJavaError as error:
        raise ReasonerError(f"HermiT failed: {error}") from error
    except FileNotFoundError as error:
        raise ReasonerError("HermiT needs `java` on PATH") from error
    return True, sorted(cls.iri for cls in world.inconsistent_classes())


def _explain(graph: Graph) -> list[str]:
    """Individuals whose asserted or domain/range-implied classes the ontology declares disjoint."""
    rules = _rules(graph)
    domains = _class_axioms(graph, RDFS.domain, rules)
    ranges = _class_axioms(graph, RDFS.range, rules)
    disjoint = _disjoint_pairs(graph)
    reasons: dict[Node, dict[Node, str]] = defaultdict(dict)

    def derive(individual: Node, cls: Node, why: str) -> None:
        for c in (cls, *rules.superclasses.get(cls, ())):
            reasons[individual].setdefault(c, why)

    for s, p, o in graph:
        if p == RDF.type and isinstance(o, URIRef):
            derive(s, o, f"it is typed {curie(o)}")
        for cls in domains.get(p, ()):
            derive(s, cls, f"it is the subject of {curie(p)}")
        for cls in ranges.get(p, ()) if isinstance(o, URIRef) else ():
            derive(o, cls, f"it is the object of {curie(p)}")
    clashes = sorted(
        f"{curie(ind)}: {why[a]} (so {curie(a)}) and {why[b]} (so {curie(b)}), "
        f"but {curie(a)} and {curie(b)} are disjoint"
        for ind, why in reasons.items()
        for a, b in disjoint
        if a in why and b in why
    )
    if not clashes:
        return ["No disjointness clash explains it; look at functional properties."]
    return clashes[:_EXPLAINED_CLASHES]


def _class_axioms(graph: Graph, axiom: URIRef, rules: _Rules) -> dict[Node, set[Node]]:
    """Named classes that `axiom` (rdfs:domain or rdfs:range) gives each property, inherited."""
    direct: dict[Node, set[Node]] = defaultdict(set)
    for p, cls in _named_pairs(graph, axiom):
        direct[p].add(cls)
    properties = set(direct) | set(rules.superproperties)
    return {
        p: set().union(*(direct.get(q, set()) for q in (p, *rules.superproperties.get(p, ()))))
        for p in properties
    }


def _disjoint_pairs(graph: Graph) -> list[tuple[Node, Node]]:
    """Pairs of named classes declared disjoint (owl:disjointWith, owl:AllDisjointClasses)."""
    pairs = {tuple(sorted(pair)) for pair in _named_pairs(graph, OWL.disjointWith)}
    for group in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        for members in graph.objects(group, OWL.members):
            classes = sorted(c for c in graph.items(members) if isinstance(c, URIRef))
            pairs.update((a, b) for i, a in enumerate(classes) for b in classes[i + 1 :])
    return sorted(pairs)
