"""The browser for people: home, lists by kind, search, entity pages with evidence, documents.

Every thing's IRI `{base}/id/{type}/{key}` answers 303 to `/doc/{type}/{key}`, which serves HTML,
JSON (the page's data), Turtle, JSON-LD, N-Triples or RDF/XML by Accept (q-values honoured) or by
suffix (.html .json .ttl .jsonld .nt .rdf). Every page has a JSON twin. `page_url(iri)` is where
a page about an IRI lives; templates call it as `link(iri)`. The graph's records under `/data/` and
`/graph/` answer at their own IRIs (`sipkg/web/records.py`).
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    request,
)

from sipkg import asof, jsonld
from sipkg.derived import PARK
from sipkg.figures import readable
from sipkg.namespaces import ASSERTED_GRAPH, BASE, ID, PREFIXES
from sipkg.store.sparqltext import is_iri
from sipkg.web import facts, reading
from sipkg.web.catalogue import KINDS, Catalogue, Text, catalogue, derived
from sipkg.web.i18n import current_lang, pick
from sipkg.web.twin import HTML, PAGE_MEDIA, answer, json_suffix, negotiate

bp = Blueprint("browse", __name__)

RDF_MEDIA = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
SUFFIXES = {
    ".html": "text/html",
    ".json": "application/json",
    ".ttl": "text/turtle",
    ".jsonld": "application/ld+json",
    ".nt": "application/n-triples",
    ".rdf": "application/rdf+xml",
}
PER_GROUP = 10  # facts shown per relation before paging
PER_PAGE = 100  # entities on one page of a list by kind
HOME_SHOWN = 20  # programmes on the home page; the list of programmes has them all
SENTENCE = re.compile(r"doc/([^/]+)/(sentence|paragraph)/(\d+)")
KEY = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def page_url(iri: str) -> str:
    """The local page about `iri`: /doc/… for things, the document view (anchored) for sentences."""
    if iri.startswith(ID):
        rest = iri[len(ID) :]
        m = SENTENCE.fullmatch(rest)
        if m:
            return f"/doc/doc/{m[1]}#{m[2][0]}{m[3]}"
        return "/doc/" + rest
    if iri.startswith((BASE + "/def/", BASE + "/data/", BASE + "/graph/")):
        return iri[len(BASE) :]
    return iri


@bp.app_template_global("link")
def _link(iri: str) -> str:
    return page_url(iri)


@bp.app_template_global("name_of")
def name_of(iri: str):
    """The label of anything the catalogue knows, in the page's language (None when it has none)."""
    return pick(catalogue().labels(iri))


def split_suffix(path: str) -> tuple[str, str | None]:
    for suffix, media in SUFFIXES.items():
        if path.endswith(suffix):
            return path[: -len(suffix)], media
    return path, None


def texts(literals: list[Text]) -> dict[str, list[str]]:
    """Literals grouped by language for JSON: {"zh-hans": […], "en": […]}."""
    out: dict[str, list[str]] = {}
    for t in literals:
        out.setdefault(t.language or "", []).append(t.value)
    return out


def class_of(cat: Catalogue, classes: list[str]):
    """The entity's class label in the page's language (the first asserted class with a label)."""
    for c in classes:
        label = pick(cat.terms.get(c, []))
        if label:
            return label
    return None


