"""documents -> extract -> curation -> rdf -> reason -> validate -> store; returns a report.

The new store is built aside and put in service only when every check passed; on any
error the previous store keeps serving.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from sipkg import __version__, derived, yamlfile
from sipkg.build import describe, history
from sipkg.build.conferrals import conferrals
from sipkg.build.curation import apply as apply_curation
from sipkg.build.curation import load_document_dates, load_entries
from sipkg.build.documents import Document, read_sources
from sipkg.build.extract.model import Fact, Observation, Ref
from sipkg.build.extract.pipeline import Extractor
from sipkg.build.extract.registry import RegistryError, parse_registry
from sipkg.build.links import load as load_links
from sipkg.build.links import quads as link_quads
from sipkg.build.ontology import load_ontology, materialise
from sipkg.build.rdf import INFERRED_GRAPH, ONTOLOGY_GRAPH, to_dataset, union
from sipkg.build.validate import ValidationReport, validate
from sipkg.namespaces import DEF, OA, SIP, SKOS
from sipkg.paths import PROJECT, Paths  # noqa: F401  (PROJECT and Paths are part of the build API)
from sipkg.store import builds, dumps


class BuildError(RuntimeError):
    """The build stopped; the message says where and why. The previous store still serves."""


@dataclass
class DocumentCounts:
    """What one source document gave the graph."""

    key: str
    title: str
    language: str
    sentences: int
    entities: int  # distinct entities mentioned
    facts: int  # relations and attributes, entity types left out
    events: int  # dated acts
    observations: int


@dataclass
class BuildReport:
    version: str = ""
    documents: int = 0
    sentences: int = 0
    entities_by_class: dict[str, int] = field(default_factory=dict)
    facts: int = 0
    facts_from_rules: int = 0
    facts_from_curation: int = 0
    facts_from_registry: int = 0
    observations: int = 0
    evidence: int = 0
    evidence_verified: int = 0
    curation: dict[str, int] = field(default_factory=dict)
    new_entities: list[str] = field(default_factory=list)
    links: int = 0
    intervals: int = 0
    inferred: int = 0
    quads: int = 0
    validation: ValidationReport | None = None
    seconds: dict[str, float] = field(default_factory=dict)
    store: str = ""
    by_document: list[DocumentCounts] = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "validation"}
        d["validation"] = self.validation.to_dict() if self.validation else None
        d["by_document"] = [asdict(x) for x in self.by_document]
        return d

    def to_text(self) -> str:
        lines = [
            f"sipkg build {self.version}",
            f"  documents {self.documents}, sentences {self.sentences}",
            "  entities by class:",
            *(
                f"    {cls:<24} {n:>4}"
                for cls, n in sorted(self.entities_by_class.items(), key=lambda x: (-x[1], x[0]))
            ),
            (
                f"  facts {self.facts} (statistics included): {self.facts_from_rules} from rules,"
                f" {self.facts_from_curation} from curation,"
                f" {self.facts_from_registry} entity types from the registry and recogniser"
            ),
            f"  statistics (Data Cube observations) {self.observations}",
            "  by document:                      lang sentences entities facts events figures",
            *(
                f"    {d.key[:8]} {_cut(d.title, 22)} {d.language:>4} {d.sentences:>9}"
                f" {d.entities:>8} {d.facts:>5} {d.events:>6} {d.observations:>7}"
                for d in self.by_document
            ),
            f"  evidence annotations {self.evidence}, quotes verified against the source {self.evidence_verified}",
            f"  curation entries: {self.curation}",
            f"  new entities found by the recogniser: {len(self.new_entities)} {self.new_entities[:10]}",
            f"  links out and codes, curated and cited (data/links): {self.links}",
            f"  periods derived from dated events (relations and lifespans): {self.intervals}",
            f"  inferred triples {self.inferred}; quads in the store {self.quads}",
        ]
        if self.validation:
            lines.append(self.validation.to_text())
        lines.append("  seconds: " + ", ".join(f"{k} {v:.2f}" for k, v in self.seconds.items()))
        lines.append(f"  store: {self.store}")
        return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    """Text cut and padded to a width in terminal columns (a Chinese character takes two)."""
    out, used = "", 0
    for c in text:
        w = 2 if unicodedata.east_asian_width(c) in "WF" else 1
        if used + w > width:
            break
        out, used = out + c, used + w
    return out + " " * (width - used)


def document_counts(docs, extraction, facts) -> list[DocumentCounts]:
    """Per source document: its entities, facts, events and figures."""
    mentioned: dict[str, set[Ref]] = {}
    for key, _, ref in extraction.mentions:
        mentioned.setdefault(key, set()).add(ref)
    said = Counter(
        f.evidence.doc
        for f in {(f.subject, f.predicate, f.object, f.evidence.doc): f for f in facts}.values()
        if f.predicate != "rdf:type"
    )
    events = Counter(
        f.evidence.doc for f in facts if f.subject.type == "event" and f.predicate == "dct:date"
    )
    figures = Counter(o.evidence.doc for o in extraction.observations)
    return [
        DocumentCounts(
            d.key,
            d.title,
            d.language,
            len(d.sentences),
            len(mentioned.get(d.key, ())),
            said[d.key],
            events[d.key],
            figures[d.key],
        )
        for d in docs
    ]


class Timer:
    def __init__(self, report: BuildReport):
        self.report, self.start = report, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.report.seconds[name] = now - self.start
        self.start = now


def load_minted(path: Path) -> dict[str, Ref]:
    """Names found by the recogniser in earlier builds and their frozen keys."""
    if not path.exists():
        return {}
    raw = yamlfile.load(path) or {}
    return {name: Ref(*ref.split("/", 1)) for name, ref in raw.items() if name != yamlfile.LINE}


def save_minted(path: Path, minted: dict[str, Ref]) -> None:
    """Freeze keys minted for newly found names, so they are never recomputed."""
    body = "".join(
        f"{name}: {ref}\n" for name, ref in sorted(minted.items(), key=lambda x: str(x[1]))
    )
    header = (
        "# Keys minted for names the recogniser found; frozen: never edit a key once published.\n"
    )
    path.write_text(header + body, encoding="utf-8")


def growth_indicators(
    observations: list[Observation], ontology: Graph
) -> dict[str, tuple[str, str]]:
    """Labels for growth rates of listed indicators the code list does not name (X-growth)."""
    labels = {}
    for code in {o.indicator.code for o in observations}:
        base = code.removesuffix("-growth")
        if base == code or (DEF[f"indicator/{code}"], SKOS.prefLabel, None) in ontology:
            continue
        names = {
            lit.language: str(lit)
            for lit in ontology.objects(DEF[f"indicator/{base}"], SKOS.prefLabel)
        }
        if names:
            labels[code] = (
                f"{names.get('zh-Hans', base)}增长率",
                f"{names.get('en', base)} growth rate",
            )
    return labels


def verify_evidence(ds: Dataset, docs: list[Document]) -> int:
    """Check quote == text[start:end] for every evidence target in the graph; returns the count."""
    texts = {URIRef(d.iri): d.text for d in docs}
    g = union(ds)
    checked = 0
    for target in g.subjects(RDF.type, OA.SpecificResource):
        text = texts[g.value(target, OA.hasSource)]
        selectors = list(g.objects(target, OA.hasSelector))
        exact = next(g.value(s, OA.exact) for s in selectors if g.value(s, OA.exact) is not None)
        pos = next(s for s in selectors if g.value(s, OA.start) is not None)
        start, end = int(g.value(pos, OA.start)), int(g.value(pos, OA.end))
        if text[start:end] != str(exact):
            raise BuildError(
                f"evidence {target}: quote {str(exact)!r} != text[{start}:{end}] {text[start:end]!r}"
            )
        checked += 1
    return checked


@dataclass
class Assembled:
    """What a build puts in service: the dataset, the ontology it was checked against, and
    the keys minted for names it found (frozen only once the build is published)."""

    dataset: Dataset
    ontology: Graph
    minted: dict[str, Ref]


def assemble(paths: Paths, report: BuildReport) -> Assembled:
    """Read, extract, curate, write RDF and reason; nothing on disk is touched."""
    timer = Timer(report)
    docs = read_sources(paths.sources)
    report.documents, report.sentences = len(docs), sum(len(d.sentences) for d in docs)
    try:
        registry = parse_registry(yamlfile.load(paths.registry))
    except RegistryError as e:
        raise BuildError(f"{paths.registry}: {e}") from e
    minted_before = load_minted(paths.minted)
    by_key = {d.key: d for d in docs}
    document_dates = load_document_dates(paths.curation, by_key)
    extractor = Extractor(registry, minted_before)
    extraction = extractor.run(docs, {key: d.value for key, d in document_dates.items()})
    timer.lap("extract")
    entries = load_entries(paths.curation, by_key, registry.entities)
    curated = apply_curation(extraction.facts, entries, paths.curation)
    curated.facts.extend(
        Fact(Ref("doc", key), "dct:temporal", d.value, d.evidence)
        for key, d in document_dates.items()
    )
    report.curation = {
        "add": curated.added,
        "accept": curated.accepted,
        "reject": curated.rejected,
        "correct": curated.corrected,
        "document dates": len(document_dates),
    }
    report.new_entities = sorted(n for n in extraction.minted if n not in minted_before)
    facts, events = conferrals(curated.facts, by_key, registry.entities)
    for info in events:
        registry.add(info)
    methods = Counter(f.evidence.method.split(":")[0] for f in facts)
    report.facts_from_rules = methods["rule"] + len(extraction.observations)
    report.facts_from_curation = methods["curation"]
    report.facts_from_registry = methods["registry"] + methods["recogniser"]
    report.facts = len({(f.subject, f.predicate, f.object) for f in facts}) + len(
        extraction.observations
    )
    report.observations = len(extraction.observations)
    report.by_document = document_counts(docs, extraction, facts)
    mentioned = (
        {ref for _, _, ref in extraction.mentions}
        | {f.subject for f in facts}
        | {f.object for f in facts if isinstance(f.object, Ref)}
    )
    entities = {r: i for r, i in registry.entities.items() if r in mentioned}
    report.entities_by_class = dict(Counter(i.cls for i in entities.values()))
    ontology = load_ontology()
    indicators = {**growth_indicators(extraction.observations, ontology), **extraction.indicators}
    ds = to_dataset(docs, entities, facts, extraction.observations, indicators, extraction.mentions)
    links = load_links(paths.links, registry.entities)
    for quad in link_quads(links):
        ds.add(quad)
    report.links = len(links)
    report.intervals = history.derive(ds)
    timer.lap("rdf")
    report.evidence_verified = verify_evidence(ds, docs)
    report.evidence = sum(1 for _ in ds.quads((None, RDF.type, SIP.Evidence, None)))
    timer.lap("verify")
    ontology_graph = ds.graph(ONTOLOGY_GRAPH)
    for t in ontology:
        ontology_graph.add(t)
    asserted = [
        (s, p, o) for s, p, o, g in ds.quads((None, None, None, None)) if g != ONTOLOGY_GRAPH
    ]
    inferred = ds.graph(INFERRED_GRAPH)
    for t in materialise(asserted, ontology):
        inferred.add(t)
    report.inferred = len(inferred)
    timer.lap("reason")
    return Assembled(ds, ontology, extraction.minted)


def check(ds: Dataset, ontology: Graph, report: BuildReport) -> ValidationReport:
    """SHACL over the data, HermiT over ontology + data."""
    timer = Timer(report)
    result = validate(ds, ontology)
    timer.lap("validate")
    return result


def build(paths: Paths | None = None) -> BuildReport:
    """Build the graph and put it in service; raises BuildError and keeps the old store on failure."""
    paths = paths or Paths()
    started = time.perf_counter()
    report = BuildReport()
    assembled = assemble(paths, report)
    ds = assembled.dataset
    report.validation = check(ds, assembled.ontology, report)
    if not report.validation.ok:
        raise BuildError(
            "validation failed; the previous store stays in service\n" + report.validation.to_text()
        )
    nquads = ds.serialize(format="nquads", encoding="utf-8")
    report.version = hashlib.sha256(nquads).hexdigest()[:12]
    build_dir = builds.new_build_dir(paths.store)
    try:
        built = dt.datetime.now(dt.UTC)
        dumped = time.perf_counter()
        quads = dumps.as_stored(nquads)
        quads += describe.describe(quads, report.version, built)
        manifest = dumps.write_dumps(build_dir / "dumps", quads, report.version)
        report.seconds["describe and dump"] = time.perf_counter() - dumped
        meta = {
            "version": report.version,
            "built": built.isoformat(timespec="seconds"),
            "sipkg": __version__,
        }
        nq = next(f["name"] for f in manifest["files"] if f["format"] == "nq")
        info = builds.write_store(build_dir, (build_dir / "dumps" / nq).read_bytes(), meta)
        report.quads = info.quads
        began = time.perf_counter()
        derived.write(build_dir / builds.DERIVED, builds.select(build_dir), report.version)
        report.seconds["derive"] = time.perf_counter() - began
        report.seconds["total"] = time.perf_counter() - started
        report_json = json.dumps(report.to_dict(), ensure_ascii=False, indent=2, default=str)
        (build_dir / "report.json").write_text(report_json, encoding="utf-8")
        builds.publish(paths.store, build_dir)
    except BaseException:
        builds.discard(build_dir)
        raise
    if assembled.minted != load_minted(paths.minted):
        save_minted(paths.minted, assembled.minted)
    report.store = str(build_dir)
    return report
