"""The explorer, "how are A and B related", the timeline, statistics and Singapore practices.

Every view answers HTML or JSON (`.json` suffix or `Accept: application/json`); the HTML pages
give their scripts data only through those JSON twins. What they show is derived from the data
once, by the build (`sipkg.derived`): a request reads the part it shows from that file, a page of a
long list at a time (`?page=`), and sends no SPARQL.
"""

from __future__ import annotations

from collections.abc import Callable

import networkx as nx
import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    request,
    url_for,
)

from sipkg import network
from sipkg.derived import date_parts
from sipkg.figures import plain, readable
from sipkg.namespaces import DEF, ID, XSD_NS
from sipkg.web.browse import MAX_PAGE, page_asked, page_url, paging
from sipkg.web.catalogue import catalogue, derived
from sipkg.web.i18n import current_lang, pick, tr
from sipkg.web.twin import answer, fail, wants_json

bp = Blueprint("explore", __name__)

MAX_DEPTH = 3
MAX_NAME = 200
PER_PAGE = 200  # timeline entries, observations, practice-adopter rows on one page
PRECISION = {
    f"{XSD_NS}gYear": "year",
    f"{XSD_NS}gYearMonth": "month",
    f"{XSD_NS}date": "day",
    f"{XSD_NS}dateTime": "day",
}
ROLES = {"date": ("", ""), "startDate": ("开始", "starts"), "endDate": ("结束", "ends")}


def cached(name: str, make: Callable[[], object]):
    """A value derived from the data, made once per dataset version."""
    return current_app.extensions["sipkg"].per_version("explore." + name, make)


def relation_graph() -> nx.MultiDiGraph:
    """The whole relation graph, read from the derived data once per version (for paths)."""
    return cached("graph", lambda: derived().whole())


def page(rule: str):
    """Register a view at `rule` and its JSON twin at `rule.json` (endpoint `name_json`)."""

    def register(view):
        bp.add_url_rule(rule, view.__name__, view)
        bp.add_url_rule(rule + ".json", view.__name__ + "_json", view)
        return view

    return register


# ---------------------------------------------------------------- links and labels


def name(labels: dict[str, str], fallback: str) -> dict:
    """A label in the page's language (else the other one, marked), from {"zh": …, "en": …}."""
    chosen = pick([ox.Literal(text, language=code) for code, text in labels.items()])
    if chosen is None:
        return {"text": fallback, "lang": "", "fallback": True}
    return {"text": chosen.text, "lang": chosen.lang, "fallback": chosen.fallback}


def short(iri: str) -> str:
    """What the pickers put in a URL: `org/key` for an entity, the IRI otherwise."""
    return iri.removeprefix(str(ID))


def node_json(g: nx.MultiDiGraph, iri: str) -> dict:
    data = g.nodes[iri]
    classes = sorted(data["classes"].items())
    return {
        "id": iri,
        "key": network.key_of(iri),
        "kind": data["kind"],
        "label": name(data["labels"], network.key_of(iri)),
        "class": name(classes[0][1], network.key_of(classes[0][0])) if classes else None,
        "url": page_url(iri),
        "explore": url_for("explore.explorer", entity=short(iri), lang=current_lang()),
    }


def evidence_json(evidence: network.Evidence) -> dict:
    return {
        "statement": evidence.statement,
        "quote": evidence.quote,
        "sentence": evidence.sentence,
        "url": page_url(evidence.sentence) if evidence.sentence else None,
        "method": evidence.method,
    }


def relation_json(g: nx.MultiDiGraph, s: str, p: str, o: str, data: dict) -> dict:
    return {
        "source": s,
        "target": o,
        "predicate": p,
        "label": name(data["labels"], network.local_name(p)),
        "inferred": data["inferred"],
        "evidence": [evidence_json(e) for e in data["evidence"]],
    }


# ---------------------------------------------------------------- explorer and paths


def choose(text: str, what: str) -> tuple[str | None, list[dict], str | None]:
    """(node, candidates, error) for what a picker received: one node, or the choices, or why none."""
    d = derived()
    found = d.resolve(text) or [  # else what search understands: pinyin, traditional script…
        hit.iri
        for hit in catalogue().index.search(text, limit=20)
        if hit.kind == "entity" and d.has(hit.iri)
    ]
    if len(found) == 1:
        return found[0], [], None
    if not found:
        return None, [], tr(f"找不到{what}“{text}”。", f"No {what} matches “{text}”.")
    g = d.graph(found[:20])
    return None, [node_json(g, n) for n in found[:20]], None


