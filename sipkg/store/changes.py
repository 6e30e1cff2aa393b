"""What each build changed: its quads' difference to the build it replaced, kept beside the store.

When a build is published (`builds.publish`) its named graphs are compared with those of the
build it replaces, and `{store}/changes/{built}-{version}/` receives:

- `change.json` — the versions, per named graph the quads added and removed, and per source
  document the facts (asserted triples with a statement node) added and removed, each with its
  evidence quote and sentence, taken from the build that has it;
- `added.nq.gz`, `removed.nq.gz` — the quads themselves. A graph with blank nodes (the ontology)
  cannot be patched quad by quad, so when it changed it is listed in `cleared` and all its new
  quads are in `added`: a mirror drops it and loads it again.

A mirror of build V1 becomes V2 by dropping the cleared graphs, removing `removed` and adding
`added` (tests/test_changes.py does exactly that). The first build's record adds everything; a
build identical to the one it replaces records nothing. Records stay when builds are pruned.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

from sipkg.namespaces import DCT_NS, OA, PROV_NS, RDF_NS, SIP_NS, SOURCE_GRAPHS

OA_NS = str(OA)

FOLDER = "changes"
RECORD, ADDED, REMOVED = "change.json", "added.nq.gz", "removed.nq.gz"
SUBJECT, PREDICATE, OBJECT = (ox.NamedNode(RDF_NS + n) for n in ("subject", "predicate", "object"))
DERIVED = ox.NamedNode(PROV_NS + "wasDerivedFrom")
TARGET, SELECTOR, SCOPE, EXACT = (
    ox.NamedNode(OA_NS + n) for n in ("hasTarget", "hasSelector", "hasScope", "exact")
)
TITLE, TYPE, STATEMENT = (
    ox.NamedNode(DCT_NS + "title"),
    ox.NamedNode(RDF_NS + "type"),
    ox.NamedNode(SIP_NS + "FactStatement"),
)


class ChangeError(LookupError):
    """A version with no change record, or two versions no chain of records joins."""


def read_quads(build: Path) -> list[ox.Quad] | None:
    """The named-graph quads of a build's N-Quads dump, or None when it has no dump."""
    try:
        manifest = json.loads((build / "dumps" / "manifest.json").read_text(encoding="utf-8"))
        name = next(f["name"] for f in manifest["files"] if f["format"] == "nq")
        data = (build / "dumps" / name).read_bytes()
    except (OSError, ValueError, KeyError, StopIteration):
        return None
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def _by_graph(quads: Iterable[ox.Quad]) -> dict[str, list[ox.Quad]]:
    out: dict[str, list[ox.Quad]] = defaultdict(list)
    for q in quads:
        out[q.graph_name.value].append(q)
    return out


def _has_blank(quads: list[ox.Quad]) -> bool:
    return any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object))


def _shape(quads: list[ox.Quad]) -> list[str]:
    """A graph's quads with blank nodes written alike: equal lists for graphs equal up to labels."""

    def term(t) -> str:
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)

    return sorted(f"{term(q.subject)} {q.predicate} {term(q.object)}" for q in quads)


def diff(old: list[ox.Quad], new: list[ox.Quad]) -> tuple[list[str], set, set]:
    """(graphs to clear, quads removed, quads added) that turn `old` into `new`."""
    before, after = _by_graph(old), _by_graph(new)
    cleared, removed, added = [], set(), set()
    for g in sorted(set(before) | set(after)):
        a, b = before.get(g, []), after.get(g, [])
        if _has_blank(a) or _has_blank(b):
            if _shape(a) != _shape(b):
                if a:
                    cleared.append(g)
                added.update(b)
            continue
        sa, sb = set(a), set(b)
        removed |= sa - sb
        added |= sb - sa
    return cleared, removed, added


class Facts:
    """The asserted facts of one source graph and their evidence (quote and sentence)."""

    def __init__(self, quads: list[ox.Quad]):
        out: dict = defaultdict(lambda: defaultdict(list))
        for q in quads:
            out[q.subject][q.predicate].append(q.object)
        self.index = out
        self.title = next(
            (
                q.object.value
                for q in quads
                if q.predicate == TITLE
                and (getattr(q.object, "language", None) or "").lower() == "zh-hans"
            ),
            None,
        )
        self.facts: dict[tuple, ox.NamedNode] = {}
        for q in quads:
            if q.predicate == TYPE and q.object == STATEMENT:
                st = out[q.subject]
                if st[SUBJECT] and st[PREDICATE] and st[OBJECT]:
                    self.facts[(st[SUBJECT][0], st[PREDICATE][0], st[OBJECT][0])] = q.subject

    def evidence(self, fact: tuple) -> list[dict]:
        found = []
        for ev in self.index[self.facts[fact]][DERIVED]:
            for target in self.index[ev][TARGET]:
                quotes = [
                    e.value for s in self.index[target][SELECTOR] for e in self.index[s][EXACT]
                ]
                sentences = [s.value for s in self.index[target][SCOPE]]
                found.append(
                    {"quote": quotes[0] if quotes else None, "sentence": (sentences or [None])[0]}
                )
        return found


