"""What the explorer, timeline, statistics, practices and home pages derive from the graph, made once per build.

`write` runs the derivation queries through a `select` (a SELECT's rows as plain strings), builds the
relation graph (`network`) and its centrality, and keeps the result in one SQLite file beside the
store: `sipkg build` writes it into the build folder, so no page rebuilds it at request time. `Derived`
reads that file: a page asks for what it shows (one page of a list, the neighbourhood of one entity)
and gets it from indexed tables, in the same shapes the pages made from SPARQL before.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

import networkx as nx

from sipkg import network
from sipkg.namespaces import ID

Select = Callable[[str], list[dict[str, str]]]
FORMAT = 1  # bumped when the tables change: a file of another format is derived again
BETWEENNESS_SAMPLE = 400  # above this many nodes, betweenness is estimated from this many sources
LANGS = ("zh", "en")

TIMELINE = f"""
SELECT ?entity ?role ?date ?datatype ?statement ?sentence ?quote WHERE {{
  VALUES (?p ?role) {{ (dct:date "date") (sip:startDate "startDate") (sip:endDate "endDate") }}
  ?entity ?p ?date .
  FILTER(STRSTARTS(STR(?entity), "{ID}") && !STRSTARTS(STR(?entity), "{ID}doc/"))
  BIND(STR(DATATYPE(?date)) AS ?datatype)
  OPTIONAL {{
    ?statement rdf:subject ?entity ; rdf:predicate ?p ; rdf:object ?date .
    OPTIONAL {{ ?statement prov:wasDerivedFrom/oa:hasTarget ?target .
               ?target oa:hasScope ?sentence ; oa:hasSelector/oa:exact ?quote }}
  }}
}}"""
"""Everything with a date, a start or an end (events, designations, plans, programmes…), with evidence."""

STATISTICS = """
SELECT ?obs ?indicator ?area ?period ?unit ?value ?stated ?approximation ?subject
       ?indicatorZh ?indicatorEn ?unitZh ?unitEn ?approximationZh ?approximationEn ?statement ?sentence ?quote WHERE {
  ?obs a qb:Observation ; sip:indicator ?indicator ; sip:value ?value ; sdmx-attribute:unitMeasure ?unit .
  OPTIONAL { ?obs sip:refArea ?area }
  OPTIONAL { ?obs sip:refPeriod ?period }
  OPTIONAL { ?obs sip:statedValue ?stated }
  OPTIONAL { ?obs sip:subject ?subject }
  OPTIONAL { ?obs sip:approximation ?approximation
    OPTIONAL { ?approximation skos:prefLabel ?approximationZh FILTER(langMatches(lang(?approximationZh), "zh-Hans")) }
    OPTIONAL { ?approximation skos:prefLabel ?approximationEn FILTER(langMatches(lang(?approximationEn), "en")) } }
  OPTIONAL { ?indicator skos:prefLabel ?indicatorZh FILTER(langMatches(lang(?indicatorZh), "zh-Hans")) }
  OPTIONAL { ?indicator skos:prefLabel ?indicatorEn FILTER(langMatches(lang(?indicatorEn), "en")) }
  OPTIONAL { ?unit skos:prefLabel ?unitZh FILTER(langMatches(lang(?unitZh), "zh-Hans")) }
  OPTIONAL { ?unit skos:prefLabel ?unitEn FILTER(langMatches(lang(?unitEn), "en")) }
  OPTIONAL { ?statement rdf:subject ?obs ; prov:wasDerivedFrom/oa:hasTarget ?target .
             ?target oa:hasScope ?sentence ; oa:hasSelector/oa:exact ?quote }
}"""
"""Every Data Cube observation: indicator, area, period, value in its base unit, as stated, with evidence."""

DEFINITIONS = f"""
SELECT ?practice ?zh ?en WHERE {{
  ?practice skos:inScheme <{network.PRACTICES}> .
  OPTIONAL {{ ?practice skos:definition ?zh FILTER(langMatches(lang(?zh), "zh-Hans")) }}
  OPTIONAL {{ ?practice skos:definition ?en FILTER(langMatches(lang(?en), "en")) }}
}}"""
"""What each Singapore practice is; who adopted it comes from the relation graph (sip:modelledOn edges)."""

CONNECTED = f"""
SELECT ?e (COUNT(DISTINCT ?st) AS ?facts) WHERE {{
  ?st a sip:FactStatement ; rdf:subject|rdf:object ?e .
  FILTER(isIRI(?e) && STRSTARTS(STR(?e), "{ID}org/"))
}} GROUP BY ?e ORDER BY DESC(?facts) ?e LIMIT 8"""
"""The home page's key institutions: the organisations most facts are about."""

