"""Graphs shaped like ours at any size: the real build's named graphs, copied as many parks as it takes.

Copy 0 is the real graph unchanged, so every competency query has its real answer at every size.
Copy r > 0 is another park: every thing, document, sentence, statement, piece of evidence,
observation and source graph gets its own IRI (`…/id/org/x` → `…/id/org/x-p{r}`), labels and
aliases get the park's number, and the shared vocabularies (`/def/`, the ontology graph, the code
lists) stay shared, as they would across parks. The last copy is cut, whole subjects at a time,
to land on the size asked for; the proportions of entities, facts, evidence, observations and
inferred triples are the real graph's.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from sipkg.namespaces import BASE

ONTOLOGY_GRAPH = f"<{BASE}/graph/ontology>"
# IRIs minted per park: things (and documents with their paragraphs and sentences), facts' statement
# nodes, evidence (fragments #target/#quote/#position follow the renamed base), observations, source graphs.
MINTED = re.compile(
    rf"<({re.escape(BASE)}/(?:id/[a-z]+|data/(?:statement|evidence|obs|history/[a-z]+)|graph/source)/[^/>#]+)"
)
LABELS = tuple(
    f"<{p}>"
    for p in (
        "http://www.w3.org/2000/01/rdf-schema#label",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
        "http://www.w3.org/2004/02/skos/core#altLabel",
    )
)
LABEL_LITERAL = re.compile(r'"((?:[^"\\]|\\.)*)"(@[A-Za-z-]+) (<[^>]+>) \.$')


def read_seed(dump: Path) -> tuple[list[str], list[str]]:
    """(shared lines, per-park lines) of a build's N-Quads dump.

    Shared: the ontology graph and whatever names no minted IRI (code-list entries in the
    registry, entailments among vocabulary terms); a second park would only repeat them.
    """
    shared, park = [], []
    with dump.open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if line:
                own = not line.endswith(f"{ONTOLOGY_GRAPH} .") and MINTED.search(line)
                (park if own else shared).append(line)
    return shared, park


def copy_line(line: str, r: int) -> str:
    """One quad of park 0 as it reads in park r."""
    if r == 0:
        return line
    line = MINTED.sub(rf"<\1-p{r}", line)
    if any(f" {p} " in line for p in LABELS):
        line = LABEL_LITERAL.sub(lambda m: f'"{m[1]} {_park_name(r, m[2])}"{m[2]} {m[3]} .', line)
    return line


def _park_name(r: int, lang: str) -> str:
    return f"（第{r}园区）" if lang.lower().startswith("@zh") else f"(park {r})"


def by_subject(lines: list[str], seed: int) -> list[list[str]]:
    """The lines grouped by subject, groups in a seeded random order (what a cut keeps is not biased)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        groups[line.split(" ", 1)[0]].append(line)
    order = sorted(groups)
    random.Random(seed).shuffle(order)
    return [groups[s] for s in order]


def quads(seed_dump: Path, size: int, seed: int = 1) -> Iterator[str]:
    """About `size` N-Quads lines: the shared vocabularies, then whole parks, then part of one more."""
    shared, park = read_seed(seed_dump)
    yield from shared
    left = size - len(shared)
    r = 0
    while left >= len(park):
        for line in park:
            yield copy_line(line, r)
        left -= len(park)
        r += 1
    if left > 0:
        for group in by_subject(park, seed + r):
            if left <= 0:
                break
            for line in group:
                yield copy_line(line, r)
            left -= len(group)


def write(seed_dump: Path, size: int, target: Path, seed: int = 1) -> int:
    """Write a generated graph as N-Quads to `target`; returns the number of quads written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with target.open("w", encoding="utf-8") as out:
        for line in quads(seed_dump, size, seed):
            out.write(line + "\n")
            count += 1
    return count