def _term(t) -> dict:
    if isinstance(t, ox.NamedNode):
        return {"type": "uri", "value": t.value}
    if isinstance(t, ox.Literal):
        out = {"type": "literal", "value": t.value}
        if t.language:
            out["lang"] = t.language
        elif t.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = t.datatype.value
        return out
    return {"type": "bnode", "value": t.value}


def _fact_json(fact: tuple, facts: Facts) -> dict:
    s, p, o = fact
    return {
        "subject": s.value,
        "predicate": p.value,
        "object": _term(o),
        "evidence": facts.evidence(fact),
    }


def documents(old: list[ox.Quad], new: list[ox.Quad]) -> list[dict]:
    """Per source document whose facts changed: its status and the facts added and removed."""
    before, after = _by_graph(old), _by_graph(new)
    out = []
    for g in sorted(set(before) | set(after)):
        if not g.startswith(SOURCE_GRAPHS):
            continue
        was, now = Facts(before.get(g, [])), Facts(after.get(g, []))
        gone, came = set(was.facts) - set(now.facts), set(now.facts) - set(was.facts)
        if not gone and not came:
            continue
        key = g[len(SOURCE_GRAPHS) :]
        out.append(
            {
                "graph": g,
                "document": key,
                "title": now.title or was.title,
                "status": "added"
                if g not in before
                else "removed"
                if g not in after
                else "changed",
                "facts_added": [_fact_json(f, now) for f in sorted(came, key=str)],
                "facts_removed": [_fact_json(f, was) for f in sorted(gone, key=str)],
            }
        )
    return out


def _write_quads(path: Path, quads: Iterable[ox.Quad]) -> None:
    data = ox.serialize(sorted(quads, key=str), format=ox.RdfFormat.N_QUADS) or b""
    with gzip.open(path, "wb") as f:
        f.write(data)