PARK = f"{ID}place/suzhou-industrial-park"
HEADLINE = f"""
SELECT ?obs ?indicator ?value ?unit ?stated ?period WHERE {{
  ?obs a qb:Observation ; sip:refArea <{PARK}> ; sip:indicator ?indicator ; sip:value ?value .
  FILTER NOT EXISTS {{ ?obs sip:subject ?subject }}
  OPTIONAL {{ ?obs sdmx-attribute:unitMeasure ?unit }} OPTIONAL {{ ?obs sip:statedValue ?stated }}
  OPTIONAL {{ ?obs sip:refPeriod ?period }}
}} ORDER BY DESC(?period) ?indicator"""
"""The home page's headline figures: the park's own observations, latest first."""

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE nodes (iri TEXT PRIMARY KEY, short TEXT, key TEXT, kind TEXT, data TEXT, pos INTEGER);
CREATE INDEX nodes_short ON nodes (short);
CREATE INDEX nodes_key ON nodes (key);
CREATE INDEX nodes_kind ON nodes (kind);
CREATE TABLE names (node TEXT, name TEXT, length INTEGER);
CREATE INDEX names_name ON names (name);
CREATE TABLE picker (lang TEXT, name TEXT);
CREATE TABLE edges (pos INTEGER PRIMARY KEY, s TEXT, p TEXT, o TEXT, inferred INTEGER,
                    labels TEXT, evidence TEXT);
CREATE INDEX edges_s ON edges (s);
CREATE INDEX edges_o ON edges (o, p);
CREATE TABLE centrality (rank INTEGER PRIMARY KEY, node TEXT, degree INTEGER, betweenness REAL);
CREATE TABLE timeline (pos INTEGER PRIMARY KEY, entity TEXT, rows TEXT);
CREATE TABLE observations (obs TEXT PRIMARY KEY, pos_zh INTEGER, pos_en INTEGER, rows TEXT);
CREATE INDEX observations_zh ON observations (pos_zh);
CREATE INDEX observations_en ON observations (pos_en);
CREATE TABLE definitions (practice TEXT PRIMARY KEY, rows TEXT);
CREATE TABLE connected (rank INTEGER PRIMARY KEY, entity TEXT, facts INTEGER);
CREATE TABLE headline (pos INTEGER PRIMARY KEY, row TEXT);
"""

# ---------------------------------------------------------------- writing


def label_in(labels: dict[str, str], lang: str, fallback: str) -> str:
    """The text a page in `lang` shows for {"zh": …, "en": …}: that language, else the other, else `fallback`."""
    other = "en" if lang == "zh" else "zh"
    return labels.get(lang) or labels.get(other) or fallback


DATE = re.compile(r"^(-?\d{4,})(?:-(\d{2}))?(?:-(\d{2}))?")
ROLE_ORDER = {"startDate": 0, "date": 1, "endDate": 2}


def date_parts(value: str) -> tuple[int, int, int]:
    """(year, month, day) of an xsd date value, 0 for what its precision leaves out: 2012 sorts before 2012-09."""
    m = DATE.match(value)
    if not m:
        return (0, 0, 0)
    return (int(m[1]), int(m[2] or 0), int(m[3] or 0))


def _timeline(found: list[dict[str, str]]) -> list[tuple[str, list[dict[str, str]]]]:
    """The timeline's entries (thing, role, date) in page order, each with its rows (one per piece of evidence)."""
    entries: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    for row in found:
        entries.setdefault((row["entity"], row["role"], row["date"]), []).append(row)
    order = sorted(entries, key=lambda k: (date_parts(k[2]), ROLE_ORDER[k[1]], k[0]))
    return [(k[0], entries[k]) for k in order]


def _labels(row: dict[str, str], var: str) -> dict[str, str]:
    return {
        lang: row[var + lang.capitalize()] for lang in LANGS if row.get(var + lang.capitalize())
    }


