"""The entity registry (known entities, names, aliases) and the gazetteer that finds them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pypinyin import lazy_pinyin

from sipkg.build.extract.model import EntityInfo, Ref

TYPES = {
    "org",
    "site",
    "place",
    "programme",
    "plan",
    "publication",
    "designation",
    "event",
    "person",
}
KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
LINE = "__line__"  # where a loader that tracks lines put an entry's line number


class RegistryError(ValueError):
    """A registry entry is wrong; names the entry and the reason."""


@dataclass
class Registry:
    entities: dict[Ref, EntityInfo]
    practices: dict[str, list[str]] = field(default_factory=dict)
    functions: dict[str, list[str]] = field(default_factory=dict)
    indicators: dict[str, list[str]] = field(default_factory=dict)
    ignore: list[str] = field(default_factory=list)

    def add(self, info: EntityInfo) -> None:
        """Register an entity found by extraction (its key is minted once, then kept)."""
        if info.ref in self.entities:
            raise RegistryError(f"key {info.ref} is already taken by {self.entities[info.ref].zh}")
        self.entities[info.ref] = info

    def by_name(self, name: str) -> EntityInfo | None:
        """The entity whose label or alias is exactly `name`."""
        for info in self.entities.values():
            if (
                name == info.zh
                or name in info.aliases
                or name == info.en
                or name in info.aliases_en
            ):
                return info
        return None

    def names(self) -> dict[str, Ref]:
        """Every Chinese name and alias -> entity; a name used twice is an error."""
        table: dict[str, Ref] = {}
        for info in self.entities.values():
            for name in (info.zh, *info.aliases):
                if name in table and table[name] != info.ref:
                    raise RegistryError(
                        f"name {name!r} is used by both {table[name]} and {info.ref}"
                    )
                table[name] = info.ref
        return table


def _entry_error(i: int, entry: dict, reason: str) -> RegistryError:
    line = entry.get(LINE)
    where = f"line {line}, " if line else ""
    return RegistryError(f"{where}entity #{i + 1} ({entry.get('key', '?')}): {reason}")


def parse_registry(data: dict) -> Registry:
    """A Registry from the parsed YAML, each entry checked."""
    if not isinstance(data, dict) or not isinstance(data.get("entities"), list):
        raise RegistryError("the registry needs an 'entities' list")
    entities: dict[Ref, EntityInfo] = {}
    for i, e in enumerate(data["entities"]):
        if not isinstance(e, dict):
            raise RegistryError(f"entity #{i + 1}: expected a mapping")
        for required in ("key", "type", "class", "zh", "en"):
            if not e.get(required):
                raise _entry_error(i, e, f"missing '{required}'")
        if e["type"] not in TYPES:
            raise _entry_error(i, e, f"type {e['type']!r} is not one of {sorted(TYPES)}")
        if e.get("kind") and e["type"] not in ("designation", "programme"):
            raise _entry_error(
                i, e, "only designations and programmes take a 'kind' (organisations have a class)"
            )
        if not KEY.fullmatch(str(e["key"])):
            raise _entry_error(i, e, "key must be lowercase ASCII words joined by hyphens")
        ref = Ref(e["type"], str(e["key"]))
        if ref in entities:
            raise _entry_error(i, e, "key used twice")
        entities[ref] = EntityInfo(
            ref=ref,
            cls=e["class"],
            zh=str(e["zh"]),
            en=str(e["en"]),
            aliases=tuple(str(a) for a in e.get("aliases", ())),
            aliases_en=tuple(str(a) for a in e.get("aliases_en", ())),
            note_zh=e.get("note_zh"),
            note_en=e.get("note_en"),
            collective=bool(e.get("collective", False)),
            kind=e.get("kind"),
            minted=bool(e.get("minted", False)),
        )

    def phrases(section: str) -> dict[str, list[str]]:
        return {k: [str(n) for n in v] for k, v in (data.get(section) or {}).items() if k != LINE}

    registry = Registry(
        entities=entities,
        practices=phrases("practices"),
        functions=phrases("functions"),
        indicators=phrases("indicators"),
        ignore=list(data.get("ignore") or ()),
    )
    registry.names()
    return registry


def mint_key(name: str, taken: set[str]) -> str:
    """A readable ASCII key for a new name: its pinyin, made unique against `taken`."""
    words = [w for w in lazy_pinyin(name) if w.strip()]
    slug = re.sub(r"[^a-z0-9]+", "-", "-".join(words).lower()).strip("-") or "entity"
    key, n = slug, 2
    while key in taken:
        key, n = f"{slug}-{n}", n + 1
    return key


def pinyin_label(name: str) -> str:
    """A romanised label for a name that has no English one yet."""
    return " ".join(w.capitalize() for w in lazy_pinyin(name) if w.strip())


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    text: str
    ref: Ref


class Gazetteer:
    """Finds registry names in text: longest match first, ignoring listed phrases."""

    def __init__(self, names: dict[str, Ref], ignore: list[str] = ()):
        self.names = names
        self.blocked = set(ignore)
        self.longest = max(map(len, [*names, *ignore]), default=0)

    def find(self, text: str) -> list[Mention]:
        mentions, i = [], 0
        while i < len(text):
            hit = self._match_at(text, i)
            if hit is None:
                i += 1
                continue
            name, ref = hit
            if ref is not None:
                mentions.append(Mention(i, i + len(name), name, ref))
            i += len(name)
        return mentions

    def _match_at(self, text: str, i: int) -> tuple[str, Ref | None] | None:
        for n in range(min(self.longest, len(text) - i), 0, -1):
            candidate = text[i : i + n]
            if candidate in self.blocked:
                return candidate, None
            if candidate in self.names:
                return candidate, self.names[candidate]
        return None