def record(root: Path, build_dir: Path, previous: Path | None) -> Path | None:
    """Write the change record of `build_dir` against `previous` (None: the first build) into a
    staging folder of `{root}/changes`; returns it (put in place by `settle`), or None when the
    build has no dump, or is identical to the previous one."""
    new = read_quads(build_dir)
    if new is None:
        return None
    meta = json.loads((build_dir / "build.json").read_text(encoding="utf-8"))
    old_meta = None
    old: list[ox.Quad] = []
    if previous is not None:
        old = read_quads(previous) or []
        try:
            old_meta = json.loads((previous / "build.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old_meta = None
    if old_meta and old_meta.get("version") == meta["version"]:
        return None
    cleared, removed, added = diff(old, new)
    folder = root / FOLDER / f".staging-{os.getpid()}-{meta['version']}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    _write_quads(folder / ADDED, added)
    _write_quads(folder / REMOVED, removed)
    graphs: dict[str, dict] = defaultdict(lambda: {"added": 0, "removed": 0, "cleared": False})
    for q in added:
        graphs[q.graph_name.value]["added"] += 1
    for q in removed:
        graphs[q.graph_name.value]["removed"] += 1
    for g in cleared:
        graphs[g]["cleared"] = True
    change = {
        "version": meta["version"],
        "built": meta["built"],
        "previous": old_meta.get("version") if old_meta else None,
        "previous_built": old_meta.get("built") if old_meta else None,
        "quads_added": len(added),
        "quads_removed": len(removed),
        "cleared": cleared,
        "graphs": dict(sorted(graphs.items())),
        "documents": documents(old, new),
    }
    (folder / RECORD).write_text(json.dumps(change, ensure_ascii=False, indent=1), encoding="utf-8")
    return folder


def settle(staged: Path) -> Path:
    """Put a staged record in place, named `{built}-{version}` (sortable by time)."""
    change = json.loads((staged / RECORD).read_text(encoding="utf-8"))
    stamp = change["built"].replace(":", "").replace("-", "").split("+")[0]
    target = staged.parent / f"{stamp}-{change['version']}"
    if target.exists():
        shutil.rmtree(target)
    os.replace(staged, target)
    return target


def _folders(root: Path) -> list[Path]:
    folder = root / FOLDER
    if not folder.is_dir():
        return []
    return sorted(
        (p for p in folder.iterdir() if not p.name.startswith(".") and (p / RECORD).is_file()),
        key=lambda p: p.name,
        reverse=True,
    )


def history(root: Path) -> list[dict]:
    """Every change record, newest first."""
    return [json.loads((p / RECORD).read_text(encoding="utf-8")) for p in _folders(root)]


def folder_of(root: Path, version: str) -> Path:
    for p in _folders(root):
        if p.name.endswith("-" + version):
            return p
    raise ChangeError(f"no change record for version {version!r} in {root / FOLDER}")


def load(root: Path, version: str) -> dict:
    return json.loads((folder_of(root, version) / RECORD).read_text(encoding="utf-8"))


def patch(root: Path, version: str) -> tuple[list[str], list[ox.Quad], list[ox.Quad]]:
    """(graphs to clear, quads to remove, quads to add) that turn the previous build into `version`."""
    folder = folder_of(root, version)
    change = json.loads((folder / RECORD).read_text(encoding="utf-8"))

    def quads(name: str) -> list[ox.Quad]:
        with gzip.open(folder / name, "rb") as f:
            return list(ox.parse(f.read(), format=ox.RdfFormat.N_QUADS))

    return change["cleared"], quads(REMOVED), quads(ADDED)


def apply(quads: Iterable[ox.Quad], cleared, removed, added) -> list[ox.Quad]:
    """What a mirror does with a patch: drop cleared graphs, remove, add."""
    drop, gone = set(cleared), set(removed)
    kept = [q for q in quads if q.graph_name.value not in drop and q not in gone]
    return list(dict.fromkeys([*kept, *added]))


def between(root: Path, since: str, until: str) -> dict:
    """The facts added and removed per document from build `since` to build `until`, composed
    from the chain of records between them (each fact with the evidence of the latest record)."""
    chain, version = [], until
    while version != since:
        change = load(root, version)
        chain.append(change)
        version = change["previous"]
        if version is None:
            raise ChangeError(f"no chain of change records leads from {since} to {until}")
    net: dict[tuple, dict] = {}  # (graph, s, p, o) -> {"state": +1/-1, "fact": …, "doc": …}
    docs: dict[str, dict] = {}
    for change in reversed(chain):
        for d in change["documents"]:
            docs[d["graph"]] = {"document": d["document"], "title": d["title"]}
            for sign, key in ((1, "facts_added"), (-1, "facts_removed")):
                for f in d[key]:
                    k = (d["graph"], f["subject"], f["predicate"], json.dumps(f["object"]))
                    held = net.get(k)
                    if held and held["state"] == -sign:
                        del net[k]  # added then removed (or the reverse): no net change
                    else:
                        net[k] = {"state": sign, "fact": f}
    out: dict[str, dict] = {}
    for (g, *_), v in sorted(net.items()):
        d = out.setdefault(g, {**docs[g], "graph": g, "facts_added": [], "facts_removed": []})
        d["facts_added" if v["state"] > 0 else "facts_removed"].append(v["fact"])
    return {"since": since, "until": until, "builds": len(chain), "documents": list(out.values())}


def _value(o: dict) -> str:
    return f"<{o['value']}>" if o["type"] == "uri" else json.dumps(o["value"], ensure_ascii=False)


def to_text(change: dict) -> str:
    """A change record (or a composed difference) as `sipkg diff` prints it."""
    if "since" in change:
        lines = [f"{change['since']} -> {change['until']} ({change['builds']} builds)"]
    else:
        previous = change["previous"] or "(nothing: the first build)"
        lines = [
            f"{previous} -> {change['version']} (built {change['built']})",
            f"  quads +{change['quads_added']} -{change['quads_removed']}"
            + (
                f"; graphs replaced whole: {', '.join(change['cleared'])}"
                if change["cleared"]
                else ""
            ),
        ]
    if not change["documents"]:
        lines.append("  no facts added or removed")
    for d in change["documents"]:
        status = f" ({d['status']})" if "status" in d else ""
        lines.append(
            f"  {d['document']}{status} {d['title'] or ''}: "
            f"+{len(d['facts_added'])} -{len(d['facts_removed'])} facts"
        )
        for sign, key in (("+", "facts_added"), ("-", "facts_removed")):
            for f in d[key]:
                quote = next((e["quote"] for e in f["evidence"] if e.get("quote")), None)
                lines.append(
                    f"    {sign} <{f['subject']}> <{f['predicate']}> {_value(f['object'])}"
                    + (f"  « {quote} »" if quote else "")
                )
    return "\n".join(lines)
