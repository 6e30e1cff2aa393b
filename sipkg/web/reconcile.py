"""/reconcile: the W3C Reconciliation Service API 0.2, as OpenRefine uses it.

GET /reconcile is the manifest; `queries=` (GET or POST form) reconciles a batch; `extend=` fetches
property values; /reconcile/suggest/{entity,type,property}, /reconcile/preview and
/reconcile/propose_properties complete the API. Entity ids are IRIs less `{base}/id/`
("org/community-work-committees"); classes and properties are our local names ("CommunityWorkCommittee"),
CURIEs ("org:Organization") or IRIs. Every answer allows any origin (CORS) and JSONP (`callback=`).
What the graph says is read once per dataset version, on top of the browsing catalogue and its index.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, jsonify, render_template, request

from sipkg import reconcile as rc
from sipkg.namespaces import DOC, ID, ORG_NS, PREFIXES, RDFS_LABEL, SIP_NS, SKOS_NS
from sipkg.search import Index, Name, has_cjk
from sipkg.web.browse import page_url
from sipkg.web.catalogue import Catalogue, catalogue
from sipkg.web.security import style_hash

bp = Blueprint("reconcile", __name__)

BATCH_SIZE = 50  # queries in one batch (413 above)
MAX_IDS = 500  # entities in one data-extension request
SUGGEST_PAGE = 10
CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(\.[A-Za-z_$][\w$]{0,63}){0,3}")
DEFAULT_TYPES = [
    "Organisation",
    "Facility",
    "Place",
    "Programme",
    "Plan",
    "Designation",
    "Event",
    "Publication",
]
# Properties offered first for data extension, when entities of the type have them.
FEATURED = [
    "name_zh",
    "name_en",
    SKOS_NS + "altLabel",
    ORG_NS + "subOrganizationOf",
    "founded",
    SIP_NS + "kind",
    ORG_NS + "classification",
    "http://www.w3.org/2002/07/owl#sameAs",
    SKOS_NS + "exactMatch",
    SKOS_NS + "note",
]
# Labels for terms the API shows that neither the ontology nor the catalogue labels.
EXTRA_LABELS = {
    "name_zh": ("中文名称", "name in Chinese"),
    "name_en": ("英文名称", "name in English"),
    "founded": ("成立日期", "founded"),
    RDFS_LABEL: ("名称", "label"),
    SKOS_NS + "altLabel": ("别名", "alias"),
    SKOS_NS + "prefLabel": ("首选名称", "preferred label"),
    SKOS_NS + "note": ("说明", "note"),
    ORG_NS + "Organization": ("组织", "Organization"),
    ORG_NS + "FormalOrganization": ("正式组织", "Formal organization"),
    ORG_NS + "subOrganizationOf": ("上级组织", "parent organisation"),
    ORG_NS + "linkedTo": ("关联组织", "linked to"),
    ORG_NS + "hasSubOrganization": ("下级组织", "sub-organisation"),
    ORG_NS + "reportsTo": ("汇报对象", "reports to"),
}
PREVIEW_STYLE = """
body { margin: 0; padding: 8px 10px; font: 13px/1.45 system-ui, "Noto Sans CJK SC", "WenQuanYi Zen Hei", sans-serif; color: #222; }
h1 { font-size: 15px; margin: 0; } .en { color: #555; margin: 0 0 4px; } .kind { color: #06c; font-size: 12px; }
dl { margin: 4px 0; display: grid; grid-template-columns: max-content 1fr; gap: 1px 8px; } dt { color: #666; } dd { margin: 0; }
.note { color: #444; margin: 4px 0; } a { color: #06c; }
"""
PREVIEW_FACTS = [
    ORG_NS + "subOrganizationOf",
    "founded",
    SIP_NS + "kind",
    SIP_NS + "locatedIn",
    SIP_NS + "partOf",
    SIP_NS + "serviceWindowOf",
    SIP_NS + "underLeadershipOf",
]
FOUNDED = """
SELECT ?e ?d WHERE { { ?ev sip:establishes ?e ; dct:date ?d } UNION { ?e sip:startDate ?d } }"""


class ApiError(Exception):
    """A request the API refuses: an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@bp.errorhandler(ApiError)
def _api_error(e: ApiError) -> Response:
    response = jsonify({"status": "error", "error": e.message})
    response.status_code = e.status
    return response


@bp.after_request
def _cors(response: Response) -> Response:
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


def _preflight() -> Response:
    return Response(
        status=204,
        headers={
            "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type, Accept",
            "Access-Control-Max-Age": "86400",
        },
    )


# ---------------------------------------------------------------- what the graph says, per version

TYPES = f"""
SELECT DISTINCT ?e ?c WHERE {{
  ?e a ?t . ?t rdfs:subClassOf* ?c . FILTER(isIRI(?c))
  FILTER(STRSTARTS(STR(?e), "{ID}") && !STRSTARTS(STR(?e), "{DOC}"))
}}"""

FACTS = f"""
SELECT ?e ?p ?o WHERE {{
  ?e ?p ?o FILTER(STRSTARTS(STR(?e), "{ID}") && !STRSTARTS(STR(?e), "{DOC}"))
  FILTER(?p NOT IN (rdf:type, sip:mentionedIn, dct:isReferencedBy))
}}"""


class Reconciler:
    """The reconciliation view of one dataset version: `Known` plus indexes of classes and properties."""

    def __init__(self, svc, cat: Catalogue):
        self.cat = cat
        labels = {iri: [(t.value, t.language) for t in ts] for iri, ts in cat.terms.items()}
        for iri, (zh, en) in EXTRA_LABELS.items():
            labels.setdefault(iri, [(zh, "zh-hans"), (en, "en")])
        aliases = {}
        for e in cat.entities.values():
            labels[e.iri] = [(t.value, t.language) for t in e.labels]
            aliases[e.iri] = [(t.value, t.language) for t in e.aliases]
        types: dict[str, set[str]] = {}
        for row in svc.select(TYPES):
            types.setdefault(row["e"].value, set()).add(row["c"].value)
        facts: dict[str, dict[str, list[rc.Value]]] = {}
        for row in svc.select(FACTS):
            facts.setdefault(row["e"].value, {}).setdefault(row["p"].value, []).append(
                _value(row["o"])
            )
        for row in svc.select(FOUNDED):
            facts.setdefault(row["e"].value, {}).setdefault("founded", []).append(_value(row["d"]))
        for iri, props in facts.items():
            for text, lang in labels.get(iri, []):
                key = (
                    "name_zh"
                    if lang.startswith("zh")
                    else "name_en"
                    if lang.startswith("en")
                    else ""
                )
                if key:
                    props.setdefault(key, []).append(rc.Value(text, language=lang))
        self.known = rc.Known(
            cat.index,
            labels,
            aliases,
            {e: frozenset(cs) for e, cs in types.items()},
            facts,
            ID,
            dict(PREFIXES),
            SIP_NS,
            frozenset(("name_zh", "name_en", "founded")),
        )
        classes = {c for cs in types.values() for c in cs}
        properties = {p for ps in facts.values() for p in ps}
        self.classes, self.properties = self._term_index(classes), self._term_index(properties)

    def _term_index(self, iris: set[str]) -> Index:
        """A search index over the labels and ids of classes or properties, for suggest."""
        names = [Name(i, t, lang) for i in iris for t, lang in self.known.labels.get(i, [])]
        names += [Name(i, self.known.term_id(i), alias=True) for i in iris]
        return Index(names, [])

    def label(self, iri: str, zh: bool = True) -> str:
        """The label in Chinese (or English), else the other, else the id."""
        found = self.known.labels.get(iri, [])
        for want_zh in (zh, not zh):
            for text, lang in found:
                if lang.startswith("zh") == want_zh:
                    return text
        return self.known.entity_id(iri) if iri.startswith(ID) else self.known.term_id(iri)

    def bilingual(self, iri: str) -> str:
        zh, en = self.label(iri, True), self.label(iri, False)
        return zh if zh == en else f"{zh} / {en}"

    def entity_types(self, iri: str) -> list[dict]:
        e = self.cat.entities.get(iri)
        return [
            {"id": self.known.term_id(c), "name": self.bilingual(c)}
            for c in (e.classes if e else [])
        ]

    def description(self, iri: str, zh: bool = True) -> str:
        e = self.cat.entities.get(iri)
        notes = [t.value for t in (e.notes if e else []) if t.language.startswith("zh") == zh]
        types = [self.label(c, zh) for c in (e.classes if e else [])]
        return "; ".join(types + notes[:1])


def _value(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rc.Value:
    if not isinstance(term, ox.Literal):
        return rc.Value(term.value, is_iri=True)
    return rc.Value(
        term.value, datatype=term.datatype.value, language=(term.language or "").lower()
    )


def service() -> Reconciler:
    """The reconciliation view of the dataset in service, rebuilt when its version changes."""
    svc = current_app.extensions["sipkg"]
    return svc.per_version("reconcile", lambda: Reconciler(svc, catalogue()))


# ---------------------------------------------------------------- answers


def reply(data: dict) -> Response:
    """JSON, or JSONP when a (strictly checked) `callback` is given."""
    callback = request.args.get("callback")
    if callback is None:
        return jsonify(data)
    if not CALLBACK.fullmatch(callback):
        raise ApiError(
            400,
            "callback must be a JavaScript identifier (letters, digits, _ and $, dotted at most 3 times)",
        )
    body = f"/**/{callback}({json.dumps(data, ensure_ascii=False)});"
    return Response(body, mimetype="application/javascript")


def _json_param(name: str) -> object:
    try:
        return json.loads(request.values[name])
    except json.JSONDecodeError as e:
        raise ApiError(400, f"{name} is not valid JSON: {e}") from None


def _root() -> str:
    return request.host_url.rstrip("/")


@bp.route("/reconcile", methods=["GET", "POST", "OPTIONS"])
def endpoint() -> Response:
    if request.method == "OPTIONS":
        return _preflight()
    given = [k for k in ("queries", "extend") if k in request.values]
    if len(given) > 1:
        raise ApiError(400, "send either queries= or extend=, not both")
    if given == ["queries"]:
        return reply(reconcile_batch(_json_param("queries")))
    if given == ["extend"]:
        return reply(extend(_json_param("extend")))
    if request.method == "POST":
        raise ApiError(
            400,
            "a POST carries queries= (a reconciliation batch) or extend= (a data extension query)",
        )
    return reply(manifest())


def manifest() -> dict:
    srv, root = service(), _root()
    return {
        "versions": ["0.1", "0.2"],
        "name": "苏州工业园区知识图谱 · Suzhou Industrial Park knowledge graph",
        "identifierSpace": ID,
        "schemaSpace": SIP_NS,
        "defaultTypes": [
            {"id": t, "name": srv.bilingual(SIP_NS + t)}
            for t in DEFAULT_TYPES
            if SIP_NS + t in srv.known.labels
        ],
        "view": {"url": f"{root}/id/{{{{id}}}}"},
        "preview": {"url": f"{root}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 180},
        "suggest": {
            kind: {"service_url": root, "service_path": f"/reconcile/suggest/{kind}"}
            for kind in ("entity", "type", "property")
        },
        "extend": {
            "propose_properties": {
                "service_url": root,
                "service_path": "/reconcile/propose_properties",
            },
            "property_settings": [
                {
                    "name": "limit",
                    "label": "Values per cell / 每格最多值数",
                    "type": "number",
                    "default": 0,
                    "help_text": "0 for every value",
                }
            ],
        },
        "batchSize": BATCH_SIZE,
    }


def reconcile_batch(batch: object) -> dict:
    srv = service()
    try:
        queries = rc.parse_batch(batch, srv.known, BATCH_SIZE)
    except rc.BadQuery as e:
        raise ApiError(400, str(e)) from None
    except OverflowError as e:
        raise ApiError(413, str(e)) from None
    return {
        key: {"result": [_candidate(srv, c, q) for c in rc.reconcile(q, srv.known)]}
        for key, q in queries.items()
    }


def _candidate(srv: Reconciler, c: rc.Candidate, q: rc.Query) -> dict:
    zh = has_cjk(q.text) or not q.text
    out = {
        "id": srv.known.entity_id(c.iri),
        "name": srv.label(c.iri, zh),
        "type": srv.entity_types(c.iri),
        "score": c.score,
        "match": c.match,
        "features": c.features,
    }
    description = srv.description(c.iri, zh)
    if description:
        out["description"] = description
    return out


# ---------------------------------------------------------------- suggest, preview


def _prefix() -> str:
    prefix = (request.args.get("prefix") or "").strip()
    if not prefix:
        raise ApiError(400, "give the text typed so far as prefix=")
    if len(prefix) > 200:
        raise ApiError(400, "prefix is at most 200 characters")
    return prefix


def _cursor() -> int:
    cursor = request.args.get("cursor", "0")
    if not cursor.isdigit():
        raise ApiError(400, "cursor must be a whole number of suggestions to skip")
    return int(cursor)


@bp.route("/reconcile/suggest/entity")
def suggest_entity() -> Response:
    srv, prefix, cursor = service(), _prefix(), _cursor()
    wanted = [srv.known.term_iri(t) for t in request.args.getlist("type") if t]
    keep = (
        (lambda iri: any(t in srv.known.types.get(iri, ()) for t in wanted))
        if wanted
        else (lambda iri: True)
    )
    zh = has_cjk(prefix)
    result = [
        {
            "id": srv.known.entity_id(iri),
            "name": srv.label(iri, zh),
            "description": srv.description(iri, zh),
            "notable": srv.entity_types(iri),
        }
        for iri, _ in rc.suggest(srv.cat.index, prefix, cursor, SUGGEST_PAGE, keep)
    ]
    return reply({"prefix": prefix, "result": result})


@bp.route("/reconcile/suggest/type")
def suggest_type() -> Response:
    srv, prefix, cursor = service(), _prefix(), _cursor()
    result = [
        {"id": srv.known.term_id(iri), "name": srv.bilingual(iri), "description": iri}
        for iri, _ in rc.suggest(srv.classes, prefix, cursor, SUGGEST_PAGE)
    ]
    return reply({"prefix": prefix, "result": result})


@bp.route("/reconcile/suggest/property")
def suggest_property() -> Response:
    srv, prefix, cursor = service(), _prefix(), _cursor()
    result = [
        {"id": srv.known.term_id(iri), "name": srv.bilingual(iri), "description": iri}
        for iri, _ in rc.suggest(srv.properties, prefix, cursor, SUGGEST_PAGE)
    ]
    return reply({"prefix": prefix, "result": result})


@bp.route("/reconcile/preview")
def preview() -> Response:
    srv = service()
    id_ = request.args.get("id", "")
    iri = srv.known.entity_iri(id_) if id_ else ""
    entity = srv.cat.entities.get(iri)
    if entity is None:
        body = render_template("reconcile/preview.html", style=PREVIEW_STYLE, entity=None, id=id_)
        return _framable(body, status=404 if id_ else 400)
    facts = srv.known.facts.get(iri, {})
    shown = [
        (srv.label(pid), [srv.label(v.text) if v.is_iri else v.text for v in facts[pid][:3]])
        for pid in PREVIEW_FACTS
        if facts.get(pid)
    ]
    return _framable(
        render_template(
            "reconcile/preview.html",
            style=PREVIEW_STYLE,
            entity=entity,
            id=id_,
            zh=srv.label(iri, True),
            en=srv.label(iri, False),
            kinds=[srv.bilingual(c) for c in entity.classes],
            note=next((t.value for t in entity.notes if t.language.startswith("zh")), ""),
            facts=shown[:3],
            url=page_url(iri),
        )
    )


def _framable(body: str, status: int = 200) -> Response:
    """A preview card: other sites (OpenRefine) may frame it; it runs no script and loads nothing."""
    policy = f"default-src 'none'; style-src {style_hash(PREVIEW_STYLE)}; frame-ancestors *; base-uri 'none'; form-action 'none'"
    return Response(body, status=status, headers={"Content-Security-Policy": policy})


# ---------------------------------------------------------------- data extension


@bp.route("/reconcile/propose_properties")
def propose_properties() -> Response:
    srv = service()
    type_id = request.args.get("type", "")
    limit = request.args.get("limit", "20")
    if not limit.isdigit() or int(limit) < 1:
        raise ApiError(400, "limit must be a positive whole number")
    type_iri = srv.known.term_iri(type_id) if type_id else ""
    if type_iri and not srv.known.is_term(type_iri):
        raise ApiError(400, f"unknown type {type_id!r} (see /reconcile/suggest/type)")
    counts: Counter[str] = Counter()
    for iri, props in srv.known.facts.items():
        if not type_iri or type_iri in srv.known.types.get(iri, ()):
            counts.update(props.keys())
    named = [p for p in counts if p in srv.known.labels]
    ordered = [p for p in FEATURED if p in counts] + sorted(
        (p for p in named if p not in FEATURED), key=lambda p: (-counts[p], p)
    )
    properties = [
        {"id": srv.known.term_id(p), "name": srv.bilingual(p)} for p in ordered[: int(limit)]
    ]
    return reply({"type": type_id, "limit": int(limit), "properties": properties})


def extend(query: object) -> dict:
    srv = service()
    if (
        not isinstance(query, dict)
        or not isinstance(query.get("ids"), list)
        or not isinstance(query.get("properties"), list)
    ):
        raise ApiError(
            400, 'extend must be {"ids": [entity ids], "properties": [{"id": a property id}]}'
        )
    ids, props = query["ids"], query["properties"]
    if not all(isinstance(i, str) and i for i in ids):
        raise ApiError(400, "extend: ids must be entity ids (strings)")
    if len(ids) > MAX_IDS:
        raise ApiError(413, f"extend: at most {MAX_IDS} ids per request (got {len(ids)})")
    wanted = []
    for p in props:
        if not isinstance(p, dict) or not isinstance(p.get("id"), str) or not p["id"]:
            raise ApiError(400, 'extend: each property is {"id": a property id, "settings"?: {…}}')
        pid = srv.known.term_iri(p["id"])
        if not srv.known.is_term(pid):
            raise ApiError(
                400, f"extend: unknown property {p['id']!r} (see /reconcile/propose_properties)"
            )
        limit = (
            (p.get("settings") or {}).get("limit", 0) if isinstance(p.get("settings"), dict) else 0
        )
        if isinstance(limit, str) and limit.isdigit():
            limit = int(limit)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 0:
            raise ApiError(
                400, f"extend: property {p['id']}: settings.limit must be a whole number ≥ 0"
            )
        wanted.append((p["id"], pid, limit))
    meta = []
    for given, pid, _ in wanted:
        m = {"id": given, "name": srv.bilingual(pid)}
        objects = [v.text for e in srv.known.facts.values() for v in e.get(pid, []) if v.is_iri][
            :50
        ]
        classes = Counter(
            c
            for o in objects
            for c in (srv.cat.entities[o].classes if o in srv.cat.entities else [])
        )
        if classes:
            top = classes.most_common(1)[0][0]
            m["type"] = {"id": srv.known.term_id(top), "name": srv.bilingual(top)}
        meta.append(m)
    rows = {}
    for id_ in ids:
        facts = srv.known.facts.get(srv.known.entity_iri(id_), {})
        rows[id_] = {
            given: [_cell(srv, v) for v in facts.get(pid, [])][: limit or None]
            for given, pid, limit in wanted
        }
    return {"meta": meta, "rows": rows}


def _cell(srv: Reconciler, v: rc.Value) -> dict:
    """A value as data extension writes it: a reconciled entity, a number, a date or a string."""
    if v.is_iri:
        if v.text in srv.known.labels:
            return {"id": srv.known.entity_id(v.text), "name": srv.label(v.text)}
        return {"str": v.text}
    kind = v.datatype.rpartition("#")[2]
    try:
        if kind in ("integer", "int", "long", "nonNegativeInteger", "positiveInteger"):
            return {"int": int(v.text)}
        if kind in ("decimal", "double", "float"):
            return {"float": float(v.text)}
    except ValueError:
        return {"str": v.text}
    if kind == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v.text):
        return {"date": v.text + "T00:00:00+00:00"}
    if kind == "dateTime":
        return {"date": v.text if re.search(r"(Z|[+-]\d\d:\d\d)$", v.text) else v.text + "+00:00"}
    return {"str": v.text}
