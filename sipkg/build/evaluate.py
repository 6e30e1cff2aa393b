"""Measured accuracy: what the pipeline extracts, against a gold annotation made by hand (tests/gold/).

Each kind is a set of items on both sides; precision = TP / (TP + FP), recall = TP / (TP + FN)
(0 when the denominator is 0), F1 their harmonic mean. Items match when their keys are equal:

- entities: (document, sentence, entity). The pipeline's mentions; an entity the registry does
  not know matches by its name (the gold's `name:…` and the name the recogniser minted a key for).
- relations: (document, subject, predicate, object), once per document whichever sentence
  states it. Facts whose object is an entity or a code; types, dates and literals are not
  relations. A property and its owl:inverseOf are one relation read both ways (hasPart /
  partOf), a symmetric one (cooperatesWith) is matched in either order, and
  org:resultingOrganization counts as the sip:establishes it restates.
- quantities: (document, sentence, value in the base unit, unit): the statistics (Data Cube
  observations); their indicator is compared on the matched ones only, as a separate figure.
- dates: (document, sentence, value, precision, end of a range): the date mentions the
  extractor reads in content sentences, resolved as it resolves them.
- events: (document, class, date): the dated acts (founding, signing, approval …) a document
  states, once per document; event roles: (document, class, date, role, entity), the agent,
  object, place, original, result or participant of each. Roles of foundings are also
  relations of the founding event (`founding:X establishes X`), as the seeds annotate them.

A gold `name:N` for an entity the registry now knows (by a label or an alias) is that entity, so
the gold stays valid when the registry grows. Splits (`--split dev|test|seeds|all`) are fixed by
file name in tests/gold/README.md.

Two variants: "rules" (the extractor alone) and "rules + curation" (data/curation/ applied as a
build applies it); curation acts on facts, so only relations differ. Documents without a gold
file are left out of both sides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml
from rdflib import OWL, RDF

from sipkg import yamlfile
from sipkg.build.curation import apply as apply_curation
from sipkg.build.curation import load_document_dates, load_entries
from sipkg.build.documents import Document, read_sources
from sipkg.build.extract.model import ROLES, Concept, Fact, Ref
from sipkg.build.extract.pipeline import Extraction, Extractor
from sipkg.build.extract.registry import TYPES, Registry, RegistryError, parse_registry
from sipkg.build.ontology import curie, read_ontology_file
from sipkg.build.rdf import predicate_iri
from sipkg.build.stages import BuildError
from sipkg.paths import PROJECT, Paths
from sipkg.yamlfile import LINE, InputError

GOLD = PROJECT / "tests" / "gold"
KINDS = ("entities", "relations", "quantities", "dates", "events", "event roles")
SPLITS = ("seeds", "dev", "test", "all")
EVENT_CLASSES = frozenset(
    {
        "Founding",
        "Abolition",
        "Restructuring",
        "Merger",
        "Transfer",
        "Renaming",
        "Approval",
        "Signing",
        "Launch",
        "ConstructionStart",
        "Completion",
        "Inauguration",
        "Meeting",
        "Expansion",
        "Listing",
        "Award",
        "Reform",
        "ChangeEvent",
        "Event",
    }
)
# how a fact on an event names the role it gives its object
ROLE_OF = {
    "agent": "agent",
    "organisedBy": "agent",
    "approvedBy": "agent",
    "participant": "participant",
    "establishes": "object",
    "concerns": "object",
    "affected": "object",
    "heldIn": "place",
    "org:originalOrganization": "original",
    "org:resultingOrganization": "result",
}
VARIANTS = ("rules", "rules + curation")
RESTATED = {"org:resultingOrganization": "establishes"}  # ORG's name for what sip:establishes says
PRECISIONS = {"gYear", "gYearMonth", "date"}


class GoldError(InputError):
    """A gold annotation file is wrong: file, line and reason."""


@dataclass
class Annotations:
    """Items of each kind (hashable keys) with a readable label each; quantities keep their indicator."""

    items: dict[str, dict[tuple, str]] = field(default_factory=lambda: {k: {} for k in KINDS})
    indicators: dict[tuple, str] = field(default_factory=dict)
    subjects: dict[tuple, str] = field(default_factory=dict)  # quantity -> the entity it is about
    event_documents: set[str] = field(default_factory=set)  # documents annotated for events

    def add(self, kind: str, key: tuple, label: str) -> None:
        self.items[kind].setdefault(key, label)


@dataclass(frozen=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class KindResult:
    score: Score
    missed: list[str]  # gold items the pipeline did not find
    false_positives: list[str]  # items the pipeline found that the gold does not have

    def to_dict(self, details: bool = False) -> dict:
        s = self.score
        d = {
            "precision": round(s.precision, 4),
            "recall": round(s.recall, 4),
            "f1": round(s.f1, 4),
            "tp": s.tp,
            "fp": s.fp,
            "fn": s.fn,
        }
        if details:
            d |= {"missed": self.missed, "false_positives": self.false_positives}
        return d


@dataclass
class Evaluation:
    results: dict[str, dict[str, KindResult]]  # variant -> kind -> result
    indicators_agreeing: tuple[
        int, int
    ]  # matched quantities whose indicator agrees, of all matched
    documents: list[str]
    subjects_agreeing: tuple[int, int] = (
        0,
        0,
    )  # matched quantities with a gold subject that agrees
    split: str = "all"

    def to_dict(self, details: bool = False) -> dict:
        agree, matched = self.indicators_agreeing
        s_agree, s_matched = self.subjects_agreeing
        return {
            "split": self.split,
            "documents": self.documents,
            "variants": {
                v: {k: r.to_dict(details) for k, r in kinds.items()}
                for v, kinds in self.results.items()
            },
            "quantity_indicators": {"agreeing": agree, "matched": matched},
            "quantity_subjects": {"agreeing": s_agree, "matched": s_matched},
        }

    def to_text(self, details: bool = False) -> str:
        lines = [f"{'':<20}{'P':>7}{'R':>7}{'F1':>7}{'TP':>6}{'FP':>5}{'FN':>5}"]
        for variant, kinds in self.results.items():
            lines.append(variant)
            for kind, r in kinds.items():
                s = r.score
                lines.append(
                    f"  {kind:<18}{s.precision:>7.3f}{s.recall:>7.3f}{s.f1:>7.3f}{s.tp:>6}{s.fp:>5}{s.fn:>5}"
                )
        agree, matched = self.indicators_agreeing
        lines.append(f"quantities matched with the gold's indicator: {agree} of {matched}")
        s_agree, s_matched = self.subjects_agreeing
        lines.append(f"quantities matched with the gold's subject: {s_agree} of {s_matched}")
        lines.append(f"split {self.split}; documents: {', '.join(self.documents)}")
        if details:
            for variant, kinds in self.results.items():
                for kind, r in kinds.items():
                    for title, labels in (
                        ("missed", r.missed),
                        ("false positives", r.false_positives),
                    ):
                        if labels:
                            lines.append(f"\n{variant} · {kind} · {title} ({len(labels)})")
                            lines.extend(f"  {label}" for label in labels)
        return "\n".join(lines)


@dataclass(frozen=True)
class Properties:
    """How the ontology lets one relation be written two ways (inverse and symmetric properties)."""

    inverse: dict[str, str]  # predicate -> the property it is declared the inverse of
    symmetric: frozenset[str]

    @classmethod
    def from_ontology(cls) -> Properties:
        g = read_ontology_file("sip.ttl")
        inverse = {_name(q): _name(p) for p, q in g.subject_objects(OWL.inverseOf)}
        return cls(
            inverse, frozenset(_name(p) for p in g.subjects(RDF.type, OWL.SymmetricProperty))
        )

    def normal(self, s: str, p: str, o: str) -> tuple[str, str, str]:
        """The one way of writing a relation both sides are compared in."""
        p = RESTATED.get(p, p)
        if p in self.inverse:
            s, p, o = o, self.inverse[p], s
        if p in self.symmetric and o < s:
            s, o = o, s
        return s, p, o


def _name(node) -> str:
    """`sip:partOf` -> `partOf` (how facts name our properties); other vocabularies keep their CURIE."""
    return curie(node).removeprefix("sip:")


def score(gold: set, predicted: set) -> Score:
    return Score(len(gold & predicted), len(predicted - gold), len(gold - predicted))


def compare(gold: Annotations, predicted: Annotations) -> dict[str, KindResult]:
    """Scores and the items behind them, kind by kind."""
    results = {}
    for kind in KINDS:
        g, p = gold.items[kind], predicted.items[kind]
        results[kind] = KindResult(
            score(set(g), set(p)),
            sorted(g[k] for k in set(g) - set(p)),
            sorted(p[k] for k in set(p) - set(g)),
        )
    return results


def indicator_agreement(gold: Annotations, predicted: Annotations) -> tuple[int, int]:
    matched = set(gold.items["quantities"]) & set(predicted.items["quantities"])
    return sum(gold.indicators[k] == predicted.indicators[k] for k in matched), len(matched)


def subject_agreement(gold: Annotations, predicted: Annotations) -> tuple[int, int]:
    matched = set(gold.subjects) & set(predicted.items["quantities"])
    return sum(gold.subjects[k] == predicted.subjects.get(k) for k in matched), len(matched)


def read_splits(folder: Path) -> dict[str, set[str]]:
    """The splits fixed in the gold folder's README: a ```yaml block naming each split's files."""
    readme = folder / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    block = (
        text.split("```yaml splits", 1)[1].split("```", 1)[0] if "```yaml splits" in text else ""
    )
    raw = yaml.safe_load(block) or {}
    splits = {
        name: {Path(str(f)).stem for f in raw.get(name) or ()} for name in ("seeds", "dev", "test")
    }
    splits["all"] = {p.stem for p in folder.glob("*.yaml")}
    return splits


# ---------------------------------------------------------------------------- the gold


def load_gold(
    folder: Path,
    docs: dict[str, Document],
    registry: Registry,
    props: Properties,
    split: str = "all",
) -> Annotations:
    """Every `*.yaml` of the folder (of one split), each checked against its document's sentences
    and the registry."""
    gold = Annotations()
    if split not in SPLITS:
        raise GoldError(folder, None, f"unknown split {split!r} (one of {', '.join(SPLITS)})")
    wanted = read_splits(folder)[split]
    files = sorted(p for p in folder.glob("*.yaml") if p.stem in wanted)
    if not files:
        raise GoldError(
            folder, None, f"no gold annotation files (*.yaml) here for the split {split!r}"
        )
    for path in files:
        _load_file(path, docs, registry, props, gold)
    return gold


def _load_file(
    path: Path, docs: dict[str, Document], registry: Registry, props: Properties, gold: Annotations
) -> None:
    raw = yamlfile.load(path, GoldError)
    if not isinstance(raw, dict) or not isinstance(raw.get("sentences"), dict):
        raise GoldError(path, 1, "expected 'document: KEY' and a 'sentences' mapping")
    doc = docs.get(str(raw.get("document")))
    if doc is None:
        raise GoldError(
            path,
            raw.get(LINE),
            f"unknown document {raw.get('document')!r} (known: {', '.join(sorted(docs))})",
        )
    for index, body in raw["sentences"].items():
        if index != LINE:
            _load_sentence(path, doc, index, body, registry, props, gold)


def _load_sentence(
    path: Path, doc: Document, index, body, registry: Registry, props: Properties, gold: Annotations
) -> None:
    """One sentence's annotations, each surface checked against the sentence's text."""
    line = body.get(LINE) if isinstance(body, dict) else None

    def err(reason: str, at=None) -> GoldError:
        return GoldError(
            path, at.get(LINE) if isinstance(at, dict) else line, f"sentence {index}: {reason}"
        )

    if (
        not isinstance(index, int)
        or not 1 <= index <= len(doc.sentences)
        or not isinstance(body, dict)
    ):
        raise err(
            f"not a sentence of {doc.key} (1–{len(doc.sentences)}) with a mapping of annotations"
        )
    sentence = doc.sentences[index - 1]
    if sentence.furniture:
        raise err(f"is page furniture ({sentence.furniture}): not annotated")
    if not body.get("opens") or not sentence.text.startswith(str(body["opens"])):
        raise err(f"'opens' must be how the sentence begins: {sentence.text[:20]!r}")
    here = f"{doc.key}#{index}"

    def surface(text, at) -> str:
        if not text or str(text) not in sentence.text:
            raise err(f"{text!r} does not occur in the sentence", at)
        return str(text)

    def resolved(term: str) -> str:
        """A gold `name:N` the registry knows is that entity; a founding event is named by what it founded."""
        if term.startswith("name:"):
            info = registry.by_name(term[5:])
            return str(info.ref) if info is not None else term
        return _founding(term, registry)

    for item in body.get("entities") or ():
        if not isinstance(item, dict):
            raise err(f"an entity is 'surface: type/key', not {item!r}")
        for text, target in ((k, v) for k, v in item.items() if k != LINE):
            for identity in _entity_targets(
                target, registry, lambda reason, item=item: err(reason, item)
            ):
                identity = resolved(identity)
                gold.add(
                    "entities",
                    (doc.key, index, identity),
                    f"{here} {surface(text, item)} {identity}",
                )
    for item in body.get("relations") or ():
        if not isinstance(item, list) or len(item) != 3:
            raise err(f"a relation is [subject, predicate, object], not {item!r}")
        s, p, o = (str(t) for t in item)
        _check_predicate(p, err)
        for term in (s, o):
            _check_term(term, registry, err)
        s, o = resolved(s), resolved(o)
        gold.add(
            "relations",
            (doc.key, *props.normal(s, p, o)),
            f"{doc.key} {s} {p} {o} (sentence {index})",
        )
    for item in body.get("quantities") or ():
        _require(item, ("text", "value", "unit", "indicator"), err)
        key = (doc.key, index, _number(item["value"]), str(item["unit"]))
        gold.add(
            "quantities",
            key,
            f"{here} {surface(item['text'], item)} = {key[2]} {key[3]} [{item['indicator']}]",
        )
        gold.indicators[key] = str(item["indicator"])
        if item.get("subject"):
            _check_term(str(item["subject"]), registry, lambda reason, item=item: err(reason, item))
            gold.subjects[key] = resolved(str(item["subject"]))
    for item in body.get("dates") or ():
        _require(item, ("text", "value", "precision"), err)
        if item["precision"] not in PRECISIONS:
            raise err(f"precision {item['precision']!r} must be one of {sorted(PRECISIONS)}", item)
        key = (
            doc.key,
            index,
            str(item["value"]),
            str(item["precision"]),
            str(item["end"]) if item.get("end") else None,
        )
        gold.add("dates", key, f"{here} {surface(item['text'], item)} = {_date_label(*key[2:])}")
    if "events" in body:
        gold.event_documents.add(doc.key)
    for item in body.get("events") or ():
        _require(item, ("text", "type", "date"), err)
        if item["type"] not in EVENT_CLASSES:
            raise err(f"event type {item['type']!r} must be one of {sorted(EVENT_CLASSES)}", item)
        event = (doc.key, str(item["type"]), str(item["date"]))
        label = f"{doc.key} {item['type']} {item['date']} ({surface(item['text'], item)}, sentence {index})"
        gold.add("events", event, label)
        roles = item.get("roles") or {}
        if not isinstance(roles, dict):
            raise err(f"an event's roles are a mapping of role to entity, not {roles!r}", item)
        for role, values in ((r, v) for r, v in roles.items() if r != LINE):
            if role not in ROLES:
                raise err(f"role {role!r} must be one of {', '.join(ROLES)}", item)
            for value in values if isinstance(values, list) else [values]:
                _check_term(str(value), registry, lambda reason, item=item: err(reason, item))
                who = resolved(str(value))
                gold.add("event roles", (*event, role, who), f"{label} {role} {who}")
                if item["type"] == "Founding" and role == "object":
                    gold.add(
                        "relations",
                        (doc.key, *props.normal(f"founding:{who}", "establishes", who)),
                        f"{doc.key} founding:{who} establishes {who} (sentence {index})",
                    )


def _founding(term: str, registry: Registry) -> str:
    """`event/K-founding` (the seeds' name of a founding) -> `founding:type/K`, as predictions name it."""
    kind, _, key = term.partition("/")
    if kind != "event" or not key.endswith("-founding") or Ref(kind, key) in registry.entities:
        return term
    thing = key.removesuffix("-founding")
    found = next((r for r in registry.entities if r.key == thing), None)
    return f"founding:{found}" if found else term


def _entity_targets(target, registry: Registry, err) -> list[str]:
    """`type/key`, a list of them, or `{name, type, class}` for an entity the registry lacks."""
    if isinstance(target, dict):
        if not target.get("name") or target.get("type") not in TYPES or not target.get("class"):
            raise err(
                "an entity the registry lacks needs name, type (one of the IRI types) and class"
            )
        return [f"name:{target['name']}"]
    targets = target if isinstance(target, list) else [target]
    for t in targets:
        _check_term(str(t), registry, err)
    return [str(t) for t in targets]


def _check_term(term: str, registry: Registry, err) -> None:
    """An entity the registry knows, a founding event, a minted name, or a practice / function code."""
    kind, _, key = term.partition("/")
    codes = {"singapore-practice": registry.practices, "function": registry.functions}
    if term.startswith("name:") and len(term) > 5:
        return
    if kind in TYPES and (
        Ref(kind, key) in registry.entities or (kind == "event" and key.endswith("-founding"))
    ):
        return
    if kind in codes and key in codes[kind]:
        return
    raise err(
        f"{term!r} is neither a registry entity (type/key), a founding event, name:… nor a known code"
    )


def _check_predicate(p: str, err) -> None:
    try:
        predicate_iri(p)
    except (AttributeError, KeyError):
        raise err(f"{p!r} is not a property of our ontology") from None


def _require(item, fields: tuple[str, ...], err) -> None:
    if not isinstance(item, dict) or any(item.get(f) in (None, "") for f in fields):
        raise err(f"needs {', '.join(fields)}: {item!r}", item if isinstance(item, dict) else None)


def _number(value) -> str:
    """A value written the same way on both sides: 1.91E+11, 191000000000 and 191000000000.0 agree."""
    return format(Decimal(str(value)).normalize(), "f")


def _date_label(value: str, precision: str, end: str | None) -> str:
    return f"{value}{'/' + end if end else ''} ({precision})"


# ---------------------------------------------------------------------------- the pipeline


@dataclass
class Run:
    """One extraction of the sources, with what both variants are read from."""

    docs: list[Document]
    registry: Registry
    extraction: Extraction
    curated: list[Fact]


def read_inputs(paths: Paths) -> tuple[list[Document], Registry]:
    """The sources and the registry, as `build.assemble` reads them."""
    docs = read_sources(paths.sources)
    try:
        return docs, parse_registry(yamlfile.load(paths.registry))
    except RegistryError as e:
        raise BuildError(f"{paths.registry}: {e}") from e


def run_pipeline(paths: Paths, docs: list[Document], registry: Registry) -> Run:
    """The extractor (and curation) over the sources, as `build.assemble` runs them; no store."""
    by_key = {d.key: d for d in docs}
    document_dates = load_document_dates(paths.curation, by_key)
    # no frozen names: a name is found by the recognisers or it is a miss (minted.yaml holds the test half's)
    extraction = Extractor(registry).run(docs, {k: d.value for k, d in document_dates.items()})
    entries = load_entries(paths.curation, by_key, registry.entities)
    curated = apply_curation(extraction.facts, entries, paths.curation).facts
    return Run(docs, registry, extraction, curated)


def predictions(
    run: Run, props: Properties, documents: set[str], event_documents: set[str]
) -> dict[str, Annotations]:
    """What the pipeline found in the given documents, per variant."""
    by_key = {d.key: d for d in run.docs if d.key in documents}
    entities = run.registry.entities
    found_names = {
        ref for ref in run.extraction.minted.values() if entities[ref].minted
    }  # not registry entities
    facts = run.extraction.facts
    founded = {
        f.subject: f.object
        for f in facts
        if f.predicate == "establishes" and f.subject.key.endswith("-founding")
    }

    def identity(term: Ref | Concept) -> str:
        if isinstance(term, Concept):
            return f"{term.scheme}/{term.code}"
        if term in founded:
            return f"founding:{identity(founded[term])}"
        return f"name:{entities[term].zh}" if term in found_names else str(term)

    common = Annotations()
    for doc_key, index, ref in run.extraction.mentions:
        if doc_key in by_key:
            label = entities[ref].zh if ref in entities else ""
            common.add(
                "entities",
                (doc_key, index, identity(ref)),
                f"{doc_key}#{index} {label} {identity(ref)}",
            )
    for o in run.extraction.observations:
        doc = by_key.get(o.evidence.doc)
        if doc is None:
            continue
        index = doc.sentence_at(o.evidence.start).index
        key = (doc.key, index, _number(o.value), o.unit)
        common.add(
            "quantities",
            key,
            f"{doc.key}#{index} {o.stated} = {key[2]} {key[3]} [{o.indicator.code}]",
        )
        common.indicators.setdefault(key, o.indicator.code)
        about = (
            o.subject if isinstance(o.subject, Ref | Concept) else o.area
        )  # the area, unless it says otherwise
        common.subjects.setdefault(key, identity(about))
    for doc_key, index, d in run.extraction.dates:
        if doc_key in by_key:
            key = (doc_key, index, d.value, d.datatype, d.end_value)
            common.add("dates", key, f"{doc_key}#{index} {d.text} = {_date_label(*key[2:])}")
    events = dated_events(facts, entities)
    for (ref, doc_key), (cls, dates) in events.items():
        if doc_key in event_documents:
            for date in dates:
                common.add("events", (doc_key, cls, date), f"{doc_key} {cls} {date} ({ref})")
    for f in facts:
        role = ROLE_OF.get(f.predicate)
        doc_key = f.evidence.doc
        if (
            (f.subject, doc_key) in events
            and role
            and isinstance(f.object, Ref)
            and doc_key in event_documents
        ):
            cls, dates = events[(f.subject, doc_key)]
            if cls == "Founding" and role == "result":
                continue  # org:resultingOrganization restates what a founding establishes
            for date in dates:
                common.add(
                    "event roles",
                    (doc_key, cls, date, role, identity(f.object)),
                    f"{doc_key} {cls} {date} {role} {identity(f.object)} ({f.evidence.method})",
                )
    out = {}
    for variant, variant_facts in zip(VARIANTS, (facts, run.curated)):
        found = Annotations(
            items={**common.items, "relations": {}},
            indicators=common.indicators,
            subjects=common.subjects,
        )
        for f in variant_facts:
            if (
                f.evidence.doc in by_key
                and f.predicate != "rdf:type"
                and isinstance(f.object, (Ref, Concept))
            ):
                if _is_act(f.subject, entities):
                    continue  # the roles of a dated act are scored as event roles
                s, p, o = identity(f.subject), f.predicate, identity(f.object)
                found.add(
                    "relations",
                    (f.evidence.doc, *props.normal(s, p, o)),
                    f"{f.evidence.doc} {s} {p} {o} ({f.evidence.method})",
                )
        out[variant] = found
    return out


def _is_act(ref: Ref, entities) -> bool:
    """An event the extractor minted for a dated act (foundings keep the seeds' relations)."""
    info = entities.get(ref)
    return (
        ref.type == "event"
        and info is not None
        and info.minted
        and not ref.key.endswith("-founding")
    )


def dated_events(facts: list[Fact], entities) -> dict[tuple[Ref, str], tuple[str, list[str]]]:
    """Events the facts type and date, per document that states them (two documents may tell of
    one founding): (event, document) -> (class, dates)."""
    classes = {
        (f.subject, f.evidence.doc): f.object.lexical
        for f in facts
        if f.subject.type == "event"
        and f.predicate == "rdf:type"
        and f.object.lexical in EVENT_CLASSES
        and (entities.get(f.subject) is None or entities[f.subject].minted)
    }
    dates: dict[tuple[Ref, str], list[str]] = {}
    for f in facts:
        if (f.subject, f.evidence.doc) in classes and f.predicate == "dct:date":
            dates.setdefault((f.subject, f.evidence.doc), []).append(f.object.lexical)
    return {key: (cls, dates[key]) for key, cls in classes.items() if key in dates}


def evaluate(paths: Paths | None = None, gold_dir: Path = GOLD, split: str = "all") -> Evaluation:
    """The pipeline against the gold (one split of it), with and without curation."""
    paths = paths or Paths()
    props = Properties.from_ontology()
    docs, registry = read_inputs(paths)
    gold = load_gold(gold_dir, {d.key: d for d in docs}, registry, props, split)
    run = run_pipeline(paths, docs, registry)
    documents = {key[0] for kind in KINDS for key in gold.items[kind]}
    predicted = predictions(run, props, documents, gold.event_documents)
    results = {variant: compare(gold, predicted[variant]) for variant in VARIANTS}
    return Evaluation(
        results,
        indicator_agreement(gold, predicted["rules"]),
        sorted(documents),
        subject_agreement(gold, predicted["rules"]),
        split,
    )