def text_param(key: str, template: str) -> str:
    """A picker's text; a name is short, so anything over MAX_NAME characters is a 400."""
    text = request.args.get(key, "").strip()
    if len(text) > MAX_NAME:
        abort(
            fail(
                400,
                tr(f"{key} 最多 {MAX_NAME} 个字符。", f"{key} is at most {MAX_NAME} characters."),
                template,
                picker=picker_names(),
            )
        )
    return text


def page_param(template: str) -> int:
    """Which page of a long list (browse.page_asked); anything else is a 400 page."""
    page = page_asked()
    if page is None:
        message = tr(
            f"page 必须是 1 到 {MAX_PAGE} 之间的整数。",
            f"page must be a whole number from 1 to {MAX_PAGE}.",
        )
        abort(fail(400, message, template))
    return page


def depth_param() -> int:
    raw = request.args.get("depth", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_DEPTH:
        abort(
            fail(
                400,
                tr(
                    f"depth 必须是 1 到 {MAX_DEPTH} 之间的整数。",
                    f"depth must be a whole number from 1 to {MAX_DEPTH}.",
                ),
                "explore/explore.html",
                picker=picker_names(),
            )
        )
    return int(raw)


def picker_names() -> list[str]:
    """Names offered while typing in a picker: every node's name in the page's language."""
    return derived().picker(current_lang())


@page("/explore")
def explorer() -> Response:
    text = text_param("entity", "explore/explore.html")
    depth = depth_param()
    if not text:
        ranked = derived().centrality()
        g = derived().graph(r["node"] for r in ranked)
        key = [
            {**node_json(g, r["node"]), "degree": r["degree"], "betweenness": r["betweenness"]}
            for r in ranked
        ]
        return answer("explore/explore.html", {"key_institutions": key}, picker=picker_names())
    centre, candidates, error = choose(text, tr("实体", "entity"))
    if error:
        return fail(404, error, "explore/explore.html", picker=picker_names(), entity=text)
    if candidates:
        return answer(
            "explore/explore.html",
            {"query": text, "candidates": candidates},
            picker=picker_names(),
            entity=text,
        )
    view = derived().neighbourhood(centre, depth)
    data = {
        "centre": centre,
        "depth": depth,
        "nodes": [node_json(view, n) for n in sorted(view, key=lambda n: (n != centre, n))],
        "edges": [
            {"id": f"{s} {p} {o}", **relation_json(view, s, p, o, d)}
            for s, o, p, d in sorted(view.edges(keys=True, data=True), key=lambda e: e[:3])
        ],
    }
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    graph_url = url_for(
        "explore.explorer_json", entity=short(centre), depth=depth, lang=current_lang()
    )
    return answer(
        "explore/explore.html",
        data,
        picker=picker_names(),
        entity=text,
        labels=labels,
        graph_url=graph_url,
    )


@page("/explore/path")
def path() -> Response:
    start_text, end_text = (
        text_param("from", "explore/path.html"),
        text_param("to", "explore/path.html"),
    )
    context = {"picker": picker_names(), "start": start_text, "end": end_text}
    if not start_text and not end_text and not wants_json():
        return answer("explore/path.html", {}, **context)
    if not start_text or not end_text:
        return fail(
            400,
            tr("请同时给出“从”和“到”两个实体。", "Give both entities: 'from' and 'to'."),
            "explore/path.html",
            **context,
        )
    start, start_choices, start_error = choose(start_text, tr("实体", "entity"))
    end, end_choices, end_error = choose(end_text, tr("实体", "entity"))
    if start_error or end_error:
        return fail(
            404, " ".join(filter(None, [start_error, end_error])), "explore/path.html", **context
        )
    if start_choices or end_choices:
        return answer(
            "explore/path.html",
            {"from_candidates": start_choices, "to_candidates": end_choices},
            **context,
        )
    g = relation_graph()
    paths = network.shortest_paths(g, start, end)
    data = {
        "from": node_json(g, start),
        "to": node_json(g, end),
        "paths": [
            [
                {
                    "from": node_json(g, hop.start),
                    "to": node_json(g, hop.end),
                    "relations": [
                        {
                            **relation_json(
                                g,
                                r.subject,
                                r.predicate,
                                r.object,
                                g.edges[r.subject, r.object, r.predicate],
                            ),
                            "forward": r.forward,
                        }
                        for r in hop.relations
                    ],
                }
                for hop in p
            ]
            for p in paths
        ],
    }
    return answer("explore/path.html", data, **context)


# ---------------------------------------------------------------- timeline

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def show_date(value: str, lang: str) -> str:
    """A date at the precision the source gives: 2012年9月 / September 2012."""
    year, month, day = date_parts(value)
    if not year:
        return value
    if lang == "zh":
        return f"{year}年" + (f"{month}月" if month else "") + (f"{day}日" if day else "")
    text = f"{MONTHS[month - 1]} {year}" if month else str(year)
    return f"{day} {text}" if day else text


def timeline_entries(g: nx.MultiDiGraph, found: list[dict[str, str]], lang: str) -> list[dict]:
    """One entry per (thing, role, date), in date order at its precision, with evidence and what it involves."""
    entries: dict[tuple[str, str, str], dict] = {}
    for row in found:
        key = (row["entity"], row["role"], row["date"])
        if key not in entries:
            entity = row["entity"]
            involves = (
                [
                    {"relation": name(d["labels"], network.local_name(p)), "node": node_json(g, o)}
                    for _, o, p, d in g.out_edges(entity, keys=True, data=True)
                    if not d["inferred"]
                ]
                if entity in g
                else []
            )
            entries[key] = {
                "date": row["date"],
                "precision": PRECISION.get(row.get("datatype", ""), "day"),
                "display": show_date(row["date"], lang),
                "role": row["role"],
                "role_label": tr(*ROLES[row["role"]], lang) if ROLES[row["role"]][0] else "",
                "entity": node_json(g, entity)
                if entity in g
                else {"id": entity, "label": name({}, network.key_of(entity))},
                "involves": involves,
                "evidence": [],
            }
        if row.get("statement"):
            evidence = evidence_json(
                network.Evidence(row["statement"], row.get("sentence"), row.get("quote"))
            )
            if evidence not in entries[key]["evidence"]:
                entries[key]["evidence"].append(evidence)
    order = {"startDate": 0, "date": 1, "endDate": 2}
    return sorted(
        entries.values(), key=lambda e: (date_parts(e["date"]), order[e["role"]], e["entity"]["id"])
    )


@page("/timeline")
def timeline() -> Response:
    shown = page_param("explore/timeline.html")
    found, entities, total = derived().timeline((shown - 1) * PER_PAGE, PER_PAGE)
    entries = timeline_entries(derived().around(entities), found, current_lang())
    return answer(
        "explore/timeline.html",
        {"entries": entries, "paging": paging(shown, PER_PAGE, total, len(entries))},
    )


# ---------------------------------------------------------------- statistics


def labels_of(row: dict[str, str], var: str) -> dict[str, str]:
    return {
        lang: row[var + lang.capitalize()]
        for lang in ("zh", "en")
        if row.get(var + lang.capitalize())
    }


def place(g: nx.MultiDiGraph, iri: str | None) -> dict | None:
    if not iri:
        return None
    return (
        node_json(g, iri)
        if iri in g
        else {"id": iri, "label": name({}, network.key_of(iri)), "url": None}
    )


def statistics_data(g: nx.MultiDiGraph, found: list[dict[str, str]]) -> dict:
    """Observations grouped by indicator (with its unit), and one bar chart per unit with a bar per figure."""
    observations: dict[str, dict] = {}
    for row in found:
        obs = observations.get(row["obs"])
        if obs is None:
            obs = observations[row["obs"]] = {
                "id": row["obs"],
                "value": float(row["value"]),
                "plain": plain(float(row["value"])),
                "readable": readable(float(row["value"]), row["unit"], current_lang()),
                "stated": row.get("stated"),
                "period": row.get("period"),
                "area": place(g, row.get("area")),
                "subject": place(g, row.get("subject")),
                "approximation": name(
                    labels_of(row, "approximation"), network.key_of(row["approximation"])
                )
                if row.get("approximation")
                else None,
                "indicator": {
                    "id": row["indicator"],
                    "label": name(labels_of(row, "indicator"), network.key_of(row["indicator"])),
                },
                "unit": {
                    "id": row["unit"],
                    "label": name(labels_of(row, "unit"), network.key_of(row["unit"])),
                },
                "evidence": [],
            }
        if row.get("statement"):
            evidence = evidence_json(
                network.Evidence(row["statement"], row.get("sentence"), row.get("quote"))
            )
            if evidence not in obs["evidence"]:
                obs["evidence"].append(evidence)
    indicators: dict[tuple[str, str], dict] = {}
    charts: dict[str, dict] = {}
    for obs in sorted(
        observations.values(), key=lambda o: (str(o["period"]), -o["value"], o["id"])
    ):
        group = indicators.setdefault(
            (obs["indicator"]["id"], obs["unit"]["id"]),
            {**obs["indicator"], "unit": obs["unit"], "observations": []},
        )
        group["observations"].append(
            {k: v for k, v in obs.items() if k not in ("indicator", "unit")}
        )
        chart = charts.setdefault(obs["unit"]["id"], {"unit": obs["unit"], "bars": {}})
        figure = (
            obs["indicator"]["id"],
            (obs["area"] or {}).get("id"),
            (obs["subject"] or {}).get("id"),
            obs["period"],
            obs["value"],
        )
        bar = chart["bars"].setdefault(
            figure,
            {
                "observations": [],
                "indicator": obs["indicator"]["label"]["text"],
                "area": obs["area"]["label"]["text"] if obs["area"] else None,
                "subject": obs["subject"]["label"]["text"] if obs["subject"] else None,
                "period": obs["period"],
                "value": obs["value"],
                "readable": obs["readable"],
                "stated": obs["stated"],
            },
        )
        bar["observations"].append(obs["id"])  # the same figure stated in two documents is one bar
    for chart in charts.values():
        chart["bars"] = sorted(chart["bars"].values(), key=lambda b: -b["value"])
    return {
        "indicators": sorted(indicators.values(), key=lambda i: i["label"]["text"]),
        "charts": sorted(charts.values(), key=lambda c: (-len(c["bars"]), c["unit"]["id"])),
    }


@page("/statistics")
def statistics() -> Response:
    shown = page_param("explore/statistics.html")
    found, total = derived().observations(current_lang(), (shown - 1) * PER_PAGE, PER_PAGE)
    places = [row[k] for row in found for k in ("area", "subject") if row.get(k)]
    data = statistics_data(derived().graph(places), found)
    count = sum(len(i["observations"]) for i in data["indicators"])
    return answer(
        "explore/statistics.html", {**data, "paging": paging(shown, PER_PAGE, total, count)}
    )


# ---------------------------------------------------------------- Singapore practices

MODELLED_ON = f"{DEF}sip#modelledOn"


def practices_data(g: nx.MultiDiGraph, definitions: list[dict[str, str]]) -> dict:
    """Each Singapore practice with what in the park is modelled on it, and the evidence; most adopted first."""
    defined = {
        row["practice"]: labels_of(
            {"definitionZh": row.get("zh"), "definitionEn": row.get("en")}, "definition"
        )
        for row in definitions
    }
    practices = []
    for iri in (n for n, d in g.nodes(data=True) if d["kind"] == "practice"):
        adopters = [
            {
                "node": node_json(g, s),
                "inferred": d["inferred"],
                "evidence": [evidence_json(e) for e in d["evidence"]],
            }
            for s, _, p, d in g.in_edges(iri, keys=True, data=True)
            if p == MODELLED_ON
        ]
        adopters.sort(key=lambda a: a["node"]["label"]["text"])
        practices.append(
            {
                **node_json(g, iri),
                "definition": name(defined.get(iri, {}), "") if defined.get(iri) else None,
                "adopters": adopters,
            }
        )
    practices.sort(key=lambda p: (-len(p["adopters"]), p["label"]["text"]))
    return {"practices": practices}


@page("/practices")
def practices() -> Response:
    shown = page_param("explore/practices.html")
    every = practices_data(derived().into(MODELLED_ON, "practice"), derived().definitions())
    listed, total = table_page(every["practices"], (shown - 1) * PER_PAGE, PER_PAGE)
    return answer(
        "explore/practices.html",
        {
            "practices": listed,
            "paging": paging(shown, PER_PAGE, total, sum(len(p["adopters"]) or 1 for p in listed)),
        },
    )


def table_page(practices: list[dict], offset: int, limit: int) -> tuple[list[dict], int]:
    """The practices with the adopters of table rows [offset, offset + limit) (a practice no one adopted
    takes a row of its own), each with `count`, all its adopters; and how many rows the table has."""
    rows = [(i, a) for i, p in enumerate(practices) for a in (p["adopters"] or [None])]
    shown: dict[int, dict] = {}
    for i, adopter in rows[offset : offset + limit]:
        p = shown.setdefault(
            i, {**practices[i], "count": len(practices[i]["adopters"]), "adopters": []}
        )
        if adopter is not None:
            p["adopters"].append(adopter)
    return list(shown.values()), len(rows)
