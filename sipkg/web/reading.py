"""A source document as people read it: paragraphs, numbered sentences, furniture, linked mentions.

Three queries: the document's metadata, its paragraphs, and which sentence (in which paragraph)
mentions what. The text comes from the catalogue; mentions are found in a sentence's text by
the mentioned entity's names and aliases, longest first.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sipkg.web.catalogue import Catalogue, Text, text

META = """
SELECT ?p ?o WHERE { <%(doc)s> ?p ?o FILTER(?p NOT IN (rdf:value, rdf:type, rdfs:label)) }"""

PARAGRAPHS = """
SELECT ?para ?n ?furniture WHERE {
  ?para sip:paragraphOf <%(doc)s> ; sip:index ?n . OPTIONAL { ?para sip:isFurniture ?furniture }
}"""

DCT = "http://purl.org/dc/terms/"
# what a reader asks of a source first, in this order, said even when the metadata lacks it
PROVENANCE = (DCT + "source", DCT + "publisher", DCT + "rights")
FIRST = (*PROVENANCE, DCT + "issued", DCT + "language")

SENTENCES = """
SELECT ?s ?para ?e WHERE { ?s sip:sentenceOf <%(doc)s> ; sip:inParagraph ?para . OPTIONAL { ?s sip:mentions ?e } }"""


@dataclass
class SentenceView:
    iri: str
    index: int
    furniture: bool
    pieces: list[tuple[str, str | None]]  # (text, IRI of the entity it names, or None)


@dataclass
class ParagraphView:
    iri: str
    index: int
    furniture: bool
    sentences: list[SentenceView] = field(default_factory=list)


@dataclass
class DocumentView:
    iri: str
    titles: list[Text]
    # (predicate, literal or IRI, None for PROVENANCE not recorded): provenance first
    meta: list[tuple[str, Text | str | None]]
    paragraphs: list[ParagraphView]
    unrecorded: list[str] = field(default_factory=list)  # PROVENANCE the metadata lacks


def mention_pieces(sentence: str, names: dict[str, str]) -> list[tuple[str, str | None]]:
    """`sentence` cut into pieces, each occurrence of a name linked to its entity (longest names win)."""
    spans: list[tuple[int, int, str]] = []
    taken = [False] * len(sentence)
    for name in sorted(names, key=len, reverse=True):
        start = sentence.find(name)
        while start >= 0:
            end = start + len(name)
            if not any(taken[start:end]):
                spans.append((start, end, names[name]))
                taken[start:end] = [True] * (end - start)
            start = sentence.find(name, end)
    pieces: list[tuple[str, str | None]] = []
    pos = 0
    for start, end, iri in sorted(spans):
        if start > pos:
            pieces.append((sentence[pos:start], None))
        pieces.append((sentence[start:end], iri))
        pos = end
    if pos < len(sentence):
        pieces.append((sentence[pos:], None))
    return pieces


def read(svc, doc: str, cat: Catalogue) -> DocumentView:
    """The document `doc` (an IRI the catalogue knows) ready to show."""
    params = {"doc": doc}
    meta = [
        (r["p"].value, text(r["o"]) if hasattr(r["o"], "datatype") else r["o"].value)
        for r in svc.select(META % params)
    ]
    paragraphs = {}
    for r in svc.select(PARAGRAPHS % params):
        furniture = "furniture" in r and r["furniture"].value == "true"
        paragraphs[r["para"].value] = ParagraphView(r["para"].value, int(r["n"].value), furniture)
    in_paragraph: dict[str, str] = {}
    mentioned: dict[str, set[str]] = {}
    for r in svc.select(SENTENCES % params):
        in_paragraph[r["s"].value] = r["para"].value
        if "e" in r:
            mentioned.setdefault(r["s"].value, set()).add(r["e"].value)
    for s in sorted(
        (cat.sentences[s] for s in in_paragraph if s in cat.sentences), key=lambda s: s.index
    ):
        names = {}
        for iri in mentioned.get(s.iri, ()):
            entity = cat.entities.get(iri)
            for name in (entity.labels + entity.aliases) if entity else ():
                names.setdefault(name.value, iri)
        paragraph = paragraphs.get(in_paragraph[s.iri])
        if paragraph is not None:
            paragraph.sentences.append(
                SentenceView(s.iri, s.index, s.furniture, mention_pieces(s.text, names))
            )
    ordered = sorted(paragraphs.values(), key=lambda p: p.index)
    unrecorded = [p for p in PROVENANCE if p not in {m[0] for m in meta}]
    meta += [(p, None) for p in unrecorded]
    meta.sort(key=lambda m: (FIRST.index(m[0]) if m[0] in FIRST else len(FIRST), m[0]))
    return DocumentView(doc, cat.documents.get(doc, []), meta, ordered, unrecorded)
