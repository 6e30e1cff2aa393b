"""A sentence as the rules see it: its text with every entity mention masked to one symbol.

Rules are regular expressions over the masked text in which `E` stands for one
mention and `ES` for a list of mentions (甲、乙和丙); spans map back to code points of the
document, so each fact's evidence is exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sipkg.build.documents import Document, Sentence
from sipkg.build.extract.model import EntityInfo, Evidence, Ref
from sipkg.build.extract.registry import Mention

FIRST = 0xE000  # mentions become private-use characters U+E000, U+E001, …
EC = "\ue000-\uf8ff"  # the mention symbols, for use inside a character class: [^{EC}]
E = f"[{EC}]"
QE = f'[“"《「]?{E}[”"》」]?'
CLAUSE_STOPS = ",,;;::。!?!?"  # what ends a clause, in the masked and in the plain text
ES = f"{QE}(?:(?:、|和|与|及|以及|,){QE})*"


def expand(pattern: str) -> re.Pattern[str]:
    """Compile a rule pattern written with {E} (a mention), {QE} (quoted), {ES} (a list), {EC} (in a class)."""
    return re.compile(
        pattern.replace("{ES}", ES).replace("{QE}", QE).replace("{E}", E).replace("{EC}", EC)
    )


@dataclass
class SentenceView:
    doc: Document
    sentence: Sentence
    mentions: list[Mention]
    entities: dict[Ref, EntityInfo]
    masked: str = ""
    positions: list[tuple[int, int]] = field(default_factory=list)  # masked index -> sentence span

    def __post_init__(self) -> None:
        text, out, pos, i = self.sentence.text, [], [], 0
        for n, m in enumerate(self.mentions):
            while i < m.start:
                out.append(text[i])
                pos.append((i, i + 1))
                i += 1
            out.append(chr(FIRST + n))
            pos.append((m.start, m.end))
            i = m.end
        while i < len(text):
            out.append(text[i])
            pos.append((i, i + 1))
            i += 1
        self.masked, self.positions = "".join(out), pos

    @property
    def text(self) -> str:
        return self.sentence.text

    def mention(self, symbol: str) -> Mention:
        return self.mentions[ord(symbol) - FIRST]

    def refs_in(self, masked_fragment: str) -> list[Ref]:
        """The entities named in a fragment of the masked text, in order."""
        return [
            self.mention(c).ref
            for c in masked_fragment
            if FIRST <= ord(c) < FIRST + len(self.mentions)
        ]

    def original(self, start: int, end: int) -> str:
        """The sentence text behind masked[start:end]."""
        a, b = self.span(start, end)
        return self.text[a:b]

    def masked_index(self, offset: int) -> int:
        """The masked index of the first symbol at or after a sentence offset."""
        return next((i for i, (a, _) in enumerate(self.positions) if a >= offset), len(self.masked))

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Sentence offsets of masked[start:end]."""
        return self.positions[start][0], self.positions[end - 1][1]

    def evidence(self, start: int, end: int, method: str, confidence: float) -> Evidence:
        """Evidence for masked[start:end], in code points of the document."""
        a, b = self.span(start, end)
        base = self.sentence.start
        return Evidence(self.doc.key, base + a, base + b, method, confidence)

    def sentence_evidence(self, method: str, confidence: float) -> Evidence:
        return Evidence(self.doc.key, self.sentence.start, self.sentence.end, method, confidence)

    def mention_evidence(self, m: Mention, method: str, confidence: float) -> Evidence:
        base = self.sentence.start
        return Evidence(self.doc.key, base + m.start, base + m.end, method, confidence)

    def first_of(self, *types: str, before: int | None = None) -> Ref | None:
        """The first entity of the given IRI types, optionally before a masked offset."""
        for c in self.masked[:before]:
            if FIRST <= ord(c) < FIRST + len(self.mentions) and self.mention(c).ref.type in types:
                return self.mention(c).ref
        return None

    def last_of(self, *types: str, before: int) -> Ref | None:
        """The nearest entity of the given IRI types before a masked offset."""
        for c in reversed(self.masked[:before]):
            if FIRST <= ord(c) < FIRST + len(self.mentions) and self.mention(c).ref.type in types:
                return self.mention(c).ref
        return None

    def clause_bounds(self, index: int) -> tuple[int, int]:
        """The clause (between , ; : 。) of the masked text containing an offset."""
        a = max((self.masked.rfind(s, 0, index) for s in CLAUSE_STOPS), default=-1) + 1
        ends = [self.masked.find(s, index) for s in CLAUSE_STOPS]
        b = min((e for e in ends if e >= 0), default=len(self.masked))
        return a, b