def _statistics_order(found: list[dict[str, str]], lang: str) -> list[str]:
    """Observations in the order the statistics page lists them in `lang`: by indicator label, then
    period, largest value first (as the page groups them)."""
    first: dict[str, dict[str, str]] = {}
    for row in found:
        first.setdefault(row["obs"], row)
    by_period = sorted(
        first.values(), key=lambda r: (str(r.get("period")), -float(r["value"]), r["obs"])
    )
    groups: dict[tuple[str, str], list[str]] = {}
    for row in by_period:
        groups.setdefault((row["indicator"], row["unit"]), []).append(row["obs"])
    labels = {
        key: label_in(_labels(first[obs[0]], "indicator"), lang, network.key_of(key[0]))
        for key, obs in groups.items()
    }
    return [obs for key in sorted(groups, key=lambda k: labels[k]) for obs in groups[key]]


def _betweenness(g: nx.MultiDiGraph) -> dict[str, float] | None:
    """None (computed exactly) for a graph of up to BETWEENNESS_SAMPLE nodes, else an estimate from that
    many sources: exact betweenness costs a search from every node, minutes at 10^6 quads."""
    if g.number_of_nodes() <= BETWEENNESS_SAMPLE:
        return None
    simple = nx.Graph(g.to_undirected(as_view=True))
    simple.remove_edges_from(nx.selfloop_edges(simple))
    return nx.betweenness_centrality(simple, k=BETWEENNESS_SAMPLE, seed=0)


def write(path: Path, select: Select, version: str) -> dict[str, int]:
    """Derive everything the pages need from the dataset `select` reads and write it to `path` (replaced).

    Returns how many rows each table got.
    """
    g = network.build_graph(network.edges(select), select(network.NODES))
    ranked = network.centrality(g, betweenness=_betweenness(g))
    path = Path(path)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    db = sqlite3.connect(tmp)
    db.executescript(SCHEMA)
    db.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("version", version), ("format", str(FORMAT))]
    )
    db.executemany(
        "INSERT INTO nodes VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                n,
                n.removeprefix(str(ID)),
                network.key_of(n),
                d["kind"],
                json.dumps(
                    {"labels": d["labels"], "aliases": d["aliases"], "classes": d["classes"]},
                    ensure_ascii=False,
                ),
                i,
            )
            for i, (n, d) in enumerate(g.nodes(data=True))
        ),
    )
    db.executemany(
        "INSERT INTO names VALUES (?, ?, ?)",
        ((n, x.casefold(), len(x)) for n, d in g.nodes(data=True) for x in network.names(d)),
    )
    db.executemany(
        "INSERT INTO picker VALUES (?, ?)",
        (
            (lang, text)
            for lang in LANGS
            for text in sorted(
                {label_in(d["labels"], lang, network.key_of(n)) for n, d in g.nodes(data=True)}
            )
        ),
    )
    db.executemany(
        "INSERT INTO edges VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (
                i,
                s,
                p,
                o,
                int(d["inferred"]),
                json.dumps(d["labels"], ensure_ascii=False),
                json.dumps(
                    [[e.statement, e.sentence, e.quote, e.method] for e in d["evidence"]],
                    ensure_ascii=False,
                ),
            )
            for i, (s, o, p, d) in enumerate(g.edges(keys=True, data=True))
        ),
    )
    db.executemany(
        "INSERT INTO centrality VALUES (?, ?, ?, ?)",
        ((i, r["node"], r["degree"], r["betweenness"]) for i, r in enumerate(ranked)),
    )
    timeline = _timeline(select(TIMELINE))
    db.executemany(
        "INSERT INTO timeline VALUES (?, ?, ?)",
        ((i, e, json.dumps(rows, ensure_ascii=False)) for i, (e, rows) in enumerate(timeline)),
    )
    found = select(STATISTICS)
    by_obs: dict[str, list[dict[str, str]]] = {}
    for row in found:
        by_obs.setdefault(row["obs"], []).append(row)
    positions = {
        lang: {o: i for i, o in enumerate(_statistics_order(found, lang))} for lang in LANGS
    }
    db.executemany(
        "INSERT INTO observations VALUES (?, ?, ?, ?)",
        (
            (o, positions["zh"][o], positions["en"][o], json.dumps(rows, ensure_ascii=False))
            for o, rows in by_obs.items()
        ),
    )
    definitions: dict[str, list[dict[str, str]]] = {}
    for row in select(DEFINITIONS):
        definitions.setdefault(row["practice"], []).append(row)
    db.executemany(
        "INSERT INTO definitions VALUES (?, ?)",
        ((p, json.dumps(rows, ensure_ascii=False)) for p, rows in definitions.items()),
    )
    connected = select(CONNECTED)
    db.executemany(
        "INSERT INTO connected VALUES (?, ?, ?)",
        ((i, r["e"], int(r["facts"])) for i, r in enumerate(connected)),
    )
    headline = select(HEADLINE)
    db.executemany(
        "INSERT INTO headline VALUES (?, ?)",
        ((i, json.dumps(r, ensure_ascii=False)) for i, r in enumerate(headline)),
    )
    db.commit()
    counts = {
        table: db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        for table in ("nodes", "edges", "timeline", "observations", "definitions")
    }
    db.close()
    tmp.replace(path)
    return counts