def paging(page: int, per_page: int, total: int, shown: int) -> dict:
    """Where a page sits in a long list, for the JSON twin and the pager: "first–last of total"."""
    first = (page - 1) * per_page + 1 if shown else 0
    return {
        "page": page,
        "per_page": per_page,
        "pages": max(1, -(-total // per_page)),
        "total": total,
        "first": first,
        "last": first + shown - 1 if shown else 0,
    }


@bp.app_template_global("page_link")
def page_link(page: int) -> str:
    """This request's URL showing another page of its list (other parameters kept)."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    return request.path + "?" + urlencode([*args, ("page", page)])


MAX_PAGE = 999_999_999


def page_number() -> int:
    """The `page` parameter of a list: a whole number from 1 to MAX_PAGE; anything else is a 400.

    Past MAX_PAGE no list has pages (and its offset would not fit the derived store's integers).
    """
    page = page_asked()
    if page is None:
        abort(
            Response(
                f"400 Bad Request: page must be a whole number from 1 to {MAX_PAGE}\n",
                400,
                mimetype="text/plain",
            )
        )
    return page


def page_asked() -> int | None:
    """The `page` parameter (default 1) when it is a whole number from 1 to MAX_PAGE, else None."""
    raw = request.args.get("page", "1")
    return int(raw) if re.fullmatch(r"[0-9]{1,9}", raw) and int(raw) >= 1 else None


def entity_json(cat: Catalogue, iri: str) -> dict:
    e = cat.entities.get(iri)
    label = pick(cat.labels(iri))
    out = {"iri": iri, "url": page_url(iri), "label": label.text if label else iri}
    if e:
        kind = class_of(cat, e.classes)
        out.update(type=e.type, kind=kind.text if kind else None, classes=e.classes)
    return out


# ---------------------------------------------------------------- home and lists

HEADLINE_SHOWN = 12  # the latest figures; the statistics page has them all


@bp.route("/favicon.ico")
def favicon() -> Response:
    """The site's icon where browsers and feed readers look for it first (pages link the SVG)."""
    return current_app.send_static_file("favicon.ico")


@bp.route("/")
@bp.route("/index.json")
def home() -> Response:
    media = negotiate(PAGE_MEDIA, json_suffix())
    cat, d = catalogue(), derived()
    counts = {t: len(cat.of_type(t)) for t in KINDS}
    key_orgs = d.connected()
    headline = _latest_per_indicator(d.headline())[:HEADLINE_SHOWN]
    every = sorted(cat.of_type("programme"), key=lambda e: _sort_label(e.labels))
    programmes = every[:HOME_SHOWN]
    documents = sorted(cat.documents)
    data = {
        "version": cat.version,
        "counts": counts,
        "documents": len(documents),
        "sentences": len(cat.sentences),
        "park": entity_json(cat, PARK) if PARK in cat.entities else None,
        "key_institutions": [{**entity_json(cat, e), "facts": n} for e, n in key_orgs],
        "programmes": [entity_json(cat, e.iri) for e in programmes],
        "programmes_count": len(every),
        "headline_statistics": [_obs_json(cat, o) for o in headline],
    }
    context = {
        "cat": cat,
        "counts": counts,
        "kinds": KINDS,
        "key_orgs": key_orgs,
        "headline": [(o, _obs_json(cat, o)) for o in headline],
        "programmes": programmes,
        "programmes_count": len(every),
        "documents": documents,
        "park": cat.entities.get(PARK),
    }
    return answer("browse/home.html", data, media=media, json_url="/index.json", **context)


def _latest_per_indicator(rows: list[dict]) -> list[dict]:
    """The most recent figure of each headline indicator."""
    seen: dict[str, dict] = {}
    for r in rows:
        seen.setdefault(r["indicator"], r)
    return list(seen.values())


def _obs_json(cat: Catalogue, o: dict) -> dict:
    ind, unit = pick(cat.labels(o["indicator"])), pick(cat.labels(o.get("unit", "")))
    about = pick(cat.labels(PARK))
    return {
        "iri": o["obs"],
        "about": about.text if about else PARK,
        "indicator": ind.text if ind else o["indicator"],
        "value": o["value"],
        "readable": readable(float(o["value"]), o.get("unit", ""), current_lang()),
        "unit": unit.text if unit else o.get("unit"),
        "stated": o.get("stated"),
        "period": o.get("period"),
    }


def _sort_label(labels: list[Text]) -> str:
    label = pick(labels)
    return label.text if label else ""


@bp.route("/kind/<type_>")
def kind(type_: str) -> Response:
    type_, suffix = split_suffix(type_)
    media = negotiate(PAGE_MEDIA, suffix)
    if type_ not in KINDS:
        abort(404)
    page = page_number()
    cat = catalogue()
    every = sorted(cat.of_type(type_), key=lambda e: (_sort_label(e.labels), e.key))
    entities = every[(page - 1) * PER_PAGE : page * PER_PAGE]
    where = paging(page, PER_PAGE, len(every), len(entities))
    data = {
        "type": type_,
        "title": dict(zip(("zh", "en"), KINDS[type_])),
        "entities": [entity_json(cat, e.iri) for e in entities],
        "paging": where,
    }
    context = {
        "type_": type_,
        "title": KINDS[type_],
        "entities": entities,
        "cat": cat,
        "paging": where,
    }
    conferrals = _conferrals(cat) if type_ == "designation" else {}
    if type_ == "designation":
        for e in data["entities"]:
            e["conferrals"] = conferrals.get(e["iri"], [])
    context["conferrals"] = conferrals
    return answer("browse/kind.html", data, media=media, json_url=f"/kind/{type_}.json", **context)


CONFERRALS = """
SELECT ?designation ?conferral ?date ?conferrer ?recipient WHERE {
  ?conferral a sip:Conferral ; sip:confers ?designation .
  OPTIONAL { ?conferral dct:date ?date } OPTIONAL { ?conferral sip:conferredBy ?conferrer }
  OPTIONAL { ?conferral sip:recipient ?recipient }
}"""


def _conferrals(cat: Catalogue) -> dict[str, list[dict]]:
    """Each designation's conferrals, dated ones in date order: date, conferrers and recipients."""
    found: dict[str, dict[str, dict]] = {}
    for r in current_app.extensions["sipkg"].rows(CONFERRALS):
        c = found.setdefault(r["designation"], {}).setdefault(
            r["conferral"], {**entity_json(cat, r["conferral"]), "conferrers": [], "recipients": []}
        )
        if r.get("date"):
            c["date"] = r["date"]
        for role in ("conferrer", "recipient"):
            who = r.get(role)
            if who and all(x["iri"] != who for x in c[role + "s"]):
                c[role + "s"].append(entity_json(cat, who))
    return {
        d: sorted(cs.values(), key=lambda c: (not c.get("date"), c.get("date", "")))
        for d, cs in found.items()
    }


# ---------------------------------------------------------------- search


@bp.route("/search")
@bp.route("/search.json")
def search() -> Response:
    media = negotiate(PAGE_MEDIA, json_suffix())
    query = (request.args.get("q") or "").strip()
    if len(query) > 200:
        abort(
            Response(
                "400 Bad Request: a search is at most 200 characters\n", 400, mimetype="text/plain"
            )
        )
    cat = catalogue()
    hits = cat.index.search(query, limit=60) if query else []
    results = [_hit_json(cat, h) for h in hits]
    data = {"query": query, "count": len(results), "results": results}
    context = {"query": query, "hits": hits, "results": results, "cat": cat}
    json_url = "/search.json?" + request.query_string.decode("utf-8", "replace")
    return answer("browse/search.html", data, media=media, json_url=json_url, **context)


def _hit_json(cat: Catalogue, h) -> dict:
    if h.kind == "entity":
        e = cat.entities[h.iri]
        note = pick(e.notes)
        return {
            **entity_json(cat, h.iri),
            "kind_of_hit": "entity",
            "score": h.score,
            "matched": h.matched,
            "how": h.how,
            "snippet": note.text if note else "",
        }
    title = pick(cat.documents.get(h.doc, []))
    return {
        "kind_of_hit": "sentence",
        "iri": h.iri,
        "url": page_url(h.iri),
        "score": h.score,
        "document": h.doc,
        "document_title": title.text if title else h.doc,
        "index": h.index,
        "snippet": [{"text": t, "match": m} for t, m in h.snippet],
    }


# ---------------------------------------------------------------- linked data


@bp.route("/id/<path:rest>")
def identifier(rest: str) -> Response:
    """A thing's IRI: 303 See Other to the document about it."""
    return redirect(
        "/doc/" + quote(rest, safe="/"), 303
    )  # quoted: a decoded newline cannot split the header


@bp.route("/doc/<path:rest>")
def document(rest: str) -> Response:
    rest, suffix = split_suffix(rest)
    m = SENTENCE.fullmatch(rest)
    if m:
        media = negotiate(["text/html", *RDF_MEDIA], suffix)
        if media == "text/html":
            return redirect(page_url(ID + rest), 303)
        return rdf(ID + rest, media)
    type_, _, key = rest.partition("/")
    if not KEY.fullmatch(key or "-") or not (type_ in KINDS or type_ == "doc"):
        abort(404)
    if type_ == "doc":
        return source_document(ID + rest, f"/doc/{rest}", suffix)
    return resource(ID + rest, f"/doc/{rest}", suffix)


def resource(iri: str, path: str, suffix: str | None) -> Response:
    media = negotiate([*PAGE_MEDIA, *RDF_MEDIA], suffix)
    svc, cat = current_app.extensions["sipkg"], catalogue()
    known = (
        iri in cat.entities
        or iri in cat.terms
        or (is_iri(iri) and svc.ask(f"ASK {{ <{iri}> ?p ?o }}"))
    )
    if not known:
        return not_found(iri)
    if media in RDF_MEDIA:
        return rdf(iri, media)
    d = facts.describe(svc, iri, cat)
    page = page_number()
    shown_group = request.args.get("rel")
    pages = {g.id: (page if g.id == shown_group else 1) for g in d.groups}
    entity = cat.entities.get(iri)
    changes = [
        {
            **e,
            "event": entity_json(cat, e["event"]) if e["event"] else None,
            "other": entity_json(cat, e["other"]) if e.get("other") else None,
        }
        for e in asof.history(svc.select, iri)
    ]
    data = {
        **entity_json(cat, iri),
        "labels": texts(cat.labels(iri)),
        "aliases": texts(entity.aliases) if entity else {},
        "notes": texts(entity.notes) if entity else {},
        "relations": [_group_json(cat, g, pages[g.id]) for g in d.groups],
        "statistics": [_observation_json(cat, o) for o in d.observations],
        "mentioned_in": [page_url(s) for s in d.mentions],
        "history": changes,
    }
    alternates = [
        (media_type, path + ext)
        for ext, media_type in SUFFIXES.items()
        if media_type != "text/html"
    ]
    context = {
        "iri": iri,
        "entity": entity,
        "d": d,
        "cat": cat,
        "pages": pages,
        "per_group": PER_GROUP,
        "alternates": alternates,
        "kind_label": class_of(cat, entity.classes) if entity else None,
        "path": path,
        "sentences": cat.sentences,
        "history": changes,
        "asserted_graph": ASSERTED_GRAPH,
    }
    return answer("browse/entity.html", data, media=media, json_url=path + ".json", **context)


def _fact_json(cat: Catalogue, f: facts.Fact) -> dict:
    out: dict = {
        "value": f.other,
        "inferred": f.inferred,
        "curated": f.curated,
        "evidence": [e.to_json() | {"url": page_url(e.sentence)} for e in f.evidence],
    }
    if f.is_iri:
        label = pick(cat.labels(f.other))
        out.update(iri=f.other, url=page_url(f.other), label=label.text if label else f.other)
    elif f.datatype:
        out["datatype"] = f.datatype
    return out


def _group_json(cat: Catalogue, g: facts.Group, page: int) -> dict:
    label = pick(cat.labels(g.label_predicate))
    start = (page - 1) * PER_GROUP
    return {
        "id": g.id,
        "predicate": g.predicate,
        "direction": g.direction,
        "label": label.text if label else g.label_predicate,
        "count": len(g.facts),
        "page": page,
        "facts": [_fact_json(cat, f) for f in g.facts[start : start + PER_GROUP]],
    }


def _observation_json(cat: Catalogue, o: facts.Observation) -> dict:
    ind, unit = pick(cat.labels(o.indicator)), pick(cat.labels(o.unit))
    return {
        "iri": o.iri,
        "indicator": ind.text if ind else o.indicator,
        "value": o.value,
        "unit": unit.text if unit else o.unit,
        "stated": o.stated,
        "period": o.period,
        "area": o.area,
        "subject": o.subject,
        "evidence": [e.to_json() | {"url": page_url(e.sentence)} for e in o.evidence],
    }


DESCRIBE = """
CONSTRUCT {
  <%(e)s> ?p ?o . ?o rdfs:label ?ol . ?s ?q <%(e)s> . ?s rdfs:label ?sl .
  ?st ?sp ?so . ?ev ?ep ?eo . ?t ?tp ?to . ?sel ?selp ?selo .
} WHERE {
  { <%(e)s> ?p ?o OPTIONAL { ?o rdfs:label ?ol } }
  UNION { ?s ?q <%(e)s> FILTER(isIRI(?s) && !STRSTARTS(STR(?s), "%(base)s/data/")) OPTIONAL { ?s rdfs:label ?sl } }
  UNION { ?st rdf:subject <%(e)s> ; ?sp ?so }
  UNION { ?st rdf:subject <%(e)s> ; prov:wasDerivedFrom ?ev . ?ev ?ep ?eo }
  UNION { ?st rdf:subject <%(e)s> ; prov:wasDerivedFrom/oa:hasTarget ?t . ?t ?tp ?to }
  UNION { ?st rdf:subject <%(e)s> ; prov:wasDerivedFrom/oa:hasTarget/oa:hasSelector ?sel . ?sel ?selp ?selo }
}"""


def rdf(iri: str, media: str, describe: str = DESCRIBE) -> Response:
    """What the graph says about `iri` (and its statements with their evidence), in an RDF format.

    `describe` is the CONSTRUCT that gathers it (`%(e)s` the IRI): an entity's by default.
    """
    if not is_iri(iri):  # text from the URL that would break out of <…> in the query
        return not_found(iri)
    triples = current_app.extensions["sipkg"].graph(describe % {"e": iri, "base": BASE})
    if not triples:
        return not_found(iri)
    prefixes = PREFIXES if media in ("text/turtle", "application/rdf+xml") else None
    body = jsonld.serialize(triples, RDF_MEDIA[media], prefixes)
    response = Response(body, mimetype=media)
    response.vary.add("Accept")
    return response


def not_found(iri: str) -> Response:
    """404 as the page (for browsers and */*), its JSON, or plain text when Accept wants neither."""
    accept = request.accept_mimetypes
    media = HTML if accept.best in (None, "*/*") else accept.best_match(PAGE_MEDIA)
    if media is None:
        return Response(
            f"404 Not Found: the graph says nothing about <{iri}>\n", 404, mimetype="text/plain"
        )
    data = {"error": "not found", "iri": iri}
    return answer("browse/notfound.html", data, media=media, json_url="", status=404, iri=iri)


# ---------------------------------------------------------------- documents


def source_document(iri: str, path: str, suffix: str | None) -> Response:
    media = negotiate([*PAGE_MEDIA, *RDF_MEDIA], suffix)
    cat = catalogue()
    if iri not in cat.documents:
        return not_found(iri)
    if media in RDF_MEDIA:
        return rdf(iri, media)
    view = reading.read(current_app.extensions["sipkg"], iri, cat)
    data = {
        "iri": iri,
        "titles": texts(view.titles),
        "metadata": [
            {"predicate": p, "value": v.value if isinstance(v, Text) else v}
            for p, v in view.meta
            if v is not None
        ],
        "unrecorded": view.unrecorded,
        "paragraphs": [
            {
                "index": p.index,
                "furniture": p.furniture,
                "sentences": [
                    {
                        "index": s.index,
                        "iri": s.iri,
                        "anchor": f"s{s.index}",
                        "furniture": s.furniture,
                        "text": "".join(t for t, _ in s.pieces),
                        "mentions": [{"text": t, "iri": e} for t, e in s.pieces if e],
                    }
                    for s in p.sentences
                ],
            }
            for p in view.paragraphs
        ],
    }
    alternates = [
        (media_type, path + ext)
        for ext, media_type in SUFFIXES.items()
        if media_type != "text/html"
    ]
    context = {"view": view, "iri": iri, "alternates": alternates, "cat": cat, "Text": Text}
    return answer("browse/document.html", data, media=media, json_url=path + ".json", **context)
