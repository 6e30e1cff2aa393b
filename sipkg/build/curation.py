"""Reviewed corrections and additions (data/curation/*.yaml), each citing an exact quote.

An entry adds a fact the rules cannot reach, accepts one they found (a reviewer's
confirmation, kept as a second piece of evidence), rejects one they got wrong, or corrects
its object. Its quote must occur in the cited document's text: the quote becomes the
fact's evidence, so a curated fact is traced to its sentence like any other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from sipkg import yamlfile
from sipkg.build.documents import Document
from sipkg.build.extract.model import Concept, EntityInfo, Evidence, Fact, Ref, Term, Value
from sipkg.build.rdf import predicate_iri
from sipkg.yamlfile import InputError

ACTIONS = ("add", "accept", "reject", "correct")
ID = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


class CurationError(InputError):
    """A curation entry is wrong: file, line and reason."""


@dataclass(frozen=True)
class Entry:
    id: str
    action: str
    subject: Ref
    predicate: str
    object: Term
    replaces: Term | None
    evidence: Evidence
    reason: str
    file: str
    line: int


@dataclass(frozen=True)
class DocumentDate:
    """When a document's text was written, where its page date is later (a reviewed estimate)."""

    id: str
    value: Value
    evidence: Evidence
    reason: str


@dataclass
class CurationResult:
    facts: list[Fact]
    added: int
    rejected: int
    corrected: int
    accepted: int


def parse_term(raw, entities: dict[Ref, EntityInfo], err) -> Term:
    """`org/key` -> Ref; {concept: scheme/code}; {value: …, datatype: …}; {class: Bureau}."""
    if isinstance(raw, str) and "/" in raw:
        ref = Ref(*raw.split("/", 1))
        if ref not in entities:
            raise err(f"unknown entity {raw!r} (not in the registry)")
        return ref
    if isinstance(raw, dict) and "concept" in raw:
        scheme, _, code = str(raw["concept"]).partition("/")
        if not code:
            raise err(f"concept {raw['concept']!r} must be scheme/code")
        return Concept(scheme, code)
    if isinstance(raw, dict) and "value" in raw:
        return Value(str(raw["value"]), str(raw.get("datatype", "string")))
    if isinstance(raw, dict) and "class" in raw:
        return Value(str(raw["class"]), "class")
    raise err(
        f"cannot read {raw!r} as an entity (type/key), {{concept: …}}, {{value: …}} or {{class: …}}"
    )


def locate(doc: Document, quote: str, occurrence: int | None, err) -> tuple[int, int]:
    """Code-point span of the quote in the document; it must occur, and unambiguously."""
    starts = [m.start() for m in re.finditer(re.escape(quote), doc.text)]
    if not starts:
        raise err(f"quote not found in document {doc.key}: {quote!r}")
    ambiguous = (
        len({doc.sentence_at(s).text for s in starts}) > 1
    )  # the same sentence repeated is not
    if occurrence is None and ambiguous:
        raise err(f"quote occurs {len(starts)} times in {doc.key}; add 'occurrence: N'")
    index = (occurrence or 1) - 1
    if not 0 <= index < len(starts):
        raise err(f"occurrence {occurrence} out of range (the quote occurs {len(starts)} times)")
    return starts[index], starts[index] + len(quote)


def _items(folder: Path) -> list[tuple[Path, object]]:
    """Every entry of every curation file, with its file."""
    items = []
    for path in sorted(folder.glob("*.yaml")):
        raw = yamlfile.load(path, CurationError) or []
        if not isinstance(raw, list):
            raise CurationError(path, 1, "expected a list of entries")
        items.extend((path, item) for item in raw)
    return items


def load_entries(
    folder: Path, docs: dict[str, Document], entities: dict[Ref, EntityInfo]
) -> list[Entry]:
    """The fact entries (add, reject, correct), each checked against the documents and registry."""
    seen: dict[str, str] = {}
    return [
        _entry(path, item, docs, entities, seen)
        for path, item in _items(folder)
        if not (isinstance(item, dict) and "as_of" in item)
    ]


DATATYPES = {4: "gYear", 7: "gYearMonth", 10: "date"}