# ---------------------------------------------------------------- reading


class Derived:
    """The derived data of one dataset version, read from its SQLite file (one connection per thread)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._local = threading.local()
        meta = dict(self._db().execute("SELECT key, value FROM meta").fetchall())
        self.version = meta.get("version", "")
        self.format = int(meta.get("format", 0))

    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = sqlite3.connect(
                f"file:{self.path}?mode=ro", uri=True, check_same_thread=False
            )
        return db

    def _all(self, sql: str, params: Iterable = ()) -> list[tuple]:
        return self._db().execute(sql, tuple(params)).fetchall()

    def _in(self, sql: str, values: list[str], *rest) -> list[tuple]:
        """Rows of `sql` whose `{in}` stands for the values (in batches: SQLite bounds parameters)."""
        found = []
        for i in range(0, len(values), 500):
            batch = values[i : i + 500]
            marks = ",".join("?" * len(batch))
            found += self._all(sql.format(**{"in": marks}), [*batch, *rest])
        return found

    # ------------------------------------------------------------ the relation graph

    def graph(
        self, nodes: Iterable[str], edges: list[tuple] | None = None, among: bool = False
    ) -> nx.MultiDiGraph:
        """A part of the relation graph, shaped as `network.build_graph`'s: the given nodes (and the ends
        of the given edge rows), with those edges, or with every edge among the nodes if `among`."""
        wanted = list(dict.fromkeys(nodes))
        if among:
            inside = set(wanted)
            edges = [
                e
                for e in self._in("SELECT * FROM edges WHERE s IN ({in})", wanted)
                if e[3] in inside
            ]
        edges = sorted(edges or [], key=lambda e: e[0])
        for e in edges:
            wanted += [e[1], e[3]]
        wanted = list(dict.fromkeys(wanted))
        data = {row[0]: row for row in self._in("SELECT * FROM nodes WHERE iri IN ({in})", wanted)}
        g = nx.MultiDiGraph()
        for n in sorted(wanted, key=lambda n: data[n][5] if n in data else -1):
            if n in data:
                stored = json.loads(data[n][4])
                g.add_node(n, kind=data[n][3], **stored)
            else:
                g.add_node(n, labels={}, aliases=[], classes={}, kind=network.kind_of(n))
        for pos, s, p, o, inferred, labels, evidence in edges:
            g.add_edge(
                s,
                o,
                key=p,
                predicate=p,
                labels=json.loads(labels),
                inferred=bool(inferred),
                evidence=[network.Evidence(*e) for e in json.loads(evidence)],
            )
        return g

    def whole(self) -> nx.MultiDiGraph:
        """The whole relation graph (for paths between any two entities)."""
        return self.graph(
            [r[0] for r in self._all("SELECT iri FROM nodes ORDER BY pos")],
            self._all("SELECT * FROM edges"),
        )

    def has(self, iri: str) -> bool:
        return bool(self._all("SELECT 1 FROM nodes WHERE iri = ?", [iri]))

    def resolve(self, text: str) -> list[str]:
        """`network.resolve` over the stored graph: the IRI, a key, an exact name, else names containing it."""
        text = text.strip()
        if not text:
            return []
        if self.has(text):
            return [text]
        by_key = self._all(
            "SELECT iri FROM nodes WHERE short = ? OR key = ? ORDER BY iri", [text, text]
        )
        if by_key:
            return [r[0] for r in by_key]
        wanted = text.casefold()
        exact = self._all("SELECT DISTINCT node FROM names WHERE name = ? ORDER BY node", [wanted])
        if exact:
            return [r[0] for r in exact]
        partial = self._all(
            "SELECT node, MIN(length) AS n FROM names WHERE instr(name, ?) > 0 "
            "GROUP BY node ORDER BY n, node",
            [wanted],
        )
        return [r[0] for r in partial]

    def neighbourhood(self, centre: str, depth: int = 1, limit: int = 200) -> nx.MultiDiGraph:
        """`network.neighbourhood` over the stored graph: nearest first, at most `limit` entities."""
        if not self.has(centre):
            raise KeyError(centre)
        distance = {centre: 0}
        frontier = [centre]
        for d in range(1, depth + 1):
            found = self._in("SELECT o FROM edges WHERE s IN ({in})", frontier) + self._in(
                "SELECT s FROM edges WHERE o IN ({in})", frontier
            )
            frontier = sorted({r[0] for r in found} - distance.keys())
            distance.update(dict.fromkeys(frontier, d))
            if not frontier:
                break
        nearest = sorted(distance, key=lambda n: (distance[n], n))[:limit]
        return self.graph(nearest, among=True)

    def around(self, nodes: list[str]) -> nx.MultiDiGraph:
        """The given nodes with every relation going out of them, and where those lead."""
        return self.graph(nodes, self._in("SELECT * FROM edges WHERE s IN ({in})", nodes))

    def into(self, predicate: str, kind: str) -> nx.MultiDiGraph:
        """Every node of `kind` with the `predicate` relations that point to it, and their subjects."""
        nodes = [
            r[0] for r in self._all("SELECT iri FROM nodes WHERE kind = ? ORDER BY pos", [kind])
        ]
        edges = self._in("SELECT * FROM edges WHERE o IN ({in}) AND p = ?", nodes, predicate)
        return self.graph(nodes, edges)

    def centrality(self) -> list[dict]:
        """The most connected organisations, as `network.centrality` ranks them."""
        return [
            {"node": n, "degree": d, "betweenness": b}
            for n, d, b in self._all(
                "SELECT node, degree, betweenness FROM centrality ORDER BY rank"
            )
        ]

    def picker(self, lang: str) -> list[str]:
        """Every entity's name in `lang`, sorted: what the pickers offer while typing."""
        return [
            r[0] for r in self._all("SELECT name FROM picker WHERE lang = ? ORDER BY rowid", [lang])
        ]

    # ------------------------------------------------------------ lists, a page at a time

    def timeline(self, offset: int, limit: int) -> tuple[list[dict[str, str]], list[str], int]:
        """(rows, entities, total) of the timeline entries [offset, offset + limit) in date order."""
        found = self._all(
            "SELECT entity, rows FROM timeline ORDER BY pos LIMIT ? OFFSET ?", [limit, offset]
        )
        total = self._all("SELECT COUNT(*) FROM timeline")[0][0]
        return [r for _, rows in found for r in json.loads(rows)], [e for e, _ in found], total

    def observations(self, lang: str, offset: int, limit: int) -> tuple[list[dict[str, str]], int]:
        """(rows, total) of the observations [offset, offset + limit) in the statistics page's order in `lang`."""
        column = "pos_en" if lang == "en" else "pos_zh"
        found = self._all(
            f"SELECT rows FROM observations ORDER BY {column} LIMIT ? OFFSET ?",
            [limit, offset],
        )
        total = self._all("SELECT COUNT(*) FROM observations")[0][0]
        return [r for (rows,) in found for r in json.loads(rows)], total

    def definitions(self) -> list[dict[str, str]]:
        return [
            r for (rows,) in self._all("SELECT rows FROM definitions") for r in json.loads(rows)
        ]

    def connected(self) -> list[tuple[str, int]]:
        return [(e, n) for e, n in self._all("SELECT entity, facts FROM connected ORDER BY rank")]

    def headline(self) -> list[dict[str, str]]:
        return [json.loads(r) for (r,) in self._all("SELECT row FROM headline ORDER BY pos")]
