"""Search that understands how people write Chinese names: pure, built from rows, no store.

Names match as written, in traditional script (OpenCC folds 蘇州 to 苏州), by abbreviation or
alias (社工委, 管委会, 园区), by any fragment (邻里), in pinyin with or without spaces and
tones (shè gōng wěi, she4gong1wei3, shegongwei) or by pinyin initials (sgw), and in English.
Names no source writes in full are composed (see `variants`): a parent's short name with a body's
(苏州工业园区管委会, "SIP Administrative Committee"), the other English word order ("Administrative
Committee of Suzhou Industrial Park") and the initials of a long English name ("GDP"). Chinese
abbreviations that keep whole words of a name (财政收入 for 公共财政预算收入) match, and an English
fragment that names one entity only ("Administrative Committee") ranks as high as an alias.
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
PARTIAL_SCORE = (
    88  # an English fragment of one entity's names only: above any fragment, below an alias
)


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
    how: str = ""  # exact, prefix, contains, pinyin, initials, words, abbreviation, partial, text
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
        names = list(names)
        for n in [*names, *variants(names)]:
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
        if not has_cjk(query):
            self._unique_partial(query, best)
        hits = sorted(best.values(), key=lambda h: (-h.score, len(h.matched), h.iri))
        hits += self._sentences(query)
        return hits[:limit]

    def _unique_partial(self, query: str, best: dict[str, Hit]) -> None:
        """Raise an English fragment of names to PARTIAL_SCORE when it names one entity only: each
        other name holding its words in a row holds a name of that entity too ("Administrative
        Committee" is in the committee's names and in "Launch of … Administrative Committee",
        named after it)."""
        run = _run(query)
        holding: dict[str, list[_Entry]] = {}
        for e in self.entries:
            if not has_cjk(e.name.text) and run in _run(e.name.text):
                holding.setdefault(e.name.iri, []).append(e)
        if not holding:
            return
        first = min(holding.values(), key=lambda es: min(len(e.key) for e in es))
        iri = first[0].name.iri
        own = {e.key for e in self.entries if e.name.iri == iri}
        if all(
            any(k in e.key for k in own for e in es)
            for other, es in holding.items()
            if other != iri
        ):
            old = best.get(iri)
            if old is None or old.score < PARTIAL_SCORE:
                shortest = min(first, key=lambda e: len(e.key))
                best[iri] = Hit(iri, "entity", PARTIAL_SCORE, shortest.name.text, "partial")

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
    if len(key) >= 4 and has_cjk(key) and in_runs(key, e.key):
        return 40 + 20 * ratio + bonus, "abbreviation"
    return None


def _run(text: str) -> str:
    """The words of a text, folded, space-separated and padded: for finding whole words in a row."""
    return " " + " ".join(re.findall(r"\w+", simplify(text))) + " "


def in_runs(query: str, name: str) -> bool:
    """Whether `query` is two or more pieces of `name`, each at least two characters, in order:
    a Chinese abbreviation that keeps whole words (财政收入 in 公共财政预算收入)."""

    def rest(q: str, at: int, pieces: int) -> bool:
        if not q:
            return pieces >= 2
        for cut in range(len(q), 1, -1):
            found = name.find(q[:cut], at)
            if found >= 0 and rest(q[cut:], found + cut, pieces + 1):
                return True
        return False

    return rest(query, 0, 0)


# ---------------------------------------------------------------- names people type

STOP_WORDS = frozenset({"of", "the", "and", "for", "in"})


def _words(text: str) -> list[str]:
    return text.split()


def _qualifiers(by_iri: dict[str, list[Name]]) -> dict[str, list[Name]]:
    """Each entity's names that another entity's name starts with ("园区" in 园区管委会, "SIP" in
    "SIP Social Management Bureau") or ends with ("… of Suzhou Industrial Park"): its short names as
    a qualifier. The label is one whenever any of its names is, so the full form composes too."""
    every = [(n.iri, n.text) for ns in by_iri.values() for n in ns]
    out: dict[str, list[Name]] = {}
    for iri, names in by_iri.items():
        used = []
        for n in names:
            if len(compact(n.text)) < 2:
                continue
            if has_cjk(n.text):
                hit = any(
                    o != iri and t.startswith(n.text) and len(t) > len(n.text) for o, t in every
                )
            else:
                hit = any(
                    o != iri and (t.startswith(n.text + " ") or t.endswith(" of " + n.text))
                    for o, t in every
                )
            if hit:
                used.append(n)
        if used:
            langs = {has_cjk(n.text) for n in used}
            used += [n for n in names if not n.alias and has_cjk(n.text) in langs and n not in used]
            out[iri] = used
    return out


def _split(label: str, parent_names: list[Name]) -> tuple[Name, str] | None:
    """(the parent's name, the rest) when `label` is a parent's name and a body's name."""
    best = None
    for p in parent_names:
        if has_cjk(p.text) != has_cjk(label):
            continue
        if has_cjk(label):
            rest = label[len(p.text) :] if label.startswith(p.text) else ""
        elif label.startswith(p.text + " "):
            rest = label[len(p.text) + 1 :]
        elif label.endswith(" of " + p.text):
            rest = label[: -len(" of " + p.text)]
        else:
            rest = ""
        if len(compact(rest)) >= 2 and (best is None or len(p.text) > len(best[0].text)):
            best = (p, rest.strip())
    return best


def variants(names: Iterable[Name]) -> list[Name]:
    """Names people type that no source need write, as aliases: a parent's short name with a body's
    short name (苏州工业园区管委会, "SIP Administrative Committee"), the other English word order
    ("Administrative Committee of Suzhou Industrial Park"), the initials of a long English name
    ("GDP"). A body's parent is the entity with the longest name its label starts with (in English,
    or ends with after "of"); a composed name that another entity has, or would get, is dropped."""
    names = list(names)
    by_iri: dict[str, list[Name]] = {}
    for n in names:
        by_iri.setdefault(n.iri, []).append(n)
    qualifiers = _qualifiers(by_iri)
    taken = {compact(n.text): n.iri for n in names}
    made: dict[str, dict[str, Name]] = {}
    for iri, own in by_iri.items():
        for label in [n for n in own if not n.alias]:
            texts = set(_composed(iri, label, own, qualifiers))
            if acronym(label.text):
                texts.add(acronym(label.text))
            for t in texts:
                key = compact(t)
                if taken.get(key, iri) == iri:
                    made.setdefault(key, {}).setdefault(iri, Name(iri, t, label.lang, alias=True))
    return [n for key, by in made.items() if len(by) == 1 and key not in taken for n in by.values()]


def _composed(
    iri: str, label: Name, own: list[Name], qualifiers: dict[str, list[Name]]
) -> list[str]:
    """The label's parent's short names joined to the body's short names."""
    splits = [
        (len(split[0].text), parent, split)
        for parent, short in qualifiers.items()
        if parent != iri and (split := _split(label.text, short))
    ]
    if not splits:
        return []
    _, parent, (_, rest) = max(splits, key=lambda s: s[0])
    cjk = has_cjk(label.text)
    prefixes = [p.text for p in qualifiers[parent] if has_cjk(p.text) == cjk]
    if not cjk:
        return [f"{p} {rest}" for p in prefixes] + [f"{rest} of {p}" for p in prefixes]
    bodies = {rest}
    for a in own:
        if not a.alias or not has_cjk(a.text):
            continue
        heads = [p for p in prefixes if a.text.startswith(p)]
        body = a.text[len(max(heads, key=len)) :] if heads else a.text
        if len(body) >= 2:
            bodies.add(body)
    return [p + b for p in prefixes for b in bodies]


def acronym(text: str) -> str:
    """The initials of an English name of three or more words ("Gross domestic product" -> "GDP")."""
    words = [w for w in re.findall(r"[A-Za-z]+", text) if w.lower() not in STOP_WORDS]
    return "".join(w[0] for w in words).upper() if len(words) >= 3 and not has_cjk(text) else ""


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
