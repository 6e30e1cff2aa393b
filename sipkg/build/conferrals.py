"""Designation facts -> conferral events: who conferred which designation on whom, when.

The designation rule and curation state a designation's recipient, conferrer and date as facts
of the designation; one designation conferred twice (the pilot title, by the two governments in
September 2012 and by the Central Comprehensive Management Office in January 2013) would carry
both dates and every conferrer. Here what one sentence says of one designation becomes one
`sip:Conferral` event, each fact keeping its own evidence. An award the event rules read from the
same sentence about the same recipient is that conferral, told once: its agent fills a conferrer
the designation rule left open. Pure: facts in, facts and the new events' names out.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sipkg.build.documents import Document
from sipkg.build.extract.model import EntityInfo, Fact, Ref, Term, Value

MOVED = ("recipient", "conferredBy", "dct:date")  # what a designation says of its conferral
AWARD = Value("Award", "class")


@dataclass
class Reading:
    """What one sentence says of one designation's conferral."""

    designation: Ref
    facts: list[Fact] = field(default_factory=list)  # recipient, conferredBy, dct:date

    def objects(self, predicate: str) -> list[Term]:
        return [f.object for f in self.facts if f.predicate == predicate]


def conferrals(
    facts: list[Fact], docs: dict[str, Document], entities: dict[Ref, EntityInfo]
) -> tuple[list[Fact], list[EntityInfo]]:
    """The facts with each designation's conferrals as events; the events' names for the registry."""
    readings: dict[tuple[Ref, str, int], Reading] = {}
    kept: list[Fact] = []
    for f in facts:
        if f.subject.type == "designation" and f.predicate in MOVED:
            where = (f.subject, *_sentence(f, docs))
            readings.setdefault(where, Reading(f.subject)).facts.append(f)
        else:
            kept.append(f)
    awards = _awards(kept, docs)
    folded: set[Ref] = set()
    out: list[Fact] = []
    names: dict[Ref, EntityInfo] = {}
    for (_, doc, index), reading in sorted(readings.items()):
        for award in awards.get((doc, index), []):
            if _same_happening(reading, award):
                _fold(reading, award)
                folded.add(award[0].subject)
        dates = sorted({o for o in reading.objects("dct:date") if isinstance(o, Value)})
        ref = _ref(reading.designation, dates[-1] if dates else None, doc, index)
        evidence = reading.facts[0].evidence
        out.append(Fact(ref, "rdf:type", Value("Conferral", "class"), evidence))
        out.append(Fact(ref, "confers", reading.designation, evidence))
        out.extend(Fact(ref, f.predicate, f.object, f.evidence) for f in reading.facts)
        if ref not in names:
            names[ref] = _names(ref, entities[reading.designation], dates[-1] if dates else None)
    out = [f for f in kept if f.subject not in folded] + out
    return out, list(names.values())


def _sentence(f: Fact, docs: dict[str, Document]) -> tuple[str, int]:
    return f.evidence.doc, docs[f.evidence.doc].sentence_at(f.evidence.start).index


def _awards(facts: list[Fact], docs: dict[str, Document]) -> dict[tuple[str, int], list]:
    """Award events by the sentence that states them: (doc, sentence) -> [facts of one award]."""
    awarded = {f.subject for f in facts if f.predicate == "rdf:type" and f.object == AWARD}
    by_event: dict[Ref, list[Fact]] = defaultdict(list)
    for f in facts:
        if f.subject in awarded:
            by_event[f.subject].append(f)
    out: dict[tuple[str, int], list] = defaultdict(list)
    for award in by_event.values():
        for where in {_sentence(f, docs) for f in award}:
            out[where].append(award)
    return out


def _same_happening(reading: Reading, award: list[Fact]) -> bool:
    """The award is about the reading's recipient, and at the same date if both give one."""
    concerns = {f.object for f in award if f.predicate == "concerns"}
    dates = {f.object for f in award if f.predicate == "dct:date"}
    stated = set(reading.objects("dct:date"))
    return bool(concerns & set(reading.objects("recipient"))) and (
        not stated or not dates or bool(stated & dates)
    )


def _fold(reading: Reading, award: list[Fact]) -> None:
    """The award's agent where the designation rule found no conferrer; its place and parties.

    Not its date: the designation rule dates what the sentence dates and leaves out a span
    (去年以来…先后获评: since last year, one after another), which the event rules read as a date."""
    conferred = bool(reading.objects("conferredBy"))
    for f in award:
        if f.predicate == "agent" and not conferred:
            reading.facts.append(Fact(f.subject, "conferredBy", f.object, f.evidence))
        elif f.predicate in ("heldIn", "participant"):
            reading.facts.append(f)


def _ref(designation: Ref, date: Value | None, doc: str, index: int) -> Ref:
    """`conferral-{date}-{designation}`, as events are named; undated, after its sentence."""
    if date is None:
        return Ref("event", f"conferral-{designation.key}-{doc[:8]}-{index}")
    when = date.lexical.lstrip("-") + ("-bce" if date.lexical.startswith("-") else "")
    return Ref("event", f"conferral-{when}-{designation.key}")


def _names(ref: Ref, designation: EntityInfo, date: Value | None) -> EntityInfo:
    """授予“X”称号(2013年1月) / Conferral of X, 2013-01."""
    zh = f"授予“{designation.zh}”称号"
    en = f"Conferral of {designation.en}"
    if date is not None:
        parts = date.lexical.lstrip("-").split("-")
        zh += "(" + "".join(f"{int(p)}{u}" for p, u in zip(parts, "年月日", strict=False)) + ")"
        en += f", {date.lexical}"
    return EntityInfo(ref, "Conferral", zh, en, minted=True)
