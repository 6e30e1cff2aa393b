"""Institutional history: the structure as of a date (/history) and what each build changed (/changes).

Both answer HTML or JSON (`.json` suffix or `Accept: application/json`), the HTML advertising its
JSON twin; the as-of view reads `sipkg.asof`, entity pages get their history section from it too.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, render_template, request, send_file

from sipkg import asof
from sipkg.namespaces import BASE
from sipkg.store import changes
from sipkg.web.browse import entity_json
from sipkg.web.catalogue import catalogue
from sipkg.web.explore import page, show_date
from sipkg.web.i18n import current_lang, pick, tr
from sipkg.web.twin import answer, fail

bp = Blueprint("history", __name__)

GROUP_TITLES = {
    "structure": ("隶属与组成", "What was part of what"),
    "leadership": ("领导关系", "Who led what"),
    "jurisdiction": ("管辖", "Jurisdiction"),
}
KIND_TITLES = {
    "founded": ("设立", "founded"),
    "abolished": ("撤销", "abolished"),
    "renamed": ("更名为他名", "renamed"),
    "resulted": ("由更名或改设而来", "came from a renaming or restructuring"),
    "restructured": ("改设", "restructured"),
    "merged": ("合并", "merged"),
    "reformed": ("体制改革", "reformed"),
    "boundaries": ("区划调整", "boundaries changed"),
    "replaced": ("被取代", "replaced"),
    "replaces": ("取代", "replaces"),
}


def _dates(values: list[str], lang: str) -> list[str]:
    return [show_date(v, lang) for v in values]


@bp.app_template_global("history_date")
def history_date(value: str) -> str:
    """A date of an entity's history at its precision, in the page's language (or "undated")."""
    return show_date(value, current_lang()) if value else tr("未注明日期", "undated")


@bp.app_template_global("history_kind")
def history_kind(kind: str) -> str:
    """What an entity went through, in the page's language: 设立 / founded."""
    return tr(*KIND_TITLES[kind])


@page("/history")
def history() -> Response:
    svc, cat, lang = current_app.extensions["sipkg"], catalogue(), current_lang()
    span = asof.span(svc.select)
    this_year = dt.date.today().year
    first, last = span if span else (this_year, this_year)
    last = max(last, this_year)
    text = request.args.get("date", str(last))
    slider = {"min": max(first, 1900), "max": last}
    try:
        period = asof.Period.parse(text)
    except ValueError as e:
        return fail(400, str(e), "history/history.html", slider=slider, groups=GROUP_TITLES)
    found = asof.structure(svc.select, period)
    data = {
        **found,
        "display": show_date(period.lexical, lang),
        "bodies": [
            {
                **entity_json(cat, b["iri"]),
                **b,
                "begins_display": _dates(b["begins"], lang),
                "ends_display": _dates(b["ends"], lang),
            }
            for b in found["bodies"]
        ],
        "relations": {
            group: [
                {
                    **r,
                    "subject": entity_json(cat, r["subject"]),
                    "object": entity_json(cat, r["object"]),
                    "property_label": _property_label(cat, r["property"]),
                    "begins_display": _dates(r["begins"], lang),
                    "ends_display": _dates(r["ends"], lang),
                    "attested_display": _dates(r["attested"], lang),
                }
                for r in rows
            ]
            for group, rows in found["relations"].items()
        },
    }
    return answer("history/history.html", data, slider=slider, groups=GROUP_TITLES)


def _property_label(cat, iri: str) -> str:
    label = pick(cat.terms.get(iri, []))
    return label.text if label else iri.rsplit("#", 1)[-1]


# ---------------------------------------------------------------- what each build changed

FACTS_SHOWN = 20  # facts listed per document on /changes; the JSON of a record has them all


def _records() -> list[dict]:
    return changes.history(Path(current_app.config["STORE"]))


def _summary(change: dict) -> dict:
    """A change record as /changes lists it: counts per document, the first facts with labels."""
    cat = catalogue()
    docs = []
    for d in change["documents"]:
        docs.append(
            {
                **{k: d[k] for k in ("graph", "document", "title", "status")},
                "url": f"/doc/doc/{d['document']}",
                "added": len(d["facts_added"]),
                "removed": len(d["facts_removed"]),
                "facts": [
                    {**_fact(cat, f), "change": sign}
                    for sign, key in (("+", "facts_added"), ("−", "facts_removed"))
                    for f in d[key][:FACTS_SHOWN]
                ],
            }
        )
    return {
        **{k: change[k] for k in ("version", "built", "previous", "quads_added", "quads_removed")},
        "cleared": change["cleared"],
        "graphs": change["graphs"],
        "facts_added": sum(d["added"] for d in docs),
        "facts_removed": sum(d["removed"] for d in docs),
        "documents": docs,
        "url": f"/changes/{change['version']}",
        "patch": {
            "added": f"/changes/{change['version']}/{changes.ADDED}",
            "removed": f"/changes/{change['version']}/{changes.REMOVED}",
        },
    }


def _fact(cat, f: dict) -> dict:
    o = f["object"]
    return {
        "subject": entity_json(cat, f["subject"]),
        "predicate": _property_label(cat, f["predicate"]),
        "object": entity_json(cat, o["value"])
        if o["type"] == "uri"
        else {"label": o["value"], "url": None},
        "evidence": f["evidence"],
    }


@page("/changes")
def changes_page() -> Response:
    return answer("history/changes.html", {"builds": [_summary(c) for c in _records()]})


@bp.route("/changes/<version>")
@bp.route("/changes/<version>.json")
def change(version: str) -> Response:
    try:
        record = changes.load(Path(current_app.config["STORE"]), version)
    except changes.ChangeError as e:
        return fail(404, str(e), "history/changes.html")
    if request.path.endswith(".json"):
        return jsonify(record)
    return answer("history/changes.html", {"builds": [_summary(record)]})


@bp.route("/changes/<version>/<any(added.nq.gz, removed.nq.gz):name>")
def patch_file(version: str, name: str) -> Response:
    """The quads a mirror adds or removes to go from the previous build to `version`."""
    try:
        folder = changes.folder_of(Path(current_app.config["STORE"]), version)
    except changes.ChangeError as e:
        return Response(f"{e}\n", 404, mimetype="text/plain")
    return send_file(folder / name, mimetype="application/n-quads", as_attachment=True)


@bp.route("/changes.atom")
def changes_feed() -> Response:
    """An Atom feed of the builds, newest first, one entry per build with its facts per document."""
    records = _records()
    updated = records[0]["built"] if records else dt.datetime.now(dt.UTC).isoformat()
    body = render_template(
        "history/changes.atom.xml",
        builds=[_summary(c) for c in records],
        updated=updated,
        base=BASE,
        host=request.host_url.rstrip("/"),
    )
    return Response(body, mimetype="application/atom+xml")
