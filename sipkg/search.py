"""Search that understands how people write Chinese names: pure, built from rows, no store.

Names match as written, in traditional script (OpenCC folds 蘇州 to 苏州), by abbreviation or
alias (社工委, 管委会, 园区), by any fragment (邻里), in pinyin with or without spaces and
tones (shè gōng wěi, she4gong1wei3, shegongwei) or by pinyin initials (sgw), and in English.
Sentences of the sources match by their text. The web tier keeps one `Index` per dataset version.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import opencc
from pypinyin import Style, lazy_pinyin

SNIPPET_CONTEXT = 32  # characters of a sentence shown on each side of a match


@dataclass(frozen=True)
class Name:
    """One name of an entity: a label or an alias, in zh, en or neither."""

    iri: str
    text: str
    lang: str = ""
    alias: bool = False


@dataclass(frozen=True)
class Passage:
    """A sentence of a source document, as searchable text."""

    iri: str
    text: str
    doc: str
    index: int


@dataclass(frozen=True)
class Hit:
    """A search result: an entity (with the name that matched) or a sentence (with a highlighted snippet)."""

    iri: str
    kind: str  # "entity" or "sentence"
    score: float
    matched: str = ""
    how: str = ""  # exact, prefix, contains, pinyin, initials, words, text
    snippet: tuple[tuple[str, bool], ...] = ()  # (text, is_match) pieces
    doc: str = ""
    index: int = 0


_t2s = opencc.OpenCC("t2s")


@lru_cache(maxsize=4096)
def simplify(text: str) -> str:
    """NFKC (full-width letters to ASCII) and traditional to simplified Chinese, lower case."""
    return _t2s.convert(unicodedata.normalize("NFKC", text)).lower()


def compact(text: str) -> str:
    """The letters, digits and CJK characters of `text`, simplified: what names are compared on."""
    return "".join(ch for ch in simplify(text) if ch.isalnum())


def has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def pinyin_forms(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a Chinese name, both compact: 社工委 -> ("shegongwei", "sgw")."""
    plain = simplify(text)
    full = "".join(lazy_pinyin(plain, style=Style.NORMAL))
    initials = "".join(lazy_pinyin(plain, style=Style.FIRST_LETTER))
    return compact(full), compact(initials)


def pinyin_query(query: str) -> str:
    """A romanised query folded the way `pinyin_forms` writes: no tone marks or numbers, no spaces, ü as v."""
    text = unicodedata.normalize("NFD", query.lower()).replace("u\u0308", "v").replace("u:", "v")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"(?<=[a-z])[1-5]", "", text)
    return "".join(ch for ch in text if ch.isascii() and ch.isalnum())


@dataclass
class _Entry:
    name: Name
    key: str
    pinyin: str = ""
    initials: str = ""
    words: frozenset[str] = field(default_factory=frozenset)


class Index:
    """Entity names and source sentences, ready to be searched."""

    def __init__(self, names: Iterable[Name], passages: Iterable[Passage]):
        self.entries: list[_Entry] = []
        for n in names:
            key = compact(n.text)
            if not key:
                continue
            full, initials = pinyin_forms(n.text) if has_cjk(n.text) else ("", "")
            words = frozenset(re.findall(r"\w+", simplify(n.text)))
            self.entries.append(_Entry(n, key, full, initials, words))
        self.passages = [(p, simplify(p.text)) for p in passages]

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """Hits for `query`, best first: entities by how well a name matches, then sentences containing it."""
        key = compact(query)
        if not key:
            return []
        best: dict[str, Hit] = {}
        roman = "" if has_cjk(query) else pinyin_query(query)
        words = re.findall(r"\w+", simplify(query))
        for e in self.entries:
            scored = _score(e, key, roman, words)
            if scored:
                score, how = scored
                old = best.get(e.name.iri)
                if old is None or score > old.score:
                    best[e.name.iri] = Hit(e.name.iri, "entity", score, e.name.text, how)
        hits = sorted(best.values(), key=lambda h: (-h.score, len(h.matched), h.iri))
        hits += self._sentences(query)
        return hits[:limit]

    def _sentences(self, query: str) -> list[Hit]:
        needle = simplify(query).strip()
        if len(needle) < 2 and not has_cjk(needle):
            return []
        found = []
        for p, text in self.passages:
            at = text.find(needle)
            if at >= 0:
                score = 20 + 10 * text.count(needle) / max(1, len(text) / 50)
                found.append(
                    Hit(
                        p.iri,
                        "sentence",
                        round(score, 2),
                        needle,
                        "text",
                        snippet(p.text, text, needle, at),
                        p.doc,
                        p.index,
                    )
                )
        return sorted(found, key=lambda h: (-h.score, h.doc, h.index))


def _score(e: _Entry, key: str, roman: str, words: list[str]) -> tuple[float, str] | None:
    """How well one name matches the query, as (score, how); None when it does not."""
    bonus = 0 if e.name.alias else 2
    ratio = len(key) / len(e.key)
    if e.key == key:
        return 100 + bonus, "exact"
    if e.key.startswith(key):
        return 70 + 20 * ratio + bonus, "prefix"
    if key in e.key and (len(key) >= 2 or has_cjk(key)):
        return 50 + 20 * ratio + bonus, "contains"
    if roman and e.pinyin:
        if e.pinyin == roman:
            return 90 + bonus, "pinyin"
        if len(roman) >= 2 and e.initials == roman:
            return 80 + bonus, "initials"
        if len(roman) >= 4 and e.pinyin.startswith(roman):
            return 60 + 20 * len(roman) / len(e.pinyin) + bonus, "pinyin"
        if len(roman) >= 4 and roman in e.pinyin:
            return 40 + 20 * len(roman) / len(e.pinyin) + bonus, "pinyin"
    if len(words) > 1 and all(any(w.startswith(q) for w in e.words) for q in words):
        return 45 + 20 * ratio + bonus, "words"
    return None


def snippet(original: str, folded: str, needle: str, at: int) -> tuple[tuple[str, bool], ...]:
    """A window of `original` around the match at `at`, as (text, is_match) pieces, every match in it marked.

    `folded` is `simplify(original)`: the same length for Chinese text, so offsets carry over;
    when folding changed the length, the window is cut from the folded text instead.
    """
    source = original if len(folded) == len(original) else folded
    start, end = max(0, at - SNIPPET_CONTEXT), min(len(source), at + len(needle) + SNIPPET_CONTEXT)
    pieces: list[tuple[str, bool]] = [("…", False)] if start > 0 else []
    pos = start
    while True:
        hit = folded.find(needle, pos, end)
        if hit < 0 or hit + len(needle) > end:
            break
        if hit > pos:
            pieces.append((source[pos:hit], False))
        pieces.append((source[hit : hit + len(needle)], True))
        pos = hit + len(needle)
    pieces.append((source[pos:end], False))
    if end < len(source):
        pieces.append(("…", False))
    return tuple(p for p in pieces if p[0])