def load_document_dates(folder: Path, docs: dict[str, Document]) -> dict[str, DocumentDate]:
    """Entries `{id, doc, quote, as_of, reason}`: the date a document's 目前 (now) refers to."""
    dates: dict[str, DocumentDate] = {}
    for path, item in _items(folder):
        if not (isinstance(item, dict) and "as_of" in item):
            continue
        line = item.get(yamlfile.LINE)

        def err(reason: str, line=line, path=path) -> CurationError:
            return CurationError(path, line, reason)

        for field in ("id", "doc", "quote", "reason"):
            if not item.get(field):
                raise err(f"missing '{field}'")
        doc = docs.get(str(item["doc"]))
        if doc is None:
            raise err(f"unknown document {item['doc']!r}")
        value = str(item["as_of"])
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", value):
            raise err(f"as_of {value!r} must be YYYY, YYYY-MM or YYYY-MM-DD")
        start, end = locate(doc, str(item["quote"]), item.get("occurrence"), err)
        evidence = Evidence(doc.key, start, end, f"curation:{item['id']}", 1.0)
        dates[doc.key] = DocumentDate(
            str(item["id"]), Value(value, DATATYPES[len(value)]), evidence, str(item["reason"])
        )
    return dates


def _entry(path: Path, item, docs, entities, seen) -> Entry:
    line = item.get(yamlfile.LINE) if isinstance(item, dict) else None

    def err(reason: str) -> CurationError:
        return CurationError(path, line, reason)

    if not isinstance(item, dict):
        raise err("each entry must be a mapping")
    for field in ("id", "doc", "quote", "subject", "predicate", "object", "reason"):
        if not item.get(field):
            raise err(f"missing '{field}'")
    entry_id = str(item["id"])
    if not ID.fullmatch(entry_id):
        raise err(f"id {entry_id!r} must be lowercase ASCII words joined by hyphens")
    if entry_id in seen:
        raise err(f"id {entry_id!r} is already used in {seen[entry_id]}")
    seen[entry_id] = f"{path.name}:{line}"
    action = item.get("action", "add")
    if action not in ACTIONS:
        raise err(f"action {action!r} must be one of {', '.join(ACTIONS)}")
    doc = docs.get(str(item["doc"]))
    if doc is None:
        raise err(f"unknown document {item['doc']!r} (known: {', '.join(sorted(docs))})")
    start, end = locate(doc, str(item["quote"]), item.get("occurrence"), err)
    if doc.sentence_at(start).furniture:
        raise err("the quote is in page furniture, not in the document's content")
    predicate = str(item["predicate"])
    try:
        predicate_iri(predicate)
    except (AttributeError, KeyError):
        raise err(f"unknown predicate {predicate!r}") from None
    subject = parse_term(item["subject"], entities, err)
    if not isinstance(subject, Ref):
        raise err("the subject must be an entity (type/key)")
    replaces = parse_term(item["replaces"], entities, err) if item.get("replaces") else None
    if action == "correct" and replaces is None:
        raise err("a correction needs 'replaces': the object the rules gave")
    return Entry(
        id=entry_id,
        action=action,
        subject=subject,
        predicate=predicate,
        object=parse_term(item["object"], entities, err),
        replaces=replaces,
        evidence=Evidence(doc.key, start, end, f"curation:{entry_id}", 1.0),
        reason=str(item["reason"]),
        file=path.name,
        line=line or 0,
    )


def apply(facts: list[Fact], entries: list[Entry], folder: Path) -> CurationResult:
    """Facts after the reviewed entries: rejected and corrected ones out, additions in, accepted ones confirmed."""
    out = list(facts)
    counts = dict.fromkeys(ACTIONS, 0)
    for e in entries:
        if e.action in ("accept", "reject", "correct"):
            target = e.replaces if e.action == "correct" else e.object
            kept = [
                f
                for f in out
                if (f.subject, f.predicate, f.object) != (e.subject, e.predicate, target)
            ]
            if len(kept) == len(out):
                raise CurationError(
                    folder / e.file,
                    e.line,
                    f"{e.action} {e.id!r}: no extracted fact matches it any more",
                )
            if e.action != "accept":
                out = kept
        if e.action in ("add", "accept", "correct"):
            out.append(Fact(e.subject, e.predicate, e.object, e.evidence))
        counts[e.action] += 1
    return CurationResult(out, counts["add"], counts["reject"], counts["correct"], counts["accept"])
